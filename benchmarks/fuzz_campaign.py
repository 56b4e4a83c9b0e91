"""A fuzz campaign over the scenario format and the command line, with its figures.

    python benchmarks/fuzz_campaign.py [--scenario-cases 1000] [--cli-cases 300]
                                       [--seed 11] [--timeout 900] [--json]

Runs the suite's two Hypothesis fuzzers with more cases and another seed than CI does,
each in its own ``pytest`` process at low priority (``nice -n 10``):

- ``tests/test_scenario_fuzz.py``: mutants of the built-in scenarios (keys and items
  deleted or doubled, values replaced by extreme numbers, NaN, huge integers, text,
  other parts of the document, aliases, alias bombs, deep nesting, complex keys, control
  characters); each must be refused with ``ScenarioError`` or run its calendar with
  finite state, within a time bound;
- ``tests/test_cli_fuzz.py``: random command lines (every command, hostile values,
  wrong files, unknown names; explain, calibrate and report too); each must exit 0, 1
  or 2 without an exception, within a time bound.

In campaign mode (``POLITBURO_FUZZ_REPORT``) the fuzzers record every failure and go on,
so the figures count them all: cases tried, rejected cleanly, ran, tracebacks, hangs. A
fuzzer that does not finish within ``--timeout`` seconds is a hang; the case it was on is
reported. Exit status 1 if any traceback or hang was found. Each failure found belongs in
the fuzzers' regression lists.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

PARTS = {
    "scenario": ("tests/test_scenario_fuzz.py", "POLITBURO_FUZZ_EXAMPLES", "rejected"),
    "cli": ("tests/test_cli_fuzz.py", "POLITBURO_CLI_FUZZ_EXAMPLES", "refused"),
}


def run_part(name: str, cases: int, seed: int, timeout: float) -> dict[str, Any]:
    """One fuzzer's campaign: its figures, failures and time."""
    test_file, variable, rejected = PARTS[name]
    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / f"{name}.json"
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", ""),
            "MPLBACKEND": "Agg",
            variable: str(cases),
            "POLITBURO_FUZZ_SEED": str(seed),
            "POLITBURO_FUZZ_REPORT": str(report),
        }
        command = ["nice", "-n", "10", sys.executable, "-m", "pytest", test_file, "-k", "fuzzed",
                   "-q", "-s", "-p", "no:cacheprovider"]  # fmt: skip
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        hung: dict[str, Any] | None = None
        try:
            done = subprocess.run(
                command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
            )
            output = done.stdout + done.stderr
        except subprocess.TimeoutExpired as expired:
            current = Path(str(report) + ".current")
            hung = {
                "problem": f"did not finish in {timeout:.0f} s",
                "case": current.read_text(encoding="utf-8")[:4000] if current.exists() else None,
            }
            output = str(expired.stdout or "")
        seconds = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        found = json.loads(report.read_text()) if report.exists() else {}
    figures = found.get("figures", {})
    failures = list(found.get("failures", []))
    hangs, tracebacks = int(figures.get("hangs", 0)), int(figures.get("tracebacks", 0))
    if hung is not None:
        failures.append(hung)
        hangs += 1
    elif not found:  # pytest itself failed (an import error, a crashed process)
        failures.append({"problem": "the fuzzer wrote no report", "output": output[-4000:]})
        tracebacks += 1
    return {
        "part": name,
        "command": f"{variable}={cases} POLITBURO_FUZZ_SEED={seed} " + " ".join(command),
        "tried": int(figures.get("tried", 0)),
        "rejected_cleanly": int(figures.get(rejected, 0)),
        "ran": int(figures.get("ran", 0)),
        "tracebacks": tracebacks,
        "hangs": hangs,
        "other_exit": int(figures.get("other", 0)),
        "by_command": {
            k.removeprefix("command "): v
            for k, v in sorted(figures.items())
            if k.startswith("command ")
        },
        "wall_seconds": round(seconds, 1),
        "cpu_seconds": round(
            (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), 1
        ),
        "failures": failures,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scenario-cases", type=int, default=1000)
    parser.add_argument("--cli-cases", type=int, default=300)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds per fuzzer")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    parts = [
        run_part(name, cases, args.seed, args.timeout)
        for name, cases in (("scenario", args.scenario_cases), ("cli", args.cli_cases))
        if cases > 0
    ]
    if args.json:
        print(json.dumps({"seed": args.seed, "parts": parts}, indent=1))
    else:
        for part in parts:
            print(
                f"{part['part']}: {part['tried']} cases tried, {part['rejected_cleanly']} "
                f"rejected cleanly, {part['ran']} ran, {part['tracebacks']} tracebacks, "
                f"{part['hangs']} hangs ({part['cpu_seconds']} s CPU, "
                f"{part['wall_seconds']} s wall)"
            )
            if part["by_command"]:
                reached = part["by_command"].items()
                print("  by command: " + ", ".join(f"{k} {v}" for k, v in reached))
            for failure in part["failures"]:
                print("  " + json.dumps(failure)[:2000])
    return 1 if any(p["tracebacks"] or p["hangs"] for p in parts) else 0


if __name__ == "__main__":
    sys.exit(main())
