"""The web server's limits and its care of the data file (issue 12, "Limits").

Rate limits per game token and per client address (429 with ``Retry-After`` and a problem
body), the budget for AI work and the cap on months per request, the month number in
every choice and advance (a stale one gets 409 and plays nothing), non-finite numbers
refused with 422 (a schemathesis run that sends them finds no server error), health that
checks the data file, a clear one-line error and exit 2 for a data file that cannot be
used, and a prompt, clean exit on SIGINT/SIGTERM while the odds are being computed.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from politburo.web import create_app
from politburo.web.limits import EngineBudget, Limits
from politburo.web.store import Store

SRC = Path(__file__).resolve().parents[1] / "src"
NON_FINITE = [math.nan, math.inf, -math.inf]


def strict_json(text: str) -> Any:
    """Parse JSON as a browser does: NaN and Infinity are not JSON."""

    def refuse(name: str) -> Any:
        raise ValueError(f"non-JSON constant {name}")

    return json.loads(text, parse_constant=refuse)


def limited(tmp_path: Path, **limits: Any) -> TestClient:
    """A client of an app with these limits (on unless told; tests/conftest.py turns the
    environment's default off)."""
    settings = Limits(**{"enabled": True, **limits})
    return TestClient(create_app(tmp_path / "games.sqlite", odds_runs=10, limits=settings))


def new_game(client: TestClient, **body: Any) -> tuple[str, dict[str, str]]:
    answer = client.post("/api/games", json={"scenario": "toy-3", "leader": "tribune", **body})
    assert answer.status_code == 201, answer.text
    created = answer.json()
    return f"/api/games/{created['id']}", {"X-Player-Token": created["token"]}


def assert_too_many(answer: httpx.Response) -> None:
    assert answer.status_code == 429, answer.text
    assert int(answer.headers["Retry-After"]) >= 1
    assert answer.headers["content-type"].startswith("application/json")
    problem = strict_json(answer.text)
    assert problem["status"] == 429 and "try again in" in problem["detail"]


# --- rate limits -------------------------------------------------------------------------


def test_a_game_token_over_its_rate_gets_429_and_other_games_do_not(tmp_path: Path) -> None:
    with limited(tmp_path, per_token="3/minute", per_address="100/minute") as client:
        url, headers = new_game(client)
        other_url, other_headers = new_game(client)
        for _ in range(3):
            assert client.get(url, headers=headers).status_code == 200
        assert_too_many(client.get(url, headers=headers))
        assert client.get(other_url, headers=other_headers).status_code == 200
        assert client.get("/api/health").status_code == 200  # never limited


def test_an_address_over_its_rate_gets_429_but_its_games_play_on(tmp_path: Path) -> None:
    with limited(tmp_path, per_token="100/minute", per_address="2/minute") as client:
        url, headers = new_game(client)  # the first request of this address
        assert client.get("/api/scenarios").status_code == 200
        assert_too_many(client.get("/api/scenarios"))
        assert_too_many(client.post("/api/games", json={"scenario": "toy-3", "leader": "editor"}))
        # requests about a game count against its token, not the address
        assert client.post(f"{url}/advance", json={"turn": 0}, headers=headers).status_code == 200


def test_made_up_tokens_buy_no_fresh_budget(tmp_path: Path) -> None:
    # guessing game ids or class codes with a new token each time counts against the address
    with limited(tmp_path, per_token="100/minute", per_address="3/minute") as client:
        for k in range(2):
            guess = client.get("/api/games/" + "A" * 22, headers={"X-Player-Token": f"t{k}"})
            assert guess.status_code == 404
        board = client.get("/api/classes/ZZZZZZ/dashboard", headers={"X-Teacher-Token": "t"})
        assert board.status_code == 404
        guess = client.get("/api/games/" + "B" * 22, headers={"X-Player-Token": "another"})
        assert_too_many(guess)
        assert_too_many(
            client.get("/api/classes/ZZZZZY/dashboard", headers={"X-Teacher-Token": "u"})
        )


def test_limits_off_lets_everything_through(tmp_path: Path) -> None:
    with limited(tmp_path, enabled=False, per_address="1/minute") as client:
        for _ in range(3):
            assert client.get("/api/scenarios").status_code == 200


# --- months per request and the AI budget ------------------------------------------------


def test_an_advance_plays_at_most_the_cap(tmp_path: Path) -> None:
    with limited(tmp_path, max_months=5, max_months_lookahead=2) as client:
        url, headers = new_game(client)
        answer = client.post(f"{url}/advance", json={"turn": 0, "months": 240}, headers=headers)
        assert answer.json()["game"]["turn"] == 5
        url, headers = new_game(client, difficulty="lookahead")
        answer = client.post(f"{url}/advance", json={"turn": 0, "months": 240}, headers=headers)
        assert answer.json()["game"]["turn"] == 2


def test_the_ai_budget_answers_429_when_spent(tmp_path: Path) -> None:
    # a budget of a millisecond refilled at 0.01% of the engine: one look-ahead month of
    # more than 0.05 ms leaves a debt that takes over ai_max_wait_seconds to repay
    with limited(
        tmp_path, ai_share=0.0001, ai_burst_seconds=0.0001, ai_max_wait_seconds=0.5
    ) as client:
        url, headers = new_game(client, difficulty="lookahead")
        assert client.post(f"{url}/advance", json={"turn": 0}, headers=headers).status_code == 200
        assert_too_many(client.post(f"{url}/advance", json={"turn": 1}, headers=headers))
        # the heuristic AI is not AI work of the budget: its games play on
        url, headers = new_game(client)
        assert client.post(f"{url}/advance", json={"turn": 0}, headers=headers).status_code == 200


def test_a_click_goes_before_a_fast_forwards_next_month() -> None:
    budget = EngineBudget(Limits(enabled=True))
    order: list[str] = []
    waiting = threading.Event()

    def take(name: str, click: bool) -> None:
        waiting.set()
        with budget.month(click=click):
            order.append(name)

    with budget.month(click=True):  # a month being played
        fast_forward = threading.Thread(target=take, args=("fast-forward", False))
        fast_forward.start()
        waiting.wait(5)
        time.sleep(0.1)  # the fast-forward's next month is queued first
        waiting.clear()
        click = threading.Thread(target=take, args=("click", True))
        click.start()
        waiting.wait(5)
        time.sleep(0.1)
    fast_forward.join(5)
    click.join(5)
    assert order == ["click", "fast-forward"]


# --- the month number --------------------------------------------------------------------


def test_a_stale_turn_is_refused_and_nothing_is_played_twice(tmp_path: Path) -> None:
    with limited(tmp_path, enabled=False) as client:
        url, headers = new_game(client)
        game = client.get(url, headers=headers).json()
        choice = next(c for c in game["choices"] if c["verb"] != "pass")
        actions = [{"verb": choice["verb"], "target": choice["target"]}]
        body = {"actions": actions, "turn": 0}
        assert client.post(f"{url}/advance", json=body, headers=headers).status_code == 200
        # the same click again, and the autosave of month 0 landing after it
        repeated = client.post(f"{url}/advance", json=body, headers=headers)
        assert repeated.status_code == 409 and "turn 1" in repeated.json()["detail"]
        late = client.post(f"{url}/actions", json=body, headers=headers)
        assert late.status_code == 409
        game = client.get(url, headers=headers).json()
        assert game["turn"] == 1 and game["pending"] == []
        history = client.get(f"{url}/history", headers=headers).json()["months"]
        assert [m["turn"] for m in history] == [-1, 0]
        # the month number is required
        for path in ("actions", "advance"):
            answer = client.post(f"{url}/{path}", json={"actions": []}, headers=headers)
            assert answer.status_code == 422, answer.text
        # a choice for the current month is kept
        saved = client.post(f"{url}/actions", json={"actions": [], "turn": 1}, headers=headers)
        assert saved.status_code == 200 and saved.json()["turn"] == 1


# --- non-finite numbers ------------------------------------------------------------------


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity"])
def test_non_finite_numbers_get_422(tmp_path: Path, value: str) -> None:
    with limited(tmp_path, enabled=False) as client:
        url, headers = new_game(client)
        json_headers = {**headers, "content-type": "application/json"}
        cases = [
            ("/api/games", f'{{"scenario": "toy-3", "leader": "tribune", "seed": {value}}}'),
            ("/api/games", f'{{"scenario": "toy-3", "leader": "tribune", "player_name": {value}}}'),
            ("/api/classes", f'{{"name": {value}, "scenario": "toy-3"}}'),
            (f"{url}/advance", f'{{"turn": {value}}}'),
            (f"{url}/advance", f'{{"turn": 0, "months": {value}}}'),
            (f"{url}/actions", f'{{"actions": [], "turn": {value}}}'),
            (f"{url}/actions", f'{{"actions": [{{"verb": {value}}}], "turn": 0}}'),
        ]
        for path, raw in cases:
            answer = client.post(path, content=raw, headers=json_headers)
            assert answer.status_code == 422, (path, raw, answer.text)
            assert strict_json(answer.text)["detail"]
        assert client.get(url, headers=headers).json()["turn"] == 0


def _with_non_finite(value: Any, path: list[int], replacement: float) -> Any:
    """``value`` with the leaf that ``path`` picks (each step modulo the branches)
    replaced by ``replacement``."""
    if isinstance(value, dict) and value:
        keys = sorted(value)
        key = keys[path[0] % len(keys)] if path else keys[0]
        return {**value, key: _with_non_finite(value[key], path[1:], replacement)}
    if isinstance(value, list) and value:
        k = path[0] % len(value) if path else 0
        return [*value[:k], _with_non_finite(value[k], path[1:], replacement), *value[k + 1 :]]
    return replacement


def test_schemathesis_with_non_finite_numbers_finds_no_server_error(tmp_path: Path) -> None:
    """Every operation, bodies as the schema allows them and with one value replaced by
    NaN or an infinity, through the limits: never a 500."""
    schemathesis = pytest.importorskip("schemathesis")
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    app = create_app(
        tmp_path / "games.sqlite",
        odds_runs=10,
        limits=Limits(enabled=True, per_token="1000/minute", per_address="1000/minute"),
    )
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    statuses: list[int] = []
    failures: list[tuple[str, str, int, str]] = []
    with TestClient(app) as client:
        url, headers = new_game(client)
        game_id = url.rsplit("/", 1)[1]
        for result in schema.get_all_operations():
            operation = result.ok()

            @settings(
                max_examples=10,
                deadline=None,
                suppress_health_check=list(HealthCheck),
                database=None,
                derandomize=True,
            )
            @given(
                case=operation.as_strategy(),
                path=st.lists(st.integers(0, 7), max_size=4),
                replacement=st.sampled_from(NON_FINITE),
            )
            def check(case: Any, path: list[int], replacement: float) -> None:
                if "game_id" in (case.path_parameters or {}):
                    case.path_parameters["game_id"] = game_id
                kwargs: dict[str, Any] = {"headers": headers, "params": case.query or {}}
                if case.body is not None and not isinstance(case.body, bytes | str):
                    body = _with_non_finite(case.body, path, replacement)
                    kwargs["content"] = json.dumps(body)  # Python writes NaN and Infinity
                    kwargs["headers"] = {**headers, "content-type": "application/json"}
                answer = client.request(case.method, case.formatted_path, **kwargs)
                statuses.append(answer.status_code)
                if answer.status_code >= 500:
                    failures.append(
                        (
                            case.method,
                            case.formatted_path,
                            answer.status_code,
                            kwargs.get("content", ""),
                        )
                    )

            check()
    assert failures == []
    assert len(statuses) >= 10 * 10
    assert 422 in statuses and any(200 <= code < 300 for code in statuses)


# --- the data file -----------------------------------------------------------------------


def test_health_says_503_when_the_data_file_is_gone(tmp_path: Path) -> None:
    with limited(tmp_path) as client:
        new_game(client)
        assert client.get("/api/health").json() == {"status": "ok", "games": 1}
        for suffix in ("", "-wal", "-shm"):
            Path(f"{tmp_path / 'games.sqlite'}{suffix}").unlink(missing_ok=True)
        answer = client.get("/api/health")
        assert answer.status_code == 503 and "gone" in answer.json()["detail"]


def test_closing_the_store_folds_the_log_into_the_file(tmp_path: Path) -> None:
    data = tmp_path / "games.sqlite"
    with limited(tmp_path) as client:
        new_game(client)
    # the data file alone, as a teacher would copy it, holds the game
    copy = tmp_path / "copy.sqlite"
    shutil.copy(data, copy)
    with sqlite3.connect(copy) as db:
        assert db.execute("SELECT COUNT(*) FROM games").fetchone() == (1,)


def serve(data: Path, port: int, *extra: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(SRC), "POLITBURO_LIMITS_ENABLED": "true"}
    command = [sys.executable, "-m", "politburo", "serve", "--port", str(port), "--data"]
    return subprocess.Popen(
        [*command, str(data), *extra],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.fixture
def immutable_file(tmp_path: Path) -> Iterator[Path]:
    """A valid data file that cannot be written (read-only, or immutable for root)."""
    path = tmp_path / "readonly.sqlite"
    Store(path).close()
    if os.geteuid() == 0:
        if shutil.which("chattr") is None or subprocess.run(["chattr", "+i", str(path)]).returncode:
            pytest.skip("running as root without chattr: no way to make a file unwritable")
    else:
        path.chmod(0o444)
    yield path
    if os.geteuid() == 0:
        subprocess.run(["chattr", "-i", str(path)], check=False)


@pytest.mark.parametrize("case", ["missing folder", "a folder", "not sqlite", "read-only"])
def test_an_unusable_data_file_gives_one_line_and_exit_2(
    tmp_path: Path, case: str, request: pytest.FixtureRequest
) -> None:
    if case == "missing folder":
        data = tmp_path / "no" / "such" / "games.sqlite"
    elif case == "a folder":
        data = tmp_path / "folder.sqlite"
        data.mkdir()
    elif case == "not sqlite":
        data = tmp_path / "text.sqlite"
        data.write_text("these are not the games you are looking for\n" * 100)
    else:
        data = request.getfixturevalue("immutable_file")
    process = serve(data, free_port())
    _, err = process.communicate(timeout=120)
    assert process.returncode == 2, err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in err, err
    assert data.name in lines[0]
    assert not (tmp_path / "no").exists()  # a mistyped folder is not created


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_the_server_stops_promptly_while_the_odds_compute(tmp_path: Path, sig: int) -> None:
    data = tmp_path / "games.sqlite"
    port = free_port()
    process = serve(data, port, "--odds-runs", "1000000")  # hours of odds
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"{base}/api/health").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert process.poll() is None and time.monotonic() < deadline, process.stderr
            time.sleep(0.2)
        new = {"scenario": "toy-3", "leader": "tribune"}
        created = httpx.post(f"{base}/api/games", json=new, timeout=120)  # loads the engine
        game = created.json()
        headers = {"X-Player-Token": game["token"]}
        ended = httpx.post(
            f"{base}/api/games/{game['id']}/advance",
            json={"turn": 0, "months": 100},
            headers=headers,
            timeout=60,
        ).json()["game"]
        assert ended["over"]
        summary = httpx.get(
            f"{base}/api/games/{game['id']}/summary", headers=headers, timeout=60
        ).json()
        assert summary["odds"]["status"] == "computing"
        time.sleep(1.0)  # the odds are under way
        started = time.monotonic()
        process.send_signal(sig)
        process.wait(timeout=30)
        took = time.monotonic() - started
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode in (0, -sig), process.stderr.read() if process.stderr else ""
    print(f"stopped {took:.2f} s after signal {sig}")  # the figure in docs/web.md (pytest -s)
    assert took < 10, f"{took:.1f} s to stop"
    # the data file alone holds the game (the log was folded in on the way out)
    assert not Path(f"{data}-wal").exists() or Path(f"{data}-wal").stat().st_size == 0
    copy = tmp_path / "copy.sqlite"
    shutil.copy(data, copy)
    with sqlite3.connect(copy) as db:
        assert db.execute("SELECT COUNT(*) FROM games").fetchone() == (1,)


def test_the_docs_list_every_limit_with_its_default() -> None:
    docs = (Path(__file__).resolve().parents[1] / "docs" / "web.md").read_text(encoding="utf-8")
    for name, field in Limits.model_fields.items():
        default = str(field.default).lower() if isinstance(field.default, bool) else field.default
        row = f"| `POLITBURO_LIMITS_{name.upper()}` | `{default}` |"
        assert row in docs, row


def test_a_malformed_limit_gives_one_line_and_exit_2(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(SRC), "POLITBURO_LIMITS_PER_TOKEN": "often"}
    command = [sys.executable, "-m", "politburo", "serve", "--data", str(tmp_path / "g.sqlite")]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert done.returncode == 2 and len(lines) == 1, done.stderr
    assert "POLITBURO_LIMITS_PER_TOKEN" in lines[0]
