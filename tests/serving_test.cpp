// The serving simulation: exact expected times for the cases in the issue
// (cold expert, same expert twice, eviction, prefetch overlap), rejection,
// the roofline's hand-computed numbers, the offline-optimal eviction bound,
// determinism, and bad experiment files.
#include <cmath>
#include <map>
#include <set>

#include <fmt/format.h>

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "sim/config/config_doc.h"
#include "sim/hw/platform_loader.h"
#include "sim/llm/kv_cache_size.h"
#include "sim/llm/load_model.h"
#include "sim/llm/model_size.h"
#include "sim/llm/step_cost.h"
#include "sim/serving/dispatcher.h"
#include "sim/serving/eviction_policy.h"
#include "sim/serving/execution_model.h"
#include "sim/experiment/experiment.h"
#include "sim/serving/latency_table.h"
#include "sim/serving/serving_metrics.h"
#include "sim/serving/serving_simulation.h"
#include "sim/serving/result_sink.h"
#include "sim/serving/record_store.h"
#include "tests/test_support.h"

namespace coesim::serving {
namespace {

using experiment::generate_requests;
using experiment::load_experiment;

using testing::data_path;
using testing::expect_config_error;

// The test platform with the fast tier set to `hbm_bytes` per GPU.
hw::Platform small_platform(double hbm_bytes = 10e9) {
  config::ConfigDoc doc = config::ConfigDoc::load(data_path("experiments/small_platform.yaml"));
  doc.set_from_text(fmt::format("devices.gpu.tiers.hbm.capacity_bytes={}", hbm_bytes));
  return hw::load_platform(doc);
}

// The test platform with a device->host route too (needed for KV swap).
hw::Platform small_platform_with_swap_route(double hbm_bytes) {
  config::ConfigDoc doc = config::ConfigDoc::load(data_path("experiments/small_platform.yaml"));
  doc.set_from_text(fmt::format("devices.gpu.tiers.hbm.capacity_bytes={}", hbm_bytes));
  doc.set_from_text(
      "links=[{name: pcie, per_device: gpu, bandwidth_bytes_per_s: 10e9}, "
      "{name: pcie_d2h, per_device: gpu, bandwidth_bytes_per_s: 5e9}]");
  doc.set_from_text(
      "routes=[{from: host.dram, to: hbm, per_device: gpu, via: [pcie]}, "
      "{from: hbm, to: host.dram, per_device: gpu, via: [pcie_d2h]}]");
  return hw::load_platform(doc);
}

const llm::ModelSpec& small_model() {
  static const llm::ModelSpec m = llm::load_model(data_path("experiments/small_model.yaml"));
  return m;
}

struct Fixture {
  hw::Platform platform;
  ServingSetup setup;

  explicit Fixture(int experts, double hbm_bytes = 10e9, std::string scheduler = "fcfs", int batch = 1)
      : platform(small_platform(hbm_bytes)) {
    setup.platform = &platform;
    for (int i = 0; i < experts; ++i) {
      setup.expert_names.push_back("e" + std::to_string(i));
      setup.expert_models.push_back(&small_model());
    }
    setup.scheduler.kind = std::move(scheduler);
    setup.scheduler.batch_size = batch;
    setup.scheduler.route = false;
  }
  ServingResult run(std::vector<Request> requests) const { return run_serving(setup, std::move(requests)); }
};

// Counts the requests a streaming run hands over.
struct CollectingRows : ResultSink {
  void append(const ServingResult& part) override { requests += part.requests.size(); }
  std::size_t requests = 0;
};

Request request(std::int64_t id, int expert, std::int64_t in, std::int64_t out, TimePs arrival = 0) {
  return {id, arrival, expert, in, out, "", ""};
}

// What the engine should charge: each step rounded up to a picosecond.
TimePs switch_ps() { return seconds_to_ps_ceil(static_cast<double>(llm::weight_bytes(small_model())) / 10e9); }
ExecutionModel model_on(const hw::Platform& p) { return ExecutionModel(TpGroupHardware::of(p, 1)); }
TimePs prefill_ps(const hw::Platform& p, std::int64_t tokens) {
  const std::vector<std::int64_t> t{tokens};
  return seconds_to_ps_ceil(model_on(p).prefill(small_model(), t).total_s());
}
TimePs decode_ps(const hw::Platform& p, std::int64_t context) {
  const std::vector<std::int64_t> c{context};
  return seconds_to_ps_ceil(model_on(p).decode(small_model(), c).total_s());
}
TimePs run_ps(const hw::Platform& p, std::int64_t in, std::int64_t out) {
  TimePs t = prefill_ps(p, in);
  for (std::int64_t k = 1; k < out; ++k) t += decode_ps(p, in + k - 1);
  return t;
}

// ---- execution model -------------------------------------------------------

TEST(ExecutionModel, RooflineMatchesHandComputation) {
  hw::ComputeSpec c{100e12, 0.5, 0.8, 1e-6, 0};
  TpGroupHardware hw{1, c, 1e12, 0, 0};
  const ExecutionModel m(hw);
  const llm::ModelSpec& s = small_model();
  const std::vector<std::int64_t> one{1};
  const StepTime d = m.decode(s, one);
  // Decode of one token: memory bound; bytes = weights (one embedding row) + KV.
  const llm::StepCost cost = llm::decode_cost(s, 1, 1);
  const double act = layer_activation_bytes_per_token(s) * 2;  // 2 layers, no SRAM
  EXPECT_DOUBLE_EQ(d.memory_s, (static_cast<double>(cost.bytes()) + act) / (1e12 * 0.8));
  EXPECT_DOUBLE_EQ(d.compute_s, cost.flops / (100e12 * 0.5));
  EXPECT_DOUBLE_EQ(d.overhead_s, 2e-6);
  EXPECT_DOUBLE_EQ(d.total_s(), d.memory_s + 2e-6);
  // Activations per token per layer: 2 bytes x 2 (write, read) x
  // (2 norms + q + k + v + attn + o + gate + up + act + down).
  EXPECT_DOUBLE_EQ(layer_activation_bytes_per_token(s), 4.0 * (2 * 1024 + 3 * 1024 + 1024 + 1024 + 3 * 4096 + 1024));
}

TEST(ExecutionModel, SramAbsorbsActivationsThatFitAndTpSplitsWork) {
  const llm::ModelSpec& s = small_model();
  const std::vector<std::int64_t> prompt{100};
  hw::ComputeSpec c{100e12, 1, 1, 0, 1e-5};
  const double per_layer = layer_activation_bytes_per_token(s) * 100;
  const StepTime fits = ExecutionModel({1, c, 1e12, per_layer, 0}).prefill(s, prompt);
  const StepTime spills = ExecutionModel({1, c, 1e12, per_layer - 1, 0}).prefill(s, prompt);
  EXPECT_EQ(fits.activation_bytes, 0.0);
  EXPECT_DOUBLE_EQ(spills.activation_bytes, per_layer * 2);
  // TP2 with a 100 GB/s link: half the roofline terms, 4 all-reduces of
  // 100 x 1024 x 2 bytes, each moving 2 (2 - 1) / 2 of it through the link.
  const StepTime tp1 = ExecutionModel({1, c, 1e12, 1e12, 0}).prefill(s, prompt);
  const StepTime tp2 = ExecutionModel({2, c, 1e12, 1e12, 100e9}).prefill(s, prompt);
  EXPECT_DOUBLE_EQ(tp2.compute_s, tp1.compute_s / 2);
  EXPECT_DOUBLE_EQ(tp2.collective_s, 4 * 1e-5 + 4 * (100.0 * 1024 * 2) / 100e9);
}

// ---- the analytic cases -------------------------------------------

TEST(Serving, OneRequestOnAColdExpert) {
  const Fixture f(1);
  const ServingResult r = f.run({request(0, 0, 100, 5)});
  const RequestRecord& q = r.requests[0];
  ASSERT_EQ(q.outcome, Outcome::Finished);
  EXPECT_EQ(q.switch_start_ps, 0);
  EXPECT_EQ(q.switch_end_ps, switch_ps());
  EXPECT_EQ(q.prefill_start_ps, switch_ps());
  EXPECT_EQ(q.prefill_end_ps, switch_ps() + prefill_ps(f.platform, 100));
  EXPECT_EQ(q.finish_ps, switch_ps() + run_ps(f.platform, 100, 5));
  EXPECT_EQ(q.tokens_out, 5);
  EXPECT_EQ(r.experts[0].switches, 1);
  EXPECT_EQ(r.experts[0].bytes_moved, static_cast<std::uint64_t>(llm::weight_bytes(small_model())));
}

// Input + output beyond the expert's 4,096-token context: rejected at
// arrival as context_too_long by default, or truncated to fit.
TEST(Serving, RequestsLongerThanTheContextAreRejectedOrTruncated) {
  Fixture f(1);
  const std::vector<Request> requests{request(0, 0, 100, 20), request(1, 0, 4000, 200, 1000),
                                      request(2, 0, 5000, 10, 2000), request(3, 0, 4076, 20, 3000)};
  const ServingResult rejected = f.run(requests);
  ASSERT_EQ(rejected.requests.size(), 4u);
  EXPECT_EQ(rejected.requests[0].outcome, Outcome::Finished);
  for (const std::size_t i : {1u, 2u}) {
    EXPECT_EQ(rejected.requests[i].outcome, Outcome::Rejected);
    EXPECT_EQ(rejected.requests[i].reject_reason, "context_too_long");
    EXPECT_EQ(rejected.requests[i].finish_ps, rejected.requests[i].request.arrival_ps);
  }
  EXPECT_EQ(rejected.requests[3].outcome, Outcome::Finished);  // exactly the context: served
  EXPECT_EQ(rejected.context_rejected, 2);
  const ServingSummary s = summarize(rejected);
  EXPECT_EQ(s.rejected, 2u);
  EXPECT_EQ(s.reject_reasons.at("context_too_long"), 2u);
  EXPECT_TRUE(std::any_of(rejected.notes.begin(), rejected.notes.end(),
                          [](const std::string& n) { return n.find("2 requests longer") != std::string::npos; }));

  f.setup.context_limit = ContextLimit::Truncate;
  const ServingResult truncated = f.run(requests);
  EXPECT_EQ(truncated.context_truncated, 2);
  EXPECT_EQ(truncated.context_rejected, 0);
  for (const auto& q : truncated.requests) {
    EXPECT_EQ(q.outcome, Outcome::Finished);
    EXPECT_LE(q.request.input_tokens + q.request.output_tokens, 4096);
  }
  EXPECT_EQ(truncated.requests[1].request.input_tokens, 4000);  // output cut first
  EXPECT_EQ(truncated.requests[1].request.output_tokens, 96);
  EXPECT_EQ(truncated.requests[2].request.input_tokens, 4095);  // then input, keeping one output token
  EXPECT_EQ(truncated.requests[2].request.output_tokens, 1);
}

TEST(Serving, TwoRequestsToTheSameExpertSwitchOnce) {
  const Fixture f(1);
  const ServingResult r = f.run({request(0, 0, 100, 3), request(1, 0, 50, 2)});
  EXPECT_EQ(r.experts[0].switches, 1);
  EXPECT_EQ(r.experts[0].hits, 1);
  const TimePs first = switch_ps() + run_ps(f.platform, 100, 3);
  EXPECT_EQ(r.requests[0].finish_ps, first);
  EXPECT_EQ(r.requests[1].switch_start_ps, kNever);
  EXPECT_EQ(r.requests[1].prefill_start_ps, first);
  EXPECT_EQ(r.requests[1].finish_ps, first + run_ps(f.platform, 50, 2));
  EXPECT_DOUBLE_EQ(summarize(r).fast_tier_hit_rate, 0.5);
}

TEST(Serving, TwoExpertsThatDoNotBothFitEvictAndSwitchAgain) {
  // Room for one expert and its KV, not two.
  const double one = static_cast<double>(llm::weight_bytes(small_model())) * 1.5;
  const Fixture f(2, one);
  const ServingResult r = f.run({request(0, 0, 10, 1), request(1, 1, 10, 1), request(2, 0, 10, 1)});
  EXPECT_EQ(r.experts[0].switches, 2);
  EXPECT_EQ(r.experts[1].switches, 1);
  EXPECT_EQ(r.experts[0].evictions, 1);
  EXPECT_EQ(r.experts[1].evictions, 1);
  const TimePs each = switch_ps() + prefill_ps(f.platform, 10);
  EXPECT_EQ(r.requests[2].finish_ps, 3 * each);
  EXPECT_LE(r.peak_fast_tier_used_bytes_per_device, one);
}

TEST(Serving, PrefetchOverlapsTheNextCopyWithCompute) {
  // samba-coe batch of two on two experts: with prefetch, e1's copy starts
  // when e0's prefill starts, so e1 waits only for what compute did not hide.
  Fixture f(2, 10e9, "samba-coe", 2);
  f.setup.prefetch = true;
  const ServingResult r = f.run({request(0, 0, 100, 20), request(1, 1, 100, 20)});
  const TimePs run0 = run_ps(f.platform, 100, 20);
  ASSERT_LT(run0, switch_ps());  // compute hides part of the copy, not all
  EXPECT_EQ(r.requests[0].finish_ps, switch_ps() + run0);
  EXPECT_EQ(r.requests[1].switch_start_ps, switch_ps() + run0);
  EXPECT_EQ(r.requests[1].prefill_start_ps, 2 * switch_ps());
  EXPECT_EQ(r.experts[1].prefetches, 1);
  Fixture no(2, 10e9, "samba-coe", 2);
  const ServingResult without = no.run({request(0, 0, 100, 20), request(1, 1, 100, 20)});
  EXPECT_EQ(without.requests[1].prefill_start_ps, 2 * switch_ps() + run0);
}

// A pinned expert is not room: an expert that fits only if the pinned one
// left is rejected, naming the policy, and is not admitted over and over
// (the scheduler counted the pinned bytes as evictable, and the engine spun).
TEST(Serving, AnExpertThatFitsOnlyWithoutThePinnedOneIsRejected) {
  const double shard = static_cast<double>(llm::weight_bytes(small_model()));
  for (const std::string scheduler : {"fcfs", "continuous", "round-robin"}) {
    Fixture f(2, 1.5 * shard, scheduler, 4);
    f.setup.eviction.policy = "pinned";
    f.setup.eviction.pinned = {1};
    const ServingResult r = f.run({request(0, 1, 16, 4), request(1, 0, 16, 4, 1), request(2, 1, 16, 4, 2)});
    EXPECT_EQ(r.requests[0].outcome, Outcome::Finished) << scheduler;
    EXPECT_EQ(r.requests[2].outcome, Outcome::Finished) << scheduler;
    EXPECT_EQ(r.requests[1].outcome, Outcome::Rejected) << scheduler;
    EXPECT_NE(r.requests[1].reject_reason.find("eviction policy 'pinned' never evicts"), std::string::npos)
        << r.requests[1].reject_reason;
    EXPECT_EQ(r.experts[1].evictions, 0) << scheduler;
  }
}

TEST(Serving, AnExpertThatCanNeverFitIsRejectedAndTheRestRun) {
  const double tiny = static_cast<double>(llm::weight_bytes(small_model())) / 2;
  const Fixture f(1, tiny);
  const ServingResult r = f.run({request(0, 0, 10, 2), request(1, 0, 10, 2)});
  for (const RequestRecord& q : r.requests) {
    EXPECT_EQ(q.outcome, Outcome::Rejected);
    EXPECT_NE(q.reject_reason.find("do not fit"), std::string::npos) << q.reject_reason;
  }
  EXPECT_EQ(summarize(r).rejected, 2u);
}

TEST(Serving, RouterPassCostsTheRouterModelsPrefill) {
  Fixture f(1, 10e9, "samba-coe", 2);
  f.setup.scheduler.route = true;
  f.setup.router_model = &small_model();
  const ServingResult r = f.run({request(0, 0, 30, 1), request(1, 0, 40, 1)});
  const std::vector<std::int64_t> tokens{30, 40};
  const TimePs route = seconds_to_ps_ceil(model_on(f.platform).prefill(small_model(), tokens).total_s());
  EXPECT_EQ(r.requests[0].routed_ps, route);
  EXPECT_EQ(r.requests[1].routed_ps, route);
  ASSERT_EQ(r.batches.size(), 1u);
  EXPECT_EQ(r.batches[0].end_ps, r.requests[1].finish_ps);
}

TEST(Serving, SameInputsGiveTheSameTrace) {
  const Fixture f(3, 0.25e9);
  std::vector<Request> rs;
  for (int i = 0; i < 30; ++i) rs.push_back(request(i, (i * 7) % 3, 20 + i, 1 + i % 4, i * 1'000'000'000LL));
  const ServingResult a = f.run(rs);
  const ServingResult b = f.run(rs);
  EXPECT_EQ(a.trace_hash, b.trace_hash);
  EXPECT_EQ(a.end_ps, b.end_ps);
}

TEST(Serving, ContinuousBatchingRunsTheSameExpertsRequestsInOneStep) {
  const Fixture f(1, 10e9, "continuous", 8);
  const ServingResult r = f.run({request(0, 0, 100, 4), request(1, 0, 50, 4)});
  const ExecutionModel m = model_on(f.platform);
  const std::vector<std::int64_t> prompts{100, 50};
  TimePs t = switch_ps() + seconds_to_ps_ceil(m.prefill(small_model(), prompts).total_s());
  for (std::int64_t k = 0; k < 3; ++k) {
    const std::vector<std::int64_t> contexts{100 + k, 50 + k};
    t += seconds_to_ps_ceil(m.decode(small_model(), contexts).total_s());
  }
  EXPECT_EQ(r.requests[0].finish_ps, t);
  EXPECT_EQ(r.requests[1].finish_ps, t);
  EXPECT_EQ(r.requests[0].prefill_end_ps, r.requests[1].prefill_end_ps);
}

// While the first request runs, three more arrive: sjf runs them fewest
// tokens first (prompt + output), fcfs in arrival order; each runs alone.
TEST(Serving, ShortestJobFirstRunsTheQueuedRequestWithFewestTokensNext) {
  const std::vector<Request> requests{request(0, 0, 64, 8), request(1, 0, 300, 20, 1), request(2, 0, 40, 2, 2),
                                      request(3, 0, 100, 4, 3)};
  const ServingResult sjf = Fixture(1, 10e9, "sjf").run(requests);
  const ServingResult fcfs = Fixture(1, 10e9, "fcfs").run(requests);
  const Fixture f(1);
  TimePs t = switch_ps() + run_ps(f.platform, 64, 8);
  EXPECT_EQ(sjf.requests[0].finish_ps, t);
  for (const std::int64_t id : {2, 3, 1}) {
    const RequestRecord& r = sjf.requests[static_cast<std::size_t>(id)];
    EXPECT_EQ(r.prefill_start_ps, t) << "request " << id;
    t += run_ps(f.platform, r.request.input_tokens, r.request.output_tokens);
    EXPECT_EQ(r.finish_ps, t) << "request " << id;
  }
  EXPECT_EQ(fcfs.requests[3].finish_ps, t);  // the same work, in another order
  EXPECT_LT(fcfs.requests[1].finish_ps, fcfs.requests[2].finish_ps);
  EXPECT_EQ(sjf.end_ps, fcfs.end_ps);
}

TEST(Serving, ExpertGroupedServesTheResidentExpertFirst) {
  // Room for one expert, one request per step. A (e0) runs; B (e1) and then
  // C (e0) arrive while it runs. FCFS across experts serves B next (a switch
  // away from e0 and back is avoided only by luck); expert-grouped serves C
  // on the resident e0 first.
  const double one = static_cast<double>(llm::weight_bytes(small_model())) * 1.5;
  const std::vector<Request> rs{request(0, 0, 100, 10), request(1, 1, 10, 2, 1'000'000),
                                request(2, 0, 10, 2, 2'000'000)};
  Fixture fifo(2, one, "continuous", 1);
  const ServingResult c = fifo.run(rs);
  EXPECT_LT(c.requests[1].finish_ps, c.requests[2].prefill_start_ps);
  EXPECT_EQ(c.experts[0].switches, 2);
  Fixture grouped(2, one, "expert-grouped", 1);
  grouped.setup.scheduler.max_wait_s = 10;
  const ServingResult g = grouped.run(rs);
  EXPECT_LT(g.requests[2].finish_ps, g.requests[1].prefill_start_ps);
  EXPECT_EQ(g.experts[0].switches, 1);
  // With no patience it behaves like FCFS across experts.
  grouped.setup.scheduler.max_wait_s = 0;
  EXPECT_EQ(grouped.run(rs).experts[0].switches, 2);
}

TEST(Serving, RoundRobinGivesEveryExpertAStepInTurn) {
  // Both experts fit. A (e0) and B (e1) arrive together: FCFS across
  // experts runs A to its end before B starts; round-robin prefills both,
  // then alternates their decode steps, so B's first token comes before A
  // ends and the two finish one step apart.
  const std::vector<Request> rs{request(0, 0, 100, 10), request(1, 1, 100, 10)};
  Fixture fifo(2, 10e9, "continuous", 4);
  const ServingResult c = fifo.run(rs);
  EXPECT_GE(c.requests[1].prefill_start_ps, c.requests[0].finish_ps);
  Fixture rr(2, 10e9, "round-robin", 4);
  rr.setup.record_token_times = true;
  const ServingResult r = rr.run(rs);
  EXPECT_LT(r.requests[1].prefill_end_ps, r.requests[0].finish_ps);
  EXPECT_LT(r.requests[0].finish_ps, r.requests[1].finish_ps);
  // Tokens alternate: every token of A after its first lies between two of B's.
  const std::vector<TimePs>& a = r.requests[0].token_ps;
  const std::vector<TimePs>& b = r.requests[1].token_ps;
  ASSERT_EQ(a.size(), 10u);
  ASSERT_EQ(b.size(), 10u);
  for (std::size_t i = 1; i < a.size(); ++i) {
    EXPECT_LT(b[i - 1], a[i]) << i;
    EXPECT_LT(a[i], b[i]) << i;
  }
  EXPECT_EQ(r.experts[0].switches + r.experts[1].switches, 2);  // both stay resident
}

TEST(Serving, ASwitchAfterAPreemptionIsNotTheRequestsSwitchWait) {
  // Room for one expert and a little KV (the case a property test found).
  // Two long requests on e1, then one-token requests on e0: round-robin
  // turns to e0, which preempts e1's KV and evicts it; e1's requests are
  // prefilled again after e1 is copied back. A request's switch wait is the
  // copy before its first prefill, never that later one, so its queueing
  // (arrival to first prefill, less the wait) stays >= 0.
  const double room = static_cast<double>(llm::weight_bytes(small_model())) * 1.4;
  std::vector<Request> rs{request(0, 1, 1720, 74), request(1, 1, 1592, 74, 1'275'539'457)};
  for (int i = 2; i < 8; ++i) rs.push_back(request(i, 0, 1, 1, 1'275'539'457));
  Fixture f(2, room, "round-robin", 2);
  const ServingResult r = f.run(rs);
  EXPECT_GT(r.preemptions, 0);
  EXPECT_GT(r.experts[1].switches, 1);
  for (const RequestRecord& q : r.requests) {
    ASSERT_EQ(q.outcome, Outcome::Finished);
    EXPECT_LE(q.switch_end_ps, q.prefill_start_ps) << q.request.id;
    EXPECT_GE(q.switch_wait_ps(), 0) << q.request.id;
    EXPECT_GE(q.queueing_ps(), 0) << q.request.id;
  }
}

TEST(Serving, KvPressurePreemptsTheYoungestAndRecomputesIt) {
  // Room for the expert and 1.5 full-length KV caches: both requests are
  // admitted (their prompts fit), both grow, and the younger one is dropped
  // when they no longer fit, then prefilled again over prompt + output so far.
  const llm::ModelSpec& m = small_model();
  const double weights = static_cast<double>(llm::weight_bytes(m));
  const double kv_full = static_cast<double>(llm::kv_bytes_for_context(m, 512 + 1024));
  Fixture f(1, weights + 1.5 * kv_full, "continuous", 8);
  const ServingResult r = f.run({request(0, 0, 512, 1024), request(1, 0, 512, 1024)});
  for (const RequestRecord& q : r.requests) {
    EXPECT_EQ(q.outcome, Outcome::Finished);
    EXPECT_EQ(q.tokens_out, 1024);
  }
  EXPECT_EQ(r.requests[0].preemptions, 0);
  EXPECT_GE(r.requests[1].preemptions, 1);
  EXPECT_EQ(r.preemptions, r.requests[1].preemptions);
  EXPECT_LT(r.requests[0].finish_ps, r.requests[1].finish_ps);
  EXPECT_LE(r.peak_fast_tier_used_bytes_per_device, weights + 1.5 * kv_full);
}

// The same pressure with swap: the younger request's KV goes to host DRAM
// over a device->host link and comes back, each copy taking exactly its
// bytes over that link's bandwidth; nothing is recomputed.
TEST(Serving, KvSwapOutAndBack) {
  const llm::ModelSpec& m = small_model();
  const double weights = static_cast<double>(llm::weight_bytes(m));
  const double kv_full = static_cast<double>(llm::kv_bytes_for_context(m, 512 + 1024));
  Fixture f(1, 10e9, "continuous", 8);
  f.platform = small_platform_with_swap_route(weights + 1.5 * kv_full);
  f.setup.platform = &f.platform;
  f.setup.kv_preemption = KvPreemption::Swap;
  const ServingResult r = f.run({request(0, 0, 512, 1024), request(1, 0, 512, 1024)});
  for (const RequestRecord& q : r.requests) {
    EXPECT_EQ(q.outcome, Outcome::Finished);
    EXPECT_EQ(q.tokens_out, 1024);
  }
  ASSERT_GE(r.kv_swaps.size(), 2u);
  const KvSwapRecord& out = r.kv_swaps[0];
  const KvSwapRecord& in = r.kv_swaps[1];
  EXPECT_TRUE(out.out);
  EXPECT_FALSE(in.out);
  EXPECT_EQ(out.request, 1);
  EXPECT_EQ(in.request, 1);
  EXPECT_EQ(in.bytes_per_device, out.bytes_per_device);
  EXPECT_EQ(out.end_ps - out.start_ps, seconds_to_ps_ceil(std::ceil(out.bytes_per_device) / 5e9));
  EXPECT_EQ(in.end_ps - in.start_ps, seconds_to_ps_ceil(std::ceil(in.bytes_per_device) / 10e9));
  EXPECT_GE(in.start_ps, r.requests[0].finish_ps);  // back when the older request has left room
  EXPECT_EQ(r.requests[1].preemptions, 1);
  EXPECT_LE(r.peak_fast_tier_used_bytes_per_device, weights + 1.5 * kv_full);
  // The small platform has no device->host route: swap is refused up front.
  Fixture no_route(1, 10e9, "continuous", 8);
  no_route.setup.kv_preemption = KvPreemption::Swap;
  EXPECT_THROW(no_route.run({request(0, 0, 8, 2)}), config::UsageError);
}

TEST(Serving, SeveralEnginesServeInParallelAndAffinityAvoidsSwitches) {
  // Two GPUs at TP1: two engines, each copying over its own PCIe link.
  Fixture f(2);
  config::ConfigDoc doc = config::ConfigDoc::load(data_path("experiments/small_platform.yaml"));
  doc.set_from_text("devices.gpu.count=2");
  f.platform = hw::load_platform(doc);
  f.setup.platform = &f.platform;
  const ServingResult r = f.run({request(0, 0, 100, 3), request(1, 1, 100, 3)});
  EXPECT_EQ(r.requests[0].finish_ps, switch_ps() + run_ps(f.platform, 100, 3));
  EXPECT_EQ(r.requests[1].finish_ps, r.requests[0].finish_ps);
  // Expert 0 again, later: round-robin sends it to engine 0 by turn (a hit);
  // a third request for expert 1 goes round-robin to engine 0 (a switch),
  // expert-affinity to engine 1, which holds it.
  const std::vector<Request> rs{request(0, 0, 10, 1), request(1, 1, 10, 1, 1'000'000'000'000),
                                request(2, 1, 10, 1, 2'000'000'000'000)};
  const ServingResult rr = f.run(rs);
  EXPECT_EQ(rr.experts[1].switches, 2);
  f.setup.dispatcher = "expert-affinity";
  const ServingResult aff = f.run(rs);
  EXPECT_EQ(aff.experts[1].switches, 1);
  f.setup.eviction.policy = "belady";
  EXPECT_THROW(f.run(rs), config::UsageError);
}

TEST(Serving, NodesOfAClusterCopyOverTheirOwnLinksAndPartitionedPlacementPinsExperts) {
  // Two one-GPU nodes: two cold requests for different experts run in
  // parallel, each copy on its own node's link.
  Fixture f(4);
  f.setup.nodes = 2;
  f.setup.placement = Placement::Partitioned;
  const ServingResult r =
      f.run({request(0, 0, 100, 3), request(1, 1, 100, 3), request(2, 2, 100, 3, 1'000'000'000'000)});
  EXPECT_EQ(r.requests[0].finish_ps, switch_ps() + run_ps(f.platform, 100, 3));
  EXPECT_EQ(r.requests[1].finish_ps, r.requests[0].finish_ps);
  // Expert 2 belongs to node 0, whose engine holds expert 0: expert 0 stays.
  EXPECT_EQ(r.experts[0].evictions, 0);
  EXPECT_EQ(r.requests[2].finish_ps - r.requests[2].request.arrival_ps, switch_ps() + run_ps(f.platform, 100, 3));
}

TEST(Serving, TensorParallelAllReduceBytesFlowOverEachDevicesLink) {
  // TP2 over two GPUs joined by a 100 GB/s link each way: a prefill takes
  // its roofline part, then the all-reduce bytes as a flow on each link.
  config::ConfigDoc doc = config::ConfigDoc::load(data_path("experiments/small_platform.yaml"));
  doc.set_from_text("devices.gpu.count=2");
  doc.set_from_text("serving.tensor_parallel=2");
  doc.set_from_text(
      "links=[{name: pcie, per_device: gpu, bandwidth_bytes_per_s: 10e9}, "
      "{name: nvlink, per_device: gpu, bandwidth_bytes_per_s: 100e9}]");
  doc.set_from_text("serving.tp_link=nvlink");
  Fixture f(1);
  f.platform = hw::load_platform(doc);
  f.setup.platform = &f.platform;
  const ServingResult r = f.run({request(0, 0, 100, 1), request(1, 0, 100, 1)});
  const std::vector<std::int64_t> prompt{100};
  const StepTime t = ExecutionModel(TpGroupHardware::of(f.platform, 2)).prefill(small_model(), prompt);
  ASSERT_GT(t.collective_bytes_per_device, 0.0);
  const double over_link_s = t.collective_bytes_per_device / 100e9;
  const TimePs expected = seconds_to_ps_ceil(t.total_s() - over_link_s) +
                          seconds_to_ps_ceil(std::ceil(t.collective_bytes_per_device) / 100e9);
  const RequestRecord& warm = r.requests[1];
  EXPECT_EQ(warm.prefill_end_ps - warm.prefill_start_ps, expected);
  // The NVLink instances carried those bytes: visible in their utilisation.
  double nvlink_bytes = 0;
  for (std::size_t k = 0; k < r.resources.size(); ++k)
    if (r.resources[k].name.rfind("nvlink", 0) == 0)
      for (const double u : r.link_utilisation[k])
        nvlink_bytes += u * r.resources[k].bandwidth_bytes_per_s * r.link_bucket_s;
  EXPECT_NEAR(nvlink_bytes, 2 * 2 * std::ceil(t.collective_bytes_per_device), 1e-6 * nvlink_bytes);
}

// Belady's choice never needs more switches than LRU, LFU or FIFO on the
// same request sequence (one expert at a time, equal sizes).
RC_GTEST_PROP(ServingProperty, BeladyIsALowerBoundAndEveryRequestEnds, ()) {
  const int experts = *rc::gen::inRange(2, 6);
  const int fit = *rc::gen::inRange(1, experts);
  const auto sequence = *rc::gen::container<std::vector<int>>(*rc::gen::inRange(1, 30), rc::gen::inRange(0, experts));
  const double hbm = static_cast<double>(llm::weight_bytes(small_model())) * (fit + 0.5);
  std::vector<Request> rs;
  for (std::size_t i = 0; i < sequence.size(); ++i)
    rs.push_back(request(static_cast<std::int64_t>(i), sequence[i], 8, 1));
  std::map<std::string, std::int64_t> switches;
  for (const std::string policy : {"belady", "lru", "lfu", "fifo"}) {
    Fixture f(experts, hbm);
    f.setup.eviction.policy = policy;
    f.setup.eviction.future_uses = sequence;
    const ServingSummary s = summarize(f.run(rs));
    RC_ASSERT(s.finished == sequence.size());
    switches[policy] = s.switches;
  }
  RC_ASSERT(switches["belady"] <= switches["lru"]);
  RC_ASSERT(switches["belady"] <= switches["lfu"]);
  RC_ASSERT(switches["belady"] <= switches["fifo"]);
}

// A fast tier of 1 to 4 expert copies.
double random_fast_tier_bytes() {
  return static_cast<double>(llm::weight_bytes(small_model())) * (*rc::gen::inRange(10, 40) / 10.0);
}

// 1 to `most` requests over `experts` experts, arriving up to 5 ms apart.
std::vector<Request> random_requests(int experts, int most) {
  const int n = *rc::gen::inRange(1, most);
  std::vector<Request> rs;
  TimePs t = 0;
  for (int i = 0; i < n; ++i) {
    t += *rc::gen::inRange<TimePs>(0, 5'000'000'000);
    rs.push_back(request(i, *rc::gen::inRange(0, experts), *rc::gen::inRange(1, 3000), *rc::gen::inRange(1, 300), t));
  }
  return rs;
}

// Random scheduler settings (batch, prompt-token budget, wait bound, router
// pass, prefetch) for whichever kind `f` runs, and any registered eviction
// policy (a pinned set drawn from the experts).
void randomise_scheduling(Fixture& f) {
  f.setup.scheduler.batch_size = *rc::gen::inRange(1, 9);
  f.setup.scheduler.max_batch_tokens = *rc::gen::inRange(1, 5000);
  f.setup.scheduler.max_wait_s = *rc::gen::inRange(0, 100) / 1000.0;
  f.setup.scheduler.route = *rc::gen::arbitrary<bool>();
  f.setup.prefetch = *rc::gen::arbitrary<bool>();
  const auto& policies = eviction_policy_registry();
  f.setup.eviction.policy = *rc::gen::elementOf(policies.names());
  if (policies.at(f.setup.eviction.policy).info.takes("pinned"))
    for (int e = 0; e < static_cast<int>(f.setup.expert_names.size()); ++e)
      if (*rc::gen::arbitrary<bool>()) f.setup.eviction.pinned.push_back(e);
}

// An offline policy (one that needs every request's expert up front) runs on one engine only.
void one_engine_policy(Fixture& f) {
  if (eviction_policy_registry().at(f.setup.eviction.policy).needs_future_uses) f.setup.eviction.policy = "lru";
}

// Any mix of arrivals, experts, lengths and capacity: every request ends
// (finished, or rejected when it can never fit), the fast tier never
// overflows, and finished requests produced all their tokens.
RC_GTEST_PROP(ServingProperty, EverySchedulerAccountsForEveryRequest, ()) {
  const int experts = *rc::gen::inRange(1, 5);
  const double hbm = random_fast_tier_bytes();
  const std::vector<Request> rs = random_requests(experts, 25);
  for (const std::string& kind : scheduler_registry().names()) {  // every registered kind, a new one too
    Fixture f(experts, hbm, kind);
    randomise_scheduling(f);
    if (*rc::gen::arbitrary<bool>()) {
      f.platform = small_platform_with_swap_route(hbm);
      f.setup.kv_preemption = KvPreemption::Swap;
    }
    // Sometimes several engines (one per GPU) behind a dispatcher.
    const int gpus = *rc::gen::inRange(1, 4);
    if (gpus > 1) {
      config::ConfigDoc doc = config::ConfigDoc::load(data_path("experiments/small_platform.yaml"));
      doc.set_from_text(fmt::format("devices.gpu.tiers.hbm.capacity_bytes={}", hbm));
      doc.set_from_text(fmt::format("devices.gpu.count={}", gpus));
      f.platform = hw::load_platform(doc);
      f.setup.kv_preemption = KvPreemption::Recompute;
      f.setup.dispatcher = *rc::gen::elementOf(dispatcher_registry().names());
    }
    f.setup.nodes = *rc::gen::inRange(1, 3);
    f.setup.placement = *rc::gen::element(Placement::Everywhere, Placement::Partitioned);
    f.setup.platform = &f.platform;
    if (gpus > 1 || f.setup.nodes > 1) one_engine_policy(f);
    const ServingResult r = f.run(rs);
    RC_ASSERT(r.peak_fast_tier_used_bytes_per_device <= hbm);
    for (const RequestRecord& q : r.requests) {
      RC_ASSERT(q.outcome != Outcome::Pending);
      if (q.outcome == Outcome::Finished) RC_ASSERT(q.tokens_out == q.request.output_tokens);
    }
  }
}

// Decode-run coalescing is an optimisation: with it off (every decode step
// its own event) every scheduler gives the same rows, to the picosecond.
RC_GTEST_PROP(ServingProperty, CoalescedDecodeRunsGiveTheSameRowsAsStepByStep, ()) {
  const int experts = *rc::gen::inRange(1, 5);
  const double hbm = random_fast_tier_bytes();
  const std::vector<Request> rs = random_requests(experts, 25);
  Fixture f(experts, hbm, *rc::gen::elementOf(scheduler_registry().names()));
  randomise_scheduling(f);
  f.setup.record_token_times = true;
  if (*rc::gen::arbitrary<bool>()) {
    f.platform = small_platform_with_swap_route(hbm);
    f.setup.platform = &f.platform;
    f.setup.kv_preemption = KvPreemption::Swap;
  }
  const ServingResult coalesced = f.run(rs);
  f.setup.coalesce_decode_runs = false;
  const ServingResult stepped = f.run(rs);
  RC_ASSERT(coalesced.requests.size() == stepped.requests.size());
  for (std::size_t i = 0; i < stepped.requests.size(); ++i) {
    const RequestRecord& a = coalesced.requests[i];
    const RequestRecord& b = stepped.requests[i];
    RC_ASSERT(a.outcome == b.outcome);
    RC_ASSERT(a.finish_ps == b.finish_ps);
    RC_ASSERT(a.prefill_start_ps == b.prefill_start_ps);
    RC_ASSERT(a.prefill_end_ps == b.prefill_end_ps);
    RC_ASSERT(a.switch_end_ps == b.switch_end_ps);
    RC_ASSERT(a.tokens_out == b.tokens_out);
    RC_ASSERT(a.preemptions == b.preemptions);
    RC_ASSERT(a.token_ps == b.token_ps);
  }
  RC_ASSERT(coalesced.peak_fast_tier_used_bytes_per_device == stepped.peak_fast_tier_used_bytes_per_device);
  RC_ASSERT(coalesced.switches.size() == stepped.switches.size());
  RC_ASSERT(coalesced.batches.size() == stepped.batches.size());
  for (std::size_t i = 0; i < stepped.batches.size(); ++i)
    RC_ASSERT(coalesced.batches[i].end_ps == stepped.batches[i].end_ps);
  RC_ASSERT(coalesced.link_utilisation == stepped.link_utilisation);
  RC_ASSERT(coalesced.events <= stepped.events);
}

// Checks what a streaming run hands its sink: requests in id order and
// ended, link buckets contiguous and of one length per part, samples and
// switch ends in time order; keeps the rows to compare with a whole run.
class CheckingSink : public ResultSink {
 public:
  void append(const ServingResult& part) override {
    ++parts;
    for (const RequestRecord& r : part.requests) {
      RC_ASSERT(r.request.id == static_cast<std::int64_t>(rows.requests.size()));
      RC_ASSERT(r.outcome != Outcome::Pending);
      rows.requests.push_back(r);
    }
    RC_ASSERT(part.link_first_bucket == next_bucket);
    rows.link_utilisation.resize(part.link_utilisation.size());
    for (std::size_t k = 0; k < part.link_utilisation.size(); ++k) {
      RC_ASSERT(part.link_utilisation[k].size() == part.link_utilisation.front().size());
      rows.link_utilisation[k].insert(rows.link_utilisation[k].end(), part.link_utilisation[k].begin(),
                                      part.link_utilisation[k].end());
    }
    if (!part.link_utilisation.empty()) next_bucket += part.link_utilisation.front().size();
    for (const OccupancySample& o : part.occupancy) {
      RC_ASSERT((rows.occupancy.empty() || o.time_ps >= rows.occupancy.back().time_ps));
      rows.occupancy.push_back(o);
    }
    for (const SwitchRecord& sw : part.switches) {
      RC_ASSERT((rows.switches.empty() || sw.end_ps >= rows.switches.back().end_ps));
      rows.switches.push_back(sw);
    }
    rows.batches.insert(rows.batches.end(), part.batches.begin(), part.batches.end());
    rows.kv_swaps.insert(rows.kv_swaps.end(), part.kv_swaps.begin(), part.kv_swaps.end());
  }
  ServingResult rows;
  std::size_t next_bucket = 0;
  int parts = 0;
};

RC_GTEST_PROP(ServingProperty, StreamedPartsAreTheWholeRunsRows, ()) {
  const int experts = *rc::gen::inRange(1, 5);
  const double hbm = random_fast_tier_bytes();
  const std::vector<Request> rs = random_requests(experts, 40);
  Fixture f(experts, hbm, *rc::gen::elementOf(scheduler_registry().names()));
  randomise_scheduling(f);
  f.setup.link_bucket_s = *rc::gen::inRange(1, 2000) / 1000.0;
  f.setup.part_requests = 1 << 30;
  const ServingResult whole = f.run(rs);
  f.setup.part_requests = *rc::gen::inRange(1, 6);
  if (eviction_policy_registry().at(f.setup.eviction.policy).needs_future_uses)  // streamed: given up front
    for (const Request& r : rs) f.setup.eviction.future_uses.push_back(r.expert);
  CheckingSink sink;
  ServingRun run(f.setup, sink);
  for (const Request& r : rs) run.add(r);
  const ServingResult figures = run.finish();
  RC_ASSERT(figures.requests.empty());
  RC_ASSERT(sink.rows.requests.size() == whole.requests.size());
  for (std::size_t i = 0; i < whole.requests.size(); ++i) {
    const RequestRecord& a = whole.requests[i];
    const RequestRecord& b = sink.rows.requests[i];
    RC_ASSERT(a.finish_ps == b.finish_ps);
    RC_ASSERT(a.prefill_end_ps == b.prefill_end_ps);
    RC_ASSERT(a.tokens_out == b.tokens_out);
    RC_ASSERT(a.outcome == b.outcome);
  }
  RC_ASSERT(sink.rows.link_utilisation == whole.link_utilisation);
  // Bytes are conserved through the series: every resource on the copy
  // route (DRAM, PCIe, HBM) carried each expert copy's bytes, the others none.
  double copied_bytes = 0;
  for (const ExpertStats& e : figures.experts) copied_bytes += static_cast<double>(e.bytes_moved);
  int carrying = 0;
  for (std::size_t k = 0; k < figures.resources.size(); ++k) {
    double through = 0;
    for (const double u : sink.rows.link_utilisation[k])
      through += u * figures.resources[k].bandwidth_bytes_per_s * figures.link_bucket_s;
    const bool carried = copied_bytes > 0 && std::abs(through - copied_bytes) <= 1e-9 * copied_bytes;
    RC_ASSERT((carried || through < 1e-6 * copied_bytes + 1));
    carrying += carried ? 1 : 0;
  }
  RC_ASSERT(carrying == (copied_bytes > 0 ? 3 : 0));
  RC_ASSERT(sink.rows.occupancy.size() == whole.occupancy.size());
  for (std::size_t i = 0; i < whole.occupancy.size(); ++i) {
    RC_ASSERT(sink.rows.occupancy[i].time_ps == whole.occupancy[i].time_ps);
    RC_ASSERT(sink.rows.occupancy[i].used_bytes == whole.occupancy[i].used_bytes);
  }
  RC_ASSERT(sink.rows.switches.size() == whole.switches.size());
  RC_ASSERT(sink.rows.batches.size() == whole.batches.size());
  for (std::size_t i = 0; i < whole.batches.size(); ++i)
    RC_ASSERT(sink.rows.batches[i].end_ps == whole.batches[i].end_ps);
  // (The trace hash differs: it covers the flush events, more with smaller parts.)
  RC_ASSERT(summarize(whole).ttft_s.p99 == [&] {
    SummaryAccumulator acc;
    acc.add(sink.rows);
    return acc.finish(figures).ttft_s.p99;
  }());
}

// Records in flight against a plain model: any mix of arrivals and
// endings; the front leaves only once ended, in id order, and ids that left
// or have not arrived are refused.
RC_GTEST_PROP(RecordStoreProperty, RetiresInIdOrderOnlyWhatEnded, ()) {
  RecordStore store;
  std::vector<bool> ended;  // by id, every id ever added
  std::int64_t retired = 0;
  const int steps = *rc::gen::inRange(1, 200);
  for (int i = 0; i < steps; ++i) {
    const int action = *rc::gen::inRange(0, 3);
    if (action == 0) {
      store.add(request(store.next_id(), 0, 1, 1));
      ended.push_back(false);
    } else if (action == 1 && store.next_id() > retired) {
      const std::int64_t id = *rc::gen::inRange<std::int64_t>(retired, store.next_id());
      store[id].outcome = Outcome::Finished;
      ended[static_cast<std::size_t>(id)] = true;
    } else if (action == 2) {
      while (!store.empty() && store.front().outcome != Outcome::Pending) {
        RC_ASSERT(store.take_front().request.id == retired);
        ++retired;
      }
      RC_ASSERT((retired == store.next_id() || !ended[static_cast<std::size_t>(retired)]));
    }
    RC_ASSERT(store.first_id() == retired);
    if (retired > 0) RC_ASSERT_THROWS_AS(store[retired - 1], std::logic_error);
    RC_ASSERT_THROWS_AS(store[store.next_id()], std::logic_error);
    RC_ASSERT_THROWS_AS(store.add(request(store.next_id() + 1, 0, 1, 1)), std::invalid_argument);
  }
}

TEST(ServingStream, RequestsOutOfOrderOrWithGapsAreRefused) {
  Fixture f(1);
  CollectingRows rows;
  ServingRun run(f.setup, rows);
  run.add(request(0, 0, 10, 2, 5'000));
  EXPECT_THROW(run.add(request(2, 0, 10, 2, 9'000)), std::invalid_argument);  // id gap
  EXPECT_THROW(run.add(request(1, 0, 10, 2, 4'000)), std::invalid_argument);  // earlier than the one ahead
  EXPECT_THROW(run.add(request(1, 3, 10, 2, 6'000)), std::invalid_argument);  // no such expert
  run.add(request(1, 0, 10, 2, 6'000));                                       // the refused ones changed nothing
  EXPECT_EQ(run.finish().requests.size(), 0u);
  EXPECT_EQ(rows.requests, 2u);
  EXPECT_THROW(run.add(request(2, 0, 10, 2, 7'000)), std::logic_error);   // after the end
  EXPECT_THROW(ServingRun(ServingSetup{}, rows), std::invalid_argument);  // no platform: refused, no crash
}

TEST(ServingStream, BeladyWithoutTheFutureUpFrontIsRefused) {
  Fixture f(2);
  f.setup.eviction.policy = "belady";
  CollectingRows rows;
  EXPECT_THROW(ServingRun(f.setup, rows), std::invalid_argument);
}

// ---- measured latency table ----------------------------------------------

TEST(LatencyTable, ReplacesTheRooflineForTheShapeItCoversOnly) {
  const LatencyTable t = load_latency_table(data_path("tables/small.yaml"));
  EXPECT_EQ(t.latency_s("small-expert", 1, 1, 10, 2), 0.005);
  EXPECT_FALSE(t.latency_s("small-expert", 1, 1, 11, 2));
  EXPECT_FALSE(t.latency_s("small-expert", 2, 1, 10, 2));
  const auto dup = expect_config_error([] { load_latency_table(data_path("tables/duplicate_entry.yaml")); });
  EXPECT_EQ(dup.line(), 9);

  config::ConfigDoc doc = config::ConfigDoc::load(data_path("experiments/small_platform.yaml"));
  doc.set_from_text("serving.execution_model=latency-table");
  doc.set_from_text("serving.latency_table=" + data_path("tables/small.yaml").string());
  const hw::Platform p = hw::load_platform(doc);
  Fixture f(1);
  f.platform = p;
  f.setup.platform = &f.platform;
  const ServingResult r = f.run({request(0, 0, 10, 2), request(1, 0, 10, 2)});
  // Warm request: the table's 5 ms, charged whole at its prefill.
  EXPECT_EQ(r.requests[1].finish_ps - r.requests[1].prefill_start_ps, 5'000'000'000);
  EXPECT_EQ(r.requests[1].prefill_end_ps, r.requests[1].finish_ps);
  EXPECT_THROW(f.run({request(0, 0, 12, 2)}), config::UsageError);  // no entry: no extrapolation
  f.setup.scheduler.kind = "continuous";
  EXPECT_THROW(f.run({request(0, 0, 10, 2)}), config::UsageError);

  config::ConfigDoc missing = config::ConfigDoc::load(data_path("experiments/small_platform.yaml"));
  missing.set_from_text("serving.execution_model=latency-table");
  const auto e = expect_config_error([&] { hw::load_platform(missing); });
  EXPECT_EQ(e.field(), "serving.latency_table");
}

// ---- experiment files -------------------------------------------------------

TEST(Experiment, LoadsAndGeneratesADeterministicWorkload) {
  const auto x = load_experiment(data_path("experiments/valid.yaml"));
  EXPECT_EQ(x->expert_names.size(), 3u);
  EXPECT_EQ(x->setup.scheduler.batch_size, 2);
  const std::vector<Request> a = generate_requests(*x);
  ASSERT_EQ(a.size(), 10u);
  for (std::size_t i = 1; i < a.size(); ++i) EXPECT_GE(a[i].arrival_ps, a[i - 1].arrival_ps);
  EXPECT_EQ(a[4].expert, 1);  // round-robin
  const std::vector<Request> b = generate_requests(*x);
  EXPECT_EQ(a.back().arrival_ps, b.back().arrival_ps);
}

TEST(Experiment, ExpertsMayEachHaveTheirOwnModel) {
  const auto x = load_experiment(data_path("experiments/list.yaml"));
  ASSERT_EQ(x->expert_names.size(), 3u);
  EXPECT_EQ(x->models.size(), 2u);  // the small model is loaded once
  EXPECT_EQ(x->setup.expert_models[0], x->setup.expert_models[1]);
  EXPECT_EQ(x->setup.expert_models[2]->name, "Llama-2-7B");
  const std::vector<Request> rs = generate_requests(*x);
  EXPECT_EQ(rs[0].expert, 2);
  EXPECT_EQ(rs[1].expert, 1);
  const auto dup = expect_config_error([] { load_experiment(data_path("experiments/list_duplicate.yaml")); });
  EXPECT_EQ(dup.field(), "experts.list.a.name");  // list entries are named by their name field
  EXPECT_EQ(dup.line(), 6);
}

TEST(Experiment, TraceRequestsGetRealPromptsRoutedToExperts) {
  const auto x = load_experiment(data_path("experiments/trace_modulo.yaml"));
  const std::vector<Request> a = generate_requests(*x);
  ASSERT_EQ(a.size(), 20u);
  EXPECT_EQ(a[0].input_tokens, 4808);  // the trace's own token counts
  EXPECT_EQ(a[1].arrival_ps, 52'000'000'000);
  for (const Request& r : a) {
    EXPECT_FALSE(r.prompt_id.empty());
    EXPECT_FALSE(r.category.empty());
    EXPECT_GE(r.expert, 0);
    EXPECT_LT(r.expert, 3);
  }
  const std::vector<Request> b = generate_requests(*x);
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].prompt_id, b[i].prompt_id);
    EXPECT_EQ(a[i].expert, b[i].expert);
  }
  // The MILP mapping sends each category to the expert it chose at 100 B:
  // only gemma-2-27b-it (index 2) and Llama-3.1-70B-Instruct (index 3).
  const auto m = load_experiment(data_path("experiments/trace_milp.yaml"));
  std::set<int> used;
  for (const Request& r : generate_requests(*m)) used.insert(r.expert);
  for (const int e : used) EXPECT_TRUE(e == 2 || e == 3) << e;
}

TEST(Experiment, BadFilesNameFileLineAndField) {
  struct Case {
    const char* file;
    const char* field;
  };
  for (const Case c :
       {Case{"unknown_scheduler.yaml", "scheduler.kind"}, Case{"batch_zero.yaml", "scheduler.batch_size"},
        Case{"negative_rate.yaml", "workload.rate_per_s"}, Case{"missing_model.yaml", "experts.model"},
        Case{"unknown_policy.yaml", "residency.policy"}}) {
    SCOPED_TRACE(c.file);
    const auto e = expect_config_error([&] { load_experiment(data_path(std::string("experiments/") + c.file)); });
    EXPECT_EQ(e.field(), c.field);
    EXPECT_GT(e.line(), 0);
    EXPECT_NE(e.file().find(c.file), std::string::npos);
  }
}

}  // namespace
}  // namespace coesim::serving
