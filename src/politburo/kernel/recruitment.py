"""Recruitment, per run: drives and local recruitment add intake members, a share of
whom owe their cards to the recruiting machine and the region's secretary.

First ported from the batched NumPy ``model/recruitment.py`` (deleted, issue #10). Sums are
taken in NumPy's order: pairwise along a contiguous row (regions, cohorts, blocs).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from politburo.kernel.derive import leverage, secretary_bloc
from politburo.kernel.events import Event, record
from politburo.kernel.layout import Mechanism, Power, Trait
from politburo.kernel.npmath import flag
from politburo.kernel.numeric import pairwise_sum


@njit(cache=True)
def _intake_members(k, r, g, scratch):  # type: ignore[no-untyped-def]
    """Members of region g in intake cohorts, summed as NumPy sums the selection."""
    intake = k.w.intake_cohort
    n = 0
    for c in range(intake.shape[0]):
        if intake[c]:
            scratch[n] = k.s.members[r, g, c]
            n += 1
    return pairwise_sum(scratch, 0, n)


@njit(cache=True)
def _add_intake(k, r, cohort, added, owed):  # type: ignore[no-untyped-def]
    """Add ``added`` (G,) members of an intake cohort owing ``owed`` (G, L)."""
    s = k.s
    G = s.members.shape[1]
    L = owed.shape[1]
    scratch = np.empty(s.members.shape[2])
    share = s.intake_share[r]
    for g in range(G):
        before = _intake_members(k, r, g, scratch)
        after = before + added[g]
        weight_old = 0.0
        weight_new = 0.0
        if after > 0:
            weight_old = before / max(after, 1e-9)
            weight_new = added[g] / max(after, 1e-9)
        for i in range(L):
            share[g, i] = share[g, i] * weight_old + owed[g, i] * weight_new
        s.members[r, g, cohort] += added[g]


@njit(cache=True)
def _owed(k, r, machine):  # type: ignore[no-untyped-def]
    """(G, L) share of new members owing each bloc: ``intake_machine_share`` of them owe
    the machine, split between the centre (``machine``, (L,) shares) and the region's
    secretary's bloc by ``recruitment_local_share``."""
    s, p = k.s, k.p
    G = s.secretary_patron.shape[1]
    L = machine.shape[0]
    owed = np.zeros((G, L))
    if not k.on[Mechanism.RECRUITMENT]:
        return owed
    local_share = p.recruitment_local_share
    machine_share = p.intake_machine_share
    for g in range(G):
        sec = secretary_bloc(k, r, g)
        for i in range(L):
            local = flag(sec == i)
            owed[g, i] = machine_share * ((1 - local_share) * machine[i] + local_share * local)
    return owed


@njit(cache=True)
def machine_shares(k, r):  # type: ignore[no-untyped-def]
    """(L,) each bloc's share of the party's recruitment power."""
    s, d = k.s, k.d
    L = s.patron.shape[1]
    by_bloc = np.zeros(L)
    for leader in range(L):
        power = d.powers[r, leader, Power.RECRUITMENT] * flag(d.present[r, leader])
        by_bloc[s.patron[r, leader]] += power
    total = pairwise_sum(by_bloc, 0, L)
    shares = np.zeros(L)
    if total > 0:
        for i in range(L):
            shares[i] = by_bloc[i] / max(total, 1e-9)
    return shares


@njit(cache=True)
def start_drive(k, r, t, cohort, members, months):  # type: ignore[no-untyped-def]
    """A recruitment drive begins: ``members`` join over ``months`` (the caller records
    the event, as NumPy's ``fire_events`` does)."""
    k.s.drive_rate[r, cohort] = members / months
    k.s.drive_left[r, cohort] = months


@njit(cache=True)
def run_drives(k, r, t):  # type: ignore[no-untyped-def]
    """Members of running drives join, spread over regions by current membership."""
    s = k.s
    G = s.members.shape[1]
    C = s.members.shape[2]
    running = False
    for c in range(C):
        running = running or s.drive_left[r, c] > 0
    if not running:
        return
    owed = _owed(k, r, machine_shares(k, r))
    total = np.empty(G)
    for g in range(G):
        total[g] = pairwise_sum(s.members[r, g], 0, C)
    everyone = max(pairwise_sum(total, 0, G), 1e-9)
    added = np.empty(G)
    for c in range(C):
        if s.drive_left[r, c] <= 0:
            continue
        rate = s.drive_rate[r, c]
        for g in range(G):
            added[g] = total[g] / everyone * rate
        _add_intake(k, r, c, added, owed)
    for c in range(C):
        s.drive_left[r, c] = max(s.drive_left[r, c] - 1, 0)


@njit(cache=True)
def recruit(k, r, t, actor, target):  # type: ignore[no-untyped-def]
    """A leader with recruitment power organizes a local intake in a region (``target``)
    he holds."""
    cohort = k.w.intake
    if cohort < 0:
        return
    region = target
    L = k.s.patron.shape[1]
    C = k.s.members.shape[2]
    size = pairwise_sum(k.s.members[r, region], 0, C)
    lev = leverage(k, k.w.traits[actor, Trait.ORGANIZATION])
    added = k.p.recruit_action_members * size * lev
    before = _intake_members(k, r, region, np.empty(C))
    # The records are bound after the calls above (a binding held across a call is
    # reference counted).
    s, p = k.s, k.p
    # The recruiter's own bloc is both the machine and the region's secretary here.
    owner = s.patron[r, actor] if k.on[Mechanism.RECRUITMENT] else -1
    after = max(before + added, 1e-9)
    weight_old = before / after
    weight_new = added / after
    for i in range(L):
        owed = p.intake_machine_share if i == owner else 0.0
        s.intake_share[r, region, i] = s.intake_share[r, region, i] * weight_old + owed * weight_new
    s.members[r, region, cohort] += added
    record(k, r, t, Event.RECRUITED, actor, obj=region, value=added)


@njit(cache=True)
def grow_membership(k, r, t):  # type: ignore[no-untyped-def]
    """Veteran cohorts grow slowly by ordinary admissions."""
    members = k.s.members[r]
    intake = k.w.intake_cohort
    factor = 1.0 + k.p.membership_growth
    for g in range(members.shape[0]):
        for c in range(members.shape[1]):
            if not intake[c]:
                members[g, c] *= factor
