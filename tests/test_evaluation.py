"""The studies' evaluation path (politburo.studies.evaluation) runs on the experiment's
workers: the same runs, run by run, on every backend and as the experiment stores them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

import politburo
from politburo.cli import app
from politburo.errors import InputError
from politburo.model.outcome import Outcome
from politburo.model.params import DEFAULT_PARAMETERS
from politburo.model.world import compile_world
from politburo.scenario import load_scenario
from politburo.studies.evaluation import Evaluator

RUNS, SEED = 12, 3
runner = CliRunner()


def _evaluate(**options: Any) -> tuple[list[Outcome], np.ndarray[Any, Any], list[Any]]:
    world = compile_world(load_scenario("toy-3"))
    told: list[tuple[str, int, int]] = []
    evaluator = Evaluator(SEED, RUNS, progress=lambda *seen: told.append(seen), **options)
    with evaluator.running():
        outcomes = evaluator.outcomes(world, DEFAULT_PARAMETERS)
        winners = evaluator.winners(world, DEFAULT_PARAMETERS, ["appointment"])
    assert evaluator.simulated == 2 * RUNS
    return outcomes, winners, told


def test_evaluations_are_identical_on_local_and_process_workers() -> None:
    local, local_winners, told = _evaluate()
    spread, spread_winners, _ = _evaluate(workers=2, chunk=5, backend="processes")
    assert [o.run_index for o in local] == list(range(RUNS))
    assert spread == local  # every field of every run: winner, month, losses, alliances
    assert (spread_winners == local_winners).all()
    # each configuration's runs are reported as its chunks finish (locally: one chunk)
    assert told == [("runs", RUNS, RUNS)] * 2
    # the same runs as the experiment's baseline, read back from its store
    stored = politburo.experiment("toy-3", runs=RUNS, seed=SEED).outcomes["baseline"]
    assert stored == local


def test_an_unknown_backend_is_refused_before_any_run() -> None:
    with pytest.raises(InputError, match="unknown backend"):
        Evaluator(SEED, RUNS, backend="threads")


def test_calibrate_runs_on_the_chosen_backend(tmp_path: Path) -> None:
    from test_validate_explain import TOY_HISTORY, toy_text

    text = toy_text()
    scenario = tmp_path / "toy-history.yaml"
    scenario.write_text(text[: text.index("\nhistory:")] + "\n" + TOY_HISTORY)
    out = tmp_path / "fitted.json"
    args = ["calibrate", str(scenario), "--trials", "2", "--runs", "4", "--out", str(out)]
    refused = runner.invoke(app, [*args, "--backend", "threads"])
    assert refused.exit_code == 2 and "unknown backend" in refused.output
    assert not out.exists()
    record = tmp_path / "record.json"
    done = runner.invoke(app, [*args, "--backend", "local", "--record", str(record)])
    assert done.exit_code == 0, done.output
    assert "vote_loyalty_weight" in json.loads(out.read_text())  # the fitted parameters
    # the record reads back as one: a single scenario's scores, every trial
    from politburo.studies.records import CalibrationRecord, CalibrationScores

    data = json.loads(record.read_text())
    written = CalibrationRecord.model_validate(data)
    assert written.to_json() == data and written.history is not None
    assert [trial.number for trial in written.history] == [0, 1]
    assert isinstance(written.best.scores, CalibrationScores)
    assert "held_out_median_milestone_error_months" in data["best"]["scores"]
