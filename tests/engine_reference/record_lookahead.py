"""Record the look-ahead reference: ``python tests/engine_reference/record_lookahead.py``.

First recorded while the look-ahead still found its candidates with the NumPy rules
(``agents/heuristic.score_actions`` and ``model/actions.legal_targets``, at commit
fde8d35), which the compiled candidates reproduced before those were deleted. Since then
it is the compiled engine's regression fixture: re-record it only for a deliberate change
of the rules, and say so in the commit (``tests/test_engine_reference.py``).
"""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from fingerprint import _digest, event_digests, state_digest  # noqa: E402

from politburo.agents.lookahead import LookaheadPolicy, LookaheadSettings  # noqa: E402
from politburo.simulation import Simulation  # noqa: E402

#: (scenario, seed, runs, months played, leader played from outside or -1)
GAMES = (
    ("toy-3", 1, 3, 40, -1),
    ("toy-3", 2, 2, 40, 1),
    ("ussr-1922", 3, 2, 14, -1),
    ("ussr-1922", 4, 1, 14, 2),
)
#: the candidates and the short look only: the second look (``guard_horizon``) came
#: after the recording and is tested in ``tests/test_lookahead.py``
SETTINGS = LookaheadSettings(horizon=3, width=4, samples=2, searchers=3, guard_horizon=0)


def play(scenario: str, seed: int, runs: int, months: int, human: int) -> dict[str, Any]:
    """A look-ahead game; the outside leader (if any) always passes."""
    sim = Simulation.start(scenario, seed=seed, runs=range(runs))
    policy = LookaheadPolicy(SETTINGS, exclude=() if human < 0 else (human,))
    powers = []
    plans = []
    for _ in range(months):
        if sim.over:
            break
        plan = sim.advance({human: []} if human >= 0 else None, policy=policy)
        powers.append(np.asarray(sim.state.real_power, dtype=np.float64).copy())
        plans.append(_digest(plan.verb, plan.target))
    log = sim.log.arrays()
    return {
        "scenario": scenario,
        "seed": seed,
        "runs": runs,
        "months": months,
        "human": human,
        "searched": policy.searched,
        "changed": policy.changed,
        "plans": plans,
        "power": _digest(np.stack(powers)),
        "events": event_digests(log, runs),
        "state": [state_digest(sim.state, r) for r in range(runs)],
    }


def main() -> None:
    games = [play(*game) for game in GAMES]
    for g in games:
        print(g["scenario"], g["seed"], "searched", g["searched"], "changed", g["changed"])
    with gzip.open(HERE / "lookahead.json.gz", "wt") as fh:
        json.dump({"settings": SETTINGS.__dict__, "games": games}, fh, separators=(",", ":"))


if __name__ == "__main__":
    main()
