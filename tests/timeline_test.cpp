// `coesim run --timeline FILE` (sim/serving/timeline.h): Chrome trace-event
// JSON of what each engine did, checked against the run's own figures and
// against what an engine can do (one step at a time).
#include <algorithm>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/cli_runner.h"
#include "tests/test_support.h"

namespace coesim {
namespace {

using testing::run_cli;
using testing::slurp;

// The Samba-CoE case, small: 40 requests in batches of 8 on one TP8 engine.
const std::string kRun =
    "run results/samba-coe/sn40l-node.yaml --quiet --json --set scheduler.batch_size=8 --set workload.requests=40 ";

struct Timeline {
  nlohmann::json summary;
  nlohmann::json file;
  std::string text;
};

Timeline run_with_timeline(const std::string& name, const std::string& extra = "") {
  const auto file = testing::fresh_temp_dir("timeline") / name;
  const auto r = run_cli(kRun + "--timeline '" + file.string() + "' " + extra);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  Timeline t{nlohmann::json::parse(r.out), nlohmann::json(), slurp(file)};
  t.file = nlohmann::json::parse(t.text);
  return t;
}

std::vector<nlohmann::json> events(const Timeline& t, const std::string& phase, const std::string& kind = "") {
  std::vector<nlohmann::json> out;
  for (const nlohmann::json& e : t.file.at("traceEvents"))
    if (e.at("ph") == phase && (kind.empty() || e.value("cat", "") == kind)) out.push_back(e);
  return out;
}

TEST(Timeline, SlicesMatchTheRunsFigures) {
  const Timeline t = run_with_timeline("all.json");
  const nlohmann::json& s = t.summary.at("summary");
  EXPECT_EQ(events(t, "X", "load").size(), s.at("switches").get<std::size_t>());
  std::int64_t prefilled = 0;
  for (const nlohmann::json& e : events(t, "X", "prefill"))
    prefilled += e.at("args").at("requests").get<std::int64_t>();
  EXPECT_EQ(prefilled, s.at("finished").get<std::int64_t>());  // samba-coe: each request prefilled once
  EXPECT_EQ(events(t, "X", "route").size(), 5u);               // 40 prompts routed 8 at a time
  // The last decode ends when the run does.
  double last_end_us = 0;
  for (const nlohmann::json& e : events(t, "X"))
    last_end_us = std::max(last_end_us, e.at("ts").get<double>() + e.at("dur").get<double>());
  EXPECT_NEAR(last_end_us / 1e6, s.at("makespan_s").get<double>(), 1e-9);
  EXPECT_FALSE(events(t, "C", "utilisation").empty());
  EXPECT_EQ(t.file.at("otherData").at("experiment"), t.summary.at("experiment"));
  // Every event the kernel ran has a kind, and the kinds add up to the run's events.
  const nlohmann::json& kinds = t.file.at("otherData").at("events_by_kind");
  EXPECT_EQ(kinds, t.summary.at("events_by_kind"));
  EXPECT_FALSE(kinds.contains("unlabelled"));
  std::uint64_t total = 0;
  for (const auto& [kind, n] : kinds.items()) total += n.get<std::uint64_t>();
  EXPECT_EQ(total, t.summary.at("events").get<std::uint64_t>());
  EXPECT_EQ(kinds.at("router-pass").get<std::size_t>(), events(t, "X", "route").size());
  EXPECT_EQ(kinds.at("arrival").get<std::int64_t>(), s.at("requests").get<std::int64_t>());
}

// An engine runs one step at a time: its compute slices never overlap.
TEST(Timeline, AnEnginesComputeSlicesDoNotOverlap) {
  const Timeline t = run_with_timeline("overlap.json");
  std::map<int, std::vector<std::pair<double, double>>> by_track;
  for (const nlohmann::json& e : events(t, "X"))
    if (e.at("tid").get<int>() % 2 == 0)
      by_track[e.at("tid")].emplace_back(e.at("ts").get<double>(),
                                         e.at("ts").get<double>() + e.at("dur").get<double>());
  ASSERT_FALSE(by_track.empty());
  for (auto& [tid, spans] : by_track) {
    std::sort(spans.begin(), spans.end());
    for (std::size_t i = 1; i < spans.size(); ++i)
      EXPECT_LE(spans[i - 1].second, spans[i].first + 1e-6) << "track " << tid << " slice " << i;
  }
}

TEST(Timeline, TheSameRunGivesTheSameBytes) {
  const std::string first = run_with_timeline("same.json").text;  // the same path: the command lines match too
  EXPECT_EQ(first, run_with_timeline("same.json").text);
}

TEST(Timeline, AWindowKeepsWhatOverlapsIt) {
  const Timeline all = run_with_timeline("all.json");
  const Timeline window = run_with_timeline("window.json", "--timeline-from-s 0.5 --timeline-to-s 1.0");
  EXPECT_LT(window.file.at("traceEvents").size(), all.file.at("traceEvents").size());
  for (const nlohmann::json& e : events(window, "X")) {
    const double start_s = e.at("ts").get<double>() / 1e6, end_s = start_s + e.at("dur").get<double>() / 1e6;
    EXPECT_GE(end_s, 0.5 - 1e-12);
    EXPECT_LT(start_s, 1.0);
  }
  EXPECT_FALSE(events(window, "X").empty());
}

TEST(Timeline, TheEventCapIsStatedNotSilent) {
  const auto file = testing::fresh_temp_dir("timeline") / "capped.json";
  const auto r = run_cli("run results/samba-coe/sn40l-node.yaml --set workload.requests=40 --timeline '" +
                         file.string() + "' --timeline-max-events 10");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("the timeline reached 10 events"), std::string::npos) << r.err;
  const nlohmann::json t = nlohmann::json::parse(slurp(file));
  std::size_t kept = 0;
  for (const nlohmann::json& e : t.at("traceEvents")) kept += e.at("ph") != "M" ? 1 : 0;
  EXPECT_EQ(kept, 10u);
  EXPECT_TRUE(t.at("otherData").contains("truncated"));
}

TEST(Timeline, AnEmptyWindowIsRefused) {
  const auto r = run_cli(kRun + "--timeline /tmp/never.json --timeline-from-s 2 --timeline-to-s 1");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("must be after --timeline-from-s"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists("/tmp/never.json"));
}

}  // namespace
}  // namespace coesim
