"""Information: office holders with information powers learn of plots and factions.

"Access to personal information of party members, the head of the secret police reports
to him" (seed). Information (0-1) comes from offices (and from offices that report to
one's own); it detects organized factions, gathers compromising material, and narrows
the gap between seen and real power (see :mod:`perception`).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from politburo.model.context import Context
from politburo.model.rng import Stream


def gather_information(ctx: Context) -> None:
    """Leaders with information detect organized factions of other blocs."""
    s, p = ctx.state, ctx.params
    if "information" not in ctx.on or not s.faction.any():
        return
    L = ctx.world.n_leaders
    draw = ctx.random(Stream.DETECTION, (L, L))
    other_bloc = s.patron[:, :, None] != s.patron[:, None, :]
    chance = p.detection_rate * ctx.info[:, :, None] * (ctx.present[:, :, None] & other_bloc)
    detected = (draw < chance) & s.faction[:, None, :]
    s.material += detected * p.material_gain
    found = detected.any(axis=1)  # (R, L) factions found this month
    first = detected.argmax(axis=1)
    pretext = p.detection_pretext * np.where(ctx.faction_ban, 1.0, p.unbanned_evidence_weight)
    pretext = pretext[:, None]
    s.pretext = np.minimum(1.0, s.pretext + found * pretext)
    rr, jj = np.nonzero(found)
    ctx.log.record("faction_detected", s.turn, rr, actor=first[rr, jj], target=jj)


def gather_material(
    ctx: Context, runs: NDArray[np.int64], actor: NDArray[np.int64], target: NDArray[np.int64]
) -> None:
    """Collect compromising material on a rival (more with information and cunning)."""
    s, p = ctx.state, ctx.params
    cunning = ctx.trait("cunning")[actor]
    gain = p.material_gain * ctx.info[runs, actor] * ctx.leverage(cunning)
    s.material[runs, actor, target] = np.minimum(1.0, s.material[runs, actor, target] + gain)
    ctx.log.record("gathered_material", s.turn, runs, actor=actor, target=target, value=gain)


def decay_material(ctx: Context) -> None:
    """Old material loses its force."""
    s = ctx.state
    s.material *= 1.0 - ctx.params.material_decay
