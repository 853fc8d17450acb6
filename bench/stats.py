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


def summarise_windows(windows: Sequence[dict], duration: float) -> dict:
    """Timed windows → median rate, median p50/p99 (ms) and median CPU per call (µs).

    Each window: ``latencies`` (s) of the calls completed in it, ``calls``
    made over warm-up and window, ``client_cpu`` (s, in the window) and
    ``server_cpu`` (s, over warm-up and window).
    """
    rates, p50s, p99s, client_us, server_us = [], [], [], [], []
    for w in windows:
        ordered = sorted(w["latencies"])
        rates.append(len(ordered) / duration)
        p50s.append(percentile(ordered, 50) * 1000)
        p99s.append(percentile(ordered, 99) * 1000)
        client_us.append(w["client_cpu"] / max(1, len(ordered)) * 1e6)
        server_us.append(w["server_cpu"] / max(1, w["calls"]) * 1e6)
    return {
        "rate": statistics.median(rates),
        "p50_ms": statistics.median(p50s),
        "p99_ms": statistics.median(p99s),
        "client_cpu_us": statistics.median(client_us),
        "server_cpu_us": statistics.median(server_us),
        "rates": [round(r, 1) for r in rates],
        "calls": [len(w["latencies"]) for w in windows],
    }


def summarise_runs(runs: Sequence[dict]) -> dict:
    """Fixed-count publishing runs ({"n", "seconds", "cpu_seconds"}) → median rate and
    median publisher CPU per message (µs)."""
    rates = [r["n"] / r["seconds"] for r in runs]
    return {"rate": statistics.median(rates), "rates": [round(r, 1) for r in rates],
            "client_cpu_us": statistics.median(r["cpu_seconds"] / r["n"] * 1e6 for r in runs),
            "seconds": [round(r["seconds"], 3) for r in runs], "n": runs[0]["n"] if runs else 0}
