"""Alliances, per run: coalitions that form against the main threat and break when it
is gone; winning over clients; client loyalty.

It reproduces the batched NumPy ``model/alliances.py`` it replaced (deleted): the same
arithmetic in the same order, the same random numbers, the same events.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from politburo.kernel.derive import (
    distances,
    forget_relations,
    leverage,
    perceived,
    policy_distance,
    seats_in_use,
)
from politburo.kernel.events import Event, record
from politburo.kernel.layout import Mechanism, Trait
from politburo.kernel.npmath import clip, flag
from politburo.kernel.offices import end_alliances
from politburo.kernel.rng import uniform
from politburo.model.rng import Stream

_ALLIANCE = int(Stream.ALLIANCE)
_WIN_OVER = int(Stream.WIN_OVER)


@njit(cache=True)
def _fresh_main_threat(k, r, i):  # type: ignore[no-untyped-def]
    """Leader i's main threat (-1 if none) from the state as it is now: the threat row
    recomputed from current alliances and blocs over the cached distances and perceived
    power (NumPy's uncached ``main_threat(ctx, runs)``), not the cached matrix."""
    s, d, p = k.s, k.d, k.p
    L = s.patron.shape[1]
    dist = distances(k, r)
    seen_by = perceived(k, r)
    best = 0
    best_score = 0.0
    for j in range(L):
        if d.principal[r, j] and s.led_bloc[r, j] and s.patron[r, i] != s.patron[r, j]:
            potential = seen_by[i, j] + p.threat_stature_weight * d.seen[r, j]
            score = potential * (1.0 + p.threat_policy_weight * dist[i, j])
            if s.ally[r, i, j]:
                score = score * p.ally_threat_discount
        else:
            score = 0.0
        if j == 0 or score > best_score:
            best = j
            best_score = score
    return best if best_score > 0 else -1


@njit(cache=True)
def propose_alliance(k, r, t, actor, target):  # type: ignore[no-untyped-def]
    """The target accepts if he fears the actor's main threat more than the actor, and
    refuses an ally he does not need: one whose coalition already commands the committee
    and the leadership (the size principle, as :func:`shed_surplus_allies`)."""
    s, p, w = k.s, k.p, k.w
    their_threat = _fresh_main_threat(k, r, target)
    mine = _fresh_main_threat(k, r, actor)
    seen_by = perceived(k, r)
    common = max(mine, 0)
    fear_common = seen_by[target, common] * flag(mine >= 0)
    fear_actor = seen_by[target, actor]
    distance = 0.0
    if k.on[Mechanism.POLICY]:
        distance = policy_distance(s.position[r, actor], s.position[r, target], w.salience[target])
    rigidity = w.traits[target, Trait.RIGIDITY]
    arrogance = w.traits[actor, Trait.ARROGANCE]
    draw = uniform(s.keys[r], t, _ALLIANCE, 0, actor)
    utility = (
        p.alliance_fear_weight * (fear_common - fear_actor)
        + p.alliance_common_enemy_bonus * flag(their_threat == mine)
        - distance / max(p.alliance_policy_tolerance, 1e-9) * leverage(k, rigidity)
        - p.alliance_arrogance_cost * arrogance
        + (draw - 0.5) * p.alliance_noise
    )
    # Two leaders may court each other in one month: the second offer finds them allied.
    if s.ally[r, actor, target]:
        return
    if utility > 0 and not _winning(k, r, s.patron[r, target], -1):
        s.ally[r, actor, target] = True
        s.ally[r, target, actor] = True
        s.ally_since[r, actor, target] = t
        s.ally_since[r, target, actor] = t
        record(k, r, t, Event.ALLIANCE_FORMED, actor, target)
    else:
        record(k, r, t, Event.ALLIANCE_REFUSED, actor, target)


@njit(cache=True)
def scheduled_alliance(k, r, t, leaders):  # type: ignore[no-untyped-def]
    """A scenario event allies the named leaders (``leaders``, -1 padded), every pair of
    them that still lead their own blocs (a client cannot bind his patron)."""
    s, d = k.s, k.d
    if not k.on[Mechanism.ALLIANCES]:
        return
    n = leaders.shape[0]
    for i in range(n):
        a = leaders[i]
        if a < 0:
            continue
        for m in range(i + 1, n):
            b = leaders[m]
            if b < 0:
                continue
            x = s.patron[r, a]
            y = s.patron[r, b]
            if not (d.principal[r, a] and d.principal[r, b] and x != y):
                continue
            if s.ally[r, x, y]:
                continue
            s.ally[r, x, y] = True
            s.ally[r, y, x] = True
            s.ally_since[r, x, y] = t
            s.ally_since[r, y, x] = t
            record(k, r, t, Event.ALLIANCE_FORMED, x, y)
    forget_relations(k, r)


@njit(cache=True)
def break_alliance(k, r, t, actor, target):  # type: ignore[no-untyped-def]
    """End an alliance (both ways)."""
    s = k.s
    s.ally[r, actor, target] = False
    s.ally[r, target, actor] = False
    record(k, r, t, Event.ALLIANCE_BROKEN, actor, target)


@njit(cache=True)
def _coalition_votes(k, r, a, without):  # type: ignore[no-untyped-def]
    """(committee seats, full leadership seats) of bloc leader ``a`` and his allies,
    leaving out the bloc of ``without`` (-1: none)."""
    s, d = k.s, k.d
    comm = 0
    lead = 0
    for j in range(s.patron.shape[1]):
        if j != without and d.principal[r, j] and (j == a or s.ally[r, a, j]):
            comm += d.comm_votes[r, j]
            lead += d.lead_votes[r, j]
    return comm, lead


@njit(cache=True)
def _winning(k, r, a, without):  # type: ignore[no-untyped-def]
    """Whether bloc leader ``a`` and his allies (leaving out ``without``'s bloc) command a
    majority of the committee's seats in use and of the full leadership seats."""
    s, d = k.s, k.d
    in_use = seats_in_use(k, r)
    full = 0
    for j in range(s.patron.shape[1]):
        full += d.lead_votes[r, j]
    comm, lead = _coalition_votes(k, r, a, without)
    return 2 * comm > in_use and 2 * lead > full


@njit(cache=True)
def shed_surplus_allies(k, r, t):  # type: ignore[no-untyped-def]
    """The size principle (Riker 1962): a coalition that would still command a majority
    of the committee and of the full leadership seats without an ally drops him, the
    ally farthest from its leader's positions first; bloc leaders with most committee
    seats shed first. Losing and blocking coalitions are kept: they win nothing to
    share. The same rule for every leader; returns whether an alliance ended."""
    s, d = k.s, k.d
    L = s.patron.shape[1]
    if not k.on[Mechanism.ALLIANCES]:
        return False
    dist = distances(k, r)
    done = np.zeros(L, dtype=np.bool_)
    changed = False
    for _ in range(L):
        a = -1
        for i in range(L):
            bigger = a < 0 or d.comm_votes[r, i] > d.comm_votes[r, a]
            if d.principal[r, i] and not done[i] and bigger:
                a = i
        if a < 0:
            break
        done[a] = True
        while True:
            drop = -1
            for b in range(L):
                if not (s.ally[r, a, b] and d.principal[r, b]):
                    continue
                farther = drop < 0 or dist[a, b] > dist[a, drop]
                if farther and _winning(k, r, a, b):
                    drop = b
            if drop < 0:
                break
            s.ally[r, a, drop] = False
            s.ally[r, drop, a] = False
            record(k, r, t, Event.ALLIANCE_BROKEN, a, drop)
            forget_relations(k, r)
            changed = True
    return changed


@njit(cache=True)
def win_over(k, r, t, actor, target):  # type: ignore[no-untyped-def]
    """Try to make the target one's client: he comes if the actor looks stronger than
    his present patron (or than himself), policy permitting."""
    s, w, p = k.s, k.w, k.p
    seen_by = perceived(k, r)
    current = s.patron[r, target]
    pull = seen_by[target, actor] - seen_by[target, current]
    # An unattached leader is bound to his own independence, if less than a client.
    loyalty = s.loyalty[r, target]
    bond = p.independence_bond * loyalty if current == target else loyalty
    distance = 0.0
    if k.on[Mechanism.POLICY]:
        distance = policy_distance(s.position[r, actor], s.position[r, target], w.salience[target])
    resistance = (
        bond + w.traits[target, Trait.AMBITION] + distance * w.traits[target, Trait.RIGIDITY]
    ) / 3
    chance = clip(
        p.win_over_base
        + p.win_over_pull * pull * leverage(k, w.traits[actor, Trait.CUNNING])
        - p.win_over_resistance * resistance,
        0.0,
        p.win_over_cap,
    )
    draw = uniform(s.keys[r], t, _WIN_OVER, 0, actor)
    if draw < chance:
        s.patron[r, target] = s.patron[r, actor]
        s.loyalty[r, target] = p.won_over_loyalty
        end_alliances(k, r, t, target)
        record(k, r, t, Event.WON_OVER, actor, target)
    else:
        record(k, r, t, Event.WIN_OVER_FAILED, actor, target)


@njit(cache=True)
def drift_loyalty(k, r, t):  # type: ignore[no-untyped-def]
    """Clients of a strong patron grow more loyal; clients of a fading one less."""
    s, p = k.s, k.p
    patrons = s.patron[r]
    loyalty = s.loyalty[r]
    real_power = s.real_power[r]
    rate = p.loyalty_drift
    floor = p.loyalty_floor
    for i in range(patrons.shape[0]):
        patron = patrons[i]
        if patron != i:
            drifted = loyalty[i] + rate * (real_power[patron] - floor)
            loyalty[i] = clip(drifted, floor, 1.0)
        else:
            loyalty[i] = 1.0
