"""The game API: the server's health, the scenarios, starting a game, choosing actions,
playing months, the history and the end screen."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from politburo.scenario import builtin_names
from politburo.web import schemas
from politburo.web.games import scenario_info
from politburo.web.routes.common import (
    Answers,
    Classes,
    GameId,
    Games,
    Stored,
    Token,
    created,
    fast,
    problem,
    too_large,
    unreadable,
)
from politburo.web.store import StoreUnavailable

malformed = problem("Malformed request, unknown scenario or leader, or illegal action")
errors: Answers = {
    400: unreadable,
    403: problem("Wrong or missing token"),
    404: problem("No such game"),
    413: too_large,
    422: malformed,
}

router = APIRouter()


@router.get(
    "/api/health",
    response_model=schemas.Health,
    tags=["server"],
    responses={503: problem("The data file is gone or cannot be written")},
)
def health(store: Stored) -> schemas.Health | JSONResponse:
    """Whether the server is up and its data file usable, and how many games it keeps."""
    try:
        return schemas.Health(status="ok", games=store.check())
    except StoreUnavailable as error:
        return JSONResponse({"detail": str(error)}, status_code=503)


@router.get(
    "/api/scenarios",
    response_model=list[schemas.ScenarioInfo],
    response_model_exclude_unset=True,
    tags=["games"],
)
def scenarios() -> list[schemas.ScenarioInfo]:
    """The built-in scenarios, their playable leaders and the difficulties."""
    return [scenario_info(name) for name in builtin_names()]


@router.post(
    "/api/games",
    response_model=schemas.GameCreated,
    status_code=201,
    tags=["games"],
    responses={
        400: unreadable,
        404: problem("No class with this code"),
        413: too_large,
        422: malformed,
    },
)
def create_game(
    body: schemas.NewGame, request: Request, games: Games, classes: Classes
) -> schemas.GameCreated:
    """Start a game. The answer carries the player token: keep it (the page keeps it
    in the game link's fragment and the browser's storage)."""
    if body.class_code is not None:
        return created(games, request, classes.join_from_new_game(body))
    started = games.create(
        body.scenario, body.leader, body.difficulty, body.seed, body.player_name, None
    )
    return created(games, request, started)


@router.get(
    "/api/games/{game_id}", response_model=schemas.GameView, tags=["games"], responses=errors
)
def view_game(game_id: GameId, token: Token, games: Games) -> Response:
    """The monthly view: your situation, coming events, legal actions, last month,
    the power chart (as your leader sees it) and the network."""
    return fast(games.view(games.load(game_id, token)))


@router.post(
    "/api/games/{game_id}/actions",
    response_model=schemas.Pending,
    response_model_exclude_unset=True,
    tags=["games"],
    responses={**errors, 409: problem("The game moved on")},
)
def act(game_id: GameId, body: schemas.ActRequest, token: Token, games: Games) -> schemas.Pending:
    """Choose this month's actions (at most the budget, one of each verb); they are
    saved, and played by the next ``/advance`` that names no actions."""
    with games.locked(game_id):
        loaded = games.load(game_id, token)
        games.choose(loaded, body.actions, body.turn)
        return games.pending(loaded)


@router.post(
    "/api/games/{game_id}/advance",
    response_model=schemas.AdvanceResult,
    tags=["games"],
    responses={
        **errors,
        409: problem("The game is over, or not at the given turn"),
    },
)
def advance(game_id: GameId, token: Token, body: schemas.AdvanceRequest, games: Games) -> Response:
    """Play the month ("next month"): your actions, the AI's, the votes and meetings.
    Saved before the answer is sent."""
    with games.locked(game_id):
        loaded = games.load(game_id, token)
        record = games.advance(loaded, body.actions, body.months, body.turn)
        return fast(
            schemas.AdvanceResult(
                report=games.record_out(loaded.match, record), game=games.view(loaded)
            )
        )


@router.get(
    "/api/games/{game_id}/history",
    response_model=schemas.History,
    tags=["games"],
    responses=errors,
)
def history(game_id: GameId, token: Token, games: Games) -> Response:
    """Every month so far: your actions, what you could know happened, power."""
    return fast(games.history(games.load(game_id, token)))


@router.get(
    "/api/games/{game_id}/summary",
    response_model=schemas.Summary,
    response_model_exclude_unset=True,
    tags=["games"],
    responses={**errors, 409: problem("The game is not over")},
)
def summary(game_id: GameId, token: Token, games: Games) -> schemas.Summary:
    """The end screen: outcome, your game beside history, turning points, and the odds
    from AI-only runs (computed in the background: poll until ready)."""
    return games.summary(games.load(game_id, token))
