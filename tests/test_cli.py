"""The command line: outputs scripts can rely on, exit codes, and the interactive game."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from politburo.cli import app
from politburo.model.switches import MECHANISMS
from politburo.scenario import builtin_names

runner = CliRunner()
MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
TOY = Path(__file__).parents[1] / "src" / "politburo" / "scenario" / "builtin" / "toy-3.yaml"


def test_run_json_has_the_documented_shape() -> None:
    result = runner.invoke(app, ["run", "toy-3", "--seed", "7", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["scenario"] == "toy-3"
    assert data["seed"] == 7
    outcome = data["outcome"]
    assert set(outcome) == {"winner", "month", "eliminations", "alliances"}
    for alliance in outcome["alliances"]:
        assert len(alliance["members"]) == 2
        assert MONTH.match(alliance["formed"])
        assert alliance["ended"] is None or alliance["ended"] >= alliance["formed"]
    leaders = {"secretary", "tribune", "editor"}
    assert outcome["winner"] is None or outcome["winner"] in leaders
    assert (outcome["winner"] is None) == (outcome["month"] is None)
    for leader, record in outcome["eliminations"].items():
        assert leader in leaders
        for key in ("politburo", "party", "exile"):
            assert record[key] is None or MONTH.match(record[key])
    assert data["events"], "a run of four years records events"
    for event in data["events"]:
        assert MONTH.match(event["month"])
        assert isinstance(event["kind"], str)
        assert event["actor"] is None or event["actor"] in leaders
        assert event["target"] is None or event["target"] in leaders
    months = [e["month"] for e in data["events"]]
    assert months == sorted(months)


def test_same_seed_same_json_different_seed_differs() -> None:
    first = runner.invoke(app, ["run", "toy-3", "--seed", "3", "--json"]).stdout
    again = runner.invoke(app, ["run", "toy-3", "--seed", "3", "--json"]).stdout
    other = runner.invoke(app, ["run", "toy-3", "--seed", "4", "--json"]).stdout
    assert first == again
    assert json.loads(first)["events"] != json.loads(other)["events"]


def test_narrative_names_leaders_and_ends_with_outcome() -> None:
    result = runner.invoke(app, ["run", "toy-3", "--seed", "1"])
    assert result.exit_code == 0, result.output
    assert re.search(r"^19[5-9]\d-\d\d$", result.stdout, re.MULTILINE), "no month heading"
    assert "Outcome" in result.stdout
    assert "The Secretary" in result.stdout


def test_plot_writes_an_image(tmp_path: Path) -> None:
    target = tmp_path / "power.png"
    result = runner.invoke(app, ["run", "toy-3", "--seed", "1", "--plot", str(target)])
    assert result.exit_code == 0, result.output
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert target.stat().st_size > 10_000


def test_plot_refuses_unknown_format(tmp_path: Path) -> None:
    result = runner.invoke(app, ["run", "toy-3", "--plot", str(tmp_path / "power.txt")])
    assert result.exit_code == 2


def test_ablation_changes_the_run_and_is_reported() -> None:
    base = json.loads(runner.invoke(app, ["run", "toy-3", "--seed", "2", "--json"]).stdout)
    off = runner.invoke(app, ["run", "toy-3", "--seed", "2", "--json", "--ablate", "appointment"])
    assert off.exit_code == 0, off.output
    data = json.loads(off.stdout)
    assert data["ablate"] == ["appointment"]
    assert not any(e["kind"] == "appointed" for e in data["events"])
    assert any(e["kind"] in ("appointed", "appointment_failed") for e in base["events"])


def test_unknown_mechanism_exits_2_listing_valid_names() -> None:
    result = runner.invoke(app, ["run", "toy-3", "--ablate", "apointment"])
    assert result.exit_code == 2
    assert "apointment" in result.stderr
    assert "appointment" in result.stderr


def test_run_help_lists_every_mechanism() -> None:
    result = runner.invoke(app, ["run", "--help"], env={"COLUMNS": "200"})
    text = re.sub(r"\s+", " ", result.stdout)
    for name in MECHANISMS:
        assert name in text


def test_scenarios_lists_builtins() -> None:
    result = runner.invoke(app, ["scenarios"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    for name in builtin_names():
        assert name in result.stdout


def test_check_valid_file_exits_0() -> None:
    result = runner.invoke(app, ["check", str(TOY)])
    assert result.exit_code == 0, result.output


def test_check_invalid_file_exits_2_with_location(tmp_path: Path) -> None:
    lines = TOY.read_text(encoding="utf-8").splitlines()
    index = next(i for i, line in enumerate(lines) if line.startswith("name:"))
    lines[index] = "nmae: Toy"
    broken = tmp_path / "broken.yaml"
    broken.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["check", str(broken)])
    assert result.exit_code == 2
    assert f"{broken}:{index + 1}:1: nmae: unknown key" in result.stderr
    assert "Traceback" not in result.output


def test_check_missing_file_exits_2() -> None:
    result = runner.invoke(app, ["check", "/nonexistent/scenario.yaml"])
    assert result.exit_code == 2
    assert "no such file or built-in scenario" in result.stderr


def test_run_unknown_scenario_exits_2() -> None:
    result = runner.invoke(app, ["run", "no-such-scenario"])
    assert result.exit_code == 2
    assert "toy-3" in result.stderr


def test_schema_is_json_schema_of_the_format() -> None:
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema["type"] == "object"
    assert {"leaders", "offices", "bodies", "events"} <= set(schema["properties"])
    assert schema["additionalProperties"] is False


def test_play_reprompts_on_invalid_input_and_quits_cleanly() -> None:
    # 99 is out of range, "x" is not a number, then a pass, then quit.
    result = runner.invoke(app, ["play", "toy-3", "--as", "tribune"], input="99\nx\n\nq\n")
    assert result.exit_code == 0, result.output
    assert "between 0 and" in result.stdout
    assert "separated by commas" in result.stdout
    assert "What happened in 1950-01" in result.stdout
    assert "1950-02" in result.stdout


def test_play_rejects_unknown_leader() -> None:
    result = runner.invoke(app, ["play", "toy-3", "--as", "nobody"])
    assert result.exit_code == 2
    assert "tribune" in result.stderr


@pytest.mark.parametrize("choice", ["0,0"])
def test_play_refuses_two_actions_of_one_kind(choice: str) -> None:
    result = runner.invoke(app, ["play", "toy-3", "--as", "secretary"], input=f"{choice}\nq\n")
    assert result.exit_code == 0
    assert "different kinds of action" in result.stdout


def test_play_refuses_a_leader_who_never_acts(tmp_path: Path) -> None:
    text = TOY.read_text(encoding="utf-8").replace(
        "sketch: A well-liked theorist", "actor: false\n    sketch: A well-liked theorist"
    )
    scenario = tmp_path / "toy.yaml"
    scenario.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["play", str(scenario), "--as", "editor"])
    assert result.exit_code == 2
    assert "never acts" in result.stderr
    assert "tribune" in result.stderr


def test_parameters_file_is_used_and_checked(tmp_path: Path) -> None:
    good = tmp_path / "params.json"
    good.write_text(json.dumps({"discipline_cooldown": 40}), encoding="utf-8")
    slow = json.loads(
        runner.invoke(app, ["run", "toy-3", "--seed", "1", "--json", "--params", str(good)]).stdout
    )
    base = json.loads(runner.invoke(app, ["run", "toy-3", "--seed", "1", "--json"]).stdout)

    def motions(data: dict[str, object]) -> int:
        return sum(e["kind"].startswith("motion_") for e in data["events"])  # type: ignore[attr-defined,index,union-attr]

    assert motions(slow) < motions(base)
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"discipline_cooldwn": 4}), encoding="utf-8")
    result = runner.invoke(app, ["run", "toy-3", "--params", str(bad)])
    assert result.exit_code == 2
    assert "discipline_cooldwn" in result.stderr


def test_check_takes_a_built_in_name_like_every_other_command() -> None:
    result = runner.invoke(app, ["check", "ussr-1953"])
    assert result.exit_code == 0, result.output
    assert "ussr-1953" in result.stdout
    missing = runner.invoke(app, ["check", "no-such-scenario"])
    assert missing.exit_code == 2
    assert "built-ins are" in missing.output
