"""Power, measured: the normalized Banzhaf index against hand-computed games and a
brute-force count of every coalition."""

from __future__ import annotations

from itertools import product

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from politburo.model.power import banzhaf, majority_quota


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


def one(weights: list[int], quota: int) -> np.ndarray:
    return banzhaf(np.array([weights], dtype=np.int64), np.array([quota], dtype=np.int64))[0]


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


def test_runs_are_independent_games_in_one_batch() -> None:
    weights = np.array([[2, 1, 1], [1, 1, 1], [5, 1, 1], [3, 1, 0], [0, 0, 4]], dtype=np.int64)
    quota = np.array([3, 2, 4, 3, 3], dtype=np.int64)
    batched = banzhaf(weights, quota)
    for r in range(len(weights)):
        np.testing.assert_allclose(batched[r], one(list(weights[r]), int(quota[r])), atol=1e-12)
        np.testing.assert_allclose(
            batched[r], brute_force_banzhaf(list(weights[r]), int(quota[r])), atol=1e-12
        )


def test_majority_quota() -> None:
    np.testing.assert_array_equal(majority_quota(np.array([1, 2, 7, 10])), [1, 2, 4, 6])


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
    """Several random games of the same width, computed in one batch."""
    weights = np.array([w[:players] for w, _ in games], dtype=np.int64)
    # Quotas from 1 to a little above the total (unreachable quotas included).
    fractions = np.array([frac for _, frac in games])
    quota = np.maximum(1, np.rint(fractions * (weights.sum(axis=1) + 1))).astype(np.int64)
    result = banzhaf(weights, quota)
    assert result.shape == weights.shape
    for r in range(len(games)):
        expected = brute_force_banzhaf(weights[r].tolist(), int(quota[r]))
        np.testing.assert_allclose(result[r], expected, atol=1e-12)
        total = result[r].sum()
        assert total == pytest.approx(1.0) or total == 0.0


def test_seeded_random_batch_matches_brute_force() -> None:
    rng = np.random.default_rng(20240601)
    R, P = 40, 7
    weights = rng.integers(0, 9, size=(R, P))
    quota = majority_quota(weights.sum(axis=1))
    result = banzhaf(weights, quota)
    for r in range(R):
        np.testing.assert_allclose(
            result[r], brute_force_banzhaf(weights[r].tolist(), int(quota[r])), atol=1e-12
        )
    # Equal weights get equal power in every game.
    for r in range(R):
        for w in np.unique(weights[r]):
            same = result[r, weights[r] == w]
            np.testing.assert_allclose(same, same[0], atol=1e-12)
