#include "sim/workload/trace_file.h"

#include <H5Cpp.h>

#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "sim/config/config_error.h"

namespace coesim::workload {
namespace {

using config::ConfigError;
constexpr std::size_t kBlockRows = 65536;

const char* const kColumns[] = {"arrival_time_s", "input_tokens", "output_tokens", "prompt_id",
                                "category",       "expert",       "session_id"};

// ---- HDF5 -------------------------------------------------------------

class Hdf5TraceWriter : public TraceWriter {
 public:
  explicit Hdf5TraceWriter(std::filesystem::path file)
      : file_(std::move(file)), tmp_(file_.string() + ".tmp"), h5_(tmp_.string(), H5F_ACC_TRUNC) {
    H5::Group g = h5_.createGroup("trace");
    const hsize_t zero = 0;
    const hsize_t unlimited = H5S_UNLIMITED;
    const hsize_t chunk = kBlockRows;
    H5::DSetCreatPropList props;
    props.setChunk(1, &chunk);
    props.setDeflate(4);
    H5::DSetCreatPropList string_props;  // variable-length strings do not compress
    string_props.setChunk(1, &chunk);
    const H5::StrType str(H5::PredType::C_S1, H5T_VARIABLE);
    const auto make = [&](const char* name, const H5::DataType& type, const H5::DSetCreatPropList& p) {
      return g.createDataSet(name, type, H5::DataSpace(1, &zero, &unlimited), p);
    };
    arrival_ = make("arrival_time_s", H5::PredType::NATIVE_DOUBLE, props);
    input_ = make("input_tokens", H5::PredType::NATIVE_INT64, props);
    output_ = make("output_tokens", H5::PredType::NATIVE_INT64, props);
    prompt_ = make("prompt_id", str, string_props);
    category_ = make("category", str, string_props);
    expert_ = make("expert", H5::PredType::NATIVE_INT32, props);
    session_ = make("session_id", H5::PredType::NATIVE_INT64, props);
  }
  ~Hdf5TraceWriter() override {
    if (!closed_) {
      h5_.close();
      std::filesystem::remove(tmp_);
    }
  }

  void write(const TraceRecord& r) override {
    check_order(r);
    block_.push_back(r);
    if (block_.size() == kBlockRows) flush();
  }

  void close() override {
    flush();
    h5_.close();
    std::filesystem::rename(tmp_, file_);
    closed_ = true;
  }

 private:
  template <typename T>
  static void append(H5::DataSet& ds, const std::vector<T>& values, const H5::DataType& type, hsize_t at) {
    const hsize_t n = values.size();
    const hsize_t size = at + n;
    ds.extend(&size);
    H5::DataSpace file_space = ds.getSpace();
    file_space.selectHyperslab(H5S_SELECT_SET, &n, &at);
    const H5::DataSpace mem(1, &n);
    ds.write(values.data(), type, mem, file_space);
  }

  void flush() {
    if (block_.empty()) return;
    std::vector<double> arrival;
    std::vector<std::int64_t> input, output, session;
    std::vector<std::int32_t> expert;
    std::vector<const char*> prompt, category;
    for (const TraceRecord& r : block_) {
      arrival.push_back(r.arrival_time_s);
      input.push_back(r.input_tokens);
      output.push_back(r.output_tokens);
      prompt.push_back(r.prompt_id.c_str());
      category.push_back(r.category.c_str());
      expert.push_back(r.expert);
      session.push_back(r.session_id);
    }
    const auto at = static_cast<hsize_t>(written_);
    append(arrival_, arrival, H5::PredType::NATIVE_DOUBLE, at);
    append(input_, input, H5::PredType::NATIVE_INT64, at);
    append(output_, output, H5::PredType::NATIVE_INT64, at);
    const H5::StrType str(H5::PredType::C_S1, H5T_VARIABLE);
    append(prompt_, prompt, str, at);
    append(category_, category, str, at);
    append(expert_, expert, H5::PredType::NATIVE_INT32, at);
    append(session_, session, H5::PredType::NATIVE_INT64, at);
    written_ += static_cast<std::int64_t>(block_.size());
    block_.clear();
  }

  std::filesystem::path file_;
  std::filesystem::path tmp_;
  H5::H5File h5_;
  H5::DataSet arrival_, input_, output_, prompt_, category_, expert_, session_;
  std::vector<TraceRecord> block_;
  std::int64_t written_ = 0;
  bool closed_ = false;
};

void read_hdf5(const std::filesystem::path& file, const std::function<bool(const TraceRecord&)>& visit) {
  const std::string name = file.string();
  try {
    H5::Exception::dontPrint();
    const H5::H5File h5(name, H5F_ACC_RDONLY);
    if (!h5.nameExists("trace")) throw ConfigError(name, 0, 0, "trace", "no /trace group: not a coesim trace");
    const H5::Group g = h5.openGroup("trace");
    for (const char* c : kColumns)
      if (!g.nameExists(c)) throw ConfigError(name, 0, 0, std::string("trace/") + c, "column missing");
    const H5::DataSet arrival = g.openDataSet("arrival_time_s");
    hsize_t total = 0;
    arrival.getSpace().getSimpleExtentDims(&total);
    const H5::DataSet input = g.openDataSet("input_tokens"), output = g.openDataSet("output_tokens"),
                      prompt = g.openDataSet("prompt_id"), category = g.openDataSet("category"),
                      expert = g.openDataSet("expert"), session = g.openDataSet("session_id");
    const H5::StrType str(H5::PredType::C_S1, H5T_VARIABLE);
    for (hsize_t at = 0; at < total; at += kBlockRows) {
      const hsize_t n = std::min<hsize_t>(kBlockRows, total - at);
      const H5::DataSpace mem(1, &n);
      const auto read = [&](const H5::DataSet& ds, void* out, const H5::DataType& type) {
        H5::DataSpace space = ds.getSpace();
        hsize_t size = 0;
        space.getSimpleExtentDims(&size);
        if (size != total) throw ConfigError(name, 0, 0, ds.getObjName(), "column length differs from arrival_time_s");
        space.selectHyperslab(H5S_SELECT_SET, &n, &at);
        ds.read(out, type, mem, space);
      };
      std::vector<double> a(n);
      std::vector<std::int64_t> in(n), out(n), sess(n);
      std::vector<std::int32_t> ex(n);
      std::vector<char*> pr(n, nullptr), ca(n, nullptr);
      read(arrival, a.data(), H5::PredType::NATIVE_DOUBLE);
      read(input, in.data(), H5::PredType::NATIVE_INT64);
      read(output, out.data(), H5::PredType::NATIVE_INT64);
      read(prompt, pr.data(), str);
      read(category, ca.data(), str);
      read(expert, ex.data(), H5::PredType::NATIVE_INT32);
      read(session, sess.data(), H5::PredType::NATIVE_INT64);
      bool go = true;
      for (hsize_t i = 0; i < n && go; ++i)
        go = visit(TraceRecord{a[i], in[i], out[i], pr[i] ? pr[i] : "", ca[i] ? ca[i] : "", ex[i], sess[i]});
      H5::DataSet::vlenReclaim(pr.data(), str, mem);
      H5::DataSet::vlenReclaim(ca.data(), str, mem);
      if (!go) return;
    }
  } catch (const H5::Exception& e) {
    throw ConfigError(name, 0, 0, "", fmt::format("cannot read HDF5 trace: {}", e.getDetailMsg()));
  }
}

// ---- CSV --------------------------------------------------------------

class CsvTraceWriter : public TraceWriter {
 public:
  explicit CsvTraceWriter(std::filesystem::path file)
      : file_(std::move(file)), tmp_(file_.string() + ".tmp"), out_(tmp_, std::ios::binary) {
    if (!out_) throw ConfigError(tmp_.string(), 0, 0, "", "cannot write");
    out_ << native_csv_header() << '\n';
  }
  ~CsvTraceWriter() override {
    if (!closed_) {
      out_.close();
      std::filesystem::remove(tmp_);
    }
  }
  void write(const TraceRecord& r) override {
    check_order(r);
    if (r.prompt_id.find_first_of(",\"\n") != std::string::npos || r.category.find_first_of(",\"\n") != std::string::npos)
      throw config::UsageError("native CSV traces cannot hold commas, quotes or newlines in prompt_id or category: "
                               "write .h5");
    out_ << fmt::format("{},{},{},{},{},{},{}\n", r.arrival_time_s, r.input_tokens, r.output_tokens, r.prompt_id,
                        r.category, r.expert, r.session_id);
  }
  void close() override {
    out_.close();
    std::filesystem::rename(tmp_, file_);
    closed_ = true;
  }

 private:
  std::filesystem::path file_;
  std::filesystem::path tmp_;
  std::ofstream out_;
  bool closed_ = false;
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
  if (!std::filesystem::exists(file)) throw ConfigError(file.string(), 0, 0, "", "trace file not found");
  if (file.extension() == ".h5") return read_hdf5(file, visit);
  if (file.extension() == ".csv") return read_csv(file, visit);
  throw config::UsageError(fmt::format("trace file '{}': use .h5 or .csv", file.string()));
}

}  // namespace coesim::workload
