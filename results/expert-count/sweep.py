#!/usr/bin/python3
"""Runs experiment.yaml over N experts x popularity x platform, each platform
with its roofline and with its calibrated runtime profile (hw-configs/calibrated/),
writes sweep.json, a Markdown table (table.md) and the plot (latency-vs-experts.png)."""
import json
import pathlib
import subprocess

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

HERE = pathlib.Path("results/expert-count")
COUNTS = [1, 2, 5, 10, 20, 25, 30, 35, 40, 45, 50, 75, 100, 200, 500, 1000]
PLATFORMS = [("sn40l-node", None), ("dgx-h100", "per-gpu"), ("dgx-h100", "paper"), ("dgx-a100", "per-gpu"),
             ("gh200", None)]
POPULARITY = [("uniform", "uniform"), ("zipf", "zipf 1.0")]
# The same platform with its calibrated runtime profile: sambaflow on the
# SN40L, TensorRT-LLM on the GPUs.
CALIBRATED = {"sn40l-node": "calibrated/sn40l-node-sambaflow", "dgx-h100": "calibrated/dgx-h100-trtllm",
              "dgx-a100": "calibrated/dgx-a100-trtllm", "gh200": "calibrated/gh200-trtllm"}


def run(platform, mode, n, popularity):
    requests = max(2000, 10 * n)  # every expert used ~10 times: the cold start is a small share
    args = ["build/coesim", "run", str(HERE / "experiment.yaml"), "--json",
            "--set", f"platform=hw-configs/{platform}.yaml", "--set", f"experts.count={n}",
            "--set", f"workload.requests={requests}", "--set", f"workload.popularity={popularity}"]
    if mode:
        args += ["--set", f"host_link_mode={mode}"]
    r = json.loads(subprocess.run(args, check=True, capture_output=True, text=True).stdout)
    s = r["summary"]
    return {"platform": platform, "mode": mode, "experts": n, "popularity": popularity, "requests": requests,
            "latency_s": s["switch_wait_s"]["mean"] + s["service_s"]["mean"], "hit_rate": s["fast_tier_hit_rate"],
            "switch_wait_s": s["switch_wait_s"]["mean"], "service_s": s["service_s"]["mean"],
            "experts_that_fit": r["experts_that_fit"], "rejected": s["rejected"]}


def label(platform, mode):
    return platform + (f" ({mode})" if mode else "")


def find(rows, platform, mode, n, pop):
    return next(x for x in rows if (x["platform"], x["mode"], x["experts"], x["popularity"]) == (platform, mode, n, pop))


def main():
    rows = [run(p, m, n, pop) for p, m in PLATFORMS for pop, _ in POPULARITY for n in COUNTS]
    rows += [run(CALIBRATED[p], m, n, pop) for p, m in PLATFORMS for pop, _ in POPULARITY for n in COUNTS]
    (HERE / "sweep.json").write_text(json.dumps(rows, indent=1) + "\n")
    with open(HERE / "table.md", "w") as t:
        for pop, pop_label in POPULARITY:
            t.write(f"\nMean latency per request (switch wait + execution), ms, {pop_label} popularity; "
                    "hit rate in parentheses:\n\n")
            t.write("| experts | " + " | ".join(label(p, m) for p, m in PLATFORMS) + " |\n")
            t.write("|---|" + "---|" * len(PLATFORMS) + "\n")
            for n in COUNTS:
                cells = []
                for p, m in PLATFORMS:
                    r = find(rows, p, m, n, pop)
                    cells.append(f"{r['latency_s'] * 1e3:.1f} ({r['hit_rate']:.2f})")
                t.write(f"| {n} | " + " | ".join(cells) + " |\n")
        t.write("\nExperts that fit in the fast tier beside the router: " + ", ".join(
            f"{label(p, m)} {next(x for x in rows if x['platform'] == p)['experts_that_fit']}" for p, m in PLATFORMS) + "\n")
        t.write("\nWith the calibrated runtime profile (the stack's KV memory setting may hold part of the fast tier "
                "back): " + ", ".join(
                    f"{CALIBRATED[p].split('/')[-1]} {next(x for x in rows if x['platform'] == CALIBRATED[p])['experts_that_fit']}"
                    for p in dict.fromkeys(p for p, _ in PLATFORMS)) + "\n")
        for pop, pop_label in POPULARITY:
            t.write(f"\nRoofline and calibrated runtime profile side by side ({pop_label} popularity): mean latency "
                    "per request, ms, roofline / calibrated, the calibrated run's hit rate in parentheses, and the "
                    "calibrated figure over the SN40L node's calibrated one (sn40l-node-sambaflow) in brackets:\n\n")
            t.write("| experts | " + " | ".join(f"{label(p, m)} / {CALIBRATED[p].split('/')[-1]}"
                                               for p, m in PLATFORMS) + " |\n")
            t.write("|---|" + "---|" * len(PLATFORMS) + "\n")
            for n in COUNTS:
                base = find(rows, CALIBRATED["sn40l-node"], None, n, pop)["latency_s"]
                cells = []
                for p, m in PLATFORMS:
                    r, c = find(rows, p, m, n, pop), find(rows, CALIBRATED[p], m, n, pop)
                    cells.append(f"{r['latency_s'] * 1e3:.1f} / {c['latency_s'] * 1e3:.1f} ({c['hit_rate']:.2f}) "
                                 f"[{c['latency_s'] / base:.2f}x]")
                t.write(f"| {n} | " + " | ".join(cells) + " |\n")

    fig, axes = plt.subplots(1, 2, figsize=(11, 5.2), sharey=True)
    for ax, (pop, pop_label) in zip(axes, POPULARITY):
        for p, m in PLATFORMS:
            pts = [x for x in rows if (x["platform"], x["mode"], x["popularity"]) == (p, m, pop)]
            line, = ax.plot([x["experts"] for x in pts], [x["latency_s"] * 1e3 for x in pts], "o-", ms=3,
                            label=label(p, m))
            ax.axvline(pts[0]["experts_that_fit"], color=line.get_color(), ls=":", lw=0.8)
            cal = [x for x in rows if (x["platform"], x["mode"], x["popularity"]) == (CALIBRATED[p], m, pop)]
            ax.plot([x["experts"] for x in cal], [x["latency_s"] * 1e3 for x in cal], "s--", ms=2.5, lw=1,
                    color=line.get_color(), label=label(CALIBRATED[p].split("/")[-1], m))
            if cal[0]["experts_that_fit"] != pts[0]["experts_that_fit"]:
                ax.axvline(cal[0]["experts_that_fit"], color=line.get_color(), ls="-.", lw=0.8)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("number of Llama-3.1-8B experts")
        ax.set_title(f"{pop_label} popularity, LRU, 128 in / 20 out")
        ax.grid(alpha=0.3, which="both")
    axes[0].set_ylabel("mean latency per request (switch wait + execution), ms")
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=5, fontsize=7)
    fig.suptitle("Where the fast tier stops holding every expert (solid: roofline; dashed: calibrated runtime "
                 "profile; dotted / dash-dotted: experts that fit, roofline / calibrated where it differs)", fontsize=9)
    fig.tight_layout(rect=(0, 0.1, 1, 1))
    fig.savefig(HERE / "latency-vs-experts.png", dpi=120)


if __name__ == "__main__":
    main()
