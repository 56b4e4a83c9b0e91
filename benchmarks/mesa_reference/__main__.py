"""Compare the engine (core mechanisms only) with the Mesa reference model.

python -m benchmarks.mesa_reference [--runs 200] [--seed 0] [--rounds 3] [--json]
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from typing import Any

from benchmarks.mesa_reference import CORE_ABLATE, compare_in_detail


def _print(result: dict[str, Any], runs: int, seconds: float) -> None:
    print(
        f"ussr-1922, {runs} runs each in {result['rounds']} interleaved rounds, engine with "
        f"--ablate {','.join(CORE_ABLATE)}; Mesa {result['mesa_version']}, "
        f"Python {platform.python_version()}"
    )
    print("                     runs/s (wall)  runs/s (CPU)")
    for key, side in [*result["engine"].items(), ("mesa", result["mesa"])]:
        name = f"engine, {key.split('_')[1]} thr" if key != "mesa" else "mesa"
        print(f"  {name:18s} {side['runs_per_wall_s']:12.1f} {side['runs_per_cpu_s']:13.1f}")
    print(
        f"  CPU ratio (engine on {result['cpu_ratio_threads']} thread / Mesa) "
        f"{result['cpu_ratio_engine_over_mesa']:.1f}  per round {result['rounds_cpu_ratio']}"
    )
    print(
        f"  wall ratio (engine on {result['wall_ratio_threads']} threads / Mesa) "
        f"{result['wall_ratio_engine_over_mesa']:.1f}"
    )
    months = result["consolidation_months"]
    print(
        f"  consolidation months: chi-square p {months['chi2_p']:.3f}, KS p {months['ks_p']:.3f} "
        f"(n = {months['n_engine']} / {months['n_mesa']}, never {months['never']})"
    )
    for side in ("engine", "mesa"):
        print(f"  winners {side:6s}       {result['winners'][side]}")
    print(f"  winners: chi-square p {result['winners_chi2_p']:.3f}")
    for side in ("engine", "mesa"):
        print(f"  consolidation {side:6s} {result['details'][side]['consolidation']}")
    print("  fates (share of runs)   lost office / seat / expelled / exiled / submitted")
    for name in result["details"]["engine"]["fates"]:
        for side in ("engine", "mesa"):
            f = result["details"][side]["fates"][name]
            print(
                f"    {name:10s} {side:6s}   {f['lost_office']:.2f} / "
                f"{f['lost_politburo_seat']:.2f} / {f['expelled']:.2f} / {f['exiled']:.2f} / "
                f"{f['submitted']:.2f}   first office lost: {f['first_office_lost']}"
            )
    print(f"  wall time {seconds:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    started = time.perf_counter()
    result = compare_in_detail(args.runs, args.seed, args.rounds)
    seconds = time.perf_counter() - started
    if args.json:
        print(json.dumps({**result, "runs": args.runs, "wall_s": round(seconds, 1)}))
        return
    _print(result, args.runs, seconds)


if __name__ == "__main__":
    main()
