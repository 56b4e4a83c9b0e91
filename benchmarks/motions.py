"""Probe: how a leader is brought down — every motion against him (month, rung, outcome)
and every office he loses with what happened just before it in that run and month.

    python benchmarks/motions.py ussr-1922 --target trotsky --until 1924-01 --runs 200
        [--params FILE] [--intervention ID ...]

Nothing here names a scenario or a leader: both are arguments. Used to find which rule
sets the date of a leader's first defeat (docs/validation.md)."""

from __future__ import annotations

import argparse
import collections

import numpy as np

from politburo.model.events import KIND_CODE
from politburo.model.params import DEFAULT_PARAMETERS, Parameters
from politburo.model.world import compile_world
from politburo.scenario import load_scenario
from politburo.scenario.interventions import apply_interventions
from politburo.simulation import simulate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("scenario")
    parser.add_argument("--target", required=True, help="leader id")
    parser.add_argument("--until", default=None, help="last month shown (YYYY-MM)")
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--params", default=None)
    parser.add_argument("--intervention", action="append", default=[])
    args = parser.parse_args()
    spec = apply_interventions(load_scenario(args.scenario), args.intervention, ())
    world = compile_world(spec)
    params = Parameters.from_file(args.params) if args.params else DEFAULT_PARAMETERS
    batch = simulate(world, seed=args.seed, runs=args.runs, params=params, record_events=True)
    cols = batch.log.arrays()
    kind, run, turn = cols["kind"], cols["run"], cols["turn"]
    actor, target, obj = cols["actor"], cols["target"], cols["obj"]
    names = {code: name for name, code in KIND_CODE.items()}
    who = world.leader_ids.index(args.target)
    last = world.turn_of(args.until) if args.until else world.months - 1
    ladder = [rung.effect for rung in world.ladder]

    motions: collections.Counter[tuple[str, str, str]] = collections.Counter()
    votes = np.isin(kind, [KIND_CODE["motion_passed"], KIND_CODE["motion_failed"]])
    for i in np.flatnonzero(votes & (target == who) & (turn <= last)):
        rung = ladder[obj[i]] if 0 <= obj[i] < len(ladder) else str(obj[i])
        motions[(world.month_label(int(turn[i])), rung, names[kind[i]])] += 1
    print(f"motions against {args.target} (runs of {args.runs}):")
    for (month, rung, outcome), n in sorted(motions.items()):
        print(f"  {month}  {rung:<16} {outcome:<14} {n}")

    losses: collections.Counter[tuple[str, str, str]] = collections.Counter()
    order = np.arange(len(kind))
    for i in np.flatnonzero((kind == KIND_CODE["office_lost"]) & (actor == who) & (turn <= last)):
        before = order[(run == run[i]) & (turn == turn[i]) & (order < i)]
        cause = names[kind[before[-1]]] if before.size else "none"
        office = world.office_ids[obj[i]] if obj[i] >= 0 else "?"
        losses[(world.month_label(int(turn[i])), office, cause)] += 1
    print(f"offices {args.target} lost, with the event just before:")
    for (month, office, cause), n in sorted(losses.items()):
        print(f"  {month}  {office:<24} after {cause:<16} {n}")


if __name__ == "__main__":
    main()
