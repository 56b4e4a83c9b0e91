"""Runs per second of the batched engine at several batch sizes.

    python benchmarks/throughput.py [--scenario ussr-1922] [--sizes 1,100,1000] [--json]

Each size is simulated once after a warm-up of one run (scenario loading and compiling
are excluded); events are not recorded, as in large experiments.
"""

from __future__ import annotations

import argparse
import json
import platform
import time

from politburo.simulation import simulate, world_of


def measure(scenario: str, size: int, seed: int = 0) -> float:
    """Runs per second for one batch of ``size`` runs."""
    world = world_of(scenario)
    simulate(world, seed=seed, runs=1, record_events=False)  # warm-up
    started = time.perf_counter()
    simulate(world, seed=seed, runs=size, record_events=False)
    return size / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="ussr-1922")
    parser.add_argument("--sizes", default="1,100,1000", help="comma-separated batch sizes")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    sizes = [int(x) for x in args.sizes.split(",") if x]
    rates = {str(size): round(measure(args.scenario, size), 2) for size in sizes}
    if args.json:
        print(json.dumps({"scenario": args.scenario, "engine_runs_per_s": rates}))
        return
    print(
        f"{args.scenario} on {platform.processor() or platform.machine()}, "
        f"Python {platform.python_version()}"
    )
    print(f"{'batch size':>10}  {'runs/s':>10}")
    for size, rate in rates.items():
        print(f"{size:>10}  {rate:>10.1f}")


if __name__ == "__main__":
    main()
