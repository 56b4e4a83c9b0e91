"""Legitimacy, per run: prestige moved by polemics, by defending or attacking the line,
by appeals, funerals and documents; its slow drift back.

First ported from the batched NumPy ``model/legitimacy.py`` (deleted, issue #10).
"""

from __future__ import annotations

from numba import njit

from politburo.kernel.derive import leverage, policy_gap
from politburo.kernel.events import Event, record
from politburo.kernel.layout import Mechanism, Power, Trait
from politburo.kernel.npmath import clip


@njit(cache=True, inline="always")
def _shift(k, r, leader, delta):  # type: ignore[no-untyped-def]
    """Move a leader's prestige by ``delta``, within 0-1."""
    k.s.prestige[r, leader] = clip(k.s.prestige[r, leader] + delta, 0.0, 1.0)


@njit(cache=True)
def _line_distance(k, r, leader):  # type: ignore[no-untyped-def]
    """A leader's policy distance to the line by his salience (0 without policy)."""
    if not k.on[Mechanism.POLICY]:
        return 0.0
    return policy_gap(k, r, leader, -1, leader)


@njit(cache=True)
def attack(k, r, t, actor, target):  # type: ignore[no-untyped-def]
    """A polemic: the target loses prestige by the attacker's oratory and press; an
    arrogant attacker pays a backlash."""
    p, w = k.p, k.w
    oratory = w.traits[actor, Trait.ORATORY]
    press = k.d.powers[r, actor, Power.PRESS]
    # Attacks bite in proportion to the standing they attack.
    standing = k.s.prestige[r, target]
    _shift(k, r, target, -p.attack_effect * oratory * (1.0 + press) * standing)
    _shift(k, r, actor, -p.attack_backlash * w.traits[actor, Trait.ARROGANCE])
    record(k, r, t, Event.ATTACKED, actor, target)


@njit(cache=True)
def defend_line(k, r, t, actor, target):  # type: ignore[no-untyped-def]
    """Identify with the line and the founder's legacy: prestige if one stands near it."""
    gain = k.p.line_defence_gain * (1.0 - _line_distance(k, r, actor))
    _shift(k, r, actor, gain)
    record(k, r, t, Event.DEFENDED_LINE, actor)


@njit(cache=True)
def criticize_line(k, r, t, actor, target):  # type: ignore[no-untyped-def]
    """Attack the line and the apparatus: veterans who agree listen; the loyal and the new
    members resent it, and under a faction ban it looks like factionalism. Going into
    opposition makes the actor a contender (``led_bloc``) for good."""
    s, p, w = k.s, k.p, k.w
    s.led_bloc[r, actor] = True
    distance = _line_distance(k, r, actor)
    oratory = w.traits[actor, Trait.ORATORY]
    s.appeal[r, actor] = min(
        1.0, s.appeal[r, actor] + p.appeal_standing_gain * oratory * leverage(k, distance)
    )
    _shift(k, r, actor, -p.line_criticism_cost * leverage(k, w.traits[actor, Trait.ARROGANCE]))
    s.pretext[r, actor] = min(
        1.0, s.pretext[r, actor] + (p.criticism_pretext if k.d.ban[r] else 0.0)
    )
    record(k, r, t, Event.CRITICIZED_LINE, actor)


@njit(cache=True)
def appeal(k, r, t, actor, target):  # type: ignore[no-untyped-def]
    """Speak to the rank and file: standing among members and some prestige."""
    s, p = k.s, k.p
    oratory = k.w.traits[actor, Trait.ORATORY]
    s.appeal[r, actor] = min(1.0, s.appeal[r, actor] + p.appeal_standing_gain * oratory)
    _shift(k, r, actor, p.appeal_gain * oratory)
    record(k, r, t, Event.APPEALED, actor)


@njit(cache=True)
def prestige_event(k, r, t, leader, delta):  # type: ignore[no-untyped-def]
    """A scenario event shifts one leader's prestige."""
    if k.on[Mechanism.LEGITIMACY]:
        _shift(k, r, leader, delta)


@njit(cache=True)
def funeral(k, r, t, founder, orators, absent):  # type: ignore[no-untyped-def]
    """Orators gain by the founder's coffin; the absent lose (``orators``, ``absent``:
    leaders, -1 padded)."""
    s, p = k.s, k.p
    if not k.on[Mechanism.LEGITIMACY]:
        return
    if not (k.d.present[r, founder] or not s.alive[r, founder]):
        return
    for n in range(orators.shape[0]):
        orator = orators[n]
        if orator >= 0 and s.alive[r, orator]:
            _shift(k, r, orator, p.funeral_orator_gain)
            record(k, r, t, Event.FUNERAL_ORATION, orator, founder)
    for n in range(absent.shape[0]):
        who = absent[n]
        if who >= 0 and s.alive[r, who]:
            _shift(k, r, who, -p.funeral_absence_cost)
            record(k, r, t, Event.FUNERAL_ABSENCE, who, founder)


@njit(cache=True)
def document(k, r, t, read, about_leaders, about_deltas):  # type: ignore[no-untyped-def]
    """A document about leaders: if read, its judgements move their prestige
    (``about_leaders`` -1 padded)."""
    if not read or not k.on[Mechanism.LEGITIMACY]:
        return
    for n in range(about_leaders.shape[0]):
        if about_leaders[n] >= 0:
            _shift(k, r, about_leaders[n], about_deltas[n])
    record(k, r, t, Event.DOCUMENT_READ)


@njit(cache=True)
def drift_prestige(k, r, t):  # type: ignore[no-untyped-def]
    """Prestige returns slowly toward its starting level; appeals fade."""
    s, p, w = k.s, k.p, k.w
    prestige = s.prestige[r]
    prestige0 = w.prestige0
    L = prestige.shape[0]
    if not k.on[Mechanism.LEGITIMACY]:
        for i in range(L):
            prestige[i] = prestige0[i]
        return
    rate = p.prestige_drift
    for i in range(L):
        prestige[i] += rate * (prestige0[i] - prestige[i])
    appeal = s.appeal[r]
    keep = 1.0 - p.appeal_decay
    for i in range(L):
        appeal[i] *= keep
