"""Shared fixtures: the engine compiled once, the built-in scenarios and their compiled
worlds (``tests/rules/conftest.py`` binds batches to the kernel for the rule tests)."""

from __future__ import annotations

import os
from importlib import resources

import pytest

# The web server's rate limits and AI budget are for people, not test loops: off unless a
# test passes its own ``Limits`` (tests/test_web_limits.py does, for each limit).
os.environ.setdefault("POLITBURO_LIMITS_ENABLED", "false")

from politburo.model.world import World, compile_world
from politburo.scenario import Scenario, load_scenario


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
