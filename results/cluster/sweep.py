#!/usr/bin/python3
"""Runs experiment.yaml for the SN40L node and 1-4 DGX H100 nodes at several rates, each platform with its
roofline and with its calibrated runtime profile (hw-configs/calibrated/); prints a Markdown table."""
import json
import subprocess

CASES = [("sn40l-node", None, 1)] + [("dgx-h100", "per-gpu", n) for n in (1, 2, 3, 4)] + \
        [("dgx-h100", "paper", n) for n in (1, 4)] + [("dgx-h100-nemo", "per-gpu", n) for n in (1, 2, 4)]
RATES = [5, 10, 20]
# The same platform with its calibrated runtime profile: sambaflow on the SN40L, TensorRT-LLM on the DGX.
CALIBRATED = {"sn40l-node": "calibrated/sn40l-node-sambaflow", "dgx-h100": "calibrated/dgx-h100-trtllm"}


def run(platform, mode, nodes, rate):
    args = ["build/coesim", "run", "results/cluster/experiment.yaml", "--json",
            "--set", f"platform=hw-configs/{platform}.yaml", "--set", f"nodes={nodes}",
            "--set", f"workload.rate_per_s={rate}"]
    if mode:
        args += ["--set", f"host_link_mode={mode}"]
    return json.loads(subprocess.run(args, check=True, capture_output=True, text=True).stdout)


print("| platform | nodes | experts per node | rate, req/s | mean e2e, ms | p99 TTFT, ms | hit rate | switches | "
      "calibrated: mean e2e, ms | calibrated: p99 TTFT, ms | calibrated: hit rate | calibrated: switches |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|")
for platform, mode, nodes in CASES:
    for rate in RATES:
        r = run(platform, mode, nodes, rate)
        s = r["summary"]
        label = platform + (f" ({mode})" if mode else "")
        fit = str(r["experts_that_fit"])
        calibrated = "- | - | - | -"
        if platform in CALIBRATED:
            c = run(CALIBRATED[platform], mode, nodes, rate)
            cs = c["summary"]
            if c["experts_that_fit"] != r["experts_that_fit"]:  # the stack's KV memory setting holds HBM back
                fit += f"; calibrated: {c['experts_that_fit']}"
            calibrated = (f"{cs['e2e_s']['mean'] * 1e3:.1f} | {cs['ttft_s']['p99'] * 1e3:.1f} | "
                          f"{cs['fast_tier_hit_rate']:.3f} | {cs['switches']}")
        print(f"| {label} | {nodes} | {150 // nodes + (1 if 150 % nodes else 0)} (fit: {fit}) | {rate} | "
              f"{s['e2e_s']['mean'] * 1e3:.1f} | {s['ttft_s']['p99'] * 1e3:.1f} | {s['fast_tier_hit_rate']:.3f} | "
              f"{s['switches']} | {calibrated} |")
