#pragma once
// What a command prints, filled once and rendered as JSON or as text, so that
// the two cannot drift apart: the JSON is the report's values, and the text is
// lines and tables whose {placeholders} name those values.
//
// A placeholder is {[#]path[*N|/N][:spec][|separator]}:
//   path       a key, or keys and list indices joined by dots (bottleneck.name,
//              confusion.2.3); a key over a list of objects takes it from each;
//              a path through a null is null
//   #          the number of elements of the list (or object) instead
//   *N, /N     the number times or divided by N (switch_time_s*1e3)
//   spec       an fmt format spec (.3f, >6)
//   separator  what joins the elements of a list (default ", ")
// A null value reads "-" in text. {{ and }} are literal braces.
#include <deque>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace coesim::cli {

class Report;
struct TableRow;

// A column of a table in text; its cells are templates over each row's values.
struct Column {
  enum class Align { left, right };
  std::string header{};  // a table whose headers are all empty prints no header line
  std::string cell{};    // e.g. "{switch_time_s*1e3:.2f}"
  int width = 0;         // padded to this; 0: not padded
  Align align = Align::left;
  std::string gap = " ";        // printed between the column before and this one
  bool truncate = false;        // cut a longer cell to `width` bytes
  std::string null_text = "-";  // the cell when a value it names is null
  std::string missing_text{};   // the cell when the row has no value it names
};

// Rows of values: in JSON an array of objects under the table's key (none:
// text only); in text a header line and a line per row (no columns: JSON only).
struct Table {
  std::string key;
  std::vector<Column> columns;
  std::vector<TableRow> rows;
  std::string indent;              // printed before each line
  std::string blank_line_between;  // a key: a blank line where its value changes from the row before
  std::string note_replaces;       // header of the column a row's note takes the place of, with all after it

  // `note`: a template over the row, printed instead of the columns from `note_replaces` on.
  void add(Report row, std::string note = {});
};

class Report {
 public:
  // A value, under `key` in JSON (units in the key), for text to name.
  Report& set(const std::string& key, nlohmann::json value);
  // Each key of a JSON object: figures a library already puts in one.
  Report& set_all(const nlohmann::json& object);
  // A value shown in text only: a rendering of values the JSON already has
  // (a share of a total, a label built from several fields).
  Report& text_only(const std::string& key, nlohmann::json value);
  // A line of text: literal words and {placeholders}.
  Report& line(std::string text_template = {});
  // A table, in text at this point among the lines.
  Table& table(std::string key, std::vector<Column> columns);

  nlohmann::json json() const;
  std::string text() const;
  // What placeholders can name: json() and the text-only values.
  nlohmann::json named_values() const;

 private:
  struct Block {
    std::string line;
    int table = -1;  // index into tables_; -1: a line
  };
  nlohmann::json values_ = nlohmann::json::object();
  nlohmann::json text_only_ = nlohmann::json::object();
  std::deque<Table> tables_;  // a deque: table() hands out references that stay valid
  std::vector<Block> blocks_;
};

struct TableRow {
  Report values;
  std::string note;
};

// The JSON text a command prints: two-space indents and a newline.
std::string json_text(const Report& r);

}  // namespace coesim::cli
