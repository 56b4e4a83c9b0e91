"""Plenums, recantation and the size principle, checked by the compiled rules on hand-set
toy states: the committee elects the leadership and its offices, keeps a rival of
stature until it has both a case against him and the margin to carry it, leaves posts
vacant until it meets, keeps a penitent off its slates, and a coalition drops the ally it
no longer needs."""

from __future__ import annotations

import numpy as np

from politburo.kernel import discipline
from politburo.kernel.plenum import hold_plenum
from politburo.model.params import DEFAULT_PARAMETERS
from politburo.model.state import NO_PATRON
from politburo.model.world import SEAT_CANDIDATE, SEAT_FULL, SEAT_NONE, World

from .bench import Bench, idx, office
from .conftest import MakeBench


def _owned(bench: Bench, owners: list[int]) -> None:
    """The committee's 15 seats in use, owned in order."""
    bench.state.committee[:, :15] = owners
    bench.refresh()


def _rival_bench(make_bench: MakeBench, world: World, pretext: float) -> tuple[Bench, int, int]:
    """Every committee seat is the secretary's; the tribune, a former bloc leader with
    prestige 0.5, sits as a full member and holds the war ministry. The costs are set
    here (exclusion 1.5, inclusion 0.5), so the cases below test the rule, not the
    calibrated defaults."""
    ids = idx(world)
    sec, tribune = ids["secretary"], ids["tribune"]
    params = DEFAULT_PARAMETERS.model_copy(update={"exclusion_cost": 1.5, "inclusion_cost": 0.5})
    bench = make_bench(runs=4, params=params)
    s = bench.state
    s.turn = 6
    war = office(world, "war_minister")
    s.office_holder[:, war] = tribune
    s.seat[:, tribune] = SEAT_FULL
    s.led_bloc[:, tribune] = True
    s.prestige[:, tribune] = 0.5
    s.pretext[:, tribune] = pretext
    _owned(bench, [sec] * 15)
    return bench, tribune, war


def test_a_plenum_with_a_case_and_the_margin_drops_a_rival(
    make_bench: MakeBench, toy_world: World
) -> None:
    sec = idx(toy_world)["secretary"]
    bench, tribune, war = _rival_bench(make_bench, toy_world, pretext=1.0)
    bench.each(hold_plenum)
    s = bench.state
    # keep = 1.5 * 0.5 * (1 - 1.0 * 1.0) = 0 <= inclusion cost 0.5: off the slate.
    assert np.all(s.seat[:, tribune] == SEAT_NONE)
    assert np.all(s.lost_seat[:, tribune] == 6)
    assert np.all(s.lost_office[:, tribune, war] == 6)
    assert np.all(s.office_holder[:, war] == sec)
    assert np.all(s.last_plenum == 6)
    assert bench.count("plenum") == bench.runs


def test_without_a_case_a_rival_of_stature_keeps_seat_and_office(
    make_bench: MakeBench, toy_world: World
) -> None:
    bench, tribune, war = _rival_bench(make_bench, toy_world, pretext=0.0)
    bench.each(hold_plenum)
    # keep = 1.5 * 0.5 * (1 - 0) = 0.75 > 0.5: kept.
    assert np.all(bench.state.seat[:, tribune] == SEAT_FULL)
    assert np.all(bench.state.office_holder[:, war] == tribune)
    assert bench.count("seat_lost") == 0


def test_a_rival_close_to_being_kept_is_demoted_to_candidate(
    make_bench: MakeBench, toy_world: World
) -> None:
    bench, tribune, _ = _rival_bench(make_bench, toy_world, pretext=0.5)
    bench.each(hold_plenum)
    # keep = 1.5 * 0.5 * (1 - 0.5) = 0.375: under 0.5, over half of it.
    assert np.all(bench.state.seat[:, tribune] == SEAT_CANDIDATE)
    assert bench.count("seat_demoted") == bench.runs


def test_a_demoted_rival_still_not_kept_leaves_at_the_next_plenum(
    make_bench: MakeBench, toy_world: World
) -> None:
    """Demotion is a step on the way out: the same rival, now a candidate, is dropped at
    the next plenum if the case against him still stands (keep 0.375 < 0.5)."""
    bench, tribune, _ = _rival_bench(make_bench, toy_world, pretext=0.5)
    bench.each(hold_plenum)
    assert np.all(bench.state.seat[:, tribune] == SEAT_CANDIDATE)
    bench.state.turn += 3
    bench.refresh()
    bench.each(hold_plenum)
    assert np.all(bench.state.seat[:, tribune] == SEAT_NONE)
    assert bench.count("seat_lost") == bench.runs


def test_without_a_committee_majority_every_sitting_member_stays(
    make_bench: MakeBench, toy_world: World
) -> None:
    ids = idx(toy_world)
    sec, tribune, editor = ids["secretary"], ids["tribune"], ids["editor"]
    bench, _, war = _rival_bench(make_bench, toy_world, pretext=1.0)
    # 7 of 15: the largest coalition, not a majority.
    _owned(bench, [sec] * 7 + [tribune] * 4 + [editor] * 2 + [NO_PATRON] * 2)
    bench.each(hold_plenum)
    assert np.all(bench.state.seat[:, tribune] == SEAT_FULL)
    assert np.all(bench.state.office_holder[:, war] == tribune)


def test_recanting_dissolves_the_bloc_and_puts_the_leader_on_probation(
    make_bench: MakeBench, toy_world: World
) -> None:
    ids = idx(toy_world)
    tribune, editor = ids["tribune"], ids["editor"]
    bench = make_bench(runs=3)
    s = bench.state
    s.turn = 10
    s.patron[:, editor] = tribune
    s.in_party[:, tribune] = False
    s.rung[:, tribune] = 2
    s.pretext[:, tribune] = 0.7
    _owned(bench, [tribune] * 5 + [NO_PATRON] * 10)
    bench.each(discipline.recant, tribune, -1)
    assert np.all(s.patron[:, tribune] == tribune)  # nobody's client
    assert np.all(s.patron[:, editor] == editor)  # his client is released
    assert np.all(s.in_party[:, tribune])  # readmitted
    assert np.all(s.penitent_since[:, tribune] == 10)
    assert np.all(s.pretext[:, tribune] == 0.7)  # the evidence stays
    assert not np.any(s.committee[:, :15] == tribune)  # his seats owe nobody
    assert bench.count("recanted") == bench.runs


def test_a_penitent_is_off_the_slate_until_his_probation_is_over(
    make_bench: MakeBench, toy_world: World
) -> None:
    ids = idx(toy_world)
    sec, tribune, editor = ids["secretary"], ids["tribune"], ids["editor"]
    war = office(toy_world, "war_minister")
    probation = DEFAULT_PARAMETERS.probation

    def vacancy_after(months_since: int) -> Bench:
        bench = make_bench(runs=2)
        s = bench.state
        s.turn = 30
        s.penitent_since[:, tribune] = 30 - months_since
        s.office_holder[:, war] = -1
        # Only the tribune's coalition (himself) commands the committee and can nominate.
        s.patron[:, editor] = editor
        _owned(bench, [tribune] * 15)
        s.alive[:, [sec, editor]] = False
        bench.refresh()
        bench.each(hold_plenum)
        return bench

    assert np.all(vacancy_after(probation - 1).state.office_holder[:, war] == -1)
    assert np.all(vacancy_after(probation).state.office_holder[:, war] == tribune)


def _allied_bench(make_bench: MakeBench, world: World, owners: list[int]) -> tuple[Bench, int, int]:
    """The secretary and the editor are allied; the tribune is the secretary's client;
    all three sit as full members."""
    ids = idx(world)
    sec, tribune, editor = ids["secretary"], ids["tribune"], ids["editor"]
    bench = make_bench(runs=3)
    s = bench.state
    s.turn = 9
    s.patron[:, tribune] = sec
    s.seat[:, [sec, tribune, editor]] = SEAT_FULL
    s.ally[:, sec, editor] = s.ally[:, editor, sec] = True
    _owned(bench, owners)
    return bench, sec, editor


def test_a_coalition_that_wins_without_an_ally_drops_him(
    make_bench: MakeBench, toy_world: World
) -> None:
    sec, editor = idx(toy_world)["secretary"], idx(toy_world)["editor"]
    # Without the editor: 12 of 15 committee seats and 2 of 3 full seats.
    bench, sec, editor = _allied_bench(make_bench, toy_world, [sec] * 12 + [editor] * 3)
    bench.each(hold_plenum)
    assert not bench.state.ally[:, sec, editor].any()
    assert not bench.state.ally[:, editor, sec].any()
    broken = bench.events_of("alliance_broken")
    assert list(broken["actor"]) == [sec] * bench.runs
    assert list(broken["target"]) == [editor] * bench.runs


def test_a_coalition_that_needs_its_ally_keeps_him(make_bench: MakeBench, toy_world: World) -> None:
    sec, editor = idx(toy_world)["secretary"], idx(toy_world)["editor"]
    # Without the editor only 7 of 15 committee seats: he is needed.
    bench, sec, editor = _allied_bench(make_bench, toy_world, [sec] * 7 + [editor] * 8)
    bench.each(hold_plenum)
    assert bench.state.ally[:, sec, editor].all()
    assert bench.count("alliance_broken") == 0


def test_a_sitting_leader_who_does_not_act_keeps_his_seat(
    make_bench: MakeBench, toy_world: World
) -> None:
    editor = idx(toy_world)["editor"]
    bench, _, _ = _rival_bench(make_bench, toy_world, pretext=1.0)
    # The editor sits as a candidate but does not act (made a non-actor for the test).
    actor = bench.k.w.actor
    saved = actor.copy()
    try:
        actor[editor] = False
        bench.state.seat[:, editor] = SEAT_CANDIDATE
        bench.refresh()
        bench.each(hold_plenum)
        assert np.all(bench.state.seat[:, editor] == SEAT_CANDIDATE)
    finally:
        actor[:] = saved


def test_a_penitent_on_probation_cannot_be_won_over(
    make_bench: MakeBench, toy_world: World
) -> None:
    from politburo.kernel import decide
    from politburo.model.actions import Verb

    ids = idx(toy_world)
    sec, tribune = ids["secretary"], ids["tribune"]
    bench = make_bench(runs=2)
    s = bench.state
    s.turn = 30
    s.penitent_since[:, tribune] = 30 - DEFAULT_PARAMETERS.probation + 1
    bench.refresh()
    legal = bench.each(decide.legal, int(Verb.WIN_OVER), sec, tribune)
    assert legal == [False, False]
    # Control: once the probation is over, the ordinary rule decides (he holds a seat
    # and has no clients of his own in the toy's start).
    s.penitent_since[:, tribune] = 30 - DEFAULT_PARAMETERS.probation
    bench.refresh()
    assert bench.each(decide.legal, int(Verb.WIN_OVER), sec, tribune) == [True, True]


def test_without_a_majority_a_candidate_is_promoted_to_a_vacant_full_seat(
    make_bench: MakeBench, toy_world: World
) -> None:
    ids = idx(toy_world)
    sec, tribune, editor = ids["secretary"], ids["tribune"], ids["editor"]
    bench = make_bench(runs=2)
    s = bench.state
    s.turn = 4
    s.seat[:, sec] = SEAT_FULL
    s.seat[:, tribune] = SEAT_NONE  # a vacant full seat (3 in the toy)
    s.seat[:, editor] = SEAT_CANDIDATE
    _owned(bench, [sec] * 6 + [tribune] * 4 + [editor] * 3 + [NO_PATRON] * 2)
    bench.each(hold_plenum)
    # 6 of 15: no majority, yet the vacancy is filled by promoting the candidate.
    assert np.all(s.seat[:, editor] == SEAT_FULL)
    assert np.all(s.seat[:, sec] == SEAT_FULL)
