"""Appointment, congress elections and recruitment do what the design says, on the toy
scenario: the compiled rules called directly on a hand-set state, and compared with runs
where the mechanism is switched off (``ablate``)."""

from __future__ import annotations

import numpy as np
import pytest

from politburo.kernel import appointment, congress, recruitment
from politburo.model.events import KIND_CODE
from politburo.model.params import DEFAULT_PARAMETERS, Parameters
from politburo.model.state import EMPTY_SEAT, NO_PATRON
from politburo.model.world import POWER, World
from politburo.scenario import Scenario
from politburo.simulation import BatchResult, simulate

from .bench import Bench, idx
from .conftest import MakeBench


def count(result: BatchResult, kind: str) -> int:
    return int((result.log.arrays()["kind"] == KIND_CODE[kind]).sum())


def bloc_share_of_secretaries(bench: Bench, leader: int, min_loyalty: float = 0.0) -> np.ndarray:
    """(R,) share of regions whose secretary answers to ``leader``'s bloc."""
    bloc = bench.secretary_bloc()
    loyal = (bloc == leader) & (bench.state.secretary_loyalty >= min_loyalty)
    return loyal.mean(axis=1)


# --- appointment -------------------------------------------------------------------------


def test_appointments_raise_the_appointers_share_of_loyal_secretaries(
    make_bench: MakeBench, toy_world: World
) -> None:
    bench = make_bench(runs=40)
    s = bench.state
    sec = idx(toy_world)["secretary"]
    # No machine here is entrenched: the other bloc leaders hold no seat in the
    # leadership or the committee to protect their secretaries (see the next test).
    others = [i for i in range(toy_world.n_leaders) if i != sec]
    s.seat[:, others] = 0
    s.committee[:, :15] = NO_PATRON
    bench.refresh()
    assert bench.powers[0, sec, POWER["appointment"]] > 0
    loyalty = DEFAULT_PARAMETERS.appointee_loyalty
    before = bloc_share_of_secretaries(bench, sec)
    regions = len(toy_world.region_ids)
    previous = bloc_share_of_secretaries(bench, sec, loyalty)
    for turn in range(3 * regions):  # each region is tried three times, one a month
        s.turn = turn
        bench.each(appointment.appoint, sec, turn % regions)
        now = bloc_share_of_secretaries(bench, sec, loyalty)
        assert np.all(now >= previous)  # an appointment never loses the appointer a region
        previous = now
    after = previous
    # At the start the appointer's bloc holds one region of five ('mills'). With the
    # default parameters a try by the Secretary (full power, organization 0.9) succeeds
    # with probability ~0.57, so three tries per region win ~0.92 of the regions (sd of
    # the mean over 40 runs ~0.02); 0.75 leaves a wide margin and is far above 0.2.
    np.testing.assert_allclose(before, 0.2)
    assert after.mean() > 0.75
    events = bench.events()
    appointed = events["kind"] == KIND_CODE["appointed"]
    assert appointed.any()
    assert np.all(events["actor"][appointed] == sec)
    # Every successful appointment left a client of the appointer in the region.
    assert np.all(s.secretary_patron[events["run"][appointed], events["obj"][appointed]] == sec)


def _entrenched_bench(make_bench: MakeBench, world: World, allied: bool) -> Bench:
    """Region 3's secretary answers to the tribune with loyalty 1, and the tribune sits
    as a full member of the leadership: an entrenched machine."""
    ids = idx(world)
    sec, tribune = ids["secretary"], ids["tribune"]
    bench = make_bench(runs=400)
    s = bench.state
    s.secretary_patron[:, 3] = tribune
    s.secretary_loyalty[:, 3] = 1.0
    s.seat[:, tribune] = 2
    s.ally[:, sec, tribune] = s.ally[:, tribune, sec] = allied
    bench.refresh()
    return bench


def test_an_entrenched_machine_resists_appointment_even_by_an_ally(
    make_bench: MakeBench, toy_world: World
) -> None:
    sec, tribune = idx(toy_world)["secretary"], idx(toy_world)["tribune"]
    # A try by the Secretary succeeds with ~0.57; against a machine of loyalty 1 whose
    # leader holds a full seat, (1 - entrenchment 0.9) of that, ~0.057 (sd over 400
    # runs ~0.012). An alliance does not hand over the ally's own machine: the same.
    for allied in (False, True):
        bench = _entrenched_bench(make_bench, toy_world, allied=allied)
        bench.each(appointment.appoint, sec, 3)
        taken = (bench.state.secretary_patron[:, 3] == sec).mean()
        assert 0.01 < taken < 0.12, (allied, taken)
    # A machine whose leader is gone gives way: ~0.57 (sd ~0.025).
    orphaned = _entrenched_bench(make_bench, toy_world, allied=False)
    orphaned.state.alive[:, tribune] = False
    orphaned.refresh()
    orphaned.each(appointment.appoint, sec, 3)
    assert (orphaned.state.secretary_patron[:, 3] == sec).mean() > 0.45


# --- a secretary's loyalty follows who can remove him -----------------------------------


def _beaten_machine(
    make_bench: MakeBench,
    world: World,
    params: Parameters = DEFAULT_PARAMETERS,
    ablate: tuple[str, ...] = (),
    commanding: bool = True,
) -> Bench:
    """Region 3's secretary answers to the tribune at loyalty 0.3; the Secretary's bloc
    holds every committee seat in use (``commanding``), or as many as the tribune's."""
    ids = idx(world)
    sec, tribune = ids["secretary"], ids["tribune"]
    bench = make_bench(runs=4, params=params, ablate=ablate)
    s = bench.state
    s.ally[:] = False
    s.secretary_patron[:, 3] = tribune
    s.secretary_loyalty[:, 3] = 0.3
    in_use = np.flatnonzero(s.committee[0] != EMPTY_SEAT)
    s.committee[:, in_use] = sec
    if not commanding:  # half each to the two rivals, an odd seat to nobody's man
        half = len(in_use) // 2
        s.committee[:, in_use[:half]] = tribune
        s.committee[:, in_use[2 * half :]] = NO_PATRON
    bench.refresh()
    return bench


def _drift(bench: Bench, months: int) -> None:
    start = bench.t
    for m in range(months):
        bench.state.turn = start + m
        bench.each(appointment.drift_secretaries)


def test_a_beaten_patrons_secretaries_desert_to_the_winner(
    make_bench: MakeBench, toy_world: World
) -> None:
    ids = idx(toy_world)
    sec, tribune = ids["secretary"], ids["tribune"]
    rate = DEFAULT_PARAMETERS.secretary_desertion
    assert rate > 0
    bench = _beaten_machine(make_bench, toy_world)
    _drift(bench, 1)
    # One month: loyalty falls by the desertion rate (deterministic), nobody defects yet.
    np.testing.assert_allclose(bench.state.secretary_loyalty[:, 3], 0.3 - rate)
    assert bench.count("secretary_defected") == 0
    _drift(bench, int(np.ceil(0.3 / rate)))
    # At none, the secretary answers to the coalition that commands the committee.
    assert np.all(bench.state.secretary_patron[:, 3] == sec)
    np.testing.assert_allclose(
        bench.state.secretary_loyalty[:, 3], DEFAULT_PARAMETERS.appointee_loyalty, atol=0.2
    )
    defected = bench.events_of("secretary_defected")
    assert len(defected["run"]) == bench.runs
    assert np.all(defected["actor"] == sec) and np.all(defected["target"] == tribune)
    assert np.all(defected["obj"] == 3)


@pytest.mark.parametrize(
    "variant", ["no desertion", "no appointment mechanism", "no commanding coalition"]
)
def test_a_secretary_stays_loyal_unless_his_patrons_side_is_beaten(
    make_bench: MakeBench, toy_world: World, variant: str
) -> None:
    tribune = idx(toy_world)["tribune"]
    bench = _beaten_machine(
        make_bench,
        toy_world,
        params=Parameters(secretary_desertion=0.0)
        if variant == "no desertion"
        else DEFAULT_PARAMETERS,
        ablate=("appointment",) if variant == "no appointment mechanism" else (),
        commanding=variant != "no commanding coalition",
    )
    _drift(bench, 20)
    assert np.all(bench.state.secretary_patron[:, 3] == tribune)
    assert bench.count("secretary_defected") == 0
    if variant != "no desertion":  # loyalty grows while his side holds
        assert np.all(bench.state.secretary_loyalty[:, 3] > 0.3)


def test_appointment_without_appointment_power_never_succeeds(
    make_bench: MakeBench, toy_world: World
) -> None:
    bench = make_bench(runs=20)
    tribune = idx(toy_world)["tribune"]
    assert bench.powers[:, tribune, POWER["appointment"]].max() == 0
    before = bench.state.secretary_patron.copy()
    for turn in range(5):
        bench.state.turn = turn
        bench.each(appointment.appoint, tribune, 3)
    np.testing.assert_array_equal(bench.state.secretary_patron, before)
    kinds = bench.events()["kind"]
    assert (kinds == KIND_CODE["appointment_failed"]).sum() == 5 * bench.runs
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


def _committee_share(bench: Bench, leader: int) -> np.ndarray:
    size = int(bench.world.full_seats["committee"][bench.t])
    return (bench.state.committee == leader).sum(axis=1) / size


def _hold_congress(bench: Bench, month: str) -> None:
    """The scheduled congress of ``month``, in every run."""
    bench.state.turn = bench.world.turn_of(month)
    effects = bench.world.effects[bench.t]
    assert any(e.effect == "congress" for e in effects), f"no congress in {month}"
    bench.each(congress.hold_congress)


def _congress_with_secretaries(
    make_bench: MakeBench,
    world: World,
    patron: int,
    loyalty: float,
    ablate: tuple[str, ...] = (),
    vacant: bool = True,
) -> Bench:
    """A congress after every regional secretary was made ``patron``'s man at
    ``loyalty``; ``vacant``: every committee seat vacated before it, so the congress
    elects them all (sitting members would be re-elected)."""
    bench = make_bench(runs=60, seed=3, ablate=ablate)
    bench.state.turn = world.turn_of("1951-01")
    bench.state.secretary_patron[:] = patron
    bench.state.secretary_loyalty[:] = loyalty
    if vacant:
        bench.state.committee[:] = EMPTY_SEAT
    bench.refresh()
    _hold_congress(bench, "1951-01")
    return bench


@pytest.mark.parametrize("leader_name", ["tribune", "secretary"])
def test_loyal_delegations_elect_a_loyal_committee(
    make_bench: MakeBench, toy_world: World, leader_name: str
) -> None:
    leader = idx(toy_world)[leader_name]
    loyal = _congress_with_secretaries(make_bench, toy_world, leader, 1.0)
    owing_nobody = _congress_with_secretaries(make_bench, toy_world, NO_PATRON, 0.0)
    loyal_share = _committee_share(loyal, leader)
    free_share = _committee_share(owing_nobody, leader)
    # Paired runs (same seed, same seat draws). Secretaries shape 60% of every
    # delegation, so the leader's mean share must rise by far more than the sampling
    # noise of a 15-seat committee over 60 runs (sd of the mean difference < 0.03).
    assert loyal_share.mean() - free_share.mean() > 0.25
    assert loyal_share.mean() > 0.5
    assert np.mean(loyal_share >= free_share) > 0.9
    assert loyal.count("committee_elected") == 60


def test_the_blocs_sitting_members_are_re_elected(make_bench: MakeBench, toy_world: World) -> None:
    """Nobody stands in a camp yet: every bloc's sitting members keep their seats (3 each
    for the three leaders), while the 6 uncommitted seats are elected anew by
    delegations loyal to the tribune, who gains most of them."""
    ids = idx(toy_world)
    bench = _congress_with_secretaries(make_bench, toy_world, ids["tribune"], 1.0, vacant=False)
    committee = bench.state.committee[:, :15]
    for name in ("secretary", "editor"):
        assert np.all((committee == ids[name]).sum(axis=1) >= 3)
    tribune = (committee == ids["tribune"]).sum(axis=1)
    assert np.all(tribune >= 3)
    assert tribune.mean() > 5.5


@pytest.mark.parametrize("delegates_for", ["secretary", "tribune"])
def test_the_drafters_delegates_strike_the_opposite_camp(
    make_bench: MakeBench, toy_world: World, delegates_for: str
) -> None:
    """The secretary drafts the slate (he holds the agenda) against the tribune, the
    common threat; the editor stands in neither camp. With the delegations loyal to the
    secretary his delegates strike the tribune's 3 seats (drawn again with the 6
    uncommitted, they mostly go to the secretary) and keep the editor's; with the
    delegations loyal to the tribune the drafter has no majority to strike: every bloc
    keeps its seats, and the tribune gains most of the uncommitted."""
    ids = idx(toy_world)
    sec, tribune, editor = ids["secretary"], ids["tribune"], ids["editor"]
    bench = make_bench(runs=60, seed=3)
    s = bench.state
    s.turn = toy_world.turn_of("1951-01")
    s.secretary_patron[:] = ids[delegates_for]
    s.secretary_loyalty[:] = 1.0
    s.camp[:, sec] = 1
    s.camp[:, tribune] = 2
    s.common_threat[:] = tribune
    bench.refresh()
    assert bench.each(congress.drafter) == [sec] * bench.runs
    for r in range(bench.runs):
        shares = congress.delegations(bench.k, r, bench.t)
        congress.elect_committee(bench.k, r, bench.t, shares)
    committee = s.committee[:, :15]
    # Kept (seats drawn again may add to them).
    assert np.all((committee == editor).sum(axis=1) >= 3)
    tribune_seats = (committee == tribune).sum(axis=1)
    if delegates_for == "secretary":
        assert tribune_seats.mean() < 1.5
        assert np.all((committee == sec).sum(axis=1) >= 3)
        assert (committee == sec).sum(axis=1).mean() > 7.5
    else:
        assert np.all(tribune_seats >= 3)
        assert np.all((committee == sec).sum(axis=1) >= 3)
        assert tribune_seats.mean() > 5.5


def test_without_congress_elections_the_committee_is_unchanged(
    make_bench: MakeBench, toy_world: World
) -> None:
    bench = make_bench(runs=20, seed=3, ablate=("congress_elections",))
    bench.state.turn = toy_world.turn_of("1951-01")
    bench.state.secretary_patron[:] = idx(toy_world)["tribune"]
    bench.state.secretary_loyalty[:] = 1.0
    bench.refresh()
    before = bench.state.committee.copy()
    _hold_congress(bench, "1951-01")
    np.testing.assert_array_equal(bench.state.committee, before)
    assert bench.count("committee_elected") == 0


def test_without_congress_elections_a_larger_committee_adds_only_uncommitted_seats(
    make_bench: MakeBench, toy_world: World
) -> None:
    bench = make_bench(runs=5, ablate=("congress_elections",))
    old_size = int(toy_world.full_seats["committee"][0])
    new_size = int(toy_world.full_seats["committee"][toy_world.turn_of("1952-01")])
    assert new_size > old_size  # the toy's committee grows at the second congress
    before = bench.state.committee.copy()
    _hold_congress(bench, "1952-01")
    after = bench.state.committee
    np.testing.assert_array_equal(after[:, :old_size], before[:, :old_size])
    assert np.all(after[:, old_size:new_size] == NO_PATRON)
    assert np.all(after[:, new_size:] == EMPTY_SEAT)


# --- recruitment -------------------------------------------------------------------------


def _run_drive(bench: Bench, members: float, months: int) -> None:
    cohort = bench.world.cohort_ids.index("recruits")
    bench.each(recruitment.start_drive, cohort, float(members), months)
    for _ in range(months + 2):  # two extra months: a finished drive adds nothing
        bench.each(recruitment.run_drives)
        bench.refresh()


def test_recruitment_drive_adds_members_owing_the_machine(
    make_bench: MakeBench, toy_world: World
) -> None:
    bench = make_bench(runs=4)
    recruits = toy_world.cohort_ids.index("recruits")
    before = bench.state.members[:, :, recruits].sum(axis=1)
    assert np.all(bench.state.intake_share == 0)  # the starting recruits owe nobody
    _run_drive(bench, 30_000, 4)
    added = bench.state.members[:, :, recruits].sum(axis=1) - before
    np.testing.assert_allclose(added, 30_000)
    sec = idx(toy_world)["secretary"]  # the only holder of recruitment power
    owing = bench.state.intake_share  # (R, G, L)
    assert np.all(owing[:, :, sec] > 0)  # in every region, not only his own
    # The machine is owed more of the intake than any other bloc, in every run.
    members = bench.state.members[:, :, recruits]
    owed_by_bloc = (owing * members[:, :, None]).sum(axis=1)  # (R, L)
    assert np.all(owed_by_bloc.argmax(axis=1) == sec)
    assert np.all(owing.sum(axis=2) <= 1.0 + 1e-12)


def test_without_recruitment_new_members_owe_nobody(
    make_bench: MakeBench, toy_world: World
) -> None:
    bench = make_bench(runs=4, ablate=("recruitment",))
    recruits = toy_world.cohort_ids.index("recruits")
    before = bench.state.members[:, :, recruits].sum(axis=1)
    _run_drive(bench, 30_000, 4)
    np.testing.assert_allclose(bench.state.members[:, :, recruits].sum(axis=1) - before, 30_000)
    assert np.all(bench.state.intake_share == 0)


def test_recruitment_ablated_in_a_full_run(toy: Scenario) -> None:
    on = simulate(toy, seed=2, runs=10, record_events=False)
    off = simulate(toy, seed=2, runs=10, ablate=["recruitment"], record_events=False)
    assert on.state.intake_share.sum() > 0
    assert np.all(off.state.intake_share == 0)
