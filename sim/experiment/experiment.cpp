#include "sim/experiment/experiment.h"
#include "sim/experiment/resolved_experiment.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <optional>
#include <map>

#include <fmt/format.h>

#include "sim/config/field_builders.h"
#include "sim/config/section.h"
#include "sim/hw/platform_loader.h"
#include "sim/llm/load_model.h"
#include "sim/serving/dispatcher.h"
#include "sim/serving/result_sink.h"
#include "sim/serving/setup_checks.h"
#include "sim/workload/synthetic_requests.h"

namespace coesim::experiment {

using namespace serving;

namespace {

using namespace config;

const Schema& expert_entry_schema() {
  static const Schema s{"expert",
                        "one expert",
                        {required(field("name", FieldKind::String, "expert name, unique")),
                         required(field("model", FieldKind::String, "model file, relative to this file"))}};
  return s;
}

const Schema& experts_schema() {
  static const Schema s{
      "experts",
      "the experts: N of one model (model, count, name_prefix: named <prefix>0..<prefix>N-1), or a list of "
      "named experts each with its own model",
      {field("model", FieldKind::String, "model file (models/*.yaml), relative to this file"),
       with_default(at_least(field("count", FieldKind::Integer, "number of experts of `model`"), 1), "1"),
       with_default(field("name_prefix", FieldKind::String, "expert names are this plus an index"), "expert"),
       nested("list", FieldKind::List, expert_entry_schema(), "named experts, each with its own model")}};
  return s;
}

const Schema& router_schema() {
  static const Schema s{
      "router",
      "the router's embedding model: resident in the fast tier, one prefill per routed batch",
      {required(field("model", FieldKind::String, "model file, e.g. models/e5-mistral-7b-instruct.yaml"))}};
  return s;
}

// Defaults come from default-constructed structs: a setup built in code and
// an experiment that leaves a setting out get the same value.
const ServingSetup& setup_defaults() {
  static const ServingSetup d;
  return d;
}

const Schema& memory_schema() {
  const ServingSetup& d = setup_defaults();
  static const Schema s{
      "memory",
      "fast-tier use besides expert weights",
      {with_default(non_negative(quantity("workspace_bytes", Unit::Bytes, "reserved per accelerator")),
                    default_text(d.workspace_bytes_per_device)),
       with_default(at_least(field("kv_block_tokens", FieldKind::Integer, "tokens per paged KV block"), 1),
                    default_text(d.kv_block_tokens)),
       with_default(one_of(field("kv_preemption", FieldKind::String,
                                 "when KV caches outgrow the fast tier, the youngest request's is dropped and "
                                 "recomputed later (recompute) or copied to the slow tier and back (swap; needs a "
                                 "fast->slow route in the platform)"),
                           kKvPreemptions.names()),
                    default_text(kKvPreemptions.name(d.kv_preemption)))}};
  return s;
}

const Schema& residency_schema() {
  const auto& policies = eviction_policy_registry();
  const ServingSetup& d = setup_defaults();
  static const Schema s{
      "residency",
      "which experts stay in the fast tier",
      {with_default(one_of(field("policy", FieldKind::String, "eviction: " + policies.help()), policies.names()),
                    d.eviction.policy),
       field("pinned", FieldKind::StringList, policies.setting_help("pinned", "expert names never evicted")),
       with_default(field("prefetch", FieldKind::Bool,
                          "copy a routed request's expert while another computes, when no copy is in flight"),
                    default_text(d.prefetch))}};
  return s;
}

const Schema& scheduler_schema() {
  const auto& kinds = serving::scheduler_registry();
  const serving::SchedulerOptions& d = setup_defaults().scheduler;
  static const Schema s{
      "scheduler",
      "what runs next",
      {with_default(one_of(field("kind", FieldKind::String, kinds.help()), kinds.names()), d.kind),
       with_default(at_least(field("batch_size", FieldKind::Integer,
                                   kinds.setting_help("batch_size",
                                                      "samba-coe: prompts routed together; the batching kinds: most "
                                                      "requests in one step (and in one router pass)")),
                             1),
                    default_text(d.batch_size)),
       with_default(at_least(field("max_batch_tokens", FieldKind::Integer,
                                   kinds.setting_help("max_batch_tokens", "most prompt tokens in one prefill step")),
                             1),
                    default_text(d.max_batch_tokens)),
       with_default(non_negative(quantity("max_wait_s", Unit::Seconds,
                                          kinds.setting_help("max_wait_s",
                                                             "a request queued longer than this makes its expert "
                                                             "next"))),
                    default_text(d.max_wait_s))}};
  return s;
}

const Schema& explicit_schema() {
  static const Schema s{"request",
                        "one request",
                        {required(non_negative(quantity("arrival_s", Unit::Seconds, "arrival time"))),
                         required(field("expert", FieldKind::String, "expert name")),
                         required(at_least(field("input_tokens", FieldKind::Integer, "prompt tokens"), 1)),
                         required(at_least(field("output_tokens", FieldKind::Integer, "tokens generated"), 1))}};
  return s;
}

const Schema& prompts_schema() {
  static const Schema s{
      "prompts",
      "trace: the prompt set whose prompts are attached to the trace's requests",
      {required(field("file", FieldKind::String, "prompt file (JSONL or JSON array), relative to this file")),
       field("id_field", FieldKind::String, "prompt id field (default: detected)"),
       field("text_field", FieldKind::String, "prompt text field (default: detected)"),
       with_default(at_least(field("seed", FieldKind::Integer, "which prompt each request gets"), 0), "1"),
       with_default(field("match_input_length", FieldKind::Bool,
                          "choose among the 8 prompts nearest the request's input length (characters / 4)"),
                    "false")}};
  return s;
}

const Schema& routing_schema() {
  static const Schema s{
      "routing",
      "trace: how attached prompts reach experts",
      {required(field("router", FieldKind::String, "router file (workloads/coe/router-*.yaml), relative to this file")),
       with_default(one_of(field("mapping", FieldKind::String,
                                 "modulo: category index (sorted, general last) mod the number of experts; milp: the "
                                 "experts file's MILP at budget_b, by expert name"),
                           {"modulo", "milp"}),
                    "modulo"),
       field("experts_file", FieldKind::String, "milp: experts file (workloads/coe/experts*.yaml)"),
       positive(quantity("budget_b", Unit::None, "milp: parameter budget in billions"))}};
  return s;
}

// The workload kinds and the workload settings each reads; popularity's
// kinds the same way, for the synthetic workloads.
struct WorkloadKind {
  KindInfo info;
};

const KindRegistry<WorkloadKind>& workload_kinds() {
  const std::vector<std::string> synthetic = {"requests",   "input_tokens", "output_tokens",
                                              "popularity", "zipf_alpha",   "seed"};
  std::vector<std::string> poisson = synthetic;
  poisson.push_back("rate_per_s");
  static const KindRegistry<WorkloadKind> kinds(
      "workload", "kind",
      {{{"burst", "all arrive at time 0", synthetic}},
       {{"poisson", "exponential inter-arrival times", poisson}},
       {{"explicit", "the list under `requests_list`", {"requests_list"}}},
       {{"trace",
         "a native trace file (coesim trace convert), with prompts attached and routed",
         {"trace", "max_requests", "rate_scale", "prompts", "routing"}}}});
  return kinds;
}

const KindRegistry<WorkloadKind>& popularity_kinds() {
  static const KindRegistry<WorkloadKind> kinds("popularity", "popularity",
                                                {{{"round-robin", "expert of request i is i mod N", {}}},
                                                 {{"uniform", "experts drawn uniformly", {}}},
                                                 {{"zipf", "experts drawn by Zipf popularity", {"zipf_alpha"}}}});
  return kinds;
}

const Schema& workload_schema() {
  const auto& kinds = workload_kinds();
  const auto& popularity = popularity_kinds();
  static const WorkloadSpec d;
  static const TraceWorkload trace_defaults;
  static const Schema s{
      "workload",
      "the requests",
      {with_default(one_of(field("kind", FieldKind::String, kinds.help()), kinds.names()), d.kind),
       with_default(at_most(at_least(field("requests", FieldKind::Integer,
                                           kinds.setting_help("requests",
                                                              "number of requests, at most 10,000,000 (they are "
                                                              "held in memory; for more, write a trace with `coesim "
                                                              "trace generate` and replay it: a trace streams)")),
                                     1),
                            1e7),
                    default_text(d.requests)),
       positive(quantity("rate_per_s", Unit::None, kinds.setting_help("rate_per_s", "mean arrivals per second"))),
       with_default(
           at_least(field("input_tokens", FieldKind::Integer, kinds.setting_help("input_tokens", "prompt tokens")), 1),
           default_text(d.input_tokens)),
       with_default(
           at_least(field("output_tokens", FieldKind::Integer, kinds.setting_help("output_tokens", "tokens generated")),
                    1),
           default_text(d.output_tokens)),
       with_default(one_of(field("popularity", FieldKind::String,
                                 kinds.setting_help("popularity", "expert of each request: " + popularity.help())),
                           popularity.names()),
                    d.popularity),
       with_default(non_negative(quantity("zipf_alpha", Unit::None,
                                          popularity.setting_help("zipf_alpha", "Zipf exponent, popularity"))),
                    default_text(d.zipf_alpha)),
       with_default(at_least(field("seed", FieldKind::Integer,
                                   kinds.setting_help("seed", "random seed of arrivals and popularity")),
                             0),
                    default_text(d.seed)),
       nested("requests_list", FieldKind::List, explicit_schema(),
              kinds.setting_help("requests_list", "the requests, in arrival order")),
       field("trace", FieldKind::String,
             kinds.setting_help("trace",
                                "native trace file (.h5 or .csv), relative to this file; replayed streaming (any "
                                "length), arrivals within ~106 days (int64 ps); rows with 0 input or output tokens "
                                "run with 1, counted in the notes")),
       non_negative(field("max_requests", FieldKind::Integer,
                          kinds.setting_help("max_requests", "replay only the first N requests (0: all)"))),
       with_default(positive(quantity("rate_scale", Unit::None,
                                      kinds.setting_help("rate_scale",
                                                         "> 1 compresses time: arrivals at t/rate_scale, so the "
                                                         "trace's mean rate times rate_scale (coesim search capacity "
                                                         "scales it)"))),
                    default_text(trace_defaults.rate_scale)),
       nested("prompts", FieldKind::Map, prompts_schema(), kinds.setting_help("prompts", "prompt attachment")),
       nested("routing", FieldKind::Map, routing_schema(),
              kinds.setting_help("routing", "routing of attached prompts"))}};
  return s;
}

const Schema& build() {
  const ServingSetup& d = setup_defaults();
  static const Schema s{
      "experiment",
      "one serving simulation (coesim run FILE)",
      {required(field("name", FieldKind::String, "experiment name")),
       field("description", FieldKind::String, "one line"),
       required(field("platform", FieldKind::String, "platform file (hw-configs/*.yaml), relative to this file")),
       field("platform_set", FieldKind::StringMap,
             "overrides of platform fields: dotted path -> value (--set platform.PATH=VALUE adds to it)"),
       field("model_set", FieldKind::StringMap,
             "overrides of every expert model file's fields, not the router's: dotted path -> value (--set "
             "model.PATH=VALUE adds to it)"),
       field("host_link_mode", FieldKind::String, "host-link mode for expert copies (default: the platform's)"),
       at_least(field("tensor_parallel", FieldKind::Integer,
                      "devices an expert is sharded over (default: the platform's); accelerators / TP engines run"),
                1),
       with_default(
           one_of(field("dispatcher", FieldKind::String,
                        "with several engines, which one an arriving request goes to: " + dispatcher_registry().help()),
                  dispatcher_registry().names()),
           d.dispatcher),
       with_default(at_most(at_least(field("nodes", FieldKind::Integer,
                                           "identical nodes of the platform, each with its own tiers and links (a "
                                           "cluster, e.g. 4 x DGX H100), at most 65,536"),
                                     1),
                            65536),
                    default_text(d.nodes)),
       with_default(one_of(field("placement", FieldKind::String,
                                 "everywhere: any node serves any expert; partitioned: expert e only on node e mod "
                                 "nodes"),
                           kPlacements.names()),
                    default_text(kPlacements.name(d.placement))),
       with_default(one_of(field("context_limit", FieldKind::String,
                                 "a request whose input + output exceeds its expert's max_context_tokens: reject it "
                                 "(reason context_too_long, as serving engines do) or truncate it to fit (output "
                                 "first, keeping one output token); counted in the summary and the notes"),
                           kContextLimits.names()),
                    default_text(kContextLimits.name(d.context_limit))),
       required(nested("experts", FieldKind::Map, experts_schema(), "experts")),
       nested("router", FieldKind::Map, router_schema(), "router model (absent: routing is free)"),
       nested("memory", FieldKind::Map, memory_schema(), "memory"),
       nested("residency", FieldKind::Map, residency_schema(), "residency"),
       nested("scheduler", FieldKind::Map, scheduler_schema(), "scheduler"),
       required(nested("workload", FieldKind::Map, workload_schema(), "workload")),
       with_default(field("record_token_times", FieldKind::Bool, "keep every token's time per request"),
                    default_text(d.record_token_times)),
       with_default(field("coalesce_decode_runs", FieldKind::Bool,
                          "run a decode step that would repeat unchanged as one event: faster, the same rows; false: "
                          "every step is its own event"),
                    default_text(d.coalesce_decode_runs)),
       with_default(at_least(quantity("link_bucket_s", Unit::Seconds,
                                      "time bucket of the per-link utilisation series in results.h5 (at least 1 "
                                      "us; a run may hold at most 1e8 values: resources x buckets)"),
                             1e-6),
                    default_text(d.link_bucket_s))}};
  return s;
}

// A child mapping, or an empty one validated against its schema (defaults).
// Fails at the setting a dotted path (one level deep at most) names, or at
// its section's key when the section was not written.
[[noreturn]] void fail_at(const Section& root, const std::string& path, const std::string& message) {
  const auto dot = path.find('.');
  if (dot == std::string::npos || !root.has(path.substr(0, dot))) root.fail(path.substr(0, dot), message);
  root.child(path.substr(0, dot)).fail(path.substr(dot + 1), message);
}

Section child_or_defaults(const Section& root, const ConfigDoc& doc, std::string_view field, const Schema& schema) {
  if (root.has(field)) return root.child(field);
  return Section(doc, YAML::Node(YAML::NodeType::Map), schema, std::string(field));
}

}  // namespace

const config::Schema& experiment_schema() { return build(); }

void add_overrides(ConfigDoc& doc, ExperimentOverrides& overrides, const std::vector<std::string>& assignments,
                   const std::string& source) {
  for (const std::string& assignment : assignments)
    if (assignment.starts_with("platform."))
      overrides.platform.push_back(assignment.substr(std::string_view("platform.").size()));
    else if (assignment.starts_with("model."))
      overrides.model.push_back(assignment.substr(std::string_view("model.").size()));
    else
      doc.set_from_text(assignment, source);
}

std::unique_ptr<Experiment> load_experiment(const std::filesystem::path& file) {
  return load_experiment(ConfigDoc::load(file));
}

std::unique_ptr<Experiment> load_experiment(const ConfigDoc& doc, const ExperimentOverrides& overrides) {
  const Section s(doc, experiment_schema());
  auto x = std::make_unique<Experiment>();
  x->name = s.text("name");
  x->file = doc.file();
  std::vector<FileField> files;  // every field naming a file, for the resolved YAML
  const auto existing_file = [&](const Section& section, std::string_view field) {
    files.push_back({section.node(field), section.existing_file(field)});
    return files.back().file;
  };

  ConfigDoc platform_doc = ConfigDoc::load(existing_file(s, "platform"));
  if (s.has("platform_set"))
    for (const auto& [path, value] : s.string_map("platform_set"))
      platform_doc.set_from_text(path + "=" + value, doc.file_for("platform_set"));
  for (const std::string& assignment : overrides.platform) platform_doc.set_from_text(assignment, "--set platform");
  x->platform = hw::load_platform(platform_doc);
  x->platform_yaml = YAML::Dump(platform_doc.root());
  const auto load_expert_model = [&](const std::filesystem::path& file) {
    ConfigDoc model_doc = ConfigDoc::load(file);
    if (s.has("model_set"))
      for (const auto& [path, value] : s.string_map("model_set"))
        model_doc.set_from_text(path + "=" + value, doc.file_for("model_set"));
    for (const std::string& assignment : overrides.model) model_doc.set_from_text(assignment, "--set model");
    return llm::load_model(model_doc);
  };

  const Section experts = s.child("experts");
  std::vector<int> model_of;  // per expert, index into x->models
  if (experts.has("model") == experts.has("list"))
    experts.fail(experts.has("model") ? "list" : "model", "give either model (and count) or list, not both");
  if (experts.has("model")) {
    x->models.push_back(load_expert_model(existing_file(experts, "model")));
    for (std::int64_t i = 0; i < experts.integer("count"); ++i) {
      x->expert_names.push_back(experts.text("name_prefix") + std::to_string(i));
      model_of.push_back(0);
    }
  } else {
    std::map<std::string, int> loaded;  // model file -> index
    for (const Section& e : experts.items("list")) {
      const std::string name = e.text("name");
      if (std::find(x->expert_names.begin(), x->expert_names.end(), name) != x->expert_names.end())
        e.fail("name", fmt::format("expert '{}' listed twice", name));
      const std::filesystem::path file = existing_file(e, "model");
      const auto [it, fresh] = loaded.emplace(file.string(), static_cast<int>(x->models.size()));
      if (fresh) x->models.push_back(load_expert_model(file));
      x->expert_names.push_back(name);
      model_of.push_back(it->second);
    }
    if (x->expert_names.empty()) experts.fail("list", "empty");
  }
  if (s.has("router")) {
    const Section r = s.child("router");
    x->router_model = llm::load_model(existing_file(r, "model"));
  }

  ServingSetup& setup = x->setup;
  setup.platform = &x->platform;
  if (s.has("host_link_mode")) {
    setup.host_link_mode = s.text("host_link_mode");
    const auto& modes = x->platform.host_link_modes;
    if (std::find(modes.begin(), modes.end(), setup.host_link_mode) == modes.end())
      s.fail("host_link_mode",
             fmt::format("platform '{}' has no host-link mode '{}'", x->platform.name, setup.host_link_mode));
  }
  if (s.has("tensor_parallel")) setup.tensor_parallel = s.integer_as<int>("tensor_parallel");
  setup.dispatcher = s.text("dispatcher");
  setup.nodes = s.integer_as<int>("nodes");
  setup.placement = kPlacements.parse(s.text("placement"));
  setup.context_limit = kContextLimits.parse(s.text("context_limit"));
  setup.expert_names = x->expert_names;
  for (const int m : model_of) setup.expert_models.push_back(&x->models[static_cast<std::size_t>(m)]);
  setup.router_model = x->router_model ? &*x->router_model : nullptr;

  const Section memory = child_or_defaults(s, doc, "memory", memory_schema());
  setup.workspace_bytes_per_device = memory.number("workspace_bytes");
  setup.kv_block_tokens = memory.integer_as<int>("kv_block_tokens");
  setup.kv_preemption = kKvPreemptions.parse(memory.text("kv_preemption"));

  const Section residency = child_or_defaults(s, doc, "residency", residency_schema());
  eviction_policy_registry().check_settings_apply(residency);
  setup.eviction.policy = residency.text("policy");
  setup.prefetch = residency.flag("prefetch");
  std::map<std::string, int> index;
  for (std::size_t i = 0; i < x->expert_names.size(); ++i) index[x->expert_names[i]] = static_cast<int>(i);
  if (residency.has("pinned"))
    for (const std::string& name : residency.strings("pinned")) {
      const auto it = index.find(name);
      if (it == index.end()) residency.fail("pinned", fmt::format("no expert '{}'", name));
      setup.eviction.pinned.push_back(it->second);
    }
  if (setup.eviction.policy == "pinned" && setup.eviction.pinned.empty())
    residency.fail("pinned", "policy pinned needs a non-empty list of experts");

  const Section scheduler = child_or_defaults(s, doc, "scheduler", scheduler_schema());
  serving::scheduler_registry().check_settings_apply(scheduler);
  setup.scheduler.kind = scheduler.text("kind");
  setup.scheduler.batch_size = scheduler.integer_as<int>("batch_size");
  setup.scheduler.max_batch_tokens = scheduler.integer("max_batch_tokens");
  setup.scheduler.max_wait_s = scheduler.number("max_wait_s");
  setup.scheduler.route = true;
  setup.record_token_times = s.flag("record_token_times");
  setup.coalesce_decode_runs = s.flag("coalesce_decode_runs");
  if (const auto problem = serving::setup_problem(setup)) fail_at(s, problem->field, problem->message);
  setup.link_bucket_s = s.number("link_bucket_s");

  const Section w = s.child("workload");
  workload_kinds().check_settings_apply(w);
  if (workload_kinds().at(w.text("kind")).info.takes("popularity")) popularity_kinds().check_settings_apply(w);
  WorkloadSpec& spec = x->workload;
  spec.kind = w.text("kind");
  spec.requests = w.integer("requests");
  spec.input_tokens = w.integer("input_tokens");
  spec.output_tokens = w.integer("output_tokens");
  spec.popularity = w.text("popularity");
  spec.zipf_alpha = w.number("zipf_alpha");
  spec.seed = static_cast<std::uint64_t>(w.integer("seed"));
  if (spec.kind == "poisson") {
    if (!w.has("rate_per_s")) w.fail("rate_per_s", "kind poisson needs a rate");
    spec.rate_per_s = w.number("rate_per_s");
  }
  if (spec.kind == "explicit") {
    if (!w.has("requests_list")) w.fail("requests_list", "kind explicit needs the list");
    double last = 0;
    for (const Section& r : w.items("requests_list")) {
      ExplicitRequest e{r.number("arrival_s"), r.text("expert"), r.integer("input_tokens"), r.integer("output_tokens")};
      if (!index.contains(e.expert)) r.fail("expert", fmt::format("no expert '{}'", e.expert));
      if (e.arrival_s < last) r.fail("arrival_s", "requests must be in arrival order");
      last = e.arrival_s;
      spec.explicit_requests.push_back(std::move(e));
    }
    if (spec.explicit_requests.empty()) w.fail("requests_list", "empty");
  }
  if (spec.kind == "trace") {
    TraceWorkload& t = x->trace;
    if (!w.has("trace")) w.fail("trace", "kind trace needs the trace file");
    t.trace = existing_file(w, "trace");
    if (w.has("max_requests")) t.max_requests = w.integer("max_requests");
    t.rate_scale = w.number("rate_scale");
    if (w.has("prompts") != w.has("routing"))
      w.fail(w.has("prompts") ? "routing" : "prompts", "prompts and routing go together");
    if (w.has("prompts")) {
      const Section p = w.child("prompts");
      t.prompts_file = existing_file(p, "file");
      if (p.has("id_field")) t.prompt_fields.id = p.text("id_field");
      if (p.has("text_field")) t.prompt_fields.text = p.text("text_field");
      t.prompt_fields.category = "-";
      t.seed = static_cast<std::uint64_t>(p.integer("seed"));
      t.match_input_length = p.flag("match_input_length");
      const Section r = w.child("routing");
      t.router_file = existing_file(r, "router");
      t.mapping = r.text("mapping");
      if (t.mapping == "milp") {
        if (!r.has("experts_file")) r.fail("experts_file", "mapping milp needs the experts file");
        if (!r.has("budget_b")) r.fail("budget_b", "mapping milp needs a budget");
        t.experts_file = existing_file(r, "experts_file");
        t.budget_b = r.number("budget_b");
      }
    }
  }
  x->resolved_yaml = resolved_experiment_yaml(doc, files, overrides.platform, overrides.model);
  return x;
}

std::vector<Request> generate_requests(const Experiment& x) {
  const WorkloadSpec& w = x.workload;
  if (w.kind == "trace") return trace_requests(x.trace, x.expert_names);
  const auto experts = static_cast<int>(x.expert_names.size());
  std::vector<Request> out;
  if (w.kind == "explicit") {
    std::map<std::string, int> index;
    for (int i = 0; i < experts; ++i) index[x.expert_names[static_cast<std::size_t>(i)]] = i;
    for (std::size_t i = 0; i < w.explicit_requests.size(); ++i) {
      const ExplicitRequest& e = w.explicit_requests[i];
      out.push_back({static_cast<std::int64_t>(i), seconds_to_ps_round(e.arrival_s), index.at(e.expert), e.input_tokens,
                     e.output_tokens, "", ""});
    }
    return out;
  }
  using G = workload::SyntheticRequestOptions;
  G g;
  g.arrivals = w.kind == "poisson" ? G::Arrivals::Poisson : G::Arrivals::Burst;
  g.rate_per_s = w.rate_per_s;
  g.tokens = G::Tokens::Fixed;
  g.input_tokens = static_cast<double>(w.input_tokens);
  g.output_tokens = static_cast<double>(w.output_tokens);
  g.experts = w.popularity == "zipf"      ? G::Experts::Zipf
              : w.popularity == "uniform" ? G::Experts::Uniform
                                          : G::Experts::RoundRobin;
  g.expert_count = experts;
  g.zipf_alpha = w.zipf_alpha;
  g.seed = w.seed;
  workload::SyntheticRequests requests(std::move(g));
  for (std::int64_t i = 0; i < w.requests; ++i) {
    const workload::TraceRecord r = requests.next();
    out.push_back({i, seconds_to_ps_round(r.arrival_time_s), r.expert, r.input_tokens, r.output_tokens, "", ""});
  }
  return out;
}

serving::ServingResult run_experiment(const Experiment& x, serving::ResultSink& sink, RunObserver* observer,
                                      serving::TimelineRecorder* timeline) {
  // The workload as a source of requests in arrival order: a trace streams,
  // the synthetic kinds are a list.
  std::optional<TraceRequests> trace;
  std::vector<Request> listed;
  if (x.workload.kind == "trace") {
    trace.emplace(x.trace, x.expert_names);
  } else {
    listed = generate_requests(x);
  }
  const auto for_each_request = [&](const std::function<void(Request)>& visit) {
    if (trace) return trace->for_each(visit);
    for (const Request& r : listed) visit(r);
  };
  ServingSetup setup = x.setup;
  setup.timeline = timeline;
  if (eviction_policy_registry().at(setup.eviction.policy).needs_future_uses && setup.eviction.future_uses.empty())
    for_each_request([&](Request r) { setup.eviction.future_uses.push_back(r.expert); });
  serving::ServingRun run(setup, sink);
  if (observer != nullptr) observer->on_start(trace ? trace->requests() : static_cast<std::int64_t>(listed.size()));
  for_each_request([&](Request r) {
    if (observer != nullptr) observer->on_request(r);
    run.add(std::move(r));
  });
  serving::ServingResult result = run.finish();
  if (trace && trace->zero_input_tokens() > 0)
    result.notes.push_back(
        fmt::format("{} trace requests had 0 input tokens and ran with 1", trace->zero_input_tokens()));
  if (trace && trace->zero_output_tokens() > 0)
    result.notes.push_back(
        fmt::format("{} trace requests had 0 output tokens and ran with 1 (the token prefill yields)",
                    trace->zero_output_tokens()));
  return result;
}

}  // namespace coesim::experiment
