"""Real power of a bloc: its normalized Banzhaf index in a weighted majority game."""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=16384)
def banzhaf(weights: tuple[int, ...]) -> tuple[float, ...]:
    """Normalized Banzhaf index of players with integer ``weights`` under a simple
    majority quota (``total // 2 + 1``): each player's share of all swings, zeros when no
    coalition can reach the quota. Memoized: the same line-ups recur month after month."""
    total = sum(weights)
    quota = total // 2 + 1
    swings: list[int] = []
    for p, own in enumerate(weights):
        if own <= 0:
            swings.append(0)
            continue
        # counts[w]: coalitions of the other players with total weight w
        counts = [0] * (total + 1)
        counts[0] = 1
        for q, weight in enumerate(weights):
            if q == p or weight <= 0:
                continue
            for level in range(total - weight, -1, -1):
                if counts[level]:
                    counts[level + weight] += counts[level]
        # p swings a losing coalition of weight in [quota - own, quota - 1] into a winning one
        swings.append(sum(counts[max(quota - own, 0) : quota]))
    grand = sum(swings)
    if grand == 0:
        return tuple(0.0 for _ in weights)
    return tuple(s / grand for s in swings)
