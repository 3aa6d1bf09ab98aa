#include "sim/workload/trace_importers.h"

#include <charconv>
#include <cmath>
#include <fstream>
#include <optional>
#include <stdexcept>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "sim/config/config_error.h"
#include "sim/config/kind_registry.h"

namespace coesim::workload {
namespace {

using config::ConfigError;

// A row that cannot be imported: which field and why.
struct BadRow {
  std::string field;
  std::string reason;
};

std::vector<std::string_view> split_csv(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  std::vector<std::string_view> fields;
  for (std::size_t comma; (comma = line.find(',')) != std::string_view::npos; line.remove_prefix(comma + 1))
    fields.push_back(line.substr(0, comma));
  fields.push_back(line);
  return fields;
}

template <typename T>
std::optional<T> number(std::string_view text) {
  T value{};
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::int64_t tokens(std::string_view text, const char* field) {
  const auto v = number<std::int64_t>(text);
  if (!v) throw BadRow{field, fmt::format("'{}' is not a whole number", text)};
  if (*v < 0) throw BadRow{field, fmt::format("{} tokens is negative", *v)};
  return *v;
}

// Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's algorithm).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

class Importer {
 public:
  // A source format: its header line (empty: none) and its row parser.
  struct Format {
    config::KindInfo info;
    std::string header;
    TraceRecord (Importer::*parse)(const std::string& line);
  };

  static const config::KindRegistry<Format>& formats() {
    static const config::KindRegistry<Format> registry(
        "trace format", "format",
        {{{"azure", "Azure LLM inference traces 2023 (CSV, absolute timestamps)", {}},
          "TIMESTAMP,ContextTokens,GeneratedTokens",
          &Importer::parse_azure},
         {{"burstgpt", "BurstGPT (CSV, seconds from the start)", {}},
          "Timestamp,Model,Request tokens,Response tokens,Total tokens,Log Type",
          &Importer::parse_burstgpt},
         {{"mooncake", "Mooncake (JSONL, milliseconds from the start)", {}}, "", &Importer::parse_mooncake}});
    return registry;
  }

  Importer(std::string name, const ImportOptions& o, TraceWriter& out)
      : file_(std::move(name)), o_(o), format_(formats().at(o.format)), out_(out) {}

  ImportReport run(std::istream& in) {
    std::string line;
    int n = 0;
    if (!format_.header.empty()) {
      ++n;
      if (!std::getline(in, line)) throw ConfigError(file_, 1, 0, "", "empty file: no header");
      check_header(line);
    }
    while (std::getline(in, line)) {
      ++n;
      if (line.empty() || line == "\r") continue;
      ++report_.rows;
      try {
        TraceRecord r = (this->*format_.parse)(line);
        if (r.arrival_time_s < last_arrival_s_)
          throw BadRow{"timestamp",
                       fmt::format("goes back in time ({} s after {} s)", r.arrival_time_s, last_arrival_s_)};
        last_arrival_s_ = r.arrival_time_s;
        out_.write(r);
        ++report_.written;
      } catch (const BadRow& bad) {
        if (!o_.skip_bad_rows) throw ConfigError(file_, n, 0, bad.field, bad.reason);
        ++report_.skipped;
        if (report_.skipped_examples.size() < 5)
          report_.skipped_examples.push_back(fmt::format("{}:{}: {}: {}", file_, n, bad.field, bad.reason));
      }
    }
    return report_;
  }

 private:
  void check_header(const std::string& line) {
    const std::string& expected = format_.header;
    std::string_view got(line);
    if (!got.empty() && got.back() == '\r') got.remove_suffix(1);
    if (got.rfind("\xEF\xBB\xBF", 0) == 0) got.remove_prefix(3);  // UTF-8 byte order mark
    if (got != expected)
      throw ConfigError(file_, 1, 0, "",
                        fmt::format("header '{}' is not the {} header '{}'", got, o_.format, expected));
  }

  // TIMESTAMP,ContextTokens,GeneratedTokens; times relative to the first row.
  TraceRecord parse_azure(const std::string& line) {
    const auto f = split_csv(line);
    if (f.size() != 3) throw BadRow{"", fmt::format("{} fields where 3 are expected", f.size())};
    std::pair<std::int64_t, double> t;
    try {
      t = parse_azure_timestamp_parts(f[0]);
    } catch (const std::invalid_argument& e) {
      throw BadRow{"TIMESTAMP", e.what()};
    }
    if (!origin_) {
      origin_ = t;
      report_.first_arrival_s = static_cast<double>(t.first) + t.second;
    }
    TraceRecord r;
    r.arrival_time_s = static_cast<double>(t.first - origin_->first) + (t.second - origin_->second);
    r.input_tokens = tokens(f[1], "ContextTokens");
    r.output_tokens = tokens(f[2], "GeneratedTokens");
    return r;
  }

  // Timestamp,Model,Request tokens,Response tokens,Total tokens,Log Type
  TraceRecord parse_burstgpt(const std::string& line) {
    const auto f = split_csv(line);
    if (f.size() != 6) throw BadRow{"", fmt::format("{} fields where 6 are expected", f.size())};
    const auto t = number<double>(f[0]);
    if (!t || !(*t >= 0) || !std::isfinite(*t))
      throw BadRow{"Timestamp", fmt::format("'{}' is not a time in seconds", f[0])};
    TraceRecord r;
    r.arrival_time_s = *t;
    r.input_tokens = tokens(f[2], "Request tokens");
    r.output_tokens = tokens(f[3], "Response tokens");
    const std::int64_t total = tokens(f[4], "Total tokens");
    if (total != r.input_tokens + r.output_tokens)
      throw BadRow{"Total tokens", fmt::format("{} is not {} + {}", total, r.input_tokens, r.output_tokens)};
    return r;
  }

  // {"timestamp": ms, "input_length": n, "output_length": n, "hash_ids": [...]}
  TraceRecord parse_mooncake(const std::string& line) {
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(line);
    } catch (const nlohmann::json::exception&) {
      throw BadRow{"", "not a JSON object (malformed JSONL line)"};
    }
    if (!j.is_object()) throw BadRow{"", "not a JSON object"};
    const auto whole = [&](const char* key) -> std::int64_t {
      if (!j.contains(key)) throw BadRow{key, "missing field"};
      const auto& v = j[key];
      if (!v.is_number_integer() || v.get<std::int64_t>() < 0) throw BadRow{key, "expected a whole number >= 0"};
      return v.get<std::int64_t>();
    };
    TraceRecord r;
    r.arrival_time_s = static_cast<double>(whole("timestamp")) / 1000.0;
    r.input_tokens = whole("input_length");
    r.output_tokens = whole("output_length");
    return r;
  }

  std::string file_;
  ImportOptions o_;
  const Format& format_;
  TraceWriter& out_;
  ImportReport report_;
  std::optional<std::pair<std::int64_t, double>> origin_;
  double last_arrival_s_ = 0;
};

}  // namespace

const std::vector<std::string>& trace_formats() {
  static const std::vector<std::string> names = Importer::formats().names();
  return names;
}

double parse_azure_timestamp(std::string_view t) {
  const auto [seconds, fraction] = parse_azure_timestamp_parts(t);
  return static_cast<double>(seconds) + fraction;
}

std::pair<std::int64_t, double> parse_azure_timestamp_parts(std::string_view t) {
  // YYYY-MM-DD HH:MM:SS[.f...]
  const auto bad = [&] { return std::invalid_argument(fmt::format("'{}' is not YYYY-MM-DD HH:MM:SS[.fffffff]", t)); };
  if (t.size() < 19 || t[4] != '-' || t[7] != '-' || t[10] != ' ' || t[13] != ':' || t[16] != ':') throw bad();
  const auto y = number<int>(t.substr(0, 4));
  const auto mo = number<unsigned>(t.substr(5, 2));
  const auto d = number<unsigned>(t.substr(8, 2));
  const auto h = number<int>(t.substr(11, 2));
  const auto mi = number<int>(t.substr(14, 2));
  const auto s = number<int>(t.substr(17, 2));
  if (!y || !mo || !d || !h || !mi || !s || *mo < 1 || *mo > 12 || *d < 1 || *d > 31 || *h > 23 || *mi > 59 || *s > 60)
    throw bad();
  double fraction = 0;
  if (t.size() > 19) {
    if (t[19] != '.' || t.size() == 20) throw bad();
    double scale = 0.1;
    for (const char c : t.substr(20)) {
      if (c < '0' || c > '9') throw bad();
      fraction += (c - '0') * scale;
      scale /= 10;
    }
  }
  return {days_from_civil(*y, *mo, *d) * 86400 + *h * 3600 + *mi * 60 + *s, fraction};
}

ImportReport import_trace(const std::filesystem::path& in, const ImportOptions& options, TraceWriter& out) {
  std::ifstream stream(in, std::ios::binary);
  if (!stream) throw ConfigError(in.string(), 0, 0, "", "cannot open trace file");
  return import_trace(stream, in.string(), options, out);
}

ImportReport import_trace(std::istream& in, const std::string& name, const ImportOptions& options, TraceWriter& out) {
  if (Importer::formats().find(options.format) == nullptr)
    throw config::UsageError(
        fmt::format("unknown trace format '{}' ({})", options.format, fmt::join(trace_formats(), ", ")));
  return Importer(name, options, out).run(in);
}

}  // namespace coesim::workload
