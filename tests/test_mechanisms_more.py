"""More mechanisms on the toy scenario, each called directly on a hand-set state:
information, legitimacy, alliances, policy, traits, perception, bodies and votes, real
power, and external actions in a :class:`Game`. Expectations come from the design (the
parameters' documented meaning), or from the same situation with the mechanism off."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from politburo.model import alliances, discipline, information, legitimacy, outcome, policy
from politburo.model.actions import Verb, legal_targets
from politburo.model.context import Context
from politburo.model.events import KIND_CODE
from politburo.model.params import DEFAULT_PARAMETERS, Parameters
from politburo.model.state import EMPTY_SEAT, NO_PATRON
from politburo.model.world import POWER, SEAT_FULL, SEAT_NONE, TRAIT, CompiledEffect, World
from politburo.scenario import Scenario
from politburo.simulation import Game

MakeContext = Callable[..., Context]  # the make_context fixture (conftest.py)

P = DEFAULT_PARAMETERS
# Votes without desertion, so a committee owned by one bloc votes as that bloc's leader.
NO_DEFECTION = Parameters(defection_rate=0.0)
# Leader votes without idiosyncratic noise, so a vote follows its terms exactly.
QUIET_VOTES = Parameters(vote_noise=0.0)


def idx(world: World) -> dict[str, int]:
    return {name: i for i, name in enumerate(world.leader_ids)}


def office(world: World, name: str) -> int:
    return world.office_ids.index(name)


def events_of(ctx: Context, kind: str) -> dict[str, np.ndarray]:
    cols = ctx.log.arrays()
    sel = cols["kind"] == KIND_CODE[kind]
    return {name: col[sel] for name, col in cols.items()}


def lev(value: float) -> float:
    """The documented trait factor: (1 - trait_leverage) + trait_leverage * value."""
    return (1.0 - P.trait_leverage) + P.trait_leverage * value


def all_runs(ctx: Context, leader: int) -> np.ndarray:
    return np.full(ctx.state.n_runs, leader)


# --- information -------------------------------------------------------------------------


def test_the_police_chief_reports_to_the_secretary(
    make_context: MakeContext, toy_world: World
) -> None:
    ids = idx(toy_world)
    sec, tribune, editor = ids["secretary"], ids["tribune"], ids["editor"]
    police = office(toy_world, "police_chief")
    vacant = make_context(runs=2)
    assert np.all(vacant.state.office_holder[:, police] == -1)  # vacant at the toy's start
    # The Secretary's own office carries information 0.6; nobody else has any.
    np.testing.assert_allclose(vacant.info[:, sec], 0.6)
    np.testing.assert_allclose(vacant.info[:, [tribune, editor]], 0.0)

    held = make_context(runs=2)
    held.state.office_holder[:, police] = editor
    held.refresh()
    # The police chief (0.8) learns for himself, and his reports reach the Secretary:
    # 0.6 + 0.8, capped at 1.
    np.testing.assert_allclose(held.info[:, editor], 0.8)
    np.testing.assert_allclose(held.info[:, sec], 1.0)
    assert np.all(held.info[:, sec] > vacant.info[:, sec])
    np.testing.assert_allclose(held.info[:, tribune], 0.0)

    # With the Secretary's office vacant, the police's reports reach nobody.
    headless = make_context(runs=2)
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
    make_context: MakeContext, toy_world: World, police_holder: str | None, info: dict[str, float]
) -> None:
    ids = idx(toy_world)
    tribune = ids["tribune"]
    runs = 3000
    ctx = make_context(runs=runs, seed=11)
    if police_holder is not None:
        ctx.state.office_holder[:, office(toy_world, "police_chief")] = ids[police_holder]
    ctx.state.faction[:, tribune] = True
    ctx.refresh()
    information.gather_information(ctx)

    found = ctx.state.pretext[:, tribune] > 0
    detections = events_of(ctx, "faction_detected")
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
        got = ctx.state.material[:, ids[name], tribune] > 0
        assert abs(got.mean() - P.detection_rate * info[name]) < 0.04
        np.testing.assert_allclose(ctx.state.material[got, ids[name], tribune], P.material_gain)
    # Pretext against the faction's leader (in full: the toy's ban is in force).
    np.testing.assert_allclose(ctx.state.pretext[found, tribune], P.detection_pretext)
    np.testing.assert_allclose(ctx.state.pretext[~found, tribune], 0.0)
    # No material on leaders without a faction; none held by the faction's own leader.
    assert np.all(np.delete(ctx.state.material, tribune, axis=2) == 0)
    assert np.all(ctx.state.material[:, tribune, :] == 0)


def test_without_information_nothing_is_known_or_detected(
    make_context: MakeContext, toy_world: World
) -> None:
    ids = idx(toy_world)
    tribune = ids["tribune"]
    ctx = make_context(runs=200, ablate=("information",))
    ctx.state.office_holder[:, office(toy_world, "police_chief")] = ids["editor"]
    ctx.state.faction[:, tribune] = True
    ctx.refresh()
    assert np.all(ctx.info == 0)
    for turn in range(5):
        ctx.state.turn = turn
        information.gather_information(ctx)
    assert np.all(ctx.state.material == 0)
    assert np.all(ctx.state.pretext == 0)
    assert events_of(ctx, "faction_detected")["run"].size == 0
    # Control: the same state with information on detects the faction.
    on = make_context(runs=200)
    on.state.office_holder[:, office(toy_world, "police_chief")] = ids["editor"]
    on.state.faction[:, tribune] = True
    on.refresh()
    information.gather_information(on)
    assert events_of(on, "faction_detected")["run"].size > 0


def test_gather_material_yields_more_with_more_information(
    make_context: MakeContext, toy_world: World
) -> None:
    ids = idx(toy_world)
    sec, tribune, editor = ids["secretary"], ids["tribune"], ids["editor"]
    low = make_context(runs=3)  # the Secretary's own files: information 0.6
    high = make_context(runs=3)  # plus the police's reports: information 1
    high.state.office_holder[:, office(toy_world, "police_chief")] = tribune
    high.refresh()
    assert np.all(high.info[:, sec] > low.info[:, sec])
    gains = {}
    for name, ctx in (("low", low), ("high", high)):
        information.gather_material(ctx, ctx.rows, all_runs(ctx, sec), all_runs(ctx, editor))
        gains[name] = ctx.state.material[:, sec, editor]
    assert np.all(gains["high"] > gains["low"])
    # At full information the gain is material_gain scaled by the gatherer's cunning,
    # and it is proportional to information.
    cunning = toy_world.traits[sec, TRAIT["cunning"]]
    np.testing.assert_allclose(gains["high"], P.material_gain * lev(cunning))
    np.testing.assert_allclose(gains["low"] / gains["high"], 0.6)
    # Material is on the target only.
    assert np.all(np.delete(high.state.material[:, sec, :], editor, axis=1) == 0)


# --- legitimacy --------------------------------------------------------------------------


def _funeral(deceased: int, orators: tuple[int, ...], absent: tuple[int, ...]) -> CompiledEffect:
    return CompiledEffect(
        event="funeral",
        event_name="Funeral",
        kind="death",
        effect="funeral",
        leader=deceased,
        leaders=orators,
        others=absent,
    )


@pytest.mark.parametrize("ablate", [(), ("legitimacy",)])
def test_funeral_rewards_orators_and_punishes_the_absent(
    make_context: MakeContext, toy_world: World, ablate: tuple[str, ...]
) -> None:
    ids = idx(toy_world)
    sec, tribune, editor = ids["secretary"], ids["tribune"], ids["editor"]
    ctx = make_context(runs=4, ablate=ablate)
    ctx.state.alive[:, editor] = False  # the founder's role: the editor has died
    ctx.refresh()
    before = ctx.state.prestige.copy()
    legitimacy.funeral(ctx, _funeral(editor, (sec,), (tribune,)))
    change = ctx.state.prestige - before
    if ablate:
        assert np.all(change == 0)
        assert events_of(ctx, "funeral_oration")["run"].size == 0
        return
    # Starting prestige 0.4 and 0.8: neither bound is touched.
    np.testing.assert_allclose(change[:, sec], P.funeral_orator_gain)
    np.testing.assert_allclose(change[:, tribune], -P.funeral_absence_cost)
    np.testing.assert_allclose(change[:, editor], 0.0)
    assert events_of(ctx, "funeral_oration")["run"].size == 4
    absences = events_of(ctx, "funeral_absence")
    assert np.all(absences["actor"] == tribune) and np.all(absences["target"] == editor)


def test_an_attack_bites_by_the_targets_standing_and_the_attackers_oratory(
    make_context: MakeContext, toy_world: World
) -> None:
    ids = idx(toy_world)
    sec, tribune, editor = ids["secretary"], ids["tribune"], ids["editor"]
    # Neither the secretary nor the tribune holds a press office.
    ctx = make_context(runs=8)
    assert np.all(ctx.powers[:, [sec, tribune], POWER["press"]] == 0)
    high, low = np.arange(4), np.arange(4, 8)
    ctx.state.prestige[high, editor] = 0.8
    ctx.state.prestige[low, editor] = 0.2
    before = ctx.state.prestige.copy()
    legitimacy.attack(ctx, ctx.rows, all_runs(ctx, tribune), all_runs(ctx, editor))
    loss = before[:, editor] - ctx.state.prestige[:, editor]
    assert np.all(loss > 0)
    # Four times the standing: four times the loss.
    np.testing.assert_allclose(loss[high] / loss[low], 4.0)
    # An attack removes at most attack_effect at full oratory and full standing.
    assert np.all(loss < P.attack_effect)

    # The same target attacked by the less eloquent secretary loses less, by the ratio
    # of their oratory (0.3 vs 0.95).
    quiet = make_context(runs=8)
    quiet.state.prestige[:, editor] = before[:, editor]
    legitimacy.attack(quiet, quiet.rows, all_runs(quiet, sec), all_runs(quiet, editor))
    quiet_loss = before[:, editor] - quiet.state.prestige[:, editor]
    oratory = toy_world.traits[:, TRAIT["oratory"]]
    np.testing.assert_allclose(quiet_loss / loss, oratory[sec] / oratory[tribune])
    # The arrogant tribune pays a larger backlash than the secretary.
    tribune_cost = before[:, tribune] - ctx.state.prestige[:, tribune]
    sec_cost = before[:, sec] - quiet.state.prestige[:, sec]
    assert np.all(tribune_cost > sec_cost) and np.all(sec_cost > 0)
    events = events_of(ctx, "attacked")
    assert np.all(events["actor"] == tribune) and np.all(events["target"] == editor)


def test_the_press_sharpens_an_attack(make_context: MakeContext, toy_world: World) -> None:
    ids = idx(toy_world)
    attacker, target = ids["editor"], ids["tribune"]  # the chief editor has the press
    with_press = make_context(runs=2)
    without = make_context(runs=2)
    without.state.office_holder[:, office(toy_world, "chief_editor")] = -1
    without.refresh()
    losses = []
    for ctx in (with_press, without):
        before = ctx.state.prestige[:, target].copy()
        legitimacy.attack(ctx, ctx.rows, all_runs(ctx, attacker), all_runs(ctx, target))
        losses.append(before - ctx.state.prestige[:, target])
    assert np.all(losses[0] > losses[1]) and np.all(losses[1] > 0)


def test_defending_the_line_pays_more_near_the_line(
    make_context: MakeContext, toy_world: World
) -> None:
    sec = idx(toy_world)["secretary"]
    ctx = make_context(runs=6)
    near, far = np.arange(3), np.arange(3, 6)
    ctx.state.position[near, sec] = ctx.state.line[near]  # on the line
    ctx.state.position[far, sec] = -np.sign(ctx.state.line[far])  # across the spectrum
    before = ctx.state.prestige[:, sec].copy()
    legitimacy.defend_line(ctx, ctx.rows, all_runs(ctx, sec))
    gain = ctx.state.prestige[:, sec] - before
    # On the line: the full gain.
    np.testing.assert_allclose(gain[near], P.line_defence_gain)
    assert np.all(gain[far] < gain[near] - 0.005)
    assert np.all(gain[far] >= 0)


def test_without_legitimacy_prestige_returns_to_its_start(
    make_context: MakeContext, toy_world: World
) -> None:
    moved = np.array([0.1, 0.95, 0.3])
    off = make_context(runs=3, ablate=("legitimacy",))
    on = make_context(runs=3)
    for ctx in (off, on):
        ctx.state.prestige[:] = moved
        legitimacy.drift_prestige(ctx)
    np.testing.assert_allclose(off.state.prestige, np.tile(toy_world.prestige0, (3, 1)))
    # Control: with legitimacy on, prestige drifts only part of the way back.
    start = toy_world.prestige0[None, :]
    step_back = on.state.prestige - moved
    np.testing.assert_allclose(step_back, np.tile(P.prestige_drift * (start - moved), (3, 1)))
    assert np.all(np.abs(on.state.prestige - start) > 0.1)


# --- alliances ---------------------------------------------------------------------------


def _alliance_context(
    make_context: MakeContext, world: World, real_power: list[float], runs: int = 30
) -> Context:
    """The editor holds the police (information 0.8, so he sees mostly real power; the
    Secretary then sees everything); real power set by hand."""
    ctx = make_context(runs=runs, seed=5)
    ctx.state.office_holder[:, office(world, "police_chief")] = idx(world)["editor"]
    ctx.state.real_power[:] = real_power
    ctx.refresh()
    return ctx


def test_an_alliance_against_a_common_threat_is_accepted(
    make_context: MakeContext, toy_world: World
) -> None:
    ids = idx(toy_world)
    sec, tribune, editor = ids["secretary"], ids["tribune"], ids["editor"]
    ctx = _alliance_context(make_context, toy_world, [0.2, 0.7, 0.1])
    threat = alliances.main_threat(ctx)
    # Preconditions: both fear the tribune most, the editor far more than the secretary.
    assert np.all(threat[:, sec] == tribune) and np.all(threat[:, editor] == tribune)
    assert np.all(ctx.perceived[:, editor, tribune] > ctx.perceived[:, editor, sec] + 0.3)
    alliances.propose_alliance(ctx, ctx.rows, all_runs(ctx, sec), all_runs(ctx, editor))
    assert np.all(ctx.state.ally[:, sec, editor]) and np.all(ctx.state.ally[:, editor, sec])
    assert not ctx.state.ally[:, tribune, :].any() and not ctx.state.ally[:, :, tribune].any()
    assert events_of(ctx, "alliance_formed")["run"].size == ctx.state.n_runs


def test_an_alliance_offered_by_the_man_one_fears_is_refused(
    make_context: MakeContext, toy_world: World
) -> None:
    ids = idx(toy_world)
    sec, tribune, editor = ids["secretary"], ids["tribune"], ids["editor"]
    ctx = _alliance_context(make_context, toy_world, [0.8, 0.1, 0.1])
    threat = alliances.main_threat(ctx)
    # The secretary still names the tribune, but the editor fears the secretary most.
    assert np.all(threat[:, sec] == tribune)
    assert np.all(threat[:, editor] == sec)
    assert np.all(ctx.perceived[:, editor, sec] > ctx.perceived[:, editor, tribune] + 0.3)
    alliances.propose_alliance(ctx, ctx.rows, all_runs(ctx, sec), all_runs(ctx, editor))
    assert not ctx.state.ally.any()
    refused = events_of(ctx, "alliance_refused")
    assert refused["run"].size == ctx.state.n_runs
    assert np.all(refused["actor"] == sec) and np.all(refused["target"] == editor)


def test_breaking_an_alliance_ends_it_both_ways(
    make_context: MakeContext, toy_world: World
) -> None:
    ids = idx(toy_world)
    sec, tribune, editor = ids["secretary"], ids["tribune"], ids["editor"]
    ctx = make_context(runs=3)
    s = ctx.state
    s.ally[:, sec, editor] = s.ally[:, editor, sec] = True
    s.ally[:, sec, tribune] = s.ally[:, tribune, sec] = True
    alliances.break_alliance(ctx, ctx.rows, all_runs(ctx, editor), all_runs(ctx, sec))
    assert not s.ally[:, sec, editor].any() and not s.ally[:, editor, sec].any()
    # The other alliance stands.
    assert s.ally[:, sec, tribune].all() and s.ally[:, tribune, sec].all()
    assert events_of(ctx, "alliance_broken")["run"].size == 3


def test_without_alliances_a_coalition_is_only_the_bloc(
    make_context: MakeContext, toy_world: World
) -> None:
    ids = idx(toy_world)
    sec, tribune, editor = ids["secretary"], ids["tribune"], ids["editor"]
    coalitions = {}
    for name, ablate in (("on", ()), ("off", ("alliances",))):
        ctx = make_context(runs=2, ablate=ablate)
        s = ctx.state
        s.patron[:, editor] = sec  # the editor is the secretary's client
        s.ally[:, sec, tribune] = s.ally[:, tribune, sec] = True
        ctx.refresh()
        coalitions[name] = ctx.coalition()
        same_bloc = s.patron[:, :, None] == s.patron[:, None, :]
    # On: the alliance joins the tribune to the secretary's bloc (client included).
    assert coalitions["on"][:, editor, tribune].all()
    assert coalitions["on"][:, tribune, sec].all()
    # Off: only the bloc remains.
    np.testing.assert_array_equal(coalitions["off"], same_bloc)
    assert not coalitions["off"][:, tribune, sec].any()
    assert coalitions["off"][:, editor, sec].all()


# --- policy ------------------------------------------------------------------------------


def _policy_context(make_context: MakeContext, world: World, voters_at: float) -> Context:
    """The secretary (prestige lowered to 0.1, so others barely fear him) proposes to move
    the economic line up; the tribune and the editor stand at ``voters_at``."""
    ids = idx(world)
    ctx = make_context(runs=4, params=QUIET_VOTES)
    economy = world.issue_ids.index("economy")
    ctx.state.prestige[:, ids["secretary"]] = 0.1
    ctx.state.position[:, ids["secretary"], economy] = 1.0
    ctx.state.position[:, [ids["tribune"], ids["editor"]], economy] = voters_at
    ctx.refresh()
    return ctx


@pytest.mark.parametrize(("voters_at", "passes"), [(1.0, True), (-1.0, False)])
def test_a_policy_motion_follows_the_leaderships_positions(
    make_context: MakeContext, toy_world: World, voters_at: float, passes: bool
) -> None:
    sec = idx(toy_world)["secretary"]
    economy = toy_world.issue_ids.index("economy")
    ctx = _policy_context(make_context, toy_world, voters_at)
    assert np.all(ctx.state.seat == SEAT_FULL)  # three voters, the mover among them
    line = ctx.state.line.copy()
    prestige = ctx.state.prestige[:, sec].copy()
    up = 2 * economy + 1
    policy.propose_policy(ctx, ctx.rows, all_runs(ctx, sec), np.full(4, up))
    other = [i for i in range(len(toy_world.issue_ids)) if i != economy]
    np.testing.assert_array_equal(ctx.state.line[:, other], line[:, other])
    if passes:
        np.testing.assert_allclose(ctx.state.line[:, economy], line[:, economy] + P.line_shift)
        np.testing.assert_allclose(ctx.state.prestige[:, sec], prestige)
        adopted = events_of(ctx, "policy_adopted")
        assert adopted["run"].size == 4 and np.all(adopted["yes"] == 3)
    else:
        np.testing.assert_array_equal(ctx.state.line, line)
        np.testing.assert_allclose(
            prestige - ctx.state.prestige[:, sec], P.policy_defeat_share * P.defeat_cost
        )
        rejected = events_of(ctx, "policy_rejected")
        assert rejected["run"].size == 4
        assert np.all(rejected["yes"] == 1) and np.all(rejected["no"] == 2)


def _harvest(world: World) -> CompiledEffect:
    turn = world.turn_of("1951-09")
    return next(e for e in world.effects[turn] if e.effect == "crisis")


@pytest.mark.parametrize("ablate", [(), ("policy",)])
def test_a_crisis_pushes_the_line_and_vindicates_its_side(
    make_context: MakeContext, toy_world: World, ablate: tuple[str, ...]
) -> None:
    ids = idx(toy_world)
    tribune, editor = ids["tribune"], ids["editor"]
    economy = toy_world.issue_ids.index("economy")
    crisis = _harvest(toy_world)
    assert crisis.issue == economy and crisis.value > 0  # pushes toward rapid planning
    ctx = make_context(runs=3, ablate=ablate)
    s = ctx.state
    s.prestige[:] = 0.5  # away from both bounds
    # The tribune stands for rapid planning (0.7), the editor against it (-0.7).
    assert np.all(s.position[:, tribune, economy] > 0.5)
    assert np.all(s.position[:, editor, economy] < -0.5)
    line0 = s.line.copy()
    policy.start_crisis(ctx, crisis)
    lines = [s.line[:, economy].copy()]
    for _ in range(crisis.months + 3):
        policy.run_crises(ctx)
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
        policy.run_crises(ctx)
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


# --- traits ------------------------------------------------------------------------------


@pytest.mark.parametrize("neutral", [P.neutral_trait, 0.3])
def test_without_traits_everyone_is_neutral_and_unstigmatised(
    make_context: MakeContext, toy_world: World, neutral: float
) -> None:
    ctx = make_context(runs=1, ablate=("traits",), params=Parameters(neutral_trait=neutral))
    for name in TRAIT:
        np.testing.assert_array_equal(ctx.trait(name), np.full(toy_world.n_leaders, neutral))
    np.testing.assert_array_equal(ctx.stigma, np.zeros(toy_world.n_leaders))
    # Control: with traits on the toy's leaders differ, and the tribune carries a stigma.
    on = make_context(runs=1)
    assert np.ptp(on.trait("oratory")) > 0.5
    assert on.stigma[idx(toy_world)["tribune"]] > 0


# --- perception --------------------------------------------------------------------------


def _perception_context(
    make_context: MakeContext, world: World, ablate: tuple[str, ...]
) -> Context:
    ctx = make_context(runs=3, ablate=ablate)
    # The tribune holds the police: the Secretary's information reaches 1, the tribune's
    # 0.8, the editor's stays 0.
    ctx.state.office_holder[:, office(world, "police_chief")] = idx(world)["tribune"]
    ctx.state.real_power[:] = [0.6, 0.1, 0.3]
    ctx.refresh()
    return ctx


def test_without_perception_everyone_judges_by_real_power(
    make_context: MakeContext, toy_world: World
) -> None:
    ctx = _perception_context(make_context, toy_world, ("perception",))
    assert not np.allclose(ctx.seen_power, ctx.state.real_power)  # the two differ here
    for i in range(toy_world.n_leaders):
        np.testing.assert_allclose(ctx.perceived[:, i, :], ctx.state.real_power)


def test_information_sets_how_far_a_leader_sees_real_power(
    make_context: MakeContext, toy_world: World
) -> None:
    ids = idx(toy_world)
    sec, tribune, editor = ids["secretary"], ids["tribune"], ids["editor"]
    ctx = _perception_context(make_context, toy_world, ())
    np.testing.assert_allclose(ctx.info[:, [sec, tribune, editor]], [[1.0, 0.8, 0.0]] * 3)
    real, seen = ctx.state.real_power, ctx.seen_power
    assert not np.allclose(seen, real)
    np.testing.assert_allclose(ctx.perceived[:, sec, :], real)  # the holder of the files
    np.testing.assert_allclose(ctx.perceived[:, editor, :], seen)  # no information
    # In between, in between.
    middle = ctx.perceived[:, tribune, :]
    low, high = np.minimum(real, seen), np.maximum(real, seen)
    assert np.all((middle >= low - 1e-12) & (middle <= high + 1e-12))
    assert np.all(np.abs(middle - real) < np.abs(seen - real) + 1e-12)


# --- bodies and votes --------------------------------------------------------------------


@pytest.mark.parametrize("ablate", [(), ("bodies_and_votes",)])
def test_without_bodies_and_votes_an_owned_committee_judges_on_merit(
    make_context: MakeContext, toy_world: World, ablate: tuple[str, ...]
) -> None:
    ids = idx(toy_world)
    sec, tribune = ids["secretary"], ids["tribune"]
    ctx = make_context(runs=20, seed=2, ablate=ablate, params=NO_DEFECTION)
    s = ctx.state
    size = int(toy_world.full_seats["committee"][0])
    s.committee[:, :size] = sec  # every committee seat owes the mover
    s.control[:] = EMPTY_SEAT
    # On merit the motion is hopeless: a prestigious target, an obscure mover, no evidence.
    s.prestige[:, tribune] = 1.0
    s.prestige[:, sec] = 0.1
    ctx.refresh()
    assert np.all(s.pretext == 0) and np.all(s.material == 0)
    discipline.move_discipline(ctx, ctx.rows, all_runs(ctx, sec), all_runs(ctx, tribune))
    passed = events_of(ctx, "motion_passed")
    failed = events_of(ctx, "motion_failed")
    if not ablate:
        # The committed seats follow their patron: a unanimous censure.
        assert passed["run"].size == 20 and np.all(passed["yes"] == size)
        assert np.all(s.rung[:, tribune] == 0)
    else:
        assert failed["run"].size == 20
        assert np.all(failed["yes"] < size / 2)
        assert np.all(s.rung[:, tribune] == -1)


# --- real power --------------------------------------------------------------------------


def test_a_bloc_with_both_majorities_has_all_the_power(
    make_context: MakeContext, toy_world: World
) -> None:
    ids = idx(toy_world)
    sec, tribune, editor = ids["secretary"], ids["tribune"], ids["editor"]
    ctx = make_context(runs=2)
    # The editor becomes the secretary's client: his full seat and his three committee
    # seats now count for the secretary's bloc (2 of 3 full seats, 6 of 9 committed).
    ctx.state.patron[:, editor] = sec
    outcome.measure_power(ctx)
    assert np.all(ctx.leadership_votes[:, sec] == 2)
    assert np.all(ctx.committee_votes[:, sec] == 6)
    np.testing.assert_allclose(ctx.state.real_power[:, sec], 1.0)
    np.testing.assert_allclose(ctx.state.real_power[:, [tribune, editor]], 0.0)


def test_two_equal_blocs_split_power_evenly(make_context: MakeContext, toy_world: World) -> None:
    ids = idx(toy_world)
    sec, tribune, editor = ids["secretary"], ids["tribune"], ids["editor"]
    ctx = make_context(runs=2)
    s = ctx.state
    s.seat[:, editor] = SEAT_NONE
    s.committee[:, :15] = [sec] * 5 + [tribune] * 5 + [NO_PATRON] * 5
    outcome.measure_power(ctx)
    np.testing.assert_allclose(s.real_power[:, [sec, tribune]], 0.5)
    np.testing.assert_allclose(s.real_power[:, editor], 0.0)


@pytest.mark.parametrize("weight", [P.leadership_power_weight, 0.8])
def test_split_majorities_weigh_the_bodies_by_leadership_power_weight(
    make_context: MakeContext, toy_world: World, weight: float
) -> None:
    ids = idx(toy_world)
    sec, tribune, editor = ids["secretary"], ids["tribune"], ids["editor"]
    ctx = make_context(runs=2, params=Parameters(leadership_power_weight=weight))
    s = ctx.state
    s.patron[:, editor] = sec  # the secretary's bloc: 2 of 3 full seats
    s.committee[:, :15] = [tribune] * 10 + [editor] * 2 + [NO_PATRON] * 3  # tribune: 10 of 12
    outcome.measure_power(ctx)
    np.testing.assert_allclose(s.real_power[:, sec], weight)
    np.testing.assert_allclose(s.real_power[:, tribune], 1.0 - weight)
    np.testing.assert_allclose(s.real_power.sum(axis=1), 1.0)


# --- a game with external actions --------------------------------------------------------


def test_an_illegal_external_action_lapses(toy: Scenario) -> None:
    game = Game(toy, seed=0)
    tribune = game.world.leader_ids.index("tribune")
    assert not legal_targets(game.ctx, Verb.APPOINT)[0, tribune].any()  # no appointment power
    regions = game.state.secretary_patron.copy()
    plan = game.advance({tribune: [(int(Verb.APPOINT), 0)]})
    assert game.state.turn == 1
    assert plan.verb[0, tribune, 0] == int(Verb.APPOINT)  # it was in the plan ...
    cols = game.log.arrays()
    by_tribune = cols["actor"] == tribune
    for kind in ("appointed", "appointment_failed"):  # ... but never attempted
        assert not (by_tribune & (cols["kind"] == KIND_CODE[kind])).any()
    # No region passed to the tribune's bloc.
    assert (game.state.secretary_patron == tribune).sum() <= (regions == tribune).sum()


def test_a_legal_external_attack_is_carried_out(toy: Scenario) -> None:
    game = Game(toy, seed=0)
    ids = idx(game.world)
    tribune, sec = ids["tribune"], ids["secretary"]
    assert legal_targets(game.ctx, Verb.ATTACK)[0, tribune, sec]
    game.advance({tribune: [(int(Verb.ATTACK), sec)]})
    cols = game.log.arrays()
    attacks = (cols["kind"] == KIND_CODE["attacked"]) & (cols["actor"] == tribune)
    assert attacks.sum() == 1
    assert cols["target"][attacks][0] == sec
    assert cols["turn"][attacks][0] == 0


def test_an_external_attack_on_nobody_lapses(toy: Scenario) -> None:
    game = Game(toy, seed=0)
    tribune = game.world.leader_ids.index("tribune")
    game.advance({tribune: [(int(Verb.ATTACK), -1)]})
    cols = game.log.arrays()
    attacks = (cols["kind"] == KIND_CODE["attacked"]) & (cols["actor"] == tribune)
    assert not attacks.any()


def test_an_external_action_with_an_unknown_target_lapses(toy: Scenario) -> None:
    game = Game(toy, seed=0)
    tribune = game.world.leader_ids.index("tribune")
    game.advance({tribune: [(int(Verb.ATTACK), 99)]})
    assert game.state.turn == 1


def test_a_scheduled_alliance_binds_only_leaders_of_their_own_blocs(make_context) -> None:  # type: ignore[no-untyped-def]
    from politburo.model import alliances
    from politburo.model.world import CompiledEffect

    ctx = make_context(runs=2)
    w = ctx.world
    sec, tribune, editor = (w.leader(x) for x in ("secretary", "tribune", "editor"))
    # In run 1 the editor has become the secretary's client.
    ctx.state.patron[1, editor] = sec
    ctx.refresh()
    effect = CompiledEffect(
        event="bloc", event_name="bloc", kind="alliance", effect="alliance",
        leaders=(tribune, editor),
    )  # fmt: skip
    alliances.scheduled_alliance(ctx, effect)
    assert ctx.state.ally[0, tribune, editor] and ctx.state.ally[0, editor, tribune]
    assert not ctx.state.ally[1].any(), "a client cannot ally his patron's bloc"
