"""Limits that keep one client from slowing everyone, and the server's answers when hit.

- **Rate limits** per client: requests about one game (or one class's dashboard) count
  against that game's token; every other API request (starting a game, joining a class,
  listing scenarios), and every request refused for a wrong token or an unknown id,
  against the client's address. Over a limit: ``429`` with
  ``Retry-After`` and a JSON problem body.
- **A budget for AI work**: the look-ahead AI's months and the background odds may use at
  most ``ai_share`` of the engine's time (a token bucket of engine seconds, refilled at
  ``ai_share`` a second). A request that would wait more than ``ai_max_wait_seconds`` for
  it is answered ``429`` at once; the later months of a fast-forward, and the odds, leave
  half the bucket to players' clicks.
- **One month at a time, clicks first**: the engine simulates one month at a time; a
  player's "next month" goes before the second and later months of anyone's
  fast-forward, so one game cannot starve the others.
- **Months per request** are capped (``max_months``; ``max_months_lookahead`` for the
  look-ahead AI): a longer fast-forward plays the cap and stops.
- **Non-finite numbers** (``NaN``, ``Infinity``) in a JSON body are refused with ``422``
  like any other malformed value (:mod:`politburo.web.middleware`).

The defaults suit a class of about 30 on one machine; each can be changed through an
environment variable ``POLITBURO_LIMITS_<FIELD>`` (e.g. ``POLITBURO_LIMITS_ENABLED=false``)
or by passing :class:`Limits` to :func:`politburo.web.create_app`.
"""

from __future__ import annotations

import hashlib
import math
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from fastapi.responses import JSONResponse
from limits import RateLimitItem, parse_many
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter
from pydantic import field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from starlette.types import ASGIApp, Message, Receive, Scope, Send

#: API paths that are never rate limited (a monitor polls health)
UNLIMITED = ("/api/health",)

#: path prefixes whose requests are counted against the token they carry
TOKEN_SCOPED = ("/api/games/", "/api/classes/")


class Limits(BaseSettings):
    """The server's limits (environment: ``POLITBURO_LIMITS_<FIELD>``)."""

    model_config = SettingsConfigDict(env_prefix="POLITBURO_LIMITS_", frozen=True)

    enabled: bool = True
    #: requests about one game, per token ("limits" notation; several separated by ';')
    per_token: str = "10/second;300/minute"
    #: other API requests per client address: starting games, joining, class codes
    per_address: str = "60/minute"
    #: months one advance request plays at most (heuristic AI)
    max_months: int = 120
    #: months one advance request plays at most when the look-ahead AI plays
    max_months_lookahead: int = 12
    #: share of the engine's time the look-ahead AI and the odds may use together
    ai_share: float = 0.25
    #: engine seconds of AI work that may run at once before the share applies
    ai_burst_seconds: float = 3.0
    #: longest wait for the AI budget before a request is answered 429
    ai_max_wait_seconds: float = 10.0

    @field_validator("per_token", "per_address")
    @classmethod
    def _parses(cls, value: str) -> str:
        parse_many(value)  # raises ValueError with the faulty part
        return value

    @field_validator("ai_share")
    @classmethod
    def _share(cls, value: float) -> float:
        if not 0 < value <= 1:
            raise ValueError("ai_share must be in (0, 1]")
        return value

    @staticmethod
    def heavy(difficulty: str) -> bool:
        """Whether the AI of this difficulty counts against the AI budget."""
        return difficulty == "lookahead"

    def months_cap(self, difficulty: str) -> int:
        """Most months one advance request plays for a game at this difficulty."""
        if not self.enabled:
            return 10**6
        return self.max_months_lookahead if self.heavy(difficulty) else self.max_months


class TooBusy(Exception):
    """The request must wait ``retry_after`` seconds: answered 429."""

    def __init__(self, detail: str, retry_after: float) -> None:
        super().__init__(detail)
        self.detail = detail
        self.retry_after = max(1, math.ceil(retry_after))


def too_busy(detail: str, retry_after: int) -> JSONResponse:
    """The 429 answer: ``Retry-After`` and a problem body (the fields of RFC 9457, as
    JSON like every error of this API) whose ``detail`` says what to do."""
    return JSONResponse(
        {
            "type": "about:blank",
            "title": "Too Many Requests",
            "status": 429,
            "detail": detail,
            "retry_after": retry_after,
        },
        status_code=429,
        headers={"Retry-After": str(retry_after)},
    )


class RateLimit:
    """ASGI middleware: the per-token and per-address rate limits on ``/api/``."""

    def __init__(self, app: ASGIApp, limits: Limits) -> None:
        self.app = app
        self.enabled = limits.enabled
        self.per_token: list[RateLimitItem] = parse_many(limits.per_token)
        self.per_address: list[RateLimitItem] = parse_many(limits.per_address)
        self.limiter = MovingWindowRateLimiter(MemoryStorage())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if not self.enabled or not path.startswith("/api/") or path in UNLIMITED:
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        host = client[0] if client else "unknown"
        headers = dict(scope.get("headers", []))
        token = headers.get(b"x-player-token") or headers.get(b"x-teacher-token")
        scoped = bool(token) and path.startswith(TOKEN_SCOPED) and not path.endswith("/join")
        failures = ("refused", host)
        if scoped and token:
            # Only a hash is kept in memory. Requests refused for a made-up token or an
            # unknown id count against the address (below), so inventing tokens buys no
            # fresh budget for guessing ids or class codes; students' own games do not.
            key = ("token", hashlib.sha256(token).hexdigest())
            checks = [(item, key, "this game") for item in self.per_token]
            checks += [(item, failures, "this address") for item in self.per_address]
            hits = checks[: len(self.per_token)]
        else:
            address = ("address", host)
            checks = [(item, address, "this address") for item in self.per_address]
            hits = checks
        for item, who_key, who in checks:
            if not self.limiter.test(item, *who_key):
                reset, _ = self.limiter.get_window_stats(item, *who_key)
                retry = max(1, math.ceil(reset - time.time()))
                response = too_busy(
                    f"too many requests from {who} (limit {item}); try again in {retry} s",
                    retry,
                )
                await response(scope, receive, send)
                return
        for item, who_key, _ in hits:
            self.limiter.hit(item, *who_key)
        status = 0

        async def watching_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        await self.app(scope, receive, watching_send)
        if scoped and status in (403, 404):
            for item in self.per_address:
                self.limiter.hit(item, *failures)


class EngineBudget:
    """The engine's time: one month simulated at a time (players' clicks first), and a
    token bucket of engine seconds for AI work (look-ahead months, the odds)."""

    def __init__(self, limits: Limits) -> None:
        self.enabled = limits.enabled
        self.share = limits.ai_share
        self.burst = limits.ai_burst_seconds
        self.max_wait = limits.ai_max_wait_seconds
        self._bucket = self.burst
        self._stamp = time.monotonic()
        self._bucket_lock = threading.Lock()
        self._turn = threading.Condition()
        self._busy = False
        self._clicks_waiting = 0

    # --- the AI budget -------------------------------------------------------------------

    def _level(self) -> float:
        """Engine seconds left in the bucket (negative: owed). Call with the lock held."""
        now = time.monotonic()
        self._bucket = min(self.burst, self._bucket + (now - self._stamp) * self.share)
        self._stamp = now
        return self._bucket

    def ai_wait(self, background: bool) -> float:
        """Seconds until AI work may start (background work leaves half the burst)."""
        if not self.enabled:
            return 0.0
        floor = self.burst / 2 if background else 0.0
        with self._bucket_lock:
            return max(0.0, (floor - self._level()) / self.share)

    def admit_ai(self) -> None:
        """Raise :class:`TooBusy` if a player's AI month would wait too long."""
        wait = self.ai_wait(background=False)
        if wait > self.max_wait:
            raise TooBusy(
                f"the AI is busy (its share of the server is used up); try again in "
                f"{math.ceil(wait)} s",
                wait,
            )

    def charge(self, seconds: float) -> None:
        """Count ``seconds`` of AI work; the debt is bounded so that no single long unit
        (a first compilation) shuts the AI out for longer than twice
        ``ai_max_wait_seconds``."""
        if not self.enabled:
            return
        with self._bucket_lock:
            self._bucket = max(-2 * self.max_wait * self.share, self._level() - seconds)

    def wait_for_ai(self, background: bool, stop: threading.Event | None = None) -> None:
        """Sleep until AI work may start (or ``stop`` is set)."""
        while (wait := self.ai_wait(background)) > 0:
            if stop is None:
                time.sleep(wait)
            elif stop.wait(wait):
                return

    @contextmanager
    def charged(self, ai: bool = True) -> Iterator[None]:
        """Run the body and, if it is AI work, charge its time."""
        start = time.monotonic()
        try:
            yield
        finally:
            if ai:
                self.charge(time.monotonic() - start)

    # --- the engine ----------------------------------------------------------------------

    @contextmanager
    def month(self, click: bool) -> Iterator[None]:
        """Hold the engine for one month; ``click`` (a player's first month of a request)
        goes before the later months of fast-forwards."""
        with self._turn:
            if click:
                self._clicks_waiting += 1
            try:
                while self._busy or (not click and self._clicks_waiting > 0):
                    self._turn.wait()
            finally:
                if click:
                    self._clicks_waiting -= 1
            self._busy = True
        try:
            yield
        finally:
            with self._turn:
                self._busy = False
                self._turn.notify_all()


__all__ = ["EngineBudget", "Limits", "RateLimit", "TooBusy", "too_busy"]
