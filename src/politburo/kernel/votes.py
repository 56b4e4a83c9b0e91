"""Bodies and votes, per run: each body votes by its own members' loyalties.

First ported from the batched NumPy ``model/votes.py`` (deleted, issue #10). A voter weighs
patron loyalty (his bloc's instruction), policy distance, the target's prestige and
stigma, fear of the side that looks stronger, and any pretext of factionalism. Leaders
vote in person; committee and control seats follow their bloc leader unless they desert
a side that looks weaker; uncommitted seats judge on seen power, prestige, stigma,
evidence and the line. Switching ``bodies_and_votes`` off makes everyone vote on merit,
ignoring patrons and alliances.

Votes are counts, so they are exact; every float feeding a yes/no is computed in the
NumPy engine's order.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from politburo.kernel.derive import SEAT_FULL, insight, policy_distance, policy_gap, restrains
from politburo.kernel.layout import Mechanism, Role, Trait
from politburo.kernel.rng import element, stream_base
from politburo.model.rng import Stream

_VOTE_LEADERS = int(Stream.VOTE_LEADERS)
_VOTE_SEATS = int(Stream.VOTE_SEATS)
_VOTE_CONTROL = int(Stream.VOTE_CONTROL)
_DEFECTION = int(Stream.DEFECTION)
_EMPTY_SEAT = -2


@njit(cache=True)
def motion_salt(mover, target, policy):  # type: ignore[no-untyped-def]
    """A number telling motions of one month apart, so each vote draws its own noise:
    (mover, target) for discipline, a different range for policy motions."""
    kind = 1 if policy else 0
    return (mover + 1) * 4099 + (target + 1) * 3 + kind


@njit(cache=True)
def _logistic(uniform):  # type: ignore[no-untyped-def]
    """Standard logistic noise from a uniform number."""
    return np.log(uniform / (1.0 - uniform + 1e-12) + 1e-12)


@njit(cache=True)
def _case_against(k, r, mover, target):  # type: ignore[no-untyped-def]
    """What every voter weighs alike on a disciplinary motion: the target's prestige
    against the mover's, stigma and arrogance, the evidence (factional activity, the
    mover's material), and reluctance to punish a comrade. Zero without a target."""
    if target < 0:
        return 0.0
    s, p, w = k.s, k.p, k.w
    has_mover = mover >= 0
    m = max(mover, 0)
    prestige_m = s.prestige[r, m] if has_mover else p.plenum_prestige
    pretext_scale = 1.0 if k.d.ban[r] else p.unbanned_evidence_weight
    evidence = s.pretext[r, target] * pretext_scale + s.material[r, m, target] * (
        1.0 if has_mover else 0.0
    )
    return (
        -p.vote_prestige_weight * (s.prestige[r, target] - prestige_m)
        + p.vote_stigma_weight * w.stigma[target]
        + p.vote_arrogance_weight * w.traits[target, Trait.ARROGANCE]
        + p.vote_pretext_weight * evidence
        - p.vote_collegiality
    )


@njit(cache=True)
def leader_support(k, r, t, mover, target, policy, gain, out, noisy=True, grave=False):  # type: ignore[no-untyped-def]
    """How much each leader favours a motion by ``mover`` against ``target``, into
    ``out`` (L,); without ``noisy``, the part every forecaster can know (no vote noise).
    On a ``grave`` motion (removal from the leadership or the party) a bloc whose leader
    restrains (:func:`~politburo.kernel.derive.restrains`) votes no.

    ``mover`` or ``target`` may be -1 (a motion put by the plenum; a policy motion with no
    target). For a policy motion (``policy``) ``gain`` (L,) replaces the policy term."""
    s, p = k.s, k.p
    L = s.patron.shape[1]
    has_mover = mover >= 0
    has_target = target >= 0
    hm = 1.0 if has_mover else 0.0
    ht = 1.0 if has_target else 0.0
    m = max(mover, 0)
    tt = max(target, 0)
    # The run's rows, bound once (see :func:`politburo.kernel.derive.refresh`).
    patron = s.patron[r]
    for j in range(L):
        out[j] = 0.0

    if k.on[Mechanism.BODIES_AND_VOTES]:
        share = p.vote_alliance_share
        allies_on = bool(k.on[Mechanism.ALLIANCES])
        ally = s.ally[r]
        loyalty = s.loyalty[r]
        weight = p.vote_loyalty_weight
        patron_m = patron[m]
        patron_t = patron[tt]
        for j in range(L):
            pj = patron[j]
            # :func:`allied_with` for the mover's and the target's blocs
            if pj == patron_m:
                with_mover = 1.0
            elif allies_on and ally[pj, patron_m]:
                with_mover = share
            else:
                with_mover = 0.0
            if pj == patron_t:
                with_target = 1.0
            elif allies_on and ally[pj, patron_t]:
                with_target = share
            else:
                with_target = 0.0
            bond = loyalty[j]  # a client's bond; principals have loyalty 1
            out[j] += (weight * bond) * (with_mover * hm - with_target * ht)

    if policy:
        for j in range(L):
            out[j] += p.vote_policy_weight * gain[j]
    elif k.on[Mechanism.POLICY]:
        for j in range(L):
            d_target = policy_gap(k, r, j, tt, j)
            d_mover = policy_gap(k, r, j, m, j)
            diff = d_target - d_mover if has_mover else d_target - p.vote_policy_reference
            out[j] += (p.vote_policy_weight * diff) * ht

    # :func:`perceived_of` for every voter
    perception = k.on[Mechanism.PERCEPTION]
    real_power = s.real_power[r]
    info = k.d.info[r]
    revealed = s.revealed[r]
    seen = k.d.seen[r]
    fear_weight = p.vote_fear_weight
    for j in range(L):
        fear_m = 0.0
        fear_t = 0.0
        if perception:
            if has_mover:
                sight = insight(info[j], revealed[m])
                fear_m = sight * real_power[m] + (1.0 - sight) * seen[m]
            if has_target:
                sight = insight(info[j], revealed[tt])
                fear_t = sight * real_power[tt] + (1.0 - sight) * seen[tt]
        else:
            if has_mover:
                fear_m = real_power[m]
            if has_target:
                fear_t = real_power[tt]
        out[j] += fear_weight * (fear_m - fear_t)
    case = _case_against(k, r, mover, target)
    base = stream_base(s.keys[r], t, _VOTE_LEADERS, motion_salt(mover, target, policy))
    for j in range(L):
        out[j] += case
        if noisy:
            out[j] += p.vote_noise * _logistic(element(base, j))
    if grave and has_target and restrains(k, r, s.next_threat[r], target):
        # Only the next threat restrains; his whole bloc votes with him.
        holder = s.next_threat[r]
        for j in range(L):
            if patron[j] == holder:
                out[j] = -np.inf
    if has_mover:
        out[mover] = np.inf
    if has_target:
        out[target] = -np.inf


@njit(cache=True)
def merit_support(k, r, mover, target, policy, gain_line):  # type: ignore[no-untyped-def]
    """Support of a voter loyal to no one: seen power, prestige, stigma, the line."""
    s, p, w, d = k.s, k.p, k.w, k.d
    has_mover = mover >= 0
    has_target = target >= 0
    m = max(mover, 0)
    tt = max(target, 0)
    u = 0.0
    if policy:
        u += p.vote_policy_weight * gain_line
    elif k.on[Mechanism.POLICY]:
        mean_sal = w.salience_mean
        d_t = policy_distance(s.position[r, tt], s.line[r], mean_sal)
        d_m = policy_distance(s.position[r, m], s.line[r], mean_sal)
        diff = d_t - d_m if has_mover else d_t - p.vote_policy_reference
        u += (p.vote_policy_weight * diff) * (1.0 if has_target else 0.0)
    seen_m = d.seen[r, m] if has_mover else 0.0
    seen_t = d.seen[r, tt] if has_target else 0.0
    u += p.vote_fear_weight * (seen_m - seen_t)
    u += _case_against(k, r, mover, target)
    return u


@njit(cache=True)
def _sides(k, r, mover, target):  # type: ignore[no-untyped-def]
    """How strong the mover's and the target's sides look (seen power; 0 for a side
    nobody takes): a committed seat deserts the side that looks weaker."""
    d = k.d
    yes_side = d.seen[r, max(mover, 0)] if mover >= 0 else 0.0
    no_side = d.seen[r, max(target, 0)] if target >= 0 else 0.0
    return yes_side, no_side


@njit(cache=True)
def _sits_jointly(role, joint, other):  # type: ignore[no-untyped-def]
    """Whether the seats of body ``other`` vote with the body ``role`` on a motion whose
    rung sits jointly with ``joint`` (only the committee and the control body do)."""
    if not joint[other] or other == role:
        return False
    return other == Role.COMMITTEE or other == Role.CONTROL


@njit(cache=True)
def _seat_vote(k, r, t, control, mover, target, leader_yes, policy, gain_line, stream):  # type: ignore[no-untyped-def]
    """Yes and no votes of a body of seats (the control body if ``control``, else the
    committee): committed seats follow their bloc leader unless they desert a side that
    looks weaker; the rest judge on merit."""
    s, p, d = k.s, k.p, k.d
    body = s.control if control else s.committee
    S = body.shape[1]
    merit = merit_support(k, r, mover, target, policy, gain_line)
    salt = motion_salt(mover, target, policy)
    noise_base = stream_base(s.keys[r], t, stream, salt)
    votes = k.on[Mechanism.BODIES_AND_VOTES]
    if votes:
        yes_side, no_side = _sides(k, r, mover, target)
        draw_base = stream_base(s.keys[r], t, _DEFECTION, salt + stream)
    else:
        yes_side = 0.0
        no_side = 0.0
        draw_base = noise_base
    yes = 0
    no = 0
    # The run's rows, bound once.
    seats = body[r]
    patron = s.patron[r]
    present = d.present[r]
    seat_noise = p.seat_vote_noise
    defection_rate = p.defection_rate
    for q in range(S):
        seat = seats[q]
        if seat == _EMPTY_SEAT:
            continue  # an unused seat does not vote
        # A committed seat follows its bloc leader unless it deserts; its own judgement
        # (a counter-based draw: the same number whenever it is drawn) is drawn only
        # where it counts.
        following = False
        seat_yes = False
        if votes and seat >= 0:
            bloc = patron[seat]
            if present[bloc]:
                follows = leader_yes[bloc]
                weaker = (yes_side < no_side) if follows else (no_side < yes_side)
                desert = element(draw_base, q) < defection_rate * (1.0 if weaker else 0.0)
                if not desert:
                    following = True
                    seat_yes = follows
        if not following:
            seat_yes = (merit + seat_noise * _logistic(element(noise_base, q))) > 0
        if seat_yes:
            yes += 1
        else:
            no += 1
    return yes, no


@njit(cache=True)
def tally(k, r, t, role, joint, mover, target, quota, policy, gain, gain_line, grave=False):  # type: ignore[no-untyped-def]
    """Vote a motion in the body with ``role`` (jointly with the roles flagged in
    ``joint``, (5,) bool): ``(yes, no, passed)``. ``grave``: the motion would remove its
    target from the leadership or the party (see :func:`leader_support`).

    ``policy`` marks a policy motion: ``gain`` (L,) then replaces the policy term of the
    leaders and ``gain_line`` that of uncommitted seats."""
    s, d = k.s, k.d
    L = s.patron.shape[1]
    support = np.empty(L)
    leader_support(k, r, t, mover, target, policy, gain, support, True, grave)
    leader_yes = np.empty(L, dtype=np.bool_)
    for j in range(L):
        leader_yes[j] = support[j] > 0
    yes = 0
    no = 0
    if role == Role.LEADERSHIP:
        for j in range(L):
            if s.seat[r, j] == SEAT_FULL and d.present[r, j]:
                if leader_yes[j]:
                    yes += 1
                else:
                    no += 1
    else:
        yes, no = _seat_vote(
            k,
            r,
            t,
            role == Role.CONTROL,
            mover,
            target,
            leader_yes,
            policy,
            gain_line,
            _VOTE_SEATS,
        )
    for other in range(joint.shape[0]):
        if not _sits_jointly(role, joint, other):
            continue
        # A joint sitting: the other body's members vote by their own loyalties too.
        more_yes, more_no = _seat_vote(
            k,
            r,
            t,
            other == Role.CONTROL,
            mover,
            target,
            leader_yes,
            policy,
            gain_line,
            _VOTE_CONTROL,
        )
        yes += more_yes
        no += more_no
    total = max(yes + no, 1)
    passed = yes / total > quota
    return yes, no, passed


@njit(cache=True)
def _chance(utility, noise):  # type: ignore[no-untyped-def]
    """P(utility + noise * X > 0) for standard logistic X."""
    if noise <= 0.0:
        return 1.0 if utility > 0 else 0.0
    return 1.0 / (1.0 + np.exp(-utility / noise))


@njit(cache=True)
def _seat_forecast(k, r, control, mover, target, lead_yes):  # type: ignore[no-untyped-def]
    """Expected (yes, votes) of a body of seats under :func:`_seat_vote`, its noise
    and desertions taken at their expected values; ``lead_yes`` (L,) is each bloc
    leader's chance of voting yes."""
    s, p, d = k.s, k.p, k.d
    body = s.control if control else s.committee
    merit = _chance(merit_support(k, r, mover, target, False, 0.0), p.seat_vote_noise)
    votes_on = k.on[Mechanism.BODIES_AND_VOTES]
    yes_side, no_side = _sides(k, r, mover, target)
    desert_yes = p.defection_rate if yes_side < no_side else 0.0
    desert_no = p.defection_rate if no_side < yes_side else 0.0
    yes = 0.0
    n = 0
    for q in range(body.shape[1]):
        seat = body[r, q]
        if seat == _EMPTY_SEAT:
            continue
        n += 1
        bloc = s.patron[r, seat] if seat >= 0 else -1
        if votes_on and seat >= 0 and d.present[r, bloc]:
            a = lead_yes[bloc]
            yes += a * ((1.0 - desert_yes) + desert_yes * merit)
            yes += (1.0 - a) * desert_no * merit
        else:
            yes += merit
    return yes, n


@njit(cache=True)
def forecast(k, r, t, role, joint, mover, target, grave=False):  # type: ignore[no-untyped-def]
    """The expected yes share of a disciplinary motion by ``mover`` against ``target``
    in the body with ``role`` (jointly with ``joint``; ``grave`` as in :func:`tally`):
    :func:`tally`'s vote model with its noise at expected values — what a mover who
    knows the body can forecast."""
    yes, n = forecast_votes(k, r, t, role, joint, mover, target, grave, False, np.zeros(0))
    return yes / max(n, 1)


@njit(cache=True)
def forecast_votes(k, r, t, role, joint, mover, target, grave, policy, gain):  # type: ignore[no-untyped-def]
    """(expected yes votes, votes) of a motion by ``mover`` against ``target`` in the
    body with ``role`` (jointly with ``joint``): :func:`forecast`'s count before it is a
    share. A policy motion (``policy``, ``gain`` as in :func:`leader_support`) is voted
    in the leadership alone."""
    s, d, p = k.s, k.d, k.p
    L = s.patron.shape[1]
    support = np.empty(L)
    leader_support(k, r, t, mover, target, policy, gain, support, False, grave)
    lead_yes = np.empty(L)
    for j in range(L):
        if support[j] == np.inf:
            lead_yes[j] = 1.0
        elif support[j] == -np.inf:
            lead_yes[j] = 0.0
        else:
            lead_yes[j] = _chance(support[j], p.vote_noise)
    yes = 0.0
    n = 0
    if role == Role.LEADERSHIP:
        for j in range(L):
            if s.seat[r, j] == SEAT_FULL and d.present[r, j]:
                yes += lead_yes[j]
                n += 1
    else:
        yes, n = _seat_forecast(k, r, role == Role.CONTROL, mover, target, lead_yes)
    for other in range(joint.shape[0]):
        if not _sits_jointly(role, joint, other):
            continue
        more_yes, more_n = _seat_forecast(k, r, other == Role.CONTROL, mover, target, lead_yes)
        yes += more_yes
        n += more_n
    return yes, n
