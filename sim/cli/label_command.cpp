// `coesim label`: the CoE paper's semi-supervised labelling. The router built
// on a labelled seed bank labels an unlabelled pool; prompts at or under the
// entropy threshold are kept, and seeds + kept prompts are written as a new
// labelled bank (JSONL), with kept/dropped counts per category.
#include <memory>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "sim/cli/command.h"
#include "sim/cli/number_checks.h"
#include "sim/coe/category_router.h"
#include "sim/coe/labeling.h"
#include "sim/coe/router_config.h"
#include "sim/config/config_error.h"

namespace coesim::cli {
namespace {

struct LabelOptions {
  std::string router_file;
  std::string pool_file;
  coe::PromptFields fields;
  double entropy_threshold_bits = 0;
  std::string out_file;
  bool json = false;
};

int run(const LabelOptions& o) {
  const coe::RouterConfig c = coe::load_router_config(o.router_file);
  coe::CategoryRouter router = coe::CategoryRouter::from_config(c);
  coe::PromptFields fields = o.fields;
  if (fields.category.empty()) fields.category = "-";  // the pool is treated as unlabelled
  const coe::PromptSet pool = coe::load_prompt_set(o.pool_file, fields);
  const coe::LabelingResult r = coe::label_pool(router, pool.prompts, o.entropy_threshold_bits);
  coe::write_prompts_jsonl(o.out_file, r.bank);
  if (o.json) {
    nlohmann::json per = nlohmann::json::array();
    for (const auto& pc : r.per_category) per.push_back({{"category", pc.category}, {"kept", pc.kept}, {"dropped", pc.dropped}});
    fmt::print("{}\n", nlohmann::json{{"router", c.name},
                                      {"pool_file", pool.source},
                                      {"out_file", o.out_file},
                                      {"entropy_threshold_bits", r.entropy_threshold_bits},
                                      {"seeds", r.seeds},
                                      {"pool", r.pool},
                                      {"kept", r.kept},
                                      {"bank_prompts", r.bank.size()},
                                      {"per_category", per}}
                           .dump(2));
    return kExitOk;
  }
  fmt::print("router {} ({} seeds) labelled {} pool prompts from {} at entropy <= {:.3f} bits\n", c.name, r.seeds, r.pool,
             pool.source, r.entropy_threshold_bits);
  fmt::print("{:<24} {:>6} {:>8}\n", "category", "kept", "dropped");
  for (const auto& pc : r.per_category) fmt::print("{:<24} {:>6} {:>8}\n", pc.category, pc.kept, pc.dropped);
  fmt::print("kept {} of {}; new bank of {} prompts written to {}\n", r.kept, r.pool, r.bank.size(), o.out_file);
  return kExitOk;
}

}  // namespace

RunFunction add_label_command(CLI::App& app) {
  auto o = std::make_shared<LabelOptions>();
  CLI::App* cmd = app.add_subcommand(
      "label",
      "semi-supervised labelling: the router's seed bank labels an unlabelled pool; prompts at or under the entropy "
      "threshold join a new labelled bank (JSONL)");
  cmd->add_option("--router", o->router_file, "router file whose bank is the labelled seed set")->required();
  cmd->add_option("--pool", o->pool_file, "unlabelled prompts (JSONL, or a JSON array)")->required();
  cmd->add_option("--id-field", o->fields.id, "pool id field (default: detected, else line numbers)");
  cmd->add_option("--text-field", o->fields.text, "pool text field (default: detected)");
  cmd->add_option("--entropy-threshold-bits", o->entropy_threshold_bits,
                  "keep a prompt when its class-probability entropy is at most this")
      ->required()
      ->check(non_negative_number());
  cmd->add_option("--out", o->out_file, "new labelled bank (JSONL: prompt_id, category, prompt)")->required();
  cmd->add_flag("--json", o->json, "print the counts as one JSON object");
  return [cmd, o]() -> int { return cmd->parsed() ? run(*o) : -1; };
}

}  // namespace coesim::cli
