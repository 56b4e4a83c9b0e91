"""What each run produced for the quantitative facts of the record (``history.facts``),
read while it is simulated and stored with it (the store's ``observed`` column).

:func:`observe_run` reads one run's :class:`Trace` (its state after every month) and its
event log, and returns the plain values the facts ask about: nothing is taken from the
scenario's inputs or from ``history``, only which quantity to read: one typed record per
fact (:mod:`politburo.experiment.observations`). How the runs score
against the record is :mod:`politburo.analysis.facts`.

What each kind of fact reads
----------------------------
``vote``
    The first vote of the named meeting (``congress_vote`` or ``conference_vote`` in the
    log) within the months of the fact. The engine records one only when an organized
    opposition stands against the line; its ``yes``/``no`` are delegates.
``membership``
    Members of every cohort in every region after the month.
``seat_share``
    Full seats of the leadership body held after the month by the named leader's bloc
    (himself and the leaders whose bloc leader he is), over all full seats then held. A
    leader who recanted (submitted after a defeat) by then counts apart, as the record
    counts a beaten rival who recanted: not among the winner's men.
``exits``
    Leadership seats lost (``seat_lost``) within the months of the fact, deaths aside; of
    them, those in a month when the run recorded an event of the fact's ``meeting`` kind, and those
    that no passed motion against the leader, expulsion, exile or death in the same month
    accounts for (the seat went because he was not elected again). A ``meeting`` kind the
    model's log does not have is left uncounted (None).
``region_taken``
    The first month after which the region's secretary belongs to the named leader's bloc
    (the bloc of the secretary's patron), or never.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from politburo.experiment.observations import (
    ExitsObservation,
    MembershipObservation,
    Observation,
    RegionObservation,
    SeatShareObservation,
    VoteObservation,
)
from politburo.model.events import EVENT_KINDS, EventRow
from politburo.model.state import State
from politburo.model.world import SEAT_FULL, World
from politburo.scenario.schema import (
    ExitsFact,
    MembershipFact,
    QuantitativeFact,
    RegionFact,
    SeatShareFact,
    VoteFact,
)

#: the model's log kinds that end a leadership seat for a reason other than an election
_SEAT_REMOVERS = ("motion_passed", "expelled", "exiled")


class Trace:
    """Each run's state after every month, in the few quantities the facts read: members,
    leadership seats, every leader's bloc and the bloc of each region's secretary.

    Pass it as :func:`politburo.simulation.simulate`'s ``watch``. Arrays are (T, R, ...)
    over the batch's runs by position; a month not yet seen holds -1 (NaN for members)."""

    def __init__(self, world: World, runs: int) -> None:
        T, L, G = world.months, world.n_leaders, len(world.region_ids)
        self.members: NDArray[np.float64] = np.full((T, runs), np.nan)
        self.seat: NDArray[np.int8] = np.full((T, runs, L), -1, dtype=np.int8)
        self.bloc: NDArray[np.int16] = np.full((T, runs, L), -1, dtype=np.int16)
        self.secretary_bloc: NDArray[np.int16] = np.full((T, runs, G), -1, dtype=np.int16)

    def __call__(self, turn: int, state: State, offset: int) -> None:
        rows = slice(offset, offset + state.n_runs)
        self.members[turn, rows] = state.members.sum(axis=(1, 2))
        self.seat[turn, rows] = state.seat
        self.bloc[turn, rows] = state.patron
        holder = state.secretary_patron
        bloc = np.take_along_axis(state.patron, np.maximum(holder, 0), axis=1)
        self.secretary_bloc[turn, rows] = np.where(holder >= 0, bloc, -1)


def _turns(world: World, start: str, end: str | None) -> range:
    """Turns of the months ``start`` to ``end`` (inclusive; one month without an end)."""
    first = world.turn_of(start)
    return range(first, world.turn_of(end if end is not None else start) + 1)


def observe_run(
    world: World,
    facts: Sequence[QuantitativeFact],
    trace: Trace,
    events: Sequence[EventRow],
    position: int,
) -> dict[str, Observation]:
    """What one run (its ``position`` in the trace's batch; ``events`` its log records,
    with kind names) produced for each fact, by fact id (see the module doc)."""
    observed: dict[str, Observation] = {}
    for fact in facts:
        if isinstance(fact, VoteFact):
            observed[fact.id] = _observe_vote(world, fact, events)
        elif isinstance(fact, MembershipFact):
            turn = world.turn_of(fact.month)
            observed[fact.id] = MembershipObservation(float(trace.members[turn, position]))
        elif isinstance(fact, SeatShareFact):
            observed[fact.id] = _observe_seats(world, fact, trace, events, position)
        elif isinstance(fact, ExitsFact):
            observed[fact.id] = _observe_exits(world, fact, events)
        else:
            observed[fact.id] = _observe_region(world, fact, trace, position)
    return observed


def _observe_vote(world: World, fact: VoteFact, events: Sequence[EventRow]) -> VoteObservation:
    kind = f"{fact.meeting}_vote"
    months = _turns(world, fact.start, fact.end)
    for event in events:
        if event.kind == kind and event.turn in months:
            return VoteObservation(held=True, yes=int(event.yes), no=int(event.no))
    return VoteObservation(held=False)


def _observe_seats(
    world: World,
    fact: SeatShareFact,
    trace: Trace,
    events: Sequence[EventRow],
    position: int,
) -> SeatShareObservation:
    turn = world.turn_of(fact.month)
    leader = world.leader(fact.bloc)
    recanted = {e.actor for e in events if e.kind == "recanted" and e.turn <= turn}
    full = np.flatnonzero(trace.seat[turn, position] == SEAT_FULL)
    held = [
        int(i) for i in full if trace.bloc[turn, position, i] == leader and int(i) not in recanted
    ]
    return SeatShareObservation(seats=len(held), of=int(full.size))


def _observe_exits(world: World, fact: ExitsFact, events: Sequence[EventRow]) -> ExitsObservation:
    months = _turns(world, fact.start, fact.end)
    died = {(e.turn, e.actor) for e in events if e.kind == "died"}
    exits = [(e.turn, e.actor) for e in events if e.kind == "seat_lost"]
    exits = [exit_ for exit_ in exits if exit_[0] in months and exit_ not in died]
    removed = set()
    for e in events:
        if e.kind in _SEAT_REMOVERS:
            removed.add((e.turn, e.target if e.kind == "motion_passed" else e.actor))
    at_meeting: int | None = None
    if fact.meeting is not None and fact.meeting in EVENT_KINDS:
        sitting = {e.turn for e in events if e.kind == fact.meeting}
        at_meeting = sum(1 for turn, _ in exits if turn in sitting)
    return ExitsObservation(
        exits=len(exits),
        at_meeting=at_meeting,
        not_reelected=sum(1 for exit_ in exits if exit_ not in removed),
    )


def _observe_region(
    world: World, fact: RegionFact, trace: Trace, position: int
) -> RegionObservation:
    region = world.region_ids.index(fact.region)
    held = np.flatnonzero(trace.secretary_bloc[:, position, region] == world.leader(fact.bloc))
    return RegionObservation(world.month_label(int(held[0])) if held.size else None)
