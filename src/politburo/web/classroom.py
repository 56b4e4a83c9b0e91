"""The classroom: a teacher creates a class, students join it with its short code, and
the teacher's dashboard shows every game of the class.

A class has a short code for students and a teacher token (sent as
``X-Teacher-Token``) for its dashboard. The routes here are an ``APIRouter`` that
:func:`politburo.web.app.create_app` includes; they reach the games through the app's
:class:`ClassService`.
"""

from __future__ import annotations

import secrets
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse
from fastapi.security import APIKeyHeader
from pydantic import BaseModel, Field

from politburo.scenario import builtin_names
from politburo.web import schemas
from politburo.web.app import GameService, _created, _scenario_info, index_page, problem
from politburo.web.play import DIFFICULTIES, world_for
from politburo.web.schemas import Difficulty, LeaderId, LeaderInfo, ScenarioId, Seed, Strict
from politburo.web.store import token_matches

CLASS_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud in class
CLASS_CODE_LENGTH = 6

CODE = PathParam(pattern=r"^[A-Za-z0-9]{4,12}$", description="The class code.")

teacher_header = APIKeyHeader(
    name="X-Teacher-Token",
    scheme_name="TeacherToken",
    auto_error=False,
    description="The token a class was created with.",
)

Teacher = Annotated[str | None, Depends(teacher_header)]
Code = Annotated[str, CODE]


# --- request and response bodies ---------------------------------------------------------


class JoinClass(Strict):
    """Join a class: your name and leader (the class fixes the scenario)."""

    player_name: str = Field(min_length=1, max_length=60)
    leader: str = LeaderId
    difficulty: Difficulty = "heuristic"
    seed: int | None = Seed


class NewClass(Strict):
    """Create a class: a name and the scenario every student plays."""

    name: str = Field(min_length=1, max_length=80)
    scenario: str = ScenarioId


class ClassCreated(BaseModel):
    code: str
    teacher_token: str = Field(description="Send as X-Teacher-Token; shown once.")
    name: str
    scenario: str
    url: str = Field(description="The teacher's dashboard; the token travels in the fragment.")
    join_url: str = Field(description="Give this to the students.")


class ClassInfo(BaseModel):
    code: str
    name: str
    scenario: str
    scenario_name: str
    leaders: list[LeaderInfo]
    difficulties: dict[str, str]


class ClassGame(BaseModel):
    player_name: str | None
    leader: str
    leader_name: str
    difficulty: str
    turn: int
    month: str
    over: bool
    status: str
    winner: str | None
    winner_name: str | None
    consolidated: str | None


class Dashboard(BaseModel):
    code: str
    name: str
    scenario: str
    games: list[ClassGame]
    finished: int
    playing: int
    winners: dict[str, int]
    historical_winner: str | None
    stopped: int | None = Field(description="Finished games the historical winner did not win.")
    headline: str


# --- the service -------------------------------------------------------------------------


class ClassService:
    """Classes: creation, joining, the teacher's dashboard."""

    def __init__(self, games: GameService) -> None:
        self.games = games
        self.store = games.store

    def create_class(self, name: str, scenario: str) -> tuple[str, str]:
        if scenario not in builtin_names():
            raise HTTPException(
                422, f"unknown scenario {scenario!r}; choose one of: {', '.join(builtin_names())}"
            )
        token = secrets.token_urlsafe(24)
        for _ in range(20):
            code = "".join(secrets.choice(CLASS_ALPHABET) for _ in range(CLASS_CODE_LENGTH))
            if self.store.create_class(code, token, name, scenario):
                return code, token
        raise HTTPException(503, "could not find a free class code; try again")

    def classroom(self, code: str) -> dict[str, Any]:
        found = self.store.classroom(code.upper())
        if found is None:
            raise HTTPException(404, "no class with this code")
        return found

    def join(
        self,
        code: str,
        player_name: str | None,
        leader: str,
        difficulty: str,
        seed: int | None,
        request: Request,
        scenario: str | None = None,
    ) -> dict[str, Any]:
        """Start a game in the class (``scenario``, if given, must be the class's)."""
        room = self.classroom(code)
        if scenario is not None and room["scenario"] != scenario:
            raise HTTPException(
                422, f"class {room['code']} plays {room['scenario']}, not {scenario}"
            )
        return _created(
            self.games,
            request,
            *self.games.create(
                room["scenario"], leader, difficulty, seed, player_name, room["code"]
            ),
        )

    def join_from_new_game(self, body: schemas.NewGame, request: Request) -> dict[str, Any]:
        """``POST /api/games`` with a class code: the same as joining the class."""
        assert body.class_code is not None
        return self.join(
            body.class_code,
            body.player_name,
            body.leader,
            body.difficulty,
            body.seed,
            request,
            scenario=body.scenario,
        )

    def dashboard(self, code: str, token: str | None) -> dict[str, Any]:
        room = self.classroom(code)
        if not token_matches(token, room["token_hash"]):
            raise HTTPException(403, "only the teacher who created the class sees its games")
        w = world_for(room["scenario"])
        history = w.scenario.history
        target = history.winner if history is not None else None
        games = []
        winners: dict[str, int] = {}
        finished = stopped = 0
        for row in self.store.class_games(room["code"]):
            winner_name = None if row.winner is None else w.leader_names[w.leader(row.winner)]
            games.append(
                {
                    "player_name": row.player_name,
                    "leader": row.leader,
                    "leader_name": w.leader_names[w.leader(row.leader)],
                    "difficulty": row.difficulty,
                    "turn": row.turn,
                    "month": w.month_label(min(row.turn, w.months - 1)),
                    "over": row.over,
                    "status": row.status,
                    "winner": row.winner,
                    "winner_name": winner_name,
                    "consolidated": row.consolidated,
                }
            )
            if row.over:
                finished += 1
                label = winner_name or "no one"
                winners[label] = winners.get(label, 0) + 1
                if target is not None and row.winner != target:
                    stopped += 1
        playing = len(games) - finished
        if target is not None:
            target_name = w.leader_names[w.leader(target)]
            headline = f"{stopped} of {finished} finished games stopped {target_name}"
        else:
            target_name = None
            headline = f"{finished} finished games"
        headline += f"; {playing} still playing."
        return {
            "code": room["code"],
            "name": room["name"],
            "scenario": room["scenario"],
            "games": games,
            "finished": finished,
            "playing": playing,
            "winners": winners,
            "historical_winner": target_name,
            "stopped": stopped if target is not None else None,
            "headline": headline,
        }


# --- routes ------------------------------------------------------------------------------


def _classes(request: Request) -> ClassService:
    service: ClassService = request.app.state.classes
    return service


Classes = Annotated[ClassService, Depends(_classes)]

unreadable = problem("The body is not JSON text")
malformed = problem("Malformed request, unknown scenario or leader, or illegal action")
too_large = problem("Request body over 16 KiB")

router = APIRouter()


@router.post(
    "/api/classes",
    response_model=ClassCreated,
    status_code=201,
    tags=["classes"],
    responses={400: unreadable, 413: too_large, 422: malformed},
)
def create_class(body: NewClass, request: Request, classes: Classes) -> dict[str, Any]:
    """Create a class: students join with its code; the teacher token opens the
    dashboard."""
    code, token = classes.create_class(body.name, body.scenario)
    base = str(request.base_url).rstrip("/")
    return {
        "code": code,
        "teacher_token": token,
        "name": body.name,
        "scenario": body.scenario,
        "url": f"{base}/class/{code}#teacher={token}",
        "join_url": f"{base}/class/{code}",
    }


@router.get(
    "/api/classes/{code}",
    response_model=ClassInfo,
    tags=["classes"],
    responses={404: problem("No such class"), 422: malformed},
)
def class_info(code: Code, classes: Classes) -> dict[str, Any]:
    """What a student needs to join: the class's scenario and its leaders."""
    room = classes.classroom(code)
    info = _scenario_info(room["scenario"])
    return {
        "code": room["code"],
        "name": room["name"],
        "scenario": room["scenario"],
        "scenario_name": info["name"],
        "leaders": info["leaders"],
        "difficulties": DIFFICULTIES,
    }


@router.post(
    "/api/classes/{code}/join",
    response_model=schemas.GameCreated,
    status_code=201,
    tags=["classes"],
    responses={
        400: unreadable,
        404: problem("No such class"),
        413: too_large,
        422: malformed,
    },
)
def join_class(code: Code, body: JoinClass, request: Request, classes: Classes) -> dict[str, Any]:
    """Start a game in a class (the class fixes the scenario)."""
    return classes.join(code, body.player_name, body.leader, body.difficulty, body.seed, request)


@router.get(
    "/api/classes/{code}/dashboard",
    response_model=Dashboard,
    tags=["classes"],
    responses={
        403: problem("Wrong or missing teacher token"),
        404: problem("No such class"),
        422: malformed,
    },
)
def dashboard(code: Code, token: Teacher, classes: Classes) -> dict[str, Any]:
    """Every game of the class: month, status, outcome, and the class at a glance."""
    return classes.dashboard(code, token)


@router.get("/class", include_in_schema=False)
def class_new_page() -> HTMLResponse:
    return index_page()


@router.get("/class/{code}", include_in_schema=False)
def class_page(code: Code) -> HTMLResponse:
    return index_page()
