// `coesim label`: the CoE paper's semi-supervised labelling. The router built
// on a labelled seed bank labels an unlabelled pool; prompts at or under the
// entropy threshold are kept, and seeds + kept prompts are written as a new
// labelled bank (JSONL), with kept/dropped counts per category.
#include <memory>

#include <fmt/format.h>

#include "sim/cli/command.h"
#include "sim/cli/number_checks.h"
#include "sim/cli/report.h"
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
  Report out;
  out.set("router", c.name)
      .set("pool_file", pool.source)
      .set("out_file", o.out_file)
      .set("entropy_threshold_bits", r.entropy_threshold_bits)
      .set("seeds", r.seeds)
      .set("pool", r.pool)
      .set("kept", r.kept)
      .set("bank_prompts", r.bank.size());
  out.line(
      "router {router} ({seeds} seeds) labelled {pool} pool prompts from {pool_file} at entropy <= "
      "{entropy_threshold_bits:.3f} bits");
  constexpr auto right = Column::Align::right;
  Table& per = out.table("per_category", {{.header = "category", .cell = "{category}", .width = 24},
                                          {.header = "kept", .cell = "{kept}", .width = 6, .align = right},
                                          {.header = "dropped", .cell = "{dropped}", .width = 8, .align = right}});
  for (const auto& pc : r.per_category)
    per.add(Report().set("category", pc.category).set("kept", pc.kept).set("dropped", pc.dropped));
  out.line("kept {kept} of {pool}; new bank of {bank_prompts} prompts written to {out_file}");
  fmt::print("{}", o.json ? json_text(out) : out.text());
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
