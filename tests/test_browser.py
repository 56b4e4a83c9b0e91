"""End to end in a real headless Chromium (Playwright driving Debian's ``chromium``).

Start a game as Trotsky on ussr-1922, play six months, reload and resume (also from a
fresh browser with only the game link), check that the power chart and the network
graph drew something; the end screen of a finished game; the classroom with a teacher
and two students. Screenshots go to ``tests/artifacts/`` (not committed).

Skipped, with the reason, when Playwright or Chromium is missing. The browser is found
at ``$POLITBURO_CHROMIUM`` or ``/usr/bin/chromium``; Playwright's own browser download
is never used.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
pytest.importorskip("uvicorn", reason="uvicorn is not installed")

import httpx  # noqa: E402
import uvicorn  # noqa: E402

from politburo.web import create_app  # noqa: E402

CHROMIUM = os.environ.get("POLITBURO_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"

if not Path(CHROMIUM).exists():
    pytest.skip(f"no Chromium at {CHROMIUM} (set POLITBURO_CHROMIUM)", allow_module_level=True)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data = tmp_path_factory.mktemp("web") / "games.sqlite"
    app = create_app(data, odds_runs=8)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline:
            pytest.fail("the test server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=30)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    ARTIFACTS.mkdir(exist_ok=True)
    with playwright_api.sync_playwright() as p:
        try:
            launched = p.chromium.launch(executable_path=CHROMIUM, headless=True)
        except Exception as error:  # a broken browser install is a skip, not a failure
            pytest.skip(f"Chromium at {CHROMIUM} did not start: {error}")
        yield launched
        launched.close()


def new_page(browser: Any, errors: list[str]) -> Any:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.set_default_timeout(30_000)
    return page


def painted(page: Any, selector: str) -> int:
    """How many pixels of the canvases under ``selector`` are not blank."""
    return int(
        page.evaluate(
            """(selector) => {
                let count = 0;
                for (const canvas of document.querySelectorAll(selector)) {
                  if (!canvas.width || !canvas.height) continue;
                  const context = canvas.getContext('2d');
                  const data = context.getImageData(0, 0, canvas.width, canvas.height).data;
                  for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) count++;
                }
                return count;
            }""",
            selector,
        )
    )


def test_play_six_months_reload_and_resume(server: str, browser: Any) -> None:
    errors: list[str] = []
    page = new_page(browser, errors)
    page.goto(f"{server}/")
    page.wait_for_selector("#leader-trotsky")
    # The scenario offered first is the first whose record names a winner (from the data).
    offered = httpx.get(f"{server}/api/scenarios").json()
    assert page.input_value("#scenario") == next(s["id"] for s in offered if s["historical_winner"])
    page.screenshot(path=str(ARTIFACTS / "01-start.png"), full_page=True)
    page.check("#leader-trotsky")
    page.fill("#seed", "7")
    page.click("#start")
    page.wait_for_selector("#next-month")
    assert page.inner_text("#month") == "1922-04"
    assert "Leon Trotsky" in page.inner_text("#game-top")
    months = ["1922-05", "1922-06", "1922-07", "1922-08", "1922-09", "1922-10"]
    for k, month in enumerate(months):
        # choose an action every other month: the first option of the attack list
        attack = page.locator('select[data-verb="attack"]')
        if k % 2 == 0 and attack.count():
            attack.select_option(index=1)
            page.wait_for_timeout(400)  # the choice is saved through /actions
        page.click("#next-month")
        page.wait_for_function(
            "m => document.querySelector('#month')?.textContent === m", arg=month
        )
        page.wait_for_selector("#next-month:not([disabled])")
    assert page.locator("#report h2").inner_text() == "What happened in 1922-09"
    assert page.locator("#report li").count() > 0
    assert painted(page, "#power-chart") > 1000, "the power chart drew nothing"
    assert painted(page, "#network canvas") > 1000, "the network graph drew nothing"
    assert int(page.get_attribute("#network", "data-nodes") or 0) >= 10
    page.screenshot(path=str(ARTIFACTS / "02-after-six-months.png"), full_page=True)

    page.reload()
    page.wait_for_selector("#next-month")
    assert page.inner_text("#month") == "1922-10"
    assert painted(page, "#power-chart") > 1000 and painted(page, "#network canvas") > 1000
    link = page.input_value("#game-link")
    page.screenshot(path=str(ARTIFACTS / "03-after-reload.png"), full_page=True)

    # another browser, only the link: the same game, at the same month
    other = new_page(browser, errors)
    other.goto(link)
    other.wait_for_selector("#next-month")
    assert other.inner_text("#month") == "1922-10"
    other.click("#history summary")
    other.wait_for_selector("#history .month-block")
    assert other.locator("#history .month-block h3").count() == 6
    other.screenshot(path=str(ARTIFACTS / "04-resumed-elsewhere.png"), full_page=True)
    # the same page without its token is refused politely
    stripped = new_page(browser, errors)
    stripped.goto(link.split("#")[0])
    stripped.wait_for_selector("text=This link lacks its token")
    assert errors == []


def test_end_screen(server: str, browser: Any) -> None:
    created = httpx.post(
        f"{server}/api/games", json={"scenario": "toy-3", "leader": "secretary", "seed": 1}
    ).json()
    headers = {"X-Player-Token": created["token"]}
    done = httpx.post(
        f"{server}/api/games/{created['id']}/advance",
        json={"months": 240, "turn": 0},
        headers=headers,
        timeout=60,
    )
    assert done.json()["game"]["over"]
    errors: list[str] = []
    page = new_page(browser, errors)
    page.goto(created["url"])
    page.wait_for_selector("#verdict")
    page.wait_for_selector("#odds-chart", timeout=60_000)
    page.wait_for_timeout(300)
    assert page.locator("#timeline tr").count() >= 2
    assert page.locator("#turning-points li").count() >= 1
    assert painted(page, "#odds-chart") > 500
    assert painted(page, "#power-chart") > 1000
    assert "Real power" in page.inner_text("#chart-box h2")
    page.screenshot(path=str(ARTIFACTS / "05-end-screen.png"), full_page=True)
    assert errors == []


def test_classroom_with_two_students(server: str, browser: Any) -> None:
    errors: list[str] = []
    teacher = new_page(browser, errors)
    teacher.goto(f"{server}/class")
    teacher.fill("#class-name", "History 10B")
    teacher.select_option("#class-scenario", "ussr-1922")
    teacher.click("#create-class")
    teacher.wait_for_selector("#headline")
    code = teacher.inner_text("#class-code-shown")
    assert len(code) == 6
    for name, leader in (("Ann", "trotsky"), ("Bob", "zinoviev")):
        student = new_page(browser, errors)
        student.goto(f"{server}/class/{code}")
        student.fill("#student-name", name)
        student.check(f"#leader-{leader}")
        student.click("#join")
        student.wait_for_selector("#next-month")
        if name == "Ann":
            student.click("#next-month")
            student.wait_for_function(
                "() => document.querySelector('#month')?.textContent === '1922-05'"
            )
        if name == "Bob":
            student.screenshot(path=str(ARTIFACTS / "06-student-joined.png"), full_page=True)
    teacher.reload()
    teacher.wait_for_selector("#class-games tr:nth-child(3)")
    table = teacher.inner_text("#class-games")
    assert "Ann" in table and "Bob" in table and "Leon Trotsky" in table
    assert "1922-05" in table and "1922-04" in table
    assert "0 of 0 finished games stopped Joseph Stalin" in teacher.inner_text("#headline")
    teacher.screenshot(path=str(ARTIFACTS / "07-teacher-dashboard.png"), full_page=True)
    assert errors == []
