"""``politburo explain``: which mechanisms and which factors made a leader win, and how
sensitive that is to the global parameters.

Every evaluation simulates the same run indices with the same seed (common random
numbers), so the per-run outcomes of two configurations are paired and the Shapley
values come with intervals from the per-run contributions (see
:mod:`politburo.analysis.attribution`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import NDArray

from politburo.analysis.attribution import MemoisedValue, shapley
from politburo.analysis.records import Explanation, FactorAttribution, MorrisIndex, Sensitivity
from politburo.errors import InputError
from politburo.mechanisms import MECHANISMS
from politburo.model.params import DEFAULT_PARAMETERS, Parameters
from politburo.model.world import World, compile_world
from politburo.progress import Progress
from politburo.scenario import Scenario
from politburo.scenario.interventions import apply_interventions
from politburo.studies.evaluation import Evaluator


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
    progress: Progress | None = None,
) -> Explanation:
    """Shapley attribution of P(``leader`` consolidates) to the mechanisms (exact when
    there are at most 10, sampled antithetic permutations above) and to the scenario's
    factors (exact): the record ``politburo explain --json`` prints. ``progress`` is told
    ``("mechanisms", done, total)``, then ``("factors", done, total)``, over the
    configurations simulated."""
    world = compile_world(scenario)
    who = leader_index(world, leader)
    evaluator = Evaluator(seed, runs, workers)
    with evaluator.running():
        value = MemoisedValue(mechanism_value(evaluator, world, params, who))
        by_mechanism = shapley(
            list(MECHANISMS),
            value,
            permutations=permutations,
            rng_seed=seed,
            progress=progress,
            stage="mechanisms",
        )
        factors = None
        if scenario.factors:
            by_factor = shapley(
                [factor.id for factor in scenario.factors],
                MemoisedValue(factor_value(evaluator, scenario, params, who)),
                progress=progress,
                stage="factors",
            )
            names = {factor.id: factor.name for factor in scenario.factors}
            factors = FactorAttribution(**dict(by_factor.record()), names=names)
    return Explanation(
        leader=leader,
        scenario=scenario.id,
        seed=seed,
        **dict(by_mechanism.record()),
        groups=factors,
        simulated_runs=evaluator.simulated,
    )


def morris_sensitivity(
    scenario: Scenario,
    leader: str,
    *,
    runs: int = 100,
    seed: int = 0,
    trajectories: int = 4,
    levels: int = 4,
    workers: int = 1,
    progress: Progress | None = None,
) -> Sensitivity:
    """Morris elementary effects (SALib) of the calibrated global parameters
    (:data:`politburo.studies.calibration.FREE_PARAMETERS`, over their ranges) on P(``leader``
    consolidates). Every point simulates the same run indices, so effects are paired.
    ``progress`` is told ``("sensitivity", done, total)`` over the points."""
    from SALib.analyze import morris as analyze
    from SALib.sample import morris as sample

    from politburo.studies.calibration import FREE_PARAMETERS, with_values

    world = compile_world(scenario)
    who = leader_index(world, leader)
    names = [p.name for p in FREE_PARAMETERS]
    # SALib's "problem" is a plain dict by its API (it reads these keys): it goes to
    # SALib and no further, so it is not one of our records.
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
        name: MorrisIndex(
            mu=float(result["mu"][i]),
            mu_star=float(result["mu_star"][i]),
            mu_star_conf=_finite(result["mu_star_conf"][i]),
            sigma=_finite(result["sigma"][i]),
            range=(p.low, p.high),
        )
        for i, (name, p) in enumerate(zip(names, FREE_PARAMETERS, strict=True))
    }
    return Sensitivity(
        method="morris",
        output=f"P({leader} consolidates)",
        trajectories=trajectories,
        levels=levels,
        runs_per_point=runs,
        points=len(points),
        indices=indices,
    )


def _finite(x: Any) -> float | None:
    """A number SALib estimated, None where it could not (NaN)."""
    value = float(x)
    return value if math.isfinite(value) else None
