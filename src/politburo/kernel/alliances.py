"""Alliances, per run: coalitions that form against the main threat and break when it
is gone; winning over clients; client loyalty.

First ported from the batched NumPy ``model/alliances.py`` (deleted, issue #10); the
coalition rule over sets of leaders (:func:`form_camps`) came after (issue #11).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from politburo.kernel.derive import (
    SEAT_NONE,
    commands,
    distances,
    fear_of,
    force_of,
    forget_relations,
    leverage,
    perceived,
    policy_gap,
)
from politburo.kernel.events import Event, record
from politburo.kernel.layout import Mechanism, Trait
from politburo.kernel.npmath import clip
from politburo.kernel.offices import end_alliances, on_probation
from politburo.kernel.rng import uniform
from politburo.model.rng import Stream

_ALLIANCE = int(Stream.ALLIANCE)
_WIN_OVER = int(Stream.WIN_OVER)


@njit(cache=True)
def propose_alliance(k, r, t, actor, target):  # type: ignore[no-untyped-def]
    """The target accepts an offer from his own camp (:func:`form_camps`: the front
    against the common threat, or the threatened) unless the policy gap, the proposer's
    arrogance and chance outweigh their common enemy; he refuses anyone outside his camp
    and an ally he does not need: one whose coalition already commands the committee and
    the leadership (the size principle, as :func:`shed_surplus_allies`)."""
    s, p = k.s, k.p
    draw = uniform(s.keys[r], t, _ALLIANCE, 0, actor)
    utility = alliance_appeal(k, r, actor, target) + (draw - 0.5) * p.alliance_noise
    # Two leaders may court each other in one month: the second offer finds them allied.
    if s.ally[r, actor, target]:
        return
    if (
        _same_camp(k, r, actor, target)
        and utility > 0
        and not _winning(k, r, s.patron[r, target], -1)
    ):
        s.ally[r, actor, target] = True
        s.ally[r, target, actor] = True
        s.ally_since[r, actor, target] = t
        s.ally_since[r, target, actor] = t
        record(k, r, t, Event.ALLIANCE_FORMED, actor, target)
    else:
        record(k, r, t, Event.ALLIANCE_REFUSED, actor, target)


@njit(cache=True)
def alliance_appeal(k, r, actor, target):  # type: ignore[no-untyped-def]
    """How much ``target`` wants ``actor``'s alliance before chance: the common enemy,
    less the policy gap (by his rigidity) and the proposer's arrogance."""
    p, w = k.p, k.w
    distance = 0.0
    if k.on[Mechanism.POLICY]:
        distance = policy_gap(k, r, actor, target, target)
    rigidity = w.traits[target, Trait.RIGIDITY]
    arrogance = w.traits[actor, Trait.ARROGANCE]
    return (
        p.alliance_common_enemy_bonus
        - distance / max(p.alliance_policy_tolerance, 1e-9) * leverage(k, rigidity)
        - p.alliance_arrogance_cost * arrogance
    )


@njit(cache=True)
def _same_camp(k, r, actor, target):  # type: ignore[no-untyped-def]
    """Whether the two leaders' blocs stand in one camp (:func:`form_camps`)."""
    s = k.s
    camp = s.camp[r, s.patron[r, target]]
    return camp != 0 and camp == s.camp[r, s.patron[r, actor]]


@njit(cache=True)
def alliance_chance(k, r, actor, target):  # type: ignore[no-untyped-def]
    """The chance that ``target`` accepts an alliance ``actor`` offers now
    (:func:`propose_alliance` with its uniform draw integrated out)."""
    s, p = k.s, k.p
    if not _same_camp(k, r, actor, target) or _winning(k, r, s.patron[r, target], -1):
        return 0.0
    appeal = alliance_appeal(k, r, actor, target)
    if p.alliance_noise <= 0.0:
        return 1.0 if appeal > 0 else 0.0
    return clip(0.5 + appeal / p.alliance_noise, 0.0, 1.0)


@njit(cache=True)
def _contender(k, r, t, j):  # type: ignore[no-untyped-def]
    """Whether j can be the common threat: a present, capable bloc leader who has led a
    following or an opposition, sits in the leadership body and is not on probation."""
    # Read first, then combined: a record bound across the branches of ``and`` keeps
    # its reference counting.
    principal = k.d.principal[r, j]
    led = k.s.led_bloc[r, j]
    capable = not k.s.incapacitated[r, j]
    seated = k.s.seat[r, j] != SEAT_NONE
    penitent = on_probation(k, r, t, j)
    return principal and led and capable and seated and not penitent


@njit(cache=True)
def _fear(k, r, i, j, seen_by, dist):  # type: ignore[no-untyped-def]
    """How much i fears j, alliances aside (:func:`~politburo.kernel.derive.fear_of`, the
    threat of :func:`~politburo.kernel.derive.threats` without the ally discount)."""
    p = k.p
    return fear_of(
        seen_by[i, j],
        k.d.seen[r, j],
        dist[i, j],
        p.threat_stature_weight,
        p.threat_policy_weight,
        force_of(k, r, j),
        p.threat_force_weight,
    )


@njit(cache=True)
def _commands(k, r, members):  # type: ignore[no-untyped-def]
    """Whether the blocs flagged in ``members`` together command the committee and the
    leadership (:func:`~politburo.kernel.derive.commands`)."""
    d = k.d
    comm = 0
    lead = 0
    for j in range(members.shape[0]):
        if members[j]:
            comm += d.comm_votes[r, j]
            lead += d.lead_votes[r, j]
    return commands(k, r, comm, lead)


@njit(cache=True)
def form_camps(k, r, t):  # type: ignore[no-untyped-def]
    """Coalitions over sets of leaders, drawn at each plenum (camp 1: the front against
    the common threat; camp 2: the threatened; 0: outside both).

    - The common threat is the contender the other leaders fear most in sum (balance of
      threat, Walt 1987). It stays the threat until he is gone (no longer a contender in
      the leadership, or on probation) or another is feared ``threat_switch`` times more:
      a coalition breaks when its common threat is gone.
    - The front against him: among the bloc leaders who fear him more than anyone else,
      contenders first, then the others, each in order of how much he fears the threat,
      taken until they command the committee and the leadership; then, latest first,
      every member the front can win without is left out (a minimal winning coalition,
      Riker 1962). A front that cannot win takes all who fear him most: it can still
      block (the qualified majorities of expulsion).
    - The threatened: the threat and every bloc leader left out of the front whose main
      fear is one of its members (the enemy of his enemy).
    - The next threat: the contender feared most after the threat. A member of the front
      who is the next threat holds back from removing the threat unless he could rule
      alone (:func:`~politburo.kernel.derive.restrains`).
    Leaders ally within their camp (:func:`propose_alliance`); when the threat changes,
    alliances across the new camps end. Returns whether an alliance ended."""
    s, d, p = k.s, k.d, k.p
    L = s.patron.shape[1]
    camp = s.camp[r]
    if not k.on[Mechanism.ALLIANCES]:
        return False
    seen_by = perceived(k, r)
    dist = distances(k, r)
    # How much each leader fears each contender (fears[i, j], once per plenum).
    contender = np.zeros(L, dtype=np.bool_)
    fears = np.zeros((L, L))
    for j in range(L):
        contender[j] = _contender(k, r, t, j)
        if contender[j]:
            for i in range(L):
                if i != j:
                    fears[i, j] = _fear(k, r, i, j, seen_by, dist)
    # The sum of fears of each contender, among the bloc leaders who can act.
    feared = np.zeros(L)
    best = -1
    for j in range(L):
        if not contender[j]:
            continue
        for i in range(L):
            if i != j and d.principal[r, i] and d.can_act[r, i]:
                feared[j] += fears[i, j]
        if best < 0 or feared[j] > feared[best]:
            best = j
    old = s.common_threat[r]
    threat = best
    if old >= 0 and contender[old] and feared[old] * p.threat_switch >= feared[best]:
        threat = old
    s.common_threat[r] = threat
    # Who would be feared most once the threat is gone (see derive.restrains).
    after = -1
    for j in range(L):
        if j != threat and contender[j] and (after < 0 or feared[j] > feared[after]):
            after = j
    s.next_threat[r] = after
    if threat != old and threat >= 0:
        record(k, r, t, Event.COMMON_THREAT, threat, value=feared[threat])
    for i in range(L):
        camp[i] = 0
    if threat < 0:
        return False
    # Each bloc leader's main fear: the contender he fears most.
    main_fear = np.full(L, -1, dtype=np.int64)
    for i in range(L):
        top_fear = 0.0
        for j in range(L):
            if j != i and contender[j] and (main_fear[i] < 0 or fears[i, j] > top_fear):
                main_fear[i] = j
                top_fear = fears[i, j]
    # The front, by fear of the threat: contenders, then the others with votes, among
    # those who fear the threat most.
    eligible = np.zeros(L, dtype=np.bool_)
    fear = np.zeros(L)
    for i in range(L):
        votes = d.comm_votes[r, i] + d.lead_votes[r, i]
        eligible[i] = (
            i != threat
            and d.principal[r, i]
            and d.can_act[r, i]
            and (votes > 0 or s.seat[r, i] != SEAT_NONE)
            and not on_probation(k, r, t, i)
        )
        if eligible[i]:
            fear[i] = fears[i, threat]
    members = np.zeros(L, dtype=np.bool_)
    order = np.empty(L, dtype=np.int64)
    n = 0
    for tier in range(2):
        while True:
            pick = -1
            for i in range(L):
                in_tier = s.led_bloc[r, i] if tier == 0 else not s.led_bloc[r, i]
                fitter = pick < 0 or fear[i] > fear[pick]
                fears_threat = main_fear[i] == threat
                if eligible[i] and fears_threat and in_tier and not members[i] and fitter:
                    pick = i
            if pick < 0 or _commands(k, r, members):
                break
            members[pick] = True
            order[n] = pick
            n += 1
    if _commands(k, r, members):
        for m in range(n - 1, -1, -1):
            members[order[m]] = False
            if not _commands(k, r, members):
                members[order[m]] = True
    for i in range(L):
        if members[i]:
            camp[i] = 1
    # The threatened: the threat and the bloc leaders outside the front who fear one of
    # its members most.
    camp[threat] = 2
    for i in range(L):
        top = main_fear[i]
        if eligible[i] and not members[i] and top >= 0 and members[top]:
            camp[i] = 2
    # The old front breaks when its common threat is gone; a member the front can now
    # do without keeps his alliances until the size principle sheds him.
    return threat != old and _end_across_camps(k, r, t)


@njit(cache=True)
def _end_across_camps(k, r, t):  # type: ignore[no-untyped-def]
    """End every alliance of two bloc leaders who are not in one camp; returns whether
    one ended."""
    s, d = k.s, k.d
    L = s.patron.shape[1]
    camp = s.camp[r]
    ended = False
    for a in range(L):
        for b in range(a + 1, L):
            if not s.ally[r, a, b] or (camp[a] != 0 and camp[a] == camp[b]):
                continue
            if not (d.principal[r, a] and d.principal[r, b]):
                continue
            s.ally[r, a, b] = False
            s.ally[r, b, a] = False
            record(k, r, t, Event.ALLIANCE_ENDED, actor=a, target=b)
            ended = True
    if ended:
        forget_relations(k, r)
    return ended


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
    """Whether bloc leader ``a`` and his allies (leaving out ``without``'s bloc) command
    the committee and the leadership (:func:`~politburo.kernel.derive.commands`)."""
    comm, lead = _coalition_votes(k, r, a, without)
    return commands(k, r, comm, lead)


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
def win_over_chance(k, r, actor, target):  # type: ignore[no-untyped-def]
    """The chance that ``target`` becomes ``actor``'s client (:func:`win_over`): the pull
    of the actor's seen power over his patron's, against his bond, ambition and the
    policy gap."""
    s, w, p = k.s, k.w, k.p
    seen_by = perceived(k, r)
    current = s.patron[r, target]
    pull = seen_by[target, actor] - seen_by[target, current]
    # An unattached leader is bound to his own independence, if less than a client.
    loyalty = s.loyalty[r, target]
    bond = p.independence_bond * loyalty if current == target else loyalty
    distance = 0.0
    if k.on[Mechanism.POLICY]:
        distance = policy_gap(k, r, actor, target, target)
    resistance = (
        bond + w.traits[target, Trait.AMBITION] + distance * w.traits[target, Trait.RIGIDITY]
    ) / 3
    return clip(
        p.win_over_base
        + p.win_over_pull * pull * leverage(k, w.traits[actor, Trait.CUNNING])
        - p.win_over_resistance * resistance,
        0.0,
        p.win_over_cap,
    )


@njit(cache=True)
def win_over(k, r, t, actor, target):  # type: ignore[no-untyped-def]
    """Try to make the target one's client: he comes if the actor looks stronger than
    his present patron (or than himself), policy permitting."""
    s, p = k.s, k.p
    chance = win_over_chance(k, r, actor, target)
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
