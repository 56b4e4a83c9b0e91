"""Run scenarios: a batch of independent runs to the calendar's end, or one game a month
at a time with some leaders played from outside."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from dataclasses import fields as dataclass_fields
from typing import Any

import numpy as np
from numpy.typing import NDArray

from politburo.errors import InputError
from politburo.kernel.view import Policy, View, heuristic
from politburo.mechanisms import enabled_mechanisms
from politburo.model.actions import Plan
from politburo.model.events import EventLog
from politburo.model.outcome import Outcome, outcome_of
from politburo.model.params import DEFAULT_PARAMETERS, Parameters
from politburo.model.rng import MAX_RUNS
from politburo.model.state import State, initial_state, join_states
from politburo.model.world import World, compile_world
from politburo.progress import Progress
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

    def outcome(self, position: int = 0) -> Outcome:
        """The outcome of the run at ``position`` of the batch, with its alliances (its
        plain-data form, leader ids and months ``YYYY-MM``: ``outcome(k).to_dict()``)."""
        return outcome_of(self.world, self.state, position, self.log)


def run_outcome(world: World, state: State, position: int, log: EventLog | None = None) -> Outcome:
    """Winner, month, each leader's losses, and (given the log) the alliances of one run
    of a batch (:func:`politburo.model.outcome.outcome_of`)."""
    return outcome_of(world, state, position, log)


#: ``watch(turn, state, offset)``: called after month ``turn`` with the state of runs
#: ``offset`` onwards of the batch (a chunk of it, or the whole batch); for reading only.
#: A chunk whose event buffers overflow is run again, so a watch may see a month twice and
#: must keep only the last sight (write by turn and run, never append).
Watch = Callable[[int, State, int], None]

#: runs simulated together by the compiled engine (bounds the event buffers' memory)
CHUNK_WITH_EVENTS = 256
CHUNK_WITHOUT_EVENTS = 4096
#: event records a run's buffer starts with, per month (doubled if a chunk overflows)
EVENTS_PER_MONTH = 32


def _run_indices(runs: int | Iterable[int]) -> NDArray[np.int64]:
    """Run indices 0..runs-1, or those given; refused unless within 0..MAX_RUNS-1 (a
    trillion runs was a MemoryError, a negative index a run no experiment can store)."""
    if isinstance(runs, bool | str | bytes) or not isinstance(runs, int | np.integer | Iterable):
        raise InputError(f"runs {runs!r}: give a number of runs or a list of run indices")
    if isinstance(runs, int | np.integer):
        if not 1 <= runs <= MAX_RUNS:
            raise InputError(f"runs {runs}: must be from 1 to {MAX_RUNS:,}")
        return np.arange(runs, dtype=np.int64)
    try:
        indices = np.fromiter(runs, dtype=np.int64)
    except (TypeError, ValueError, OverflowError):
        raise InputError(f"runs {runs!r}: run indices must be whole numbers") from None
    if indices.size == 0 or indices.min() < 0 or indices.max() >= MAX_RUNS:
        raise InputError(f"runs: run indices must be from 0 to {MAX_RUNS - 1:,}, at least one")
    return indices


def _compiled(
    world: World,
    state: State,
    params: Parameters,
    on: frozenset[str],
    log: EventLog,
    until: int,
    power: NDArray[np.float32],
    threads: int | None,
    progress: Progress | None = None,
    fresh: bool = False,
    watch: Watch | None = None,
) -> State:
    """Advance ``state`` to month ``until`` with the compiled engine, chunk by chunk;
    power after each month goes to ``power[turn]`` and events to ``log``. Returns the
    new state (``state`` itself is left as it was). ``watch``, if given, is shown every
    chunk's state after each month (see :data:`Watch`); the runs are the same with or
    without it."""
    from politburo.kernel.bind import bind
    from politburo.kernel.events import append_to_log
    from politburo.kernel.run import advance_apart, default_threads, spans

    threads = default_threads() if threads is None else threads
    t0 = state.turn
    R = state.n_runs
    L = world.n_leaders
    chunk = CHUNK_WITH_EVENTS if log.enabled else CHUNK_WITHOUT_EVENTS
    months = max(world.months, 1)
    parts = []
    for lo in range(0, R, chunk):
        hi = min(R, lo + chunk)
        capacity = EVENTS_PER_MONTH * months if log.enabled else 4 * months
        while True:
            part = state.select(slice(lo, hi))
            ranges = spans(hi - lo, threads)
            kernels = [
                bind(world, params, on, _rows(part, a, b), log.enabled, capacity) for a, b in ranges
            ]
            series = [np.zeros((max(until - t0, 0), b - a, L), dtype=np.float32) for a, b in ranges]
            if watch is None:
                advance_apart(kernels, t0, until, series, fresh, params.actions_per_month)
            else:
                for turn in range(t0, until):
                    month = [values[turn - t0 : turn - t0 + 1] for values in series]
                    first = fresh and turn == t0
                    advance_apart(kernels, turn, turn + 1, month, first, params.actions_per_month)
                    watch(turn, part, lo)
            if not any(k.ev.lost.any() for k in kernels):
                break
            capacity *= 2  # the buffers overflowed: run the chunk again with room
        for (a, b), k, values in zip(ranges, kernels, series, strict=True):
            append_to_log(k.ev, log, offset=lo + a)
            power[t0:until, lo + a : lo + b] = values
        part.turn = max(until, t0)
        parts.append(part)
        if progress is not None:
            progress("months", round(world.months * hi / R), world.months)
    if not parts:
        return state
    return join_states(parts)


def _rows(state: State, lo: int, hi: int) -> State:
    """A view of runs ``lo:hi`` (the kernel writes through it into ``state``)."""
    values: dict[str, Any] = {
        f.name: getattr(state, f.name)[lo:hi] for f in dataclass_fields(State) if f.name != "turn"
    }
    return State(turn=state.turn, **values)


def simulate(
    scenario: str | Scenario | World,
    seed: int = 0,
    runs: int | Iterable[int] = 1,
    params: Parameters = DEFAULT_PARAMETERS,
    ablate: Iterable[str] = (),
    record_events: bool = True,
    policy: Policy = heuristic,
    progress: Progress | None = None,
    threads: int | None = None,
    watch: Watch | None = None,
) -> BatchResult:
    """Simulate a batch of runs from the calendar start to its end.

    Run ``k`` draws from its own random stream (seed, k), so its result does not depend
    on which other runs share the batch. With the heuristic (the default) the batch runs
    wholly in the compiled engine, on ``threads`` threads (default all cores); another
    policy is asked every month, in Python, between the compiled halves of the month.
    ``watch`` is shown the state after every month (:data:`Watch`);
    ``progress("months", done, total)`` is told how far the batch has come, in months of
    its calendar (the whole batch's share done, when it runs compiled chunk by chunk).
    """
    world = world_of(scenario)
    on = enabled_mechanisms(ablate)
    if policy is not heuristic:
        sim = Simulation.start(world, seed, runs, params, ablate, record_events)
        power = np.zeros((world.months, sim.state.n_runs, world.n_leaders), dtype=np.float32)
        while not sim.over:
            turn = sim.state.turn
            sim.advance(policy=policy)
            power[turn] = sim.state.real_power
            if watch is not None:
                watch(turn, sim.state, 0)
            if progress is not None:
                progress("months", turn + 1, world.months)
        return BatchResult(world, seed, sim.state, sim.log, power, on)
    state = initial_state(world, seed, _run_indices(runs))
    log = EventLog(enabled=record_events)
    power = np.zeros((world.months, state.n_runs, world.n_leaders), dtype=np.float32)
    state = _compiled(
        world, state, params, on, log, world.months, power, threads, progress, True, watch
    )
    return BatchResult(world, seed, state, log, power, on)


class BranchError(InputError):
    """An arm cannot branch from a month its changes precede."""


def first_difference(a: World, b: World) -> int:
    """The first turn at which two compiled worlds differ (``a.months`` if never).

    Scheduled effects and rule dates can differ from a month on; any other fact (an
    office's powers, a leader's traits, the calendar) differs from the start."""
    if a.months != b.months or a.start != b.start:
        return 0
    for name in a.__dataclass_fields__:
        if name in ("effects", "rule_schedule", "scenario"):
            continue
        left, right = getattr(a, name), getattr(b, name)
        if isinstance(left, np.ndarray):
            if left.shape != right.shape or not np.array_equal(left, right):
                return 0
        elif isinstance(left, dict):
            if left.keys() != right.keys() or any(
                not np.array_equal(left[k], right[k]) for k in left
            ):
                return 0
        elif left != right:
            return 0
    turn = a.months
    for t in range(a.months):
        if a.effects[t] != b.effects[t] or not np.array_equal(
            a.rule_schedule[t], b.rule_schedule[t]
        ):
            turn = t
            break
    if a.rule_schedule.shape != b.rule_schedule.shape:
        return 0
    return turn


def simulate_branches(
    trunk: World,
    branches: Mapping[str, tuple[World, Iterable[str]]],
    branch_at: int,
    seed: int = 0,
    runs: int | Iterable[int] = 1,
    params: Parameters = DEFAULT_PARAMETERS,
    record_events: bool = True,
    threads: int | None = None,
) -> dict[str, BatchResult]:
    """Simulate ``trunk`` to turn ``branch_at`` once, then each branch (a world and the
    mechanisms it switches off from that month) from a copy of the saved state.

    A branch whose world differs from the trunk before ``branch_at`` is refused: its
    changes would have had to start earlier than the saved state."""
    for name, (world, _) in branches.items():
        differs = first_difference(trunk, world)
        if differs < branch_at:
            raise BranchError(
                f"arm {name!r} changes the scenario from {trunk.month_label(differs)}, "
                f"before the branch month {trunk.month_label(branch_at)}; branch earlier "
                "or run it without --branch-at"
            )
    trunk_on = enabled_mechanisms(())
    start = initial_state(trunk, seed, _run_indices(runs))
    trunk_log = EventLog(enabled=record_events)
    power = np.zeros((trunk.months, start.n_runs, trunk.n_leaders), dtype=np.float32)
    saved = _compiled(
        trunk, start, params, trunk_on, trunk_log, branch_at, power, threads, None, True
    )
    results = {}
    for name, (world, ablate) in branches.items():
        on = enabled_mechanisms(ablate)
        log = trunk_log.copy()
        arm_power = power.copy()
        state = _compiled(world, saved, params, on, log, world.months, arm_power, threads)
        results[name] = BatchResult(world, seed, state, log, arm_power, on)
    return results


#: event records a run may write in one month of a game before its buffer overflows
EVENTS_IN_ONE_MONTH = 512


class Simulation:
    """Runs of one scenario advanced a month at a time: the one driver behind
    :class:`Game`, the browser's matches and the multi-agent environment.

    Leaders named in ``advance``'s ``actions`` are played from outside; the heuristic
    decides for everyone else in the compiled engine. Another policy (the look-ahead AI)
    decides in Python, from a :class:`~politburo.kernel.view.View` of the month taken
    between its compiled halves.
    """

    def __init__(
        self,
        world: World,
        state: State,
        params: Parameters = DEFAULT_PARAMETERS,
        on: frozenset[str] | None = None,
        record_events: bool = True,
    ) -> None:
        self.world = world
        self.state = state
        self.params = params
        self.on = enabled_mechanisms(()) if on is None else on
        self.log = EventLog(enabled=record_events)
        self._kernel: Any = None
        self._view: View | None = None

    @classmethod
    def start(
        cls,
        scenario: str | Scenario | World,
        seed: int = 0,
        runs: int | Iterable[int] = 1,
        params: Parameters = DEFAULT_PARAMETERS,
        ablate: Iterable[str] = (),
        record_events: bool = True,
    ) -> Simulation:
        """Runs at the calendar start, real power measured."""
        from politburo.kernel.run import start

        world = world_of(scenario)
        state = initial_state(world, seed, _run_indices(runs))
        sim = cls(world, state, params, enabled_mechanisms(ablate), record_events)
        start(sim._bound(), state.turn)
        return sim

    @property
    def over(self) -> bool:
        """The calendar has ended."""
        return self.state.turn >= self.world.months

    @property
    def decided(self) -> bool:
        """The calendar has ended, or someone has consolidated in every run."""
        return self.over or bool((self.state.winner >= 0).all())

    def view(self) -> View:
        """The month as it stands (who can act, blocs, perceived power, legal actions),
        for reading; kept until the next month is played."""
        if self._view is None:
            from politburo.kernel.reading import refresh_runs

            kernel = self._bound()
            refresh_runs(kernel, self.state.turn)
            self._view = View.read(self.world, self.params, self.on, self.state, kernel)
        return self._view

    def _bound(self) -> Any:
        from politburo.kernel.bind import bind

        if self._kernel is None:
            self._kernel = bind(
                self.world, self.params, self.on, self.state, True, EVENTS_IN_ONE_MONTH
            )
        self._kernel.ev.record_all[0] = self.log.enabled
        return self._kernel

    def advance(
        self,
        actions: Mapping[int, Sequence[tuple[int, int]]] | None = None,
        policy: Policy | None = None,
    ) -> Plan:
        """Play one month in every run. ``actions`` maps a leader to his (verb, target)
        choices (the same in every run); the others follow ``policy`` (default: the
        heuristic, compiled). Returns the plan carried out."""
        from politburo.kernel.events import append_to_log
        from politburo.kernel.reading import begin_runs, finish_runs
        from politburo.kernel.run import advance

        if self.over:
            raise RuntimeError("the calendar has ended")
        self._view = None
        R, L = self.state.n_runs, self.world.n_leaders
        budget = self.params.actions_per_month
        outside = Plan.empty(R, L, budget)
        played = np.zeros(L, dtype=bool)
        for leader, chosen in (actions or {}).items():
            played[leader] = True
            for k, (verb, target) in enumerate(list(chosen)[:budget]):
                outside.verb[:, leader, k] = verb
                outside.target[:, leader, k] = target
        kernel = self._bound()
        turn = self.state.turn
        if policy is not None and policy is not heuristic:
            begin_runs(kernel, turn)
            plan = policy(View.read(self.world, self.params, self.on, self.state, kernel))
            plan.verb[:, played, :] = outside.verb[:, played, :]
            plan.target[:, played, :] = outside.target[:, played, :]
            finish_runs(kernel, turn, plan.verb, plan.target)
            taken = (plan.verb, plan.target)
        else:
            power = np.zeros((1, R, L), dtype=np.float32)
            taken = advance(
                kernel, turn, turn + 1, power, 1, (outside.verb, outside.target, played), budget
            )
        append_to_log(kernel.ev, self.log)
        self.state.turn = turn + 1
        return Plan(verb=taken[0], target=taken[1])


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
        self.sim = Simulation.start(scenario, seed, [run_index], params, ablate)
        self.world = self.sim.world
        self.params = params
        self.seed = seed
        self.on = self.sim.on
        self.power: list[NDArray[np.float64]] = []

    @property
    def state(self) -> State:
        return self.sim.state

    @property
    def log(self) -> EventLog:
        return self.sim.log

    @property
    def view(self) -> View:
        """The current month as the rules see it (legal actions, what a leader sees)."""
        return self.sim.view()

    @property
    def over(self) -> bool:
        return self.sim.over

    @property
    def month(self) -> str:
        return self.world.month_label(min(self.state.turn, self.world.months - 1))

    def advance(self, actions: dict[int, list[tuple[int, int]]] | None = None) -> Plan:
        """Play one month. ``actions`` maps a leader index to his (verb, target) choices;
        the other leaders are decided by the heuristic."""
        if self.over:
            raise RuntimeError("the game is over")
        plan = self.sim.advance(actions)
        self.power.append(self.state.real_power[0].copy())
        return plan

    def outcome(self) -> Outcome:
        """The game's outcome so far (its run's, with the alliances)."""
        return run_outcome(self.world, self.state, 0, self.log)
