#!/usr/bin/env python3
"""The main job of coesim in one table: the real Azure LLM conversation trace
(16,628 requests, 2023), each request given a real Arena-Hard prompt that the
real CoE router classifies onto one of 150 Llama-2-7B experts, replayed on an
SN40L node, a DGX H100 (each GPU copying over its own PCIe link, and the CoE
paper's one 64 GB/s host link) and a GH200, every platform with the runtime
profile calibrated for its software stack. Prints the comparison and writes a
TTFT CDF (PNG). Usage: scripts/demo_replay.py OUT_DIR (after the build)."""
import json
import math
import os
import subprocess
import sys

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import yaml  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
COESIM = os.path.join(ROOT, "build", "coesim")
EXPERIMENT = "results/trace-replay/experiment-150.yaml"

# (label, platform file, host-link mode or None, runtime profile the platform names)
PLATFORMS = [
    ("SN40L node", "hw-configs/calibrated/sn40l-node-sambaflow.yaml", None, "hw-configs/profiles/sambaflow-sn40l.yaml"),
    ("DGX H100, per-GPU PCIe", "hw-configs/calibrated/dgx-h100-trtllm.yaml", "per-gpu", "hw-configs/profiles/trtllm-h100.yaml"),
    ("DGX H100, paper's 64 GB/s link", "hw-configs/calibrated/dgx-h100-trtllm.yaml", "paper", "hw-configs/profiles/trtllm-h100.yaml"),
    ("GH200", "hw-configs/calibrated/gh200-trtllm.yaml", None, "hw-configs/profiles/trtllm-gh200.yaml"),
]


def coesim(*args):
    r = subprocess.run([COESIM, *args], cwd=ROOT, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"coesim {' '.join(args)} failed ({r.returncode}):\n{r.stderr}")
    return r.stdout


def main():
    out = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "/tmp/coesim-demo")
    os.makedirs(out, exist_ok=True)
    trace = os.path.join(out, "azure-conv-window-a.h5")
    coesim("trace", "convert", "workloads/traces/azure-llm-2023-conv-window-a.csv", "--format", "azure", "--out", trace)
    rows = []
    plt.figure(figsize=(7, 4.2))
    for label, platform, mode, profile_file in PLATFORMS:
        run_dir = os.path.join(out, label.split(",")[0].replace(" ", "-").lower() + (f"-{mode}" if mode else ""))
        args = ["run", EXPERIMENT, "--set", f"platform={platform}", "--set", f"workload.trace={trace}",
                "--out", run_dir, "--json", "--quiet"]
        if mode:
            args += ["--set", f"host_link_mode={mode}"]
        j = json.loads(coesim(*args))
        with open(os.path.join(ROOT, profile_file)) as f:
            profile = yaml.safe_load(f)
        fit = profile.get("fit", {})
        overloaded = any("overloaded" in n for n in j["notes"])
        rows.append((label, profile["name"], fit.get("lomo_mean_abs_relative_error"), j["summary"], overloaded))
        with h5py.File(os.path.join(run_dir, "results.h5")) as h:
            arrival = h["requests/arrival_s"][:]
            first = h["requests/prefill_end_s"][:]
        ttft = sorted(f - a for a, f in zip(arrival, first) if math.isfinite(f) and f >= a)
        plt.plot([1e3 * t for t in ttft], [(i + 1) / len(ttft) for i in range(len(ttft))], label=label)
    plt.xscale("log")
    plt.xlabel("time to first token (ms)")
    plt.ylabel("fraction of served requests")
    plt.title("Azure conversation trace, 150 routed Llama-2-7B experts")
    plt.grid(alpha=0.3)
    plt.legend(fontsize=8)
    png = os.path.join(out, "ttft-cdf.png")
    plt.tight_layout()
    plt.savefig(png, dpi=120)

    print()
    print("Azure LLM conversation trace (16,628 requests over 47 min), real Arena-Hard prompts routed by the CoE")
    print("router onto 150 Llama-2-7B experts; each platform with the runtime profile calibrated for its stack.")
    print("Validation error: the profile's leave-one-model-out error on measured runs (results/VALIDATION.md).")
    print()
    head = ("platform", "execution (validation error)", "TTFT p50/p99 ms", "TPOT p50/p99 ms", "e2e mean s",
            "switches", "hit rate", "rejected", "keeps up")
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for label, name, err, s, overloaded in rows:
        execution = f"{name} ({100 * err:.1f}%)" if err is not None else name
        print(f"| {label} | {execution} | {1e3 * s['ttft_s']['p50']:.0f} / {1e3 * s['ttft_s']['p99']:.0f} | "
              f"{1e3 * s['tpot_s']['p50']:.2f} / {1e3 * s['tpot_s']['p99']:.2f} | {s['e2e_s']['mean']:.2f} | "
              f"{s['switches']} | {s['fast_tier_hit_rate']:.3f} | {s['rejected']} | "
              f"{'no: overloaded' if overloaded else 'yes'} |")
    print()
    print("Rejected: requests longer than Llama-2-7B's 4,096-token context (context_too_long). 'Keeps up': no when")
    print("requests wait over a minute on average or the backlog outlasts the arrivals by over a minute and a tenth")
    print("of their span (the run's overload warning; the GH200 holds 4 of the 150 experts in its 96 GB of HBM).")
    print(f"TTFT CDF: {png}")
    print(f"Each run's summary.json and results.h5 (with provenance) are in {out}/.")


if __name__ == "__main__":
    main()
