"""Alliances, perception and traits do what the design says, on the toy scenario:
alliances form against a common threat and are refused to the man one fears, break both
ways, and join blocs into coalitions; information sets how far a leader sees real power;
without traits everyone is neutral — the compiled rules called directly on a hand-set
state, and compared with the mechanism switched off."""

from __future__ import annotations

import numpy as np
import pytest

from politburo.kernel import alliances
from politburo.model.events import KIND_CODE
from politburo.model.params import Parameters
from politburo.model.world import TRAIT, World
from politburo.scenario import Scenario
from politburo.simulation import BatchResult, simulate

from .bench import Bench, P, idx, office
from .conftest import MakeBench


def count(result: BatchResult, kind: str) -> int:
    return int((result.log.arrays()["kind"] == KIND_CODE[kind]).sum())


# --- alliances ---------------------------------------------------------------------------


def _alliance_bench(
    make_bench: MakeBench, world: World, real_power: list[float], runs: int = 30
) -> Bench:
    """The editor holds the police (information 0.8, so he sees mostly real power; the
    Secretary then sees everything); real power set by hand."""
    bench = make_bench(runs=runs, seed=5)
    bench.state.office_holder[:, office(world, "police_chief")] = idx(world)["editor"]
    bench.state.real_power[:] = real_power
    bench.state.led_bloc[:] = True  # all three lead blocs: rivals to one another
    bench.refresh()
    return bench


def test_an_alliance_against_a_common_threat_is_accepted(
    make_bench: MakeBench, toy_world: World
) -> None:
    ids = idx(toy_world)
    sec, tribune, editor = ids["secretary"], ids["tribune"], ids["editor"]
    bench = _alliance_bench(make_bench, toy_world, [0.2, 0.7, 0.1])
    threat = bench.main_threat()
    perceived = bench.perceived()
    # Preconditions: both fear the tribune most, the editor far more than the secretary.
    assert np.all(threat[:, sec] == tribune) and np.all(threat[:, editor] == tribune)
    assert np.all(perceived[:, editor, tribune] > perceived[:, editor, sec] + 0.3)
    bench.each(alliances.propose_alliance, sec, editor)
    s = bench.state
    assert np.all(s.ally[:, sec, editor]) and np.all(s.ally[:, editor, sec])
    assert not s.ally[:, tribune, :].any() and not s.ally[:, :, tribune].any()
    assert bench.count("alliance_formed") == bench.runs


def test_an_alliance_offered_by_the_man_one_fears_is_refused(
    make_bench: MakeBench, toy_world: World
) -> None:
    ids = idx(toy_world)
    sec, tribune, editor = ids["secretary"], ids["tribune"], ids["editor"]
    bench = _alliance_bench(make_bench, toy_world, [0.8, 0.1, 0.1])
    threat = bench.main_threat()
    perceived = bench.perceived()
    # The secretary still names the tribune, but the editor fears the secretary most.
    assert np.all(threat[:, sec] == tribune)
    assert np.all(threat[:, editor] == sec)
    assert np.all(perceived[:, editor, sec] > perceived[:, editor, tribune] + 0.3)
    bench.each(alliances.propose_alliance, sec, editor)
    assert not bench.state.ally.any()
    refused = bench.events_of("alliance_refused")
    assert refused["run"].size == bench.runs
    assert np.all(refused["actor"] == sec) and np.all(refused["target"] == editor)


def test_breaking_an_alliance_ends_it_both_ways(make_bench: MakeBench, toy_world: World) -> None:
    ids = idx(toy_world)
    sec, tribune, editor = ids["secretary"], ids["tribune"], ids["editor"]
    bench = make_bench(runs=3)
    s = bench.state
    s.ally[:, sec, editor] = s.ally[:, editor, sec] = True
    s.ally[:, sec, tribune] = s.ally[:, tribune, sec] = True
    bench.refresh()
    bench.each(alliances.break_alliance, editor, sec)
    assert not s.ally[:, sec, editor].any() and not s.ally[:, editor, sec].any()
    # The other alliance stands.
    assert s.ally[:, sec, tribune].all() and s.ally[:, tribune, sec].all()
    assert bench.count("alliance_broken") == 3


def test_without_alliances_a_coalition_is_only_the_bloc(
    make_bench: MakeBench, toy_world: World
) -> None:
    ids = idx(toy_world)
    sec, tribune, editor = ids["secretary"], ids["tribune"], ids["editor"]
    coalitions = {}
    for name, ablate in (("on", ()), ("off", ("alliances",))):
        bench = make_bench(runs=2, ablate=ablate)
        s = bench.state
        s.patron[:, editor] = sec  # the editor is the secretary's client
        s.ally[:, sec, tribune] = s.ally[:, tribune, sec] = True
        bench.refresh()
        coalitions[name] = bench.coalition()
        same_bloc = s.patron[:, :, None] == s.patron[:, None, :]
    # On: the alliance joins the tribune to the secretary's bloc (client included).
    assert coalitions["on"][:, editor, tribune].all()
    assert coalitions["on"][:, tribune, sec].all()
    # Off: only the bloc remains.
    np.testing.assert_array_equal(coalitions["off"], same_bloc)
    assert not coalitions["off"][:, tribune, sec].any()
    assert coalitions["off"][:, editor, sec].all()


def test_a_scheduled_alliance_binds_only_leaders_of_their_own_blocs(
    make_bench: MakeBench, toy_world: World
) -> None:
    bench = make_bench(runs=2)
    w = bench.world
    sec, tribune, editor = (w.leader(x) for x in ("secretary", "tribune", "editor"))
    # In run 1 the editor has become the secretary's client.
    bench.state.patron[1, editor] = sec
    bench.refresh()
    # A scheduled effect allies the tribune and the editor.
    bench.each(alliances.scheduled_alliance, np.array([tribune, editor], dtype=np.int64))
    ally = bench.state.ally
    assert ally[0, tribune, editor] and ally[0, editor, tribune]
    assert not ally[1].any(), "a client cannot ally his patron's bloc"


def test_ablating_alliances_forms_none(toy: Scenario) -> None:
    on = simulate(toy, seed=6, runs=30)
    off = simulate(toy, seed=6, runs=30, ablate=["alliances"])
    assert count(on, "alliance_formed") > 0  # the control: alliances do form
    assert count(off, "alliance_formed") == 0
    assert not off.state.ally.any()


# --- traits ------------------------------------------------------------------------------


@pytest.mark.parametrize("neutral", [P.neutral_trait, 0.3])
def test_without_traits_everyone_is_neutral_and_unstigmatised(
    make_bench: MakeBench, toy_world: World, neutral: float
) -> None:
    bench = make_bench(runs=1, ablate=("traits",), params=Parameters(neutral_trait=neutral))
    for name in TRAIT:
        np.testing.assert_array_equal(bench.trait(name), np.full(toy_world.n_leaders, neutral))
    np.testing.assert_array_equal(bench.stigma, np.zeros(toy_world.n_leaders))
    # Control: with traits on the toy's leaders differ, and the tribune carries a stigma.
    on = make_bench(runs=1)
    assert np.ptp(on.trait("oratory")) > 0.5
    assert on.stigma[idx(toy_world)["tribune"]] > 0


# --- perception --------------------------------------------------------------------------


def _perception_bench(make_bench: MakeBench, world: World, ablate: tuple[str, ...]) -> Bench:
    bench = make_bench(runs=3, ablate=ablate)
    # The tribune holds the police: the Secretary's information reaches 1, the tribune's
    # 0.8, the editor's stays 0.
    bench.state.office_holder[:, office(world, "police_chief")] = idx(world)["tribune"]
    bench.state.real_power[:] = [0.6, 0.1, 0.3]
    bench.refresh()
    return bench


def test_without_perception_everyone_judges_by_real_power(
    make_bench: MakeBench, toy_world: World
) -> None:
    bench = _perception_bench(make_bench, toy_world, ("perception",))
    real = bench.state.real_power
    assert not np.allclose(bench.seen_power, real)  # the two differ here
    perceived = bench.perceived()
    for i in range(toy_world.n_leaders):
        np.testing.assert_allclose(perceived[:, i, :], real)


def test_information_sets_how_far_a_leader_sees_real_power(
    make_bench: MakeBench, toy_world: World
) -> None:
    ids = idx(toy_world)
    sec, tribune, editor = ids["secretary"], ids["tribune"], ids["editor"]
    bench = _perception_bench(make_bench, toy_world, ())
    np.testing.assert_allclose(bench.info[:, [sec, tribune, editor]], [[1.0, 0.8, 0.0]] * 3)
    real, seen = bench.state.real_power, bench.seen_power
    assert not np.allclose(seen, real)
    perceived = bench.perceived()
    np.testing.assert_allclose(perceived[:, sec, :], real)  # the holder of the files
    np.testing.assert_allclose(perceived[:, editor, :], seen)  # no information
    # In between, in between.
    middle = perceived[:, tribune, :]
    low, high = np.minimum(real, seen), np.maximum(real, seen)
    assert np.all((middle >= low - 1e-12) & (middle <= high + 1e-12))
    assert np.all(np.abs(middle - real) < np.abs(seen - real) + 1e-12)
