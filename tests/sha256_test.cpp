// The sha256 results list for their inputs: FIPS 180-2's test vectors.
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "sim/io/sha256.h"
#include "tests/test_support.h"

namespace coesim::io {
namespace {

TEST(Sha256, MatchesThePublishedVectors) {
  EXPECT_EQ(sha256_file(testing::write_temp_file("coesim-sha-empty", "")).sha256,
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  const FileDigest abc = sha256_file(testing::write_temp_file("coesim-sha-abc", "abc"));
  EXPECT_EQ(abc.sha256, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(abc.bytes, 3u);
  // More than one read buffer (1 MiB): a million 'a'.
  EXPECT_EQ(sha256_file(testing::write_temp_file("coesim-sha-million", std::string(1000000, 'a'))).sha256,
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  EXPECT_THROW(sha256_file("/nonexistent/coesim-file"), std::runtime_error);
}

}  // namespace
}  // namespace coesim::io
