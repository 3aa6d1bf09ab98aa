#include "sim/serving/hdf5_results.h"

#include <H5Cpp.h>

#include <cstdint>
#include <functional>
#include <vector>

namespace coesim::serving {
namespace {

// Chunked, deflate-compressed 1-D column.
template <typename T>
void write_column(H5::Group& group, const char* name, const std::vector<T>& values, const H5::PredType& type) {
  const hsize_t n = values.size();
  H5::DataSpace space(1, &n);
  H5::DSetCreatPropList props;
  if (n > 0) {
    const hsize_t chunk = std::min<hsize_t>(n, 65536);
    props.setChunk(1, &chunk);
    props.setDeflate(4);
  }
  H5::DataSet ds = group.createDataSet(name, type, space, props);
  if (n > 0) ds.write(values.data(), type);
}

void write_strings(H5::Group& group, const char* name, const std::vector<std::string>& values) {
  std::vector<const char*> raw;
  for (const std::string& v : values) raw.push_back(v.c_str());
  const hsize_t n = raw.size();
  const H5::StrType type(H5::PredType::C_S1, H5T_VARIABLE);
  H5::DataSet ds = group.createDataSet(name, type, H5::DataSpace(1, &n));
  if (n > 0) ds.write(raw.data(), type);
}

double seconds_or_never(TimePs t) { return t == kNever ? -1.0 : to_seconds(t); }

template <typename Row, typename T>
std::vector<T> column(const std::vector<Row>& rows, const std::function<T(const Row&)>& get) {
  std::vector<T> out;
  out.reserve(rows.size());
  for (const Row& r : rows) out.push_back(get(r));
  return out;
}

}  // namespace

void write_results_hdf5(const std::filesystem::path& file, const ServingResult& result, const std::string& summary_json) {
  const std::filesystem::path tmp = file.string() + ".tmp";
  {
    H5::H5File h5(tmp.string(), H5F_ACC_TRUNC);
    const auto& D = H5::PredType::NATIVE_DOUBLE;
    const auto& I64 = H5::PredType::NATIVE_INT64;
    const auto& I32 = H5::PredType::NATIVE_INT32;
    using R = RequestRecord;
    H5::Group req = h5.createGroup("requests");
    const auto& rs = result.requests;
    write_column(req, "id", column<R, std::int64_t>(rs, [](const R& r) { return r.request.id; }), I64);
    write_column(req, "expert", column<R, std::int32_t>(rs, [](const R& r) { return r.request.expert; }), I32);
    write_column(req, "input_tokens", column<R, std::int64_t>(rs, [](const R& r) { return r.request.input_tokens; }), I64);
    write_column(req, "output_tokens", column<R, std::int64_t>(rs, [](const R& r) { return r.request.output_tokens; }), I64);
    write_column(req, "tokens_out", column<R, std::int64_t>(rs, [](const R& r) { return r.tokens_out; }), I64);
    write_column(req, "preemptions", column<R, std::int32_t>(rs, [](const R& r) { return r.preemptions; }), I32);
    // 1 finished, 2 rejected (0 never appears: every request ends)
    write_column(req, "outcome", column<R, std::int32_t>(rs, [](const R& r) { return static_cast<std::int32_t>(r.outcome); }), I32);
    const std::vector<std::pair<const char*, TimePs R::*>> times{
        {"routed_s", &R::routed_ps},           {"queued_s", &R::queued_ps},
        {"switch_start_s", &R::switch_start_ps}, {"switch_end_s", &R::switch_end_ps},
        {"prefill_start_s", &R::prefill_start_ps}, {"prefill_end_s", &R::prefill_end_ps},
        {"finish_s", &R::finish_ps}};
    write_strings(req, "prompt_id", column<R, std::string>(rs, [](const R& r) { return r.request.prompt_id; }));
    write_strings(req, "category", column<R, std::string>(rs, [](const R& r) { return r.request.category; }));
    write_column(req, "arrival_s", column<R, double>(rs, [](const R& r) { return to_seconds(r.request.arrival_ps); }), D);
    for (const auto& [name, member] : times)
      write_column(req, name, column<R, double>(rs, [m = member](const R& r) { return seconds_or_never(r.*m); }), D);

    // Every token's time, when the experiment records them (record_token_times).
    std::vector<std::int64_t> token_request;
    std::vector<double> token_time;
    for (const RequestRecord& r : rs)
      for (const TimePs t : r.token_ps) {
        token_request.push_back(r.request.id);
        token_time.push_back(to_seconds(t));
      }
    if (!token_time.empty()) {
      H5::Group tok = h5.createGroup("tokens");
      write_column(tok, "request", token_request, I64);
      write_column(tok, "time_s", token_time, D);
    }

    using S = SwitchRecord;
    H5::Group sw = h5.createGroup("switches");
    write_column(sw, "expert", column<S, std::int32_t>(result.switches, [](const S& s) { return s.expert; }), I32);
    write_column(sw, "start_s", column<S, double>(result.switches, [](const S& s) { return to_seconds(s.start_ps); }), D);
    write_column(sw, "end_s", column<S, double>(result.switches, [](const S& s) { return seconds_or_never(s.end_ps); }), D);
    write_column(sw, "prefetch", column<S, std::int32_t>(result.switches, [](const S& s) { return s.prefetch ? 1 : 0; }), I32);

    using O = OccupancySample;
    H5::Group ts = h5.createGroup("timeseries");
    H5::Group fast = ts.createGroup("fast_tier");
    write_column(fast, "time_s", column<O, double>(result.occupancy, [](const O& o) { return to_seconds(o.time_ps); }), D);
    write_column(fast, "engine", column<O, std::int32_t>(result.occupancy, [](const O& o) { return o.engine; }), I32);
    write_column(fast, "used_bytes", column<O, double>(result.occupancy, [](const O& o) { return o.used_bytes; }), D);

    {
      // [resource, bucket] utilisation; the bucket length is an attribute.
      const hsize_t dims[2] = {result.link_utilisation.size(),
                               result.link_utilisation.empty() ? 0 : result.link_utilisation.front().size()};
      std::vector<double> flat;
      for (const auto& row : result.link_utilisation) flat.insert(flat.end(), row.begin(), row.end());
      H5::DataSet u = ts.createDataSet("link_utilisation", D, H5::DataSpace(2, dims));
      if (!flat.empty()) u.write(flat.data(), D);
      H5::Attribute a = u.createAttribute("bucket_s", D, H5::DataSpace(H5S_SCALAR));
      a.write(D, &result.link_bucket_s);
    }
    using RI = ResourceInfo;
    H5::Group res = h5.createGroup("resources");
    write_strings(res, "name", column<RI, std::string>(result.resources, [](const RI& r) { return r.name; }));
    write_column(res, "bandwidth_bytes_per_s",
                 column<RI, double>(result.resources, [](const RI& r) { return r.bandwidth_bytes_per_s; }), D);

    using E = ExpertStats;
    H5::Group ex = h5.createGroup("experts");
    write_column(ex, "requests", column<E, std::int64_t>(result.experts, [](const E& e) { return e.requests; }), I64);
    write_column(ex, "hits", column<E, std::int64_t>(result.experts, [](const E& e) { return e.hits; }), I64);
    write_column(ex, "switches", column<E, std::int64_t>(result.experts, [](const E& e) { return e.switches; }), I64);
    write_column(ex, "evictions", column<E, std::int64_t>(result.experts, [](const E& e) { return e.evictions; }), I64);
    write_column(ex, "bytes_moved", column<E, double>(result.experts, [](const E& e) { return static_cast<double>(e.bytes_moved); }), D);

    const H5::StrType str(H5::PredType::C_S1, summary_json.size() + 1);
    H5::Attribute a = h5.createAttribute("summary_json", str, H5::DataSpace(H5S_SCALAR));
    a.write(str, summary_json.c_str());
  }
  std::filesystem::rename(tmp, file);
}

}  // namespace coesim::serving
