"""Check that the Mesa leaders score their actions exactly as the engine's heuristic does.

Every month of a few engine runs (core subset, misjudgement noise off so the scores are
deterministic), the engine's state is copied into a fresh Mesa model and each leader's
best legal target and score per verb is compared with the compiled heuristic's scores
and legality (:meth:`politburo.kernel.view.View.scores` and ``View.legal``). Prints the
mismatches (none expected).

    python -m benchmarks.mesa_reference.verify [--runs 20]

Only this check reads engine internals; the Mesa model itself calls no engine rule.
"""

from __future__ import annotations

import argparse
from collections import Counter

from benchmarks.mesa_reference import CORE_ABLATE, SCENARIO
from benchmarks.mesa_reference.agents import Verb
from benchmarks.mesa_reference.facts import Facts, facts_of
from benchmarks.mesa_reference.model import PolitburoModel
from politburo.kernel.view import View
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
    m.office_holder = [leaders[h] if h >= 0 else None for h in state.office_holder[r]]
    for g, secretary in enumerate(m.secretary_list):
        patron = int(state.secretary_patron[r, g])
        secretary.patron = leaders[patron] if patron >= 0 else None
        secretary.loyalty = float(state.secretary_loyalty[r, g])
        secretary.members = [float(x) for x in state.members[r, g]]
    m.committee = [leaders[x] if x >= 0 else None for x in state.committee[r] if x != EMPTY_SEAT]
    m.control = [leaders[x] if x >= 0 else None for x in state.control[r] if x != EMPTY_SEAT]
    return m


def verify(runs: int = 20, seed: int = 0) -> tuple[Counter[str], int]:
    """Mismatches by verb and kind (legality or score/target) and the number of
    (run, month, leader, verb) comparisons."""
    world = world_of(SCENARIO)
    facts = facts_of(SCENARIO)
    heuristic = DEFAULT_PARAMETERS.heuristic.model_copy(update={"misjudgement": 0.0})
    params = DEFAULT_PARAMETERS.model_copy(update={"heuristic": heuristic})
    mismatches: Counter[str] = Counter()
    compared = 0

    def checking_policy(view: View) -> Plan:
        nonlocal compared
        for r in range(view.state.n_runs):
            scores = view.scores(r)
            model = model_from_state(view.state, r, facts, params)
            model.survey = model.take_survey()
            for i, leader in enumerate(model.leader_list):
                found = leader.best_actions() if leader.can_act else {}
                legal = view.legal(i, r)
                for verb in Verb:
                    compared += 1
                    mine = found.get(verb)
                    if (mine is None) == legal[int(verb)].any():
                        mismatches[f"{verb.name} legality"] += 1
                        continue
                    if mine is None:
                        continue
                    index = -1 if mine[1] is None else mine[1].index
                    targeted = verb not in (Verb.RECANT, Verb.ORGANIZE_FACTION)
                    best = scores[i, int(verb)]
                    if mine[0] != float(best.max()) or (targeted and index != int(best.argmax())):
                        mismatches[f"{verb.name} score"] += 1
        return view.heuristic_plan()

    simulate(
        world,
        seed=seed,
        runs=runs,
        params=params,
        ablate=CORE_ABLATE,
        record_events=False,
        policy=checking_policy,
    )
    return mismatches, compared


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    mismatches, compared = verify(args.runs, args.seed)
    print(f"{compared} comparisons, mismatches: {dict(mismatches) or 'none'}")


if __name__ == "__main__":
    main()
