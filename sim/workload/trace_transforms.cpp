#include "sim/workload/trace_transforms.h"
#include "sim/kernel/split_mix64.h"

#include <stdexcept>

namespace coesim::workload {
namespace {

// Request `index`'s draw in (0, 1): independent of which others are kept.
double unit(std::uint64_t seed, std::int64_t index) {
  return SplitMix64(seed * SplitMix64::kGamma + static_cast<std::uint64_t>(index)).unit();
}

}  // namespace

std::int64_t transform_trace(const std::filesystem::path& in, const TransformOptions& o, TraceWriter& out) {
  if (!(o.rate_scale > 0)) throw std::invalid_argument("rate scale must be > 0");
  if (!(o.sample > 0 && o.sample <= 1)) throw std::invalid_argument("sample must be in (0, 1]");
  const double start = o.window_start_s.value_or(0.0);
  if (o.window_end_s && !(*o.window_end_s > start)) throw std::invalid_argument("window end must be after its start");
  std::int64_t index = -1;
  std::int64_t written = 0;
  read_trace(in, [&](const TraceRecord& r) {
    ++index;
    if (o.window_end_s && r.arrival_time_s >= *o.window_end_s) return false;
    if (r.arrival_time_s < start) return true;
    if (o.sample < 1 && unit(o.seed, index) >= o.sample) return true;
    TraceRecord t = r;
    t.arrival_time_s = (r.arrival_time_s - start) / o.rate_scale;
    out.write(t);
    ++written;
    return true;
  });
  return written;
}

std::int64_t concatenate_traces(const std::vector<std::filesystem::path>& in, double gap_s, TraceWriter& out) {
  if (!(gap_s >= 0)) throw std::invalid_argument("gap must be >= 0");
  double offset = 0;
  std::int64_t written = 0;
  for (const auto& file : in) {
    double first = 0;
    double last = 0;
    bool any = false;
    read_trace(file, [&](const TraceRecord& r) {
      if (!any) first = r.arrival_time_s;
      any = true;
      last = r.arrival_time_s;
      TraceRecord t = r;
      t.arrival_time_s = offset + (r.arrival_time_s - first);
      out.write(t);
      ++written;
      return true;
    });
    if (any) offset += (last - first) + gap_s;
  }
  return written;
}

}  // namespace coesim::workload
