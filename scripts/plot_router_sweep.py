#!/usr/bin/python3
"""Summarise `coesim route --cross-validate --json` outputs: a Markdown table
of accuracy per prompt set and embedder setting, the entropy-threshold sweep
tables, and a PNG of the Robust-CoE trade-off (share sent to 'general'
against the accuracy of the rest). Usage: plot_router_sweep.py CV_DIR OUT.png"""
import json
import pathlib
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main():
    cv_dir, png = pathlib.Path(sys.argv[1]), sys.argv[2]
    runs = {}
    for f in sorted(cv_dir.glob("*.json")):
        router, setting = f.stem.rsplit("-", 2)[0], "-".join(f.stem.rsplit("-", 2)[1:])
        runs.setdefault(router, {})[setting] = json.loads(f.read_text())

    print("| prompt set | prompts | categories | majority baseline | "
          + " | ".join(next(iter(runs.values())).keys()) + " |")
    print("|---|---|---|---|" + "---|" * len(next(iter(runs.values()))))
    for router, settings in runs.items():
        first = next(iter(settings.values()))
        cells = []
        for r in settings.values():
            folds = r["fold_accuracy"]
            cells.append(f"{r['accuracy']:.3f} ({min(folds):.2f}-{max(folds):.2f})")
        print(f"| {router} | {first['prompts']} | {len(first['categories'])} | "
              f"{first['majority_baseline_accuracy']:.3f} | " + " | ".join(cells) + " |")

    for setting in ("d512-char", "d4096-words"):
        print(f"\nEntropy threshold sweep, embedder {setting} (general share / accuracy of the rest):\n")
        routers = list(runs)
        print("| threshold_bits | " + " | ".join(routers) + " |")
        print("|---|" + "---|" * len(routers))
        for i, point in enumerate(runs[routers[0]][setting]["threshold_sweep"]):
            cells = []
            for router in routers:
                p = runs[router][setting]["threshold_sweep"][i]
                rest = "-" if p["accuracy_of_rest"] is None else f"{p['accuracy_of_rest']:.3f}"
                cells.append(f"{p['general_fraction']:.3f} / {rest}")
            print(f"| {point['entropy_threshold_bits']:.2f} | " + " | ".join(cells) + " |")

    fig, axes = plt.subplots(1, len(runs), figsize=(4.2 * len(runs), 3.8), squeeze=False)
    for ax, (router, settings) in zip(axes[0], runs.items()):
        for setting, style in (("d512-char", "o-"), ("d4096-words", "s--")):
            sweep = settings[setting]["threshold_sweep"]
            xs = [p["general_fraction"] for p in sweep if p["accuracy_of_rest"] is not None]
            ys = [p["accuracy_of_rest"] for p in sweep if p["accuracy_of_rest"] is not None]
            ax.plot(xs, ys, style, label=setting, markersize=4)
        ax.axhline(settings["d512-char"]["majority_baseline_accuracy"], color="grey", lw=0.8, ls=":",
                   label="majority baseline")
        ax.set_title(f"{router} ({settings['d512-char']['prompts']} prompts)")
        ax.set_xlabel("share sent to 'general'")
        ax.set_ylim(0, 1.02)
        ax.grid(alpha=0.3)
    axes[0][0].set_ylabel("held-out accuracy of the rest")
    axes[0][0].legend(fontsize=8, loc="lower right")
    fig.suptitle("k-NN router (k=5, hashed TF-IDF), 5-fold CV: entropy threshold trade-off", fontsize=10)
    fig.tight_layout()
    fig.savefig(png, dpi=120)


if __name__ == "__main__":
    main()
