"""Force, checked by the compiled rules on hand-set toy states: the man who commands the
police or the army is feared for it, and a rung the scenario marks ``direct`` is moved
without the rungs below it by a mover whose coalition holds its backing."""

from __future__ import annotations

import numpy as np
import pytest

from politburo.kernel import derive, discipline
from politburo.kernel.decide import direct_rung, next_rung
from politburo.model.params import DEFAULT_PARAMETERS
from politburo.model.world import SEAT_FULL, World, compile_world
from politburo.scenario import Scenario

from .bench import Bench, idx, office, rung_of
from .conftest import MakeBench


def test_command_of_the_army_multiplies_the_fear_of_a_rival(
    make_bench: MakeBench, toy_world: World
) -> None:
    """The tribune holds the war ministry (army 1.0 in the toy): the others fear him
    (1 + threat_force_weight) times as much as with the weight at zero — 2.5 times at a
    weight of 1.5; the secretary, who commands no force, is feared alike either way."""
    ids = idx(toy_world)
    sec, tribune, editor = ids["secretary"], ids["tribune"], ids["editor"]

    def fear(weight: float) -> np.ndarray:
        params = DEFAULT_PARAMETERS.model_copy(update={"threat_force_weight": weight})
        bench = make_bench(runs=4, seed=1, params=params)
        s = bench.state
        s.office_holder[:, office(toy_world, "war_minister")] = tribune
        s.office_holder[:, office(toy_world, "police_chief")] = -1
        s.led_bloc[:] = True
        bench.refresh()
        assert np.all(bench.per_run(derive.force_of, tribune) == 1.0)
        assert np.all(bench.per_run(derive.force_of, sec) == 0.0)
        return bench.per_run(derive.threats)

    without, with_force = fear(0.0), fear(1.5)
    for i in (sec, editor):
        assert np.allclose(with_force[:, i, tribune], 2.5 * without[:, i, tribune])
        assert without[:, i, tribune].min() > 0
    assert np.allclose(with_force[:, tribune, sec], without[:, tribune, sec])


@pytest.fixture
def direct_world(toy: Scenario) -> World:
    """The toy with its exile rung (backed by the police) marked direct."""
    ladder = [rung.model_copy(update={"direct": rung.effect == "exile"}) for rung in toy.discipline]
    return compile_world(toy.model_copy(update={"discipline": ladder}))


def _forceful(make_bench: MakeBench, world: World, police: str | None) -> Bench:
    """The secretary, a full member, against the tribune, who has no rung passed against
    him yet; ``police`` names who holds the police ministry (None: vacant)."""
    ids = idx(world)
    bench = make_bench(runs=4, seed=2, world=world)
    s = bench.state
    s.office_holder[:, office(world, "police_chief")] = -1 if police is None else ids[police]
    s.seat[:] = SEAT_FULL
    s.led_bloc[:] = True
    bench.refresh()
    return bench


def test_a_direct_rung_is_open_to_the_mover_who_holds_its_backing(
    make_bench: MakeBench, direct_world: World, toy_world: World
) -> None:
    ids = idx(direct_world)
    sec, tribune = ids["secretary"], ids["tribune"]
    exile = rung_of(direct_world, "exile")
    held = _forceful(make_bench, direct_world, "secretary")
    assert list(held.per_run(direct_rung, sec, tribune)) == [exile] * held.runs
    # The next rung is still the first one: the ladder itself is unchanged.
    assert list(held.per_run(next_rung, tribune)) == [rung_of(direct_world, "censure")] * 4
    # The police held outside the mover's coalition, or by nobody: no force to skip with.
    assert (
        list(_forceful(make_bench, direct_world, "editor").per_run(direct_rung, sec, tribune))
        == [-1] * 4
    )
    assert (
        list(_forceful(make_bench, direct_world, None).per_run(direct_rung, sec, tribune))
        == [-1] * 4
    )
    # A ladder without a direct rung is climbed one rung at a time.
    plain = _forceful(make_bench, toy_world, "secretary")
    assert list(plain.per_run(direct_rung, sec, tribune)) == [-1] * 4


def test_a_motion_with_the_backing_puts_the_direct_rung_to_the_vote(
    make_bench: MakeBench, direct_world: World
) -> None:
    ids = idx(direct_world)
    sec, tribune = ids["secretary"], ids["tribune"]
    bench = _forceful(make_bench, direct_world, "secretary")
    bench.each(discipline.move_discipline, sec, tribune, -1, -1)
    motions = (
        bench.events_of("motion_passed")["obj"].tolist()
        + bench.events_of("motion_failed")["obj"].tolist()
    )
    assert motions == [rung_of(direct_world, "exile")] * bench.runs
