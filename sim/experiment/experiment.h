#pragma once
// An experiment file (experiments/*.yaml, results/*/ *.yaml): which platform,
// which experts, the router model, memory settings, residency policy,
// scheduler and workload. Paths are relative to the file. `coesim schema
// experiment` lists every field.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "sim/config/config_doc.h"
#include "sim/config/schema.h"
#include "sim/hw/platform.h"
#include "sim/llm/model_spec.h"
#include "sim/serving/request.h"
#include "sim/experiment/trace_workload.h"
#include "sim/serving/serving_simulation.h"

namespace coesim::experiment {

using serving::Request;
using serving::ServingSetup;

struct ExplicitRequest {
  double arrival_s = 0;
  std::string expert;
  std::int64_t input_tokens = 0;
  std::int64_t output_tokens = 0;
};

struct WorkloadSpec {
  std::string kind = "burst";  // burst | poisson | explicit | trace
  std::int64_t requests = 1;
  double rate_per_s = 0;  // poisson
  std::int64_t input_tokens = 128;
  std::int64_t output_tokens = 20;
  std::string popularity = "round-robin";  // round-robin | uniform | zipf
  double zipf_alpha = 1.0;
  std::uint64_t seed = 1;
  std::vector<ExplicitRequest> explicit_requests;
};

struct Experiment {
  std::string name;
  std::string file;
  std::string resolved_yaml;  // the experiment as run, runnable on its own (resolved_experiment.h)
  std::string platform_yaml;  // its platform the same way
  hw::Platform platform;
  std::vector<llm::ModelSpec> models;  // distinct expert models; filled before setup points into it
  std::vector<std::string> expert_names;
  std::optional<llm::ModelSpec> router_model;
  WorkloadSpec workload;
  TraceWorkload trace;  // kind trace
  ServingSetup setup;   // platform and model pointers point into this object

  Experiment() = default;
  Experiment(const Experiment&) = delete;
  Experiment& operator=(const Experiment&) = delete;
};

const config::Schema& experiment_schema();

// Throws config::ConfigError (file, line, field) for anything the schema or
// the cross-field checks reject, including a missing platform or model file.
// `--set platform.PATH=VALUE` and `--set model.PATH=VALUE` from the command
// line: applied after the file's own platform_set / model_set (the later one
// wins per field), the model ones to every expert model file (not the
// router's).
struct ExperimentOverrides {
  std::vector<std::string> platform;  // "PATH=VALUE", PATH inside the platform file
  std::vector<std::string> model;     // "PATH=VALUE", PATH inside a model file
};

// `--set PATH=VALUE`s as run, sweep and search take them, in order:
// platform.PATH and model.PATH go to `overrides` (fields of those files,
// applied as the experiment loads them), the rest into `doc` now. `source`
// names the writer in messages and resolves relative paths.
void add_overrides(config::ConfigDoc& doc, ExperimentOverrides& overrides, const std::vector<std::string>& assignments,
                   const std::string& source = "--set");

std::unique_ptr<Experiment> load_experiment(const config::ConfigDoc& doc, const ExperimentOverrides& overrides = {});
std::unique_ptr<Experiment> load_experiment(const std::filesystem::path& file);

// The workload's requests, in arrival order (deterministic for a seed).
std::vector<Request> generate_requests(const Experiment& experiment);

// Runs the experiment streaming: requests go to the simulation as the
// workload yields them (a trace a block at a time) and rows go to `sink` as
// they become final. Returns the whole-run figures; notes include trace rows
// whose zero token counts ran as 1.
// Watches a run as requests enter it (progress lines, load checks); every
// call comes from the thread running the experiment.
class RunObserver {
 public:
  virtual ~RunObserver() = default;
  // Once, before the first request: how many the workload will yield.
  virtual void on_start(std::int64_t total_requests) = 0;
  // Each request as it enters the run (simulated time is its arrival).
  virtual void on_request(const Request& request) = 0;
};

// `timeline`: where the engines report what they do (null: nowhere).
serving::ServingResult run_experiment(const Experiment& experiment, serving::ResultSink& sink,
                                      RunObserver* observer = nullptr, serving::TimelineRecorder* timeline = nullptr);

}  // namespace coesim::experiment
