#include "sim/cli/sweep_points.h"

#include <fstream>
#include <sstream>
#include <system_error>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "sim/cli/error_kind.h"
#include "sim/cli/run_summary.h"
#include "sim/config/input_files.h"
#include "sim/experiment/experiment.h"
#include "sim/experiment/provenance.h"
#include "sim/io/pending_file.h"
#include "sim/io/sha256.h"

namespace coesim::cli {
namespace {

std::optional<std::string> read_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void write_json(const std::filesystem::path& file, const nlohmann::json& j) {
  io::PendingFile pending(file, io::Durability::RenamedOnly);
  io::write_text(pending, j.dump(2) + "\n");
  pending.commit();
}

}  // namespace

std::filesystem::path point_dir(const std::filesystem::path& sweep_dir, const experiment::SweepPoint& point) {
  return sweep_dir / "points" / point.id;
}

experiment::SweepOutcome run_sweep_point(const experiment::SweepSpec& sweep, const experiment::SweepPoint& point,
                                         const std::filesystem::path& sweep_dir) {
  const std::filesystem::path dir = point_dir(sweep_dir, point);
  std::filesystem::create_directories(dir);
  experiment::SweepOutcome outcome;
  try {
    const config::InputFileLog inputs;  // this point's files only: the log is the thread's
    experiment::PointConfig c = experiment::point_config(sweep, point);
    const std::unique_ptr<experiment::Experiment> x =
        experiment::load_experiment(c.doc, {c.platform_overrides, c.model_overrides});
    ExperimentRun run({x.get(), &inputs, experiment::point_command_line(sweep, point),
                       sweep.results_h5 ? dir / "results.h5" : std::filesystem::path(), nullptr, false, false});
    // results.h5 first, summary.json last: it marks the point done. Not
    // synced one by one (finished_summary checks what it reads); the sweep
    // syncs once at the end.
    io::PendingFile summary(dir / "summary.json", io::Durability::RenamedOnly);
    io::write_text(summary, run.output().summary_text);
    run.commit_results();
    summary.commit();
    std::filesystem::remove(dir / "failed.json");
    outcome.figures = experiment::point_figures(run.output().summary);
  } catch (...) {  // in the words `coesim run` would use
    const ClassifiedError e = classify_current_exception();
    outcome.error = fmt::format("{}: {}", name_of(e.kind), e.message);
    std::error_code ignored;  // an earlier result of this point is no longer its result
    std::filesystem::remove(dir / "summary.json", ignored);
    std::filesystem::remove(dir / "results.h5", ignored);
    write_json(dir / "failed.json", {{"point", point.index},
                                     {"point_id", point.id},
                                     {"assignments", point.assignments},
                                     {"error", outcome.error},
                                     {"coesim_version", experiment::coesim_version()}});
  }
  return outcome;
}

const std::string& InputDigests::sha256(const std::string& file) {
  auto it = digests_.find(file);
  if (it == digests_.end()) {
    std::string digest;
    try {
      digest = io::sha256_file(file).sha256;
    } catch (const std::exception&) {  // gone: no digest matches
    }
    it = digests_.emplace(file, std::move(digest)).first;
  }
  return it->second;
}

std::optional<nlohmann::json> finished_summary(const experiment::SweepPoint& point,
                                               const std::filesystem::path& sweep_dir, InputDigests& digests) {
  const std::optional<std::string> text = read_file(point_dir(sweep_dir, point) / "summary.json");
  if (!text) return std::nullopt;
  nlohmann::json summary = nlohmann::json::parse(*text, nullptr, false);
  if (summary.is_discarded() || !summary.contains("provenance")) return std::nullopt;
  const nlohmann::json& provenance = summary["provenance"];
  if (provenance.value("coesim_version", "") != experiment::coesim_version()) return std::nullopt;
  for (const nlohmann::json& input : provenance.value("inputs", nlohmann::json::array()))
    if (digests.sha256(input.value("file", "")) != input.value("sha256", "-")) return std::nullopt;
  return summary;
}

experiment::SweepOutcome read_point_outcome(const experiment::SweepPoint& point,
                                            const std::filesystem::path& sweep_dir) {
  const std::filesystem::path dir = point_dir(sweep_dir, point);
  experiment::SweepOutcome outcome;
  if (const auto text = read_file(dir / "summary.json")) {
    const nlohmann::json summary = nlohmann::json::parse(*text, nullptr, false);
    if (!summary.is_discarded()) {
      outcome.figures = experiment::point_figures(summary);
      return outcome;
    }
    outcome.error = fmt::format("{} is not JSON", (dir / "summary.json").string());
  } else if (const auto failed = read_file(dir / "failed.json")) {
    const nlohmann::json f = nlohmann::json::parse(*failed, nullptr, false);
    outcome.error = f.is_object() ? f.value("error", "failed") : "failed (failed.json unreadable)";
  } else {
    outcome.error = "not run";
  }
  return outcome;
}

}  // namespace coesim::cli
