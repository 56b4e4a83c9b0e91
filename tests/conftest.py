"""Shared fixtures: the built-in scenarios, their compiled worlds, and a factory for a
month's :class:`Context` so mechanism functions can be called directly."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from importlib import resources

import numpy as np
import pytest

from politburo.model.context import Context
from politburo.model.events import EventLog
from politburo.model.params import DEFAULT_PARAMETERS, Parameters
from politburo.model.state import initial_state
from politburo.model.switches import enabled_mechanisms
from politburo.model.world import World, compile_world
from politburo.scenario import Scenario, load_scenario

MakeContext = Callable[..., Context]


@pytest.fixture(scope="session", autouse=True)
def compiled_engine() -> None:
    """Compile the engine once, first: a browser test's server, an experiment's worker
    processes and Ray tasks then load it from the disk cache instead of each compiling
    it (minutes on a cold cache) inside a request or a timed test."""
    from politburo.agents.lookahead import LookaheadPolicy
    from politburo.simulation import Simulation, simulate

    simulate("toy-3", runs=2, record_events=True)
    sim = Simulation.start("toy-3", seed=0)
    sim.advance({0: [(0, -1)]})
    sim.advance(policy=LookaheadPolicy())


def builtin_text(name: str) -> str:
    """The YAML text of a built-in scenario, as shipped."""
    return (resources.files("politburo.scenario") / "builtin" / f"{name}.yaml").read_text(
        encoding="utf-8"
    )


@pytest.fixture(scope="session")
def toy_text() -> str:
    return builtin_text("toy-3")


@pytest.fixture(scope="session")
def toy() -> Scenario:
    return load_scenario("toy-3")


@pytest.fixture(scope="session")
def ussr() -> Scenario:
    return load_scenario("ussr-1922")


@pytest.fixture(scope="session")
def toy_world(toy: Scenario) -> World:
    return compile_world(toy)


@pytest.fixture(scope="session")
def ussr_world(ussr: Scenario) -> World:
    return compile_world(ussr)


@pytest.fixture
def make_context(toy_world: World) -> MakeContext:
    """Factory: a fresh Context on the toy world (or another world) at the calendar start.

    ``make_context(runs=8, seed=0, ablate=(), params=DEFAULT_PARAMETERS, world=None)``
    """

    def make(
        runs: int = 8,
        seed: int = 0,
        ablate: Iterable[str] = (),
        params: Parameters = DEFAULT_PARAMETERS,
        world: World | None = None,
    ) -> Context:
        w = toy_world if world is None else world
        state = initial_state(w, seed, np.arange(runs, dtype=np.int64))
        return Context(w, params, enabled_mechanisms(ablate), state, EventLog(enabled=True))

    return make
