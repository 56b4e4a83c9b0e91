"""The discipline ladder, per run: censure, removal from office, from the leadership,
expulsion, exile — each rung voted in the body the scenario names, the last needing the
police (or army) on the mover's side.

A defeated leader may recant, as Zinoviev and Kamenev did: readmission on probation,
not a place in the victor's bloc.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from politburo.kernel.decide import direct_rung, next_rung
from politburo.kernel.derive import refresh, restrains, reveal
from politburo.kernel.events import Event, record
from politburo.kernel.layout import Mechanism, RungEffect
from politburo.kernel.offices import (
    fill_between_plenums,
    leave_posts,
    lose_seat,
    main_office,
    release_bloc,
    vacate_office,
)
from politburo.kernel.votes import forecast_votes, tally


@njit(cache=True)
def motion_rung(k, r, mover, target):  # type: ignore[no-untyped-def]
    """The rung ``mover``'s motion against ``target`` puts to the vote: the gravest
    direct rung he has the backing for, else the next rung; -1 if none applies."""
    rung = direct_rung(k, r, mover, target)
    if rung < 0:
        rung = next_rung(k, r, target)
    return rung


@njit(cache=True)
def motion_forecast(k, r, t, mover, target):  # type: ignore[no-untyped-def]
    """(rung, expected yes votes, votes) of the motion ``mover`` would move against
    ``target`` now (:func:`move_discipline`'s vote with its noise at expected values);
    rung -1 and no votes if none applies."""
    w = k.w
    rung = motion_rung(k, r, mover, target)
    if rung < 0:
        return -1, 0.0, 0
    grave = w.rung_effect[rung] >= RungEffect.REMOVE_SEAT
    yes, n = forecast_votes(
        k, r, t, w.rung_role[rung], w.rung_joint[rung], mover, target, grave, False, np.zeros(0)
    )
    return rung, yes, n


@njit(cache=True)
def move_discipline(k, r, t, mover, target, office, rung):  # type: ignore[no-untyped-def]
    """Put a rung against ``target`` to the vote (mover -1: put by the plenum).

    ``rung`` -1 means the gravest direct rung the mover has the backing for
    (:func:`~politburo.kernel.decide.direct_rung`), else the next rung; otherwise it
    names the rung (a scheduled motion:
    "the Testament is read and acted on" puts the removal from office to the vote
    whatever came before). ``office`` -1: the target's main office, else that office."""
    s, p, w = k.s, k.p, k.w
    if rung < 0:
        rung = motion_rung(k, r, mover, target)
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
        w.rung_effect[rung] >= RungEffect.REMOVE_SEAT,
    )
    s.last_discipline[r, target] = t
    holder = s.next_threat[r]
    if w.rung_effect[rung] >= RungEffect.REMOVE_SEAT and restrains(k, r, holder, target):
        record(k, r, t, Event.RESTRAINED, actor=holder, target=target, obj=1)
    # The roll call shows how the mover's and the target's followers vote.
    reveal(k, r, mover)
    reveal(k, r, target)
    kind = Event.MOTION_PASSED if passed else Event.MOTION_FAILED
    record(k, r, t, kind, actor=mover, target=target, obj=rung, yes=yes, no=no)
    if not passed:
        if mover >= 0:
            s.defeated_at[r, mover, target] = t
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
            fill_between_plenums(k, r, t, chosen)
    elif effect == RungEffect.REMOVE_SEAT:
        lose_seat(k, r, t, target)
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
def rehabilitate(k, r, t, leader):  # type: ignore[no-untyped-def]
    """A scheduled rehabilitation: a living leader who was expelled or exiled is
    readmitted and brought back from exile; the charges are withdrawn (pretext 0, no rung
    passed against him). He returns as his own man, without seat or office."""
    s = k.s
    if not s.alive[r, leader] or (s.in_party[r, leader] and not s.exiled[r, leader]):
        return
    s.in_party[r, leader] = True
    s.exiled[r, leader] = False
    s.patron[r, leader] = leader
    s.loyalty[r, leader] = 1.0
    s.pretext[r, leader] = 0.0
    s.rung[r, leader] = -1
    record(k, r, t, Event.REHABILITATED, actor=leader)
    refresh(k, r, t)


@njit(cache=True)
def main_office_of(k, r, leader):  # type: ignore[no-untyped-def]
    """The most powerful office ``leader`` holds (-1 if none)."""
    return main_office(k, r, leader)


@njit(cache=True)
def recant(k, r, t, actor, target):  # type: ignore[no-untyped-def]
    """Recant: the leader dissolves his bloc (his clients, committee seats and
    secretaries owe nobody; his alliances and faction end) and is put on probation, off
    the slates for ``probation`` months, his pretext and stigma kept, still a legal
    target; an expelled man is readmitted. He is nobody's client. ``target`` is
    ignored."""
    s = k.s
    release_bloc(k, r, t, actor)
    s.penitent_since[r, actor] = t
    if not s.in_party[r, actor] and not s.exiled[r, actor]:
        s.in_party[r, actor] = True
    record(k, r, t, Event.RECANTED, actor=actor)
    refresh(k, r, t)
