"""Bind a batch to the kernel: pack the world, parameters, switches, state, derived
arrays and event buffers into one :class:`~politburo.kernel.layout.Kernel`."""

from __future__ import annotations

from typing import Any

from numba import njit

from politburo.kernel.derive import refresh
from politburo.kernel.layout import (
    Kernel,
    new_derived,
    new_events,
    pack_mechanisms,
    pack_params,
    pack_state,
    pack_world,
)
from politburo.kernel.schedule import pack_schedule
from politburo.model.params import Parameters
from politburo.model.state import State
from politburo.model.world import World

#: event records each run's buffer holds per month of the calendar
EVENTS_PER_MONTH = 64


def bind(
    world: World,
    params: Parameters,
    on: frozenset[str],
    state: State,
    record_events: bool = False,
    capacity: int | None = None,
) -> Any:
    """A kernel over ``state``'s arrays (shared: the kernel writes into ``state``) with
    fresh derived values for the state's month."""
    runs = state.n_runs
    if capacity is None:
        capacity = EVENTS_PER_MONTH * world.months if record_events else 4 * world.months
    k = Kernel(
        s=pack_state(state),
        d=new_derived(runs, world),
        w=pack_world(world, params, on),
        p=pack_params(params),
        on=pack_mechanisms(on),
        ev=new_events(runs, capacity, record_events),
        fx=pack_schedule(world),
    )
    refresh_all(k, state.turn)
    return k


@njit(cache=True, nogil=True)
def refresh_all(k, t):  # type: ignore[no-untyped-def]
    """Refresh every run's derived values."""
    for r in range(k.s.alive.shape[0]):
        refresh(k, r, t)
