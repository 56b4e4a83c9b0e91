"""The evaluation path of the studies: configurations (a world, parameters, ablations)
simulated over run indices 0..runs-1 with one seed, so that every configuration's runs
are paired, on the experiment's workers (:class:`politburo.experiment.workers.Workers`:
in this process, on spawned processes or on a Ray cluster)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np
from numpy.typing import NDArray

from politburo.errors import InputError
from politburo.experiment.runner import simulate_chunk
from politburo.experiment.workers import Job, Workers, check_backend
from politburo.model.outcome import Outcome
from politburo.model.params import Parameters
from politburo.model.world import World
from politburo.progress import Progress
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
) -> list[Outcome]:
    """Outcomes of the given runs. A top-level function for worker processes."""
    return simulate_chunk(world, params, ablate, seed, indices, False)[0]


class Evaluator:
    """Simulates configurations over run indices 0..runs-1 on one set of workers, started
    by :meth:`running` for the whole study. ``backend`` is ``local``, ``processes`` or
    ``ray`` (default: ``processes`` with more than one worker, else ``local``);
    ``progress("runs", done, total)`` is told of the runs of each configuration as its
    chunks finish."""

    def __init__(
        self,
        seed: int,
        runs: int,
        workers: int = 1,
        chunk: int = 250,
        backend: str | None = None,
        address: str | None = None,
        progress: Progress | None = None,
    ) -> None:
        if runs < 2:
            raise InputError("--runs must be at least 2 (intervals need paired runs)")
        self.seed, self.runs, self.workers = seed, runs, workers
        self.backend = backend or ("processes" if workers > 1 else "local")
        check_backend(self.backend)
        self.chunk = max(1, min(chunk, -(-runs // max(workers, 1))))
        self.address, self.progress = address, progress
        self.pool: Workers | None = None
        self.simulated = 0

    def _map(self, function: Callable[..., Any], *args: Any) -> list[Any]:
        """``function(*args, indices)`` over chunks of 0..runs-1, results in run order."""
        chunks = [
            list(range(first, min(first + self.chunk, self.runs)))
            for first in range(0, self.runs, self.chunk)
        ]
        parts: list[Any] = [None] * len(chunks)
        done = [0]

        def keep(k: int, result: Any) -> None:
            parts[k] = result
            done[0] += len(chunks[k])
            if self.progress is not None:
                self.progress("runs", done[0], self.runs)

        def keeper(k: int) -> Callable[[Any], None]:
            return lambda result: keep(k, result)

        jobs: list[Job] = [
            (function, (*args, indices), keeper(k)) for k, indices in enumerate(chunks)
        ]
        if self.pool is None:  # outside running(): a pool for this configuration only
            with self.running():
                assert self.pool is not None
                self.pool.run(jobs)
        else:
            self.pool.run(jobs)
        self.simulated += self.runs
        return parts

    def winners(self, world: World, params: Parameters, ablate: Sequence[str]) -> NDArray[np.int64]:
        """(runs,) winner index of every run of one configuration."""
        return np.concatenate(self._map(winners_of, world, params, tuple(ablate), self.seed))

    def outcomes(
        self, world: World, params: Parameters, ablate: Sequence[str] = ()
    ) -> list[Outcome]:
        """Every run's outcome, by run index."""
        parts = self._map(outcomes_of, world, params, tuple(ablate), self.seed)
        return [outcome for part in parts for outcome in part]

    @contextmanager
    def running(self) -> Iterator[Evaluator]:
        """The workers, started for every configuration evaluated inside (a process pool
        or a Ray connection costs seconds to start: once per study, not per trial)."""
        if self.pool is not None:  # already running: nested use shares the workers
            yield self
            return
        with Workers(self.backend, self.workers, self.address) as pool:
            self.pool = pool
            try:
                yield self
            finally:
                self.pool = None
