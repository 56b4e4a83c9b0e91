"""Throughput of the batched engine, against a Mesa 3 reference, and memory at scale.

    python benchmarks/throughput.py [--quick] [--json]
        [--scenario ussr-1922] [--sizes 1,100,10000]
        [--mesa-runs 2000] [--memory-runs 1000000]

1. Runs per second of the batched engine at each batch size (one warm-up run first;
   scenario loading and compiling excluded; events not recorded, as in large experiments).
2. The Mesa 3 reference model (``benchmarks/mesa_reference``) against the engine on the
   same core subset of mechanisms: both throughputs, their ratio, and a chi-square test
   that the two give the same winner distribution.
3. Peak resident memory of ``politburo experiment`` streaming ``--memory-runs`` runs into
   a DuckDB store, measured on the child process (``getrusage(RUSAGE_CHILDREN)``).

``--quick`` uses batch sizes 1,100,1000, 200 Mesa runs and skips the memory part.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from politburo.simulation import simulate, world_of

ROOT = Path(__file__).resolve().parent.parent


def measure(scenario: str, size: int, seed: int = 0) -> float:
    """Runs per second for one batch of ``size`` runs."""
    world = world_of(scenario)
    simulate(world, seed=seed, runs=1, record_events=False)  # warm-up
    started = time.perf_counter()
    simulate(world, seed=seed, runs=size, record_events=False)
    return size / (time.perf_counter() - started)


def mesa_comparison(runs: int, seed: int = 0) -> dict[str, Any]:
    """Engine and Mesa reference on the core subset (see benchmarks/mesa_reference)."""
    sys.path.insert(0, str(ROOT))
    from benchmarks.mesa_reference import compare

    return compare(runs=runs, seed=seed)


def peak_rss_mib(scenario: str, runs: int, seed: int = 0) -> dict[str, Any]:
    """Peak RSS (MiB) and wall time of one ``politburo experiment`` child process."""
    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "memory.duckdb"
        command = [
            sys.executable, "-m", "politburo", "experiment", scenario,
            "--runs", str(runs), "--seed", str(seed), "--store", str(store), "--json",
        ]  # fmt: skip
        started = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        seconds = time.perf_counter() - started
    kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {"runs": runs, "mib": round(kib / 1024, 1), "seconds": round(seconds, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="ussr-1922")
    parser.add_argument("--sizes", default=None, help="comma-separated batch sizes")
    parser.add_argument("--mesa-runs", type=int, default=None, help="runs of each model")
    parser.add_argument("--memory-runs", type=int, default=1_000_000)
    parser.add_argument("--quick", action="store_true", help="small sizes, no memory part")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    sizes_text = args.sizes or ("1,100,1000" if args.quick else "1,100,10000")
    sizes = [int(x) for x in sizes_text.split(",") if x]
    mesa_runs = args.mesa_runs or (200 if args.quick else 2000)

    # Memory first: a child forked from a parent grown by the big batches would count the
    # parent's pages in its peak RSS before it execs.
    memory = None if args.quick else peak_rss_mib(args.scenario, args.memory_runs)
    rates = {str(size): round(measure(args.scenario, size), 2) for size in sizes}
    mesa = mesa_comparison(mesa_runs)
    result: dict[str, Any] = {
        "scenario": args.scenario,
        "engine_runs_per_s": rates,
        "mesa_runs_per_s": mesa["mesa_runs_per_s"],
        "engine_core_runs_per_s": mesa["engine_runs_per_s"],
        "ratio_vs_mesa": mesa["ratio_vs_mesa"],
        "same_distribution_p": mesa["same_distribution_p"],
        "mesa_runs": mesa_runs,
        "winners_core_subset": mesa["winners"],
        "peak_rss_mib_1m_runs": (memory["mib"] if memory and memory["runs"] == 1_000_000 else None),
        "memory": memory,
    }
    if args.json:
        print(json.dumps(result))
        return
    print(
        f"{args.scenario} on {platform.processor() or platform.machine()}, "
        f"Python {platform.python_version()}"
    )
    print(f"{'batch size':>10}  {'runs/s':>10}")
    for size, rate in rates.items():
        print(f"{size:>10}  {rate:>10.1f}")
    print(f"\ncore subset, {mesa_runs} runs each:")
    print(f"  engine {mesa['engine_runs_per_s']:.1f} runs/s, Mesa {mesa['mesa_runs_per_s']:.2f}")
    print(f"  ratio {mesa['ratio_vs_mesa']:.1f}x")
    print(f"  same winner distribution: chi-square p = {mesa['same_distribution_p']}")
    print(f"  winners {mesa['winners']}")
    if memory:
        print(
            f"\npeak RSS of a {memory['runs']:,}-run experiment: {memory['mib']} MiB "
            f"({memory['seconds']} s)"
        )


if __name__ == "__main__":
    main()
