"""The pages: one HTML page whose script routes by path (start, game, class, debrief),
the API's documentation and the icon, all served from the package."""

from __future__ import annotations

from importlib import resources

from fastapi import APIRouter
from fastapi.responses import FileResponse, HTMLResponse

from politburo.web.routes.common import Code, GameId

STATIC = resources.files("politburo.web") / "static"

router = APIRouter(include_in_schema=False)


def index_page() -> HTMLResponse:
    """The one HTML page: the script routes by path (start, game, class)."""
    return HTMLResponse((STATIC / "index.html").read_text(encoding="utf-8"))


@router.get("/")
def start_page() -> HTMLResponse:
    return index_page()


@router.get("/game/{game_id}")
def game_page(game_id: GameId) -> HTMLResponse:
    return index_page()


@router.get("/class")
def class_new_page() -> HTMLResponse:
    return index_page()


@router.get("/class/{code}")
def class_page(code: Code) -> HTMLResponse:
    return index_page()


@router.get("/class/{code}/debrief")
def debrief_page(code: Code) -> HTMLResponse:
    return index_page()


@router.get("/class/{code}/game/{game_id}")
def student_page(code: Code, game_id: GameId) -> HTMLResponse:
    return index_page()


@router.get("/docs")
def api_docs() -> HTMLResponse:
    """Swagger UI from the package: the pages' policy allows no CDN."""
    return HTMLResponse((STATIC / "docs.html").read_text(encoding="utf-8"))


@router.get("/favicon.ico")
def favicon() -> FileResponse:
    return FileResponse(str(STATIC / "favicon.svg"), media_type="image/svg+xml")
