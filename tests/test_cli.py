"""The command line: outputs scripts can rely on, exit codes, and the interactive game."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from politburo.cli import app
from politburo.mechanisms import MECHANISMS
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
        runner.invoke(app, ["run", "toy-3", "--seed", "2", "--json", "--params", str(good)]).stdout
    )
    base = json.loads(runner.invoke(app, ["run", "toy-3", "--seed", "2", "--json"]).stdout)

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


# --- inputs the command line cannot hold are refused before any work --------------------


def _refused(args: list[str], hint: str) -> None:
    """Exit 2, no traceback, and a message that names ``hint``."""
    result = runner.invoke(app, args)
    assert result.exit_code == 2, (args, result.exit_code, result.output)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    assert hint in result.output, result.output


@pytest.mark.parametrize(
    ("args", "hint"),
    [
        (["experiment", "toy-3", "--seed", str(2**63), "--runs", "2"], "--seed"),
        (["run", "toy-3", "--seed", str(2**70)], "--seed"),
        (["run", "toy-3", "--seed", "-1"], "--seed"),
        (["experiment", "toy-3", "--runs", str(10**12)], "--runs"),
        (["experiment", "toy-3", "--runs", "2", "--intervention", "+"], "names no intervention"),
        (["run", "toy-3", "--plot", "power.txt"], ".png"),
    ],
)
def test_out_of_range_options_are_refused(args: list[str], hint: str, tmp_path: Path) -> None:
    _refused(
        [*args, *(["--store", str(tmp_path / "s.duckdb")] if args[0] == "experiment" else [])], hint
    )


def test_a_non_finite_parameter_is_refused(tmp_path: Path) -> None:
    params = tmp_path / "p.json"
    params.write_text('{"exclusion_cost": Infinity}')
    _refused(["run", "toy-3", "--params", str(params)], "finite")


def test_a_store_that_is_not_duckdb_is_refused_without_the_network(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "old.sqlite"
    with sqlite3.connect(path) as con:
        con.execute("CREATE TABLE x (a)")
    _refused(["experiment", "toy-3", "--runs", "2", "--store", str(path)], "SQLite")
    folder = tmp_path / "folder"
    folder.mkdir()
    _refused(["experiment", "toy-3", "--runs", "2", "--store", str(folder)], "folder")


def test_output_paths_are_checked_before_the_work(tmp_path: Path) -> None:
    folder = tmp_path / "exists"
    folder.mkdir()
    missing = tmp_path / "missing" / "x.png"
    # Each of these would otherwise fail only after minutes of computation.
    _refused(["calibrate", "toy-3", "--trials", "1", "--runs", "2", "--out", str(folder)], "folder")
    _refused(
        ["explain", "toy-3", "--leader", "secretary", "--plot", str(missing)], "does not exist"
    )
    listing = tmp_path / "list.json"
    listing.write_text("[1, 2]")
    _refused(
        ["report", "toy-3", "--validation", str(listing), "--out", str(tmp_path / "r")],
        "validate --json",
    )
    shaped = tmp_path / "experiment.json"
    shaped.write_text(
        '{"scenario": "toy-3", "seed": 0, "runs": 2, "experiment_id": "x", '
        '"arms": [{"name": "baseline"}]}'
    )
    args = ["report", "toy-3", "--experiment", str(shaped), "--out", str(tmp_path / "r")]
    _refused(args, "arms.0.kind")


def test_export_writes_to_any_folder_name_and_refuses_a_file(tmp_path: Path) -> None:
    store = tmp_path / "e.duckdb"
    ran = runner.invoke(app, ["experiment", "toy-3", "--runs", "2", "--store", str(store)])
    assert ran.exit_code == 0, ran.output
    quoted = tmp_path / "it's"  # a path is never pasted into SQL
    result = runner.invoke(app, ["export", str(store), "--out", str(quoted)])
    assert result.exit_code == 0, result.output
    assert (quoted / "runs.parquet").stat().st_size > 0
    a_file = tmp_path / "afile"
    a_file.write_text("")
    _refused(["export", str(store), "--out", str(a_file)], "not a folder")


def test_a_ray_address_that_does_not_answer_fails_in_seconds(tmp_path: Path) -> None:
    import socket
    import time

    with socket.socket() as free:  # a port nothing listens on
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    started = time.monotonic()
    args = ["experiment", "toy-3", "--runs", "2", "--backend", "ray"]
    _refused(
        [*args, "--address", f"127.0.0.1:{port}", "--store", str(tmp_path / "s.duckdb")],
        "no Ray cluster",
    )
    assert time.monotonic() - started < 15
