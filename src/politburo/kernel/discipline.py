"""The discipline ladder, per run: censure, removal from office, from the leadership,
expulsion, exile — each rung voted in the body the scenario names, the last needing the
police (or army) on the mover's side.

It reproduces the batched NumPy ``model/discipline.py`` it replaced (deleted). A
defeated leader may recant and submit, as Zinoviev and Kamenev did.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from politburo.kernel.decide import next_rung
from politburo.kernel.derive import refresh
from politburo.kernel.events import Event, record
from politburo.kernel.layout import Mechanism, RungEffect
from politburo.kernel.offices import (
    end_alliances,
    fill_office,
    fill_seats,
    leave_posts,
    lose_seat,
    main_office,
    release_bloc,
    vacate_office,
)
from politburo.kernel.votes import tally


@njit(cache=True)
def move_discipline(k, r, t, mover, target, office, rung):  # type: ignore[no-untyped-def]
    """Put a rung against ``target`` to the vote (mover -1: put by the plenum).

    ``rung`` -1 means the next rung; otherwise it names the rung (a scheduled motion:
    "the Testament is read and acted on" puts the removal from office to the vote
    whatever came before). ``office`` -1: the target's main office, else that office."""
    s, p, w = k.s, k.p, k.w
    if rung < 0:
        rung = next_rung(k, r, target)
        if rung < 0:
            return
    yes, no, passed = tally(
        k,
        r,
        t,
        w.rung_role[rung],
        w.rung_joint[rung],
        mover,
        target,
        w.rung_quota[rung],
        False,
        np.zeros(0),
        0.0,
    )
    s.last_discipline[r, target] = t
    kind = Event.MOTION_PASSED if passed else Event.MOTION_FAILED
    record(k, r, t, kind, actor=mover, target=target, obj=rung, yes=yes, no=no)
    if not passed:
        if k.on[Mechanism.LEGITIMACY] and mover >= 0:
            s.prestige[r, mover] = max(0.0, s.prestige[r, mover] - p.defeat_cost)
        return
    _apply(k, r, t, w.rung_effect[rung], rung, target, office)


@njit(cache=True)
def _apply(k, r, t, effect, rung, target, office):  # type: ignore[no-untyped-def]
    """Carry out a rung that passed."""
    s, p = k.s, k.p
    s.rung[r, target] = max(s.rung[r, target], rung)
    if effect == RungEffect.CENSURE:
        if k.on[Mechanism.LEGITIMACY]:
            s.prestige[r, target] = max(0.0, s.prestige[r, target] - p.censure_cost)
        s.pretext[r, target] = min(1.0, s.pretext[r, target] + p.censure_pretext)
    elif effect == RungEffect.REMOVE_OFFICE:
        if office < 0:
            chosen = main_office_of(k, r, target)
        elif s.office_holder[r, office] == target:
            # A named office is taken only from the target, if he holds it.
            chosen = office
        else:
            chosen = -1
        if chosen >= 0:
            vacate_office(k, r, t, chosen)
            fill_office(k, r, t, chosen)
    elif effect == RungEffect.REMOVE_SEAT:
        lose_seat(k, r, t, target)
        fill_seats(k, r, t)
    elif effect == RungEffect.EXPEL:
        s.in_party[r, target] = False
        if s.expelled[r, target] < 0:
            s.expelled[r, target] = t
        record(k, r, t, Event.EXPELLED, actor=target)
        refresh(k, r, t)
        leave_posts(k, r, t, target)
    else:  # exile
        was_member = s.in_party[r, target]
        s.exiled[r, target] = True
        s.in_party[r, target] = False
        if s.expelled[r, target] < 0:
            s.expelled[r, target] = t
        s.exiled_at[r, target] = t
        record(k, r, t, Event.EXILED, actor=target)
        refresh(k, r, t)
        if was_member:
            leave_posts(k, r, t, target)
        release_bloc(k, r, t, target)


@njit(cache=True)
def main_office_of(k, r, leader):  # type: ignore[no-untyped-def]
    """The most powerful office ``leader`` holds (-1 if none)."""
    return main_office(k, r, leader)


@njit(cache=True)
def recant(k, r, t, actor, target):  # type: ignore[no-untyped-def]
    """Submit to the strongest other bloc: become its client (an expelled man is
    readmitted). ``target`` is ignored."""
    s, d = k.s, k.d
    L = s.patron.shape[1]
    new_patron = 0
    best = -np.inf
    for j in range(L):
        power = s.real_power[r, j] if d.principal[r, j] and j != actor else -1.0
        if power > best:
            best = power
            new_patron = j
    for j in range(L):
        if s.patron[r, j] == actor:
            s.patron[r, j] = new_patron
    s.loyalty[r, actor] = k.p.recant_loyalty
    s.faction[r, actor] = False
    end_alliances(k, r, t, actor)
    if not s.in_party[r, actor] and not s.exiled[r, actor]:
        s.in_party[r, actor] = True
    record(k, r, t, Event.RECANTED, actor=actor, target=new_patron)
    refresh(k, r, t)
