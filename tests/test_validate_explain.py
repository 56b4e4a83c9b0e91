"""validate, explain and calibrate: the orchestration around the pure scoring and
attribution modules (tested in test_validation_scores.py and test_attribution.py)."""

from __future__ import annotations

import json
import statistics
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from politburo.analysis.records import (
    AllianceScore,
    Explanation,
    NaiveForecast,
    ValidationReport,
    ValidationScores,
)
from politburo.cli import app
from politburo.errors import UserError
from politburo.mechanisms import MECHANISMS
from politburo.model.params import DEFAULT_PARAMETERS
from politburo.scenario import load_scenario, load_scenario_file
from politburo.scenario.schema import DirectionalCheck
from politburo.simulation import simulate
from politburo.studies.calibration import (
    FREE_PARAMETERS,
    defaults,
    get_value,
    held_out_milestones,
    loss,
    search,
    with_values,
)
from politburo.studies.records import CalibrationScores, JointScores, Trial
from politburo.studies.validate import _months_seated, directional, targets

runner = CliRunner()

TOY_HISTORY = """history:
  winner: secretary
  consolidated: 1951-10
  source: shared/seeds/000_ff0f80d5a52c10e2.txt
  status: estimate
  method: invented, for the tests
  elimination_order: [tribune, editor]
  eliminations:
    tribune:
      politburo: {date: 1951-02, source: shared/seeds/000_ff0f80d5a52c10e2.txt}
      offices:
        war_minister: {date: 1950-11, source: shared/seeds/000_ff0f80d5a52c10e2.txt}
    editor:
      politburo: {date: 1951-10, source: shared/seeds/000_ff0f80d5a52c10e2.txt}
  checks:
    - intervention: clerk
      measure: p_winner
      leaders: [secretary]
      expected: lower
      claim: Without his levers the Secretary loses.
      source: shared/seeds/000_ff0f80d5a52c10e2.txt
  facts:
    - {id: members_at_end, kind: membership, name: Members at the end, month: 1953-12,
       members: 100000, source: shared/seeds/000_ff0f80d5a52c10e2.txt}
    - {id: exits, kind: exits, name: Exits, start: 1950-01, end: 1953-12, exits: 2,
       meeting: tea_party, at_meeting: 2, not_reelected: 1,
       source: shared/seeds/000_ff0f80d5a52c10e2.txt}
interventions:
  - id: clerk
    name: The Secretary is a clerk
    patches:
      - {op: set, path: offices/secretary_general/powers, value: {}}
    source: shared/seeds/000_ff0f80d5a52c10e2.txt
    status: estimate
    method: invented
factors:
  - id: office
    name: The office
    interventions: [clerk]
  - id: personalities
    name: Personalities
    ablate: [traits]
"""


def toy_text() -> str:
    return (resources.files("politburo.scenario") / "builtin" / "toy-3.yaml").read_text()


@pytest.fixture
def toy_with_history(tmp_path: Path) -> Path:
    text = toy_text()
    head = text[: text.index("\nhistory:")]
    path = tmp_path / "toy-history.yaml"
    path.write_text(head + "\n" + TOY_HISTORY)
    return path


def test_the_test_scenario_is_valid(toy_with_history: Path) -> None:
    scenario = load_scenario_file(toy_with_history)
    assert scenario.history is not None and scenario.history.checks[0].intervention == "clerk"
    assert [f.id for f in scenario.factors] == ["office", "personalities"]


def test_validate_json(toy_with_history: Path, tmp_path: Path) -> None:
    store = tmp_path / "v.duckdb"
    args = ["validate", str(toy_with_history), "--runs", "12", "--store", str(store), "--json"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    # The JSON printed is the record's, field for field: it reads back and writes the same.
    assert ValidationReport.model_validate(report).to_json() == report
    assert report["runs"] == 12 and report["seed"] == 0 and report["scenario"] == "toy-3"
    scores = report["scores"]
    for key in ("p_historical_winner", "brier", "order_share", "kendall_tau"):
        assert key in scores
    names = [m["name"] for m in scores["milestones"]]
    assert len(names) == 3 and any("war_minister" in n for n in names)
    assert 0.0 <= scores["p_historical_winner"] <= 1.0
    assert set(report["naive"]) == {"uniform", "incumbent", "highest_office", "most_prestigious"}
    (check,) = report["directional"]
    assert check["intervention"] == "clerk" and check["expected"] == "lower"
    assert check["agrees"] in ("yes", "no", "unclear")
    assert check["ci"][0] <= check["d"] <= check["ci"][1]
    assert report["targets"][0]["target"].startswith("P(historical winner)")
    # `report --validation` reads it through the record and shows its milestones.
    given = tmp_path / "validation.json"
    given.write_text(result.stdout)
    out = tmp_path / "rep"
    args = ["report", str(toy_with_history), "--runs", "2", "--out", str(out),
            "--validation", str(given)]  # fmt: skip
    shown = runner.invoke(app, args)
    assert shown.exit_code == 0, shown.output
    page = (out / "index.html").read_text()
    assert "validation: given" in page
    for name in names:
        assert name in page


def test_validate_scores_the_facts_on_what_the_runs_produced(
    toy_with_history: Path, tmp_path: Path
) -> None:
    store = tmp_path / "v.duckdb"
    # An experiment stores the baseline without observations; validate runs it again.
    args = ["experiment", str(toy_with_history), "--runs", "5", "--store", str(store), "--json"]
    assert runner.invoke(app, args).exit_code == 0
    args = ["validate", str(toy_with_history), "--runs", "5", "--store", str(store), "--json",
            "--no-checks"]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)["scores"]["facts"]
    assert [(r["fact"], r["produced"]) for r in rows] == [
        ("members_at_end", True),
        ("exits", True),  # the count of exits
        ("exits", False),  # at a 'tea_party': no such event kind
        ("exits", True),  # not re-elected
    ]
    members = rows[0]
    # The same five runs simulated here: their members at the calendar's end.
    batch = simulate(load_scenario_file(toy_with_history), seed=0, runs=5)
    assert members["median"] == pytest.approx(
        statistics.median(batch.state.members.sum(axis=(1, 2)).tolist())
    )
    assert members["happened"] == 1.0 and members["historical"] == 100000
    assert "not produced by the model" in rows[2]["note"]
    shown = runner.invoke(app, [*args[:-2], "--no-checks"])  # the table, not JSON
    assert shown.exit_code == 0 and "Quantitative facts" in shown.output


def test_validate_holds_milestones_out(toy_with_history: Path, tmp_path: Path) -> None:
    store = tmp_path / "v.duckdb"
    name = "tribune leaves the politburo"
    args = ["validate", str(toy_with_history), "--runs", "6", "--store", str(store), "--json",
            "--held-out", name, "--no-checks"]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert name not in [m["name"] for m in report["scores"]["milestones"]]
    assert [m["name"] for m in report["held_out"]["milestones"]] == [name]
    assert report["directional"] == []


def test_validate_refuses_unknown_milestones_and_missing_history(
    toy_with_history: Path, tmp_path: Path
) -> None:
    store = str(tmp_path / "v.duckdb")
    args = ["validate", str(toy_with_history), "--runs", "4", "--store", store,
            "--held-out", "nobody resigns", "--no-checks"]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert "unknown milestone(s) nobody resigns" in result.output
    assert "tribune leaves the politburo" in result.output  # the valid names are listed
    bare = tmp_path / "bare.yaml"
    text = toy_text()
    bare.write_text(text[: text.index("\nhistory:")] + "\n")
    result = runner.invoke(app, ["validate", str(bare), "--runs", "4", "--store", store])
    assert result.exit_code == 2
    assert "has no history: section" in result.output
    result = runner.invoke(app, ["validate", "toy-3", "--runs", "1", "--store", store])
    assert result.exit_code == 2 and "--runs must be at least 2" in result.output


def _run(index: int, winner: str | None, seat_lost: dict[str, str] | None = None) -> Any:
    eliminations = {k: {"politburo": v} for k, v in (seat_lost or {}).items()}
    return {"run_index": index, "winner": winner, "eliminations": eliminations}


def test_directional_check_by_hand() -> None:
    check = DirectionalCheck(
        intervention="x", measure="p_winner", leaders=["a"], expected="lower",
        claim="c", source="s",
    )  # fmt: skip
    base = [_run(k, "a") for k in range(4)]
    # Runs 0 and 1 lose "a"; differences -1, -1, 0, 0: mean -0.5, sd 0.57735
    arm = [_run(0, None), _run(1, "b"), _run(2, "a"), _run(3, "a")]
    row = directional(check, base, arm, 0, 10)
    assert row.d == -0.5
    half = 1.959964 * 0.5773503 / 2
    assert row.ci == pytest.approx((-0.5 - half, -0.5 + half), abs=1e-5)
    assert row.agrees == "unclear"  # the interval reaches above zero
    sure = directional(check, base, [_run(k, None) for k in range(4)], 0, 10)
    assert sure.d == -1.0 and sure.agrees == "yes"  # every run lost: zero spread
    higher = check.model_copy(update={"expected": "higher"})
    assert directional(higher, base, [_run(k, None) for k in range(4)], 0, 10).agrees == "no"
    # One pair has no interval: refused, not an infinite one.
    with pytest.raises(UserError, match="at least 2 paired runs"):
        directional(check, base[:1], arm[:1], 0, 10)


def test_months_seated_by_hand() -> None:
    start, end = 1922 * 12 + 3, 1930 * 12 + 11  # 1922-04 .. 1930-12
    run = _run(0, None, {"a": "1923-04"})
    assert _months_seated(run, ["a"], start, end) == 12.0
    # "b" never left: the whole calendar, 105 months, counts
    assert _months_seated(run, ["a", "b"], start, end) == 12.0 + 105.0


def test_targets_by_hand() -> None:
    scores = ValidationScores(
        p_historical_winner=0.72, order_share=0.4, brier=0.3, kendall_tau=None,
        median_milestone_error_months=6.0,
    )  # fmt: skip
    naive = {
        "one": NaiveForecast(forecast={"a": 1.0}, brier=0.5),
        "two": NaiveForecast(forecast={"b": 1.0}, brier=0.2),
    }
    met = [t.met for t in targets(scores, naive)]
    assert met == [True, False, True, False]  # 0.3 is not better than 0.2


def test_explain_json_adds_up(toy_with_history: Path) -> None:
    args = ["explain", str(toy_with_history), "--leader", "secretary", "--runs", "6",
            "--permutations", "4", "--json"]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    # The JSON printed is the record's, field for field: it reads back and writes the same.
    assert Explanation.model_validate(data).to_json() == data
    assert data["leader"] == "secretary" and data["method"] == "sampled"
    assert set(data["contributions"]) == set(MECHANISMS)
    total = sum(row["value"] for row in data["contributions"].values())
    # Sampled Shapley is efficient run by run: the contributions add up exactly.
    assert total == pytest.approx(data["p_all_on"]["value"] - data["p_all_off"]["value"])
    groups = data["groups"]
    assert set(groups["contributions"]) == {"office", "personalities"}
    assert groups["method"] == "exact"
    assert groups["p_all_on"]["value"] == pytest.approx(data["p_all_on"]["value"])
    group_total = sum(row["value"] for row in groups["contributions"].values())
    assert group_total == pytest.approx(groups["p_all_on"]["value"] - groups["p_all_off"]["value"])


def test_explain_refuses_an_unknown_leader() -> None:
    result = runner.invoke(app, ["explain", "toy-3", "--leader", "lenin", "--runs", "4"])
    assert result.exit_code == 2
    assert "unknown leader 'lenin'" in result.output and "secretary" in result.output


def test_explain_asks_whose_consolidation_when_no_winner_is_recorded() -> None:
    # With no --leader, explain takes the historical winner from the scenario's record;
    # toy-3 records none, so it must be told.
    result = runner.invoke(app, ["explain", "toy-3", "--runs", "4"])
    assert result.exit_code == 2
    assert "records no winner" in result.output and "--leader" in result.output


def test_the_commands_name_no_default_scenario() -> None:
    for command in ("validate", "explain", "report", "calibrate"):
        result = runner.invoke(app, [command])
        assert result.exit_code == 2, command
        assert "Missing argument" in result.output, command


def test_explain_sensitivity_and_plot(toy_with_history: Path, tmp_path: Path) -> None:
    chart = tmp_path / "why.svg"
    args = ["explain", str(toy_with_history), "--leader", "secretary", "--runs", "3",
            "--permutations", "4", "--sensitivity", "--trajectories", "2", "--json",
            "--plot", str(chart)]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert Explanation.model_validate(data).to_json() == data
    indices = data["sensitivity"]["indices"]
    assert set(indices) == {p.name for p in FREE_PARAMETERS}
    assert data["sensitivity"]["points"] == 2 * (len(FREE_PARAMETERS) + 1)
    assert all(row["mu_star"] >= 0 for row in indices.values())
    # The report's attribution figure: the mechanisms and the scenario's factors, the
    # factors under their display names.
    svg = chart.read_text()
    assert svg.lstrip().startswith("<?xml")
    assert "contributions of mechanisms" in svg and "contributions of factors" in svg
    for name in data["groups"].get("names", {}).values():
        assert name[:20] in svg, name


def test_with_values_sets_nested_and_integer_parameters() -> None:
    params = with_values(DEFAULT_PARAMETERS, {"heuristic.recant": 2.25, "discipline_cooldown": 4.6})
    assert params.heuristic.recant == 2.25
    assert params.discipline_cooldown == 5  # rounded: an integer parameter
    assert get_value(params, "heuristic.recant") == 2.25
    assert DEFAULT_PARAMETERS.heuristic.recant != 2.25  # the defaults are untouched
    with pytest.raises(ValueError, match="unknown parameter"):
        with_values(DEFAULT_PARAMETERS, {"heuristic.courage": 1.0})


def test_free_parameter_ranges_hold_the_defaults() -> None:
    for p in FREE_PARAMETERS:
        assert p.low <= defaults()[p.name] <= p.high, p.name


def fit(
    brier: float = 0.0,
    error: float | None = 0.0,
    order: float | None = 0.5,
    held: float | None = None,
    alliances: tuple[float, ...] = (),
) -> CalibrationScores:
    """One scenario's calibration scores with only what the loss or the adoption rule
    reads set."""
    return CalibrationScores(
        p_historical_winner=1.0 - brier,
        brier=brier,
        order_share=order,
        kendall_tau=None,
        median_milestone_error_months=error,
        alliances=[
            AllianceScore(id=f"a{k}", name=f"a{k}", share=share, median_overlap_months=None)
            for k, share in enumerate(alliances)
        ],
        held_out_median_milestone_error_months=held,
    )


def test_loss_by_hand() -> None:
    perfect = fit()
    assert loss(perfect) == 0.0
    # Brier 0.2; 18 months = 1.5 years of a 3-year cap -> 0.5; order 0.1 short by 0.4
    assert loss(fit(brier=0.2, error=18.0, order=0.1)) == pytest.approx(0.2 + 0.5 + 0.4)
    assert loss(fit(error=None, order=None)) == pytest.approx(1.0 + 0.5)
    # Two alliances of the record, reproduced in 30% and 90% of runs: misses 0.7 and 0.1
    assert loss(fit(alliances=(0.3, 0.9))) == pytest.approx(0.4)


def test_held_out_is_every_third_milestone() -> None:
    history = load_scenario("ussr-1922").history
    assert history is not None
    held = held_out_milestones(history)
    from politburo.analysis.validation import milestones_from_history

    names = [m.name for m in milestones_from_history(history)]
    assert held == names[2::3] and len(held) == len(names) // 3


def test_search_starts_from_the_defaults_and_finds_a_better_point() -> None:
    target = 1.0

    def objective(params: Any) -> CalibrationScores:
        # A fake record: the error in months grows with distance from recant = 1.0, 12
        # months a unit, so that at the default (in 0.5-3) it stays below the loss's cap.
        return fit(error=abs(params.heuristic.recant - target) * 12.0)

    best, history = search(objective, trials=25, seed=3)
    assert history[0].values == defaults()  # trial 0 is the package default
    assert [t.number for t in history] == list(range(25))
    default = DEFAULT_PARAMETERS.heuristic.recant
    assert abs(default - target) * 12 < 36  # below the cap: the test measures the search
    assert history[0].loss == pytest.approx(abs(default - target) * 12 / 36)
    assert abs(best["heuristic.recant"] - target) < abs(1.5 - target)
    assert min(t.loss for t in history) < history[0].loss
    # a trial written and read back is the same trial: number as `trial`, as --record has it
    assert set(history[1].to_json()) == {"trial", "loss", "values", "scores"}
    assert Trial.model_validate(history[1].to_json()) == history[1]


def test_report_cli_writes_a_page_and_refuses_bad_inputs(
    toy_with_history: Path, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"scores": ')
    out = tmp_path / "rep"
    args = ["report", str(toy_with_history), "--runs", "4", "--out", str(out)]
    result = runner.invoke(app, [*args, "--validation", str(broken)])
    assert (
        result.exit_code == 2
        and "is not JSON" in result.output
        and "broken.json:1" in result.output
    )
    result = runner.invoke(app, [*args, "--attribution", str(tmp_path / "missing.json")])
    assert result.exit_code == 2
    assert "--attribution" in result.output and "cannot read the file" in result.output
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    page = (out / "index.html").read_text()
    # validation was scored here, from the scenario's history: the milestone is shown
    assert "tribune leaves the politburo" in page


def test_adoption_needs_a_better_fit_and_no_worse_held_out_error() -> None:
    from politburo.studies.calibration import adoption_verdict

    def trial(value: float, held: float | None) -> Trial:
        return Trial(number=0, loss=value, values={}, scores=fit(held=held))

    assert adoption_verdict(trial(1.0, 10.0), trial(0.8, 9.0)).adopt is True
    assert adoption_verdict(trial(1.0, 10.0), trial(0.8, 10.0)).adopt is True
    worse = adoption_verdict(trial(1.0, 10.0), trial(0.8, 12.0))
    assert worse.adopt is False and "held-out milestone error worsened" in worse.reason
    assert adoption_verdict(trial(1.0, 10.0), trial(1.0, 5.0)).adopt is False


def test_a_joint_record_averages_losses_and_guards_every_scenario() -> None:
    """Several scenarios fitted together: the loss is the mean of theirs, and a trial is
    adopted only if no scenario's held-out error worsens."""
    from politburo.studies.calibration import adoption_verdict

    assert loss(JointScores(scenarios={"a": fit(), "b": fit(brier=1.0)})) == pytest.approx(0.5)

    def trial(value: float, held_a: float, held_b: float) -> Trial:
        scores = JointScores(scenarios={"a": fit(held=held_a), "b": fit(held=held_b)})
        return Trial(number=0, loss=value, values={}, scores=scores)

    assert adoption_verdict(trial(1.0, 10.0, 10.0), trial(0.8, 4.0, 10.0)).adopt is True
    worse = adoption_verdict(trial(1.0, 10.0, 10.0), trial(0.8, 4.0, 11.0))
    assert worse.adopt is False and "of b worsened" in worse.reason


@pytest.mark.parametrize(
    "name",
    [
        "record.json.gz",
        "record-2026-12-02-first.json.gz",
        "record-2026-12-02-third.json.gz",
        "not-adopted-2026-12-02-seed0.json.gz",
        "not-adopted-2026-12-02-seed1.json.gz",
    ],
)
def test_the_committed_calibration_records_read_as_records(name: str) -> None:
    # docs/calibration holds `calibrate --record` outputs: each reads as a
    # CalibrationRecord, writes back the same JSON key for key, and its verdict is the one
    # the adoption rule gives its defaults and best trial.
    import gzip

    from politburo.studies.calibration import adoption_verdict
    from politburo.studies.records import CalibrationRecord

    path = Path(__file__).parents[1] / "docs" / "calibration" / name
    with gzip.open(path, "rt", encoding="utf-8") as file:
        data = json.load(file)
    record = CalibrationRecord.model_validate(data)
    assert record.to_json() == data
    assert record.history is not None and len(record.history) == record.trials
    assert record.history[0].values == record.defaults.values  # trial 0: the defaults
    start = record.history[0]
    chosen = min(record.history, key=lambda trial: trial.loss)
    assert chosen.loss == record.best.loss and chosen.scores == record.best.scores
    assert adoption_verdict(start, chosen) == record.adopt
    scores = record.best.scores
    assert isinstance(scores, JointScores) and set(scores.scenarios) == set(
        record.held_out_milestones
    )


def test_fact_values_and_shares_as_printed() -> None:
    from politburo.cli import _fmt_fact, _share

    assert _share(0.002) == "0.2%"  # one run in 500 is not 0%
    assert _share(0.794) == "79%" and _share(0.0) == "0%" and _share(None) == "—"
    assert _fmt_fact(9.0) == "9"  # a count
    assert _fmt_fact(1.0) == "1.000"  # a share (never above 1)
    assert _fmt_fact(1234567.0) == "1,234,567"
    assert _fmt_fact("1951-06") == "1951-06" and _fmt_fact(None) == "—"
