"""Consolidation, as the design defines it: one bloc holds a majority of the leadership
and of the committee, and no rival bloc leader keeps a leadership seat — checked by the
compiled rules (real power measured, then the check) on hand-set toy states."""

from __future__ import annotations

from politburo.kernel.month import check_consolidation, measure_power
from politburo.model.state import NO_PATRON
from politburo.model.world import SEAT_CANDIDATE, SEAT_FULL, SEAT_NONE, World

from .bench import Bench, idx
from .conftest import MakeBench


def _consolidation_bench(make_bench: MakeBench) -> Bench:
    bench = make_bench(runs=1)
    bench.state.turn = 5
    return bench


def _check(bench: Bench) -> int:
    """Refresh, measure real power and check for a winner; the winner (-1 none)."""
    bench.refresh()
    bench.each(measure_power)
    bench.each(check_consolidation)
    return int(bench.state.winner[0])


def test_consolidation_when_one_bloc_holds_both_majorities_and_no_rival_sits(
    make_bench: MakeBench, toy_world: World
) -> None:
    ids = idx(toy_world)
    sec, tribune, editor = ids["secretary"], ids["tribune"], ids["editor"]
    bench = _consolidation_bench(make_bench)
    s = bench.state
    s.seat[:, tribune] = s.seat[:, editor] = SEAT_NONE
    s.committee[:, :8] = sec
    s.committee[:, 8:15] = [tribune] * 4 + [editor] * 3
    assert _check(bench) == sec
    assert s.consolidated[0] == 5
    assert bench.count("consolidated") == 1


def test_no_consolidation_while_a_former_bloc_leader_keeps_a_full_seat(
    make_bench: MakeBench, toy_world: World
) -> None:
    ids = idx(toy_world)
    sec, tribune, editor = ids["secretary"], ids["tribune"], ids["editor"]
    bench = _consolidation_bench(make_bench)
    s = bench.state
    # The tribune has become the secretary's client: the bloc holds 2 of 3 full seats and
    # every committee seat, but the editor, who once led a bloc, keeps a full seat.
    s.patron[:, tribune] = sec
    s.seat[:, [sec, tribune, editor]] = SEAT_FULL
    s.committee[:, :15] = sec
    s.led_bloc[:, editor] = True
    assert _check(bench) == -1
    assert s.consolidated[0] == -1
    # Control: demoted to a candidate seat he no longer stands in the way.
    s.seat[:, editor] = SEAT_CANDIDATE
    assert _check(bench) == sec


def test_a_leader_who_never_led_a_bloc_keeps_his_title_under_a_ruler(
    make_bench: MakeBench, toy_world: World
) -> None:
    ids = idx(toy_world)
    sec, tribune, editor = ids["secretary"], ids["tribune"], ids["editor"]
    bench = _consolidation_bench(make_bench)
    s = bench.state
    s.patron[:, tribune] = sec
    s.seat[:, [sec, tribune, editor]] = SEAT_FULL
    s.committee[:, :15] = sec
    s.led_bloc[:, editor] = False
    # The editor sits as a full member but never led a bloc: no rival.
    assert _check(bench) == sec


def test_an_ally_in_a_full_seat_co_rules_and_a_penitent_does_not_block(
    make_bench: MakeBench, toy_world: World
) -> None:
    ids = idx(toy_world)
    sec, tribune, editor = ids["secretary"], ids["tribune"], ids["editor"]
    bench = _consolidation_bench(make_bench)
    s = bench.state
    s.patron[:, tribune] = sec
    s.seat[:, [sec, tribune, editor]] = SEAT_FULL
    s.committee[:, :15] = sec
    s.led_bloc[:, editor] = False
    s.ally[:, sec, editor] = s.ally[:, editor, sec] = True
    # The editor leads no following, but as an ally in a full seat he co-rules.
    assert _check(bench) == -1
    s.ally[:, sec, editor] = s.ally[:, editor, sec] = False
    # A contender who has recanted is reduced to submission: he may keep his title.
    s.led_bloc[:, editor] = True
    s.penitent_since[:, editor] = 2
    assert _check(bench) == sec


def test_no_consolidation_without_a_committee_majority(
    make_bench: MakeBench, toy_world: World
) -> None:
    ids = idx(toy_world)
    sec, tribune, editor = ids["secretary"], ids["tribune"], ids["editor"]
    bench = _consolidation_bench(make_bench)
    s = bench.state
    s.seat[:, tribune] = s.seat[:, editor] = SEAT_NONE
    # 7 of 15: the largest bloc, but not a majority of the seats in use.
    s.committee[:, :15] = [sec] * 7 + [tribune] * 4 + [NO_PATRON] * 4
    assert _check(bench) == -1
    # Control: one more seat (8 of 15) is a majority.
    s.committee[:, 7] = sec
    assert _check(bench) == sec


def test_no_consolidation_without_a_leadership_majority(
    make_bench: MakeBench, toy_world: World
) -> None:
    ids = idx(toy_world)
    sec, tribune, editor = ids["secretary"], ids["tribune"], ids["editor"]
    bench = _consolidation_bench(make_bench)
    s = bench.state
    # The editor is the tribune's client and keeps his seat; the tribune has none. No
    # rival principal sits, but the secretary holds only half the full seats.
    s.patron[:, editor] = tribune
    s.seat[:, tribune] = SEAT_NONE
    s.committee[:, :15] = sec
    assert _check(bench) == -1
    # Control: with the tribune's client demoted to candidate, the secretary holds the
    # only full seat and no rival principal sits.
    s.seat[:, editor] = SEAT_CANDIDATE
    assert _check(bench) == sec


def test_clients_in_the_leadership_are_not_rivals(make_bench: MakeBench, toy_world: World) -> None:
    ids = idx(toy_world)
    sec, tribune, editor = ids["secretary"], ids["tribune"], ids["editor"]
    bench = _consolidation_bench(make_bench)
    s = bench.state
    s.patron[:, tribune] = s.patron[:, editor] = sec
    s.committee[:, :9] = sec
    assert _check(bench) == sec


def test_a_consolidated_run_keeps_its_first_winner_and_month(
    make_bench: MakeBench, toy_world: World
) -> None:
    ids = idx(toy_world)
    sec, tribune, editor = ids["secretary"], ids["tribune"], ids["editor"]
    bench = _consolidation_bench(make_bench)
    s = bench.state
    s.seat[:, tribune] = s.seat[:, editor] = SEAT_NONE
    s.committee[:, :15] = sec
    assert _check(bench) == sec
    # Later the tribune takes everything; the record of the first consolidation stays.
    s.turn = 9
    s.seat[:, sec] = SEAT_NONE
    s.seat[:, tribune] = SEAT_FULL
    s.committee[:, :15] = tribune
    assert _check(bench) == sec
    assert s.consolidated[0] == 5
