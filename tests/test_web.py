"""The web game's JSON API: create, view, act, advance, history, summary; the errors a
client can cause (always 4xx); saves that survive a restart (the classroom:
``test_classroom.py``)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")

from fastapi.testclient import TestClient

from politburo.scenario import builtin_names
from politburo.web import create_app, schemas
from politburo.web.play import Match, state_from_bytes, state_to_bytes

ODDS_RUNS = 4


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return tmp_path / "games.sqlite"


@pytest.fixture
def client(data: Path) -> Iterator[TestClient]:
    with TestClient(create_app(data, odds_runs=ODDS_RUNS)) as c:
        yield c


def new_game(client: TestClient, **body: Any) -> tuple[str, dict[str, str], dict[str, Any]]:
    payload = {"scenario": "toy-3", "leader": "tribune", "seed": 7, **body}
    answer = client.post("/api/games", json=payload)
    assert answer.status_code == 201, answer.text
    created = answer.json()
    return created["id"], {"X-Player-Token": created["token"]}, created


def first_choices(game: dict[str, Any], count: int) -> list[dict[str, Any]]:
    """``count`` legal actions of distinct verbs (not 'pass')."""
    seen: dict[str, dict[str, Any]] = {}
    for c in game["choices"]:
        if c["verb"] != "pass" and c["verb"] not in seen:
            seen[c["verb"]] = {"verb": c["verb"], "target": c["target"]}
    return list(seen.values())[:count]


def test_scenarios_list_leaders_and_difficulties(client: TestClient) -> None:
    scenarios = {s["id"]: s for s in client.get("/api/scenarios").json()}
    assert {"toy-3", "ussr-1922"} <= set(scenarios)
    ussr = scenarios["ussr-1922"]
    trotsky = next(x for x in ussr["leaders"] if x["id"] == "trotsky")
    assert trotsky["sketch"] and trotsky["offices"]
    assert ussr["historical_winner"] == "Joseph Stalin"
    assert set(ussr["difficulties"]) == {"heuristic", "lookahead"}


def test_create_view_act_advance_history(client: TestClient) -> None:
    game_id, headers, created = new_game(client)
    assert len(game_id) >= 20 and len(headers["X-Player-Token"]) >= 30
    assert created["url"].endswith(f"/game/{game_id}#token={headers['X-Player-Token']}")
    game = created["game"]
    assert game["turn"] == 0 and game["month"] == "1950-01" and game["status"] == "playing"
    assert game["situation"]["offices"] == ["Minister of War"]
    assert game["upcoming"] and all(u["in_months"] <= 6 for u in game["upcoming"])
    assert all(s["real"] is None for s in game["chart"]["series"])  # not before the end
    assert {n["id"] for n in game["graph"]["nodes"]} == {"secretary", "tribune", "editor"}

    chosen = first_choices(game, 2)
    acted = client.post(
        f"/api/games/{game_id}/actions", json={"actions": chosen, "turn": 0}, headers=headers
    )
    assert acted.status_code == 200, acted.text
    assert [(a["verb"], a["target"]) for a in acted.json()["pending"]] == [
        (a["verb"], a["target"]) for a in chosen
    ]
    # advance with no actions in the body plays the chosen ones
    answer = client.post(f"/api/games/{game_id}/advance", json={"turn": 0}, headers=headers)
    assert answer.status_code == 200, answer.text
    result = answer.json()
    assert [a["verb"] for a in result["report"]["actions"]] == [a["verb"] for a in chosen]
    assert result["report"]["month"] == "1950-01" and result["report"]["real"] is None
    assert all(e["text"] for e in result["report"]["events"])
    assert result["game"]["turn"] == 1 and result["game"]["pending"] == []
    assert len(result["game"]["chart"]["labels"]) == 2

    for turn in range(1, 4):
        body = {"actions": first_choices(result["game"], 1), "turn": turn}
        result = client.post(f"/api/games/{game_id}/advance", json=body, headers=headers).json()
    history = client.get(f"/api/games/{game_id}/history", headers=headers).json()
    assert [m["turn"] for m in history["months"]] == [-1, 0, 1, 2, 3]
    assert all(m["real"] is None for m in history["months"])
    view = client.get(f"/api/games/{game_id}", headers=headers).json()
    assert view["turn"] == 4 and view["last_month"]["month"] == "1950-04"
    # the answers built without FastAPI's validation still match the documented models
    schemas.GameView.model_validate(view)
    schemas.AdvanceResult.model_validate(result)
    schemas.History.model_validate(history)


def test_votes_come_with_their_counts(client: TestClient) -> None:
    game_id, headers, _ = new_game(client, leader="secretary", seed=2)
    client.post(f"/api/games/{game_id}/advance", json={"months": 240, "turn": 0}, headers=headers)
    months = client.get(f"/api/games/{game_id}/history", headers=headers).json()["months"]
    votes = [e for m in months for e in m["events"] if e["vote"]]
    assert votes, "a 48-month toy game holds congresses and motions"
    counted = [e for e in votes if e.get("yes") is not None]
    assert counted and all(f"{e['yes']}" in e["text"] for e in counted)


def test_the_end_screen(client: TestClient) -> None:
    game_id, headers, _ = new_game(client, leader="secretary", seed=1)
    early = client.get(f"/api/games/{game_id}/summary", headers=headers)
    assert early.status_code == 409
    result = client.post(
        f"/api/games/{game_id}/advance", json={"months": 240, "turn": 0}, headers=headers
    )
    game = result.json()["game"]
    assert game["over"] and game["outcome"] is not None and game["choices"] == []
    assert all(s["real"] is not None for s in game["chart"]["series"])  # revealed at the end
    again = client.post(
        f"/api/games/{game_id}/advance", json={"turn": game["turn"]}, headers=headers
    )
    assert again.status_code == 409
    deadline = time.monotonic() + 60
    while True:
        summary = client.get(f"/api/games/{game_id}/summary", headers=headers).json()
        if summary["odds"]["status"] == "ready" or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert summary["odds"]["status"] == "ready" and summary["odds"]["runs"] == ODDS_RUNS
    assert sum(w["count"] for w in summary["odds"]["winners"]) == ODDS_RUNS
    assert summary["verdict"] and summary["outcome"]["summary"]
    schemas.Summary.model_validate(summary)
    schemas.GameView.model_validate(game)
    assert summary["timeline"]["rows"][0]["what"] == "power consolidated"
    assert 1 <= len(summary["turning_points"]) <= 5
    months = [p["month"] for p in summary["turning_points"]]
    assert months == sorted(months)


def test_lookahead_difficulty_plays(client: TestClient) -> None:
    game_id, headers, _ = new_game(client, difficulty="lookahead", leader="editor")
    answer = client.post(
        f"/api/games/{game_id}/advance", json={"months": 2, "turn": 0}, headers=headers
    )
    assert answer.status_code == 200 and answer.json()["game"]["turn"] == 2


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"scenario": "nowhere", "leader": "tribune"}, ""),
        ({"scenario": "toy-3", "leader": "stalin"}, "not a leader who acts"),
        ({"scenario": "toy-3", "leader": "tribune", "colour": "red"}, ""),
        ({"scenario": "toy-3", "leader": "tribune", "seed": -1}, ""),
        ({"scenario": "toy-3", "leader": "tribune", "difficulty": "godlike"}, ""),
        ({"scenario": "toy-3"}, ""),
        ({"scenario": "toy-3", "leader": "tribune", "class_code": "ZZZZZZ"}, "no class"),
    ],
)
def test_bad_new_games_are_4xx(client: TestClient, body: dict[str, Any], fragment: str) -> None:
    answer = client.post("/api/games", json=body)
    assert 400 <= answer.status_code < 500, answer.text
    assert fragment in answer.text


def test_client_errors_are_4xx_never_500(client: TestClient) -> None:
    game_id, headers, created = new_game(client)
    game = created["game"]
    url = f"/api/games/{game_id}"
    # another player's token, no token, an unknown id, a malformed id
    assert client.get(url, headers={"X-Player-Token": "x" * 32}).status_code == 403
    assert client.get(url).status_code == 403
    assert client.get(f"{url}/history").status_code == 403
    _, other_headers, _ = new_game(client)
    assert client.get(url, headers=other_headers).status_code == 403
    assert client.post(f"{url}/advance", json={"turn": 0}, headers=other_headers).status_code == 403
    assert client.get("/api/games/" + "A" * 22, headers=headers).status_code == 404
    assert client.get("/api/games/short", headers=headers).status_code == 422
    assert client.get("/api/games/bad$id$" + "x" * 20, headers=headers).status_code in (404, 422)
    # illegal actions, too many, the same verb twice, an unknown verb, a wrong target
    target = next(c for c in game["choices"] if c["verb"] == "attack")["target"]
    cases = [
        [{"verb": "appoint", "target": "capital"}],  # the Tribune has no appointment power
        [{"verb": "attack", "target": "tribune"}],  # not himself
        [{"verb": "attack", "target": "nobody"}],
        [{"verb": "attack", "target": target}, {"verb": "attack", "target": target}],
        [{"verb": "appeal"}, {"verb": "attack", "target": target}, {"verb": "defend_line"}],
        [{"verb": "seize_power"}],
        [{"verb": "attack", "target": 3}],
    ]
    for actions in cases:
        for path in ("actions", "advance"):
            body = {"actions": actions, "turn": 0}
            answer = client.post(f"{url}/{path}", json=body, headers=headers)
            assert answer.status_code == 422, (path, actions, answer.text)
    # malformed bodies
    for raw in (b"{not json", b"\xff\xfe\x00", b"[]", b'{"actions": {}}', b'"text"'):
        answer = client.post(
            f"{url}/advance", content=raw, headers={**headers, "content-type": "application/json"}
        )
        assert 400 <= answer.status_code < 500, (raw, answer.text)
    # a stale turn is refused, the game did not move
    assert client.post(f"{url}/advance", json={"turn": 5}, headers=headers).status_code == 409
    assert client.get(url, headers=headers).json()["turn"] == 0
    # bodies over the limit, declared or streamed
    big = b'{"actions": [], "pad": "' + b"x" * 20_000 + b'"}'
    answer = client.post(
        f"{url}/advance", content=big, headers={**headers, "content-type": "application/json"}
    )
    assert answer.status_code == 413

    def stream() -> Iterator[bytes]:
        yield b'{"actions": [], "pad": "'
        for _ in range(40):
            yield b"x" * 1000
        yield b'"}'

    answer = client.post(
        f"{url}/advance", content=stream(), headers={**headers, "content-type": "application/json"}
    )
    assert answer.status_code == 413
    assert client.get(url, headers=headers).json()["turn"] == 0


def test_games_survive_a_restart(data: Path) -> None:
    with TestClient(create_app(data, odds_runs=ODDS_RUNS)) as first:
        game_id, headers, created = new_game(first, seed=11)
        game = created["game"]
        played: list[list[dict[str, Any]]] = []
        for turn in range(3):
            actions = first_choices(game, 1)
            played.append(actions)
            body = {"actions": actions, "turn": turn}
            game = first.post(f"/api/games/{game_id}/advance", json=body, headers=headers).json()[
                "game"
            ]
        first.post(
            f"/api/games/{game_id}/actions",
            json={"actions": first_choices(game, 1), "turn": 3},
            headers=headers,
        )
        before = first.get(f"/api/games/{game_id}", headers=headers).json()
    # a new app on the same file: nothing in memory
    with TestClient(create_app(data, odds_runs=ODDS_RUNS)) as second:
        after = second.get(f"/api/games/{game_id}", headers=headers).json()
        assert after == before
        history = second.get(f"/api/games/{game_id}/history", headers=headers).json()
        assert len(history["months"]) == 4
        answer = second.post(f"/api/games/{game_id}/advance", json={"turn": 3}, headers=headers)
        assert answer.status_code == 200 and answer.json()["game"]["turn"] == 4
        resumed = answer.json()["game"]
    # the same game played without a restart ends in the same state
    with TestClient(create_app(data.with_name("other.sqlite"), odds_runs=ODDS_RUNS)) as third:
        other_id, other_headers, _ = new_game(third, seed=11)
        for turn, actions in enumerate([*played, before["pending"]]):
            body = {"actions": [{"verb": a["verb"], "target": a["target"]} for a in actions]}
            third.post(
                f"/api/games/{other_id}/advance", json={**body, "turn": turn}, headers=other_headers
            )
        straight = third.get(f"/api/games/{other_id}", headers=other_headers).json()
    assert straight["chart"] == resumed["chart"]
    assert straight["situation"] == resumed["situation"]


def test_a_saved_state_and_a_replay_agree() -> None:
    """Seed plus the player's actions replay a game exactly; the saved state round-trips."""
    game = Match.new("toy-3", "editor", "heuristic", 5)
    actions = []
    for _ in range(5):
        choice = next(c for c in game.choices() if c.verb != 0)
        game.advance([(int(choice.verb), choice.target)])
        actions.append([(int(choice.verb), choice.target)])
    saved = state_from_bytes(state_to_bytes(game.state))
    replay = Match.new("toy-3", "editor", "heuristic", 5)
    for chosen in actions:
        replay.advance(chosen)
    for name in ("real_power", "patron", "prestige", "secretary_patron", "ally", "keys"):
        assert np.array_equal(getattr(saved, name), getattr(replay.state, name)), name
    assert saved.turn == replay.state.turn == 5


def test_pages_and_static_files_are_served_locally(client: TestClient) -> None:
    for path in ("/", "/game/" + "a" * 22, "/class", "/class/ABCDEF"):
        page = client.get(path)
        assert page.status_code == 200 and "/static/app.js" in page.text
        assert "https://" not in page.text and "http://" not in page.text  # no CDN
        assert page.headers["x-content-type-options"] == "nosniff"
        assert "default-src 'self'" in page.headers["content-security-policy"]
    for asset in ("app.js", "style.css", "vendor/chart.umd.min.js", "vendor/cytoscape.min.js"):
        assert client.get(f"/static/{asset}").status_code == 200
    spec = client.get("/openapi.json").json()
    assert {"/api/games", "/api/games/{game_id}/advance", "/api/classes/{code}/dashboard"} <= set(
        spec["paths"]
    )
    assert set(spec["components"]["securitySchemes"]) == {"PlayerToken", "TeacherToken"}


def test_schemathesis_finds_no_server_error(data: Path) -> None:
    """A small fuzzing budget over every operation (the full run: benchmarks/fuzz_api.py)."""
    schemathesis = pytest.importorskip("schemathesis")
    from hypothesis import HealthCheck, given, settings

    app = create_app(data, odds_runs=ODDS_RUNS)
    with TestClient(app) as c:
        game_id, headers, _ = new_game(c)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    failures = []
    calls = []
    for result in schema.get_all_operations():
        operation = result.ok()
        strategy = operation.as_strategy()

        @settings(
            max_examples=8,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
            derandomize=True,
        )
        def check(case: Any) -> None:
            if "game_id" in (case.path_parameters or {}):
                case.path_parameters["game_id"] = game_id
            response = case.call(headers=headers)
            calls.append(response.status_code)
            if response.status_code >= 500:
                failures.append((case.method, case.formatted_path, response.status_code))

        given(strategy)(check)()
    assert failures == []
    assert len(calls) >= 12 * 4
    assert any(200 <= code < 300 for code in calls)


def test_odds_still_served_after_the_app_was_shut_down(data: Path) -> None:
    # An app whose lifespan ended (e.g. driven straight through ASGI afterwards) must not
    # answer a finished game with a 500 because the odds worker was shut down.
    app = create_app(data, odds_runs=ODDS_RUNS)
    with TestClient(app) as c:
        game_id, headers, _ = new_game(c)
    with TestClient(app) as c:  # a second lifespan on the same app
        pass
    client = TestClient(app)  # no lifespan at all
    response = client.post(
        f"/api/games/{game_id}/advance", json={"months": 240, "turn": 0}, headers=headers
    )
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("scenario", builtin_names())
def test_every_built_in_scenario_plays_a_few_months(client: TestClient, scenario: str) -> None:
    """A class may pick any shipped case: a game of each starts, takes a legal action
    and advances three months without a server error."""
    info = {s["id"]: s for s in client.get("/api/scenarios").json()}[scenario]
    leader = next(x["id"] for x in info["leaders"])
    game_id, headers, created = new_game(client, scenario=scenario, leader=leader)
    chosen = first_choices(created["game"], 1)
    acted = client.post(
        f"/api/games/{game_id}/actions", json={"actions": chosen, "turn": 0}, headers=headers
    )
    assert acted.status_code == 200, acted.text
    for turn in range(3):
        answer = client.post(f"/api/games/{game_id}/advance", json={"turn": turn}, headers=headers)
        assert answer.status_code == 200, answer.text
    assert client.get(f"/api/games/{game_id}", headers=headers).json()["turn"] == 3


def test_services_know_nothing_of_http() -> None:
    """The services and the game raise domain errors; only routes and middleware speak
    HTTP (issue #13)."""
    import ast
    import importlib

    for name in ("games", "classroom", "play", "lesson", "store", "odds", "schemas"):
        module = importlib.import_module(f"politburo.web.{name}")
        assert module.__file__ is not None
        tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
        imported = {
            alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.Import)
            for alias in node.names
        } | {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
        http = sorted(x for x in imported if x.split(".")[0] in ("fastapi", "starlette"))
        assert not http, f"politburo.web.{name} imports {http}"


def test_each_domain_error_has_its_status() -> None:
    from politburo.errors import Conflict, Forbidden, Gone, InputError, NotFound, UserError
    from politburo.web.classroom import NoFreeCode
    from politburo.web.middleware import status_of
    from politburo.web.play import IllegalAction

    expected = {
        NotFound: 404,
        Forbidden: 403,
        Conflict: 409,
        Gone: 410,
        UserError: 422,
        InputError: 422,
        IllegalAction: 422,
        NoFreeCode: 503,
    }
    assert {kind: status_of(kind("x")) for kind in expected} == expected


def test_a_game_saved_by_older_rules_is_gone(data: Path) -> None:
    """A saved state the present rules cannot resume: 410 and what to do, not a 500."""
    import io
    import sqlite3

    with TestClient(create_app(data, odds_runs=ODDS_RUNS)) as c:
        game_id, headers, _ = new_game(c)
    db = sqlite3.connect(data)
    (blob,) = db.execute("SELECT state FROM games WHERE id = ?", (game_id,)).fetchone()
    with np.load(io.BytesIO(blob)) as saved:
        arrays = {k: saved[k] for k in saved.files if k != "ally"}
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)  # type: ignore[arg-type]
    db.execute("UPDATE games SET state = ? WHERE id = ?", (buffer.getvalue(), game_id))
    db.commit()
    db.close()
    with TestClient(create_app(data, odds_runs=ODDS_RUNS)) as c:
        answer = c.get(f"/api/games/{game_id}", headers=headers)
    assert answer.status_code == 410
    assert (
        "older version" in answer.json()["detail"] and "start a new one" in answer.json()["detail"]
    )
