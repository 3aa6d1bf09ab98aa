#pragma once
// What an engine (one tensor-parallel group) does next: a plug-in chosen by
// name in the experiment file. The engine asks for a step whenever it is
// idle; it carries out the step (loading the step's expert first if needed)
// and reports back. Steps are iteration-level: a router pass, a prefill, or
// one decode step, each over a set of requests.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sim/serving/request.h"

namespace coesim::serving {

struct Step {
  enum class Kind { Route, Prefill, Decode };
  Kind kind = Kind::Prefill;
  int expert = -1;                     // Prefill and Decode
  std::vector<std::int64_t> requests;  // indices into the records
};

class Scheduler {
 public:
  virtual ~Scheduler() = default;
  virtual std::string name() const = 0;
  virtual void on_arrival(std::int64_t request) = 0;
  // The next step, or none until something arrives.
  virtual std::optional<Step> next_step(const std::vector<RequestRecord>& records) = 0;
  virtual void on_step_done(const Step& step, const std::vector<RequestRecord>& records) = 0;
  // A request left the system early (rejected); forget it.
  virtual void on_rejected(std::int64_t request) = 0;
  // Experts needed after the current one, soonest first, at most `max` (prefetch hints).
  virtual std::vector<int> upcoming_experts(const std::vector<RequestRecord>& records, std::size_t max) const = 0;
};

struct SchedulerOptions {
  std::string kind = "samba-coe";  // samba-coe | fcfs
  int batch_size = 1;
  bool route = true;  // run a router pass before serving
};

// Throws std::invalid_argument for an unknown kind.
std::unique_ptr<Scheduler> make_scheduler(const SchedulerOptions& options);
const std::vector<std::string>& scheduler_names();

}  // namespace coesim::serving
