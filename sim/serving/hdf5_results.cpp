#include "sim/serving/hdf5_results.h"

#include <H5Cpp.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>
#include <stdexcept>
#include <vector>

#include <fmt/format.h>

#include "sim/io/hdf5_column.h"
#include "sim/io/hdf5_output_file.h"
#include "sim/io/hdf5_row_table.h"

namespace coesim::serving {
namespace {

using io::ColumnSpec;
using io::create_group;
using io::RowField;
using io::RowTable;

// NaN, not a sentinel such as -1, so that no mean, difference or minimum
// over a column mistakes "never" for a time: numpy and pandas carry NaN
// through, and pandas' skipna and numpy's nan* functions leave it out.
double seconds_or_never(TimePs t) { return t == kNever ? std::numeric_limits<double>::quiet_NaN() : to_seconds(t); }

// Request times are from the start of the run; NaN for what never happened (seconds_or_never).
using R = RequestRecord;
constexpr RowField<R> kRequestColumns[] = {
    {{"id", "1", "request id: 0, 1, 2, ... in arrival order"}, [](const R& r) -> std::int64_t { return r.request.id; }},
    {{"expert", "1", "the expert it was routed to: its row in /experts"},
     [](const R& r) -> std::int32_t { return r.request.expert; }},
    {{"input_tokens", "tokens", "prompt length, after any truncation to the expert's context"},
     [](const R& r) -> std::int64_t { return r.request.input_tokens; }},
    {{"output_tokens", "tokens", "output length asked for, after any truncation"},
     [](const R& r) -> std::int64_t { return r.request.output_tokens; }},
    {{"tokens_out", "tokens", "output tokens produced (0 when rejected before prefill)"},
     [](const R& r) -> std::int64_t { return r.tokens_out; }},
    {{"preemptions", "1", "times its KV cache was dropped or swapped out to make room"},
     [](const R& r) -> std::int32_t { return r.preemptions; }},
    {{"outcome", "1", "1 finished, 2 rejected (reason in reject_reason)"},  // 0 never appears: every request ends
     [](const R& r) -> std::int32_t { return static_cast<std::int32_t>(r.outcome); }},
    {{"prompt_id", "", "the prompt attached to it (trace replay; empty when none)"},
     [](const R& r) -> const std::string& { return r.request.prompt_id; }},
    {{"category", "", "the router's category for its prompt (empty when not routed by prompt)"},
     [](const R& r) -> const std::string& { return r.request.category; }},
    {{"reject_reason", "", "why it was rejected, e.g. context_too_long; empty when finished"},
     [](const R& r) -> const std::string& { return r.reject_reason; },
     io::kOmitWhileEmpty},
    {{"arrival_s", "s", "arrival time, from the start of the run"},
     [](const R& r) -> double { return to_seconds(r.request.arrival_ps); }},
    {{"routed_s", "s", "the router's pass over it ended (arrival when not routed); NaN if rejected first"},
     [](const R& r) -> double { return seconds_or_never(r.routed_ps); }},
    {{"queued_s", "s", "it began waiting for its expert's engine; NaN if rejected first"},
     [](const R& r) -> double { return seconds_or_never(r.queued_ps); }},
    {{"switch_start_s", "s", "it began waiting for a copy of its expert before its first prefill; NaN if none"},
     [](const R& r) -> double { return seconds_or_never(r.switch_start_ps); }},
    {{"switch_end_s", "s", "that wait for its expert's copy ended; NaN if it never waited"},
     [](const R& r) -> double { return seconds_or_never(r.switch_end_ps); }},
    {{"prefill_start_s", "s", "its first prefill started; NaN if rejected before one"},
     [](const R& r) -> double { return seconds_or_never(r.prefill_start_ps); }},
    {{"prefill_end_s", "s", "its first prefill ended, giving the first token; NaN if rejected before one"},
     [](const R& r) -> double { return seconds_or_never(r.prefill_end_ps); }},
    {{"finish_s", "s", "its last token, or its rejection"},
     [](const R& r) -> double { return seconds_or_never(r.finish_ps); }},
};

// Every token's time, when the experiment records them (record_token_times).
struct TokenTime {
  std::int64_t request = 0;
  TimePs time_ps = 0;
};

constexpr RowField<TokenTime> kTokenColumns[] = {
    {{"request", "1", "the request (its id) that produced the token"},
     [](const TokenTime& t) -> std::int64_t { return t.request; }},
    {{"time_s", "s", "when the token came out, from the start of the run"},
     [](const TokenTime& t) -> double { return to_seconds(t.time_ps); }},
};

std::vector<TokenTime> token_times(const std::vector<RequestRecord>& rs) {
  std::size_t tokens = 0;
  for (const RequestRecord& r : rs) tokens += r.token_ps.size();
  std::vector<TokenTime> out;
  out.reserve(tokens);
  for (const RequestRecord& r : rs)
    for (const TimePs t : r.token_ps) out.push_back({r.request.id, t});
  return out;
}

using B = BatchRecord;
constexpr RowField<B> kBatchColumns[] = {
    {{"start_s", "s", "the router pass over the batch started"},
     [](const B& b) -> double { return to_seconds(b.start_ps); }},
    {{"end_s", "s", "the last of its requests finished or was rejected"},
     [](const B& b) -> double { return to_seconds(b.end_ps); }},
    {{"request_count", "1", "requests in the batch"},
     [](const B& b) -> std::int64_t { return std::ssize(b.requests); }},
};

using S = SwitchRecord;
constexpr RowField<S> kSwitchColumns[] = {
    {{"expert", "1", "the expert copied into the fast tier: its row in /experts"},
     [](const S& s) -> std::int32_t { return s.expert; }},
    {{"start_s", "s", "the copy started"}, [](const S& s) -> double { return to_seconds(s.start_ps); }},
    {{"end_s", "s", "the copy ended; NaN if it never did"},
     [](const S& s) -> double { return seconds_or_never(s.end_ps); }},
    {{"prefetch", "1", "1 started ahead of need (prefetch), 0 on demand"},
     [](const S& s) -> std::int32_t { return s.prefetch ? 1 : 0; }},
};

using K = KvSwapRecord;
constexpr RowField<K> kKvSwapColumns[] = {
    {{"request", "1", "the request (its id) whose KV cache was copied"},
     [](const K& k) -> std::int64_t { return k.request; }},
    {{"out", "1", "1 fast tier to slow tier, 0 back in"}, [](const K& k) -> std::int32_t { return k.out ? 1 : 0; }},
    {{"bytes_per_device", "bytes", "KV cache bytes copied, per device of the engine"},
     [](const K& k) -> double { return k.bytes_per_device; }},
    {{"start_s", "s", "the copy started"}, [](const K& k) -> double { return to_seconds(k.start_ps); }},
    {{"end_s", "s", "the copy ended; NaN if it never did"},
     [](const K& k) -> double { return seconds_or_never(k.end_ps); }},
};

using O = OccupancySample;
constexpr RowField<O> kFastTierColumns[] = {
    {{"time_s", "s", "time of the change, from the start of the run"},
     [](const O& o) -> double { return to_seconds(o.time_ps); }},
    {{"engine", "1", "the engine (0-based, over every node) whose fast tier changed"},
     [](const O& o) -> std::int32_t { return o.engine; }},
    {{"used_bytes", "bytes", "fast tier in use after the change, per device of that engine"},
     [](const O& o) -> double { return o.used_bytes; }},
};

using RI = ResourceInfo;
constexpr RowField<RI> kResourceColumns[] = {
    {{"name", "", "a memory tier or link instance of a node, e.g. node1/pcie[3]"},
     [](const RI& r) -> const std::string& { return r.name; }},
    {{"bandwidth_bytes_per_s", "bytes/s", "its bandwidth"},
     [](const RI& r) -> double { return r.bandwidth_bytes_per_s; }},
};

using E = ExpertStats;
constexpr RowField<E> kExpertColumns[] = {
    {{"requests", "1", "requests routed to the expert"}, [](const E& e) -> std::int64_t { return e.requests; }},
    {{"hits", "1", "prefills that found the expert resident in the fast tier"},
     [](const E& e) -> std::int64_t { return e.hits; }},
    {{"name", "", "the experiment's name for the expert"}, [](const E& e) -> const std::string& { return e.name; }},
    {{"switches", "1", "copies of the expert into the fast tier, prefetches included"},
     [](const E& e) -> std::int64_t { return e.switches; }},
    {{"prefetches", "1", "of those copies, the ones started ahead of need"},
     [](const E& e) -> std::int64_t { return e.prefetches; }},
    {{"evictions", "1", "times the expert was evicted from the fast tier"},
     [](const E& e) -> std::int64_t { return e.evictions; }},
    {{"bytes_moved", "bytes", "weight bytes its copies moved into the fast tier, all devices together"},
     [](const E& e) -> double { return static_cast<double>(e.bytes_moved); }},
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
      throw std::logic_error(
          fmt::format("link utilisation part starts at bucket {} after {} buckets written", first_bucket, buckets_));
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

}  // namespace

struct ResultsWriter::Tables {
  explicit Tables(const std::filesystem::path& path)
      : file(path),
        requests(file.root(), "requests", kRequestColumns),
        batches(file.root(), "batches", kBatchColumns),
        switches(file.root(), "switches", kSwitchColumns),
        kv_swaps(file.root(), "kv_swaps", kKvSwapColumns),
        timeseries(create_group(file.root(), "timeseries")),
        fast_tier(timeseries, "fast_tier", kFastTierColumns) {}

  io::Hdf5OutputFile file;  // declared first: closes (or removes) the file after every table
  RowTable<RequestRecord> requests;
  std::optional<RowTable<TokenTime>> tokens;  // only when tokens are recorded
  RowTable<BatchRecord> batches;
  RowTable<SwitchRecord> switches;
  RowTable<KvSwapRecord> kv_swaps;
  H5::Group timeseries;
  RowTable<OccupancySample> fast_tier;
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
  if (std::vector<TokenTime> tokens = token_times(part.requests); !tokens.empty()) {
    if (!t.tokens) t.tokens.emplace(t.file.root(), "tokens", kTokenColumns);
    t.tokens->append(tokens);
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
  RowTable<ResourceInfo>::write(t.file.root(), "resources", kResourceColumns, whole_run.resources);
  RowTable<ExpertStats>::write(t.file.root(), "experts", kExpertColumns, whole_run.experts);
  const H5::StrType str(H5::PredType::C_S1, summary_json.size() + 1);
  t.file.root().createAttribute("summary_json", str, H5::DataSpace(H5S_SCALAR)).write(str, summary_json.c_str());
  t.file.commit();
}

void write_results_hdf5(const std::filesystem::path& file, const ServingResult& result,
                        const std::string& summary_json) {
  ResultsWriter writer(file);
  writer.append(result);
  writer.finish(result, summary_json);
}

}  // namespace coesim::serving
