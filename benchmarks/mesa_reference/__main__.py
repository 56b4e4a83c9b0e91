"""Compare the engine (core mechanisms only) with the Mesa reference model.

python -m benchmarks.mesa_reference [--runs 200] [--seed 0] [--json]
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
        f"ussr-1922, {runs} runs each, engine with --ablate {','.join(CORE_ABLATE)}; "
        f"Python {platform.python_version()}"
    )
    print(f"  engine runs/s        {result['engine_runs_per_s']:10.1f}")
    print(f"  mesa runs/s          {result['mesa_runs_per_s']:10.1f}")
    print(f"  ratio (engine/mesa)  {result['ratio_vs_mesa']:10.1f}")
    print(f"  winners p (chi2)     {result['same_distribution_p']:10.3f}")
    for side in ("engine", "mesa"):
        print(f"  winners {side:6s}       {result['winners'][side]}")
    print(f"  consolidation p      {result['consolidation_p']:10.3f}")
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
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    started = time.perf_counter()
    result = compare_in_detail(args.runs, args.seed)
    seconds = time.perf_counter() - started
    if args.json:
        print(json.dumps({**result, "runs": args.runs, "wall_s": round(seconds, 1)}))
        return
    _print(result, args.runs, seconds)


if __name__ == "__main__":
    main()
