"""Summaries of many runs held in memory: winner shares with intervals, timing,
elimination orders (computed by :mod:`politburo.experiment.summary`, which the runner
uses to summarize a store)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from politburo.experiment.records import RunsSummary
from politburo.experiment.summary import rivals, summary_of, wilson_interval
from politburo.model.world import World

__all__ = ["rivals", "summarize", "wilson_interval"]


def summarize(world: World, outcomes: Sequence[Mapping[str, Any]]) -> RunsSummary:
    """Winner distribution (with 'none'), median consolidation month, common orders."""
    counts = Counter(o["winner"] or "none" for o in outcomes)
    months = sorted(o["month"] for o in outcomes if o["month"] is not None)
    median = months[(len(months) - 1) // 2] if months else None
    return summary_of(world, counts, median, (o["eliminations"] for o in outcomes))
