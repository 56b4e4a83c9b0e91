"""Alliances: coalitions that form against the main threat and break when it is gone.

The triumvirate against Trotsky, the "wary alliance" of the United Opposition, the Right.
A leader fears the strongest rival he perceives; he proposes alliances that make a
minimal winning coalition against that threat; a partner accepts when he fears the same
man more than the proposer and can live with his policies. Alliances are between blocs:
clients follow their patrons. Winning over a client extends a bloc.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from politburo.model.context import Context
from politburo.model.offices import end_alliances
from politburo.model.rng import Stream
from politburo.model.votes import policy_distance
from politburo.model.world import CompiledEffect


def threat_scores(ctx: Context, runs: NDArray[np.int64] | None = None) -> NDArray[np.float64]:
    """(R, L, L) how much leader i fears leader j: perceived power plus stature, weighted
    up by policy distance and down for allies; zero for oneself, one's bloc and absent
    leaders. With ``runs``, only those batch positions (n, L, L), uncached."""
    if runs is None and "threat_scores" in ctx.cache:
        return ctx.cache["threat_scores"]  # type: ignore[return-value]
    s, p = ctx.state, ctx.params
    rows = slice(None) if runs is None else runs
    distance = ctx.pairwise_distance()[rows]
    # Real power as perceived, plus stature: a prestigious independent is a potential
    # rival even while his bloc is powerless.
    potential = ctx.perceived[rows] + p.threat_stature_weight * ctx.seen_power[rows][:, None, :]
    score = potential * (1.0 + p.threat_policy_weight * distance)
    score = np.where(s.ally[rows], score * p.ally_threat_discount, score)
    patron = s.patron[rows]
    rival = ctx.principal[rows][:, None, :] & (patron[:, :, None] != patron[:, None, :])
    score = np.where(rival, score, 0.0)
    if runs is None:
        ctx.cache["threat_scores"] = score
    return score


def main_threat(ctx: Context, runs: NDArray[np.int64] | None = None) -> NDArray[np.int64]:
    """(R, L) each leader's main threat (-1 if none); (n, L) for the given runs."""
    score = threat_scores(ctx, runs)
    best = score.argmax(axis=2)
    return np.where(score.max(axis=2) > 0, best, -1)


def propose_alliance(
    ctx: Context, runs: NDArray[np.int64], actor: NDArray[np.int64], target: NDArray[np.int64]
) -> None:
    """The target accepts if he fears the actor's main threat more than the actor."""
    s, p, w = ctx.state, ctx.params, ctx.world
    k = np.arange(runs.size)
    threat = main_threat(ctx, runs)  # (n, L)
    their_threat = threat[k, target]
    mine = threat[k, actor]
    common = np.maximum(mine, 0)
    fear_common = ctx.perceived[runs, target, common] * (mine >= 0)
    fear_actor = ctx.perceived[runs, target, actor]
    distance = (
        policy_distance(s.position[runs, actor], s.position[runs, target], w.salience[target])
        if "policy" in ctx.on
        else np.zeros(runs.size)
    )
    rigidity = ctx.trait("rigidity")[target]
    arrogance = ctx.trait("arrogance")[actor]
    draw = ctx.random(Stream.ALLIANCE, (w.n_leaders,))[runs, actor]
    utility = (
        p.alliance_fear_weight * (fear_common - fear_actor)
        + p.alliance_common_enemy_bonus * (their_threat == mine)
        - distance / max(p.alliance_policy_tolerance, 1e-9) * ctx.leverage(rigidity)
        - p.alliance_arrogance_cost * arrogance
        + (draw - 0.5) * p.alliance_noise
    )
    # Two leaders may court each other in one month: the second offer finds them allied.
    already = s.ally[runs, actor, target]
    ok = (utility > 0) & ~already
    refused = ~ok & ~already
    a, t, r = actor[ok], target[ok], runs[ok]
    s.ally[r, a, t] = True
    s.ally[r, t, a] = True
    s.ally_since[r, a, t] = s.turn
    s.ally_since[r, t, a] = s.turn
    ctx.log.record("alliance_formed", s.turn, r, actor=a, target=t)
    ctx.log.record(
        "alliance_refused", s.turn, runs[refused], actor=actor[refused], target=target[refused]
    )


def scheduled_alliance(ctx: Context, effect: CompiledEffect) -> None:
    """A scenario event allies the named leaders, every pair of them that still lead
    their own blocs (a leader who has become someone's client cannot bind his patron)."""
    s = ctx.state
    if "alliances" not in ctx.on:
        return
    for i, a in enumerate(effect.leaders):
        for b in effect.leaders[i + 1 :]:
            bloc_a, bloc_b = s.patron[:, a], s.patron[:, b]
            ok = ctx.principal[:, a] & ctx.principal[:, b] & (bloc_a != bloc_b)
            ok &= ~s.ally[ctx.rows, bloc_a, bloc_b]
            runs = ctx.rows[ok]
            x, y = bloc_a[ok], bloc_b[ok]
            s.ally[runs, x, y] = True
            s.ally[runs, y, x] = True
            s.ally_since[runs, x, y] = s.turn
            s.ally_since[runs, y, x] = s.turn
            ctx.log.record("alliance_formed", s.turn, runs, actor=x, target=y)
    ctx.forget_relations()


def break_alliance(
    ctx: Context, runs: NDArray[np.int64], actor: NDArray[np.int64], target: NDArray[np.int64]
) -> None:
    """End an alliance (both ways)."""
    s = ctx.state
    s.ally[runs, actor, target] = False
    s.ally[runs, target, actor] = False
    ctx.log.record("alliance_broken", s.turn, runs, actor=actor, target=target)


def win_over(
    ctx: Context, runs: NDArray[np.int64], actor: NDArray[np.int64], target: NDArray[np.int64]
) -> None:
    """Try to make the target one's client: he comes if the actor looks stronger than
    his present patron (or than himself), policy permitting."""
    s, w, p = ctx.state, ctx.world, ctx.params
    current = s.patron[runs, target]
    pull = ctx.perceived[runs, target, actor] - ctx.perceived[runs, target, current]
    # An unattached leader is bound to his own independence, if less than a client.
    loyalty = s.loyalty[runs, target]
    bond = np.where(current == target, p.independence_bond * loyalty, loyalty)
    distance = (
        policy_distance(s.position[runs, actor], s.position[runs, target], w.salience[target])
        if "policy" in ctx.on
        else np.zeros(runs.size)
    )
    resistance = (
        bond + ctx.trait("ambition")[target] + distance * ctx.trait("rigidity")[target]
    ) / 3
    chance = np.clip(
        p.win_over_base
        + p.win_over_pull * pull * ctx.leverage(ctx.trait("cunning")[actor])
        - p.win_over_resistance * resistance,
        0.0,
        p.win_over_cap,
    )
    draw = ctx.random(Stream.WIN_OVER, (w.n_leaders,))[runs, actor]
    ok = draw < chance
    r, a, t = runs[ok], actor[ok], target[ok]
    s.patron[r, t] = s.patron[r, a]
    s.loyalty[r, t] = p.won_over_loyalty
    end_alliances(ctx, r, t)
    ctx.log.record("won_over", s.turn, r, actor=a, target=t)
    ctx.log.record("win_over_failed", s.turn, runs[~ok], actor=actor[~ok], target=target[~ok])


def drift_loyalty(ctx: Context) -> None:
    """Clients of a strong patron grow more loyal; clients of a fading one less."""
    s, p = ctx.state, ctx.params
    L = ctx.world.n_leaders
    patron_power = s.real_power[ctx.rows[:, None], s.patron]
    client = s.patron != np.arange(L)[None, :]
    s.loyalty = np.where(
        client,
        np.clip(
            s.loyalty + p.loyalty_drift * (patron_power - p.loyalty_floor), p.loyalty_floor, 1.0
        ),
        1.0,
    )
