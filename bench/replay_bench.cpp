// Trace replay speed and memory (issue targets: 1 M requests routed onto 150
// experts on an SN40L node in <= 10 s wall and <= 1 GiB RSS on one core;
// 10 M synthetic requests in no more RSS than 1 M, because replay streams).
//
// Each case runs in its own child process, so its peak RSS (VmHWM) is its
// own. Traces are synthetic, written first (not timed): arrivals Poisson at
// 5 req/s, (input, output) token pairs drawn from the real Azure LLM 2023
// conversation trace in workloads/traces.
//   routed    results/trace-replay/experiment-150.yaml on the trace: each
//             request gets an Arena-Hard prompt (matched on length), the
//             router over Arena-Hard v0.1's topic clusters classifies it,
//             and the cluster maps to one of 150 Llama-2-7B experts;
//             expert-grouped batching, SN40L node.
//   synthetic the same experiment without prompts: experts Zipf(1) over 150
//             from the trace's expert column.
// Timed: the whole replay, trace reading and routing included, as
// `coesim run` without --out does it (summary only).
// Usage: coesim_replay_bench [ROUTED_REQUESTS [SYNTHETIC_REQUESTS...]]
//        (default: 1000000, then synthetic 1000000 and 10000000)
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "sim/config/config_doc.h"
#include "sim/experiment/experiment.h"
#include "sim/serving/result_sink.h"
#include "sim/serving/serving_metrics.h"
#include "sim/workload/synthetic_trace.h"
#include "sim/workload/trace_file.h"
#include "sim/workload/trace_importers.h"

namespace {

namespace fs = std::filesystem;
using namespace coesim;

long peak_rss_kib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
  return -1;
}

// Runs `body` in a child process; returns its exit status.
template <typename F>
int in_child(F body) {
  std::fflush(stdout);
  const pid_t pid = fork();
  if (pid == 0) {
    int rc = 1;
    try {
      rc = body();
    } catch (const std::exception& e) {
      std::fprintf(stderr, "error: %s\n", e.what());
    }
    std::fflush(stdout);
    _exit(rc);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

int replay(const std::string& label, const fs::path& trace, bool routed, std::int64_t requests) {
  const fs::path source(COESIM_SOURCE_DIR);
  fs::path file = source / "results/trace-replay/experiment-150.yaml";
  if (!routed) {
    // The routed experiment's platform, experts, router and scheduler; experts from the trace.
    file = trace.parent_path() / "synthetic.yaml";
    std::ofstream(file) << fmt::format(
        "name: replay-bench-synthetic\n"
        "platform: {0}/hw-configs/sn40l-node.yaml\n"
        "experts: {{model: {0}/models/llama-2-7b.yaml, count: 150}}\n"
        "router: {{model: {0}/models/e5-mistral-7b-instruct.yaml}}\n"
        "residency: {{policy: lru}}\n"
        "scheduler: {{kind: expert-grouped, batch_size: 32, max_wait_s: 2}}\n"
        "workload: {{kind: trace, trace: {1}}}\n",
        source.string(), trace.string());
  }
  config::ConfigDoc doc = config::ConfigDoc::load(file);
  doc.set_from_text("workload.trace=" + fs::absolute(trace).string());
  const auto x = experiment::load_experiment(doc);
  const auto start = std::chrono::steady_clock::now();
  serving::SummaryAccumulator summary;
  const serving::ServingResult r = experiment::run_experiment(*x, summary);
  const double wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const serving::ServingSummary s = summary.finish(r);
  std::printf("%-9s %9lld requests: %7.2f s wall, peak RSS %7.1f MiB, %llu events, %lld switches, TTFT p50 %.3f s\n",
              label.c_str(), static_cast<long long>(requests), wall_s, static_cast<double>(peak_rss_kib()) / 1024.0,
              static_cast<unsigned long long>(r.events), static_cast<long long>(s.switches), s.ttft_s.p50);
  return s.finished + s.rejected == static_cast<std::size_t>(requests) ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  const std::int64_t routed = argc > 1 ? std::stoll(argv[1]) : 1'000'000;
  std::vector<std::int64_t> synthetic;
  for (int i = 2; i < argc; ++i) synthetic.push_back(std::stoll(argv[i]));
  if (argc <= 2) synthetic = {1'000'000, 10'000'000};
  const fs::path dir = fs::temp_directory_path() / fmt::format("coesim-replay-bench-{}", ::getpid());
  fs::create_directories(dir);
  const fs::path azure = dir / "azure-conv.h5";
  int rc = in_child([&] {
    const auto w = workload::open_trace_writer(azure);
    workload::import_trace(fs::path(COESIM_SOURCE_DIR) / "workloads/traces/azure-llm-2023-conv-window-a.csv",
                           {"azure", false}, *w);
    w->close();
    const auto write = [&](std::int64_t n, bool experts) {
      workload::SyntheticTraceOptions o;
      o.requests = n;
      o.rate_per_s = 5;
      o.tokens_from = azure;
      if (experts) o.experts = 150;
      const auto out = workload::open_trace_writer(dir / fmt::format("{}-{}.h5", experts ? "zipf" : "plain", n));
      workload::generate_trace(o, *out);
      out->close();
    };
    write(routed, false);
    for (const std::int64_t n : synthetic) write(n, true);
    return 0;
  });
  if (rc == 0) rc = in_child([&] { return replay("routed", dir / fmt::format("plain-{}.h5", routed), true, routed); });
  for (const std::int64_t n : synthetic)
    if (rc == 0) rc = in_child([&] { return replay("synthetic", dir / fmt::format("zipf-{}.h5", n), false, n); });
  fs::remove_all(dir);
  return rc;
}
