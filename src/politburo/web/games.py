"""Games: creating them, checking who may play them, playing months, saving each, and
what the pages show of them. The service knows nothing of HTTP: a request it cannot serve
raises a domain error (:mod:`politburo.errors`) that :mod:`politburo.web.middleware`
turns into its 4xx.

Games live in the SQLite store and, while played, in memory (the least recently used
leave and reload from the store); every month is saved before the answer goes out. Each
game has an unguessable id and a player token.
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace

from politburo.errors import Conflict, Forbidden, Gone, InputError, NotFound
from politburo.model.params import DEFAULT_PARAMETERS
from politburo.scenario import builtin_names
from politburo.web import lesson, schemas
from politburo.web.limits import EngineBudget, Limits
from politburo.web.odds import OddsService
from politburo.web.play import (
    DIFFICULTIES,
    Match,
    OutdatedGame,
    leader_summaries,
    state_to_bytes,
    target_id,
    verb_id,
    world_for,
)
from politburo.web.schemas import Record
from politburo.web.store import GameRow, SaveConflict, Store, token_matches

#: games kept in memory (least recently used leave; they reload from the store)
CACHE_SIZE = 512


@dataclass
class Loaded:
    """A game in memory: its saved header and the live match."""

    row: GameRow
    match: Match


@dataclass(frozen=True)
class Started:
    """A game just started (or a class seat resumed): the player's token is shown once."""

    token: str
    loaded: Loaded
    resumed: bool = False

    @property
    def id(self) -> str:
        return self.loaded.row.id


class GameService:
    """Games: creation, access checks, playing, saving, summaries (classes:
    :class:`politburo.web.classroom.ClassService`)."""

    def __init__(
        self, store: Store, odds: OddsService, limits: Limits, budget: EngineBudget
    ) -> None:
        self.store = store
        self.odds = odds
        self.limits = limits
        # One month is simulated at a time (players' clicks before fast-forwards), instead
        # of every waiting request slowing the others down by sharing the interpreter.
        self.budget = budget
        self._cache: OrderedDict[str, Loaded] = OrderedDict()
        self._cache_lock = threading.Lock()
        self._locks: dict[str, threading.Lock] = {}

    # --- access --------------------------------------------------------------------------

    @contextmanager
    def locked(self, game_id: str) -> Iterator[None]:
        """One request at a time per game (a double click cannot play a month twice)."""
        with self._cache_lock:
            lock = self._locks.setdefault(game_id, threading.Lock())
        with lock:
            yield

    def load(self, game_id: str, token: str | None, authorized: bool = False) -> Loaded:
        """The game, if the token is its player's (or the caller checked access:
        ``authorized``); :class:`NotFound`, :class:`Forbidden`, or :class:`Gone` (saved by
        rules that cannot resume it) otherwise."""
        with self._cache_lock:
            loaded = self._cache.get(game_id)
            if loaded is not None:
                self._cache.move_to_end(game_id)
        if loaded is None:
            row = self.store.game(game_id)
            if row is None:
                raise NotFound("no game with this id")
            if not authorized and not token_matches(token, row.token_hash):
                raise Forbidden("this game belongs to another player (wrong token)")
            try:
                match = Match.restore(
                    row.scenario,
                    row.leader,
                    row.difficulty,
                    row.seed,
                    row.state,
                    self.store.records(game_id),
                    row.end_turn,
                )
            except OutdatedGame as error:
                raise Gone(f"this game was {error}; start a new one") from error
            loaded = Loaded(row, match)
            with self._cache_lock:
                self._cache[game_id] = loaded
                while len(self._cache) > CACHE_SIZE:
                    old, _ = self._cache.popitem(last=False)
                    self._locks.pop(old, None)
        if not authorized and not token_matches(token, loaded.row.token_hash):
            raise Forbidden("this game belongs to another player (wrong token)")
        return loaded

    def forget(self, game_id: str) -> None:
        with self._cache_lock:
            self._cache.pop(game_id, None)

    # --- games ---------------------------------------------------------------------------

    def create(
        self,
        scenario: str,
        leader: str,
        difficulty: str,
        seed: int | None,
        player_name: str | None,
        class_code: str | None,
        end: int | None = None,
    ) -> Started:
        """A new game of ``scenario`` as ``leader`` (``end``: a lesson's length in months);
        :class:`~politburo.errors.InputError` for a scenario or leader that is not offered."""
        if scenario not in builtin_names():
            raise InputError(
                f"unknown scenario {scenario!r}; choose one of: {', '.join(builtin_names())}"
            )
        world = world_for(scenario)
        actors = [x.id for x in leader_summaries(world)]
        if leader not in actors:
            raise InputError(
                f"{leader!r} is not a leader who acts in {scenario}; choose one of: "
                + ", ".join(actors),
            )
        if seed is None:
            seed = secrets.randbelow(2**31)
        match = Match.new(scenario, leader, difficulty, seed, end)
        game_id = secrets.token_urlsafe(16)
        token = secrets.token_urlsafe(24)
        self.store.create_game(
            game_id=game_id,
            token=token,
            scenario=scenario,
            leader=leader,
            difficulty=difficulty,
            seed=seed,
            class_code=class_code,
            player_name=player_name,
            state=state_to_bytes(match.state),
            start_record=match.records[0],
            status=match.status(),
            end_turn=end,
        )
        row = self.store.game(game_id)
        assert row is not None
        loaded = Loaded(row, match)
        with self._cache_lock:
            self._cache[game_id] = loaded
        return Started(token, loaded)

    def choose(self, loaded: Loaded, actions: list[schemas.ActionIn], turn: int) -> None:
        """Check and remember this month's actions (:class:`Conflict` if the game is not at
        ``turn``; an illegal one: :class:`~politburo.web.play.IllegalAction`)."""
        at_turn(loaded, turn)
        pairs = [(a.verb, a.target) for a in actions]
        loaded.match.parse_actions(pairs)
        pending = [schemas.Chosen(verb=a.verb, target=a.target) for a in actions]
        try:
            self.store.set_pending(loaded.row.id, loaded.match.turn, pending)
        except SaveConflict as error:
            self.forget(loaded.row.id)
            raise Conflict(str(error)) from None
        loaded.row = replace(loaded.row, pending=pending)

    def advance(
        self, loaded: Loaded, actions: list[schemas.ActionIn] | None, months: int, turn: int
    ) -> Record:
        """Play ``months`` months (the first with the player's actions), saving each;
        at most the cap of the game's difficulty, and only if the game is at ``turn``."""
        match = loaded.match
        if match.over:
            raise Conflict("the game is over")
        at_turn(loaded, turn)
        months = min(months, self.limits.months_cap(loaded.row.difficulty))
        ai = self.limits.heavy(loaded.row.difficulty)
        if ai:
            self.budget.admit_ai()
        if actions is None:
            pairs = [(a.verb, a.target) for a in loaded.row.pending]
        else:
            pairs = [(a.verb, a.target) for a in actions]
        chosen = match.parse_actions(pairs)
        record: Record | None = None
        for k in range(months):
            if match.over:
                break
            before = match.turn
            try:
                if ai:
                    self.budget.wait_for_ai(background=k > 0)
                with self.budget.month(click=k == 0), self.budget.charged(ai):
                    record = match.advance(chosen if k == 0 else [])
                self.store.save_month(
                    loaded.row.id,
                    expected_turn=before,
                    turn=match.turn,
                    over=match.over,
                    winner=_winner(match),
                    consolidated=_consolidated(match),
                    status=match.status(),
                    state=state_to_bytes(match.state),
                    record=record,
                )
            except SaveConflict as error:
                self.forget(loaded.row.id)
                raise Conflict(str(error)) from None
            except BaseException:
                # The month may be half played in memory: drop it, the store has the truth.
                self.forget(loaded.row.id)
                raise
            loaded.row = replace(
                loaded.row,
                turn=match.turn,
                over=match.over,
                winner=_winner(match),
                consolidated=_consolidated(match),
                status=match.status(),
                pending=[],
            )
        if match.over:
            self.odds.get(match.scenario)
        assert record is not None  # the game was not over: at least one month was played
        return record

    # --- views ---------------------------------------------------------------------------

    def pending(self, loaded: Loaded) -> schemas.Pending:
        """The actions chosen for the current month, each with its text."""
        pending = [
            schemas.ActionOut(verb=a.verb, target=a.target, text=a.text, expected="")
            for a in _pending_out(loaded)
        ]
        return schemas.Pending(id=loaded.row.id, turn=loaded.match.turn, pending=pending)

    def history(self, loaded: Loaded) -> schemas.History:
        """Every month so far as the player may see it."""
        match = loaded.match
        return schemas.History(
            id=loaded.row.id, months=[self.record_out(match, r) for r in match.records]
        )

    def view(self, loaded: Loaded) -> schemas.GameView:
        """The monthly page: the situation, coming events, legal actions, last month, the
        chart, the network (the seed and the outcome once the game is over)."""
        match, row = loaded.match, loaded.row
        w = match.world
        me = match.me
        return schemas.GameView(
            id=row.id,
            scenario=row.scenario,
            scenario_name=w.scenario.name,
            leader=row.leader,
            leader_name=w.leader_names[me],
            sketch=w.scenario.leaders[me].sketch,
            difficulty=row.difficulty,
            seed=row.seed if match.over else None,
            player_name=row.player_name,
            class_code=row.class_code,
            turn=match.turn,
            months=match.months,
            month=match.month,
            over=match.over,
            status=match.status(),
            budget=match.budget,
            situation=match.situation(),
            upcoming=match.upcoming(),
            choices=lesson.choices_out(match),
            pending=_pending_out(loaded),
            last_month=self.record_out(match, match.records[-1])
            if len(match.records) > 1
            else None,
            chart=match.chart(),
            featured=lesson.featured(match),
            terms=lesson.glossary(w),
            graph=match.graph(),
            outcome=match.outcome() if match.over else None,
        )

    @staticmethod
    def record_out(match: Match, record: Record) -> schemas.MonthRecord:
        """A month record as the player may see it, his own moves first (see
        :func:`lesson.month_report`): real power only once it is over."""
        turn = record.turn
        before = match.records[turn] if 0 <= turn < len(match.records) else None
        report = lesson.month_report(match.world, match.me, record, before)
        report.real = record.real if match.over else None
        return report

    def summary(self, loaded: Loaded) -> schemas.Summary:
        """The end screen (:class:`~politburo.errors.Conflict` before the game is over)."""
        match = loaded.match
        if not match.over:
            raise Conflict("the game is not over yet")
        w = match.world
        outcome = match.outcome()
        timeline = match.timeline()
        odds = self.odds.get(match.scenario)
        odds.note = (
            f"{odds.runs} runs with the heuristic AI playing every leader from the same "
            "start. "
            "Intervals are 95% Wilson intervals."
        )
        me_id = w.leader_ids[match.me]
        if odds.status == "ready":
            mine = next((x for x in odds.winners or [] if x.leader == me_id), None)
            odds.your_leader_share = 0.0 if mine is None else mine.share
        return schemas.Summary(
            id=loaded.row.id,
            leader=me_id,
            leader_name=w.leader_names[match.me],
            outcome=outcome,
            verdict=_verdict(match, outcome, timeline),
            timeline=timeline,
            turning_points=match.turning_points(),
            reveal=lesson.reveal(match),
            odds=odds,
        )


def at_turn(loaded: Loaded, turn: int) -> None:
    """:class:`Conflict` unless the game is at ``turn``: a repeated or late request plays
    nothing."""
    if turn != loaded.match.turn:
        raise Conflict(
            f"this request is for turn {turn}, but the game is at turn {loaded.match.turn}"
            f" ({loaded.match.month}); reload",
        )


def _winner(match: Match) -> str | None:
    winner = int(match.state.winner[0])
    return None if winner < 0 else match.world.leader_ids[winner]


def _consolidated(match: Match) -> str | None:
    turn = int(match.state.consolidated[0])
    return None if turn < 0 else match.world.month_label(turn)


def _pending_out(loaded: Loaded) -> list[schemas.ActionOut]:
    """The actions chosen for the current month, each with its text."""
    return [
        schemas.ActionOut(verb=a.verb, target=a.target, text=_pending_text(loaded.match, a))
        for a in loaded.row.pending
    ]


def _pending_text(match: Match, action: schemas.Chosen) -> str:
    for choice in match.choices():
        if (
            verb_id(choice.verb) == action.verb
            and (target_id(match.world, choice.verb, choice.target) if choice.target >= 0 else None)
            == action.target
        ):
            return choice.text
    return f"{action.verb} {action.target or ''}".strip()


def _verdict(match: Match, outcome: schemas.Outcome, timeline: schemas.Timeline) -> str:
    """One sentence: how the player did and how the game differed from history."""
    w = match.world
    me_id = w.leader_ids[match.me]
    me_name = w.leader_names[match.me]
    winner = outcome.winner
    if winner == me_id:
        first = f"You won: {me_name} consolidated power in {outcome.month}."
    elif winner is None and outcome.lesson_ended:
        first = outcome.summary[0]
    elif winner is None:
        first = "No one consolidated power: the game ends in a collective leadership."
    else:
        first = f"{outcome.winner_name} consolidated power in {outcome.month}."
    historical = timeline.historical_winner
    if not timeline.has_history:
        return first
    history = w.scenario.history
    assert history is not None
    if winner == history.winner:
        second = f" As in history ({historical}, {history.consolidated})."
    else:
        second = f" In history {historical} won ({history.consolidated}): your game went otherwise."
    return first + second


def scenario_info(name: str) -> schemas.ScenarioInfo:
    """A built-in scenario for the start page: its calendar, playable leaders, goal, rules
    and glossary."""
    w = world_for(name)
    history = w.scenario.history
    winner = history.winner if history is not None else None
    return schemas.ScenarioInfo(
        id=name,
        name=w.scenario.name,
        description=w.scenario.description.strip(),
        start=w.month_label(0),
        end=w.month_label(w.months - 1),
        months=w.months,
        leaders=leader_summaries(w),
        historical_winner=None if winner is None else w.leader_names[w.leader(winner)],
        difficulties=DIFFICULTIES,
        goal=lesson.goal(w),
        rules=lesson.rules(w, DEFAULT_PARAMETERS.actions_per_month),
        glossary=lesson.glossary(w),
    )
