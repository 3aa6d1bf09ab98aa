#include "sim/experiment/provenance.h"

#include "coesim_version.h"
#include "sim/io/sha256.h"

namespace coesim::experiment {

std::string coesim_version() { return COESIM_VERSION; }

Provenance provenance_of(const Experiment& x, const config::InputFileLog& log, std::string command_line) {
  Provenance p{coesim_version(), std::move(command_line), x.resolved_yaml, x.platform_yaml, {}};
  for (const std::string& file : log.files()) {
    const io::FileDigest d = io::sha256_file(file);
    p.inputs.push_back({file, d.sha256, d.bytes});
  }
  return p;
}

nlohmann::json to_json(const Provenance& p) {
  nlohmann::json inputs = nlohmann::json::array();
  for (const InputFile& f : p.inputs) inputs.push_back({{"file", f.file}, {"sha256", f.sha256}, {"bytes", f.bytes}});
  return {{"coesim_version", p.coesim_version},
          {"command_line", p.command_line},
          {"experiment_yaml", p.experiment_yaml},
          {"platform_yaml", p.platform_yaml},
          {"inputs", inputs}};
}

}  // namespace coesim::experiment
