"""Seen power and real power.

Contemporaries called Stalin "the party's most eminent mediocrity". Real power is the
voting power of a leader's bloc (:mod:`outcome`); seen power is what rivals can see:
prestige, oratory, visible offices. A leader's view of a rival mixes the two by his
information; without the mechanism everyone sees real power.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from politburo.model.params import Parameters


def seen_power(
    prestige: NDArray[np.float64],
    oratory: NDArray[np.float64],
    office_prestige: NDArray[np.float64],
    present: NDArray[np.bool_],
    params: Parameters,
) -> NDArray[np.float64]:
    """(R, L) shares of visible stature among present leaders."""
    visible = (
        prestige
        + params.seen_oratory_weight * oratory[None, :]
        + params.seen_office_weight * office_prestige
    )
    visible = np.where(present, visible, 0.0)
    return visible / np.maximum(visible.sum(axis=1, keepdims=True), 1e-9)


def perceived_power(
    real: NDArray[np.float64], seen: NDArray[np.float64], info: NDArray[np.float64], on: bool
) -> NDArray[np.float64]:
    """(R, L, L): leader i's estimate of leader j's power."""
    if not on:
        return np.repeat(real[:, None, :], real.shape[1], axis=1)
    insight = info[:, :, None]
    return insight * real[:, None, :] + (1 - insight) * seen[:, None, :]
