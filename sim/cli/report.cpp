#include "sim/cli/report.h"

#include <algorithm>
#include <cstdlib>
#include <optional>
#include <stdexcept>
#include <string_view>

#include <fmt/format.h>

namespace coesim::cli {
namespace {

using nlohmann::json;

struct Placeholder {
  std::string path;
  bool count = false;
  char op = 0;  // '*', '/' or none
  double operand = 1;
  std::string spec;
  std::string separator = ", ";
};

Placeholder parse_placeholder(std::string_view s) {
  Placeholder p;
  if (const auto bar = s.find('|'); bar != std::string_view::npos) {
    p.separator = s.substr(bar + 1);
    s = s.substr(0, bar);
  }
  if (const auto colon = s.find(':'); colon != std::string_view::npos) {
    p.spec = s.substr(colon + 1);
    s = s.substr(0, colon);
  }
  if (s.starts_with('#')) {
    p.count = true;
    s.remove_prefix(1);
  }
  if (const auto op = s.find_first_of("*/"); op != std::string_view::npos) {
    p.op = s[op];
    const std::string number(s.substr(op + 1));
    char* end = nullptr;
    p.operand = std::strtod(number.c_str(), &end);
    if (number.empty() || *end != '\0') throw std::logic_error("report placeholder: '" + number + "' is not a number");
    s = s.substr(0, op);
  }
  p.path = s;
  return p;
}

bool is_index(std::string_view key) {
  return !key.empty() && std::all_of(key.begin(), key.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The value at `path`, or none when a key or index on the way is not there;
// a path through a null is null.
std::optional<json> resolve(const json& at, std::string_view path) {
  if (at.is_null()) return json(nullptr);
  const auto dot = path.find('.');
  const std::string key(path.substr(0, dot));
  const std::string_view rest = dot == std::string_view::npos ? std::string_view() : path.substr(dot + 1);
  std::optional<json> next;
  if (at.is_object() && at.contains(key)) {
    next = at[key];
  } else if (at.is_array() && is_index(key)) {
    if (const std::size_t i = std::stoul(key); i < at.size()) next = at[i];
  } else if (at.is_array()) {  // the key of each element
    next = json::array();
    for (const json& element : at) {
      std::optional<json> v = resolve(element, key);
      if (!v) return std::nullopt;
      next->push_back(std::move(*v));
    }
  }
  if (!next || rest.empty()) return next;
  return resolve(*next, rest);
}

// `v` formatted as the placeholder says; none for a null.
std::optional<std::string> format_value(const json& v, const Placeholder& p) {
  if (v.is_null()) return std::nullopt;
  const auto format = [&p](const auto& x) { return fmt::format(fmt::runtime("{:" + p.spec + "}"), x); };
  if (v.is_array()) {
    std::vector<std::string> parts;
    for (const json& element : v) parts.push_back(format_value(element, p).value_or("-"));
    return fmt::format("{}", fmt::join(parts, p.separator));
  }
  if (v.is_number() && p.op != 0) {
    const double x = v.get<double>();
    return format(p.op == '*' ? x * p.operand : x / p.operand);
  }
  if (v.is_number_unsigned()) return format(v.get<std::uint64_t>());
  if (v.is_number_integer()) return format(v.get<std::int64_t>());
  if (v.is_number_float()) return format(v.get<double>());
  if (v.is_boolean()) return format(v.get<bool>());
  if (v.is_string()) return format(v.get_ref<const std::string&>());
  throw std::logic_error("report placeholder '" + p.path + "' names an object");
}

struct Expansion {
  enum class Found { all, a_null, a_missing };
  std::string text;
  Found found = Found::all;
};

// The template with each placeholder replaced by its value in `values`.
Expansion expand(const std::string& text_template, const json& values) {
  Expansion out;
  for (std::size_t i = 0; i < text_template.size(); ++i) {
    const char c = text_template[i];
    if ((c == '{' || c == '}') && i + 1 < text_template.size() && text_template[i + 1] == c) {
      out.text += c;
      ++i;
      continue;
    }
    if (c != '{') {
      if (c == '}') throw std::logic_error("report template '" + text_template + "': unmatched '}'");
      out.text += c;
      continue;
    }
    const std::size_t end = text_template.find('}', i);
    if (end == std::string::npos) throw std::logic_error("report template '" + text_template + "': unmatched '{'");
    const Placeholder p = parse_placeholder(std::string_view(text_template).substr(i + 1, end - i - 1));
    i = end;
    const std::optional<json> v = resolve(values, p.path);
    if (!v) {
      out.found = Expansion::Found::a_missing;
    } else if (p.count) {
      out.text += fmt::format(fmt::runtime("{:" + p.spec + "}"), v->size());
    } else if (const std::optional<std::string> s = format_value(*v, p)) {
      out.text += *s;
    } else {
      out.text += '-';
      if (out.found == Expansion::Found::all) out.found = Expansion::Found::a_null;
    }
  }
  return out;
}

// A line names only what the report has: anything else is a mistake in the command.
std::string expand_line(const std::string& text_template, const json& values) {
  Expansion e = expand(text_template, values);
  if (e.found == Expansion::Found::a_missing)
    throw std::logic_error("report text '" + text_template + "' names a value the report does not have");
  return std::move(e.text);
}

std::string pad(const std::string& text, const Column& c) {
  if (c.width <= 0) return text;
  return c.align == Column::Align::right ? fmt::format("{:>{}}", text, c.width) : fmt::format("{:<{}}", text, c.width);
}

std::string cell(const Column& c, const json& row) {
  Expansion e = expand(c.cell, row);
  if (e.found == Expansion::Found::a_missing) return c.missing_text;
  if (e.found == Expansion::Found::a_null) return c.null_text;
  if (c.truncate && c.width > 0 && e.text.size() > static_cast<std::size_t>(c.width)) e.text.resize(c.width);
  return std::move(e.text);
}

const std::string& gap(const Table& t, std::size_t column) {
  static const std::string none;
  return column == 0 ? none : t.columns[column].gap;
}

std::string render(const Table& t) {
  std::string out;
  if (t.columns.empty()) return out;
  if (std::any_of(t.columns.begin(), t.columns.end(), [](const Column& c) { return !c.header.empty(); })) {
    out += t.indent;
    for (std::size_t i = 0; i < t.columns.size(); ++i) out += gap(t, i) + pad(t.columns[i].header, t.columns[i]);
    out += '\n';
  }
  std::size_t note_at = t.columns.size();
  if (!t.note_replaces.empty()) {
    const auto it =
        std::find_if(t.columns.begin(), t.columns.end(), [&t](const Column& c) { return c.header == t.note_replaces; });
    if (it == t.columns.end()) throw std::logic_error("report table: no column '" + t.note_replaces + "' for notes");
    note_at = static_cast<std::size_t>(it - t.columns.begin());
  }
  std::optional<json> group;
  for (const TableRow& row : t.rows) {
    const json values = row.values.named_values();
    if (!t.blank_line_between.empty()) {
      std::optional<json> g = resolve(values, t.blank_line_between);
      if (group && g != group) out += '\n';
      group = std::move(g);
    }
    out += t.indent;
    for (std::size_t i = 0; i < t.columns.size(); ++i) {
      if (!row.note.empty() && i == note_at) {
        out += gap(t, i) + expand_line(row.note, values);
        break;
      }
      out += gap(t, i) + pad(cell(t.columns[i], values), t.columns[i]);
    }
    out += '\n';
  }
  return out;
}

}  // namespace

void Table::add(Report row, std::string note) { rows.push_back({std::move(row), std::move(note)}); }

Report& Report::set(const std::string& key, nlohmann::json value) {
  values_[key] = std::move(value);
  return *this;
}

Report& Report::set_all(const nlohmann::json& object) {
  for (const auto& [key, value] : object.items()) values_[key] = value;
  return *this;
}

Report& Report::text_only(const std::string& key, nlohmann::json value) {
  text_only_[key] = std::move(value);
  return *this;
}

Report& Report::line(std::string text_template) {
  blocks_.push_back({std::move(text_template)});
  return *this;
}

Table& Report::table(std::string key, std::vector<Column> columns) {
  Table& t = tables_.emplace_back();
  t.key = std::move(key);
  t.columns = std::move(columns);
  blocks_.push_back({{}, static_cast<int>(tables_.size()) - 1});
  return t;
}

nlohmann::json Report::json() const {
  nlohmann::json j = values_;
  for (const Table& t : tables_) {
    if (t.key.empty()) continue;
    nlohmann::json rows = nlohmann::json::array();
    for (const TableRow& row : t.rows) rows.push_back(row.values.json());
    j[t.key] = std::move(rows);
  }
  return j;
}

nlohmann::json Report::named_values() const {
  nlohmann::json j = values_;
  for (const Table& t : tables_) {
    if (t.key.empty()) continue;
    nlohmann::json rows = nlohmann::json::array();
    for (const TableRow& row : t.rows) rows.push_back(row.values.named_values());
    j[t.key] = std::move(rows);
  }
  for (const auto& [key, value] : text_only_.items()) j[key] = value;
  return j;
}

std::string Report::text() const {
  const nlohmann::json values = named_values();
  std::string out;
  for (const Block& b : blocks_)
    out += b.table < 0 ? expand_line(b.line, values) + '\n' : render(tables_[static_cast<std::size_t>(b.table)]);
  return out;
}

std::string json_text(const Report& r) { return r.json().dump(2) + '\n'; }

}  // namespace coesim::cli
