// `coesim trace convert IN --format azure|burstgpt|mooncake --out OUT.h5|.csv`
// imports a public trace into the native format; `transform` and `concat`
// window, rate-scale, sample and join native traces; `coesim trace stats FILE`
// summarises a native trace (count, duration, rate, inter-arrival CV, token
// percentiles, category and expert mix).
#include <memory>

#include <fmt/format.h>

#include "sim/cli/command.h"
#include "sim/cli/report.h"
#include "sim/config/config_error.h"
#include "sim/workload/trace_file.h"
#include "sim/workload/trace_importers.h"
#include "sim/workload/trace_stats.h"
#include "sim/workload/synthetic_trace.h"
#include "sim/workload/trace_transforms.h"

namespace coesim::cli {
namespace {

struct TraceOptions {
  std::string in;
  std::string format;
  std::string out;
  bool skip_bad_rows = false;
  std::string stats_file;
  bool json = false;
  std::vector<double> window_s;
  workload::TransformOptions transform;
  std::vector<std::string> concat_in;
  double gap_s = 0;
  workload::SyntheticTraceOptions synthetic;
  std::string tokens_from;
};

int convert(const TraceOptions& o) {
  const auto writer = workload::open_trace_writer(o.out);
  const workload::ImportReport r = workload::import_trace(o.in, {o.format, o.skip_bad_rows}, *writer);
  writer->close();
  Report out;
  out.set("in", o.in)
      .set("format", o.format)
      .set("out", o.out)
      .set("rows", r.rows)
      .set("written", r.written)
      .set("skipped", r.skipped)
      .set("skipped_examples", r.skipped_examples);
  out.line("{in} ({format}): {rows} rows read, {written} written to {out}, {skipped} skipped");
  for (std::size_t i = 0; i < r.skipped_examples.size(); ++i)
    out.line(fmt::format("  skipped {{skipped_examples.{}}}", i));
  fmt::print("{}", o.json ? json_text(out) : out.text());
  return kExitOk;
}

int transform(const TraceOptions& o) {
  workload::TransformOptions t = o.transform;
  if (!o.window_s.empty()) {
    if (o.window_s.size() != 2) throw config::UsageError("--window-s takes START,END");
    t.window_start_s = o.window_s[0];
    t.window_end_s = o.window_s[1];
  }
  const auto writer = workload::open_trace_writer(o.out);
  std::int64_t n = 0;
  try {
    n = workload::transform_trace(o.in, t, *writer);
  } catch (const std::invalid_argument& e) {
    throw config::UsageError(e.what());
  }
  writer->close();
  fmt::print("{} -> {}: {} requests written\n", o.in, o.out, n);
  return kExitOk;
}

int concat(const TraceOptions& o) {
  const auto writer = workload::open_trace_writer(o.out);
  std::vector<std::filesystem::path> in(o.concat_in.begin(), o.concat_in.end());
  const std::int64_t n = workload::concatenate_traces(in, o.gap_s, *writer);
  writer->close();
  fmt::print("{} traces -> {}: {} requests written\n", in.size(), o.out, n);
  return kExitOk;
}

int generate(const TraceOptions& o) {
  workload::SyntheticTraceOptions g = o.synthetic;
  g.tokens_from = o.tokens_from;
  const auto writer = workload::open_trace_writer(o.out);
  try {
    workload::generate_trace(g, *writer);
  } catch (const std::invalid_argument& e) {
    throw config::UsageError(e.what());
  }
  writer->close();
  fmt::print("{}: {} synthetic requests written\n", o.out, writer->rows());
  return kExitOk;
}

int stats(const TraceOptions& o) {
  const workload::TraceStats s = workload::trace_stats(o.stats_file);
  Report out;
  out.set_all(workload::to_json(s)).set("file", o.stats_file);
  out.line(
      "{file}: {count} requests over {duration_s:.3f} s, {rate_per_s:.3f} requests/s, inter-arrival mean "
      "{inter_arrival_mean_s:.6f} s, CV {inter_arrival_cv:.3f}");
  out.line(
      "input tokens   mean {input_tokens.mean:9.1f}  p50 {input_tokens.p50:7}  p90 {input_tokens.p90:7}  "
      "p99 {input_tokens.p99:7}  max {input_tokens.max:7}");
  out.line(
      "output tokens  mean {output_tokens.mean:9.1f}  p50 {output_tokens.p50:7}  p90 {output_tokens.p90:7}  "
      "p99 {output_tokens.p99:7}  max {output_tokens.max:7}");
  // Text only: the JSON has these as the objects `categories` and `experts`.
  constexpr auto right = Column::Align::right;
  Table& categories =
      out.table("", {{.cell = "{category}", .width = 24}, {.cell = "{requests}", .width = 8, .align = right}});
  categories.indent = "  category ";
  for (const auto& [c, n] : s.categories) categories.add(Report().set("category", c).set("requests", n));
  Table& experts =
      out.table("", {{.cell = "{expert}", .width = 26}, {.cell = "{requests}", .width = 8, .align = right}});
  experts.indent = "  expert ";
  for (const auto& [e, n] : s.experts) experts.add(Report().set("expert", e).set("requests", n));
  fmt::print("{}", o.json ? json_text(out) : out.text());
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
  CLI::App* tr = cmd->add_subcommand("transform", "window, rate-scale and sample a native trace (streaming)");
  tr->add_option("in", o->in, "native trace")->required();
  tr->add_option("--out", o->out, "native trace to write (.h5 or .csv)")->required();
  tr->add_option("--window-s", o->window_s, "START,END: keep arrivals in [START, END) s, shifted to start at 0")
      ->delimiter(',');
  tr->add_option("--rate-scale", o->transform.rate_scale, "divide inter-arrival times by this (2 = twice the rate)")
      ->capture_default_str();
  tr->add_option("--sample", o->transform.sample, "keep each request with this probability")->capture_default_str();
  tr->add_option("--seed", o->transform.seed, "sampling seed")->capture_default_str();
  CLI::App* cc = cmd->add_subcommand("concat", "append native traces one after another");
  cc->add_option("in", o->concat_in, "native traces, in order")->required();
  cc->add_option("--out", o->out, "native trace to write (.h5 or .csv)")->required();
  cc->add_option("--gap-s", o->gap_s, "seconds between the end of one trace and the start of the next")
      ->capture_default_str();
  CLI::App* gen = cmd->add_subcommand(
      "generate",
      "write a synthetic trace: Poisson or Gamma arrivals, diurnal sine, lognormal or empirical tokens, "
      "Zipf experts (streaming)");
  workload::SyntheticTraceOptions& g = o->synthetic;
  gen->add_option("--out", o->out, "native trace to write (.h5 or .csv)")->required();
  gen->add_option("--requests", g.requests, "number of requests (at most 1e9)")->capture_default_str();
  gen->add_option("--rate-per-s", g.rate_per_s, "mean arrival rate")->capture_default_str();
  gen->add_option("--arrivals", g.arrivals, "inter-arrival law")
      ->check(CLI::IsMember({"poisson", "gamma"}))
      ->capture_default_str();
  gen->add_option("--cv", g.cv, "gamma: inter-arrival coefficient of variation")->capture_default_str();
  gen->add_option("--diurnal-amplitude", g.diurnal_amplitude, "rate x (1 + a sin(2 pi t / period)), a in [0, 1)")
      ->capture_default_str();
  gen->add_option("--diurnal-period-s", g.diurnal_period_s, "period of the sine")->capture_default_str();
  gen->add_option("--input-median", g.input_median, "lognormal input tokens: median")->capture_default_str();
  gen->add_option("--input-sigma", g.input_sigma, "lognormal input tokens: sigma of the log")->capture_default_str();
  gen->add_option("--output-median", g.output_median, "lognormal output tokens: median")->capture_default_str();
  gen->add_option("--output-sigma", g.output_sigma, "lognormal output tokens: sigma of the log")->capture_default_str();
  gen->add_option("--tokens-from", o->tokens_from, "draw (input, output) pairs from this native trace instead");
  gen->add_option("--experts", g.experts, "> 0: assign experts by Zipf popularity over this many")
      ->capture_default_str();
  gen->add_option("--zipf-alpha", g.zipf_alpha, "Zipf exponent")->capture_default_str();
  gen->add_option("--seed", g.seed, "random seed")->capture_default_str();
  CLI::App* st = cmd->add_subcommand("stats", "summarise a native trace (.h5 or .csv)");
  st->add_option("file", o->stats_file, "native trace")->required();
  st->add_flag("--json", o->json, "print one JSON object");
  return [cmd, conv, tr, cc, gen, o]() -> int {
    if (!cmd->parsed()) return -1;
    if (conv->parsed()) return convert(*o);
    if (gen->parsed()) return generate(*o);
    if (tr->parsed()) return transform(*o);
    if (cc->parsed()) return concat(*o);
    return stats(*o);
  };
}

}  // namespace coesim::cli
