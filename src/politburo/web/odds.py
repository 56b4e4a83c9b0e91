"""Odds for the end screen: who wins when the AI plays every leader from the same start.

Computed once per scenario in a background thread, in small chunks (so the games being
played keep their share of the processor), then kept in the store for good.
"""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from politburo.analysis.summary import wilson_interval
from politburo.simulation import simulate
from politburo.web.play import world_for
from politburo.web.store import Store

#: runs simulated together; small, so a long computation yields the processor often
CHUNK = 25


def ai_only_odds(
    scenario: str, runs: int, seed: int, done: list[int] | None = None
) -> dict[str, Any]:
    """Winner shares (with 95% Wilson intervals) over ``runs`` AI-only runs."""
    world = world_for(scenario)
    winners: Counter[str | None] = Counter()
    months: list[str] = []
    for start in range(0, runs, CHUNK):
        indices = range(start, min(runs, start + CHUNK))
        result = simulate(world, seed=seed, runs=indices, record_events=False)
        for position in range(len(indices)):
            outcome = result.outcome(position)
            winners[outcome["winner"]] += 1
            if outcome["month"] is not None:
                months.append(outcome["month"])
        if done is not None:
            done[0] = min(runs, start + CHUNK)
    shares = []
    for leader, count in winners.most_common():
        low, high = wilson_interval(count, runs)
        shares.append(
            {
                "leader": leader,
                "name": "no one (collective leadership)"
                if leader is None
                else world.leader_names[world.leader(leader)],
                "count": count,
                "share": count / runs,
                "low": low,
                "high": high,
            }
        )
    months.sort()
    return {
        "runs": runs,
        "seed": seed,
        "winners": shares,
        "median_month": months[len(months) // 2] if months else None,
    }


class OddsService:
    """Background computation and cache of :func:`ai_only_odds` per scenario."""

    def __init__(self, store: Store, runs: int, seed: int = 0) -> None:
        self.store = store
        self.runs = runs
        self.seed = seed
        self._lock = threading.Lock()
        self._running: dict[str, tuple[Future[None], list[int]]] = {}
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="odds")
        self._closed = False

    def get(self, scenario: str, start: bool = True) -> dict[str, Any]:
        """``{"status": "ready", ...odds}`` or ``{"status": "computing", "done", "runs"}``
        (starting the computation unless ``start`` is false)."""
        cached = self.store.odds(scenario, self.runs, self.seed)
        if cached is not None:
            return {"status": "ready", **cached}
        with self._lock:
            running = self._running.get(scenario)
            if running is None and start:
                progress = [0]
                if self._closed:  # serving on after a shutdown (an app used without lifespan)
                    self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="odds")
                    self._closed = False
                future = self._executor.submit(self._compute, scenario, progress)
                running = (future, progress)
                self._running[scenario] = running
        if running is None:
            return {"status": "not_started", "done": 0, "runs": self.runs}
        future, progress = running
        if future.done() and future.exception() is not None:
            with self._lock:
                self._running.pop(scenario, None)
            return {"status": "failed", "done": progress[0], "runs": self.runs}
        return {"status": "computing", "done": progress[0], "runs": self.runs}

    def _compute(self, scenario: str, progress: list[int]) -> None:
        result = ai_only_odds(scenario, self.runs, self.seed, progress)
        self.store.save_odds(scenario, self.runs, self.seed, result)
        with self._lock:
            self._running.pop(scenario, None)

    def shutdown(self) -> None:
        with self._lock:
            self._closed = True
            self._executor.shutdown(wait=False, cancel_futures=True)
