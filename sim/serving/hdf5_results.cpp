#include "sim/serving/hdf5_results.h"

#include <H5Cpp.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <stdexcept>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "sim/io/hdf5_column.h"
#include "sim/io/hdf5_output_file.h"

namespace coesim::serving {
namespace {

using io::ColumnSpec;
using io::create_group;
using io::Hdf5Column;

// NaN, not a sentinel such as -1, so that no mean, difference or minimum
// over a column mistakes "never" for a time: numpy and pandas carry NaN
// through, and pandas' skipna and numpy's nan* functions leave it out.
double seconds_or_never(TimePs t) { return t == kNever ? std::numeric_limits<double>::quiet_NaN() : to_seconds(t); }

// One field of every row, as a column.
template <typename T, typename Row, typename Get>
std::vector<T> column(const std::vector<Row>& rows, Get get) {
  std::vector<T> out;
  out.reserve(rows.size());
  for (const Row& r : rows) out.push_back(get(r));
  return out;
}

class RequestTable {
 public:
  explicit RequestTable(const H5::Group& parent)
      : group_(create_group(parent, "requests")),
        id_(group_, {"id", "1", "request id: 0, 1, 2, ... in arrival order"}),
        expert_(group_, {"expert", "1", "the expert it was routed to: its row in /experts"}),
        input_tokens_(group_,
                      {"input_tokens", "tokens", "prompt length, after any truncation to the expert's context"}),
        output_tokens_(group_, {"output_tokens", "tokens", "output length asked for, after any truncation"}),
        tokens_out_(group_, {"tokens_out", "tokens", "output tokens produced (0 when rejected before prefill)"}),
        preemptions_(group_, {"preemptions", "1", "times its KV cache was dropped or swapped out to make room"}),
        outcome_(group_, {"outcome", "1", "1 finished, 2 rejected (reason in reject_reason)"}),
        prompt_id_(group_, {"prompt_id", "", "the prompt attached to it (trace replay; empty when none)"}),
        category_(group_, {"category", "", "the router's category for its prompt (empty when not routed by prompt)"}),
        reject_reason_(group_, {"reject_reason", "", "why it was rejected, e.g. context_too_long; empty when finished"},
                       true),
        arrival_s_(group_, {"arrival_s", "s", "arrival time, from the start of the run"}) {
    for (const auto& [column, member] : kTimes) times_.emplace_back(group_, column);
  }

  void append(const std::vector<RequestRecord>& rs) {
    using R = RequestRecord;
    id_.append(column<std::int64_t>(rs, [](const R& r) { return r.request.id; }));
    expert_.append(column<std::int32_t>(rs, [](const R& r) { return r.request.expert; }));
    input_tokens_.append(column<std::int64_t>(rs, [](const R& r) { return r.request.input_tokens; }));
    output_tokens_.append(column<std::int64_t>(rs, [](const R& r) { return r.request.output_tokens; }));
    tokens_out_.append(column<std::int64_t>(rs, [](const R& r) { return r.tokens_out; }));
    preemptions_.append(column<std::int32_t>(rs, [](const R& r) { return r.preemptions; }));
    outcome_.append(column<std::int32_t>(rs, [](const R& r) { return static_cast<std::int32_t>(r.outcome); }));
    prompt_id_.append(column<std::string>(rs, [](const R& r) { return r.request.prompt_id; }));
    category_.append(column<std::string>(rs, [](const R& r) { return r.request.category; }));
    reject_reason_.append(column<std::string>(rs, [](const R& r) { return r.reject_reason; }));
    arrival_s_.append(column<double>(rs, [](const R& r) { return to_seconds(r.request.arrival_ps); }));
    for (std::size_t i = 0; i < kTimes.size(); ++i)
      times_[i].append(column<double>(rs, [m = kTimes[i].second](const R& r) { return seconds_or_never(r.*m); }));
  }

 private:
  // Times from the start of the run; NaN for what never happened (seconds_or_never).
  static constexpr std::array<std::pair<ColumnSpec, TimePs RequestRecord::*>, 7> kTimes{{
      {{"routed_s", "s", "the router's pass over it ended (arrival when not routed); NaN if rejected first"},
       &RequestRecord::routed_ps},
      {{"queued_s", "s", "it began waiting for its expert's engine; NaN if rejected first"}, &RequestRecord::queued_ps},
      {{"switch_start_s", "s", "it began waiting for a copy of its expert before its first prefill; NaN if none"},
       &RequestRecord::switch_start_ps},
      {{"switch_end_s", "s", "that wait for its expert's copy ended; NaN if it never waited"},
       &RequestRecord::switch_end_ps},
      {{"prefill_start_s", "s", "its first prefill started; NaN if rejected before one"},
       &RequestRecord::prefill_start_ps},
      {{"prefill_end_s", "s", "its first prefill ended, giving the first token; NaN if rejected before one"},
       &RequestRecord::prefill_end_ps},
      {{"finish_s", "s", "its last token, or its rejection"}, &RequestRecord::finish_ps},
  }};

  H5::Group group_;
  Hdf5Column<std::int64_t> id_;
  Hdf5Column<std::int32_t> expert_;
  Hdf5Column<std::int64_t> input_tokens_, output_tokens_, tokens_out_;
  Hdf5Column<std::int32_t> preemptions_;
  Hdf5Column<std::int32_t> outcome_;  // 1 finished, 2 rejected (0 never appears: every request ends)
  Hdf5Column<std::string> prompt_id_, category_;
  Hdf5Column<std::string> reject_reason_;  // absent while no request is rejected
  Hdf5Column<double> arrival_s_;
  std::vector<Hdf5Column<double>> times_;  // one per kTimes entry
};

// Every token's time, when the experiment records them (record_token_times).
class TokenTable {
 public:
  explicit TokenTable(const H5::Group& parent)
      : group_(create_group(parent, "tokens")),
        request_(group_, {"request", "1", "the request (its id) that produced the token"}),
        time_s_(group_, {"time_s", "s", "when the token came out, from the start of the run"}) {}

  static bool any(const std::vector<RequestRecord>& rs) {
    return std::any_of(rs.begin(), rs.end(), [](const RequestRecord& r) { return !r.token_ps.empty(); });
  }

  void append(const std::vector<RequestRecord>& rs) {
    std::vector<std::int64_t> request;
    std::vector<double> time_s;
    for (const RequestRecord& r : rs)
      for (const TimePs t : r.token_ps) {
        request.push_back(r.request.id);
        time_s.push_back(to_seconds(t));
      }
    request_.append(request);
    time_s_.append(time_s);
  }

 private:
  H5::Group group_;
  Hdf5Column<std::int64_t> request_;
  Hdf5Column<double> time_s_;
};

class BatchTable {
 public:
  explicit BatchTable(const H5::Group& parent)
      : group_(create_group(parent, "batches")),
        start_s_(group_, {"start_s", "s", "the router pass over the batch started"}),
        end_s_(group_, {"end_s", "s", "the last of its requests finished or was rejected"}),
        request_count_(group_, {"request_count", "1", "requests in the batch"}) {}

  void append(const std::vector<BatchRecord>& bs) {
    using B = BatchRecord;
    start_s_.append(column<double>(bs, [](const B& b) { return to_seconds(b.start_ps); }));
    end_s_.append(column<double>(bs, [](const B& b) { return to_seconds(b.end_ps); }));
    request_count_.append(column<std::int64_t>(bs, [](const B& b) { return std::ssize(b.requests); }));
  }

 private:
  H5::Group group_;
  Hdf5Column<double> start_s_, end_s_;
  Hdf5Column<std::int64_t> request_count_;
};

class SwitchTable {
 public:
  explicit SwitchTable(const H5::Group& parent)
      : group_(create_group(parent, "switches")),
        expert_(group_, {"expert", "1", "the expert copied into the fast tier: its row in /experts"}),
        start_s_(group_, {"start_s", "s", "the copy started"}),
        end_s_(group_, {"end_s", "s", "the copy ended; NaN if it never did"}),
        prefetch_(group_, {"prefetch", "1", "1 started ahead of need (prefetch), 0 on demand"}) {}

  void append(const std::vector<SwitchRecord>& ss) {
    using S = SwitchRecord;
    expert_.append(column<std::int32_t>(ss, [](const S& s) { return s.expert; }));
    start_s_.append(column<double>(ss, [](const S& s) { return to_seconds(s.start_ps); }));
    end_s_.append(column<double>(ss, [](const S& s) { return seconds_or_never(s.end_ps); }));
    prefetch_.append(column<std::int32_t>(ss, [](const S& s) { return s.prefetch ? 1 : 0; }));
  }

 private:
  H5::Group group_;
  Hdf5Column<std::int32_t> expert_;
  Hdf5Column<double> start_s_, end_s_;
  Hdf5Column<std::int32_t> prefetch_;
};

class KvSwapTable {
 public:
  explicit KvSwapTable(const H5::Group& parent)
      : group_(create_group(parent, "kv_swaps")),
        request_(group_, {"request", "1", "the request (its id) whose KV cache was copied"}),
        out_(group_, {"out", "1", "1 fast tier to slow tier, 0 back in"}),
        bytes_per_device_(group_, {"bytes_per_device", "bytes", "KV cache bytes copied, per device of the engine"}),
        start_s_(group_, {"start_s", "s", "the copy started"}),
        end_s_(group_, {"end_s", "s", "the copy ended; NaN if it never did"}) {}

  void append(const std::vector<KvSwapRecord>& ks) {
    using K = KvSwapRecord;
    request_.append(column<std::int64_t>(ks, [](const K& k) { return k.request; }));
    out_.append(column<std::int32_t>(ks, [](const K& k) { return k.out ? 1 : 0; }));
    bytes_per_device_.append(column<double>(ks, [](const K& k) { return k.bytes_per_device; }));
    start_s_.append(column<double>(ks, [](const K& k) { return to_seconds(k.start_ps); }));
    end_s_.append(column<double>(ks, [](const K& k) { return seconds_or_never(k.end_ps); }));
  }

 private:
  H5::Group group_;
  Hdf5Column<std::int64_t> request_;
  Hdf5Column<std::int32_t> out_;  // 1 fast -> slow, 0 back in
  Hdf5Column<double> bytes_per_device_, start_s_, end_s_;
};

class FastTierTable {
 public:
  explicit FastTierTable(const H5::Group& timeseries)
      : group_(create_group(timeseries, "fast_tier")),
        time_s_(group_, {"time_s", "s", "time of the change, from the start of the run"}),
        engine_(group_, {"engine", "1", "the engine (0-based, over every node) whose fast tier changed"}),
        used_bytes_(group_, {"used_bytes", "bytes", "fast tier in use after the change, per device of that engine"}) {}

  void append(const std::vector<OccupancySample>& os) {
    using O = OccupancySample;
    time_s_.append(column<double>(os, [](const O& o) { return to_seconds(o.time_ps); }));
    engine_.append(column<std::int32_t>(os, [](const O& o) { return o.engine; }));
    used_bytes_.append(column<double>(os, [](const O& o) { return o.used_bytes; }));
  }

 private:
  H5::Group group_;
  Hdf5Column<double> time_s_;
  Hdf5Column<std::int32_t> engine_;
  Hdf5Column<double> used_bytes_;
};

// [resource, bucket] utilisation, growing along the buckets. A chunk spans
// every resource, so a part's buckets land in one chunk (and one cache slot).
class LinkUtilisationTable {
 public:
  LinkUtilisationTable(const H5::Group& timeseries, std::size_t resources) : resources_(resources) {
    const hsize_t dims[2] = {resources_, 0};
    const hsize_t max_dims[2] = {resources_, H5S_UNLIMITED};
    const hsize_t chunk_rows = std::max<hsize_t>(resources_, 1);
    const hsize_t chunk_buckets = std::max<hsize_t>(kChunkValues / chunk_rows, 1);
    dataset_ = timeseries.createDataSet(std::string(kColumn.name), H5::PredType::NATIVE_DOUBLE,
                                        H5::DataSpace(2, dims, max_dims),
                                        io::dataset_props({chunk_rows, chunk_buckets}, true));
    io::describe(dataset_, kColumn);
  }

  hsize_t resources() const { return resources_; }

  void append(const std::vector<std::vector<double>>& utilisation, std::size_t first_bucket) {
    if (utilisation.size() != resources_)
      throw std::logic_error(
          fmt::format("link utilisation of {} resources after parts with {}", utilisation.size(), resources_));
    const hsize_t n = utilisation.empty() ? 0 : utilisation.front().size();
    for (const std::vector<double>& row : utilisation)
      if (row.size() != n) throw std::logic_error("link utilisation rows of different lengths in one part");
    if (n == 0) return;
    if (first_bucket != buckets_)
      throw std::logic_error(fmt::format("link utilisation part starts at bucket {} after {} buckets written",
                                         first_bucket, buckets_));
    std::vector<double> flat;
    flat.reserve(resources_ * n);
    for (const std::vector<double>& row : utilisation) flat.insert(flat.end(), row.begin(), row.end());
    const hsize_t size[2] = {resources_, buckets_ + n};
    dataset_.extend(size);
    H5::DataSpace file_space = dataset_.getSpace();
    const hsize_t start[2] = {0, buckets_};
    const hsize_t count[2] = {resources_, n};
    file_space.selectHyperslab(H5S_SELECT_SET, count, start);
    dataset_.write(flat.data(), H5::PredType::NATIVE_DOUBLE, H5::DataSpace(2, count), file_space);
    buckets_ += n;
  }

  void set_bucket_s(double bucket_s) {
    const auto& D = H5::PredType::NATIVE_DOUBLE;
    dataset_.createAttribute("bucket_s", D, H5::DataSpace(H5S_SCALAR)).write(D, &bucket_s);
  }

 private:
  static constexpr ColumnSpec kColumn{
      "link_utilisation", "1",
      "[resource, bucket]: bytes through the /resources row in a bucket of bucket_s (attribute) seconds over "
      "its bandwidth x bucket_s"};
  static constexpr hsize_t kChunkValues = 65536;
  hsize_t resources_ = 0;
  hsize_t buckets_ = 0;
  H5::DataSet dataset_;
};

void write_resources(const H5::Group& parent, const std::vector<ResourceInfo>& resources) {
  using RI = ResourceInfo;
  const H5::Group group = create_group(parent, "resources");
  Hdf5Column<std::string>(group, {"name", "", "a memory tier or link instance of a node, e.g. node1/pcie[3]"})
      .append(column<std::string>(resources, [](const RI& r) { return r.name; }));
  Hdf5Column<double>(group, {"bandwidth_bytes_per_s", "bytes/s", "its bandwidth"})
      .append(column<double>(resources, [](const RI& r) { return r.bandwidth_bytes_per_s; }));
}

void write_experts(const H5::Group& parent, const std::vector<ExpertStats>& experts) {
  using E = ExpertStats;
  const H5::Group group = create_group(parent, "experts");
  Hdf5Column<std::int64_t>(group, {"requests", "1", "requests routed to the expert"})
      .append(column<std::int64_t>(experts, [](const E& e) { return e.requests; }));
  Hdf5Column<std::int64_t>(group, {"hits", "1", "prefills that found the expert resident in the fast tier"})
      .append(column<std::int64_t>(experts, [](const E& e) { return e.hits; }));
  Hdf5Column<std::string>(group, {"name", "", "the experiment's name for the expert"})
      .append(column<std::string>(experts, [](const E& e) { return e.name; }));
  Hdf5Column<std::int64_t>(group, {"switches", "1", "copies of the expert into the fast tier, prefetches included"})
      .append(column<std::int64_t>(experts, [](const E& e) { return e.switches; }));
  Hdf5Column<std::int64_t>(group, {"prefetches", "1", "of those copies, the ones started ahead of need"})
      .append(column<std::int64_t>(experts, [](const E& e) { return e.prefetches; }));
  Hdf5Column<std::int64_t>(group, {"evictions", "1", "times the expert was evicted from the fast tier"})
      .append(column<std::int64_t>(experts, [](const E& e) { return e.evictions; }));
  Hdf5Column<double>(group,
                     {"bytes_moved", "bytes", "weight bytes its copies moved into the fast tier, all devices together"})
      .append(column<double>(experts, [](const E& e) { return static_cast<double>(e.bytes_moved); }));
}

}  // namespace

struct ResultsWriter::Tables {
  explicit Tables(const std::filesystem::path& path)
      : file(path),
        requests(file.root()),
        batches(file.root()),
        switches(file.root()),
        kv_swaps(file.root()),
        timeseries(create_group(file.root(), "timeseries")),
        fast_tier(timeseries) {}

  io::Hdf5OutputFile file;  // declared first: closes (or removes) the file after every table
  RequestTable requests;
  std::optional<TokenTable> tokens;  // only when tokens are recorded
  BatchTable batches;
  SwitchTable switches;
  KvSwapTable kv_swaps;
  H5::Group timeseries;
  FastTierTable fast_tier;
  std::optional<LinkUtilisationTable> link_utilisation;  // its resource count comes with the first buckets
};

ResultsWriter::ResultsWriter(const std::filesystem::path& file) : file_(file) {
  io::hdf5_writing(file_, [&] { tables_ = std::make_unique<Tables>(file); });
}

ResultsWriter::~ResultsWriter() = default;

void ResultsWriter::append(const ServingResult& part) {
  if (!tables_) throw std::logic_error("ResultsWriter::append after finish");
  io::hdf5_writing(file_, [&] { append_rows(part); });
}

void ResultsWriter::append_rows(const ServingResult& part) {
  Tables& t = *tables_;
  if (!part.link_utilisation.empty()) {  // first: a part that does not continue the buckets adds no row
    if (!t.link_utilisation) t.link_utilisation.emplace(t.timeseries, part.link_utilisation.size());
    t.link_utilisation->append(part.link_utilisation, part.link_first_bucket);
  }
  t.requests.append(part.requests);
  if (TokenTable::any(part.requests)) {
    if (!t.tokens) t.tokens.emplace(t.file.root());
    t.tokens->append(part.requests);
  }
  t.batches.append(part.batches);
  t.switches.append(part.switches);
  t.kv_swaps.append(part.kv_swaps);
  t.fast_tier.append(part.occupancy);
}

void ResultsWriter::finish(const ServingResult& whole_run, const std::string& summary_json) {
  if (!tables_) throw std::logic_error("ResultsWriter::finish called twice");
  io::hdf5_writing(file_, [&] { write_whole_run(whole_run, summary_json); });
  tables_.reset();
}

void ResultsWriter::write_whole_run(const ServingResult& whole_run, const std::string& summary_json) {
  Tables& t = *tables_;
  if (!t.link_utilisation) t.link_utilisation.emplace(t.timeseries, whole_run.resources.size());
  if (t.link_utilisation->resources() != whole_run.resources.size())
    throw std::logic_error(fmt::format("link utilisation of {} resources in a run with {}",
                                       t.link_utilisation->resources(), whole_run.resources.size()));
  t.link_utilisation->set_bucket_s(whole_run.link_bucket_s);
  write_resources(t.file.root(), whole_run.resources);
  write_experts(t.file.root(), whole_run.experts);
  const H5::StrType str(H5::PredType::C_S1, summary_json.size() + 1);
  t.file.root().createAttribute("summary_json", str, H5::DataSpace(H5S_SCALAR)).write(str, summary_json.c_str());
  t.file.commit();
}

void write_results_hdf5(const std::filesystem::path& file, const ServingResult& result, const std::string& summary_json) {
  ResultsWriter writer(file);
  writer.append(result);
  writer.finish(result, summary_json);
}

}  // namespace coesim::serving
