"""A batch bound to the compiled kernel, for calling its rules one at a time on a
hand-set state (what the NumPy engine's ``Context`` gave the mechanism tests).

The kernel shares the state's arrays: edit them in place (``s.patron[:, i] = j``), never
rebind them, and call :meth:`Bench.refresh` after an edit so the derived values (who is
present, powers, information, votes per bloc, seen power, lazy relations) follow."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import NDArray

from politburo.kernel import derive
from politburo.kernel.bind import bind, refresh_all
from politburo.kernel.events import append_to_log
from politburo.model.events import KIND_CODE, EventLog
from politburo.model.params import DEFAULT_PARAMETERS, Parameters
from politburo.model.state import State
from politburo.model.world import TRAIT, World

#: event records each run's buffer holds (the tests call a few rules, not whole runs)
CAPACITY = 128

P = DEFAULT_PARAMETERS
#: votes without desertion, so a committee owned by one bloc votes as that bloc's leader
NO_DEFECTION = Parameters(defection_rate=0.0)
#: leader votes without idiosyncratic noise, so a vote follows its terms exactly
QUIET_VOTES = Parameters(vote_noise=0.0)


def idx(world: World) -> dict[str, int]:
    """Leader index by name."""
    return {name: i for i, name in enumerate(world.leader_ids)}


def office(world: World, name: str) -> int:
    return world.office_ids.index(name)


def rung_of(world: World, effect: str) -> int:
    """The ladder's rung with this effect."""
    return next(k for k, r in enumerate(world.ladder) if r.effect == effect)


def lev(value: float) -> float:
    """The documented trait factor: (1 - trait_leverage) + trait_leverage * value."""
    return (1.0 - P.trait_leverage) + P.trait_leverage * value


class Bench:
    """``runs`` runs of ``world`` at ``state``'s month, bound to a kernel."""

    def __init__(
        self,
        world: World,
        params: Parameters,
        on: frozenset[str],
        state: State,
        capacity: int = CAPACITY,
    ) -> None:
        self.world = world
        self.params = params
        self.on = on
        self.state = state
        self.k: Any = bind(world, params, on, state, record_events=True, capacity=capacity)
        self.log = EventLog(enabled=True)

    # --- the batch ----------------------------------------------------------------------

    @property
    def t(self) -> int:
        """The month the rules are called at: the state's turn (set ``state.turn``)."""
        return int(self.state.turn)

    @property
    def runs(self) -> int:
        return int(self.state.n_runs)

    def refresh(self) -> None:
        """Rebuild every run's derived values after the state was edited."""
        refresh_all(self.k, self.t)

    def each(self, rule: Callable[..., Any], *args: Any) -> list[Any]:
        """Call a per-run rule ``rule(k, r, t, *args)`` for every run, in order."""
        return [rule(self.k, r, self.t, *args) for r in range(self.runs)]

    def per_run(self, fn: Callable[..., Any], *args: Any) -> NDArray[Any]:
        """``fn(k, r, *args)`` (a query without a month) for every run, stacked."""
        return np.array([np.copy(fn(self.k, r, *args)) for r in range(self.runs)])

    # --- events -------------------------------------------------------------------------

    def events(self) -> dict[str, NDArray[Any]]:
        """Every event recorded so far, decoded into the columnar log."""
        append_to_log(self.k.ev, self.log)
        return self.log.arrays()

    def events_of(self, kind: str) -> dict[str, NDArray[Any]]:
        cols = self.events()
        sel = cols["kind"] == KIND_CODE[kind]
        return {name: col[sel] for name, col in cols.items()}

    def count(self, kind: str) -> int:
        return int((self.events()["kind"] == KIND_CODE[kind]).sum())

    # --- derived values, as the rules see them -------------------------------------------

    @property
    def present(self) -> NDArray[np.bool_]:
        return self.k.d.present

    @property
    def powers(self) -> NDArray[np.float64]:
        return self.k.d.powers

    @property
    def info(self) -> NDArray[np.float64]:
        return self.k.d.info

    @property
    def faction_ban(self) -> NDArray[np.bool_]:
        return self.k.d.ban

    @property
    def seen_power(self) -> NDArray[np.float64]:
        return self.k.d.seen

    @property
    def leadership_votes(self) -> NDArray[np.int64]:
        return self.k.d.lead_votes

    @property
    def committee_votes(self) -> NDArray[np.int64]:
        return self.k.d.comm_votes

    def perceived(self) -> NDArray[np.float64]:
        """(R, L, L) leader i's estimate of leader j's power."""
        return self.per_run(derive.perceived)

    def coalition(self) -> NDArray[np.bool_]:
        """(R, L, L) j is in i's coalition."""
        return self.per_run(derive.coalition)

    def main_threat(self) -> NDArray[np.int64]:
        """(R, L) each leader's main threat (-1 none)."""
        L = self.world.n_leaders
        return np.array(
            [[derive.main_threat(self.k, r, i) for i in range(L)] for r in range(self.runs)]
        )

    def secretary_bloc(self) -> NDArray[np.int64]:
        """(R, G) the bloc each region's secretary answers to (-1 none)."""
        G = len(self.world.region_ids)
        return np.array(
            [[derive.secretary_bloc(self.k, r, g) for g in range(G)] for r in range(self.runs)]
        )

    def trait(self, name: str) -> NDArray[np.float64]:
        """(L,) one trait of every leader as the rules see it."""
        return self.k.w.traits[:, TRAIT[name]]

    @property
    def stigma(self) -> NDArray[np.float64]:
        return self.k.w.stigma
