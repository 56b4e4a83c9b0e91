"""Information and the faction ban do what the design says, on the toy scenario: who
learns what from which office, how organized factions are detected and leave evidence,
and how the ban cuts a faction's pull — the compiled rules called directly on a hand-set
state, and compared with the mechanism switched off."""

from __future__ import annotations

import numpy as np
import pytest

from politburo.kernel import faction_ban, information
from politburo.model.world import TRAIT, World

from .bench import Bench, P, idx, lev, office
from .conftest import MakeBench

# --- information -------------------------------------------------------------------------


def test_the_police_chief_reports_to_the_secretary(make_bench: MakeBench, toy_world: World) -> None:
    ids = idx(toy_world)
    sec, tribune, editor = ids["secretary"], ids["tribune"], ids["editor"]
    police = office(toy_world, "police_chief")
    vacant = make_bench(runs=2)
    assert np.all(vacant.state.office_holder[:, police] == -1)  # vacant at the toy's start
    # The Secretary's own office carries information 0.6; nobody else has any.
    np.testing.assert_allclose(vacant.info[:, sec], 0.6)
    np.testing.assert_allclose(vacant.info[:, [tribune, editor]], 0.0)

    held = make_bench(runs=2)
    held.state.office_holder[:, police] = editor
    held.refresh()
    # The police chief (0.8) learns for himself, and his reports reach the Secretary:
    # 0.6 + 0.8, capped at 1.
    np.testing.assert_allclose(held.info[:, editor], 0.8)
    np.testing.assert_allclose(held.info[:, sec], 1.0)
    assert np.all(held.info[:, sec] > vacant.info[:, sec])
    np.testing.assert_allclose(held.info[:, tribune], 0.0)

    # With the Secretary's office vacant, the police's reports reach nobody.
    headless = make_bench(runs=2)
    headless.state.office_holder[:, police] = editor
    headless.state.office_holder[:, office(toy_world, "secretary_general")] = -1
    headless.refresh()
    np.testing.assert_allclose(headless.info[:, sec], 0.0)
    np.testing.assert_allclose(headless.info[:, editor], 0.8)


# Information by the toy's offices: the Secretary's files 0.6, the police 0.8, which also
# reach the Secretary (capped at 1).
@pytest.mark.parametrize(
    ("police_holder", "info"),
    [
        (None, {"secretary": 0.6, "tribune": 0.0, "editor": 0.0}),
        ("editor", {"secretary": 1.0, "tribune": 0.0, "editor": 0.8}),
        # The faction's own leader holds the police: he does not detect himself.
        ("tribune", {"secretary": 1.0, "tribune": 0.8, "editor": 0.0}),
    ],
)
def test_an_organized_faction_is_detected_at_the_expected_rate(
    make_bench: MakeBench, toy_world: World, police_holder: str | None, info: dict[str, float]
) -> None:
    ids = idx(toy_world)
    tribune = ids["tribune"]
    runs = 3000
    bench = make_bench(runs=runs, seed=11, capacity=8)
    if police_holder is not None:
        bench.state.office_holder[:, office(toy_world, "police_chief")] = ids[police_holder]
    bench.state.faction[:, tribune] = True
    bench.refresh()
    np.testing.assert_allclose(bench.info, [[info[name] for name in toy_world.leader_ids]] * runs)
    bench.each(information.gather_information)

    s = bench.state
    found = s.pretext[:, tribune] > 0
    detections = bench.events_of("faction_detected")
    assert np.all(detections["target"] == tribune)
    np.testing.assert_array_equal(np.sort(detections["run"]), np.flatnonzero(found))

    # Each leader of another bloc finds the faction independently with probability
    # detection_rate * information. Binomial sd over 3000 runs is at most 0.009: the
    # tolerance of 0.04 is more than 4 sd.
    detectors = [name for name in ("secretary", "editor") if info[name] > 0]
    miss = np.prod([1.0 - P.detection_rate * info[name] for name in detectors])
    assert abs(found.mean() - (1.0 - miss)) < 0.04
    for name in detectors:
        # A detection gives the detector material on the faction's leader.
        got = s.material[:, ids[name], tribune] > 0
        assert abs(got.mean() - P.detection_rate * info[name]) < 0.04
        np.testing.assert_allclose(s.material[got, ids[name], tribune], P.material_gain)
    # Pretext against the faction's leader (in full: the toy's ban is in force).
    np.testing.assert_allclose(s.pretext[found, tribune], P.detection_pretext)
    np.testing.assert_allclose(s.pretext[~found, tribune], 0.0)
    # No material on leaders without a faction; none held by the faction's own leader.
    assert np.all(np.delete(s.material, tribune, axis=2) == 0)
    assert np.all(s.material[:, tribune, :] == 0)


def test_without_information_nothing_is_known_or_detected(
    make_bench: MakeBench, toy_world: World
) -> None:
    ids = idx(toy_world)
    tribune = ids["tribune"]
    bench = make_bench(runs=200, ablate=("information",))
    bench.state.office_holder[:, office(toy_world, "police_chief")] = ids["editor"]
    bench.state.faction[:, tribune] = True
    bench.refresh()
    assert np.all(bench.info == 0)
    for turn in range(5):
        bench.state.turn = turn
        bench.each(information.gather_information)
    assert np.all(bench.state.material == 0)
    assert np.all(bench.state.pretext == 0)
    assert bench.count("faction_detected") == 0
    # Control: the same state with information on detects the faction.
    on = make_bench(runs=200)
    on.state.office_holder[:, office(toy_world, "police_chief")] = ids["editor"]
    on.state.faction[:, tribune] = True
    on.refresh()
    on.each(information.gather_information)
    assert on.count("faction_detected") > 0


def test_gather_material_yields_more_with_more_information(
    make_bench: MakeBench, toy_world: World
) -> None:
    ids = idx(toy_world)
    sec, tribune, editor = ids["secretary"], ids["tribune"], ids["editor"]
    low = make_bench(runs=3)  # the Secretary's own files: information 0.6
    high = make_bench(runs=3)  # plus the police's reports: information 1
    high.state.office_holder[:, office(toy_world, "police_chief")] = tribune
    high.refresh()
    assert np.all(high.info[:, sec] > low.info[:, sec])
    gains = {}
    for name, bench in (("low", low), ("high", high)):
        bench.each(information.gather_material, sec, editor)
        gains[name] = bench.state.material[:, sec, editor]
    assert np.all(gains["high"] > gains["low"])
    # At full information the gain is material_gain scaled by the gatherer's cunning,
    # and it is proportional to information.
    cunning = toy_world.traits[sec, TRAIT["cunning"]]
    np.testing.assert_allclose(gains["high"], P.material_gain * lev(cunning))
    np.testing.assert_allclose(gains["low"] / gains["high"], 0.6)
    # Material is on the target only.
    assert np.all(np.delete(high.state.material[:, sec, :], editor, axis=1) == 0)


# --- faction ban ------------------------------------------------------------------------


def _organized_tribune(bench: Bench, world: World) -> int:
    tribune = idx(world)["tribune"]
    bench.each(faction_ban.organize_faction, tribune, -1)
    bench.refresh()
    return tribune


def test_under_the_ban_an_organized_faction_accumulates_pretext(
    make_bench: MakeBench, toy_world: World
) -> None:
    bench = make_bench(runs=3)
    assert bench.faction_ban.all()  # the toy's ban is in force from before the start
    tribune = _organized_tribune(bench, toy_world)
    history = []
    for _ in range(6):
        bench.each(faction_ban.factional_evidence)
        history.append(bench.state.pretext[:, tribune].copy())
    history_arr = np.array(history)
    assert np.all(history_arr[0] > 0)
    assert np.all(np.diff(history_arr, axis=0) > 0)  # grows month after month
    others = np.delete(bench.state.pretext, tribune, axis=1)
    assert np.all(others == 0)  # leaders without a faction leave no evidence


@pytest.mark.parametrize("how", ["ablated", "rule_lifted"])
def test_without_the_ban_a_faction_leaves_no_pretext(
    make_bench: MakeBench, toy_world: World, how: str
) -> None:
    bench = make_bench(runs=3, ablate=("faction_ban",) if how == "ablated" else ())
    if how == "rule_lifted":
        bench.state.rule_override[:, toy_world.rule_ids.index("faction_ban")] = 0
        bench.refresh()
    assert not bench.faction_ban.any()
    tribune = _organized_tribune(bench, toy_world)
    assert np.all(bench.state.faction[:, tribune])
    for _ in range(6):
        bench.each(faction_ban.factional_evidence)
    assert np.all(bench.state.pretext[:, tribune] == 0)


def test_the_ban_cuts_a_factions_pull(make_bench: MakeBench, toy_world: World) -> None:
    banned = make_bench(runs=2)
    legal = make_bench(runs=2, ablate=("faction_ban",))
    tribune = _organized_tribune(banned, toy_world)
    _organized_tribune(legal, toy_world)
    boost_banned = banned.per_run(faction_ban.faction_boost, tribune)
    boost_legal = legal.per_run(faction_ban.faction_boost, tribune)
    assert np.all(boost_legal > 0)
    assert np.all(boost_banned < boost_legal)
