// The streamed HDF5 results file: a run written in parts gives the same
// tables as the run written whole, every dataset says its unit and what it
// holds, "never" is NaN, two identical writes give identical bytes, and a
// writer that never finishes leaves an earlier file as it was.
#include <H5Cpp.h>

#include <cmath>
#include <filesystem>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "sim/serving/hdf5_results.h"
#include "tests/cli_runner.h"
#include "tests/test_support.h"

namespace coesim::serving {
namespace {

using testing::slurp;

std::filesystem::path temp(const std::string& name) {
  return std::filesystem::temp_directory_path() /
         (std::to_string(::getpid()) + "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name() + "-" +
          name);
}

TimePs ps(double s) { return seconds_to_ps_round(s); }

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// How times in seconds read back (through picoseconds; NaN for never).
std::string seconds_text(std::vector<double> seconds) {
  for (double& s : seconds)
    if (!std::isnan(s)) s = to_seconds(ps(s));
  return fmt::format("{}", fmt::join(seconds, " "));
}

// Five requests (two with token times), batches, switches, KV swaps,
// occupancy samples and 3 resources x 6 utilisation buckets.
ServingResult sample_run() {
  ServingResult r;
  for (int i = 0; i < 5; ++i) {
    RequestRecord q;
    q.request = Request{i, ps(0.5 * i), i % 2, 100 + i, 10 + i, fmt::format("prompt-{}", i), i % 2 ? "code" : "math"};
    q.outcome = i == 3 ? Outcome::Rejected : Outcome::Finished;
    if (i == 3) q.reject_reason = "does not fit";
    q.routed_ps = ps(0.5 * i + 0.01);
    q.finish_ps = ps(0.5 * i + 2);
    q.prefill_end_ps = i == 3 ? kNever : ps(0.5 * i + 1);
    q.tokens_out = i == 3 ? 0 : 10 + i;
    if (i < 2) q.token_ps = {ps(0.5 * i + 1), ps(0.5 * i + 1.5)};
    r.requests.push_back(q);
  }
  r.batches = {{ps(0), ps(2.5), {0, 1}}, {ps(1), ps(3.5), {2, 3}}, {ps(2), ps(4), {4}}};
  r.switches = {{0, ps(0.1), ps(0.6), false}, {1, ps(0.2), ps(1.2), true}, {0, ps(2), kNever, false}};
  r.kv_swaps = {{2, true, 1e6, ps(1.1), ps(1.2)}, {2, false, 1e6, ps(1.5), kNever}};
  for (int i = 0; i < 6; ++i) r.occupancy.push_back({ps(0.3 * i), i % 2, 1e9 * i});
  r.resources = {{"gpu.hbm", 3e12}, {"host.dram", 2e11}, {"pcie[0]", 6.4e10}};
  r.link_bucket_s = 0.5;
  r.link_utilisation = {{0, 0.1, 0.2, 0.3, 0.4, 0.5}, {1, 0.9, 0.8, 0, 0, 0}, {0.25, 0, 0, 0, 0, 0.75}};
  r.experts = {{"e0", 3, 2, 1, 0, 0, 7}, {"e1", 2, 0, 2, 1, 1, 9}};
  return r;
}

template <typename T>
std::vector<T> slice(const std::vector<T>& v, std::size_t from, std::size_t to) {
  return {v.begin() + static_cast<std::ptrdiff_t>(from), v.begin() + static_cast<std::ptrdiff_t>(to)};
}

// The rows of `whole` up to (first part) or from (second part) the middle of each table.
ServingResult part_of(const ServingResult& whole, bool first) {
  const auto half = [&](const auto& rows) {
    const std::size_t mid = rows.size() / 2;
    return first ? slice(rows, 0, mid) : slice(rows, mid, rows.size());
  };
  ServingResult p;
  p.requests = half(whole.requests);
  p.batches = half(whole.batches);
  p.switches = half(whole.switches);
  p.kv_swaps = half(whole.kv_swaps);
  p.occupancy = half(whole.occupancy);
  for (const auto& row : whole.link_utilisation)
    p.link_utilisation.push_back(first ? slice(row, 0, 2) : slice(row, 2, 6));
  p.link_first_bucket = first ? 0 : 2;
  return p;
}

// The whole-run result a streaming run ends with: no rows.
ServingResult without_rows(ServingResult r) {
  r.requests.clear();
  r.batches.clear();
  r.switches.clear();
  r.kv_swaps.clear();
  r.occupancy.clear();
  r.link_utilisation.clear();
  return r;
}

std::string dataset_text(const H5::DataSet& ds) {
  const H5::DataSpace space = ds.getSpace();
  std::vector<hsize_t> dims(static_cast<std::size_t>(space.getSimpleExtentNdims()));
  space.getSimpleExtentDims(dims.data());
  const auto n = static_cast<std::size_t>(space.getSimpleExtentNpoints());
  std::string values;
  if (ds.getTypeClass() == H5T_STRING) {
    std::vector<char*> raw(n, nullptr);
    if (n > 0) ds.read(raw.data(), ds.getStrType());
    for (char* s : raw) values += fmt::format("'{}' ", s ? s : "");
    if (n > 0) H5::DataSet::vlenReclaim(raw.data(), ds.getStrType(), space);
  } else {
    std::vector<double> raw(n);
    if (n > 0) ds.read(raw.data(), H5::PredType::NATIVE_DOUBLE);
    values = fmt::format("{}", fmt::join(raw, " "));
  }
  return fmt::format("{} [{}] {}", ds.getTypeClass() == H5T_FLOAT ? "float" : "other", fmt::join(dims, "x"), values);
}

// A string attribute of `ds`, or "(none)" when it has none by that name.
std::string text_attribute(const H5::DataSet& ds, const std::string& name) {
  if (!ds.attrExists(name)) return "(none)";
  const H5::Attribute a = ds.openAttribute(name);
  if (a.getTypeClass() != H5T_STRING) return "(not a string)";
  std::string value;
  a.read(a.getStrType(), value);
  return value;
}

// Every dataset of `group` (recursively) as "type [dims] values", by path,
// and its attributes `unit` and `description` under "PATH@unit" and
// "PATH@description".
void read_tables(const H5::Group& group, const std::string& prefix, std::map<std::string, std::string>& out) {
  for (hsize_t i = 0; i < group.getNumObjs(); ++i) {
    const std::string name = group.getObjnameByIdx(i);
    if (group.childObjType(name) == H5O_TYPE_GROUP) {
      read_tables(group.openGroup(name), prefix + name + "/", out);
    } else {
      const H5::DataSet ds = group.openDataSet(name);
      out[prefix + name] = dataset_text(ds);
      for (const char* attribute : {"unit", "description"})
        out[prefix + name + "@" + attribute] = text_attribute(ds, attribute);
    }
  }
}

// The file's datasets and its two attributes.
std::map<std::string, std::string> read_file(const std::filesystem::path& file) {
  const H5::H5File h5(file.string(), H5F_ACC_RDONLY);
  std::map<std::string, std::string> tables;
  read_tables(h5, "", tables);
  double bucket_s = 0;
  h5.openDataSet("timeseries/link_utilisation").openAttribute("bucket_s").read(H5::PredType::NATIVE_DOUBLE, &bucket_s);
  tables["@bucket_s"] = fmt::format("{}", bucket_s);
  std::string summary;
  const H5::Attribute a = h5.openAttribute("summary_json");
  a.read(a.getStrType(), summary);
  tables["@summary_json"] = summary;
  return tables;
}

TEST(ResultsWriter, TwoPartsGiveTheTablesOfOneWholeRun) {
  const ServingResult whole = sample_run();
  const auto one = temp("one.h5");
  const auto two = temp("two.h5");
  write_results_hdf5(one, whole, R"({"x":1})");
  {
    ResultsWriter w(two);
    w.append(part_of(whole, true));
    w.append(part_of(whole, false));
    w.finish(without_rows(whole), R"({"x":1})");
  }
  const auto tables = read_file(one);
  EXPECT_EQ(read_file(two), tables);
  // Spot checks that the tables hold the rows (not just agree).
  EXPECT_EQ(tables.at("requests/id"), "other [5] 0 1 2 3 4");
  EXPECT_EQ(tables.at("requests/category"), "other [5] 'math' 'code' 'math' 'code' 'math' ");
  EXPECT_EQ(tables.at("requests/prefill_end_s"), "float [5] " + seconds_text({1, 1.5, 2, kNaN, 3}));
  EXPECT_EQ(tables.at("requests/outcome"), "other [5] 1 1 1 2 1");
  EXPECT_EQ(tables.at("tokens/request"), "other [4] 0 0 1 1");
  EXPECT_EQ(tables.at("tokens/time_s"), "float [4] " + seconds_text({1, 1.5, 1.5, 2}));
  EXPECT_EQ(tables.at("batches/request_count"), "other [3] 2 2 1");
  EXPECT_EQ(tables.at("switches/end_s"), "float [3] " + seconds_text({0.6, 1.2, kNaN}));
  EXPECT_EQ(tables.at("kv_swaps/out"), "other [2] 1 0");
  EXPECT_EQ(tables.at("kv_swaps/end_s"), "float [2] " + seconds_text({1.2, kNaN}));
  EXPECT_EQ(tables.at("timeseries/fast_tier/engine"), "other [6] 0 1 0 1 0 1");
  EXPECT_EQ(tables.at("timeseries/link_utilisation"),
            "float [3x6] 0 0.1 0.2 0.3 0.4 0.5 1 0.9 0.8 0 0 0 0.25 0 0 0 0 0.75");
  EXPECT_EQ(tables.at("resources/name"), "other [3] 'gpu.hbm' 'host.dram' 'pcie[0]' ");
  EXPECT_EQ(tables.at("requests/reject_reason"), "other [5] '' '' '' 'does not fit' '' ");
  EXPECT_EQ(tables.at("experts/bytes_moved"), "float [2] 7 9");
  EXPECT_EQ(tables.at("experts/name"), "other [2] 'e0' 'e1' ");
  EXPECT_EQ(tables.at("experts/prefetches"), "other [2] 0 1");
  EXPECT_EQ(tables.at("@bucket_s"), "0.5");
  EXPECT_EQ(tables.at("@summary_json"), R"({"x":1})");
  std::filesystem::remove(one);
  std::filesystem::remove(two);
}

// A reader needs no other document: every dataset, in a file with every
// table (tokens and reject_reason included), says its unit and what it
// holds, and a column that can hold "never" says that it is NaN.
TEST(ResultsWriter, EveryDatasetHasAUnitAndADescription) {
  const auto file = temp("described.h5");
  write_results_hdf5(file, sample_run(), "{}");
  const auto tables = read_file(file);
  int datasets = 0;
  for (const auto& [path, text] : tables) {
    if (path.starts_with("@") || path.find('@') != std::string::npos) continue;
    ++datasets;
    const std::string unit = tables.at(path + "@unit");
    const std::string description = tables.at(path + "@description");
    EXPECT_NE(unit, "(none)") << path;
    EXPECT_NE(unit, "(not a string)") << path;
    EXPECT_NE(description, "(none)") << path;
    EXPECT_FALSE(description.empty()) << path;
    EXPECT_EQ(description.find('\n'), std::string::npos) << path << ": one line";
    // Times are in seconds and text has no unit.
    if (path.ends_with("_s") && !path.ends_with("_per_s")) {
      EXPECT_EQ(unit, "s") << path;
    }
    if (text.find('\'') != std::string::npos) {
      EXPECT_EQ(unit, "") << path;
    }
  }
  EXPECT_EQ(datasets, 45);  // every table of the file: a new column gets a description too
  for (const char* never : {"requests/prefill_end_s", "switches/end_s", "kv_swaps/end_s"})
    EXPECT_NE(tables.at(std::string(never) + "@description").find("NaN"), std::string::npos) << never;
  EXPECT_EQ(tables.at("timeseries/fast_tier/used_bytes@unit"), "bytes");
  EXPECT_EQ(tables.at("resources/bandwidth_bytes_per_s@unit"), "bytes/s");
  EXPECT_EQ(tables.at("timeseries/link_utilisation@unit"), "1");
  std::filesystem::remove(file);
}

TEST(ResultsWriter, RunWithoutRowsHasEmptyTables) {
  const auto file = temp("empty.h5");
  ServingResult run = without_rows(sample_run());
  write_results_hdf5(file, run, "{}");
  const auto tables = read_file(file);
  EXPECT_EQ(tables.at("requests/id"), "other [0] ");
  EXPECT_EQ(tables.at("timeseries/link_utilisation"), "float [3x0] ");
  EXPECT_EQ(tables.count("tokens/time_s"), 0u);  // only with recorded token times
  std::filesystem::remove(file);
}

TEST(ResultsWriter, IdenticalWritesGiveIdenticalBytesWithNoObjectTimes) {
  const auto a = temp("a.h5");
  const auto b = temp("b.h5");
  write_results_hdf5(a, sample_run(), "{}");
  write_results_hdf5(b, sample_run(), "{}");
  EXPECT_EQ(slurp(a), slurp(b));
  // Times are recorded in whole seconds, so the bytes alone could agree by
  // luck: check that no object carries one.
  const H5::H5File h5(a.string(), H5F_ACC_RDONLY);
  int timed = 0;
  const auto visit = [](hid_t, const char*, const H5O_info_t* info, void* timed_objects) {
    if (info->ctime != 0 || info->mtime != 0) ++*static_cast<int*>(timed_objects);
    return 0;
  };
  ASSERT_GE(H5Ovisit2(h5.getId(), H5_INDEX_NAME, H5_ITER_NATIVE, visit, &timed, H5O_INFO_TIME), 0);
  EXPECT_EQ(timed, 0);
  std::filesystem::remove(a);
  std::filesystem::remove(b);
}

TEST(ResultsWriter, UnfinishedOrFailedWriterLeavesTheEarlierFile) {
  const auto file = temp("r.h5");
  write_results_hdf5(file, sample_run(), "earlier");
  const std::string earlier = slurp(file);
  {
    ResultsWriter w(file);
    w.append(part_of(sample_run(), true));
    EXPECT_EQ(testing::temporaries_of(file), 1);
  }
  EXPECT_EQ(testing::temporaries_of(file), 0);
  EXPECT_EQ(slurp(file), earlier);
  {
    ResultsWriter w(file);
    EXPECT_THROW(w.append(part_of(sample_run(), false)), std::logic_error);  // buckets from 2, none before
  }
  EXPECT_EQ(testing::temporaries_of(file), 0);
  EXPECT_EQ(slurp(file), earlier);
  std::filesystem::remove(file);
}

}  // namespace
}  // namespace coesim::serving
