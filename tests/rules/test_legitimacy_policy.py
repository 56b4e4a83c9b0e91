"""Legitimacy and policy do what the design says, on the toy scenario: funerals,
polemics, defending the line and the drift of prestige; policy motions voted in the
leadership and crises that push the line — the compiled rules called directly on a
hand-set state. Expectations come from the parameters' documented meaning, or from the
same situation with the mechanism off."""

from __future__ import annotations

import numpy as np
import pytest

from politburo.kernel import legitimacy, policy
from politburo.model.world import POWER, SEAT_FULL, TRAIT, CompiledEffect, World

from .bench import QUIET_VOTES, Bench, P, idx, office
from .conftest import MakeBench

# --- legitimacy --------------------------------------------------------------------------


def _leaders(*leaders: int) -> np.ndarray:
    """A list of leaders as the kernel takes it."""
    return np.array(leaders, dtype=np.int64)


@pytest.mark.parametrize("ablate", [(), ("legitimacy",)])
def test_funeral_rewards_orators_and_punishes_the_absent(
    make_bench: MakeBench, toy_world: World, ablate: tuple[str, ...]
) -> None:
    ids = idx(toy_world)
    sec, tribune, editor = ids["secretary"], ids["tribune"], ids["editor"]
    bench = make_bench(runs=4, ablate=ablate)
    bench.state.alive[:, editor] = False  # the founder's role: the editor has died
    bench.refresh()
    before = bench.state.prestige.copy()
    # The editor's funeral: the secretary speaks, the tribune stays away.
    bench.each(legitimacy.funeral, editor, _leaders(sec), _leaders(tribune))
    change = bench.state.prestige - before
    if ablate:
        assert np.all(change == 0)
        assert bench.count("funeral_oration") == 0
        return
    # Starting prestige 0.4 and 0.8: neither bound is touched.
    np.testing.assert_allclose(change[:, sec], P.funeral_orator_gain)
    np.testing.assert_allclose(change[:, tribune], -P.funeral_absence_cost)
    np.testing.assert_allclose(change[:, editor], 0.0)
    assert bench.count("funeral_oration") == 4
    absences = bench.events_of("funeral_absence")
    assert absences["run"].size == 4
    assert np.all(absences["actor"] == tribune) and np.all(absences["target"] == editor)


def test_an_attack_bites_by_the_targets_standing_and_the_attackers_oratory(
    make_bench: MakeBench, toy_world: World
) -> None:
    ids = idx(toy_world)
    sec, tribune, editor = ids["secretary"], ids["tribune"], ids["editor"]
    # Neither the secretary nor the tribune holds a press office.
    bench = make_bench(runs=8)
    assert np.all(bench.powers[:, [sec, tribune], POWER["press"]] == 0)
    high, low = np.arange(4), np.arange(4, 8)
    bench.state.prestige[high, editor] = 0.8
    bench.state.prestige[low, editor] = 0.2
    before = bench.state.prestige.copy()
    bench.each(legitimacy.attack, tribune, editor)
    loss = before[:, editor] - bench.state.prestige[:, editor]
    assert np.all(loss > 0)
    # Four times the standing: four times the loss.
    np.testing.assert_allclose(loss[high] / loss[low], 4.0)
    # An attack removes at most attack_effect at full oratory and full standing.
    assert np.all(loss < P.attack_effect)

    # The same target attacked by the less eloquent secretary loses less, by the ratio
    # of their oratory (0.3 vs 0.95).
    quiet = make_bench(runs=8)
    quiet.state.prestige[:, editor] = before[:, editor]
    quiet.each(legitimacy.attack, sec, editor)
    quiet_loss = before[:, editor] - quiet.state.prestige[:, editor]
    oratory = toy_world.traits[:, TRAIT["oratory"]]
    np.testing.assert_allclose(quiet_loss / loss, oratory[sec] / oratory[tribune])
    # The arrogant tribune pays a larger backlash than the secretary.
    tribune_cost = before[:, tribune] - bench.state.prestige[:, tribune]
    sec_cost = before[:, sec] - quiet.state.prestige[:, sec]
    assert np.all(tribune_cost > sec_cost) and np.all(sec_cost > 0)
    events = bench.events_of("attacked")
    assert events["run"].size == 8
    assert np.all(events["actor"] == tribune) and np.all(events["target"] == editor)


def test_the_press_sharpens_an_attack(make_bench: MakeBench, toy_world: World) -> None:
    ids = idx(toy_world)
    attacker, target = ids["editor"], ids["tribune"]  # the chief editor has the press
    with_press = make_bench(runs=2)
    without = make_bench(runs=2)
    without.state.office_holder[:, office(toy_world, "chief_editor")] = -1
    without.refresh()
    losses = []
    for bench in (with_press, without):
        before = bench.state.prestige[:, target].copy()
        bench.each(legitimacy.attack, attacker, target)
        losses.append(before - bench.state.prestige[:, target])
    assert np.all(losses[0] > losses[1]) and np.all(losses[1] > 0)


def test_defending_the_line_pays_more_near_the_line(
    make_bench: MakeBench, toy_world: World
) -> None:
    sec = idx(toy_world)["secretary"]
    bench = make_bench(runs=6)
    s = bench.state
    near, far = np.arange(3), np.arange(3, 6)
    s.position[near, sec] = s.line[near]  # on the line
    s.position[far, sec] = -np.sign(s.line[far])  # across the spectrum
    before = s.prestige[:, sec].copy()
    bench.each(legitimacy.defend_line, sec, -1)
    gain = s.prestige[:, sec] - before
    # On the line: the full gain.
    np.testing.assert_allclose(gain[near], P.line_defence_gain)
    assert np.all(gain[far] < gain[near] - 0.005)
    assert np.all(gain[far] >= 0)


def test_without_legitimacy_prestige_returns_to_its_start(
    make_bench: MakeBench, toy_world: World
) -> None:
    moved = np.array([0.1, 0.95, 0.3])
    off = make_bench(runs=3, ablate=("legitimacy",))
    on = make_bench(runs=3)
    for bench in (off, on):
        bench.state.prestige[:] = moved
        bench.each(legitimacy.drift_prestige)
    np.testing.assert_allclose(off.state.prestige, np.tile(toy_world.prestige0, (3, 1)))
    # Control: with legitimacy on, prestige drifts only part of the way back.
    start = toy_world.prestige0[None, :]
    step_back = on.state.prestige - moved
    np.testing.assert_allclose(step_back, np.tile(P.prestige_drift * (start - moved), (3, 1)))
    assert np.all(np.abs(on.state.prestige - start) > 0.1)


# --- policy ------------------------------------------------------------------------------


def _policy_bench(make_bench: MakeBench, world: World, voters_at: float) -> Bench:
    """The secretary (prestige lowered to 0.1, so others barely fear him) proposes to move
    the economic line up; the tribune and the editor stand at ``voters_at``."""
    ids = idx(world)
    bench = make_bench(runs=4, params=QUIET_VOTES)
    economy = world.issue_ids.index("economy")
    s = bench.state
    s.prestige[:, ids["secretary"]] = 0.1
    s.position[:, ids["secretary"], economy] = 1.0
    s.position[:, [ids["tribune"], ids["editor"]], economy] = voters_at
    bench.refresh()
    return bench


@pytest.mark.parametrize(("voters_at", "passes"), [(1.0, True), (-1.0, False)])
def test_a_policy_motion_follows_the_leaderships_positions(
    make_bench: MakeBench, toy_world: World, voters_at: float, passes: bool
) -> None:
    sec = idx(toy_world)["secretary"]
    economy = toy_world.issue_ids.index("economy")
    bench = _policy_bench(make_bench, toy_world, voters_at)
    s = bench.state
    assert np.all(s.seat == SEAT_FULL)  # three voters, the mover among them
    line = s.line.copy()
    prestige = s.prestige[:, sec].copy()
    up = 2 * economy + 1
    bench.each(policy.propose_policy, sec, up)
    other = [i for i in range(len(toy_world.issue_ids)) if i != economy]
    np.testing.assert_array_equal(s.line[:, other], line[:, other])
    if passes:
        np.testing.assert_allclose(s.line[:, economy], line[:, economy] + P.line_shift)
        np.testing.assert_allclose(s.prestige[:, sec], prestige)
        adopted = bench.events_of("policy_adopted")
        assert adopted["run"].size == 4 and np.all(adopted["yes"] == 3)
    else:
        np.testing.assert_array_equal(s.line, line)
        np.testing.assert_allclose(
            prestige - s.prestige[:, sec], P.policy_defeat_share * P.defeat_cost
        )
        rejected = bench.events_of("policy_rejected")
        assert rejected["run"].size == 4
        assert np.all(rejected["yes"] == 1) and np.all(rejected["no"] == 2)


def _harvest(world: World) -> CompiledEffect:
    turn = world.turn_of("1951-09")
    return next(e for e in world.effects[turn] if e.effect == "crisis")


def _start_crisis(bench: Bench, crisis: CompiledEffect) -> None:
    """The scheduled crisis begins in every run: its pressure (``value``) and salience."""
    salience = crisis.about[0][1]
    bench.each(policy.start_crisis, crisis.issue, crisis.value, salience, crisis.months)


@pytest.mark.parametrize("ablate", [(), ("policy",)])
def test_a_crisis_pushes_the_line_and_vindicates_its_side(
    make_bench: MakeBench, toy_world: World, ablate: tuple[str, ...]
) -> None:
    ids = idx(toy_world)
    tribune, editor = ids["tribune"], ids["editor"]
    economy = toy_world.issue_ids.index("economy")
    crisis = _harvest(toy_world)
    assert crisis.issue == economy and crisis.value > 0  # pushes toward rapid planning
    bench = make_bench(runs=3, ablate=ablate)
    s = bench.state
    s.prestige[:] = 0.5  # away from both bounds
    # The tribune stands for rapid planning (0.7), the editor against it (-0.7).
    assert np.all(s.position[:, tribune, economy] > 0.5)
    assert np.all(s.position[:, editor, economy] < -0.5)
    line0 = s.line.copy()
    _start_crisis(bench, crisis)
    lines = [s.line[:, economy].copy()]
    for _ in range(crisis.months + 3):
        bench.each(policy.run_crises)
        lines.append(s.line[:, economy].copy())
    history = np.array(lines)
    if ablate:
        np.testing.assert_array_equal(s.line, line0)
        assert np.all(s.prestige == 0.5)
        assert np.all(s.crisis_left == 0)
        # Even a crisis already running does nothing.
        s.crisis_pressure[:, economy] = 1.0
        s.crisis_salience[:, economy] = 1.0
        s.crisis_left[:, economy] = 5
        bench.each(policy.run_crises)
        np.testing.assert_array_equal(s.line, line0)
        assert np.all(s.prestige == 0.5)
        return
    steps = np.diff(history, axis=0)
    assert np.all(steps[: crisis.months] > 0)  # toward the pressure while it runs
    assert np.all(steps[crisis.months :] == 0)  # and no further once it is over
    np.testing.assert_allclose(
        history[-1] - history[0],
        crisis.months * P.crisis_line_push * crisis.value * crisis.about[0][1],
    )
    # The side the crisis vindicated gains, the other side loses.
    assert np.all(s.prestige[:, tribune] > 0.5)
    assert np.all(s.prestige[:, editor] < 0.5)
    assert np.all(s.prestige[:, tribune] - 0.5 > 0.5 * crisis.months * P.crisis_prestige)
    # The line on the other issue did not move.
    other = 1 - economy
    np.testing.assert_array_equal(s.line[:, other], line0[:, other])
