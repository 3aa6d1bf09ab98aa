#!/usr/bin/env bash
# The same sweep serial, on 2 threads and under `mpirun -n 2` (2 threads per
# rank): the aggregated tables must be the same bytes. Skips (77) without mpirun.
set -euo pipefail
coesim=$1
source_dir=$2
command -v mpirun >/dev/null || exit 77
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cat > "$dir/sweep.yaml" <<YAML
name: mpi-test
experiment: $source_dir/results/samba-coe/sn40l-node.yaml
set: [workload.requests=24]
grid:
  - path: scheduler.batch_size
    values: [1, 2, 4, 8]
  - path: platform.links.ddr_to_hbm.bandwidth_bytes_per_s
    range: {from: 100 GB/s, to: 1.6 TB/s, steps: 3, scale: log}
seeds: [1, 2]
YAML
"$coesim" sweep "$dir/sweep.yaml" --out "$dir/serial" --quiet >/dev/null
"$coesim" sweep "$dir/sweep.yaml" --out "$dir/threads" --jobs 2 --quiet >/dev/null
# Open MPI refuses root unless told; CI containers run as root.
OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1 \
  mpirun -n 2 "$coesim" sweep "$dir/sweep.yaml" --out "$dir/mpi" --jobs 2 --json --quiet > "$dir/mpi.json"
grep -q '"ranks": 2' "$dir/mpi.json" || { echo "FAILED: the MPI run did not see 2 ranks"; cat "$dir/mpi.json"; exit 1; }
for table in sweep.csv sweep.h5; do
  cmp "$dir/serial/$table" "$dir/threads/$table" || { echo "FAILED: $table differs serial vs 2 threads"; exit 1; }
  cmp "$dir/serial/$table" "$dir/mpi/$table" || { echo "FAILED: $table differs serial vs mpirun -n 2"; exit 1; }
done
[ "$(wc -l < "$dir/serial/sweep.csv")" = 25 ] || { echo "FAILED: expected 24 rows"; exit 1; }
# Ranks check the values in shares; a refused one stops every rank with
# exit 2 at its line (the first refused in the file), and nothing is run.
cat > "$dir/bad.yaml" <<YAML
name: mpi-bad
experiment: $source_dir/results/samba-coe/sn40l-node.yaml
grid:
  - path: scheduler.batch_size
    values: [1, 2, 3, -1, 0]
YAML
set +e
OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1 \
  mpirun -n 2 "$coesim" sweep "$dir/bad.yaml" --out "$dir/bad" --quiet > /dev/null 2> "$dir/bad.err"
status=$?
set -e
[ "$status" = 2 ] || { echo "FAILED: a refused value under mpirun gave exit $status, not 2"; cat "$dir/bad.err"; exit 1; }
grep -q "bad.yaml:5:23" "$dir/bad.err" || { echo "FAILED: the error does not name bad.yaml:5:23"; cat "$dir/bad.err"; exit 1; }
[ ! -e "$dir/bad/points" ] || { echo "FAILED: a refused sweep made points"; exit 1; }
echo "sweep.csv and sweep.h5 identical serial, on 2 threads and under mpirun -n 2 (24 points)"
