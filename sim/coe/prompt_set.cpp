#include "sim/coe/prompt_set.h"

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>
#include <unordered_set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "sim/config/config_error.h"
#include "sim/io/pending_file.h"

namespace coesim::coe {
namespace {

using config::ConfigError;
using nlohmann::json;

// A record and the line it starts on (1-based), for messages.
struct Record {
  json value;
  int line;
};

int line_at_offset(const std::string& text, std::size_t offset) {
  offset = std::min(offset, text.size());
  return 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(offset), '\n'));
}

std::string read_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw ConfigError(file.string(), 0, 0, "", "cannot open prompt file");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<Record> parse_records(const std::string& name, const std::string& text) {
  std::vector<Record> records;
  const std::size_t first = text.find_first_not_of(" \t\r\n");
  if (first != std::string::npos && text[first] == '[') {
    // One JSON array: lines of its elements are not tracked by the parser, so
    // an element is reported by its index (and the array's first line).
    json array;
    try {
      array = json::parse(text);
    } catch (const json::parse_error& e) {
      throw ConfigError(name, line_at_offset(text, e.byte == 0 ? 0 : e.byte - 1), 0, "", "not valid JSON");
    } catch (const json::exception& e) {  // e.g. a number too large for a double
      throw ConfigError(name, line_at_offset(text, first), 0, "", std::string("not valid JSON: ") + e.what());
    }
    const int line = line_at_offset(text, first);
    for (std::size_t i = 0; i < array.size(); ++i) records.push_back({std::move(array[i]), line});
    return records;
  }
  std::istringstream in(text);
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    try {
      records.push_back({json::parse(line), n});
    } catch (const json::parse_error& e) {
      throw ConfigError(name, n, static_cast<int>(e.byte), "", "not a JSON object (malformed JSONL line)");
    } catch (const json::exception& e) {  // e.g. a number too large for a double
      throw ConfigError(name, n, 0, "", std::string("malformed JSONL line: ") + e.what());
    }
    if (!records.back().value.is_object()) throw ConfigError(name, n, 0, "", "a JSONL line must hold a JSON object");
  }
  return records;
}

std::string detect(const json& first, const std::string& given, const std::vector<std::string>& known) {
  if (!given.empty()) return given;
  for (const std::string& f : known)
    if (first.contains(f)) return f;
  return "";
}

std::string scalar_text(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_integer()) return std::to_string(v.get<long long>());
  return "";
}

std::string field_text(const Record& r, const std::string& field, const std::string& file, std::size_t index,
                       bool array_file, bool list_takes_first) {
  const std::string where = array_file ? fmt::format("[{}].{}", index, field) : field;
  if (!r.value.is_object() || !r.value.contains(field)) throw ConfigError(file, r.line, 0, where, "missing field");
  const json& v = r.value[field];
  if (list_takes_first && v.is_array()) {
    if (v.empty() || !v[0].is_string()) throw ConfigError(file, r.line, 0, where, "expected a list of strings");
    return v[0].get<std::string>();
  }
  const std::string s = scalar_text(v);
  if (s.empty()) throw ConfigError(file, r.line, 0, where, "expected a non-empty string");
  return s;
}

}  // namespace

const std::vector<std::string>& known_id_fields() {
  static const std::vector<std::string> f{"prompt_id", "uid", "question_id", "task_id", "id"};
  return f;
}
const std::vector<std::string>& known_text_fields() {
  static const std::vector<std::string> f{"prompt", "text", "turns", "question", "instruction"};
  return f;
}
const std::vector<std::string>& known_category_fields() {
  static const std::vector<std::string> f{"category"};
  return f;
}

std::vector<std::string> PromptSet::categories() const {
  std::set<std::string> names;
  for (const Prompt& p : prompts) names.insert(p.category);
  return {names.begin(), names.end()};
}

PromptSet load_prompt_set(const std::filesystem::path& file, const PromptFields& fields) {
  return parse_prompt_set(read_file(file), file.string(), fields);
}

PromptSet parse_prompt_set(const std::string& text, const std::string& name, const PromptFields& fields) {
  const std::vector<Record> records = parse_records(name, text);
  if (records.empty()) throw ConfigError(name, 0, 0, "", "no prompts in the file");
  const bool array_file = text[text.find_first_not_of(" \t\r\n")] == '[';

  PromptSet set;
  set.source = name;
  const json& first = records.front().value;
  set.id_field = detect(first, fields.id, known_id_fields());
  set.text_field = detect(first, fields.text, known_text_fields());
  set.category_field = fields.category == "-" ? "" : detect(first, fields.category, known_category_fields());
  if (set.text_field.empty())
    throw ConfigError(
        name, records.front().line, 0, "",
        fmt::format("no text field: none of {} (give the field name)", fmt::join(known_text_fields(), ", ")));

  std::unordered_set<std::string> ids;
  for (std::size_t i = 0; i < records.size(); ++i) {
    const Record& r = records[i];
    Prompt p;
    p.text = field_text(r, set.text_field, name, i, array_file, true);
    p.id = set.id_field.empty() ? (array_file ? fmt::format("I{}", i) : fmt::format("L{}", r.line))
                                : field_text(r, set.id_field, name, i, array_file, false);
    if (!set.category_field.empty()) p.category = field_text(r, set.category_field, name, i, array_file, false);
    if (!ids.insert(p.id).second)
      throw ConfigError(name, r.line, 0, set.id_field, fmt::format("duplicate prompt id '{}'", p.id));
    set.prompts.push_back(std::move(p));
  }
  return set;
}

void write_prompts_jsonl(const std::filesystem::path& file, const std::vector<Prompt>& prompts) {
  std::string text;
  for (const Prompt& p : prompts)
    text += json{{"prompt_id", p.id}, {"category", p.category}, {"prompt", p.text}}.dump() + '\n';
  io::write_text_atomically(file, text);  // a failed write leaves any earlier bank intact
}

}  // namespace coesim::coe
