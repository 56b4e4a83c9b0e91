"""Fidelity probe: what a batch of runs does with the party's machinery.

Prints (or with ``--json`` writes) the figures the model-fidelity targets are stated in:
who consolidates and when, how leadership seats and offices change hands (at plenums,
by motions, by death), how many motions fail with under a quarter of the votes, which
coalitions of bloc leaders form, how many leaders who recanted sit in the leadership at
the end, and who ends as the winner's client (a peer — one who began with at least his
prestige — among them is the anachronism of a rival turned client). Nothing here names
a scenario or a leader: coalitions are reported by the ids the scenario gives them.

    python benchmarks/fidelity.py ussr-1922 --runs 2000 --seed 0 [--json out.json]
"""

from __future__ import annotations

import argparse
import collections
import json
import time
from typing import Any

import numpy as np

from politburo.model.events import KIND_CODE
from politburo.simulation import simulate, world_of


def measure(scenario: str, runs: int, seed: int) -> dict[str, Any]:
    world = world_of(scenario)
    started = time.process_time()
    batch = simulate(world, seed=seed, runs=runs, record_events=True)
    cpu = time.process_time() - started
    cols = batch.log.arrays()
    kind, run, turn = cols["kind"], cols["run"], cols["turn"]
    actor, target, obj = cols["actor"], cols["target"], cols["obj"]
    ids = world.leader_ids
    state = batch.state
    out: dict[str, Any] = {"scenario": scenario, "runs": runs, "seed": seed, "cpu_s": cpu}

    winners = collections.Counter(ids[w] if w >= 0 else "none" for w in state.winner.tolist())
    out["winner_share"] = {k: v / runs for k, v in winners.most_common()}
    months = state.consolidated[state.consolidated >= 0]
    out["median_consolidation"] = world.month_label(int(np.median(months))) if months.size else None

    def of(name: str) -> np.ndarray:
        return kind == KIND_CODE[name]

    plenum_keys = {
        (int(a), int(b)) for a, b in zip(run[of("plenum")], turn[of("plenum")], strict=True)
    }
    lost = of("seat_lost")
    at_plenum = sum(
        (int(a), int(b)) in plenum_keys for a, b in zip(run[lost], turn[lost], strict=True)
    )
    out["seat_losses_per_run"] = int(lost.sum()) / runs
    out["seat_losses_at_plenums_share"] = at_plenum / max(int(lost.sum()), 1)
    out["demotions_per_run"] = int(of("seat_demoted").sum()) / runs
    held_back = of("restrained")
    out["restraints_per_run"] = {
        "slate": int((held_back & (obj == 0)).sum()) / runs,
        "motion": int((held_back & (obj == 1)).sum()) / runs,
    }
    out["runs_with_restraint"] = len(set(run[held_back].tolist())) / runs
    off = of("office_lost")
    died = {
        (int(a), int(b), int(c))
        for a, b, c in zip(run[of("died")], turn[of("died")], actor[of("died")], strict=True)
    }
    causes = collections.Counter()
    motion = {
        (int(a), int(b), int(c))
        for a, b, c in zip(
            run[of("motion_passed")],
            turn[of("motion_passed")],
            target[of("motion_passed")],
            strict=True,
        )
    }
    for a, b, c in zip(run[off], turn[off], actor[off], strict=True):
        key = (int(a), int(b), int(c))
        if key in died:
            causes["death"] += 1
        elif key in motion:
            causes["motion"] += 1
        elif (int(a), int(b)) in plenum_keys:
            causes["plenum"] += 1
        else:
            causes["other"] += 1
    out["office_losses_per_run"] = {k: v / runs for k, v in causes.items()}

    motions = of("motion_passed") | of("motion_failed")
    yes, no = cols["yes"][motions], cols["no"][motions]
    failed = of("motion_failed")[motions]
    weak = failed & (yes < 0.25 * np.maximum(yes + no, 1))
    out["secretary_defections_per_run"] = int(of("secretary_defected").sum()) / runs
    out["motions_per_run"] = int(motions.sum()) / runs
    out["motions_failed_share"] = float(failed.mean()) if motions.any() else 0.0
    out["motions_failed_under_quarter_share"] = float(weak.mean()) if motions.any() else 0.0

    # Coalitions: the sets of bloc leaders allied at once, per run (any month).
    formed = of("alliance_formed")
    pairs = collections.Counter()
    for a, b in zip(actor[formed], target[formed], strict=True):
        pairs[tuple(sorted((ids[a], ids[b])))] += 1
    out["alliances_per_run"] = int(formed.sum()) / runs
    out["alliance_pairs_per_run"] = {f"{a}+{b}": v / runs for (a, b), v in pairs.most_common(12)}
    recanted = of("recanted")
    rec_runs = collections.defaultdict(set)
    for a, b in zip(run[recanted], actor[recanted], strict=True):
        rec_runs[int(a)].add(int(b))
    back = 0
    for position in range(runs):
        for leader in rec_runs.get(int(state.runs[position]), ()):
            if state.seat[position, leader] != 0 and state.alive[position, leader]:
                back += 1
                break
    out["recanters_per_run"] = int(recanted.sum()) / runs
    out["runs_with_recanted_in_leadership_at_end"] = back / runs

    # Peers as clients: who ends as the winner's client (share of the runs with a
    # winner), and in how many of those runs one of them began with at least the
    # winner's prestige (patron-client ties bind unequals; a peer is an ally).
    start = world.prestige0
    as_client: collections.Counter[str] = collections.Counter()
    with_peer = won = 0
    for position in range(runs):
        ruler = int(state.winner[position])
        if ruler < 0:
            continue
        won += 1
        clients = [
            i
            for i in range(len(ids))
            if i != ruler and state.patron[position, i] == ruler and state.alive[position, i]
        ]
        as_client.update(ids[i] for i in clients)
        with_peer += any(start[i] >= start[ruler] for i in clients)
    out["winner_clients_at_end"] = {k: v / max(won, 1) for k, v in as_client.most_common()}
    out["winner_runs_with_a_peer_client"] = with_peer / max(won, 1)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario")
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", default=None, help="write the figures to this file")
    args = parser.parse_args()
    figures = measure(args.scenario, args.runs, args.seed)
    text = json.dumps(figures, indent=2)
    if args.json:
        with open(args.json, "w") as handle:
            handle.write(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
