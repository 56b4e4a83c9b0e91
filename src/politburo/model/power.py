"""Power, measured: the Banzhaf index of each leader's bloc in the bodies that decide.

A weighted majority game per run: players are blocs (a principal and his clients),
weights their votes, the quota a majority. The normalized Banzhaf index is the share of
swings (coalitions a bloc turns from losing to winning) that belong to each bloc. It is
computed exactly by counting coalitions by weight (a generating-function dynamic
programme), vectorized over runs.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray


def banzhaf(weights: NDArray[np.int64], quota: NDArray[np.int64]) -> NDArray[np.float64]:
    """Normalized Banzhaf index.

    weights: (R, P) non-negative integer votes of each player; quota: (R,) votes needed.
    Returns (R, P) shares summing to 1 in every run where some player can swing, and zeros
    where no coalition can reach the quota.
    """
    weights = np.asarray(weights, dtype=np.int64)
    full_shape = weights.shape
    # Players with no votes in any run never swing: drop them to keep the DP small.
    playing = np.flatnonzero((weights > 0).any(axis=0))
    weights = weights[:, playing]
    R, P = weights.shape
    total = int(weights.sum(axis=1).max(initial=0))
    width = total + 1
    rows = np.arange(R)
    # counts[r, w]: coalitions of all players with total weight w (zero-weight players
    # double every count, which cancels in the normalized index).
    counts = np.zeros((R, width), dtype=np.float64)
    counts[:, 0] = 1.0
    for p in range(P):
        w = weights[:, p]
        shifted = np.zeros_like(counts)
        for r_w in np.unique(w):
            sel = w == r_w
            if r_w == 0:
                shifted[sel] = counts[sel]
            else:
                shifted[sel, r_w:] = counts[sel, : width - r_w]
        counts = counts + shifted
    swings = np.zeros((R, P))
    levels = np.arange(width)[None, :]
    for p in range(P):
        w = weights[:, p]
        # Remove player p: without[w] = counts[w] - without[w - w_p] (ascending in w).
        without = counts.copy()
        positive = w > 0
        for level in range(width):
            src = level - w
            ok = positive & (src >= 0)
            if ok.any():
                without[rows[ok], level] -= without[rows[ok], src[ok]]
        # Player p swings a coalition of the others whose weight lies in [q - w_p, q - 1].
        lo = (quota - w)[:, None]
        hi = (quota - 1)[:, None]
        window = (levels >= lo) & (levels <= hi)
        swings[:, p] = np.where(positive, (without * window).sum(axis=1), 0.0)
    totals = swings.sum(axis=1, keepdims=True)
    index = np.zeros(full_shape)
    index[:, playing] = np.where(totals > 0, swings / np.where(totals > 0, totals, 1.0), 0.0)
    return index


def majority_quota(total: NDArray[np.int64]) -> NDArray[np.int64]:
    """Votes for a simple majority of ``total``."""
    return np.asarray(total, dtype=np.int64) // 2 + 1
