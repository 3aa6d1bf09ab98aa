#pragma once
// Shared by the trace importer fuzz targets (one per format): imports the
// bytes in one format, stopping at the first bad row and again skipping bad
// rows, into a writer that keeps nothing but checks the arrival order.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "sim/workload/trace_importers.h"
#include "tests/fuzz/fuzz_support.h"

namespace coesim::fuzz {

class DiscardingTraceWriter : public workload::TraceWriter {
 public:
  void write(const workload::TraceRecord& record) override { check_order(record); }
  void close() override {}
};

inline void fuzz_trace_import(const std::string& format, const std::uint8_t* data, std::size_t size) {
  const std::string text = as_text(data, size);
  for (const bool skip_bad_rows : {false, true}) {
    std::istringstream in(text);
    DiscardingTraceWriter out;
    expect_clean_failure([&] { workload::import_trace(in, "fuzz-input", {format, skip_bad_rows}, out); });
  }
}

}  // namespace coesim::fuzz
