// The staggered-flows scenario on SimGrid 3.32 (s4u), as the reference that
// coesim's FlowNetwork must agree with and be measured against. SimGrid is
// configured for pure max-min sharing: CM02 (no bandwidth or latency
// correction factors), no TCP window bound, no cross traffic, zero-latency
// links, so a flow's rate is exactly its max-min fair share, as in coesim.
//
// Each flow gets its own (src, dst) host pair in one full zone, routed over
// exactly its path of links. One actor sleeps until each start time and
// starts the flow asynchronously; completion times are read back afterwards.
//
// Usage: coesim_simgrid_bench [--dump=FILE] [--check=COESIM_FILE [--atol=S]]
//        [--seed= --flows= --links=] [--cfg=... overrides]
// Prints one timing line. With --check, exits 1 if any completion time
// differs from coesim's by more than the tolerance, by default derived from
// SimGrid's timing precision: each of the 2N rate changes (N starts, N ends)
// may move an event by up to surf/precision in SimGrid and by up to 1 ps in
// coesim (completions round up to the picosecond), so any completion time
// may drift by at most 2N (surf/precision + 1 ps).
#include <simgrid/s4u.hpp>
#include <xbt/config.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <string>
#include <vector>

#include "bench/bench_io.h"
#include "bench/staggered_flows_scenario.h"

namespace sg4 = simgrid::s4u;

namespace {

using coesim::bench::indexed_name;
using coesim::bench::Scenario;

// Prepended to the command line, so a user's --cfg=... still overrides them.
// optim:Full is SimGrid's faster setting on this scenario (Lazy takes ~2.3x
// longer: every flow shares a link with every other, so the lazy heap only
// adds work). surf/precision (seconds) sets how far an event may move; its
// default 1e-5 alone gives ~1e-5 s errors, 1e-9 costs no measurable time.
const std::vector<std::string> kDefaultConfig = {
    "--cfg=network/model:CM02",  "--cfg=network/TCP-gamma:0",   "--cfg=network/crosstraffic:0",
    "--cfg=network/weight-S:0",  "--cfg=network/optim:Full",    "--cfg=maxmin/precision:1e-9",
    "--cfg=surf/precision:1e-9", "--log=xbt_cfg.thres:warning",
};

// Smallest host count whose ordered pairs give every flow a route of its own.
std::size_t hosts_for(std::size_t flows) {
  std::size_t n = 2;
  while (n * (n - 1) < flows) ++n;
  return n;
}

struct Platform {
  std::vector<sg4::Host*> src;
  std::vector<sg4::Host*> dst;
};

Platform build_platform(const Scenario& s) {
  auto* zone = sg4::create_full_zone("bench");
  std::vector<sg4::Link*> links;
  for (std::size_t l = 0; l < s.capacity_bytes_per_s.size(); ++l)
    links.push_back(zone->create_link(indexed_name('l', l), s.capacity_bytes_per_s[l])->set_latency(0)->seal());
  const std::size_t n = hosts_for(s.flows.size());
  std::vector<sg4::Host*> hosts;
  for (std::size_t h = 0; h < n; ++h) hosts.push_back(zone->create_host(indexed_name('h', h), 1e9)->seal());
  Platform p;
  for (std::size_t i = 0; i < s.flows.size(); ++i) {
    const std::size_t a = i / (n - 1);
    const std::size_t b = i % (n - 1) + (i % (n - 1) >= a ? 1 : 0);
    std::vector<sg4::LinkInRoute> route;
    for (const std::uint32_t l : s.flows[i].path) route.emplace_back(links[l]);
    zone->add_route(hosts[a]->get_netpoint(), hosts[b]->get_netpoint(), nullptr, nullptr, route, false);
    p.src.push_back(hosts[a]);
    p.dst.push_back(hosts[b]);
  }
  zone->seal();
  return p;
}

int check(const std::vector<double>& simgrid_s, const std::string& coesim_file, double atol) {
  const std::vector<double> coesim_s = coesim::bench::read_completions(coesim_file);
  if (coesim_s.size() != simgrid_s.size()) {
    std::fprintf(stderr, "flow count differs: coesim %zu, simgrid %zu\n", coesim_s.size(), simgrid_s.size());
    return 1;
  }
  double worst_rel = 0.0;
  double worst_abs = 0.0;
  std::size_t worst_i = 0;
  for (std::size_t i = 0; i < simgrid_s.size(); ++i) {
    const double abs_err = std::fabs(coesim_s[i] - simgrid_s[i]);
    if (!(abs_err <= worst_abs)) {
      worst_abs = abs_err;
      worst_i = i;
    }
    worst_rel = std::max(worst_rel, abs_err / simgrid_s[i]);
  }
  std::printf(
      "agreement flows=%zu max_abs_err_s=%.3e (flow %zu: coesim %.12f s, simgrid %.12f s) max_rel_err=%.3e "
      "atol_s=%.3e\n",
      simgrid_s.size(), worst_abs, worst_i, coesim_s[worst_i], simgrid_s[worst_i], worst_rel, atol);
  return worst_abs <= atol ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  using Clock = std::chrono::steady_clock;
  coesim::bench::ScenarioParams params;
  std::string dump_path;
  std::string check_path;
  double atol = -1.0;
  std::vector<std::string> args{argv[0]};
  args.insert(args.end(), kDefaultConfig.begin(), kDefaultConfig.end());
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (a.starts_with("--dump=")) {
      dump_path = a.substr(7);
    } else if (a.starts_with("--check=")) {
      check_path = a.substr(8);
    } else if (a.starts_with("--atol=")) {
      atol = std::stod(std::string(a.substr(7)));
    } else if (!coesim::bench::apply_scenario_arg(a, params)) {
      args.emplace_back(a);
    }
  }
  std::vector<char*> engine_argv;
  for (std::string& a : args) engine_argv.push_back(a.data());
  int engine_argc = static_cast<int>(engine_argv.size());

  const Scenario s = coesim::bench::make_staggered_flows(params);
  const auto t0 = Clock::now();
  sg4::Engine engine(&engine_argc, engine_argv.data());
  const auto t1 = Clock::now();
  const Platform platform = build_platform(s);
  std::vector<std::size_t> order(s.flows.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&s](std::size_t a, std::size_t b) { return s.flows[a].start_ps < s.flows[b].start_ps; });
  std::vector<sg4::CommPtr> comms(s.flows.size());
  sg4::Actor::create("launcher", platform.src.front(), [&] {
    for (const std::size_t i : order) {
      const double start_s = static_cast<double>(s.flows[i].start_ps) * 1e-12;
      if (start_s > sg4::Engine::get_clock()) sg4::this_actor::sleep_until(start_s);
      comms[i] = sg4::Comm::sendto_async(platform.src[i], platform.dst[i], s.flows[i].bytes);
    }
    for (const sg4::CommPtr& c : comms) c->wait();
  });
  const auto t2 = Clock::now();
  engine.run();
  const auto t3 = Clock::now();

  std::vector<double> end_s;
  for (const sg4::CommPtr& c : comms) end_s.push_back(c->get_finish_time());
  const auto c = coesim::bench::concurrency(s, end_s);
  const auto secs = [](auto d) { return std::chrono::duration<double>(d).count(); };
  std::printf(
      "simgrid flows=%d links=%d init_s=%.6f build_s=%.6f run_s=%.6f makespan_s=%.6f peak_active=%zu "
      "mean_active=%.1f\n",
      params.flows, params.links, secs(t1 - t0), secs(t2 - t1), secs(t3 - t2), c.makespan_s, c.peak, c.mean);
  if (!dump_path.empty()) coesim::bench::write_completions(dump_path, end_s);
  if (check_path.empty()) return 0;
  if (atol < 0.0)
    atol = 2.0 * static_cast<double>(s.flows.size()) * (simgrid::config::get_value<double>("surf/precision") + 1e-12);
  return check(end_s, check_path, atol);
}
