"""Alliances, perception and traits do what the design says, on the toy scenario:
the front forms against the most feared contender, as small as wins, and breaks when he
is gone; offers are accepted within one's camp and refused from outside it; alliances
break both ways and join blocs into coalitions; information sets how far a leader sees real power;
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


def _committee(bench: Bench, seats: dict[int, int]) -> None:
    """Give each bloc leader that many committee seats (the rest of the committee's
    seats in use uncommitted; the unused stay unused) and every leader a full seat in the
    leadership."""
    s = bench.state
    s.committee[s.committee != -2] = -1  # NO_PATRON: uncommitted
    q = 0
    for leader, n in seats.items():
        s.committee[:, q : q + n] = leader
        q += n
    s.seat[:] = 2
    bench.refresh()


def _camps_drawn(make_bench: MakeBench, world: World) -> Bench:
    """The tribune feared most (real power 0.7), the committee split 5 / 6 / 4 among
    secretary, tribune and editor, every leader a full member; the camps drawn once."""
    bench = _alliance_bench(make_bench, world, [0.2, 0.7, 0.1])
    ids = idx(world)
    _committee(bench, {ids["secretary"]: 5, ids["tribune"]: 6, ids["editor"]: 4})
    bench.each(alliances.form_camps)
    return bench


def test_the_front_forms_against_the_most_feared_contender(
    make_bench: MakeBench, toy_world: World
) -> None:
    """The tribune, feared most by both others, is the common threat; neither of the
    others commands the committee alone, so both make the front (Walt's balance of
    threat, Riker's minimal winning coalition), and the event names him once."""
    ids = idx(toy_world)
    sec, tribune, editor = ids["secretary"], ids["tribune"], ids["editor"]
    bench = _camps_drawn(make_bench, toy_world)
    s = bench.state
    assert np.all(s.common_threat == tribune)
    assert np.all(s.camp[:, sec] == 1) and np.all(s.camp[:, editor] == 1)
    assert np.all(s.camp[:, tribune] == 2)
    assert bench.count("common_threat") == bench.runs
    # Drawn again with nothing changed: the same camps, no new event.
    bench.each(alliances.form_camps)
    assert bench.count("common_threat") == bench.runs


def test_a_front_that_wins_without_a_member_leaves_him_out(
    make_bench: MakeBench, toy_world: World
) -> None:
    """The size principle inside the front: the secretary holds the only full seat and 9
    of 15 committee seats, so he commands both bodies alone and the editor, who fears
    the tribune as well, is not taken; he fears the tribune, not the secretary, so he is
    not among the threatened either. With one committee seat fewer for the secretary
    the front needs the editor again."""
    ids = idx(toy_world)
    sec, tribune, editor = ids["secretary"], ids["tribune"], ids["editor"]
    bench = _alliance_bench(make_bench, toy_world, [0.2, 0.7, 0.1])
    s = bench.state
    _committee(bench, {sec: 9, tribune: 3, editor: 3})
    s.seat[:, tribune] = 1  # a candidate: still a contender
    s.seat[:, editor] = 0
    bench.refresh()
    bench.each(alliances.form_camps)
    assert np.all(s.common_threat == tribune)
    assert np.all(s.camp[:, sec] == 1)
    assert np.all(s.camp[:, editor] == 0)
    _committee(bench, {sec: 7, tribune: 5, editor: 3})
    s.seat[:, tribune] = 1
    s.seat[:, editor] = 0
    bench.refresh()
    bench.each(alliances.form_camps)
    assert np.all(s.camp[:, sec] == 1) and np.all(s.camp[:, editor] == 1)


def test_an_offer_from_ones_own_camp_is_accepted_and_from_outside_refused(
    make_bench: MakeBench, toy_world: World
) -> None:
    ids = idx(toy_world)
    sec, tribune, editor = ids["secretary"], ids["tribune"], ids["editor"]
    bench = _camps_drawn(make_bench, toy_world)
    bench.each(alliances.propose_alliance, tribune, editor)  # the threat courts the front
    s = bench.state
    assert not s.ally.any()
    assert bench.count("alliance_refused") == bench.runs
    bench.each(alliances.propose_alliance, sec, editor)
    assert np.all(s.ally[:, sec, editor]) and np.all(s.ally[:, editor, sec])
    assert not s.ally[:, tribune, :].any() and not s.ally[:, :, tribune].any()
    assert bench.count("alliance_formed") == bench.runs


def test_the_front_breaks_when_its_common_threat_is_gone(
    make_bench: MakeBench, toy_world: World
) -> None:
    """The tribune loses his seat: he is no longer a threat. One of the two left becomes
    it, the other is the front against him, and their alliance (the old front) ends."""
    ids = idx(toy_world)
    sec, tribune, editor = ids["secretary"], ids["tribune"], ids["editor"]
    bench = _camps_drawn(make_bench, toy_world)
    s = bench.state
    s.ally[:, sec, editor] = s.ally[:, editor, sec] = True
    s.seat[:, tribune] = 0
    bench.refresh()
    bench.each(alliances.form_camps)
    assert np.all((s.common_threat == sec) | (s.common_threat == editor))
    for r, threat in enumerate(s.common_threat):
        other = editor if threat == sec else sec
        assert s.camp[r, threat] == 2 and s.camp[r, other] == 1
    assert not s.ally.any()
    assert bench.count("alliance_ended") == bench.runs
    assert bench.count("common_threat") == 2 * bench.runs


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
