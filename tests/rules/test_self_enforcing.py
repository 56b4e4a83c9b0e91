"""Coalitions that enforce themselves, checked by the compiled rules on hand-set toy
states: the front against the common threat is drawn from those who fear him most, and a
leader who fears one of its members more sides with the threatened; the contender who
would be feared next does not help remove the threat, so while his seats are needed a
grave motion fails and the plenum's slate keeps the threat; a leader of neither camp is
kept on his stature."""

from __future__ import annotations

import numpy as np

from politburo.kernel import alliances, derive, votes
from politburo.kernel.layout import Role
from politburo.kernel.plenum import elect_leadership
from politburo.model.params import DEFAULT_PARAMETERS, Parameters
from politburo.model.state import EMPTY_SEAT, NO_PATRON
from politburo.model.world import SEAT_CANDIDATE, SEAT_FULL, World

from .bench import Bench, idx, office, rung_of
from .conftest import MakeBench


def _seats(bench: Bench, owners: dict[int, int]) -> None:
    """That many of the committee's 15 seats to each bloc leader, the rest uncommitted;
    every leader a full member of the leadership; no control body."""
    s = bench.state
    s.committee[:, :15] = NO_PATRON
    q = 0
    for leader, n in owners.items():
        s.committee[:, q : q + n] = leader
        q += n
    s.control[:, :] = EMPTY_SEAT
    s.seat[:] = SEAT_FULL
    bench.refresh()


# --- the front is drawn from those who fear the threat most -----------------------------


def _policy_camps(make_bench: MakeBench, world: World, secretary_seats: int) -> Bench:
    """Fear made mostly of policy (``threat_policy_weight`` 20, no weight on force): the
    secretary stands at -1 on every issue, the tribune and the editor at +1. The tribune
    has most real power,
    so he is feared most in sum; the secretary fears him most, but the editor, who shares
    his positions, fears the secretary most."""
    ids = idx(world)
    params = DEFAULT_PARAMETERS.model_copy(
        update={"threat_policy_weight": 20.0, "threat_force_weight": 0.0}
    )
    bench = make_bench(runs=12, seed=3, params=params)
    s = bench.state
    s.office_holder[:, office(world, "police_chief")] = ids["editor"]
    s.led_bloc[:] = True
    s.real_power[:] = [0.2, 0.6, 0.2]
    s.position[:, ids["secretary"], :] = -1.0
    s.position[:, ids["tribune"], :] = 1.0
    s.position[:, ids["editor"], :] = 1.0
    bench.k.d.distance_ok[:] = False
    _seats(bench, {ids["secretary"]: secretary_seats, ids["tribune"]: 4, ids["editor"]: 4})
    bench.each(alliances.form_camps)
    return bench


def test_a_leader_who_fears_a_member_of_the_front_more_sides_with_the_threatened(
    make_bench: MakeBench, toy_world: World
) -> None:
    """The secretary's 5 seats do not command the committee, yet the front does not take
    the editor: he fears the secretary more than the tribune. He is the enemy of the
    front's member, so he stands with the threatened."""
    ids = idx(toy_world)
    sec, tribune, editor = ids["secretary"], ids["tribune"], ids["editor"]
    bench = _policy_camps(make_bench, toy_world, secretary_seats=5)
    s = bench.state
    assert np.all(s.common_threat == tribune)
    assert np.all(s.camp[:, sec] == 1)
    assert np.all(s.camp[:, tribune] == 2)
    assert np.all(s.camp[:, editor] == 2)
    # The contender feared most after the tribune is the secretary.
    assert np.all(s.next_threat == sec)


def test_those_who_fear_the_threat_most_make_the_front(
    make_bench: MakeBench, toy_world: World
) -> None:
    """The same balance of power with fear made of power alone (the default policy
    weight): both others fear the tribune most, and the secretary's 5 seats need the
    editor's, so both are in the front."""
    ids = idx(toy_world)
    sec, tribune, editor = ids["secretary"], ids["tribune"], ids["editor"]
    bench = make_bench(runs=12, seed=3)
    s = bench.state
    s.office_holder[:, office(toy_world, "police_chief")] = editor
    s.led_bloc[:] = True
    s.real_power[:] = [0.2, 0.6, 0.2]
    _seats(bench, {sec: 5, tribune: 4, editor: 4})
    bench.each(alliances.form_camps)
    assert np.all(s.common_threat == tribune)
    assert np.all(s.camp[:, sec] == 1) and np.all(s.camp[:, editor] == 1)


# --- the next threat restrains ----------------------------------------------------------


def _restraint_bench(
    make_bench: MakeBench, world: World, owners: dict[str, int], next_threat: str | None
) -> Bench:
    """The tribune is the common threat (camp 2), the secretary and the editor, allied,
    are the front (camp 1); ``next_threat`` names the contender feared most after the
    tribune (None: nobody). The camps are set by hand, as a plenum would have drawn
    them. Votes without desertion or leader noise."""
    ids = idx(world)
    params = Parameters(defection_rate=0.0, vote_noise=0.0, exclusion_cost=1.5, inclusion_cost=0.5)
    bench = make_bench(runs=6, seed=2, params=params)
    s = bench.state
    s.turn = 6
    s.led_bloc[:] = True
    _seats(bench, {ids[name]: n for name, n in owners.items()})
    sec, tribune, editor = ids["secretary"], ids["tribune"], ids["editor"]
    s.ally[:, sec, editor] = s.ally[:, editor, sec] = True
    s.camp[:, sec] = s.camp[:, editor] = 1
    s.camp[:, tribune] = 2
    s.common_threat[:] = tribune
    s.next_threat[:] = -1 if next_threat is None else ids[next_threat]
    s.prestige[:, tribune] = 0.2
    s.pretext[:, tribune] = 1.0
    bench.refresh()
    return bench


def test_the_next_threat_restrains_unless_he_could_rule_alone(
    make_bench: MakeBench, toy_world: World
) -> None:
    ids = idx(toy_world)
    sec, tribune, editor = ids["secretary"], ids["tribune"], ids["editor"]
    bench = _restraint_bench(
        make_bench, toy_world, {"secretary": 6, "editor": 6, "tribune": 3}, "editor"
    )
    assert all(bench.per_run(derive.restrains, editor, tribune))
    # Not the secretary (not the next threat), and not against anyone but the threat.
    assert not any(bench.per_run(derive.restrains, sec, tribune))
    assert not any(bench.per_run(derive.restrains, editor, sec))
    # With 9 of the 15 seats alone the editor still needs the leadership: the others
    # hold two of its three full seats.
    alone = _restraint_bench(
        make_bench, toy_world, {"editor": 9, "secretary": 3, "tribune": 3}, "editor"
    )
    assert all(alone.per_run(derive.restrains, editor, tribune))
    # As its only full member besides, he could rule alone: he has nothing to fear.
    alone.state.seat[:, sec] = alone.state.seat[:, tribune] = SEAT_CANDIDATE
    alone.refresh()
    assert not any(alone.per_run(derive.restrains, editor, tribune))


def test_a_grave_motion_against_the_threat_loses_the_next_threats_seats(
    make_bench: MakeBench, toy_world: World
) -> None:
    """Expulsion of the tribune moved by the secretary: with the editor the next threat,
    his 6 seats vote no and the motion cannot carry; with no next threat the same vote
    (the same draws) carries. A censure is not grave: the editor does not hold back."""
    ids = idx(toy_world)
    sec, tribune = ids["secretary"], ids["tribune"]
    owners = {"secretary": 6, "editor": 6, "tribune": 3}
    expel = rung_of(toy_world, "expel")
    role = int(Role.COMMITTEE)
    outcomes = {}
    for next_threat in ("editor", None):
        bench = _restraint_bench(make_bench, toy_world, owners, next_threat)
        joint = np.zeros(bench.k.w.rung_joint.shape[1], dtype=np.bool_)
        quota = float(bench.k.w.rung_quota[expel])
        grave = bench.each(
            votes.tally, role, joint, sec, tribune, quota, False, np.zeros(0), 0.0, True
        )
        mild = bench.each(
            votes.tally, role, joint, sec, tribune, quota, False, np.zeros(0), 0.0, False
        )
        forecast = bench.each(votes.forecast, role, joint, sec, tribune, True)
        outcomes[next_threat] = (grave, mild, forecast)
    restrained, mild, forecast = outcomes["editor"]
    free, free_mild, free_forecast = outcomes[None]
    for yes, no, passed in restrained:
        assert yes + no == 15 and yes <= 6 and not passed  # the mover's seats at most
    assert all(passed for _, _, passed in free)
    assert mild == free_mild == free
    assert max(forecast) <= 6 / 15 + 1e-9 < min(free_forecast)


def test_the_slate_keeps_the_threat_while_the_next_threats_seats_are_needed(
    make_bench: MakeBench, toy_world: World
) -> None:
    """The front (12 of 15 seats) drafts the slate; the tribune has no case left to
    answer (pretext 1). While the editor, the next threat, holds 6 seats the secretary
    cannot win without, the tribune keeps his full seat; with no next threat he is off
    the slate (dropped or demoted); with the secretary holding 9 seats the editor's are
    not needed and the tribune goes too."""
    ids = idx(toy_world)
    sec, tribune = ids["secretary"], ids["tribune"]

    def seat_after(owners: dict[str, int], next_threat: str | None) -> tuple[np.ndarray, int]:
        """The tribune's seat after the plenum, and how many runs logged the restraint."""
        bench = _restraint_bench(make_bench, toy_world, owners, next_threat)
        share = (owners["secretary"] + owners["editor"]) / 15
        bench.each(elect_leadership, sec, share)
        held = bench.events_of("restrained")
        assert np.all(held["actor"] == ids["editor"]) and np.all(held["target"] == tribune)
        return bench.state.seat[:, tribune].copy(), len(held["actor"])

    seats, held = seat_after({"secretary": 6, "editor": 6, "tribune": 3}, "editor")
    assert np.all(seats == SEAT_FULL) and held == 6
    seats, held = seat_after({"secretary": 6, "editor": 6, "tribune": 3}, None)
    assert np.all(seats != SEAT_FULL) and held == 0
    seats, held = seat_after({"secretary": 9, "editor": 3, "tribune": 3}, "editor")
    assert np.all(seats != SEAT_FULL) and held == 0


def test_a_leader_of_neither_camp_keeps_his_seat_on_his_stature(
    make_bench: MakeBench, toy_world: World
) -> None:
    """The same slate and the same case against the tribune, but he stands in neither
    camp (the editor is the threat): he is no opponent of the front, and keeps his seat."""
    ids = idx(toy_world)
    sec, tribune, editor = ids["secretary"], ids["tribune"], ids["editor"]
    owners = {"secretary": 9, "editor": 3, "tribune": 3}
    bench = _restraint_bench(make_bench, toy_world, owners, None)
    s = bench.state
    s.ally[:, sec, editor] = s.ally[:, editor, sec] = False
    s.camp[:, editor] = 2
    s.camp[:, tribune] = 0
    s.common_threat[:] = editor
    bench.refresh()
    bench.each(elect_leadership, sec, 9 / 15)
    assert np.all(s.seat[:, tribune] == SEAT_FULL)
    assert all(bench.per_run(derive.opposed, sec, editor))
    assert not any(bench.per_run(derive.opposed, sec, tribune))
