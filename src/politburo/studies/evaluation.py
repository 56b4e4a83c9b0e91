"""The evaluation path of the studies: configurations (a world, parameters, ablations)
simulated over run indices 0..runs-1 with one seed, in this process or on a pool of
spawned workers, so that every configuration's runs are paired."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from multiprocessing import get_context
from typing import Any

import numpy as np
from numpy.typing import NDArray

from politburo.errors import InputError
from politburo.experiment.runner import one_thread_per_worker
from politburo.model.params import Parameters
from politburo.model.world import World
from politburo.simulation import simulate


def winners_of(
    world: World, params: Parameters, ablate: Sequence[str], seed: int, indices: Sequence[int]
) -> NDArray[np.int64]:
    """Winner index (-1: none) of each given run. A top-level function for worker processes."""
    result = simulate(world, seed=seed, runs=indices, params=params, ablate=ablate,
                      record_events=False)  # fmt: skip
    return result.state.winner.copy()


def outcomes_of(
    world: World, params: Parameters, ablate: Sequence[str], seed: int, indices: Sequence[int]
) -> list[dict[str, Any]]:
    """Outcomes of the given runs. A top-level function for worker processes."""
    from politburo.experiment.runner import simulate_chunk

    return simulate_chunk(world, params, ablate, seed, indices, False)[0]


class Evaluator:
    """Simulates configurations over run indices 0..runs-1, in this process or on a pool."""

    def __init__(self, seed: int, runs: int, workers: int = 1, chunk: int = 250) -> None:
        if runs < 2:
            raise InputError("--runs must be at least 2 (intervals need paired runs)")
        self.seed, self.runs, self.workers = seed, runs, workers
        self.chunk = max(1, min(chunk, -(-runs // max(workers, 1))))
        self.pool: ProcessPoolExecutor | None = None
        self.simulated = 0

    def _map(self, function: Callable[..., Any], *args: Any) -> list[Any]:
        """``function(*args, indices)`` over chunks of 0..runs-1, in order."""
        chunks = [
            list(range(first, min(first + self.chunk, self.runs)))
            for first in range(0, self.runs, self.chunk)
        ]
        if self.pool is None:
            parts = [function(*args, indices) for indices in chunks]
        else:
            futures = [self.pool.submit(function, *args, indices) for indices in chunks]
            parts = [future.result() for future in futures]
        self.simulated += self.runs
        return parts

    def winners(self, world: World, params: Parameters, ablate: Sequence[str]) -> NDArray[np.int64]:
        """(runs,) winner index of every run of one configuration."""
        return np.concatenate(self._map(winners_of, world, params, tuple(ablate), self.seed))

    def outcomes(
        self, world: World, params: Parameters, ablate: Sequence[str] = ()
    ) -> list[dict[str, Any]]:
        """Every run's outcome (:func:`politburo.simulation.run_outcome`), by run index."""
        parts = self._map(outcomes_of, world, params, tuple(ablate), self.seed)
        return [outcome for part in parts for outcome in part]

    @contextmanager
    def running(self) -> Iterator[Evaluator]:
        if self.workers > 1:
            self.pool = ProcessPoolExecutor(
                self.workers, mp_context=get_context("spawn"), initializer=one_thread_per_worker
            )
        try:
            yield self
        finally:
            if self.pool is not None:
                self.pool.shutdown(cancel_futures=True)
                self.pool = None
