"""The counter-based random streams of :mod:`politburo.model.rng`, one number at a time.

``uniform(key, month, stream, salt, element)`` is element ``element`` (0-based, in C
order) of ``politburo.model.rng.uniform(keys, month, stream, shape, salt)`` for the run
with ``key``: the same number whatever the batch, thread or backend.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from politburo.model.rng import GOLDEN as _GOLDEN
from politburo.model.rng import MIX1 as _M1
from politburo.model.rng import MIX2 as _M2
from politburo.model.rng import TO_UNIT as _TO_UNIT

_S30 = np.uint64(30)
_S27 = np.uint64(27)
_S31 = np.uint64(31)
_S16 = np.uint64(16)
_S11 = np.uint64(11)
_LOW32 = np.uint64(0xFFFFFFFF)
_LOW16 = np.uint64(0xFFFF)
_ONE = np.uint64(1)


@njit(cache=True, inline="always")
def mix(x: np.uint64) -> np.uint64:
    """The SplitMix64 finaliser."""
    x = (x ^ (x >> _S30)) * _M1
    x = (x ^ (x >> _S27)) * _M2
    return x ^ (x >> _S31)


@njit(cache=True)
def stream_base(key: np.uint64, month: int, stream: int, salt: int) -> np.uint64:
    """The base of one (run, month, stream, salt) stream; elements follow from it."""
    counter = ((np.uint64(month) & _LOW32) << _S16) | (np.uint64(stream) & _LOW16)
    salted = mix(counter * _GOLDEN + np.uint64(np.int64(salt)) * _M1)
    return mix(key ^ salted)


@njit(cache=True, inline="always")
def element(base: np.uint64, index: int) -> float:
    """Uniform number ``index`` (0-based) of the stream with ``base``."""
    bits = mix(base + (np.uint64(index) + _ONE) * _GOLDEN)
    return float(bits >> _S11) * _TO_UNIT


@njit(cache=True)
def uniform(key: np.uint64, month: int, stream: int, salt: int, index: int) -> float:
    """One uniform number in [0, 1)."""
    return element(stream_base(key, month, stream, salt), index)
