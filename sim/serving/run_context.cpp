#include "sim/serving/run_context.h"

#include <algorithm>
#include <stdexcept>
#include <utility>

#include <fmt/format.h>

namespace coesim::serving {

RunContext::RunContext(const hw::Platform& platform, int nodes, double link_bucket_s, ResultSink& sink,
                       std::int64_t part_requests)
    : network(sim),
      sink_(sink),
      link_sample_kind_(sim.event_kind("link-sample")),
      flush_kind_(sim.event_kind("rows-flush")),
      flush_every_requests_(part_requests) {
  if (part_requests < 1) throw std::logic_error("serving: part_requests must be >= 1");
  std::vector<LinkId> ids;
  for (int n = 0; n < nodes; ++n) {
    node_resources.push_back(std::make_unique<hw::PlatformNetwork>(platform, network));
    for (const LinkId id : node_resources.back()->resources()) {
      ids.push_back(id);
      const std::string name = network.link_name(id);
      result.resources.push_back(
          {nodes > 1 ? fmt::format("node{}/{}", n, name) : name, network.link_bandwidth_bytes_per_s(id)});
    }
  }
  links_ = std::make_unique<LinkUtilisation>(network, std::move(ids), link_bucket_s);
  result.link_bucket_s = link_bucket_s;
}

void RunContext::sample_links_later() {
  if (sample_pending_) return;
  sample_pending_ = true;
  sim.schedule_in(
      0, link_sample_kind_,
      [this] {
        sample_pending_ = false;
        links_->sample(sim.now());
      },
      Simulator::kPriorityLast);
}

void RunContext::open_batch(const std::vector<std::int64_t>& requests) {
  const std::int64_t number = first_open_batch_ + static_cast<std::int64_t>(open_batches_.size());
  open_batches_.push_back({{sim.now(), 0, requests}, static_cast<std::int64_t>(requests.size())});
  for (const std::int64_t id : requests) batch_of_[id] = number;
}

void RunContext::request_ended() {
  if (++ended_since_flush_ < flush_every_requests_ || flush_pending_) return;
  flush_pending_ = true;
  sim.schedule_in(
      0, flush_kind_,
      [this] {
        flush_pending_ = false;
        flush(sim.now());
      },
      Simulator::kPriorityLast);
}

void RunContext::flush(TimePs now_ps) {
  ended_since_flush_ = 0;
  ServingResult part;
  while (!records.empty() && records.front().outcome != Outcome::Pending) {
    RequestRecord r = records.take_front();
    if (const auto it = batch_of_.find(r.request.id); it != batch_of_.end()) {
      OpenBatch& b = open_batches_[static_cast<std::size_t>(it->second - first_open_batch_)];
      b.row.end_ps = std::max(b.row.end_ps, r.finish_ps);
      --b.remaining;
      batch_of_.erase(it);
    }
    part.requests.push_back(std::move(r));
  }
  while (!open_batches_.empty() && open_batches_.front().remaining == 0) {
    part.batches.push_back(std::move(open_batches_.front().row));
    open_batches_.pop_front();
    ++first_open_batch_;
  }
  part.switches = std::exchange(result.switches, {});
  part.kv_swaps = std::exchange(result.kv_swaps, {});
  auto& samples = result.occupancy;
  const auto final_end =
      std::find_if(samples.begin(), samples.end(), [&](const OccupancySample& o) { return o.time_ps >= now_ps; });
  part.occupancy.assign(samples.begin(), final_end);
  samples.erase(samples.begin(), final_end);
  links_->take_finished(now_ps, part);
  sink_.append(part);
}

void RunContext::finish(TimePs end_ps) {
  flush(end_ps);
  if (!records.empty())
    throw std::logic_error(
        fmt::format("serving: request {} never finished (simulator bug)", records.front().request.id));
  if (!open_batches_.empty()) throw std::logic_error("serving: a router batch never ended (simulator bug)");
  ServingResult last;
  links_->take_rest(end_ps, last);
  last.occupancy = std::exchange(result.occupancy, {});
  sink_.append(last);
}

}  // namespace coesim::serving
