"""The compiled heuristic policy and legal actions equal the NumPy ones on snapshot
states: the same plan for every run and leader, the same legal targets for every verb.

The driver loops are compiled afresh (not cached): Numba's cache does not notice changes
in the functions they call."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from numba import njit

from kernel.snapshots import cases, fresh_copy, snapshot
from politburo.agents.heuristic import decide as numpy_decide
from politburo.agents.heuristic import score_actions
from politburo.kernel.bind import bind
from politburo.kernel.decide import N_VERBS, best_actions, decide, legal, n_targets, next_rung
from politburo.model.actions import Verb, legal_targets
from politburo.model.actions import next_rung as numpy_next_rung
from politburo.model.context import Context
from politburo.model.events import EventLog


@njit
def decide_all(k, t, verb, target):  # type: ignore[no-untyped-def]
    """The kernel plan of every run."""
    for r in range(k.s.alive.shape[0]):
        decide(k, r, t, verb, target)


@njit
def best_all(k, t, best, best_target):  # type: ignore[no-untyped-def]
    """(R, L, 16) the kernel's best legal score of every verb and its target."""
    for r in range(k.s.alive.shape[0]):
        best_actions(k, r, t, best[r], best_target[r], np.empty((0, 0, 0)))


@njit
def legal_all(k, t, verb, out):  # type: ignore[no-untyped-def]
    """(R, L, X) legal targets of ``verb`` by the kernel."""
    R, L = k.s.alive.shape[0], k.s.alive.shape[1]
    for r in range(R):
        for i in range(L):
            for x in range(out.shape[2]):
                out[r, i, x] = legal(k, r, t, verb, i, x)


@njit
def rung_all(k, out):  # type: ignore[no-untyped-def]
    for r in range(k.s.alive.shape[0]):
        for j in range(k.s.alive.shape[1]):
            out[r, j] = next_rung(k, r, j)


@njit
def targets_of(k, verb):  # type: ignore[no-untyped-def]
    return n_targets(k, verb)


def _pair(case: tuple[str, int, tuple[str, ...]]) -> tuple[Any, Any]:
    scenario, month, ablate = case
    base = snapshot(scenario, month, ablate=ablate)
    ctx = fresh_copy(base)
    k = bind(ctx.world, ctx.params, ctx.on, fresh_copy(base).state)
    return ctx, k


@pytest.mark.parametrize("case", cases(), ids=lambda c: f"{c[0]}-{c[1]}-{'-'.join(c[2])}")
def test_decide_and_legal_match_numpy(case: tuple[str, int, tuple[str, ...]]) -> None:
    ctx, k = _pair(case)
    s = ctx.state
    R, L = s.n_runs, ctx.world.n_leaders
    plan = numpy_decide(ctx)
    budget = ctx.params.actions_per_month
    verb = np.full((R, L, budget), 99, dtype=np.int64)
    target = np.full((R, L, budget), 99, dtype=np.int64)
    decide_all(k, s.turn, verb, target)
    bad = (verb != plan.verb) | (target != plan.target)
    assert int(bad.any(axis=2).sum()) == 0, f"{int(bad.any(axis=2).sum())} of {R * L} plans differ"

    # Before the taste noise: the masked max and argmax of every verb's scores.
    scores = score_actions(fresh_copy(ctx))
    best = np.empty((R, L, N_VERBS))
    best_target = np.empty((R, L, N_VERBS), dtype=np.int64)
    best_all(k, s.turn, best, best_target)
    for v in Verb:
        if v == Verb.PASS:
            continue
        masked = np.where(legal_targets(ctx, v), scores[v], -np.inf)
        np.testing.assert_array_equal(best[:, :, v], masked.max(axis=2), err_msg=v.name)
        np.testing.assert_array_equal(best_target[:, :, v], masked.argmax(axis=2), err_msg=v.name)

    rung = np.empty((R, L), dtype=np.int64)
    rung_all(k, rung)
    np.testing.assert_array_equal(rung, numpy_next_rung(ctx))

    mismatches = 0
    for v in Verb:
        expected = legal_targets(ctx, v)
        assert targets_of(k, int(v)) == expected.shape[2]
        got = np.empty(expected.shape, dtype=np.bool_)
        legal_all(k, s.turn, int(v), got)
        mismatches += int((got != expected).sum())
    assert mismatches == 0
    # The kernel's state is untouched by deciding.
    for name in ("patron", "position", "material", "members"):
        np.testing.assert_array_equal(getattr(k.s, name), getattr(s, name))


def test_decide_with_large_noise() -> None:
    """Taste noise above 1 can turn an illegal -inf into +inf (NumPy takes it)."""
    base = snapshot("toy-3", 10)
    params = base.params.model_copy(update={"decision_noise": 2.5})
    ctx = Context(base.world, params, base.on, base.state.copy(), EventLog())
    k = bind(ctx.world, params, ctx.on, fresh_copy(base).state)
    plan = numpy_decide(ctx)
    verb = np.empty_like(plan.verb)
    target = np.empty_like(plan.target)
    decide_all(k, ctx.state.turn, verb, target)
    np.testing.assert_array_equal(verb, plan.verb)
    np.testing.assert_array_equal(target, plan.target)
