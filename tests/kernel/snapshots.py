"""States of real runs part-way through, for comparing the compiled rules with the NumPy
rules on the same input (the NumPy engine is the reference until it is retired)."""

from __future__ import annotations

import functools
from collections.abc import Iterable

from politburo.model.context import Context
from politburo.model.params import DEFAULT_PARAMETERS, Parameters
from politburo.model.state import State
from politburo.model.switches import enabled_mechanisms
from politburo.simulation import _advance, _start, decide, world_of


@functools.lru_cache(maxsize=32)
def snapshot(
    scenario: str,
    month: int,
    runs: int = 40,
    seed: int = 11,
    ablate: tuple[str, ...] = (),
    params: Parameters = DEFAULT_PARAMETERS,
) -> Context:
    """A fresh context of ``runs`` runs advanced to ``month`` by the NumPy engine
    (cached: copy the state before changing it)."""
    world = world_of(scenario)
    on = enabled_mechanisms(ablate)
    ctx, power = _start(world, seed, runs, params, on, False)
    _advance(ctx, month, power, decide)
    ctx.refresh()
    return ctx


def fresh_copy(ctx: Context, record_events: bool = True) -> Context:
    """A new context over a deep copy of ``ctx``'s state (and an empty event log)."""
    from politburo.model.events import EventLog

    state: State = ctx.state.copy()
    return Context(ctx.world, ctx.params, ctx.on, state, EventLog(enabled=record_events))


CASES: tuple[tuple[str, int, tuple[str, ...]], ...] = (
    ("ussr-1922", 5, ()),
    ("ussr-1922", 25, ()),
    ("ussr-1922", 50, ()),
    ("ussr-1922", 80, ()),
    ("ussr-1922", 40, ("policy",)),
    ("ussr-1922", 40, ("alliances", "perception")),
    ("toy-3", 10, ()),
    ("toy-3", 30, ("traits",)),
)


def cases(which: Iterable[int] | None = None) -> list[tuple[str, int, tuple[str, ...]]]:
    return list(CASES) if which is None else [CASES[i] for i in which]
