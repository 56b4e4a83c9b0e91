"""``politburo explain``: which mechanisms and which factors made a leader win, and how
sensitive that is to the global parameters.

Every evaluation simulates the same run indices with the same seed (common random
numbers), so the per-run outcomes of two configurations are paired and the Shapley
values come with intervals from the per-run contributions (see
:mod:`politburo.analysis.attribution`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from multiprocessing import get_context
from typing import Any

import numpy as np
from numpy.typing import NDArray

from politburo.analysis.attribution import MemoisedValue, shapley
from politburo.errors import InputError
from politburo.experiment.runner import one_thread_per_worker
from politburo.model.params import DEFAULT_PARAMETERS, Parameters
from politburo.model.switches import MECHANISMS
from politburo.model.world import World, compile_world
from politburo.scenario import Scenario
from politburo.scenario.interventions import apply_interventions
from politburo.simulation import simulate

Progress = Callable[[int, int], None]


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


def leader_index(world: World, leader: str) -> int:
    if leader not in world.leader_ids:
        raise InputError(
            f"unknown leader {leader!r}; expected one of: {', '.join(world.leader_ids)}"
        )
    return world.leader_ids.index(leader)


def mechanism_value(
    evaluator: Evaluator, world: World, params: Parameters, leader: int
) -> Callable[[frozenset[str]], NDArray[np.float64]]:
    """v(mechanisms on) = per-run indicator that ``leader`` consolidates."""

    def value(on: frozenset[str]) -> NDArray[np.float64]:
        off = [name for name in MECHANISMS if name not in on]
        return (evaluator.winners(world, params, off) == leader).astype(np.float64)

    return value


def factor_value(
    evaluator: Evaluator, scenario: Scenario, params: Parameters, leader: int
) -> Callable[[frozenset[str]], NDArray[np.float64]]:
    """v(factors present) = per-run indicator that ``leader`` consolidates, with every
    absent factor's interventions applied and mechanisms switched off."""
    factors = {factor.id: factor for factor in scenario.factors}

    def value(present: frozenset[str]) -> NDArray[np.float64]:
        absent = [factors[name] for name in factors if name not in present]
        patches = [i for factor in absent for i in factor.interventions]
        ablate = sorted({m for factor in absent for m in factor.ablate})
        world = compile_world(apply_interventions(scenario, patches))
        return (evaluator.winners(world, params, ablate) == leader).astype(np.float64)

    return value


def explain(
    scenario: Scenario,
    leader: str,
    *,
    runs: int = 200,
    seed: int = 0,
    params: Parameters = DEFAULT_PARAMETERS,
    permutations: int = 10,
    workers: int = 1,
    progress: Callable[[str, int, int], None] | None = None,
) -> dict[str, Any]:
    """Shapley attribution of P(``leader`` consolidates) to the mechanisms (exact when
    there are at most 10, sampled antithetic permutations above) and to the scenario's
    factors (exact). Returns the JSON object of ``politburo explain --json``."""
    world = compile_world(scenario)
    who = leader_index(world, leader)

    def tell(stage: str) -> Progress | None:
        if progress is None:
            return None
        return lambda done, total: progress(stage, done, total)

    evaluator = Evaluator(seed, runs, workers)
    with evaluator.running():
        value = MemoisedValue(mechanism_value(evaluator, world, params, who))
        by_mechanism = shapley(
            list(MECHANISMS),
            value,
            permutations=permutations,
            rng_seed=seed,
            progress=tell("mechanisms"),
        )
        result = by_mechanism.to_json()
        result = {"leader": leader, "scenario": scenario.id, "seed": seed, **result}
        if scenario.factors:
            by_factor = shapley(
                [factor.id for factor in scenario.factors],
                MemoisedValue(factor_value(evaluator, scenario, params, who)),
                progress=tell("factors"),
            )
            groups = by_factor.to_json()
            groups["names"] = {factor.id: factor.name for factor in scenario.factors}
            result["groups"] = groups
    result["simulated_runs"] = evaluator.simulated
    return result


def morris_sensitivity(
    scenario: Scenario,
    leader: str,
    *,
    runs: int = 100,
    seed: int = 0,
    trajectories: int = 4,
    levels: int = 4,
    workers: int = 1,
    progress: Callable[[str, int, int], None] | None = None,
) -> dict[str, Any]:
    """Morris elementary effects (SALib) of the calibrated global parameters
    (:data:`politburo.calibration.FREE_PARAMETERS`, over their ranges) on P(``leader``
    consolidates). Every point simulates the same run indices, so effects are paired."""
    from SALib.analyze import morris as analyze
    from SALib.sample import morris as sample

    from politburo.calibration import FREE_PARAMETERS, with_values

    world = compile_world(scenario)
    who = leader_index(world, leader)
    names = [p.name for p in FREE_PARAMETERS]
    problem: dict[str, Any] = {
        "num_vars": len(FREE_PARAMETERS),
        "names": names,
        "bounds": [[p.low, p.high] for p in FREE_PARAMETERS],
    }
    points = sample.sample(problem, N=trajectories, num_levels=levels, seed=seed)
    evaluator = Evaluator(seed, runs, workers)
    outputs = np.zeros(len(points))
    with evaluator.running():
        for k, row in enumerate(points):
            params = with_values(DEFAULT_PARAMETERS, dict(zip(names, row, strict=True)))
            outputs[k] = float((evaluator.winners(world, params, ()) == who).mean())
            if progress is not None:
                progress("sensitivity", k + 1, len(points))
    result = analyze.analyze(problem, points, outputs, num_levels=levels, seed=seed)
    indices = {
        name: {
            "mu": float(result["mu"][i]),
            "mu_star": float(result["mu_star"][i]),
            "mu_star_conf": float(result["mu_star_conf"][i]),
            "sigma": float(result["sigma"][i]),
            "range": [p.low, p.high],
        }
        for i, (name, p) in enumerate(zip(names, FREE_PARAMETERS, strict=True))
    }
    return {
        "method": "morris",
        "output": f"P({leader} consolidates)",
        "trajectories": trajectories,
        "levels": levels,
        "runs_per_point": runs,
        "points": len(points),
        "indices": indices,
    }
