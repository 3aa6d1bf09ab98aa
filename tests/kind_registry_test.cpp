// Kind registries (sim/config/kind_registry.h): the families chosen by name
// in an experiment, and the rule that a setting of one kind given under
// another is an error at its line, not silently ignored.
#include <stdexcept>
#include <string>

#include <gtest/gtest.h>

#include "sim/coe/router_config.h"
#include "sim/config/config_doc.h"
#include "sim/config/kind_registry.h"
#include "sim/serving/eviction_policy.h"
#include "sim/serving/scheduler.h"
#include "tests/cli_runner.h"
#include "tests/test_support.h"

namespace coesim {
namespace {

using testing::run_cli;

struct Plain {
  config::KindInfo info;
};

TEST(KindRegistry, NamesHelpAndTheKindsTakingASetting) {
  const config::KindRegistry<Plain> r("colour", "kind",
                                      {{{"red", "warm", {"shade"}}}, {{"blue", "cold", {"shade", "depth"}}}});
  EXPECT_EQ(r.names(), (std::vector<std::string>{"red", "blue"}));
  EXPECT_EQ(r.help(), "red: warm; blue: cold");
  EXPECT_EQ(r.kinds_taking("depth"), std::vector<std::string>{"blue"});
  EXPECT_EQ(r.setting_help("shade", "how dark"), "how dark (for red, blue)");
  EXPECT_EQ(r.setting_help("depth", "how deep"), "how deep (only blue)");
  EXPECT_THROW(r.setting_help("hue", "?"), std::logic_error);  // a setting no kind takes is a registry bug
  try {
    r.at("green");
    ADD_FAILURE() << "an unknown kind was found";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "unknown colour 'green' (one of: red, blue)");
  }
}

TEST(KindRegistry, ANameRegisteredTwiceIsABug) {
  EXPECT_THROW(config::KindRegistry<Plain>("colour", "kind", {{{"red", "", {}}}, {{"red", "", {}}}}), std::logic_error);
}

// Each factory makes the kind it is listed as.
template <typename Registry, typename Make>
void expect_each_entry_makes_itself(const Registry& registry, Make make) {
  for (const auto& entry : registry.entries()) EXPECT_EQ(make(entry)->name(), entry.info.name);
}

TEST(KindRegistry, TheShippedFamiliesHaveTraitsWhereTheyAreUsed) {
  const auto& schedulers = serving::scheduler_registry();
  EXPECT_TRUE(schedulers.at("samba-coe").runs_whole_requests);
  EXPECT_FALSE(schedulers.at("continuous").runs_whole_requests);
  expect_each_entry_makes_itself(schedulers, [](const serving::SchedulerKind& k) {
    serving::SchedulerOptions o;
    o.kind = k.info.name;
    return serving::make_scheduler(o);
  });
  const auto& policies = serving::eviction_policy_registry();
  EXPECT_TRUE(policies.at("belady").needs_future_uses);
  EXPECT_FALSE(policies.at("lru").needs_future_uses);
  expect_each_entry_makes_itself(policies, [](const serving::EvictionPolicyKind& k) {
    serving::EvictionOptions o;
    o.policy = k.info.name;
    o.pinned = {0};
    return serving::make_eviction_policy(o, 2);
  });
}

// The four settings the issue found ignored, and Zipf's exponent: each is an
// error naming its field and the kinds it belongs to.
TEST(KindRegistry, ASettingOfAnotherKindIsAnErrorNotIgnored) {
  const std::string base = "run results/samba-coe/sn40l-node.yaml --quiet ";
  const std::pair<std::string, std::string> cases[] = {
      {"--set scheduler.kind=continuous --set scheduler.max_wait_s=2",
       "field 'scheduler.max_wait_s': applies to scheduler kind expert-grouped, not continuous"},
      {"--set residency.pinned=[e0]", "field 'residency.pinned': applies to eviction policy pinned, not lru"},
      {"--set workload.rate_per_s=3", "field 'workload.rate_per_s': applies to workload kind poisson, not burst"},
      {"--set workload.zipf_alpha=1.2", "field 'workload.zipf_alpha': applies to popularity zipf, not round-robin"},
  };
  for (const auto& [set, message] : cases) {
    const auto r = run_cli(base + set);
    EXPECT_EQ(r.exit_code, 2) << set;
    EXPECT_NE(r.err.find(message), std::string::npos) << set << "\n" << r.err;
  }
}

// A router's embedder settings belong to one kind: n-grams to the hashed
// TF-IDF embedder, files to precomputed HDF5 embeddings.
TEST(KindRegistry, AnEmbedderSettingOfTheOtherKindIsAnError) {
  const auto file = testing::source_path("workloads/coe/router-mt-bench.yaml");
  const std::pair<std::string, std::string> cases[] = {
      {"embedder.files=[x.h5]", "applies to embedder kind hdf5, not hashed-tfidf"},
      {"embedder={kind: hdf5, files: [x.h5], word_ngram_max: 3}", "applies to embedder kind hashed-tfidf, not hdf5"},
  };
  for (const auto& [set, message] : cases) {
    config::ConfigDoc doc = config::ConfigDoc::load(file);
    doc.set_from_text(set, "--set");
    const config::ConfigError e = testing::expect_config_error([&] { coe::load_router_config(doc); });
    EXPECT_NE(std::string(e.what()).find(message), std::string::npos) << set << ": " << e.what();
  }
}

// batch_size written in the file, the kind switched to fcfs (which runs one
// request at a time): the error is at the file's line; replacing the whole
// section runs.
TEST(KindRegistry, TheErrorIsAtTheLineThatGaveTheSetting) {
  const std::string file = "results/samba-coe/sn40l-node.yaml";
  const auto r = run_cli("run " + file + " --quiet --set scheduler.kind=fcfs");
  EXPECT_EQ(r.exit_code, 2);
  const std::string at = file + ":" + std::to_string(testing::line_of(testing::source_path(file), "batch_size:"));
  EXPECT_NE(r.err.find(at), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("not fcfs"), std::string::npos) << r.err;
  const auto replaced = run_cli("run " + file + " --quiet --set 'scheduler={kind: fcfs}'");
  EXPECT_EQ(replaced.exit_code, 0) << replaced.err;
}

}  // namespace
}  // namespace coesim
