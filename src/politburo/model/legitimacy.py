"""Legitimacy: prestige moved by events and by attacking or defending the line.

The funeral oration ("committed to continue Lenin's work") and Trotsky's absence,
polemics, identification with the line or attacks on it, appeals to the rank and file,
documents that are read. Prestige drifts slowly back toward its starting level.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from politburo.model.context import Context
from politburo.model.votes import policy_distance
from politburo.model.world import POWER, CompiledEffect


def _shift(
    ctx: Context,
    runs: NDArray[np.int64],
    leader: NDArray[np.int64],
    delta: NDArray[np.float64] | float,
) -> None:
    s = ctx.state
    s.prestige[runs, leader] = np.clip(s.prestige[runs, leader] + delta, 0.0, 1.0)


def _line_distance(
    ctx: Context, runs: NDArray[np.int64], leader: NDArray[np.int64]
) -> NDArray[np.float64]:
    s, w = ctx.state, ctx.world
    if "policy" not in ctx.on:
        return np.zeros(runs.size)
    return policy_distance(s.position[runs, leader], s.line[runs], w.salience[leader])


def attack(
    ctx: Context, runs: NDArray[np.int64], actor: NDArray[np.int64], target: NDArray[np.int64]
) -> None:
    """A polemic: the target loses prestige by the attacker's oratory and press; an
    arrogant attacker pays a backlash."""
    p = ctx.params
    oratory = ctx.trait("oratory")[actor]
    press = ctx.powers[runs, actor, POWER["press"]]
    # Attacks bite in proportion to the standing they attack.
    standing = ctx.state.prestige[runs, target]
    _shift(ctx, runs, target, -p.attack_effect * oratory * (1.0 + press) * standing)
    _shift(ctx, runs, actor, -p.attack_backlash * ctx.trait("arrogance")[actor])
    ctx.log.record("attacked", ctx.state.turn, runs, actor=actor, target=target)


def defend_line(ctx: Context, runs: NDArray[np.int64], actor: NDArray[np.int64]) -> None:
    """Identify with the line and the founder's legacy: prestige if one stands near it."""
    gain = ctx.params.line_defence_gain * (1.0 - _line_distance(ctx, runs, actor))
    _shift(ctx, runs, actor, gain)
    ctx.log.record("defended_line", ctx.state.turn, runs, actor=actor)


def criticize_line(ctx: Context, runs: NDArray[np.int64], actor: NDArray[np.int64]) -> None:
    """Attack the line and the apparatus: veterans who agree listen; the loyal and the new
    members resent it, and under a faction ban it looks like factionalism."""
    s, p = ctx.state, ctx.params
    distance = _line_distance(ctx, runs, actor)
    oratory = ctx.trait("oratory")[actor]
    s.appeal[runs, actor] = np.minimum(
        1.0, s.appeal[runs, actor] + p.appeal_standing_gain * oratory * ctx.leverage(distance)
    )
    _shift(ctx, runs, actor, -p.line_criticism_cost * ctx.leverage(ctx.trait("arrogance")[actor]))
    s.pretext[runs, actor] = np.minimum(
        1.0, s.pretext[runs, actor] + np.where(ctx.faction_ban[runs], p.criticism_pretext, 0.0)
    )
    ctx.log.record("criticized_line", s.turn, runs, actor=actor)


def appeal(ctx: Context, runs: NDArray[np.int64], actor: NDArray[np.int64]) -> None:
    """Speak to the rank and file: standing among members and some prestige."""
    s, p = ctx.state, ctx.params
    oratory = ctx.trait("oratory")[actor]
    s.appeal[runs, actor] = np.minimum(
        1.0, s.appeal[runs, actor] + p.appeal_standing_gain * oratory
    )
    _shift(ctx, runs, actor, p.appeal_gain * oratory)
    ctx.log.record("appealed", s.turn, runs, actor=actor)


def prestige_event(ctx: Context, effect: CompiledEffect) -> None:
    """A scenario event shifts one leader's prestige."""
    if "legitimacy" not in ctx.on:
        return
    runs = ctx.rows
    _shift(ctx, runs, np.full(runs.size, effect.leader), effect.value)


def funeral(ctx: Context, effect: CompiledEffect) -> None:
    """Orators gain by the founder's coffin; the absent lose."""
    s, p = ctx.state, ctx.params
    if "legitimacy" not in ctx.on:
        return
    runs = ctx.rows[ctx.present[:, effect.leader] | ~s.alive[:, effect.leader]]
    for orator in effect.leaders:
        here = runs[s.alive[runs, orator]]
        _shift(ctx, here, np.full(here.size, orator), p.funeral_orator_gain)
        ctx.log.record("funeral_oration", s.turn, here, actor=orator, target=effect.leader)
    for absent in effect.others:
        here = runs[s.alive[runs, absent]]
        _shift(ctx, here, np.full(here.size, absent), -p.funeral_absence_cost)
        ctx.log.record("funeral_absence", s.turn, here, actor=absent, target=effect.leader)


def document(ctx: Context, effect: CompiledEffect) -> None:
    """A document about leaders: if read, its judgements move their prestige."""
    if not effect.flag or "legitimacy" not in ctx.on:
        return
    runs = ctx.rows
    for leader, delta in effect.about:
        _shift(ctx, runs, np.full(runs.size, leader), delta)
    ctx.log.record("document_read", ctx.state.turn, runs)


def drift_prestige(ctx: Context) -> None:
    """Prestige returns slowly toward its starting level; appeals fade."""
    s, p = ctx.state, ctx.params
    if "legitimacy" not in ctx.on:
        s.prestige[:] = ctx.world.prestige0[None, :]
        return
    s.prestige += p.prestige_drift * (ctx.world.prestige0[None, :] - s.prestige)
    s.appeal *= 1.0 - p.appeal_decay
