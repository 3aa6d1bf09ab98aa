#pragma once
// What a software stack adds on a platform (DESIGN.md: calibration): the
// efficiencies its kernels reach and the fixed times it spends per step,
// per layer, per all-reduce, per sequence in a decode step and per request.
// The roofline turns FLOPs and bytes into time; a runtime profile says how
// far from that roofline a stack such as TensorRT-LLM or vLLM runs. Profiles
// are files of their own (hw-configs/profiles/), fitted to measured runs by
// `coesim calibrate`, and say which rows fixed them and with what error.
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sim/config/config_doc.h"
#include "sim/config/schema.h"

namespace coesim::hw {

struct ComputeSpec;

// How a profile was obtained: the fit's rows and its error (informative).
struct ProfileFit {
  std::string dataset;  // files the rows came from
  std::string hardware;
  std::string framework;
  std::vector<std::string> models;  // models whose rows were used
  std::int64_t rows_used = 0;
  std::int64_t rows_skipped = 0;
  double mean_abs_relative_error = 0;  // on the rows used
  double max_abs_relative_error = 0;
  // Leave-one-model-out: each model predicted by a fit without it (absent
  // when the rows hold a single model).
  std::optional<double> lomo_mean_abs_relative_error;
  std::optional<double> lomo_max_abs_relative_error;
  std::vector<std::string> unconstrained;  // parameters the rows cannot determine (left at their lower bound)
};

struct RuntimeProfile {
  std::string name = "platform-compute";
  std::string file;  // empty: taken from the platform's compute section
  std::string description;
  std::map<std::string, std::string> sources;
  double prefill_compute_efficiency = 1.0;  // fraction of peak FLOP/s in prefill
  double decode_compute_efficiency = 1.0;   // fraction of peak FLOP/s in decode
  double memory_efficiency = 1.0;           // fraction of peak fast-tier bandwidth
  double step_overhead_s = 0;               // fixed time per step (prefill or decode)
  double layer_overhead_s = 0;              // fixed time per decoder layer per step
  double collective_latency_s = 0;          // fixed time per all-reduce call (two per layer when TP > 1)
  double collective_hop_latency_s = 0;      // added per call for each device beyond the first (TP - 1 hops)
  double sequence_overhead_s = 0;           // per sequence per decode step (sampling, bookkeeping)
  double request_overhead_s = 0;            // per request, once, in the prefill step that admits it
  // How much of the fast tier the stack gives to KV caches (not fitted: a
  // documented setting of the stack): kv_memory_fraction of what the weights
  // leave (basis Free, TensorRT-LLM's kv_cache_free_gpu_mem_fraction), or of
  // the whole tier for weights and KV together (basis Total, vLLM's
  // gpu_memory_utilization).
  enum class KvMemoryBasis { Free, Total };
  double kv_memory_fraction = 1.0;
  KvMemoryBasis kv_memory_basis = KvMemoryBasis::Free;
  std::optional<ProfileFit> fit;

  // The roofline with the efficiencies and overheads a platform's compute
  // section declares (the model before runtime profiles existed).
  static RuntimeProfile from_compute(const ComputeSpec& compute);
  // Bytes of KV cache one device may hold beside `weight_bytes` of weights
  // in a fast tier of `capacity_bytes` (negative: the weights leave none).
  double kv_budget_bytes(double capacity_bytes, double weight_bytes) const;
};

// The profile's parameters in declaration order, for fitting and printing.
struct ProfileParameter {
  const char* name;
  double RuntimeProfile::*value;
  bool efficiency;  // a fraction in (0, 1]; else a time in seconds
};
const std::vector<ProfileParameter>& profile_parameters();

const config::Schema& runtime_profile_schema();
// Throws config::ConfigError naming file, line and field.
RuntimeProfile load_runtime_profile(const std::filesystem::path& file);
RuntimeProfile load_runtime_profile(const config::ConfigDoc& doc);
// YAML text of a profile, every parameter citing the `sources` key `fit`
// when it carries a fit.
std::string runtime_profile_yaml(const RuntimeProfile& profile);

}  // namespace coesim::hw
