"""The classroom's API: creating a class, students joining it, the teacher's dashboard."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")

from fastapi.testclient import TestClient

from politburo.web import create_app

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
        json={"months": 240},
        headers={"X-Player-Token": ann["token"]},
    )
    client.post(
        f"/api/games/{bob['id']}/advance",
        json={"months": 3},
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
