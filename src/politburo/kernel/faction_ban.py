"""Faction ban, per run: organized factions, their pull on members (cut by the ban), and
the evidence they leave while the ban is in force.

First ported from the batched NumPy ``model/faction_ban.py`` (deleted, issue #10).
"""

from __future__ import annotations

from numba import njit

from politburo.kernel.events import Event, record
from politburo.kernel.npmath import clip, flag


@njit(cache=True)
def organize_faction(k, r, t, actor, target):  # type: ignore[no-untyped-def]
    """A leader organizes his supporters as a faction."""
    k.s.faction[r, actor] = True
    record(k, r, t, Event.FACTION_ORGANIZED, actor)


@njit(cache=True)
def faction_boost(k, r, i):  # type: ignore[no-untyped-def]
    """The extra appeal leader i's organized faction gives him among members."""
    p = k.p
    penalty = p.faction_ban_penalty if k.d.ban[r] else 0.0
    return flag(k.s.faction[r, i]) * p.faction_coordination * (1.0 - penalty)


@njit(cache=True)
def factional_evidence(k, r, t):  # type: ignore[no-untyped-def]
    """Under the ban an organized faction is itself an offence: evidence accumulates;
    old evidence fades."""
    s, p = k.s, k.p
    ban = k.d.ban[r]
    pretext = s.pretext[r]
    faction = s.faction[r]
    decay = p.pretext_decay
    visibility = p.faction_visibility
    for i in range(pretext.shape[0]):
        visible = faction[i] and ban
        pretext[i] = clip(
            pretext[i] * (1.0 - decay) + flag(visible) * visibility,
            0.0,
            1.0,
        )
