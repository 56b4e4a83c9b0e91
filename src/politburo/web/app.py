"""The browser game's server: a JSON API (``/api``, documented at ``/docs``) and the
pages that use it, all served by the package itself (no CDN).

Games live in an SQLite file and, while played, in memory; every month is saved before
the answer goes out. Each game has an unguessable id and a player token (sent as
``X-Player-Token``); a class has a short code for students and a teacher token
(``X-Teacher-Token``) for its dashboard.
"""

from __future__ import annotations

import json
import secrets
import threading
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, HTTPException, Request, Response
from fastapi import Path as PathParam
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse
from fastapi.security import APIKeyHeader
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from politburo.errors import UserError
from politburo.model.params import DEFAULT_PARAMETERS
from politburo.scenario import builtin_names
from politburo.web import lesson, schemas
from politburo.web import limits as server_limits
from politburo.web.limits import EngineBudget, Limits
from politburo.web.odds import OddsService
from politburo.web.play import (
    DIFFICULTIES,
    Match,
    OutdatedGame,
    leader_summaries,
    state_to_bytes,
    target_id,
    verb_id,
    world_for,
)
from politburo.web.store import GameRow, SaveConflict, Store, StoreUnavailable, token_matches

#: largest request body accepted (bytes); the biggest legal one is well under 2 KiB
MAX_BODY = 16 * 1024

#: games kept in memory (least recently used leave; they reload from the store)
CACHE_SIZE = 512

#: AI-only runs behind the end screen's odds
ODDS_RUNS = 1000

GAME_ID = PathParam(pattern=r"^[A-Za-z0-9_-]{16,64}$", description="The game's id.")

player_header = APIKeyHeader(
    name="X-Player-Token",
    scheme_name="PlayerToken",
    auto_error=False,
    description="The token a game was created with.",
)
Token = Annotated[str | None, Depends(player_header)]
GameId = Annotated[str, GAME_ID]

STATIC = resources.files("politburo.web") / "static"

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; "
    "style-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
}


class BodyLimit:
    """ASGI middleware: refuse request bodies over ``limit`` bytes with 413, whether the
    client declares the length or streams it."""

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = self.limit + 1
                if declared > self.limit:
                    await _too_large(send)
                    return
        seen = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise _BodyTooLarge()
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _BodyTooLarge:
            if not started:
                await _too_large(send)


class _BodyTooLarge(HTTPException):
    """Raised from ``receive``: the app's error handling answers 413."""

    def __init__(self) -> None:
        super().__init__(413, "request body too large (limit 16 KiB)")


async def _too_large(send: Send) -> None:
    body = b'{"detail":"request body too large (limit 16 KiB)"}'
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


@dataclass
class Loaded:
    """A game in memory: its saved header and the live match."""

    row: GameRow
    match: Match


class GameService:
    """Games: creation, access checks, playing, saving, summaries (classes:
    :class:`politburo.web.classroom.ClassService`)."""

    def __init__(
        self, store: Store, odds: OddsService, limits: Limits, budget: EngineBudget
    ) -> None:
        self.store = store
        self.odds = odds
        self.limits = limits
        # One month is simulated at a time (players' clicks before fast-forwards), instead
        # of every waiting request slowing the others down by sharing the interpreter.
        self.budget = budget
        self._cache: OrderedDict[str, Loaded] = OrderedDict()
        self._cache_lock = threading.Lock()
        self._locks: dict[str, threading.Lock] = {}

    # --- access --------------------------------------------------------------------------

    @contextmanager
    def locked(self, game_id: str) -> Iterator[None]:
        """One request at a time per game (a double click cannot play a month twice)."""
        with self._cache_lock:
            lock = self._locks.setdefault(game_id, threading.Lock())
        with lock:
            yield

    def load(self, game_id: str, token: str | None, authorized: bool = False) -> Loaded:
        """The game, if the token is its player's (or the caller checked access:
        ``authorized``); 404 or 403 otherwise."""
        with self._cache_lock:
            loaded = self._cache.get(game_id)
            if loaded is not None:
                self._cache.move_to_end(game_id)
        if loaded is None:
            row = self.store.game(game_id)
            if row is None:
                raise HTTPException(404, "no game with this id")
            if not authorized and not token_matches(token, row.token_hash):
                raise HTTPException(403, "this game belongs to another player (wrong token)")
            try:
                match = Match.restore(
                    row.scenario,
                    row.leader,
                    row.difficulty,
                    row.seed,
                    row.state,
                    self.store.records(game_id),
                    row.end_turn,
                )
            except OutdatedGame as error:
                raise HTTPException(410, f"this game was {error}; start a new one") from error
            loaded = Loaded(row, match)
            with self._cache_lock:
                self._cache[game_id] = loaded
                while len(self._cache) > CACHE_SIZE:
                    old, _ = self._cache.popitem(last=False)
                    self._locks.pop(old, None)
        if not authorized and not token_matches(token, loaded.row.token_hash):
            raise HTTPException(403, "this game belongs to another player (wrong token)")
        return loaded

    def forget(self, game_id: str) -> None:
        with self._cache_lock:
            self._cache.pop(game_id, None)

    # --- games ---------------------------------------------------------------------------

    def create(
        self,
        scenario: str,
        leader: str,
        difficulty: str,
        seed: int | None,
        player_name: str | None,
        class_code: str | None,
        end: int | None = None,
    ) -> tuple[str, str, Loaded]:
        if scenario not in builtin_names():
            raise HTTPException(
                422, f"unknown scenario {scenario!r}; choose one of: {', '.join(builtin_names())}"
            )
        world = world_for(scenario)
        actors = [x["id"] for x in leader_summaries(world)]
        if leader not in actors:
            raise HTTPException(
                422,
                f"{leader!r} is not a leader who acts in {scenario}; choose one of: "
                + ", ".join(actors),
            )
        if seed is None:
            seed = secrets.randbelow(2**31)
        match = Match.new(scenario, leader, difficulty, seed, end)
        game_id = secrets.token_urlsafe(16)
        token = secrets.token_urlsafe(24)
        self.store.create_game(
            game_id=game_id,
            token=token,
            scenario=scenario,
            leader=leader,
            difficulty=difficulty,
            seed=seed,
            class_code=class_code,
            player_name=player_name,
            state=state_to_bytes(match.state),
            start_record=match.records[0],
            status=match.status(),
            end_turn=end,
        )
        row = self.store.game(game_id)
        assert row is not None
        loaded = Loaded(row, match)
        with self._cache_lock:
            self._cache[game_id] = loaded
        return game_id, token, loaded

    def choose(self, loaded: Loaded, actions: list[schemas.ActionIn], turn: int) -> None:
        """Check and remember this month's actions (409 if the game is not at ``turn``)."""
        at_turn(loaded, turn)
        pairs = [(a.verb, a.target) for a in actions]
        loaded.match.parse_actions(pairs)
        pending = [{"verb": v, "target": t} for v, t in pairs]
        try:
            self.store.set_pending(loaded.row.id, loaded.match.turn, pending)
        except SaveConflict as error:
            self.forget(loaded.row.id)
            raise HTTPException(409, str(error)) from None
        loaded.row = _replace_row(loaded.row, pending=pending)

    def advance(
        self, loaded: Loaded, actions: list[schemas.ActionIn] | None, months: int, turn: int
    ) -> dict[str, Any]:
        """Play ``months`` months (the first with the player's actions), saving each;
        at most the cap of the game's difficulty, and only if the game is at ``turn``."""
        match = loaded.match
        if match.over:
            raise HTTPException(409, "the game is over")
        at_turn(loaded, turn)
        months = min(months, self.limits.months_cap(loaded.row.difficulty))
        ai = self.limits.heavy(loaded.row.difficulty)
        if ai:
            self.budget.admit_ai()
        if actions is None:
            pairs = [(a["verb"], a["target"]) for a in loaded.row.pending]
        else:
            pairs = [(a.verb, a.target) for a in actions]
        chosen = match.parse_actions(pairs)
        record: dict[str, Any] = {}
        for k in range(months):
            if match.over:
                break
            before = match.turn
            try:
                if ai:
                    self.budget.wait_for_ai(background=k > 0)
                with self.budget.month(click=k == 0), self.budget.charged(ai):
                    record = match.advance(chosen if k == 0 else [])
                self.store.save_month(
                    loaded.row.id,
                    expected_turn=before,
                    turn=match.turn,
                    over=match.over,
                    winner=_winner(match),
                    consolidated=_consolidated(match),
                    status=match.status(),
                    state=state_to_bytes(match.state),
                    record=record,
                )
            except SaveConflict as error:
                self.forget(loaded.row.id)
                raise HTTPException(409, str(error)) from None
            except BaseException:
                # The month may be half played in memory: drop it, the store has the truth.
                self.forget(loaded.row.id)
                raise
            loaded.row = _replace_row(
                loaded.row,
                turn=match.turn,
                over=match.over,
                winner=_winner(match),
                consolidated=_consolidated(match),
                status=match.status(),
                pending=[],
            )
        if match.over:
            self.odds.get(match.scenario)
        return record

    # --- views ---------------------------------------------------------------------------

    def view(self, loaded: Loaded) -> dict[str, Any]:
        match, row = loaded.match, loaded.row
        w = match.world
        me = match.me
        return {
            "id": row.id,
            "scenario": row.scenario,
            "scenario_name": w.scenario.name,
            "leader": row.leader,
            "leader_name": w.leader_names[me],
            "sketch": w.scenario.leaders[me].sketch,
            "difficulty": row.difficulty,
            "seed": row.seed if match.over else None,
            "player_name": row.player_name,
            "class_code": row.class_code,
            "turn": match.turn,
            "months": match.months,
            "month": match.month,
            "over": match.over,
            "status": match.status(),
            "budget": match.budget,
            "situation": match.situation(),
            "upcoming": match.upcoming(),
            "choices": lesson.choices_out(match),
            "pending": [
                {"verb": a["verb"], "target": a["target"], "text": _pending_text(match, a)}
                for a in row.pending
            ],
            "last_month": self.record_out(match, match.records[-1])
            if len(match.records) > 1
            else None,
            "chart": match.chart(),
            "featured": lesson.featured(match),
            "terms": lesson.glossary(w),
            "graph": match.graph(),
            "outcome": match.outcome() if match.over else None,
        }

    @staticmethod
    def record_out(match: Match, record: dict[str, Any]) -> dict[str, Any]:
        """A month record as the player may see it, his own moves first (see
        :func:`lesson.month_report`): real power only once it is over."""
        turn = record["turn"]
        before = match.records[turn] if 0 <= turn < len(match.records) else None
        report = lesson.month_report(match.world, match.me, record, before)
        return {**report, "real": record["real"] if match.over else None}

    def summary(self, loaded: Loaded) -> dict[str, Any]:
        match = loaded.match
        if not match.over:
            raise HTTPException(409, "the game is not over yet")
        w = match.world
        outcome = match.outcome()
        timeline = match.timeline()
        odds = self.odds.get(match.scenario)
        odds["note"] = (
            f"{odds['runs']} runs with the heuristic AI playing every leader from the same "
            "start. "
            "Intervals are 95% Wilson intervals."
        )
        me_id = w.leader_ids[match.me]
        if odds["status"] == "ready":
            mine = next((x for x in odds["winners"] if x["leader"] == me_id), None)
            odds["your_leader_share"] = 0.0 if mine is None else mine["share"]
        return {
            "id": loaded.row.id,
            "leader": me_id,
            "leader_name": w.leader_names[match.me],
            "outcome": outcome,
            "verdict": _verdict(match, outcome, timeline),
            "timeline": timeline,
            "turning_points": match.turning_points(),
            "reveal": lesson.reveal(match),
            "odds": odds,
        }


def index_page() -> HTMLResponse:
    """The one HTML page: the script routes by path (start, game, class)."""
    return HTMLResponse((STATIC / "index.html").read_text(encoding="utf-8"))


def problem(description: str) -> dict[str, Any]:
    """An error answer for the OpenAPI document."""
    return {"description": description, "model": schemas.Problem}


def fast(payload: dict[str, Any]) -> Response:
    """The big answers (game view, history) as JSON without a second validation pass:
    they are built from plain Python values, and the tests and schemathesis check them
    against the documented models."""
    return Response(
        json.dumps(payload, separators=(",", ":"), allow_nan=False),
        media_type="application/json",
    )


def at_turn(loaded: Loaded, turn: int) -> None:
    """409 unless the game is at ``turn``: a repeated or late request plays nothing."""
    if turn != loaded.match.turn:
        raise HTTPException(
            409,
            f"this request is for turn {turn}, but the game is at turn {loaded.match.turn}"
            f" ({loaded.match.month}); reload",
        )


def _replace_row(row: GameRow, **changes: Any) -> GameRow:
    return replace(row, **changes)


def _winner(match: Match) -> str | None:
    winner = int(match.state.winner[0])
    return None if winner < 0 else match.world.leader_ids[winner]


def _consolidated(match: Match) -> str | None:
    turn = int(match.state.consolidated[0])
    return None if turn < 0 else match.world.month_label(turn)


def _pending_text(match: Match, action: dict[str, Any]) -> str:
    for choice in match.choices():
        if (
            verb_id(choice.verb) == action["verb"]
            and (target_id(match.world, choice.verb, choice.target) if choice.target >= 0 else None)
            == action["target"]
        ):
            return choice.text
    return f"{action['verb']} {action['target'] or ''}".strip()


def _verdict(match: Match, outcome: dict[str, Any], timeline: dict[str, Any]) -> str:
    """One sentence: how the player did and how the game differed from history."""
    w = match.world
    me_id = w.leader_ids[match.me]
    me_name = w.leader_names[match.me]
    winner = outcome["winner"]
    if winner == me_id:
        first = f"You won: {me_name} consolidated power in {outcome['month']}."
    elif winner is None and outcome["lesson_ended"]:
        first = outcome["summary"][0]
    elif winner is None:
        first = "No one consolidated power: the game ends in a collective leadership."
    else:
        first = f"{outcome['winner_name']} consolidated power in {outcome['month']}."
    historical = timeline["historical_winner"]
    if not timeline["has_history"]:
        return first
    history = w.scenario.history
    assert history is not None
    if winner == history.winner:
        second = f" As in history ({historical}, {history.consolidated})."
    else:
        second = f" In history {historical} won ({history.consolidated}): your game went otherwise."
    return first + second


def create_app(data: Path, odds_runs: int = ODDS_RUNS, limits: Limits | None = None) -> FastAPI:
    """The web app, keeping its games in the SQLite file ``data``, under ``limits``
    (default: :class:`Limits` from the environment). Raises
    :class:`~politburo.web.store.StoreUnavailable` if the file cannot be used."""
    from politburo.web.classroom import ClassService
    from politburo.web.classroom import router as classroom_router

    limits = limits if limits is not None else Limits()
    budget = EngineBudget(limits)
    store = Store(Path(data))
    odds = OddsService(store, odds_runs, budget=budget)
    service = GameService(store, odds, limits, budget)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        # Stop the odds between two chunks, then fold the WAL into the data file.
        odds.shutdown()
        store.close()

    app = FastAPI(
        title="politburo",
        version="1",
        summary="Play the succession struggle in the browser; the same API for scripts.",
        description=(
            "Start a game as one leader, choose actions each month, advance, read what "
            "happened. Send the token a game was created with as `X-Player-Token`; a "
            "class's teacher sends `X-Teacher-Token`. Bodies are limited to 16 KiB."
        ),
        lifespan=lifespan,
        responses={
            429: {
                "model": schemas.Problem,
                "description": "Too many requests, or the AI is busy: wait Retry-After seconds",
            }
        },
        docs_url=None,  # served below from the package: the page's policy allows no CDN
        redoc_url=None,
    )
    app.state.service = service
    app.state.classes = classes = ClassService(service)
    app.state.store = store
    app.add_middleware(BodyLimit, limit=MAX_BODY)
    server_limits.install(app, limits)

    @app.middleware("http")
    async def security_headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        for key, value in SECURITY_HEADERS.items():
            response.headers.setdefault(key, value)
        return response

    @app.exception_handler(UserError)
    async def user_error(_: Request, error: UserError) -> JSONResponse:
        # An illegal action, a bad scenario or seed: the request's fault, never a 500.
        return JSONResponse({"detail": str(error)}, status_code=422)

    def game_of(game_id: str, token: str | None) -> Loaded:
        return service.load(game_id, token)

    malformed = problem("Malformed request, unknown scenario or leader, or illegal action")
    unreadable = problem("The body is not JSON text")
    errors: dict[int | str, dict[str, Any]] = {
        400: unreadable,
        403: problem("Wrong or missing token"),
        404: problem("No such game"),
        413: problem("Request body over 16 KiB"),
        422: malformed,
    }

    # --- API -------------------------------------------------------------------------

    @app.get(
        "/api/health",
        response_model=schemas.Health,
        tags=["server"],
        responses={503: problem("The data file is gone or cannot be written")},
    )
    def health() -> Any:
        """Whether the server is up and its data file usable, and how many games it keeps."""
        try:
            return {"status": "ok", "games": store.check()}
        except StoreUnavailable as error:
            return JSONResponse({"detail": str(error)}, status_code=503)

    @app.get("/api/scenarios", response_model=list[schemas.ScenarioInfo], tags=["games"])
    def scenarios() -> list[dict[str, Any]]:
        """The built-in scenarios, their playable leaders and the difficulties."""
        return [_scenario_info(name) for name in builtin_names()]

    @app.post(
        "/api/games",
        response_model=schemas.GameCreated,
        status_code=201,
        tags=["games"],
        responses={
            400: unreadable,
            404: problem("No class with this code"),
            413: errors[413],
            422: malformed,
        },
    )
    def create_game(body: schemas.NewGame, request: Request) -> dict[str, Any]:
        """Start a game. The answer carries the player token: keep it (the page keeps it
        in the game link's fragment and the browser's storage)."""
        if body.class_code is not None:
            return classes.join_from_new_game(body, request)
        return _created(
            service,
            request,
            *service.create(
                body.scenario, body.leader, body.difficulty, body.seed, body.player_name, None
            ),
        )

    @app.get(
        "/api/games/{game_id}", response_model=schemas.GameView, tags=["games"], responses=errors
    )
    def view_game(game_id: GameId, token: Token) -> Response:
        """The monthly view: your situation, coming events, legal actions, last month,
        the power chart (as your leader sees it) and the network."""
        return fast(service.view(game_of(game_id, token)))

    @app.post(
        "/api/games/{game_id}/actions",
        response_model=schemas.Pending,
        tags=["games"],
        responses={**errors, 409: problem("The game moved on")},
    )
    def act(game_id: GameId, body: schemas.ActRequest, token: Token) -> dict[str, Any]:
        """Choose this month's actions (at most the budget, one of each verb); they are
        saved, and played by the next ``/advance`` that names no actions."""
        with service.locked(game_id):
            loaded = game_of(game_id, token)
            service.choose(loaded, body.actions, body.turn)
            return {
                "id": game_id,
                "turn": loaded.match.turn,
                "pending": [
                    {**a, "text": _pending_text(loaded.match, a)} for a in loaded.row.pending
                ],
            }

    @app.post(
        "/api/games/{game_id}/advance",
        response_model=schemas.AdvanceResult,
        tags=["games"],
        responses={
            **errors,
            409: problem("The game is over, or not at the given turn"),
        },
    )
    def advance(game_id: GameId, token: Token, body: schemas.AdvanceRequest) -> Response:
        """Play the month ("next month"): your actions, the AI's, the votes and meetings.
        Saved before the answer is sent."""
        with service.locked(game_id):
            loaded = game_of(game_id, token)
            record = service.advance(loaded, body.actions, body.months, body.turn)
            return fast(
                {
                    "report": service.record_out(loaded.match, record),
                    "game": service.view(loaded),
                }
            )

    @app.get(
        "/api/games/{game_id}/history",
        response_model=schemas.History,
        tags=["games"],
        responses=errors,
    )
    def history(game_id: GameId, token: Token) -> Response:
        """Every month so far: your actions, what you could know happened, power."""
        loaded = game_of(game_id, token)
        match = loaded.match
        return fast(
            {"id": game_id, "months": [service.record_out(match, r) for r in match.records]}
        )

    @app.get(
        "/api/games/{game_id}/summary",
        response_model=schemas.Summary,
        tags=["games"],
        responses={**errors, 409: problem("The game is not over")},
    )
    def summary(game_id: GameId, token: Token) -> dict[str, Any]:
        """The end screen: outcome, your game beside history, turning points, and the odds
        from AI-only runs (computed in the background: poll until ready)."""
        return service.summary(game_of(game_id, token))

    # --- pages -----------------------------------------------------------------------

    page = index_page

    @app.get("/", include_in_schema=False)
    def start_page() -> HTMLResponse:
        return page()

    @app.get("/game/{game_id}", include_in_schema=False)
    def game_page(game_id: GameId) -> HTMLResponse:
        return page()

    @app.get("/docs", include_in_schema=False)
    def api_docs() -> HTMLResponse:
        return HTMLResponse((STATIC / "docs.html").read_text(encoding="utf-8"))

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> FileResponse:
        return FileResponse(str(STATIC / "favicon.svg"), media_type="image/svg+xml")

    app.include_router(classroom_router)
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")
    return app


def _scenario_info(name: str) -> dict[str, Any]:
    w = world_for(name)
    history = w.scenario.history
    winner = history.winner if history is not None else None
    return {
        "id": name,
        "name": w.scenario.name,
        "description": w.scenario.description.strip(),
        "start": w.month_label(0),
        "end": w.month_label(w.months - 1),
        "months": w.months,
        "leaders": leader_summaries(w),
        "historical_winner": None if winner is None else w.leader_names[w.leader(winner)],
        "difficulties": DIFFICULTIES,
        "goal": lesson.goal(w),
        "rules": lesson.rules(w, DEFAULT_PARAMETERS.actions_per_month),
        "glossary": lesson.glossary(w),
    }


def _created(
    service: GameService, request: Request, game_id: str, token: str, loaded: Loaded
) -> dict[str, Any]:
    base = str(request.base_url).rstrip("/")
    return {
        "id": game_id,
        "token": token,
        "url": f"{base}/game/{game_id}#token={token}",
        "game": service.view(loaded),
    }
