"""The reference scenario in bulk: 200 runs reach the end with well-formed outcomes, and
the winner is not scripted - swapping Stalin's and Trotsky's situations (offices,
traits, prestige, clients) moves the winner distribution.

No test here says who wins ussr-1922; outcomes must emerge.
"""

from __future__ import annotations

from math import sqrt
from typing import Any

import numpy as np
import pytest

from politburo.scenario import Scenario, month_index
from politburo.scenario.references import check_references
from politburo.simulation import BatchResult, simulate

RUNS = 200
SEED = 0
SWAP_RUNS = 100


@pytest.fixture(scope="module")
def batch(ussr: Scenario) -> BatchResult:
    return simulate(ussr, seed=SEED, runs=range(RUNS), record_events=False)


def test_every_run_reaches_the_end(batch: BatchResult) -> None:
    world, s = batch.world, batch.state
    assert s.n_runs == RUNS
    np.testing.assert_array_equal(s.runs, np.arange(RUNS))
    assert s.turn == world.months
    assert world.months == month_index("1930-12") - month_index("1922-04") + 1
    assert batch.power.shape == (world.months, RUNS, world.n_leaders)
    assert np.isfinite(batch.power).all()
    assert (batch.power >= -1e-6).all()
    # Real power is a weighted mean of two normalized indices: at most 1 in all.
    assert (batch.power.sum(axis=2) <= 1 + 1e-5).all()


def test_winners_are_leaders_or_none(batch: BatchResult) -> None:
    world, s = batch.world, batch.state
    assert np.all((s.winner >= -1) & (s.winner < world.n_leaders))
    for position in range(RUNS):
        result = batch.outcome(position)
        assert result.winner is None or result.winner in world.leader_ids
        assert (result.winner is None) == (result.month is None)


def test_consolidation_months_lie_in_the_calendar(batch: BatchResult) -> None:
    world, s = batch.world, batch.state
    won = s.winner >= 0
    np.testing.assert_array_equal(s.consolidated >= 0, won)
    assert np.all((s.consolidated[won] >= 0) & (s.consolidated[won] < world.months))
    start, end = world.scenario.calendar.start, world.scenario.calendar.end
    for position in np.flatnonzero(won):
        month = batch.outcome(int(position)).month
        assert month is not None
        assert month_index(start) <= month_index(month) <= month_index(end)


def test_a_winner_was_in_the_party_when_he_consolidated(batch: BatchResult) -> None:
    s = batch.state
    for position in np.flatnonzero(s.winner >= 0):
        winner, month = s.winner[position], s.consolidated[position]
        expelled = s.expelled[position, winner]
        exiled = s.exiled_at[position, winner]
        assert expelled < 0 or expelled > month
        assert exiled < 0 or exiled > month


def test_elimination_records_are_ordered(batch: BatchResult) -> None:
    world, s = batch.world, batch.state
    for name in ("lost_seat", "expelled", "exiled_at", "lost_office"):
        value = getattr(s, name)
        assert np.all((value >= -1) & (value < world.months)), name
    both = (s.expelled >= 0) & (s.exiled_at >= 0)
    assert np.all(s.expelled[both] <= s.exiled_at[both])
    # Exile takes a man out of the party: every exile has an expulsion month.
    assert np.all(s.expelled[s.exiled_at >= 0] >= 0)
    assert np.all(s.exiled[s.exiled_at >= 0])


def test_scheduled_deaths_happen_in_every_run(batch: BatchResult) -> None:
    world, s = batch.world, batch.state
    died = {
        eff.leader
        for event in world.scenario.events
        for eff in event.effects
        if eff.effect == "death"
    }
    assert {"lenin", "frunze", "dzerzhinsky"} <= died
    for name in died:
        assert not s.alive[:, world.leader(name)].any(), name


# --- no scripted winner ---------------------------------------------------------------------

SITUATION = ("tenures", "traits", "prestige", "patron")
WHOLE_PERSON = (*SITUATION, "stigma", "positions")


def swap_leaders(
    scenario: Scenario, a: str, b: str, fields: tuple[str, ...] = SITUATION, events: bool = False
) -> Scenario:
    """The scenario with leaders ``a`` and ``b`` exchanging ``fields`` and every patron
    relation naming them (their clients, regional secretaries, committee seats); with
    ``events`` also their parts in scheduled events (funeral orator or absentee, the
    Testament's judgements). Ids and names stay."""
    data: dict[str, Any] = scenario.model_dump(by_alias=True)
    swap = {a: b, b: a}

    def swapped(name: str) -> str:
        return swap.get(name, name)

    leaders = {leader["id"]: leader for leader in data["leaders"]}
    for field in fields:
        leaders[a][field], leaders[b][field] = leaders[b][field], leaders[a][field]
    for leader in data["leaders"]:
        if leader["patron"] is not None:
            leader["patron"]["leader"] = swapped(leader["patron"]["leader"])
    for region in data["regions"]:
        region["secretary"]["patron"] = swapped(region["secretary"]["patron"])
    for body in data["bodies"]:
        if body["composition"] is not None:
            seats = body["composition"]["seats"]
            body["composition"]["seats"] = {swapped(k): v for k, v in seats.items()}
    if events:
        for event in data["events"]:
            for effect in event["effects"]:
                for key in ("leader", "of", "target"):
                    if key in effect:
                        effect[key] = swapped(effect[key])
                for key in ("orators", "absent"):
                    if key in effect:
                        effect[key] = [swapped(x) for x in effect[key]]
                if "about" in effect:
                    effect["about"] = {swapped(k): v for k, v in effect["about"].items()}
    return Scenario.model_validate(data)


def test_swap_exchanges_the_two_situations(ussr: Scenario) -> None:
    swapped = swap_leaders(ussr, "stalin", "trotsky")
    assert check_references(swapped) == []
    old = {leader.id: leader for leader in ussr.leaders}
    new = {leader.id: leader for leader in swapped.leaders}
    assert new["stalin"].traits == old["trotsky"].traits
    assert new["trotsky"].traits == old["stalin"].traits
    assert new["trotsky"].prestige == old["stalin"].prestige
    assert "general_secretary" in {t.office for t in new["trotsky"].tenures}
    assert "general_secretary" not in {t.office for t in new["stalin"].tenures}
    assert new["molotov"].patron is not None and new["molotov"].patron.leader == "trotsky"
    assert new["stalin"].stigma == old["stalin"].stigma  # the man keeps his past here
    whole = swap_leaders(ussr, "stalin", "trotsky", WHOLE_PERSON, events=True)
    assert check_references(whole) == []
    funeral = next(e for e in whole.events for f in e.effects if f.effect == "funeral")
    assert [f.orators for f in funeral.effects] == [["trotsky"]]


def reorder_leaders(scenario: Scenario, a: str, b: str) -> Scenario:
    """The same scenario with the entries of ``a`` and ``b`` exchanged in the leaders
    list: nothing about the regime changes, only the order of the file."""
    data: dict[str, Any] = scenario.model_dump(by_alias=True)
    ids = [leader["id"] for leader in data["leaders"]]
    i, j = ids.index(a), ids.index(b)
    data["leaders"][i], data["leaders"][j] = data["leaders"][j], data["leaders"][i]
    return Scenario.model_validate(data)


def _wins(result: BatchResult, name: str) -> int:
    return int((result.state.winner == result.world.leader(name)).sum())


def _z(successes_a: int, successes_b: int, n: int) -> float:
    """Two-proportion z statistic for (a - b) with n trials each (pooled variance)."""
    pooled = (successes_a + successes_b) / (2 * n)
    var = pooled * (1 - pooled) * 2 / n
    return 0.0 if var == 0 else (successes_a - successes_b) / n / sqrt(var)


def _mean_power(result: BatchResult, name: str) -> np.ndarray:
    """(runs,) a leader's real power averaged over the months of each run."""
    return result.power[:, :, result.world.leader(name)].astype(np.float64).mean(axis=0)


def _paired_t(after: np.ndarray, before: np.ndarray) -> float:
    """Paired t statistic of after - before (runs share their random streams)."""
    diff = after - before
    sd = diff.std(ddof=1)
    return 0.0 if sd == 0 else float(diff.mean() / (sd / sqrt(diff.size)))


@pytest.fixture(scope="module")
def baseline(batch: BatchResult) -> BatchResult:
    """Runs 0-99 of the 200-run batch. Run k does not depend on its batch
    (test_determinism), so this is the same as simulating runs 0-99 alone."""
    return _first(batch, SWAP_RUNS)


def _first(batch: BatchResult, n: int) -> BatchResult:
    return BatchResult(
        batch.world,
        batch.seed,
        batch.state.select(np.arange(n)),
        batch.log,
        batch.power[:, :n],
        batch.mechanisms,
    )


def test_stalins_chances_go_with_his_machine(ussr: Scenario, baseline: BatchResult) -> None:
    """Give Trotsky Stalin's offices, traits, prestige and clients, and Stalin Trotsky's.
    Baseline and swap share their random streams (seed 0, runs 0-99).

    Tolerances: with 100 runs a side the standard error of a difference of two win
    proportions is at most 0.071; Stalin's share of wins must fall with a two-proportion
    z above 3 (one-sided p < 0.0014). Real power (the Banzhaf index of the bloc,
    averaged over the months of a run) is compared run by run: Stalin's must fall and
    Trotsky's rise by at least 0.2 on average, with a paired t above 5.
    """
    swapped = simulate(
        swap_leaders(ussr, "stalin", "trotsky"),
        seed=SEED,
        runs=range(SWAP_RUNS),
        record_events=False,
    )
    np.testing.assert_array_equal(baseline.runs, swapped.runs)
    before, after = _wins(baseline, "stalin"), _wins(swapped, "stalin")
    report = f"stalin wins {before} -> {after} of {SWAP_RUNS}"
    assert _z(before, after, SWAP_RUNS) > 3, report
    assert after < before, report

    stalin_before, stalin_after = _mean_power(baseline, "stalin"), _mean_power(swapped, "stalin")
    trotsky_before, trotsky_after = (
        _mean_power(baseline, "trotsky"),
        _mean_power(swapped, "trotsky"),
    )
    assert stalin_before.mean() - stalin_after.mean() >= 0.2
    assert _paired_t(stalin_after, stalin_before) < -5
    assert trotsky_after.mean() - trotsky_before.mean() >= 0.2
    assert _paired_t(trotsky_after, trotsky_before) > 5


def test_the_engine_never_reads_a_leaders_name(ussr: Scenario, baseline: BatchResult) -> None:
    """Exchange everything about Stalin and Trotsky - situation, stigma, positions,
    parts in the scheduled events - and their places in the list: the result is the
    reference scenario with the two names exchanged, so every run must come out exactly
    the same, with Trotsky winning wherever Stalin did."""
    n = 20
    relabelled = reorder_leaders(
        swap_leaders(ussr, "stalin", "trotsky", WHOLE_PERSON, events=True), "stalin", "trotsky"
    )
    result = simulate(relabelled, seed=SEED, runs=range(n), record_events=False)
    base = _first(baseline, n)
    stalin, trotsky = base.world.leader("stalin"), base.world.leader("trotsky")
    # The entries changed places: index by index, the facts are the reference ones.
    assert (result.world.leader("trotsky"), result.world.leader("stalin")) == (stalin, trotsky)
    np.testing.assert_array_equal(result.state.winner, base.state.winner)
    np.testing.assert_array_equal(result.state.consolidated, base.state.consolidated)
    np.testing.assert_array_equal(result.power, base.power)
    rename = {"stalin": "trotsky", "trotsky": "stalin"}
    for k in range(n):
        before, after = base.outcome(k).winner, result.outcome(k).winner
        assert after == (rename.get(before, before) if before is not None else None)


def test_the_order_of_the_leaders_list_does_not_decide_outcomes(
    ussr: Scenario, baseline: BatchResult
) -> None:
    """Reordering the list is no change to the regime. Runs are paired by seed and run
    index, but each leader's random numbers follow his list index, so a correct engine
    still differs run by run: the differences must be noise. Tolerances: two-proportion
    |z| < 3 on consolidations by each of the two; paired |t| < 4 on each one's real power
    averaged over a run (100 runs)."""
    reordered = simulate(
        reorder_leaders(ussr, "stalin", "trotsky"),
        seed=SEED,
        runs=range(SWAP_RUNS),
        record_events=False,
    )
    for name in ("stalin", "trotsky"):
        wins_base, wins_reordered = _wins(baseline, name), _wins(reordered, name)
        assert abs(_z(wins_reordered, wins_base, SWAP_RUNS)) < 3, (name, wins_base, wins_reordered)
        t = _paired_t(_mean_power(reordered, name), _mean_power(baseline, name))
        assert abs(t) < 4, (name, t)
