#include "sim/hw/platform_loader.h"

#include <filesystem>
#include <set>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "sim/config/section.h"

namespace coesim::hw {
namespace {

using config::Section;

class Builder {
 public:
  explicit Builder(const Section& root) : root_(root) {}

  Platform build() {
    p_.name = root_.text("name");
    if (root_.has("description")) p_.description = root_.text("description");
    p_.source_file = root_.doc().file();
    p_.sources = root_.string_map("sources");
    for (const Section& d : root_.items("devices")) add_devices(d);
    for (const Section& l : root_.items("links")) add_links(l);
    p_.host_link_modes = root_.strings("host_link_modes");
    add_modes();
    for (const Section& r : root_.items("routes")) add_routes(r);
    add_serving(root_.child("serving"));
    return std::move(p_);
  }

 private:
  struct Group {
    std::vector<int> devices;
  };
  struct LinkGroup {
    std::string per_device;
    int devices_per_instance = 1;
    std::vector<int> links;
  };

  void add_devices(const Section& d) {
    const std::string group = d.text("name");
    if (groups_.count(group)) d.fail("name", fmt::format("device group '{}' declared twice", group));
    const auto n = d.integer("count");
    ComputeSpec compute;
    if (d.has("compute")) {
      const Section c = d.child("compute");
      compute.peak_flops_per_s = c.number("peak_flops_per_s");
      compute.prefill_compute_efficiency = c.number("prefill_compute_efficiency");
      compute.decode_memory_efficiency = c.number("decode_memory_efficiency");
      compute.layer_overhead_s = c.number("layer_overhead_s");
      compute.collective_latency_s = c.number("collective_latency_s");
    }
    const std::vector<Section> tiers = d.items("tiers");
    std::set<std::string> tier_names;
    for (const Section& t : tiers)
      if (!tier_names.insert(t.text("name")).second) t.fail("name", "tier name repeated on this device");
    for (std::int64_t i = 0; i < n; ++i) {
      Device dev{n == 1 ? group : fmt::format("{}{}", group, i), group, d.text("kind"), static_cast<int>(i), compute};
      const int dev_index = static_cast<int>(p_.devices.size());
      groups_[group].devices.push_back(dev_index);
      for (const Section& t : tiers) {
        MemoryTier tier;
        tier.tier = t.text("name");
        tier.name = fmt::format("{}.{}", dev.name, tier.tier);
        tier.device = dev_index;
        tier.capacity_bytes = t.number("capacity_bytes");
        tier.bandwidth_bytes_per_s = t.optional_number("bandwidth_bytes_per_s");
        tier.latency_s = t.number("latency_s");
        tier.capacity_location = t.location("capacity_bytes");
        p_.tiers.push_back(tier);
      }
      p_.devices.push_back(std::move(dev));
    }
  }

  void add_links(const Section& l) {
    const std::string name = l.text("name");
    if (link_groups_.count(name)) l.fail("name", fmt::format("link '{}' declared twice", name));
    LinkGroup g;
    g.devices_per_instance = l.integer_as<int>("devices_per_instance");
    size_t instances = 1;
    if (l.has("per_device")) {
      g.per_device = l.text("per_device");
      const auto it = groups_.find(g.per_device);
      if (it == groups_.end()) l.fail("per_device", fmt::format("no device group '{}'", g.per_device));
      const size_t n = it->second.devices.size();
      instances = (n + static_cast<size_t>(g.devices_per_instance) - 1) / static_cast<size_t>(g.devices_per_instance);
    } else if (l.has("devices_per_instance")) {
      l.fail("devices_per_instance", "needs per_device");
    }
    for (size_t i = 0; i < instances; ++i) {
      Link link;
      link.group = name;
      link.name = g.per_device.empty() ? name : fmt::format("{}[{}]", name, i);
      link.bandwidth_bytes_per_s = l.number("bandwidth_bytes_per_s");
      link.latency_s = l.number("latency_s");
      g.links.push_back(static_cast<int>(p_.links.size()));
      p_.links.push_back(std::move(link));
    }
    link_groups_[name] = std::move(g);
  }

  void add_modes() {
    std::set<std::string> seen;
    for (const auto& m : p_.host_link_modes)
      if (!seen.insert(m).second) root_.fail("host_link_modes", fmt::format("mode '{}' listed twice", m));
    if (root_.has("default_host_link_mode")) {
      p_.default_host_link_mode = root_.text("default_host_link_mode");
      if (!seen.count(p_.default_host_link_mode))
        root_.fail("default_host_link_mode", fmt::format("'{}' is not in host_link_modes", p_.default_host_link_mode));
    } else if (!p_.host_link_modes.empty()) {
      root_.fail("default_host_link_mode", "required when host_link_modes are declared");
    }
  }

  // Resolves 'hbm' (the instance's own tier) or 'host.dram' / 'rdu3.hbm' (a named instance).
  int resolve_tier(const Section& r, const char* field, const Device* instance) {
    const std::string ref = r.text(field);
    std::string name = ref;
    if (ref.find('.') == std::string::npos) {
      if (instance == nullptr) r.fail(field, fmt::format("'{}' needs a device ('host.dram') or per_device", ref));
      name = fmt::format("{}.{}", instance->name, ref);
    } else {
      const std::string group = ref.substr(0, ref.find('.'));
      const auto it = groups_.find(group);
      if (it != groups_.end() && it->second.devices.size() > 1)
        r.fail(field,
               fmt::format("'{}' is ambiguous: group '{}' has {} instances", ref, group, it->second.devices.size()));
    }
    const auto t = p_.find_tier(name);
    if (!t) r.fail(field, fmt::format("no tier '{}'", name));
    if (!p_.tiers[static_cast<size_t>(*t)].bandwidth_bytes_per_s)
      r.fail(field, fmt::format("tier '{}' has no bandwidth_bytes_per_s, so copies cannot use it", name));
    return *t;
  }

  void add_route(const Section& r, const Device* instance, const std::string& mode) {
    Route route;
    route.from_tier = resolve_tier(r, "from", instance);
    route.to_tier = resolve_tier(r, "to", instance);
    if (route.from_tier == route.to_tier) r.fail("to", "a route must join two different tiers");
    route.host_link_mode = mode;
    for (const std::string& via : r.strings("via")) {
      const auto it = link_groups_.find(via);
      if (it == link_groups_.end()) r.fail("via", fmt::format("no link named '{}'", via));
      const LinkGroup& g = it->second;
      if (g.per_device.empty()) {
        route.links.push_back(g.links.front());
        continue;
      }
      if (instance == nullptr || instance->group != g.per_device)
        r.fail("via", fmt::format("link '{}' is per device of group '{}'; the route must be per_device: {}", via,
                                  g.per_device, g.per_device));
      route.links.push_back(g.links[static_cast<size_t>(instance->index / g.devices_per_instance)]);
    }
    for (size_t i = 0; i < route.links.size(); ++i)
      for (size_t j = 0; j < i; ++j)
        if (route.links[i] == route.links[j]) r.fail("via", "a route may not cross a link twice");
    for (const Route& existing : p_.routes)
      if (existing.from_tier == route.from_tier && existing.to_tier == route.to_tier &&
          existing.host_link_mode == route.host_link_mode)
        r.fail("to", fmt::format("a second route from {} to {}", p_.tiers[static_cast<size_t>(route.from_tier)].name,
                                 p_.tiers[static_cast<size_t>(route.to_tier)].name));
    p_.routes.push_back(std::move(route));
  }

  void add_routes(const Section& r) {
    std::string mode;
    if (r.has("host_link_mode")) {
      mode = r.text("host_link_mode");
      bool known = false;
      for (const auto& m : p_.host_link_modes) known = known || m == mode;
      if (!known) r.fail("host_link_mode", fmt::format("'{}' is not in host_link_modes", mode));
    }
    if (!r.has("per_device")) {
      add_route(r, nullptr, mode);
      return;
    }
    const std::string group = r.text("per_device");
    const auto it = groups_.find(group);
    if (it == groups_.end()) r.fail("per_device", fmt::format("no device group '{}'", group));
    for (const int d : it->second.devices) add_route(r, &p_.devices[static_cast<size_t>(d)], mode);
  }

  void add_serving(const Section& s) {
    ServingRoles& roles = p_.serving;
    roles.accelerator = s.text("accelerator");
    const auto it = groups_.find(roles.accelerator);
    if (it == groups_.end()) s.fail("accelerator", fmt::format("no device group '{}'", roles.accelerator));
    roles.fast_tier = s.text("fast_tier");
    roles.slow_tier = s.text("slow_tier");
    const int n = static_cast<int>(it->second.devices.size());
    roles.tensor_parallel = s.has("tensor_parallel") ? s.integer_as<int>("tensor_parallel") : n;
    if (roles.tensor_parallel > n)
      s.fail("tensor_parallel",
             fmt::format("{} exceeds the {} '{}' devices", roles.tensor_parallel, n, roles.accelerator));
    roles.execution_model = s.text("execution_model");
    if (roles.execution_model == "latency-table") {
      if (!s.has("latency_table")) s.fail("latency_table", "execution_model latency-table needs the table file");
      roles.latency_table_file = s.existing_file("latency_table").string();
    } else if (s.has("latency_table")) {
      s.fail("latency_table", "only with execution_model latency-table");
    }
    if (s.has("runtime_profile")) roles.runtime_profile = load_runtime_profile(s.existing_file("runtime_profile"));
    if (s.has("sram_tier")) roles.sram_tier = s.text("sram_tier");
    if (s.has("tp_link")) {
      roles.tp_link = s.text("tp_link");
      if (!link_groups_.contains(roles.tp_link)) s.fail("tp_link", fmt::format("no link '{}'", roles.tp_link));
    }
    for (const int d : it->second.devices) {
      const Device& dev = p_.devices[static_cast<size_t>(d)];
      if (!roles.sram_tier.empty() && !p_.find_tier(dev.name + "." + roles.sram_tier))
        s.fail("sram_tier", fmt::format("device '{}' has no tier '{}'", dev.name, roles.sram_tier));
      if (!p_.find_tier(p_.fast_tier_name(d)))
        s.fail("fast_tier", fmt::format("device '{}' has no tier '{}'", dev.name, roles.fast_tier));
      const std::string slow = p_.slow_tier_name(d);
      if (!p_.find_tier(slow)) s.fail("slow_tier", fmt::format("no tier '{}'", slow));
      const int from = p_.slow_tier_of(d);
      const int to = p_.fast_tier_of(d);
      for (const auto& mode : p_.copy_modes())
        if (p_.route(from, to, mode) == nullptr)
          s.fail("slow_tier", fmt::format("no route from {} to {}{}", slow, p_.tiers[static_cast<size_t>(to)].name,
                                          mode.empty() ? "" : fmt::format(" in host-link mode '{}'", mode)));
    }
  }

  const Section& root_;
  Platform p_;
  std::map<std::string, Group> groups_;
  std::map<std::string, LinkGroup> link_groups_;
};

}  // namespace

Platform load_platform(const config::ConfigDoc& doc) {
  const Section root(doc, platform_schema());
  Platform p = Builder(root).build();
  spdlog::debug("platform '{}' from {}: {} devices, {} tiers, {} links, {} routes", p.name, p.source_file,
                p.devices.size(), p.tiers.size(), p.links.size(), p.routes.size());
  return p;
}

Platform load_platform(const std::filesystem::path& file) { return load_platform(config::ConfigDoc::load(file)); }

}  // namespace coesim::hw
