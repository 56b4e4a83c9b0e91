"""Record the engine reference: ``python tests/engine_reference/record.py``.

First recorded on the batched NumPy engine (at commit 4d89397, where the NumPy rules
still existed), which the compiled engine reproduced bit for bit before the NumPy engine
was deleted (issue #10). Since then it is the compiled engine's regression fixture:
re-record it only for a deliberate change of the rules, and say so in the commit. The
games replay the outside players' scripts of the previous recording.
"""

from __future__ import annotations

import gzip
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from fingerprint import batch_fingerprints, state_digest  # noqa: E402

from politburo.mechanisms import MECHANISMS  # noqa: E402
from politburo.simulation import Game, simulate  # noqa: E402

SCENARIOS = ("ussr-1922", "toy-3")
SEED = 20261201
RUNS = int(__import__("os").environ.get("REFERENCE_RUNS", "1000"))
GAME_SEEDS = tuple(range(int(__import__("os").environ.get("REFERENCE_GAMES", "12"))))


def record_games(previous: list[dict[str, Any]]) -> list[dict[str, object]]:
    """Replay the scripted games of the previous reference (the outside players' choices,
    first drawn from the legal actions of the NumPy engine) on the engine as it is now:
    the script is cut where the game now ends, and a game that now runs longer is
    played on with the outside leaders passing."""
    from fingerprint import _digest, event_digests

    out = []
    for ref in previous:
        game = Game(ref["scenario"], seed=ref["seed"])
        script: list[dict[str, Any]] = []
        powers = []
        plan = None
        months = iter(ref["script"])
        while not game.over:
            month = next(months, None)
            if month is None:
                month = {str(leader): [] for leader in ref["leaders"]}
            actions = {int(k): [tuple(x) for x in v] for k, v in month.items()}
            plan = game.advance(actions)
            script.append(month)
            powers.append(np.array(game.state.real_power[0], dtype=np.float64))
        assert plan is not None
        out.append(
            {
                "scenario": ref["scenario"],
                "seed": ref["seed"],
                "leaders": ref["leaders"],
                "script": script,
                "winner": int(game.state.winner[0]),
                "month": int(game.state.consolidated[0]),
                "power": _digest(np.stack(powers)),
                "events": event_digests(game.log.arrays(), 1)[0],
                "state": state_digest(game.state, 0),
                "last_plan": _digest(plan.verb, plan.target),
            }
        )
    return out


def main() -> None:
    with gzip.open(HERE / "reference.json.gz", "rt") as fh:
        previous = json.load(fh)
    reference: dict[str, object] = {"seed": SEED, "runs": RUNS, "batches": {}, "games": []}
    for scenario in SCENARIOS:
        for ablate in ((), *((m,) for m in MECHANISMS)):
            t0 = time.process_time()
            result = simulate(scenario, seed=SEED, runs=RUNS, ablate=ablate, record_events=True)
            key = f"{scenario}|{','.join(ablate) or 'all'}"
            reference["batches"][key] = batch_fingerprints(result)  # type: ignore[index]
            print(key, f"{time.process_time() - t0:.1f}s CPU", flush=True)
    reference["games"] = record_games(previous["games"])
    print("games done", flush=True)
    with gzip.open(HERE / "reference.json.gz", "wt") as fh:
        json.dump(reference, fh, separators=(",", ":"))


if __name__ == "__main__":
    main()
