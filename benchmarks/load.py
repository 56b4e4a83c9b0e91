"""Load test of the web game: concurrent players on loopback, each playing months.

    python benchmarks/load.py [--games 50] [--months 24] [--scenario ussr-1922]
        [--difficulty heuristic] [--think 2.0] [--abuser] [--no-limits] [--compare] [--json]

Starts ``politburo.web.serve`` on a free loopback port with a fresh SQLite file (or uses
``--url http://127.0.0.1:PORT`` of a running one; only loopback addresses are accepted).
Every simulated player does what the page does: creates a game (leaders in turn), loads
its view, then for ``--months`` months chooses up to two legal actions at random, waits
a think time drawn uniformly from [0.5, 1.5] x ``--think`` seconds (0: no waiting, a
stress test), saves the choice (``POST /actions``) and presses "next month"
(``POST /advance``, whose answer carries the next month's view). All players run at
once.

Reported: latency of "next month" (p50, p95, p99, max), of saving a choice and of the
first page load, errors (any
non-2xx answer or failed request), months played per second, and **lost saves**: after
the run the server is stopped and started again on the same file, and every game must
come back at the month it reached, with every month's record. Exit status 1 if there
were errors or lost saves.

``--abuser`` adds one abusive client from another loopback address (127.0.0.2): four
connections that, for as long as the players play, start look-ahead games without a token
and ask each for 240 months at once, again as soon as an answer comes (a 429 included,
after 50 ms). Its answers are counted by status. ``--no-limits`` starts the server with
its rate limits and AI budget off (``POLITBURO_LIMITS_ENABLED=false``). ``--compare``
runs four configurations one after another in one invocation, limits on and off, each
without and with the abuser, and reports them side by side; ``--rounds N`` repeats the
four N times, interleaved, so that a change in the machine's other load shows as spread
rather than as a difference between configurations.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fuzz_api import free_port, start_server, wait_until_up

LOOPBACK = ("127.0.0.1", "localhost", "::1", "[::1]")

#: where the abusive client sends from (another loopback address: another client)
ABUSER_ADDRESS = "127.0.0.2"
ABUSER_CONNECTIONS = 4


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[k]


def summary_ms(values: list[float]) -> dict[str, float]:
    return {
        "count": len(values),
        "p50_ms": round(percentile(values, 50) * 1000, 1),
        "p95_ms": round(percentile(values, 95) * 1000, 1),
        "p99_ms": round(percentile(values, 99) * 1000, 1),
        "max_ms": round(max(values) * 1000, 1) if values else float("nan"),
        "mean_ms": round(statistics.fmean(values) * 1000, 1) if values else float("nan"),
    }


class Player:
    """One simulated student."""

    def __init__(self, number: int, leader: str, rng: random.Random) -> None:
        self.number = number
        self.leader = leader
        self.rng = rng
        self.game_id = ""
        self.token = ""
        self.turn = 0
        self.errors: list[str] = []


async def play(
    client: httpx.AsyncClient,
    player: Player,
    scenario: str,
    difficulty: str,
    months: int,
    think: float,
    advance_times: list[float],
    view_times: list[float],
    act_times: list[float],
) -> None:
    try:
        answer = await client.post(
            "/api/games",
            json={
                "scenario": scenario,
                "leader": player.leader,
                "difficulty": difficulty,
                "seed": player.number,
                "player_name": f"player {player.number}",
            },
        )
        if answer.status_code != 201:
            player.errors.append(f"create: {answer.status_code} {answer.text[:200]}")
            return
        created = answer.json()
        player.game_id, player.token = created["id"], created["token"]
        headers = {"X-Player-Token": player.token}
        game = created["game"]
        # the page loads the game once; after that every answer to "next month" carries
        # the new monthly view
        started = time.perf_counter()
        answer = await client.get(f"/api/games/{player.game_id}", headers=headers)
        view_times.append(time.perf_counter() - started)
        if answer.status_code != 200:
            player.errors.append(f"view: {answer.status_code} {answer.text[:200]}")
            return
        game = answer.json()
        for _ in range(months):
            if game["over"]:
                break
            actions = choose(game, player.rng)
            if think > 0:
                await asyncio.sleep(think * player.rng.uniform(0.5, 1.5))
            # choosing saves the choice, as the page does
            started = time.perf_counter()
            answer = await client.post(
                f"/api/games/{player.game_id}/actions",
                json={"actions": actions, "turn": game["turn"]},
                headers=headers,
            )
            act_times.append(time.perf_counter() - started)
            if answer.status_code != 200:
                player.errors.append(f"actions: {answer.status_code} {answer.text[:200]}")
                return
            started = time.perf_counter()
            answer = await client.post(
                f"/api/games/{player.game_id}/advance",
                json={"actions": actions, "turn": game["turn"]},
                headers=headers,
            )
            advance_times.append(time.perf_counter() - started)
            if answer.status_code != 200:
                player.errors.append(f"advance: {answer.status_code} {answer.text[:200]}")
                return
            game = answer.json()["game"]
            player.turn = game["turn"]
    except httpx.HTTPError as error:
        player.errors.append(f"request failed: {error!r}")


def choose(game: dict[str, Any], rng: random.Random) -> list[dict[str, Any]]:
    """Up to the budget of legal actions, distinct verbs, at random."""
    by_verb: dict[str, list[dict[str, Any]]] = {}
    for choice in game["choices"]:
        if choice["verb"] != "pass":
            by_verb.setdefault(choice["verb"], []).append(choice)
    verbs = rng.sample(sorted(by_verb), k=min(game["budget"], len(by_verb)))
    return [
        {"verb": v, "target": rng.choice(by_verb[v])["target"]} for v in verbs if rng.random() < 0.8
    ]


async def abuse(base: str, scenario: str, leaders: list[str], statuses: Counter[int]) -> None:
    """The abusive client: look-ahead games (each leader in turn) asked for 240 months at
    once, without pause, on :data:`ABUSER_CONNECTIONS` connections, until cancelled."""
    transport = httpx.AsyncHTTPTransport(local_address=ABUSER_ADDRESS)
    async with httpx.AsyncClient(base_url=base, timeout=600.0, transport=transport) as client:

        async def one_connection(number: int) -> None:
            for k in itertools.count(number, ABUSER_CONNECTIONS):
                leader = leaders[k % len(leaders)]
                try:
                    answer = await client.post(
                        "/api/games",
                        json={"scenario": scenario, "leader": leader, "difficulty": "lookahead"},
                    )
                    statuses[answer.status_code] += 1
                    if answer.status_code == 201:
                        created = answer.json()
                        answer = await client.post(
                            f"/api/games/{created['id']}/advance",
                            json={"turn": 0, "months": 240},
                            headers={"X-Player-Token": created["token"]},
                        )
                        statuses[answer.status_code] += 1
                except httpx.HTTPError:
                    statuses[0] += 1
                await asyncio.sleep(0.05)

        await asyncio.gather(*(one_connection(k) for k in range(ABUSER_CONNECTIONS)))


async def check_saves(base: str, players: list[Player]) -> list[str]:
    """Games that did not come back at the month they reached, with every record."""
    lost = []
    async with httpx.AsyncClient(base_url=base, timeout=60.0) as client:
        for p in players:
            if not p.game_id:
                continue
            headers = {"X-Player-Token": p.token}
            view = await client.get(f"/api/games/{p.game_id}", headers=headers)
            history = await client.get(f"/api/games/{p.game_id}/history", headers=headers)
            if view.status_code != 200 or history.status_code != 200:
                lost.append(f"{p.game_id}: {view.status_code}/{history.status_code}")
                continue
            turn = view.json()["turn"]
            records = len(history.json()["months"])
            if turn != p.turn or records != p.turn + 1:
                lost.append(
                    f"{p.game_id}: at turn {turn} with {records} records, expected {p.turn}"
                )
    return lost


async def run_players(
    base: str,
    games: int,
    scenario: str,
    difficulty: str,
    months: int,
    think: float,
    seed: int,
    leaders: list[str],
    abuser: Counter[int] | None = None,
) -> tuple[list[Player], list[float], list[float], list[float], float]:
    rng = random.Random(seed)
    players = [
        Player(k, leaders[k % len(leaders)], random.Random(rng.random())) for k in range(games)
    ]
    advance_times: list[float] = []
    view_times: list[float] = []
    act_times: list[float] = []
    # Idle connections are dropped well before the server's keep-alive timeout, so a
    # request never races the server closing the connection it was sent on.
    limits = httpx.Limits(
        max_connections=games + 5,
        max_keepalive_connections=games + 5,
        keepalive_expiry=2.0,
    )
    abusing = (
        asyncio.create_task(abuse(base, scenario, leaders, abuser)) if abuser is not None else None
    )
    async with httpx.AsyncClient(base_url=base, timeout=120.0, limits=limits) as client:
        started = time.perf_counter()
        await asyncio.gather(
            *(
                play(
                    client,
                    p,
                    scenario,
                    difficulty,
                    months,
                    think,
                    advance_times,
                    view_times,
                    act_times,
                )
                for p in players
            )
        )
        elapsed = time.perf_counter() - started
    if abusing is not None:
        abusing.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await abusing
    return players, advance_times, view_times, act_times, elapsed


def load_test(
    games: int = 50,
    months: int = 24,
    scenario: str = "ussr-1922",
    difficulty: str = "heuristic",
    think: float = 2.0,
    seed: int = 0,
    url: str | None = None,
    abuser: bool = False,
    limits: bool = True,
) -> dict[str, Any]:
    """Play ``games`` games at once for ``months`` months each (see the module docstring)
    and return the figures as plain data (``errors`` and ``lost_saves`` are counts)."""
    abuser_statuses: Counter[int] | None = Counter() if abuser else None
    if games < 1 or games > 500 or months < 1 or months > 200:
        raise ValueError("games must be 1..500 and months 1..200")
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "games.sqlite"
        server = None
        if url:
            host = urlparse(url).hostname or ""
            if host not in LOOPBACK and not host.startswith("127."):
                raise ValueError("url must be a loopback address")
            base = url.rstrip("/")
        else:
            port = free_port()
            base = f"http://127.0.0.1:{port}"
            server = start_server(data, port, limits=limits)
        try:
            wait_until_up(base, seconds=120)
            scenarios = httpx.get(f"{base}/api/scenarios").json()
            spec = next(s for s in scenarios if s["id"] == scenario)
            leaders = [x["id"] for x in spec["leaders"]]
            players, advance_times, view_times, act_times, elapsed = asyncio.run(
                run_players(
                    base,
                    games,
                    scenario,
                    difficulty,
                    months,
                    think,
                    seed,
                    leaders,
                    abuser_statuses,
                )
            )
            lost_before = asyncio.run(check_saves(base, players))
        finally:
            if server is not None:
                server.terminate()
                server.wait(timeout=60)
        lost_after: list[str] = []
        restarted = False
        if server is not None:
            port = free_port()
            base = f"http://127.0.0.1:{port}"
            server = start_server(data, port, limits=limits)
            try:
                wait_until_up(base, seconds=120)
                lost_after = asyncio.run(check_saves(base, players))
                restarted = True
            finally:
                server.terminate()
                server.wait(timeout=60)

    errors = [e for p in players for e in p.errors]
    months_played = len(advance_times)
    return {
        "games": games,
        "months_each": months,
        "scenario": scenario,
        "difficulty": difficulty,
        "think_seconds": think,
        "next_month": summary_ms(advance_times),
        "choose_actions": summary_ms(act_times),
        "view_on_page_load": summary_ms(view_times),
        "months_played": months_played,
        "months_per_second": round(months_played / elapsed, 1) if elapsed > 0 else None,
        "wall_seconds": round(elapsed, 1),
        "errors": len(errors),
        "error_samples": errors[:5],
        "lost_saves": len(set(lost_before) | set(lost_after)),
        "lost_save_samples": (lost_before + lost_after)[:5],
        "checked_after_restart": restarted,
        "limits": limits,
        "abuser": None
        if abuser_statuses is None
        else {str(code): n for code, n in sorted(abuser_statuses.items())},
    }


def print_run(result: dict[str, Any]) -> None:
    restarted = result["checked_after_restart"]
    print(
        f"{result['games']} games x {result['months_each']} months of {result['scenario']} "
        f"({result['difficulty']} AI, think {result['think_seconds']}s, limits "
        f"{'on' if result['limits'] else 'off'}"
        f"{', one abusive client' if result['abuser'] is not None else ''}): "
        f"{result['months_played']} months in {result['wall_seconds']}s "
        f"({result['months_per_second']}/s)"
    )
    a = result["next_month"]
    print(
        f"next month: p50 {a['p50_ms']} ms, p95 {a['p95_ms']} ms, p99 {a['p99_ms']} ms, "
        f"max {a['max_ms']} ms"
    )
    c = result["choose_actions"]
    print(f"choose:     p50 {c['p50_ms']} ms, p95 {c['p95_ms']} ms")
    v = result["view_on_page_load"]
    print(f"page load:  p50 {v['p50_ms']} ms, p95 {v['p95_ms']} ms")
    if result["abuser"] is not None:
        print(f"abuser's answers by status: {result['abuser']}")
    print(
        f"errors: {result['errors']}   lost saves: {result['lost_saves']}"
        + ("  (checked after a restart)" if restarted else "")
    )
    for line in result["error_samples"] + result["lost_save_samples"]:
        print("  ", line)


def print_comparison(runs: list[dict[str, Any]]) -> None:
    print("| limits | abusive client | next month p50 / p95 / p99 / max (ms) | months/s "
          "| errors | lost saves | abuser's answers |")  # fmt: skip
    print("|---|---|---|---|---|---|---|")
    for r in runs:
        a = r["next_month"]
        print(
            f"| {'on' if r['limits'] else 'off'} | {'yes' if r['abuser'] is not None else 'no'} "
            f"| {a['p50_ms']} / {a['p95_ms']} / {a['p99_ms']} / {a['max_ms']} "
            f"| {r['months_per_second']} | {r['errors']} | {r['lost_saves']} "
            f"| {r['abuser'] or ''} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--games", type=int, default=50)
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--scenario", default="ussr-1922")
    parser.add_argument("--difficulty", default="heuristic", choices=["heuristic", "lookahead"])
    parser.add_argument("--think", type=float, default=2.0, help="mean think time, seconds")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--url", help="a running server on loopback (skips the restart check)")
    parser.add_argument("--abuser", action="store_true", help="add one abusive client")
    parser.add_argument("--no-limits", action="store_true", help="the server's limits off")
    parser.add_argument(
        "--compare", action="store_true", help="limits on and off, without and with the abuser"
    )
    parser.add_argument("--rounds", type=int, default=1, help="with --compare: repeats")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if args.compare:
        four = [(True, False), (True, True), (False, False), (False, True)]
        configurations = four * max(1, args.rounds)
    else:
        configurations = [(not args.no_limits, args.abuser)]
    if args.url and (args.compare or args.no_limits):
        parser.error("--compare and --no-limits start servers of their own: drop --url")
    runs = []
    for limits, abuser in configurations:
        try:
            runs.append(
                load_test(
                    args.games,
                    args.months,
                    args.scenario,
                    args.difficulty,
                    args.think,
                    args.seed,
                    args.url,
                    abuser=abuser,
                    limits=limits,
                )
            )
        except ValueError as error:
            parser.error(str(error))
    if args.json:
        print(json.dumps(runs if args.compare else runs[0], indent=2))
    else:
        for result in runs:
            print_run(result)
            print()
        if args.compare:
            print_comparison(runs)
    sys.exit(1 if any(r["errors"] or r["lost_saves"] for r in runs) else 0)


if __name__ == "__main__":
    main()
