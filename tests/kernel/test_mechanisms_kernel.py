"""The compiled mechanisms (alliances, legitimacy, policy, information, faction ban,
recruitment, appointment) against the NumPy rules, on snapshot states of real runs: the
same state bit for bit and the same events, run by run."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

import numpy as np
import pytest
from numba import njit
from numpy.typing import NDArray

from kernel.snapshots import CASES, fresh_copy, snapshot
from politburo.kernel import alliances as k_alliances
from politburo.kernel import appointment as k_appointment
from politburo.kernel import faction_ban as k_faction_ban
from politburo.kernel import information as k_information
from politburo.kernel import legitimacy as k_legitimacy
from politburo.kernel import policy as k_policy
from politburo.kernel import recruitment as k_recruitment
from politburo.kernel.bind import bind
from politburo.kernel.derive import forget_relations, refresh
from politburo.kernel.events import append_to_log
from politburo.kernel.npmath import clip, tanh
from politburo.model import (
    alliances,
    appointment,
    faction_ban,
    information,
    legitimacy,
    policy,
    recruitment,
)
from politburo.model.actions import Verb, legal_targets
from politburo.model.context import Context
from politburo.model.events import EventLog
from politburo.model.state import State
from politburo.model.step import RESOLVERS
from politburo.model.world import CompiledEffect

Case = tuple[str, int, tuple[str, ...]]

#: the snapshot cases, and two with the mechanisms these rules switch on and off
MY_CASES: tuple[Case, ...] = (
    *CASES,
    ("toy-3", 10, ("legitimacy", "information", "recruitment", "faction_ban", "policy")),
    ("ussr-1922", 25, ("traits", "perception", "appointment")),
)

#: the verbs ported here, in resolution order
VERBS = (
    Verb.BREAK_ALLIANCE,
    Verb.PROPOSE_ALLIANCE,
    Verb.SHIFT_POSITION,
    Verb.WIN_OVER,
    Verb.APPOINT,
    Verb.RECRUIT,
    Verb.ATTACK,
    Verb.DEFEND_LINE,
    Verb.CRITICIZE_LINE,
    Verb.APPEAL,
    Verb.GATHER_MATERIAL,
    Verb.ORGANIZE_FACTION,
    Verb.PROPOSE_POLICY,
)

#: drift pieces in the order of ``politburo.model.step.drift``
DRIFT = (
    recruitment.run_drives,
    recruitment.grow_membership,
    legitimacy.drift_prestige,
    alliances.drift_loyalty,
    appointment.drift_secretaries,
    policy.run_crises,
    faction_ban.factional_evidence,
    information.decay_material,
)

ROUNDS = 24  # actions per verb and run (one per round, as in a slot of the acting order)


# --- per-run loops over the batch -------------------------------------------------------


@njit(cache=True)
def _resolve_all(k, t, verb, actor, target):  # type: ignore[no-untyped-def]
    for r in range(actor.shape[0]):
        a = actor[r]
        b = target[r]
        if a < 0:
            continue
        if verb == 2:
            k_alliances.break_alliance(k, r, t, a, b)
        elif verb == 3:
            k_alliances.propose_alliance(k, r, t, a, b)
            forget_relations(k, r)  # as resolve_actions does after each slot
        elif verb == 4:
            k_policy.shift_position(k, r, t, a, b)
        elif verb == 5:
            k_alliances.win_over(k, r, t, a, b)
        elif verb == 6:
            k_appointment.appoint(k, r, t, a, b)
        elif verb == 7:
            k_recruitment.recruit(k, r, t, a, b)
        elif verb == 8:
            k_legitimacy.attack(k, r, t, a, b)
        elif verb == 9:
            k_legitimacy.defend_line(k, r, t, a, b)
        elif verb == 10:
            k_legitimacy.criticize_line(k, r, t, a, b)
        elif verb == 11:
            k_legitimacy.appeal(k, r, t, a, b)
        elif verb == 12:
            k_information.gather_material(k, r, t, a, b)
        elif verb == 13:
            k_faction_ban.organize_faction(k, r, t, a, b)
        elif verb == 14:
            k_policy.propose_policy(k, r, t, a, b)


@njit(cache=True)
def _drift_all(k, t, which):  # type: ignore[no-untyped-def]
    for r in range(k.s.alive.shape[0]):
        if which == 0:
            k_recruitment.run_drives(k, r, t)
        elif which == 1:
            k_recruitment.grow_membership(k, r, t)
        elif which == 2:
            k_legitimacy.drift_prestige(k, r, t)
        elif which == 3:
            k_alliances.drift_loyalty(k, r, t)
        elif which == 4:
            k_appointment.drift_secretaries(k, r, t)
        elif which == 5:
            k_policy.run_crises(k, r, t)
        elif which == 6:
            k_faction_ban.factional_evidence(k, r, t)
        elif which == 7:
            k_information.decay_material(k, r, t)
        elif which == 8:
            k_information.gather_information(k, r, t)


@njit(cache=True)
def _refresh_all(k, t, runs):  # type: ignore[no-untyped-def]
    for x in range(runs.shape[0]):
        refresh(k, runs[x], t)


@njit(cache=True)
def _effect_all(k, t, kind, leader, leaders, others, deltas, number, value, extra, months):  # type: ignore[no-untyped-def]
    for r in range(k.s.alive.shape[0]):
        if kind == 0:
            k_legitimacy.prestige_event(k, r, t, leader, value)
        elif kind == 1:
            k_legitimacy.funeral(k, r, t, leader, leaders, others)
        elif kind == 2:
            k_legitimacy.document(k, r, t, number == 1, leaders, deltas)
        elif kind == 3:
            k_policy.start_crisis(k, r, t, number, value, extra, months)
        elif kind == 4:
            k_recruitment.start_drive(k, r, t, number, value, months)
        elif kind == 5:
            k_alliances.scheduled_alliance(k, r, t, leaders)
        refresh(k, r, t)


@njit(cache=True)
def _boost_all(k, out):  # type: ignore[no-untyped-def]
    for r in range(out.shape[0]):
        for i in range(out.shape[1]):
            out[r, i] = k_faction_ban.faction_boost(k, r, i)


@njit(cache=True)
def _tanh_all(x, out):  # type: ignore[no-untyped-def]
    for n in range(x.shape[0]):
        out[n] = tanh(x[n])


# --- helpers ----------------------------------------------------------------------------


def _pair(case: Case) -> tuple[Context, Any]:
    """A NumPy context and a kernel over two copies of the same snapshot."""
    scenario, month, ablate = case
    base = snapshot(scenario, month, ablate=ablate)
    ctx = fresh_copy(base)
    twin = fresh_copy(base).state
    k = bind(ctx.world, ctx.params, ctx.on, twin, record_events=True)
    return ctx, k


def _kernel_state(k: Any, turn: int) -> dict[str, NDArray[Any]]:
    return {name: getattr(k.s, name) for name in k.s._fields} | {"turn": np.asarray(turn)}


def _mismatches(ctx: Context, k: Any, t: int) -> dict[str, int]:
    """Fields (and event columns) that differ, with the number of differing elements."""
    bad: dict[str, int] = {}
    mine = _kernel_state(k, t)
    for f in fields(State):
        a = np.asarray(getattr(ctx.state, f.name))
        b = mine[f.name]
        if a.shape != b.shape:
            bad[f.name] = -1
            continue
        if a.dtype == np.float64 and b.dtype == np.float64:
            # bit for bit: a signed zero or a NaN payload counts as a difference
            differ = a.view(np.uint64) != b.view(np.uint64)
        else:
            differ = a != b
        if differ.any():
            bad[f.name] = int(differ.sum())
    log = EventLog()
    append_to_log(k.ev, log)
    want, got = ctx.log.arrays(), log.arrays()
    for name, column in want.items():
        other = got[name]
        if column.shape != other.shape:
            bad[f"event {name}"] = abs(column.size - other.size) or -1
        elif not np.array_equal(column, other, equal_nan=name == "value"):
            bad[f"event {name}"] = int((column != other).sum())
    # Start afresh: the next comparison covers only what follows.
    ctx.log = EventLog()
    return bad


def _rounds(ctx: Context, verb: Verb, seed: int) -> list[tuple[NDArray[Any], NDArray[Any]]]:
    """Up to ROUNDS (actor, target) per run drawn from the verb's legal pairs (-1: none)."""
    legal = legal_targets(ctx, verb)
    R = legal.shape[0]
    picks = np.full((ROUNDS, R, 2), -1, dtype=np.int64)
    rng = np.random.default_rng(seed)
    for r in range(R):
        pairs = np.argwhere(legal[r])
        if pairs.size == 0:
            continue
        pairs = pairs[rng.permutation(len(pairs))][:ROUNDS]
        picks[: len(pairs), r] = pairs
    out = []
    for m in range(ROUNDS):
        actor, target = picks[m, :, 0].copy(), picks[m, :, 1].copy()
        if (actor >= 0).any():
            out.append((actor, target))
    return out


def _effect(effect: str, **values: Any) -> CompiledEffect:
    return CompiledEffect(event="test", event_name="test", kind="test", effect=effect, **values)


# --- tests ------------------------------------------------------------------------------


@pytest.mark.parametrize("case", MY_CASES, ids=lambda c: f"{c[0]}-{c[1]}-{'-'.join(c[2])}")
def test_resolvers_match_numpy(case: Case) -> None:
    """Every ported verb, several actions a run, legality judged once per verb as
    ``resolve_actions`` does; the state and events after each verb are identical."""
    ctx, k = _pair(case)
    t = ctx.state.turn
    done = 0
    for verb in VERBS:
        touched = np.zeros(ctx.state.n_runs, dtype=bool)
        for actor, target in _rounds(ctx, verb, int(verb)):
            runs = np.flatnonzero(actor >= 0)
            if verb in (Verb.DEFEND_LINE, Verb.CRITICIZE_LINE, Verb.APPEAL, Verb.ORGANIZE_FACTION):
                target = np.where(actor >= 0, -1, target)
            RESOLVERS[verb](ctx, runs, actor[runs], target[runs])
            if verb == Verb.PROPOSE_ALLIANCE:
                ctx.forget_relations()
            _resolve_all(k, t, int(verb), actor, target)
            touched[runs] = True
            done += runs.size
        rows = np.flatnonzero(touched)
        ctx.refresh(rows)
        _refresh_all(k, t, rows)
        assert _mismatches(ctx, k, t) == {}, f"after {verb.name}"
    assert done > 0


@pytest.mark.parametrize("case", MY_CASES, ids=lambda c: f"{c[0]}-{c[1]}-{'-'.join(c[2])}")
def test_drift_matches_numpy(case: Case) -> None:
    """The drift pieces in order, three months, with drives and crises running in some
    runs only (and factions organized in some), then detection of factions."""
    ctx, k = _pair(case)
    w = ctx.world
    t = ctx.state.turn
    R = ctx.state.n_runs
    # Crises and drives in half the runs (the rest: none, or only the scenario's own).
    issue = len(w.issue_ids) - 1
    crisis = _effect("crisis", issue=issue, value=-0.5, months=2, about=((0, 0.6),))
    policy.start_crisis(ctx, crisis)
    cohort = int(np.flatnonzero(w.intake_cohort)[0]) if w.intake_cohort.any() else 0
    recruitment.start_drive(ctx, cohort, 12345.0, 3)
    _effect_all(k, t, 3, -1, _ints(), _ints(), _floats(), issue, -0.5, 0.6, 2)
    _effect_all(k, t, 4, -1, _ints(), _ints(), _floats(), cohort, 12345.0, 0.0, 3)
    off = np.arange(R) % 2 == 1
    for s in (ctx.state, k.s):
        s.crisis_left[off, issue] = 0
        s.drive_left[off, cohort] = 0
    # Some organized factions (the leader with most prestige in a third of the runs).
    lead = ctx.state.prestige.argmax(axis=1)
    some = np.flatnonzero(np.arange(R) % 3 == 0)
    faction_ban.organize_faction(ctx, some, lead[some])
    actor = np.where(np.arange(R) % 3 == 0, lead, -1)
    _resolve_all(k, t, 13, actor, np.full(R, -1))
    ctx.refresh()
    _refresh_all(k, t, np.arange(R))
    assert _mismatches(ctx, k, t) == {}
    for month in range(3):
        for which, piece in enumerate(DRIFT):
            piece(ctx)
            _drift_all(k, t, which)
            assert _mismatches(ctx, k, t) == {}, f"month {month}: {piece.__name__}"
        ctx.refresh()
        _refresh_all(k, t, np.arange(R))
        t += 1
        ctx.state.turn = t
        ctx.refresh()
        _refresh_all(k, t, np.arange(R))
        information.gather_information(ctx)
        _drift_all(k, t, 8)
        assert _mismatches(ctx, k, t) == {}, f"month {month}: gather_information"


@pytest.mark.parametrize("case", MY_CASES[::2], ids=lambda c: f"{c[0]}-{c[1]}-{'-'.join(c[2])}")
def test_scheduled_effects_match_numpy(case: Case) -> None:
    """Prestige events, a funeral, documents (read and unread), a crisis, a drive and a
    scheduled alliance, each followed by a refresh as ``fire_events`` does."""
    ctx, k = _pair(case)
    t = ctx.state.turn
    L = ctx.world.n_leaders
    a, b, c = 0, 1 % L, 2 % L
    effects: list[tuple[CompiledEffect, tuple[Any, ...]]] = [
        (
            _effect("prestige", leader=b, value=0.25),
            (0, b, _ints(), _ints(), _floats(), 0, 0.25, 0.0, 0),
        ),
        (
            _effect("prestige", leader=c, value=-0.7),
            (0, c, _ints(), _ints(), _floats(), 0, -0.7, 0.0, 0),
        ),
        (
            _effect("funeral", leader=a, leaders=(b,), others=(c,)),
            (1, a, _ints(b, -1), _ints(c, -1, -1), _floats(), 0, 0.0, 0.0, 0),
        ),
        (
            _effect("document", flag=True, about=((b, -0.3), (c, 0.2))),
            (2, -1, _ints(b, c, -1), _ints(), _floats(-0.3, 0.2, 0.0), 1, 0.0, 0.0, 0),
        ),
        (
            _effect("document", flag=False, about=((b, -0.3),)),
            (2, -1, _ints(b), _ints(), _floats(-0.3), 0, 0.0, 0.0, 0),
        ),
        (
            _effect("crisis", issue=0, value=0.4, months=5, about=((0, 0.3),)),
            (3, -1, _ints(), _ints(), _floats(), 0, 0.4, 0.3, 5),
        ),
        (
            _effect("alliance", leaders=(a, b, c)),
            (5, -1, _ints(a, b, c, -1), _ints(), _floats(), 0, 0.0, 0.0, 0),
        ),
    ]
    for effect, args in effects:
        if effect.effect == "prestige":
            legitimacy.prestige_event(ctx, effect)
        elif effect.effect == "funeral":
            legitimacy.funeral(ctx, effect)
        elif effect.effect == "document":
            legitimacy.document(ctx, effect)
        elif effect.effect == "crisis":
            policy.start_crisis(ctx, effect)
        elif effect.effect == "alliance":
            alliances.scheduled_alliance(ctx, effect)
        ctx.refresh()
        _effect_all(k, t, *args)
        assert _mismatches(ctx, k, t) == {}, effect.effect
    # Two principals in every run for the scheduled alliance to bind, then again.
    principals = [int(i) for i in np.flatnonzero(ctx.principal.sum(axis=0))[:3]]
    effect = _effect("alliance", leaders=tuple(principals))
    alliances.scheduled_alliance(ctx, effect)
    ctx.refresh()
    _effect_all(k, t, 5, -1, _ints(*principals), _ints(), _floats(), 0, 0.0, 0.0, 0)
    assert _mismatches(ctx, k, t) == {}


@pytest.mark.parametrize("case", MY_CASES[4:8], ids=lambda c: f"{c[0]}-{c[1]}-{'-'.join(c[2])}")
def test_faction_boost_matches_numpy(case: Case) -> None:
    ctx, k = _pair(case)
    out = np.zeros((ctx.state.n_runs, ctx.world.n_leaders))
    _boost_all(k, out)
    np.testing.assert_array_equal(out, faction_ban.faction_boost(ctx))


def test_tanh_matches_numpy() -> None:
    """The compiled tanh gives NumPy's bits (run_crises relies on it), over every
    subinterval of its table, the saturated range and the special values."""
    rng = np.random.default_rng(5)
    x = np.concatenate(
        [
            rng.normal(0, 1, 100_000),
            rng.normal(0, 10, 20_000),
            rng.normal(0, 1e-3, 5_000),
            rng.uniform(-25, 25, 20_000),
            [0.0, -0.0, 1e-310, -1e-310, 0.125, 0.25, 19.9, 20.1, 1e300, -1e300],
            [np.inf, -np.inf],
        ]
    )
    out = np.empty_like(x)
    _tanh_all(x, out)
    assert np.array_equal(out.view(np.uint64), np.tanh(x).view(np.uint64))


@njit(cache=True)
def _clip_all(x, lo, hi, out):  # type: ignore[no-untyped-def]
    for n in range(x.shape[0]):
        out[n] = clip(x[n], lo, hi)


def test_clip_matches_numpy() -> None:
    x = np.array([-2.0, -1.0, -0.0, 0.0, 0.3, 1.0, 1.5, np.inf, -np.inf, np.nan])
    for lo, hi in ((0.0, 1.0), (-1.0, 1.0), (0.2, 0.6)):
        out = np.empty_like(x)
        _clip_all(x, lo, hi, out)
        want = np.clip(x, lo, hi)
        assert np.array_equal(out.view(np.uint64), want.view(np.uint64)), (lo, hi)


def _ints(*values: int) -> NDArray[np.int64]:
    return np.array(values if values else (-1,), dtype=np.int64)


def _floats(*values: float) -> NDArray[np.float64]:
    return np.array(values if values else (0.0,), dtype=np.float64)
