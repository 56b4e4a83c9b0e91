"""Legal actions and the heuristic policy, per run: which verbs and targets a leader may
choose (:mod:`politburo.model.actions`) and what each leader chooses in a month
(the batched NumPy ``agents/heuristic.py`` it replaced, deleted).

Fear the strongest perceived rival; prefer minimal winning coalitions against him;
protect one's base; escalate discipline only with a majority in hand; shift position
when flexible; recant when beaten. The NumPy policy scores every (verb, target) of every
leader and masks the illegal ones; here only legal candidates of leaders who can act
are scored, with every score computed in the NumPy expression's order, so the plan is
the same bit for bit (taste noise and misjudgement are counter-based draws, drawn only
where they matter).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from politburo.kernel.derive import (
    SEAT_CANDIDATE,
    SEAT_FULL,
    SEAT_NONE,
    coalition,
    distances,
    perceived,
    policy_distance,
    restrains,
    secretary_bloc,
    threats,
)
from politburo.kernel.layout import Mechanism, Power, RungEffect, Trait
from politburo.kernel.numeric import pairwise_sum
from politburo.kernel.offices import on_probation
from politburo.kernel.plenum import keep_value
from politburo.kernel.rng import element, stream_base
from politburo.kernel.votes import forecast
from politburo.model.actions import TARGET_KIND, VERB_MECHANISM, Verb
from politburo.model.rng import Stream

_DECISION_NOISE = int(Stream.DECISION_NOISE)
_MISJUDGEMENT = int(Stream.MISJUDGEMENT)

_PASS = int(Verb.PASS)
_RECANT = int(Verb.RECANT)
_BREAK_ALLIANCE = int(Verb.BREAK_ALLIANCE)
_PROPOSE_ALLIANCE = int(Verb.PROPOSE_ALLIANCE)
_SHIFT_POSITION = int(Verb.SHIFT_POSITION)
_WIN_OVER = int(Verb.WIN_OVER)
_APPOINT = int(Verb.APPOINT)
_RECRUIT = int(Verb.RECRUIT)
_ATTACK = int(Verb.ATTACK)
_DEFEND_LINE = int(Verb.DEFEND_LINE)
_CRITICIZE_LINE = int(Verb.CRITICIZE_LINE)
_APPEAL = int(Verb.APPEAL)
_GATHER_MATERIAL = int(Verb.GATHER_MATERIAL)
_ORGANIZE_FACTION = int(Verb.ORGANIZE_FACTION)
_PROPOSE_POLICY = int(Verb.PROPOSE_POLICY)
_MOVE_DISCIPLINE = int(Verb.MOVE_DISCIPLINE)
N_VERBS = len(Verb)

_KIND_NONE, _KIND_LEADER, _KIND_REGION, _KIND_ISSUE = 0, 1, 2, 3
_KIND_CODE = {
    "none": _KIND_NONE,
    "leader": _KIND_LEADER,
    "region": _KIND_REGION,
    "issue": _KIND_ISSUE,
}
#: (16,) kind of target of each verb
TARGET_KINDS = np.array([_KIND_CODE[TARGET_KIND[v]] for v in Verb], dtype=np.int64)


def _mechanism_code(verb: Verb) -> int:
    name = VERB_MECHANISM[verb]
    return -1 if name is None else int(Mechanism[name.upper()])


#: (16,) the Mechanism that must be on for each verb, -1 none
VERB_MECHANISMS = np.array([_mechanism_code(v) for v in Verb], dtype=np.int64)

_CENSURE = int(RungEffect.CENSURE)
_REMOVE_OFFICE = int(RungEffect.REMOVE_OFFICE)
_REMOVE_SEAT = int(RungEffect.REMOVE_SEAT)
_EXPEL = int(RungEffect.EXPEL)

_LOW = -1.0 + 1e-6
_HIGH = 1.0 - 1e-6


@njit(cache=True)
def n_targets(k, verb):  # type: ignore[no-untyped-def]
    """Size of the target domain of a verb."""
    kind = TARGET_KINDS[verb]
    if kind == _KIND_LEADER:
        return k.s.alive.shape[1]
    if kind == _KIND_REGION:
        return k.s.members.shape[1]
    if kind == _KIND_ISSUE:
        return 2 * k.s.line.shape[1]
    return 1


@njit(cache=True, inline="always")
def holds_office(k, r, j):  # type: ignore[no-untyped-def]
    """Whether leader j holds any office."""
    found = False
    for o in range(k.s.office_holder.shape[1]):
        found = found or k.s.office_holder[r, o] == j
    return found


@njit(cache=True)
def next_rung(k, r, j):  # type: ignore[no-untyped-def]
    """The next applicable rung of the ladder against leader j, -1 if none."""
    s = k.s
    return _first_rung(
        k.w.rung_effect,
        s.rung[r, j],
        s.alive[r, j],
        s.in_party[r, j],
        s.exiled[r, j],
        s.seat[r, j] != SEAT_NONE,
        holds_office(k, r, j),
    )


@njit(cache=True, inline="always")
def _first_rung(  # type: ignore[no-untyped-def]
    effects, rung_now, alive, in_party, exiled, has_seat, has_office
):
    """The first rung above ``rung_now`` that applies to a leader in this situation."""
    if not alive:
        return -1
    for q in range(effects.shape[0]):
        if rung_now < q and _applies(effects[q], in_party, exiled, has_seat, has_office):
            return q
    return -1


@njit(cache=True)
def _applies(effect, in_party, exiled, has_seat, has_office):  # type: ignore[no-untyped-def]
    """Whether a rung with ``effect`` can be moved against a living leader in this
    situation."""
    if effect in (_CENSURE, _EXPEL):
        return in_party
    if effect == _REMOVE_OFFICE:
        return in_party and has_office
    if effect == _REMOVE_SEAT:
        return in_party and has_seat
    return not exiled  # exile


@njit(cache=True)
def direct_rung(k, r, mover, j):  # type: ignore[no-untyped-def]
    """The gravest direct rung (``direct`` in the scenario's ladder) above leader j's
    current rung that applies to him and whose backing ``mover``'s coalition holds: some
    of its backing offices held within the coalition, none outside it. -1 if none (the
    ladder is climbed one rung at a time). Force can skip the procedure: an arrest with
    the army's backing needs no expulsion first."""
    if mover < 0:
        return -1
    backed = np.zeros(k.w.rung_effect.shape[0], dtype=np.bool_)
    direct_backing(k, r, mover, backed)
    return gravest_direct(k, r, j, backed)


@njit(cache=True)
def direct_backing(k, r, mover, out):  # type: ignore[no-untyped-def]
    """Into ``out`` (K,): the direct rungs whose backing ``mover``'s coalition holds (some
    backing office held within it, none outside); whether any is. Depends on the mover
    alone, so a mover weighing many targets computes it once."""
    coal = coalition(k, r)  # before binding anything (see legal)
    s, w = k.s, k.w
    holders = s.office_holder[r]
    found = False
    for q in range(w.rung_effect.shape[0]):
        out[q] = False
        if not w.rung_direct[q]:
            continue
        held = False
        outside = False
        for o in range(holders.shape[0]):
            holder = holders[o]
            if w.backing_offices[q, o] and holder >= 0:
                if coal[mover, holder]:
                    held = True
                else:
                    outside = True
        out[q] = held and not outside
        found = found or out[q]
    return found


@njit(cache=True)
def gravest_direct(k, r, j, backed):  # type: ignore[no-untyped-def]
    """The gravest rung flagged in ``backed`` (:func:`direct_backing`) above leader j's
    current rung that applies to him; -1 if none."""
    s, w = k.s, k.w
    if not s.alive[r, j]:
        return -1
    in_party = s.in_party[r, j]
    exiled = s.exiled[r, j]
    has_seat = s.seat[r, j] != SEAT_NONE
    has_office = holds_office(k, r, j)
    best = -1
    for q in range(w.rung_effect.shape[0]):
        above = backed[q] and q > s.rung[r, j]
        if above and _applies(w.rung_effect[q], in_party, exiled, has_seat, has_office):
            best = q
    return best


@njit(cache=True)
def backed(k, r, mover, rung):  # type: ignore[no-untyped-def]
    """Whether ``mover`` has the backing rung ``rung`` requires: his coalition holds every
    held office among the rung's backing offices (e.g. the police chief for an exile)."""
    return _backed(k.w.backing_offices, k.s.office_holder[r], coalition(k, r), mover, rung)


@njit(cache=True)
def _backed(backing_offices, holders, coal, mover, rung):  # type: ignore[no-untyped-def]
    """:func:`backed` from the rungs' backing offices, the run's office holders and its
    coalition matrix."""
    if rung < 0:
        return True
    for o in range(backing_offices.shape[1]):
        if backing_offices[rung, o]:
            holder = holders[o]
            if holder >= 0 and not coal[mover, holder]:
                return False
    return True


@njit(cache=True, inline="always")
def _has_clients(k, r, j):  # type: ignore[no-untyped-def]
    """Whether some other present leader follows j."""
    s = k.s
    for m in range(s.patron.shape[1]):
        if m != j and s.patron[r, m] == j and k.d.present[r, m]:
            return True
    return False


@njit(cache=True)
def legal(k, r, t, verb, actor, target):  # type: ignore[no-untyped-def]
    """Whether ``actor`` may take (``verb``, ``target``) in run r at month t (target
    ignored for verbs with no target).

    The records are bound only once the common verbs have been answered and after the
    one call to another compiled function: a record bound across a call, or left in
    different branches, keeps its reference counting (an atomic increment and decrement
    per call)."""
    i, j = actor, target
    if not k.d.can_act[r, i]:
        return False
    mechanism = VERB_MECHANISMS[verb]
    if mechanism >= 0 and not k.on[mechanism]:
        return False
    if verb in (_PASS, _DEFEND_LINE, _APPEAL):
        return True
    if verb == _MOVE_DISCIPLINE:
        return _may_move_discipline(k, r, t, i, j)
    s, d, w, p = k.s, k.d, k.w, k.p
    principal = d.principal[r, i]
    if verb == _RECANT:
        if not (principal and s.rung[r, i] >= 1):
            return False
        # Once a probation: no second recantation before it is over.
        if on_probation(k, r, t, i):
            return False
        if not (s.real_power[r, i] < p.recant_threshold and not s.exiled[r, i]):
            return False
        count = 0
        for m in range(s.patron.shape[1]):
            if d.principal[r, m]:
                count += 1
        return count > 1
    if verb == _BREAK_ALLIANCE:
        return s.ally[r, i, j] and d.present[r, j]
    if verb == _PROPOSE_ALLIANCE:
        return (
            principal
            and d.principal[r, j]
            and i != j
            and not s.ally[r, i, j]
            and s.patron[r, i] != s.patron[r, j]
        )
    if verb == _SHIFT_POSITION:
        if j % 2 == 0:
            return s.position[r, i, j // 2] > _LOW
        return s.position[r, i, j // 2] < _HIGH
    if verb == _PROPOSE_POLICY:
        if not (principal and s.seat[r, i] == SEAT_FULL):
            return False
        if j % 2 == 0:
            return s.line[r, j // 2] > _LOW
        return s.line[r, j // 2] < _HIGH
    if verb == _WIN_OVER:
        if not (principal and i != j and s.patron[r, i] != s.patron[r, j]):
            return False
        holds = s.seat[r, j] != SEAT_NONE or holds_office(k, r, j)
        # A penitent on probation is nobody's client.
        if on_probation(k, r, t, j):
            return False
        return d.present[r, j] and not _has_clients(k, r, j) and holds and w.actor[j]
    if verb == _APPOINT:
        if not d.powers[r, i, Power.APPOINTMENT] > 0:
            return False
        mine = (
            secretary_bloc(k, r, j) == s.patron[r, i]
            and s.secretary_loyalty[r, j] >= p.secure_loyalty
        )
        return not mine
    if verb == _RECRUIT:
        return d.powers[r, i, Power.RECRUITMENT] > 0 and secretary_bloc(k, r, j) == s.patron[r, i]
    if verb == _ATTACK:
        return d.present[r, j] and i != j and s.patron[r, i] != s.patron[r, j]
    if verb == _CRITICIZE_LINE:
        return principal
    if verb == _GATHER_MATERIAL:
        return d.info[r, i] > 0 and d.present[r, j] and i != j
    if verb == _ORGANIZE_FACTION:
        return principal and not s.faction[r, i]
    return False


@njit(cache=True)
def _may_move_discipline(k, r, t, i, j):  # type: ignore[no-untyped-def]
    """:func:`legal` for a motion of discipline by leader i against leader j."""
    if not (k.d.principal[r, i] and k.s.seat[r, i] == SEAT_FULL and i != j):
        return False
    rung = direct_rung(k, r, i, j)
    if rung < 0:
        rung = next_rung(k, r, j)
    s = k.s
    cooled = (t - s.last_discipline[r, j]) >= k.p.discipline_cooldown
    if not (rung >= 0 and cooled and s.alive[r, j] and not s.incapacitated[r, j]):
        return False
    coal = coalition(k, r)
    if coal[i, j]:
        return False
    return _backed(k.w.backing_offices, k.s.office_holder[r], coal, i, rung)


@njit(cache=True)
def _majorities(committee, lead_votes, comm_votes, coal, lead_share, comm_share):  # type: ignore[no-untyped-def]
    """Coalition vote shares each leader can count on in the leadership and the
    committee, into ``lead_share`` and ``comm_share`` (from the run's committee row, votes
    per bloc and coalition matrix); returns the leadership's seats (at least 1) as a
    float."""
    L = lead_votes.shape[0]
    in_use = 0
    for q in range(committee.shape[0]):
        if committee[q] != -2:
            in_use += 1
    in_use = max(in_use, 1)
    total_lead = 0
    for j in range(L):
        total_lead += lead_votes[j]
    total_lead = max(total_lead, 1)
    for i in range(L):
        lead = 0
        comm = 0
        for j in range(L):
            if coal[i, j]:
                lead += lead_votes[j]
                comm += comm_votes[j]
        lead_share[i] = float(lead) / float(total_lead)
        comm_share[i] = float(comm) / float(in_use)
    return float(total_lead)


@njit(cache=True)
def _ally_position(coal, principal, position, i, out):  # type: ignore[no-untyped-def]
    """Mean position of leader i's coalition (its bloc leaders, and himself) into ``out``
    (I,), from the run's coalition matrix, principals and positions: the NumPy einsum
    adds the members in leader order."""
    L = principal.shape[0]
    n_issues = out.shape[0]
    for x in range(n_issues):
        out[x] = 0.0
    count = 0
    for j in range(L):
        if (coal[i, j] and principal[j]) or j == i:
            count += 1
            for x in range(n_issues):
                out[x] += position[j, x]
    for x in range(n_issues):
        out[x] = out[x] / float(count)


@njit(cache=True)
def _region_weight(members, out):  # type: ignore[no-untyped-def]
    """Each region's members (the run's (G, C) array) relative to the mean region, into
    ``out`` (G,)."""
    G = members.shape[0]
    C = members.shape[1]
    for g in range(G):
        if C < 8:
            acc = 0.0
            for c in range(C):
                acc += members[g, c]
            out[g] = acc
        else:
            out[g] = pairwise_sum(members[g], 0, C)
    total = max(pairwise_sum(out, 0, G), 1e-9)
    for g in range(G):
        out[g] = out[g] / total * float(G)


@njit(cache=True, inline="always")
def one(flag):  # type: ignore[no-untyped-def]
    """1.0 or 0.0: a boolean as NumPy promotes it in arithmetic."""
    return 1.0 if flag else 0.0


@njit(cache=True)
def _threat_of_blocs(fear, patron, own_threat, threat):  # type: ignore[no-untyped-def]
    """Each leader's main threat from the threat matrix (``own_threat``) and the one he
    acts on, his patron's (``threat``), -1 if none."""
    L = patron.shape[0]
    for i in range(L):
        best = 0
        top = fear[i, 0]
        for j in range(1, L):
            if fear[i, j] > top:
                best = j
                top = fear[i, j]
        own_threat[i] = best if top > 0 else -1
    for i in range(L):
        threat[i] = own_threat[patron[i]]


@njit(cache=True)
def _line_distances(position, line, salience, out):  # type: ignore[no-untyped-def]
    """Every leader's policy distance to the line by his salience, into ``out`` (L,)."""
    n = line.shape[0]
    for i in range(out.shape[0]):
        if n >= 8:
            out[i] = policy_distance(position[i], line, salience[i])
            continue
        num = 0.0
        den = 0.0
        for x in range(n):
            num += abs(position[i, x] - line[x]) * salience[i, x]
            den += salience[i, x]
        out[i] = num / (2.0 * max(den, 1e-9))


@njit(cache=True)
def _next_rungs(effects, rung_now, alive, in_party, exiled, seat, has_office, out):  # type: ignore[no-untyped-def]
    """The next applicable rung against every leader (-1 none), into ``out`` (L,)."""
    for j in range(out.shape[0]):
        out[j] = _first_rung(
            effects,
            rung_now[j],
            alive[j],
            in_party[j],
            exiled[j],
            seat[j] != SEAT_NONE,
            has_office[j],
        )


@njit(cache=True)
def best_actions(k, r, t, best, best_target, table):  # type: ignore[no-untyped-def]
    """Every leader's best legal score of every verb, before the taste noise, and its
    target, into ``best`` and ``best_target`` (L, 16): -inf and 0 where nothing is legal
    (the first maximum; NaN wins, as in NumPy's ``max`` and ``argmax``). ``table``
    (L, 16, targets), if not empty, receives every legal score; it must come filled with
    -inf.

    Only legal candidates are scored. The run's rows are bound to local views and the
    parameters to local numbers once (attribute loads from the kernel's records in the
    inner loops cost more than the arithmetic)."""
    s, d, w, p, on = k.s, k.d, k.w, k.p, k.on
    L = s.patron.shape[1]
    G = s.members.shape[1]
    n_issues = s.line.shape[1]
    # The run's relations, once (each call with the kernel tuple has a cost).
    coal = coalition(k, r)
    seen = perceived(k, r)
    dist = distances(k, r)
    fear = threats(k, r)

    # The run's rows.
    patron = s.patron[r]
    ally = s.ally[r]
    camp = s.camp[r]
    seat = s.seat[r]
    rung_now = s.rung[r]
    alive = s.alive[r]
    in_party = s.in_party[r]
    exiled = s.exiled[r]
    incapacitated = s.incapacitated[r]
    last_discipline = s.last_discipline[r]
    real_power = s.real_power[r]
    position = s.position[r]
    line = s.line[r]
    prestige = s.prestige[r]
    pretext = s.pretext[r]
    material = s.material[r]
    defeated_at = s.defeated_at[r]
    last_plenum = s.last_plenum[r]
    faction = s.faction[r]
    holders = s.office_holder[r]
    secretary_loyalty = s.secretary_loyalty[r]
    secretary_patron = s.secretary_patron[r]
    present = d.present[r]
    can_act = d.can_act[r]
    principal_r = d.principal[r]
    powers = d.powers[r]
    info = d.info[r]
    ban = d.ban[r]
    # A crisis that discredits the line is an opposition's opening.
    crisis = False
    for x in range(s.crisis_left.shape[1]):
        crisis = crisis or s.crisis_left[r, x] > 0
    lead_votes = d.lead_votes[r]
    traits = w.traits
    salience = w.salience
    actor = w.actor
    rung_effect = w.rung_effect
    rung_role = w.rung_role
    rung_quota = w.rung_quota
    rung_joint = w.rung_joint
    backing_offices = w.backing_offices
    K = rung_effect.shape[0]
    O = holders.shape[0]  # noqa: E741

    # The switches and parameters.
    on_discipline = on[Mechanism.DISCIPLINE]
    on_alliances = on[Mechanism.ALLIANCES]
    on_policy = on[Mechanism.POLICY]
    on_votes = on[Mechanism.BODIES_AND_VOTES]
    on_appointment = on[Mechanism.APPOINTMENT]
    on_recruitment = on[Mechanism.RECRUITMENT]
    on_legitimacy = on[Mechanism.LEGITIMACY]
    on_information = on[Mechanism.INFORMATION]
    lev = p.trait_leverage
    recant_threshold = p.recant_threshold
    h_recant = p.h_recant
    h_break_alliance = p.h_break_alliance
    alliance_break_power = p.alliance_break_power
    h_break_threshold = p.h_break_threshold
    h_alliance = p.h_alliance
    h_alliance_partial = p.h_alliance_partial
    h_alliance_fear = p.h_alliance_fear
    h_shift_position = p.h_shift_position
    h_policy_minority = p.h_policy_minority
    h_propose_policy = p.h_propose_policy
    h_win_over = p.h_win_over
    h_candidate_value = p.h_candidate_value
    h_outsider_value = p.h_outsider_value
    h_win_over_base = p.h_win_over_base
    h_win_over_pull = p.h_win_over_pull
    h_appoint = p.h_appoint
    secure_loyalty = p.secure_loyalty
    h_recruit = p.h_recruit
    h_attack = p.h_attack
    h_polemic_case = p.h_polemic_case
    h_motion_case = p.h_motion_case
    h_line_tolerance = p.h_line_tolerance
    h_defend_line = p.h_defend_line
    h_criticize_line = p.h_criticize_line
    h_appeal = p.h_appeal
    h_gather_material = p.h_gather_material
    h_organize_faction = p.h_organize_faction
    h_faction_line_gap = p.h_faction_line_gap
    h_ban_deterrence = p.h_ban_deterrence
    # Under a ban and with no crisis running, open opposition waits for its opening.
    calm = (1.0 - p.h_calm_opposition) if ban and not crisis else 0.0
    h_misjudgement = p.h_misjudgement
    h_caution = p.h_caution
    h_discipline = p.h_discipline
    ambition_threshold = p.ambition_threshold
    h_discipline_bystander = p.h_discipline_bystander
    discipline_cooldown = p.discipline_cooldown
    inclusion_cost = p.inclusion_cost

    # The per-leader work arrays, carved from three buffers (one allocation per kind
    # rather than one per array: allocation is a measurable share of the month).
    floats = np.empty(3 * L + G + n_issues)
    ints = np.empty(3 * L + G, dtype=np.int64)
    flags = np.zeros(6 * L + 2 * K, dtype=np.bool_)
    lead_share = floats[:L]
    comm_share = floats[L : 2 * L]
    line_dist = floats[2 * L : 3 * L]
    region_weight = floats[3 * L : 3 * L + G]
    scratch = floats[3 * L + G :]
    own_threat = ints[:L]
    threat = ints[L : 2 * L]
    rung = ints[2 * L : 3 * L]
    sec = ints[3 * L :]
    in_opposition = flags[:L]
    others_left = flags[L : 2 * L]
    has_clients = flags[2 * L : 3 * L]
    has_office = flags[3 * L : 4 * L]
    win_ok = flags[4 * L : 5 * L]
    target_ok = flags[5 * L : 6 * L]
    backed_by_rung = flags[6 * L : 6 * L + K]
    direct_by_rung = flags[6 * L + K :]
    _majorities(s.committee[r], lead_votes, d.comm_votes[r], coal, lead_share, comm_share)
    # Clients fear whom their patron fears.
    _threat_of_blocs(fear, patron, own_threat, threat)
    # Opposition exists only against a ruling coalition: a majority in the leadership.
    ruling_any = False
    for i in range(L):
        ruling_any = ruling_any or lead_share[i] > 0.5
    for i in range(L):
        line_dist[i] = 0.0
        in_opposition[i] = ruling_any and not lead_share[i] > 0.5
    if on_policy:
        _line_distances(position, line, salience, line_dist)
    # Enemies with seats outside each leader's coalition.
    for i in range(L):
        for j in range(L):
            if principal_r[j] and seat[j] != SEAT_NONE and not coal[i, j]:
                others_left[i] = True
                break
    # Who can be won over: present unattached actors holding a seat or an office.
    for m in range(L):
        if present[m] and patron[m] != m:
            has_clients[patron[m]] = True
    for o in range(O):
        holder = holders[o]
        if holder >= 0:
            has_office[holder] = True
    n_principal = 0
    for j in range(L):
        holds = seat[j] != SEAT_NONE or has_office[j]
        # A penitent on probation is nobody's client.
        penitent = on_probation(k, r, t, j)
        win_ok[j] = present[j] and not has_clients[j] and holds and actor[j] and not penitent
        if principal_r[j]:
            n_principal += 1
    # Discipline targets: the next rung, cooled down, alive and capable.
    _next_rungs(rung_effect, rung_now, alive, in_party, exiled, seat, has_office, rung)
    for j in range(L):
        cooled = (t - last_discipline[j]) >= discipline_cooldown
        target_ok[j] = rung[j] >= 0 and cooled and alive[j] and not incapacitated[j]
    if on_appointment or on_recruitment:
        _region_weight(s.members[r], region_weight)
        for g in range(G):
            holder = secretary_patron[g]
            sec[g] = patron[holder] if holder >= 0 else -1
    noise_base = stream_base(s.keys[r], t, _MISJUDGEMENT, 0)
    has_table = table.shape[0] > 0

    # Each legal score is folded into leader i's best for its verb where it is computed:
    # kept in ``table[i, verb, target]`` when a table is asked for (the look-ahead reads
    # every legal score), and taken if it beats the best so far (the first maximum; NaN
    # wins, as in NumPy's max and argmax). Written out at every place rather than in a
    # helper: an inlined helper taking the arrays costs reference counting per score.
    for i in range(L):
        for v in range(N_VERBS):
            best[i, v] = -np.inf
            best_target[i, v] = 0
        if not can_act[i]:
            continue
        amb = traits[i, Trait.AMBITION]
        org = traits[i, Trait.ORGANIZATION]
        ora = traits[i, Trait.ORATORY]
        cun = traits[i, Trait.CUNNING]
        arr = traits[i, Trait.ARROGANCE]
        rig = traits[i, Trait.RIGIDITY]
        lev_org = (1.0 - lev) + lev * org
        lev_cun = (1.0 - lev) + lev * cun
        lev_arr = (1.0 - lev) + lev * arr
        principal = principal_r[i]
        my_patron = patron[i]
        mine_threat = threat[i]
        has_threat = mine_threat >= 0
        ls = lead_share[i]

        # Recant when beaten: the flexible and less ambitious submit.
        if on_discipline:
            weak = real_power[i] < recant_threshold
            # Once a probation: no second recantation before it is over.
            free = not on_probation(k, r, t, i)
            may = principal and rung_now[i] >= 1 and not exiled[i] and n_principal > 1
            if may and weak and free:
                beaten = float(rung_now[i] + 1) / float(max(K, 1))
                x = (h_recant * ((1.0 - rig) * (1.0 - lev * amb))) * beaten * one(weak)
                score_ = x
                if has_table:
                    table[i, _RECANT, 0] = score_
                held_ = best[i, _RECANT]
                if score_ > held_ or (score_ != score_ and held_ == held_):
                    best[i, _RECANT] = score_
                    best_target[i, _RECANT] = 0

        if on_alliances:
            # Break an alliance when the ally has become the threat, or no enemy is left.
            base = h_break_alliance * (amb * cun)
            for j in range(L):
                if ally[i, j] and present[j]:
                    is_threat = one(has_threat and j == mine_threat)
                    reasons = is_threat + one(seen[i, j] > alliance_break_power)
                    reasons = reasons + one(not others_left[i])
                    score_ = base * reasons - h_break_threshold
                    if has_table:
                        table[i, _BREAK_ALLIANCE, j] = score_
                    held_ = best[i, _BREAK_ALLIANCE]
                    if score_ > held_ or (score_ != score_ and held_ == held_):
                        best[i, _BREAK_ALLIANCE] = score_
                        best_target[i, _BREAK_ALLIANCE] = j
            # Alliances within one's camp (the front against the common threat, or the
            # threatened; drawn at each plenum by ``alliances.form_camps``).
            my_camp = camp[i]
            if principal and my_camp != 0:
                fear_t = seen[i, max(mine_threat, 0)] * one(has_threat)
                front = (h_alliance * amb) * (h_alliance_partial + h_alliance_fear * fear_t)
                for j in range(L):
                    if not (
                        principal_r[j] and i != j and not ally[i, j] and my_patron != patron[j]
                    ):
                        continue
                    if camp[j] != my_camp:
                        continue
                    score_ = front * (1.0 - dist[i, j] * rig)
                    if has_table:
                        table[i, _PROPOSE_ALLIANCE, j] = score_
                    held_ = best[i, _PROPOSE_ALLIANCE]
                    if score_ > held_ or (score_ != score_ and held_ == held_):
                        best[i, _PROPOSE_ALLIANCE] = score_
                        best_target[i, _PROPOSE_ALLIANCE] = j

        if on_policy:
            # Positions: the flexible move toward the line when with the majority, toward
            # their allies' positions when in opposition.
            if in_opposition[i]:
                _ally_position(coal, principal_r, position, i, scratch)
            flexible = (h_shift_position * (1.0 - rig)) * cun
            for x in range(2 * n_issues):
                issue = x // 2
                here = position[i, issue]
                if x % 2 == 0:
                    if not here > _LOW:
                        continue
                elif not here < _HIGH:
                    continue
                goal = scratch[issue] if in_opposition[i] else line[issue]
                gap = goal - here
                score = flexible * max(-gap if x % 2 == 0 else gap, 0.0)
                score_ = score
                if has_table:
                    table[i, _SHIFT_POSITION, x] = score_
                held_ = best[i, _SHIFT_POSITION]
                if score_ > held_ or (score_ != score_ and held_ == held_):
                    best[i, _SHIFT_POSITION] = score_
                    best_target[i, _SHIFT_POSITION] = x
            # Propose moving the line toward one's position.
            if principal and seat[i] == SEAT_FULL:
                can_carry = 1.0 if ls > 0.5 else h_policy_minority
                for x in range(2 * n_issues):
                    issue = x // 2
                    here = line[issue]
                    if x % 2 == 0:
                        if not here > _LOW:
                            continue
                    elif not here < _HIGH:
                        continue
                    push = ((h_propose_policy * amb) * salience[i, issue]) * can_carry
                    diff = position[i, issue] - here
                    score = push * max(-diff if x % 2 == 0 else diff, 0.0)
                    score_ = score
                    if has_table:
                        table[i, _PROPOSE_POLICY, x] = score_
                    held_ = best[i, _PROPOSE_POLICY]
                    if score_ > held_ or (score_ != score_ and held_ == held_):
                        best[i, _PROPOSE_POLICY] = score_
                        best_target[i, _PROPOSE_POLICY] = x

        # Patronage: win over the unattached who hold seats or offices.
        if on_votes and principal:
            front = h_win_over * (amb * cun)
            for j in range(L):
                if not (win_ok[j] and i != j and my_patron != patron[j]):
                    continue
                seat_j = seat[j]
                if seat_j == SEAT_FULL:
                    value = 1.0
                elif seat_j == SEAT_CANDIDATE:
                    value = h_candidate_value
                else:
                    value = h_outsider_value
                pull = seen[j, i] - seen[j, patron[j]]
                feasible = (h_win_over_base + h_win_over_pull * pull) - lev * traits[
                    j, Trait.AMBITION
                ]
                feasible = min(max(feasible, 0.0), 1.0)
                score_ = front * value * feasible
                if has_table:
                    table[i, _WIN_OVER, j] = score_
                held_ = best[i, _WIN_OVER]
                if score_ > held_ or (score_ != score_ and held_ == held_):
                    best[i, _WIN_OVER] = score_
                    best_target[i, _WIN_OVER] = j

        # Protect and extend one's base.
        if on_appointment:
            power = powers[i, Power.APPOINTMENT]
            if power > 0:
                front = (h_appoint * power) * (lev_org * amb)
                for g in range(G):
                    mine = sec[g] == my_patron
                    loyalty = secretary_loyalty[g]
                    if mine and loyalty >= secure_loyalty:
                        continue
                    x = front * region_weight[g] * (1.0 - one(mine) * loyalty)
                    score_ = x
                    if has_table:
                        table[i, _APPOINT, g] = score_
                    held_ = best[i, _APPOINT]
                    if score_ > held_ or (score_ != score_ and held_ == held_):
                        best[i, _APPOINT] = score_
                        best_target[i, _APPOINT] = g
        if on_recruitment:
            power = powers[i, Power.RECRUITMENT]
            if power > 0:
                front = (h_recruit * power) * amb
                for g in range(G):
                    if sec[g] == my_patron:
                        score_ = front * region_weight[g]
                        if has_table:
                            table[i, _RECRUIT, g] = score_
                        held_ = best[i, _RECRUIT]
                        if score_ > held_ or (score_ != score_ and held_ == held_):
                            best[i, _RECRUIT] = score_
                            best_target[i, _RECRUIT] = g

        # Words: polemics, the line, the rank and file.
        if on_legitimacy:
            front = ((h_attack * amb) * ora) * lev_arr
            for j in range(L):
                if present[j] and i != j and my_patron != patron[j]:
                    is_threat = one(has_threat and j == mine_threat)
                    # A polemic against a comrade who has given no cause splits the
                    # party in public: it waits for a case against him.
                    cause = min(1.0, pretext[j] + material[i, j])
                    cause = (1.0 - h_polemic_case) + h_polemic_case * cause
                    score_ = ((front * prestige[j]) * cause) * is_threat
                    if has_table:
                        table[i, _ATTACK, j] = score_
                    held_ = best[i, _ATTACK]
                    if score_ > held_ or (score_ != score_ and held_ == held_):
                        best[i, _ATTACK] = score_
                        best_target[i, _ATTACK] = j
            near_line = 1.0 - line_dist[i] / h_line_tolerance
            score_ = (h_defend_line * lev_cun) * near_line
            if has_table:
                table[i, _DEFEND_LINE, 0] = score_
            held_ = best[i, _DEFEND_LINE]
            if score_ > held_ or (score_ != score_ and held_ == held_):
                best[i, _DEFEND_LINE] = score_
                best_target[i, _DEFEND_LINE] = 0
            if principal:
                x = (h_criticize_line * ((amb * rig) * lev_arr)) * line_dist[i]
                # Under a ban criticism looks like factionalism: the flexible hold back.
                deterrence = (h_ban_deterrence * one(ban)) * (1.0 - rig)
                score_ = (x * one(in_opposition[i])) * ((1.0 - deterrence) * (1.0 - calm))
                if has_table:
                    table[i, _CRITICIZE_LINE, 0] = score_
                held_ = best[i, _CRITICIZE_LINE]
                if score_ > held_ or (score_ != score_ and held_ == held_):
                    best[i, _CRITICIZE_LINE] = score_
                    best_target[i, _CRITICIZE_LINE] = 0
            score_ = (h_appeal * ora) * amb
            if has_table:
                table[i, _APPEAL, 0] = score_
            held_ = best[i, _APPEAL]
            if score_ > held_ or (score_ != score_ and held_ == held_):
                best[i, _APPEAL] = score_
                best_target[i, _APPEAL] = 0
        if on_information and info[i] > 0:
            front = h_gather_material * (info[i] * cun)
            for j in range(L):
                if present[j] and i != j:
                    is_threat = one(has_threat and j == mine_threat)
                    score_ = front * is_threat
                    if has_table:
                        table[i, _GATHER_MATERIAL, j] = score_
                    held_ = best[i, _GATHER_MATERIAL]
                    if score_ > held_ or (score_ != score_ and held_ == held_):
                        best[i, _GATHER_MATERIAL] = score_
                        best_target[i, _GATHER_MATERIAL] = j
        if principal and not faction[i]:
            x = (h_organize_faction * (amb * org)) * one(in_opposition[i])
            x = x * one(line_dist[i] > h_faction_line_gap)
            deterrence = (h_ban_deterrence * one(ban)) * (1.0 - rig)
            score_ = x * ((1.0 - deterrence) * (1.0 - calm))
            if has_table:
                table[i, _ORGANIZE_FACTION, 0] = score_
            held_ = best[i, _ORGANIZE_FACTION]
            if score_ > held_ or (score_ != score_ and held_ == held_):
                best[i, _ORGANIZE_FACTION] = score_
                best_target[i, _ORGANIZE_FACTION] = 0

        # Discipline: only against rivals, only with a majority in hand.
        if on_discipline and principal and seat[i] == SEAT_FULL:
            misjudge = h_misjudgement * (1.0 - info[i])
            margin = h_caution * (1.0 - cun)
            front = h_discipline * (amb * lev_cun)
            ambitious = one(amb >= ambition_threshold)
            # Whether i's coalition holds every held backing office of each rung, and
            # which direct rungs it has the force for.
            for q in range(K):
                backed_by_rung[q] = _backed(backing_offices, holders, coal, i, q)
            forceful = direct_backing(k, r, i, direct_by_rung)
            for j in range(L):
                q = rung[j]
                if not (target_ok[j] and i != j and not coal[i, j]):
                    continue
                # With the backing a direct rung needs, force skips the ladder.
                if forceful:
                    direct = gravest_direct(k, r, j, direct_by_rung)
                    if direct >= 0:
                        q = direct
                if not backed_by_rung[q]:
                    continue
                is_threat = has_threat and j == mine_threat
                hostile = is_threat or rung_now[j] >= 0
                evidence = pretext[j] + material[i, j]
                # A mover remembers a defeat until a plenum has changed the balance.
                remembered = defeated_at[i, j] >= last_plenum
                # Beyond a censure the case must be made: the mover's coalition would
                # leave the target off its slate (the cost of exclusion of the plenum).
                case = rung_effect[q] == _CENSURE or (
                    keep_value(k, r, comm_share[i], j) <= inclusion_cost
                )
                # Removing him from the leadership or the party: not by the man who
                # would be the next threat (derive.restrains).
                grave = rung_effect[q] >= _REMOVE_SEAT
                case = case and not (grave and restrains(k, r, i, j))
                # The vote is forecast with the vote model itself (its noise at expected
                # values), misjudged without information; only where it would count.
                in_hand = False
                # Discipline answers a breach: without evidence no motion is moved.
                case = case and evidence >= h_motion_case
                if hostile and ambitious > 0 and case and not remembered:
                    expected = forecast(k, r, t, rung_role[q], rung_joint[q], i, j, grave)
                    noise = element(noise_base, i * L + j) - 0.5
                    in_hand = expected + misjudge * noise > rung_quota[q] + margin
                x = front * (1.0 + evidence) * one(in_hand)
                x = x * one(hostile) * ambitious
                x = x * (1.0 if is_threat else h_discipline_bystander)
                score_ = x
                if has_table:
                    table[i, _MOVE_DISCIPLINE, j] = score_
                held_ = best[i, _MOVE_DISCIPLINE]
                if score_ > held_ or (score_ != score_ and held_ == held_):
                    best[i, _MOVE_DISCIPLINE] = score_
                    best_target[i, _MOVE_DISCIPLINE] = j


@njit(cache=True)
def decide(k, r, t, verb_out, target_out):  # type: ignore[no-untyped-def]
    """Choose up to ``actions_per_month`` distinct verbs for every leader of run r at
    month t into ``verb_out[r]`` and ``target_out[r]`` (L, K): PASS and -1 for unused
    slots, as the NumPy heuristic's ``decide``."""
    s, p = k.s, k.p
    L = s.patron.shape[1]
    budget = verb_out.shape[2]
    best = np.empty((L, N_VERBS))
    best_target = np.empty((L, N_VERBS), dtype=np.int64)
    best_actions(k, r, t, best, best_target, np.empty((0, 0, 0)))
    taken = np.zeros(N_VERBS, dtype=np.bool_)
    pass_score = p.h_pass_score
    noisy = p.decision_noise
    # Noise above 1 can turn an illegal -inf into +inf: then every entry counts.
    all_entries = noisy > 1.0
    taste_base = stream_base(s.keys[r], t, _DECISION_NOISE, 0)
    for i in range(L):
        for slot in range(budget):
            verb_out[r, i, slot] = _PASS
            target_out[r, i, slot] = -1
        for v in range(1, N_VERBS):
            taken[v] = False
            if best[i, v] == -np.inf and not all_entries:
                continue
            taste = element(taste_base, i * N_VERBS + v)
            best[i, v] = best[i, v] * (1.0 + noisy * (2.0 * taste - 1.0))
        # The stable descending order: ties go to the lower verb; only scores above the
        # pass score are taken (NaN never is).
        for slot in range(budget):
            pick = -1
            for v in range(1, N_VERBS):
                if taken[v] or not best[i, v] > pass_score:
                    continue
                if pick < 0 or best[i, v] > best[i, pick]:
                    pick = v
            if pick < 0:
                break
            taken[pick] = True
            verb_out[r, i, slot] = pick
            target_out[r, i, slot] = best_target[i, pick]
