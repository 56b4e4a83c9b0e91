"""Bodies and votes: each body votes by its own members' loyalties.

A voter weighs patron loyalty (his bloc's instruction), policy distance, the target's
prestige and stigma, fear of the side that looks stronger, and any pretext of
factionalism. Leaders vote in person; committee and control seats follow their bloc
leader unless they desert a side that looks weaker; uncommitted seats judge on seen
power, prestige, stigma, evidence and the line. (Congress votes on the report are counted
from delegations in :mod:`congress`.) Switching ``bodies_and_votes`` off makes everyone vote on
merit, ignoring patrons and alliances.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from politburo.model.context import Context
from politburo.model.rng import Stream
from politburo.model.world import SEAT_FULL


@dataclass(frozen=True)
class Tally:
    """Result of one motion per run."""

    yes: NDArray[np.int64]  # (R,)
    no: NDArray[np.int64]  # (R,)
    passed: NDArray[np.bool_]  # (R,)

    def record(
        self,
        ctx: Context,
        kinds: tuple[str, str],
        runs: NDArray[np.int64],
        actor: NDArray[np.int64],
        target: NDArray[np.int64] | int = -1,
        obj: NDArray[np.int64] | int = -1,
        value: NDArray[np.float64] | float = np.nan,
    ) -> None:
        """Write the vote as a (passed, failed) event of the given kinds, with counts."""
        for kind, sel in zip(kinds, (self.passed, ~self.passed), strict=True):

            def pick(x: NDArray[np.generic] | float, sel: NDArray[np.bool_] = sel) -> Any:
                return x[sel] if isinstance(x, np.ndarray) else x

            ctx.log.record(
                kind,
                ctx.state.turn,
                runs[sel],
                actor=actor[sel],
                target=pick(target),
                obj=pick(obj),
                yes=self.yes[sel],
                no=self.no[sel],
                value=pick(value),
            )


def motion_salt(
    mover: NDArray[np.int64], target: NDArray[np.int64], policy: NDArray[np.float64] | None
) -> NDArray[np.int64]:
    """A per-run number telling motions of one month apart, so each vote draws its own
    noise: (mover, target) for discipline, a different range for policy motions."""
    kind = 0 if policy is None else 1
    return (np.asarray(mover) + 1) * 4099 + (np.asarray(target) + 1) * 3 + kind


def _logistic(uniform: NDArray[np.float64]) -> NDArray[np.float64]:
    """Standard logistic noise from uniform numbers."""
    return np.log(uniform / (1.0 - uniform + 1e-12) + 1e-12)


def policy_distance(
    a: NDArray[np.float64], b: NDArray[np.float64], weight: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Salience-weighted mean distance on the issues, 0-1 (positions are in [-1, 1])."""
    total = np.maximum(weight.sum(axis=-1), 1e-9)
    return (np.abs(a - b) * weight).sum(axis=-1) / (2.0 * total)


def leader_support(
    ctx: Context,
    runs: NDArray[np.int64],
    mover: NDArray[np.int64],
    target: NDArray[np.int64],
    policy_gain: NDArray[np.float64] | None = None,
) -> NDArray[np.float64]:
    """(n, L) how much each leader favours a motion by ``mover`` against ``target``, for
    the batch positions ``runs`` (mover, target: (n,)).

    ``mover`` or ``target`` may be -1 (a motion put by the plenum; a policy motion with no
    target). ``policy_gain`` (R, L) replaces the policy term for policy motions.
    """
    s, p, w = ctx.state, ctx.params, ctx.world
    rows = runs
    L = w.n_leaders
    has_mover = mover >= 0
    has_target = target >= 0
    m = np.maximum(mover, 0)
    t = np.maximum(target, 0)
    u = np.zeros((runs.size, L))
    patron = s.patron[rows]

    if "bodies_and_votes" in ctx.on:
        k = np.arange(runs.size)
        same_bloc = patron == patron[k, m][:, None]
        share = p.vote_alliance_share
        with_mover = np.where(same_bloc, 1.0, np.where(ctx.allied_with(rows, m), share, 0.0))
        same_target = patron == patron[k, t][:, None]
        with_target = np.where(same_target, 1.0, np.where(ctx.allied_with(rows, t), share, 0.0))
        bond = s.loyalty[rows]  # a client's bond; principals have loyalty 1
        u += (
            p.vote_loyalty_weight
            * bond
            * (with_mover * has_mover[:, None] - with_target * has_target[:, None])
        )

    if policy_gain is not None:
        u += p.vote_policy_weight * policy_gain
    elif "policy" in ctx.on:
        sal = w.salience[None, :, :]
        pos = s.position[rows]
        d_target = policy_distance(pos, s.position[rows, t][:, None, :], sal)
        d_mover = policy_distance(pos, s.position[rows, m][:, None, :], sal)
        u += (
            p.vote_policy_weight
            * np.where(has_mover[:, None], d_target - d_mover, d_target - p.vote_policy_reference)
            * has_target[:, None]
        )

    fear_m = np.where(has_mover[:, None], ctx.perceived_of(rows, m), 0.0)
    fear_t = np.where(has_target[:, None], ctx.perceived_of(rows, t), 0.0)
    u += p.vote_fear_weight * (fear_m - fear_t)
    u += _case_against(ctx, rows, mover, target)[:, None]
    noise = ctx.random(Stream.VOTE_LEADERS, (L,), rows, motion_salt(mover, target, policy_gain))
    u += p.vote_noise * _logistic(noise)
    index = np.arange(L)[None, :]
    u = np.where((index == mover[:, None]) & has_mover[:, None], np.inf, u)
    u = np.where((index == target[:, None]) & has_target[:, None], -np.inf, u)
    return u


def merit_support(
    ctx: Context,
    runs: NDArray[np.int64],
    mover: NDArray[np.int64],
    target: NDArray[np.int64],
    policy_gain_line: NDArray[np.float64] | None = None,
) -> NDArray[np.float64]:
    """(n,) support of a voter loyal to no one: seen power, prestige, stigma, the line."""
    s, p, w = ctx.state, ctx.params, ctx.world
    rows = runs
    has_mover = mover >= 0
    has_target = target >= 0
    m = np.maximum(mover, 0)
    t = np.maximum(target, 0)
    u = np.zeros(runs.size)
    if policy_gain_line is not None:
        u += p.vote_policy_weight * policy_gain_line
    elif "policy" in ctx.on:
        mean_sal = w.salience.mean(axis=0)[None, :]
        d_t = policy_distance(s.position[rows, t], s.line[rows], mean_sal)
        d_m = policy_distance(s.position[rows, m], s.line[rows], mean_sal)
        u += (
            p.vote_policy_weight
            * np.where(has_mover, d_t - d_m, d_t - p.vote_policy_reference)
            * has_target
        )
    seen_m = np.where(has_mover, ctx.seen_power[rows, m], 0.0)
    seen_t = np.where(has_target, ctx.seen_power[rows, t], 0.0)
    u += p.vote_fear_weight * (seen_m - seen_t)
    u += _case_against(ctx, rows, mover, target)
    return u


def _case_against(
    ctx: Context, rows: NDArray[np.int64], mover: NDArray[np.int64], target: NDArray[np.int64]
) -> NDArray[np.float64]:
    """(n,) what every voter weighs alike on a disciplinary motion: the target's prestige
    against the mover's, stigma and arrogance, the evidence (factional activity, the
    mover's material), and reluctance to punish a comrade. Zero without a target."""
    s, p = ctx.state, ctx.params
    has_mover = mover >= 0
    has_target = target >= 0
    m = np.maximum(mover, 0)
    t = np.maximum(target, 0)
    prestige_m = np.where(has_mover, s.prestige[rows, m], p.plenum_prestige)
    pretext_scale = np.where(ctx.faction_ban[rows], 1.0, p.unbanned_evidence_weight)
    evidence = s.pretext[rows, t] * pretext_scale + s.material[rows, m, t] * has_mover
    case = (
        -p.vote_prestige_weight * (s.prestige[rows, t] - prestige_m)
        + p.vote_stigma_weight * ctx.stigma[t]
        + p.vote_arrogance_weight * ctx.trait("arrogance")[t]
        + p.vote_pretext_weight * evidence
        - p.vote_collegiality
    )
    return np.where(has_target, case, 0.0)


def tally(
    ctx: Context,
    runs: NDArray[np.int64],
    role: str,
    mover: NDArray[np.int64],
    target: NDArray[np.int64],
    quota: float = 0.5,
    joint_roles: tuple[str, ...] = (),
    policy_gain: NDArray[np.float64] | None = None,
    policy_gain_line: NDArray[np.float64] | None = None,
) -> Tally:
    """Vote a motion in the body with ``role`` (jointly with ``joint_roles``) in the batch
    positions ``runs``; mover and target are (n,) arrays."""
    s = ctx.state
    leaders = leader_support(ctx, runs, mover, target, policy_gain)
    leader_yes = leaders > 0
    if role == "leadership":
        voting = (s.seat[runs] == SEAT_FULL) & ctx.present[runs]
        yes = (voting & leader_yes).sum(axis=1)
        no = (voting & ~leader_yes).sum(axis=1)
    else:
        seats = s.control if role == "control" else s.committee
        yes, no = _seat_vote(ctx, runs, seats, mover, target, leader_yes, policy_gain_line)
    for other in joint_roles:
        if other == role or other not in ("committee", "control"):
            continue
        # A joint sitting: the other body's members vote by their own loyalties too.
        seats = s.control if other == "control" else s.committee
        more_yes, more_no = _seat_vote(
            ctx, runs, seats, mover, target, leader_yes, policy_gain_line, Stream.VOTE_CONTROL
        )
        yes = yes + more_yes
        no = no + more_no
    total = np.maximum(yes + no, 1)
    passed = yes / total > quota
    return Tally(yes=yes.astype(np.int64), no=no.astype(np.int64), passed=passed)


def _seat_vote(
    ctx: Context,
    runs: NDArray[np.int64],
    body: NDArray[np.int64],
    mover: NDArray[np.int64],
    target: NDArray[np.int64],
    leader_yes: NDArray[np.bool_],
    policy_gain_line: NDArray[np.float64] | None,
    stream: Stream = Stream.VOTE_SEATS,
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Yes and no votes of a body of seats (R, S): committed seats follow their bloc
    leader unless they desert a side that looks weaker; the rest judge on merit."""
    s, p = ctx.state, ctx.params
    rows = runs
    k = np.arange(runs.size)
    seats = body[rows]  # (n, S)
    in_use = seats != -2
    committed = seats >= 0
    bloc = np.where(committed, s.patron[rows[:, None], np.maximum(seats, 0)], 0)
    bloc_present = ctx.present[rows[:, None], bloc] & committed
    merit = merit_support(ctx, runs, mover, target, policy_gain_line)  # (n,)
    salt = motion_salt(mover, target, policy_gain_line)
    noise = ctx.random(stream, (seats.shape[1],), rows, salt)
    free_yes = (merit[:, None] + p.seat_vote_noise * _logistic(noise)) > 0
    if "bodies_and_votes" in ctx.on:
        follows = leader_yes[k[:, None], bloc]
        # Seats desert a bloc leader whose side looks weaker to outsiders.
        m, t = np.maximum(mover, 0), np.maximum(target, 0)
        yes_side = np.where(mover >= 0, ctx.seen_power[rows, m], 0.0)
        no_side = np.where(target >= 0, ctx.seen_power[rows, t], 0.0)
        weaker = np.where(follows, (yes_side < no_side)[:, None], (no_side < yes_side)[:, None])
        draw = ctx.random(Stream.DEFECTION, (seats.shape[1],), rows, salt + int(stream))
        desert = draw < p.defection_rate * weaker
        seat_yes = np.where(bloc_present, np.where(desert, free_yes, follows), free_yes)
    else:
        seat_yes = free_yes
    yes = (seat_yes & in_use).sum(axis=1)
    no = (~seat_yes & in_use).sum(axis=1)
    return yes, no
