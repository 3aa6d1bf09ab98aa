#pragma once
// Prompts read from the labelled and unlabelled sets in workloads/prompts
// (JSONL, or one JSON array as AlpacaEval ships it). Each set names its id,
// text and label fields differently, so the fields are given or detected from
// a short list of known names; every record must then have them, and a bad
// record is reported with its file, line and field.
#include <filesystem>
#include <string>
#include <vector>

namespace coesim::coe {

struct Prompt {
  std::string id;        // unique within a set; the route cache key
  std::string text;      // what the router embeds
  std::string category;  // label; empty when the set has none
};

// Field names in the records; empty = detect from the first record.
// `category` = "-" reads no label even if one is present.
struct PromptFields {
  std::string id;
  std::string text;
  std::string category;
};

struct PromptSet {
  std::string source;    // the file
  std::string id_field;  // "" when ids are line numbers ("L<line>")
  std::string text_field;
  std::string category_field;  // "" when unlabelled
  std::vector<Prompt> prompts;

  bool labelled() const { return !category_field.empty(); }
  // Distinct labels, sorted.
  std::vector<std::string> categories() const;
};

// Field names tried, in order, when a field is not given.
const std::vector<std::string>& known_id_fields();
const std::vector<std::string>& known_text_fields();
const std::vector<std::string>& known_category_fields();

// Throws config::ConfigError (file, line, field) for a missing file, a line
// that is not JSON, a record without the text field (or with an empty text),
// a duplicate id, or an empty set. A text field holding a list of strings
// (MT-Bench `turns`) gives its first element: the request the router sees.
PromptSet load_prompt_set(const std::filesystem::path& file, const PromptFields& fields = {});
// The same from text in memory; `source` names it in messages.
PromptSet parse_prompt_set(const std::string& text, const std::string& source, const PromptFields& fields = {});

// One JSON object per line, {"prompt_id", "category", "prompt"}: a set that
// load_prompt_set reads back with its default field detection. Written
// under a temporary name and renamed, so a failure keeps an earlier file.
void write_prompts_jsonl(const std::filesystem::path& file, const std::vector<Prompt>& prompts);

}  // namespace coesim::coe
