#include "sim/serving/timeline.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "sim/config/config_error.h"
#include "sim/io/pending_file.h"
#include "sim/serving/serving_simulation.h"

namespace coesim::serving {
namespace {

constexpr int kEnginesPid = 1;
constexpr int kResourcesPid = 2;

// Trace-event times are microseconds; six decimals keep the picosecond.
std::string micros(TimePs ps) { return fmt::format("{:.6f}", static_cast<double>(ps) / 1e6); }

std::string quoted(const std::string& text) { return nlohmann::json(text).dump(); }

}  // namespace

bool TimelineRecorder::keep(TimePs start_ps, TimePs end_ps) {
  if (end_ps < o_.from_ps || start_ps >= o_.to_ps || truncated_) return false;
  if (events_.size() < o_.max_events) return true;
  truncated_ = true;
  truncated_at_ps_ = start_ps;
  return false;
}

void TimelineRecorder::slice(int engine, Track track, const std::string& name, const char* kind, TimePs start_ps,
                             TimePs end_ps, const std::string& args_json) {
  engines_ = std::max(engines_, engine + 1);
  if (!keep(start_ps, end_ps)) return;
  events_.push_back({'X', kEnginesPid, 2 * engine + (track == Track::Copies ? 1 : 0), start_ps, end_ps - start_ps, name,
                     kind, args_json});
}

void TimelineRecorder::counter(int engine, const char* name, TimePs at_ps, double value) {
  engines_ = std::max(engines_, engine + 1);
  if (!keep(at_ps, at_ps)) return;
  events_.push_back({'C', kEnginesPid, 2 * engine, at_ps, 0, fmt::format("engine {} {}", engine, name), name,
                     fmt::format("{{\"value\":{}}}", value)});
}

void TimelineRecorder::add_link_buckets(const ServingResult& part) {
  const TimePs bucket_ps = seconds_to_ps_round(o_.link_bucket_s);
  for (std::size_t k = 0; k < part.link_utilisation.size(); ++k) {
    if (resource_used_.size() <= k) resource_used_.resize(k + 1, false);
    const std::vector<double>& series = part.link_utilisation[k];
    for (std::size_t j = 0; j < series.size(); ++j) {
      const auto start_ps = static_cast<TimePs>(part.link_first_bucket + j) * bucket_ps;
      if (series[j] > 0) resource_used_[k] = true;
      if (!keep(start_ps, start_ps + bucket_ps)) continue;
      events_.push_back({'C', kResourcesPid, static_cast<int>(k), start_ps, 0, "", "utilisation",
                         fmt::format("{{\"busy\":{}}}", series[j])});
    }
  }
}

void TimelineRecorder::write(const std::filesystem::path& file, const ServingResult& figures,
                             const std::string& about_json) const {
  const auto resource_name = [&](int k) {
    return static_cast<std::size_t>(k) < figures.resources.size() ? figures.resources[static_cast<std::size_t>(k)].name
                                                                  : fmt::format("resource {}", k);
  };
  io::PendingFile pending(file);
  {
    std::ofstream out(pending.tmp());
    out << "{\"displayTimeUnit\":\"ms\",\"traceEvents\":[\n";
    out << fmt::format(R"({{"ph":"M","name":"process_name","pid":{},"args":{{"name":"engines"}}}})", kEnginesPid);
    out << fmt::format(
        ",\n"
        R"({{"ph":"M","name":"process_name","pid":{},"args":{{"name":"links and tiers"}}}})",
        kResourcesPid);
    for (int e = 0; e < engines_; ++e)
      for (int copies = 0; copies < 2; ++copies)
        out << fmt::format(
            ",\n"
            R"({{"ph":"M","name":"thread_name","pid":{},"tid":{},"args":{{"name":"engine {} {}"}}}})",
            kEnginesPid, 2 * e + copies, e, copies ? "copies" : "compute");
    for (const Event& ev : events_) {
      if (ev.pid == kResourcesPid && !resource_used_[static_cast<std::size_t>(ev.tid)]) continue;
      const std::string name = ev.pid == kResourcesPid ? resource_name(ev.tid) : ev.name;
      out << fmt::format(
          ",\n"
          R"({{"ph":"{}","pid":{},"tid":{},"ts":{},"name":{},"cat":"{}")",
          ev.phase, ev.pid, ev.tid, micros(ev.start_ps), quoted(name), ev.kind);
      if (ev.phase == 'X') out << fmt::format(R"(,"dur":{})", micros(ev.duration_ps));
      if (!ev.args_json.empty()) out << ",\"args\":" << ev.args_json;
      out << '}';
    }
    out << "\n],\"otherData\":" << about_json << "}\n";
    out.close();
    if (!out) throw config::UsageError(fmt::format("cannot write {} (disk full?)", file.string()));
  }
  pending.commit();
}

}  // namespace coesim::serving
