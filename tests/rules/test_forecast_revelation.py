"""Decisions forecast with the vote model, and votes reveal real power (issue #11, R6
and R7), on the toy scenario: the mover's forecast of a motion is the mean of the votes
the body actually casts; a roll call shows the public what the mover's and the target's
blocs are worth — the compiled rules called directly on a hand-set state."""

from __future__ import annotations

import numpy as np

from politburo.kernel import discipline, votes
from politburo.kernel.layout import Role
from politburo.model.params import DEFAULT_PARAMETERS
from politburo.model.state import EMPTY_SEAT, NO_PATRON
from politburo.model.world import World

from .bench import Bench, idx, rung_of
from .conftest import MakeBench


def _split_committee(bench: Bench, owners: dict[int, int]) -> None:
    """That many committee seats to each bloc leader, the rest of the committee's seats
    in use uncommitted; no control body."""
    size = int(bench.world.full_seats["committee"][bench.t])
    s = bench.state
    s.committee[:, :size] = NO_PATRON
    q = 0
    for leader, n in owners.items():
        s.committee[:, q : q + n] = leader
        q += n
    s.control[:, :] = EMPTY_SEAT
    bench.refresh()


def test_the_forecast_of_a_motion_is_the_mean_of_the_votes_cast(
    make_bench: MakeBench, toy_world: World
) -> None:
    """400 runs share one hand-set state and differ only in their random streams: the
    forecast is the same in every run, and the committee's realised yes share averages
    to it (tolerance 0.03: the standard error of the mean is below 0.01)."""
    runs = 400
    bench = make_bench(runs=runs, seed=3)
    ids = idx(toy_world)
    sec, tribune = ids["secretary"], ids["tribune"]
    _split_committee(bench, {sec: 5, tribune: 4})  # 6 seats uncommitted
    joint = np.zeros(bench.k.w.rung_joint.shape[1], dtype=np.bool_)
    role = int(Role.COMMITTEE)
    forecasts = np.array(bench.each(votes.forecast, role, joint, sec, tribune))
    assert np.ptp(forecasts) < 1e-12
    cast = bench.each(votes.tally, role, joint, sec, tribune, 0.5, False, np.zeros(0), 0.0)
    shares = np.array([yes / (yes + no) for yes, no, _ in cast])
    # At most the mover's seats and the uncommitted; some of his seats may desert.
    assert 0.0 < forecasts[0] <= 11 / 15 + 1e-9
    assert abs(shares.mean() - forecasts[0]) < 0.03


def test_a_motion_no_bloc_supports_is_forecast_to_fail(
    make_bench: MakeBench, toy_world: World
) -> None:
    """The target's bloc holds most of the committee: the forecast is far below a
    majority, and the votes cast agree."""
    bench = make_bench(runs=50, seed=4)
    ids = idx(toy_world)
    sec, tribune = ids["secretary"], ids["tribune"]
    _split_committee(bench, {sec: 2, tribune: 12})
    joint = np.zeros(bench.k.w.rung_joint.shape[1], dtype=np.bool_)
    role = int(Role.COMMITTEE)
    forecasts = np.array(bench.each(votes.forecast, role, joint, sec, tribune))
    assert np.all(forecasts < 0.3)
    cast = bench.each(votes.tally, role, joint, sec, tribune, 0.5, False, np.zeros(0), 0.0)
    assert not any(passed for _, _, passed in cast)


def test_a_roll_call_reveals_the_real_power_of_mover_and_target(
    make_bench: MakeBench, toy_world: World
) -> None:
    """Before the vote an uninformed leader sees only stature; after a motion he sees
    ``vote_revelation`` of the way to the mover's and the target's real power, and
    nothing more of a leader who took no part."""
    bench = make_bench(runs=4, seed=5)
    ids = idx(toy_world)
    sec, tribune, editor = ids["secretary"], ids["tribune"], ids["editor"]
    _split_committee(bench, {sec: 8, tribune: 4})
    s = bench.state
    s.real_power[:] = [0.7, 0.2, 0.1]
    bench.refresh()
    assert np.all(bench.info[:, editor] == 0)
    seen = bench.seen_power.copy()
    before = bench.perceived()[:, editor].copy()
    np.testing.assert_allclose(before, seen)  # no information, nothing revealed yet
    censure = rung_of(toy_world, "censure")
    bench.each(discipline.move_discipline, sec, tribune, -1, censure)
    after = bench.perceived()[:, editor]
    share = DEFAULT_PARAMETERS.vote_revelation
    real = s.real_power
    for j in (sec, tribune):
        np.testing.assert_allclose(after[:, j], seen[:, j] + share * (real[:, j] - seen[:, j]))
    # The editor took no part: his revealed share is still zero.
    assert np.all(s.revealed[:, editor] == 0)
    assert np.all(s.revealed[:, sec] == share) and np.all(s.revealed[:, tribune] == share)
