#include "sim/kernel/flow_network.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include <fmt/format.h>

#include "sim/kernel/invariants.h"

namespace coesim {
namespace {

constexpr double kRelativeTolerance = 1e-9;

}  // namespace

LinkId FlowNetwork::add_link(std::string name, double bandwidth_bytes_per_s, TimePs latency_ps) {
  if (!(bandwidth_bytes_per_s > 0.0) || !std::isfinite(bandwidth_bytes_per_s))
    throw std::invalid_argument(fmt::format("link '{}': bandwidth must be a positive number of bytes/s", name));
  if (latency_ps < 0) throw std::invalid_argument(fmt::format("link '{}': negative latency", name));
  Link link;
  link.name = std::move(name);
  link.capacity = bandwidth_bytes_per_s;
  link.latency_ps = latency_ps;
  links_.push_back(std::move(link));
  return static_cast<LinkId>(links_.size() - 1);
}

FlowId FlowNetwork::start(std::vector<LinkId> path, std::uint64_t bytes, DoneCallback on_done) {
  if (path.empty()) throw std::logic_error("a flow needs at least one link");
  TimePs latency_ps = 0;
  for (std::size_t i = 0; i < path.size(); ++i) {
    if (path[i] >= links_.size()) throw std::logic_error(fmt::format("unknown link id {}", path[i]));
    for (std::size_t j = 0; j < i; ++j)
      if (path[j] == path[i])
        throw std::invalid_argument(fmt::format("link '{}' appears twice in a flow's path", links_[path[i]].name));
    latency_ps += links_[path[i]].latency_ps;
  }
  if (bytes > (std::uint64_t{1} << 53)) throw std::invalid_argument("flow larger than 2^53 bytes");
  std::uint32_t slot;
  if (free_slots_.empty()) {
    slot = static_cast<std::uint32_t>(flows_.size());
    flows_.emplace_back();
  } else {
    slot = free_slots_.back();
    free_slots_.pop_back();
  }
  Flow& f = flows_[slot];
  f.path = std::move(path);
  f.bytes = bytes;
  f.remaining = static_cast<double>(bytes);
  f.rate = 0.0;
  f.bottleneck = kNoLink;
  f.requested_ps = sim_.now();
  f.in_use = true;
  f.on_done = std::move(on_done);
  ++unfinished_;
  if (latency_ps == 0) {
    activate(slot);
  } else {
    sim_.schedule_in(latency_ps, start_kind_, [this, slot] { activate(slot); });
  }
  return FlowId{slot, f.generation};
}

void FlowNetwork::activate(std::uint32_t slot) {
  advance_to(sim_.now());
  Flow& f = flows_[slot];
  f.start_ps = sim_.now();
  f.active_index = static_cast<std::uint32_t>(active_.size());
  active_.push_back(slot);
  // Join each link's flow list.
  f.link_pos.resize(f.path.size());
  for (std::size_t h = 0; h < f.path.size(); ++h) {
    Link& link = links_[f.path[h]];
    f.link_pos[h] = static_cast<std::uint32_t>(link.flows.size());
    link.flows.push_back(slot);
    if (link.flows.size() == 1) {
      link.busy_index = static_cast<std::uint32_t>(busy_links_.size());
      busy_links_.push_back(f.path[h]);
    }
  }
  mark_dirty();
}

void FlowNetwork::advance_to(TimePs t) {
  if (t <= updated_ps_) return;
  const double dt_s = to_seconds(t - updated_ps_);
  for (const std::uint32_t slot : active_) {
    Flow& f = flows_[slot];
    f.remaining = std::max(0.0, f.remaining - f.rate * dt_s);
  }
  updated_ps_ = t;
}

void FlowNetwork::mark_dirty() {
  if (dirty_) return;
  dirty_ = true;
  settle_event_ = sim_.schedule_at(
      sim_.now(), settle_kind_, [this] { settle(); }, Simulator::kPriorityLast);
}

void FlowNetwork::settle() {
  if (!dirty_) return;
  dirty_ = false;
  sim_.cancel(settle_event_);
  advance_to(sim_.now());
  reshare();
  schedule_next_completion();
  if (invariants_enabled()) check_invariants();
}

void FlowNetwork::reshare() {
  ++reshares_;
  for (const std::uint32_t slot : active_) flows_[slot].fixed = false;
  // Progressive filling: repeatedly saturate the link with the smallest fair
  // share. Only links whose flows were just fixed get their share recomputed.
  open_.assign(busy_links_.begin(), busy_links_.end());
  open_share_.resize(open_.size());
  for (std::size_t j = 0; j < open_.size(); ++j) {
    Link& link = links_[open_[j]];
    link.unfixed = static_cast<std::uint32_t>(link.flows.size());
    link.load = 0.0;
    link.remaining_capacity = link.capacity;
    link.open_index = static_cast<std::uint32_t>(j);
    open_share_[j] = link.remaining_capacity / link.unfixed;
  }
  std::size_t unfixed_flows = active_.size();
  while (unfixed_flows > 0) {
    std::size_t bj = 0;
    for (std::size_t j = 1; j < open_.size(); ++j)
      if (open_share_[j] < open_share_[bj] || (open_share_[j] == open_share_[bj] && open_[j] < open_[bj])) bj = j;
    const LinkId best = open_[bj];
    const Link& bottleneck = links_[best];
    const double share = std::max(open_share_[bj], bottleneck.capacity * 1e-15);
    touched_.clear();
    // Fix every unfixed flow crossing the bottleneck at the fair share.
    for (std::size_t k = 0; links_[best].unfixed > 0; ++k) {
      Flow& f = flows_[bottleneck.flows[k]];
      if (f.fixed) continue;
      f.fixed = true;
      f.rate = share;
      f.bottleneck = best;
      --unfixed_flows;
      for (const LinkId l : f.path) {
        Link& link = links_[l];
        link.remaining_capacity -= share;
        link.load += share;
        if (!link.touched) {
          link.touched = true;
          touched_.push_back(l);
        }
        --link.unfixed;
      }
    }
    for (const LinkId l : touched_) {
      Link& link = links_[l];
      link.touched = false;
      const std::uint32_t j = link.open_index;
      if (link.unfixed > 0) {
        open_share_[j] = link.remaining_capacity / link.unfixed;
        continue;
      }
      open_[j] = open_.back();
      open_share_[j] = open_share_.back();
      links_[open_[j]].open_index = j;
      open_.pop_back();
      open_share_.pop_back();
    }
  }
}

void FlowNetwork::schedule_next_completion() {
  // A flow that would outlast the representable time gets kTimeMaxPs and no
  // event; a later re-share may bring it back into range.
  TimePs next = kTimeMaxPs;
  const TimePs now = sim_.now();
  const double horizon_ps = static_cast<double>(kTimeMaxPs - now);
  for (const std::uint32_t slot : active_) {
    Flow& f = flows_[slot];
    const double duration_ps = std::ceil(f.remaining / f.rate * 1e12);
    f.finish_ps = duration_ps < horizon_ps ? now + static_cast<TimePs>(duration_ps) : kTimeMaxPs;
    next = std::min(next, f.finish_ps);
  }
  if (next == completion_ps_ && sim_.pending(completion_event_)) return;
  sim_.cancel(completion_event_);
  completion_ps_ = -1;
  if (next == kTimeMaxPs) return;
  completion_ps_ = next;
  completion_event_ = sim_.schedule_at(next, completion_kind_, [this] { complete_due(); });
}

void FlowNetwork::check_all_finished() const {
  if (active_.empty()) return;
  const Flow* slowest = nullptr;
  for (const std::uint32_t slot : active_)
    if (slowest == nullptr || flows_[slot].remaining / flows_[slot].rate > slowest->remaining / slowest->rate)
      slowest = &flows_[slot];
  const std::string link = slowest->bottleneck == kNoLink ? "?" : link_name(slowest->bottleneck);
  const double bandwidth = slowest->bottleneck == kNoLink ? 0.0 : link_bandwidth_bytes_per_s(slowest->bottleneck);
  throw std::overflow_error(fmt::format(
      "{} transfer(s) would end past the simulated time range (about 106 days): the slowest moves {} bytes at {:.4g} "
      "B/s through '{}' ({:.4g} B/s); is a bandwidth mistyped?",
      active_.size(), slowest->bytes, slowest->rate, link, bandwidth));
}

void FlowNetwork::complete_due() {
  const TimePs now = sim_.now();
  completion_ps_ = -1;
  advance_to(now);
  std::vector<std::uint32_t> done;
  for (const std::uint32_t slot : active_)
    if (flows_[slot].finish_ps <= now) done.push_back(slot);
  std::sort(done.begin(), done.end(), [this](std::uint32_t a, std::uint32_t b) {
    return flows_[a].requested_ps != flows_[b].requested_ps ? flows_[a].requested_ps < flows_[b].requested_ps : a < b;
  });
  std::vector<std::pair<FlowRecord, DoneCallback>> finished;
  finished.reserve(done.size());
  for (const std::uint32_t slot : done) {
    Flow& f = flows_[slot];
    // Leave each link's flow list: the last entry takes this flow's place.
    for (std::size_t h = 0; h < f.path.size(); ++h) {
      Link& link = links_[f.path[h]];
      link.finished_bytes += f.bytes;
      const std::uint32_t pos = f.link_pos[h];
      const std::uint32_t moved = link.flows.back();
      link.flows[pos] = moved;
      Flow& m = flows_[moved];
      for (std::size_t g = 0; g < m.path.size(); ++g)
        if (m.path[g] == f.path[h]) m.link_pos[g] = pos;
      link.flows.pop_back();
      if (link.flows.empty()) {
        link.load = 0.0;
        const LinkId last = busy_links_.back();
        busy_links_[link.busy_index] = last;
        links_[last].busy_index = link.busy_index;
        busy_links_.pop_back();
      }
    }
    const std::uint32_t idx = f.active_index;
    active_[idx] = active_.back();
    flows_[active_[idx]].active_index = idx;
    active_.pop_back();
    finished.emplace_back(
        FlowRecord{FlowId{slot, f.generation}, f.bytes, f.requested_ps, f.start_ps, now, f.bottleneck},
        std::move(f.on_done));
    f.remaining = 0.0;
    f.rate = 0.0;
    f.in_use = false;
    f.on_done = nullptr;
    f.path.clear();
    f.active_index = UINT32_MAX;
    ++f.generation;
    free_slots_.push_back(slot);
    --unfinished_;
  }
  mark_dirty();
  for (auto& [record, callback] : finished)
    if (callback) callback(record);
}

std::uint64_t FlowNetwork::moved_bytes(const Flow& f) const {
  const double moved = static_cast<double>(f.bytes) - f.remaining;
  return moved <= 0.0 ? 0 : std::min(f.bytes, static_cast<std::uint64_t>(std::floor(moved)));
}

std::uint64_t FlowNetwork::link_bytes(LinkId id) {
  settle();
  advance_to(sim_.now());
  const Link& link = links_.at(id);
  std::uint64_t total = link.finished_bytes;
  for (const std::uint32_t slot : link.flows) total += moved_bytes(flows_[slot]);
  return total;
}

double FlowNetwork::link_load_bytes_per_s(LinkId id) {
  settle();
  return links_.at(id).load;
}

const FlowNetwork::Flow& FlowNetwork::flow(FlowId id) const {
  if (!running(id)) throw std::logic_error("flow is not running");
  return flows_[id.slot];
}

bool FlowNetwork::running(FlowId id) const {
  return id.slot < flows_.size() && flows_[id.slot].in_use && flows_[id.slot].generation == id.generation;
}

double FlowNetwork::flow_rate_bytes_per_s(FlowId id) {
  settle();
  const Flow& f = flow(id);
  return f.active_index == UINT32_MAX ? 0.0 : f.rate;
}

double FlowNetwork::flow_remaining_bytes(FlowId id) {
  settle();
  advance_to(sim_.now());
  return flow(id).remaining;
}

LinkId FlowNetwork::flow_bottleneck(FlowId id) {
  settle();
  return flow(id).bottleneck;
}

void FlowNetwork::check_invariants() const {
  std::vector<double> load(links_.size(), 0.0);
  std::vector<double> fastest(links_.size(), 0.0);
  for (const std::uint32_t slot : active_) {
    for (const LinkId l : flows_[slot].path) {
      load[l] += flows_[slot].rate;
      fastest[l] = std::max(fastest[l], flows_[slot].rate);
    }
  }
  for (std::size_t l = 0; l < links_.size(); ++l)
    if (load[l] > links_[l].capacity * (1.0 + kRelativeTolerance))
      throw std::logic_error(
          fmt::format("link '{}' over capacity: {} > {} bytes/s", links_[l].name, load[l], links_[l].capacity));
  for (const std::uint32_t slot : active_) {
    const Flow& f = flows_[slot];
    if (!(f.rate > 0.0)) throw std::logic_error("running flow with no rate");
    if (f.remaining < 0.0 || f.remaining > static_cast<double>(f.bytes))
      throw std::logic_error("flow remaining bytes out of range");
    const LinkId b = f.bottleneck;
    if (b == kNoLink || load[b] < links_[b].capacity * (1.0 - kRelativeTolerance))
      throw std::logic_error("flow has no saturated bottleneck link (max-min violated)");
    if (fastest[b] > f.rate * (1.0 + kRelativeTolerance))
      throw std::logic_error(fmt::format(
          "flow on its bottleneck '{}' is slower than another flow there (max-min violated)", links_[b].name));
  }
}

}  // namespace coesim
