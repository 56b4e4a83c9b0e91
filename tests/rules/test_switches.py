"""Every mechanism can be switched off: unknown names are refused, the named ones (and
only they) go, and a run without any one of them still reaches its end with sane power
and outcomes."""

from __future__ import annotations

import numpy as np
import pytest

from politburo.mechanisms import MECHANISMS, UnknownMechanismError, enabled_mechanisms
from politburo.scenario import Scenario
from politburo.simulation import BatchResult, simulate


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
        winner = result.outcome(position).winner
        assert winner is None or winner in world.leader_ids


@pytest.fixture(scope="module")
def toy_baseline(toy: Scenario) -> BatchResult:
    return simulate(toy, seed=0, runs=4)


@pytest.fixture(scope="module")
def ussr_baseline(ussr: Scenario) -> BatchResult:
    return simulate(ussr, seed=0, runs=2, record_events=False)


def _differs(ablated: BatchResult, baseline: BatchResult) -> bool:
    """The same seeds ran otherwise: the switch was honoured, not ignored."""
    return not np.array_equal(ablated.power, baseline.power)


@pytest.mark.parametrize("mechanism", list(MECHANISMS))
def test_each_mechanism_can_be_ablated_toy(
    toy: Scenario, toy_baseline: BatchResult, mechanism: str
) -> None:
    ablated = simulate(toy, seed=0, runs=4, ablate=[mechanism])
    _ran_to_the_end(ablated, mechanism)
    assert _differs(ablated, toy_baseline), f"ablating {mechanism} changed nothing"


@pytest.mark.parametrize("mechanism", list(MECHANISMS))
def test_each_mechanism_can_be_ablated_ussr(
    ussr: Scenario, ussr_baseline: BatchResult, mechanism: str
) -> None:
    ablated = simulate(ussr, seed=0, runs=2, ablate=[mechanism], record_events=False)
    _ran_to_the_end(ablated, mechanism)
    assert _differs(ablated, ussr_baseline), f"ablating {mechanism} changed nothing"
