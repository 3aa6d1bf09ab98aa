// Trace import (Azure, BurstGPT, Mooncake) on real excerpts and malformed
// rows, the native HDF5 and CSV formats (round trip across block
// boundaries, arrival order, identical bytes, atomic replacement), and
// trace statistics.
#include <H5Cpp.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "sim/workload/trace_file.h"
#include "sim/workload/trace_importers.h"
#include "sim/workload/trace_stats.h"
#include "sim/workload/synthetic_trace.h"
#include "sim/workload/trace_transforms.h"
#include "tests/cli_runner.h"
#include "tests/test_support.h"

namespace coesim::workload {
namespace {

using testing::data_path;
using testing::expect_config_error;

std::filesystem::path temp(const std::string& name) {
  return std::filesystem::temp_directory_path() /
         (std::to_string(::getpid()) + "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name() + "-" +
          name);
}

std::vector<TraceRecord> read_all(const std::filesystem::path& f) {
  std::vector<TraceRecord> out;
  read_trace(f, [&](const TraceRecord& r) {
    out.push_back(r);
    return true;
  });
  return out;
}

// Writes the synthetic trace `o` describes to `file`.
void generate_to(const std::filesystem::path& file, const SyntheticTraceOptions& o) {
  const auto w = open_trace_writer(file);
  generate_trace(o, *w);
  w->close();
}

std::vector<TraceRecord> import_to(const std::string& in, const std::string& format, const std::filesystem::path& out,
                                   ImportReport* report = nullptr, bool skip = false) {
  const auto w = open_trace_writer(out);
  const ImportReport r = import_trace(data_path("traces/" + in), {format, skip}, *w);
  w->close();
  if (report) *report = r;
  return read_all(out);
}

TEST(AzureTimestamp, IsSecondsSince1970) {
  EXPECT_DOUBLE_EQ(parse_azure_timestamp("1970-01-02 00:00:01.5"), 86401.5);
  EXPECT_NEAR(parse_azure_timestamp("2023-11-16 18:17:03.9799600"), 1700158623.97996, 1e-6);
  EXPECT_DOUBLE_EQ(parse_azure_timestamp("2024-02-29 00:00:00") - parse_azure_timestamp("2024-02-28 00:00:00"), 86400);
  EXPECT_THROW(parse_azure_timestamp("2023-11-16T18:17:03"), std::invalid_argument);
  EXPECT_THROW(parse_azure_timestamp("2023-13-16 18:17:03"), std::invalid_argument);
  EXPECT_THROW(parse_azure_timestamp("2023-11-16 18:17:03."), std::invalid_argument);
}

TEST(TraceImport, AzureExcerptIsRelativeToItsFirstRow) {
  ImportReport rep;
  const auto rs = import_to("azure-code-excerpt.csv", "azure", temp("a.h5"), &rep);
  ASSERT_EQ(rs.size(), 20u);
  EXPECT_EQ(rep.written, 20);
  EXPECT_EQ(rs[0].arrival_time_s, 0.0);
  EXPECT_NEAR(rs[1].arrival_time_s, 0.052, 1e-6);  // 18:17:04.0319600 - 18:17:03.9799600
  EXPECT_EQ(rs[0].input_tokens, 4808);
  EXPECT_EQ(rs[0].output_tokens, 10);
  EXPECT_EQ(rs[1].input_tokens, 3180);
  EXPECT_EQ(rs[0].expert, -1);
  std::filesystem::remove(temp("a.h5"));
}

TEST(TraceImport, MooncakeMillisecondsAndBurstGptSeconds) {
  const auto mc = import_to("mooncake-conversation-excerpt.jsonl", "mooncake", temp("m.csv"));
  ASSERT_EQ(mc.size(), 20u);
  EXPECT_EQ(mc[0].input_tokens, 6758);
  EXPECT_EQ(mc[0].output_tokens, 500);
  for (const TraceRecord& r : mc) EXPECT_EQ(r.arrival_time_s * 1000, std::round(r.arrival_time_s * 1000));
  const auto bg = import_to("burstgpt-format.csv", "burstgpt", temp("b.csv"));
  ASSERT_EQ(bg.size(), 3u);
  EXPECT_EQ(bg[0].arrival_time_s, 5.0);
  EXPECT_EQ(bg[0].input_tokens, 472);
  EXPECT_EQ(bg[0].output_tokens, 18);
  EXPECT_EQ(bg[2].arrival_time_s, 7.5);
  std::filesystem::remove(temp("m.csv"));
  std::filesystem::remove(temp("b.csv"));
}

TEST(TraceImport, BadRowsStopWithLineAndFieldOrAreSkippedAndCounted) {
  const auto out = temp("bad.h5");
  {
    std::ofstream earlier(out);
    earlier << "earlier result";
  }
  const auto e = expect_config_error([&] { import_to("azure-bad-rows.csv", "azure", out); });
  EXPECT_EQ(e.line(), 3);
  EXPECT_EQ(e.field(), "GeneratedTokens");
  std::ifstream kept(out);
  std::string text;
  std::getline(kept, text);
  EXPECT_EQ(text, "earlier result");  // the failed import left the earlier file alone
  ImportReport rep;
  const auto rs = import_to("azure-bad-rows.csv", "azure", out, &rep, true);
  EXPECT_EQ(rep.rows, 6);
  EXPECT_EQ(rep.skipped, 4);  // negative tokens, bad timestamp, time going back, missing field
  EXPECT_EQ(rs.size(), 2u);
  ASSERT_EQ(rep.skipped_examples.size(), 4u);
  EXPECT_NE(rep.skipped_examples[1].find(":5: TIMESTAMP"), std::string::npos) << rep.skipped_examples[1];
  EXPECT_NE(rep.skipped_examples[2].find("goes back in time"), std::string::npos);
  const auto mc = expect_config_error([&] { import_to("mooncake-bad-rows.jsonl", "mooncake", temp("m.h5")); });
  EXPECT_EQ(mc.line(), 2);
  EXPECT_EQ(mc.field(), "output_length");
  ImportReport mrep;
  EXPECT_EQ(import_to("mooncake-bad-rows.jsonl", "mooncake", temp("m.h5"), &mrep, true).size(), 2u);
  EXPECT_EQ(mrep.skipped, 2);
  const auto total = expect_config_error([&] { import_to("burstgpt-bad-total.csv", "burstgpt", temp("t.h5")); });
  EXPECT_EQ(total.field(), "Total tokens");
  const auto header = expect_config_error([&] { import_to("burstgpt-format.csv", "azure", temp("h.h5")); });
  EXPECT_EQ(header.line(), 1);
  for (const char* f : {"bad.h5", "m.h5"}) std::filesystem::remove(temp(f));
}

TEST(TraceFile, Hdf5AndCsvRoundTripAcrossBlocksInOrder) {
  for (const char* ext : {".h5", ".csv"}) {
    SCOPED_TRACE(ext);
    const auto file = temp(std::string("rt") + ext);
    const int n = 70'000;  // more than one 65,536-row block
    {
      const auto w = open_trace_writer(file);
      for (int i = 0; i < n; ++i)
        w->write(
            {i * 0.001, 100 + i % 7, 1 + i % 5, "p" + std::to_string(i % 13), i % 2 ? "math" : "", i % 3 - 1, i / 10});
      EXPECT_THROW(w->write({0.0, 1, 1, "", "", -1, -1}), config::UsageError);  // back in time
      w->close();
    }
    const auto rs = read_all(file);
    ASSERT_EQ(rs.size(), static_cast<std::size_t>(n));
    for (const int i : {0, 1, 65'535, 65'536, n - 1}) {
      const TraceRecord& r = rs[static_cast<std::size_t>(i)];
      EXPECT_DOUBLE_EQ(r.arrival_time_s, i * 0.001);
      EXPECT_EQ(r.input_tokens, 100 + i % 7);
      EXPECT_EQ(r.prompt_id, "p" + std::to_string(i % 13));
      EXPECT_EQ(r.category, i % 2 ? "math" : "");
      EXPECT_EQ(r.expert, i % 3 - 1);
      EXPECT_EQ(r.session_id, i / 10);
    }
    std::filesystem::remove(file);
  }
}

// String columns stay out of an HDF5 trace while empty, and appear, with the
// earlier rows empty, at the first value: either way the rows read back.
TEST(TraceFile, EmptyStringColumnsAreLeftOutUntilAValueComes) {
  const auto file = temp("strings.h5");
  const int n = 140'000;  // the first value after two blocks
  {
    const auto w = open_trace_writer(file);
    for (int i = 0; i < n; ++i) w->write({i * 0.001, 10, 1, i == n - 2 ? "late" : "", "", 0, -1});
    w->close();
  }
  const H5::H5File h5(file.string(), H5F_ACC_RDONLY);
  EXPECT_TRUE(h5.nameExists("trace/prompt_id"));
  EXPECT_FALSE(h5.nameExists("trace/category"));
  const auto rs = read_all(file);
  ASSERT_EQ(rs.size(), static_cast<std::size_t>(n));
  for (const int i : {0, 65'536, n - 3, n - 1}) EXPECT_EQ(rs[static_cast<std::size_t>(i)].prompt_id, "") << i;
  EXPECT_EQ(rs[static_cast<std::size_t>(n - 2)].prompt_id, "late");
  for (const TraceRecord& r : rs) EXPECT_EQ(r.category, "");
  std::filesystem::remove(file);
}

TEST(TraceFile, SameRecordsGiveSameBytesAndAnUnclosedWriterKeepsTheEarlierFile) {
  for (const char* ext : {".h5", ".csv"}) {
    SCOPED_TRACE(ext);
    const auto write = [](const std::filesystem::path& f) {
      const auto w = open_trace_writer(f);
      for (int i = 0; i < 10; ++i) w->write({i * 0.5, 100, 10, "p" + std::to_string(i), "code", i % 2, -1});
      w->close();
    };
    const auto a = temp(std::string("a") + ext);
    const auto b = temp(std::string("b") + ext);
    write(a);
    write(b);
    const std::string bytes = testing::slurp(a);
    EXPECT_EQ(testing::slurp(b), bytes);
    {
      const auto w = open_trace_writer(a);
      w->write({0.0, 1, 1, "other", "", 0, -1});
    }  // no close(): nothing replaces `a`
    EXPECT_EQ(testing::slurp(a), bytes);
    EXPECT_EQ(testing::temporaries_of(a), 0);
    std::filesystem::remove(a);
    std::filesystem::remove(b);
  }
}

TEST(TraceStats, CountsRateCvAndExactPercentiles) {
  const auto file = temp("s.csv");
  {
    const auto w = open_trace_writer(file);
    // Gaps 1, 1, 2, 4 s: mean 2, population sd sqrt(1.5).
    const double t[] = {0, 1, 2, 4, 8};
    for (int i = 0; i < 5; ++i) w->write({t[i], (i + 1) * 10, 5, "", i < 2 ? "code" : "math", i % 2, -1});
    w->close();
  }
  const TraceStats s = trace_stats(file);
  EXPECT_EQ(s.count, 5);
  EXPECT_DOUBLE_EQ(s.duration_s, 8);
  EXPECT_DOUBLE_EQ(s.rate_per_s, 0.5);
  EXPECT_DOUBLE_EQ(s.inter_arrival_mean_s, 2);
  EXPECT_NEAR(s.inter_arrival_cv, std::sqrt(1.5) / 2, 1e-12);
  EXPECT_EQ(s.input_tokens.p50, 30);
  EXPECT_EQ(s.input_tokens.p90, 50);
  EXPECT_EQ(s.input_tokens.max, 50);
  EXPECT_DOUBLE_EQ(s.input_tokens.mean, 30);
  EXPECT_EQ(s.categories.at("math"), 3);
  EXPECT_EQ(s.experts.at(1), 2);
  std::filesystem::remove(file);
}

TEST(TraceTransforms, WindowScaleSampleAndConcatenate) {
  const auto in = temp("in.csv");
  {
    const auto w = open_trace_writer(in);
    for (int i = 0; i < 100; ++i) w->write({i * 1.0, 10 + i, 1, "", "", -1, -1});
    w->close();
  }
  const auto out = temp("out.csv");
  {
    TransformOptions o;
    o.window_start_s = 20;
    o.window_end_s = 60;
    o.rate_scale = 4;
    const auto w = open_trace_writer(out);
    EXPECT_EQ(transform_trace(in, o, *w), 40);
    w->close();
  }
  const auto rs = read_all(out);
  ASSERT_EQ(rs.size(), 40u);
  EXPECT_DOUBLE_EQ(rs[0].arrival_time_s, 0);
  EXPECT_DOUBLE_EQ(rs[1].arrival_time_s, 0.25);  // 1 s gaps at 4x the rate
  EXPECT_EQ(rs[0].input_tokens, 30);             // the request that arrived at 20 s
  TransformOptions half;
  half.sample = 0.5;
  half.seed = 9;
  std::int64_t kept[2] = {0, 0};
  for (std::int64_t& k : kept) {
    const auto w = open_trace_writer(out);
    k = transform_trace(in, half, *w);
    w->close();
  }
  EXPECT_EQ(kept[0], kept[1]);  // same seed, same sample
  EXPECT_GT(kept[0], 30);
  EXPECT_LT(kept[0], 70);
  {
    const auto w = open_trace_writer(out);
    EXPECT_EQ(concatenate_traces({in, in}, 5, *w), 200);
    w->close();
  }
  const auto both = read_all(out);
  EXPECT_DOUBLE_EQ(both[100].arrival_time_s, 99 + 5);  // the second copy starts 5 s after the first ends
  EXPECT_DOUBLE_EQ(both[199].arrival_time_s, 99 + 5 + 99);
  TransformOptions bad;
  bad.rate_scale = 0;
  const auto w = open_trace_writer(out);
  EXPECT_THROW(transform_trace(in, bad, *w), std::invalid_argument);
  std::filesystem::remove(in);
  std::filesystem::remove(out);
}

TEST(SyntheticTrace, RateCvDiurnalAndZipfAsAsked) {
  const auto file = temp("g.h5");
  SyntheticTraceOptions o;
  o.requests = 100'000;
  o.rate_per_s = 50;
  o.arrivals = "gamma";
  o.cv = 2;
  o.experts = 10;
  o.zipf_alpha = 1.2;
  o.seed = 5;
  generate_to(file, o);
  const TraceStats s = trace_stats(file);
  EXPECT_EQ(s.count, 100'000);
  EXPECT_NEAR(s.rate_per_s, 50, 50 * 0.03);  // statistical: 100,000 draws
  EXPECT_NEAR(s.inter_arrival_cv, 2, 2 * 0.05);
  EXPECT_NEAR(static_cast<double>(s.input_tokens.p50), 512, 512 * 0.05);  // lognormal median
  EXPECT_GT(s.experts.at(0), s.experts.at(1));
  EXPECT_GT(s.experts.at(1), s.experts.at(9));
  // Same seed, same trace; diurnal modulation puts more arrivals in the
  // sine's high half than in its low half.
  o.requests = 20'000;
  o.arrivals = "poisson";
  o.diurnal_amplitude = 0.8;
  o.diurnal_period_s = 100;
  o.rate_per_s = 20;
  generate_to(file, o);
  std::int64_t high = 0, low = 0;
  for (const TraceRecord& r : read_all(file)) (std::fmod(r.arrival_time_s, 100) < 50 ? high : low) += 1;
  EXPECT_GT(high, 2 * low);  // expected ratio (1 + 2a/pi) / (1 - 2a/pi) = 3.1
  const auto again = temp("g2.h5");
  generate_to(again, o);
  const auto a = read_all(file);
  const auto b = read_all(again);
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); i += 997) EXPECT_EQ(a[i].arrival_time_s, b[i].arrival_time_s);
  std::filesystem::remove(file);
  std::filesystem::remove(again);
}

TEST(TraceCli, ConvertsTheRealMooncakeTraceAndReportsItsPublishedMeans) {
  const auto out = temp("mc.h5");
  const auto c = testing::run_cli(
      "trace convert workloads/traces/mooncake-fast25-conversation.jsonl --format "
      "mooncake --out " +
      out.string() + " --json");
  ASSERT_EQ(c.exit_code, 0) << c.err;
  EXPECT_EQ(nlohmann::json::parse(c.out)["written"], 12031);
  const auto s = testing::run_cli("trace stats " + out.string() + " --json");
  ASSERT_EQ(s.exit_code, 0) << s.err;
  const auto j = nlohmann::json::parse(s.out);
  // The Mooncake README: 12,031 requests, average input 12,035 and output 343 tokens.
  EXPECT_EQ(j["count"], 12031);
  EXPECT_NEAR(j["input_tokens"]["mean"].get<double>(), 12035.06, 0.01);
  EXPECT_NEAR(j["output_tokens"]["mean"].get<double>(), 342.62, 0.01);
  const auto bad = testing::run_cli("trace convert tests/data/traces/azure-bad-rows.csv --format azure --out " +
                                    temp("x.h5").string());
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("azure-bad-rows.csv:3"), std::string::npos) << bad.err;
  std::filesystem::remove(out);
}

}  // namespace
}  // namespace coesim::workload
