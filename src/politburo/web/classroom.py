"""The classroom: a teacher sets up a lesson, students join it with its short code, the
teacher follows them on a live board and debriefs the class on a projector.

A class has a short code for students and a teacher token (sent as
``X-Teacher-Token``) for its board, debrief, results and the students' end screens. Its
lesson fixes the scenario, the AI's difficulty, the length in months and who plays whom
(students choose, the class is spread over the contenders, or the teacher assigns). A
student name holds one seat: joining again with the same name resumes that game.

This is the classroom's service: it knows nothing of HTTP and raises domain errors
(:mod:`politburo.errors`); its routes are in :mod:`politburo.web.routes.classes`.
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

from politburo.analysis.summary import wilson_interval
from politburo.analysis.validation import contenders
from politburo.errors import Forbidden, InputError, NotFound
from politburo.model.world import World
from politburo.scenario import builtin_names
from politburo.web import schemas
from politburo.web.games import GameService, Started, scenario_info
from politburo.web.play import leader_summaries, world_for
from politburo.web.schemas import (
    ClassGame,
    ClassInfo,
    Dashboard,
    Debrief,
    DebriefGame,
    DebriefPoint,
    FateRow,
    Lesson,
    LessonOut,
    Odds,
    OutcomeRow,
    Record,
    WinnerShare,
)
from politburo.web.store import ClassRow, GameRow, token_matches

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


class NoFreeCode(RuntimeError):
    """Every class code tried was taken (the server answers 503: try again)."""


# --- what a game left ----------------------------------------------------------------------


def seat_key(name: str) -> str:
    """A student's seat: the name without case or extra spaces ("Ann  B" is "ann b")."""
    return " ".join(name.split()).casefold()


@lru_cache(maxsize=8)
def scenario_contenders(scenario: str) -> tuple[str, ...]:
    """The scenario's contenders (:func:`politburo.analysis.validation.contenders`)."""
    return tuple(contenders(world_for(scenario).scenario))


def lesson_out(world: World, lesson: Lesson) -> LessonOut:
    """The lesson as the pages show it: its months in the scenario's calendar."""
    months = world.months if lesson.months is None else min(lesson.months, world.months)
    return LessonOut(
        difficulty=lesson.difficulty,
        months=months,
        full=months == world.months,
        start=world.month_label(0),
        end=world.month_label(months - 1),
        calendar_end=world.month_label(world.months - 1),
        leaders=lesson.leaders,
        pool=list(lesson.pool or []),
        roster=list(lesson.roster),
    )


@dataclass
class Played:
    """One class game as the teacher's pages read it: its header and its months."""

    row: GameRow
    records: list[Record]

    def falls(self) -> list[tuple[str, str]]:
        """(event kind, month) of the student's leader leaving the leadership, the party,
        the country."""
        me = self.row.leader
        return [
            (e.kind, e.month)
            for r in self.records
            for e in r.events
            if e.kind in FALLS and e.actor == me
        ]

    def fate(self) -> str:
        falls = self.falls()
        if not falls:
            return "in the leadership to the end" if self.row.over else "in the leadership"
        return "; ".join(f"{FALLS[kind]} {month}" for kind, month in falls)

    def strongest(self, world: World) -> str:
        """The leader holding most real power after the last month played."""
        real = self.records[-1].real
        return world.leader_ids[max(range(len(real)), key=lambda i: real[i])]

    @cached_property
    def turning_points(self) -> list[DebriefPoint]:
        """The months that changed the game for the student: his falls and promotions,
        the votes on his motions or against him, his alliances; graver ones first, then
        in order of time."""
        me = self.row.leader
        found = []
        for r in self.records:
            for e in r.events:
                kind = e.kind
                if kind not in GRAVE and kind not in MINOR:
                    continue
                if kind != "consolidated" and not e.mine:
                    continue
                for_you = None
                if kind in ("motion_passed", "policy_adopted", "congress_vote"):
                    for_you = e.actor == me
                elif kind in ("motion_failed", "policy_rejected"):
                    for_you = e.actor != me
                elif kind == "conference_vote":
                    for_you = e.target != me
                rank = GRAVE.index(kind) if kind in GRAVE else len(GRAVE) + MINOR.index(kind)
                found.append(
                    (
                        rank,
                        r.turn,
                        DebriefPoint(month=e.month, kind=kind, text=e.text, for_you=for_you),
                    )
                )
        found.sort(key=lambda f: (f[0] >= len(GRAVE), f[1]))
        kept = sorted(found[:TURNING_POINTS], key=lambda f: f[1])
        return [point for _, _, point in kept]


def _csv_text(value: object) -> str:
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
        """A class with its lesson checked against the scenario (:class:`InputError` if it
        does not fit)."""
        if scenario not in builtin_names():
            raise InputError(
                f"unknown scenario {scenario!r}; choose one of: {', '.join(builtin_names())}"
            )
        world = world_for(scenario)
        if lesson.months is not None and lesson.months > world.months:
            raise InputError(
                f"{scenario} lasts {world.months} months; a lesson can be at most that long"
            )
        actors = [x.id for x in leader_summaries(world)]
        pool = lesson.pool
        if pool is None:
            pool = list(scenario_contenders(scenario)) if lesson.leaders == "balance" else actors
        named = pool + [a.leader for a in lesson.roster]
        unknown = sorted({x for x in named if x not in actors})
        if unknown:
            raise InputError(
                f"not leaders who act in {scenario}: {', '.join(unknown)}; choose from: "
                + ", ".join(actors),
            )
        if not pool:
            raise InputError("the pool of leaders is empty")
        keys = [seat_key(a.name) for a in lesson.roster]
        twice = sorted({k for k in keys if keys.count(k) > 1})
        if twice:
            raise InputError(f"the roster names a student twice: {', '.join(twice)}")
        lesson = lesson.model_copy(update={"pool": list(dict.fromkeys(pool))})
        token = secrets.token_urlsafe(24)
        for _ in range(20):
            code = "".join(secrets.choice(CLASS_ALPHABET) for _ in range(CLASS_CODE_LENGTH))
            if self.store.create_class(code, token, name, scenario, lesson):
                return code, token, lesson
        raise NoFreeCode("could not find a free class code; try again")

    def classroom(self, code: str) -> ClassRow:
        """The class with this code (any case); :class:`~politburo.errors.NotFound`."""
        found = self.store.classroom(code.upper())
        if found is None:
            raise NotFound("no class with this code")
        return found

    @staticmethod
    def lesson(room: ClassRow) -> Lesson:
        """The class's lesson (a class made before lessons existed: the defaults)."""
        lesson = room.lesson
        if lesson.pool is None:
            actors = [x.id for x in leader_summaries(world_for(room.scenario))]
            lesson = lesson.model_copy(update={"pool": actors})
        return lesson

    def teacher_room(self, code: str, token: str | None) -> ClassRow:
        """The class, for its teacher only (:class:`~politburo.errors.Forbidden`)."""
        room = self.classroom(code)
        if not token_matches(token, room.token_hash):
            raise Forbidden("only the teacher who created the class sees its games")
        return room

    def join(
        self,
        code: str,
        player_name: str | None,
        leader: str | None,
        seed: int | None,
        scenario: str | None = None,
    ) -> Started:
        """The student's seat: a new game with the leader the lesson gives him, or, if his
        name already has a seat, that game (with a new token: the old link stops working).
        ``scenario``, if given, must be the class's."""
        room = self.classroom(code)
        if scenario is not None and room.scenario != scenario:
            raise InputError(f"class {room.code} plays {room.scenario}, not {scenario}")
        if player_name is None or not player_name.strip():
            raise InputError("give your name to join a class")
        lesson = self.lesson(room)
        key = seat_key(player_name)
        with self._seats:
            rows = self.store.class_games(room.code)
            seat = next((r for r in rows if r.player_name and seat_key(r.player_name) == key), None)
            if seat is not None:
                token = secrets.token_urlsafe(24)
                self.store.set_token(seat.id, token)
                self.games.forget(seat.id)
                loaded = self.games.load(seat.id, token)
                return Started(token, loaded, resumed=True)
            chosen = self._leader_for(room.scenario, lesson, key, leader, rows)
            created = self.games.create(
                room.scenario,
                chosen,
                lesson.difficulty,
                seed,
                " ".join(player_name.split()),
                room.code,
                lesson.months,
            )
        return created

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
            raise InputError("choose a leader")
        if asked not in pool:
            names = world_for(scenario).leader_names
            ids = world_for(scenario).leader_ids
            choices = ", ".join(f"{x} ({names[ids.index(x)]})" for x in pool)
            raise InputError(f"{asked!r} is not offered in this class; choose: {choices}")
        return asked

    def join_from_new_game(self, body: schemas.NewGame) -> Started:
        """``POST /api/games`` with a class code: the same as joining the class (the
        class's lesson sets the difficulty)."""
        assert body.class_code is not None
        return self.join(
            body.class_code,
            body.player_name,
            body.leader,
            body.seed,
            scenario=body.scenario,
        )

    def info(self, code: str) -> ClassInfo:
        """What a student needs to join: the scenario, the lesson, the leaders offered."""
        room = self.classroom(code)
        lesson = self.lesson(room)
        world = world_for(room.scenario)
        scenario = scenario_info(room.scenario)
        pool = lesson.pool or []
        return ClassInfo(
            code=room.code,
            name=room.name,
            scenario=room.scenario,
            scenario_name=scenario.name,
            lesson=lesson_out(world, lesson),
            leaders=[x for x in scenario.leaders if x.id in pool],
            difficulties=scenario.difficulties,
        )

    # --- the teacher's pages -------------------------------------------------------------

    def dashboard(self, code: str, token: str | None) -> Dashboard:
        """The live board: every game's student, leader, month and state, and the class
        against the historical winner."""
        room = self.teacher_room(code, token)
        w = world_for(room.scenario)
        lesson = self.lesson(room)
        history = w.scenario.history
        target = history.winner if history is not None else None
        games = []
        winners: Counter[str] = Counter()
        rows = self.store.class_games(room.code)
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
        return Dashboard(
            code=room.code,
            name=room.name,
            scenario=room.scenario,
            lesson=lesson_out(w, lesson),
            games=games,
            finished=len(finished),
            playing=playing,
            winners=dict(winners),
            historical_winner=target_name,
            stopped=stopped if known else None,
            stopped_of=len(rivals) if known else None,
            as_winner=len(his) if known else None,
            won_as_winner=won if known else None,
            headline=headline,
        )

    @staticmethod
    def _name(w: World, leader: str) -> str:
        return w.leader_names[w.leader(leader)]

    def _board_row(self, w: World, row: GameRow) -> ClassGame:
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
        return ClassGame(
            id=row.id,
            player_name=row.player_name,
            leader=row.leader,
            leader_name=self._name(w, row.leader),
            difficulty=row.difficulty,
            turn=row.turn,
            months=months,
            month=w.month_label(max(min(row.turn, months) - 1, 0) if row.over else row.turn),
            over=row.over,
            status=row.status,
            state=state,
            winner=row.winner,
            winner_name=winner_name,
            consolidated=row.consolidated,
            last_active=row.updated,
        )

    def played(self, room: ClassRow) -> list[Played]:
        return [Played(r, self.store.records(r.id)) for r in self.store.class_games(room.code)]

    def debrief(self, code: str, token: str | None) -> Debrief:
        """The class beside history and beside the AI-only odds; each game's turning
        points; discussion prompts drawn from them."""
        room = self.teacher_room(code, token)
        w = world_for(room.scenario)
        lesson = self.lesson(room)
        history = w.scenario.history
        target = history.winner if history is not None else None
        games = self.played(room)
        finished = [g for g in games if g.row.over]
        odds = self.games.odds.get(room.scenario)
        ai = {x.leader: x for x in odds.winners or []} if odds.status == "ready" else {}
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
            name = "no one (collective leadership)" if leader is None else self._name(w, leader)
            share = ai.get(leader)
            if share is None and ai:  # the odds are in and he never won an AI-only game
                low, high = wilson_interval(0, odds.runs)
                share = WinnerShare(
                    leader=leader, name=name, count=0, share=0.0, low=low, high=high
                )
            outcomes.append(
                OutcomeRow(
                    leader=leader,
                    name=name,
                    class_count=won[leader],
                    class_share=won[leader] / len(finished) if finished else None,
                    strongest_count=strongest[leader] if leader is not None else 0,
                    ai_share=None if share is None else share.share,
                    ai_low=None if share is None else share.low,
                    ai_high=None if share is None else share.high,
                    history=leader == target and history is not None,
                )
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
                FateRow(
                    leader=leader,
                    name=self._name(w, leader),
                    students=len(mine),
                    falls=falls,
                    history=self._historical_fate(w, leader),
                )
            )
        out_games = [
            DebriefGame(
                id=g.row.id,
                player_name=g.row.player_name,
                leader=g.row.leader,
                leader_name=self._name(w, g.row.leader),
                over=g.row.over,
                month=w.month_label(min(g.row.turn, w.months - 1)),
                outcome=self._board_row(w, g.row).state,
                fate=g.fate(),
                strongest_at_end=self._name(w, g.strongest(w)),
                turning_points=g.turning_points,
            )
            for g in games
        ]
        return Debrief(
            code=room.code,
            name=room.name,
            scenario_name=w.scenario.name,
            lesson=lesson_out(w, lesson),
            finished=len(finished),
            total=len(games),
            history=history_text,
            outcomes=outcomes,
            # the winners are in the outcomes, beside the class's
            odds=Odds.model_validate(odds.model_dump(exclude_unset=True, exclude={"winners"})),
            fates=fates,
            games=out_games,
            prompts=self._prompts(w, lesson_out(w, lesson), games, finished, won, ai),
        )

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
        lesson: LessonOut,
        games: list[Played],
        finished: list[Played],
        won: Counter[str | None],
        ai: dict[str | None, WinnerShare],
    ) -> list[str]:
        """Questions for the class, each drawn from what happened in its games."""
        prompts: list[str] = []
        history = w.scenario.history
        target = history.winner if history is not None else None
        if history is not None and target is not None and finished:
            name = self._name(w, target)
            share = ai.get(target)
            alone = (
                f" (the AI alone: {round(100 * share.share)}% of its games over the whole calendar)"
                if share
                else ""
            )
            if lesson.full:
                prompts.append(
                    f"{name} consolidated power in {won[target]} of {len(finished)} finished "
                    f"games{alone}, and in history in {history.consolidated}. What did the "
                    "games that went otherwise do differently?"
                )
            else:
                ahead = sum(g.strongest(w) == target for g in finished)
                prompts.append(
                    f"When the lesson stopped ({lesson.end}), {name} held the most real "
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
                if p.kind in ("motion_passed", "conference_vote") and p.for_you is False
            ]
            if against:
                prompts.append(
                    f"In {g.row.player_name}'s game: \u201c{against[0].text}\u201d "
                    "Where did those votes come from, and could they have been split?"
                )
                break
        refused = [(g, p) for g in games for p in g.turning_points if p.kind == "alliance_refused"]
        if refused:
            g, p = refused[0]
            prompts.append(
                f"{len(refused)} offers of alliance were rebuffed in the students' games "
                f"(e.g. {g.row.player_name}: \u201c{p.text}\u201d). What did the other "
                "side fear more?"
            )
        gap = self._largest_gap(w, games)
        if gap is not None:
            prompts.append(gap)
        for g in games:
            threat = next((p for p in g.turning_points if p.kind == "common_threat"), None)
            if threat is not None:
                prompts.append(
                    f"In {g.row.player_name}'s game ({threat.month}): "
                    f"\u201c{threat.text}\u201d What gave him away?"
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
                for other, (seen, real) in enumerate(zip(r.seen, r.real, strict=True)):
                    if other == me or real - seen <= (best[0] if best else 0.05):
                        continue
                    best = (
                        real - seen,
                        f"In {r.month}, {g.row.player_name}'s {self._name(w, g.row.leader)} "
                        f"saw {w.leader_names[other]} at {round(100 * seen)}% of the power; he "
                        f"held {round(100 * real)}%. What could have shown it?",
                    )
        return None if best is None else best[1]

    def results_csv(self, code: str, token: str | None) -> tuple[str, str]:
        """(file name, CSV text): one row per student."""
        room = self.teacher_room(code, token)
        w = world_for(room.scenario)
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
                    row.leader_name,
                    g.row.difficulty,
                    row.months,
                    min(g.row.turn, row.months),
                    row.month,
                    g.row.status,
                    "yes" if g.row.over else "no",
                    row.winner_name or "",
                    g.row.consolidated or "",
                    g.fate(),
                    f"{g.records[-1].real[me]:.4f}",
                    self._name(w, g.strongest(w)),
                    len(g.turning_points),
                    datetime.fromtimestamp(g.row.updated, UTC).strftime("%Y-%m-%d %H:%M"),
                )
            )
        return f"politburo-{room.code}.csv", out.getvalue()

    def teacher_game(self, code: str, game_id: str, token: str | None) -> GameRow:
        """A game of the class, for its teacher (:class:`NotFound` if it is not the
        class's)."""
        room = self.teacher_room(code, token)
        row = self.store.game(game_id)
        if row is None or row.class_code != room.code:
            raise NotFound("no game with this id in this class")
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
