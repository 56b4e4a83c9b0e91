"""The Python API refuses what the command line refuses, with the same reason, before any
run: ``politburo.experiment(...)`` and ``politburo experiment`` go through the same
library checks (the CLI only turns the :class:`~politburo.errors.UserError` into a
message and exit 2)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import politburo
from politburo.cli import app
from politburo.errors import UserError

runner = CliRunner()

#: interventions a caller may bring in a file: one patch that cannot apply (no such
#: leader), one that takes the baseline's name, two that contradict each other
INTERVENTIONS = """\
- id: ghost
  name: a leader who is not there
  source: test
  patches: [{op: set, path: leaders/nobody/prestige/value, value: 0.5}]
- id: baseline
  name: named like the baseline
  source: test
  patches: [{op: set, path: leaders/secretary/prestige/value, value: 0.5}]
- id: low
  name: low prestige
  source: test
  patches: [{op: set, path: leaders/secretary/prestige/value, value: 0.1}]
- id: high
  name: high prestige
  source: test
  patches: [{op: set, path: leaders/secretary/prestige/value, value: 0.9}]
"""


def _cli_args(kwargs: dict[str, Any], store: Path, file: Path) -> list[str]:
    args = ["experiment", "toy-3", "--store", str(store)]
    for key, value in kwargs.items():
        if key == "intervention_files":
            args += ["--intervention-file", str(file)]
            continue
        option = "--intervention" if key == "interventions" else "--" + key.replace("_", "-")
        for item in value if isinstance(value, list) else [value]:
            args += [option, str(item)]
    return args


@pytest.mark.parametrize(
    ("kwargs", "hint"),
    [
        ({"interventions": ["+"]}, "names no intervention"),
        ({"interventions": ["nope"]}, "unknown intervention 'nope'"),
        ({"interventions": ["ghost"], "intervention_files": True}, "no item 'nobody'"),
        ({"interventions": ["baseline"], "intervention_files": True}, "baseline is always run"),
        ({"interventions": ["low+high"], "intervention_files": True}, "cannot be applied together"),
        ({"ablate": ["nope"]}, "unknown mechanism nope"),
        ({"seed": 2**63}, "seed"),
        ({"seed": -1}, "seed"),
        ({"runs": 0}, "runs"),
        ({"runs": 10**12}, "runs"),
        ({"chunk": 0}, "chunk"),
        ({"workers": 0}, "workers"),
        ({"workers": 10**6}, "--workers 1000000: must be from 1 to 1,024"),
        ({"backend": "nope"}, "unknown backend 'nope'"),
        ({"branch_at": "19xx"}, "expected a month YYYY-MM"),
    ],
)
def test_the_api_refuses_what_the_cli_refuses(
    kwargs: dict[str, Any], hint: str, tmp_path: Path
) -> None:
    file = tmp_path / "interventions.yaml"
    file.write_text(INTERVENTIONS, encoding="utf-8")
    store = tmp_path / "s.duckdb"
    result = runner.invoke(app, _cli_args({"runs": 2, **kwargs}, store, file))
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    cli_hint = hint if not hint.isalpha() else f"--{hint}"
    assert cli_hint in result.output, result.output
    arguments = {"runs": 2, "store": store, **kwargs}
    if "intervention_files" in kwargs:
        arguments["intervention_files"] = [file]
    with pytest.raises(UserError, match=hint):
        politburo.experiment("toy-3", **arguments)
    assert not store.exists(), "refused after the store was opened"


@pytest.mark.parametrize(
    ("kwargs", "hint"),
    [
        ({"interventions": "testament-read"}, "give a list of names"),
        ({"ablate": "appointment"}, "give a list of names"),
        ({"interventions": [3]}, "is not a name"),
        ({"runs": 2.5}, "whole number"),
        ({"runs": "5"}, "whole number"),
        ({"runs": float("nan")}, "whole number"),
        ({"runs": True}, "whole number"),
        ({"chunk": -5}, "--chunk -5"),
        ({"params": {"decision_noise": 0.1}}, "expected Parameters"),
        ({"seed": 1.5}, "must be an integer"),
    ],
)
def test_the_api_refuses_arguments_of_the_wrong_kind(kwargs: dict[str, Any], hint: str) -> None:
    # Python callers can pass what no command line can: each is refused as a UserError
    # (and a ValueError), never a TypeError from deep inside or an endless loop.
    arguments = {"runs": 2, **kwargs}
    with pytest.raises(UserError, match=hint) as caught:
        politburo.experiment("toy-3", **arguments)
    assert isinstance(caught.value, ValueError)


def test_a_calibration_summary_says_before_after_and_whether_to_adopt() -> None:
    from types import SimpleNamespace

    from politburo.studies.calibration import FREE_PARAMETERS, defaults
    from politburo.studies.calibration_summary import calibration_summary
    from politburo.studies.records import CalibrationRecord, CalibrationScores, Trial

    def scores(error: float) -> CalibrationScores:
        return CalibrationScores(
            p_historical_winner=0.5, brier=0.5, order_share=None, kendall_tau=None,
            median_milestone_error_months=None, held_out_median_milestone_error_months=error,
        )  # fmt: skip

    scorer = SimpleNamespace(
        scorers=[SimpleNamespace(scenario=SimpleNamespace(id="toy-3"))],
        held_out={"toy-3": ["a milestone"]},
    )
    better = {p.name: p.low for p in FREE_PARAMETERS}
    history = [
        Trial(number=0, loss=1.0, values=defaults(), scores=scores(10.0)),
        Trial(number=1, loss=0.5, values=better, scores=scores(8.0)),
        Trial(number=2, loss=0.9, values=better, scores=scores(20.0)),
    ]
    summary = calibration_summary(scorer, better, history, runs=4, seed=1, command="c")  # type: ignore[arg-type]
    assert (summary.defaults.loss, summary.best.loss) == (1.0, 0.5)
    assert summary.adopt and "1.000 -> 0.500" in summary.reason
    assert summary.fitted().decision_noise == better["decision_noise"]
    record = summary.to_json(history=True)
    assert set(record) == {
        "command", "scenario", "runs", "seed", "trials", "free_parameters",
        "held_out_milestones", "defaults", "best", "adopt", "history",
    }  # fmt: skip
    assert record["adopt"] == {"adopt": True, "reason": summary.reason}
    assert record["scenario"] == "toy-3" and len(record["history"]) == 3
    assert "history" not in summary.to_json()
    assert record["history"][1] == {
        "trial": 1, "loss": 0.5, "values": better, "scores": scores(8.0).to_json(),
    }  # fmt: skip
    assert CalibrationRecord.model_validate(record).to_json() == record
    worse = [history[0], history[1].model_copy(update={"scores": scores(12.0)})]
    assert not calibration_summary(scorer, better, worse, runs=4, seed=1).adopt  # type: ignore[arg-type]


@pytest.mark.parametrize("runs", [10**12, 0, -1, [], [-1], [10**7], ["a"], "5", 2.5, True, [2**70]])
def test_simulate_refuses_runs_it_cannot_hold(runs: Any) -> None:
    # A trillion runs was a MemoryError, a negative index a run no store can hold.
    from politburo.simulation import simulate

    with pytest.raises(UserError, match="runs"):
        simulate("toy-3", runs=runs)
