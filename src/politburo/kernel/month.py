"""One month of one run, in order, as the historian tells it:

1. ``fire_events``         scheduled events (a stroke, a death, a crisis)
2. ``gather_information``  office holders with information detect factions
3. ``decide``              every active leader chooses actions (or a player does)
4. ``resolve_actions``     actions take effect; motions are voted in their bodies
5. ``hold_meetings``       congresses, conferences, scheduled motions
6. ``drift``               loyalties, prestige, membership, crises, evidence
7. ``measure_power`` and ``check_consolidation``: has one man won?
"""

from __future__ import annotations

import numpy as np
from numba import njit

from politburo.kernel import (
    alliances,
    appointment,
    congress,
    decide,
    discipline,
    faction_ban,
    information,
    legitimacy,
    offices,
    plenum,
    policy,
    recruitment,
)
from politburo.kernel.derive import (
    forget_all_relations,
    forget_relations,
    refresh,
    refresh_seen,
)
from politburo.kernel.events import Event, record
from politburo.kernel.layout import Mechanism
from politburo.kernel.numeric import banzhaf
from politburo.kernel.rng import element, stream_base
from politburo.kernel.schedule import Effect
from politburo.model.actions import TARGET_KIND, Verb
from politburo.model.rng import Stream

SEAT_FULL = 2
EMPTY_SEAT = -2
_ACTING_ORDER = int(Stream.ACTING_ORDER)
N_VERBS = len(Verb)
#: verbs whose target is nothing (the plan's target is ignored)
NO_TARGET = np.array([TARGET_KIND[v] == "none" for v in Verb])
#: verbs whose target may be acted on only once a month (the first in the acting order)
CLAIMING = np.array([v in (Verb.MOVE_DISCIPLINE, Verb.WIN_OVER) for v in Verb])


@njit(cache=True)
def fire_events(k, r, t):  # type: ignore[no-untyped-def]
    """Apply this month's scheduled effects (meetings wait for ``hold_meetings``)."""
    s, fx = k.s, k.fx
    if t >= k.w.months:
        return
    for e in range(fx.start[t], fx.start[t + 1]):
        kind = fx.kind[e]
        leader = fx.leader[e]
        if kind == Effect.INCAPACITATE:
            s.incapacitated[r, leader] = True
            record(k, r, t, Event.INCAPACITATED, leader)
        elif kind == Effect.RECOVER:
            s.incapacitated[r, leader] = False
            record(k, r, t, Event.RECOVERED, leader)
        elif kind == Effect.DEATH:
            if s.alive[r, leader]:
                s.alive[r, leader] = False
                record(k, r, t, Event.DIED, leader)
                refresh(k, r, t)
                offices.leave_posts(k, r, t, leader)
        elif kind == Effect.REHABILITATE:
            discipline.rehabilitate(k, r, t, leader)
        elif kind == Effect.PRESTIGE:
            legitimacy.prestige_event(k, r, t, leader, fx.value[e])
        elif kind == Effect.FUNERAL:
            legitimacy.funeral(k, r, t, leader, fx.leaders[e], fx.others[e])
        elif kind == Effect.DOCUMENT:
            legitimacy.document(k, r, t, fx.flag[e], fx.about_leader[e], fx.about_delta[e])
        elif kind == Effect.CRISIS:
            policy.start_crisis(k, r, t, fx.issue[e], fx.value[e], fx.salience[e], fx.months[e])
        elif kind == Effect.RECRUITMENT_DRIVE:
            recruitment.start_drive(k, r, t, fx.cohort[e], fx.value[e], fx.months[e])
            record(k, r, t, Event.RECRUITMENT_DRIVE, obj=fx.cohort[e], value=fx.value[e])
        elif kind == Effect.ALLIANCE:
            alliances.scheduled_alliance(k, r, t, fx.leaders[e])
        elif kind == Effect.RULE:
            s.rule_override[r, fx.rule[e]] = 1 if fx.flag[e] else 0
        refresh(k, r, t)


@njit(cache=True)
def acting_order(k, r, t, order):  # type: ignore[no-untyped-def]
    """A fresh random order of the leaders for this run and month (a stable sort of one
    uniform number per leader), into ``order``."""
    L = order.shape[0]
    base = stream_base(k.s.keys[r], t, _ACTING_ORDER, 0)
    draw = np.empty(L)
    for i in range(L):
        draw[i] = element(base, i)
    # A stable insertion sort (ties keep the lower leader first, as a stable mergesort):
    # for a few dozen leaders cheaper than ``np.argsort``.
    for i in range(L):
        x = draw[i]
        m = i
        while m > 0 and draw[order[m - 1]] > x:
            order[m] = order[m - 1]
            m -= 1
        order[m] = i


@njit(cache=True)
def resolve(k, r, t, verb, actor, target):  # type: ignore[no-untyped-def]
    """Carry out one action."""
    if verb == Verb.RECANT:
        discipline.recant(k, r, t, actor, target)
    elif verb == Verb.BREAK_ALLIANCE:
        alliances.break_alliance(k, r, t, actor, target)
    elif verb == Verb.PROPOSE_ALLIANCE:
        alliances.propose_alliance(k, r, t, actor, target)
    elif verb == Verb.SHIFT_POSITION:
        policy.shift_position(k, r, t, actor, target)
    elif verb == Verb.WIN_OVER:
        alliances.win_over(k, r, t, actor, target)
    elif verb == Verb.APPOINT:
        appointment.appoint(k, r, t, actor, target)
    elif verb == Verb.RECRUIT:
        recruitment.recruit(k, r, t, actor, target)
    elif verb == Verb.ATTACK:
        legitimacy.attack(k, r, t, actor, target)
    elif verb == Verb.DEFEND_LINE:
        legitimacy.defend_line(k, r, t, actor, target)
    elif verb == Verb.CRITICIZE_LINE:
        legitimacy.criticize_line(k, r, t, actor, target)
    elif verb == Verb.APPEAL:
        legitimacy.appeal(k, r, t, actor, target)
    elif verb == Verb.GATHER_MATERIAL:
        information.gather_material(k, r, t, actor, target)
    elif verb == Verb.ORGANIZE_FACTION:
        faction_ban.organize_faction(k, r, t, actor, target)
    elif verb == Verb.PROPOSE_POLICY:
        policy.propose_policy(k, r, t, actor, target)
    elif verb == Verb.MOVE_DISCIPLINE:
        discipline.move_discipline(k, r, t, actor, target, -1, -1)


@njit(cache=True)
def _after_verb(k, r, t, verb):  # type: ignore[no-untyped-def]
    """Bring the derived values up to date after the actions of one verb: a full
    :func:`refresh` unless the verb changes none of what they are made of. Appointments,
    recruitment, material and factions change nothing derived; alliances only the
    coalitions, threats and dominant blocs; positions only distances (dropped by the rule)
    and so threats; words only seen power. A refresh would rebuild the same numbers from
    the same state."""
    if verb == Verb.APPOINT or verb == Verb.RECRUIT:
        return
    if verb == Verb.GATHER_MATERIAL or verb == Verb.ORGANIZE_FACTION:
        return
    if verb == Verb.BREAK_ALLIANCE or verb == Verb.PROPOSE_ALLIANCE:
        forget_relations(k, r)
        return
    if verb == Verb.SHIFT_POSITION:
        forget_relations(k, r)
        return
    if (
        verb == Verb.ATTACK
        or verb == Verb.DEFEND_LINE
        or verb == Verb.CRITICIZE_LINE
        or verb == Verb.APPEAL
    ):
        # Words move prestige (and appeal and pretexts, which nothing derived is made
        # of): of the derived values only seen power changes.
        refresh_seen(k, r)
        return
    refresh(k, r, t)


@njit(cache=True)
def resolve_actions(k, r, t, plan_verb, plan_target):  # type: ignore[no-untyped-def]
    """Carry out every chosen action, verb by verb in resolution order and, within a verb,
    leader by leader in the run's acting order.

    Legality is judged once per verb, on the state the previous verbs left; within a verb
    a target is claimed by the first actor (discipline, overtures), and an actor who lost
    his independence earlier this month no longer acts as a bloc leader."""
    s = k.s
    L = s.patron.shape[1]
    K = plan_verb.shape[2]
    ints = np.empty(2 * L, dtype=np.int64)  # one allocation per kind, carved up
    flags = np.zeros(3 * L + N_VERBS, dtype=np.bool_)
    order = ints[:L]
    acting_order(k, r, t, order)
    slot_of = ints[L:]  # each leader's first plan slot with the verb (set per verb)
    legal_at_start = flags[:L]
    principal_at_start = flags[L : 2 * L]
    claimed = flags[2 * L : 3 * L]
    # The run's rows (live views: the rules change them as they go).
    patron = s.patron[r]
    in_party = s.in_party[r]
    alive = s.alive[r]
    exiled = s.exiled[r]
    # Verbs somebody chose (the others are skipped outright).
    wanted = flags[3 * L :]
    for i in range(L):
        for kk in range(K):
            v = plan_verb[r, i, kk]
            if 0 <= v < N_VERBS:
                wanted[v] = True
    for verb in range(1, N_VERBS):
        if not wanted[verb]:
            continue
        chosen = False
        for i in range(L):
            slot_of[i] = -1
            for kk in range(K):
                if plan_verb[r, i, kk] == verb:
                    slot_of[i] = kk
                    chosen = True
                    break
        if not chosen:
            continue
        width = decide.n_targets(k, verb)
        for i in range(L):
            principal_at_start[i] = patron[i] == i
            claimed[i] = False
            legal_at_start[i] = False
            if slot_of[i] < 0:
                continue
            target = -1 if NO_TARGET[verb] else plan_target[r, i, slot_of[i]]
            if NO_TARGET[verb]:
                legal_at_start[i] = decide.legal(k, r, t, verb, i, 0)
            elif 0 <= target < width:
                legal_at_start[i] = decide.legal(k, r, t, verb, i, target)
        touched = False
        for slot in range(L):
            actor = order[slot]
            if slot_of[actor] < 0:
                continue
            target = -1 if NO_TARGET[verb] else plan_target[r, actor, slot_of[actor]]
            ok = legal_at_start[actor]
            # Whoever submitted this month (recanted, was won over) acts as a client now.
            ok = ok and (patron[actor] == actor or not principal_at_start[actor])
            ok = ok and in_party[actor] and alive[actor]
            if CLAIMING[verb] and ok:
                ok = not claimed[target] and not exiled[target] and alive[target]
                if ok:
                    claimed[target] = True
            if not ok:
                continue
            resolve(k, r, t, verb, actor, target)
            touched = True
            if verb == Verb.PROPOSE_ALLIANCE:
                forget_relations(k, r)
        if touched:
            _after_verb(k, r, t, verb)


@njit(cache=True)
def hold_meetings(k, r, t):  # type: ignore[no-untyped-def]
    """Congresses (each followed by a plenum), conferences and scheduled motions of this
    month; then the committee's plenum if one is due."""
    fx = k.fx
    if t >= k.w.months:
        return
    for e in range(fx.start[t], fx.start[t + 1]):
        kind = fx.kind[e]
        if kind == Effect.CONGRESS:
            congress.hold_congress(k, r, t)
            continue  # the congress ends with its plenum's refresh
        elif kind == Effect.CONFERENCE:
            congress.hold_conference(k, r, t)
        elif kind == Effect.MOTION:
            if k.on[Mechanism.DISCIPLINE] and k.s.alive[r, fx.leader[e]]:
                discipline.move_discipline(k, r, t, -1, fx.leader[e], fx.office[e], fx.rung[e])
        else:
            continue
        refresh(k, r, t)
    if plenum.due(k, r, t):
        plenum.hold_plenum(k, r, t)


@njit(cache=True)
def drift(k, r, t):  # type: ignore[no-untyped-def]
    """Slow changes: prestige, loyalties, membership, crises, evidence, material."""
    recruitment.run_drives(k, r, t)
    recruitment.grow_membership(k, r, t)
    legitimacy.drift_prestige(k, r, t)
    alliances.drift_loyalty(k, r, t)
    appointment.drift_secretaries(k, r, t)
    policy.run_crises(k, r, t)
    faction_ban.factional_evidence(k, r, t)
    information.decay_material(k, r, t)
    refresh(k, r, t)


@njit(cache=True)
def measure_power(k, r, t):  # type: ignore[no-untyped-def]
    """Real power: the Banzhaf index of each bloc in the leadership and the committee
    (uncommitted committee seats split evenly, so a majority of the committed decides)."""
    refresh(k, r, t)
    _measure_fresh(k, r, t)


@njit(cache=True)
def _measure_fresh(k, r, t):  # type: ignore[no-untyped-def]
    """:func:`measure_power` on derived values just refreshed. Real power feeds no derived
    value but perceived power and threats (and what is computed from them): those are
    dropped, as a second refresh would (rebuilding the rest unchanged)."""
    d = k.d
    L = d.lead_votes.shape[1]
    both = np.zeros(2 * L)
    lead_power = both[:L]
    committee_power = both[L:]
    banzhaf(d.lead_votes[r], d.lead_votes[r].sum() // 2 + 1, lead_power)
    banzhaf(d.comm_votes[r], d.comm_votes[r].sum() // 2 + 1, committee_power)
    w = k.p.leadership_power_weight
    real_power = k.s.real_power[r]
    for i in range(L):
        real_power[i] = w * lead_power[i] + (1.0 - w) * committee_power[i]
    forget_all_relations(k, r)


@njit(cache=True)
def check_consolidation(k, r, t):  # type: ignore[no-untyped-def]
    """Record the first month a leader consolidates power: his bloc holds a majority of
    the full leadership seats and of the committee, and neither an ally (a co-ruler) nor
    a contender who has not been reduced to submission (recanted) holds a full seat.
    Leaders who never led a following or an opposition are no rivals; a ruler may leave
    them, and the penitent, their titles."""
    s, d = k.s, k.d
    if s.winner[r] >= 0:
        return
    L = s.patron.shape[1]
    leader = 0
    best = -np.inf
    for i in range(L):
        value = s.real_power[r, i] if d.principal[r, i] else -1.0
        if value > best:
            best = value
            leader = i
    if not d.principal[r, leader]:
        return
    full = 0
    full_bloc = 0
    for i in range(L):
        bloc = s.patron[r, i] == leader
        seated = s.alive[r, i] and s.in_party[r, i] and not s.exiled[r, i]
        # A contender who recanted has been reduced to submission; an ally co-rules.
        submitted = s.penitent_since[r, i] >= 0
        contender = s.led_bloc[r, i] and not submitted
        allied = k.on[Mechanism.ALLIANCES] and s.ally[r, leader, i]
        rival = s.patron[r, i] == i and not bloc and (contender or allied)
        if rival and seated and s.seat[r, i] == SEAT_FULL:
            return
        if s.seat[r, i] == SEAT_FULL and seated:
            full += 1
            if bloc:
                full_bloc += 1
    if not full_bloc * 2 > full:
        return
    in_use = 0
    for q in range(s.committee.shape[1]):
        if s.committee[r, q] != EMPTY_SEAT:
            in_use += 1
    if not d.comm_votes[r, leader] * 2 > in_use:
        return
    s.winner[r] = leader
    s.consolidated[r] = t
    record(k, r, t, Event.CONSOLIDATED, leader)


@njit(cache=True)
def begin_month(k, r, t):  # type: ignore[no-untyped-def]
    """The month up to the decisions: scheduled events, then information."""
    refresh(k, r, t)
    fire_events(k, r, t)
    plenum.mark_bloc_leaders(k, r, t == 0)
    information.gather_information(k, r, t)
    # Detection changes only material and pretexts, which no derived value is made of: a
    # refresh here would rebuild the same numbers, and only its dropping of the lazy
    # relations is kept.
    forget_all_relations(k, r)


@njit(cache=True)
def finish_month(k, r, t, plan_verb, plan_target):  # type: ignore[no-untyped-def]
    """The month after the decisions: actions, meetings, drift, the outcome check."""
    resolve_actions(k, r, t, plan_verb, plan_target)
    hold_meetings(k, r, t)
    drift(k, r, t)  # ends with a refresh
    _measure_fresh(k, r, t)
    plenum.mark_bloc_leaders(k, r, False)
    check_consolidation(k, r, t)


@njit(cache=True)
def step(k, r, t, plan_verb, plan_target, outside_verb, outside_target, outside):  # type: ignore[no-untyped-def]
    """Advance run ``r`` by month ``t``. Leaders flagged in ``outside`` (L,) play the
    actions in ``outside_verb``/``outside_target`` (R, L, K'); the heuristic decides for
    everyone else. The plan taken is left in ``plan_verb``/``plan_target``."""
    begin_month(k, r, t)
    decide.decide(k, r, t, plan_verb, plan_target)
    L = plan_verb.shape[1]
    K = plan_verb.shape[2]
    width = min(K, outside_verb.shape[2])
    for i in range(L):
        if not outside[i]:
            continue
        for kk in range(K):
            plan_verb[r, i, kk] = 0
            plan_target[r, i, kk] = -1
        for kk in range(width):
            plan_verb[r, i, kk] = outside_verb[r, i, kk]
            plan_target[r, i, kk] = outside_target[r, i, kk]
    finish_month(k, r, t, plan_verb, plan_target)
