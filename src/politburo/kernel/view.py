"""The month as the rules see it, read out of the compiled engine for decisions made in
Python: a human's legal actions and what he can know, the look-ahead AI's candidates,
the multi-agent environment's observations.

A :class:`View` is a snapshot: its arrays are copies, taken when it was made (at a month
boundary, or in the middle of a month, after the scheduled events and the gathering of
information, when a :data:`Policy` decides). Its queries (``legal``, ``scores``,
``heuristic_plan``) ask the kernel, which must not have moved on since.

Plain Python (no compiled code), so it is left out of the compile cache's key.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
from numpy.typing import NDArray

from politburo.model.actions import Plan, Verb, n_targets
from politburo.model.params import Parameters
from politburo.model.state import State
from politburo.model.world import World


@dataclass(frozen=True)
class Forecast:
    """What the rules expect of one action this month: ``chance`` that it succeeds (None
    where success is not a matter of chance), and for a vote the expected yes ``yes`` of
    ``votes`` votes (0 of 0 without a vote); ``rung`` the disciplinary rung moved, -1."""

    chance: float | None
    yes: float
    votes: int
    rung: int


@dataclass
class View:
    """Derived values of every run of a batch at one moment (shape letters as in
    :mod:`politburo.model.state`), with the kernel they came from for queries."""

    world: World
    params: Parameters
    on: frozenset[str]
    state: State
    kernel: Any = field(repr=False)
    present: NDArray[np.bool_]  # (R, L) alive, in party, capable, not exiled
    can_act: NDArray[np.bool_]  # (R, L) present and an actor
    principal: NDArray[np.bool_]  # (R, L) present bloc leaders
    powers: NDArray[np.float64]  # (R, L, P) powers of the offices each leader holds
    info: NDArray[np.float64]  # (R, L) information, 0-1
    faction_ban: NDArray[np.bool_]  # (R,) the ban on factions is in force
    leadership_votes: NDArray[np.int64]  # (R, L) full leadership seats per bloc
    committee_votes: NDArray[np.int64]  # (R, L) committee seats per bloc
    seen_power: NDArray[np.float64]  # (R, L) the stature outsiders see
    perceived: NDArray[np.float64]  # (R, L, L) leader i's estimate of leader j's power
    coalition: NDArray[np.bool_]  # (R, L, L) j in i's coalition (bloc or allied bloc)
    secretary_bloc: NDArray[np.int64]  # (R, G) bloc of each region's secretary, -1 none

    @classmethod
    def read(
        cls, world: World, params: Parameters, on: frozenset[str], state: State, kernel: Any
    ) -> View:
        """Copy the kernel's derived values as they stand (fresh as of its last refresh)."""
        from politburo.kernel.reading import relations

        R, L = state.n_runs, world.n_leaders
        d = kernel.d
        seen = np.empty((R, L, L))
        coal = np.empty((R, L, L), dtype=np.bool_)
        sec = np.empty((R, len(world.region_ids)), dtype=np.int64)
        relations(kernel, seen, coal, sec)
        return cls(
            world=world,
            params=params,
            on=on,
            state=state,
            kernel=kernel,
            present=np.array(d.present),
            can_act=np.array(d.can_act),
            principal=np.array(d.principal),
            powers=np.array(d.powers),
            info=np.array(d.info),
            faction_ban=np.array(d.ban),
            leadership_votes=np.array(d.lead_votes),
            committee_votes=np.array(d.comm_votes),
            seen_power=np.array(d.seen),
            perceived=seen,
            coalition=coal,
            secretary_bloc=sec,
        )

    @property
    def turn(self) -> int:
        return self.state.turn

    @property
    def n_targets(self) -> int:
        """Width of the target axis of ``legal`` and ``scores``: the largest domain."""
        return max(n_targets(self.world, verb) for verb in Verb)

    def legal(self, leader: int, run: int = 0) -> NDArray[np.bool_]:
        """(16, targets): the actions ``leader`` may take in batch position ``run``
        (column 0 for verbs that take no target)."""
        from politburo.kernel.reading import legal_mask

        out = np.zeros((len(Verb), self.n_targets), dtype=np.bool_)
        legal_mask(self.kernel, run, self.turn, leader, out)
        return out

    def scores(self, run: int = 0) -> NDArray[np.float64]:
        """(L, 16, targets): the heuristic's score of every legal action of every leader
        in batch position ``run``, before its taste noise; -inf where illegal."""
        from politburo.kernel.reading import score_table

        table = np.full((self.world.n_leaders, len(Verb), self.n_targets), -np.inf)
        score_table(self.kernel, run, self.turn, table)
        return table

    def heuristic_plan(self) -> Plan:
        """What the heuristic decides for every leader in every run."""
        from politburo.kernel.reading import decide_all

        plan = Plan.empty(self.state.n_runs, self.world.n_leaders, self.params.actions_per_month)
        decide_all(self.kernel, self.turn, plan.verb, plan.target)
        return plan

    def forecast(self, leader: int, verb: Verb, target: int, run: int = 0) -> Forecast:
        """What the rules expect if ``leader`` took (``verb``, ``target``) now, in batch
        position ``run``: a chance of success or a vote's expected count (see
        :func:`politburo.kernel.reading.forecast_action`)."""
        from politburo.kernel.reading import forecast_action

        out = np.empty(4)
        forecast_action(self.kernel, run, self.turn, leader, int(verb), max(target, 0), out)
        return Forecast(
            chance=None if out[0] < 0 else float(out[0]),
            yes=float(out[1]),
            votes=int(out[2]),
            rung=int(out[3]),
        )

    @cached_property
    def rows(self) -> NDArray[np.int64]:
        return np.arange(self.state.n_runs)


#: a decision rule: the month as it stands (after the scheduled events and the gathering
#: of information) -> every leader's actions in every run
Policy = Callable[[View], Plan]


def heuristic(view: View) -> Plan:
    """The heuristic as a :data:`Policy` (batches with it run wholly compiled)."""
    return view.heuristic_plan()
