// End-to-end serving benchmark (issue target: 100,000 requests on 150
// experts, samba-coe scheduler, SN40L node, <= 2 s wall and <= 300 MiB peak
// RSS on one core). Runs results/samba-coe/sn40l-node.yaml with the request
// count raised, and prints wall time, peak RSS and the run's key figures.
// Usage: coesim_serving_bench [REQUESTS] [EXPERIMENT.yaml]
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>

#include "sim/config/config_doc.h"
#include "sim/experiment/experiment.h"
#include "sim/serving/serving_metrics.h"

int main(int argc, char** argv) {
  using namespace coesim;
  const long requests = argc > 1 ? std::stol(argv[1]) : 100'000;
  const std::filesystem::path file =
      argc > 2 ? std::filesystem::path(argv[2])
               : std::filesystem::path(COESIM_SOURCE_DIR) / "results/samba-coe/sn40l-node.yaml";
  config::ConfigDoc doc = config::ConfigDoc::load(file);
  doc.set_from_text("workload.requests=" + std::to_string(requests));
  const auto start = std::chrono::steady_clock::now();
  const auto x = experiment::load_experiment(doc);
  serving::SummaryAccumulator summary;  // streaming, as `coesim run` without --out
  const serving::ServingResult r = experiment::run_experiment(*x, summary);
  const serving::ServingSummary s = summary.finish(r);
  const double wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const double rss_mib = static_cast<double>(usage.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux
  std::printf("experiment %s: %ld requests, %zu experts, scheduler %s\n", x->name.c_str(), requests,
              x->expert_names.size(), x->setup.scheduler.kind.c_str());
  std::printf("finished %zu rejected %zu, %llu events, %lld switches, simulated makespan %.1f s\n", s.finished,
              s.rejected, static_cast<unsigned long long>(r.events), static_cast<long long>(s.switches), s.makespan_s);
  std::printf("wall_s %.3f (load + generate + simulate + summarise)\npeak_rss_mib %.1f\n", wall_s, rss_mib);
  return 0;
}
