"""Each mechanism does what the design says, on the toy scenario: called directly on a
hand-set state through a :class:`Context`, and compared with runs where it is switched
off (``ablate``)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from politburo.model import appointment, congress, discipline, faction_ban, outcome, recruitment
from politburo.model.actions import Verb, backing, legal_targets, next_rung
from politburo.model.context import Context
from politburo.model.events import KIND_CODE
from politburo.model.params import DEFAULT_PARAMETERS, Parameters
from politburo.model.state import EMPTY_SEAT, NO_PATRON
from politburo.model.switches import MECHANISMS, UnknownMechanismError, enabled_mechanisms
from politburo.model.world import POWER, SEAT_CANDIDATE, SEAT_FULL, SEAT_NONE, CompiledEffect, World
from politburo.scenario import Scenario
from politburo.simulation import BatchResult, simulate

MakeContext = Callable[..., Context]  # the make_context fixture (conftest.py)

# Votes without desertion, so a committee owned by one bloc votes as that bloc's leader.
NO_DEFECTION = Parameters(defection_rate=0.0)


def idx(world: World) -> dict[str, int]:
    return {name: i for i, name in enumerate(world.leader_ids)}


def rung_of(world: World, effect: str) -> int:
    return next(k for k, r in enumerate(world.ladder) if r.effect == effect)


def congress_effect(world: World, month: str) -> CompiledEffect:
    turn = world.turn_of(month)
    return next(e for e in world.effects[turn] if e.effect == "congress")


def count(result: BatchResult, kind: str) -> int:
    return int((result.log.arrays()["kind"] == KIND_CODE[kind]).sum())


def bloc_share_of_secretaries(ctx: Context, leader: int, min_loyalty: float = 0.0) -> np.ndarray:
    """(R,) share of regions whose secretary answers to ``leader``'s bloc."""
    bloc = appointment.secretary_bloc(ctx)
    loyal = (bloc == leader) & (ctx.state.secretary_loyalty >= min_loyalty)
    return loyal.mean(axis=1)


# --- appointment -------------------------------------------------------------------------


def test_appointments_raise_the_appointers_share_of_loyal_secretaries(
    make_context: MakeContext, toy_world: World
) -> None:
    ctx = make_context(runs=40)
    s = ctx.state
    sec = idx(toy_world)["secretary"]
    assert ctx.powers[0, sec, POWER["appointment"]] > 0
    loyalty = DEFAULT_PARAMETERS.appointee_loyalty
    before = bloc_share_of_secretaries(ctx, sec)
    regions = len(toy_world.region_ids)
    runs = ctx.rows
    previous = bloc_share_of_secretaries(ctx, sec, loyalty)
    for turn in range(3 * regions):  # each region is tried three times, one a month
        s.turn = turn
        appointment.appoint_secretaries(
            ctx, runs, np.full(runs.size, sec), np.full(runs.size, turn % regions)
        )
        now = bloc_share_of_secretaries(ctx, sec, loyalty)
        assert np.all(now >= previous)  # an appointment never loses the appointer a region
        previous = now
    after = previous
    # At the start the appointer's bloc holds one region of five ('mills'). With the
    # default parameters a try by the Secretary (full power, organization 0.9) succeeds
    # with probability ~0.57, so three tries per region win ~0.92 of the regions (sd of
    # the mean over 40 runs ~0.02); 0.75 leaves a wide margin and is far above 0.2.
    np.testing.assert_allclose(before, 0.2)
    assert after.mean() > 0.75
    events = ctx.log.arrays()
    appointed = events["kind"] == KIND_CODE["appointed"]
    assert appointed.any()
    assert np.all(events["actor"][appointed] == sec)
    # Every successful appointment left a client of the appointer in the region.
    assert np.all(s.secretary_patron[events["run"][appointed], events["obj"][appointed]] == sec)


def test_appointment_without_appointment_power_never_succeeds(
    make_context: MakeContext, toy_world: World
) -> None:
    ctx = make_context(runs=20)
    tribune = idx(toy_world)["tribune"]
    assert ctx.powers[:, tribune, POWER["appointment"]].max() == 0
    before = ctx.state.secretary_patron.copy()
    runs = ctx.rows
    for turn in range(5):
        ctx.state.turn = turn
        appointment.appoint_secretaries(
            ctx, runs, np.full(runs.size, tribune), np.full(runs.size, 3)
        )
    np.testing.assert_array_equal(ctx.state.secretary_patron, before)
    kinds = ctx.log.arrays()["kind"]
    assert (kinds == KIND_CODE["appointment_failed"]).sum() == 5 * runs.size
    assert not (kinds == KIND_CODE["appointed"]).any()


def test_ablating_appointment_stops_appointments(toy: Scenario) -> None:
    on = simulate(toy, seed=1, runs=30)
    off = simulate(toy, seed=1, runs=30, ablate=["appointment"])
    assert count(on, "appointed") > 0
    assert count(off, "appointed") == 0
    sec = idx(on.world)["secretary"]

    def final_share(result: BatchResult) -> float:
        s = result.state
        bloc = np.where(
            s.secretary_patron >= 0,
            s.patron[np.arange(s.n_runs)[:, None], np.maximum(s.secretary_patron, 0)],
            -1,
        )
        return float((bloc == sec).mean())

    # The appointer starts with one region of five; appointing must leave him more than
    # that on average, and more than the same seeds without the power.
    assert final_share(on) > final_share(off)
    assert final_share(on) > 0.4


# --- congress elections (the circular flow) ---------------------------------------------


def _committee_share(ctx: Context, leader: int) -> np.ndarray:
    size = int(ctx.world.full_seats["committee"][ctx.state.turn])
    return (ctx.state.committee == leader).sum(axis=1) / size


def _congress_with_secretaries(
    make_context: MakeContext,
    world: World,
    patron: int,
    loyalty: float,
    ablate: tuple[str, ...] = (),
) -> Context:
    ctx = make_context(runs=60, seed=3, ablate=ablate)
    ctx.state.turn = world.turn_of("1951-01")
    ctx.state.secretary_patron[:] = patron
    ctx.state.secretary_loyalty[:] = loyalty
    ctx.refresh()
    congress.hold_congress(ctx, congress_effect(world, "1951-01"))
    return ctx


@pytest.mark.parametrize("leader_name", ["tribune", "secretary"])
def test_loyal_delegations_elect_a_loyal_committee(
    make_context: MakeContext, toy_world: World, leader_name: str
) -> None:
    leader = idx(toy_world)[leader_name]
    loyal = _congress_with_secretaries(make_context, toy_world, leader, 1.0)
    owing_nobody = _congress_with_secretaries(make_context, toy_world, NO_PATRON, 0.0)
    loyal_share = _committee_share(loyal, leader)
    free_share = _committee_share(owing_nobody, leader)
    # Paired runs (same seed, same seat draws). Secretaries shape 60% of every
    # delegation, so the leader's mean share must rise by far more than the sampling
    # noise of a 15-seat committee over 60 runs (sd of the mean difference < 0.03).
    assert loyal_share.mean() - free_share.mean() > 0.25
    assert loyal_share.mean() > 0.5
    assert np.mean(loyal_share >= free_share) > 0.9
    kinds = loyal.log.arrays()["kind"]
    assert (kinds == KIND_CODE["committee_elected"]).sum() == 60


def test_without_congress_elections_the_committee_is_unchanged(
    make_context: MakeContext, toy_world: World
) -> None:
    ctx = make_context(runs=20, seed=3, ablate=("congress_elections",))
    ctx.state.turn = toy_world.turn_of("1951-01")
    ctx.state.secretary_patron[:] = idx(toy_world)["tribune"]
    ctx.state.secretary_loyalty[:] = 1.0
    ctx.refresh()
    before = ctx.state.committee.copy()
    congress.hold_congress(ctx, congress_effect(toy_world, "1951-01"))
    np.testing.assert_array_equal(ctx.state.committee, before)
    assert not (ctx.log.arrays()["kind"] == KIND_CODE["committee_elected"]).any()


def test_without_congress_elections_a_larger_committee_adds_only_uncommitted_seats(
    make_context: MakeContext, toy_world: World
) -> None:
    ctx = make_context(runs=5, ablate=("congress_elections",))
    old_size = int(toy_world.full_seats["committee"][0])
    ctx.state.turn = toy_world.turn_of("1952-01")
    new_size = int(toy_world.full_seats["committee"][ctx.state.turn])
    assert new_size > old_size  # the toy's committee grows at the second congress
    before = ctx.state.committee.copy()
    congress.hold_congress(ctx, congress_effect(toy_world, "1952-01"))
    after = ctx.state.committee
    np.testing.assert_array_equal(after[:, :old_size], before[:, :old_size])
    assert np.all(after[:, old_size:new_size] == NO_PATRON)
    assert np.all(after[:, new_size:] == EMPTY_SEAT)


# --- recruitment -------------------------------------------------------------------------


def _run_drive(ctx: Context, members: float, months: int) -> None:
    cohort = ctx.world.cohort_ids.index("recruits")
    recruitment.start_drive(ctx, cohort, members, months)
    for _ in range(months + 2):  # two extra months: a finished drive adds nothing
        recruitment.run_drives(ctx)
        ctx.refresh()


def test_recruitment_drive_adds_members_owing_the_machine(
    make_context: MakeContext, toy_world: World
) -> None:
    ctx = make_context(runs=4)
    recruits = toy_world.cohort_ids.index("recruits")
    before = ctx.state.members[:, :, recruits].sum(axis=1)
    assert np.all(ctx.state.intake_share == 0)  # the starting recruits owe nobody
    _run_drive(ctx, 30_000, 4)
    added = ctx.state.members[:, :, recruits].sum(axis=1) - before
    np.testing.assert_allclose(added, 30_000)
    sec = idx(toy_world)["secretary"]  # the only holder of recruitment power
    owing = ctx.state.intake_share  # (R, G, L)
    assert np.all(owing[:, :, sec] > 0)  # in every region, not only his own
    # The machine is owed more of the intake than any other bloc, in every run.
    members = ctx.state.members[:, :, recruits]
    owed_by_bloc = (owing * members[:, :, None]).sum(axis=1)  # (R, L)
    assert np.all(owed_by_bloc.argmax(axis=1) == sec)
    assert np.all(owing.sum(axis=2) <= 1.0 + 1e-12)


def test_without_recruitment_new_members_owe_nobody(
    make_context: MakeContext, toy_world: World
) -> None:
    ctx = make_context(runs=4, ablate=("recruitment",))
    recruits = toy_world.cohort_ids.index("recruits")
    before = ctx.state.members[:, :, recruits].sum(axis=1)
    _run_drive(ctx, 30_000, 4)
    np.testing.assert_allclose(ctx.state.members[:, :, recruits].sum(axis=1) - before, 30_000)
    assert np.all(ctx.state.intake_share == 0)


def test_recruitment_ablated_in_a_full_run(toy: Scenario) -> None:
    on = simulate(toy, seed=2, runs=10, record_events=False)
    off = simulate(toy, seed=2, runs=10, ablate=["recruitment"], record_events=False)
    assert on.state.intake_share.sum() > 0
    assert np.all(off.state.intake_share == 0)


# --- faction ban ------------------------------------------------------------------------


def _organized_tribune(ctx: Context, world: World) -> int:
    tribune = idx(world)["tribune"]
    faction_ban.organize_faction(ctx, ctx.rows, np.full(ctx.state.n_runs, tribune))
    ctx.refresh()
    return tribune


def test_under_the_ban_an_organized_faction_accumulates_pretext(
    make_context: MakeContext, toy_world: World
) -> None:
    ctx = make_context(runs=3)
    assert ctx.faction_ban.all()  # the toy's ban is in force from before the start
    tribune = _organized_tribune(ctx, toy_world)
    history = []
    for _ in range(6):
        faction_ban.factional_evidence(ctx)
        history.append(ctx.state.pretext[:, tribune].copy())
    history_arr = np.array(history)
    assert np.all(history_arr[0] > 0)
    assert np.all(np.diff(history_arr, axis=0) > 0)  # grows month after month
    others = np.delete(ctx.state.pretext, tribune, axis=1)
    assert np.all(others == 0)  # leaders without a faction leave no evidence


@pytest.mark.parametrize("how", ["ablated", "rule_lifted"])
def test_without_the_ban_a_faction_leaves_no_pretext(
    make_context: MakeContext, toy_world: World, how: str
) -> None:
    ctx = make_context(runs=3, ablate=("faction_ban",) if how == "ablated" else ())
    if how == "rule_lifted":
        ctx.state.rule_override[:, toy_world.rule_ids.index("faction_ban")] = 0
        ctx.refresh()
    assert not ctx.faction_ban.any()
    tribune = _organized_tribune(ctx, toy_world)
    for _ in range(6):
        faction_ban.factional_evidence(ctx)
    assert np.all(ctx.state.pretext[:, tribune] == 0)


def test_the_ban_cuts_a_factions_pull(make_context: MakeContext, toy_world: World) -> None:
    banned = make_context(runs=2)
    legal = make_context(runs=2, ablate=("faction_ban",))
    tribune = _organized_tribune(banned, toy_world)
    _organized_tribune(legal, toy_world)
    boost_banned = faction_ban.faction_boost(banned)[:, tribune]
    boost_legal = faction_ban.faction_boost(legal)[:, tribune]
    assert np.all(boost_legal > 0)
    assert np.all(boost_banned < boost_legal)


# --- discipline --------------------------------------------------------------------------


def _committee_owned(ctx: Context, owners: list[int], control: list[int] | None = None) -> None:
    """Fill the committee's seats in use with the given owners, in order; the control
    body, which sits jointly on expulsions, gets ``control`` (default: no seats, so the
    committee's own count decides)."""
    size = int(ctx.world.full_seats["committee"][ctx.state.turn])
    assert len(owners) == size
    ctx.state.committee[:, :size] = owners
    ctx.state.control[:, :] = -2
    if control is not None:
        ctx.state.control[:, : len(control)] = control
    ctx.refresh()


def _move(ctx: Context, mover: int, target: int) -> None:
    runs = ctx.rows
    discipline.move_discipline(ctx, runs, np.full(runs.size, mover), np.full(runs.size, target))


def test_a_motion_with_the_committee_behind_it_passes_and_applies_its_rung(
    make_context: MakeContext, toy_world: World
) -> None:
    ctx = make_context(runs=6, params=NO_DEFECTION)
    ids = idx(toy_world)
    sec, tribune = ids["secretary"], ids["tribune"]
    _committee_owned(ctx, [sec] * 15)
    censure = rung_of(toy_world, "censure")
    assert np.all(next_rung(ctx)[:, tribune] == censure)
    prestige = ctx.state.prestige[:, tribune].copy()
    _move(ctx, sec, tribune)
    assert np.all(ctx.state.rung[:, tribune] == censure)
    assert np.all(ctx.state.prestige[:, tribune] < prestige)
    events = ctx.log.arrays()
    passed = events["kind"] == KIND_CODE["motion_passed"]
    assert passed.sum() == 6
    assert np.all(events["no"][passed] == 0)


def test_a_motion_against_the_committee_fails_and_changes_nothing(
    make_context: MakeContext, toy_world: World
) -> None:
    ctx = make_context(runs=6, params=NO_DEFECTION)
    ids = idx(toy_world)
    sec, tribune = ids["secretary"], ids["tribune"]
    _committee_owned(ctx, [tribune] * 15)
    prestige = ctx.state.prestige[:, sec].copy()
    _move(ctx, sec, tribune)
    assert np.all(ctx.state.rung[:, tribune] == -1)
    assert np.all(ctx.state.in_party[:, tribune])
    events = ctx.log.arrays()
    assert (events["kind"] == KIND_CODE["motion_failed"]).sum() == 6
    assert not (events["kind"] == KIND_CODE["motion_passed"]).any()
    # The mover pays for a lost vote.
    assert np.all(ctx.state.prestige[:, sec] < prestige)


def test_the_control_body_sits_jointly_by_its_own_loyalties(
    make_context: MakeContext, toy_world: World
) -> None:
    # 11 of 15 committee seats carry an expulsion alone (see below); five control members
    # loyal to the target join the sitting: 11 of 20 is short of two thirds.
    ctx = make_context(runs=4, params=NO_DEFECTION)
    ids = idx(toy_world)
    sec, tribune = ids["secretary"], ids["tribune"]
    _committee_owned(ctx, [sec] * 11 + [tribune] * 4, control=[tribune] * 5)
    expel = rung_of(toy_world, "expel")
    ctx.state.rung[:, tribune] = expel - 1
    _move(ctx, sec, tribune)
    assert np.all(ctx.state.in_party[:, tribune])
    events = ctx.log.arrays()
    failed = events["kind"] == KIND_CODE["motion_failed"]
    assert np.all(events["yes"][failed] == 11)
    assert np.all(events["no"][failed] == 9)


@pytest.mark.parametrize(("mover_seats", "expel_passes"), [(10, False), (11, True)])
def test_expulsion_needs_its_two_thirds_quota(
    make_context: MakeContext, toy_world: World, mover_seats: int, expel_passes: bool
) -> None:
    # 10 of 15 seats is exactly two thirds: not more than the 0.667 quota. 11 of 15 is.
    ctx = make_context(runs=4, params=NO_DEFECTION)
    ids = idx(toy_world)
    sec, tribune = ids["secretary"], ids["tribune"]
    _committee_owned(ctx, [sec] * mover_seats + [tribune] * (15 - mover_seats))
    expel = rung_of(toy_world, "expel")
    ctx.state.rung[:, tribune] = expel - 1
    assert np.all(next_rung(ctx)[:, tribune] == expel)
    _move(ctx, sec, tribune)
    assert np.all(ctx.state.in_party[:, tribune] != expel_passes)
    events = ctx.log.arrays()
    kind = "motion_passed" if expel_passes else "motion_failed"
    sel = events["kind"] == KIND_CODE[kind]
    assert sel.sum() == 4
    yes, no = events["yes"][sel], events["no"][sel]
    share = yes / (yes + no)
    quota = toy_world.ladder[expel].quota
    assert np.all((share > quota) == expel_passes)


def test_expulsion_vacates_offices_and_seats(make_context: MakeContext, toy_world: World) -> None:
    ctx = make_context(runs=4, params=NO_DEFECTION)
    ids = idx(toy_world)
    sec, tribune = ids["secretary"], ids["tribune"]
    war = toy_world.office_ids.index("war_minister")
    s = ctx.state
    assert np.all(s.office_holder[:, war] == tribune)
    assert np.all(s.seat[:, tribune] == SEAT_FULL)
    _committee_owned(ctx, [sec] * 15)
    s.rung[:, tribune] = rung_of(toy_world, "expel") - 1
    s.turn = 7
    _move(ctx, sec, tribune)
    assert np.all(~s.in_party[:, tribune])
    assert np.all(s.expelled[:, tribune] == 7)
    assert np.all(s.office_holder != tribune)
    assert np.all(s.lost_office[:, tribune, war] == 7)
    assert np.all(s.seat[:, tribune] == SEAT_NONE)
    assert np.all(s.lost_seat[:, tribune] == 7)
    assert np.all(s.exiled_at[:, tribune] == -1)
    kinds = ctx.log.arrays()["kind"]
    assert (kinds == KIND_CODE["expelled"]).sum() == 4
    # The vacated post is refilled by the committee's dominant coalition.
    assert np.all(s.office_holder[:, war] >= 0)


def _police_world_context(make_context: MakeContext, world: World, holder: int) -> Context:
    ctx = make_context(runs=3)
    police = world.office_ids.index("police_chief")
    ctx.state.office_holder[:, police] = holder
    ctx.refresh()
    return ctx


def test_exile_needs_the_police_on_the_movers_side(
    make_context: MakeContext, toy_world: World
) -> None:
    ids = idx(toy_world)
    sec, tribune, editor = ids["secretary"], ids["tribune"], ids["editor"]
    exile = rung_of(toy_world, "exile")
    assert toy_world.ladder[exile].backing == (POWER["police"],)
    R, L = 3, toy_world.n_leaders

    ctx = _police_world_context(make_context, toy_world, sec)
    backed = backing(ctx, np.full((R, L), exile))
    assert np.all(backed[:, sec]) and not backed[:, tribune].any() and not backed[:, editor].any()
    # Other rungs need no backing.
    assert np.all(backing(ctx, np.full((R, L), rung_of(toy_world, "censure"))))

    # An ally of the police chief's bloc has the police on his side.
    ctx.state.ally[:, tribune, sec] = ctx.state.ally[:, sec, tribune] = True
    ctx.refresh()
    assert np.all(backing(ctx, np.full((R, L), exile))[:, tribune])

    # A vacant police office blocks nobody.
    ctx = _police_world_context(make_context, toy_world, -1)
    assert np.all(backing(ctx, np.full((R, L), exile)))


def test_exile_is_legal_only_for_a_mover_with_police_backing(
    make_context: MakeContext, toy_world: World
) -> None:
    ids = idx(toy_world)
    sec, tribune, editor = ids["secretary"], ids["tribune"], ids["editor"]
    exile = rung_of(toy_world, "exile")
    for holder, tribune_may in ((sec, False), (tribune, True)):
        ctx = _police_world_context(make_context, toy_world, holder)
        ctx.state.rung[:, editor] = exile - 1
        ctx.refresh()
        assert np.all(next_rung(ctx)[:, editor] == exile)
        legal = legal_targets(ctx, Verb.MOVE_DISCIPLINE)  # (R, movers, targets)
        assert np.all(legal[:, tribune, editor] == tribune_may)
        assert np.all(legal[:, sec, editor] == (holder == sec))


def test_a_passed_exile_removes_the_target(make_context: MakeContext, toy_world: World) -> None:
    ids = idx(toy_world)
    sec, tribune, editor = ids["secretary"], ids["tribune"], ids["editor"]
    ctx = _police_world_context(make_context, toy_world, sec)
    s = ctx.state
    s.turn = 9
    # The editor is already expelled; only the secretary keeps a voting seat.
    s.rung[:, editor] = rung_of(toy_world, "expel")
    s.in_party[:, editor] = False
    s.expelled[:, editor] = 5
    s.seat[:, editor] = SEAT_NONE
    s.seat[:, tribune] = SEAT_NONE
    ctx.refresh()
    _move(ctx, sec, editor)
    assert np.all(s.exiled[:, editor])
    assert np.all(s.exiled_at[:, editor] == 9)
    assert np.all(s.expelled[:, editor] == 5)  # expulsion keeps its earlier month
    assert np.all(~ctx.present[:, editor])


def test_motions_in_simulated_runs_pass_exactly_when_above_quota(toy: Scenario) -> None:
    result = simulate(toy, seed=4, runs=30)
    events = result.log.arrays()
    quota = np.array([r.quota for r in result.world.ladder])
    motions = np.isin(events["kind"], [KIND_CODE["motion_passed"], KIND_CODE["motion_failed"]])
    assert motions.sum() >= 30, "too few motions in 30 toy runs to check the rule"
    yes, no, rung = events["yes"][motions], events["no"][motions], events["obj"][motions]
    passed = events["kind"][motions] == KIND_CODE["motion_passed"]
    assert passed.any()
    share = yes / np.maximum(yes + no, 1)
    np.testing.assert_array_equal(passed, share > quota[rung])


# --- alliances ---------------------------------------------------------------------------


def test_ablating_alliances_forms_none(toy: Scenario) -> None:
    on = simulate(toy, seed=6, runs=30)
    off = simulate(toy, seed=6, runs=30, ablate=["alliances"])
    assert count(on, "alliance_formed") > 0  # the control: alliances do form
    assert count(off, "alliance_formed") == 0
    assert not off.state.ally.any()


# --- every mechanism can be switched off --------------------------------------------------


def test_unknown_mechanism_is_refused_with_the_valid_names(toy: Scenario) -> None:
    with pytest.raises(UnknownMechanismError) as caught:
        enabled_mechanisms(["appointment", "apointment"])
    message = str(caught.value)
    assert "apointment" in message
    for name in MECHANISMS:
        assert name in message
    with pytest.raises(UnknownMechanismError):
        simulate(toy, runs=1, ablate=["no_such_mechanism"])


def test_enabled_mechanisms_switches_off_exactly_the_named() -> None:
    assert enabled_mechanisms() == frozenset(MECHANISMS)
    assert enabled_mechanisms(["policy", "traits"]) == frozenset(MECHANISMS) - {"policy", "traits"}


def _ran_to_the_end(result: BatchResult, mechanism: str) -> None:
    world, s = result.world, result.state
    assert s.turn == world.months
    assert mechanism not in result.mechanisms
    assert result.power.shape == (world.months, s.n_runs, world.n_leaders)
    assert np.isfinite(result.power).all()
    assert (result.power >= -1e-6).all() and (result.power <= 1 + 1e-6).all()
    assert np.all((s.winner >= -1) & (s.winner < world.n_leaders))
    for position in range(s.n_runs):
        winner = result.outcome(position)["winner"]
        assert winner is None or winner in world.leader_ids


@pytest.mark.parametrize("mechanism", list(MECHANISMS))
def test_each_mechanism_can_be_ablated_toy(toy: Scenario, mechanism: str) -> None:
    _ran_to_the_end(simulate(toy, seed=0, runs=4, ablate=[mechanism]), mechanism)


@pytest.mark.parametrize("mechanism", list(MECHANISMS))
def test_each_mechanism_can_be_ablated_ussr(ussr: Scenario, mechanism: str) -> None:
    _ran_to_the_end(
        simulate(ussr, seed=0, runs=2, ablate=[mechanism], record_events=False), mechanism
    )


# --- consolidation -----------------------------------------------------------------------


def _consolidation_context(make_context: MakeContext, world: World) -> Context:
    ctx = make_context(runs=1)
    ctx.state.turn = 5
    return ctx


def _check(ctx: Context) -> int:
    ctx.refresh()
    outcome.measure_power(ctx)
    outcome.check_consolidation(ctx)
    return int(ctx.state.winner[0])


def test_consolidation_when_one_bloc_holds_both_majorities_and_no_rival_sits(
    make_context: MakeContext, toy_world: World
) -> None:
    ids = idx(toy_world)
    sec, tribune, editor = ids["secretary"], ids["tribune"], ids["editor"]
    ctx = _consolidation_context(make_context, toy_world)
    s = ctx.state
    s.seat[:, tribune] = s.seat[:, editor] = SEAT_NONE
    s.committee[:, :8] = sec
    s.committee[:, 8:15] = [tribune] * 4 + [editor] * 3
    assert _check(ctx) == sec
    assert s.consolidated[0] == 5
    kinds = ctx.log.arrays()["kind"]
    assert (kinds == KIND_CODE["consolidated"]).sum() == 1


def test_no_consolidation_while_a_rival_principal_keeps_a_seat(
    make_context: MakeContext, toy_world: World
) -> None:
    ids = idx(toy_world)
    sec, tribune, editor = ids["secretary"], ids["tribune"], ids["editor"]
    ctx = _consolidation_context(make_context, toy_world)
    s = ctx.state
    s.seat[:, tribune] = SEAT_NONE
    # The secretary holds every committee seat and the only full seat, but the editor
    # keeps a candidate seat.
    s.seat[:, editor] = SEAT_CANDIDATE
    s.committee[:, :15] = sec
    assert _check(ctx) == -1
    assert s.consolidated[0] == -1
    # Control: once the editor's seat is gone, the same state consolidates.
    s.seat[:, editor] = SEAT_NONE
    assert _check(ctx) == sec


def test_no_consolidation_without_a_committee_majority(
    make_context: MakeContext, toy_world: World
) -> None:
    ids = idx(toy_world)
    sec, tribune, editor = ids["secretary"], ids["tribune"], ids["editor"]
    ctx = _consolidation_context(make_context, toy_world)
    s = ctx.state
    s.seat[:, tribune] = s.seat[:, editor] = SEAT_NONE
    # 7 of 15: the largest bloc, but not a majority of the seats in use.
    s.committee[:, :15] = [sec] * 7 + [tribune] * 4 + [NO_PATRON] * 4
    assert _check(ctx) == -1
    # Control: one more seat (8 of 15) is a majority.
    s.committee[:, 7] = sec
    assert _check(ctx) == sec


def test_no_consolidation_without_a_leadership_majority(
    make_context: MakeContext, toy_world: World
) -> None:
    ids = idx(toy_world)
    sec, tribune, editor = ids["secretary"], ids["tribune"], ids["editor"]
    ctx = _consolidation_context(make_context, toy_world)
    s = ctx.state
    # The editor is the tribune's client and keeps his seat; the tribune has none. No
    # rival principal sits, but the secretary holds only half the full seats.
    s.patron[:, editor] = tribune
    s.seat[:, tribune] = SEAT_NONE
    s.committee[:, :15] = sec
    assert _check(ctx) == -1
    # Control: with the tribune's client demoted to candidate, the secretary holds the
    # only full seat and no rival principal sits.
    s.seat[:, editor] = SEAT_CANDIDATE
    assert _check(ctx) == sec


def test_clients_in_the_leadership_are_not_rivals(
    make_context: MakeContext, toy_world: World
) -> None:
    ids = idx(toy_world)
    sec, tribune, editor = ids["secretary"], ids["tribune"], ids["editor"]
    ctx = _consolidation_context(make_context, toy_world)
    s = ctx.state
    s.patron[:, tribune] = s.patron[:, editor] = sec
    s.committee[:, :9] = sec
    assert _check(ctx) == sec


def test_a_consolidated_run_keeps_its_first_winner_and_month(
    make_context: MakeContext, toy_world: World
) -> None:
    ids = idx(toy_world)
    sec, tribune, editor = ids["secretary"], ids["tribune"], ids["editor"]
    ctx = _consolidation_context(make_context, toy_world)
    s = ctx.state
    s.seat[:, tribune] = s.seat[:, editor] = SEAT_NONE
    s.committee[:, :15] = sec
    assert _check(ctx) == sec
    # Later the tribune takes everything; the record of the first consolidation stays.
    s.turn = 9
    s.seat[:, sec] = SEAT_NONE
    s.seat[:, tribune] = SEAT_FULL
    s.committee[:, :15] = tribune
    assert _check(ctx) == sec
    assert s.consolidated[0] == 5
