"""Check that the Mesa leaders score their actions exactly as the engine's heuristic does,
and that the Mesa plenum, consolidation rule, marking of bloc leaders and resistance of
local machines to appointment decide as the engine's.

Every month of a few engine runs (core subset, misjudgement noise off so the scores are
deterministic), the engine's state is copied into a fresh Mesa model and each leader's
best legal target and score per verb is compared with the compiled heuristic's scores
and legality (:meth:`politburo.kernel.view.View.scores` and ``View.legal``), and the
Mesa model's forecast of a disciplinary motion's vote (the heuristic's "in hand" test)
with the engine's ``votes.forecast``, for every mover and target. On the same
state (a copy of it bound to the kernel), the engine's ``appointment.local_strength``
(every region against every leader), ``mark_bloc_leaders``, ``check_consolidation`` and
``hold_plenum`` are compared with the Mesa model's: each machine's strength, who is a
contender, whether and who consolidates, and every leadership seat, office holder and
seat-loss record after the plenum (none of these draws a random number, so they must
agree exactly). The engine's committee elections at a congress
(``congress.elect_committee``) are compared with the Mesa model's
(:meth:`PolitburoModel.elect_seats`) on delegations that make the draw of the open
seats certain (:func:`check_congress`). As the core subset's runs seldom give a plenum
a rival to drop or demote, or a leader a probation, the same comparisons (the
heuristic's too) are made again on a perturbed copy of each state (:func:`perturb`:
random seats, discipline rungs, clients and their loyalty, committee, offices,
secretaries, prestige, pretexts, real power, probations and seat losses). Prints the
mismatches (none expected).

    python -m benchmarks.mesa_reference.verify [--runs 20]

Only this check reads engine internals; the Mesa model itself calls no engine rule.
"""

from __future__ import annotations

import argparse
from collections import Counter
from collections.abc import Callable
from copy import deepcopy

import numpy as np
from numba import njit

from benchmarks.mesa_reference import CORE_ABLATE, SCENARIO
from benchmarks.mesa_reference.agents import (
    SEAT_CANDIDATE,
    SEAT_FULL,
    SEAT_NONE,
    Leader,
    RegionalSecretary,
    Verb,
)
from benchmarks.mesa_reference.facts import Facts, Rung, facts_of
from benchmarks.mesa_reference.model import PolitburoModel
from politburo.kernel.appointment import local_strength
from politburo.kernel.bind import bind
from politburo.kernel.congress import elect_committee
from politburo.kernel.decide import next_rung
from politburo.kernel.month import check_consolidation
from politburo.kernel.plenum import hold_plenum, mark_bloc_leaders
from politburo.kernel.view import View
from politburo.kernel.votes import forecast
from politburo.model.actions import Plan
from politburo.model.params import DEFAULT_PARAMETERS, Parameters
from politburo.model.state import EMPTY_SEAT, State
from politburo.simulation import simulate, world_of


def model_from_state(state: State, r: int, facts: Facts, params: Parameters) -> PolitburoModel:
    """A Mesa model holding run ``r`` of an engine batch state (at the start of a month)."""
    m = PolitburoModel(facts, params=params, seed=0)
    m.turn = state.turn
    leaders = m.leader_list
    for i, x in enumerate(leaders):
        x.patron = leaders[int(state.patron[r, i])]
        x.loyalty = float(state.loyalty[r, i])
        x.seat = int(state.seat[r, i])
        x.alive = bool(state.alive[r, i])
        x.incapacitated = bool(state.incapacitated[r, i])
        x.in_party = bool(state.in_party[r, i])
        x.exiled = bool(state.exiled[r, i])
        x.rung = int(state.rung[r, i])
        x.last_discipline = int(state.last_discipline[r, i])
        x.pretext = float(state.pretext[r, i])
        x.faction = bool(state.faction[r, i])
        x.real_power = float(state.real_power[r, i])
        x.prestige = float(state.prestige[r, i])
        x.led_bloc = bool(state.led_bloc[r, i])
        x.penitent_since = int(state.penitent_since[r, i])
        x.lost_seat_at = int(state.lost_seat[r, i])
        x.seat_lost_at = int(state.seat_lost_at[r, i])
    for i, x in enumerate(leaders):
        x.defeated_at = {
            leaders[j]: int(state.defeated_at[r, i, j])
            for j in range(len(leaders))
            if state.defeated_at[r, i, j] >= 0
        }
    m.last_plenum = int(state.last_plenum[r])
    winner = int(state.winner[r])
    m.winner = leaders[winner] if winner >= 0 else None
    m.consolidated = int(state.consolidated[r])
    m.office_holder = [leaders[h] if h >= 0 else None for h in state.office_holder[r]]
    for g, secretary in enumerate(m.secretary_list):
        patron = int(state.secretary_patron[r, g])
        secretary.patron = leaders[patron] if patron >= 0 else None
        secretary.loyalty = float(state.secretary_loyalty[r, g])
        secretary.members = [float(x) for x in state.members[r, g]]
    m.committee = [leaders[x] if x >= 0 else None for x in state.committee[r] if x != EMPTY_SEAT]
    m.control = [leaders[x] if x >= 0 else None for x in state.control[r] if x != EMPTY_SEAT]
    return m


def mesa_legal(leader: Leader, verb: Verb, width: int) -> list[bool]:
    """Whether ``leader`` may take ``verb`` on each target, as a row of :meth:`View.legal`
    (``width`` targets; target 0 for a verb that takes none, False past the targets)."""
    model = leader.model
    targets: list[Leader | RegionalSecretary | None]
    if verb in (Verb.RECANT, Verb.ORGANIZE_FACTION):
        targets = [None]
    elif verb == Verb.APPOINT:
        targets = list(model.secretary_list)
    else:
        targets = list(model.leader_list)
    row = [leader.legal(verb, target) for target in targets]
    return row + [False] * (width - len(row))


def perturb(state: State, rng: np.random.Generator, rungs: int) -> State:
    """A copy of ``state`` with what the heuristic, the plenum, the consolidation check,
    the marking of bloc leaders and an appointment's resistance read shuffled at random
    (within what a state can hold): every seatable leader's seat, prestige, pretext, real
    power, discipline rung (one of ``rungs``, or none), bloc-leader mark, incapacity,
    recantation and seat losses (either none or in the last 30 months, the latest loss
    no earlier than the first), each client freed with probability 1/4 (the others'
    loyalty drawn anew), the committee's
    seats, the offices, and half the regions' secretaries (a random leader's client or
    nobody's, at a random loyalty)."""
    s = deepcopy(state)
    t = s.turn
    R, L = s.patron.shape
    for r in range(R):
        seatable = s.alive[r] & s.in_party[r] & ~s.exiled[r]
        for i in range(L):
            if s.patron[r, i] != i and rng.random() < 0.25:
                s.patron[r, i] = i
                s.loyalty[r, i] = 1.0
            elif s.patron[r, i] != i:
                s.loyalty[r, i] = rng.random()
        for j in np.flatnonzero(seatable):
            s.seat[r, j] = rng.integers(0, 3)
            s.prestige[r, j] = rng.random()
            s.pretext[r, j] = rng.random() * rng.integers(0, 2)
            s.real_power[r, j] = rng.random()
            s.rung[r, j] = rng.integers(-1, rungs)
            s.led_bloc[r, j] = rng.random() < 0.5
            s.incapacitated[r, j] = rng.random() < 0.1
            s.penitent_since[r, j] = -1 if rng.random() < 0.5 else max(t - int(rng.integers(30)), 0)
            s.lost_seat[r, j] = -1 if rng.random() < 0.5 else max(t - int(rng.integers(30)), 0)
            s.seat_lost_at[r, j] = (
                -1 if s.lost_seat[r, j] < 0 else int(rng.integers(s.lost_seat[r, j], t + 1))
            )
        holders = np.flatnonzero(s.alive[r])
        for q in range(s.committee.shape[1]):
            if s.committee[r, q] != EMPTY_SEAT:
                s.committee[r, q] = -1 if rng.random() < 0.2 else rng.choice(holders)
        for o in range(s.office_holder.shape[1]):
            s.office_holder[r, o] = -1 if rng.random() < 0.2 else rng.choice(holders)
        for g in range(s.secretary_patron.shape[1]):
            if rng.random() < 0.5:
                s.secretary_patron[r, g] = -1 if rng.random() < 0.2 else rng.integers(L)
                s.secretary_loyalty[r, g] = rng.random()
    return s


@njit(cache=True)
def _local_strengths(k, r, out):  # type: ignore[no-untyped-def]
    """The engine's ``local_strength`` of every region's machine against every leader,
    into ``out`` (L, G)."""
    for i in range(out.shape[0]):
        for g in range(out.shape[1]):
            out[i, g] = local_strength(k, r, i, g)


@njit(cache=True)
def _forecasts(k, r, t, out):  # type: ignore[no-untyped-def]
    """The engine's forecast (``votes.forecast``) of the yes share of a motion of the
    next rung by every leader against every other, into ``out`` (L, L) (mover, target);
    NaN on the diagonal and against a leader with no next rung."""
    w = k.w
    L = out.shape[0]
    for j in range(L):
        q = next_rung(k, r, j)
        for i in range(L):
            if q < 0 or i == j:
                out[i, j] = np.nan
            else:
                out[i, j] = forecast(k, r, t, w.rung_role[q], w.rung_joint[q], i, j)


def check_forecasts(view: View, models: list[PolitburoModel]) -> tuple[Counter[str], int]:
    """Mismatches between the engine's forecast of a disciplinary motion's yes share
    (:func:`politburo.kernel.votes.forecast`, for every mover and target) and the Mesa
    model's (:meth:`PolitburoModel.forecast` of the model's :meth:`PolitburoModel.motion`,
    on the month's survey); and the number of forecasts compared. They must agree bit for
    bit: the heuristic compares the forecast with the rung's quota."""
    mismatches: Counter[str] = Counter()
    compared = 0
    L = len(models[0].leader_list) if models else 0
    engine = np.empty((L, L))
    for r, model in enumerate(models):
        _forecasts(view.kernel, r, view.turn, engine)
        model.survey = model.take_survey()
        for target in model.leader_list:
            k = model.next_rung(target)
            j = target.index
            if (k < 0) != bool(np.isnan(engine[(j + 1) % L, j])):
                mismatches["forecast rung"] += 1
                continue
            if k < 0:
                continue
            rung = model.facts.ladder[k]
            for mover in model.leader_list:
                if mover is target:
                    continue
                compared += 1
                mine = model.forecast(rung, model.motion(mover, target, model.survey.seen))
                if mine != float(engine[mover.index, j]):
                    mismatches["forecast"] += 1
    return mismatches, compared


def check_rules(
    view: View, state: State, models: list[PolitburoModel]
) -> tuple[Counter[str], Counter[str]]:
    """Mismatches between the engine's and the Mesa models' (one per run, holding
    ``state`` at the view's month) resistance of every region's machine to every
    leader's appointment, marking of bloc leaders (as at the end of a month, then as at
    the start of the view's month), consolidation check and plenum, run in that order on
    a copy of ``state``; and how many runs each rule had something to do in (on the
    engine's side: a machine resisting, a new contender, a consolidation, a seat or
    office changing hands, a member dropped or demoted)."""
    mismatches: Counter[str] = Counter()
    activity: Counter[str] = Counter()
    state = deepcopy(state)
    state.winner[:] = -1
    state.consolidated[:] = -1
    k = bind(view.world, view.params, view.on, state)
    t = view.turn
    L, G = state.patron.shape[1], state.secretary_patron.shape[1]
    strengths = np.empty((L, G))
    for r, model in enumerate(models):
        _local_strengths(k, r, strengths)
        mine = [[g.strength_against(x) for g in model.secretary_list] for x in model.leader_list]
        if mine != strengths.tolist():
            mismatches["local strength"] += 1
        activity["machine resists"] += bool((strengths > 0).any())
        marked = state.led_bloc[r].copy()
        # as at the end of a month, then as at its start (at month 0 the scenario's
        # committee seats count as a following only then)
        for at_start in (False, t == 0):
            mark_bloc_leaders(k, r, at_start)
            model.mark_bloc_leaders(at_start=at_start)
            if [x.led_bloc for x in model.leader_list] != [bool(x) for x in state.led_bloc[r]]:
                mismatches["bloc leaders" + (" at start" if at_start else "")] += 1
        activity["new contender"] += bool((state.led_bloc[r] != marked).any())
        check_consolidation(k, r, t)
        model.winner, model.consolidated = None, -1
        model.check_consolidation()
        mine = -1 if model.winner is None else model.winner.index
        if mine != int(state.winner[r]):
            mismatches["consolidation"] += 1
        activity["consolidation"] += int(state.winner[r]) >= 0
        seats, offices = state.seat[r].copy(), state.office_holder[r].copy()
        hold_plenum(k, r, t)
        model.hold_plenum()
        leaders = model.leader_list
        if [x.seat for x in leaders] != [int(x) for x in state.seat[r]]:
            mismatches["plenum seats"] += 1
        if [x.lost_seat_at for x in leaders] != [int(x) for x in state.lost_seat[r]]:
            mismatches["plenum seat losses"] += 1
        if [x.seat_lost_at for x in leaders] != [int(x) for x in state.seat_lost_at[r]]:
            mismatches["plenum latest seat losses"] += 1
        holders = [-1 if h is None else h.index for h in model.office_holder]
        if holders != [int(h) for h in state.office_holder[r]]:
            mismatches["plenum offices"] += 1
        if model.last_plenum != int(state.last_plenum[r]):
            mismatches["plenum month"] += 1
        activity["plenum changed a seat"] += bool((state.seat[r] != seats).any())
        activity["plenum dropped a member"] += bool(
            (
                (seats != SEAT_NONE) & (state.seat[r] == SEAT_NONE) & (state.seat_lost_at[r] == t)
            ).any()
        )
        activity["plenum demoted a member"] += bool(
            ((seats == SEAT_FULL) & (state.seat[r] == SEAT_CANDIDATE)).any()
        )
        activity["plenum changed an office"] += bool((state.office_holder[r] != offices).any())
    return mismatches, activity


def _certain(bloc: Leader | None) -> Callable[[int], list[Leader | None]]:
    """A draw of ``n`` seats that all go to ``bloc``."""
    return lambda n: [bloc] * n


def check_congress(
    view: View, state: State, models: list[PolitburoModel]
) -> tuple[Counter[str], Counter[str]]:
    """Mismatches between the engine's committee elections at a congress
    (``congress.elect_committee``) and the Mesa model's (:meth:`PolitburoModel.drafter`
    and :meth:`PolitburoModel.elect_seats`, for the committee and the control body),
    each machine on ``state`` at the view's month (the engine on a copy bound to the
    kernel); and how many runs the re-election rule had something to do in (on the
    engine's side: a sitting member not re-elected because his bloc leader is gone, one
    struck, new seats). The seats the delegates fill anew are drawn at random, by each
    machine its own way (the engine from its delegations' shares, the Mesa model from its
    delegates), so each machine is given delegations that make the draw certain: all
    uncommitted (no strike; an open seat goes uncommitted), then all of the drafter's
    bloc (a majority that strikes; an open seat goes to the drafter's bloc). Every seat
    must then agree: which seats the congress re-elects, strikes, fills and closes."""
    mismatches: Counter[str] = Counter()
    activity: Counter[str] = Counter()
    t = view.turn
    L = state.patron.shape[1]
    elected: dict[str, State] = {}
    for probe in ("uncommitted", "drafter's"):
        copy = deepcopy(state)
        k = bind(view.world, view.params, view.on, copy)
        for r, model in enumerate(models):
            drafter = model.drafter()
            shares = np.zeros(L + 1)
            shares[L if probe == "uncommitted" else drafter.index] = 1.0
            elect_committee(k, r, t, shares)
            strike = probe != "uncommitted"
            draw = _certain(None if probe == "uncommitted" else drafter)
            turn = min(t, model.facts.months - 1)
            for body, seats, row in (
                ("committee", model.committee, copy.committee[r]),
                ("control", model.control, copy.control[r]),
            ):
                size = model.facts.full_seats[body][turn] if row.shape[0] else 0
                mine = [
                    -1 if x is None else x.index
                    for x in model.elect_seats(seats, size, drafter, strike, draw)
                ]
                mine += [EMPTY_SEAT] * (row.shape[0] - len(mine))
                if mine != row.tolist():
                    mismatches[f"congress {body} ({probe} delegates)"] += 1
        elected[probe] = copy
    for r in range(len(models)):
        for body in ("committee", "control"):
            old = getattr(state, body)[r]
            kept = getattr(elected["uncommitted"], body)[r]
            struck = getattr(elected["drafter's"], body)[r]
            sitting = old >= 0
            activity[f"congress {body}: bloc leader gone"] += bool((sitting & (kept < 0)).any())
            activity[f"congress {body}: struck"] += bool(
                (sitting & (kept == old) & (struck != old)).any()
            )
            activity[f"congress {body}: new seats"] += bool(
                ((old == EMPTY_SEAT) & (kept >= -1)).any()
            )
    return mismatches, activity


def check_heuristic(
    view: View, models: list[PolitburoModel]
) -> tuple[Counter[str], Counter[str], int]:
    """Mismatches between the engine's heuristic (:meth:`View.scores`, :meth:`View.legal`)
    and the Mesa leaders' (:meth:`Leader.best_actions`, :meth:`Leader.legal`) in the Mesa
    models (one per run, holding the view's state): each verb's legality on every target,
    whether it is scored, its best score and target; how often a rule had something to
    do (leader-months: ``best target illegal``, a verb whose best-scored target is
    illegal; ``probation bars recant`` / ``probation bars win-over``, a penitent on
    probation who but for it could recant / could be won over by someone; ``case not
    made``, a mover who may move discipline beyond a censure against a target his
    coalition's slate would keep); and the number of (run, leader, verb) comparisons."""
    mismatches: Counter[str] = Counter()
    activity: Counter[str] = Counter()
    compared = 0
    for r, model in enumerate(models):
        scores = view.scores(r)
        model.survey = model.take_survey()
        for leader in model.leader_list:
            if leader.on_probation:
                since, leader.penitent_since = leader.penitent_since, -1
                activity["probation bars recant"] += leader.may_recant()
                activity["probation bars win-over"] += any(
                    x.may_win_over(leader) for x in model.leader_list
                )
                leader.penitent_since = since
        for i, leader in enumerate(model.leader_list):
            activity["case not made"] += case_not_made(leader)
            found = best_actions_counting(leader, activity) if leader.can_act else {}
            legal = view.legal(i, r)
            unported = np.ones(len(legal), dtype=bool)
            unported[[int(v) for v in Verb]] = False
            unported[0] = False  # passing
            if legal[unported].any():
                mismatches["other verbs legality"] += 1
            for verb in Verb:
                compared += 1
                if mesa_legal(leader, verb, legal.shape[1]) != legal[int(verb)].tolist():
                    mismatches[f"{verb.name} legality"] += 1
                mine = found.get(verb)
                best = scores[i, int(verb)]
                if (mine is None) == bool(np.isfinite(best).any()):
                    mismatches[f"{verb.name} scored"] += 1
                    continue
                if mine is None:
                    continue
                index = -1 if mine[1] is None else mine[1].index
                targeted = verb not in (Verb.RECANT, Verb.ORGANIZE_FACTION)
                if mine[0] != float(best.max()) or (targeted and index != int(best.argmax())):
                    mismatches[f"{verb.name} score"] += 1
                if not leader.legal(verb, mine[1]):
                    activity[f"{verb.name} best target illegal"] += 1
    return mismatches, activity, compared


def best_actions_counting(
    leader: Leader, activity: Counter[str]
) -> dict[Verb, tuple[float, Leader | RegionalSecretary | None]]:
    """``leader.best_actions()``, counting in ``activity`` the disciplinary motions whose
    vote he forecasts (hostile, ambitious, the case made, no defeat remembered) by
    whether the forecast puts the majority in hand."""
    in_hand = leader.in_hand

    def counted(rung: Rung, target: Leader) -> bool:
        result = in_hand(rung, target)
        activity["forecast in hand" if result else "forecast not in hand"] += 1
        return result

    leader.in_hand = counted  # type: ignore[method-assign]
    try:
        return leader.best_actions()
    finally:
        del leader.in_hand


def case_not_made(leader: Leader) -> bool:
    """Whether ``leader`` may move discipline against a target beyond a censure whom his
    coalition's slate would keep (the heuristic does not move then)."""
    m = leader.model
    share = m.survey.share("committee", leader.patron)
    for target in m.leader_list:
        if not leader.may_discipline(target):
            continue
        if m.facts.ladder[m.next_rung(target)].effect == "censure":
            continue
        if target.keep_value(share, m.survey.comm_votes) > m.params.inclusion_cost:
            return True
    return False


def verify(runs: int = 20, seed: int = 0) -> tuple[Counter[str], Counter[str], int, int, int]:
    """Mismatches by verb and kind (legality, scored or not, score/target; forecast;
    local strength, bloc leaders, consolidation, plenum; ``perturbed`` for the perturbed
    states); how often each rule had something to do (:func:`check_heuristic`,
    :func:`check_rules`); the number of (state, run, month, leader, verb) comparisons of
    the heuristic, of (state, run, month, mover, target) comparisons of the forecast, and
    of (state, run, month) comparisons of the other rules (each month's state and its
    perturbed copy)."""
    world = world_of(SCENARIO)
    facts = facts_of(SCENARIO)
    heuristic = DEFAULT_PARAMETERS.heuristic.model_copy(update={"misjudgement": 0.0})
    params = DEFAULT_PARAMETERS.model_copy(update={"heuristic": heuristic})
    mismatches: Counter[str] = Counter()
    activity: Counter[str] = Counter()
    compared = 0
    rules_compared = 0
    forecasts = 0
    rng = np.random.default_rng(seed)

    def checking_policy(view: View) -> Plan:
        nonlocal compared, rules_compared, forecasts
        models = [model_from_state(view.state, r, facts, params) for r in range(view.state.n_runs)]
        found, done, n = check_heuristic(view, models)
        mismatches.update(found)
        activity.update(done)
        compared += n
        found, n = check_forecasts(view, models)
        mismatches.update(found)
        forecasts += n
        found, done = check_congress(view, view.state, models)
        mismatches.update(found)
        activity.update(done)
        plan = view.heuristic_plan()
        found, done = check_rules(view, view.state, models)
        mismatches.update(found)
        activity.update(done)
        perturbed = perturb(view.state, rng, len(view.world.ladder))
        # the heuristic on the perturbed state (a copy bound to the kernel of its own)
        copy = deepcopy(perturbed)
        other_view = View.read(
            view.world, view.params, view.on, copy, bind(view.world, view.params, view.on, copy)
        )
        others = [model_from_state(perturbed, r, facts, params) for r in range(len(models))]
        found, done, n = check_heuristic(other_view, others)
        mismatches.update({f"perturbed {kind}": n for kind, n in found.items()})
        activity.update({f"perturbed {kind}": n for kind, n in done.items()})
        compared += n
        found, n = check_forecasts(other_view, others)
        mismatches.update({f"perturbed {kind}": n for kind, n in found.items()})
        forecasts += n
        found, done = check_congress(view, perturbed, others)
        mismatches.update({f"perturbed {kind}": n for kind, n in found.items()})
        activity.update({f"perturbed {kind}": n for kind, n in done.items()})
        others = [model_from_state(perturbed, r, facts, params) for r in range(len(models))]
        found, done = check_rules(view, perturbed, others)
        mismatches.update({f"perturbed {kind}": n for kind, n in found.items()})
        activity.update({f"perturbed {kind}": n for kind, n in done.items()})
        rules_compared += 2 * len(models)
        return plan

    simulate(
        world,
        seed=seed,
        runs=runs,
        params=params,
        ablate=CORE_ABLATE,
        record_events=False,
        policy=checking_policy,
    )
    return mismatches, activity, compared, forecasts, rules_compared


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    mismatches, activity, compared, forecasts, rules = verify(args.runs, args.seed)
    print(
        f"{compared} heuristic comparisons, {forecasts} forecasts, {rules} comparisons of "
        "local strength, bloc leaders, consolidation, plenum and congress, "
        f"mismatches: {dict(mismatches) or 'none'}"
    )
    done = dict(sorted(activity.items()))
    print(
        "something to do (run-months; leader-months for the heuristic, mover-target "
        f"pairs for the forecasts it consults): {done}"
    )


if __name__ == "__main__":
    main()
