"""Information, per run: office holders with information detect organized factions and
gather compromising material, which decays.

First ported from the batched NumPy ``model/information.py`` (deleted, issue #10).
"""

from __future__ import annotations

from numba import njit

from politburo.kernel.derive import leverage
from politburo.kernel.events import Event, record
from politburo.kernel.layout import Mechanism, Trait
from politburo.kernel.npmath import flag
from politburo.kernel.rng import element, stream_base
from politburo.model.rng import Stream

_DETECTION = int(Stream.DETECTION)


@njit(cache=True)
def gather_information(k, r, t):  # type: ignore[no-untyped-def]
    """Leaders with information detect organized factions of other blocs."""
    s, d, p = k.s, k.d, k.p
    if not k.on[Mechanism.INFORMATION]:
        return
    L = s.faction.shape[1]
    any_faction = False
    for j in range(L):
        any_faction = any_faction or s.faction[r, j]
    if not any_faction:
        return
    base = stream_base(s.keys[r], t, _DETECTION, 0)
    pretext = p.detection_pretext * (1.0 if d.ban[r] else p.unbanned_evidence_weight)
    for j in range(L):
        if not s.faction[r, j]:
            continue
        first = -1
        for i in range(L):
            able = d.present[r, i] and s.patron[r, i] != s.patron[r, j]
            chance = p.detection_rate * d.info[r, i] * flag(able)
            if element(base, i * L + j) < chance:
                s.material[r, i, j] += p.material_gain
                if first < 0:
                    first = i
        if first >= 0:
            # The faction found is evidence worth ``detection_pretext``; finding the
            # same faction again the next month adds nothing new.
            s.pretext[r, j] = min(1.0, max(s.pretext[r, j], pretext))
            record(k, r, t, Event.FACTION_DETECTED, first, j)


@njit(cache=True)
def gather_material(k, r, t, actor, target):  # type: ignore[no-untyped-def]
    """Collect compromising material on a rival (more with information and cunning)."""
    s = k.s
    cunning = k.w.traits[actor, Trait.CUNNING]
    gain = k.p.material_gain * k.d.info[r, actor] * leverage(k, cunning)
    s.material[r, actor, target] = min(1.0, s.material[r, actor, target] + gain)
    record(k, r, t, Event.GATHERED_MATERIAL, actor, target, value=gain)


@njit(cache=True)
def decay_material(k, r, t):  # type: ignore[no-untyped-def]
    """Old material loses its force."""
    material = k.s.material[r]
    factor = 1.0 - k.p.material_decay
    L = material.shape[0]
    for i in range(L):
        for j in range(L):
            material[i, j] *= factor
