"""Random streams and reproducibility.

RNG: values in [0, 1) with the moments of a uniform distribution, distinct streams,
months and runs give unrelated numbers, and a run's numbers do not depend on its batch.
Simulation: the same seed reproduces a batch exactly, run k of a batch is run k alone,
different seeds differ.
"""

from __future__ import annotations

import re
from dataclasses import fields, replace
from pathlib import Path

import numpy as np
import pytest

import politburo.kernel
from politburo.model.rng import Stream, run_keys, uniform
from politburo.model.state import State
from politburo.scenario import Scenario
from politburo.simulation import BatchResult, simulate

# --- the random streams ------------------------------------------------------------------

N_RUNS = 2000
WIDTH = 100
N = N_RUNS * WIDTH  # 200,000 draws


@pytest.fixture(scope="module")
def draws() -> np.ndarray:
    keys = run_keys(7, np.arange(N_RUNS, dtype=np.int64))
    return uniform(keys, 3, Stream.VOTE_SEATS, (WIDTH,))


def test_uniform_shape_and_range(draws: np.ndarray) -> None:
    assert draws.shape == (N_RUNS, WIDTH)
    assert draws.dtype == np.float64
    assert draws.min() >= 0.0
    assert draws.max() < 1.0


def test_uniform_moments(draws: np.ndarray) -> None:
    # Mean 1/2 (sd 1/sqrt(12 N) ~ 0.00065), variance 1/12 (sd of the sample variance
    # sqrt((1/80 - 1/144) / N) ~ 0.00017): tolerances are 6 standard errors.
    assert abs(draws.mean() - 0.5) < 6 * np.sqrt(1 / 12 / N)
    assert abs(draws.var() - 1 / 12) < 6 * np.sqrt((1 / 80 - 1 / 144) / N)


def test_uniform_fills_every_decile(draws: np.ndarray) -> None:
    counts = np.histogram(draws, bins=10, range=(0.0, 1.0))[0]
    expected = N / 10
    sd = np.sqrt(N * 0.1 * 0.9)
    assert np.all(np.abs(counts - expected) < 6 * sd)


def _correlation(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.corrcoef(a.ravel(), b.ravel())[0, 1])


def test_streams_months_and_runs_give_unrelated_numbers(draws: np.ndarray) -> None:
    keys = run_keys(7, np.arange(N_RUNS, dtype=np.int64))
    other_stream = uniform(keys, 3, Stream.DEFECTION, (WIDTH,))
    other_month = uniform(keys, 4, Stream.VOTE_SEATS, (WIDTH,))
    other_seed = uniform(
        run_keys(8, np.arange(N_RUNS, dtype=np.int64)), 3, Stream.VOTE_SEATS, (WIDTH,)
    )
    # |r| of independent samples has sd 1/sqrt(N); 6 sd is ~0.013.
    bound = 6 / np.sqrt(N)
    for other in (other_stream, other_month, other_seed):
        assert not np.array_equal(other, draws)
        assert abs(_correlation(other, draws)) < bound
    # Neighbouring runs are unrelated, and so are neighbouring elements of one run.
    assert abs(_correlation(draws[:-1], draws[1:])) < bound
    assert abs(_correlation(draws[:, :-1], draws[:, 1:])) < bound


def test_run_keys_are_distinct_and_seeded() -> None:
    keys = run_keys(0, np.arange(10_000, dtype=np.int64))
    assert np.unique(keys).size == keys.size
    assert not np.array_equal(keys, run_keys(1, np.arange(10_000, dtype=np.int64)))
    np.testing.assert_array_equal(keys, run_keys(0, np.arange(10_000, dtype=np.int64)))


@pytest.mark.parametrize("k", [0, 5, 999])
def test_run_k_draws_the_same_alone_or_in_a_batch(k: int) -> None:
    batch_keys = run_keys(42, np.arange(1000, dtype=np.int64))
    alone_keys = run_keys(42, np.array([k], dtype=np.int64))
    assert alone_keys[0] == batch_keys[k]
    in_batch = uniform(batch_keys, 17, Stream.APPOINTMENT, (4, 3))[k]
    alone = uniform(alone_keys, 17, Stream.APPOINTMENT, (4, 3))[0]
    np.testing.assert_array_equal(in_batch, alone)
    # A batch of other runs in another order.
    subset = np.array([999, k, 3], dtype=np.int64)
    np.testing.assert_array_equal(
        uniform(run_keys(42, subset), 17, Stream.APPOINTMENT, (4, 3))[1], alone
    )


def test_scalar_draw_shape() -> None:
    keys = run_keys(0, np.arange(5, dtype=np.int64))
    assert uniform(keys, 0, Stream.ALLIANCE).shape == (5,)


def test_each_stream_is_drawn_at_one_place_only() -> None:
    # The compiled rules name each stream once (a module constant that the one rule
    # drawing from it uses); two places naming the same stream would draw the same numbers.
    kernel = Path(politburo.kernel.__file__).parent
    sites: dict[str, list[str]] = {stream.name: [] for stream in Stream}
    for path in sorted(kernel.glob("*.py")):
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            for name in re.findall(r"\bStream\.([A-Z_]+)", line.split("#")[0]):
                sites[name].append(f"{path.name}:{number}")
    assert {name: where for name, where in sites.items() if len(where) != 1} == {}


# --- reproducible simulations --------------------------------------------------------------


def _state_fields(state: State) -> list[str]:
    return [f.name for f in fields(state) if f.name != "turn"]


def assert_states_equal(a: State, b: State) -> None:
    assert a.turn == b.turn
    for name in _state_fields(a):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)


def assert_events_equal(a: BatchResult, b: BatchResult) -> None:
    ea, eb = a.log.arrays(), b.log.arrays()
    assert ea.keys() == eb.keys()
    for name in ea:
        np.testing.assert_array_equal(ea[name], eb[name], err_msg=name)


@pytest.fixture(scope="module")
def toy_batch(toy: Scenario) -> BatchResult:
    return simulate(toy, seed=11, runs=10)


def test_same_seed_same_batch(toy: Scenario, toy_batch: BatchResult) -> None:
    again = simulate(toy, seed=11, runs=10)
    assert toy_batch.log.arrays()["run"].size > 100  # plenty of events to compare
    assert_states_equal(toy_batch.state, again.state)
    assert_events_equal(toy_batch, again)
    np.testing.assert_array_equal(toy_batch.power, again.power)


def test_different_seeds_differ(toy: Scenario, toy_batch: BatchResult) -> None:
    other = simulate(toy, seed=12, runs=10)
    ea, eb = toy_batch.log.arrays(), other.log.arrays()
    same_events = ea["run"].size == eb["run"].size and all(
        np.array_equal(ea[k], eb[k]) for k in ("turn", "kind", "actor", "target", "obj")
    )
    assert not same_events
    assert not np.array_equal(toy_batch.power, other.power)
    assert not np.array_equal(toy_batch.state.keys, other.state.keys)


def _assert_run_matches(batch: BatchResult, position: int, alone: BatchResult) -> None:
    """Run at ``position`` of ``batch`` equals the single run ``alone`` (position 0)."""
    assert alone.state.n_runs == 1
    assert int(alone.runs[0]) == int(batch.runs[position])
    assert_states_equal(batch.state.select(np.array([position])), alone.state)
    np.testing.assert_array_equal(batch.power[:, position], alone.power[:, 0])
    in_batch = batch.log.for_run(position)
    single = alone.log.for_run(0)
    assert len(in_batch) == len(single) > 0
    for x, y in zip(in_batch, single, strict=True):
        one = replace(x, run=0).to_json()  # the 'run' column is the position in the batch
        other = y.to_json()
        assert one.keys() == other.keys()
        for key in one:
            if key == "value" and np.isnan(one[key]):
                assert np.isnan(other[key])
            else:
                assert one[key] == other[key], (key, one, other)
    assert batch.outcome(position) == alone.outcome(0)


@pytest.mark.parametrize("k", [0, 4, 9])
def test_toy_run_k_alone_equals_run_k_in_batch(
    toy: Scenario, toy_batch: BatchResult, k: int
) -> None:
    alone = simulate(toy, seed=11, runs=[k])
    _assert_run_matches(toy_batch, k, alone)


def test_toy_run_in_a_reordered_sub_batch(toy: Scenario, toy_batch: BatchResult) -> None:
    sub = simulate(toy, seed=11, runs=[9, 2, 5])
    for position, k in enumerate([9, 2, 5]):
        alone = simulate(toy, seed=11, runs=[k])
        _assert_run_matches(sub, position, alone)
        assert_states_equal(
            sub.state.select(np.array([position])), toy_batch.state.select(np.array([k]))
        )


def test_ussr_run_k_alone_equals_run_k_in_batch(ussr: Scenario) -> None:
    batch = simulate(ussr, seed=5, runs=[0, 1, 2, 3, 4, 5])
    for k in (1, 4):
        alone = simulate(ussr, seed=5, runs=[k])
        _assert_run_matches(batch, k, alone)
