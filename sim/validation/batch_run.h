#pragma once
// A measured batch run as the serving engine runs it: `batch` prompts of
// `input_tokens` prefilled in one step, then `output_tokens - 1` decode steps
// of the whole batch (the prefill yields each sequence's first token), each
// step timed by the same ExecutionModel the engine uses. When the fast tier
// holds the KV caches of only `concurrent` whole sequences, the batch runs
// in waves of that many (a scheduler that admits a sequence only when its
// whole KV cache fits, as TensorRT-LLM's guaranteed-no-evict policy does).
#include <cstdint>
#include <vector>

#include "sim/hw/runtime_profile.h"
#include "sim/serving/execution_model.h"

namespace coesim::validation {

struct BatchRunShape {
  std::int64_t batch = 1;
  std::int64_t input_tokens = 1;
  std::int64_t output_tokens = 1;
  std::int64_t concurrent = 0;  // sequences whose KV caches fit at once; 0: the whole batch
  std::int64_t wave_size() const { return concurrent > 0 && concurrent < batch ? concurrent : batch; }
  std::int64_t full_waves() const { return batch / wave_size(); }
  std::int64_t last_wave() const { return batch % wave_size(); }  // 0: none
};

struct BatchRunTime {
  double prefill_s = 0;
  double decode_s = 0;
  double total_s() const { return prefill_s + decode_s; }
};

BatchRunTime predict_batch_run(const serving::ExecutionModel& exec, const serving::StepModel& model,
                               const BatchRunShape& shape);

// The same run's time as a function of a runtime profile, for fitting: each
// step's roofline terms at peak (compute and memory seconds before the
// efficiencies divide them), the all-reduce bandwidth seconds no profile
// changes, and how many of each fixed cost the run pays. time_s(p) equals
// predict_batch_run with profile p (tested).
struct BatchRunTerms {
  struct Roofline {
    double compute_s = 0;
    double memory_s = 0;
    double times = 1;  // how many waves run this step
    bool prefill = false;
  };
  std::vector<Roofline> steps_roofline;  // each distinct step: prefills and decode steps of each wave size
  double fixed_s = 0;                    // all-reduce bytes over the TP links
  double steps = 0;
  double layer_steps = 0;
  double collective_calls = 0;
  double collective_hops = 0;  // calls x (TP - 1)
  double sequence_steps = 0;   // sequences x decode steps
  double requests = 0;

  static BatchRunTerms of(const serving::TpGroupHardware& hw, const serving::StepModel& model,
                          const BatchRunShape& shape);
  double time_s(const hw::RuntimeProfile& profile) const;
};

// The run at peak FLOP/s and bandwidth with no overheads: no real run of it
// can be faster.
hw::RuntimeProfile ideal_profile();

}  // namespace coesim::validation
