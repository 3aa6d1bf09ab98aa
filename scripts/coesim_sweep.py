"""Load a sweep's aggregated table (DIR/sweep.csv) into pandas, for plots:
its points that ran, the swept parameters and the metrics, with replicates
(the same parameters, another `seed`) averaged.

    import sys; sys.path.insert(0, "scripts")
    import coesim_sweep
    sweep = coesim_sweep.load("/tmp/sweep")        # DIR or DIR/sweep.csv
    sweep.points                                   # one row per point with status ok
    sweep.parameters                               # ["platform", "workload.rate_per_s", "seed"]
    sweep.failed                                   # points skipped: status failed
    sweep.mean_over_seeds("ttft_p99_s")            # one row per parameter set: mean, min, max, n

sweep.csv: one row per point; `point`, `point_id`, `status` (ok | failed),
`error`, then a column per swept parameter named by its --set path (a
number in base SI units, or text), then the metric columns (`requests` ...
`trace_hash`). Errors are SweepError, naming the file and the column.
"""
from __future__ import annotations

import dataclasses
import json
import pathlib

import numpy as np
import pandas as pd

FIXED_COLUMNS = ["point", "point_id", "status", "error"]
METRICS = [
    "requests", "finished", "rejected", "makespan_s", "output_tokens_per_s",
    "ttft_mean_s", "ttft_p50_s", "ttft_p90_s", "ttft_p99_s", "tpot_mean_s", "tpot_p50_s", "tpot_p99_s",
    "e2e_mean_s", "e2e_p99_s", "queueing_mean_s", "switch_wait_mean_s", "switches", "evictions",
    "fast_tier_hit_rate", "bytes_moved", "preemptions", "peak_fast_tier_used_bytes_per_device", "events",
    "trace_hash",
]
TEXT_COLUMNS = {"point_id": str, "status": str, "error": str, "trace_hash": str}
SEED = "seed"


class SweepError(Exception):
    """A sweep table that cannot be read, or a column it lacks."""


@dataclasses.dataclass
class Sweep:
    csv: pathlib.Path
    points: pd.DataFrame  # the rows whose status is ok
    parameters: list[str]  # swept settings, in the file's order (seed included when swept)
    metrics: list[str]
    failed: int  # rows with status failed, left out of `points`

    @property
    def directory(self) -> pathlib.Path:
        return self.csv.parent

    def column(self, name: str, numeric: bool = False) -> pd.Series:
        """A column of the points; SweepError naming the file when it has none
        (or, with `numeric`, when it holds text)."""
        if name not in self.points.columns:
            raise SweepError(f"{self.csv}: no column '{name}' (parameters: {', '.join(self.parameters) or 'none'}; "
                             f"metrics: {', '.join(self.metrics)})")
        values = self.points[name]
        if numeric and not pd.api.types.is_numeric_dtype(values):
            raise SweepError(f"{self.csv}: column '{name}' holds text, not numbers")
        return values

    def varying(self, exclude=()) -> list[str]:
        """Parameters other than `exclude` and the seed that take more than
        one value, leaving out those the excluded ones determine (a zip axis
        moving with a shown one: one value for each value of the shown)."""
        shown = [p for p in exclude if p]
        out = []
        for p in self.parameters:
            if p in shown or p == SEED or self.points[p].nunique(dropna=False) <= 1:
                continue
            if shown and (self.points.groupby(shown, dropna=False)[p].nunique(dropna=False) <= 1).all():
                continue
            out.append(p)
        return out

    def where(self, name: str, value: str) -> "Sweep":
        """The points whose parameter `name` is `value` (a number in base SI
        units for a numeric parameter)."""
        column = self.column(name)
        if pd.api.types.is_numeric_dtype(column):
            try:
                wanted = float(value)
            except ValueError:
                raise SweepError(f"{self.csv}: column '{name}' holds numbers; '{value}' is not one") from None
            keep = np.isclose(column.astype(float), wanted, rtol=1e-9, atol=0)
        else:
            keep = column.astype(str) == value
        if not keep.any():
            raise SweepError(f"{self.csv}: no point has {name}={value} (values: "
                             f"{', '.join(str(v) for v in column.unique())})")
        return dataclasses.replace(self, points=self.points[keep])

    def mean_over_seeds(self, metric: str, by=None) -> pd.DataFrame:
        """One row per set of parameters `by` (default: every parameter but
        the seed): the metric's mean, min and max over the rows that share it
        (replicates), and their number n."""
        values = self.column(metric, numeric=True)
        keys = [p for p in (self.parameters if by is None else by) if p != SEED]
        frame = self.points[keys].copy()
        frame["value"] = values.astype(float)
        if not keys:
            return pd.DataFrame({"mean": [frame["value"].mean()], "min": [frame["value"].min()],
                                 "max": [frame["value"].max()], "n": [len(frame)]})
        grouped = frame.groupby(keys, sort=False, dropna=False)["value"]
        return grouped.agg(["mean", "min", "max", "count"]).rename(columns={"count": "n"}).reset_index()

    def experiment(self) -> str | None:
        """The experiment's name, from the first point's summary.json
        (DIR/points/<point_id>/summary.json), when the sweep has one."""
        for point_id in self.points["point_id"]:
            summary = self.directory / "points" / str(point_id) / "summary.json"
            if summary.is_file():
                try:
                    return json.loads(summary.read_text()).get("experiment")
                except (OSError, ValueError):
                    return None
        return None


def load(path) -> Sweep:
    """The sweep in directory `path` (its sweep.csv), or the CSV file itself."""
    path = pathlib.Path(path)
    csv = path / "sweep.csv" if path.is_dir() else path
    if not csv.is_file():
        raise SweepError(f"{csv}: no such file (a sweep directory holds sweep.csv)")
    try:
        table = pd.read_csv(csv, dtype=TEXT_COLUMNS, keep_default_na=False, na_values=[""])
    except (OSError, ValueError, pd.errors.ParserError) as e:
        raise SweepError(f"{csv}: cannot read it as CSV: {e}") from None
    columns = list(table.columns)
    missing = [c for c in FIXED_COLUMNS if c not in columns]
    if missing:
        raise SweepError(f"{csv}: no column {', '.join(repr(c) for c in missing)}: not a sweep.csv "
                         f"(its columns start {', '.join(FIXED_COLUMNS)})")
    after_error = columns[columns.index("error") + 1:]
    first_metric = next((i for i, c in enumerate(after_error) if c in METRICS), len(after_error))
    parameters = after_error[:first_metric]
    metrics = after_error[first_metric:]
    statuses = set(table["status"].dropna())
    if not statuses <= {"ok", "failed"}:
        raise SweepError(f"{csv}: column 'status': expected ok or failed, found "
                         f"{', '.join(sorted(statuses - {'ok', 'failed'}))}")
    ok = table["status"] == "ok"
    return Sweep(csv=csv, points=table[ok].reset_index(drop=True), parameters=parameters, metrics=metrics,
                 failed=int((~ok).sum()))
