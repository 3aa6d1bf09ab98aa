"""Axis labels and scales from a coesim name's unit suffix, so that a plot of
`ttft_p99_s` reads "TTFT p99 (ms)" and one of
`platform.links.ddr_to_hbm.bandwidth_bytes_per_s` reads
"platform.links.ddr_to_hbm.bandwidth (GB/s)".

    import coesim_units
    q = coesim_units.quantity("ttft_p99_s", values)  # values pick s, ms or us
    q.label, q.scale                                 # "TTFT p99 (ms)", 1e3
    q.text(0.0123)                                   # "12.3 ms"

Names hold base SI units (bytes, s, bytes/s): `_bytes_per_s` is shown in
GB/s, a `bytes` name in GB, `_s` in s, ms or µs (whichever keeps the largest
value at or above 1), `rate_per_s` in req/s; anything else as it is.
"""
from __future__ import annotations

import dataclasses
import math

# Words a metric's name abbreviates, as a reader expects them.
_WORDS = {"ttft": "TTFT", "tpot": "TPOT", "e2e": "end-to-end", "p50": "p50", "p90": "p90", "p99": "p99"}
_NAMES = {
    "output_tokens_per_s": ("output throughput", "tokens/s", 1.0),
    "fast_tier_hit_rate": ("fast-tier hit rate", "", 1.0),
    "peak_fast_tier_used_bytes_per_device": ("peak fast-tier use per device", "GB", 1e-9),
}


@dataclasses.dataclass(frozen=True)
class Quantity:
    name: str  # as the data has it: ttft_p99_s, workload.rate_per_s
    stem: str  # the name without its unit, made readable: "TTFT p99"
    unit: str  # what the scaled values are in: "ms"; "" for a count or a fraction
    scale: float  # shown value = value x scale

    @property
    def label(self) -> str:
        return f"{self.stem} ({self.unit})" if self.unit else self.stem

    def text(self, value) -> str:
        """One value as a legend or a tick says it: "200 GB/s", "dgx-h100"."""
        if isinstance(value, str):
            return value
        shown = f"{float(value) * self.scale:.4g}"
        return f"{shown} {self.unit}" if self.unit else shown


def _readable(stem: str) -> str:
    if "." in stem:  # a setting path: kept as --set takes it
        return stem
    return " ".join(_WORDS.get(word, word) for word in stem.split("_"))


def _time_scale(values) -> tuple[str, float]:
    finite = []
    for v in values if values is not None else []:
        try:
            f = float(v)
        except (TypeError, ValueError):
            continue
        if math.isfinite(f):
            finite.append(abs(f))
    largest = max(finite, default=1.0)
    if largest == 0 or largest >= 1:
        return "s", 1.0
    if largest >= 1e-3:
        return "ms", 1e3
    return "µs", 1e6


def quantity(name: str, values=None) -> Quantity:
    """The label and scale of `name`; `values` (the data to be drawn) choose
    s, ms or µs for a time."""
    head, _, last = name.rpartition(".")
    prefix = head + "." if head else ""
    if name in _NAMES:
        stem, unit, scale = _NAMES[name]
        return Quantity(name, stem, unit, scale)
    if last.endswith("bytes_per_s"):
        return Quantity(name, _readable(prefix + last[: -len("bytes_per_s")].rstrip("_")), "GB/s", 1e-9)
    if last.endswith("rate_per_s"):
        return Quantity(name, _readable(prefix + last[: -len("_per_s")]), "req/s", 1.0)
    if last.endswith("tokens_per_s"):
        return Quantity(name, _readable(prefix + last[: -len("_per_s")]), "tokens/s", 1.0)
    if last.endswith("_per_s"):
        return Quantity(name, _readable(prefix + last[: -len("_per_s")]), "1/s", 1.0)
    if last.endswith("_bytes_per_device"):
        return Quantity(name, _readable(prefix + last[: -len("_bytes_per_device")]) + " per device", "GB", 1e-9)
    if last == "bytes" or last.endswith("_bytes") or last.startswith("bytes_"):
        stem = last[: -len("_bytes")] if last.endswith("_bytes") else last
        return Quantity(name, _readable(prefix + stem), "GB", 1e-9)
    if last.endswith("_s"):
        unit, scale = _time_scale(values)
        return Quantity(name, _readable(prefix + last[: -len("_s")]), unit, scale)
    return Quantity(name, _readable(name), "", 1.0)
