"""Games, classes and cached odds in one SQLite file.

A game is saved after every month in one transaction: its state (a compressed ``.npz``,
no pickles), the month's record (JSON), and the new turn. What is kept as JSON (a
month's record, the actions chosen, a lesson, the odds) is read back into its typed
model (:mod:`politburo.web.schemas`) here, at the boundary. The update names the turn it
expects to replace, so two requests racing on one game cannot both save a month. The
file is in WAL mode: a crash or restart of the server loses no committed month.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter

from politburo.web.schemas import Chosen, Lesson, OddsResult, Record

SCHEMA_VERSION = 1

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS games (
    id TEXT PRIMARY KEY,
    token_hash TEXT NOT NULL,
    scenario TEXT NOT NULL,
    leader TEXT NOT NULL,
    difficulty TEXT NOT NULL,
    seed INTEGER NOT NULL,
    class_code TEXT,
    player_name TEXT,
    created REAL NOT NULL,
    updated REAL NOT NULL,
    turn INTEGER NOT NULL,
    over INTEGER NOT NULL,
    winner TEXT,
    consolidated TEXT,
    status TEXT NOT NULL,
    pending TEXT NOT NULL DEFAULT '[]',
    state BLOB NOT NULL,
    end_turn INTEGER
);
CREATE INDEX IF NOT EXISTS games_by_class ON games (class_code);
CREATE TABLE IF NOT EXISTS months (
    game_id TEXT NOT NULL REFERENCES games (id),
    turn INTEGER NOT NULL,
    record TEXT NOT NULL,
    PRIMARY KEY (game_id, turn)
);
CREATE TABLE IF NOT EXISTS classes (
    code TEXT PRIMARY KEY,
    token_hash TEXT NOT NULL,
    name TEXT NOT NULL,
    scenario TEXT NOT NULL,
    created REAL NOT NULL,
    lesson TEXT NOT NULL DEFAULT '{}'
);
CREATE TABLE IF NOT EXISTS odds (
    scenario TEXT NOT NULL,
    runs INTEGER NOT NULL,
    seed INTEGER NOT NULL,
    result TEXT NOT NULL,
    computed REAL NOT NULL,
    PRIMARY KEY (scenario, runs, seed)
);
"""

#: columns added since the first schema: (table, column, declaration), added to older files
ADDED_COLUMNS = (
    ("games", "end_turn", "INTEGER"),
    ("classes", "lesson", "TEXT NOT NULL DEFAULT '{}'"),
)


def token_hash(token: str) -> str:
    """What is stored of a secret token: its SHA-256 (tokens are long random strings, so
    no salt or slow hash is needed)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def token_matches(token: str | None, stored: str) -> bool:
    """Whether ``token`` is the one whose hash is ``stored`` (constant time)."""
    if not token:
        return False
    return hmac.compare_digest(token_hash(token), stored)


class StoreUnavailable(RuntimeError):
    """The data file cannot be used (missing folder, not writable, gone, not SQLite): the
    message says which file and what to fix."""


class SaveConflict(RuntimeError):
    """The game moved on since it was loaded (another request saved a month first)."""


@dataclass(frozen=True)
class GameRow:
    """A game's saved header and state."""

    id: str
    token_hash: str
    scenario: str
    leader: str
    difficulty: str
    seed: int
    class_code: str | None
    player_name: str | None
    turn: int
    over: bool
    winner: str | None
    consolidated: str | None
    status: str
    pending: list[Chosen]
    state: bytes
    created: float
    updated: float
    end_turn: int | None = None  # the lesson's length in months (None: the whole calendar)


@dataclass(frozen=True)
class ClassRow:
    """A class as saved: its code, the hash of its teacher token, and its lesson."""

    code: str
    token_hash: str
    name: str
    scenario: str
    created: float
    lesson: Lesson


_CHOSEN = TypeAdapter(list[Chosen])


class Store:
    """The SQLite file behind the web app. Safe to share between threads."""

    def __init__(self, path: Path) -> None:
        """Open (or create) the data file; :class:`StoreUnavailable` if it cannot be
        written: its folder is missing (a mistyped or unmounted path is not created), it
        is a folder or not SQLite, or it or its folder is read-only."""
        self.path = Path(path)
        shown = str(self.path) if len(str(self.path)) <= 120 else str(self.path)[:117] + "..."
        try:
            if not self.path.parent.is_dir():
                raise StoreUnavailable(f"{shown}: folder {self.path.parent} does not exist")
            if self.path.is_dir():
                raise StoreUnavailable(f"{shown} is a folder; give a file name for the data")
        except OSError as error:  # a name the file system cannot hold (ENAMETOOLONG), say
            raise StoreUnavailable(f"{shown}: {error.strerror or error}") from None
        self._lock = threading.Lock()
        self._closed = False
        try:
            self._db = self._connect()
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.executescript(SCHEMA)
            for table, column, declaration in ADDED_COLUMNS:
                present = {row[1] for row in self._db.execute(f"PRAGMA table_info({table})")}
                if column not in present:
                    self._db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {declaration}")
            self._db.execute(
                "INSERT OR IGNORE INTO meta (key, value) VALUES ('schema', ?)",
                (str(SCHEMA_VERSION),),
            )
            # A write that changes nothing: fails now, not at the first month, if the file
            # can be read but not written.
            self._db.execute("UPDATE meta SET value = value WHERE key = 'schema'")
        except sqlite3.Error as error:
            raise StoreUnavailable(
                f"{self.path}: cannot use the data file ({error}); it and its folder must be "
                "a writable SQLite file and folder"
            ) from None
        self._identity = self._file_identity()

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(
            str(self.path), check_same_thread=False, isolation_level=None, timeout=30.0
        )
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("PRAGMA foreign_keys=ON")
        return db

    def _open(self) -> sqlite3.Connection:
        """The connection (reopened if the app serves on after :meth:`close`). Call with
        the lock held."""
        if self._closed:
            self._db = self._connect()
            self._closed = False
        return self._db

    def _file_identity(self) -> tuple[int, int]:
        stat = os.stat(self.path)
        return stat.st_dev, stat.st_ino

    def check(self) -> int:
        """The number of games, after checking that the data file is still the one
        opened and writable; :class:`StoreUnavailable` otherwise."""
        try:
            identity = self._file_identity()
        except FileNotFoundError:
            raise StoreUnavailable(
                f"the data file {self.path} is gone: games saved now are lost at restart"
            ) from None
        if identity != self._identity:
            raise StoreUnavailable(f"the data file {self.path} was replaced by another file")
        if not (os.access(self.path, os.W_OK) and os.access(self.path.parent, os.W_OK)):
            raise StoreUnavailable(f"the data file {self.path} or its folder is read-only")
        try:
            return self.count_games()
        except sqlite3.Error as error:
            raise StoreUnavailable(f"the data file {self.path} cannot be read: {error}") from None

    def close(self) -> None:
        """Fold the write-ahead log into the data file (so the file alone is a complete
        copy) and close it. Safe to call twice; a later query opens it again."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            try:
                self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                self._db.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            db = self._open()
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    def _query(self, sql: str, args: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            return list(self._open().execute(sql, args).fetchall())

    # --- games ---------------------------------------------------------------------------

    def create_game(
        self,
        *,
        game_id: str,
        token: str,
        scenario: str,
        leader: str,
        difficulty: str,
        seed: int,
        class_code: str | None,
        player_name: str | None,
        state: bytes,
        start_record: Record,
        status: str,
        end_turn: int | None = None,
    ) -> None:
        now = time.time()
        with self._transaction() as db:
            db.execute(
                "INSERT INTO games (id, token_hash, scenario, leader, difficulty, seed,"
                " class_code, player_name, created, updated, turn, over, winner, consolidated,"
                " status, pending, state, end_turn) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0,"
                " NULL, NULL, ?, '[]', ?, ?)",
                (
                    game_id,
                    token_hash(token),
                    scenario,
                    leader,
                    difficulty,
                    seed,
                    class_code,
                    player_name,
                    now,
                    now,
                    status,
                    state,
                    end_turn,
                ),
            )
            db.execute(
                "INSERT INTO months (game_id, turn, record) VALUES (?, -1, ?)",
                (game_id, start_record.model_dump_json(exclude_unset=True)),
            )

    def game(self, game_id: str) -> GameRow | None:
        rows = self._query(
            "SELECT id, token_hash, scenario, leader, difficulty, seed, class_code,"
            " player_name, turn, over, winner, consolidated, status, pending, state, created,"
            " updated, end_turn FROM games WHERE id = ?",
            (game_id,),
        )
        if not rows:
            return None
        r = rows[0]
        return GameRow(
            id=r[0],
            token_hash=r[1],
            scenario=r[2],
            leader=r[3],
            difficulty=r[4],
            seed=int(r[5]),
            class_code=r[6],
            player_name=r[7],
            turn=int(r[8]),
            over=bool(r[9]),
            winner=r[10],
            consolidated=r[11],
            status=r[12],
            pending=_CHOSEN.validate_json(r[13]),
            state=bytes(r[14]),
            created=float(r[15]),
            updated=float(r[16]),
            end_turn=None if r[17] is None else int(r[17]),
        )

    def records(self, game_id: str) -> list[Record]:
        """Every saved month record of a game, the start first."""
        rows = self._query("SELECT record FROM months WHERE game_id = ? ORDER BY turn", (game_id,))
        return [Record.model_validate_json(r[0]) for r in rows]

    def save_month(
        self,
        game_id: str,
        *,
        expected_turn: int,
        turn: int,
        over: bool,
        winner: str | None,
        consolidated: str | None,
        status: str,
        state: bytes,
        record: Record,
    ) -> None:
        """Save a played month: state, header and record, atomically."""
        with self._transaction() as db:
            cursor = db.execute(
                "UPDATE games SET turn = ?, over = ?, winner = ?, consolidated = ?, status = ?,"
                " state = ?, pending = '[]', updated = ? WHERE id = ? AND turn = ?",
                (
                    turn,
                    int(over),
                    winner,
                    consolidated,
                    status,
                    state,
                    time.time(),
                    game_id,
                    expected_turn,
                ),
            )
            if cursor.rowcount != 1:
                raise SaveConflict(f"game {game_id} is no longer at turn {expected_turn}")
            db.execute(
                "INSERT INTO months (game_id, turn, record) VALUES (?, ?, ?)",
                (game_id, record.turn, record.model_dump_json(exclude_unset=True)),
            )

    def set_pending(self, game_id: str, turn: int, pending: list[Chosen]) -> None:
        """Remember the actions chosen for the current month (before 'next month')."""
        with self._transaction() as db:
            cursor = db.execute(
                "UPDATE games SET pending = ?, updated = ? WHERE id = ? AND turn = ?",
                (_CHOSEN.dump_json(pending).decode(), time.time(), game_id, turn),
            )
            if cursor.rowcount != 1:
                raise SaveConflict(f"game {game_id} is no longer at turn {turn}")

    def class_games(self, code: str) -> list[GameRow]:
        ids = self._query("SELECT id FROM games WHERE class_code = ? ORDER BY created", (code,))
        return [g for (game_id,) in ids if (g := self.game(game_id)) is not None]

    def set_token(self, game_id: str, token: str) -> None:
        """Give a game a new player token (a student resuming a class seat elsewhere)."""
        with self._transaction() as db:
            db.execute("UPDATE games SET token_hash = ? WHERE id = ?", (token_hash(token), game_id))

    def count_games(self) -> int:
        return int(self._query("SELECT COUNT(*) FROM games")[0][0])

    # --- classes -------------------------------------------------------------------------

    def create_class(
        self,
        code: str,
        token: str,
        name: str,
        scenario: str,
        lesson: Lesson | None = None,
    ) -> bool:
        """Create a class (``lesson``: its settings); False if the code is taken."""
        try:
            with self._transaction() as db:
                db.execute(
                    "INSERT INTO classes (code, token_hash, name, scenario, created, lesson)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    (
                        code,
                        token_hash(token),
                        name,
                        scenario,
                        time.time(),
                        "{}" if lesson is None else lesson.model_dump_json(),
                    ),
                )
        except sqlite3.IntegrityError:
            return False
        return True

    def classroom(self, code: str) -> ClassRow | None:
        rows = self._query(
            "SELECT code, token_hash, name, scenario, created, lesson FROM classes WHERE code = ?",
            (code,),
        )
        if not rows:
            return None
        code_, hashed, name, scenario, created, lesson = rows[0]
        return ClassRow(
            code=code_,
            token_hash=hashed,
            name=name,
            scenario=scenario,
            created=float(created),
            lesson=Lesson.model_validate_json(lesson),
        )

    # --- odds ----------------------------------------------------------------------------

    def odds(self, scenario: str, runs: int, seed: int) -> OddsResult | None:
        rows = self._query(
            "SELECT result FROM odds WHERE scenario = ? AND runs = ? AND seed = ?",
            (scenario, runs, seed),
        )
        return OddsResult.model_validate_json(rows[0][0]) if rows else None

    def save_odds(self, scenario: str, runs: int, seed: int, result: OddsResult) -> None:
        with self._transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO odds (scenario, runs, seed, result, computed)"
                " VALUES (?, ?, ?, ?, ?)",
                (scenario, runs, seed, result.model_dump_json(), time.time()),
            )
