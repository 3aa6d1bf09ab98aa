// Loads an installed platform and model through the installed coesim::core
// and prints what it read; exits 0 only if both loaded and look sane.
#include <cstdio>
#include <filesystem>

#include "sim/hw/platform_loader.h"
#include "sim/llm/load_model.h"
#include "sim/llm/model_size.h"

int main() {
  const std::filesystem::path data(COESIM_DATA);
  const auto platform = coesim::hw::load_platform(data / "hw-configs" / "sn40l-node.yaml");
  const auto model = coesim::llm::load_model(data / "models" / "llama-2-7b.yaml");
  const auto bytes = coesim::llm::weight_bytes(model);
  std::printf("platform %s: %zu devices, %zu accelerators; model %s: %lld weight bytes\n", platform.name.c_str(),
              platform.devices.size(), platform.accelerators().size(), model.name.c_str(),
              static_cast<long long>(bytes));
  return platform.accelerators().empty() || bytes <= 0 ? 1 : 0;
}
