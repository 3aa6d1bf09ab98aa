#pragma once
// Cold load of one expert: its weights, split evenly over the tensor-parallel
// devices, are copied from the slow tier into each device's fast tier as
// concurrent flows on the platform's resources. The result says how long it
// took, the bandwidth achieved and which resource limited it.
#include <cstdint>
#include <string>
#include <vector>

#include "sim/hw/platform.h"

namespace coesim::serving {

struct ExpertSwitchInput {
  std::string model_name;
  std::uint64_t weight_bytes = 0;
  std::string host_link_mode;  // empty: the platform's default
  int tensor_parallel = 0;     // 0: the platform's
};

struct ResourceUse {
  std::string name;   // instance, e.g. "pcie[3]" or "host.dram"
  std::string kind;   // "tier" or "link"
  std::string group;  // declaration, e.g. "pcie" or "dram"
  double bandwidth_bytes_per_s = 0.0;
  std::uint64_t bytes = 0;
  double utilisation = 0.0;  // bytes / (bandwidth x switch time)
};

struct ShardCopy {
  std::string device;
  std::string from_tier;
  std::string to_tier;
  std::uint64_t bytes = 0;
  double end_s = 0.0;
  std::string bottleneck;  // resource that set the copy's rate
};

struct ExpertSwitchResult {
  std::string platform;
  std::string model;
  std::string host_link_mode;
  int tensor_parallel = 0;
  std::uint64_t weight_bytes = 0;
  double switch_time_s = 0.0;
  double achieved_bytes_per_s = 0.0;
  ResourceUse bottleneck;              // highest utilisation over the switch
  int bottleneck_instances = 0;        // resources of that group equally saturated
  std::vector<ResourceUse> resources;  // every resource that carried bytes
  std::vector<ShardCopy> shards;
};

// Throws config::ConfigError (pointing at the tier's capacity) if a shard
// does not fit its fast tier or the experts' slow tier, and
// config::UsageError for a host-link mode or TP degree the platform lacks.
ExpertSwitchResult simulate_expert_switch(const hw::Platform& platform, const ExpertSwitchInput& input);

}  // namespace coesim::serving
