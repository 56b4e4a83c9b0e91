"""How much stronger the look-ahead AI is than the heuristic, in paired runs.

    python benchmarks/lookahead_strength.py [--scenario ussr-1922]
        [--leaders zinoviev,trotsky] [--mode search|opponents] [--runs 40] [--seed 11]
        [--set horizon=12 --set samples=2 ...] [--json]

``--mode search`` (the default): only the named leader searches, everyone else plays the
heuristic, against runs where nobody searches. A positive difference: the look-ahead
plays that leader better than the heuristic does.

``--mode opponents``: the named leader plays the heuristic (a stand-in for a player) and
every other leader is the web game's AI, heuristic in one arm and look-ahead (the four
strongest searching) in the other. A negative difference: the look-ahead difficulty is
harder for a player of that leader.

For each leader: his consolidation share, a rival's consolidation share and his mean real
power over the calendar under each arm, and two paired differences (look-ahead arm minus
heuristic arm) with 95% intervals (run k of both arms shares its random stream):

- **outcome**: per run +1 if he consolidates, -1 if a rival does, 0 if neither (the
  collective leadership survives); what a player of that leader is trying to move;
- **power**: his real power averaged over the calendar.

``--set NAME=VALUE`` changes one field of ``LookaheadSettings`` (in search mode
``searchers`` is always 1).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import time
from typing import Any

import numpy as np
from numpy.typing import NDArray

from politburo.agents.lookahead import LookaheadPolicy, LookaheadSettings
from politburo.kernel.view import heuristic
from politburo.simulation import simulate, world_of

Z95 = 1.959964


def paired(d: NDArray[np.float64]) -> dict[str, Any]:
    """Mean of paired differences with a normal 95% interval."""
    half = Z95 * float(d.std(ddof=1)) / np.sqrt(d.size) if d.size > 1 else float("nan")
    mean = float(d.mean())
    return {"d": mean, "ci": [mean - half, mean + half]}


def settings_from(pairs: list[str]) -> LookaheadSettings:
    """``LookaheadSettings`` with ``NAME=VALUE`` overrides."""
    fields = {f.name: f for f in dataclasses.fields(LookaheadSettings)}
    changes: dict[str, Any] = {}
    for pair in pairs:
        name, _, value = pair.partition("=")
        if name not in fields or not value:
            raise SystemExit(f"--set {pair!r}: expected NAME=VALUE with NAME one of {list(fields)}")
        changes[name] = int(value) if fields[name].type in ("int", int) else float(value)
    return dataclasses.replace(LookaheadSettings(), **changes)


def measure(
    scenario: str, leader: str, runs: int, seed: int, settings: LookaheadSettings, mode: str
) -> dict[str, Any]:
    """Both arms for one leader, and their paired differences."""
    world = world_of(scenario)
    if leader not in world.leader_ids:
        raise SystemExit(f"{scenario} has no leader {leader!r}: choose from {world.leader_ids}")
    me = world.leader_ids.index(leader)
    others = [i for i in range(world.n_leaders) if i != me]
    searcher = LookaheadPolicy(settings, exclude=others if mode == "search" else [me])
    result: dict[str, Any] = {"leader": leader}
    power: dict[str, NDArray[np.float64]] = {}
    outcome: dict[str, NDArray[np.float64]] = {}
    for name, policy in (("heuristic", heuristic), ("lookahead", searcher)):
        started = time.perf_counter()
        batch = simulate(world, seed=seed, runs=runs, policy=policy, record_events=False)
        winner = batch.state.winner
        power[name] = batch.power[:, :, me].mean(axis=0)
        outcome[name] = (winner == me).astype(np.float64) - ((winner >= 0) & (winner != me))
        result[name] = {
            "win_share": float((winner == me).mean()),
            "rival_win_share": float(((winner >= 0) & (winner != me)).mean()),
            "mean_power": float(power[name].mean()),
            "seconds": round(time.perf_counter() - started, 1),
        }
    result["overruled_share"] = searcher.changed / max(searcher.searched, 1)
    result["outcome_difference"] = paired(outcome["lookahead"] - outcome["heuristic"])
    result["power_difference"] = paired(power["lookahead"] - power["heuristic"])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="ussr-1922")
    parser.add_argument("--leaders", default="zinoviev,trotsky")
    parser.add_argument("--mode", choices=["search", "opponents"], default="search")
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    settings = settings_from(args.set)
    if args.mode == "search":
        settings = dataclasses.replace(settings, searchers=1)
    rows = [
        measure(args.scenario, leader, args.runs, args.seed, settings, args.mode)
        for leader in args.leaders.split(",")
    ]
    if args.json:
        print(
            json.dumps(
                {
                    "scenario": args.scenario,
                    "mode": args.mode,
                    "runs": args.runs,
                    "seed": args.seed,
                    "settings": dataclasses.asdict(settings),
                    "leaders": rows,
                }
            )
        )
        return
    print(f"{args.scenario}, {args.mode}, {args.runs} paired runs, seed {args.seed}, {settings}")
    for row in rows:
        h, a = row["heuristic"], row["lookahead"]
        o, p = row["outcome_difference"], row["power_difference"]
        print(
            f"{row['leader']:12s} wins {h['win_share']:.3f} -> {a['win_share']:.3f}  "
            f"rival wins {h['rival_win_share']:.3f} -> {a['rival_win_share']:.3f}  "
            f"power {h['mean_power']:.4f} -> {a['mean_power']:.4f}  "
            f"outcome {o['d']:+.3f} [{o['ci'][0]:+.3f}, {o['ci'][1]:+.3f}]  "
            f"power {p['d']:+.4f} [{p['ci'][0]:+.4f}, {p['ci'][1]:+.4f}]  "
            f"overruled {row['overruled_share']:.0%}  ({a['seconds']} s)"
        )


if __name__ == "__main__":
    main()
