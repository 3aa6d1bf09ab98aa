// `coesim trace convert IN --format azure|burstgpt|mooncake --out OUT.h5|.csv`
// imports a public trace into the native format; `coesim trace stats FILE`
// summarises a native trace (count, duration, rate, inter-arrival CV, token
// percentiles, category and expert mix).
#include <memory>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "sim/cli/command.h"
#include "sim/workload/trace_file.h"
#include "sim/workload/trace_importers.h"
#include "sim/workload/trace_stats.h"

namespace coesim::cli {
namespace {

struct TraceOptions {
  std::string in;
  std::string format;
  std::string out;
  bool skip_bad_rows = false;
  std::string stats_file;
  bool json = false;
};

int convert(const TraceOptions& o) {
  const auto writer = workload::open_trace_writer(o.out);
  const workload::ImportReport r = workload::import_trace(o.in, {o.format, o.skip_bad_rows}, *writer);
  writer->close();
  if (o.json) {
    fmt::print("{}\n", nlohmann::json{{"in", o.in},
                                      {"format", o.format},
                                      {"out", o.out},
                                      {"rows", r.rows},
                                      {"written", r.written},
                                      {"skipped", r.skipped},
                                      {"skipped_examples", r.skipped_examples}}
                           .dump(2));
    return kExitOk;
  }
  fmt::print("{} ({}): {} rows read, {} written to {}, {} skipped\n", o.in, o.format, r.rows, r.written, o.out,
             r.skipped);
  for (const std::string& e : r.skipped_examples) fmt::print("  skipped {}\n", e);
  return kExitOk;
}

int stats(const TraceOptions& o) {
  const workload::TraceStats s = workload::trace_stats(o.stats_file);
  if (o.json) {
    nlohmann::json j = workload::to_json(s);
    j["file"] = o.stats_file;
    fmt::print("{}\n", j.dump(2));
    return kExitOk;
  }
  fmt::print("{}: {} requests over {:.3f} s, {:.3f} requests/s, inter-arrival mean {:.6f} s, CV {:.3f}\n",
             o.stats_file, s.count, s.duration_s, s.rate_per_s, s.inter_arrival_mean_s, s.inter_arrival_cv);
  const auto tokens = [](const char* name, const workload::TokenPercentiles& p) {
    fmt::print("{:<14} mean {:9.1f}  p50 {:7}  p90 {:7}  p99 {:7}  max {:7}\n", name, p.mean, p.p50, p.p90, p.p99, p.max);
  };
  tokens("input tokens", s.input_tokens);
  tokens("output tokens", s.output_tokens);
  for (const auto& [c, n] : s.categories) fmt::print("  category {:<24} {:>8}\n", c, n);
  for (const auto& [e, n] : s.experts) fmt::print("  expert {:<26} {:>8}\n", e, n);
  return kExitOk;
}

}  // namespace

RunFunction add_trace_command(CLI::App& app) {
  auto o = std::make_shared<TraceOptions>();
  CLI::App* cmd = app.add_subcommand("trace", "import and inspect request traces");
  cmd->require_subcommand(1);
  CLI::App* conv = cmd->add_subcommand(
      "convert", "import a public trace (Azure LLM 2023 CSV, BurstGPT CSV, Mooncake JSONL) into coesim's format");
  conv->add_option("in", o->in, "trace file")->required();
  conv->add_option("--format", o->format, "source format")->required()->check(CLI::IsMember(workload::trace_formats()));
  conv->add_option("--out", o->out, "native trace: .h5 (chunked, compressed) or .csv")->required();
  conv->add_flag("--skip-bad-rows", o->skip_bad_rows, "skip and count bad rows instead of stopping at the first");
  conv->add_flag("--json", o->json, "print the import report as JSON");
  CLI::App* st = cmd->add_subcommand("stats", "summarise a native trace (.h5 or .csv)");
  st->add_option("file", o->stats_file, "native trace")->required();
  st->add_flag("--json", o->json, "print one JSON object");
  return [cmd, conv, st, o]() -> int {
    if (!cmd->parsed()) return -1;
    if (conv->parsed()) return convert(*o);
    return stats(*o);
  };
}

}  // namespace coesim::cli
