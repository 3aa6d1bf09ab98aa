#include "sim/hw/platform_schema.h"

#include "sim/config/field_builders.h"

namespace coesim::hw {
namespace {

using namespace config;

Field name_field(std::string help) { return required(field("name", FieldKind::String, std::move(help))); }

Field bandwidth(std::string help) {
  return required(positive(quantity("bandwidth_bytes_per_s", Unit::BytesPerS, std::move(help))));
}

Field latency(std::string help) {
  return with_default(non_negative(quantity("latency_s", Unit::Seconds, std::move(help))), "0");
}

// A stated bound: one platform file is a node or a rack (the largest shipped
// has 16 accelerators); a cluster is the experiment's `nodes`. Past a few
// thousand devices the network of tiers and links takes seconds to build.
constexpr double kMaxInstances = 4096;

Field instance_count(std::string name, std::string help) {
  return with_default(at_most(at_least(field(std::move(name), FieldKind::Integer,
                                             std::move(help) + " (at most 4096; a cluster is the experiment's nodes)"),
                                       1),
                              kMaxInstances),
                      "1");
}

const Schema& tier_schema() {
  static const Schema s{
      "tier",
      "a memory tier of a device",
      {name_field("tier name, unique on its device (e.g. sram, hbm, ddr, dram)"),
       required(positive(quantity("capacity_bytes", Unit::Bytes, "capacity"))),
       positive(quantity("bandwidth_bytes_per_s", Unit::BytesPerS,
                         "peak bandwidth, shared by reads and writes; omit when not published (the tier then "
                         "cannot carry copies)")),
       latency("access latency added to every copy from or to this tier")}};
  return s;
}

const Schema& compute_schema() {
  static const Schema s{
      "compute",
      "the roofline of one device",
      {required(positive(quantity("peak_flops_per_s", Unit::FlopsPerS, "dense BF16 peak"))),
       fraction("prefill_compute_efficiency",
                "fraction of peak FLOP/s reached in prefill (cite its source; default 1: no derating)"),
       fraction("decode_memory_efficiency",
                "fraction of peak fast-tier bandwidth reached in decode (cite its source; default 1: no derating)"),
       with_default(non_negative(quantity("layer_overhead_s", Unit::Seconds,
                                          "fixed time per decoder layer per step: kernel launches and "
                                          "synchronisation (cite its measurement; default 0)")),
                    "0"),
       with_default(non_negative(quantity("collective_latency_s", Unit::Seconds,
                                          "fixed time of one tensor-parallel all-reduce call, two per layer "
                                          "(cite its measurement; default 0)")),
                    "0")}};
  return s;
}

const Schema& device_schema() {
  static const Schema s{"device",
                        "a group of identical devices (instances name0..nameN-1, or name when count is 1)",
                        {name_field("group name"),
                         required(one_of(field("kind", FieldKind::String, "device kind"), {"rdu", "gpu", "cpu"})),
                         instance_count("count", "number of instances"),
                         nested("compute", FieldKind::Map, compute_schema(), "compute roofline"),
                         required(nested("tiers", FieldKind::List, tier_schema(), "memory tiers of each instance"))}};
  return s;
}

const Schema& link_schema() {
  static const Schema s{"link",
                        "a bandwidth resource (one direction) that routes cross",
                        {name_field("link name"),
                         field("per_device", FieldKind::String,
                               "device group: one instance per device (or per devices_per_instance devices)"),
                         instance_count("devices_per_instance",
                                        "devices sharing one instance (e.g. two GPUs behind one PCIe switch uplink)"),
                         bandwidth("bandwidth of each instance"), latency("latency added once per copy crossing it")}};
  return s;
}

const Schema& route_schema() {
  static const Schema s{"route",
                        "the links a copy between two tiers crosses",
                        {required(field("from", FieldKind::String,
                                        "source tier: 'ddr' (the device's own, with per_device) or 'host.dram'")),
                         required(field("to", FieldKind::String, "destination tier, same form")),
                         field("per_device", FieldKind::String, "device group: one route per instance"),
                         required(field("via", FieldKind::StringList, "link names, in order")),
                         field("host_link_mode", FieldKind::String, "use this route only in this host-link mode")}};
  return s;
}

const Schema& serving_schema() {
  static const Schema s{
      "serving",
      "where experts run and live",
      {required(field("accelerator", FieldKind::String, "device group that runs models")),
       required(field("fast_tier", FieldKind::String, "tier on each accelerator that must hold a running expert")),
       required(field("slow_tier", FieldKind::String,
                      "tier holding all experts: 'ddr' (each accelerator's own) or 'host.dram' (shared)")),
       at_least(
           field("tensor_parallel", FieldKind::Integer, "devices a model is sharded over (default: all accelerators)"),
           1),
       field("sram_tier", FieldKind::String,
             "on-chip tier of each accelerator: a layer's activations that fit in it cost no fast-tier traffic "
             "(absent: every activation is written to and read from the fast tier)"),
       field("tp_link", FieldKind::String,
             "link group (one instance per accelerator) carrying tensor-parallel all-reduce traffic (absent: "
             "all-reduce bandwidth not modelled, only collective_latency_s)"),
       with_default(one_of(field("execution_model", FieldKind::String,
                                 "roofline (from FLOPs, bytes and the compute section), or latency-table: a "
                                 "measured table of request latencies, named by latency_table, replaces it"),
                           {"roofline", "latency-table"}),
                    "roofline"),
       field("latency_table", FieldKind::String,
             "latency-table: the table file (relative to this file), citing its measurements"),
       field("runtime_profile", FieldKind::String,
             "runtime profile file (relative to this file, e.g. profiles/trtllm-h100.yaml): the software stack's "
             "efficiencies and fixed times, fitted by coesim calibrate; it replaces the compute section's "
             "efficiencies and overheads (absent: those of the compute section)")}};
  return s;
}

}  // namespace

const Schema& platform_schema() {
  static const Schema s{
      "platform",
      "a hardware platform (hw-configs/*.yaml); a file may instead 'extends: other.yaml' and 'set: {path: value}'",
      {name_field("platform name"), field("description", FieldKind::String, "one line"),
       field("sources", FieldKind::StringMap, "citation keys used in comments as [key]"),
       required(nested("devices", FieldKind::List, device_schema(), "devices")),
       nested("links", FieldKind::List, link_schema(), "links"),
       nested("routes", FieldKind::List, route_schema(), "routes for copies"),
       field("host_link_modes", FieldKind::StringList,
             "named alternatives for host->accelerator copies (e.g. paper, per-gpu)"),
       field("default_host_link_mode", FieldKind::String, "mode used when none is asked for"),
       required(nested("serving", FieldKind::Map, serving_schema(), "serving roles"))}};
  return s;
}

}  // namespace coesim::hw
