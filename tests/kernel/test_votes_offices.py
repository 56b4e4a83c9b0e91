"""The compiled votes, offices and discipline rules against the NumPy rules, on snapshot
states of real runs: the same counts, the same state bit for bit, the same events."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

import numpy as np
import pytest
from numba import njit
from numpy.typing import NDArray

from kernel.snapshots import CASES, fresh_copy, snapshot
from politburo.kernel import discipline as kd
from politburo.kernel import offices as ko
from politburo.kernel import votes as kv
from politburo.kernel.bind import bind, refresh_all
from politburo.kernel.events import append_to_log
from politburo.kernel.layout import ROLE_CODE, Role
from politburo.model import discipline as md
from politburo.model import offices as mo
from politburo.model import votes as mv
from politburo.model.context import Context
from politburo.model.events import EventLog
from politburo.model.rng import Stream, uniform
from politburo.model.state import State

Case = tuple[str, int, tuple[str, ...]]


# --- per-run loops over the batch -------------------------------------------------------


@njit(cache=True)
def _tally_all(k, t, role, joint, mover, target, quota, policy, gain, gain_line, out):  # type: ignore[no-untyped-def]
    for r in range(mover.shape[0]):
        yes, no, passed = kv.tally(
            k, r, t, role, joint, mover[r], target[r], quota, policy, gain[r], gain_line[r]
        )
        out[r, 0] = yes
        out[r, 1] = no
        out[r, 2] = passed


@njit(cache=True)
def _logistic_all(u, out):  # type: ignore[no-untyped-def]
    for x in range(u.shape[0]):
        out[x] = kv._logistic(u[x])


@njit(cache=True)
def _discipline_all(k, t, runs, mover, target, office, rung):  # type: ignore[no-untyped-def]
    for x in range(runs.shape[0]):
        kd.move_discipline(k, runs[x], t, mover[x], target[x], office, rung)


@njit(cache=True)
def _recant_all(k, t, runs, actor):  # type: ignore[no-untyped-def]
    for x in range(runs.shape[0]):
        kd.recant(k, runs[x], t, actor[x], -1)


@njit(cache=True)
def _leave_posts_all(k, t, runs, leader):  # type: ignore[no-untyped-def]
    for x in range(runs.shape[0]):
        ko.leave_posts(k, runs[x], t, leader[x])


@njit(cache=True)
def _fill_seats_all(k, t, runs):  # type: ignore[no-untyped-def]
    for x in range(runs.shape[0]):
        ko.fill_seats(k, runs[x], t)


@njit(cache=True)
def _nominate_all(k, role, for_seat, out):  # type: ignore[no-untyped-def]
    for r in range(out.shape[0]):
        out[r] = ko.nominate(k, r, role, for_seat)


@njit(cache=True)
def _main_office_all(k, leader, out):  # type: ignore[no-untyped-def]
    for r in range(out.shape[0]):
        out[r] = ko.main_office(k, r, leader[r])


# --- helpers ----------------------------------------------------------------------------


def _pair(case: Case) -> tuple[Context, State, Any]:
    """A NumPy context and a kernel over two deep copies of the snapshot's state."""
    scenario, month, ablate = case
    base = snapshot(scenario, month, ablate=ablate)
    ctx = fresh_copy(base)
    twin = base.state.copy()
    k = bind(ctx.world, ctx.params, ctx.on, twin, record_events=True)
    return ctx, twin, k


def _same_bits(a: NDArray[Any], b: NDArray[Any]) -> NDArray[np.bool_]:
    """(R,) runs whose arrays agree exactly (floats bit for bit)."""
    a, b = np.ascontiguousarray(a), np.ascontiguousarray(b)
    if a.dtype.kind == "f":
        a, b = a.view(np.uint64), b.view(np.uint64)
    if a.ndim == 1:
        return a == b
    return (a == b).reshape(a.shape[0], -1).all(axis=1)


def _mismatches(ctx: Context, twin: State, k: Any) -> dict[str, int]:
    """Runs that differ, per State field and for the event log."""
    out: dict[str, int] = {}
    for f in fields(State):
        a, b = getattr(ctx.state, f.name), getattr(twin, f.name)
        if f.name == "turn":
            if a != b:
                out["turn"] = 1
            continue
        bad = int((~_same_bits(a, b)).sum())
        if bad:
            out[f.name] = bad
    log = EventLog(enabled=True)
    append_to_log(k.ev, log)
    mine, theirs = log.arrays(), ctx.log.arrays()
    R = twin.n_runs
    bad_runs = 0
    for r in range(R):
        sel_a = theirs["run"] == r
        sel_b = mine["run"] == r
        same = int(sel_a.sum()) == int(sel_b.sum())
        if same:
            for name in ("turn", "kind", "actor", "target", "obj", "yes", "no"):
                same = same and np.array_equal(theirs[name][sel_a], mine[name][sel_b])
            same = same and np.array_equal(
                theirs["value"][sel_a], mine["value"][sel_b], equal_nan=True
            )
        bad_runs += not same
    if bad_runs:
        out["events"] = bad_runs
    return out


def _events(ctx: Context) -> int:
    return int(ctx.log.arrays()["run"].size)


def _strongest(ctx: Context) -> NDArray[np.int64]:
    """Each run's strongest principal."""
    return np.where(ctx.principal, ctx.state.real_power, -1.0).argmax(axis=1)


def _rival(ctx: Context, mover: NDArray[np.int64]) -> NDArray[np.int64]:
    """Each run's strongest principal outside the mover's coalition, else the strongest
    other present leader, else the next leader."""
    R, L = ctx.principal.shape
    coal = ctx.coalition()[np.arange(R), mover]  # (R, L)
    power = ctx.state.real_power
    others = np.arange(L)[None, :] != mover[:, None]
    first = np.where(ctx.principal & ~coal & others, power, -np.inf)
    second = np.where(ctx.present & others, power, -np.inf)
    pick = np.where(np.isfinite(first.max(axis=1)), first.argmax(axis=1), second.argmax(axis=1))
    none = ~np.isfinite(second.max(axis=1)) & ~np.isfinite(first.max(axis=1))
    return np.where(none, (mover + 1) % L, pick)


def _weakest(ctx: Context) -> NDArray[np.int64]:
    """Each run's weakest principal other than the strongest (or the strongest if alone)."""
    strong = _strongest(ctx)
    L = ctx.principal.shape[1]
    mask = ctx.principal & (np.arange(L)[None, :] != strong[:, None])
    score = np.where(mask, ctx.state.real_power, np.inf)
    return np.where(mask.any(axis=1), score.argmin(axis=1), strong)


def _joint(roles: tuple[str, ...]) -> NDArray[np.bool_]:
    joint = np.zeros(len(Role), dtype=np.bool_)
    for role in roles:
        joint[ROLE_CODE[role]] = True
    return joint


# --- tests ------------------------------------------------------------------------------


def test_logistic_noise_is_bit_identical() -> None:
    keys = np.arange(1, 9, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15)
    u = uniform(keys, 17, Stream.VOTE_LEADERS, (5000,), 12345).ravel()
    u = np.concatenate([u, [0.0, 1e-300, 0.5, 1.0 - 2.0**-53]])
    expected = mv._logistic(u)
    out = np.empty_like(u)
    _logistic_all(u, out)
    assert np.array_equal(expected.view(np.uint64), out.view(np.uint64))


def test_motion_salt() -> None:
    for mover, target, policy in ((-1, 3, False), (4, -1, True), (2, 7, False), (-1, -1, True)):
        gain = np.zeros(1) if policy else None
        expected = mv.motion_salt(np.array([mover]), np.array([target]), gain)[0]
        assert kv.motion_salt(mover, target, policy) == expected


_BODIES = (
    ("leadership", (), 0.5),
    ("committee", (), 0.5),
    ("committee", ("control",), 0.667),
    ("control", ("committee", "control"), 0.5),
    ("leadership", ("committee", "control"), 0.5),
    ("congress", ("committee",), 0.5),
)


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c[0]}@{c[1]}-{'-'.join(c[2])}")
def test_tally(case: Case) -> None:
    ctx, twin, k = _pair(case)
    R, L = ctx.principal.shape
    t = ctx.state.turn
    rows = np.arange(R)
    strong = _strongest(ctx)
    rival = _rival(ctx, strong)
    weak = _weakest(ctx)
    none = np.full(R, -1)
    motions = [(strong, rival), (none, rival), (strong, weak), (weak, strong), (none, strong)]
    rng = np.random.default_rng(case[1])
    zeros_gain, zeros_line = np.zeros((R, L)), np.zeros(R)
    bad = 0
    for role, joint, quota in _BODIES:
        for mover, target in motions:
            ref = mv.tally(ctx, rows, role, mover, target, quota, joint)
            out = np.zeros((R, 3), dtype=np.int64)
            _tally_all(
                k,
                t,
                ROLE_CODE[role],
                _joint(joint),
                mover,
                target,
                quota,
                False,
                zeros_gain,
                zeros_line,
                out,
            )
            got = (out[:, 0], out[:, 1], out[:, 2].astype(bool))
            bad += int(((ref.yes != got[0]) | (ref.no != got[1]) | (ref.passed != got[2])).sum())
        # A policy motion: a gain per leader and for the uncommitted line.
        gain = rng.normal(0.0, 0.3, (R, L))
        line = rng.normal(0.0, 0.3, R)
        ref = mv.tally(ctx, rows, role, strong, none, 0.5, joint, gain, line)
        out = np.zeros((R, 3), dtype=np.int64)
        _tally_all(k, t, ROLE_CODE[role], _joint(joint), strong, none, 0.5, True, gain, line, out)
        bad += int(
            ((ref.yes != out[:, 0]) | (ref.no != out[:, 1]) | (ref.passed != out[:, 2])).sum()
        )
    assert bad == 0
    assert _mismatches(ctx, twin, k) == {}  # voting changes nothing


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c[0]}@{c[1]}-{'-'.join(c[2])}")
def test_nominate_and_main_office(case: Case) -> None:
    ctx, _, k = _pair(case)
    R = ctx.principal.shape[0]
    for role in ("leadership", "committee", "control", "congress"):
        for for_seat in (False, True):
            ref = mo.nominate(ctx, np.arange(R), role, for_seat)
            out = np.zeros(R, dtype=np.int64)
            _nominate_all(k, ROLE_CODE[role], for_seat, out)
            assert np.array_equal(ref, out), (role, for_seat)
    for leader in (_strongest(ctx), _weakest(ctx)):
        out = np.zeros(R, dtype=np.int64)
        _main_office_all(k, leader, out)
        assert np.array_equal(mo.main_office(ctx, leader), out)


def _discipline_variants(case: Case) -> list[tuple[str, int, int]]:
    """(mover kind, office, rung) variants: the next rung and every rung by name, moved by
    the strongest leader and by the plenum; removal from a named office."""
    world = snapshot(case[0], case[1], ablate=case[2]).world
    out = [("strong", -1, -1), ("plenum", -1, -1)]
    for rung in range(len(world.ladder)):
        out += [("strong", -1, rung), ("plenum", -1, rung)]
    remove = [i for i, r in enumerate(world.ladder) if r.effect == "remove_office"]
    for rung in remove:
        out += [("plenum", 0, rung), ("plenum", 1, rung)]
    return out


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c[0]}@{c[1]}-{'-'.join(c[2])}")
def test_move_discipline(case: Case) -> None:
    problems = {}
    for who, office, rung in _discipline_variants(case):
        for pick in ("rival", "weak"):
            ctx, twin, k = _pair(case)
            R = ctx.principal.shape[0]
            rows = np.arange(R)
            strong = _strongest(ctx)
            target = _rival(ctx, strong) if pick == "rival" else _weakest(ctx)
            target = np.where(target == strong, (strong + 1) % ctx.world.n_leaders, target)
            mover = strong if who == "strong" else np.full(R, -1)
            md.move_discipline(
                ctx,
                rows,
                mover,
                target,
                None if office < 0 else np.full(R, office),
                None if rung < 0 else rung,
            )
            _discipline_all(k, ctx.state.turn, rows, mover, target, office, rung)
            found = _mismatches(ctx, twin, k)
            if found:
                problems[(who, pick, office, rung)] = found
    assert problems == {}


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c[0]}@{c[1]}-{'-'.join(c[2])}")
def test_leave_posts(case: Case) -> None:
    problems = {}
    for variant in ("in_place", "died", "office_holder"):
        ctx, twin, k = _pair(case)
        R = ctx.principal.shape[0]
        rows = np.arange(R)
        leader = _strongest(ctx)
        if variant == "office_holder":
            holder = ctx.state.office_holder[:, 0]
            rows = rows[holder >= 0]
            leader = holder[holder >= 0]
        if variant == "died":
            for state in (ctx.state, twin):
                state.alive[rows, leader] = False
            ctx.refresh()
            refresh_all(k, twin.turn)
        mo.leave_posts(ctx, rows, leader)
        _leave_posts_all(k, twin.turn, rows, leader)
        found = _mismatches(ctx, twin, k)
        if found:
            problems[variant] = found
    assert problems == {}


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c[0]}@{c[1]}-{'-'.join(c[2])}")
def test_fill_seats(case: Case) -> None:
    ctx, twin, k = _pair(case)
    R = ctx.principal.shape[0]
    rows = np.arange(R)
    # Empty the seats of the two strongest seated leaders of every run.
    for _ in range(2):
        seated = np.where(ctx.state.seat != 0, ctx.state.prestige, -np.inf)
        who = seated.argmax(axis=1)
        for state in (ctx.state, twin):
            state.seat[rows, who] = 0
    ctx.refresh()
    refresh_all(k, twin.turn)
    mo.fill_seats(ctx, rows)
    _fill_seats_all(k, twin.turn, rows)
    assert _mismatches(ctx, twin, k) == {}


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c[0]}@{c[1]}-{'-'.join(c[2])}")
def test_recant(case: Case) -> None:
    problems = {}
    for variant in ("member", "expelled"):
        ctx, twin, k = _pair(case)
        R = ctx.principal.shape[0]
        rows = np.arange(R)
        actor = _weakest(ctx)
        if variant == "expelled":
            for state in (ctx.state, twin):
                state.in_party[rows, actor] = False
            ctx.refresh()
            refresh_all(k, twin.turn)
        md.recant(ctx, rows, actor)
        _recant_all(k, twin.turn, rows, actor)
        found = _mismatches(ctx, twin, k)
        if found:
            problems[variant] = found
    assert problems == {}
