#include "sim/serving/link_utilisation.h"

#include <algorithm>
#include <stdexcept>
#include <utility>

#include <fmt/format.h>

namespace coesim::serving {

LinkUtilisation::LinkUtilisation(FlowNetwork& network, std::vector<LinkId> resources, double bucket_s)
    : network_(network), resources_(std::move(resources)), bucket_s_(bucket_s) {
  if (!(bucket_s > 0)) throw std::invalid_argument("serving: link_bucket_s must be > 0");
  bucket_ps_ = seconds_to_ps_round(bucket_s);
  if (bucket_ps_ < 1) throw std::invalid_argument("serving: link_bucket_s below a picosecond");
  rows_.resize(resources_.size());
  last_load_.assign(resources_.size(), 0.0);
  last_change_.assign(resources_.size(), 0);
}

void LinkUtilisation::sample(TimePs now_ps) {
  for (std::size_t k = 0; k < resources_.size(); ++k) {
    const double load = network_.link_load_bytes_per_s(resources_[k]);
    if (load == last_load_[k]) continue;
    accumulate(k, now_ps);
    last_load_[k] = load;
  }
}

void LinkUtilisation::check_bucket_limit(TimePs until_ps) const {
  const std::size_t links = std::max<std::size_t>(resources_.size(), 1);
  if (static_cast<std::size_t>(until_ps / bucket_ps_) >= kMaxValues / links)
    throw std::overflow_error(fmt::format(
        "the per-link utilisation series would hold more than {} values ({} resources x buckets of link_bucket_s = "
        "{} s) to reach {} s of simulated time: raise link_bucket_s",
        kMaxValues, links, bucket_s_, to_seconds(until_ps)));
}

void LinkUtilisation::accumulate(std::size_t k, TimePs until_ps) {
  std::vector<double>& buckets = rows_[k];
  TimePs t = last_change_[k];
  last_change_[k] = until_ps;
  if (last_load_[k] == 0.0) return;
  const double per_ps =
      last_load_[k] / network_.link_bandwidth_bytes_per_s(resources_[k]) / static_cast<double>(bucket_ps_);
  check_bucket_limit(until_ps);
  while (t < until_ps) {
    const auto b = static_cast<std::size_t>(t / bucket_ps_);
    const TimePs end = std::min(until_ps, static_cast<TimePs>(b + 1) * bucket_ps_);
    const std::size_t i = b - first_bucket_;
    if (buckets.size() <= i) buckets.resize(i + 1, 0.0);
    buckets[i] += per_ps * static_cast<double>(end - t);
    t = end;
  }
}

void LinkUtilisation::take_finished(TimePs now_ps, ServingResult& part) {
  check_bucket_limit(now_ps);
  const auto done = static_cast<std::size_t>(now_ps / bucket_ps_);  // buckets before now's
  part.link_bucket_s = bucket_s_;
  part.link_first_bucket = first_bucket_;
  part.link_utilisation.assign(rows_.size(), {});
  if (done <= first_bucket_) return;
  const std::size_t n = done - first_bucket_;
  // Folding loads in up to a bucket boundary splits no bucket's sum, so the
  // series is the same bits whatever the part size.
  const TimePs boundary_ps = static_cast<TimePs>(done) * bucket_ps_;
  for (std::size_t k = 0; k < rows_.size(); ++k) {
    if (last_change_[k] < boundary_ps) accumulate(k, boundary_ps);
    std::vector<double>& buckets = rows_[k];
    buckets.resize(std::max(buckets.size(), n), 0.0);
    part.link_utilisation[k].assign(buckets.begin(), buckets.begin() + static_cast<std::ptrdiff_t>(n));
    buckets.erase(buckets.begin(), buckets.begin() + static_cast<std::ptrdiff_t>(n));
  }
  first_bucket_ = done;
}

void LinkUtilisation::take_rest(TimePs end_ps, ServingResult& part) {
  check_bucket_limit(end_ps);
  for (std::size_t k = 0; k < rows_.size(); ++k) accumulate(k, end_ps);
  const std::size_t buckets = static_cast<std::size_t>(end_ps / bucket_ps_) + 1 - first_bucket_;
  part.link_bucket_s = bucket_s_;
  part.link_first_bucket = first_bucket_;
  part.link_utilisation = std::move(rows_);
  for (std::vector<double>& row : part.link_utilisation) row.resize(buckets, 0.0);
  rows_.assign(part.link_utilisation.size(), {});
  first_bucket_ += buckets;
}

}  // namespace coesim::serving
