"""Per-run random streams that do not depend on the batch.

Every random number is a pure function of (experiment seed, run index, month, stream,
element): a counter-based generator built on the SplitMix64 finaliser (Steele, Lea &
Flood 2014, the seeding function of numpy's own bit generators). NumPy's bit generators
keep one mutable state per instance, so drawing per run from them means a Python loop
over runs; hashing counters is vectorised over the whole batch instead, and it gives the
properties experiments need for free:

- run k of a 1,000-run batch draws exactly what run k draws alone;
- baseline and counterfactual arms share their numbers (common random numbers);
- a run branched from a saved month continues with the same numbers, no RNG state to save.
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np
from numpy.typing import NDArray

from politburo.errors import InputError

#: the SplitMix64 constants, shared with the compiled streams (:mod:`politburo.kernel.rng`)
GOLDEN = np.uint64(0x9E3779B97F4A7C15)
MIX1 = np.uint64(0xBF58476D1CE4E5B9)
MIX2 = np.uint64(0x94D049BB133111EB)
_S30 = np.uint64(30)
_S27 = np.uint64(27)
_S31 = np.uint64(31)
_S11 = np.uint64(11)
TO_UNIT = 1.0 / float(1 << 53)


class Stream(IntEnum):
    """One id per place in the rules that draws random numbers."""

    DECISION_NOISE = 1
    APPOINTMENT = 2
    ALLIANCE = 3
    VOTE_LEADERS = 4
    VOTE_SEATS = 5
    CONGRESS_SEATS = 6
    DETECTION = 7
    WIN_OVER = 8
    DEFECTION = 9
    MISJUDGEMENT = 10
    VOTE_CONTROL = 11
    ACTING_ORDER = 12


def _mix(x: NDArray[np.uint64]) -> NDArray[np.uint64]:
    x = (x ^ (x >> _S30)) * MIX1
    x = (x ^ (x >> _S27)) * MIX2
    return x ^ (x >> _S31)


#: seeds are 0 .. SEED_LIMIT - 1: a store keeps them as a signed 64-bit integer, and a
#: larger one would alias a smaller one's random streams
SEED_LIMIT = 2**63


#: runs per arm an experiment may ask for (run indices 0 .. MAX_RUNS - 1): the store
#: tracks which are done in a bitmap of this many entries per arm (10 MB), and 10^7
#: paired runs already bound a share's standard error to 0.0002
MAX_RUNS = 10_000_000


def check_seed(seed: int) -> int:
    """``seed`` if it is a usable experiment seed, else ValueError saying the range."""
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise InputError(f"seed {seed!r}: must be an integer")
    if not 0 <= int(seed) < SEED_LIMIT:
        raise InputError(f"seed {seed}: must be from 0 to {SEED_LIMIT - 1}")
    return int(seed)


def run_keys(seed: int, runs: NDArray[np.int64]) -> NDArray[np.uint64]:
    """One 64-bit key per run, from the experiment seed and the run index."""
    seed = check_seed(seed)
    with np.errstate(over="ignore"):
        base = _mix(np.asarray([seed & 0xFFFFFFFFFFFFFFFF], dtype=np.uint64) + GOLDEN)
        return _mix(base ^ _mix(runs.astype(np.uint64) * GOLDEN + GOLDEN))


def uniform(
    keys: NDArray[np.uint64],
    month: int,
    stream: Stream,
    shape: tuple[int, ...] = (),
    salt: NDArray[np.int64] | int = 0,
) -> NDArray[np.float64]:
    """Uniform numbers in [0, 1) of shape ``(runs, *shape)``.

    ``keys`` come from :func:`run_keys` (one per run); ``month`` is the turn, ``stream``
    names the place in the rules that draws, and ``salt`` (an int or one per run) tells
    apart several draws of one stream in one month, e.g. the votes on different motions.
    """
    count = int(np.prod(shape, dtype=np.int64)) if shape else 1
    with np.errstate(over="ignore"):
        counter = np.uint64((month & 0xFFFFFFFF) << 16 | (int(stream) & 0xFFFF))
        salted = _mix(
            np.asarray([counter], dtype=np.uint64) * GOLDEN
            + np.asarray(salt, dtype=np.int64).astype(np.uint64) * MIX1
        )
        base = _mix(keys ^ salted)
        elements = (np.arange(1, count + 1, dtype=np.uint64) * GOLDEN)[None, :]
        bits = _mix(base[:, None] + elements)
    values = (bits >> _S11).astype(np.float64) * TO_UNIT
    return values.reshape((keys.shape[0], *shape))
