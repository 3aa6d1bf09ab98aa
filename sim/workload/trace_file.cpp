#include "sim/workload/trace_file.h"

#include <H5Cpp.h>

#include <charconv>
#include <optional>
#include <utility>
#include <cmath>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "sim/config/config_error.h"
#include "sim/io/hdf5_output_file.h"
#include "sim/io/hdf5_errors.h"
#include "sim/io/hdf5_local_heaps.h"
#include "sim/io/hdf5_row_table.h"
#include "sim/io/hdf5_vlen_strings.h"
#include "sim/io/pending_file.h"

namespace coesim::workload {

using io::Hdf5OutputFile;
using io::PendingFile;
namespace {

using config::ConfigError;
constexpr std::size_t kBlockRows = 65536;

// The columns of /trace, which has no units; prompt_id and category are left
// out of a file while every value is empty, the others are required.
using TR = TraceRecord;
constexpr io::RowField<TR> kTraceColumns[] = {
    {{"arrival_time_s"}, [](const TR& r) -> double { return r.arrival_time_s; }},
    {{"input_tokens"}, [](const TR& r) -> std::int64_t { return r.input_tokens; }},
    {{"output_tokens"}, [](const TR& r) -> std::int64_t { return r.output_tokens; }},
    {{"prompt_id"}, [](const TR& r) -> const std::string& { return r.prompt_id; }, io::kOmitWhileEmpty},
    {{"category"}, [](const TR& r) -> const std::string& { return r.category; }, io::kOmitWhileEmpty},
    {{"expert"}, [](const TR& r) -> std::int32_t { return r.expert; }},
    {{"session_id"}, [](const TR& r) -> std::int64_t { return r.session_id; }},
};

// What is wrong with a record read from a native trace, if anything: the
// readers check what `trace convert` checks, since a file may come from
// elsewhere. `previous_s` is the arrival of the record before.
std::optional<std::pair<const char*, std::string>> record_problem(const TraceRecord& r, double previous_s) {
  if (!std::isfinite(r.arrival_time_s) || r.arrival_time_s < 0)
    return std::pair{"arrival_time_s", fmt::format("{} is not a time >= 0 in seconds", r.arrival_time_s)};
  if (r.arrival_time_s < previous_s)
    return std::pair{"arrival_time_s",
                     fmt::format("{} s is before the previous row's {} s: a trace is in arrival order",
                                 r.arrival_time_s, previous_s)};
  if (r.input_tokens < 0) return std::pair{"input_tokens", fmt::format("{} is negative", r.input_tokens)};
  if (r.output_tokens < 0) return std::pair{"output_tokens", fmt::format("{} is negative", r.output_tokens)};
  if (r.expert < -1) return std::pair{"expert", fmt::format("{} is neither an expert index nor -1 (none)", r.expert)};
  if (r.session_id < -1)
    return std::pair{"session_id", fmt::format("{} is neither a session id nor -1 (none)", r.session_id)};
  return std::nullopt;
}

// ---- HDF5 -------------------------------------------------------------

class Hdf5TraceWriter : public TraceWriter {
 public:
  explicit Hdf5TraceWriter(const std::filesystem::path& file)
      : path_(file), file_(file), trace_(file_.root(), "trace", kTraceColumns) {}

  void write(const TraceRecord& r) override {
    check_order(r);
    block_.push_back(r);
    if (block_.size() == kBlockRows) io::hdf5_writing(path_, [&] { flush(); });
  }

  void close() override {
    io::hdf5_writing(path_, [&] {
      flush();
      file_.commit();
    });
  }

 private:
  void flush() {
    trace_.append(block_);
    block_.clear();
  }

  std::filesystem::path path_;
  Hdf5OutputFile file_;
  io::RowTable<TraceRecord> trace_;
  std::vector<TraceRecord> block_;  // the rows not yet appended
};

void read_hdf5(const std::filesystem::path& file, const std::function<bool(const TraceRecord&)>& visit) {
  const std::string name = file.string();
  try {
    io::record_hdf5_errors();
    const H5::H5File h5(name, H5F_ACC_RDONLY);
    io::check_local_heaps(h5, name);
    if (!h5.nameExists("trace")) throw ConfigError(name, 0, 0, "trace", "no /trace group: not a coesim trace");
    const H5::Group g = h5.openGroup("trace");
    for (const io::RowField<TR>& c : kTraceColumns)
      if (!c.omit_while_empty && !g.nameExists(std::string(c.column.name)))
        throw ConfigError(name, 0, 0, "trace/" + std::string(c.column.name), "column missing");
    const bool has_prompt = g.nameExists("prompt_id"), has_category = g.nameExists("category");
    // Rows of a column, which must be 1-D (a 2-D one would not fit `rows`).
    const auto column_rows = [&](const H5::DataSet& ds) {
      const H5::DataSpace space = ds.getSpace();
      const int dims = space.getSimpleExtentNdims();
      if (dims != 1)
        throw ConfigError(name, 0, 0, ds.getObjName().substr(1),
                          fmt::format("a trace column is 1-D; this one has {} dimensions", dims));
      hsize_t rows = 0;
      space.getSimpleExtentDims(&rows);
      return rows;
    };
    const H5::DataSet arrival = g.openDataSet("arrival_time_s");
    const hsize_t total = column_rows(arrival);
    const H5::DataSet input = g.openDataSet("input_tokens"), output = g.openDataSet("output_tokens"),
                      expert = g.openDataSet("expert"), session = g.openDataSet("session_id");
    std::optional<io::VlenStringColumn> prompts, categories;
    if (has_prompt) prompts.emplace(g.openDataSet("prompt_id"), name, "trace/prompt_id");
    if (has_category) categories.emplace(g.openDataSet("category"), name, "trace/category");
    double previous_s = 0;
    for (hsize_t at = 0; at < total; at += kBlockRows) {
      const hsize_t n = std::min<hsize_t>(kBlockRows, total - at);
      const H5::DataSpace mem(1, &n);
      const auto read = [&](const H5::DataSet& ds, void* out, const H5::DataType& type) {
        if (column_rows(ds) != total)
          throw ConfigError(name, 0, 0, ds.getObjName().substr(1), "column length differs from arrival_time_s");
        H5::DataSpace space = ds.getSpace();
        space.selectHyperslab(H5S_SELECT_SET, &n, &at);
        ds.read(out, type, mem, space);
      };
      std::vector<double> a(n);
      std::vector<std::int64_t> in(n), out(n), sess(n);
      std::vector<std::int32_t> ex(n);
      const auto read_strings = [&](std::optional<io::VlenStringColumn>& column) {
        if (!column) return std::vector<std::string>(n);
        if (column->rows() != total)
          throw ConfigError(name, 0, 0, column->field(), "column length differs from arrival_time_s");
        return column->read(at, n);
      };
      read(arrival, a.data(), H5::PredType::NATIVE_DOUBLE);
      read(input, in.data(), H5::PredType::NATIVE_INT64);
      read(output, out.data(), H5::PredType::NATIVE_INT64);
      const std::vector<std::string> pr = read_strings(prompts), ca = read_strings(categories);
      read(expert, ex.data(), H5::PredType::NATIVE_INT32);
      read(session, sess.data(), H5::PredType::NATIVE_INT64);
      bool go = true;
      for (hsize_t i = 0; i < n && go; ++i) {
        const TraceRecord r{a[i], in[i], out[i], pr[i], ca[i], ex[i], sess[i]};
        if (const auto problem = record_problem(r, previous_s))
          throw ConfigError(name, 0, 0, std::string("trace/") + problem->first,
                            fmt::format("row {}: {}", at + i, problem->second));
        previous_s = r.arrival_time_s;
        go = visit(r);
      }
      if (!go) return;
    }
  } catch (const H5::Exception& e) {
    throw ConfigError(name, 0, 0, "", fmt::format("cannot read HDF5 trace: {}", io::hdf5_error_text(e)));
  }
}

// ---- CSV --------------------------------------------------------------

class CsvTraceWriter : public TraceWriter {
 public:
  explicit CsvTraceWriter(const std::filesystem::path& file) : pending_(file), out_(pending_.tmp(), std::ios::binary) {
    if (!out_) throw config::UsageError(fmt::format("cannot write {}", pending_.file().string()));
    out_ << native_csv_header() << '\n';
  }
  void write(const TraceRecord& r) override {
    check_order(r);
    if (r.prompt_id.find_first_of(",\"\n") != std::string::npos ||
        r.category.find_first_of(",\"\n") != std::string::npos)
      throw config::UsageError(
          "native CSV traces cannot hold commas, quotes or newlines in prompt_id or category: "
          "write .h5");
    out_ << fmt::format("{},{},{},{},{},{},{}\n", r.arrival_time_s, r.input_tokens, r.output_tokens, r.prompt_id,
                        r.category, r.expert, r.session_id);
  }
  void close() override {
    out_.close();
    if (!out_) throw config::UsageError(fmt::format("cannot write {} (disk full?)", pending_.file().string()));
    pending_.commit();
  }

 private:
  PendingFile pending_;  // declared first: removes the temporary after out_ closes it
  std::ofstream out_;
};

template <typename T>
T parse_number(std::string_view text, const std::string& file, int line, const char* field) {
  T value{};
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size())
    throw ConfigError(file, line, 0, field, fmt::format("'{}' is not a number", text));
  return value;
}

void read_csv(const std::filesystem::path& file, const std::function<bool(const TraceRecord&)>& visit) {
  const std::string name = file.string();
  std::ifstream in(file);
  if (!in) throw ConfigError(name, 0, 0, "", "cannot open trace file");
  std::string line;
  if (!std::getline(in, line) || line != native_csv_header())
    throw ConfigError(name, 1, 0, "", fmt::format("expected the header '{}'", native_csv_header()));
  double previous_s = 0;
  for (int n = 2; std::getline(in, line); ++n) {
    if (line.empty()) continue;
    std::vector<std::string_view> f;
    std::string_view rest(line);
    for (std::size_t comma; (comma = rest.find(',')) != std::string_view::npos; rest.remove_prefix(comma + 1))
      f.push_back(rest.substr(0, comma));
    f.push_back(rest);
    if (f.size() != 7) throw ConfigError(name, n, 0, "", fmt::format("{} fields where 7 are expected", f.size()));
    TraceRecord r{parse_number<double>(f[0], name, n, "arrival_time_s"),
                  parse_number<std::int64_t>(f[1], name, n, "input_tokens"),
                  parse_number<std::int64_t>(f[2], name, n, "output_tokens"),
                  std::string(f[3]),
                  std::string(f[4]),
                  parse_number<std::int32_t>(f[5], name, n, "expert"),
                  parse_number<std::int64_t>(f[6], name, n, "session_id")};
    if (const auto problem = record_problem(r, previous_s))
      throw ConfigError(name, n, 0, problem->first, problem->second);
    previous_s = r.arrival_time_s;
    if (!visit(r)) return;
  }
}

}  // namespace

const char* native_csv_header() {
  return "arrival_time_s,input_tokens,output_tokens,prompt_id,category,expert,session_id";
}

void TraceWriter::check_order(const TraceRecord& r) {
  if (!(r.arrival_time_s >= last_arrival_s_) || !std::isfinite(r.arrival_time_s))
    throw config::UsageError(fmt::format("trace record {} arrives at {} s, before the previous one ({} s)", rows_,
                                         r.arrival_time_s, last_arrival_s_));
  last_arrival_s_ = r.arrival_time_s;
  ++rows_;
}

std::unique_ptr<TraceWriter> open_trace_writer(const std::filesystem::path& file) {
  if (file.extension() == ".h5") return std::make_unique<Hdf5TraceWriter>(file);
  if (file.extension() == ".csv") return std::make_unique<CsvTraceWriter>(file);
  throw config::UsageError(fmt::format("trace file '{}': use .h5 or .csv", file.string()));
}

void read_trace(const std::filesystem::path& file, const std::function<bool(const TraceRecord&)>& visit) {
  std::error_code ec;  // a name the OS refuses (too long, no permission) is "not found", not a throw
  if (!std::filesystem::exists(file, ec)) throw ConfigError(file.string(), 0, 0, "", "trace file not found");
  if (file.extension() == ".h5") return read_hdf5(file, visit);
  if (file.extension() == ".csv") return read_csv(file, visit);
  throw config::UsageError(fmt::format("trace file '{}': use .h5 or .csv", file.string()));
}

}  // namespace coesim::workload
