"""Offices and seats change hands, per run: vacating, electing to a vacancy, leaving the
game.

It reproduces the batched NumPy ``model/offices.py`` it replaced (deleted), shared by
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
    SEAT_CANDIDATE,
    SEAT_FULL,
    SEAT_NONE,
    coalition,
    dominant_bloc,
    refresh,
)
from politburo.kernel.events import Event, record
from politburo.kernel.layout import Role

NO_PATRON = -1


@njit(cache=True)
def nominate(k, r, role, for_seat):  # type: ignore[no-untyped-def]
    """The nominee for a post of the coalition commanding the body ``role`` (-1 if
    nobody is eligible); ``for_seat``: only leaders without a leadership seat."""
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
        if not eligible:
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


@njit(cache=True)
def fill_office(k, r, t, office):  # type: ignore[no-untyped-def]
    """Elect a holder for ``office`` if it is vacant."""
    s = k.s
    if s.office_holder[r, office] >= 0:
        return
    nominee = nominate(k, r, k.w.office_elected_by[office], False)
    if nominee >= 0:
        s.office_holder[r, office] = nominee
        record(k, r, t, Event.OFFICE_FILLED, actor=nominee, obj=office)


@njit(cache=True)
def fill_seats(k, r, t):  # type: ignore[no-untyped-def]
    """Fill leadership seats up to the sizes in force: promote candidates, then elect."""
    s, d, w = k.s, k.d, k.w
    L = s.patron.shape[1]
    month = min(t, w.months - 1)
    full_size = w.full_seats[Role.LEADERSHIP, month]
    cand_size = w.candidate_seats[Role.LEADERSHIP, month]
    # Seats change neither who is present nor the committee's blocs, so the derived values
    # stay valid while seats are filled.
    leader_of = dominant_bloc(k, r, Role.COMMITTEE)
    coal = coalition(k, r)[leader_of].copy()
    for _ in range(full_size + cand_size):
        # The incapacitated keep their seats until they die or are removed.
        seated_full = 0
        seated_cand = 0
        for j in range(L):
            if s.alive[r, j] and s.in_party[r, j] and not s.exiled[r, j]:
                if s.seat[r, j] == SEAT_FULL:
                    seated_full += 1
                elif s.seat[r, j] == SEAT_CANDIDATE:
                    seated_cand += 1
        need_full = seated_full < full_size
        need_cand = seated_cand < cand_size and not need_full
        if not (need_full or need_cand):
            return
        # Promote the candidate of the dominant coalition with most prestige.
        who = 0
        best = -np.inf
        for j in range(L):
            if s.seat[r, j] == SEAT_CANDIDATE and d.present[r, j]:
                score = s.prestige[r, j] + (1.0 if coal[j] else 0.0)
            else:
                score = -np.inf
            if score > best:
                best = score
                who = j
        promote = need_full and np.isfinite(best)
        if promote:
            s.seat[r, who] = SEAT_FULL
            record(k, r, t, Event.SEAT_FILLED, actor=who, value=2.0)
            continue
        # Elect a full member (no candidate to promote) or a candidate.
        nominee = nominate(k, r, Role.COMMITTEE, True)
        if nominee < 0:
            return
        seat = SEAT_FULL if need_full else SEAT_CANDIDATE
        s.seat[r, nominee] = seat
        record(k, r, t, Event.SEAT_FILLED, actor=nominee, value=float(seat))


@njit(cache=True)
def lose_seat(k, r, t, leader):  # type: ignore[no-untyped-def]
    """``leader`` loses his leadership seat (recorded once)."""
    s = k.s
    if s.seat[r, leader] == SEAT_NONE:
        return
    s.seat[r, leader] = SEAT_NONE
    if s.lost_seat[r, leader] < 0:
        s.lost_seat[r, leader] = t
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
    """Vacate every office and seat of ``leader``, then elect replacements."""
    s = k.s
    O = s.office_holder.shape[1]  # noqa: E741
    for office in range(O):
        if s.office_holder[r, office] == leader:
            vacate_office(k, r, t, office)
    lose_seat(k, r, t, leader)
    release_bloc(k, r, t, leader)
    refresh(k, r, t)
    for office in range(O):
        fill_office(k, r, t, office)
    fill_seats(k, r, t)


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
