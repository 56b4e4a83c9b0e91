"""Probe two of issue #11's targets on a scenario's baseline runs: the share of motions
that fail with under a quarter of the votes, and the share of runs in which a leader who
recanted sits in the leadership body (a full seat) at the end of the run.

    python benchmarks/ladder_targets.py ussr-1922 --runs 2000 [--seed 0] [--params FILE]

Nothing here names a scenario or a leader."""

from __future__ import annotations

import argparse
import json

import numpy as np

from politburo.model.events import KIND_CODE
from politburo.model.params import DEFAULT_PARAMETERS, Parameters
from politburo.model.world import SEAT_FULL, compile_world
from politburo.scenario import load_scenario
from politburo.simulation import simulate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("scenario")
    parser.add_argument("--runs", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--params", default=None)
    args = parser.parse_args()
    world = compile_world(load_scenario(args.scenario))
    params = Parameters.from_file(args.params) if args.params else DEFAULT_PARAMETERS
    batch = simulate(world, seed=args.seed, runs=args.runs, params=params, record_events=True)
    cols = batch.log.arrays()
    kind, run, actor = cols["kind"], cols["run"], cols["actor"]
    passed, failed = KIND_CODE["motion_passed"], KIND_CODE["motion_failed"]
    motions = np.isin(kind, [passed, failed])
    yes, no = cols["yes"][motions].astype(float), cols["no"][motions].astype(float)
    share = np.divide(yes, yes + no, out=np.ones_like(yes), where=(yes + no) > 0)
    crushed = (kind[motions] == failed) & (share < 0.25)
    recanted = kind == KIND_CODE["recanted"]
    back = 0
    for r in range(args.runs):
        who = set(actor[recanted & (run == r)].tolist())
        if any(batch.state.seat[r, j] == SEAT_FULL for j in who):
            back += 1
    print(json.dumps({
        "scenario": args.scenario, "runs": args.runs, "seed": args.seed,
        "motions": int(motions.sum()),
        "motions_per_run": round(float(motions.sum()) / args.runs, 2),
        "failed_under_a_quarter_share": round(float(crushed.mean()) if motions.any() else 0.0, 4),
        "runs_with_a_recanted_leader_in_a_full_seat_at_the_end": round(back / args.runs, 4),
    }, indent=1))  # fmt: skip


if __name__ == "__main__":
    main()
