#!/usr/bin/env python3
"""Times the staggered-flows scenario on coesim and on SimGrid, alternating
runs (one fresh process each, so neither side gets warm caches the other
lacks), checks their completion times agree, and prints median, min and max
wall times and the SimGrid / coesim ratio, also per adjacent pair of runs,
which cancels much of a shared machine's slow drifts.

Usage: bench/compare_simgrid.py BUILD_DIR [--runs N] [-- extra args for both]
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile


def run(cmd):
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    fields = {}
    for line in out.splitlines():
        fields.update(re.findall(r"(\w+)=([-+.\w]+)", line))
    return fields


def summary(values):
    return f"median {statistics.median(values):.4f}  min {min(values):.4f}  max {max(values):.4f}"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("build_dir")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("extra", nargs="*")
    args = parser.parse_args()
    coesim = os.path.join(args.build_dir, "bench", "coesim_kernel_bench")
    simgrid = os.path.join(args.build_dir, "bench", "coesim_simgrid_bench")
    times = {"coesim": {"run": [], "total": []}, "simgrid": {"run": [], "total": []}}
    with tempfile.TemporaryDirectory() as tmp:
        dump = os.path.join(tmp, "coesim.txt")
        for _ in range(args.runs):
            c = run([coesim, f"--dump={dump}", *args.extra])
            s = run([simgrid, f"--check={dump}", *args.extra])
            times["coesim"]["run"].append(float(c["run_s"]))
            times["coesim"]["total"].append(float(c["build_s"]) + float(c["run_s"]))
            times["simgrid"]["run"].append(float(s["run_s"]))
            times["simgrid"]["total"].append(float(s["init_s"]) + float(s["build_s"]) + float(s["run_s"]))
    print(f"scenario: flows={c['flows']} links={c['links']} reshares={c['reshares']} "
          f"peak_active={c['peak_active']} mean_active={c['mean_active']} makespan_s={c['makespan_s']}")
    print(f"agreement: max_abs_err_s={s['max_abs_err_s']} max_rel_err={s['max_rel_err']} atol_s={s['atol_s']}")
    for side in ("coesim", "simgrid"):
        print(f"{side:8s} run_s   {summary(times[side]['run'])}")
        print(f"{side:8s} total_s {summary(times[side]['total'])}")
    for kind in ("run", "total"):
        ratio = statistics.median(times["simgrid"][kind]) / statistics.median(times["coesim"][kind])
        pairs = [s / c for s, c in zip(times["simgrid"][kind], times["coesim"][kind])]
        print(f"ratio simgrid/coesim ({kind}): of medians {ratio:.2f}x; per run pair median "
              f"{statistics.median(pairs):.2f}x, min {min(pairs):.2f}x, max {max(pairs):.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
