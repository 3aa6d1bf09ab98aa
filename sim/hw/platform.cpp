#include "sim/hw/platform.h"

#include <stdexcept>

#include <fmt/format.h>

namespace coesim::hw {

std::optional<int> Platform::find_tier(std::string_view instance_name) const {
  for (size_t i = 0; i < tiers.size(); ++i)
    if (tiers[i].name == instance_name) return static_cast<int>(i);
  return std::nullopt;
}

std::vector<int> Platform::accelerators() const {
  std::vector<int> out;
  for (size_t i = 0; i < devices.size(); ++i)
    if (devices[i].group == serving.accelerator) out.push_back(static_cast<int>(i));
  return out;
}

std::string Platform::fast_tier_name(int device) const {
  return fmt::format("{}.{}", devices.at(static_cast<size_t>(device)).name, serving.fast_tier);
}

std::string Platform::slow_tier_name(int device) const {
  const bool shared = serving.slow_tier.find('.') != std::string::npos;
  return shared ? serving.slow_tier
                : fmt::format("{}.{}", devices.at(static_cast<size_t>(device)).name, serving.slow_tier);
}

int Platform::fast_tier_of(int device) const {
  const auto t = find_tier(fast_tier_name(device));
  if (!t) throw std::logic_error("fast tier missing on an accelerator");
  return *t;
}

int Platform::slow_tier_of(int device) const {
  const auto t = find_tier(slow_tier_name(device));
  if (!t) throw std::logic_error("slow tier missing");
  return *t;
}

std::vector<std::string> Platform::copy_modes() const {
  return host_link_modes.empty() ? std::vector<std::string>{""} : host_link_modes;
}

const Route* Platform::route(int from_tier, int to_tier, std::string_view host_link_mode) const {
  const Route* any_mode = nullptr;
  for (const Route& r : routes) {
    if (r.from_tier != from_tier || r.to_tier != to_tier) continue;
    if (r.host_link_mode.empty()) {
      if (any_mode == nullptr) any_mode = &r;
    } else if (r.host_link_mode == host_link_mode) {
      return &r;
    }
  }
  return any_mode;
}

}  // namespace coesim::hw
