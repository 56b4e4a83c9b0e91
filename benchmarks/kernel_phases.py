"""Where the compiled month spends its time: microseconds per run-month of each phase.

    python benchmarks/kernel_phases.py [--scenario ussr-1922] [--runs 200]
        [--months 10,40,80] [--calendar-runs 500] [--json]

Runs are advanced by the engine to each month, then each phase is timed over all runs
in CPU time (one thread): the heuristic's decisions (with the refresh before them),
resolving the actions, drift with the power measurement and the consolidation check,
and the whole month. Phases are timed on the same state in turn, so later phases see a
state the earlier ones moved: the figures are costs, not a replay.

The whole calendar (``calendar``): ``--calendar-runs`` runs advanced by the engine from
the start to the end of the calendar on one thread (congress months and all), in CPU
time: microseconds per run-month and runs per second (0 runs: left out).
"""

from __future__ import annotations

import argparse
import json
import time
from typing import Any

import numpy as np
from numba import njit

from politburo.kernel import decide, derive, month
from politburo.kernel.bind import bind
from politburo.kernel.run import advance, start
from politburo.mechanisms import enabled_mechanisms
from politburo.model.params import DEFAULT_PARAMETERS
from politburo.model.state import initial_state
from politburo.simulation import world_of


@njit
def _decide(k, t, verb, target):  # type: ignore[no-untyped-def]
    for r in range(k.s.alive.shape[0]):
        derive.refresh(k, r, t)
        decide.decide(k, r, t, verb, target)


@njit
def _resolve(k, t, verb, target):  # type: ignore[no-untyped-def]
    for r in range(k.s.alive.shape[0]):
        month.resolve_actions(k, r, t, verb, target)


@njit
def _tail(k, t):  # type: ignore[no-untyped-def]
    for r in range(k.s.alive.shape[0]):
        month.drift(k, r, t)
        month.measure_power(k, r, t)
        month.check_consolidation(k, r, t)


@njit
def _month(k, t, verb, target, none, played):  # type: ignore[no-untyped-def]
    for r in range(k.s.alive.shape[0]):
        month.step(k, r, t, verb, target, none, none, played)


def phases(scenario: str, runs: int, at: int) -> dict[str, float]:
    world = world_of(scenario)
    params = DEFAULT_PARAMETERS
    on = enabled_mechanisms(())
    state = initial_state(world, 5, runs)
    k = bind(world, params, on, state)
    power = np.zeros((at, runs, world.n_leaders), dtype=np.float32)
    advance(k, 0, at, power, 1, budget=params.actions_per_month)
    state.turn = at
    L, K = world.n_leaders, params.actions_per_month
    verb = np.zeros((runs, L, K), dtype=np.int64)
    target = np.full((runs, L, K), -1, dtype=np.int64)
    none = np.zeros((runs, L, 0), dtype=np.int64)
    played = np.zeros(L, dtype=np.bool_)
    out = {}
    for name, call in (
        ("decide", lambda: _decide(k, at, verb, target)),
        ("resolve", lambda: _resolve(k, at, verb, target)),
        ("drift_and_power", lambda: _tail(k, at)),
        ("whole_month", lambda: _month(k, at, verb, target, none, played)),
    ):
        started = time.process_time()
        call()
        out[name] = round((time.process_time() - started) / runs * 1e6, 1)
    return out


def calendar(scenario: str, runs: int) -> dict[str, float]:
    """CPU time of whole runs on one thread: microseconds per run-month and runs per second."""
    world = world_of(scenario)
    params = DEFAULT_PARAMETERS
    state = initial_state(world, 5, runs)
    k = bind(world, params, enabled_mechanisms(()), state)
    power = np.zeros((world.months, runs, world.n_leaders), dtype=np.float32)
    started = time.process_time()
    start(k, 0)
    advance(k, 0, world.months, power, 1, budget=params.actions_per_month)
    seconds = time.process_time() - started
    return {
        "run_month": round(seconds / (runs * world.months) * 1e6, 1),
        "runs_per_second": round(runs / seconds),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="ussr-1922")
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--months", default="10,40,80")
    parser.add_argument("--calendar-runs", type=int, default=500)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    months = [int(m) for m in args.months.split(",") if m]
    phases(args.scenario, 4, 1)  # compile the drivers
    result: dict[str, Any] = {
        "scenario": args.scenario,
        "runs": args.runs,
        "unit": "CPU microseconds per run-month, one thread",
        "months": {str(m): phases(args.scenario, args.runs, m) for m in months},
    }
    if args.calendar_runs > 0:
        result["calendar"] = calendar(args.scenario, args.calendar_runs)
    if args.json:
        print(json.dumps(result))
        return
    for m, row in result["months"].items():
        print(f"month {m:>3}: " + ", ".join(f"{name} {value} us" for name, value in row.items()))
    if "calendar" in result:
        row = result["calendar"]
        print(f"calendar: {row['run_month']} us per run-month, {row['runs_per_second']} runs/s")


if __name__ == "__main__":
    main()
