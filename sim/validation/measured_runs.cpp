#include "sim/validation/measured_runs.h"

#include <charconv>
#include <cmath>
#include <fstream>
#include <string_view>

#include <fmt/format.h>

#include "sim/config/config_error.h"

namespace coesim::validation {
namespace {

const std::vector<std::string> kSameLengthHeader{
    "Hardware", "Num of Hardware", "Framework", "Model", "Input Output Length", "Batch Size", "Latency", "Throughput"};
const std::vector<std::string> kSplitLengthHeader{"Hardware",   "Num of Hardware", "Framework",
                                                  "Model",      "Input Length",    "Output Length",
                                                  "Batch Size", "Latency",         "Throughput"};
const std::vector<std::string> kTtftHeader{"Hardware",   "Num of Hardware", "Framework",
                                           "Model",      "Input Length",    "Output Length",
                                           "Batch Size", "TTFT Latency",    "end_latency"};

// Limits that keep every derived quantity (tokens x batch, steps) far inside
// int64 and that no real run comes near.
constexpr std::int64_t kMaxDevices = 4096;
constexpr std::int64_t kMaxTokens = 1 << 24;
constexpr std::int64_t kMaxBatch = 1 << 20;

std::vector<std::string_view> split(std::string_view line) {
  std::vector<std::string_view> fields;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = line.find(',', start);
    fields.push_back(line.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
    if (comma == std::string_view::npos) return fields;
    start = comma + 1;
  }
}

class RowReader {
 public:
  RowReader(const std::string& file, int line, const std::vector<std::string>& header,
            std::vector<std::string_view> fields)
      : file_(file), line_(line), header_(header), fields_(std::move(fields)) {}

  [[noreturn]] void fail(std::size_t i, const std::string& reason) const {
    int column = 1;
    for (std::size_t k = 0; k < i && k < fields_.size(); ++k) column += static_cast<int>(fields_[k].size()) + 1;
    throw config::ConfigError(file_, line_, column, header_[i], reason);
  }

  std::string text(std::size_t i) const {
    if (fields_[i].empty()) fail(i, "empty");
    return std::string(fields_[i]);
  }

  std::int64_t integer(std::size_t i, std::int64_t min, std::int64_t max) const {
    const std::string_view f = fields_[i];
    std::int64_t v = 0;
    const auto [end, ec] = std::from_chars(f.data(), f.data() + f.size(), v);
    if (f.empty() || ec != std::errc() || end != f.data() + f.size())
      fail(i, fmt::format("'{}' is not a whole number", f));
    if (v < min || v > max) fail(i, fmt::format("{} is outside [{}, {}]", v, min, max));
    return v;
  }

  std::optional<double> number(std::size_t i, bool optional) const {
    const std::string_view f = fields_[i];
    if (f.empty()) {
      if (optional) return std::nullopt;
      fail(i, "empty");
    }
    double v = 0;
    const auto [end, ec] = std::from_chars(f.data(), f.data() + f.size(), v);
    if (ec != std::errc() || end != f.data() + f.size()) fail(i, fmt::format("'{}' is not a number", f));
    if (!std::isfinite(v) || v <= 0) fail(i, fmt::format("{} is not a positive finite number", f));
    return v;
  }

 private:
  const std::string& file_;
  int line_;
  const std::vector<std::string>& header_;
  std::vector<std::string_view> fields_;
};

}  // namespace

MeasuredRuns read_measured_runs(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw config::ConfigError(path.string(), 0, 0, "", "cannot open the measured-runs file");
  return parse_measured_runs(in, path.string());
}

std::vector<MeasuredRuns> read_measured_runs(const std::vector<std::string>& files) {
  std::vector<MeasuredRuns> runs;
  for (const std::string& file : files) runs.push_back(read_measured_runs(std::filesystem::path(file)));
  return runs;
}

MeasuredRuns parse_measured_runs(std::istream& in, const std::string& name) {
  MeasuredRuns runs;
  runs.file = name;
  std::string line;
  int number = 0;
  std::vector<std::string> header;
  while (std::getline(in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (number == 1) {
      for (const std::string_view f : split(line)) header.emplace_back(f);
      if (header != kSameLengthHeader && header != kSplitLengthHeader && header != kTtftHeader)
        throw config::ConfigError(
            runs.file, 1, 1, "header",
            fmt::format("expected the columns '{}' (or with 'Input Length,Output Length' for 'Input Output "
                        "Length'), or '{}', found '{}'",
                        fmt::join(kSameLengthHeader, ","), fmt::join(kTtftHeader, ","), line));
      continue;
    }
    if (line.empty()) continue;
    if (line.find('"') != std::string::npos)
      throw config::ConfigError(runs.file, number, static_cast<int>(line.find('"')) + 1, "",
                                "quoted fields are not part of this format");
    std::vector<std::string_view> fields = split(line);
    // The TTFT file leaves its optional last column out on rows without it.
    if (header == kTtftHeader && fields.size() + 1 == header.size()) fields.emplace_back();
    if (fields.size() != header.size())
      throw config::ConfigError(runs.file, number, 1, "",
                                fmt::format("{} fields, the header has {}", fields.size(), header.size()));
    const RowReader r(runs.file, number, header, std::move(fields));
    const bool split_lengths = header.size() == kSplitLengthHeader.size();
    const bool ttft = header == kTtftHeader;
    MeasuredRun run;
    run.line = number;
    run.hardware = r.text(0);
    run.devices = static_cast<int>(r.integer(1, 1, kMaxDevices));
    run.framework = r.text(2);
    run.model = r.text(3);
    run.input_tokens = r.integer(4, 1, kMaxTokens);
    run.output_tokens = split_lengths ? r.integer(5, 1, kMaxTokens) : run.input_tokens;
    const std::size_t rest = split_lengths ? 6 : 5;
    run.batch = r.integer(rest, 1, kMaxBatch);
    run.latency_s = *r.number(rest + 1, false);
    if (ttft) {
      if (run.output_tokens != 1) r.fail(5, "a time-to-first-token row is a run of one output token: 1");
      r.number(rest + 2, true);  // end_latency: checked, not used
    } else {
      run.throughput_tokens_per_s = r.number(rest + 2, true);
    }
    runs.rows.push_back(std::move(run));
  }
  if (header.empty()) throw config::ConfigError(runs.file, 1, 1, "header", "empty file");
  return runs;
}

}  // namespace coesim::validation
