"""Summaries of many runs' outcomes: winner shares with intervals, timing, elimination
orders. The runner summarizes an experiment from its store with these; the readings of
the summaries (report, web) live above, in :mod:`politburo.analysis`."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from politburo.experiment.records import Order, RunsSummary, Share
from politburo.model.world import SEAT_NONE, World


def wilson_interval(successes: int, n: int, z: float = 1.959964) -> tuple[float, float]:
    """95% Wilson score interval of a proportion."""
    if n == 0:
        return (0.0, 1.0)
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return (max(0.0, float(centre - half)), min(1.0, float(centre + half)))


def rivals(world: World) -> list[str]:
    """The leaders whose fall is tracked: the historical record's elimination order if the
    scenario has one, else every leader seated in the leadership at the start."""
    history = world.scenario.history
    if history is not None and history.elimination_order:
        return list(history.elimination_order)
    return [world.leader_ids[i] for i in np.flatnonzero(world.seat0 != SEAT_NONE)]


def elimination_order(
    eliminations: Mapping[str, Mapping[str, Any]], tracked: list[str]
) -> tuple[str, ...]:
    """Tracked leaders in the order they left the leadership (ties by name), from one
    run's eliminations record."""
    fallen = []
    for leader in tracked:
        record = eliminations.get(leader)
        month = None if record is None else record.get("politburo")
        if month is not None:
            fallen.append((month, leader))
    return tuple(leader for _, leader in sorted(fallen))


def summary_of(
    world: World,
    counts: dict[str, int],
    median: str | None,
    eliminations: Iterable[Mapping[str, Mapping[str, Any]]],
) -> RunsSummary:
    """Winner distribution (with 'none'), median consolidation month and common orders,
    from winner counts, the median month and a stream of the runs' eliminations records
    (so a million runs need not be in memory at once)."""
    n = sum(counts.values())
    winners = {}
    for name, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        low, high = wilson_interval(count, n)
        winners[name] = Share(p=count / n, ci=(round(low, 4), round(high, 4)), count=count)
    tracked = rivals(world)
    orders = Counter(elimination_order(e, tracked) for e in eliminations)
    return RunsSummary(
        winners=winners,
        median_consolidation=median,
        tracked_rivals=tracked,
        elimination_orders=[
            Order(order=list(order), share=count / n) for order, count in orders.most_common(10)
        ],
    )
