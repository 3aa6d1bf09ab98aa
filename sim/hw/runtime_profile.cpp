#include "sim/hw/runtime_profile.h"

#include <fmt/format.h>

#include "sim/config/config_doc.h"
#include "sim/config/field_builders.h"
#include "sim/config/section.h"
#include "sim/hw/platform.h"

namespace coesim::hw {
namespace {

using namespace config;

Field overhead(std::string name, std::string help) {
  return with_default(non_negative(quantity(std::move(name), Unit::Seconds, std::move(help))), "0");
}

const Schema& fit_schema() {
  static const Schema s{
      "fit",
      "how coesim calibrate fitted this profile (written by it)",
      {required(field("dataset", FieldKind::String, "measured-runs file the rows came from")),
       required(field("hardware", FieldKind::String, "Hardware column of the rows used")),
       required(field("framework", FieldKind::String, "Framework column of the rows used")),
       field("models", FieldKind::StringList, "models whose rows were used"),
       required(non_negative(field("rows_used", FieldKind::Integer, "rows in the fit"))),
       with_default(non_negative(field("rows_skipped", FieldKind::Integer, "rows of the group left out, with reasons")),
                    "0"),
       required(non_negative(quantity("mean_abs_relative_error", Unit::None, "on the rows used"))),
       required(non_negative(quantity("max_abs_relative_error", Unit::None, "on the rows used"))),
       non_negative(quantity("lomo_mean_abs_relative_error", Unit::None,
                             "leave-one-model-out: each model predicted by a fit to the others")),
       non_negative(quantity("lomo_max_abs_relative_error", Unit::None, "leave-one-model-out maximum")),
       field("unconstrained", FieldKind::StringList,
             "parameters the rows cannot determine, left at their lower bound")}};
  return s;
}

}  // namespace

RuntimeProfile RuntimeProfile::from_compute(const ComputeSpec& c) {
  RuntimeProfile p;
  p.prefill_compute_efficiency = c.prefill_compute_efficiency;
  p.decode_compute_efficiency = c.prefill_compute_efficiency;
  p.memory_efficiency = c.decode_memory_efficiency;
  p.layer_overhead_s = c.layer_overhead_s;
  p.collective_latency_s = c.collective_latency_s;
  return p;
}

double RuntimeProfile::kv_budget_bytes(double capacity_bytes, double weight_bytes) const {
  if (kv_memory_basis == KvMemoryBasis::Total) return kv_memory_fraction * capacity_bytes - weight_bytes;
  return kv_memory_fraction * (capacity_bytes - weight_bytes);
}

const std::vector<ProfileParameter>& profile_parameters() {
  static const std::vector<ProfileParameter> p{
      {"prefill_compute_efficiency", &RuntimeProfile::prefill_compute_efficiency, true},
      {"decode_compute_efficiency", &RuntimeProfile::decode_compute_efficiency, true},
      {"memory_efficiency", &RuntimeProfile::memory_efficiency, true},
      {"step_overhead_s", &RuntimeProfile::step_overhead_s, false},
      {"layer_overhead_s", &RuntimeProfile::layer_overhead_s, false},
      {"collective_latency_s", &RuntimeProfile::collective_latency_s, false},
      {"collective_hop_latency_s", &RuntimeProfile::collective_hop_latency_s, false},
      {"sequence_overhead_s", &RuntimeProfile::sequence_overhead_s, false},
      {"request_overhead_s", &RuntimeProfile::request_overhead_s, false},
  };
  return p;
}

const config::Schema& runtime_profile_schema() {
  static const Schema s{
      "runtime_profile",
      "what a software stack adds to the roofline on a platform (hw-configs/profiles/*.yaml)",
      {required(field("name", FieldKind::String, "profile name, e.g. trtllm-h100")),
       field("description", FieldKind::String, "one line"),
       required(field("sources", FieldKind::StringMap, "citation keys; every number cites one as [key]")),
       fraction("prefill_compute_efficiency", "fraction of peak FLOP/s reached in prefill"),
       fraction("decode_compute_efficiency", "fraction of peak FLOP/s reached in decode"),
       fraction("memory_efficiency", "fraction of peak fast-tier bandwidth reached (weights, KV, activations)"),
       overhead("step_overhead_s", "fixed time per prefill or decode step (scheduling, launch, sampling)"),
       overhead("layer_overhead_s", "fixed time per decoder layer per step (kernel launches, synchronisation)"),
       overhead("collective_latency_s", "fixed time of one tensor-parallel all-reduce call, two per layer"),
       overhead("collective_hop_latency_s",
                "time one all-reduce call adds per device beyond the first (TP - 1 of them): small all-reduces "
                "take longer on more devices"),
       overhead("sequence_overhead_s", "time per sequence in a decode step (per-sequence host and kernel work)"),
       overhead("request_overhead_s",
                "time per request, once, in the prefill step of its expert (a router pass serving the same "
                "request does not pay it again)"),
       fraction("kv_memory_fraction",
                "fraction of the fast tier the stack gives to KV caches (see kv_memory_basis); a documented "
                "setting of the stack, not fitted"),
       one_of(with_default(field("kv_memory_basis", FieldKind::String,
                                 "free: kv_memory_fraction of what the weights leave (TensorRT-LLM "
                                 "kv_cache_free_gpu_mem_fraction); total: of the whole tier, weights included "
                                 "(vLLM gpu_memory_utilization)"),
                           "free"),
              {"free", "total"}),
       nested("fit", FieldKind::Map, fit_schema(), "how coesim calibrate obtained the numbers")}};
  return s;
}

RuntimeProfile load_runtime_profile(const std::filesystem::path& file) {
  return load_runtime_profile(ConfigDoc::load(file));
}

RuntimeProfile load_runtime_profile(const config::ConfigDoc& doc) {
  const Section s(doc, runtime_profile_schema());
  RuntimeProfile p;
  p.name = s.text("name");
  p.file = doc.file();
  if (s.has("description")) p.description = s.text("description");
  p.sources = s.string_map("sources");
  for (const ProfileParameter& q : profile_parameters()) p.*q.value = s.number(q.name);
  p.kv_memory_fraction = s.number("kv_memory_fraction");
  p.kv_memory_basis =
      s.text("kv_memory_basis") == "total" ? RuntimeProfile::KvMemoryBasis::Total : RuntimeProfile::KvMemoryBasis::Free;
  if (s.has("fit")) {
    const Section f = s.child("fit");
    ProfileFit fit;
    fit.dataset = f.text("dataset");
    fit.hardware = f.text("hardware");
    fit.framework = f.text("framework");
    if (f.has("models")) fit.models = f.strings("models");
    fit.rows_used = f.integer("rows_used");
    fit.rows_skipped = f.integer("rows_skipped");
    fit.mean_abs_relative_error = f.number("mean_abs_relative_error");
    fit.max_abs_relative_error = f.number("max_abs_relative_error");
    fit.lomo_mean_abs_relative_error = f.optional_number("lomo_mean_abs_relative_error");
    fit.lomo_max_abs_relative_error = f.optional_number("lomo_max_abs_relative_error");
    if (f.has("unconstrained")) fit.unconstrained = f.strings("unconstrained");
    p.fit = fit;
  }
  return p;
}

namespace {

std::string quoted(const std::string& text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string list(const std::vector<std::string>& items) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + quoted(items[i]);
  return out + "]";
}

}  // namespace

std::string runtime_profile_yaml(const RuntimeProfile& p) {
  std::string out = fmt::format("name: {}\n", quoted(p.name));
  if (!p.description.empty()) out += fmt::format("description: {}\n", quoted(p.description));
  out += "sources:\n";
  for (const auto& [key, text] : p.sources) out += fmt::format("  {}: {}\n", key, quoted(text));
  const std::string cite = p.sources.contains("fit") ? "  # [fit]" : "";
  for (const ProfileParameter& q : profile_parameters()) out += fmt::format("{}: {:.6g}{}\n", q.name, p.*q.value, cite);
  const std::string kv_cite = p.sources.contains("kv_memory") ? "  # [kv_memory]" : "";
  out += fmt::format("kv_memory_fraction: {:.6g}{}\n", p.kv_memory_fraction, kv_cite);
  out += fmt::format("kv_memory_basis: {}{}\n",
                     p.kv_memory_basis == RuntimeProfile::KvMemoryBasis::Total ? "total" : "free", kv_cite);
  if (p.fit) {
    const ProfileFit& f = *p.fit;
    out += "fit:\n";
    out += fmt::format("  dataset: {}\n", quoted(f.dataset));
    out += fmt::format("  hardware: {}\n  framework: {}\n", quoted(f.hardware), quoted(f.framework));
    out += fmt::format("  models: {}\n", list(f.models));
    out += fmt::format("  rows_used: {}\n  rows_skipped: {}\n", f.rows_used, f.rows_skipped);
    out += fmt::format("  mean_abs_relative_error: {:.4f}\n  max_abs_relative_error: {:.4f}\n",
                       f.mean_abs_relative_error, f.max_abs_relative_error);
    if (f.lomo_mean_abs_relative_error)
      out += fmt::format("  lomo_mean_abs_relative_error: {:.4f}\n", *f.lomo_mean_abs_relative_error);
    if (f.lomo_max_abs_relative_error)
      out += fmt::format("  lomo_max_abs_relative_error: {:.4f}\n", *f.lomo_max_abs_relative_error);
    out += fmt::format("  unconstrained: {}\n", list(f.unconstrained));
  }
  return out;
}

}  // namespace coesim::hw
