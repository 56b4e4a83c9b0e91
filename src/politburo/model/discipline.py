"""The discipline ladder: censure, removal from office, from the leadership, expulsion,
exile — each rung voted in the body the scenario names, the last needing the police (or
army) on the mover's side.

"They were not allowed to talk ... expelled from the Politburo ... Trotsky in particular
was exiled" (seed). A defeated leader may recant and submit, as Zinoviev and Kamenev did.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from politburo.model.actions import next_rung
from politburo.model.context import Context
from politburo.model.offices import (
    end_alliances,
    fill_office,
    fill_seats,
    leave_posts,
    lose_seat,
    main_office,
    release_bloc,
    vacate_office,
)
from politburo.model.votes import tally


def move_discipline(
    ctx: Context,
    runs: NDArray[np.int64],
    mover: NDArray[np.int64],
    target: NDArray[np.int64],
    office: NDArray[np.int64] | None = None,
    rung_index: int | None = None,
) -> None:
    """Put the next rung against ``target`` to the vote (mover -1: put by the plenum).

    ``rung_index`` names the rung instead (a scheduled motion: "the Testament is read and
    acted on" puts the removal from office to the vote whatever came before)."""
    s, p, w = ctx.state, ctx.params, ctx.world
    if rung_index is None:
        rung = next_rung(ctx)[runs, target]
    else:
        rung = np.full(runs.size, rung_index, dtype=np.int64)
    for k, spec in enumerate(w.ladder):
        sel = rung == k
        if not sel.any():
            continue
        r, m, t = runs[sel], mover[sel], target[sel]
        result = tally(ctx, r, spec.role, m, t, spec.quota, spec.joint_roles)
        s.last_discipline[r, t] = s.turn
        passed = result.passed
        chosen_office = None if office is None else office[sel]
        result.record(ctx, ("motion_passed", "motion_failed"), r, m, target=t, obj=k)
        failed = ~passed
        has_mover = m[failed] >= 0
        if "legitimacy" in ctx.on and has_mover.any():
            fr, fm = r[failed][has_mover], m[failed][has_mover]
            s.prestige[fr, fm] = np.maximum(0.0, s.prestige[fr, fm] - p.defeat_cost)
        if passed.any():
            _apply(
                ctx,
                spec.effect,
                k,
                r[passed],
                t[passed],
                None if chosen_office is None else chosen_office[passed],
            )


def _apply(
    ctx: Context,
    effect: str,
    k: int,
    runs: NDArray[np.int64],
    target: NDArray[np.int64],
    office: NDArray[np.int64] | None,
) -> None:
    s, p = ctx.state, ctx.params
    s.rung[runs, target] = np.maximum(s.rung[runs, target], k)
    if effect == "censure":
        if "legitimacy" in ctx.on:
            s.prestige[runs, target] = np.maximum(0.0, s.prestige[runs, target] - p.censure_cost)
        s.pretext[runs, target] = np.minimum(1.0, s.pretext[runs, target] + p.censure_pretext)
    elif effect == "remove_office":
        chosen = main_office_of(ctx, runs, target)
        if office is not None:
            # A named office is taken only from the target, if he holds it.
            holds = ctx.state.office_holder[runs, np.maximum(office, 0)] == target
            chosen = np.where((office >= 0) & holds, office, -1)
        for o in np.unique(chosen[chosen >= 0]):
            here = runs[chosen == o]
            vacate_office(ctx, here, int(o))
            fill_office(ctx, here, int(o))
    elif effect == "remove_seat":
        lose_seat(ctx, runs, target)
        fill_seats(ctx, runs)
    elif effect == "expel":
        s.in_party[runs, target] = False
        first = s.expelled[runs, target] < 0
        s.expelled[runs[first], target[first]] = s.turn
        ctx.log.record("expelled", s.turn, runs, actor=target)
        ctx.refresh(np.unique(runs))
        leave_posts(ctx, runs, target)
    elif effect == "exile":
        was_member = s.in_party[runs, target]
        s.exiled[runs, target] = True
        s.in_party[runs, target] = False
        first = s.expelled[runs, target] < 0
        s.expelled[runs[first], target[first]] = s.turn
        s.exiled_at[runs, target] = s.turn
        ctx.log.record("exiled", s.turn, runs, actor=target)
        ctx.refresh(np.unique(runs))
        if was_member.any():
            leave_posts(ctx, runs[was_member], target[was_member])
        release_bloc(ctx, runs, target)


def main_office_of(
    ctx: Context, runs: NDArray[np.int64], leader: NDArray[np.int64]
) -> NDArray[np.int64]:
    """(n,) the most powerful office each leader holds in the given runs."""
    full = np.full(ctx.state.n_runs, -1, dtype=np.int64)
    out = np.full(runs.size, -1, dtype=np.int64)
    for who in np.unique(leader):
        sel = leader == who
        full[:] = who
        out[sel] = main_office(ctx, full)[runs[sel]]
    return out


def recant(ctx: Context, runs: NDArray[np.int64], actor: NDArray[np.int64]) -> None:
    """Submit to the strongest other bloc: become its client (an expelled man is readmitted)."""
    s = ctx.state
    L = ctx.world.n_leaders
    power = np.where(ctx.principal[runs], s.real_power[runs], -1.0)
    power[np.arange(runs.size), actor] = -1.0
    new_patron = power.argmax(axis=1)
    for k in range(L):
        follows = s.patron[runs, k] == actor
        s.patron[runs[follows], k] = new_patron[follows]
    s.loyalty[runs, actor] = ctx.params.recant_loyalty
    s.faction[runs, actor] = False
    end_alliances(ctx, runs, actor)
    readmit = ~s.in_party[runs, actor] & ~s.exiled[runs, actor]
    s.in_party[runs[readmit], actor[readmit]] = True
    ctx.log.record("recanted", s.turn, runs, actor=actor, target=new_patron)
    ctx.refresh(np.unique(runs))
