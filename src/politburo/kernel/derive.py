"""Derived values of a run: who is present and can act, blocs, powers of offices held,
information, the faction ban, votes per bloc, seen power — and, computed when first
asked, coalitions, policy distances, perceived power, threats and dominant blocs.

:func:`refresh` is the one place they are rebuilt; rules call it for a run after they
change that run's state (the NumPy engine's ``Context.refresh``), and
:func:`forget_relations` after alliances change.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from politburo.kernel.layout import Mechanism, Power, Role, Trait
from politburo.kernel.numeric import pairwise_sum

SEAT_NONE, SEAT_CANDIDATE, SEAT_FULL = 0, 1, 2


@njit(cache=True)
def refresh(k, r, t):  # type: ignore[no-untyped-def]
    """Recompute run ``r``'s derived values at month ``t`` and drop its lazy relations."""
    s, d, w, p, on = k.s, k.d, k.w, k.p, k.on
    L = s.alive.shape[1]
    O = s.office_holder.shape[1]  # noqa: E741
    P = w.office_powers.shape[1]
    for i in range(L):
        d.present[r, i] = (
            s.alive[r, i] and s.in_party[r, i] and not s.incapacitated[r, i] and not s.exiled[r, i]
        )
        d.can_act[r, i] = d.present[r, i] and w.actor[i]
        d.principal[r, i] = s.patron[r, i] == i and d.present[r, i]
        for q in range(P):
            d.powers[r, i, q] = 0.0
    # Offices in order, each adding its powers to its holder's (NumPy's matmul order).
    for o in range(O):
        holder = s.office_holder[r, o]
        if holder >= 0:
            for q in range(P):
                d.powers[r, holder, q] += w.office_powers[o, q]
    for i in range(L):
        d.info[r, i] = d.powers[r, i, Power.INFORMATION]
    # An office's information also reaches the holder of the office it reports to.
    for o in range(O):
        boss_office = w.office_reports_to[o]
        if boss_office < 0:
            continue
        boss = s.office_holder[r, boss_office]
        source = s.office_holder[r, o]
        if boss >= 0 and source >= 0:
            d.info[r, boss] += w.office_powers[o, Power.INFORMATION]
    for i in range(L):
        if on[Mechanism.INFORMATION]:
            d.info[r, i] = min(max(d.info[r, i], 0.0), 1.0)
        else:
            d.info[r, i] = 0.0
    ban = False
    if on[Mechanism.FACTION_BAN]:
        month = min(t, w.months - 1)
        for n in range(w.rule_is_ban.shape[0]):
            if not w.rule_is_ban[n]:
                continue
            override = s.rule_override[r, n]
            in_force = w.rule_schedule[month, n] if override < 0 else override == 1
            ban = ban or in_force
    d.ban[r] = ban
    for i in range(L):
        d.lead_votes[r, i] = 0
        d.comm_votes[r, i] = 0
    for j in range(L):
        if s.seat[r, j] == SEAT_FULL and d.present[r, j]:
            d.lead_votes[r, s.patron[r, j]] += 1
    for q in range(s.committee.shape[1]):
        holder = s.committee[r, q]
        if holder >= 0:
            d.comm_votes[r, s.patron[r, holder]] += 1
    # Seen power: shares of visible stature among present leaders.
    for i in range(L):
        if d.present[r, i]:
            d.seen[r, i] = (
                s.prestige[r, i] + p.seen_oratory_weight * w.traits[i, Trait.ORATORY]
            ) + p.seen_office_weight * d.powers[r, i, Power.PRESTIGE]
        else:
            d.seen[r, i] = 0.0
    total = max(pairwise_sum(d.seen[r], 0, L), 1e-9)
    for i in range(L):
        d.seen[r, i] = d.seen[r, i] / total
    d.coalition_ok[r] = False
    d.perceived_ok[r] = False
    d.threat_ok[r] = False
    for role in range(3):
        d.dominant_ok[r, role] = False


@njit(cache=True)
def forget_relations(k, r):  # type: ignore[no-untyped-def]
    """Drop what depends on alliances and blocs (after they change) for run ``r``."""
    k.d.coalition_ok[r] = False
    k.d.threat_ok[r] = False
    for role in range(3):
        k.d.dominant_ok[r, role] = False


@njit(cache=True)
def coalition(k, r):  # type: ignore[no-untyped-def]
    """(L, L) view: j is in i's coalition (same bloc, or blocs allied)."""
    s, d = k.s, k.d
    if not d.coalition_ok[r]:
        L = s.patron.shape[1]
        allies = k.on[Mechanism.ALLIANCES]
        for i in range(L):
            pi = s.patron[r, i]
            for j in range(L):
                pj = s.patron[r, j]
                d.coalition[r, i, j] = pi == pj or (allies and s.ally[r, pi, pj])
        d.coalition_ok[r] = True
    return d.coalition[r]


@njit(cache=True)
def policy_distance(a, b, weight):  # type: ignore[no-untyped-def]
    """Salience-weighted mean distance of positions ``a`` and ``b`` (1-D), 0-1."""
    n = a.shape[0]
    if n < 8:
        num = 0.0
        den = 0.0
        for x in range(n):
            num += abs(a[x] - b[x]) * weight[x]
            den += weight[x]
    else:
        terms = np.empty(n)
        for x in range(n):
            terms[x] = abs(a[x] - b[x]) * weight[x]
        num = pairwise_sum(terms, 0, n)
        den = pairwise_sum(weight, 0, n)
    return num / (2.0 * max(den, 1e-9))


@njit(cache=True)
def distances(k, r):  # type: ignore[no-untyped-def]
    """(L, L) view: policy distance between every two leaders by the first one's
    salience (zeros when the policy mechanism is off). Positions change only by
    ``policy.shift_position``, which drops this; a refresh keeps it."""
    s, d = k.s, k.d
    if not d.distance_ok[r]:
        L = s.patron.shape[1]
        n = s.position.shape[2]
        on = k.on[Mechanism.POLICY]
        salience = k.w.salience
        for i in range(L):
            if not on:
                for j in range(L):
                    d.distance[r, i, j] = 0.0
                continue
            if n >= 8:
                for j in range(L):
                    d.distance[r, i, j] = policy_distance(
                        s.position[r, i], s.position[r, j], salience[i]
                    )
                continue
            den = 0.0
            for x in range(n):
                den += salience[i, x]
            scale = 2.0 * max(den, 1e-9)
            for j in range(L):
                num = 0.0
                for x in range(n):
                    num += abs(s.position[r, i, x] - s.position[r, j, x]) * salience[i, x]
                d.distance[r, i, j] = num / scale
        d.distance_ok[r] = True
    return d.distance[r]


@njit(cache=True)
def perceived(k, r):  # type: ignore[no-untyped-def]
    """(L, L) view: leader i's estimate of leader j's power."""
    s, d = k.s, k.d
    if not d.perceived_ok[r]:
        L = s.patron.shape[1]
        on = k.on[Mechanism.PERCEPTION]
        for i in range(L):
            insight = d.info[r, i]
            for j in range(L):
                if on:
                    d.perceived[r, i, j] = (
                        insight * s.real_power[r, j] + (1 - insight) * d.seen[r, j]
                    )
                else:
                    d.perceived[r, i, j] = s.real_power[r, j]
        d.perceived_ok[r] = True
    return d.perceived[r]


@njit(cache=True)
def perceived_of(k, r, i, j):  # type: ignore[no-untyped-def]
    """How leader i sees leader j's power (without building the whole matrix)."""
    if not k.on[Mechanism.PERCEPTION]:
        return k.s.real_power[r, j]
    insight = k.d.info[r, i]
    return insight * k.s.real_power[r, j] + (1.0 - insight) * k.d.seen[r, j]


@njit(cache=True)
def allied_with(k, r, leader, j):  # type: ignore[no-untyped-def]
    """Whether j is in ``leader``'s coalition, from the state as it is now."""
    s = k.s
    theirs = s.patron[r, leader]
    pj = s.patron[r, j]
    if pj == theirs:
        return True
    return bool(k.on[Mechanism.ALLIANCES]) and s.ally[r, pj, theirs]


@njit(cache=True)
def threats(k, r):  # type: ignore[no-untyped-def]
    """(L, L) view: how much leader i fears leader j: perceived power plus stature,
    weighted up by policy distance and down for allies; zero for oneself, one's bloc and
    absent leaders."""
    s, d, p = k.s, k.d, k.p
    if not d.threat_ok[r]:
        L = s.patron.shape[1]
        dist = distances(k, r)
        seen_by = perceived(k, r)
        for i in range(L):
            for j in range(L):
                if d.principal[r, j] and s.patron[r, i] != s.patron[r, j]:
                    potential = seen_by[i, j] + p.threat_stature_weight * d.seen[r, j]
                    score = potential * (1.0 + p.threat_policy_weight * dist[i, j])
                    if s.ally[r, i, j]:
                        score = score * p.ally_threat_discount
                    d.threat[r, i, j] = score
                else:
                    d.threat[r, i, j] = 0.0
        d.threat_ok[r] = True
    return d.threat[r]


@njit(cache=True)
def main_threat(k, r, i):  # type: ignore[no-untyped-def]
    """Leader i's main threat (-1 if none)."""
    score = threats(k, r)
    L = score.shape[1]
    best = 0
    for j in range(1, L):
        if score[i, j] > score[i, best]:
            best = j
    return best if score[i, best] > 0 else -1


@njit(cache=True)
def bloc_votes(k, r, role, i):  # type: ignore[no-untyped-def]
    """Votes bloc leader i commands in the body with ``role`` (the congress is
    represented by the committee it last elected)."""
    if role == Role.LEADERSHIP:
        return k.d.lead_votes[r, i]
    if role == Role.CONTROL:
        s = k.s
        count = 0
        for q in range(s.control.shape[1]):
            seat = s.control[r, q]
            if seat >= 0 and s.patron[r, seat] == i:
                count += 1
        return count
    return k.d.comm_votes[r, i]


@njit(cache=True)
def dominant_bloc(k, r, role):  # type: ignore[no-untyped-def]
    """The bloc leader whose coalition commands most votes in a body (``role``:
    leadership, committee or control; other roles count as the committee)."""
    d = k.d
    slot = role if role <= Role.CONTROL else Role.COMMITTEE
    if not d.dominant_ok[r, slot]:
        L = k.s.patron.shape[1]
        coal = coalition(k, r)
        votes = np.empty(L, dtype=np.int64)
        for j in range(L):
            votes[j] = bloc_votes(k, r, slot, j)
        best = 0
        best_strength = -np.inf
        for i in range(L):
            if d.principal[r, i]:
                total = 0
                for j in range(L):
                    if coal[i, j]:
                        total += votes[j]
                strength = float(total) + 1e-3 * votes[i]
            else:
                strength = -1.0
            if strength > best_strength:
                best_strength = strength
                best = i
        d.dominant[r, slot] = best
        d.dominant_ok[r, slot] = True
    return d.dominant[r, slot]


@njit(cache=True)
def secretary_bloc(k, r, g):  # type: ignore[no-untyped-def]
    """The bloc the secretary of region g answers to, -1 if none."""
    sec = k.s.secretary_patron[r, g]
    return k.s.patron[r, sec] if sec >= 0 else -1


@njit(cache=True)
def trait(k, i, which):  # type: ignore[no-untyped-def]
    """One trait of leader i as the rules see it."""
    return k.w.traits[i, which]


@njit(cache=True)
def leverage(k, value):  # type: ignore[no-untyped-def]
    """Scale factor from a 0-1 quality: (1 - leverage) + leverage * value."""
    lev = k.p.trait_leverage
    return (1.0 - lev) + lev * value
