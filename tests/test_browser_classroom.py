"""The teacher's lesson end to end in a real headless Chromium: a teacher sets up a short
lesson, two students join and play, the board shows them, the debrief renders (at
projector size and at 390 px), the results download as CSV, and the teacher opens a
student's end screen. Uses the server, browser and page helpers of ``test_browser.py``
(skipped the same way without Playwright or Chromium). Screenshots of the debrief go to
``tests/artifacts/``.
"""

from __future__ import annotations

import csv
import io
from typing import Any
from urllib.parse import unquote

import httpx

from politburo.analysis.validation import contenders
from politburo.scenario import load_scenario
from politburo.web.classroom import RESULT_COLUMNS

# Skips this module as it skips its own, without Playwright or Chromium.
from test_browser import ARTIFACTS, browser, new_page, server  # noqa: F401

LESSON_MONTHS = 24


def overflow(page: Any) -> int:
    """How many pixels the page is wider than its window (0: no sideways scrolling)."""
    return int(page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth"))


def test_a_short_lesson_with_two_students(server: str, browser: Any) -> None:  # noqa: F811
    errors: list[str] = []
    # The teacher opens the server under another name than the students: the join link
    # must follow the address her browser used.
    teacher_base = server.replace("127.0.0.1", "localhost")
    teacher = new_page(browser, errors)
    teacher.goto(f"{teacher_base}/class")
    teacher.fill("#class-name", "History 10B")
    teacher.select_option("#class-scenario", "ussr-1922")
    teacher.check(f'input[name="length"][value="{LESSON_MONTHS}"]')
    teacher.check("#mode-balance")
    teacher.click("#create-class")
    teacher.wait_for_selector("#headline")
    code = teacher.inner_text("#class-code-shown")
    assert teacher.inner_text("#join-url") == f"{teacher_base}/class/{code}"
    assert teacher.locator("#local-warning").count() == 1  # a loopback address warns
    assert f"{LESSON_MONTHS} months" in teacher.inner_text("#board")

    tokens = {}
    for name, months in (("Ann", 3), ("Bob", 2)):
        student = new_page(browser, errors)
        student.goto(f"{server}/class/{code}")
        assert student.locator('input[name="leader"]').count() == 0  # balanced: no choice
        student.fill("#student-name", name)
        student.click("#join")
        student.wait_for_selector("#next-month")
        assert f"of {LESSON_MONTHS}" in student.inner_text("#game-top")
        for _ in range(months):
            before = student.inner_text("#month")
            student.click("#next-month")
            student.wait_for_function(
                "m => document.querySelector('#month')?.textContent !== m", arg=before
            )
            student.wait_for_selector("#next-month:not([disabled])")
        game_id = student.url.split("/game/")[1].split("#")[0]
        tokens[name] = (game_id, unquote(student.url.split("#token=")[1]))
    # Ann plays on to the lesson's end
    game_id, token = tokens["Ann"]
    ended = httpx.post(
        f"{server}/api/games/{game_id}/advance",
        json={"months": LESSON_MONTHS, "turn": 3},  # she played three months above
        headers={"X-Player-Token": token},
        timeout=120,
    ).json()["game"]
    assert ended["over"] and ended["turn"] <= LESSON_MONTHS

    teacher.reload()
    teacher.wait_for_selector('#class-games tr[data-student="Bob"]')
    rows = {
        name: teacher.inner_text(f'#class-games tr[data-student="{name}"]')
        for name in ("Ann", "Bob")
    }
    spread = contenders(load_scenario("ussr-1922"))
    ussr = next(x for x in httpx.get(f"{server}/api/scenarios").json() if x["id"] == "ussr-1922")
    names = {x["id"]: x["name"] for x in ussr["leaders"]}
    assert names[spread[0]] in rows["Ann"] and names[spread[1]] in rows["Bob"]
    assert "over" in rows["Ann"] and "month 3 of 24" in rows["Bob"]
    teacher.screenshot(path=str(ARTIFACTS / "08-lesson-board.png"), full_page=True)

    with teacher.expect_download() as download:
        teacher.click("#download-csv")
    text = download.value.path().read_text(encoding="utf-8")
    results = list(csv.DictReader(io.StringIO(text)))
    assert list(results[0]) == list(RESULT_COLUMNS)
    assert [(r["student"], r["finished"]) for r in results] == [("Ann", "yes"), ("Bob", "no")]

    teacher.click("#open-debrief")
    teacher.wait_for_selector("#prompts li")
    teacher.wait_for_function(
        "() => !document.querySelector('#outcomes').textContent.includes('being computed')",
        timeout=120_000,
    )
    assert "In history" in teacher.inner_text("#history-line")
    assert teacher.locator("#outcomes tr").count() >= 2
    assert teacher.locator("#fates tr").count() == 3  # a header and the two leaders played
    assert teacher.locator("#turning details").count() == 2
    font = teacher.evaluate(
        "() => parseFloat(getComputedStyle(document.querySelector('#prompts li')).fontSize)"
    )
    assert font >= 22, "the debrief is read from the back of a room"
    teacher.set_viewport_size({"width": 1920, "height": 1080})
    teacher.screenshot(path=str(ARTIFACTS / "09-debrief-projector.png"), full_page=True)
    teacher.set_viewport_size({"width": 390, "height": 844})
    teacher.wait_for_timeout(200)
    assert overflow(teacher) <= 0, "the debrief scrolls sideways at 390 px"
    teacher.screenshot(path=str(ARTIFACTS / "10-debrief-390.png"), full_page=True)
    teacher.set_viewport_size({"width": 1400, "height": 1000})

    teacher.click("text=Ann's end screen ▸")
    teacher.wait_for_selector("#verdict")
    assert "Ann" in teacher.inner_text("main h1")
    teacher.screenshot(path=str(ARTIFACTS / "11-teacher-end-screen.png"), full_page=True)
    assert errors == []
