"""Read the month out of the kernel for decisions made outside it: every run's relations,
a leader's legal actions, the heuristic's scores of every legal action, and the month
split at the decisions (so that a policy written in Python can decide in between).

:class:`politburo.kernel.view.View` wraps these for Python callers.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from politburo.kernel.alliances import alliance_chance, win_over_chance
from politburo.kernel.decide import N_VERBS, best_actions, decide, legal, n_targets
from politburo.kernel.derive import coalition, perceived, refresh, secretary_bloc
from politburo.kernel.discipline import motion_forecast
from politburo.kernel.month import begin_month, finish_month
from politburo.kernel.policy import policy_forecast
from politburo.model.actions import Verb

_PROPOSE_ALLIANCE = int(Verb.PROPOSE_ALLIANCE)
_WIN_OVER = int(Verb.WIN_OVER)
_PROPOSE_POLICY = int(Verb.PROPOSE_POLICY)
_MOVE_DISCIPLINE = int(Verb.MOVE_DISCIPLINE)


@njit(cache=True, nogil=True)
def refresh_runs(k, t):  # type: ignore[no-untyped-def]
    """Every run's derived values rebuilt for month ``t`` (the state is not changed)."""
    for r in range(k.s.alive.shape[0]):
        refresh(k, r, t)


@njit(cache=True, nogil=True)
def begin_runs(k, t):  # type: ignore[no-untyped-def]
    """Month ``t`` of every run up to the decisions: scheduled events, information."""
    for r in range(k.s.alive.shape[0]):
        begin_month(k, r, t)


@njit(cache=True, nogil=True)
def finish_runs(k, t, plan_verb, plan_target):  # type: ignore[no-untyped-def]
    """Month ``t`` of every run from the decisions on, with the given plan (R, L, K)."""
    for r in range(k.s.alive.shape[0]):
        finish_month(k, r, t, plan_verb, plan_target)


@njit(cache=True, nogil=True)
def decide_all(k, t, plan_verb, plan_target):  # type: ignore[no-untyped-def]
    """The heuristic's plan of every leader in every run (derived values must be fresh)."""
    for r in range(k.s.alive.shape[0]):
        decide(k, r, t, plan_verb, plan_target)


@njit(cache=True, nogil=True)
def relations(k, seen_out, coalition_out, secretary_out):  # type: ignore[no-untyped-def]
    """Copy every run's perceived power (R, L, L), coalitions (R, L, L) and the bloc of
    each region's secretary (R, G) into the given arrays."""
    R, L = k.s.alive.shape
    G = k.s.secretary_patron.shape[1]
    for r in range(R):
        seen = perceived(k, r)
        coal = coalition(k, r)
        for i in range(L):
            for j in range(L):
                seen_out[r, i, j] = seen[i, j]
                coalition_out[r, i, j] = coal[i, j]
        for g in range(G):
            secretary_out[r, g] = secretary_bloc(k, r, g)


@njit(cache=True, nogil=True)
def legal_mask(k, r, t, leader, out):  # type: ignore[no-untyped-def]
    """``out[verb, target]``: whether ``leader`` may take the action in run r at month t
    (target 0 stands for verbs that take none); ``out`` is (16, targets), all False."""
    for v in range(N_VERBS):
        for j in range(n_targets(k, v)):
            out[v, j] = legal(k, r, t, v, leader, j)


@njit(cache=True, nogil=True)
def score_table(k, r, t, table):  # type: ignore[no-untyped-def]
    """``table[leader, verb, target]``: the heuristic's score of every legal action in run
    r at month t, before its taste noise; ``table`` (L, 16, targets) comes filled with
    -inf, which illegal actions keep."""
    L = k.s.alive.shape[1]
    best = np.empty((L, N_VERBS))
    best_target = np.empty((L, N_VERBS), dtype=np.int64)
    best_actions(k, r, t, best, best_target, table)


@njit(cache=True, nogil=True)
def forecast_action(k, r, t, leader, verb, target, out):  # type: ignore[no-untyped-def]
    """What the rules expect of ``leader``'s action (``verb``, ``target``) in run r at
    month t, into ``out`` (4,): the chance it succeeds (-1 where it is not a matter of
    chance: a vote or a sure effect), the expected yes votes and the votes of its vote
    (0 and 0 if none), and the rung a disciplinary motion would put (-1 otherwise)."""
    out[0] = -1.0
    out[1] = 0.0
    out[2] = 0.0
    out[3] = -1.0
    if verb == _PROPOSE_ALLIANCE:
        out[0] = alliance_chance(k, r, leader, target)
    elif verb == _WIN_OVER:
        out[0] = win_over_chance(k, r, leader, target)
    elif verb == _PROPOSE_POLICY:
        yes, n = policy_forecast(k, r, t, leader, target)
        out[1] = yes
        out[2] = n
    elif verb == _MOVE_DISCIPLINE:
        rung, yes, n = motion_forecast(k, r, t, leader, target)
        out[1] = yes
        out[2] = n
        out[3] = rung
