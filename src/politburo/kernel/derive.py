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
    """Recompute run ``r``'s derived values at month ``t`` and drop its lazy relations.

    The run's rows are bound to local views once: read through the records in the loops,
    every access would reload them (stores to the arrays may alias the records). No
    binding is used after a call to another compiled function: Numba's reference count
    of a view or record lived across a call is never pruned (an atomic increment and
    decrement per binding per call)."""
    s, d, w, on = k.s, k.d, k.w, k.on
    alive = s.alive[r]
    in_party = s.in_party[r]
    incapacitated = s.incapacitated[r]
    exiled = s.exiled[r]
    patron = s.patron[r]
    office_holder = s.office_holder[r]
    seat = s.seat[r]
    committee = s.committee[r]
    actor = w.actor
    office_powers = w.office_powers
    office_reports_to = w.office_reports_to
    on_information = on[Mechanism.INFORMATION]
    present = d.present[r]
    can_act = d.can_act[r]
    principal = d.principal[r]
    powers = d.powers[r]
    info = d.info[r]
    lead_votes = d.lead_votes[r]
    comm_votes = d.comm_votes[r]
    L = alive.shape[0]
    O = office_holder.shape[0]  # noqa: E741
    P = office_powers.shape[1]
    for i in range(L):
        present[i] = alive[i] and in_party[i] and not incapacitated[i] and not exiled[i]
        can_act[i] = present[i] and actor[i]
        principal[i] = patron[i] == i and present[i]
        for q in range(P):
            powers[i, q] = 0.0
    # Offices in order, each adding its powers to its holder's (NumPy's matmul order).
    for o in range(O):
        holder = office_holder[o]
        if holder >= 0:
            for q in range(P):
                powers[holder, q] += office_powers[o, q]
    for i in range(L):
        info[i] = powers[i, Power.INFORMATION]
    # An office's information also reaches the holder of the office it reports to.
    for o in range(O):
        boss_office = office_reports_to[o]
        if boss_office < 0:
            continue
        boss = office_holder[boss_office]
        source = office_holder[o]
        if boss >= 0 and source >= 0:
            info[boss] += office_powers[o, Power.INFORMATION]
    for i in range(L):
        lead_votes[i] = 0
        comm_votes[i] = 0
    for j in range(L):
        if seat[j] == SEAT_FULL and present[j]:
            lead_votes[patron[j]] += 1
    for q in range(committee.shape[0]):
        holder = committee[q]
        if holder >= 0:
            comm_votes[patron[holder]] += 1
    # Information is bounded last: in this order LLVM's output lets Numba prune every
    # reference count of the bindings above (checked on the compiled IR).
    for i in range(L):
        if on_information:
            info[i] = min(max(info[i], 0.0), 1.0)
        else:
            info[i] = 0.0
    ban = _ban_in_force(
        s.rule_override[r],
        w.rule_is_ban,
        w.rule_schedule,
        min(t, w.months - 1),
        on[Mechanism.FACTION_BAN],
    )
    d.ban[r] = ban
    # The calls come last: a row or record bound across a call is reference counted.
    _seen_power(k, r)
    forget_all_relations(k, r)


@njit(cache=True)
def refresh_seen(k, r):  # type: ignore[no-untyped-def]
    """:func:`refresh` after a change of prestige alone: seen power is rebuilt, the other
    derived values are kept (they would be rebuilt unchanged) and the lazy relations are
    dropped."""
    _seen_power(k, r)
    forget_all_relations(k, r)


@njit(cache=True)
def _seen_power(k, r):  # type: ignore[no-untyped-def]
    """Seen power of run r: shares of visible stature (prestige, oratory, the prestige of
    offices held) among present leaders; needs fresh ``present`` and ``powers``."""
    s, d, w, p = k.s, k.d, k.w, k.p
    present = d.present[r]
    prestige = s.prestige[r]
    powers = d.powers[r]
    traits = w.traits
    seen = d.seen[r]
    oratory_weight = p.seen_oratory_weight
    office_weight = p.seen_office_weight
    L = seen.shape[0]
    for i in range(L):
        if present[i]:
            seen[i] = (
                prestige[i] + oratory_weight * traits[i, Trait.ORATORY]
            ) + office_weight * powers[i, Power.PRESTIGE]
        else:
            seen[i] = 0.0
    total = max(pairwise_sum(seen, 0, L), 1e-9)
    for i in range(L):
        seen[i] = seen[i] / total


@njit(cache=True)
def forget_all_relations(k, r):  # type: ignore[no-untyped-def]
    """Drop every lazy relation of run r (coalitions, perceived power, threats, dominant
    blocs), keeping the derived values they are made from."""
    d = k.d
    d.coalition_ok[r] = False
    d.perceived_ok[r] = False
    d.threat_ok[r] = False
    dominant_ok = d.dominant_ok  # bound outside the loop: its reference count is pruned
    for role in range(3):
        dominant_ok[r, role] = False


@njit(cache=True, inline="always")
def _ban_in_force(rule_override, rule_is_ban, rule_schedule, month, on):  # type: ignore[no-untyped-def]
    """Whether a faction ban is in force (scheduled, or switched by a rule override)."""
    ban = False
    if on:
        for n in range(rule_is_ban.shape[0]):
            if not rule_is_ban[n]:
                continue
            override = rule_override[n]
            in_force = rule_schedule[month, n] if override < 0 else override == 1
            ban = ban or in_force
    return ban


@njit(cache=True)
def forget_relations(k, r):  # type: ignore[no-untyped-def]
    """Drop what depends on alliances and blocs (after they change) for run ``r``."""
    d = k.d
    d.coalition_ok[r] = False
    d.threat_ok[r] = False
    dominant_ok = d.dominant_ok  # as in forget_all_relations
    for role in range(3):
        dominant_ok[r, role] = False


@njit(cache=True)
def coalition(k, r):  # type: ignore[no-untyped-def]
    """(L, L) view: j is in i's coalition (same bloc, or blocs allied)."""
    if not k.d.coalition_ok[r]:
        _coalition(k, r)
        k.d.coalition_ok[r] = True
    return k.d.coalition[r]


@njit(cache=True)
def _coalition(k, r):  # type: ignore[no-untyped-def]
    """Build run r's :func:`coalition` matrix. A row depends only on the leader's bloc: a
    client's row is his patron's, copied once the patron's is made. (The rows are bound
    here, in a function that calls no other, so their reference counts are pruned.)"""
    patron = k.s.patron[r]
    ally = k.s.ally[r]
    allies = k.on[Mechanism.ALLIANCES]
    out = k.d.coalition[r]
    L = patron.shape[0]
    for i in range(L):
        pi = patron[i]
        if pi != i and patron[pi] == pi and pi < i:
            for j in range(L):
                out[i, j] = out[pi, j]
            continue
        for j in range(L):
            pj = patron[j]
            out[i, j] = pi == pj or (allies and ally[pi, pj])


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
def policy_gap(k, r, i, j, viewer):  # type: ignore[no-untyped-def]
    """:func:`policy_distance` of leader i's position and leader j's (the line if j < 0)
    in run r, by ``viewer``'s salience. The positions are read in place: views of the rows
    would be reference counted at every call."""
    n = k.s.line.shape[1]
    if n >= 8:
        other = k.s.line[r] if j < 0 else k.s.position[r, j]
        return policy_distance(k.s.position[r, i], other, k.w.salience[viewer])
    num = 0.0
    den = 0.0
    for x in range(n):
        theirs = k.s.line[r, x] if j < 0 else k.s.position[r, j, x]
        num += abs(k.s.position[r, i, x] - theirs) * k.w.salience[viewer, x]
        den += k.w.salience[viewer, x]
    return num / (2.0 * max(den, 1e-9))


@njit(cache=True)
def distances(k, r):  # type: ignore[no-untyped-def]
    """(L, L) view: policy distance between every two leaders by the first one's
    salience (zeros when the policy mechanism is off). Positions change only by
    ``policy.shift_position``, which drops this; a refresh keeps it."""
    if not k.d.distance_ok[r]:
        _distances(k.s.position[r], k.w.salience, k.on[Mechanism.POLICY], k.d.distance[r])
        k.d.distance_ok[r] = True
    return k.d.distance[r]


@njit(cache=True)
def _distances(position, salience, on, out):  # type: ignore[no-untyped-def]
    """:func:`distances` from the run's positions, into ``out`` (L, L)."""
    L = position.shape[0]
    n = position.shape[1]
    for i in range(L):
        if not on:
            for j in range(L):
                out[i, j] = 0.0
            continue
        if n >= 8:
            for j in range(L):
                out[i, j] = policy_distance(position[i], position[j], salience[i])
            continue
        den = 0.0
        for x in range(n):
            den += salience[i, x]
        scale = 2.0 * max(den, 1e-9)
        for j in range(L):
            num = 0.0
            for x in range(n):
                num += abs(position[i, x] - position[j, x]) * salience[i, x]
            out[i, j] = num / scale


@njit(cache=True)
def perceived(k, r):  # type: ignore[no-untyped-def]
    """(L, L) view: leader i's estimate of leader j's power."""
    if not k.d.perceived_ok[r]:
        _perceived(k, r)
        k.d.perceived_ok[r] = True
    return k.d.perceived[r]


@njit(cache=True, inline="always")
def insight(info_i, revealed_j):  # type: ignore[no-untyped-def]
    """How far leader i sees leader j's real power: his own information and what public
    votes have revealed of j, as independent sources (1 - (1 - info)(1 - revealed))."""
    return 1.0 - (1.0 - info_i) * (1.0 - revealed_j)


@njit(cache=True)
def _perceived(k, r):  # type: ignore[no-untyped-def]
    """Build run r's :func:`perceived` matrix (rows bound in a function that calls no
    other, as in :func:`_coalition`)."""
    info = k.d.info[r]
    revealed = k.s.revealed[r]
    real_power = k.s.real_power[r]
    seen = k.d.seen[r]
    on = k.on[Mechanism.PERCEPTION]
    out = k.d.perceived[r]
    L = info.shape[0]
    for i in range(L):
        for j in range(L):
            if on:
                sight = insight(info[i], revealed[j])
                out[i, j] = sight * real_power[j] + (1 - sight) * seen[j]
            else:
                out[i, j] = real_power[j]


@njit(cache=True)
def perceived_of(k, r, i, j):  # type: ignore[no-untyped-def]
    """How leader i sees leader j's power (without building the whole matrix)."""
    if not k.on[Mechanism.PERCEPTION]:
        return k.s.real_power[r, j]
    sight = insight(k.d.info[r, i], k.s.revealed[r, j])
    return sight * k.s.real_power[r, j] + (1.0 - sight) * k.d.seen[r, j]


@njit(cache=True)
def reveal(k, r, j):  # type: ignore[no-untyped-def]
    """A public vote has shown how bloc leader j's followers vote: the public learns
    ``vote_revelation`` of what it did not know of his real power (Fearon 1995 and
    Svolik 2012 on contests as revealers of strength in autocracies)."""
    if j < 0:
        return
    bloc = k.s.patron[r, j]
    k.s.revealed[r, bloc] += k.p.vote_revelation * (1.0 - k.s.revealed[r, bloc])
    if k.on[Mechanism.PERCEPTION]:
        # Without perception everyone sees real power: nothing derived has changed.
        k.d.perceived_ok[r] = False
        k.d.threat_ok[r] = False


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
    weighted up by policy distance and the force he commands and down for allies; zero
    for oneself, one's bloc, absent leaders and leaders who never led a bloc (no
    rivals)."""
    d, p = k.d, k.p
    if not d.threat_ok[r]:
        dist = distances(k, r)
        seen_by = perceived(k, r)
        _threats(
            d.principal[r],
            k.s.led_bloc[r],
            k.s.patron[r],
            k.s.ally[r],
            dist,
            seen_by,
            d.seen[r],
            d.powers[r],
            p.threat_stature_weight,
            p.threat_policy_weight,
            p.threat_force_weight,
            p.ally_threat_discount,
            d.threat[r],
        )
        d.threat_ok[r] = True
    return d.threat[r]


@njit(cache=True)
def fear_of(seen_by_ij, seen_j, dist_ij, stature_weight, policy_weight, force_j, force_weight):  # type: ignore[no-untyped-def]
    """How much i fears j, alliances aside: j's power as i perceives it plus
    ``stature_weight`` times his visible stature, weighted up by their policy distance and
    by the force j commands (``force_j``: the police and army powers of the offices he
    holds, :func:`force_of`) — the man who holds the police or the army can arrest his
    rivals, and is feared for it (Svolik 2012 on the repressive apparatus as a threat to
    the ruling coalition)."""
    potential = seen_by_ij + stature_weight * seen_j
    return potential * (1.0 + policy_weight * dist_ij) * (1.0 + force_weight * force_j)


@njit(cache=True)
def force_of(k, r, j):  # type: ignore[no-untyped-def]
    """The force leader j commands: the police and army powers of the offices he holds."""
    return _force(k.d.powers[r], j)


@njit(cache=True)
def _force(powers, j):  # type: ignore[no-untyped-def]
    """:func:`force_of` from the run's (L, P) powers."""
    return powers[j, Power.POLICE] + powers[j, Power.ARMY]


@njit(cache=True)
def _threats(  # type: ignore[no-untyped-def]
    principal,
    led_bloc,
    patron,
    ally,
    dist,
    seen_by,
    seen,
    powers,
    stature_weight,
    policy_weight,
    force_weight,
    discount,
    out,
):
    """:func:`threats` from the run's rows and relations, into ``out`` (L, L)."""
    L = patron.shape[0]
    for i in range(L):
        for j in range(L):
            if principal[j] and led_bloc[j] and patron[i] != patron[j]:
                score = fear_of(
                    seen_by[i, j],
                    seen[j],
                    dist[i, j],
                    stature_weight,
                    policy_weight,
                    _force(powers, j),
                    force_weight,
                )
                if ally[i, j]:
                    score = score * discount
                out[i, j] = score
            else:
                out[i, j] = 0.0


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


@njit(cache=True, inline="always")
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
def seats_in_use(k, r):  # type: ignore[no-untyped-def]
    """Committee seats in use in run r (the body's size in force)."""
    committee = k.s.committee[r]
    count = 0
    for q in range(committee.shape[0]):
        if committee[q] != -2:
            count += 1
    return count


@njit(cache=True)
def commands(k, r, comm, lead):  # type: ignore[no-untyped-def]
    """Whether ``comm`` committee seats and ``lead`` full leadership seats are a majority
    of the committee's seats in use and of the full leadership seats: what a coalition
    needs to carry the committee's votes and the leadership's (one definition for the
    front, the size principle and the plenum)."""
    full = 0
    lead_votes = k.d.lead_votes[r]
    for j in range(lead_votes.shape[0]):
        full += lead_votes[j]
    return 2 * comm > seats_in_use(k, r) and 2 * lead > full


@njit(cache=True)
def restrains(k, r, j, target):  # type: ignore[no-untyped-def]
    """Whether bloc leader j holds back from removing ``target`` from the leadership or
    the party: ``target`` is the common threat, j is in the front against him and is the
    contender the others would fear most once he is gone, and j's own bloc could not
    rule alone. A member of a ruling coalition does not help eliminate a rival whose
    elimination would make him the next target (self-enforcing coalitions, Acemoglu,
    Egorov & Sonin 2008). Camps are drawn at each plenum (``alliances.form_camps``)."""
    s, d = k.s, k.d
    if j < 0 or target < 0 or not k.on[Mechanism.ALLIANCES]:
        return False
    if target != s.common_threat[r] or j != s.next_threat[r] or s.camp[r, j] != 1:
        return False
    return not commands(k, r, d.comm_votes[r, j], d.lead_votes[r, j])


@njit(cache=True)
def opposed(k, r, a, b):  # type: ignore[no-untyped-def]
    """Whether the blocs of a and b stand in opposite camps (the front against the common
    threat and the threatened); without coalitions over sets of leaders (``alliances``
    off) every other bloc is opposed."""
    s = k.s
    if not k.on[Mechanism.ALLIANCES]:
        return s.patron[r, a] != s.patron[r, b]
    x = s.camp[r, s.patron[r, a]]
    y = s.camp[r, s.patron[r, b]]
    return x != 0 and y != 0 and x != y


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


@njit(cache=True, inline="always")
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
