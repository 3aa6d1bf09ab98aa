#include "sim/cli/run_summary.h"

#include <chrono>
#include <memory>

#include <fmt/format.h>

#include "sim/cli/run_progress.h"
#include "sim/experiment/provenance.h"
#include "sim/serving/hdf5_results.h"
#include "sim/serving/result_sink.h"
#include "sim/serving/serving_metrics.h"

namespace coesim::cli {
namespace {

// Each part of the run's rows feeds the summary and, when asked, results.h5.
class RunSink : public serving::ResultSink {
 public:
  RunSink(const std::filesystem::path& results_h5, serving::TimelineRecorder* timeline) : timeline_(timeline) {
    if (!results_h5.empty()) writer = std::make_unique<serving::ResultsWriter>(results_h5);
  }
  void append(const serving::ServingResult& part) override {
    summary.append(part);
    if (writer) writer->append(part);
    if (timeline_ != nullptr) timeline_->add_link_buckets(part);
  }
  serving::SummaryAccumulator summary;
  std::unique_ptr<serving::ResultsWriter> writer;

 private:
  serving::TimelineRecorder* timeline_;
};

std::vector<std::string> expert_model_names(const experiment::Experiment& x) {
  std::vector<std::string> names;
  for (const llm::ModelSpec& m : x.models) names.push_back(m.name);
  return names;
}

}  // namespace

struct ExperimentRun::Files {
  Files(const std::filesystem::path& results_h5, serving::TimelineRecorder* timeline) : sink(results_h5, timeline) {}
  RunSink sink;
};

nlohmann::json events_by_kind(const serving::ServingResult& result) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [kind, n] : result.events_by_kind) out[kind] = n;
  return out;
}

ExperimentRun::ExperimentRun(const RunRequest& r) {
  const experiment::Experiment& x = *r.experiment;
  files_ = std::make_unique<Files>(r.results_h5, r.timeline);
  const auto start = std::chrono::steady_clock::now();
  RunProgress progress(r.show_progress, static_cast<int>(x.expert_names.size()));
  serving::ServingResult result = experiment::run_experiment(x, files_->sink, &progress, r.timeline);
  progress.finish();
  output_.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const serving::ServingSummary s = files_->sink.summary.finish(result);
  // Both depend on simulated figures only, so the files stay deterministic.
  if (const auto routing = progress.routing_summary()) result.notes.push_back(*routing);
  if (const auto overload = progress.overload_warning(s)) {
    result.notes.push_back("warning: " + *overload);
    if (r.warn) fmt::print(stderr, "coesim: warning: {}\n", *overload);
  }
  output_.summary =
      nlohmann::json{{"experiment", x.name},
                     {"file", x.file},
                     {"platform", x.platform.name},
                     {"host_link_mode", x.platform.host_link_mode_or_default(x.setup.host_link_mode)},
                     {"experts", x.expert_names.size()},
                     {"expert_models", expert_model_names(x)},
                     {"router_model", x.router_model ? nlohmann::json(x.router_model->name) : nlohmann::json(nullptr)},
                     {"scheduler", x.setup.scheduler.kind},
                     {"batch_size", x.setup.scheduler.batch_size},
                     {"eviction_policy", x.setup.eviction.policy},
                     {"prefetch", x.setup.prefetch},
                     {"fast_tier_capacity_bytes_per_device", result.fast_tier_capacity_bytes_per_device},
                     {"peak_fast_tier_used_bytes_per_device", result.peak_fast_tier_used_bytes_per_device},
                     {"experts_that_fit", result.experts_that_fit},
                     {"summary", serving::to_json(s)},
                     {"events", result.events},
                     {"events_by_kind", events_by_kind(result)},
                     {"trace_hash", fmt::format("{:016x}", result.trace_hash)},
                     {"notes", result.notes},
                     {"provenance", experiment::to_json(experiment::provenance_of(x, *r.inputs, r.command_line))}};
  output_.summary_text = output_.summary.dump(2) + "\n";
  output_.result = std::move(result);
}

ExperimentRun::~ExperimentRun() = default;

void ExperimentRun::commit_results() {
  if (files_->sink.writer) files_->sink.writer->finish(output_.result, output_.summary.dump());
}

}  // namespace coesim::cli
