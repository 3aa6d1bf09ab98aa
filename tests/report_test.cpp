// cli::Report: the text and the JSON of one report show the same values; a
// null reads "-" in text and null in JSON; text naming a value the report
// lacks is a mistake caught at once.
#include <stdexcept>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "sim/cli/report.h"

namespace coesim::cli {
namespace {

TEST(Report, LinesFormatNamedValues) {
  Report r;
  r.set("switch_time_s", 0.0145)
      .set("weight_bytes", std::uint64_t{16060522496})
      .set("bottleneck", {{"name", "pcie"}, {"utilisation", 1.0}})
      .set("host_link_mode", nullptr);
  r.line("switch {switch_time_s*1e3:.3f} ms, {weight_bytes/1e9:.2f} GB ({weight_bytes} bytes)");
  r.line(
      "{bottleneck.name} {bottleneck.utilisation*100:.0f}%, mode {host_link_mode} {host_link_mode.name}, "
      "{{literal}}");
  EXPECT_EQ(r.text(), "switch 14.500 ms, 16.06 GB (16060522496 bytes)\npcie 100%, mode - -, {literal}\n");
  EXPECT_EQ(r.json(), nlohmann::json::parse(R"({"switch_time_s": 0.0145, "weight_bytes": 16060522496,
      "bottleneck": {"name": "pcie", "utilisation": 1.0}, "host_link_mode": null})"));
}

TEST(Report, ListsJoinAndCount) {
  Report r;
  r.set("fold_accuracy", {0.5, 0.25}).set("names", {"a", "b", "c"});
  r.line("{fold_accuracy:.2f| } / {names} / {names| + } / {#names}");
  EXPECT_EQ(r.text(), "0.50 0.25 / a, b, c / a + b + c / 3\n");
}

TEST(Report, TextOnlyValuesStayOutOfJson) {
  Report r;
  r.set("count", 3).text_only("share_percent", 42.0);
  r.line("{count} ({share_percent:.1f}%)");
  EXPECT_EQ(r.text(), "3 (42.0%)\n");
  EXPECT_EQ(r.json(), nlohmann::json::parse(R"({"count": 3})"));
}

TEST(Report, TextNamingAMissingValueThrows) {
  Report r;
  r.line("{nothing}");
  EXPECT_THROW((void)r.text(), std::logic_error);
}

TEST(Report, TablesPadTruncateAndShowNullsAndNotes) {
  Report r;
  Table& t = r.table("rows", {{.header = "name", .cell = "{name}", .width = 6, .truncate = true},
                              {.header = "ms", .cell = "{time_s*1e3:.1f}", .width = 6, .align = Column::Align::right},
                              {.header = "ratio", .cell = "{ratio:.2f}", .width = 6, .align = Column::Align::right}});
  t.note_replaces = "ratio";
  t.blank_line_between = "group";
  t.add(Report().set("name", "abcdefgh").set("group", 1).set("time_s", 0.0015).set("ratio", 1.0));
  t.add(Report().set("name", "x").set("group", 1).set("time_s", nullptr).set("ratio", nullptr));
  t.add(Report().set("name", "y").set("group", 2).set("reason", "too big"), "not run: {reason}");
  EXPECT_EQ(r.text(),
            "name       ms  ratio\n"
            "abcdef    1.5   1.00\n"
            "x           -      -\n"
            "\n"
            "y             not run: too big\n");
  const nlohmann::json j = r.json();
  ASSERT_EQ(j["rows"].size(), 3u);
  EXPECT_EQ(j["rows"][0]["name"], "abcdefgh");
  EXPECT_TRUE(j["rows"][1]["ratio"].is_null());
  EXPECT_FALSE(j["rows"][2].contains("time_s"));
}

TEST(Report, MissingCellsAndHeaderlessTables) {
  Report r;
  Table& t = r.table("", {{.cell = "{a}", .width = 3}, {.cell = "{b} GB", .missing_text = "?"}});
  t.indent = "  ";
  t.add(Report().set("a", 1).set("b", 2));
  t.add(Report().set("a", 3));
  EXPECT_EQ(r.text(), "  1   2 GB\n  3   ?\n");
  EXPECT_EQ(r.json(), nlohmann::json::object());
}

}  // namespace
}  // namespace coesim::cli
