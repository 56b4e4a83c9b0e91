"""The classroom API: creating a class, joining it, and the teacher's board, debrief,
results and view of each student's game."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from politburo.web import schemas
from politburo.web.classroom import lesson_out
from politburo.web.play import world_for
from politburo.web.routes.common import (
    Answers,
    Classes,
    Code,
    GameId,
    Teacher,
    base_url,
    created,
    fast,
    problem,
    too_large,
    unreadable,
)

malformed = problem("Malformed request, unknown scenario or leader, or a lesson that does not fit")
no_class = problem("No such class")
not_teacher = problem("Wrong or missing teacher token")
teacher_errors: Answers = {403: not_teacher, 404: no_class, 422: malformed}

router = APIRouter(tags=["classes"])


@router.post(
    "/api/classes",
    response_model=schemas.ClassCreated,
    response_model_exclude_unset=True,
    status_code=201,
    responses={400: unreadable, 413: too_large, 422: malformed},
)
def create_class(
    body: schemas.NewClass, request: Request, classes: Classes
) -> schemas.ClassCreated:
    """Create a class and its lesson: students join with its code; the teacher token
    opens the board, the debrief and the results."""
    code, token, lesson = classes.create_class(body.name, body.scenario, body.lesson)
    base = base_url(request)
    return schemas.ClassCreated(
        code=code,
        teacher_token=token,
        name=body.name,
        scenario=body.scenario,
        lesson=lesson_out(world_for(body.scenario), lesson),
        url=f"{base}/class/{code}#teacher={token}",
        join_url=f"{base}/class/{code}",
    )


@router.get(
    "/api/classes/{code}",
    response_model=schemas.ClassInfo,
    response_model_exclude_unset=True,
    responses={404: no_class, 422: malformed},
)
def class_info(code: Code, classes: Classes) -> schemas.ClassInfo:
    """What a student needs to join: the scenario, the lesson and the leaders offered."""
    return classes.info(code)


@router.post(
    "/api/classes/{code}/join",
    response_model=schemas.Joined,
    status_code=201,
    responses={
        200: {"description": "This name's seat already had a game: it is resumed"},
        400: unreadable,
        404: no_class,
        413: too_large,
        422: malformed,
    },
)
def join_class(
    code: Code, body: schemas.JoinClass, request: Request, response: Response, classes: Classes
) -> schemas.Joined:
    """Take your seat in a class: a new game (201), or, if your name has one, that game
    resumed with a new token (200)."""
    seat = classes.join(code, body.player_name, body.leader, body.seed)
    if seat.resumed:
        response.status_code = 200
    game = created(classes.games, request, seat)
    return schemas.Joined(
        id=game.id, token=game.token, url=game.url, game=game.game, resumed=seat.resumed
    )


@router.get(
    "/api/classes/{code}/dashboard",
    response_model=schemas.Dashboard,
    response_model_exclude_unset=True,
    responses=teacher_errors,
)
def dashboard(code: Code, token: Teacher, classes: Classes) -> schemas.Dashboard:
    """The live board: every game's student, leader, month and state, and the class at a
    glance."""
    return classes.dashboard(code, token)


@router.get(
    "/api/classes/{code}/debrief",
    response_model=schemas.Debrief,
    response_model_exclude_unset=True,
    responses=teacher_errors,
)
def debrief(code: Code, token: Teacher, classes: Classes) -> schemas.Debrief:
    """The debrief: the class's outcomes beside history and the AI-only odds (``odds.status``
    is ``computing`` until they are ready), each game's turning points, and prompts."""
    return classes.debrief(code, token)


@router.get(
    "/api/classes/{code}/results.csv",
    response_class=Response,
    responses={
        200: {"content": {"text/csv": {}}, "description": "One row per student"},
        **teacher_errors,
    },
)
def results(code: Code, token: Teacher, classes: Classes) -> Response:
    """The class's results as CSV, one row per student (columns: see docs/web.md)."""
    name, text = classes.results_csv(code, token)
    return Response(
        text,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get(
    "/api/classes/{code}/games/{game_id}",
    response_model=schemas.TeacherView,
    responses=teacher_errors,
)
def teacher_game(code: Code, game_id: GameId, token: Teacher, classes: Classes) -> Response:
    """A student's game as the student sees it, for the teacher."""
    row = classes.teacher_game(code, game_id, token)
    loaded = classes.games.load(row.id, None, authorized=True)
    return fast(
        schemas.TeacherView(
            game=classes.games.view(loaded),
            player_name=row.player_name,
            summary_url=f"/api/classes/{row.class_code}/games/{row.id}/summary",
        )
    )


@router.get(
    "/api/classes/{code}/games/{game_id}/summary",
    response_model=schemas.Summary,
    response_model_exclude_unset=True,
    responses={**teacher_errors, 409: problem("The game is not over")},
)
def teacher_summary(
    code: Code, game_id: GameId, token: Teacher, classes: Classes
) -> schemas.Summary:
    """A student's end screen, for the teacher."""
    row = classes.teacher_game(code, game_id, token)
    return classes.games.summary(classes.games.load(row.id, None, authorized=True))
