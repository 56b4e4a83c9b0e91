"""Offices and seats change hands, per run: vacating, electing to a vacancy, leaving the
game (the committee's elections are in :mod:`politburo.kernel.plenum`).

First ported from the batched NumPy ``model/offices.py`` (deleted, issue #10), shared by
the mechanisms that remove people (discipline, death) and by the congress. A vacancy is
filled by the body that elects to it: the coalition with most votes there nominates, and
prefers its own clients (spreading its bloc) over its leader. Dominant blocs and
coalitions are the run's cached ones (:mod:`politburo.kernel.derive`), rebuilt only
after a refresh, as in NumPy.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from politburo.kernel.derive import (
    SEAT_NONE,
    coalition,
    dominant_bloc,
    refresh,
)
from politburo.kernel.events import Event, record
from politburo.kernel.layout import Role

NO_PATRON = -1


@njit(cache=True)
def nominate(k, r, t, role, for_seat):  # type: ignore[no-untyped-def]
    """The nominee for a post of the coalition commanding the body ``role`` (-1 if
    nobody is eligible; nobody on probation is); ``for_seat``: only leaders without a
    leadership seat."""
    s, d, w, p = k.s, k.d, k.w, k.p
    L = s.patron.shape[1]
    O = s.office_holder.shape[1]  # noqa: E741
    leader_of = dominant_bloc(k, r, role)
    coal = coalition(k, r)
    # The run's rows, bound once; offices held counted in one pass.
    present = d.present[r]
    actor = w.actor
    seat = s.seat[r]
    patron = s.patron[r]
    prestige = s.prestige[r]
    holders = s.office_holder[r]
    client_bonus = p.nominee_client_bonus
    office_penalty = p.nominee_office_penalty
    held = np.zeros(L, dtype=np.int64)
    for o in range(O):
        if holders[o] >= 0:
            held[holders[o]] += 1
    best = -1
    best_score = -np.inf
    for j in range(L):
        eligible = present[j] and actor[j] and coal[leader_of, j]
        if for_seat:
            eligible = eligible and seat[j] == SEAT_NONE
        if not eligible or on_probation(k, r, t, j):
            continue
        offices_held = held[j]
        is_client = patron[j] != j
        score = (
            prestige[j] + client_bonus * (1.0 if is_client else 0.0) - office_penalty * offices_held
        )
        if best < 0 or score > best_score:
            best = j
            best_score = score
    if best >= 0 and not np.isfinite(best_score):
        return -1
    return best


@njit(cache=True)
def vacate_office(k, r, t, office):  # type: ignore[no-untyped-def]
    """Remove the holder of ``office`` and record it."""
    s = k.s
    holder = s.office_holder[r, office]
    if holder < 0:
        return
    s.office_holder[r, office] = -1
    if s.lost_office[r, holder, office] < 0:
        s.lost_office[r, holder, office] = t
    record(k, r, t, Event.OFFICE_LOST, actor=holder, obj=office)


@njit(cache=True, inline="always")
def on_probation(k, r, t, j):  # type: ignore[no-untyped-def]
    """Whether leader j recanted less than ``probation`` months ago."""
    since = k.s.penitent_since[r, j]
    return since >= 0 and t - since < k.p.probation


@njit(cache=True)
def fill_office_now(k, r, t, office):  # type: ignore[no-untyped-def]
    """Elect a holder for ``office`` if it is vacant (the body that appoints to it is
    sitting): the nominee of the coalition commanding that body."""
    if k.s.office_holder[r, office] >= 0:
        return
    nominee = nominate(k, r, t, k.w.office_elected_by[office], False)
    if nominee >= 0:
        k.s.office_holder[r, office] = nominee
        record(k, r, t, Event.OFFICE_FILLED, actor=nominee, obj=office)


@njit(cache=True)
def fill_between_plenums(k, r, t, office):  # type: ignore[no-untyped-def]
    """A vacancy arising between plenums: filled at once by a body that sits
    continuously (the leadership, the secretariat, the control body); one the committee
    or the congress appoints to waits for it to meet."""
    role = k.w.office_elected_by[office]
    if role == Role.COMMITTEE or role == Role.CONGRESS:
        return
    fill_office_now(k, r, t, office)


@njit(cache=True)
def lose_seat(k, r, t, leader):  # type: ignore[no-untyped-def]
    """``leader`` loses his leadership seat (recorded once)."""
    s = k.s
    if s.seat[r, leader] == SEAT_NONE:
        return
    s.seat[r, leader] = SEAT_NONE
    if s.lost_seat[r, leader] < 0:
        s.lost_seat[r, leader] = t
    s.seat_lost_at[r, leader] = t
    record(k, r, t, Event.SEAT_LOST, actor=leader)


@njit(cache=True)
def end_alliances(k, r, t, leader):  # type: ignore[no-untyped-def]
    """Every alliance of ``leader`` ends (he submitted or left politics)."""
    s = k.s
    L = s.patron.shape[1]
    for j in range(L):
        if s.ally[r, leader, j]:
            record(k, r, t, Event.ALLIANCE_ENDED, actor=leader, target=j)
    for j in range(L):
        s.ally[r, leader, j] = False
    for j in range(L):
        s.ally[r, j, leader] = False


@njit(cache=True)
def release_bloc(k, r, t, leader):  # type: ignore[no-untyped-def]
    """``leader`` leaves politics: his clients become principals; his committee and
    control seats and his secretaries owe nobody; his alliances end; his faction
    dissolves."""
    s = k.s
    L = s.patron.shape[1]
    for j in range(L):
        if s.patron[r, j] == leader and j != leader:
            s.patron[r, j] = j
            s.loyalty[r, j] = 1.0
    for q in range(s.committee.shape[1]):
        if s.committee[r, q] == leader:
            s.committee[r, q] = NO_PATRON
    for q in range(s.control.shape[1]):
        if s.control[r, q] == leader:
            s.control[r, q] = NO_PATRON
    for g in range(s.secretary_patron.shape[1]):
        if s.secretary_patron[r, g] == leader:
            s.secretary_patron[r, g] = NO_PATRON
    end_alliances(k, r, t, leader)
    s.faction[r, leader] = False


@njit(cache=True)
def leave_posts(k, r, t, leader):  # type: ignore[no-untyped-def]
    """Vacate every office and seat of ``leader``; the posts wait for the bodies that
    appoint to them (:func:`fill_between_plenums`)."""
    s = k.s
    O = s.office_holder.shape[1]  # noqa: E741
    for office in range(O):
        if s.office_holder[r, office] == leader:
            vacate_office(k, r, t, office)
    lose_seat(k, r, t, leader)
    release_bloc(k, r, t, leader)
    refresh(k, r, t)
    for office in range(O):
        fill_between_plenums(k, r, t, office)


@njit(cache=True)
def main_office(k, r, leader):  # type: ignore[no-untyped-def]
    """The most powerful office ``leader`` holds (-1 if none)."""
    s, w = k.s, k.w
    best = 0
    best_score = -np.inf
    for o in range(s.office_holder.shape[1]):
        score = w.office_weight[o] if s.office_holder[r, o] == leader else -1.0
        if score > best_score:
            best_score = score
            best = o
    return best if best_score >= 0 else -1
