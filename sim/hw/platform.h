#pragma once
// A platform as the simulator sees it: device instances with memory tiers and
// compute, links (bandwidth resources), and routes naming which links a copy
// between two tiers crosses. Tiers are bandwidth resources too, so copies
// that share a memory (e.g. eight PCIe copies from one host DRAM) contend.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/config/section.h"
#include "sim/hw/runtime_profile.h"

namespace coesim::hw {

struct ComputeSpec {
  double peak_flops_per_s = 0.0;
  double prefill_compute_efficiency = 1.0;
  double decode_memory_efficiency = 1.0;
  double layer_overhead_s = 0.0;      // fixed time per decoder layer per step (kernel launches, syncs)
  double collective_latency_s = 0.0;  // fixed time of one tensor-parallel all-reduce call
};

struct Device {
  std::string name;   // instance, e.g. "rdu3" (or the group name when count is 1)
  std::string group;  // declaration name, e.g. "rdu"
  std::string kind;   // rdu | gpu | cpu
  int index = 0;      // index within the group
  ComputeSpec compute;
};

struct MemoryTier {
  std::string name;  // instance, e.g. "rdu3.hbm"
  std::string tier;  // e.g. "hbm"
  int device = 0;
  double capacity_bytes = 0.0;
  std::optional<double> bandwidth_bytes_per_s;  // absent: not published; cannot carry copies
  double latency_s = 0.0;
  config::Location capacity_location;  // for "does not fit" errors
};

struct Link {
  std::string name;   // instance, e.g. "pcie[3]"
  std::string group;  // declaration name, e.g. "pcie"
  double bandwidth_bytes_per_s = 0.0;
  double latency_s = 0.0;
};

struct Route {
  int from_tier = 0;
  int to_tier = 0;
  std::vector<int> links;
  std::string host_link_mode;  // empty: used in every mode
};

// Which devices serve models, where expert weights live and where they run.
struct ServingRoles {
  std::string accelerator;  // device group
  std::string fast_tier;    // tier name on each accelerator, e.g. "hbm"
  std::string slow_tier;    // "ddr" (each accelerator's own) or "host.dram" (shared)
  int tensor_parallel = 1;
  std::string sram_tier;  // on-chip tier holding a layer's fused working set; empty: none
  std::string tp_link;    // link group carrying tensor-parallel all-reduce traffic; empty: not modelled
  // Execution model: "roofline", or "latency-table" with the measured table
  // file (resolved path) that replaces it for the requests it covers.
  std::string execution_model = "roofline";
  std::string latency_table_file;
  // serving.runtime_profile: what the software stack adds to the roofline;
  // absent: the efficiencies and overheads of the compute section.
  std::optional<RuntimeProfile> runtime_profile;
};

struct Platform {
  std::string name;
  std::string description;
  std::string source_file;
  std::map<std::string, std::string> sources;
  std::vector<Device> devices;
  std::vector<MemoryTier> tiers;
  std::vector<Link> links;
  std::vector<Route> routes;
  std::vector<std::string> host_link_modes;
  std::string default_host_link_mode;
  ServingRoles serving;

  std::optional<int> find_tier(std::string_view instance_name) const;
  // Device indices of the accelerator group, in order.
  std::vector<int> accelerators() const;
  // Instance names of a device's fast tier and of the tier its experts live
  // in ("rdu3.ddr", or the shared "host.dram"), and their indices.
  std::string fast_tier_name(int device) const;
  std::string slow_tier_name(int device) const;
  int fast_tier_of(int device) const;
  int slow_tier_of(int device) const;
  // The host-link modes a copy can run in: the declared ones, or one unnamed.
  std::vector<std::string> copy_modes() const;
  // The route for a copy between two tiers in a host-link mode (a route
  // declared for that mode wins over one declared for every mode).
  const Route* route(int from_tier, int to_tier, std::string_view host_link_mode) const;
  // The host-link mode a run uses: the one asked for, or the default when none is.
  const std::string& host_link_mode_or_default(const std::string& asked) const {
    return asked.empty() ? default_host_link_mode : asked;
  }
};

}  // namespace coesim::hw
