"""Every built-in scenario produces a contest with the default parameters: in most runs
alliances form, motions carry and offices change hands (a model whose defaults freeze a
leadership, as they once did on other regimes, fails here before any validation)."""

from __future__ import annotations

import pytest

from politburo.model.events import KIND_CODE
from politburo.scenario.loader import builtin_names
from politburo.simulation import simulate

RUNS = 200
SEED = 5
#: share of runs in which each sign of a contest must appear ("most runs")
MOST = 0.5


@pytest.mark.parametrize("scenario", builtin_names())
def test_the_defaults_produce_a_contest(scenario: str) -> None:
    batch = simulate(scenario, seed=SEED, runs=RUNS, record_events=True)
    events = batch.log.arrays()
    shares = {}
    for kind in ("alliance_formed", "motion_passed", "office_lost"):
        runs = set(events["run"][events["kind"] == KIND_CODE[kind]].tolist())
        shares[kind] = len(runs) / RUNS
    assert all(share > MOST for share in shares.values()), f"{scenario}: {shares}"
