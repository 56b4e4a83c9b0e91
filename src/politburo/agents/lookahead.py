"""The look-ahead AI: the heuristic's choice checked against a few alternatives by
simulating the coming months.

Each month the strongest bloc leaders (the ones whose choices decide the struggle) each
take the heuristic's plan and a handful of alternative actions the heuristic rated next
best. Every candidate is played out a few months ahead on a copy of the state, everyone
else (and the candidate's later months) decided by the heuristic; the candidate whose
leader holds the most *real* power over those months wins. All candidates of all
searching leaders run as one batch, so a month of search costs a few batched months.

The short look ranks candidates largely by what usually turns into power later (votes,
secretaries, prestige); whether it does depends on the rules and their parameters (when
public votes reveal real power quickly, prestige won before a congress buys little after
it). So a second, longer look checks the one thing played for: an alternative is played
only if it also leaves the leader at least as much real power over the longer span
(``guard_horizon``), on the same imagined futures, as the heuristic's plan.

The rollouts draw their random numbers from streams of their own, shared by every
candidate (common random numbers, so candidates are compared on the same luck) but
different from the game's: the AI imagines a future, it does not read the dice.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from politburo.kernel.bind import bind
from politburo.kernel.reading import refresh_runs
from politburo.kernel.run import decide_runs, play_on
from politburo.kernel.view import View
from politburo.model.actions import TARGET_KIND, Plan, Verb, n_targets
from politburo.model.rng import run_keys

#: separates the rollouts' random streams from the game's
ROLLOUT_SALT = 0x5EA4C


@dataclass(frozen=True)
class LookaheadSettings:
    """How hard the look-ahead AI thinks."""

    horizon: int = 6  # months played out, the current one included
    width: int = 5  # alternative plans tried per searching leader
    samples: int = 4  # imagined futures per candidate (the same ones for every candidate)
    searchers: int = 4  # strongest bloc leaders who search; the rest follow the heuristic
    # Leave the heuristic's plan only for an alternative better by this many standard
    # errors of the paired difference over the samples: with few futures the best-looking
    # candidate is often just the luckiest one, and chasing luck loses to the heuristic.
    confidence: float = 1.0
    win_bonus: float = 1.0  # value of consolidating within the horizon (power is 0-1)
    # A succession struggle is won by stopping the strongest rival as much as by growing:
    # the best-placed leader of another bloc counts against one, with this weight.
    rival_weight: float = 1.0
    # Real power moves in steps (seats, congresses); what turns into power later breaks
    # the ties: the bloc's share of the votes in both bodies, the regional secretaries
    # loyal to it, prestige, and how far down the discipline ladder its leader has gone.
    votes_weight: float = 0.5
    secretaries_weight: float = 0.2
    prestige_weight: float = 0.05
    discipline_weight: float = 0.2
    # The second look: months over which an alternative must hold at least as much of
    # its leader's own real power as the heuristic's plan, on the same imagined futures
    # (0: no second look). It costs a second batch of rollouts this many months long.
    guard_horizon: int = 12


@dataclass(frozen=True)
class Candidate:
    """One plan of one searching leader in one run of the real batch."""

    run: int
    leader: int
    verbs: tuple[int, ...]
    targets: tuple[int, ...]


def searching_leaders(view: View, run: int, count: int, exclude: frozenset[int]) -> list[int]:
    """The ``count`` strongest bloc leaders who can act in batch position ``run``."""
    s = view.state
    able = view.principal[run] & view.can_act[run]
    ranked = np.argsort(-s.real_power[run], kind="stable")
    return [int(i) for i in ranked if able[i] and int(i) not in exclude][:count]


def candidate_plans(
    view: View,
    base: Plan,
    scores: NDArray[np.float64],
    run: int,
    leader: int,
    width: int,
) -> list[Candidate]:
    """The heuristic's plan first, then up to ``width`` variants the heuristic rated next
    best: a verb the plan does not use put first (keeping the plan's best others), or one
    of the plan's verbs aimed at its next best target; and, when the plan does anything,
    doing nothing at all (some moves cost more than they bring).

    ``scores`` is the heuristic's table for the run (L, 16, targets), -inf where
    illegal (:meth:`View.scores`)."""
    budget = base.verb.shape[2]
    plan = [
        (int(v), int(t))
        for v, t in zip(base.verb[run, leader], base.target[run, leader], strict=True)
    ]
    taken = [a for a in plan if a[0] != int(Verb.PASS)]
    used = {v: t for v, t in taken}
    options: list[tuple[float, list[tuple[int, int]]]] = []
    for verb in Verb:
        if verb == Verb.PASS:
            continue
        score = scores[leader, verb, : n_targets(view.world, verb)].copy()
        if not np.isfinite(score).any():
            continue
        if int(verb) in used:
            if TARGET_KIND[verb] == "none":
                continue
            score[used[int(verb)]] = -np.inf  # its next best target instead
            target = int(score.argmax())
            if not np.isfinite(score[target]):
                continue
            variant = [(a if a[0] != int(verb) else (int(verb), target)) for a in taken]
        else:
            target = int(score.argmax())
            if not np.isfinite(score[target]):
                continue
            action = (int(verb), -1 if TARGET_KIND[verb] == "none" else target)
            variant = [action, *taken][:budget]
        options.append((float(score[target]), variant))
    options.sort(key=lambda o: -o[0])
    candidates = [_candidate(run, leader, plan, budget)]
    candidates += [_candidate(run, leader, v, budget) for _, v in options[:width]]
    if taken:
        candidates.append(_candidate(run, leader, [], budget))
    return candidates


def _candidate(run: int, leader: int, actions: list[tuple[int, int]], budget: int) -> Candidate:
    padded = actions + [(int(Verb.PASS), -1)] * (budget - len(actions))
    return Candidate(
        run, leader, tuple(v for v, _ in padded[:budget]), tuple(t for _, t in padded[:budget])
    )


def rollout_values(
    view: View, candidates: list[Candidate], settings: LookaheadSettings
) -> NDArray[np.float64]:
    """(samples, n): for each imagined future and candidate, how the candidate's leader
    stands at the horizon against his best-placed rival.

    A leader's score is his mean real power over the horizon plus his ``standing`` at its
    end; the value is his score less ``rival_weight`` times the best score among the
    other blocs' leaders, plus ``win_bonus`` if he consolidates (minus it if a rival does).

    Called mid-month (events fired, information gathered), as a policy is: the rollout
    finishes the current month with the candidate's plan, then plays on with the
    heuristic. Future ``k`` of every candidate of one run draws the same random numbers."""
    n, k = len(candidates), settings.samples
    s = view.state
    world = view.world
    rows = np.tile(np.array([c.run for c in candidates], dtype=np.int64), k)
    leaders = np.tile(np.array([c.leader for c in candidates], dtype=np.int64), k)
    future = np.repeat(np.arange(k, dtype=np.int64), n)
    state = s.select(rows)
    salt = (int(s.turn) * 1_000_003 + ROLLOUT_SALT) & 0x7FFFFFFFFFFFFFFF
    state.keys = run_keys(salt, s.runs[rows] * k + future)
    # The futures run in the compiled engine, from a copy of the month as it stands.
    kernel = bind(world, view.params, view.on, state)
    plan = Plan.empty(n * k, world.n_leaders, view.params.actions_per_month)
    decide_runs(kernel, s.turn, plan.verb, plan.target)
    positions = np.arange(n * k)
    plan.verb[positions, leaders] = np.tile(np.array([c.verbs for c in candidates]), (k, 1))
    plan.target[positions, leaders] = np.tile(np.array([c.targets for c in candidates]), (k, 1))
    end = min(s.turn + settings.horizon, world.months)
    total = np.zeros((n * k, world.n_leaders))
    play_on(kernel, s.turn, plan.verb, plan.target, end, total)
    months = end - s.turn
    state.turn = end
    refresh_runs(kernel, end)
    sim = View.read(world, view.params, view.on, state, kernel)
    score = total / months + standing(sim, settings)
    own = score[positions, leaders]
    rivals = sim.principal & (state.patron != state.patron[positions, leaders][:, None])
    rival = np.where(rivals, score, -np.inf).max(axis=1)
    rival = np.where(np.isfinite(rival), rival, 0.0)
    won = (state.winner == leaders).astype(np.float64)
    lost = ((state.winner >= 0) & (state.winner != leaders)).astype(np.float64)
    value = own - settings.rival_weight * rival + settings.win_bonus * (won - lost)
    return value.reshape(k, n)


def standing(view: View, settings: LookaheadSettings) -> NDArray[np.float64]:
    """(R, L) what each leader holds that turns into real power later: his bloc's share
    of the votes in both bodies, the regional secretaries loyal to it and his prestige,
    less how far down the discipline ladder he has been moved. ``view`` must be fresh
    (read after a refresh at the month's end)."""
    s = view.state
    rows = view.rows[:, None]
    lead = view.leadership_votes / np.maximum(view.leadership_votes.sum(axis=1), 1)[:, None]
    comm = view.committee_votes / np.maximum((s.committee != -2).sum(axis=1), 1)[:, None]
    votes = (lead + comm)[rows, s.patron] / 2.0
    sec = view.secretary_bloc
    L = view.world.n_leaders
    loyal = np.stack([(sec == b).mean(axis=1) for b in range(L)], axis=1)[rows, s.patron]
    rung = (s.rung.astype(np.float64) + 1.0) / max(len(view.world.ladder), 1)
    return (
        settings.votes_weight * votes
        + settings.secretaries_weight * loyal
        + settings.prestige_weight * s.prestige
        - settings.discipline_weight * rung
    )


def power_held(
    view: View, candidates: list[Candidate], settings: LookaheadSettings
) -> NDArray[np.float64] | None:
    """(samples, n): each candidate's leader's mean real power over the next
    ``guard_horizon`` months (the second look), or None without one."""
    if settings.guard_horizon <= 0:
        return None
    far = replace(
        settings,
        horizon=settings.guard_horizon,
        win_bonus=0.0,
        rival_weight=0.0,
        votes_weight=0.0,
        secretaries_weight=0.0,
        prestige_weight=0.0,
        discipline_weight=0.0,
    )
    return rollout_values(view, candidates, far)


def choose(values: NDArray[np.float64], confidence: float) -> int:
    """Index of the candidate to play among ``values`` (samples, candidates), column 0
    being the heuristic's plan: the best mean, if it beats the plan by ``confidence``
    standard errors of the paired difference (by anything, with one sample)."""
    mean = values.mean(axis=0)
    best = int(mean.argmax())
    gain = mean[best] - mean[0]
    if best == 0 or gain <= 1e-12:
        return 0
    if values.shape[0] > 1:
        spread = float((values[:, best] - values[:, 0]).std(ddof=1))
        if gain <= confidence * spread / np.sqrt(values.shape[0]):
            return 0
    return best


def keeps_power(held: NDArray[np.float64]) -> bool:
    """The second look's verdict on ``held`` (samples, 2): its leader's mean real power
    over the longer span under the heuristic's plan (column 0) and under the alternative
    (column 1), on the same futures; the alternative is played if it keeps on average at
    least what the plan keeps."""
    kept = held.mean(axis=0)
    return bool(kept[1] >= kept[0])


class LookaheadPolicy:
    """A :data:`~politburo.kernel.view.Policy`: the heuristic for everyone, with the
    strongest bloc leaders' plans chosen by look-ahead.

    ``exclude`` names leader indices whose actions come from outside (a human player):
    searching for them would be wasted, since the step replaces their plan.

    ``searched`` and ``changed`` count the (run, leader) decisions searched and those
    where the search overruled the heuristic."""

    def __init__(
        self, settings: LookaheadSettings | None = None, exclude: Iterable[int] = ()
    ) -> None:
        self.settings = settings or LookaheadSettings()
        self.exclude = frozenset(int(i) for i in exclude)
        self.searched = 0
        self.changed = 0

    def __call__(self, view: View) -> Plan:
        base = view.heuristic_plan()
        if view.turn >= view.world.months:
            return base
        candidates: list[Candidate] = []
        groups: list[slice] = []
        for run in range(view.state.n_runs):
            leaders = searching_leaders(view, run, self.settings.searchers, self.exclude)
            scores = view.scores(run) if leaders else None
            for leader in leaders:
                assert scores is not None
                found = candidate_plans(view, base, scores, run, leader, self.settings.width)
                if len(found) > 1:
                    groups.append(slice(len(candidates), len(candidates) + len(found)))
                    candidates += found
        if not candidates:
            return base
        values = rollout_values(view, candidates, self.settings)
        picks = [choose(values[:, group], self.settings.confidence) for group in groups]
        # The second look, for the alternatives chosen only: each against its plan.
        proposed = [n for n, pick in enumerate(picks) if pick]
        pairs = [
            c for n in proposed for c in (candidates[groups[n]][0], candidates[groups[n]][picks[n]])
        ]
        held = power_held(view, pairs, self.settings) if pairs else None
        if held is not None:
            for m, n in enumerate(proposed):
                if not keeps_power(held[:, 2 * m : 2 * m + 2]):
                    picks[n] = 0  # better on the short look, but it gives up real power later
        for group, pick in zip(groups, picks, strict=True):
            self.searched += 1
            if pick:
                chosen = candidates[group][pick]
                base.verb[chosen.run, chosen.leader] = chosen.verbs
                base.target[chosen.run, chosen.leader] = chosen.targets
                self.changed += 1
        return base


def lookahead(view: View) -> Plan:
    """The look-ahead policy with default settings, for ``simulate`` or a game."""
    return LookaheadPolicy()(view)
