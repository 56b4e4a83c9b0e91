"""Per-run fingerprints of a simulated batch: outcome, power series, events, final state.

The recorded reference (``reference.json.gz``, written by ``record.py`` from the batched
NumPy engine that preceded the compiled one) holds these fingerprints for 1,000 runs of
each built-in scenario with all mechanisms on and with each ablation, and for games played
month by month with outside actions. ``tests/test_engine_reference.py`` recomputes them
with today's engine and compares run by run.
"""

from __future__ import annotations

import hashlib
from dataclasses import fields
from typing import Any

import numpy as np

EVENT_INT_FIELDS = ("turn", "kind", "actor", "target", "obj", "yes", "no")


def _digest(*parts: np.ndarray) -> str:
    h = hashlib.sha1()
    for part in parts:
        a = np.ascontiguousarray(part)
        h.update(str(a.dtype).encode())
        h.update(str(a.shape).encode())
        h.update(a.tobytes())
    return h.hexdigest()[:16]


def state_digest(state: Any, position: int) -> str:
    """Every State field of one run (the turn excluded: it is batch-wide)."""
    parts = []
    for f in fields(state):
        if f.name == "turn":
            continue
        parts.append(np.asarray(getattr(state, f.name)[position]))
    return _digest(*parts)


def event_digests(columns: dict[str, np.ndarray], n_runs: int) -> list[str]:
    """One digest per batch position of its events in recorded order."""
    run = columns["run"]
    out = []
    starts = np.searchsorted(run, np.arange(n_runs), side="left")
    ends = np.searchsorted(run, np.arange(n_runs), side="right")
    ints = np.stack([columns[name] for name in EVENT_INT_FIELDS], axis=1).astype(np.int64)
    value = np.asarray(columns["value"], dtype=np.float64).copy()
    value[np.isnan(value)] = np.nan  # one NaN bit pattern
    for a, b in zip(starts, ends, strict=True):
        out.append(_digest(ints[a:b], value[a:b]))
    return out


def batch_fingerprints(result: Any) -> list[dict[str, Any]]:
    """Fingerprints of every run of a :class:`politburo.simulation.BatchResult`."""
    s = result.state
    R = s.n_runs
    events = event_digests(result.log.arrays(), R)
    rows = []
    for r in range(R):
        rows.append(
            {
                "run": int(s.runs[r]),
                "winner": int(s.winner[r]),
                "month": int(s.consolidated[r]),
                "power": _digest(np.asarray(result.power[:, r, :], dtype=np.float32)),
                "events": events[r],
                "state": state_digest(s, r),
            }
        )
    return rows
