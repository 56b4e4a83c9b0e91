"""What a leader can do in a month: verbs, their targets, and which are legal.

An action is a (verb, target) pair. The target is a leader, a region, an issue with a
direction (``2 * issue + (0 lower, 1 higher)``), or nothing. Any policy (the heuristic AI,
a human at the terminal, a learning agent) chooses from the same legal set.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

import numpy as np
from numpy.typing import NDArray

from politburo.model.appointment import secretary_bloc
from politburo.model.context import Context
from politburo.model.world import POWER, SEAT_FULL, SEAT_NONE


class Verb(IntEnum):
    """The verbs of the game, in the order they are resolved within a month."""

    PASS = 0
    RECANT = 1
    BREAK_ALLIANCE = 2
    PROPOSE_ALLIANCE = 3
    SHIFT_POSITION = 4
    WIN_OVER = 5
    APPOINT = 6
    RECRUIT = 7
    ATTACK = 8
    DEFEND_LINE = 9
    CRITICIZE_LINE = 10
    APPEAL = 11
    GATHER_MATERIAL = 12
    ORGANIZE_FACTION = 13
    PROPOSE_POLICY = 14
    MOVE_DISCIPLINE = 15


#: verb -> kind of target ("leader", "region", "issue", or "none")
TARGET_KIND: dict[Verb, str] = {
    Verb.PASS: "none",
    Verb.RECANT: "none",
    Verb.BREAK_ALLIANCE: "leader",
    Verb.PROPOSE_ALLIANCE: "leader",
    Verb.SHIFT_POSITION: "issue",
    Verb.WIN_OVER: "leader",
    Verb.APPOINT: "region",
    Verb.RECRUIT: "region",
    Verb.ATTACK: "leader",
    Verb.DEFEND_LINE: "none",
    Verb.CRITICIZE_LINE: "none",
    Verb.APPEAL: "none",
    Verb.GATHER_MATERIAL: "leader",
    Verb.ORGANIZE_FACTION: "none",
    Verb.PROPOSE_POLICY: "issue",
    Verb.MOVE_DISCIPLINE: "leader",
}

#: verb -> the mechanism that must be on for it to be legal
VERB_MECHANISM: dict[Verb, str | None] = {
    Verb.PASS: None,
    Verb.RECANT: "discipline",
    Verb.BREAK_ALLIANCE: "alliances",
    Verb.PROPOSE_ALLIANCE: "alliances",
    Verb.SHIFT_POSITION: "policy",
    Verb.WIN_OVER: "bodies_and_votes",
    Verb.APPOINT: "appointment",
    Verb.RECRUIT: "recruitment",
    Verb.ATTACK: "legitimacy",
    Verb.DEFEND_LINE: "legitimacy",
    Verb.CRITICIZE_LINE: "legitimacy",
    Verb.APPEAL: "legitimacy",
    Verb.GATHER_MATERIAL: "information",
    Verb.ORGANIZE_FACTION: None,
    Verb.PROPOSE_POLICY: "policy",
    Verb.MOVE_DISCIPLINE: "discipline",
}

DESCRIPTION: dict[Verb, str] = {
    Verb.PASS: "do nothing this month",
    Verb.RECANT: "recant and submit to the strongest leader (become his client)",
    Verb.BREAK_ALLIANCE: "break the alliance with {target}",
    Verb.PROPOSE_ALLIANCE: "propose an alliance to {target}",
    Verb.SHIFT_POSITION: "shift your position on {target}",
    Verb.WIN_OVER: "win {target} over as your client",
    Verb.APPOINT: "appoint a client as secretary of {target}",
    Verb.RECRUIT: "recruit new members in {target}",
    Verb.ATTACK: "attack {target} in a polemic",
    Verb.DEFEND_LINE: "defend the line and the founder's legacy",
    Verb.CRITICIZE_LINE: "criticize the line and the party bureaucracy",
    Verb.APPEAL: "appeal to the rank and file",
    Verb.GATHER_MATERIAL: "gather compromising material on {target}",
    Verb.ORGANIZE_FACTION: "organize your supporters as a faction",
    Verb.PROPOSE_POLICY: "propose moving the line on {target}",
    Verb.MOVE_DISCIPLINE: "move the next disciplinary step against {target}",
}


@dataclass
class Plan:
    """Chosen actions of every leader in every run: up to K per leader."""

    verb: NDArray[np.int64]  # (R, L, K) Verb values, PASS for none
    target: NDArray[np.int64]  # (R, L, K) target index, -1 for none

    @classmethod
    def empty(cls, runs: int, leaders: int, budget: int) -> Plan:
        return cls(
            verb=np.zeros((runs, leaders, budget), dtype=np.int64),
            target=np.full((runs, leaders, budget), -1, dtype=np.int64),
        )


def n_targets(ctx: Context, verb: Verb) -> int:
    """Size of the target domain of a verb."""
    kind = TARGET_KIND[verb]
    if kind == "leader":
        return ctx.world.n_leaders
    if kind == "region":
        return len(ctx.world.region_ids)
    if kind == "issue":
        return 2 * len(ctx.world.issue_ids)
    return 1


def next_rung(ctx: Context) -> NDArray[np.int64]:
    """(R, L) the next applicable rung of the ladder against each leader, -1 if none."""
    s, w = ctx.state, ctx.world
    R, L = s.n_runs, w.n_leaders
    result = np.full((R, L), -1, dtype=np.int64)
    holds_office = (s.office_holder[:, :, None] == np.arange(L)[None, None, :]).any(axis=1)
    for k in range(len(w.ladder) - 1, -1, -1):
        rung = w.ladder[k]
        above = s.rung < k
        if rung.effect == "censure":
            applicable = s.in_party
        elif rung.effect == "remove_office":
            applicable = s.in_party & holds_office
        elif rung.effect == "remove_seat":
            applicable = s.in_party & (s.seat != SEAT_NONE)
        elif rung.effect == "expel":
            applicable = s.in_party
        else:  # exile
            applicable = ~s.exiled
        ok = above & applicable & s.alive
        result = np.where(ok, k, result)
    return result


def backing(ctx: Context, rung_index: NDArray[np.int64]) -> NDArray[np.bool_]:
    """(R, L) whether each would-be mover has the backing the rung requires, e.g. the
    police chief on his side for an exile."""
    s, w = ctx.state, ctx.world
    R, L = s.n_runs, w.n_leaders
    ok = np.ones((R, L), dtype=bool)
    coalition = ctx.coalition()
    for k, rung in enumerate(w.ladder):
        if not rung.backing:
            continue
        this = rung_index == k
        for power in rung.backing:
            strong = w.office_powers[:, power] >= ctx.params.backing_threshold
            for office in np.flatnonzero(strong):
                holder = s.office_holder[:, office]
                held = holder >= 0
                safe = np.maximum(holder, 0)
                on_side = coalition[ctx.rows, :, safe]  # (R, L) mover's coalition has holder
                ok &= ~this | ~held[:, None] | on_side
    return ok


def legal_targets(ctx: Context, verb: Verb) -> NDArray[np.bool_]:
    """(R, L, X) legal targets of ``verb`` for each leader."""
    s, w = ctx.state, ctx.world
    R, L = s.n_runs, w.n_leaders
    X = n_targets(ctx, verb)
    actor = ctx.can_act
    mechanism = VERB_MECHANISM[verb]
    if mechanism is not None and mechanism not in ctx.on:
        return np.zeros((R, L, X), dtype=bool)
    me = np.arange(L)
    other = me[None, :, None] != me[None, None, :]  # (1, L, L)
    same_bloc = s.patron[:, :, None] == s.patron[:, None, :]
    principal = ctx.principal
    present_j = ctx.present[:, None, :]

    if verb == Verb.PASS:
        return actor[:, :, None]
    if verb == Verb.RECANT:
        # Only the beaten recant: removed from office or worse, and with little power left.
        weak = s.real_power < ctx.params.recant_threshold
        ok = actor & principal & (s.rung >= 1) & weak & ~s.exiled
        ok &= ctx.principal.sum(axis=1, keepdims=True) > 1
        return ok[:, :, None]
    if verb == Verb.BREAK_ALLIANCE:
        return actor[:, :, None] & s.ally & present_j
    if verb == Verb.PROPOSE_ALLIANCE:
        return (
            actor[:, :, None]
            & principal[:, :, None]
            & ctx.principal[:, None, :]
            & other
            & ~s.ally
            & ~same_bloc
        )
    if verb in (Verb.SHIFT_POSITION, Verb.PROPOSE_POLICY):
        issues = len(w.issue_ids)
        up = np.zeros((R, L, X), dtype=bool)
        if verb == Verb.SHIFT_POSITION:
            up[:, :, 0::2] = s.position > -1.0 + 1e-6
            up[:, :, 1::2] = s.position < 1.0 - 1e-6
            ok = actor[:, :, None] & up
        else:
            down_ok = (s.line > -1.0 + 1e-6)[:, None, :]
            up_ok = (s.line < 1.0 - 1e-6)[:, None, :]
            up[:, :, 0::2] = np.broadcast_to(down_ok, (R, L, issues))
            up[:, :, 1::2] = np.broadcast_to(up_ok, (R, L, issues))
            ok = actor[:, :, None] & (principal & (s.seat == SEAT_FULL))[:, :, None] & up
        return ok
    if verb == Verb.WIN_OVER:
        has_clients = np.zeros((R, L), dtype=bool)
        for k in range(L):
            has_clients[:, k] = ((s.patron == k) & (me[None, :] != k) & ctx.present).any(axis=1)
        holds = (s.seat != SEAT_NONE) | (s.office_holder[:, :, None] == me[None, None, :]).any(
            axis=1
        )
        target_ok = ctx.present & ~has_clients & holds & w.actor[None, :]
        return (
            actor[:, :, None] & principal[:, :, None] & target_ok[:, None, :] & other & ~same_bloc
        )
    if verb == Verb.APPOINT:
        power = ctx.powers[:, :, POWER["appointment"]] > 0
        sec_bloc = secretary_bloc(ctx)
        mine = (sec_bloc[:, None, :] == s.patron[:, :, None]) & (
            s.secretary_loyalty[:, None, :] >= ctx.params.secure_loyalty
        )
        return actor[:, :, None] & power[:, :, None] & ~mine
    if verb == Verb.RECRUIT:
        power = ctx.powers[:, :, POWER["recruitment"]] > 0
        sec_bloc = secretary_bloc(ctx)
        mine = sec_bloc[:, None, :] == s.patron[:, :, None]
        return actor[:, :, None] & power[:, :, None] & mine
    if verb == Verb.ATTACK:
        return actor[:, :, None] & present_j & other & ~same_bloc
    if verb in (Verb.DEFEND_LINE, Verb.APPEAL):
        return actor[:, :, None]
    if verb == Verb.CRITICIZE_LINE:
        # Clients speak for their patron's line; only bloc leaders go into opposition.
        return (actor & principal)[:, :, None]
    if verb == Verb.GATHER_MATERIAL:
        return actor[:, :, None] & (ctx.info > 0)[:, :, None] & present_j & other
    if verb == Verb.ORGANIZE_FACTION:
        return (actor & principal & ~s.faction)[:, :, None]
    if verb == Verb.MOVE_DISCIPLINE:
        rung = next_rung(ctx)  # (R, L) against each target
        cooled = (s.turn - s.last_discipline) >= ctx.params.discipline_cooldown
        target_ok = (rung >= 0) & cooled & s.alive & ~s.incapacitated
        mover_ok = actor & principal & (s.seat == SEAT_FULL)
        coalition = ctx.coalition()
        ok = mover_ok[:, :, None] & target_ok[:, None, :] & other & ~coalition
        # Backing (e.g. the police for an exile) is per (mover, target) through the rung.
        for k, r in enumerate(w.ladder):
            if not r.backing:
                continue
            this_rung = rung == k  # (R, L targets)
            backed = backing(ctx, np.full((R, L), k))  # (R, L movers)
            ok &= ~this_rung[:, None, :] | backed[:, :, None]
        return ok
    raise ValueError(f"unknown verb {verb!r}")


def describe(ctx: Context, verb: Verb, target: int) -> str:
    """A plain-language description of an action."""
    kind = TARGET_KIND[verb]
    w = ctx.world
    if kind == "leader":
        name = w.leader_names[target]
    elif kind == "region":
        name = w.region_names[target]
    elif kind == "issue":
        issue = w.scenario.issues[target // 2]
        name = f"{issue.name} toward '{issue.high if target % 2 else issue.low}'"
    else:
        name = ""
    return DESCRIPTION[verb].format(target=name)
