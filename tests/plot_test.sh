#!/usr/bin/env bash
# ctest Plot.RunAndSweep: scripts/plot draws a short real run (`plot run`)
# and the synthetic sweep table tests/data/sweep-synthetic/sweep.csv
# (`plot sweep`, `heatmap`, `pareto`), each a non-empty PNG and PDF; failed
# points are skipped and counted, replicates averaged, the Pareto front
# found, and a column the table lacks exits 2 naming the file and the
# column. Skips (77) where /usr/bin/python3 lacks matplotlib, h5py, numpy or
# pandas. Usage: plot_test.sh COESIM_BINARY SOURCE_DIR
set -uo pipefail
coesim=$1
cd "$2" || exit 1
python=/usr/bin/python3
if ! missing=$("$python" -c 'import matplotlib, h5py, numpy, pandas' 2>&1); then
  echo "SKIPPED: $python cannot draw plots: ${missing##*$'\n'}"
  exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { echo "FAILED: $*"; failures=$((failures + 1)); }
expect_figure() {  # PREFIX: PREFIX.png and PREFIX.pdf written, non-empty, of their formats
  [ -s "$1.png" ] && [ "$(head -c 4 "$1.png" | tail -c 3)" = PNG ] || fail "$1.png: no PNG"
  [ -s "$1.pdf" ] && [ "$(head -c 4 "$1.pdf")" = %PDF ] || fail "$1.pdf: no PDF"
}
expect_output() {  # NAME PATTERN TEXT
  grep -qF -- "$2" <<<"$3" || fail "$1: expected '$2' in: $3"
}

"$coesim" run results/samba-coe/sn40l-node.yaml --set workload.requests=40 --out "$tmp/run" --quiet >/dev/null ||
  fail "coesim run"
out=$(scripts/plot run "$tmp/run" --out "$tmp/run-figure" 2>&1) || fail "plot run: $out"
expect_figure "$tmp/run-figure"

sweep=tests/data/sweep-synthetic
out=$(scripts/plot sweep "$sweep" --x workload.rate_per_s --y ttft_p99_s --by platform --logy --out "$tmp/sweep" 2>&1) ||
  fail "plot sweep: $out"
expect_figure "$tmp/sweep"
expect_output "plot sweep" "skipped 1 failed point of 13" "$out"
out=$(scripts/plot heatmap "$sweep" --x workload.rate_per_s --y platform --z e2e_mean_s --out "$tmp/heatmap" 2>&1) ||
  fail "plot heatmap: $out"
expect_figure "$tmp/heatmap"
# Lower TTFT and higher throughput: the SN40L node at each of the three rates; the DGX points are dominated.
out=$(scripts/plot pareto "$sweep" --x ttft_p99_s --y output_tokens_per_s --maximize-y --out "$tmp/pareto" 2>&1) ||
  fail "plot pareto: $out"
expect_figure "$tmp/pareto"
expect_output "plot pareto" "3 of 6 points" "$out"
expect_output "plot pareto" "platform=sn40l-node, workload.rate_per_s=4" "$out"

# Replicates (the same parameters, another seed) are averaged, failed points left out.
out=$(PYTHONPATH=scripts "$python" - "$sweep" <<'EOF' 2>&1
import sys
import coesim_sweep
s = coesim_sweep.load(sys.argv[1])
assert s.parameters == ["platform", "workload.rate_per_s", "seed"], s.parameters
assert s.failed == 1 and len(s.points) == 12, (s.failed, len(s.points))
agg = s.mean_over_seeds("ttft_p99_s")
row = agg[(agg["platform"] == "dgx-h100") & (agg["workload.rate_per_s"] == 4)].iloc[0]
assert row["n"] == 2 and abs(row["mean"] - (1.72138 + 1.6878) / 2) < 1e-9, row
assert row["min"] == 1.6878 and row["max"] == 1.72138, row
EOF
) || fail "coesim_sweep averages: $out"

out=$(scripts/plot sweep "$sweep" --x workload.rate_per_s --y no_such_metric --out "$tmp/bad" 2>&1)
[ $? -eq 2 ] || fail "an unknown column should exit 2"
expect_output "unknown column" "$sweep/sweep.csv: no column 'no_such_metric'" "$out"
out=$(scripts/plot run "$tmp/no-such-run" --out "$tmp/bad" 2>&1)
[ $? -eq 2 ] || fail "a missing run should exit 2"
expect_output "missing run" "$tmp/no-such-run/results.h5" "$out"
[ ! -e "$tmp/bad.png" ] || fail "a failed plot left $tmp/bad.png"

[ "$failures" -eq 0 ] || { echo "FAILED: $failures check(s)"; exit 1; }
echo "OK: run, sweep, heatmap and pareto figures written"
