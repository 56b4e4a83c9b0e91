"""Sums in numpy's order.

The engine adds with numpy, which sums a contiguous row pairwise (eight running partial
sums per block of up to 128 values). A few of its choices are argmaxes over quantities
that are equal in exact arithmetic, such as two rivals of equal visible stature or two
regions of equal membership, and that then differ only in the last bit, depending on the
order of the additions. So the order decides, for example, whether Kamenev or Bukharin
is the main threat in January 1924. Adding in the same order makes these ties break the
same way here, which keeps the distribution of months equal, not only the winners.
"""

from __future__ import annotations

from collections.abc import Sequence

_BLOCK = 128


def pairwise_sum(values: Sequence[float]) -> float:
    """The float64 sum numpy computes for a contiguous row holding ``values``."""
    return _pairwise(values, 0, len(values))


def _pairwise(a: Sequence[float], lo: int, n: int) -> float:
    if n < 8:
        total = 0.0
        for i in range(lo, lo + n):
            total += a[i]
        return total
    if n <= _BLOCK:
        r = [a[lo + j] for j in range(8)]
        i = 8
        while i < n - n % 8:
            for j in range(8):
                r[j] += a[lo + i + j]
            i += 8
        total = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
        for k in range(i, n):
            total += a[lo + k]
        return total
    half = n // 2
    half -= half % 8
    return _pairwise(a, lo, half) + _pairwise(a, lo + half, n - half)
