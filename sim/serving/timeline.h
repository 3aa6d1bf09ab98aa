#pragma once
// What a serving run did and when, as Chrome trace-event JSON (opens in
// Perfetto or chrome://tracing): per engine a compute track (router passes,
// prefill steps, decode steps or runs of them) and a copy track (expert
// loads, KV swaps), its queue depth as a counter, and each link's and tier's
// utilisation as a counter. Engines report into it as they work; a time
// window and an event cap keep a long run's file bounded.
#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "sim/kernel/time.h"
#include "sim/serving/request.h"

namespace coesim::serving {

struct ServingResult;

struct TimelineOptions {
  TimePs from_ps = 0;  // keep what overlaps [from, to)
  TimePs to_ps = kTimeMaxPs;
  std::size_t max_events = 2'000'000;  // past it, recording stops and the file says where
  double link_bucket_s = 0.1;          // the run's utilisation bucket
};

class TimelineRecorder {
 public:
  enum class Track { Compute, Copies };

  explicit TimelineRecorder(TimelineOptions options) : o_(options) {}

  // Work on an engine's track from `start_ps` to `end_ps`; `kind` is its
  // category (route, prefill, decode, load, prefetch, kv-out, kv-in),
  // `args_json` a JSON object of details or empty.
  void slice(int engine, Track track, const std::string& name, const char* kind, TimePs start_ps, TimePs end_ps,
             const std::string& args_json = "");
  // An engine's counter (e.g. requests queued or running) from `at_ps` on.
  void counter(int engine, const char* name, TimePs at_ps, double value);
  // The utilisation buckets of a part of the run's rows (ResultSink order).
  void add_link_buckets(const ServingResult& part);

  // Writes the file: the events, one counter track per resource that
  // carried anything (names from `figures.resources`), track names, and
  // `about_json` (what made the run) under otherData.
  void write(const std::filesystem::path& file, const ServingResult& figures, const std::string& about_json) const;

  bool truncated() const { return truncated_; }
  TimePs truncated_at_ps() const { return truncated_at_ps_; }
  std::size_t events() const { return events_.size(); }

 private:
  struct Event {
    char phase;  // X: a slice, C: a counter
    int pid;     // 1: engines; 2: links and tiers (tid: the resource's index, named at write)
    int tid;
    TimePs start_ps;
    TimePs duration_ps;
    std::string name;
    const char* kind;
    std::string args_json;
  };
  bool keep(TimePs start_ps, TimePs end_ps);

  TimelineOptions o_;
  std::vector<Event> events_;
  std::vector<bool> resource_used_;
  int engines_ = 0;
  bool truncated_ = false;
  TimePs truncated_at_ps_ = kNever;
};

}  // namespace coesim::serving
