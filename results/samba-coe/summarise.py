#!/usr/bin/python3
"""Tables for results/samba-coe/README.md from the JSON files `run` writes."""
import json
import pathlib
import sys

out = pathlib.Path(sys.argv[1])
platforms = ["sn40l-node", "sn40l-node-coe-paper", "dgx-h100-paper", "dgx-h100-per-gpu", "dgx-a100-paper",
             "dgx-a100-per-gpu"]


def load(name):
    return json.loads((out / f"{name}.json").read_text())


print("Mean latency per batch (router pass + every prompt's switch, prefill and decode), ms; "
      "speed-up of the SN40L node (measured copy bandwidth) in parentheses:\n")
print("| batch | output tokens | " + " | ".join(platforms) + " |")
print("|---|---|" + "---|" * len(platforms))
for batch in (1, 8):
    for tokens in (20, 200):
        runs = {p: load(f"{p}-b{batch}-o{tokens}") for p in platforms}
        base = runs["sn40l-node"]["summary"]["batch_latency_s"]["mean"]
        cells = []
        for p in platforms:
            v = runs[p]["summary"]["batch_latency_s"]["mean"]
            cells.append(f"{v * 1e3:.1f}" + ("" if p == "sn40l-node" else f" ({v / base:.2f}x)"))
        print(f"| {batch} | {tokens} | " + " | ".join(cells) + " |")

nemo = ["dgx-h100-nemo-paper", "dgx-h100-nemo-per-gpu", "dgx-a100-nemo-paper", "dgx-a100-nemo-per-gpu"]
print("\nThe DGX baselines with NVIDIA's measured NeMo latencies as execution (128 in / 20 out only), ms; "
      "latency over the SN40L node's in parentheses:\n")
print("| batch | output tokens | sn40l-node | " + " | ".join(nemo) + " |")
print("|---|---|---|" + "---|" * len(nemo))
for batch in (1, 8):
    base = load(f"sn40l-node-b{batch}-o20")["summary"]["batch_latency_s"]["mean"]
    cells = []
    for p in nemo:
        v = load(f"{p}-b{batch}-o20")["summary"]["batch_latency_s"]["mean"]
        cells.append(f"{v * 1e3:.1f} ({v / base:.2f}x)")
    print(f"| {batch} | 20 | {base * 1e3:.1f} | " + " | ".join(cells) + " |")

print("\nWhere the time goes, batch 8, 20 output tokens (per prompt, ms):\n")
print("| platform | switch wait | service (prefill + decode) | TPOT | switches | hit rate | experts that fit |")
print("|---|---|---|---|---|---|---|")
for p in platforms + nemo:
    r = load(f"{p}-b8-o20")
    s = r["summary"]
    print(f"| {p} | {s['switch_wait_s']['mean'] * 1e3:.2f} | {s['service_s']['mean'] * 1e3:.2f} | "
          f"{'-' if p in nemo else format(s['tpot_s']['mean'] * 1e3, '.3f')} | {s['switches']} | {s['fast_tier_hit_rate']:.3f} | {r['experts_that_fit']} |")

print("\nExecution alone (Llama-2-7B, 128 in / 20 out, batch 1, TP8, expert resident) against NVIDIA NeMo's "
      "published TensorRT-LLM latency (TP8 BS1):\n")
print("| platform | simulated service, ms | TPOT, ms | published e2e, ms | error |")
print("|---|---|---|---|---|")
published = {"dgx-h100": 97.6, "dgx-a100": 136.5}
for hw in ("sn40l-node", "dgx-h100", "dgx-a100"):
    r = load(f"compute-only-{hw}")
    # requests after the first are warm (no switch)
    svc = r["summary"]["service_s"]["p50"] * 1e3
    tpot = r["summary"]["tpot_s"]["mean"] * 1e3
    pub = published.get(hw)
    err = f"{(svc - pub) / pub * 100:+.0f}%" if pub else "-"
    print(f"| {hw} | {svc:.1f} | {tpot:.3f} | {pub if pub else '-'} | {err} |")
