"""What the routes share: path parameters, token headers, the services as dependencies,
and the documented error answers."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request, Response
from fastapi import Path as PathParam
from fastapi.security import APIKeyHeader
from pydantic import BaseModel

from politburo.web import schemas
from politburo.web.classroom import ClassService
from politburo.web.games import GameService, Started
from politburo.web.store import Store

GAME_ID = PathParam(pattern=r"^[A-Za-z0-9_-]{16,64}$", description="The game's id.")
CODE = PathParam(pattern=r"^[A-Za-z0-9]{4,12}$", description="The class code.")

player_header = APIKeyHeader(
    name="X-Player-Token",
    scheme_name="PlayerToken",
    auto_error=False,
    description="The token a game was created with.",
)
teacher_header = APIKeyHeader(
    name="X-Teacher-Token",
    scheme_name="TeacherToken",
    auto_error=False,
    description="The token a class was created with.",
)

Token = Annotated[str | None, Depends(player_header)]
Teacher = Annotated[str | None, Depends(teacher_header)]
GameId = Annotated[str, GAME_ID]
Code = Annotated[str, CODE]


def _games(request: Request) -> GameService:
    service: GameService = request.app.state.service
    return service


def _classes(request: Request) -> ClassService:
    service: ClassService = request.app.state.classes
    return service


def _store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


Games = Annotated[GameService, Depends(_games)]
Classes = Annotated[ClassService, Depends(_classes)]
Stored = Annotated[Store, Depends(_store)]


#: documented answers of a route, by status (FastAPI's ``responses``)
Answers = dict[int | str, dict[str, Any]]


def problem(description: str) -> dict[str, Any]:
    """An error answer for the OpenAPI document."""
    return {"description": description, "model": schemas.Problem}


unreadable = problem("The body is not JSON text")
too_large = problem("Request body over 16 KiB")


def base_url(request: Request) -> str:
    """The server's address as the client reached it, without the final slash."""
    return str(request.base_url).rstrip("/")


def fast(answer: BaseModel) -> Response:
    """The big answers (game view, history) written straight from their models, without
    the second validation pass of ``response_model`` (fields left unset are absent, as
    everywhere: see :mod:`politburo.web.schemas`)."""
    return Response(answer.model_dump_json(exclude_unset=True), media_type="application/json")


def created(games: GameService, request: Request, started: Started) -> schemas.GameCreated:
    """The answer to a started game: its id, the token (shown once), its link with the
    token in the fragment, and its first view."""
    return schemas.GameCreated(
        id=started.id,
        token=started.token,
        url=f"{base_url(request)}/game/{started.id}#token={started.token}",
        game=games.view(started.loaded),
    )
