"""Fixtures of the rule tests: a factory for a :class:`~rules.bench.Bench` on the toy
scenario at the calendar start, so compiled rules can be called directly."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np
import pytest

from politburo.mechanisms import enabled_mechanisms
from politburo.model.params import DEFAULT_PARAMETERS, Parameters
from politburo.model.state import initial_state
from politburo.model.world import World

from .bench import CAPACITY, Bench

MakeBench = Callable[..., Bench]


@pytest.fixture
def make_bench(toy_world: World) -> MakeBench:
    """Factory: a fresh bench on the toy world (or another world) at the calendar start.

    ``make_bench(runs=8, seed=0, ablate=(), params=DEFAULT_PARAMETERS, world=None)``
    """

    def make(
        runs: int = 8,
        seed: int = 0,
        ablate: Iterable[str] = (),
        params: Parameters = DEFAULT_PARAMETERS,
        world: World | None = None,
        capacity: int = CAPACITY,
    ) -> Bench:
        w = toy_world if world is None else world
        state = initial_state(w, seed, np.arange(runs, dtype=np.int64))
        return Bench(w, params, enabled_mechanisms(ablate), state, capacity)

    return make
