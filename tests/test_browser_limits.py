"""In headless Chromium: a choice made just before "Next month" is not replayed in the
next month (the autosave carries its month), a wrong game link does not replace the
token this computer remembers, and "Forget this computer" forgets it. The API docs
(``/docs``) render under the page's policy, from the package.

Uses the server and browser of ``tests/test_browser.py`` (skipped like it when Playwright
or Chromium is missing).
"""

from __future__ import annotations

from typing import Any

import httpx

from test_browser import browser, new_page, server  # noqa: F401  (fixtures)


def open_new_game(page: Any, base: str) -> tuple[str, str]:
    """Start a game as Trotsky through the start page; its id and token."""
    page.goto(f"{base}/")
    page.wait_for_selector("#leader-trotsky")
    page.check("#leader-trotsky")
    page.fill("#seed", "3")
    page.click("#start")
    page.wait_for_selector("#next-month")
    game_id = page.url.split("/game/")[1].split("#")[0]
    token = page.evaluate("id => localStorage.getItem(`politburo:game:${id}`)", game_id)
    return game_id, token


def test_a_choice_made_just_before_next_month_stays_in_its_month(
    server: str,  # noqa: F811
    browser: Any,  # noqa: F811
) -> None:
    errors: list[str] = []
    page = new_page(browser, errors)
    game_id, token = open_new_game(page, server)
    headers = {"X-Player-Token": token}
    # choose, and press "Next month" at once (inside the autosave's 250 ms)
    page.locator('select[data-verb="attack"]').select_option(index=1)
    page.click("#next-month")
    page.wait_for_function("() => document.querySelector('#month')?.textContent === '1922-05'")
    page.wait_for_timeout(800)  # well past the autosave's delay
    game = httpx.get(f"{server}/api/games/{game_id}", headers=headers).json()
    assert game["turn"] == 1 and game["pending"] == [], game["pending"]
    played = game["last_month"]["actions"]
    assert [a["verb"] for a in played] == ["attack"]  # the choice went with the advance
    assert page.inner_text("#chosen-count").startswith("0 of")
    page.reload()
    page.wait_for_selector("#next-month")
    assert page.inner_text("#chosen-count").startswith("0 of")
    assert errors == []


def test_a_wrong_link_keeps_the_remembered_token_and_forget_clears_it(
    server: str,  # noqa: F811
    browser: Any,  # noqa: F811
) -> None:
    errors: list[str] = []
    page = new_page(browser, errors)
    game_id, token = open_new_game(page, server)
    # a link cut short: the game still opens, with the token this computer remembers
    page.goto(f"{server}/game/{game_id}#token={token[:10]}")
    page.wait_for_selector("#next-month")
    remembered = page.evaluate("id => localStorage.getItem(`politburo:game:${id}`)", game_id)
    assert remembered == token
    assert page.input_value("#game-link").endswith(token)
    # a shared computer: forget everything
    page.goto(f"{server}/")
    page.wait_for_selector("#forget-computer")
    assert page.locator(f'a[href="/game/{game_id}"]').count() == 1
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#forget-computer")
    page.wait_for_selector("text=None yet")
    keys = page.evaluate("() => Object.keys(localStorage).filter(k => k.startsWith('politburo:'))")
    assert keys == []
    page.goto(f"{server}/game/{game_id}")
    page.wait_for_selector("text=This link lacks its token")
    # the console logs the 403 of the cut link; nothing else went wrong
    assert all("403" in e for e in errors), errors


def test_the_api_docs_render_from_the_package(
    server: str,  # noqa: F811
    browser: Any,  # noqa: F811
) -> None:
    errors: list[str] = []
    requests: list[str] = []
    page = new_page(browser, errors)
    page.on("request", lambda r: requests.append(r.url))
    page.goto(f"{server}/docs")
    page.wait_for_selector(".opblock-summary-path", timeout=30_000)
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert any("/api/games/{game_id}/advance" in p for p in paths)
    assert all(url.startswith(server) for url in requests), requests
    assert errors == []
