"""One month, in order, as the historian tells it:

1. ``fire_events``        scheduled events (a stroke, a death, a crisis)
2. ``gather_information`` office holders with information detect factions
3. ``decide``             every active leader chooses actions (any policy)
4. ``resolve_actions``    actions take effect; motions are voted in their bodies
5. ``hold_meetings``      congresses (delegations, the CC, the leadership), conferences,
                          scheduled motions
6. ``drift``              loyalties, prestige, membership, crises, evidence
7. ``check_consolidation`` real power is measured; has one man won?
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

from politburo.model import (
    alliances,
    appointment,
    congress,
    discipline,
    faction_ban,
    information,
    legitimacy,
    outcome,
    policy,
    recruitment,
)
from politburo.model.actions import TARGET_KIND, Plan, Verb, legal_targets
from politburo.model.context import Context
from politburo.model.offices import leave_posts
from politburo.model.rng import Stream
from politburo.model.world import CompiledEffect

Policy = Callable[[Context], Plan]
Resolver = Callable[[Context, NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]], None]


def _no_target(
    function: Callable[[Context, NDArray[np.int64], NDArray[np.int64]], None],
) -> Resolver:
    def resolve(
        ctx: Context, runs: NDArray[np.int64], actor: NDArray[np.int64], _: NDArray[np.int64]
    ) -> None:
        function(ctx, runs, actor)

    return resolve


RESOLVERS: dict[Verb, Resolver] = {
    Verb.RECANT: _no_target(discipline.recant),
    Verb.BREAK_ALLIANCE: alliances.break_alliance,
    Verb.PROPOSE_ALLIANCE: alliances.propose_alliance,
    Verb.SHIFT_POSITION: policy.shift_position,
    Verb.WIN_OVER: alliances.win_over,
    Verb.APPOINT: appointment.appoint_secretaries,
    Verb.RECRUIT: recruitment.recruit,
    Verb.ATTACK: legitimacy.attack,
    Verb.DEFEND_LINE: _no_target(legitimacy.defend_line),
    Verb.CRITICIZE_LINE: _no_target(legitimacy.criticize_line),
    Verb.APPEAL: _no_target(legitimacy.appeal),
    Verb.GATHER_MATERIAL: information.gather_material,
    Verb.ORGANIZE_FACTION: _no_target(faction_ban.organize_faction),
    Verb.PROPOSE_POLICY: policy.propose_policy,
    Verb.MOVE_DISCIPLINE: discipline.move_discipline,
}


#: Verbs whose target may be acted on only once a month: the first leader in the acting
#: order gets his motion or his overture; later ones on the same target lapse.
CLAIMING = frozenset({Verb.MOVE_DISCIPLINE, Verb.WIN_OVER})


def fire_events(ctx: Context) -> list[CompiledEffect]:
    """Apply this month's scheduled effects; return the meetings to hold after decisions."""
    s, w = ctx.state, ctx.world
    meetings: list[CompiledEffect] = []
    if s.turn >= w.months:
        return meetings
    rows = ctx.rows
    for effect in w.effects[s.turn]:
        kind = effect.effect
        if kind == "incapacitate":
            s.incapacitated[:, effect.leader] = True
            ctx.log.record("incapacitated", s.turn, rows, actor=effect.leader)
        elif kind == "recover":
            s.incapacitated[:, effect.leader] = False
            ctx.log.record("recovered", s.turn, rows, actor=effect.leader)
        elif kind == "death":
            alive = rows[s.alive[:, effect.leader]]
            s.alive[alive, effect.leader] = False
            ctx.log.record("died", s.turn, alive, actor=effect.leader)
            ctx.refresh()
            leave_posts(ctx, alive, np.full(alive.size, effect.leader))
        elif kind == "prestige":
            legitimacy.prestige_event(ctx, effect)
        elif kind == "funeral":
            legitimacy.funeral(ctx, effect)
        elif kind == "document":
            legitimacy.document(ctx, effect)
        elif kind == "crisis":
            policy.start_crisis(ctx, effect)
        elif kind == "recruitment_drive":
            recruitment.start_drive(ctx, effect.cohort, effect.value, effect.months)
            ctx.log.record("recruitment_drive", s.turn, rows, obj=effect.cohort, value=effect.value)
        elif kind == "alliance":
            alliances.scheduled_alliance(ctx, effect)
        elif kind == "rule":
            s.rule_override[:, effect.rule] = 1 if effect.flag else 0
        elif kind in ("congress", "conference", "motion"):
            meetings.append(effect)
        ctx.refresh()
    return meetings


def acting_order(ctx: Context) -> NDArray[np.int64]:
    """(R, L) a fresh random order of the leaders in every run and month, so no leader
    always moves before another."""
    draw = ctx.random(Stream.ACTING_ORDER, (ctx.world.n_leaders,))
    return np.argsort(draw, axis=1, kind="stable")


def resolve_actions(ctx: Context, plan: Plan) -> None:
    """Carry out every chosen action, verb by verb in resolution order and, within a verb,
    leader by leader in each run's acting order.

    Legality is judged once per verb, on the state the previous verbs left; within a verb,
    a target is claimed by the first actor (discipline, overtures), and an actor who lost
    his independence earlier this month no longer acts as a bloc leader."""
    s = ctx.state
    L = ctx.world.n_leaders
    order = acting_order(ctx)
    for verb in Verb:
        if verb == Verb.PASS:
            continue
        chosen = plan.verb == int(verb)  # (R, L, K)
        if not chosen.any():
            continue
        resolver = RESOLVERS[verb]
        legal_all = legal_targets(ctx, verb)
        principal_at_start = s.patron == np.arange(L)[None, :]
        claimed = np.zeros((s.n_runs, L), dtype=bool)
        touched = np.zeros(s.n_runs, dtype=bool)
        for slot in range(L):
            actor = order[:, slot]  # (R,) who acts in this slot, per run
            mask = chosen[ctx.rows, actor, :]  # (R, K)
            if not mask.any():
                continue
            runs = np.flatnonzero(mask.any(axis=1))
            actor = actor[runs]
            k = mask[runs].argmax(axis=1)
            target = plan.target[runs, actor, k]
            # Targets from outside (a human, an agent) may be anything: out of range lapses.
            width = legal_all.shape[2]
            if TARGET_KIND[verb] == "none":
                target = np.full(runs.size, -1, dtype=np.int64)
                in_range = np.ones(runs.size, dtype=bool)
            else:
                in_range = (target >= 0) & (target < width)
            safe = np.where(in_range, target, 0)
            ok = in_range & legal_all[runs, actor, safe]
            # Whoever submitted this month (recanted, was won over) acts as a client now.
            ok &= (s.patron[runs, actor] == actor) | ~principal_at_start[runs, actor]
            ok &= s.in_party[runs, actor] & s.alive[runs, actor]
            if verb in CLAIMING:
                ok &= ~claimed[runs, safe] & ~s.exiled[runs, safe] & s.alive[runs, safe]
                claimed[runs[ok], safe[ok]] = True
            if not ok.any():
                continue
            resolver(ctx, runs[ok], actor[ok], target[ok])
            touched[runs[ok]] = True
            if verb == Verb.PROPOSE_ALLIANCE:
                ctx.forget_relations()
        # Only the runs where this verb did something can have changed.
        ctx.refresh(np.flatnonzero(touched))


def hold_meetings(ctx: Context, meetings: list[CompiledEffect]) -> None:
    """Congresses, conferences and scheduled motions of this month."""
    for effect in meetings:
        if effect.effect == "congress":
            congress.hold_congress(ctx, effect)
        elif effect.effect == "conference":
            congress.hold_conference(ctx, effect)
        elif effect.effect == "motion" and "discipline" in ctx.on:
            runs = ctx.rows[ctx.state.alive[:, effect.leader]]
            office = None if effect.office < 0 else np.full(runs.size, effect.office)
            discipline.move_discipline(
                ctx,
                runs,
                np.full(runs.size, -1),
                np.full(runs.size, effect.leader),
                office,
                rung_index=effect.rung,
            )
        ctx.refresh()


def drift(ctx: Context) -> None:
    """Slow changes: prestige, loyalties, membership, crises, evidence, material."""
    recruitment.run_drives(ctx)
    recruitment.grow_membership(ctx)
    legitimacy.drift_prestige(ctx)
    alliances.drift_loyalty(ctx)
    appointment.drift_secretaries(ctx)
    policy.run_crises(ctx)
    faction_ban.factional_evidence(ctx)
    information.decay_material(ctx)
    ctx.refresh()


def step(
    ctx: Context,
    policy_fn: Policy,
    external: Plan | None = None,
    external_leaders: NDArray[np.bool_] | None = None,
) -> Plan:
    """Advance every run of the batch by one month; return the actions taken.

    ``external`` supplies the actions of ``external_leaders`` (L,) (a human or a learning
    agent); everyone else is decided by ``policy_fn``.
    """
    s = ctx.state
    ctx.refresh()
    meetings = fire_events(ctx)
    information.gather_information(ctx)
    ctx.refresh()
    plan = policy_fn(ctx)
    if external is not None and external_leaders is not None:
        plan.verb[:, external_leaders, :] = 0
        plan.target[:, external_leaders, :] = -1
        k = min(plan.verb.shape[2], external.verb.shape[2])
        plan.verb[:, external_leaders, :k] = external.verb[:, external_leaders, :k]
        plan.target[:, external_leaders, :k] = external.target[:, external_leaders, :k]
    resolve_actions(ctx, plan)
    hold_meetings(ctx, meetings)
    drift(ctx)
    outcome.measure_power(ctx)
    outcome.check_consolidation(ctx)
    s.turn += 1
    return plan
