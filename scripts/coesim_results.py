"""Load what `coesim run ... --out DIR` wrote (DIR/results.h5, DIR/summary.json)
into pandas DataFrames, for plots and analysis.

    import sys; sys.path.insert(0, "scripts")
    import coesim_results
    run = coesim_results.load_run("/tmp/run1")
    run.requests                                    # one row per request
    run.units("requests")["prefill_end_s"]          # "s"
    run.descriptions("requests")["prefill_end_s"]   # what the column holds
    run.summary["summary"]["ttft_s"]["p50"]         # the JSON summary coesim printed
    run.provenance["command_line"]
    sweep = coesim_results.load_sweep(["/tmp/run1", "/tmp/run2"])  # one row per run

Every column's unit and description come from the file's own `unit` and
`description` attributes (kept in each DataFrame's `attrs`), so nothing
here repeats them. Times are seconds from the start of the run; a time that
never came (a rejected request's prefill, a request that never waited for a
switch) is NaN, which pandas' means and quantiles skip.

Needs Python 3 with h5py, numpy and pandas (Debian: python3-h5py,
python3-numpy, python3-pandas; scripts/setup installs them).
"""
from __future__ import annotations

import dataclasses
import json
import pathlib

import h5py
import numpy as np
import pandas as pd

# requests/outcome
FINISHED = 1
REJECTED = 2

# The row tables of results.h5: the name a Run gives each, and its group.
TABLES = {
    "requests": "requests",
    "tokens": "tokens",
    "batches": "batches",
    "switches": "switches",
    "kv_swaps": "kv_swaps",
    "occupancy": "timeseries/fast_tier",
    "resources": "resources",
    "experts": "experts",
}


@dataclasses.dataclass
class Run:
    """One run's tables and summary. Each table is a DataFrame whose
    attrs["units"] and attrs["descriptions"] map its columns to the file's
    attributes; `tokens` is None unless the run recorded token times."""

    path: pathlib.Path
    summary: dict  # what `coesim run --json` printed, less wall_s: figures under "summary", notes, provenance
    requests: pd.DataFrame
    tokens: pd.DataFrame | None
    batches: pd.DataFrame
    switches: pd.DataFrame
    kv_swaps: pd.DataFrame
    occupancy: pd.DataFrame  # the fast tier's use per device after each change, per engine
    resources: pd.DataFrame  # every tier and link: name, bandwidth_bytes_per_s
    experts: pd.DataFrame
    # Utilisation of each resource (a column, by name) in each time bucket
    # (a row, indexed by its start in s); bucket length in attrs["bucket_s"].
    link_utilisation: pd.DataFrame

    @property
    def provenance(self) -> dict:
        """coesim version, command line, resolved experiment and platform, input sha256s."""
        return self.summary.get("provenance", {})

    def units(self, table: str) -> dict[str, str]:
        return getattr(self, table).attrs["units"]

    def descriptions(self, table: str) -> dict[str, str]:
        return getattr(self, table).attrs["descriptions"]


def _text(value) -> str:
    return value.decode() if isinstance(value, (bytes, np.bytes_)) else str(value)


def _column(dataset: h5py.Dataset) -> np.ndarray:
    if h5py.check_string_dtype(dataset.dtype) is not None:
        return np.asarray(dataset.asstr()[:], dtype=object)
    return dataset[:]


def _table(group: h5py.Group) -> pd.DataFrame:
    """A group of equal-length 1-D columns as a DataFrame, in the file's column order."""
    columns = {name: _column(ds) for name, ds in group.items()}
    frame = pd.DataFrame(columns)
    frame.attrs["units"] = {name: _text(ds.attrs.get("unit", "")) for name, ds in group.items()}
    frame.attrs["descriptions"] = {name: _text(ds.attrs.get("description", "")) for name, ds in group.items()}
    return frame


def _link_utilisation(f: h5py.File, resources: pd.DataFrame) -> pd.DataFrame:
    ds = f["timeseries/link_utilisation"]
    bucket_s = float(ds.attrs["bucket_s"])
    values = ds[:]  # [resource, bucket]
    frame = pd.DataFrame(values.T, columns=list(resources["name"]),
                         index=pd.Index(np.arange(values.shape[1]) * bucket_s, name="bucket_start_s"))
    frame.attrs["bucket_s"] = bucket_s
    frame.attrs["units"] = {name: _text(ds.attrs["unit"]) for name in frame.columns}
    frame.attrs["descriptions"] = {name: _text(ds.attrs["description"]) for name in frame.columns}
    return frame


def load_run(directory) -> Run:
    """The run `coesim run ... --out DIRECTORY` wrote."""
    path = pathlib.Path(directory)
    with h5py.File(path / "results.h5", "r") as f:
        tables = {name: _table(f[group]) if group in f else None for name, group in TABLES.items()}
        summary = json.loads(_text(f.attrs["summary_json"]))
        link_utilisation = _link_utilisation(f, tables["resources"])
    requests = tables["requests"]
    if "reject_reason" not in requests:  # the file leaves it out while no request was rejected
        requests["reject_reason"] = ""
        requests.attrs["units"]["reject_reason"] = ""
        requests.attrs["descriptions"]["reject_reason"] = "why it was rejected; empty when finished"
    return Run(path=path, summary=summary, link_utilisation=link_utilisation, **tables)


def load_summary(path) -> dict:
    """A run's JSON summary: DIR/summary.json for a run directory, or a file
    holding what `coesim run --json` printed."""
    path = pathlib.Path(path)
    return json.loads((path / "summary.json" if path.is_dir() else path).read_text())


def load_sweep(paths) -> pd.DataFrame:
    """One row per run (a run directory or a --json output file), indexed by
    its name, with the summary's figures flattened ("ttft_s.p50", "switches",
    ...) and the command line that made it."""
    paths = [pathlib.Path(p) for p in paths]
    summaries = [load_summary(p) for p in paths]
    frame = pd.json_normalize([s["summary"] for s in summaries])
    frame["command_line"] = [s.get("provenance", {}).get("command_line", "") for s in summaries]
    frame.index = pd.Index([p.stem if p.is_file() else p.name for p in paths], name="run")
    return frame
