#include <cmath>
#include <string>

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "sim/config/config_doc.h"
#include "sim/config/config_error.h"
#include "sim/config/quantity.h"
#include "sim/config/section.h"
#include "tests/test_support.h"

namespace coesim::config {
namespace {

TEST(Quantity, PlainNumbersAreInTheBaseUnit) {
  EXPECT_DOUBLE_EQ(parse_quantity("1.5e9", Unit::Bytes), 1.5e9);
  EXPECT_DOUBLE_EQ(parse_quantity("  42 ", Unit::Seconds), 42.0);
  EXPECT_DOUBLE_EQ(parse_quantity("-3", Unit::None), -3.0);
}

TEST(Quantity, DecimalAndBinaryUnitsDiffer) {
  EXPECT_DOUBLE_EQ(parse_quantity("64 GB/s", Unit::BytesPerS), 64e9);
  EXPECT_DOUBLE_EQ(parse_quantity("64 GiB/s", Unit::BytesPerS), 64.0 * 1073741824.0);
  EXPECT_DOUBLE_EQ(parse_quantity("520 MB", Unit::Bytes), 520e6);
  EXPECT_DOUBLE_EQ(parse_quantity("1.5 TB", Unit::Bytes), 1.5e12);
  EXPECT_DOUBLE_EQ(parse_quantity("2 KiB", Unit::Bytes), 2048.0);
  EXPECT_DOUBLE_EQ(parse_quantity("5 us", Unit::Seconds), 5e-6);
  EXPECT_DOUBLE_EQ(parse_quantity("638 TFLOP/s", Unit::FlopsPerS), 638e12);
}

TEST(Quantity, RejectsWrongUnitFamiliesAndGarbage) {
  EXPECT_THROW(parse_quantity("64 GB", Unit::BytesPerS), std::invalid_argument);
  EXPECT_THROW(parse_quantity("64 GB/s", Unit::Bytes), std::invalid_argument);
  EXPECT_THROW(parse_quantity("5 parsecs", Unit::Seconds), std::invalid_argument);
  EXPECT_THROW(parse_quantity("", Unit::Bytes), std::invalid_argument);
  EXPECT_THROW(parse_quantity("GB", Unit::Bytes), std::invalid_argument);
  EXPECT_THROW(parse_quantity("nan", Unit::Bytes), std::invalid_argument);
  EXPECT_THROW(parse_quantity("1e400", Unit::Bytes), std::invalid_argument);
  EXPECT_THROW(parse_quantity("4 GB", Unit::None), std::invalid_argument);
}

RC_GTEST_PROP(QuantityProperty, ParsesWhatItPrintsAndNeverCrashes, (const std::string& junk)) {
  // Arbitrary text either parses or fails with invalid_argument; nothing else.
  try {
    const double v = parse_quantity(junk, Unit::BytesPerS);
    RC_ASSERT(std::isfinite(v));
  } catch (const std::invalid_argument&) {
  }
  const double mantissa = *rc::gen::inRange(0, 1'000'000) / 1000.0;
  const auto [suffix, factor] = *rc::gen::element(
      std::pair<std::string, double>{"GB/s", 1e9}, std::pair<std::string, double>{"GiB/s", 1073741824.0},
      std::pair<std::string, double>{"MB/s", 1e6}, std::pair<std::string, double>{"", 1.0});
  const double parsed = parse_quantity(std::to_string(mantissa) + " " + suffix, Unit::BytesPerS);
  RC_ASSERT(std::fabs(parsed - mantissa * factor) <= 1e-9 * mantissa * factor);
}

const Schema& inner_schema() {
  static const Schema s = [] {
    Schema out{"inner", "test", {}};
    Field name;
    name.name = "name";
    name.required = true;
    Field size;
    size.name = "size_bytes";
    size.kind = FieldKind::Number;
    size.unit = Unit::Bytes;
    size.min = 0;
    size.min_exclusive = true;
    out.fields = {name, size};
    return out;
  }();
  return s;
}

const Schema& outer_schema() {
  static const Schema s = [] {
    Schema out{"outer", "test", {}};
    Field items;
    items.name = "items";
    items.kind = FieldKind::List;
    items.nested = &inner_schema();
    Field count;
    count.name = "count";
    count.kind = FieldKind::Integer;
    count.default_text = "3";
    count.min = 1;
    out.fields = {items, count};
    return out;
  }();
  return s;
}

TEST(Section, ReadsDefaultsAndListsByName) {
  const ConfigDoc doc = ConfigDoc::parse("items:\n  - {name: a, size_bytes: 2 KiB}\n", "mem.yaml");
  const Section root(doc, outer_schema());
  EXPECT_EQ(root.integer("count"), 3);
  const auto items = root.items("items");
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].path(), "items.a");
  EXPECT_DOUBLE_EQ(items[0].number("size_bytes"), 2048.0);
}

TEST(Section, ErrorsNameFileLineAndField) {
  const ConfigDoc doc = ConfigDoc::parse("count: 2\nitems:\n  - name: a\n    size_bytes: -4\n", "mem.yaml");
  const ConfigError e = testing::expect_config_error([&] { Section(doc, outer_schema()); });
  EXPECT_EQ(e.file(), "mem.yaml");
  EXPECT_EQ(e.line(), 4);
  EXPECT_EQ(e.field(), "items.a.size_bytes");
  const ConfigDoc typo = ConfigDoc::parse("cuont: 2\n", "typo.yaml");
  const ConfigError e2 = testing::expect_config_error([&] { Section(typo, outer_schema()); });
  EXPECT_EQ(e2.line(), 1);
  EXPECT_NE(std::string(e2.what()).find("unknown key 'cuont'"), std::string::npos);
  EXPECT_NE(std::string(e2.what()).find("allowed: items, count"), std::string::npos);
  const ConfigDoc zero = ConfigDoc::parse("count: 0\n", "zero.yaml");
  EXPECT_EQ(testing::expect_config_error([&] { Section(zero, outer_schema()); }).field(), "count");
  const ConfigDoc missing = ConfigDoc::parse("items: [{size_bytes: 1}]\n", "missing.yaml");
  EXPECT_EQ(testing::expect_config_error([&] { Section(missing, outer_schema()); }).field(), "items.0.name");
}

TEST(ConfigDoc, YamlSyntaxErrorsCarryTheLine) {
  const ConfigError e = testing::expect_config_error([] { ConfigDoc::parse("a: 1\nb: [1, 2\n", "bad.yaml"); });
  EXPECT_EQ(e.file(), "bad.yaml");
  EXPECT_GE(e.line(), 2);
}

TEST(ConfigDoc, SetOverridesAreTracedToTheirSource) {
  ConfigDoc doc = ConfigDoc::parse("items:\n  - {name: a, size_bytes: 1}\n", "base.yaml");
  doc.set_from_text("items.a.size_bytes=-1");
  EXPECT_EQ(doc.file_for("items.a.size_bytes"), "--set");
  EXPECT_EQ(doc.file_for("items.a.name"), "base.yaml");
  const ConfigError e = testing::expect_config_error([&] { Section(doc, outer_schema()); });
  EXPECT_EQ(e.file(), "--set");
  EXPECT_EQ(e.field(), "items.a.size_bytes");
  EXPECT_THROW(doc.set_from_text("items.b.size_bytes=3"), ConfigError);
  EXPECT_THROW(doc.set_from_text("no-equals-sign"), ConfigError);
  EXPECT_NO_THROW(doc.set_from_text("items.0.size_bytes=2"));  // an entry by its index
  // An index no size_t holds names no entry (fuzz runtime_profile/crash-fa2a: std::stoul threw out_of_range).
  EXPECT_THROW(doc.set_from_text("items.99999999999999999999999999.size_bytes=3"), ConfigError);
}

TEST(ConfigDoc, MissingFileIsAConfigError) {
  const ConfigError e = testing::expect_config_error([] { ConfigDoc::load("/nonexistent/x.yaml"); });
  EXPECT_EQ(e.file(), "/nonexistent/x.yaml");
  EXPECT_NE(e.reason().find("cannot open"), std::string::npos);
}

}  // namespace
}  // namespace coesim::config
