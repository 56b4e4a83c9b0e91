"""One browser game: a run of one scenario, a month at a time, one leader played by a
person and the rest by the AI, and everything the pages show about it.

The player sees what his leader could know: others' power as he perceives it, the
public record of the month (votes with their counts, alliances, removals) but not the
material others gather or the factions others detect. Real power is revealed when the
game is over.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, fields
from functools import lru_cache
from typing import Any, cast

import numpy as np
from pydantic import JsonValue

from politburo.agents.human import HINTS, Choice, legal_choices, observation
from politburo.agents.lookahead import LookaheadPolicy
from politburo.analysis.narrative import describe_event, outcome_summary
from politburo.errors import InputError
from politburo.kernel.view import Policy, View, heuristic
from politburo.model.actions import TARGET_KIND, Verb, describe
from politburo.model.events import ROUTINE, EventLog, EventRecord, alliance_record, event_records
from politburo.model.params import DEFAULT_PARAMETERS
from politburo.model.state import State
from politburo.model.world import SEAT_CANDIDATE, SEAT_FULL, World, compile_world
from politburo.scenario import builtin_names, load_scenario
from politburo.simulation import Simulation, run_outcome
from politburo.web import lesson
from politburo.web.schemas import (
    ActionOut,
    AllianceOut,
    Chart,
    Edge,
    Elimination,
    EventOut,
    Graph,
    HistoricalAlliance,
    LeaderInfo,
    Node,
    Outcome,
    Record,
    Series,
    Timeline,
    TimelineRow,
    TurningPoint,
    Upcoming,
)

#: difficulty id -> what the start page says about it
DIFFICULTIES: dict[str, str] = {
    "heuristic": "The AI leaders follow the heuristic: balance against the main threat, "
    "protect the base, purge only with a majority in hand.",
    "lookahead": "Slower, and more dangerous rivals: each month the four strongest AI "
    "leaders try the heuristic's choice and up to six alternatives, each played six "
    "months ahead in four imagined futures, and keep the one that leaves them best placed "
    "against their strongest rival.",
}

#: events a leader learns of only if he is the actor (private knowledge)
PRIVATE = frozenset({"gathered_material", "faction_detected"})

#: events that are votes: shown with their counts
VOTES = frozenset(
    {
        "motion_passed",
        "motion_failed",
        "policy_adopted",
        "policy_rejected",
        "congress_vote",
        "conference_vote",
        "committee_elected",
        "plenum",
    }
)


#: how many months ahead the monthly view lists scheduled events
UPCOMING_MONTHS = 6

#: how many turning points the end screen lists
TURNING_POINTS = 5


class IllegalAction(InputError):
    """An action the player may not take this month (the message says why)."""


@lru_cache(maxsize=8)
def world_for(scenario: str) -> World:
    """The compiled world of a built-in scenario (cached: worlds are immutable)."""
    if scenario not in builtin_names():
        raise KeyError(
            f"unknown scenario {scenario!r}; choose one of: {', '.join(builtin_names())}"
        )
    return compile_world(load_scenario(scenario))


def verb_id(verb: Verb) -> str:
    """The API's name of a verb: ``appoint``, ``propose_alliance``."""
    return verb.name.lower()


VERB_IDS: dict[str, Verb] = {verb_id(v): v for v in Verb}


def target_id(world: World, verb: Verb, target: int) -> str | None:
    """The API's name of a target: a leader or region id, ``issue+`` / ``issue-``."""
    kind = TARGET_KIND[verb]
    if kind == "leader":
        return world.leader_ids[target]
    if kind == "region":
        return world.region_ids[target]
    if kind == "issue":
        return f"{world.issue_ids[target // 2]}{'+' if target % 2 else '-'}"
    return None


class OutdatedGame(Exception):
    """A saved game the present rules cannot resume (its state lacks what they need)."""


def state_to_bytes(state: State) -> bytes:
    """A state as a compressed ``.npz`` (no pickles: loading it runs no code)."""
    buffer = io.BytesIO()
    arrays = {f.name: np.asarray(getattr(state, f.name)) for f in fields(state)}
    np.savez_compressed(buffer, **arrays)  # type: ignore[arg-type]
    return buffer.getvalue()


def state_from_bytes(data: bytes) -> State:
    """The state :func:`state_to_bytes` saved."""
    with np.load(io.BytesIO(data), allow_pickle=False) as saved:
        missing = [f.name for f in fields(State) if f.name not in saved.files]
        if missing:
            raise OutdatedGame(f"saved by an older version of the rules (no {', '.join(missing)})")
        values: dict[str, Any] = {f.name: np.array(saved[f.name]) for f in fields(State)}
    values["turn"] = int(values["turn"])
    return State(**values)


def leader_summaries(world: World) -> list[LeaderInfo]:
    """Every leader who acts, for the start page: id, name, sketch, offices at the start,
    and whether the page offers him first (:func:`lesson.default_leader`)."""
    first = lesson.default_leader(world)
    out = []
    for i, spec in enumerate(world.scenario.leaders):
        if not world.actor[i]:
            continue
        offices = [world.office_names[o] for o in np.flatnonzero(world.office_holder0 == i)]
        seat = {SEAT_FULL: "full member", SEAT_CANDIDATE: "candidate member"}.get(
            int(world.seat0[i]), ""
        )
        out.append(
            LeaderInfo(
                id=spec.id,
                name=spec.name,
                sketch=spec.sketch,
                offices=offices,
                seat=seat,
                default=spec.id == first,
            )
        )
    return out


@dataclass
class Match:
    """A game in progress: the engine's simulation of one run and the months played."""

    world: World
    scenario: str
    me: int
    difficulty: str
    seed: int
    sim: Simulation
    records: list[Record]  # records[0] is the start, records[t + 1] month t
    end: int | None = None  # a lesson's length in months (None: the whole calendar)

    @classmethod
    def new(
        cls, scenario: str, leader: str, difficulty: str, seed: int, end: int | None = None
    ) -> Match:
        """A fresh game at the calendar start (``end``: months until it stops)."""
        world = world_for(scenario)
        me = world.leader(leader)
        sim = Simulation.start(world, seed, [0], DEFAULT_PARAMETERS)
        match = cls(world, scenario, me, difficulty, seed, sim, [], end)
        match.records.append(match._record(None, [], []))
        return match

    @classmethod
    def restore(
        cls,
        scenario: str,
        leader: str,
        difficulty: str,
        seed: int,
        state: bytes,
        records: list[Record],
        end: int | None = None,
    ) -> Match:
        """A saved game, exactly as it was after its last month."""
        world = world_for(scenario)
        sim = Simulation(world, state_from_bytes(state), DEFAULT_PARAMETERS)
        return cls(world, scenario, world.leader(leader), difficulty, seed, sim, records, end)

    # --- where the game stands ---------------------------------------------------------

    @property
    def state(self) -> State:
        return self.sim.state

    @property
    def view(self) -> View:
        """This month as the rules see it (what the player can do and see)."""
        return self.sim.view()

    @property
    def turn(self) -> int:
        return int(self.state.turn)

    @property
    def months(self) -> int:
        """How many months the game lasts: the calendar, or a lesson's length."""
        return self.world.months if self.end is None else min(self.end, self.world.months)

    @property
    def over(self) -> bool:
        return self.turn >= self.months or bool(self.state.winner[0] >= 0)

    @property
    def month(self) -> str:
        return self.world.month_label(min(self.turn, self.world.months - 1))

    def status(self) -> str:
        """Why the player can or cannot act this month, in a few words."""
        s, me = self.state, self.me
        if self.over:
            return "over"
        if not s.alive[0, me]:
            return "dead"
        if s.exiled[0, me]:
            return "exiled"
        if not s.in_party[0, me]:
            return "expelled"
        if s.incapacitated[0, me]:
            return "incapacitated"
        return "playing"

    def choices(self) -> list[Choice]:
        """The player's legal actions this month (none when he cannot act)."""
        if self.status() != "playing":
            return []
        view = self.view
        return [c for c in legal_choices(view, self.me) if lesson.can_be_target(view, c)]

    @property
    def budget(self) -> int:
        return int(self.sim.params.actions_per_month)

    def parse_actions(self, actions: Sequence[tuple[str, str | None]]) -> list[tuple[int, int]]:
        """Check (verb id, target id) pairs against this month's legal actions."""
        if len(actions) > self.budget:
            raise IllegalAction(f"at most {self.budget} actions a month (got {len(actions)})")
        verbs = [verb for verb, _ in actions]
        if len(set(verbs)) < len(verbs):
            raise IllegalAction("choose different kinds of action: one of each verb a month")
        status = self.status()
        if actions and status != "playing":
            raise IllegalAction(f"you cannot act this month ({status})")
        legal = {
            (verb_id(c.verb), target_id(self.world, c.verb, c.target) if c.target >= 0 else None): c
            for c in self.choices()
        }
        chosen = []
        for verb, target in actions:
            if verb not in VERB_IDS:
                raise IllegalAction(
                    f"unknown verb {verb!r}; see the legal actions in the game view"
                )
            choice = legal.get((verb, target))
            if choice is None:
                what = verb if target is None else f"{verb} {target}"
                raise IllegalAction(f"{what!r} is not a legal action this month")
            chosen.append((int(choice.verb), choice.target))
        return chosen

    # --- playing a month ---------------------------------------------------------------

    def policy(self) -> Policy:
        if self.difficulty == "lookahead":
            return LookaheadPolicy(exclude=(self.me,))
        return heuristic

    def advance(self, actions: list[tuple[int, int]]) -> Record:
        """Play one month with the player's (already checked) actions; return its record."""
        if self.over:
            raise IllegalAction("the game is over")
        world, sim = self.world, self.sim
        budget = self.budget
        view = self.view
        expected = [
            lesson.hint(view, self.me, Choice(Verb(v), t, "", HINTS[Verb(v)])) for v, t in actions
        ]
        sim.log = EventLog(enabled=True)
        sim.advance({self.me: actions[:budget]}, self.policy())
        events = event_records(world, sim.log.for_run(0))
        sim.log = EventLog(enabled=True)
        record = self._record(self.turn - 1, actions, events, expected)
        self.records.append(record)
        return record

    def _record(
        self,
        turn: int | None,
        actions: list[tuple[int, int]],
        events: Sequence[EventRecord],
        expected: Sequence[str] = (),
    ) -> Record:
        """What a month left: the player's actions (with what the model expected of each
        when he chose it), the events he could know, everyone's power as he saw it, and
        real power (shown only once the game is over)."""
        w, s = self.world, self.state
        me_id = w.leader_ids[self.me]
        told = []
        for e in events:
            if e.kind in PRIVATE and e.actor != me_id:
                continue
            told.append(
                EventOut.model_validate(
                    {
                        **e.to_json(),  # only the fields its kind uses are set
                        "text": describe_event(w, e),
                        "vote": e.kind in VOTES,
                        "routine": e.kind in ROUTINE,
                        "mine": me_id in (e.actor, e.target),
                    }
                )
            )
        return Record(
            turn=-1 if turn is None else turn,
            month="start" if turn is None else w.month_label(turn),
            actions=[
                ActionOut(
                    verb=verb_id(Verb(v)),
                    target=target_id(w, Verb(v), t) if t >= 0 else None,
                    text=describe(w, Verb(v), max(t, 0)),
                    expected=expected[k] if k < len(expected) else "",
                )
                for k, (v, t) in enumerate(actions)
            ],
            events=told,
            seen=[round(float(x), 4) for x in self.view.perceived[0, self.me]],
            real=[round(float(x), 4) for x in s.real_power[0]],
        )

    # --- what the pages show -----------------------------------------------------------

    def upcoming(self) -> list[Upcoming]:
        """Scheduled events of the coming months: name, month, months from now."""
        w = self.world
        seen: set[str] = set()
        out = []
        for ahead in range(UPCOMING_MONTHS + 1):
            turn = self.turn + ahead
            if turn >= self.months:
                break
            for effect in w.effects[turn]:
                if effect.event in seen:
                    continue
                seen.add(effect.event)
                out.append(
                    Upcoming(
                        name=effect.event_name,
                        kind=effect.kind,
                        month=w.month_label(turn),
                        in_months=ahead,
                    )
                )
        return out

    def situation(self) -> dict[str, JsonValue]:
        """The leader's own situation and his view of the others."""
        return cast(dict[str, JsonValue], observation(self.view, self.me).to_json())

    def chart(self) -> Chart:
        """Power of every leader month by month: as the player saw it, and real power too
        once the game is over (before, ``real`` is left unset: absent from the JSON)."""
        w = self.world
        reveal = self.over
        labels = [r.month for r in self.records]
        series = []
        for i, leader in enumerate(w.leader_ids):
            seen = [r.seen[i] for r in self.records]
            entry = Series(leader=leader, name=w.leader_names[i], me=i == self.me, seen=seen)
            if reveal:
                entry.real = [r.real[i] for r in self.records]  # now set: in the JSON
            series.append(entry)
        return Chart(labels=labels, series=series, real_shown=reveal)

    def graph(self) -> Graph:
        """Leaders still in the party, their blocs (client -> patron) and alliances, with
        the alliances that formed or broke in the last month marked."""
        w, s = self.world, self.state
        seen = self.view.perceived[0, self.me]
        nodes = []
        present = s.alive[0] & s.in_party[0] & ~s.exiled[0]
        for index in np.flatnonzero(present):
            i = int(index)
            patron = int(s.patron[0, i])
            nodes.append(
                Node(
                    id=w.leader_ids[i],
                    name=w.leader_names[i],
                    power=round(float(seen[i]), 4),
                    bloc=w.leader_ids[patron],
                    principal=patron == i,
                    seat={SEAT_FULL: "full", SEAT_CANDIDATE: "candidate"}.get(
                        int(s.seat[0, i]), ""
                    ),
                    me=i == self.me,
                    incapacitated=bool(s.incapacitated[0, i]),
                )
            )
        edges: list[Edge] = []
        for index in np.flatnonzero(present):
            patron = int(s.patron[0, index])
            if patron != int(index) and present[patron]:
                edges.append(
                    Edge(
                        source=w.leader_ids[int(index)],
                        target=w.leader_ids[patron],
                        kind="client",
                    )
                )
        last = self.records[-1].events if self.records else []
        formed = {frozenset((e.actor, e.target)) for e in last if e.kind == "alliance_formed"}
        broken = [e for e in last if e.kind in ("alliance_broken", "alliance_ended")]
        for i, j in zip(*np.nonzero(np.triu(s.ally[0], k=1)), strict=True):
            if not (present[i] and present[j]):
                continue
            a, b = w.leader_ids[int(i)], w.leader_ids[int(j)]
            edges.append(Edge(source=a, target=b, kind="ally", new=frozenset((a, b)) in formed))
        ids = {n.id for n in nodes}
        for e in broken:
            if e.actor in ids and e.target in ids:
                assert e.actor is not None and e.target is not None
                edges.append(Edge(source=e.actor, target=e.target, kind="broken"))
        return Graph(nodes=nodes, edges=edges)

    def outcome(self) -> Outcome:
        """Winner, month, losses, alliances and the story in sentences."""
        w = self.world
        result = run_outcome(w, self.state, 0)
        # the alliances the player saw form and end, from the events he was told
        alliances = alliance_record(e for r in self.records for e in r.events)
        summary = outcome_summary(w, result)
        # A lesson cut short: the calendar did not run out, the lesson did.
        lesson_ended = result.winner is None and self.months < w.months
        if lesson_ended:
            summary[0] = (
                f"No one consolidated power by {w.month_label(self.months - 1)}, when the "
                "lesson ended: the struggle was still open."
            )
        winner = result.winner
        return Outcome(
            winner=winner,
            month=result.month,
            eliminations={  # from the plain data: offices unset when none was lost
                leader: Elimination.model_validate(losses.to_dict())
                for leader, losses in result.eliminations.items()
            },
            alliances=[
                AllianceOut(members=list(a.members), formed=a.formed, ended=a.ended)
                for a in alliances
            ],
            summary=summary,
            lesson_ended=lesson_ended,
            winner_name=None if winner is None else w.leader_names[w.leader(winner)],
        )

    def turning_points(self) -> list[TurningPoint]:
        """The months where the player's real power changed most, with what happened."""
        changes = []
        for before, after in zip(self.records, self.records[1:], strict=False):
            delta = after.real[self.me] - before.real[self.me]
            changes.append((abs(delta), delta, before, after))
        changes.sort(key=lambda c: -c[0])
        points = []
        for size, delta, before, after in changes[:TURNING_POINTS]:
            if size < 1e-6:
                break
            key = [e for e in after.events if not e.routine]
            key.sort(key=lambda e: not e.mine)
            points.append(
                TurningPoint(
                    month=after.month,
                    change=round(delta, 4),
                    before=before.real[self.me],
                    after=after.real[self.me],
                    your_actions=[a.text for a in after.actions],
                    events=[e.text for e in key[:6]],
                    about_you=any(e.mine for e in key),
                )
            )
        points.sort(key=lambda p: p.month)
        return points

    def timeline(self) -> Timeline:
        """The game's record beside the historical one (the scenario's ``history``)."""
        w = self.world
        history = w.scenario.history
        outcome = run_outcome(w, self.state, 0)
        rows: list[TimelineRow] = []

        def name(leader: str) -> str:
            return w.leader_names[w.leader(leader)] if leader in w.leader_ids else leader

        hist_win = history.winner if history is not None else None
        rows.append(
            TimelineRow(
                what="power consolidated",
                history=None
                if history is None or hist_win is None
                else f"{name(hist_win)}, {history.consolidated}",
                game=None if outcome.winner is None else f"{name(outcome.winner)}, {outcome.month}",
            )
        )
        recorded = dict(history.eliminations) if history is not None else {}
        leaders = list(recorded) + [x for x in outcome.eliminations if x not in recorded]
        body = w.body_names.get("leadership", "leadership")
        last = w.month_label(self.months - 1) if self.end is not None else "9999-12"
        for leader in leaders:
            past = recorded.get(leader)
            lost = outcome.eliminations.get(leader)
            for key, label in (
                ("politburo", f"leaves the {body}"),
                ("party", "expelled from the party"),
                ("exile", "exiled"),
            ):
                fact = getattr(past, key) if past is not None else None
                then = fact.date if fact is not None else None
                now = getattr(lost, key) if lost is not None else None
                if then is None and now is None:
                    continue
                if now is None and then is not None and str(then) > last:
                    continue  # history's, after a short lesson ended: nothing to compare
                rows.append(TimelineRow(what=f"{name(leader)} {label}", history=then, game=now))
        rows[1:] = sorted(rows[1:], key=lambda r: r.history or r.game or "")
        alliances = []
        if history is not None:
            alliances = [
                HistoricalAlliance(
                    name=a.name, members=[name(m) for m in a.members], start=a.start, end=a.end
                )
                for a in history.alliances
            ]
        return Timeline(
            rows=rows,
            historical_winner=None if hist_win is None else name(hist_win),
            historical_alliances=alliances,
            has_history=history is not None and hist_win is not None,
        )
