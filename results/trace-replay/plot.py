#!/usr/bin/python3
"""Table and plots for results/trace-replay from each run's results.h5 (tables and summary)."""
import pathlib
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "scripts"))
import coesim_results  # noqa: E402

out = pathlib.Path(sys.argv[1])
here = pathlib.Path("results/trace-replay")
runs = [("150", "sn40l-node"), ("150", "dgx-h100"), ("coe5", "sn40l-node"), ("coe5", "dgx-h100")]

print("| experts | platform | requests | finished | rejected | TTFT p50 / p99, ms | TPOT p50, ms | e2e mean, s | switches | hit rate | experts used |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4))
for case, platform in runs:
    run = coesim_results.load_run(out / f"{case}-{platform}")
    m = run.summary["summary"]
    finished = run.requests[run.requests["outcome"] == coesim_results.FINISHED]
    ttft = (finished["prefill_end_s"] - finished["arrival_s"]).to_numpy()
    used = run.requests["expert"].nunique()
    sw = np.sort(run.switches["start_s"].to_numpy())
    print(f"| {'150 x Llama-2-7B' if case == '150' else 'CoE five (MILP, 100 B)'} | {platform} | {m['requests']} | "
          f"{m['finished']} | {m['rejected']} | {m['ttft_s']['p50'] * 1e3:.0f} / {m['ttft_s']['p99'] * 1e3:.0f} | "
          f"{m['tpot_s']['p50'] * 1e3:.2f} | {m['e2e_s']['mean']:.2f} | {m['switches']} | {m['fast_tier_hit_rate']:.3f} | {used} |")
    label = f"{'150 experts' if case == '150' else 'CoE five'}, {platform}"
    ax1.plot(np.sort(ttft), np.linspace(0, 1, len(ttft), endpoint=False), label=label)
    ax2.plot(sw / 60, np.arange(1, len(sw) + 1), label=label)
ax1.set_xscale("log")
ax1.set_xlabel("TTFT, s")
ax1.set_ylabel("share of finished requests")
ax1.set_title("TTFT CDF")
ax1.grid(alpha=0.3, which="both")
ax1.legend(fontsize=8)
ax2.set_xlabel("minutes into the trace")
ax2.set_ylabel("expert switches so far")
ax2.set_title("Switches over time")
ax2.grid(alpha=0.3)
fig.suptitle("Azure conversation trace (16,628 requests) with Arena-Hard prompts routed onto experts", fontsize=10)
fig.tight_layout()
fig.savefig(here / "ttft-and-switches.png", dpi=120)
