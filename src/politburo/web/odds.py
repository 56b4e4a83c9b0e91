"""Odds for the end screen: who wins when the AI plays every leader from the same start.

Computed once per scenario in a background thread, in small chunks (so the games being
played keep their share of the processor, within the server's budget for AI work), then
kept in the store for good. Shutting down stops the computation between two chunks.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from typing import Any

from politburo.analysis.summary import wilson_interval
from politburo.simulation import simulate
from politburo.web.limits import EngineBudget
from politburo.web.play import world_for
from politburo.web.schemas import Odds, OddsResult, WinnerShare
from politburo.web.store import Store

#: runs simulated together; small, so a long computation yields the processor often
CHUNK = 25


class Stopped(Exception):
    """The server is shutting down: the computation stops between two chunks."""


def ai_only_odds(
    scenario: str,
    runs: int,
    seed: int,
    done: list[int] | None = None,
    pace: Callable[[], AbstractContextManager[Any]] = nullcontext,
) -> OddsResult:
    """Winner shares (with 95% Wilson intervals) over ``runs`` AI-only runs; each chunk
    runs inside ``pace()`` (which may wait for the budget, or raise :class:`Stopped`)."""
    world = world_for(scenario)
    winners: Counter[str | None] = Counter()
    months: list[str] = []
    for start in range(0, runs, CHUNK):
        indices = range(start, min(runs, start + CHUNK))
        with pace():
            result = simulate(world, seed=seed, runs=indices, record_events=False)
        for position in range(len(indices)):
            outcome = result.outcome(position)
            winners[outcome.winner] += 1
            if outcome.month is not None:
                months.append(outcome.month)
        if done is not None:
            done[0] = min(runs, start + CHUNK)
    shares = []
    for leader, count in winners.most_common():
        low, high = wilson_interval(count, runs)
        shares.append(
            WinnerShare(
                leader=leader,
                name="no one (collective leadership)"
                if leader is None
                else world.leader_names[world.leader(leader)],
                count=count,
                share=count / runs,
                low=low,
                high=high,
            )
        )
    months.sort()
    return OddsResult(
        runs=runs,
        seed=seed,
        winners=shares,
        median_month=months[len(months) // 2] if months else None,
    )


class OddsService:
    """Background computation and cache of :func:`ai_only_odds` per scenario."""

    def __init__(
        self, store: Store, runs: int, seed: int = 0, budget: EngineBudget | None = None
    ) -> None:
        self.store = store
        self.runs = runs
        self.seed = seed
        self.budget = budget
        self._lock = threading.Lock()
        # scenario -> (thread, runs done so far, failed)
        self._running: dict[str, tuple[threading.Thread, list[int], threading.Event]] = {}
        self._stop = threading.Event()

    def get(self, scenario: str, start: bool = True) -> Odds:
        """The odds with status ``ready`` and the result's fields, or ``computing`` (or
        ``failed``, ``not_started``) with the runs ``done`` so far (starting the
        computation unless ``start`` is false)."""
        cached = self.store.odds(scenario, self.runs, self.seed)
        if cached is not None:
            return Odds(
                status="ready",
                runs=cached.runs,
                seed=cached.seed,
                winners=cached.winners,
                median_month=cached.median_month,
            )
        with self._lock:
            running = self._running.get(scenario)
            if running is None and start:
                # Serving on after a shutdown (an app used without its lifespan) restarts.
                self._stop.clear()
                progress, failed = [0], threading.Event()
                # A daemon thread: the interpreter does not wait for it at exit.
                thread = threading.Thread(
                    target=self._compute,
                    args=(scenario, progress, failed),
                    name=f"odds-{scenario}",
                    daemon=True,
                )
                running = (thread, progress, failed)
                self._running[scenario] = running
                thread.start()
        if running is None:
            return Odds(status="not_started", done=0, runs=self.runs)
        _, progress, failed = running
        if failed.is_set():
            with self._lock:
                self._running.pop(scenario, None)
            return Odds(status="failed", done=progress[0], runs=self.runs)
        return Odds(status="computing", done=progress[0], runs=self.runs)

    def _pace(self) -> AbstractContextManager[Any]:
        """Each chunk: stop if shutting down, wait for the AI budget, charge the chunk."""
        if self._stop.is_set():
            raise Stopped
        if self.budget is None:
            return nullcontext()
        self.budget.wait_for_ai(background=True, stop=self._stop)
        if self._stop.is_set():
            raise Stopped
        return self.budget.charged()

    def _compute(self, scenario: str, progress: list[int], failed: threading.Event) -> None:
        try:
            result = ai_only_odds(scenario, self.runs, self.seed, progress, self._pace)
            self.store.save_odds(scenario, self.runs, self.seed, result)
        except Stopped:
            pass
        except Exception:
            failed.set()
            raise
        finally:
            if not failed.is_set():
                with self._lock:
                    self._running.pop(scenario, None)

    def shutdown(self, timeout: float = 2.0) -> None:
        """Stop the computations between two chunks (waiting at most ``timeout`` s)."""
        self._stop.set()
        with self._lock:
            threads = [thread for thread, _, _ in self._running.values()]
        for thread in threads:
            thread.join(timeout)
