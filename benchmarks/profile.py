"""Where a batch's time goes: seconds in the decision policy and in each verb's resolution.

python benchmarks/profile.py [--scenario ussr-1922] [--runs 1000] [--json]
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

from politburo.agents.heuristic import decide
from politburo.model import step as step_module
from politburo.model.actions import Plan
from politburo.model.context import Context
from politburo.simulation import simulate, world_of


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="ussr-1922")
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    spent: Counter[str] = Counter()

    def timed(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*a: Any, **k: Any) -> Any:
            started = time.perf_counter()
            try:
                return function(*a, **k)
            finally:
                spent[name] += time.perf_counter() - started

        return wrapper

    for verb, resolver in list(step_module.RESOLVERS.items()):
        step_module.RESOLVERS[verb] = timed(f"resolve {verb.name.lower()}", resolver)
    step_module.legal_targets = timed("legality masks", step_module.legal_targets)

    def policy(ctx: Context) -> Plan:
        return timed("decide (heuristic)", decide)(ctx)

    world = world_of(args.scenario)
    started = time.perf_counter()
    simulate(world, seed=0, runs=args.runs, record_events=False, policy=policy)
    total = time.perf_counter() - started
    rows = {name: round(seconds, 2) for name, seconds in spent.most_common()}
    if args.json:
        print(
            json.dumps(
                {
                    "scenario": args.scenario,
                    "runs": args.runs,
                    "total_s": round(total, 2),
                    "seconds": rows,
                }
            )
        )
        return
    print(f"{args.scenario}, {args.runs} runs in one batch: {total:.1f} s")
    for name, seconds in rows.items():
        print(f"  {name:32s} {seconds:7.2f} s  {seconds / total:6.1%}")


if __name__ == "__main__":
    main()
