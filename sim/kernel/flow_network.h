#pragma once
// Fluid model of data transfers: a flow moves bytes over a path of links, and
// concurrent flows share every link max-min fairly (progressive filling, as in
// SimGrid's lmm). Rates change only when a flow starts or ends; then all rates
// are recomputed once per timestamp (changes at one time are coalesced) and the
// single pending completion event is rescheduled. Bytes are conserved exactly:
// a finished flow has moved exactly its size over each link of its path.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "sim/kernel/simulator.h"

namespace coesim {

using LinkId = std::uint32_t;
inline constexpr LinkId kNoLink = UINT32_MAX;

struct FlowId {
  std::uint32_t slot = UINT32_MAX;
  std::uint32_t generation = 0;
};

struct FlowRecord {
  FlowId id;
  std::uint64_t bytes = 0;
  TimePs requested_ps = 0;  // when start() was called
  TimePs start_ps = 0;      // after the path latency, when bytes begin to move
  TimePs end_ps = 0;
  LinkId bottleneck = kNoLink;  // the link that set its rate last
};

class FlowNetwork {
 public:
  using DoneCallback = std::function<void(const FlowRecord&)>;

  explicit FlowNetwork(Simulator& sim)
      : sim_(sim),
        start_kind_(sim.event_kind("flow-start")),
        settle_kind_(sim.event_kind("flow-reshare")),
        completion_kind_(sim.event_kind("flow-completion")) {}
  FlowNetwork(const FlowNetwork&) = delete;
  FlowNetwork& operator=(const FlowNetwork&) = delete;

  LinkId add_link(std::string name, double bandwidth_bytes_per_s, TimePs latency_ps = 0);

  // Starts moving `bytes` over `path` (links may not repeat). The path's
  // latencies elapse first; `on_done` runs in the completion event.
  FlowId start(std::vector<LinkId> path, std::uint64_t bytes, DoneCallback on_done = {});

  std::size_t link_count() const { return links_.size(); }
  const std::string& link_name(LinkId id) const { return links_.at(id).name; }
  double link_bandwidth_bytes_per_s(LinkId id) const { return links_.at(id).capacity; }
  TimePs link_latency_ps(LinkId id) const { return links_.at(id).latency_ps; }
  // Exact bytes carried so far: finished flows in full, running flows floored.
  std::uint64_t link_bytes(LinkId id);
  double link_load_bytes_per_s(LinkId id);

  std::size_t active_flow_count() const { return active_.size(); }
  std::size_t unfinished_flow_count() const { return unfinished_; }
  // After the simulation ran out of events: throws std::overflow_error when
  // flows are still moving, i.e. would end past the simulated time range
  // (a duration past it is an error, never a silent 0), naming the slowest.
  void check_all_finished() const;
  bool running(FlowId id) const;
  double flow_rate_bytes_per_s(FlowId id);
  double flow_remaining_bytes(FlowId id);
  LinkId flow_bottleneck(FlowId id);
  std::uint64_t reshare_count() const { return reshares_; }

  // Recomputes rates now if anything changed at this time (queries call it).
  void settle();
  // Throws std::logic_error if a link is over capacity or a running flow is
  // not bottlenecked anywhere (the max-min condition). Runs after every
  // re-share when invariant checking is on (COESIM_CHECK_INVARIANTS=1).
  void check_invariants() const;

 private:
  struct Link {
    std::string name;
    double capacity = 0.0;
    TimePs latency_ps = 0;
    std::uint64_t finished_bytes = 0;
    double load = 0.0;
    // scratch for progressive filling
    double remaining_capacity = 0.0;
    std::uint32_t unfixed = 0;
    std::uint32_t open_index = 0;  // position in open_ during a re-share
    bool touched = false;          // queued in touched_ this filling round
    // Active flows crossing the link, kept up to date as flows start and end
    // (instead of rebuilding a CSR every re-share).
    std::vector<std::uint32_t> flows;
    std::uint32_t busy_index = 0;  // position in busy_links_ while flows is non-empty
  };
  struct Flow {
    std::vector<LinkId> path;
    std::vector<std::uint32_t> link_pos;  // link_pos[h]: index in links_[path[h]].flows
    std::uint64_t bytes = 0;
    double remaining = 0.0;
    double rate = 0.0;
    TimePs finish_ps = 0;
    TimePs requested_ps = 0;
    TimePs start_ps = 0;
    LinkId bottleneck = kNoLink;
    std::uint32_t generation = 0;
    std::uint32_t active_index = UINT32_MAX;
    bool fixed = false;
    bool in_use = false;
    DoneCallback on_done;
  };

  const Flow& flow(FlowId id) const;
  void activate(std::uint32_t slot);
  void advance_to(TimePs t);
  void mark_dirty();
  void reshare();
  void schedule_next_completion();
  void complete_due();
  std::uint64_t moved_bytes(const Flow& f) const;

  Simulator& sim_;
  EventKind start_kind_;       // a flow's latency has passed: it starts moving bytes
  EventKind settle_kind_;      // rates re-shared after flows started or ended at an instant
  EventKind completion_kind_;  // the next flow to finish has finished
  std::vector<Link> links_;
  std::vector<Flow> flows_;
  std::vector<std::uint32_t> free_slots_;
  std::vector<std::uint32_t> active_;
  std::vector<LinkId> busy_links_;  // links with at least one active flow
  // Progressive-filling scratch: unsaturated links and their current fair
  // shares side by side, so finding the bottleneck is a scan of one array.
  std::vector<LinkId> open_;
  std::vector<double> open_share_;
  std::vector<LinkId> touched_;
  std::size_t unfinished_ = 0;
  TimePs updated_ps_ = 0;
  bool dirty_ = false;
  EventId settle_event_;
  EventId completion_event_;
  TimePs completion_ps_ = -1;
  std::uint64_t reshares_ = 0;
};

}  // namespace coesim
