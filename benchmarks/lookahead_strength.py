"""How much stronger the look-ahead AI makes one leader: paired runs in which only that
leader searches (everyone else plays the heuristic) against runs where nobody does.

    python benchmarks/lookahead_strength.py [--scenario toy-3] [--leader editor]
        [--runs 60] [--horizon 3] [--width 5] [--seed 11] [--json]

Reports the leader's win share and mean real power over the calendar under each policy,
and the paired difference of mean power (run k of both arms shares its random stream).
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np

from politburo.agents.heuristic import decide
from politburo.agents.lookahead import LookaheadPolicy, LookaheadSettings
from politburo.simulation import simulate, world_of


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="toy-3")
    parser.add_argument("--leader", default="editor")
    parser.add_argument("--runs", type=int, default=60)
    parser.add_argument("--horizon", type=int, default=LookaheadSettings().horizon)
    parser.add_argument("--width", type=int, default=LookaheadSettings().width)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    world = world_of(args.scenario)
    me = world.leader_ids.index(args.leader)
    others = [i for i in range(world.n_leaders) if i != me]
    settings = LookaheadSettings(horizon=args.horizon, width=args.width, searchers=1)
    arms = {"heuristic": decide, "lookahead": LookaheadPolicy(settings, exclude=others)}
    result: dict[str, object] = {
        "scenario": args.scenario,
        "leader": args.leader,
        "runs": args.runs,
        "horizon": args.horizon,
        "width": args.width,
    }
    power = {}
    for name, policy in arms.items():
        started = time.perf_counter()
        batch = simulate(world, seed=args.seed, runs=args.runs, policy=policy, record_events=False)
        power[name] = batch.power[:, :, me].mean(axis=0)
        result[name] = {
            "win_share": float((batch.state.winner == me).mean()),
            "mean_power": float(power[name].mean()),
            "seconds": round(time.perf_counter() - started, 1),
        }
    d = power["lookahead"] - power["heuristic"]
    half = 1.959964 * float(d.std(ddof=1)) / np.sqrt(d.size)
    mean = float(d.mean())
    result["paired_power_difference"] = {"d": mean, "ci": [mean - half, mean + half]}
    if args.json:
        print(json.dumps(result, default=float))
        return
    for name in arms:
        row = result[name]
        assert isinstance(row, dict)
        print(f"{name:10s} win {row['win_share']:.3f}  mean power {row['mean_power']:.3f}  "
              f"({row['seconds']} s)")  # fmt: skip
    print(f"paired difference of mean power: {d.mean():+.4f} ± {half:.4f} (95%)")


if __name__ == "__main__":
    main()
