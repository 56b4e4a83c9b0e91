"""Drive the compiled month: runs of a batch spread over threads, the calendar walked
month by month inside each run.

The kernel releases the GIL, so a thread pool runs chunks of a batch in parallel; run k
gives the same result whatever the chunk, the thread or the batch it shares.
"""

from __future__ import annotations

import itertools
import os
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
from numba import njit
from numpy.typing import NDArray

from politburo.kernel.decide import decide
from politburo.kernel.month import finish_month, measure_power, step


@njit(cache=True, nogil=True)
def start_runs(k, lo, hi, t):  # type: ignore[no-untyped-def]
    """Real power at the start (before the first month)."""
    for r in range(lo, hi):
        measure_power(k, r, t)


@njit(cache=True, nogil=True)
def advance_runs(  # type: ignore[no-untyped-def]
    k, lo, hi, t0, t1, plan_verb, plan_target, outside_verb, outside_target, outside, power
):
    """Runs ``lo:hi`` from month ``t0`` to ``t1``; real power after month t goes to
    ``power[t - t0, r]`` (float32, as the series is stored)."""
    L = k.s.real_power.shape[1]
    for r in range(lo, hi):
        for t in range(t0, t1):
            step(k, r, t, plan_verb, plan_target, outside_verb, outside_target, outside)
            for i in range(L):
                power[t - t0, r, i] = np.float32(k.s.real_power[r, i])


def default_threads() -> int:
    """Threads for a batch: ``POLITBURO_THREADS`` or the machine's cores."""
    value = os.environ.get("POLITBURO_THREADS")
    if value:
        return max(1, int(value))
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1)


def spans(runs: int, threads: int) -> list[tuple[int, int]]:
    n = max(1, min(threads, runs))
    edges = np.linspace(0, runs, n + 1).astype(int)
    return [(int(a), int(b)) for a, b in itertools.pairwise(edges) if b > a]


def _parallel(threads: int, runs: int, work: Any) -> None:
    ranges = spans(runs, threads)
    if len(ranges) == 1:
        work(*ranges[0])
        return
    with ThreadPoolExecutor(max_workers=len(ranges)) as pool:
        for future in [pool.submit(work, lo, hi) for lo, hi in ranges]:
            future.result()


def start(k: Any, turn: int, threads: int = 1) -> None:
    """Measure every run's real power at ``turn`` (as a new batch begins)."""
    _parallel(threads, k.s.alive.shape[0], lambda lo, hi: start_runs(k, lo, hi, turn))


def advance(
    k: Any,
    t0: int,
    t1: int,
    power: NDArray[np.float32],
    threads: int = 1,
    outside: tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.bool_]] | None = None,
    budget: int = 2,
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Walk every run from month ``t0`` to ``t1`` (power series into ``power``, shape
    (t1 - t0, R, L)); return the plan of the last month (verb, target), (R, L, K).

    ``outside`` = (verb, target, leaders): actions of the flagged leaders (L,) played from
    outside in every month of the span."""
    R, L = k.s.alive.shape
    plan_verb = np.zeros((R, L, budget), dtype=np.int64)
    plan_target = np.full((R, L, budget), -1, dtype=np.int64)
    if outside is None:
        outside = (
            np.zeros((R, L, 0), dtype=np.int64),
            np.zeros((R, L, 0), dtype=np.int64),
            np.zeros(L, dtype=np.bool_),
        )
    ov, ot, mask = outside

    def work(lo: int, hi: int) -> None:
        advance_runs(k, lo, hi, t0, t1, plan_verb, plan_target, ov, ot, mask, power)

    _parallel(threads, R, work)
    return plan_verb, plan_target


def advance_apart(
    kernels: list[Any],
    t0: int,
    t1: int,
    series: list[NDArray[np.float32]],
    fresh: bool,
    budget: int,
) -> None:
    """Advance several kernels (each over its own slice of a batch) side by side, one
    thread each. Kernels bound apart share no reference counts, so the threads do not
    contend for them as they would over one kernel."""

    def work(i: int) -> None:
        k = kernels[i]
        R, L = k.s.alive.shape
        if fresh:
            start_runs(k, 0, R, t0)
        plan_verb = np.zeros((R, L, budget), dtype=np.int64)
        plan_target = np.full((R, L, budget), -1, dtype=np.int64)
        none = np.zeros((R, L, 0), dtype=np.int64)
        played = np.zeros(L, dtype=np.bool_)
        advance_runs(k, 0, R, t0, t1, plan_verb, plan_target, none, none, played, series[i])

    if len(kernels) == 1:
        work(0)
        return
    with ThreadPoolExecutor(max_workers=len(kernels)) as pool:
        for future in [pool.submit(work, i) for i in range(len(kernels))]:
            future.result()


@njit(cache=True, nogil=True)
def decide_runs(k, t, plan_verb, plan_target):  # type: ignore[no-untyped-def]
    """The heuristic's plan for every run at month ``t`` (derived values must be fresh)."""
    for r in range(k.s.alive.shape[0]):
        decide(k, r, t, plan_verb, plan_target)


@njit(cache=True, nogil=True)
def play_on(k, t, plan_verb, plan_target, t1, total):  # type: ignore[no-untyped-def]
    """Finish month ``t`` of every run with the given plan, then play on with the
    heuristic up to month ``t1``; ``total`` (R, L) gets real power after each month
    added to it (float64, month after month)."""
    R, L = k.s.real_power.shape
    none = np.zeros((R, L, 0), dtype=np.int64)
    played = np.zeros(L, dtype=np.bool_)
    for r in range(R):
        finish_month(k, r, t, plan_verb, plan_target)
        for i in range(L):
            total[r, i] += k.s.real_power[r, i]
        for month in range(t + 1, t1):
            step(k, r, month, plan_verb, plan_target, none, none, played)
            for i in range(L):
                total[r, i] += k.s.real_power[r, i]
