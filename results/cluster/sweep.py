#!/usr/bin/python3
"""Runs experiment.yaml for the SN40L node and 1-4 DGX H100 nodes at several rates; prints a Markdown table."""
import json
import subprocess

CASES = [("sn40l-node", None, 1)] + [("dgx-h100", "per-gpu", n) for n in (1, 2, 3, 4)] + \
        [("dgx-h100", "paper", n) for n in (1, 4)] + [("dgx-h100-nemo", "per-gpu", n) for n in (1, 2, 4)]
RATES = [5, 10, 20]


def run(platform, mode, nodes, rate):
    args = ["build/coesim", "run", "results/cluster/experiment.yaml", "--json",
            "--set", f"platform=hw-configs/{platform}.yaml", "--set", f"nodes={nodes}",
            "--set", f"workload.rate_per_s={rate}"]
    if mode:
        args += ["--set", f"host_link_mode={mode}"]
    return json.loads(subprocess.run(args, check=True, capture_output=True, text=True).stdout)


print("| platform | nodes | experts per node | rate, req/s | mean e2e, ms | p99 TTFT, ms | hit rate | switches |")
print("|---|---|---|---|---|---|---|---|")
for platform, mode, nodes in CASES:
    for rate in RATES:
        r = run(platform, mode, nodes, rate)
        s = r["summary"]
        label = platform + (f" ({mode})" if mode else "")
        print(f"| {label} | {nodes} | {150 // nodes + (1 if 150 % nodes else 0)} (fit: {r['experts_that_fit']}) | {rate} | "
              f"{s['e2e_s']['mean'] * 1e3:.1f} | {s['ttft_s']['p99'] * 1e3:.1f} | {s['fast_tier_hit_rate']:.3f} | "
              f"{s['switches']} |")
