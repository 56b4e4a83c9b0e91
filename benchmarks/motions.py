"""Probe: how a leader is brought down — every motion against him (month, rung, outcome)
and every office he loses with what happened just before it in that run and month.

    python benchmarks/motions.py ussr-1922 --target trotsky --until 1924-01 --runs 200
        [--params FILE] [--intervention ID ...] [--timeline]

``--timeline`` adds, month by month, the target's mean prestige and pretext over the runs
and how many runs saw him attacked in print, criticize the line or organize a faction.

Nothing here names a scenario or a leader: both are arguments. Used to find which rule
sets the date of a leader's first defeat (docs/validation.md)."""

from __future__ import annotations

import argparse
import collections

import numpy as np

from politburo.model.events import KIND_CODE
from politburo.model.params import DEFAULT_PARAMETERS, Parameters
from politburo.model.state import State
from politburo.model.world import World, compile_world
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
    parser.add_argument("--timeline", action="store_true", help="his standing month by month")
    args = parser.parse_args()
    spec = apply_interventions(load_scenario(args.scenario), args.intervention, ())
    world = compile_world(spec)
    params = Parameters.from_file(args.params) if args.params else DEFAULT_PARAMETERS
    who = world.leader_ids.index(args.target)
    standing: dict[int, tuple[float, float]] = {}

    def watch(turn: int, state: State, first: int) -> None:
        standing[turn] = (float(state.prestige[:, who].mean()), float(state.pretext[:, who].mean()))

    batch = simulate(world, seed=args.seed, runs=args.runs, params=params, record_events=True,
                     watch=watch if args.timeline else None)  # fmt: skip
    cols = batch.log.arrays()
    kind, run, turn = cols["kind"], cols["run"], cols["turn"]
    actor, target, obj = cols["actor"], cols["target"], cols["obj"]
    names = {code: name for name, code in KIND_CODE.items()}
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

    if args.timeline:
        _timeline(world, standing, cols, who, last)


def _timeline(world: World, standing: dict[int, tuple[float, float]],
              cols: dict[str, np.ndarray], who: int, last: int) -> None:  # fmt: skip
        kind, run, turn = cols["kind"], cols["run"], cols["turn"]
        names = ("attacked", "criticized_line", "faction_organized")
        print("month     prestige pretext  runs: attacked criticized organized")
        for t in range(min(last, world.months - 1) + 1):
            prestige, pretext = standing.get(t, (float("nan"), float("nan")))
            counts = []
            for name in names:
                hit = (kind == KIND_CODE[name]) & (turn == t)
                hit &= (cols["target"] == who) if name == "attacked" else (cols["actor"] == who)
                counts.append(len(set(run[hit].tolist())))
            print(f"  {world.month_label(t)}  {prestige:7.3f} {pretext:7.3f}  "
                  f"{counts[0]:>14} {counts[1]:>10} {counts[2]:>9}")


if __name__ == "__main__":
    main()
