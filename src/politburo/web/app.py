"""The browser game's server: a JSON API (``/api``, documented at ``/docs``) and the
pages that use it, all served by the package itself (no CDN).

:func:`create_app` wires the parts together: the store, the services
(:mod:`~politburo.web.games`, :mod:`~politburo.web.classroom`, the odds), the middleware
and error answers (:mod:`~politburo.web.middleware`) and the routes
(:mod:`politburo.web.routes`). Each game has an unguessable id and a player token (sent
as ``X-Player-Token``); a class has a short code for students and a teacher token
(``X-Teacher-Token``) for its dashboard.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from politburo.web import middleware, schemas
from politburo.web.classroom import ClassService
from politburo.web.games import GameService
from politburo.web.limits import EngineBudget, Limits
from politburo.web.odds import OddsService
from politburo.web.routes import classes, games, pages
from politburo.web.store import Store

#: AI-only runs behind the end screen's odds
ODDS_RUNS = 1000


def create_app(data: Path, odds_runs: int = ODDS_RUNS, limits: Limits | None = None) -> FastAPI:
    """The web app, keeping its games in the SQLite file ``data``, under ``limits``
    (default: :class:`Limits` from the environment). Raises
    :class:`~politburo.web.store.StoreUnavailable` if the file cannot be used."""
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
        docs_url=None,  # served by routes.pages from the package: the policy allows no CDN
        redoc_url=None,
    )
    app.state.service = service
    app.state.classes = ClassService(service)
    app.state.store = store
    middleware.install(app, limits)
    app.include_router(games.router)
    app.include_router(pages.router)
    app.include_router(classes.router)
    app.mount("/static", StaticFiles(directory=str(pages.STATIC)), name="static")
    return app
