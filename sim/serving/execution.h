#pragma once
// What the engine asks of an execution model: the time of a prefill step, a
// decode step and a router pass on one tensor-parallel group. Platforms
// choose one by name (serving.execution_model): `roofline` (FLOPs and bytes
// with the platform's runtime profile, calibrated or not) or `latency-table`
// (a cited table of measured whole-request latencies). The engine holds no
// special case for either; it asks `whole_requests()` whether decode steps
// have already been paid for by the prefill.
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "sim/hw/platform.h"
#include "sim/hw/runtime_profile.h"
#include "sim/llm/model_spec.h"
#include "sim/serving/execution_model.h"

namespace coesim::serving {

// A prefill step of one expert: its prompts' tokens, and the shape of the
// first request (what a table of whole requests looks up).
struct PrefillStep {
  const llm::ModelSpec* model = nullptr;
  const StepModel* step_model = nullptr;
  std::span<const std::int64_t> prompt_tokens;
  std::int64_t input_tokens = 0;
  std::int64_t output_tokens = 0;
};

class Execution {
 public:
  virtual ~Execution() = default;
  // True when a prefill step's time covers its requests to their last token
  // (decode steps then take no time, and a step cannot be split).
  virtual bool whole_requests() const = 0;
  virtual StepTime prefill(const PrefillStep& step) const = 0;
  virtual StepTime decode(const StepModel& model, std::span<const std::int64_t> contexts) const = 0;
  // The router model's pass over a batch of prompts.
  virtual StepTime router_pass(const StepModel& router, std::span<const std::int64_t> prompt_tokens) const = 0;
  virtual const TpGroupHardware& hardware() const = 0;
  virtual const hw::RuntimeProfile& profile() const = 0;
  // One line for the run's notes: which model, and from which files.
  virtual std::string describe() const = 0;
};

// The execution model the platform names, for a group of `tensor_parallel`
// accelerators. Throws config::ConfigError for a bad table file.
std::unique_ptr<Execution> make_execution(const hw::Platform& platform, int tensor_parallel);

// Whether the platform's execution model times whole requests (as its
// Execution::whole_requests() will), without building it.
bool times_whole_requests(const hw::Platform& platform);

// Every name a platform may give (the factory's registry, in order).
std::vector<std::string> execution_model_names();

}  // namespace coesim::serving
