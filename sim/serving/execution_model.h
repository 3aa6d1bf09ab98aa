#pragma once
// How long one prefill or decode step of a model takes on a tensor-parallel
// group: a roofline per device (FLOPs at peak x compute efficiency against
// bytes at fast-tier bandwidth x memory efficiency, both split over the TP
// degree), plus the runtime profile's fixed times (per step, per layer, per
// sequence, per request) and two all-reduces per layer. Activations between
// a layer's kernels cost fast-tier traffic unless the layer's fused working
// set fits the on-chip SRAM tier (SN40L's dataflow). Efficiencies and
// overheads come from the platform's runtime profile (hw/runtime_profile.h),
// or from its compute section when it names none.
#include <cstdint>
#include <span>
#include <string>
#include <utility>

#include "sim/hw/platform.h"
#include "sim/hw/runtime_profile.h"
#include "sim/llm/model_cost_terms.h"
#include "sim/llm/model_spec.h"

namespace coesim::serving {

struct TpGroupHardware {
  int tensor_parallel = 1;
  hw::ComputeSpec compute;           // of one device
  double fast_tier_bytes_per_s = 0;  // one device's fast-tier bandwidth
  double sram_bytes = 0;             // one device's on-chip capacity; 0: none
  double tp_link_bytes_per_s = 0;    // one device's all-reduce link; 0: not modelled

  // The group of `tensor_parallel` accelerators of a platform (all alike).
  static TpGroupHardware of(const hw::Platform& platform, int tensor_parallel);
};

struct StepTime {
  double compute_s = 0;                    // FLOPs term of the roofline
  double memory_s = 0;                     // bytes term of the roofline
  double overhead_s = 0;                   // the profile's fixed times: step, layers, sequences or requests
  double collective_s = 0;                 // all-reduces: latency and bandwidth
  double collective_bytes_per_device = 0;  // what each device sends over its TP link (0 when not modelled)
  double activation_bytes = 0;             // fast-tier traffic for activations (0 when they fit in SRAM)
  double measured_s = 0;                   // a measured latency that stands for the whole step (latency tables)
  double total_s() const {
    return (compute_s > memory_s ? compute_s : memory_s) + overhead_s + collective_s + measured_s;
  }
};

// What the step times need of a model, computed once per model of a run.
struct StepModel {
  llm::ModelCostTerms cost;
  double activation_bytes_per_token = 0;  // layer_activation_bytes_per_token
  double hidden_bytes_per_token = 0;      // one token's hidden state: an all-reduce message
  static StepModel of(const llm::ModelSpec& model);
};

class ExecutionModel {
 public:
  // Without a profile: the one the compute section declares.
  explicit ExecutionModel(TpGroupHardware hw) : hw_(hw), profile_(hw::RuntimeProfile::from_compute(hw.compute)) {}
  ExecutionModel(TpGroupHardware hw, hw::RuntimeProfile profile) : hw_(hw), profile_(std::move(profile)) {}
  // The platform's group of `tensor_parallel` accelerators with its runtime
  // profile (serving.runtime_profile, or its compute section's).
  static ExecutionModel of(const hw::Platform& platform, int tensor_parallel);

  // Prefill of fresh prompts (one per entry, tokens each), batched in one step.
  StepTime prefill(const llm::ModelSpec& model, std::span<const std::int64_t> prompt_tokens) const;
  StepTime prefill(const StepModel& model, std::span<const std::int64_t> prompt_tokens) const;
  // One decode step: one new token for each sequence, with `contexts` tokens already cached.
  StepTime decode(const llm::ModelSpec& model, std::span<const std::int64_t> contexts) const;
  StepTime decode(const StepModel& model, std::span<const std::int64_t> contexts) const;
  // A decode step of `batch` sequences that all hold `context` tokens
  // (measured batch runs): the same arithmetic without a list of contexts.
  StepTime decode_uniform(const StepModel& model, std::int64_t batch, std::int64_t context) const;

  const TpGroupHardware& hardware() const { return hw_; }
  const hw::RuntimeProfile& profile() const { return profile_; }

 private:
  enum class Phase { Prefill, Decode };
  // `sequences`: prompts of a prefill, or sequences of a decode step.
  StepTime time(const StepModel& model, Phase phase, double flops, double bytes, std::int64_t tokens,
                std::int64_t sequences) const;
  TpGroupHardware hw_;
  hw::RuntimeProfile profile_;
};

// Activation bytes written between the kernels of one decoder layer for one
// token (q, k, v, attention output, o-projection, gate, up, activation, down,
// two norms), each written once and read once, before TP splitting.
double layer_activation_bytes_per_token(const llm::ModelSpec& model);

}  // namespace coesim::serving
