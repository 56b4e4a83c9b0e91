"""The compiled congress (:mod:`politburo.kernel.congress`) against the NumPy rules
(:mod:`politburo.model.congress`): the same state, bit for bit, and the same events."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

import numpy as np
import pytest
from numba import njit

from politburo.kernel import congress as kc
from politburo.kernel.bind import bind
from politburo.kernel.derive import refresh
from politburo.kernel.events import Event, append_to_log
from politburo.kernel.layout import Role
from politburo.model import congress as mc
from politburo.model.context import Context
from politburo.model.events import EventLog
from politburo.model.state import State

from .snapshots import CASES, fresh_copy, snapshot

#: snapshots at months the scenarios hold a congress (see ``world.effects``), some
#: with mechanisms switched off
CONGRESS_CASES: tuple[tuple[str, int, tuple[str, ...]], ...] = (
    ("ussr-1922", 12, ()),
    ("ussr-1922", 44, ()),
    ("ussr-1922", 98, ()),
    ("ussr-1922", 44, ("congress_elections",)),
    ("ussr-1922", 25, ("faction_ban", "legitimacy")),
    ("toy-3", 12, ()),
    ("toy-3", 24, ()),
)
ALL_CASES = CASES + CONGRESS_CASES


@njit(cache=True)
def _delegations(k, t, out):  # type: ignore[no-untyped-def]
    for r in range(out.shape[0]):
        out[r] = kc.delegations(k, r, t)


@njit(cache=True)
def _conference(k, t):  # type: ignore[no-untyped-def]
    for r in range(k.s.alive.shape[0]):
        kc.hold_conference(k, r, t)


@njit(cache=True)
def _vote_and_elect(k, t):  # type: ignore[no-untyped-def]
    """A congress up to the committee election (before seats and offices are filled)."""
    for r in range(k.s.alive.shape[0]):
        refresh(k, r, t)
        delegates = k.w.full_seats[Role.CONGRESS, min(t, k.w.months - 1)]
        shares = kc.delegations(k, r, t)
        kc.report_vote(k, r, t, shares, delegates, Event.CONGRESS_VOTE)
        kc.elect_committee(k, r, t, shares)


@njit(cache=True)
def _congress(k, t):  # type: ignore[no-untyped-def]
    for r in range(k.s.alive.shape[0]):
        kc.hold_congress(k, r, t)


def _pair(case: tuple[str, int, tuple[str, ...]], factions: bool) -> tuple[Context, Any, State]:
    """The NumPy context and a kernel over a second copy of the same state. With
    ``factions`` every bloc leader leads an organized faction (so the report is opposed)."""
    ctx = fresh_copy(snapshot(case[0], case[1], ablate=case[2]))
    twin = fresh_copy(snapshot(case[0], case[1], ablate=case[2]))
    if factions:
        for state in (ctx.state, twin.state):
            principal = state.patron == np.arange(state.patron.shape[1])[None, :]
            state.faction |= principal
        ctx.refresh()
    k = bind(ctx.world, ctx.params, ctx.on, twin.state, record_events=True)
    return ctx, k, twin.state


def _mismatches(ctx: Context, k: Any, state: State) -> dict[str, int]:
    """Entries that differ, per State field and per event-log column."""
    out: dict[str, int] = {}
    for f in fields(State):
        a, b = np.asarray(getattr(ctx.state, f.name)), np.asarray(getattr(state, f.name))
        if a.shape != b.shape:
            out[f.name] = -1
            continue
        bad = int(np.sum(~((a == b) | ((a != a) & (b != b)))))
        if bad:
            out[f.name] = bad
    log = EventLog()
    append_to_log(k.ev, log)
    ours, theirs = log.arrays(), ctx.log.arrays()
    if ours["run"].size != theirs["run"].size:
        out["events"] = abs(int(ours["run"].size) - int(theirs["run"].size)) or -1
        return out
    for name, column in theirs.items():
        if not np.array_equal(column, ours[name], equal_nan=True):
            out[f"event {name}"] = int(np.sum(column != ours[name]))
    return out


@pytest.mark.parametrize("case", ALL_CASES)
def test_delegations(case: tuple[str, int, tuple[str, ...]]) -> None:
    ctx, k, _ = _pair(case, factions=case[1] % 2 == 0)
    expected = mc.delegations(ctx)
    got = np.empty_like(expected)
    _delegations(k, ctx.state.turn, got)
    assert np.array_equal(expected.view(np.int64), got.view(np.int64))


@pytest.mark.parametrize("factions", [False, True])
@pytest.mark.parametrize("case", ALL_CASES)
def test_conference(case: tuple[str, int, tuple[str, ...]], factions: bool) -> None:
    ctx, k, state = _pair(case, factions)
    mc.hold_conference(ctx, None)  # type: ignore[arg-type]
    _conference(k, ctx.state.turn)
    assert _mismatches(ctx, k, state) == {}


@pytest.mark.parametrize("factions", [False, True])
@pytest.mark.parametrize("case", ALL_CASES)
def test_report_vote_and_committee_election(
    case: tuple[str, int, tuple[str, ...]], factions: bool
) -> None:
    ctx, k, state = _pair(case, factions)
    s, w = ctx.state, ctx.world
    ctx.refresh()
    shares = mc.delegations(ctx)
    mc.report_vote(
        ctx, shares, int(w.full_seats["congress"][min(s.turn, w.months - 1)]), "congress_vote"
    )
    mc.elect_committee(ctx, shares)
    _vote_and_elect(k, s.turn)
    assert _mismatches(ctx, k, state) == {}


@pytest.mark.parametrize("factions", [False, True])
@pytest.mark.parametrize("case", ALL_CASES)
def test_hold_congress(case: tuple[str, int, tuple[str, ...]], factions: bool) -> None:
    ctx, k, state = _pair(case, factions)
    mc.hold_congress(ctx, None)  # type: ignore[arg-type]
    _congress(k, ctx.state.turn)
    assert _mismatches(ctx, k, state) == {}


def test_control_body_in_both_scenarios() -> None:
    """Both built-in scenarios elect a control body with seats (toy-3 too)."""
    for scenario in ("ussr-1922", "toy-3"):
        world = snapshot(scenario, 12).world
        assert "control" in world.full_seats
        assert world.full_seats["control"].min() > 0


@pytest.mark.parametrize("case", [("toy-3", 12, ()), ("ussr-1922", 44, ("congress_elections",))])
def test_hold_congress_without_control_seats(case: tuple[str, int, tuple[str, ...]]) -> None:
    """A state whose control body has no seat columns: nothing is drawn for it."""
    ctx, _, _ = _pair(case, factions=True)
    twin = fresh_copy(ctx)
    for state in (ctx.state, twin.state):
        state.control = np.ascontiguousarray(state.control[:, :0])
    ctx.refresh()
    k = bind(ctx.world, ctx.params, ctx.on, twin.state, record_events=True)
    mc.hold_congress(ctx, None)  # type: ignore[arg-type]
    _congress(k, ctx.state.turn)
    assert _mismatches(ctx, k, twin.state) == {}
