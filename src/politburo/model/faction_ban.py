"""Faction ban: organized opposition becomes detectable, punishable, less coordinated.

"Lenin's rule against factionalism ... limited Trotsky's ability to organize his
supporters" (seed). A leader may organize his supporters as a faction: it raises his pull
on veteran members, but while the ban is in force the boost is cut and an organized
faction leaves evidence (a pretext others can vote on).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from politburo.model.context import Context


def organize_faction(ctx: Context, runs: NDArray[np.int64], actor: NDArray[np.int64]) -> None:
    """A leader organizes his supporters as a faction."""
    s = ctx.state
    s.faction[runs, actor] = True
    ctx.log.record("faction_organized", s.turn, runs, actor=actor)


def faction_boost(ctx: Context) -> NDArray[np.float64]:
    """(R, L) the extra appeal an organized faction gives its leader among members."""
    p = ctx.params
    penalty = np.where(ctx.faction_ban, p.faction_ban_penalty, 0.0)[:, None]
    return ctx.state.faction * p.faction_coordination * (1.0 - penalty)


def factional_evidence(ctx: Context) -> None:
    """Under the ban an organized faction is itself an offence: evidence accumulates;
    old evidence fades."""
    s, p = ctx.state, ctx.params
    visible = s.faction & ctx.faction_ban[:, None]
    s.pretext = np.clip(s.pretext * (1.0 - p.pretext_decay) + visible * p.faction_visibility, 0, 1)
