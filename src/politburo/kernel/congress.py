"""Congress elections for one run: the circular flow of power.

Regional secretaries shape their delegations; the congress votes on the political report
and elects the committee (and the control body) from a slate drafted by the holder of
agenda power; then the new committee meets in plenum and elects the leadership and the
offices it appoints to (:mod:`politburo.kernel.plenum`). "Secretaries shape congress
delegations -> congress elects the CC -> CC elects Politburo and Secretary."

Per-run port of the batched NumPy ``model/congress.py`` (deleted) (the same floats, the
same events in the same order). Sums follow NumPy's order: contiguous rows pairwise
(:func:`~politburo.kernel.numeric.pairwise_sum`), sums over regions (a non-last axis)
region after region.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from politburo.kernel.derive import (
    coalition,
    dominant_bloc,
    opposed,
    policy_gap,
    refresh,
    reveal,
)
from politburo.kernel.events import Event, record
from politburo.kernel.faction_ban import faction_boost
from politburo.kernel.layout import Mechanism, Power, Role, Trait
from politburo.kernel.npmath import clip, flag
from politburo.kernel.numeric import pairwise_sum
from politburo.kernel.offices import fill_office_now
from politburo.kernel.plenum import hold_plenum
from politburo.kernel.rng import element, stream_base
from politburo.model.rng import Stream
from politburo.model.state import EMPTY_SEAT, NO_PATRON

_CONGRESS_SEATS = int(Stream.CONGRESS_SEATS)


@njit(cache=True)
def veteran_lean(k, r, t):  # type: ignore[no-untyped-def]
    """(L,) share of veteran members following each bloc leader (the rest uncommitted).

    Veterans judge on prestige, standing from appeals, closeness to the line, an organized
    faction's pull, and hold stigma and arrogance against a leader."""
    s, d, p, w = k.s, k.d, k.p, k.w
    L = s.patron.shape[1]
    policy_on = k.on[Mechanism.POLICY]
    attraction = np.empty(L)
    for i in range(L):
        a = s.prestige[r, i] + s.appeal[r, i]
        a = a + faction_boost(k, r, i)
        a = a - (
            p.member_stigma_weight * w.stigma[i]
            + p.member_arrogance_weight * w.traits[i, Trait.ARROGANCE]
        )
        if policy_on:
            a = a - p.member_policy_weight * policy_gap(k, r, i, -1, i)
        attraction[i] = a
    # Clients' appeal counts for their bloc.
    z = np.empty(L)
    patron = s.patron[r]
    present = d.present[r]
    principal = d.principal[r]
    for j in range(L):
        best = -np.inf
        if principal[j]:
            for i in range(L):
                if patron[i] == j and present[i] and attraction[i] > best:
                    best = attraction[i]
        z[j] = best / p.member_lean_temperature
    top = -np.inf
    for j in range(L):
        value = z[j] if np.isfinite(z[j]) else -1e9
        if value > top:
            top = value
    weights = np.empty(L)
    for j in range(L):
        z[j] = z[j] - top
        weights[j] = np.exp(z[j]) if np.isfinite(z[j]) else 0.0
    total = max(pairwise_sum(weights, 0, L), 1e-12)
    committed = 1.0 - p.uncommitted_share
    for j in range(L):
        weights[j] = (weights[j] / total) * committed
    return weights


@njit(cache=True)
def delegations(k, r, t):  # type: ignore[no-untyped-def]
    """(L + 1,) share of congress delegates loyal to each bloc; last entry uncommitted.

    In each region the secretary shapes a share of the delegation (by his loyalty); the
    rest follows the membership: veterans by :func:`veteran_lean`, intake cohorts by whom
    they owe their cards to."""
    s, d, p, w = k.s, k.d, k.p, k.w
    L = s.patron.shape[1]
    G = s.members.shape[1]
    C = s.members.shape[2]
    # The run's rows, bound once (reads through the records would be reloaded after
    # every store).
    members = s.members[r]
    patron = s.patron[r]
    intake_share = s.intake_share[r]
    present = d.present[r]
    secretary_loyalty = s.secretary_loyalty[r]
    secretary_patron = s.secretary_patron[r]
    intake_cohort = w.intake_cohort
    secretary_influence = p.secretary_influence
    weight = np.empty(G)
    for g in range(G):
        weight[g] = pairwise_sum(members[g], 0, C)
    region_total = max(pairwise_sum(weight, 0, G), 1e-9)
    for g in range(G):
        weight[g] = weight[g] / region_total
    vet_lean = veteran_lean(k, r, t)
    shares = np.zeros(L + 1)
    picked = np.empty(C)
    owed = np.empty(L)
    for g in range(G):
        # Veterans and intake members of the region (each a NumPy row sum of a selection).
        n = 0
        for c in range(C):
            if not intake_cohort[c]:
                picked[n] = members[g, c]
                n += 1
        veterans = pairwise_sum(picked, 0, n)
        n = 0
        for c in range(C):
            if intake_cohort[c]:
                picked[n] = members[g, c]
                n += 1
        intakes = pairwise_sum(picked, 0, n)
        total = max(veterans + intakes, 1e-9)
        for j in range(L):
            owed[j] = 0.0
        for leader in range(L):
            share = intake_share[g, leader]
            if np.isfinite(share):
                # Every other bloc gets share * 0.0, a signed zero that leaves its sum as
                # it is: only the leader's own bloc changes.
                j = patron[leader]
                owed[j] = owed[j] + share * flag(True)
                continue
            for j in range(L):
                owed[j] = owed[j] + share * flag(patron[leader] == j)
        holder = secretary_patron[g]
        sec = patron[holder] if holder >= 0 else -1  # secretary_bloc
        influence = 0.0
        if sec >= 0 and present[max(sec, 0)]:
            influence = secretary_influence * secretary_loyalty[g]
        for j in range(L):
            owed_j = owed[j] * flag(present[j])
            lean = (veterans / total) * vet_lean[j] + (intakes / total) * owed_j
            shaped = 1.0 if influence > 0 and j == sec else 0.0
            delegation = influence * shaped + (1.0 - influence) * lean
            # A sum over regions (not the last axis): region after region.
            shares[j] = shares[j] + weight[g] * delegation
    shares[L] = clip(1.0 - pairwise_sum(shares, 0, L), 0.0, 1.0)
    return shares


@njit(cache=True)
def drafter(k, r, t):  # type: ignore[no-untyped-def]
    """The bloc leader who drafts the slate: the holder of most agenda power."""
    d = k.d
    L = d.present.shape[1]
    holder = 0
    best = -np.inf
    for i in range(L):
        agenda = d.powers[r, i, Power.AGENDA] * flag(d.present[r, i])
        if agenda > best:
            best = agenda
            holder = i
    if best > 0:
        return k.s.patron[r, holder]
    return dominant_bloc(k, r, Role.LEADERSHIP)


@njit(cache=True)
def report_vote(k, r, t, shares, delegates, kind):  # type: ignore[no-untyped-def]
    """The congress votes on the political report: an organized opposition outside the
    drafter's coalition is defeated (condemned) or carries the day. ``kind`` is the event
    (congress or conference vote)."""
    s, d, p = k.s, k.d, k.p
    L = s.patron.shape[1]
    line_holder = drafter(k, r, t)
    coal = coalition(k, r)[line_holder]
    opposition = np.zeros(L, dtype=np.bool_)
    any_opposition = False
    for j in range(L):
        opposition[j] = d.principal[r, j] and not coal[j] and s.faction[r, j]
        any_opposition = any_opposition or opposition[j]
    if not any_opposition:
        return
    terms = np.empty(L)
    for j in range(L):
        terms[j] = shares[j] * flag(coal[j])
    yes_share = pairwise_sum(terms, 0, L)
    for j in range(L):
        terms[j] = shares[j] * flag(opposition[j])
    no_share = pairwise_sum(terms, 0, L)
    rest = 1.0 - yes_share - no_share
    # The uncommitted and the neutral blocs split, leaning to the side that looks stronger.
    lean = 0.5 + p.bandwagon * (yes_share - no_share)
    yes_share = yes_share + rest * clip(lean, 0.0, 1.0)
    yes = np.int64(np.rint(yes_share * delegates))
    no = delegates - yes
    main = 0
    best = -np.inf
    for j in range(L):
        value = s.prestige[r, j] if opposition[j] else -1.0
        if value > best:
            best = value
            main = j
    record(k, r, t, kind, line_holder, main, -1, yes, no)
    # The delegations' votes show the line-holder's and the opposition's strength.
    reveal(k, r, line_holder)
    for j in range(L):
        if opposition[j]:
            reveal(k, r, j)
    if yes > no:
        for j in range(L):
            if not opposition[j]:
                continue
            if k.on[Mechanism.LEGITIMACY]:
                s.prestige[r, j] = max(0.0, s.prestige[r, j] - p.defeat_cost)
            s.pretext[r, j] = min(1.0, s.pretext[r, j] + p.condemnation_pretext)


@njit(cache=True)
def _elect_seats(k, r, t, seats, size, prob, salt, drafter_bloc, strike):  # type: ignore[no-untyped-def]
    """Elect the run's seat row ``seats`` (in place) for a body of ``size`` seats; seats
    from ``size`` on close. A sitting member of a present bloc leader's following is
    re-elected (his bloc's delegates name him again), unless ``strike`` and his bloc
    stands in the camp opposite ``drafter_bloc``'s
    (:func:`~politburo.kernel.derive.opposed`): the drafter's delegates strike his name.
    Every other seat (new, uncommitted, of a bloc whose leader is gone, struck) is drawn
    from ``prob`` (L + 1; last entry: uncommitted): the delegations choose anew."""
    L = prob.shape[0] - 1
    patron = k.s.patron[r]
    present = k.d.present[r]
    cumulative = np.empty(L + 1)
    acc = 0.0
    for j in range(L + 1):
        acc += prob[j]
        cumulative[j] = acc
    base = stream_base(k.s.keys[r], t, _CONGRESS_SEATS, salt)
    for q in range(seats.shape[0]):
        if q >= size:
            seats[q] = EMPTY_SEAT
            continue
        sitting = seats[q]
        struck = strike and opposed(k, r, drafter_bloc, sitting)
        if sitting >= 0 and present[patron[sitting]] and not struck:
            continue
        draw = element(base, q)
        choice = 0
        for j in range(L + 1):
            if draw > cumulative[j]:
                choice += 1
        choice = min(choice, L)
        seats[q] = NO_PATRON if choice == L else choice


@njit(cache=True)
def _resize(seats, size):  # type: ignore[no-untyped-def]
    """Keep the sitting members of the seat row ``seats`` (in place); new seats start
    uncommitted, surplus seats close."""
    for q in range(seats.shape[0]):
        if q >= size:
            seats[q] = EMPTY_SEAT
        elif seats[q] == EMPTY_SEAT:
            seats[q] = NO_PATRON


@njit(cache=True)
def elect_committee(k, r, t, shares):  # type: ignore[no-untyped-def]
    """The congress elects the committee (and the control body) from the drafter's slate:
    the blocs' sitting members are re-elected unless the drafter's delegates, a
    majority, strike the opposite camp's names; every other seat goes by the
    delegations' shares, the drafter's coalition weighted up by ``slate_bonus``."""
    s, d, p, w = k.s, k.d, k.p, k.w
    L = s.patron.shape[1]
    turn = min(t, w.months - 1)
    size = w.full_seats[Role.COMMITTEE, turn]
    control_size = w.full_seats[Role.CONTROL, turn]  # zero without a control body
    if not k.on[Mechanism.CONGRESS_ELECTIONS]:
        _resize(s.committee[r], size)
        _resize(s.control[r], control_size)
        return
    line_holder = drafter(k, r, t)
    coal = coalition(k, r)[line_holder]
    weight = shares.copy()
    for j in range(L):
        weight[j] = weight[j] * (1.0 + p.slate_bonus * flag(coal[j]))
    total = max(pairwise_sum(weight, 0, L + 1), 1e-12)
    prob = np.empty(L + 1)
    for j in range(L + 1):
        prob[j] = weight[j] / total
    # The drafter's delegates strike the opposite camp's names if they are a majority.
    backing = 0.0
    for j in range(L):
        if coal[j]:
            backing += shares[j]
    strike = backing > 0.5
    _elect_seats(k, r, t, s.committee[r], size, prob, 0, line_holder, strike)
    if s.control.shape[1] > 0:
        _elect_seats(k, r, t, s.control[r], control_size, prob, 1, line_holder, strike)
    refresh(k, r, t)
    largest = 0
    for j in range(1, L):
        if d.comm_votes[r, j] > d.comm_votes[r, largest]:
            largest = j
    record(k, r, t, Event.COMMITTEE_ELECTED, largest, -1, -1, d.comm_votes[r, largest], size)


@njit(cache=True)
def hold_congress(k, r, t):  # type: ignore[no-untyped-def]
    """A congress: delegations, the report vote, committee elections, then the plenum
    that elects the leadership."""
    w = k.w
    refresh(k, r, t)
    delegates = w.full_seats[Role.CONGRESS, min(t, w.months - 1)]
    shares = delegations(k, r, t)
    record(k, r, t, Event.CONGRESS_OPENED, -1, -1, -1, -1, -1, float(delegates))
    report_vote(k, r, t, shares, delegates, Event.CONGRESS_VOTE)
    elect_committee(k, r, t, shares)
    refresh(k, r, t)
    for office in range(k.s.office_holder.shape[1]):
        if k.w.office_elected_by[office] == Role.CONGRESS:
            fill_office_now(k, r, t, office)
    hold_plenum(k, r, t)


@njit(cache=True)
def hold_conference(k, r, t):  # type: ignore[no-untyped-def]
    """A conference debates the line and elects nothing."""
    w = k.w
    refresh(k, r, t)
    delegates = w.full_seats[Role.CONGRESS, min(t, w.months - 1)]
    report_vote(k, r, t, delegations(k, r, t), delegates, Event.CONFERENCE_VOTE)
