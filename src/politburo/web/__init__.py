"""The browser game: ``politburo serve`` starts it; :func:`create_app` builds the app."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fastapi import FastAPI

    from politburo.web.limits import Limits

__all__ = ["create_app", "serve"]

#: seconds an idle connection stays open (uvicorn's default is 5)
KEEP_ALIVE = 30

#: seconds requests still running may finish after Ctrl-C or SIGTERM
GRACEFUL_SHUTDOWN = 5


def create_app(data: Path, odds_runs: int | None = None, limits: Limits | None = None) -> FastAPI:
    """The FastAPI app, keeping games in the SQLite file ``data`` (created if missing, in
    a folder that must exist), under ``limits`` (default: from the environment)."""
    from politburo.web.app import ODDS_RUNS
    from politburo.web.app import create_app as build

    return build(Path(data), ODDS_RUNS if odds_runs is None else odds_runs, limits)


def serve(
    host: str = "127.0.0.1",
    port: int = 8000,
    data: Path = Path("games.sqlite"),
    odds_runs: int | None = None,
) -> None:
    """Serve the game on ``host:port`` (loopback by default) until interrupted."""
    import uvicorn

    app = create_app(data, odds_runs)
    shown = f"[{host}]" if ":" in host else host
    print(f"politburo: play at http://{shown}:{port}/  (games saved in {Path(data)})", flush=True)
    if host not in ("127.0.0.1", "localhost", "::1"):
        print(
            "politburo: listening beyond this machine: anyone who can reach it can start games",
            flush=True,
        )
    # Players think for a while between months: keep their connections open meanwhile.
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_level="warning",
        timeout_keep_alive=KEEP_ALIVE,
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN,
    )
