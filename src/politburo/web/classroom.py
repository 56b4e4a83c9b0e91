"""The classroom: a teacher sets up a lesson, students join it with its short code, the
teacher follows them on a live board and debriefs the class on a projector.

A class has a short code for students and a teacher token (sent as
``X-Teacher-Token``) for its board, debrief, results and the students' end screens. Its
lesson fixes the scenario, the AI's difficulty, the length in months and who plays whom
(students choose, the class is spread over the contenders, or the teacher assigns). A
student name holds one seat: joining again with the same name resumes that game.

The routes here are an ``APIRouter`` that :func:`politburo.web.app.create_app`
includes; they reach the games through the app's :class:`ClassService`.
"""

from __future__ import annotations

import csv
import io
import secrets
import threading
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property, lru_cache
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse
from fastapi.security import APIKeyHeader
from pydantic import BaseModel, Field

from politburo.analysis.summary import wilson_interval
from politburo.analysis.validation import contenders
from politburo.model.world import World
from politburo.scenario import builtin_names
from politburo.web import schemas
from politburo.web.app import (
    GameId,
    GameService,
    _created,
    _scenario_info,
    fast,
    index_page,
    problem,
)
from politburo.web.play import leader_summaries, world_for
from politburo.web.schemas import Difficulty, LeaderInfo, ScenarioId, Seed, Strict
from politburo.web.store import GameRow, token_matches

CLASS_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud in class
CLASS_CODE_LENGTH = 6

#: turning points listed per game in the debrief
TURNING_POINTS = 8

#: what a student's own record can hold that changed the game for him, graver first
GRAVE = (
    "consolidated",
    "expelled",
    "exiled",
    "died",
    "seat_lost",
    "seat_demoted",
    "office_lost",
    "recanted",
    "rehabilitated",
    "common_threat",
    "motion_passed",
    "motion_failed",
    "congress_vote",
    "conference_vote",
    "policy_adopted",
    "policy_rejected",
    "office_filled",
    "seat_filled",
)
MINOR = ("alliance_formed", "alliance_broken", "alliance_refused", "won_over")

#: what a leader's fall is called, for the debrief and the CSV (event kind -> words)
FALLS = {"seat_lost": "left the leadership", "expelled": "expelled", "exiled": "exiled"}

#: first characters a spreadsheet reads as a formula (a student's name must stay text)
FORMULA = ("=", "+", "-", "@", "\t", "\r")

CODE = PathParam(pattern=r"^[A-Za-z0-9]{4,12}$", description="The class code.")

teacher_header = APIKeyHeader(
    name="X-Teacher-Token",
    scheme_name="TeacherToken",
    auto_error=False,
    description="The token a class was created with.",
)

Teacher = Annotated[str | None, Depends(teacher_header)]
Code = Annotated[str, CODE]
LeaderRef = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,63}$")]
StudentName = Annotated[str, Field(min_length=1, max_length=60)]


# --- request and response bodies ---------------------------------------------------------


class Assignment(Strict):
    """The teacher's choice of leader for one student (by name)."""

    name: StudentName
    leader: LeaderRef


class Lesson(Strict):
    """How the class plays: difficulty, length, and who plays whom."""

    difficulty: Difficulty = Field(
        default="heuristic", description="The AI every student plays against."
    )
    months: int | None = Field(
        default=None,
        ge=1,
        le=10_000,
        description="The lesson's length in months (null: the whole calendar).",
    )
    leaders: Literal["choose", "balance"] = Field(
        default="choose",
        description="choose: each student picks from the pool; balance: students are "
        "spread evenly over the pool as they join.",
    )
    pool: list[LeaderRef] | None = Field(
        default=None,
        max_length=64,
        description="The leaders students may play (default: with balance, the contenders "
        "— acting leaders with a seat at the start and no scheduled death; with choose, "
        "every leader who acts).",
    )
    roster: list[Assignment] = Field(
        default_factory=list,
        max_length=200,
        description="Leaders the teacher assigns by student name; they override the rest.",
    )


class NewClass(Strict):
    """Create a class: a name, the scenario every student plays, and the lesson."""

    name: str = Field(min_length=1, max_length=80)
    scenario: str = ScenarioId
    lesson: Lesson = Field(default_factory=Lesson)


class JoinClass(Strict):
    """Join a class: your name, and your leader if the class lets students choose.
    Joining again with the same name resumes your game."""

    player_name: StudentName
    leader: LeaderRef | None = None
    seed: int | None = Seed


class LessonOut(BaseModel):
    difficulty: Difficulty
    months: int = Field(description="The lesson's length in months.")
    full: bool = Field(description="Whether the lesson runs the whole calendar.")
    start: str
    end: str = Field(description="The lesson's last month.")
    calendar_end: str = Field(description="The scenario's last month.")
    leaders: Literal["choose", "balance"]
    pool: list[str]
    roster: list[Assignment]


class ClassCreated(BaseModel):
    code: str
    teacher_token: str = Field(description="Send as X-Teacher-Token; shown once.")
    name: str
    scenario: str
    lesson: LessonOut
    url: str = Field(description="The teacher's board; the token travels in the fragment.")
    join_url: str = Field(description="Give this to the students.")


class ClassInfo(BaseModel):
    code: str
    name: str
    scenario: str
    scenario_name: str
    lesson: LessonOut
    leaders: list[LeaderInfo] = Field(description="The leaders a student may choose from.")
    difficulties: dict[str, str]


class Joined(schemas.GameCreated):
    resumed: bool = Field(description="Whether this name's seat already had a game.")


class ClassGame(BaseModel):
    id: str
    player_name: str | None
    leader: str
    leader_name: str
    difficulty: str
    turn: int
    months: int
    month: str
    over: bool
    status: str
    state: str = Field(description="Where the game stands, in a few words.")
    winner: str | None
    winner_name: str | None
    consolidated: str | None
    last_active: float = Field(description="When the student last played (Unix seconds).")


class Dashboard(BaseModel):
    code: str
    name: str
    scenario: str
    lesson: LessonOut
    games: list[ClassGame]
    finished: int
    playing: int
    winners: dict[str, int] = Field(description="Who consolidated, over finished games.")
    historical_winner: str | None
    stopped: int | None = Field(
        description="Finished games of students playing a rival in which the historical "
        "winner did not consolidate."
    )
    stopped_of: int | None = Field(description="Finished games of students playing a rival.")
    as_winner: int | None = Field(
        description="Finished games of students playing the historical winner."
    )
    won_as_winner: int | None = Field(description="Of those, how many he consolidated.")
    headline: str


class TurningPoint(BaseModel):
    month: str
    kind: str
    text: str
    for_you: bool | None = Field(description="A vote: whether it went the student's way.")


class DebriefGame(BaseModel):
    id: str
    player_name: str | None
    leader: str
    leader_name: str
    over: bool
    month: str
    outcome: str
    fate: str
    strongest_at_end: str
    turning_points: list[TurningPoint]


class OutcomeRow(BaseModel):
    leader: str | None
    name: str
    class_count: int
    class_share: float | None
    strongest_count: int = Field(description="Games where he held most real power at the end.")
    ai_share: float | None
    ai_low: float | None
    ai_high: float | None
    history: bool


class FateRow(BaseModel):
    leader: str
    name: str
    students: int
    falls: list[str]
    history: str


class Debrief(BaseModel):
    code: str
    name: str
    scenario_name: str
    lesson: LessonOut
    finished: int
    total: int
    history: str | None
    outcomes: list[OutcomeRow]
    odds: dict[str, Any]
    fates: list[FateRow]
    games: list[DebriefGame]
    prompts: list[str]


class TeacherView(BaseModel):
    game: schemas.GameView
    player_name: str | None
    summary_url: str = Field(description="The game's end screen, for the teacher.")


# --- what a game left ----------------------------------------------------------------------


def seat_key(name: str) -> str:
    """A student's seat: the name without case or extra spaces ("Ann  B" is "ann b")."""
    return " ".join(name.split()).casefold()


@lru_cache(maxsize=8)
def scenario_contenders(scenario: str) -> tuple[str, ...]:
    """The scenario's contenders (:func:`politburo.analysis.validation.contenders`)."""
    return tuple(contenders(world_for(scenario).scenario))


def lesson_out(world: World, lesson: Lesson) -> dict[str, Any]:
    months = world.months if lesson.months is None else min(lesson.months, world.months)
    return {
        "difficulty": lesson.difficulty,
        "months": months,
        "full": months == world.months,
        "start": world.month_label(0),
        "end": world.month_label(months - 1),
        "calendar_end": world.month_label(world.months - 1),
        "leaders": lesson.leaders,
        "pool": list(lesson.pool or []),
        "roster": [a.model_dump() for a in lesson.roster],
    }


@dataclass
class Played:
    """One class game as the teacher's pages read it: its header and its months."""

    row: GameRow
    records: list[dict[str, Any]]

    def falls(self) -> list[tuple[str, str]]:
        """(event kind, month) of the student's leader leaving the leadership, the party,
        the country."""
        me = self.row.leader
        return [
            (e["kind"], e["month"])
            for r in self.records
            for e in r["events"]
            if e["kind"] in FALLS and e["actor"] == me
        ]

    def fate(self) -> str:
        falls = self.falls()
        if not falls:
            return "in the leadership to the end" if self.row.over else "in the leadership"
        return "; ".join(f"{FALLS[kind]} {month}" for kind, month in falls)

    def strongest(self, world: World) -> str:
        """The leader holding most real power after the last month played."""
        real = self.records[-1]["real"]
        return world.leader_ids[max(range(len(real)), key=lambda i: real[i])]

    @cached_property
    def turning_points(self) -> list[dict[str, Any]]:
        """The months that changed the game for the student: his falls and promotions,
        the votes on his motions or against him, his alliances; graver ones first, then
        in order of time."""
        me = self.row.leader
        found = []
        for r in self.records:
            for e in r["events"]:
                kind = e["kind"]
                if kind not in GRAVE and kind not in MINOR:
                    continue
                if kind != "consolidated" and not e["mine"]:
                    continue
                for_you = None
                if kind in ("motion_passed", "policy_adopted", "congress_vote"):
                    for_you = e["actor"] == me
                elif kind in ("motion_failed", "policy_rejected"):
                    for_you = e["actor"] != me
                elif kind == "conference_vote":
                    for_you = e["target"] != me
                rank = GRAVE.index(kind) if kind in GRAVE else len(GRAVE) + MINOR.index(kind)
                found.append(
                    (
                        rank,
                        r["turn"],
                        {"month": e["month"], "kind": kind, "text": e["text"], "for_you": for_you},
                    )
                )
        found.sort(key=lambda f: (f[0] >= len(GRAVE), f[1]))
        kept = sorted(found[:TURNING_POINTS], key=lambda f: f[1])
        return [point for _, _, point in kept]


def _csv_text(value: Any) -> str:
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA) else text


# --- the service -------------------------------------------------------------------------


class ClassService:
    """Classes: creation, seats, the board, the debrief and the results."""

    def __init__(self, games: GameService) -> None:
        self.games = games
        self.store = games.store
        # Two joins under one name at once must not make two seats.
        self._seats = threading.Lock()

    # --- setting up and joining ----------------------------------------------------------

    def create_class(self, name: str, scenario: str, lesson: Lesson) -> tuple[str, str, Lesson]:
        """A class with its lesson checked against the scenario (422 if it does not fit)."""
        if scenario not in builtin_names():
            raise HTTPException(
                422, f"unknown scenario {scenario!r}; choose one of: {', '.join(builtin_names())}"
            )
        world = world_for(scenario)
        if lesson.months is not None and lesson.months > world.months:
            raise HTTPException(
                422, f"{scenario} lasts {world.months} months; a lesson can be at most that long"
            )
        actors = [x["id"] for x in leader_summaries(world)]
        pool = lesson.pool
        if pool is None:
            pool = list(scenario_contenders(scenario)) if lesson.leaders == "balance" else actors
        named = pool + [a.leader for a in lesson.roster]
        unknown = sorted({x for x in named if x not in actors})
        if unknown:
            raise HTTPException(
                422,
                f"not leaders who act in {scenario}: {', '.join(unknown)}; choose from: "
                + ", ".join(actors),
            )
        if not pool:
            raise HTTPException(422, "the pool of leaders is empty")
        keys = [seat_key(a.name) for a in lesson.roster]
        twice = sorted({k for k in keys if keys.count(k) > 1})
        if twice:
            raise HTTPException(422, f"the roster names a student twice: {', '.join(twice)}")
        lesson = lesson.model_copy(update={"pool": list(dict.fromkeys(pool))})
        token = secrets.token_urlsafe(24)
        for _ in range(20):
            code = "".join(secrets.choice(CLASS_ALPHABET) for _ in range(CLASS_CODE_LENGTH))
            if self.store.create_class(code, token, name, scenario, lesson.model_dump()):
                return code, token, lesson
        raise HTTPException(503, "could not find a free class code; try again")

    def classroom(self, code: str) -> dict[str, Any]:
        found = self.store.classroom(code.upper())
        if found is None:
            raise HTTPException(404, "no class with this code")
        return found

    @staticmethod
    def lesson(room: dict[str, Any]) -> Lesson:
        """The class's lesson (a class made before lessons existed: the defaults)."""
        lesson = Lesson.model_validate(room["lesson"])
        if lesson.pool is None:
            actors = [x["id"] for x in leader_summaries(world_for(room["scenario"]))]
            lesson = lesson.model_copy(update={"pool": actors})
        return lesson

    def teacher_room(self, code: str, token: str | None) -> dict[str, Any]:
        room = self.classroom(code)
        if not token_matches(token, room["token_hash"]):
            raise HTTPException(403, "only the teacher who created the class sees its games")
        return room

    def join(
        self,
        code: str,
        player_name: str | None,
        leader: str | None,
        seed: int | None,
        request: Request,
        scenario: str | None = None,
    ) -> dict[str, Any]:
        """The student's seat: a new game with the leader the lesson gives him, or, if his
        name already has a seat, that game (with a new token: the old link stops working).
        ``scenario``, if given, must be the class's."""
        room = self.classroom(code)
        if scenario is not None and room["scenario"] != scenario:
            raise HTTPException(
                422, f"class {room['code']} plays {room['scenario']}, not {scenario}"
            )
        if player_name is None or not player_name.strip():
            raise HTTPException(422, "give your name to join a class")
        lesson = self.lesson(room)
        key = seat_key(player_name)
        with self._seats:
            rows = self.store.class_games(room["code"])
            seat = next((r for r in rows if r.player_name and seat_key(r.player_name) == key), None)
            if seat is not None:
                token = secrets.token_urlsafe(24)
                self.store.set_token(seat.id, token)
                self.games.forget(seat.id)
                loaded = self.games.load(seat.id, token)
                return {**_created(self.games, request, seat.id, token, loaded), "resumed": True}
            chosen = self._leader_for(room["scenario"], lesson, key, leader, rows)
            created = self.games.create(
                room["scenario"],
                chosen,
                lesson.difficulty,
                seed,
                " ".join(player_name.split()),
                room["code"],
                lesson.months,
            )
        return {**_created(self.games, request, *created), "resumed": False}

    @staticmethod
    def _leader_for(
        scenario: str, lesson: Lesson, key: str, asked: str | None, rows: list[GameRow]
    ) -> str:
        assigned = {seat_key(a.name): a.leader for a in lesson.roster}
        if key in assigned:
            return assigned[key]
        pool = lesson.pool or []
        if lesson.leaders == "balance":
            taken = Counter(r.leader for r in rows)
            return min(pool, key=lambda leader: (taken[leader], pool.index(leader)))
        if asked is None:
            raise HTTPException(422, "choose a leader")
        if asked not in pool:
            names = world_for(scenario).leader_names
            ids = world_for(scenario).leader_ids
            choices = ", ".join(f"{x} ({names[ids.index(x)]})" for x in pool)
            raise HTTPException(422, f"{asked!r} is not offered in this class; choose: {choices}")
        return asked

    def join_from_new_game(self, body: schemas.NewGame, request: Request) -> dict[str, Any]:
        """``POST /api/games`` with a class code: the same as joining the class (the
        class's lesson sets the difficulty)."""
        assert body.class_code is not None
        return self.join(
            body.class_code,
            body.player_name,
            body.leader,
            body.seed,
            request,
            scenario=body.scenario,
        )

    def info(self, code: str) -> dict[str, Any]:
        room = self.classroom(code)
        lesson = self.lesson(room)
        world = world_for(room["scenario"])
        scenario = _scenario_info(room["scenario"])
        pool = lesson.pool or []
        return {
            "code": room["code"],
            "name": room["name"],
            "scenario": room["scenario"],
            "scenario_name": scenario["name"],
            "lesson": lesson_out(world, lesson),
            "leaders": [x for x in scenario["leaders"] if x["id"] in pool],
            "difficulties": scenario["difficulties"],
        }

    # --- the teacher's pages -------------------------------------------------------------

    def dashboard(self, code: str, token: str | None) -> dict[str, Any]:
        """The live board: every game's student, leader, month and state, and the class
        against the historical winner."""
        room = self.teacher_room(code, token)
        w = world_for(room["scenario"])
        lesson = self.lesson(room)
        history = w.scenario.history
        target = history.winner if history is not None else None
        games = []
        winners: Counter[str] = Counter()
        rows = self.store.class_games(room["code"])
        for row in rows:
            games.append(self._board_row(w, row))
            if row.over:
                winners["no one" if row.winner is None else self._name(w, row.winner)] += 1
        finished = [r for r in rows if r.over]
        playing = len(rows) - len(finished)
        # Counted from who consolidated: a student who played the historical winner and
        # failed did not stop him, so his games are counted apart.
        rivals = [r for r in finished if r.leader != target]
        his = [r for r in finished if r.leader == target]
        stopped = sum(r.winner != target for r in rivals)
        won = sum(r.winner == target for r in his)
        target_name = None if target is None else self._name(w, target)
        if target_name is not None:
            parts = []
            if rivals or not his:
                parts.append(f"{stopped} of {len(rivals)} finished games stopped {target_name}")
            if his:
                playing_him = "playing" if parts else "Playing"
                parts.append(f"{playing_him} {target_name}, {won} of {len(his)} consolidated power")
            headline = "; ".join(parts)
        else:
            headline = f"{len(finished)} finished games"
        headline += f"; {playing} still playing."
        known = target is not None
        return {
            "code": room["code"],
            "name": room["name"],
            "scenario": room["scenario"],
            "lesson": lesson_out(w, lesson),
            "games": games,
            "finished": len(finished),
            "playing": playing,
            "winners": dict(winners),
            "historical_winner": target_name,
            "stopped": stopped if known else None,
            "stopped_of": len(rivals) if known else None,
            "as_winner": len(his) if known else None,
            "won_as_winner": won if known else None,
            "headline": headline,
        }

    @staticmethod
    def _name(w: World, leader: str) -> str:
        return w.leader_names[w.leader(leader)]

    def _board_row(self, w: World, row: GameRow) -> dict[str, Any]:
        months = w.months if row.end_turn is None else min(row.end_turn, w.months)
        winner_name = None if row.winner is None else self._name(w, row.winner)
        if row.over:
            state = (
                f"over: {winner_name} consolidated ({row.consolidated})"
                if winner_name
                else "over: no one consolidated"
            )
        else:
            state = f"{row.status}, month {row.turn + 1} of {months}"
        return {
            "id": row.id,
            "player_name": row.player_name,
            "leader": row.leader,
            "leader_name": self._name(w, row.leader),
            "difficulty": row.difficulty,
            "turn": row.turn,
            "months": months,
            "month": w.month_label(max(min(row.turn, months) - 1, 0) if row.over else row.turn),
            "over": row.over,
            "status": row.status,
            "state": state,
            "winner": row.winner,
            "winner_name": winner_name,
            "consolidated": row.consolidated,
            "last_active": row.updated,
        }

    def played(self, room: dict[str, Any]) -> list[Played]:
        return [Played(r, self.store.records(r.id)) for r in self.store.class_games(room["code"])]

    def debrief(self, code: str, token: str | None) -> dict[str, Any]:
        """The class beside history and beside the AI-only odds; each game's turning
        points; discussion prompts drawn from them."""
        room = self.teacher_room(code, token)
        w = world_for(room["scenario"])
        lesson = self.lesson(room)
        history = w.scenario.history
        target = history.winner if history is not None else None
        games = self.played(room)
        finished = [g for g in games if g.row.over]
        odds = self.games.odds.get(room["scenario"])
        ai = {x["leader"]: x for x in odds.get("winners", [])} if odds["status"] == "ready" else {}
        won = Counter(g.row.winner for g in finished)
        strongest = Counter(g.strongest(w) for g in finished)
        leaders: list[str | None] = list(
            dict.fromkeys(
                [target] + [x for x, _ in won.most_common()] + [x for x in ai if x is not None]
            )
        )
        if None not in leaders:
            leaders.append(None)
        outcomes = []
        for leader in leaders:
            if leader is None and not won[None] and None not in ai:
                continue
            share = ai.get(leader)
            if share is None and ai:  # the odds are in and he never won an AI-only game
                low, high = wilson_interval(0, int(odds["runs"]))
                share = {"share": 0.0, "low": low, "high": high}
            outcomes.append(
                {
                    "leader": leader,
                    "name": "no one (collective leadership)"
                    if leader is None
                    else self._name(w, leader),
                    "class_count": won[leader],
                    "class_share": won[leader] / len(finished) if finished else None,
                    "strongest_count": strongest[leader] if leader is not None else 0,
                    "ai_share": None if share is None else share["share"],
                    "ai_low": None if share is None else share["low"],
                    "ai_high": None if share is None else share["high"],
                    "history": leader == target and history is not None,
                }
            )
        history_text = None
        if history is not None and target is not None:
            history_text = f"{self._name(w, target)} consolidated power ({history.consolidated})."
        fates = []
        for leader in dict.fromkeys(g.row.leader for g in games):
            mine = [g for g in games if g.row.leader == leader]
            falls = [
                f"{g.row.player_name}: {FALLS[kind]} {month}"
                for g in mine
                for kind, month in g.falls()
            ]
            fates.append(
                {
                    "leader": leader,
                    "name": self._name(w, leader),
                    "students": len(mine),
                    "falls": falls,
                    "history": self._historical_fate(w, leader),
                }
            )
        out_games = [
            {
                "id": g.row.id,
                "player_name": g.row.player_name,
                "leader": g.row.leader,
                "leader_name": self._name(w, g.row.leader),
                "over": g.row.over,
                "month": w.month_label(min(g.row.turn, w.months - 1)),
                "outcome": self._board_row(w, g.row)["state"],
                "fate": g.fate(),
                "strongest_at_end": self._name(w, g.strongest(w)),
                "turning_points": g.turning_points,
            }
            for g in games
        ]
        return {
            "code": room["code"],
            "name": room["name"],
            "scenario_name": w.scenario.name,
            "lesson": lesson_out(w, lesson),
            "finished": len(finished),
            "total": len(games),
            "history": history_text,
            "outcomes": outcomes,
            "odds": {k: v for k, v in odds.items() if k != "winners"},
            "fates": fates,
            "games": out_games,
            "prompts": self._prompts(w, lesson_out(w, lesson), games, finished, won, ai),
        }

    @staticmethod
    def _historical_fate(w: World, leader: str) -> str:
        history = w.scenario.history
        if history is None:
            return "no historical record in this scenario"
        if leader == history.winner:
            return f"consolidated power ({history.consolidated})"
        record = history.eliminations.get(leader)
        if record is None:
            return "in the leadership to the end"
        parts = [
            f"{words} {fact.date}"
            for fact, words in (
                (record.politburo, FALLS["seat_lost"]),
                (record.party, FALLS["expelled"]),
                (record.exile, FALLS["exiled"]),
            )
            if fact is not None and fact.date is not None
        ]
        return "; ".join(parts) or "in the leadership to the end"

    def _prompts(
        self,
        w: World,
        lesson: dict[str, Any],
        games: list[Played],
        finished: list[Played],
        won: Counter[str | None],
        ai: dict[str | None, dict[str, Any]],
    ) -> list[str]:
        """Questions for the class, each drawn from what happened in its games."""
        prompts: list[str] = []
        history = w.scenario.history
        target = history.winner if history is not None else None
        if history is not None and target is not None and finished:
            name = self._name(w, target)
            share = ai.get(target)
            alone = (
                f" (the AI alone: {round(100 * share['share'])}% of its games over the whole "
                "calendar)"
                if share
                else ""
            )
            if lesson["full"]:
                prompts.append(
                    f"{name} consolidated power in {won[target]} of {len(finished)} finished "
                    f"games{alone}, and in history in {history.consolidated}. What did the "
                    "games that went otherwise do differently?"
                )
            else:
                ahead = sum(g.strongest(w) == target for g in finished)
                prompts.append(
                    f"When the lesson stopped ({lesson['end']}), {name} held the most real "
                    f"power in {ahead} of {len(finished)} finished games; in history he "
                    f"consolidated power in {history.consolidated}{alone}. Where did his power "
                    "come from so early?"
                )
        falls = sorted(
            ((month, kind, g) for g in games for kind, month in g.falls()[:1]),
            key=lambda f: f[0],
        )
        for month, kind, g in falls[:2]:
            leader = self._name(w, g.row.leader)
            prompts.append(
                f"{g.row.player_name} ({leader}) was {FALLS[kind]} in {month}; in history "
                f"{leader}: {self._historical_fate(w, g.row.leader)}. Why sooner or later?"
            )
        for g in games:
            against = [
                p
                for p in g.turning_points
                if p["kind"] in ("motion_passed", "conference_vote") and p["for_you"] is False
            ]
            if against:
                prompts.append(
                    f"In {g.row.player_name}'s game: \u201c{against[0]['text']}\u201d "
                    "Where did those votes come from, and could they have been split?"
                )
                break
        refused = [
            (g, p) for g in games for p in g.turning_points if p["kind"] == "alliance_refused"
        ]
        if refused:
            g, p = refused[0]
            prompts.append(
                f"{len(refused)} offers of alliance were rebuffed in the students' games "
                f"(e.g. {g.row.player_name}: \u201c{p['text']}\u201d). What did the other "
                "side fear more?"
            )
        gap = self._largest_gap(w, games)
        if gap is not None:
            prompts.append(gap)
        for g in games:
            threat = next((p for p in g.turning_points if p["kind"] == "common_threat"), None)
            if threat is not None:
                prompts.append(
                    f"In {g.row.player_name}'s game ({threat['month']}): "
                    f"\u201c{threat['text']}\u201d What gave him away?"
                )
                break
        if not prompts:
            prompts.append("Whom did you underestimate, and when could you first have seen it?")
        return prompts

    def _largest_gap(self, w: World, games: list[Played]) -> str | None:
        """The widest gap in the class between a leader's real power and what the
        student's leader saw of it."""
        best: tuple[float, str] | None = None
        for g in games:
            me = w.leader(g.row.leader)
            for r in g.records[1:]:
                for other, (seen, real) in enumerate(zip(r["seen"], r["real"], strict=True)):
                    if other == me or real - seen <= (best[0] if best else 0.05):
                        continue
                    best = (
                        real - seen,
                        f"In {r['month']}, {g.row.player_name}'s {self._name(w, g.row.leader)} "
                        f"saw {w.leader_names[other]} at {round(100 * seen)}% of the power; he "
                        f"held {round(100 * real)}%. What could have shown it?",
                    )
        return None if best is None else best[1]

    def results_csv(self, code: str, token: str | None) -> tuple[str, str]:
        """(file name, CSV text): one row per student."""
        room = self.teacher_room(code, token)
        w = world_for(room["scenario"])
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(RESULT_COLUMNS)
        for g in self.played(room):
            row = self._board_row(w, g.row)
            me = w.leader(g.row.leader)
            writer.writerow(
                _csv_text(x)
                for x in (
                    g.row.player_name,
                    row["leader_name"],
                    g.row.difficulty,
                    row["months"],
                    min(g.row.turn, row["months"]),
                    row["month"],
                    g.row.status,
                    "yes" if g.row.over else "no",
                    row["winner_name"] or "",
                    g.row.consolidated or "",
                    g.fate(),
                    f"{g.records[-1]['real'][me]:.4f}",
                    self._name(w, g.strongest(w)),
                    len(g.turning_points),
                    datetime.fromtimestamp(g.row.updated, UTC).strftime("%Y-%m-%d %H:%M"),
                )
            )
        return f"politburo-{room['code']}.csv", out.getvalue()

    def teacher_game(self, code: str, game_id: str, token: str | None) -> GameRow:
        """A game of the class, for its teacher (404 if it is not the class's)."""
        room = self.teacher_room(code, token)
        row = self.store.game(game_id)
        if row is None or row.class_code != room["code"]:
            raise HTTPException(404, "no game with this id in this class")
        return row


#: the CSV's header
RESULT_COLUMNS = (
    "student",
    "leader",
    "difficulty",
    "lesson_months",
    "months_played",
    "month",
    "status",
    "finished",
    "winner",
    "consolidated",
    "fate",
    "real_power_at_end",
    "strongest_at_end",
    "turning_points",
    "last_active_utc",
)


# --- routes ------------------------------------------------------------------------------


def _classes(request: Request) -> ClassService:
    service: ClassService = request.app.state.classes
    return service


Classes = Annotated[ClassService, Depends(_classes)]

unreadable = problem("The body is not JSON text")
malformed = problem("Malformed request, unknown scenario or leader, or a lesson that does not fit")
too_large = problem("Request body over 16 KiB")
no_class = problem("No such class")
not_teacher = problem("Wrong or missing teacher token")
teacher_errors: dict[int | str, dict[str, Any]] = {403: not_teacher, 404: no_class, 422: malformed}

router = APIRouter(tags=["classes"])


@router.post(
    "/api/classes",
    response_model=ClassCreated,
    status_code=201,
    responses={400: unreadable, 413: too_large, 422: malformed},
)
def create_class(body: NewClass, request: Request, classes: Classes) -> dict[str, Any]:
    """Create a class and its lesson: students join with its code; the teacher token
    opens the board, the debrief and the results."""
    code, token, lesson = classes.create_class(body.name, body.scenario, body.lesson)
    base = str(request.base_url).rstrip("/")
    return {
        "code": code,
        "teacher_token": token,
        "name": body.name,
        "scenario": body.scenario,
        "lesson": lesson_out(world_for(body.scenario), lesson),
        "url": f"{base}/class/{code}#teacher={token}",
        "join_url": f"{base}/class/{code}",
    }


@router.get(
    "/api/classes/{code}",
    response_model=ClassInfo,
    responses={404: no_class, 422: malformed},
)
def class_info(code: Code, classes: Classes) -> dict[str, Any]:
    """What a student needs to join: the scenario, the lesson and the leaders offered."""
    return classes.info(code)


@router.post(
    "/api/classes/{code}/join",
    response_model=Joined,
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
    code: Code, body: JoinClass, request: Request, response: Response, classes: Classes
) -> dict[str, Any]:
    """Take your seat in a class: a new game (201), or, if your name has one, that game
    resumed with a new token (200)."""
    joined = classes.join(code, body.player_name, body.leader, body.seed, request)
    if joined["resumed"]:
        response.status_code = 200
    return joined


@router.get("/api/classes/{code}/dashboard", response_model=Dashboard, responses=teacher_errors)
def dashboard(code: Code, token: Teacher, classes: Classes) -> dict[str, Any]:
    """The live board: every game's student, leader, month and state, and the class at a
    glance."""
    return classes.dashboard(code, token)


@router.get("/api/classes/{code}/debrief", response_model=Debrief, responses=teacher_errors)
def debrief(code: Code, token: Teacher, classes: Classes) -> dict[str, Any]:
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
    "/api/classes/{code}/games/{game_id}", response_model=TeacherView, responses=teacher_errors
)
def teacher_game(code: Code, game_id: GameId, token: Teacher, classes: Classes) -> Response:
    """A student's game as the student sees it, for the teacher."""
    row = classes.teacher_game(code, game_id, token)
    loaded = classes.games.load(row.id, None, authorized=True)
    return fast(
        {
            "game": classes.games.view(loaded),
            "player_name": row.player_name,
            "summary_url": f"/api/classes/{row.class_code}/games/{row.id}/summary",
        }
    )


@router.get(
    "/api/classes/{code}/games/{game_id}/summary",
    response_model=schemas.Summary,
    responses={**teacher_errors, 409: problem("The game is not over")},
)
def teacher_summary(code: Code, game_id: GameId, token: Teacher, classes: Classes) -> Any:
    """A student's end screen, for the teacher."""
    row = classes.teacher_game(code, game_id, token)
    return classes.games.summary(classes.games.load(row.id, None, authorized=True))


@router.get("/class", include_in_schema=False)
def class_new_page() -> HTMLResponse:
    return index_page()


@router.get("/class/{code}", include_in_schema=False)
def class_page(code: Code) -> HTMLResponse:
    return index_page()


@router.get("/class/{code}/debrief", include_in_schema=False)
def debrief_page(code: Code) -> HTMLResponse:
    return index_page()


@router.get("/class/{code}/game/{game_id}", include_in_schema=False)
def student_page(code: Code, game_id: GameId) -> HTMLResponse:
    return index_page()
