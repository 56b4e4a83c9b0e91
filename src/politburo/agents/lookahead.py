"""The look-ahead AI: the heuristic's choice checked against a few alternatives by
simulating the coming months.

Each month the strongest bloc leaders (the ones whose choices decide the struggle) each
take the heuristic's plan and a handful of alternative actions the heuristic rated next
best. Every candidate is played out a few months ahead on a copy of the state, everyone
else (and the candidate's later months) decided by the heuristic; the candidate whose
leader holds the most *real* power over those months wins. All candidates of all
searching leaders run as one batch, so a month of search costs a few batched months.

The rollouts draw their random numbers from streams of their own, shared by every
candidate (common random numbers, so candidates are compared on the same luck) but
different from the game's: the AI imagines a future, it does not read the dice.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from politburo.agents.heuristic import decide, score_actions
from politburo.model.actions import TARGET_KIND, Plan, Verb, legal_targets
from politburo.model.appointment import secretary_bloc
from politburo.model.context import Context
from politburo.model.events import EventLog
from politburo.model.outcome import check_consolidation, measure_power
from politburo.model.rng import run_keys
from politburo.model.step import drift, hold_meetings, resolve_actions, step
from politburo.model.world import CompiledEffect, World

#: effects that ``fire_events`` leaves for after the decisions (meetings of the month)
MEETING_EFFECTS = frozenset({"congress", "conference", "motion"})

#: separates the rollouts' random streams from the game's
ROLLOUT_SALT = 0x5EA4C


@dataclass(frozen=True)
class LookaheadSettings:
    """How hard the look-ahead AI thinks."""

    horizon: int = 3  # months played out, the current one included
    width: int = 5  # alternative actions tried per searching leader
    searchers: int = 4  # strongest bloc leaders who search; the rest follow the heuristic
    win_bonus: float = 1.0  # value of consolidating within the horizon (power is 0-1)
    # Real power moves in steps (seats, congresses); what turns into power later breaks
    # the ties: the share of regional secretaries loyal to one's bloc, and prestige.
    secretaries_weight: float = 0.2
    prestige_weight: float = 0.05


@dataclass(frozen=True)
class Candidate:
    """One plan of one searching leader in one run of the real batch."""

    run: int
    leader: int
    verbs: tuple[int, ...]
    targets: tuple[int, ...]


def meetings_of(world: World, turn: int) -> list[CompiledEffect]:
    """The meetings ``fire_events`` schedules for after this month's decisions."""
    if turn >= world.months:
        return []
    return [e for e in world.effects[turn] if e.effect in MEETING_EFFECTS]


def searching_leaders(ctx: Context, run: int, count: int, exclude: frozenset[int]) -> list[int]:
    """The ``count`` strongest bloc leaders who can act in batch position ``run``."""
    s = ctx.state
    able = ctx.principal[run] & ctx.can_act[run]
    ranked = np.argsort(-s.real_power[run], kind="stable")
    return [int(i) for i in ranked if able[i] and int(i) not in exclude][:count]


def candidate_plans(
    ctx: Context,
    base: Plan,
    scores: dict[Verb, NDArray[np.float64]],
    run: int,
    leader: int,
    width: int,
) -> list[Candidate]:
    """The heuristic's plan and up to ``width`` variants, each putting one of the next best
    legal actions (a verb the plan does not use) first and keeping the plan's best others."""
    budget = base.verb.shape[2]
    plan = [
        (int(v), int(t))
        for v, t in zip(base.verb[run, leader], base.target[run, leader], strict=True)
    ]
    taken = [a for a in plan if a[0] != int(Verb.PASS)]
    used = {v for v, _ in taken}
    options: list[tuple[float, int, int]] = []
    for verb in Verb:
        if verb == Verb.PASS or int(verb) in used:
            continue
        legal = legal_targets(ctx, verb)[run, leader]
        if not legal.any():
            continue
        score = np.where(legal, np.broadcast_to(scores[verb][run, leader], legal.shape), -np.inf)
        target = int(score.argmax())
        if not np.isfinite(score[target]):
            continue
        options.append(
            (float(score[target]), int(verb), -1 if TARGET_KIND[verb] == "none" else target)
        )
    options.sort(key=lambda o: -o[0])
    candidates = [_candidate(run, leader, plan, budget)]
    for _, alternative, target in options[:width]:
        variant = [(alternative, target), *[a for a in taken if a[0] != alternative]][:budget]
        candidates.append(_candidate(run, leader, variant, budget))
    return candidates


def _candidate(run: int, leader: int, actions: list[tuple[int, int]], budget: int) -> Candidate:
    padded = actions + [(int(Verb.PASS), -1)] * (budget - len(actions))
    return Candidate(
        run, leader, tuple(v for v, _ in padded[:budget]), tuple(t for _, t in padded[:budget])
    )


def rollout_values(
    ctx: Context, candidates: list[Candidate], settings: LookaheadSettings
) -> NDArray[np.float64]:
    """(n,) the mean real power each candidate's leader holds over the horizon, a little
    for loyal secretaries and prestige at its end, plus the bonus if he consolidates
    (minus it if a rival does).

    Called mid-month (events fired, information gathered), as a policy is: the rollout
    finishes the current month with the candidate's plan, then plays on with the
    heuristic."""
    n = len(candidates)
    s = ctx.state
    rows = np.array([c.run for c in candidates], dtype=np.int64)
    leaders = np.array([c.leader for c in candidates], dtype=np.int64)
    state = s.select(rows)
    salt = (int(s.turn) * 1_000_003 + ROLLOUT_SALT) & 0x7FFFFFFFFFFFFFFF
    state.keys = run_keys(salt, s.runs[rows])
    sim = Context(ctx.world, ctx.params, ctx.on, state, EventLog(enabled=False))
    plan = decide(sim)
    positions = np.arange(n)
    plan.verb[positions, leaders] = np.array([c.verbs for c in candidates], dtype=np.int64)
    plan.target[positions, leaders] = np.array([c.targets for c in candidates], dtype=np.int64)
    meetings = meetings_of(ctx.world, s.turn)
    resolve_actions(sim, plan)
    hold_meetings(sim, meetings)
    drift(sim)
    measure_power(sim)
    check_consolidation(sim)
    state.turn += 1
    total = state.real_power[positions, leaders].copy()
    months = 1
    while months < settings.horizon and state.turn < ctx.world.months:
        step(sim, decide)
        total += state.real_power[positions, leaders]
        months += 1
    value = total / months
    bloc = state.patron[positions, leaders]
    loyal = (secretary_bloc(sim) == bloc[:, None]).mean(axis=1)
    value += settings.secretaries_weight * loyal
    value += settings.prestige_weight * state.prestige[positions, leaders]
    won = state.winner == leaders
    lost = (state.winner >= 0) & ~won
    return value + settings.win_bonus * (won.astype(np.float64) - lost.astype(np.float64))


class LookaheadPolicy:
    """A policy (``ctx -> Plan``) for :func:`politburo.model.step.step`: the heuristic
    for everyone, with the strongest bloc leaders' plans chosen by look-ahead.

    ``exclude`` names leader indices whose actions come from outside (a human player):
    searching for them would be wasted, since the step replaces their plan."""

    def __init__(
        self, settings: LookaheadSettings | None = None, exclude: Iterable[int] = ()
    ) -> None:
        self.settings = settings or LookaheadSettings()
        self.exclude = frozenset(int(i) for i in exclude)

    def __call__(self, ctx: Context) -> Plan:
        base = decide(ctx)
        if ctx.state.turn >= ctx.world.months:
            return base
        scores = score_actions(ctx)
        candidates: list[Candidate] = []
        for run in range(ctx.state.n_runs):
            for leader in searching_leaders(ctx, run, self.settings.searchers, self.exclude):
                candidates += candidate_plans(ctx, base, scores, run, leader, self.settings.width)
        if not candidates:
            return base
        values = rollout_values(ctx, candidates, self.settings)
        best: dict[tuple[int, int], tuple[float, Candidate]] = {}
        for value, candidate in zip(values.tolist(), candidates, strict=True):
            key = (candidate.run, candidate.leader)
            # Strictly better only: on a tie the heuristic's own plan (listed first) stays.
            if key not in best or value > best[key][0] + 1e-12:
                best[key] = (value, candidate)
        for (run, leader), (_, chosen) in best.items():
            base.verb[run, leader] = chosen.verbs
            base.target[run, leader] = chosen.targets
        return base


def lookahead(ctx: Context) -> Plan:
    """The look-ahead policy with default settings, for ``step`` or ``simulate``."""
    return LookaheadPolicy()(ctx)
