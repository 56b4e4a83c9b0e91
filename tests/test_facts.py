"""The quantitative facts of a history (politburo.analysis.facts): what one run produced
for each, and the scores over the runs.

The hand-made traces, event lists and observations below are small enough that every
expected value is worked out in the comment beside it; none is computed with the code
under test. The toy scenario supplies leader and region ids; the months are its own.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from pydantic import TypeAdapter

from politburo.analysis.facts import score_fact, score_facts
from politburo.experiment.observations import (
    ExitsObservation,
    MembershipObservation,
    Observation,
    RegionObservation,
    SeatShareObservation,
    VoteObservation,
    observation_from_dict,
    observed_to_dict,
)
from politburo.experiment.observe import Trace, observe_run
from politburo.model.events import EventRow
from politburo.model.world import World
from politburo.scenario import ScenarioError, parse_scenario
from politburo.scenario.schema import QuantitativeFact
from politburo.simulation import simulate

SRC = "shared/seeds/000_ff0f80d5a52c10e2.txt"
END = "1953-12"  # the toy calendar's end
ABSENT_KIND = "tea_party"  # no event kind of the model: a meeting it cannot produce


def fact(**fields: Any) -> QuantitativeFact:
    fields.setdefault("source", SRC)
    fields.setdefault("name", fields["id"])
    return TypeAdapter(QuantitativeFact).validate_python(fields)


@pytest.fixture
def world(toy_world: World) -> World:
    return toy_world


def event(
    world: World, kind: str, month: str, actor: int = -1, target: int = -1, yes: int = -1,
    no: int = -1,
) -> EventRow:  # fmt: skip
    return EventRow(0, world.turn_of(month), kind, actor, target, -1, yes, no, float("nan"))


# --- what one run produced ---------------------------------------------------------------


def test_observe_run_by_hand(world: World) -> None:
    sec, tri, edi = (world.leader(x) for x in ("secretary", "tribune", "editor"))
    port = world.region_ids.index("port")
    trace = Trace(world, 2)
    trace.members[world.turn_of("1951-01"), 1] = 1234.0
    seated = world.turn_of("1952-01")
    trace.seat[seated, 1] = 0
    trace.seat[seated, 1, [sec, tri]] = 2  # two full members
    trace.seat[seated, 1, edi] = 1  # a candidate: not counted
    trace.bloc[seated, 1] = np.arange(world.n_leaders)
    trace.bloc[seated, 1, [tri, edi]] = sec  # both in the secretary's bloc ...
    trace.secretary_bloc[:, 1, port] = edi
    trace.secretary_bloc[world.turn_of("1951-06") :, 1, port] = sec
    trace.secretary_bloc[world.turn_of("1951-09"), 1, port] = edi  # lost and retaken: first counts
    events = [
        event(world, "conference_vote", "1950-12", sec, yes=50, no=50),  # before the window
        event(world, "congress_vote", "1951-01", sec, yes=80, no=20),
        event(world, "congress_vote", "1951-02", sec, yes=10, no=90),  # a second one: ignored
        event(world, "recanted", "1951-10", tri),  # ... but the tribune recanted: apart
        event(world, "motion_passed", "1951-03", sec, target=tri),
        event(world, "seat_lost", "1951-03", tri),  # by a motion
        event(world, "congress_opened", "1951-05"),
        event(world, "seat_lost", "1951-05", edi),  # nothing accounts for it: not re-elected
        event(world, "died", "1951-07", sec),
        event(world, "seat_lost", "1951-07", sec),  # a death: not an exit
        event(world, "seat_lost", "1952-02", edi),  # after the window
    ]
    facts = [
        fact(id="vote", kind="vote", meeting="congress", start="1951-01", end="1951-03"),
        fact(id="members", kind="membership", month="1951-01", members=1000),
        fact(id="seats", kind="seat_share", bloc="secretary", month="1952-01", seats=1, of=2),
        fact(
            id="exits",
            kind="exits",
            start="1951-01",
            end="1951-12",
            exits=2,
            meeting="congress_opened",
            at_meeting=1,
            not_reelected=1,
        ),
        fact(
            id="absent",
            kind="exits",
            start="1951-01",
            end="1951-12",
            exits=2,
            meeting=ABSENT_KIND,
            at_meeting=2,
        ),
        fact(id="port", kind="region_taken", region="port", bloc="secretary", month="1951-01"),
    ]
    observed = observe_run(world, facts, trace, events, 1)
    assert observed == {
        "vote": VoteObservation(held=True, yes=80, no=20),
        "members": MembershipObservation(1234.0),
        "seats": SeatShareObservation(seats=1, of=2),  # the secretary only, of two full members
        "exits": ExitsObservation(exits=2, at_meeting=1, not_reelected=1),  # tribune, editor
        "absent": ExitsObservation(exits=2, at_meeting=None, not_reelected=1),
        "port": RegionObservation("1951-06"),
    }
    nothing = observe_run(world, facts[:1] + facts[-1:], trace, [], 0)
    assert nothing == {"vote": VoteObservation(held=False), "port": RegionObservation(None)}
    # the plain-data form the store writes (the `observed` column), and read back
    assert observed_to_dict(nothing) == {"vote": {"held": False}, "port": {"month": None}}
    assert observed_to_dict(observed)["exits"] == {
        "exits": 2, "at_meeting": 1, "not_reelected": 1,
    }  # fmt: skip
    for record in [*observed.values(), *nothing.values()]:
        assert observation_from_dict(dict(record)) == record


def test_an_observation_of_no_known_shape_is_a_bug() -> None:
    with pytest.raises(ValueError, match="not an observation"):
        observation_from_dict({"seats_held": 3})
    members = fact(id="m", kind="membership", month="1951-01", members=1000)
    runs: list[Observation | None] = [RegionObservation(None)]  # a store out of step
    with pytest.raises(TypeError, match="another kind of fact"):
        score_fact(members, runs, END)


# --- scores over the runs ----------------------------------------------------------------


def test_vote_scores_by_hand() -> None:
    vote = fact(
        id="v",
        kind="vote",
        meeting="congress",
        start="1951-01",
        line=88,
        opposition=12,
        delegates=120,
    )
    runs: list[Observation | None] = [
        VoteObservation(held=True, yes=90, no=10),  # share 0.1, error 0.02
        VoteObservation(held=True, yes=70, no=30),  # 0.3, error 0.18
        VoteObservation(held=False),
        VoteObservation(held=True, yes=40, no=60),  # 0.6, error 0.48; the line lost
    ]
    (row,) = score_fact(vote, runs, END)
    assert row.historical == pytest.approx(0.12)  # 12 / (88 + 12)
    assert row.median == pytest.approx(0.3)  # of 0.1, 0.3, 0.6
    assert row.happened == 0.75
    assert row.error == pytest.approx(0.18)  # of 0.02, 0.18, 0.48
    assert row.within == 0.25  # only 0.1 is within 0.05 of 0.12, of four runs
    assert row.to_json()["line_carried"] == 0.5  # 90-10 and 70-30, of four
    assert row.to_json()["delegates"] == 120
    unknown = fact(id="u", kind="vote", meeting="conference", start="1951-01")
    (row,) = score_fact(unknown, runs, END)
    assert row.historical is None and row.within is None and row.error is None
    assert row.median == pytest.approx(0.3) and row.happened == 0.75


def test_membership_and_seat_share_by_hand() -> None:
    members = fact(id="m", kind="membership", month="1951-01", members=1000)
    runs: list[Observation | None] = [
        MembershipObservation(950.0),
        MembershipObservation(1200.0),
        MembershipObservation(1090.0),
    ]
    (row,) = score_fact(members, runs, END)
    assert row.median == 1090.0
    assert row.error == pytest.approx(0.09)  # of 0.05, 0.2, 0.09
    assert row.within == pytest.approx(2 / 3)  # 950 and 1090 are within 10%
    assert row.happened == 1.0
    seats = fact(id="s", kind="seat_share", bloc="secretary", month="1951-01", seats=2, of=5)
    runs = [
        SeatShareObservation(seats=2, of=5),  # 0.4, error 0
        SeatShareObservation(seats=3, of=5),  # 0.6, error 0.2: one seat of five, on target
        SeatShareObservation(seats=1, of=4),  # 0.25, error 0.15
        SeatShareObservation(seats=0, of=0),  # nobody seated: did not happen
    ]
    (row,) = score_fact(seats, runs, END)
    assert row.historical == 0.4
    assert row.median == pytest.approx(0.4)  # of 0.25, 0.4, 0.6
    assert row.happened == 0.75
    assert row.error == pytest.approx(0.15)
    assert row.within == 0.75


def test_exits_scores_by_hand() -> None:
    exits = fact(
        id="x",
        kind="exits",
        start="1951-01",
        end="1951-12",
        exits=4,
        meeting=ABSENT_KIND,
        at_meeting=4,
        not_reelected=1,
    )
    runs: list[Observation | None] = [
        ExitsObservation(exits=3, at_meeting=None, not_reelected=0),
        ExitsObservation(exits=0, at_meeting=None, not_reelected=0),
        ExitsObservation(exits=7, at_meeting=None, not_reelected=2),
    ]
    count, at_meeting, not_reelected = score_fact(exits, runs, END)
    assert count.median == 3.0  # of 3, 0, 7
    assert count.happened == pytest.approx(2 / 3)
    assert count.error == 3.0  # of 1, 4, 3
    assert count.within == pytest.approx(1 / 3)  # only 3 is within 2 of 4
    assert not at_meeting.produced and at_meeting.median is None
    assert at_meeting.historical == 1.0 and ABSENT_KIND in (at_meeting.note or "")
    assert not_reelected.historical == 0.25
    assert not_reelected.median == pytest.approx((0.0 + 2 / 7) / 2)  # of 0/3 and 2/7
    assert not_reelected.happened == pytest.approx(2 / 3)
    assert not_reelected.within == pytest.approx(2 / 3)  # 0.25 and 0.036 off: both <= 1/4


def test_region_scores_by_hand() -> None:
    region = fact(id="r", kind="region_taken", region="port", bloc="secretary", month="1951-01")
    runs: list[Observation | None] = [
        RegionObservation(month) for month in ("1951-04", None, "1950-06", "1952-03")
    ]
    (row,) = score_fact(region, runs, END)
    # never: 1951-01 .. 1953-12 is 35 months, + 1 + 6 (penalty) = 42
    assert row.error == 10.5  # of 3, 42, 7, 14
    assert row.median == "1951-04"  # lower median of 1950-06, 1951-04, 1952-03
    assert row.happened == 0.75
    assert row.within == 0.25  # only 1951-04 is within 6 months


def test_runs_without_observations_are_not_scored() -> None:
    members = fact(id="m", kind="membership", month="1951-01", members=1000)
    (row,) = score_facts([members], [{"winner": None}, {"observed": {"m": {"members": 1.0}}}], END)
    assert not row.produced and row.median is None and "without observations" in (row.note or "")
    with pytest.raises(ValueError, match="no runs"):
        score_fact(members, [], END)


# --- observed on real runs ---------------------------------------------------------------


def test_watching_changes_nothing_and_the_trace_matches_the_final_state(world: World) -> None:
    runs = 6
    plain = simulate(world, seed=3, runs=runs)
    trace = Trace(world, runs)
    watched = simulate(world, seed=3, runs=runs, watch=trace)
    for name in ("winner", "lost_seat", "members", "patron", "secretary_patron", "seat"):
        assert np.array_equal(getattr(plain.state, name), getattr(watched.state, name)), name
    assert np.array_equal(plain.power, watched.power)
    last = world.months - 1
    assert np.allclose(trace.members[last], plain.state.members.sum(axis=(1, 2)))
    assert np.array_equal(trace.seat[last], plain.state.seat)
    for r in range(runs):
        for g, holder in enumerate(plain.state.secretary_patron[r]):
            expected = -1 if holder < 0 else plain.state.patron[r, holder]
            assert trace.secretary_bloc[last, r, g] == expected
    assert not np.isnan(trace.members).any()  # every month seen


# --- the format --------------------------------------------------------------------------


def with_facts(text: str, facts: str) -> str:
    return text.rstrip() + "\n  facts:\n" + facts


def test_facts_parse_and_their_references_are_checked(toy_text: str) -> None:
    ok = with_facts(
        toy_text,
        f"""    - {{id: a, kind: membership, name: n, month: 1951-01, members: 10, source: {SRC}}}
    - {{id: b, kind: region_taken, name: n, region: port, bloc: secretary, month: 1951-01,
        source: {SRC}}}
""",
    )
    scenario = parse_scenario(ok)
    assert scenario.history is not None
    assert [f.kind for f in scenario.history.facts] == ["membership", "region_taken"]
    bad = with_facts(
        toy_text,
        f"""    - {{id: a, kind: seat_share, name: n, bloc: nobody, month: 1949-01, seats: 3, of: 2,
        source: {SRC}}}
    - {{id: a, kind: region_taken, name: n, region: atlantis, bloc: secretary, month: 1951-01,
        source: {SRC}}}
    - {{id: c, kind: exits, name: n, start: 1952-01, end: 1951-01, exits: 1, at_meeting: 2,
        source: {SRC}}}
""",
    )
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(bad)
    messages = "\n".join(str(p) for p in caught.value.problems)
    for needle in ("unknown leader 'nobody'", "outside the calendar", "3 seats of 2",
                   "duplicate id 'a'", "unknown region 'atlantis'", "before it starts",
                   "2 of 1 exits", "needs 'meeting'"):  # fmt: skip
        assert needle in messages, messages
