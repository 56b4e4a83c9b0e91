"""Run scenarios: a batch of independent runs to the calendar's end, or one game a month
at a time with some leaders played from outside."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from politburo.agents.heuristic import decide
from politburo.model.actions import Plan
from politburo.model.context import Context
from politburo.model.events import EventLog
from politburo.model.outcome import measure_power
from politburo.model.params import DEFAULT_PARAMETERS, Parameters
from politburo.model.state import State, initial_state
from politburo.model.step import Policy, step
from politburo.model.switches import enabled_mechanisms
from politburo.model.world import World, compile_world
from politburo.scenario import Scenario, load_scenario


def world_of(scenario: str | Scenario | World) -> World:
    """Compile a scenario given by id, path, model or world."""
    if isinstance(scenario, World):
        return scenario
    if isinstance(scenario, str):
        scenario = load_scenario(scenario)
    return compile_world(scenario)


@dataclass
class BatchResult:
    """Final states, events and the monthly power series of a batch."""

    world: World
    seed: int
    state: State
    log: EventLog
    power: NDArray[np.float32]  # (T, R, L) real power after each month
    mechanisms: frozenset[str] = field(default_factory=frozenset)

    @property
    def runs(self) -> NDArray[np.int64]:
        return self.state.runs

    def outcome(self, position: int = 0) -> dict[str, Any]:
        """The outcome of one run as plain data (leader ids, months ``YYYY-MM``)."""
        return run_outcome(self.world, self.state, position)


def run_outcome(world: World, state: State, position: int) -> dict[str, Any]:
    """Winner, month, and each leader's losses in one run of a batch."""
    w, s = world, state

    def label(turn: int) -> str | None:
        return None if turn < 0 else w.month_label(turn)

    winner = int(s.winner[position])
    eliminations: dict[str, dict[str, Any]] = {}
    for i, leader in enumerate(w.leader_ids):
        record: dict[str, Any] = {
            "politburo": label(int(s.lost_seat[position, i])),
            "party": label(int(s.expelled[position, i])),
            "exile": label(int(s.exiled_at[position, i])),
        }
        offices = {
            w.office_ids[o]: label(int(s.lost_office[position, i, o]))
            for o in range(len(w.office_ids))
            if s.lost_office[position, i, o] >= 0
        }
        if offices:
            record["offices"] = offices
        if any(v is not None for k, v in record.items() if k != "offices") or offices:
            eliminations[leader] = record
    return {
        "winner": None if winner < 0 else w.leader_ids[winner],
        "month": label(int(s.consolidated[position])),
        "eliminations": eliminations,
    }


def simulate(
    scenario: str | Scenario | World,
    seed: int = 0,
    runs: int | Iterable[int] = 1,
    params: Parameters = DEFAULT_PARAMETERS,
    ablate: Iterable[str] = (),
    record_events: bool = True,
    policy: Policy = decide,
    progress: Callable[[int, int], None] | None = None,
) -> BatchResult:
    """Simulate a batch of runs from the calendar start to its end.

    Run ``k`` draws from its own random stream (seed, k), so its result does not depend
    on which other runs share the batch.
    """
    world = world_of(scenario)
    on = enabled_mechanisms(ablate)
    indices = np.arange(runs) if isinstance(runs, int) else np.fromiter(runs, dtype=np.int64)
    state = initial_state(world, seed, indices.astype(np.int64))
    log = EventLog(enabled=record_events)
    ctx = Context(world, params, on, state, log)
    measure_power(ctx)
    power = np.zeros((world.months, state.n_runs, world.n_leaders), dtype=np.float32)
    for turn in range(world.months):
        step(ctx, policy)
        power[turn] = state.real_power
        if progress is not None:
            progress(turn + 1, world.months)
    return BatchResult(world, seed, state, log, power, on)


class Game:
    """One run, a month at a time, with chosen leaders played from outside."""

    def __init__(
        self,
        scenario: str | Scenario | World,
        seed: int = 0,
        params: Parameters = DEFAULT_PARAMETERS,
        ablate: Iterable[str] = (),
        run_index: int = 0,
    ) -> None:
        self.world = world_of(scenario)
        self.params = params
        self.seed = seed
        self.on = enabled_mechanisms(ablate)
        self.state = initial_state(self.world, seed, np.array([run_index], dtype=np.int64))
        self.log = EventLog(enabled=True)
        self.ctx = Context(self.world, params, self.on, self.state, self.log)
        measure_power(self.ctx)
        self.power: list[NDArray[np.float64]] = []

    @property
    def over(self) -> bool:
        return self.state.turn >= self.world.months

    @property
    def month(self) -> str:
        return self.world.month_label(min(self.state.turn, self.world.months - 1))

    def advance(self, actions: dict[int, list[tuple[int, int]]] | None = None) -> Plan:
        """Play one month. ``actions`` maps a leader index to his (verb, target) choices;
        the other leaders are decided by the heuristic."""
        if self.over:
            raise RuntimeError("the game is over")
        external = None
        mask = None
        if actions:
            budget = self.params.actions_per_month
            external = Plan.empty(1, self.world.n_leaders, budget)
            mask = np.zeros(self.world.n_leaders, dtype=bool)
            for leader, chosen in actions.items():
                mask[leader] = True
                for k, (verb, target) in enumerate(chosen[:budget]):
                    external.verb[0, leader, k] = verb
                    external.target[0, leader, k] = target
        plan = step(self.ctx, decide, external, mask)
        self.power.append(self.state.real_power[0].copy())
        return plan

    def outcome(self) -> dict[str, Any]:
        return run_outcome(self.world, self.state, 0)
