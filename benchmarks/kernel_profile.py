"""Where the compiled month spends its instructions, function by function (callgrind).

    python benchmarks/kernel_profile.py [--scenario ussr-1922] [--runs 100] [--top 30]
        [--inclusive] [--callers] [--keep DIR] [--json]

Timings on a shared machine move by a third from one run to the next; instruction
counts do not. This runs the whole calendar of ``--runs`` runs (one thread) under
valgrind's callgrind, counting only inside the engine (a client request switches the
counting on just before ``advance`` and off after it), and names the compiled
functions: Numba's machine code has no symbols valgrind can read, so the driver writes
the address of every function of the compiled library, and this script maps
callgrind's addresses back to kernel names.

Reported: instructions (Ir) per run-month in total and for the ``--top`` functions
(exclusive, or ``--inclusive``), and calls per run-month of the allocator and of the
reference counting (``--callers``: also which kernel functions make those calls).
``--keep DIR`` leaves the callgrind output and the address map in DIR. Needs valgrind
and a C compiler (Debian: ``valgrind``, ``gcc``). Slow: about ten minutes, most of it
Python and Numba starting under valgrind; run two variants side by side on two cores to
compare a change.
"""

from __future__ import annotations

import argparse
import bisect
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

_CLIENT = r"""
#include <valgrind/callgrind.h>
void profile_start(void) { CALLGRIND_START_INSTRUMENTATION; CALLGRIND_ZERO_STATS; }
void profile_stop(void) { CALLGRIND_DUMP_STATS; CALLGRIND_STOP_INSTRUMENTATION; }
"""


def _short(mangled: str) -> str:
    """``politburo.kernel.decide.decide`` from Numba's Itanium-mangled symbol."""
    if not mangled.startswith("_ZN"):
        return mangled[:80]
    i, parts = 3, []
    while i < len(mangled) and mangled[i].isdigit():
        j = i
        while mangled[j].isdigit():
            j += 1
        n = int(mangled[i:j])
        parts.append(mangled[j : j + n])
        i = j + n
    return ".".join(parts)


def drive(scenario: str, runs: int, client: str, addresses: str) -> None:
    """Inside valgrind: warm the engine, then run the calendar between the requests."""
    import ctypes

    import numpy as np

    from politburo.kernel.bind import bind
    from politburo.kernel.run import advance, advance_runs, start
    from politburo.mechanisms import enabled_mechanisms
    from politburo.model.params import DEFAULT_PARAMETERS
    from politburo.model.state import initial_state
    from politburo.simulation import world_of

    requests = ctypes.CDLL(client)
    world = world_of(scenario)
    params = DEFAULT_PARAMETERS

    def batch(n: int) -> tuple[Any, Any]:
        state = initial_state(world, 5, n)
        k = bind(world, params, enabled_mechanisms(()), state)
        return k, np.zeros((world.months, n, world.n_leaders), dtype=np.float32)

    k, power = batch(2)  # load the compiled code
    start(k, 0)
    advance(k, 0, world.months, power, 1, budget=params.actions_per_month)
    k, power = batch(runs)
    requests.profile_start()
    start(k, 0)
    advance(k, 0, world.months, power, 1, budget=params.actions_per_month)
    requests.profile_stop()
    rows = {}
    for compiled in advance_runs.overloads.values():
        library = compiled.library
        for module in (library._shared_module, library._final_module):
            if module is None:
                continue
            for function in module.functions:
                if function.is_declaration:
                    continue
                try:
                    address = library.get_pointer_to_function(function.name)
                except Exception:  # a symbol the engine did not keep
                    continue
                if address:
                    rows[address] = _short(function.name)
    Path(addresses).write_text(
        json.dumps({"months": world.months, "functions": sorted(rows.items())})
    )


#: the runtime's functions whose calls are counted by caller
_COUNTED = ("NRT_incref", "NRT_decref", "NRT_MemInfo_alloc_aligned")


def _parse(out_file: Path, names: list[tuple[int, str]]) -> tuple[int, dict, dict, dict, dict]:
    """(total Ir, exclusive Ir, inclusive Ir, calls, calls of ``_COUNTED`` by caller)
    by function name."""
    starts = [a for a, _ in names]

    def name_of(label: str) -> str:
        match = re.match(r"0x([0-9a-f]+)", label)
        if not match:
            return label.split(" ")[0]
        address = int(match.group(1), 16)
        at = bisect.bisect_right(starts, address) - 1
        return names[at][1] if at >= 0 else label

    labels: dict[str, str] = {}
    exclusive: dict[str, int] = {}
    inclusive: dict[str, int] = {}
    calls: dict[str, int] = {}
    by_caller: dict[tuple[str, str], int] = {}
    current = callee = None
    after_calls = False
    total = 0
    for line in out_file.read_text().splitlines():
        match = re.match(r"(c?fn)=\((\d+)\)(?: (.*))?", line)
        if match:
            kind, key, label = match.groups()
            if label:
                labels[key] = name_of(label.strip())
            if kind == "fn":
                current = labels[key]
            else:
                callee = labels[key]
            continue
        match = re.match(r"calls=(\d+)", line)
        if match:
            calls[callee] = calls.get(callee, 0) + int(match.group(1))
            if callee in _COUNTED:
                pair = (callee, current)
                by_caller[pair] = by_caller.get(pair, 0) + int(match.group(1))
            after_calls = True
            continue
        match = re.match(r"(?:[+-]?\d+|\*)\s+(\d+)$", line)
        if match and current is not None:
            ir = int(match.group(1))
            if after_calls:  # the cost of a call: inclusive for the callee
                inclusive[callee] = inclusive.get(callee, 0) + ir
                after_calls = False
            else:
                exclusive[current] = exclusive.get(current, 0) + ir
                total += ir
    for name, ir in exclusive.items():
        inclusive[name] = inclusive.get(name, 0) + ir
    return total, exclusive, inclusive, calls, by_caller


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="ussr-1922")
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--inclusive", action="store_true")
    parser.add_argument("--callers", action="store_true")
    parser.add_argument("--keep", type=Path, help="keep callgrind's output here")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--drive", nargs=2, metavar=("CLIENT", "ADDRESSES"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.drive:
        drive(args.scenario, args.runs, *args.drive)
        return
    for tool in ("valgrind", "gcc"):
        if shutil.which(tool) is None:
            sys.exit(f"kernel_profile: needs {tool} on the PATH (Debian: apt install {tool})")
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
    folder = args.keep or Path(tempfile.mkdtemp(prefix="politburo-profile-"))
    (folder / "client.c").write_text(_CLIENT)
    client = folder / "client.so"
    subprocess.run(
        ["gcc", "-O1", "-shared", "-fPIC", "-o", str(client), str(folder / "client.c")],
        check=True,
    )
    addresses = folder / "addresses.json"
    out = folder / "callgrind.out"
    command = [
        "valgrind",
        "--tool=callgrind",
        "--instr-atstart=no",
        f"--callgrind-out-file={out}",
        sys.executable,
        __file__,
        "--scenario",
        args.scenario,
        "--runs",
        str(args.runs),
        "--drive",
        str(client),
        str(addresses),
    ]
    subprocess.run(command, check=True, capture_output=True)
    dumps = sorted(folder.glob("callgrind.out*.1")) or sorted(folder.glob("callgrind.out.*"))
    found = json.loads(addresses.read_text())
    names = sorted((int(a), n) for a, n in found["functions"])
    total, exclusive, inclusive, calls, by_caller = _parse(dumps[-1], names)
    run_months = args.runs * found["months"]
    table = inclusive if args.inclusive else exclusive
    if args.inclusive:  # the interpreter's frames above the engine include everything
        table = {name: ir for name, ir in table.items() if name.startswith("politburo.")}
    top = sorted(table.items(), key=lambda item: -item[1])[: args.top]
    result = {
        "scenario": args.scenario,
        "runs": args.runs,
        "unit": "instructions (Ir) per run-month, one thread",
        "total": round(total / run_months),
        "measure": "inclusive" if args.inclusive else "exclusive",
        "functions": {name: round(ir / run_months) for name, ir in top},
        "calls_per_run_month": {
            name: round(calls.get(name, 0) / run_months, 1) for name in _COUNTED
        },
    }
    if args.callers:
        result["callers_per_run_month"] = {
            name: {
                caller: round(n / run_months, 1)
                for (callee, caller), n in sorted(by_caller.items(), key=lambda item: -item[1])
                if callee == name and n / run_months >= 0.05
            }
            for name in _COUNTED
        }
    if not args.keep:
        shutil.rmtree(folder, ignore_errors=True)
    if args.json:
        print(json.dumps(result))
        return
    print(f"{args.scenario}, {args.runs} runs: {result['total']:,} Ir per run-month")
    for name, ir in result["functions"].items():
        print(f"{ir:>9,}  {100 * ir / result['total']:5.1f}%  {name}")
    for name, n in result["calls_per_run_month"].items():
        print(f"{n:>9}  calls of {name}")
    for name, callers in result.get("callers_per_run_month", {}).items():
        print(f"calls of {name} per run-month, by caller:")
        for caller, n in callers.items():
            print(f"{n:>9}  {caller}")


if __name__ == "__main__":
    main()
