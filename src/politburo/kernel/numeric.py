"""Arithmetic in the order NumPy does it, so the compiled rules give the same bits.

NumPy sums a contiguous row pairwise (eight running sums, blocks of 128); a sum across
rows adds row after row. Where a sum feeds a comparison or an argmax, the kernel uses
these helpers rather than a plain loop. Counting is exact and needs no care.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def _block(a: np.ndarray, start: int, n: int) -> float:
    """NumPy's pairwise sum of at most 128 numbers."""
    if n < 8:
        res = 0.0
        for i in range(n):
            res += a[start + i]
        return res
    r0 = a[start]
    r1 = a[start + 1]
    r2 = a[start + 2]
    r3 = a[start + 3]
    r4 = a[start + 4]
    r5 = a[start + 5]
    r6 = a[start + 6]
    r7 = a[start + 7]
    i = 8
    stop = n - (n % 8)
    while i < stop:
        r0 += a[start + i]
        r1 += a[start + i + 1]
        r2 += a[start + i + 2]
        r3 += a[start + i + 3]
        r4 += a[start + i + 4]
        r5 += a[start + i + 5]
        r6 += a[start + i + 6]
        r7 += a[start + i + 7]
        i += 8
    res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    while i < n:
        res += a[start + i]
        i += 1
    return res


@njit(cache=True)
def _half(n: int) -> int:
    n2 = n // 2
    return n2 - n2 % 8


# NumPy recurses above 128 numbers; Numba cannot cache recursive functions, so the
# levels are spelled out (each split leaves at most half plus 8: five levels cover 2,048).
@njit(cache=True)
def _level1(a: np.ndarray, start: int, n: int) -> float:
    if n <= 128:
        return _block(a, start, n)
    h = _half(n)
    return _block(a, start, h) + _block(a, start + h, n - h)


@njit(cache=True)
def _level2(a: np.ndarray, start: int, n: int) -> float:
    if n <= 128:
        return _block(a, start, n)
    h = _half(n)
    return _level1(a, start, h) + _level1(a, start + h, n - h)


@njit(cache=True)
def _level3(a: np.ndarray, start: int, n: int) -> float:
    if n <= 128:
        return _block(a, start, n)
    h = _half(n)
    return _level2(a, start, h) + _level2(a, start + h, n - h)


@njit(cache=True)
def _level4(a: np.ndarray, start: int, n: int) -> float:
    if n <= 128:
        return _block(a, start, n)
    h = _half(n)
    return _level3(a, start, h) + _level3(a, start + h, n - h)


@njit(cache=True)
def _level5(a: np.ndarray, start: int, n: int) -> float:
    if n <= 128:
        return _block(a, start, n)
    h = _half(n)
    return _level4(a, start, h) + _level4(a, start + h, n - h)


@njit(cache=True)
def pairwise_sum(a: np.ndarray, start: int, n: int) -> float:
    """``a[start:start + n].sum()`` exactly as NumPy computes it (1-D float64 ``a``,
    ``n`` at most 2,048)."""
    if n < 8:
        # A plain running sum, as in NumPy's smallest blocks (without the calls below).
        res = 0.0
        for i in range(n):
            res += a[start + i]
        return res
    if n > 2048:
        raise ValueError("pairwise_sum: more than 2,048 numbers")
    return _level5(a, start, n)


@njit(cache=True)
def row_sum(a: np.ndarray) -> float:
    """``a.sum()`` of a 1-D float64 array, NumPy's way."""
    return pairwise_sum(a, 0, a.shape[0])


@njit(cache=True)
def banzhaf(weights: np.ndarray, quota: int, out: np.ndarray) -> None:
    """Normalized Banzhaf index of a weighted majority game, into ``out``.

    ``weights`` (P,) non-negative integer votes; a coalition wins with ``quota`` votes.
    ``out`` gets shares summing to 1, or zeros where no one can swing. Coalitions are
    counted by total weight (a generating-function programme) in exact integers, so the
    result does not depend on the order of the players.
    """
    P = weights.shape[0]
    total = 0
    for p in range(P):
        total += weights[p]
    width = total + 1
    work = np.zeros(2 * width, dtype=np.int64)  # one allocation for both tables
    counts = work[:width]
    counts[0] = 1
    for p in range(P):
        w = weights[p]
        if w <= 0:
            continue
        for level in range(width - 1, w - 1, -1):
            counts[level] += counts[level - w]
    without = work[width:]
    swings_total = 0
    for p in range(P):
        w = weights[p]
        out[p] = 0.0
        if w <= 0:
            continue
        # Remove player p: without[x] = counts[x] - without[x - w] (ascending in x).
        for level in range(width):
            without[level] = counts[level]
            if level >= w:
                without[level] -= without[level - w]
        swings = 0
        lo = max(quota - w, 0)
        hi = min(quota - 1, width - 1)
        for level in range(lo, hi + 1):
            swings += without[level]
        out[p] = swings
        swings_total += swings
    if swings_total > 0:
        for p in range(P):
            out[p] = out[p] / swings_total
    else:
        for p in range(P):
            out[p] = 0.0
