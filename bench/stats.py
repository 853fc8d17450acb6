"""Medians over repeats; percentiles within one window."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence


def percentile(sorted_values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile of already sorted values."""
    if not sorted_values:
        return float("nan")
    rank = max(1, min(len(sorted_values), math.ceil(q / 100 * len(sorted_values))))
    return sorted_values[rank - 1]


def summarise_windows(windows: Sequence[Sequence[float]], duration: float) -> dict:
    """Latencies (seconds) per timed window → median rate and median p50/p99 (ms)."""
    rates, p50s, p99s = [], [], []
    for lat in windows:
        ordered = sorted(lat)
        rates.append(len(ordered) / duration)
        p50s.append(percentile(ordered, 50) * 1000)
        p99s.append(percentile(ordered, 99) * 1000)
    return {
        "rate": statistics.median(rates),
        "p50_ms": statistics.median(p50s),
        "p99_ms": statistics.median(p99s),
        "rates": [round(r, 1) for r in rates],
        "calls": [len(lat) for lat in windows],
    }


def summarise_runs(runs: Sequence[dict]) -> dict:
    """Fixed-count publishing runs ({"n", "seconds"}) → median rate."""
    rates = [r["n"] / r["seconds"] for r in runs]
    return {"rate": statistics.median(rates), "rates": [round(r, 1) for r in rates],
            "seconds": [round(r["seconds"], 3) for r in runs], "n": runs[0]["n"] if runs else 0}
