"""The engine against its recorded reference, run by run.

``tests/engine_reference/reference.json.gz`` holds fingerprints (outcome, power series,
event stream, final state) of 1,000 runs of the reference scenarios with all mechanisms
on and with each one ablated, and of games played month by month with outside actions
(``tests/engine_reference/record.py``). First recorded on the batched NumPy engine,
which the compiled engine reproduced bit for bit before it was deleted; re-recorded since
only for deliberate changes of the rules. Every run here must reproduce its fingerprint
bit for bit. ``POLITBURO_REFERENCE_RUNS`` sets how many runs per batch are checked
(default 100; 1000 checks the whole reference).
"""

from __future__ import annotations

import gzip
import json
import os
import sys
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pytest

HERE = Path(__file__).resolve().parent / "engine_reference"
sys.path.insert(0, str(HERE))

from fingerprint import _digest, batch_fingerprints, event_digests, state_digest  # noqa: E402

from politburo.simulation import Game, simulate  # noqa: E402

RUNS = int(os.environ.get("POLITBURO_REFERENCE_RUNS", "100"))


@cache
def reference() -> dict[str, Any]:
    with gzip.open(HERE / "reference.json.gz", "rt") as fh:
        data: dict[str, Any] = json.load(fh)
    return data


def _batches() -> list[str]:
    return list(reference()["batches"])


@pytest.mark.parametrize("key", _batches())
def test_batch_matches_reference(key: str) -> None:
    scenario, ablated = key.split("|")
    ablate = () if ablated == "all" else tuple(ablated.split(","))
    expected = reference()["batches"][key][:RUNS]
    result = simulate(
        scenario, seed=reference()["seed"], runs=len(expected), ablate=ablate, record_events=True
    )
    got = batch_fingerprints(result)
    mismatches = {
        part: [row["run"] for row, ref in zip(got, expected, strict=True) if row[part] != ref[part]]
        for part in ("winner", "month", "power", "events", "state")
    }
    bad = {part: runs[:10] for part, runs in mismatches.items() if runs}
    assert not bad, f"{key}: runs differing from the reference (first ten per part): {bad}"


@pytest.mark.parametrize("index", range(len(reference()["games"])))
def test_game_matches_reference(index: int) -> None:
    ref = reference()["games"][index]
    game = Game(ref["scenario"], seed=ref["seed"])
    powers = []
    plan = None
    for month in ref["script"]:
        actions = {int(k): [tuple(x) for x in v] for k, v in month.items()}
        plan = game.advance(actions)
        powers.append(np.array(game.state.real_power[0], dtype=np.float64))
    assert game.over
    assert plan is not None
    assert int(game.state.winner[0]) == ref["winner"]
    assert int(game.state.consolidated[0]) == ref["month"]
    assert _digest(np.stack(powers)) == ref["power"]
    assert event_digests(game.log.arrays(), 1)[0] == ref["events"]
    assert state_digest(game.state, 0) == ref["state"]
    assert _digest(plan.verb, plan.target) == ref["last_plan"]


def test_pure_python_kernel_matches_reference() -> None:
    # NUMBA_DISABLE_JIT=1 runs the same kernel code as plain Python (for debugging): it
    # must give the same runs as the compiled engine.
    import subprocess

    probe = (
        "import json, sys\n"
        f"sys.path.insert(0, {str(HERE)!r})\n"
        "from fingerprint import batch_fingerprints\n"
        "from politburo.simulation import simulate\n"
        f"r = simulate('toy-3', seed={reference()['seed']}, runs=3, record_events=True)\n"
        "print(json.dumps(batch_fingerprints(r)))\n"
    )
    env = dict(os.environ, NUMBA_DISABLE_JIT="1")
    done = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", probe],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    got = json.loads(done.stdout.strip().splitlines()[-1])
    assert got == reference()["batches"]["toy-3|all"][:3]


@cache
def lookahead_reference() -> dict[str, Any]:
    with gzip.open(HERE / "lookahead.json.gz", "rt") as fh:
        data: dict[str, Any] = json.load(fh)
    return data


@pytest.mark.parametrize("index", range(len(lookahead_reference()["games"])))
def test_lookahead_game_matches_reference(index: int) -> None:
    """Games decided by the look-ahead AI (its candidates read from the compiled rules)
    match those recorded when it read them from the NumPy rules."""
    from record_lookahead import play

    ref = lookahead_reference()["games"][index]
    got = play(ref["scenario"], ref["seed"], ref["runs"], ref["months"], ref["human"])
    assert (got["searched"], got["changed"]) == (ref["searched"], ref["changed"])
    first = next(
        (m for m, (a, b) in enumerate(zip(got["plans"], ref["plans"], strict=True)) if a != b), None
    )
    assert first is None, f"the plans differ from month {first} on"
    for part in ("power", "events", "state"):
        assert got[part] == ref[part], part
