"""Record the engine reference: ``python tests/engine_reference/record.py``.

Run once, on the batched NumPy engine, before it was replaced by the compiled one (it
needs that engine: run it at commit 4d89397 or earlier, where ``model/actions.legal_targets``
still exists); the compiled engine must reproduce every fingerprint (see
``tests/test_engine_reference.py``).
"""

from __future__ import annotations

import gzip
import json
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from fingerprint import batch_fingerprints, state_digest  # noqa: E402

from politburo.model.switches import MECHANISMS  # noqa: E402
from politburo.simulation import Game, simulate  # noqa: E402

SCENARIOS = ("ussr-1922", "toy-3")
SEED = 20261201
RUNS = int(__import__("os").environ.get("REFERENCE_RUNS", "1000"))
GAME_SEEDS = tuple(range(int(__import__("os").environ.get("REFERENCE_GAMES", "12"))))


def scripted_actions(
    game: Game, leaders: tuple[int, ...], month: int
) -> dict[int, list[tuple[int, int]]]:
    """Deterministic outside choices: for each played leader, up to the budget of
    (verb, target) pairs picked by a hash among the legal ones (a stand-in for a player)."""
    from politburo.model.actions import Verb, legal_targets

    chosen: dict[int, list[tuple[int, int]]] = {}
    ctx = game.ctx
    for leader in leaders:
        options = []
        for verb in Verb:
            if verb == Verb.PASS:
                continue
            legal = legal_targets(ctx, verb)[0, leader]
            options.extend((int(verb), int(t)) for t in np.flatnonzero(legal))
        picks = []
        for k in range(game.params.actions_per_month):
            if not options:
                break
            idx = (month * 7919 + leader * 104729 + k * 15485863) % len(options)
            picks.append(options.pop(idx))
        chosen[leader] = picks
    return chosen


def record_games(scenario: str) -> list[dict[str, object]]:
    out = []
    for seed in GAME_SEEDS:
        game = Game(scenario, seed=seed)
        L = game.world.n_leaders
        leaders = tuple(i for i in range(1, L, 3) if game.world.actor[i])[:2]
        script = []
        powers = []
        month = 0
        while not game.over:
            actions = scripted_actions(game, leaders, month)
            script.append({str(k): v for k, v in actions.items()})
            plan = game.advance(actions)
            powers.append(np.asarray(game.state.real_power[0], dtype=np.float64))
            month += 1
        log = game.log.arrays()
        from fingerprint import _digest, event_digests

        out.append(
            {
                "scenario": scenario,
                "seed": seed,
                "leaders": list(leaders),
                "script": script,
                "winner": int(game.state.winner[0]),
                "month": int(game.state.consolidated[0]),
                "power": _digest(np.stack(powers)),
                "events": event_digests(log, 1)[0],
                "state": state_digest(game.state, 0),
                "last_plan": _digest(plan.verb, plan.target),
            }
        )
    return out


def main() -> None:
    reference: dict[str, object] = {"seed": SEED, "runs": RUNS, "batches": {}, "games": []}
    for scenario in SCENARIOS:
        for ablate in ((), *((m,) for m in MECHANISMS)):
            t0 = time.process_time()
            result = simulate(scenario, seed=SEED, runs=RUNS, ablate=ablate, record_events=True)
            key = f"{scenario}|{','.join(ablate) or 'all'}"
            reference["batches"][key] = batch_fingerprints(result)  # type: ignore[index]
            print(key, f"{time.process_time() - t0:.1f}s CPU", flush=True)
        reference["games"].extend(record_games(scenario))  # type: ignore[union-attr]
        print(scenario, "games done", flush=True)
    with gzip.open(HERE / "reference.json.gz", "wt") as fh:
        json.dump(reference, fh, separators=(",", ":"))


if __name__ == "__main__":
    main()
