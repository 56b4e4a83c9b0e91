"""Throughput of the compiled engine, against a Mesa 3 reference, memory, odds and web.

    python benchmarks/throughput.py [--quick] [--json] [--skip-memory] [--skip-web]
        [--scenario ussr-1922] [--sizes 1,100,10000] [--threads 1,2]
        [--mesa-runs 2000] [--rounds 3] [--memory-runs 1000000]
        [--memory-sizes 20000,200000,1000000] [--memory-only]
        [--web-games 50] [--web-months 24] [--lookahead-months 6]
        [--min-seconds 2] [--odds-runs 1000] [--skip-startup]

Everything is measured in this one process (or in children it starts and waits for),
one part after the other; progress goes to stderr, the figures to stdout (``--json``:
one JSON object).

0. Start-up (``startup``): a fresh child process imports the engine and simulates one
   run with ``NUMBA_CACHE_DIR`` pointing at an empty directory (``compile_seconds_cold``:
   the child's wall time, compiling included), then a second fresh child with the cache
   that the first one left (``startup_seconds_cached``).
1. Engine throughput (``engine``): runs per second of the full scenario (events not
   recorded) at each batch size of ``--sizes``, on each thread count of ``--threads``,
   in wall time (``time.perf_counter``) and in CPU time (``time.process_time``; on 2
   threads it adds up both cores). A warm-up call per thread count comes first and is
   excluded; a batch is repeated until it has taken at least ``--min-seconds``.
2. Mesa comparison (``mesa_comparison``): the Mesa 3 reference model
   (``benchmarks/mesa_reference``) and the engine on the same core subset of mechanisms
   and the same run indices, interleaved in ``--rounds`` rounds (engine on each thread
   count, then Mesa, then the next round), each batch timed in CPU and wall time. The
   CPU-time ratio engine/Mesa uses the engine on 1 thread (per core); the wall ratio
   the engine on the most threads. The consolidation months of the two models are
   compared by a chi-square test of homogeneity (adjacent months binned, "never" a
   category) and a two-sample Kolmogorov-Smirnov test, with the sample sizes.
3. Memory (``memory``): peak resident memory and wall time of ``politburo experiment``
   streaming ``--memory-runs`` runs into a DuckDB store, measured on the child process
   alone (``os.wait4``), and the same at a tenth of the runs (or at each run count of
   ``--memory-sizes``): if memory does not grow with the runs, the peaks are about equal.
   A child first warms the default kernel cache, so no measured child compiles.
4. Odds (``odds``): seconds for ``politburo.web.odds.ai_only_odds``, the 1,000 AI-only
   runs behind the browser game's end screen (kernel already compiled).
5. Web (``web``): p95 latency of "next month" with ``--web-games`` games played at once
   (``benchmarks/load.py``, think time ~2 s), with the heuristic AI for
   ``--web-months`` months each and with the look-ahead AI for ``--lookahead-months``
   (fewer: a look-ahead month costs far more, and the server simulates one month at a
   time; the JSON says so in ``web.note``).

``--quick``: batch sizes 1,100,1000, batches repeated to 0.5 s, 200 Mesa runs, no memory
part, 6 heuristic and 3 look-ahead months per game. ``--skip-memory``, ``--skip-web`` and
``--skip-startup`` leave those parts out; ``--memory-only`` runs the memory part alone.
A part that fails is reported under ``failures`` (the others still run) and the exit
status is 1.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from politburo.simulation import simulate, world_of  # noqa: E402

STARTED = time.perf_counter()


def say(message: str) -> None:
    """A progress line on stderr."""
    print(f"[{time.perf_counter() - STARTED:7.1f} s] {message}", file=sys.stderr, flush=True)


def _child(code: str, env: dict[str, str]) -> tuple[float, dict[str, Any]]:
    """Wall seconds of a fresh ``python -c code`` and the JSON object it printed last."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"child failed ({done.returncode}): {done.stderr[-2000:]}")
    return seconds, json.loads(done.stdout.strip().splitlines()[-1])


STARTUP_CODE = """
import json, time
t0 = time.perf_counter()
from politburo.simulation import simulate, world_of
world = world_of({scenario!r})
t1 = time.perf_counter()
simulate(world, runs=1, record_events=False)
t2 = time.perf_counter()
print(json.dumps({{"import_and_load_s": t1 - t0, "first_simulate_s": t2 - t1}}))
"""


def startup(scenario: str) -> dict[str, Any]:
    """First-call times of fresh processes: an empty kernel cache, then a warm one."""
    code = STARTUP_CODE.format(scenario=scenario)
    with tempfile.TemporaryDirectory(prefix="numba-cache-") as cache:
        env = {**os.environ, "NUMBA_CACHE_DIR": cache}
        say("start-up: fresh process, empty NUMBA_CACHE_DIR (compiles the kernel)")
        cold, cold_inner = _child(code, env)
        files = sum(1 for p in Path(cache).rglob("*") if p.suffix in (".nbi", ".nbc"))
        say(f"start-up: {cold:.1f} s cold; fresh process with the cache it left")
        cached, cached_inner = _child(code, env)
    return {
        "compile_seconds_cold": round(cold, 2),
        "startup_seconds_cached": round(cached, 2),
        "cold": {k: round(v, 2) for k, v in cold_inner.items()},
        "cached": {k: round(v, 2) for k, v in cached_inner.items()},
        "cache_files_written": files,
        "what": "wall seconds of a fresh `python -c` that imports politburo.simulation, "
        "loads the scenario and simulates 1 run (cold: empty NUMBA_CACHE_DIR; cached: the "
        "same directory afterwards); cold/cached split that into import+load and the "
        "first simulate call",
    }


def _timed(call: Callable[[], object]) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    call()
    return time.perf_counter() - wall, time.process_time() - cpu


def engine_rates(
    scenario: str, sizes: list[int], threads: list[int], min_seconds: float
) -> dict[str, Any]:
    """Runs per wall and CPU second at each batch size and thread count."""
    world = world_of(scenario)
    for t in threads:
        say(f"engine: warm-up on {t} thread(s)")
        simulate(world, runs=t, record_events=False, threads=t)
    table: dict[str, dict[str, Any]] = {}
    for size in sizes:
        row: dict[str, Any] = {}
        for t in threads:
            gc.collect()
            calls, wall, cpu = 0, 0.0, 0.0
            while calls == 0 or (wall < min_seconds and calls < 10_000):
                w, c = _timed(
                    lambda size=size, t=t: simulate(
                        world, runs=size, record_events=False, threads=t
                    )
                )
                calls, wall, cpu = calls + 1, wall + w, cpu + c
            runs = calls * size
            row[f"threads_{t}"] = {
                "calls": calls,
                "wall_s": round(wall, 3),
                "cpu_s": round(cpu, 3),
                "runs_per_wall_s": round(runs / max(wall, 1e-9), 1),
                "runs_per_cpu_s": round(runs / max(cpu, 1e-9), 1),
            }
            say(
                f"engine: batch {size:>6} on {t} thread(s): "
                f"{row[f'threads_{t}']['runs_per_wall_s']} runs/s wall, "
                f"{row[f'threads_{t}']['runs_per_cpu_s']} runs/CPU-s ({calls} call(s))"
            )
        table[str(size)] = row
    return {
        "scenario": scenario,
        "record_events": False,
        "threads": threads,
        "min_seconds": min_seconds,
        "batch_sizes": table,
    }


def mesa_comparison(runs: int, rounds: int, threads: list[int]) -> dict[str, Any]:
    """Engine and Mesa reference on the core subset, interleaved
    (:func:`benchmarks.mesa_reference.compare`)."""
    from benchmarks.mesa_reference import compare

    return compare(
        runs=runs,
        seed=0,
        rounds=rounds,
        threads=(min(threads), max(threads)),
        progress=lambda line: say(f"mesa comparison: {line}"),
    )


def peak_rss(scenario: str, runs: int, seed: int = 0) -> dict[str, Any]:
    """Peak RSS (MiB) and wall time of one ``politburo experiment`` child, alone."""
    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "memory.duckdb"
        command = [
            sys.executable, "-m", "politburo", "experiment", scenario,
            "--runs", str(runs), "--seed", str(seed), "--store", str(store), "--json",
        ]  # fmt: skip
        say(f"memory: politburo experiment --runs {runs:,}")
        started = time.perf_counter()
        child = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        store_mib = store.stat().st_size / 2**20 if store.exists() else None
    if child.returncode != 0:
        raise RuntimeError(f"politburo experiment --runs {runs} exited {child.returncode}")
    result = {
        "runs": runs,
        "peak_rss_mib": round(usage.ru_maxrss / 1024, 1),
        "seconds": round(seconds, 1),
        "runs_per_s": round(runs / max(seconds, 1e-9), 1),
        "store_mib": None if store_mib is None else round(store_mib, 1),
    }
    say(f"memory: {result}")
    return result


def memory(scenario: str, sizes: list[int]) -> dict[str, Any]:
    """Peak RSS at each run count of ``sizes`` (small and large: the first and last)."""
    # compile into (or check) the default kernel cache first, so no measured child compiles
    say("memory: warming the default kernel cache in a child process")
    warm, _ = _child(STARTUP_CODE.format(scenario=scenario), dict(os.environ))
    measured = [peak_rss(scenario, runs) for runs in sizes]
    small, large = measured[0], measured[-1]
    return {
        "what": "peak RSS of one `politburo experiment --store X.duckdb` child (os.wait4 "
        "rusage of that child alone), after a child that warmed the default kernel cache",
        "sizes": measured,
        "small": small,
        "large": large,
        "cache_warm_up_seconds": round(warm, 1),
        "rss_ratio_large_over_small": round(
            large["peak_rss_mib"] / max(small["peak_rss_mib"], 1e-9), 2
        ),
    }


def odds(scenario: str, runs: int = 1000) -> dict[str, Any]:
    """Seconds for the end screen's AI-only odds (``politburo.web.odds``)."""
    from politburo.kernel.run import default_threads
    from politburo.web.odds import CHUNK, ai_only_odds
    from politburo.web.play import world_for

    world_for(scenario)  # load outside the timing, as the server has it loaded
    say(f"odds: ai_only_odds({scenario!r}, {runs})")
    wall, cpu = time.perf_counter(), time.process_time()
    result = ai_only_odds(scenario, runs, 0)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return {
        "runs": runs,
        "seconds": round(wall, 2),
        "cpu_seconds": round(cpu, 2),
        "chunk": CHUNK,
        "threads": default_threads(),
        "winners": {str(w.leader): w.count for w in result.winners},
    }


def web(scenario: str, games: int, months: int, lookahead_months: int) -> dict[str, Any]:
    """p95 of "next month" at ``games`` concurrent games, heuristic and look-ahead AI."""
    from benchmarks.load import load_test

    result: dict[str, Any] = {}
    for difficulty, n in (("heuristic", months), ("lookahead", lookahead_months)):
        say(f"web: {games} games x {n} months, {difficulty} AI (benchmarks/load.py)")
        started = time.perf_counter()
        # the server's capacity, not its limits (50 look-ahead players clicking every
        # 2 s ask for more than the AI budget's share: benchmarks/load.py --compare)
        run = load_test(
            games=games, months=n, scenario=scenario, difficulty=difficulty, limits=False
        )
        say(f"web: {difficulty}: {run['next_month']} in {time.perf_counter() - started:.0f} s")
        result[difficulty] = {
            "next_month_p95_ms": run["next_month"]["p95_ms"],
            "games": games,
            "months_each": n,
            **{k: run[k] for k in ("think_seconds", "next_month", "months_played")},
            **{k: run[k] for k in ("months_per_second", "wall_seconds", "errors")},
            **{k: run[k] for k in ("lost_saves", "error_samples")},
        }
    if lookahead_months < months:
        result["note"] = (
            f"the look-ahead AI was played for {lookahead_months} months per game instead "
            f"of {months}: its months cost far more than the heuristic's and the server "
            f"simulates one month at a time, so {games} games x {months} months would take "
            "too long"
        )
    return result


def _ints(text: str) -> list[int]:
    return [int(x) for x in text.split(",") if x.strip()]


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--scenario", default="ussr-1922")
    parser.add_argument("--sizes", default=None, help="comma-separated batch sizes")
    parser.add_argument("--threads", default="1,2", help="comma-separated thread counts")
    parser.add_argument("--min-seconds", type=float, default=None, help="per measured batch")
    parser.add_argument("--mesa-runs", type=int, default=None, help="runs of each model")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved Mesa rounds")
    parser.add_argument("--memory-runs", type=int, default=1_000_000)
    parser.add_argument(
        "--memory-sizes",
        default=None,
        help="comma-separated run counts (default: a tenth of --memory-runs, then --memory-runs)",
    )
    parser.add_argument("--memory-only", action="store_true", help="only the memory part")
    parser.add_argument("--odds-runs", type=int, default=1000)
    parser.add_argument("--web-games", type=int, default=50)
    parser.add_argument("--web-months", type=int, default=None, help="heuristic AI")
    parser.add_argument("--lookahead-months", type=int, default=None, help="look-ahead AI")
    parser.add_argument("--quick", action="store_true", help="small sizes, no memory part")
    parser.add_argument("--skip-memory", action="store_true")
    parser.add_argument("--skip-web", action="store_true")
    parser.add_argument("--skip-startup", action="store_true", help="no compile-time children")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    q = args.quick
    sizes = _ints(args.sizes or ("1,100,1000" if q else "1,100,10000"))
    threads = _ints(args.threads)
    min_seconds = args.min_seconds if args.min_seconds is not None else (0.5 if q else 2.0)
    mesa_runs = args.mesa_runs or (200 if q else 2000)
    web_months = args.web_months or (6 if q else 24)
    lookahead_months = args.lookahead_months or (3 if q else 6)

    import numba

    result: dict[str, Any] = {
        "scenario": args.scenario,
        "quick": q,
        "machine": {
            "cpus": os.cpu_count(),
            "processor": platform.processor() or platform.machine(),
            "python": platform.python_version(),
            "numba": numba.__version__,
            # other processes on the machine skew wall times (and 2-thread figures)
            "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        },
    }
    failures: dict[str, str] = {}

    def part(name: str, skip: bool, work: Callable[[], Any]) -> None:
        if skip:
            result[name] = None
            return
        try:
            result[name] = work()
        except Exception as error:  # report the rest even if one part fails
            say(f"{name} FAILED: {error!r}")
            result[name] = None
            failures[name] = repr(error)[:2000]

    # Children first (start-up, memory), before this process grows: a child forked from
    # a large parent can count the parent's pages in its peak RSS before it execs.
    memory_sizes = _ints(
        args.memory_sizes or f"{max(args.memory_runs // 10, 1)},{args.memory_runs}"
    )
    only = args.memory_only
    part("startup", args.skip_startup or only, lambda: startup(args.scenario))
    part(
        "memory", (q or args.skip_memory) and not only, lambda: memory(args.scenario, memory_sizes)
    )
    part("engine", only, lambda: engine_rates(args.scenario, sizes, threads, min_seconds))
    part("mesa_comparison", only, lambda: mesa_comparison(mesa_runs, args.rounds, threads))
    part("odds", only, lambda: odds(args.scenario, args.odds_runs))
    part(
        "web",
        args.skip_web or only,
        lambda: web(args.scenario, args.web_games, web_months, lookahead_months),
    )
    result["failures"] = failures
    result["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    result["wall_seconds"] = round(time.perf_counter() - STARTED, 1)
    say("done")
    if args.json:
        print(json.dumps(result))
    else:
        print_report(result)
    sys.exit(1 if failures else 0)


def print_report(result: dict[str, Any]) -> None:
    m = result["machine"]
    print(
        f"{result['scenario']} on {m['processor']} ({m['cpus']} CPUs), Python {m['python']}, "
        f"Numba {m['numba']}"
    )
    s = result.get("startup")
    if s:
        print(
            f"\nfirst call in a fresh process: {s['compile_seconds_cold']} s with an empty "
            f"kernel cache, {s['startup_seconds_cached']} s with a warm one"
        )
    e = result.get("engine")
    if e:
        print(f"\n{'batch':>7} {'threads':>7} {'runs/s wall':>12} {'runs/CPU-s':>11}")
        for size, row in e["batch_sizes"].items():
            for key, cell in row.items():
                t = key.split("_")[1]
                print(
                    f"{size:>7} {t:>7} {cell['runs_per_wall_s']:>12.1f} "
                    f"{cell['runs_per_cpu_s']:>11.1f}"
                )
    c = result.get("mesa_comparison")
    if c:
        print(
            f"\ncore subset, {c['runs']} runs each, {c['rounds']} rounds, Mesa {c['mesa_version']}:"
        )
        for key, side in [*c["engine"].items(), ("mesa", c["mesa"])]:
            print(
                f"  {key:10s} {side['runs_per_wall_s']:10.1f} runs/s wall "
                f"{side['runs_per_cpu_s']:10.1f} runs/CPU-s"
            )
        print(
            f"  CPU ratio engine/Mesa {c['cpu_ratio_engine_over_mesa']}x "
            f"(per round {c['rounds_cpu_ratio']}), wall ratio on "
            f"{c['wall_ratio_threads']} threads {c['wall_ratio_engine_over_mesa']}x"
        )
        t = c["consolidation_months"]
        print(
            f"  consolidation months: chi-square p = {t['chi2_p']:.3f}, KS p = {t['ks_p']:.3f} "
            f"(n = {t['n_engine']} and {t['n_mesa']})"
        )
    mem = result.get("memory")
    if mem:
        for r in mem["sizes"]:
            print(
                f"\npeak RSS of a {r['runs']:,}-run experiment: {r['peak_rss_mib']} MiB "
                f"({r['seconds']} s)"
            )
    o = result.get("odds")
    if o:
        print(f"\nend-screen odds, {o['runs']} AI-only runs: {o['seconds']} s")
    w = result.get("web")
    if w:
        for difficulty in ("heuristic", "lookahead"):
            r = w[difficulty]
            print(
                f"\nweb, {r['games']} games x {r['months_each']} months, {difficulty} AI: "
                f"next month p95 {r['next_month_p95_ms']} ms"
            )
    if result["failures"]:
        print("\nFAILED:", result["failures"])
    print(f"\nwall time {result['wall_seconds']} s")


if __name__ == "__main__":
    main()
