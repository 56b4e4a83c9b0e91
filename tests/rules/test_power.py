"""Power, measured: the compiled normalized Banzhaf index against hand-computed games and
a brute-force count of every coalition; the simple-majority quota; and real power, the
index of each bloc in the leadership and the committee, on hand-set toy states."""

from __future__ import annotations

from itertools import product

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from politburo.kernel.month import measure_power
from politburo.kernel.numeric import banzhaf
from politburo.model.params import Parameters
from politburo.model.state import NO_PATRON
from politburo.model.world import SEAT_NONE, World

from .bench import P, idx
from .conftest import MakeBench


def brute_force_banzhaf(weights: list[int], quota: int) -> np.ndarray:
    """Count, for every coalition of the others, whether each player turns it from
    losing to winning; normalize the swing counts."""
    n = len(weights)
    swings = np.zeros(n)
    for members in product((0, 1), repeat=n):
        total = sum(w for w, m in zip(weights, members, strict=True) if m)
        if total < quota:
            continue
        for p in range(n):
            if members[p] and total - weights[p] < quota:
                swings[p] += 1
    s = swings.sum()
    return swings / s if s > 0 else swings


def majority(total: int) -> int:
    """Votes for a simple majority of ``total``: more than half."""
    return total // 2 + 1


def one(weights: list[int] | np.ndarray, quota: int, out: np.ndarray | None = None) -> np.ndarray:
    """The kernel's index of one game (into ``out`` if given)."""
    w = np.array(weights, dtype=np.int64)
    if out is None:
        out = np.full(w.shape[0], np.nan)
    banzhaf(w, int(quota), out)
    return out


@pytest.mark.parametrize(
    ("weights", "quota", "expected"),
    [
        # A with 2 swings in AB, AC, ABC; B only in AB; C only in AC: 3 + 1 + 1 = 5 swings.
        ([2, 1, 1], 3, [0.6, 0.2, 0.2]),
        # Simple majority of three equals: each pivotal in two of the pairs.
        ([1, 1, 1], 2, [1 / 3, 1 / 3, 1 / 3]),
        # Unanimity: everyone pivotal in the grand coalition only.
        ([1, 1, 1], 3, [1 / 3, 1 / 3, 1 / 3]),
        # Dictator: A alone reaches the quota and B, C never swing.
        ([5, 1, 1], 4, [1.0, 0.0, 0.0]),
        # Dummy with weight: B has a vote but A wins alone and AB without B still wins.
        ([3, 1], 3, [1.0, 0.0]),
        # A zero-weight player is a dummy and changes nobody else's share.
        ([2, 1, 1, 0], 3, [0.6, 0.2, 0.2, 0.0]),
        # Winning: AB(6), AC(5), ABC(7). A swings in all three; B only in AB (ABC
        # without B is AC = 5, still winning); C only in AC.
        ([4, 2, 1], 5, [0.6, 0.2, 0.2]),
    ],
)
def test_hand_computed_games(weights: list[int], quota: int, expected: list[float]) -> None:
    np.testing.assert_allclose(one(weights, quota), expected, atol=1e-12)


def test_unreachable_quota_gives_zeros() -> None:
    np.testing.assert_array_equal(one([1, 1, 1], 4), [0.0, 0.0, 0.0])


def test_nobody_with_votes_gives_zeros() -> None:
    np.testing.assert_array_equal(one([0, 0, 0], 1), [0.0, 0.0, 0.0])


def test_games_are_independent_when_computed_one_after_another() -> None:
    """Runs are independent games: computing them in turn into one output buffer leaves
    nothing of the previous game in the next."""
    weights = np.array([[2, 1, 1], [1, 1, 1], [5, 1, 1], [3, 1, 0], [0, 0, 4]], dtype=np.int64)
    quota = np.array([3, 2, 4, 3, 3], dtype=np.int64)
    out = np.full(3, 7.0)
    for r in range(len(weights)):
        got = one(weights[r], int(quota[r]), out).copy()
        np.testing.assert_allclose(got, one(list(weights[r]), int(quota[r])), atol=1e-12)
        np.testing.assert_allclose(
            got, brute_force_banzhaf(list(weights[r]), int(quota[r])), atol=1e-12
        )


@settings(max_examples=150, deadline=None, derandomize=True, database=None)
@given(
    games=st.lists(
        st.tuples(
            st.lists(st.integers(0, 7), min_size=6, max_size=6),
            st.floats(0.0, 1.1),
        ),
        min_size=1,
        max_size=5,
    ),
    players=st.integers(1, 6),
)
def test_matches_brute_force_on_random_games(
    games: list[tuple[list[int], float]], players: int
) -> None:
    """Several random games of the same width."""
    weights = np.array([w[:players] for w, _ in games], dtype=np.int64)
    # Quotas from 1 to a little above the total (unreachable quotas included).
    fractions = np.array([frac for _, frac in games])
    quota = np.maximum(1, np.rint(fractions * (weights.sum(axis=1) + 1))).astype(np.int64)
    for r in range(len(games)):
        result = one(weights[r], int(quota[r]))
        assert result.shape == weights[r].shape
        expected = brute_force_banzhaf(weights[r].tolist(), int(quota[r]))
        np.testing.assert_allclose(result, expected, atol=1e-12)
        total = result.sum()
        assert total == pytest.approx(1.0) or total == 0.0


def test_seeded_random_games_match_brute_force() -> None:
    rng = np.random.default_rng(20240601)
    R, n = 40, 7
    weights = rng.integers(0, 9, size=(R, n))
    for r in range(R):
        quota = majority(int(weights[r].sum()))
        result = one(weights[r], quota)
        np.testing.assert_allclose(
            result, brute_force_banzhaf(weights[r].tolist(), quota), atol=1e-12
        )
        # Equal weights get equal power in every game.
        for w in np.unique(weights[r]):
            same = result[weights[r] == w]
            np.testing.assert_allclose(same, same[0], atol=1e-12)


# --- real power --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("seats", "expected"),
    [
        # 7 committed seats: a majority is 4. Every pair of blocs reaches it, no bloc
        # alone: each is pivotal in two pairs. (With 3, the 3-seat bloc would win alone:
        # 0.6, 0.2, 0.2; with 5, it would be pivotal in all three coalitions: the same.)
        ((3, 2, 2), [1 / 3, 1 / 3, 1 / 3]),
        # 4 of 7 is a majority: the bloc rules alone (a quota of 5 would split it 0.5/0.5).
        ((4, 3, 0), [1.0, 0.0, 0.0]),
        # 5 of 10 is not: the two blocs need each other.
        ((5, 5, 0), [0.5, 0.5, 0.0]),
        # 6 of 10 is.
        ((6, 4, 0), [1.0, 0.0, 0.0]),
    ],
)
def test_a_bloc_needs_more_than_half_of_the_committed_votes(
    make_bench: MakeBench, toy_world: World, seats: tuple[int, int, int], expected: list[float]
) -> None:
    ids = idx(toy_world)
    order = [ids["secretary"], ids["tribune"], ids["editor"]]
    # The committee alone counts; its uncommitted seats are split evenly (ignored).
    bench = make_bench(runs=2, params=Parameters(leadership_power_weight=0.0))
    s = bench.state
    owners = [leader for leader, n in zip(order, seats, strict=True) for _ in range(n)]
    s.committee[:, :15] = owners + [NO_PATRON] * (15 - len(owners))
    bench.each(measure_power)
    np.testing.assert_array_equal(bench.committee_votes[:, order], [seats] * 2)
    np.testing.assert_allclose(s.real_power[:, order], [expected] * 2, atol=1e-12)


def test_a_bloc_with_both_majorities_has_all_the_power(
    make_bench: MakeBench, toy_world: World
) -> None:
    ids = idx(toy_world)
    sec, tribune, editor = ids["secretary"], ids["tribune"], ids["editor"]
    bench = make_bench(runs=2)
    # The editor becomes the secretary's client: his full seat and his three committee
    # seats now count for the secretary's bloc (2 of 3 full seats, 6 of 9 committed).
    bench.state.patron[:, editor] = sec
    bench.each(measure_power)
    assert np.all(bench.leadership_votes[:, sec] == 2)
    assert np.all(bench.committee_votes[:, sec] == 6)
    np.testing.assert_allclose(bench.state.real_power[:, sec], 1.0)
    np.testing.assert_allclose(bench.state.real_power[:, [tribune, editor]], 0.0)


def test_two_equal_blocs_split_power_evenly(make_bench: MakeBench, toy_world: World) -> None:
    ids = idx(toy_world)
    sec, tribune, editor = ids["secretary"], ids["tribune"], ids["editor"]
    bench = make_bench(runs=2)
    s = bench.state
    s.seat[:, editor] = SEAT_NONE
    s.committee[:, :15] = [sec] * 5 + [tribune] * 5 + [NO_PATRON] * 5
    bench.each(measure_power)
    np.testing.assert_allclose(s.real_power[:, [sec, tribune]], 0.5)
    np.testing.assert_allclose(s.real_power[:, editor], 0.0)


@pytest.mark.parametrize("weight", [P.leadership_power_weight, 0.8])
def test_split_majorities_weigh_the_bodies_by_leadership_power_weight(
    make_bench: MakeBench, toy_world: World, weight: float
) -> None:
    ids = idx(toy_world)
    sec, tribune, editor = ids["secretary"], ids["tribune"], ids["editor"]
    bench = make_bench(runs=2, params=Parameters(leadership_power_weight=weight))
    s = bench.state
    s.patron[:, editor] = sec  # the secretary's bloc: 2 of 3 full seats
    s.committee[:, :15] = [tribune] * 10 + [editor] * 2 + [NO_PATRON] * 3  # tribune: 10 of 12
    bench.each(measure_power)
    np.testing.assert_allclose(s.real_power[:, sec], weight)
    np.testing.assert_allclose(s.real_power[:, tribune], 1.0 - weight)
    np.testing.assert_allclose(s.real_power.sum(axis=1), 1.0)
