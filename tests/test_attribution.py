"""Shapley attribution (``politburo explain``) on synthetic games whose Shapley values are
known by hand: glove, weighted majority, additive, unanimity and apex games."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from itertools import permutations

import numpy as np
import pytest

from politburo.analysis.attribution import (
    Attribution,
    MemoisedValue,
    group_shapley,
    mean_estimate,
    shapley,
    shapley_exact,
    shapley_sampled,
)

Game = Callable[[frozenset[str]], np.ndarray]


def deterministic(v: Callable[[frozenset[str]], float], runs: int = 3) -> Game:
    """A game whose every run gives the same value."""
    return lambda s: np.full(runs, v(s))


def values(result: Attribution) -> dict[str, float]:
    return {name: est.value for name, est in result.contributions.items()}


def covers(result: Attribution, truth: dict[str, float]) -> list[bool]:
    return [
        result.contributions[name].ci[0] <= t <= result.contributions[name].ci[1]
        for name, t in truth.items()
    ]


def bernoulli_game(p: Callable[[frozenset[str]], float], runs: int, seed: int) -> Game:
    """Per-run 0/1 outcomes with common random numbers: run r succeeds in coalition S iff
    u_r < p(S), the same u_r for every S (as the simulator's run streams are)."""
    u = np.random.default_rng(seed).random(runs)
    return lambda s: (u < p(s)).astype(float)


# ----------------------------------------------------------------------- t quantiles


def test_a_mean_s_interval_uses_student_t() -> None:
    # 1..5: mean 3, sd sqrt(2.5), se 0.7071; t(0.975, 4 df) = 2.776 in printed tables.
    estimate = mean_estimate([1.0, 2.0, 3.0, 4.0, 5.0])
    assert estimate.value == 3.0
    assert estimate.ci == pytest.approx((3 - 2.776 * 0.70711, 3 + 2.776 * 0.70711), abs=2e-3)


# ----------------------------------------------------------------------- exact: known games


def test_glove_game() -> None:
    # One right glove, two left: v(S) = number of matched pairs. R = 2/3, L1 = L2 = 1/6.
    def v(s: frozenset[str]) -> float:
        return float(min(len(s & {"L1", "L2"}), len(s & {"R"})))

    result = shapley_exact(["L1", "L2", "R"], deterministic(v))
    assert values(result) == pytest.approx({"L1": 1 / 6, "L2": 1 / 6, "R": 2 / 3}, abs=1e-12)
    assert result.method == "exact"
    assert result.evaluations == 8
    assert result.contributions["R"].ci == pytest.approx((2 / 3, 2 / 3), abs=1e-12)


@pytest.mark.parametrize(
    ("quota", "weights", "index"),
    [
        # [3; 2, 1, 1]: the big player pivots in 4 of 6 orders.
        (3, [2, 1, 1], [2 / 3, 1 / 6, 1 / 6]),
        # [51; 40, 30, 20, 10]: the textbook Shapley-Shubik indices.
        (51, [40, 30, 20, 10], [5 / 12, 1 / 4, 1 / 4, 1 / 12]),
    ],
)
def test_weighted_majority_shapley_shubik(
    quota: int, weights: list[int], index: list[float]
) -> None:
    names = [f"p{i}" for i in range(len(weights))]
    weight = dict(zip(names, weights, strict=True))

    def v(s: frozenset[str]) -> float:
        return float(sum(weight[n] for n in s) >= quota)

    result = shapley_exact(names, deterministic(v))
    assert [result.contributions[n].value for n in names] == pytest.approx(index, abs=1e-12)
    assert result.p_all_on.value == 1.0
    assert result.p_all_off.value == 0.0


def test_additive_game_gives_each_its_weight_per_run_with_a_t_interval() -> None:
    # v(S)[r] = sum of w_i[r] over i in S: per run, player i's Shapley value is w_i[r].
    rng = np.random.default_rng(7)
    runs = 11
    weights = {"a": 0.3, "b": -0.1, "c": 0.05, "d": 0.0}
    per_run = {n: w + rng.normal(0, 0.2, runs) for n, w in weights.items()}

    def v(s: frozenset[str]) -> np.ndarray:
        return sum((per_run[n] for n in s), np.zeros(runs))

    result = shapley_exact(list(weights), v)
    t10 = 2.2281388519649385  # Student t, 0.975 quantile, 10 df
    for i, name in enumerate(weights):
        x = per_run[name]
        np.testing.assert_allclose(result.per_run[i], x, atol=1e-12)
        half = t10 * x.std(ddof=1) / math.sqrt(runs)
        est = result.contributions[name]
        assert est.value == pytest.approx(x.mean(), abs=1e-12)
        assert est.ci == pytest.approx((x.mean() - half, x.mean() + half), abs=1e-9)


def test_interaction_is_split_in_half_and_a_dummy_gets_nothing() -> None:
    def v(s: frozenset[str]) -> float:
        return float({"x1", "x2"} <= s)

    result = shapley_exact(["x1", "x2", "x3"], deterministic(v))
    assert values(result) == pytest.approx({"x1": 0.5, "x2": 0.5, "x3": 0.0}, abs=1e-12)


def brute_force_shapley(names: list[str], v: Game) -> np.ndarray:
    """Per-run Shapley values by enumerating every order: independent of the module."""
    total = 0
    acc = np.zeros((len(names), len(v(frozenset()))))
    for order in permutations(range(len(names))):
        contrib = np.zeros((len(names), len(v(frozenset()))))
        members: set[str] = set()
        for i in order:
            before = v(frozenset(members))
            members.add(names[i])
            contrib[i] = v(frozenset(members)) - before
        acc = acc + contrib
        total += 1
    return acc / total


def random_table_game(names: list[str], runs: int, seed: int) -> Game:
    """An arbitrary game: an independent random outcome vector for every coalition."""
    rng = np.random.default_rng(seed)
    table: dict[frozenset[str], np.ndarray] = {}

    def v(s: frozenset[str]) -> np.ndarray:
        if s not in table:
            table[s] = rng.normal(size=runs)
        return table[s]

    return v


def test_exact_matches_enumeration_of_orders_on_an_arbitrary_game() -> None:
    names = ["a", "b", "c", "d", "e"]
    game = random_table_game(names, runs=6, seed=3)
    expected = brute_force_shapley(names, game)
    result = shapley_exact(names, game)
    np.testing.assert_allclose(result.per_run, expected, atol=1e-12)


def test_exact_efficiency_holds_per_run() -> None:
    names = [f"m{i}" for i in range(7)]
    game = random_table_game(names, runs=40, seed=11)
    result = shapley_exact(names, game)
    gap = result.per_run.sum(axis=0) - (game(frozenset(names)) - game(frozenset()))
    assert np.abs(gap).max() < 1e-12
    assert sum(values(result).values()) == pytest.approx(result.total.value, abs=1e-12)


def test_exact_intervals_cover_the_truth_about_95_percent_of_the_time() -> None:
    # p(S) = 0.2 + 0.1 [a] + 0.3 [b] + 0.2 [a and c]: a = 0.1 + 0.2/2, b = 0.3, c = 0.2/2.
    def p(s: frozenset[str]) -> float:
        return 0.2 + 0.1 * ("a" in s) + 0.3 * ("b" in s) + 0.2 * ({"a", "c"} <= s)

    truth = {"a": 0.2, "b": 0.3, "c": 0.1}
    hits = []
    for rep in range(300):
        result = shapley_exact(list(truth), bernoulli_game(p, runs=200, seed=rep))
        hits.extend(covers(result, truth))
        # p_all_on = 0.8, p_all_off = 0.2 by construction (Wilson intervals).
        hits.append(result.p_all_on.ci[0] <= 0.8 <= result.p_all_on.ci[1])
        hits.append(result.p_all_off.ci[0] <= 0.2 <= result.p_all_off.ci[1])
    coverage = np.mean(hits)
    # 1500 interval checks; binomial sd at 0.95 is ~0.006 (checks are correlated, so
    # allow a generous band).
    assert 0.92 <= coverage <= 0.98


def test_levels_use_wilson_for_binary_outcomes() -> None:
    on = np.array([1.0] * 7 + [0.0] * 3)

    def v(s: frozenset[str]) -> np.ndarray:
        return on if s else np.zeros(10)

    result = shapley_exact(["a"], v)
    z, n, phat = 1.959963984540054, 10, 0.7
    centre = (phat + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(phat * (1 - phat) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    assert result.p_all_on.value == pytest.approx(0.7)
    assert result.p_all_on.ci == pytest.approx((centre - half, centre + half), abs=1e-6)
    assert result.p_all_off.ci[0] == pytest.approx(0.0, abs=1e-12)


# ----------------------------------------------------------------------- sampled


def apex_game(runs: int = 4) -> tuple[list[str], Game, dict[str, float]]:
    """[12; 11, 1 x 11]: the big player wins with any small one. The big player pivots
    unless it comes first (11/12); a small one pivots only right after a first big
    player (1/12 * 1/11 = 1/132)."""
    names = ["big"] + [f"s{i}" for i in range(11)]

    def v(s: frozenset[str]) -> float:
        return float("big" in s and len(s) >= 2)

    truth = {"big": 11 / 12} | {n: 1 / 132 for n in names[1:]}
    return names, deterministic(v, runs), truth


def test_apex_game_exact_with_twelve_players() -> None:
    names, game, truth = apex_game()
    result = shapley(names, game, max_exact=12)
    assert result.method == "exact"
    assert result.evaluations == 4096
    assert values(result) == pytest.approx(truth, abs=1e-12)


def test_apex_game_sampled_covers_the_big_player() -> None:
    names, game, truth = apex_game()
    result = shapley(names, game, max_exact=10, permutations=200, rng_seed=1)
    assert result.method == "sampled"
    assert result.permutations == 200
    big = result.contributions["big"]
    assert big.ci[0] <= truth["big"] <= big.ci[1]
    assert big.value == pytest.approx(truth["big"], abs=0.05)
    # Identical runs: all the error is permutation error, so the interval has width.
    assert big.ci[1] > big.ci[0]
    # A small player pivots in 1 order in 132, so 200 orders credit some of them never
    # (a t interval cannot cover such rare credit; documented), but efficiency still
    # gives the small players together exactly what the big player is not given.
    small = sum(result.contributions[n].value for n in names[1:])
    assert small == pytest.approx(1 - big.value, abs=1e-12)


def unanimity_game_12() -> tuple[list[str], Callable[[frozenset[str]], float], dict[str, float]]:
    """p(S) = 0.1 + 0.02 |S| + 0.12 [m0, m1 in S] + 0.15 [m2, m3, m4 in S]: a unanimity
    game on T gives each member of T its weight / |T|."""
    names = [f"m{i}" for i in range(12)]

    def p(s: frozenset[str]) -> float:
        return 0.1 + 0.02 * len(s) + 0.12 * ({"m0", "m1"} <= s) + 0.15 * ({"m2", "m3", "m4"} <= s)

    truth = {n: 0.02 for n in names}
    truth |= {"m0": 0.08, "m1": 0.08, "m2": 0.07, "m3": 0.07, "m4": 0.07}
    return names, p, truth


def test_sampled_efficiency_with_twelve_players() -> None:
    names, p, _ = unanimity_game_12()
    game = bernoulli_game(p, runs=300, seed=5)
    result = shapley_sampled(names, game, permutations=30, rng_seed=2)
    # Every order telescopes, so efficiency holds per run, not merely on average.
    gap = result.per_run.sum(axis=0) - (game(frozenset(names)) - game(frozenset()))
    assert np.abs(gap).max() < 1e-12
    assert sum(values(result).values()) == pytest.approx(result.total.value, abs=1e-9)
    assert result.total.value == pytest.approx(0.61 - 0.1, abs=0.1)


def test_sampled_intervals_cover_the_truth_with_twelve_players() -> None:
    names, p, truth = unanimity_game_12()
    hits = []
    for rep in range(100):
        game = bernoulli_game(p, runs=100, seed=1000 + rep)
        result = shapley_sampled(names, game, permutations=20, rng_seed=rep)
        hits.extend(covers(result, truth))
    coverage = np.mean(hits)
    # The variance estimate is conservative by design; it must not under-cover.
    assert coverage >= 0.92


def test_antithetic_pairs_settle_a_two_player_interaction_exactly() -> None:
    def v(s: frozenset[str]) -> float:
        return float({"x1", "x2"} <= s)

    game = deterministic(v)
    paired = shapley_sampled(["x1", "x2"], game, permutations=4, rng_seed=0)
    assert values(paired) == pytest.approx({"x1": 0.5, "x2": 0.5}, abs=1e-12)
    assert paired.contributions["x1"].se == 0.0
    single = shapley_sampled(["x1", "x2"], game, permutations=40, rng_seed=0, antithetic=False)
    assert single.contributions["x1"].se > 0.0
    lo, hi = single.contributions["x1"].ci
    assert lo <= 0.5 <= hi


def test_sampled_needs_two_replicates_and_rounds_odd_antithetic_counts_up() -> None:
    game = deterministic(lambda s: float(len(s)))
    with pytest.raises(ValueError, match="at least 4 permutations"):
        shapley_sampled(["a", "b"], game, permutations=2, rng_seed=0)
    with pytest.raises(ValueError, match="at least 2 permutations"):
        shapley_sampled(["a", "b"], game, permutations=1, rng_seed=0, antithetic=False)
    assert shapley_sampled(["a", "b"], game, permutations=5, rng_seed=0).permutations == 6


def test_sampled_is_reproducible_from_its_seed() -> None:
    names, p, _ = unanimity_game_12()
    game = bernoulli_game(p, runs=50, seed=0)
    a = shapley_sampled(names, game, permutations=10, rng_seed=42)
    b = shapley_sampled(names, game, permutations=10, rng_seed=42)
    assert a.to_json() == b.to_json()


# ----------------------------------------------------------------------- memo and progress


class Counting:
    """A game that records every coalition it is asked for."""

    def __init__(self, game: Game) -> None:
        self.game = game
        self.asked: list[frozenset[str]] = []

    def __call__(self, s: frozenset[str]) -> np.ndarray:
        self.asked.append(s)
        return self.game(s)


def test_exact_asks_each_coalition_once() -> None:
    names = ["a", "b", "c", "d"]
    counting = Counting(random_table_game(names, runs=5, seed=0))
    memo = MemoisedValue(counting)
    shapley_exact(names, memo)
    assert len(counting.asked) == 16
    assert len(set(counting.asked)) == 16
    assert all(isinstance(s, frozenset) for s in counting.asked)
    # A shared memo answers a second attribution (and the sampled one) from its cache.
    shapley_exact(names, memo)
    shapley_sampled(names, memo, permutations=10, rng_seed=0)
    assert len(counting.asked) == 16
    assert memo.calls == 16


def test_sampled_asks_each_coalition_at_most_once() -> None:
    names = [f"m{i}" for i in range(6)]
    counting = Counting(random_table_game(names, runs=5, seed=0))
    result = shapley_sampled(names, counting, permutations=200, rng_seed=0)
    assert len(counting.asked) == len(set(counting.asked)) == result.evaluations
    assert result.evaluations <= 2**6


def test_progress_counts_the_evaluations() -> None:
    seen: list[tuple[str, int, int]] = []
    game = random_table_game(["a", "b", "c", "d"], runs=3, seed=0)

    def tell(stage: str, done: int, total: int) -> None:
        seen.append((stage, done, total))

    shapley(["a", "b", "c", "d"], game, progress=tell)
    assert seen == [("coalitions", i, 16) for i in range(17)]

    seen.clear()
    names = [f"m{i}" for i in range(5)]
    result = shapley(
        names,
        random_table_game(names, runs=3, seed=0),
        max_exact=4,
        permutations=6,
        progress=tell,
        stage="mechanisms",
    )
    assert seen == [("mechanisms", i, result.evaluations) for i in range(result.evaluations + 1)]


# ----------------------------------------------------------------------- groups


def test_group_attribution_holds_ungrouped_players_on() -> None:
    # v = [a and b] + 2 [c and d] + 0.5 [d] + 3 [b and c]; groups G1 = {a, b}, G2 = {c};
    # d is in no group, so it stays on. Quotient game: v() = 0.5, v(G1) = 1.5,
    # v(G2) = 2.5, v(G1, G2) = 6.5, so G1 = (1 + 4)/2 = 2.5 and G2 = (2 + 5)/2 = 3.5.
    def v(s: frozenset[str]) -> float:
        return (
            float({"a", "b"} <= s)
            + 2.0 * ({"c", "d"} <= s)
            + 0.5 * ("d" in s)
            + 3.0 * ({"b", "c"} <= s)
        )

    counting = Counting(deterministic(v))
    result = group_shapley({"G1": ["a", "b"], "G2": ["c"]}, counting, players=["a", "b", "c", "d"])
    assert values(result) == pytest.approx({"G1": 2.5, "G2": 3.5}, abs=1e-12)
    assert result.p_all_off.value == 0.5
    assert result.p_all_on.value == 6.5
    assert result.held_on == frozenset({"d"})
    assert all("d" in s for s in counting.asked)
    assert len(counting.asked) == 4
    out = result.to_json()
    assert out["held_on"] == ["d"]
    assert out["members"] == {"G1": ["a", "b"], "G2": ["c"]}


def test_singleton_groups_reproduce_plain_shapley() -> None:
    names = ["a", "b", "c"]
    game = random_table_game(names, runs=8, seed=9)
    plain = shapley(names, game)
    grouped = group_shapley({n: [n] for n in names}, game, players=names)
    np.testing.assert_allclose(grouped.per_run, plain.per_run, atol=1e-15)
    assert grouped.held_on == frozenset()


def test_group_validation() -> None:
    game = deterministic(lambda s: 0.0)
    with pytest.raises(ValueError, match="both"):
        group_shapley({"G1": ["a", "b"], "G2": ["b"]}, game)
    with pytest.raises(ValueError, match="empty"):
        group_shapley({"G1": []}, game)
    with pytest.raises(ValueError, match="at least one group"):
        group_shapley({}, game)


# ----------------------------------------------------------------------- checks and JSON


def test_value_answers_are_checked() -> None:
    with pytest.raises(ValueError, match="1-D"):
        shapley_exact(["a"], lambda s: 1.0)
    with pytest.raises(ValueError, match="earlier calls"):
        shapley_exact(["a"], lambda s: np.zeros(3 if s else 4))
    with pytest.raises(ValueError, match="non-finite"):
        shapley_exact(["a"], lambda s: np.array([np.nan, 0.0]))
    with pytest.raises(ValueError, match="repeat"):
        shapley_exact(["a", "a"], deterministic(lambda s: 0.0))
    with pytest.raises(ValueError, match="at least one player"):
        shapley_exact([], deterministic(lambda s: 0.0))


def test_to_json_shape() -> None:
    def v(s: frozenset[str]) -> np.ndarray:
        return np.array([1.0, 0.0, 1.0, 1.0]) * len(s) / 2

    result = shapley(["a", "b"], v)
    out = json.loads(json.dumps(result.to_json()))
    assert set(out) >= {"p_all_on", "p_all_off", "contributions", "total", "method", "runs"}
    assert out["runs"] == 4
    for entry in [out["p_all_on"], out["p_all_off"], *out["contributions"].values()]:
        assert set(entry) == {"value", "ci"}
        lo, hi = entry["ci"]
        assert lo <= entry["value"] <= hi
    assert out["contributions"]["a"]["value"] == pytest.approx(0.375)


def test_a_single_run_has_no_interval() -> None:
    result = shapley(["a"], lambda s: np.array([0.3 if s else 0.1]))
    out = json.loads(json.dumps(result.to_json()))
    assert out["contributions"]["a"] == {"value": pytest.approx(0.2), "ci": [None, None]}
