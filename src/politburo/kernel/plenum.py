"""Plenums of the committee, per run: the committee elects the leadership body and the
offices it appoints to, the last link of the circular flow ("the congress elects the
CC; the CC elects the Politburo and the Secretary"). Before it votes, a coalition that
no longer needs an ally drops him (:func:`~politburo.kernel.alliances.shed_surplus_allies`).

A plenum follows every congress and meets every ``plenum_interval`` months between
them. The coalition commanding most committee seats drafts the slate. Its own members
come first; an outsider who leads (or follows) a bloc of the opposite camp (the front
against the common threat, or the threatened: ``alliances.form_camps``) stays on the slate
only while leaving him off would cost more than the seat he takes: ``exclusion_cost`` times his
prestige and following, less what the evidence against him (pretext) takes off as far
as the majority's margin lets it carry the case, against ``inclusion_cost`` (Svolik
2012 on the cost of excluding allies; the collective leadership of 1924-25 and the
demotions by omission of 1926). Outsiders of neither camp keep their seats on their
stature, and the common threat keeps his while a member the coalition cannot win without
would be the next threat (:func:`~politburo.kernel.derive.restrains`). A
sitting holder is preferred by ``incumbency_bonus``. Without a committee majority the
slate can only fill vacancies: every sitting member stays.

The slate ranks the eligible: the top ``full`` take full seats, the next ``candidate``
candidate seats; a full member ranked among the candidates is demoted, one ranked out
loses his seat; a sitting candidate it would not keep is dropped (demotion is a step on the
way out). The incapacitated keep their seats; a leader who recanted stays off the
slate for new seats and offices for ``probation`` months, and one who lost his seat gets
no new one for as long. Only rivals, leaders of (or
men in) a bloc, are worth a case: one who never led a bloc (a head of state, a
technician) is kept on his prestige alone.

Vacant offices the committee appoints to are filled here, and offices held by rivals the
slate would not keep are reassigned. Vacancies wait for the plenum: death, expulsion or a
removal motion leaves the post empty until then.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from politburo.kernel.alliances import form_camps, shed_surplus_allies
from politburo.kernel.derive import (
    SEAT_CANDIDATE,
    SEAT_FULL,
    SEAT_NONE,
    coalition,
    dominant_bloc,
    opposed,
    refresh,
    restrains,
    seats_in_use,
)
from politburo.kernel.events import Event, record
from politburo.kernel.layout import Mechanism, Role
from politburo.kernel.npmath import clip
from politburo.kernel.offices import fill_office_now, lose_seat, on_probation, vacate_office

#: value of a sitting member the slate cannot drop (no majority to drop him)
_SECURE = 1e6


@njit(cache=True)
def due(k, r, t):  # type: ignore[no-untyped-def]
    """Whether the committee meets this month on its own cadence."""
    return t - k.s.last_plenum[r] >= k.p.plenum_interval


@njit(cache=True)
def seated(k, r, j):  # type: ignore[no-untyped-def]
    """Whether leader j can hold a seat or an office at all (alive, a member, not
    exiled); the incapacitated can."""
    s = k.s
    return s.alive[r, j] and s.in_party[r, j] and not s.exiled[r, j]


@njit(cache=True)
def recently_dropped(k, r, t, j):  # type: ignore[no-untyped-def]
    """Whether leader j lost his leadership seat less than ``probation`` months ago (the
    committee does not re-elect at once the man it, or a motion, has just dropped)."""
    since = k.s.seat_lost_at[r, j]
    return since >= 0 and t - since < k.p.probation


@njit(cache=True)
def majority(k, r):  # type: ignore[no-untyped-def]
    """(leader of the committee's dominant coalition, its seats, its share of the seats
    in use)."""
    s, d = k.s, k.d
    L = s.patron.shape[1]
    leader = dominant_bloc(k, r, Role.COMMITTEE)
    coal = coalition(k, r)[leader]
    votes = 0
    for j in range(L):
        if coal[j]:
            votes += d.comm_votes[r, j]
    return leader, votes, votes / max(seats_in_use(k, r), 1)


@njit(cache=True)
def keep_value(k, r, share, j):  # type: ignore[no-untyped-def]
    """What leaving outsider j off the slate of ``leader``'s coalition (holding
    ``share`` of the committee) would cost it: ``exclusion_cost`` times his prestige and
    following, less what the case against him (his pretext) takes off, as far as the
    majority's margin lets it carry that case; without a case, or without a margin, a
    man of stature stays. Only one who leads or follows a rival bloc is worth a case.
    Above ``inclusion_cost`` the slate keeps him."""
    s, d, p = k.s, k.d, k.p
    bloc = s.patron[r, j]
    following = d.comm_votes[r, bloc] / max(seats_in_use(k, r), 1) if bloc == j else 0.0
    margin = clip(2.0 * share - 1.0, 0.0, 1.0) if s.led_bloc[r, bloc] else 0.0
    stature = s.prestige[r, j] + following
    return p.exclusion_cost * stature * (1.0 - s.pretext[r, j] * margin)


@njit(cache=True)
def _shield(k, r, j, coal):  # type: ignore[no-untyped-def]
    """Who keeps the slate of the coalition flagged in ``coal`` (L,) from dropping or
    demoting j: one of its bloc leaders who restrains
    (:func:`~politburo.kernel.derive.restrains`) and without whose bloc's seats the rest
    hold no majority of the committee; -1 if nobody."""
    d = k.d
    L = coal.shape[0]
    votes = 0
    for m in range(L):
        if coal[m]:
            votes += d.comm_votes[r, m]
    in_use = seats_in_use(k, r)
    for m in range(L):
        needed = 2 * (votes - d.comm_votes[r, m]) <= in_use
        if coal[m] and d.principal[r, m] and needed and restrains(k, r, m, j):
            return m
    return -1


@njit(cache=True)
def slate_values(k, r, t, leader, share, full, candidate):  # type: ignore[no-untyped-def]
    """Each leader's place on the slate of ``leader``'s coalition for a full seat and,
    failing that, a candidate seat, into ``full`` and ``candidate`` (L,); -inf: not on
    that part of the slate.

    Full seats: the coalition's bloc leaders first, then the outsiders it keeps who sit
    as full members, then its clients, then the other outsiders it keeps (by prestige, a
    sitting member preferred). Candidate seats likewise, where an outsider it would not
    keep but who comes close (over half ``inclusion_cost``) is demoted rather than
    dropped; the other outsiders are off the slate (a seat nobody fills stays empty)."""
    s, d, p, w = k.s, k.d, k.p, k.w
    L = s.patron.shape[1]
    coal = coalition(k, r)[leader]
    can_drop = share > 0.5 and k.on[Mechanism.CONGRESS_ELECTIONS]
    for j in range(L):
        seat = s.seat[r, j]
        incumbent = seat != SEAT_NONE
        full[j] = -np.inf
        candidate[j] = -np.inf
        if not seated(k, r, j):
            continue
        if not (d.present[r, j] and w.actor[j]):
            # The incapacitated, and leaders who do not act, keep the seat they have and
            # get no other.
            if seat == SEAT_FULL:
                full[j] = _SECURE
            elif incumbent:
                candidate[j] = _SECURE
            continue
        if not incumbent and (on_probation(k, r, t, j) or recently_dropped(k, r, t, j)):
            continue
        bonus = p.incumbency_bonus * (1.0 if seat == SEAT_FULL else 0.5 if incumbent else 0.0)
        prestige = s.prestige[r, j]
        if incumbent and not can_drop:
            # No majority to drop anyone: the sitting members keep their seats, and a
            # candidate may still be promoted to a vacant full seat (by prestige, the
            # majority's own first).
            if seat == SEAT_FULL:
                full[j] = _SECURE + prestige
            else:
                full[j] = (2.0 if coal[j] else 1.0) + prestige + bonus
                candidate[j] = _SECURE + prestige
            continue
        if coal[j] and d.principal[r, j]:
            full[j] = 4.0 + prestige
            continue
        if coal[j]:
            full[j] = 2.0 + prestige + bonus
            candidate[j] = full[j]
            continue
        keep = keep_value(k, r, share, j)
        kept = keep > p.inclusion_cost or not opposed(k, r, leader, j)
        if not kept:
            shield = _shield(k, r, j, coal)
            if shield >= 0:
                kept = True
                record(k, r, t, Event.RESTRAINED, actor=shield, target=j, obj=0)
        if kept:
            full[j] = (3.0 if seat == SEAT_FULL else 1.0) + prestige + bonus
            candidate[j] = (3.0 if incumbent else 1.0) + prestige + bonus
        elif seat == SEAT_FULL and keep > 0.5 * p.inclusion_cost:
            # A full member who comes close is demoted; a candidate the slate would not
            # keep is dropped: demotion is a step on the way out, not a resting place.
            candidate[j] = 3.0 + keep


@njit(cache=True)
def _best(value, taken):  # type: ignore[no-untyped-def]
    """The untaken leader with the highest finite value (the lowest index on ties), -1
    if none."""
    best = -1
    for j in range(value.shape[0]):
        if taken[j] or not np.isfinite(value[j]):
            continue
        if best < 0 or value[j] > value[best]:
            best = j
    return best


@njit(cache=True)
def _take(value, count, seat, taken, new_seat):  # type: ignore[no-untyped-def]
    """Give ``seat`` to the ``count`` untaken leaders of highest ``value`` (fewer if
    fewer are on the slate), marking them in ``taken`` and ``new_seat``."""
    for _ in range(count):
        j = _best(value, taken)
        if j < 0:
            break
        taken[j] = True
        new_seat[j] = seat


@njit(cache=True)
def elect_leadership(k, r, t, leader, share):  # type: ignore[no-untyped-def]
    """The committee elects the leadership body from the slate (see the module and
    :func:`slate_values`)."""
    s, w = k.s, k.w
    L = s.patron.shape[1]
    month = min(t, w.months - 1)
    full_size = w.full_seats[Role.LEADERSHIP, month]
    cand_size = w.candidate_seats[Role.LEADERSHIP, month]
    full = np.empty(L)
    candidate = np.empty(L)
    slate_values(k, r, t, leader, share, full, candidate)
    taken = np.zeros(L, dtype=np.bool_)
    new_seat = np.zeros(L, dtype=np.int64)
    _take(full, full_size, SEAT_FULL, taken, new_seat)
    for j in range(L):
        # Whoever could sit as a full member can sit as a candidate.
        if np.isfinite(full[j]) and not np.isfinite(candidate[j]):
            candidate[j] = full[j] - 3.0
    _take(candidate, cand_size, SEAT_CANDIDATE, taken, new_seat)
    for j in range(L):
        old = s.seat[r, j]
        if new_seat[j] == old:
            continue
        if new_seat[j] == SEAT_NONE:
            if seated(k, r, j):
                lose_seat(k, r, t, j)
            else:
                s.seat[r, j] = SEAT_NONE
        elif new_seat[j] == SEAT_CANDIDATE and old == SEAT_FULL:
            s.seat[r, j] = SEAT_CANDIDATE
            record(k, r, t, Event.SEAT_DEMOTED, actor=j)
        else:
            s.seat[r, j] = new_seat[j]
            record(k, r, t, Event.SEAT_FILLED, actor=j, value=float(new_seat[j]))


@njit(cache=True)
def elect_offices(k, r, t, leader, share):  # type: ignore[no-untyped-def]
    """The committee reassigns the offices it appoints to held by rivals its slate would
    not keep, then fills every vacancy but those the congress elects to."""
    s, p, w = k.s, k.p, k.w
    O = s.office_holder.shape[1]  # noqa: E741
    coal = coalition(k, r)[leader]
    can_drop = share > 0.5 and k.on[Mechanism.CONGRESS_ELECTIONS]
    for o in range(O):
        if w.office_elected_by[o] != Role.COMMITTEE:
            continue
        holder = s.office_holder[r, o]
        if holder < 0 or not can_drop or coal[holder] or not k.d.present[r, holder]:
            continue
        if opposed(k, r, leader, holder) and keep_value(k, r, share, holder) <= p.inclusion_cost:
            vacate_office(k, r, t, o)
    for o in range(O):
        # Vacancies the leadership, secretariat or control body could not fill when
        # they arose are tried again; the congress fills its own.
        if w.office_elected_by[o] != Role.CONGRESS:
            fill_office_now(k, r, t, o)


@njit(cache=True)
def hold_plenum(k, r, t):  # type: ignore[no-untyped-def]
    """A plenum: the committee elects the leadership and its offices."""
    s = k.s
    refresh(k, r, t)
    s.last_plenum[r] = t
    ended = form_camps(k, r, t)
    if shed_surplus_allies(k, r, t) or ended:
        refresh(k, r, t)
    leader, votes, share = majority(k, r)
    in_use = seats_in_use(k, r)
    record(k, r, t, Event.PLENUM, actor=leader, yes=votes, no=in_use - votes, value=share)
    elect_leadership(k, r, t, leader, share)
    refresh(k, r, t)
    elect_offices(k, r, t, leader, share)
    refresh(k, r, t)


@njit(cache=True)
def mark_bloc_leaders(k, r, at_start):  # type: ignore[no-untyped-def]
    """A present principal is a contender, a (former) bloc leader and so a rival to
    whoever would rule, once he has a following (clients among the leaders, regional
    secretaries, or, ``at_start`` before the first month's decisions, committee seats
    the scenario gives him) or an organized faction; going into opposition (criticizing
    the line) also makes him one. Allies and the committee seats a congress hands every
    independent of stature do not: a head of state or a technician who never led a
    following or an opposition is no rival."""
    s, d = k.s, k.d
    patron = s.patron[r]
    present = d.present[r]
    secretaries = s.secretary_patron[r]
    led_bloc = s.led_bloc[r]
    L = patron.shape[0]
    G = secretaries.shape[0]
    for i in range(L):
        if led_bloc[i] or not d.principal[r, i]:
            continue
        leads = s.faction[r, i] or (at_start and d.comm_votes[r, i] > 0)
        # A client among the leaders, then a regional secretary: the first one settles it.
        j = 0
        while not leads and j < L:
            leads = j != i and patron[j] == i and present[j]
            j += 1
        g = 0
        while not leads and g < G:
            holder = secretaries[g]
            leads = holder >= 0 and patron[holder] == i
            g += 1
        led_bloc[i] = leads
