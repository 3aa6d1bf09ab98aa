#!/usr/bin/python3
"""Tables for results/samba-coe/README.md from the files `run` writes: the
JSON summaries (out/NAME.json) and, for the router pass, the results.h5 of
the 20-token runs (out/NAME/results.h5)."""
import pathlib
import sys

import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "scripts"))
import coesim_results  # noqa: E402

out = pathlib.Path(sys.argv[1])
# Each roofline experiment and its twin with the calibrated runtime profile.
PAIRS = [("sn40l-node", "sn40l-node-sambaflow"), ("sn40l-node-coe-paper", "sn40l-node-coe-paper-sambaflow"),
         ("dgx-h100-paper", "dgx-h100-trtllm-paper"), ("dgx-h100-per-gpu", "dgx-h100-trtllm-per-gpu"),
         ("dgx-a100-paper", "dgx-a100-trtllm-paper"), ("dgx-a100-per-gpu", "dgx-a100-trtllm-per-gpu")]
BASE = PAIRS[0]
NEMO = ["dgx-h100-nemo-paper", "dgx-h100-nemo-per-gpu", "dgx-a100-nemo-paper", "dgx-a100-nemo-per-gpu"]
# The calibrated twin of each NeMo platform (same GPU, same host link).
NEMO_TWIN = {n: n.replace("-nemo-", "-trtllm-") for n in NEMO}


def load(name):
    return coesim_results.load_summary(out / f"{name}.json")


def batch_ms(name):
    return load(name)["summary"]["batch_latency_s"]["mean"] * 1e3


def router_ms(name):
    """Mean router pass per batch, ms: from each batch's start to the time its
    requests were routed (results.h5: batches/start_s, requests/routed_s;
    a request rejected before routing has NaN, left out)."""
    run = coesim_results.load_run(out / name)
    starts = run.batches["start_s"].to_numpy()
    ends = run.batches["end_s"].to_numpy()
    routed = np.sort(run.requests["routed_s"].dropna().to_numpy())
    passes = []
    for start, end in zip(starts, ends):
        first = routed[np.searchsorted(routed, start)]  # the first routing at or after the batch's start
        assert first <= end, (name, start, end, first)
        passes.append(first - start)
    return float(np.mean(passes)) * 1e3


print("Mean latency per batch (router pass + every prompt's switch, prefill and decode), ms. Each platform with "
      "its roofline (the platform's compute section, as before) and with its calibrated runtime profile "
      "(`hw-configs/calibrated/`: sambaflow-sn40l on the SN40L, trtllm-h100 / trtllm-a100 on the DGX); "
      "the ratio is the platform's latency over the SN40L node's under the same execution model "
      "(roofline over roofline, calibrated over calibrated), a speed-up of the SN40L node when above 1:\n")
print("| batch | output tokens | platform | roofline, ms | / sn40l-node | calibrated, ms | / sn40l-node-sambaflow |")
print("|---|---|---|---|---|---|---|")
for batch in (1, 8):
    for tokens in (20, 200):
        base_r, base_c = (batch_ms(f"{p}-b{batch}-o{tokens}") for p in BASE)
        for roof, cal in PAIRS:
            r = batch_ms(f"{roof}-b{batch}-o{tokens}")
            c = batch_ms(f"{cal}-b{batch}-o{tokens}")
            print(f"| {batch} | {tokens} | {roof} | {r:.1f} | {r / base_r:.2f}x | {c:.1f} | {c / base_c:.2f}x |")

print("\nSN40L-vs-DGX ratio, roofline -> calibrated (the DGX's batch latency over the SN40L node's, the same "
      "execution model on both sides):\n")
print("| batch | output tokens | " + " | ".join(roof for roof, _ in PAIRS[2:]) + " |")
print("|---|---|" + "---|" * len(PAIRS[2:]))
for batch in (1, 8):
    for tokens in (20, 200):
        base_r, base_c = (batch_ms(f"{p}-b{batch}-o{tokens}") for p in BASE)
        cells = [f"{batch_ms(f'{roof}-b{batch}-o{tokens}') / base_r:.2f}x -> "
                 f"{batch_ms(f'{cal}-b{batch}-o{tokens}') / base_c:.2f}x" for roof, cal in PAIRS[2:]]
        print(f"| {batch} | {tokens} | " + " | ".join(cells) + " |")

print("\nThe DGX baselines with NVIDIA's measured NeMo latencies as execution (128 in / 20 out only), ms, over the "
      "SN40L node's with either execution model; beside them the same DGX with the calibrated TensorRT-LLM "
      "profile instead of the measured table:\n")
print("| batch | platform | NeMo table, ms | / sn40l-node (roofline) | / sn40l-node-sambaflow (calibrated) | "
      "calibrated twin | calibrated twin, ms | twin / NeMo |")
print("|---|---|---|---|---|---|---|---|")
for batch in (1, 8):
    base_r, base_c = (batch_ms(f"{p}-b{batch}-o20") for p in BASE)
    for p in NEMO:
        v = batch_ms(f"{p}-b{batch}-o20")
        t = batch_ms(f"{NEMO_TWIN[p]}-b{batch}-o20")
        print(f"| {batch} | {p} | {v:.1f} | {v / base_r:.2f}x | {v / base_c:.2f}x | {NEMO_TWIN[p]} | {t:.1f} | "
              f"{t / v:.2f} |")

print("\nRouter pass per batch (e5-mistral-7b-instruct prefill over the batch's 128-token prompts, resident in "
      "HBM), ms, from results.h5 (each batch's start to its requests' `routed_s`). The k-NN lookup over the "
      "labelled bank is not charged by the simulator. On the NeMo platforms the router runs on the roofline "
      "(the measured table covers Llama-2-7B only):\n")
print("| platform | batch 1, roofline | batch 1, calibrated | batch 8, roofline | batch 8, calibrated |")
print("|---|---|---|---|---|")
for roof, cal in PAIRS:
    cells = [f"{router_ms(f'{p}-b{b}-o20'):.2f}" for b in (1, 8) for p in (roof, cal)]
    print(f"| {roof} | " + " | ".join(cells) + " |")
for p in NEMO:
    print(f"| {p} | {router_ms(f'{p}-b1-o20'):.2f} | - | {router_ms(f'{p}-b8-o20'):.2f} | - |")

print("\nWhere the time goes, batch 8, 20 output tokens: the router pass per batch of 8, then per prompt, ms "
      "(a batch's latency is its router pass plus 8 x (switch wait + service)):\n")
print("| platform | execution | router pass per batch | switch wait | service (prefill + decode) | TPOT | switches | "
      "hit rate | experts that fit |")
print("|---|---|---|---|---|---|---|---|---|")
rows = [(roof, "roofline") for roof, _ in PAIRS] + [(cal, "calibrated") for _, cal in PAIRS] + \
       [(p, "NeMo table") for p in NEMO]
for p, execution in rows:
    r = load(f"{p}-b8-o20")
    s = r["summary"]
    tpot = "-" if p in NEMO else format(s["tpot_s"]["mean"] * 1e3, ".3f")
    print(f"| {p} | {execution} | {router_ms(f'{p}-b8-o20'):.2f} | {s['switch_wait_s']['mean'] * 1e3:.2f} | "
          f"{s['service_s']['mean'] * 1e3:.2f} | {tpot} | {s['switches']} | {s['fast_tier_hit_rate']:.3f} | "
          f"{r['experts_that_fit']} |")

print("\nExecution alone (Llama-2-7B, 128 in / 20 out, batch 1, TP8, expert resident) against NVIDIA NeMo's "
      "published TensorRT-LLM latency (TP8 BS1), with the roofline and with the calibrated runtime profile. "
      "The profiles were fitted to LLM-Inference-Bench runs of other models; these NeMo figures were not used:\n")
print("| platform | execution | simulated service, ms | TPOT, ms | published e2e, ms | error |")
print("|---|---|---|---|---|---|")
published = {"dgx-h100": 97.6, "dgx-a100": 136.5, "dgx-h100-trtllm": 97.6, "dgx-a100-trtllm": 136.5}
for hw, execution in (("sn40l-node", "roofline"), ("dgx-h100", "roofline"), ("dgx-a100", "roofline"),
                      ("sn40l-node-sambaflow", "calibrated"), ("dgx-h100-trtllm", "calibrated"),
                      ("dgx-a100-trtllm", "calibrated")):
    r = load(f"compute-only-{hw}")
    # requests after the first are warm (no switch)
    svc = r["summary"]["service_s"]["p50"] * 1e3
    tpot = r["summary"]["tpot_s"]["mean"] * 1e3
    pub = published.get(hw)
    err = f"{(svc - pub) / pub * 100:+.0f}%" if pub else "-"
    print(f"| {hw} | {execution} | {svc:.1f} | {tpot:.3f} | {pub if pub else '-'} | {err} |")
