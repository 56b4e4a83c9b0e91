"""The classroom's API: a lesson (length, difficulty, who plays whom), one seat per
student name, the live board, the debrief, the results as CSV, the teacher's view of a
student's end screen."""

from __future__ import annotations

import csv
import io
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")

from fastapi.testclient import TestClient

from politburo.analysis.validation import contenders
from politburo.scenario import load_scenario
from politburo.web import create_app
from politburo.web import store as store_module
from politburo.web.classroom import RESULT_COLUMNS

ODDS_RUNS = 4


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    with TestClient(create_app(tmp_path / "games.sqlite", odds_runs=ODDS_RUNS)) as c:
        yield c


def test_classroom_with_two_players(client: TestClient) -> None:
    made = client.post("/api/classes", json={"name": "History 10B", "scenario": "toy-3"})
    assert made.status_code == 201
    room = made.json()
    code, teacher = room["code"], {"X-Teacher-Token": room["teacher_token"]}
    assert room["url"].endswith(f"/class/{code}#teacher={room['teacher_token']}")
    info = client.get(f"/api/classes/{code.lower()}").json()
    assert info["scenario"] == "toy-3" and len(info["leaders"]) == 3
    ann = client.post(
        f"/api/classes/{code}/join", json={"player_name": "Ann", "leader": "tribune", "seed": 1}
    ).json()
    bob = client.post(
        f"/api/classes/{code}/join", json={"player_name": "Bob", "leader": "editor", "seed": 2}
    ).json()
    assert ann["game"]["class_code"] == code and bob["game"]["player_name"] == "Bob"
    # a student cannot see the other's game, nor the dashboard
    assert (
        client.get(f"/api/games/{bob['id']}", headers={"X-Player-Token": ann["token"]}).status_code
        == 403
    )
    assert client.get(f"/api/classes/{code}/dashboard").status_code == 403
    assert (
        client.get(
            f"/api/classes/{code}/dashboard", headers={"X-Teacher-Token": ann["token"]}
        ).status_code
        == 403
    )
    client.post(
        f"/api/games/{ann['id']}/advance",
        json={"months": 120, "turn": 0},
        headers={"X-Player-Token": ann["token"]},
    )
    client.post(
        f"/api/games/{bob['id']}/advance",
        json={"months": 3, "turn": 0},
        headers={"X-Player-Token": bob["token"]},
    )
    board = client.get(f"/api/classes/{code}/dashboard", headers=teacher).json()
    rows = {g["player_name"]: g for g in board["games"]}
    assert rows["Ann"]["over"] and rows["Ann"]["status"] == "over"
    assert (
        rows["Bob"]["turn"] == 3 and rows["Bob"]["month"] == "1950-04" and not rows["Bob"]["over"]
    )
    assert board["finished"] == 1 and board["playing"] == 1
    assert sum(board["winners"].values()) == 1
    assert board["headline"] == "1 finished games; 1 still playing."
    # joining a class game through /api/games must match the class's scenario
    wrong = client.post(
        "/api/games", json={"scenario": "ussr-1922", "leader": "trotsky", "class_code": code}
    )
    assert wrong.status_code == 422
    assert client.get("/api/classes/NOPE99").status_code == 404


def test_stopped_the_historical_winner_headline(client: TestClient) -> None:
    room = client.post("/api/classes", json={"name": "t", "scenario": "ussr-1922"}).json()
    code = room["code"]
    joined = client.post(
        f"/api/classes/{code}/join", json={"player_name": "Cy", "leader": "trotsky", "seed": 3}
    ).json()
    board = client.get(
        f"/api/classes/{code}/dashboard", headers={"X-Teacher-Token": room["teacher_token"]}
    ).json()
    assert board["historical_winner"] == "Joseph Stalin"
    assert board["headline"] == "0 of 0 finished games stopped Joseph Stalin; 1 still playing."
    assert board["games"][0]["leader_name"] == "Leon Trotsky" and joined["game"]["turn"] == 0


# --- the lesson --------------------------------------------------------------------------


def make_class(client: TestClient, scenario: str, **lesson: Any) -> tuple[str, dict[str, str]]:
    made = client.post("/api/classes", json={"name": "10B", "scenario": scenario, "lesson": lesson})
    assert made.status_code == 201, made.text
    room = made.json()
    return room["code"], {"X-Teacher-Token": room["teacher_token"]}


def join(client: TestClient, code: str, name: str, **body: Any) -> dict[str, Any]:
    answer = client.post(f"/api/classes/{code}/join", json={"player_name": name, **body})
    assert answer.status_code in (200, 201), answer.text
    return dict(answer.json())


def play_to_end(client: TestClient, game: dict[str, Any]) -> dict[str, Any]:
    """Advance the game as far as one request may, until it is over."""
    state = game["game"]
    while not state["over"]:
        answer = client.post(
            f"/api/games/{game['id']}/advance",
            json={"months": 120, "turn": state["turn"]},
            headers={"X-Player-Token": game["token"]},
        )
        assert answer.status_code == 200, answer.text
        state = answer.json()["game"]
    return dict(state)


def test_one_seat_per_student_name(client: TestClient) -> None:
    code, teacher = make_class(client, "toy-3")
    first = client.post(
        f"/api/classes/{code}/join", json={"player_name": "Ann Lee", "leader": "tribune"}
    )
    assert first.status_code == 201 and first.json()["resumed"] is False
    again = client.post(
        f"/api/classes/{code}/join", json={"player_name": "  ann   LEE ", "leader": "editor"}
    )
    assert again.status_code == 200 and again.json()["resumed"] is True
    ann, back = first.json(), again.json()
    assert back["id"] == ann["id"] and back["game"]["leader"] == "tribune"
    # the new token plays the seat; the old link no longer does
    assert (
        client.get(f"/api/games/{ann['id']}", headers={"X-Player-Token": ann["token"]}).status_code
        == 403
    )
    assert (
        client.get(f"/api/games/{ann['id']}", headers={"X-Player-Token": back["token"]}).status_code
        == 200
    )
    # through /api/games with the class code: the same seat, and a name is required
    same = client.post(
        "/api/games",
        json={
            "scenario": "toy-3",
            "leader": "editor",
            "class_code": code,
            "player_name": "ANN LEE",
        },
    )
    assert same.status_code == 201 and same.json()["id"] == ann["id"]
    nameless = client.post(
        "/api/games", json={"scenario": "toy-3", "leader": "editor", "class_code": code}
    )
    assert nameless.status_code == 422
    join(client, code, "Bob", leader="editor")
    board = client.get(f"/api/classes/{code}/dashboard", headers=teacher).json()
    assert sorted(g["player_name"] for g in board["games"]) == ["Ann Lee", "Bob"]
    assert board["playing"] == 2


def test_lesson_length_and_difficulty_are_the_teacher_s(client: TestClient) -> None:
    world_months = client.get("/api/scenarios").json()
    toy = next(s for s in world_months if s["id"] == "toy-3")
    too_long = client.post(
        "/api/classes",
        json={"name": "x", "scenario": "toy-3", "lesson": {"months": toy["months"] + 1}},
    )
    assert too_long.status_code == 422 and "at most" in too_long.json()["detail"]
    code, teacher = make_class(client, "toy-3", months=3, difficulty="lookahead")
    info = client.get(f"/api/classes/{code}").json()
    assert info["lesson"]["months"] == 3 and not info["lesson"]["full"]
    assert info["lesson"]["end"] == "1950-03"
    # a student cannot pick the difficulty: the lesson sets it
    refused = client.post(
        f"/api/classes/{code}/join",
        json={"player_name": "Cy", "leader": "tribune", "difficulty": "heuristic"},
    )
    assert refused.status_code == 422
    cy = join(client, code, "Cy", leader="tribune", seed=1)
    assert cy["game"]["months"] == 3 and cy["game"]["difficulty"] == "lookahead"
    end = play_to_end(client, cy)
    assert end["over"] and end["turn"] == 3 and end["status"] == "over"
    assert end["outcome"]["winner"] is None and end["outcome"]["lesson_ended"]
    summary = client.get(
        f"/api/games/{cy['id']}/summary", headers={"X-Player-Token": cy["token"]}
    ).json()
    assert summary["verdict"].startswith("No one consolidated power by 1950-03, when the lesson")
    history = client.get(
        f"/api/games/{cy['id']}/history", headers={"X-Player-Token": cy["token"]}
    ).json()
    assert [m["month"] for m in history["months"]] == ["start", "1950-01", "1950-02", "1950-03"]
    row = client.get(f"/api/classes/{code}/dashboard", headers=teacher).json()["games"][0]
    assert row["over"] and row["months"] == 3 and row["month"] == "1950-03"
    # the game stays over after a restart of its cache
    client.app.state.service.forget(cy["id"])  # type: ignore[attr-defined]
    again = client.get(f"/api/games/{cy['id']}", headers={"X-Player-Token": cy["token"]}).json()
    assert again["over"] and again["months"] == 3


def test_balance_spreads_students_over_the_contenders(client: TestClient) -> None:
    scenario = load_scenario("ussr-1922")
    spread = contenders(scenario)
    assigned = spread[-1]
    code, _ = make_class(
        client, "ussr-1922", leaders="balance", roster=[{"name": "Zoe", "leader": assigned}]
    )
    assert client.get(f"/api/classes/{code}").json()["lesson"]["pool"] == spread
    zoe = join(client, code, "Zoe")
    assert zoe["game"]["leader"] == assigned
    leaders = [
        join(client, code, f"S{k}", leader=spread[0])["game"]["leader"] for k in range(len(spread))
    ]
    # every contender once (the assigned one already had Zoe), then the least taken again
    assert sorted(leaders) == sorted([*spread[:-1], spread[0]])


def test_a_chosen_leader_must_be_in_the_pool(client: TestClient) -> None:
    bad = client.post(
        "/api/classes",
        json={"name": "x", "scenario": "toy-3", "lesson": {"pool": ["tribune", "nobody"]}},
    )
    assert bad.status_code == 422 and "nobody" in bad.json()["detail"]
    twice = client.post(
        "/api/classes",
        json={
            "name": "x",
            "scenario": "toy-3",
            "lesson": {
                "roster": [
                    {"name": "A b", "leader": "editor"},
                    {"name": "a  B", "leader": "tribune"},
                ]
            },
        },
    )
    assert twice.status_code == 422
    code, _ = make_class(client, "toy-3", pool=["tribune"])
    assert [x["id"] for x in client.get(f"/api/classes/{code}").json()["leaders"]] == ["tribune"]
    refused = client.post(
        f"/api/classes/{code}/join", json={"player_name": "D", "leader": "editor"}
    )
    assert refused.status_code == 422 and "tribune" in refused.json()["detail"]
    missing = client.post(f"/api/classes/{code}/join", json={"player_name": "D"})
    assert missing.status_code == 422


def test_playing_the_historical_winner_and_failing_is_not_stopping_him(client: TestClient) -> None:
    scenario = load_scenario("ussr-1922")
    assert scenario.history is not None
    winner = scenario.history.winner
    rival = next(x for x in contenders(scenario) if x != winner)
    # three months: too short for anyone to consolidate, so both games end without him
    code, teacher = make_class(client, "ussr-1922", months=3)
    as_him = join(client, code, "Ann", leader=winner)
    against = join(client, code, "Bob", leader=rival)
    for game in (as_him, against):
        assert play_to_end(client, game)["outcome"]["winner"] is None
    board = client.get(f"/api/classes/{code}/dashboard", headers=teacher).json()
    name = board["historical_winner"]
    assert board["finished"] == 2
    assert board["stopped"] == 1 and board["stopped_of"] == 1
    assert board["as_winner"] == 1 and board["won_as_winner"] == 0
    assert board["headline"] == (
        f"1 of 1 finished games stopped {name}; playing {name}, 0 of 1 consolidated power; "
        "0 still playing."
    )
    assert board["winners"] == {"no one": 2}


def test_results_csv(client: TestClient) -> None:
    code, teacher = make_class(client, "toy-3", months=4)
    ann = join(client, code, "=HYPERLINK(1)", leader="tribune")
    join(client, code, "Bob", leader="editor")
    play_to_end(client, ann)
    assert client.get(f"/api/classes/{code}/results.csv").status_code == 403
    answer = client.get(f"/api/classes/{code}/results.csv", headers=teacher)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    assert f"politburo-{code}.csv" in answer.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    assert list(rows[0]) == list(RESULT_COLUMNS)
    assert [r["student"] for r in rows] == ["'=HYPERLINK(1)", "Bob"]
    first, second = rows
    assert (
        first["finished"] == "yes"
        and first["months_played"] == "4"
        and first["lesson_months"] == "4"
    )
    assert second["finished"] == "no" and second["months_played"] == "0"
    assert 0.0 <= float(first["real_power_at_end"]) <= 1.0


def test_debrief_and_the_teacher_s_view_of_an_end_screen(client: TestClient) -> None:
    scenario = load_scenario("ussr-1922")
    assert scenario.history is not None
    code, teacher = make_class(client, "ussr-1922", months=30, leaders="balance")
    games = [join(client, code, name) for name in ("Ann", "Bob", "Cy")]
    for game in games[:2]:
        play_to_end(client, game)
    assert client.get(f"/api/classes/{code}/debrief").status_code == 403
    other, other_teacher = make_class(client, "ussr-1922")
    assert client.get(f"/api/classes/{code}/debrief", headers=other_teacher).status_code == 403
    debrief = client.get(f"/api/classes/{code}/debrief", headers=teacher).json()
    assert debrief["finished"] == 2 and debrief["total"] == 3
    assert debrief["history"].endswith(f"({scenario.history.consolidated}).")
    historical = [o for o in debrief["outcomes"] if o["history"]]
    assert [o["leader"] for o in historical] == [scenario.history.winner]
    assert sum(o["class_count"] for o in debrief["outcomes"]) == 2
    assert debrief["odds"]["status"] in ("ready", "computing")
    assert {f["leader"] for f in debrief["fates"]} == {g["game"]["leader"] for g in games}
    assert debrief["prompts"]
    # the turning points are the student's own events, from his game's record
    for game, out in zip(games, debrief["games"], strict=True):
        record = client.get(
            f"/api/games/{game['id']}/history", headers={"X-Player-Token": game["token"]}
        ).json()
        # a month's report lists the player's moves and others' moves on him first
        mine = {e["text"] for m in record["months"] for e in m["events"] if e["mine"]}
        mine |= {t for m in record["months"] for t in m.get("about_you", [])}
        mine |= {x["result"] for m in record["months"] for x in m.get("your_moves", [])}
        consolidated = {
            e["text"] for m in record["months"] for e in m["events"] if e["kind"] == "consolidated"
        }
        assert {p["text"] for p in out["turning_points"]} <= mine | consolidated
    # the teacher opens a finished game's end screen; not another class's game
    view = client.get(f"/api/classes/{code}/games/{games[0]['id']}", headers=teacher)
    assert view.status_code == 200 and view.json()["game"]["over"]
    summary = client.get(view.json()["summary_url"], headers=teacher)
    assert summary.status_code == 200 and summary.json()["verdict"]
    # a 30-month lesson's end screen compares only what could have happened in it
    last = view.json()["game"]["month"]
    rows = summary.json()["timeline"]["rows"][1:]
    assert rows and all(r["game"] is not None or r["history"] <= last for r in rows), rows
    assert client.get(view.json()["summary_url"]).status_code == 403
    assert (
        client.get(
            f"/api/classes/{other}/games/{games[0]['id']}", headers=other_teacher
        ).status_code
        == 404
    )
    unfinished = client.get(f"/api/classes/{code}/games/{games[2]['id']}/summary", headers=teacher)
    assert unfinished.status_code == 409


def test_teacher_pages_are_served(client: TestClient) -> None:
    for path in ("/class/ABCDEF/debrief", "/class/ABCDEF/game/" + "a" * 22):
        page = client.get(path)
        assert page.status_code == 200 and "/static/classroom.js" in page.text
    for asset in ("classroom.js", "classroom.css"):
        assert client.get(f"/static/{asset}").status_code == 200


def test_a_data_file_from_before_lessons_still_opens(tmp_path: Path) -> None:
    """Files made before lessons existed get the new columns; their classes get the
    default lesson (students choose, the whole calendar)."""
    path = tmp_path / "old.sqlite"
    old = sqlite3.connect(path)
    old.executescript(
        store_module.SCHEMA.replace(",\n    end_turn INTEGER", "").replace(
            ",\n    lesson TEXT NOT NULL DEFAULT '{}'", ""
        )
    )
    old.execute(
        "INSERT INTO classes (code, token_hash, name, scenario, created) VALUES (?, ?, ?, ?, 0)",
        ("OLDCLS", store_module.token_hash("t"), "old", "toy-3"),
    )
    old.commit()
    old.close()
    columns = sqlite3.connect(path).execute("PRAGMA table_info(classes)")
    assert "lesson" not in {row[1] for row in columns}
    with TestClient(create_app(path, odds_runs=ODDS_RUNS)) as client:
        info = client.get("/api/classes/OLDCLS").json()
        assert info["lesson"]["full"] and info["lesson"]["leaders"] == "choose"
        assert len(info["leaders"]) == 3
        game = join(client, "OLDCLS", "Ann", leader="tribune")
        assert game["game"]["months"] == info["lesson"]["months"]
