"""Congress elections: the circular flow of power.

Regional secretaries shape their delegations; the congress votes on the political report
and elects the committee (and the control body) from a slate drafted by the holder of
agenda power; then vacant leadership seats are filled from the committee and vacant
offices by the bodies that elect them. "Secretaries shape congress
delegations -> congress elects the CC -> CC elects Politburo and Secretary."
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from politburo.model.appointment import secretary_bloc
from politburo.model.context import Context
from politburo.model.faction_ban import faction_boost
from politburo.model.offices import dominant_bloc, fill_office, fill_seats
from politburo.model.rng import Stream
from politburo.model.state import EMPTY_SEAT, NO_PATRON
from politburo.model.votes import policy_distance
from politburo.model.world import POWER, CompiledEffect


def veteran_lean(ctx: Context) -> NDArray[np.float64]:
    """(R, L) share of veteran members following each bloc leader (the rest uncommitted).

    Veterans judge on prestige, standing from appeals, closeness to the line, an organized
    faction's pull, and hold stigma and arrogance against a leader."""
    s, p, w = ctx.state, ctx.params, ctx.world
    attraction = s.prestige + s.appeal + faction_boost(ctx)
    attraction -= (
        p.member_stigma_weight * ctx.stigma[None, :]
        + p.member_arrogance_weight * ctx.trait("arrogance")[None, :]
    )
    if "policy" in ctx.on:
        attraction -= p.member_policy_weight * policy_distance(
            s.position, s.line[:, None, :], w.salience[None]
        )
    # Clients' appeal counts for their bloc.
    bloc_attraction = np.full_like(attraction, -np.inf)
    for leader in range(w.n_leaders):
        own = (s.patron == leader) & ctx.present
        best = np.where(own, attraction, -np.inf).max(axis=1)
        bloc_attraction[:, leader] = np.where(ctx.principal[:, leader], best, -np.inf)
    z = bloc_attraction / p.member_lean_temperature
    z -= np.where(np.isfinite(z), z, -1e9).max(axis=1, keepdims=True)
    weights = np.where(np.isfinite(z), np.exp(z), 0.0)
    share = weights / np.maximum(weights.sum(axis=1, keepdims=True), 1e-12)
    return share * (1.0 - p.uncommitted_share)


def delegations(ctx: Context) -> NDArray[np.float64]:
    """(R, L + 1) share of congress delegates loyal to each bloc; last column uncommitted.

    In each region the secretary shapes a share of the delegation (by his loyalty); the
    rest follows the membership: veterans by :func:`veteran_lean`, intake cohorts by whom
    they owe their cards to."""
    s, p, w = ctx.state, ctx.params, ctx.world
    R, G = s.secretary_patron.shape
    L = w.n_leaders
    members = s.members  # (R, G, C)
    weight = members.sum(axis=2)
    weight = weight / np.maximum(weight.sum(axis=1, keepdims=True), 1e-9)  # (R, G)
    intake = w.intake_cohort
    veterans = members[:, :, ~intake].sum(axis=2)
    intakes = members[:, :, intake].sum(axis=2)
    total = np.maximum(veterans + intakes, 1e-9)
    vet_lean = veteran_lean(ctx)  # (R, L)
    owed = np.zeros((R, G, L))
    for leader in range(L):
        owed[:, :, :] += s.intake_share[:, :, [leader]] * (
            s.patron[:, None, [leader]] == np.arange(L)[None, None, :]
        )
    owed *= ctx.present[:, None, :]
    lean = (veterans / total)[:, :, None] * vet_lean[:, None, :] + (intakes / total)[
        :, :, None
    ] * owed  # (R, G, L)
    sec = secretary_bloc(ctx)
    influence = np.where(
        (sec >= 0) & ctx.present[ctx.rows[:, None], np.maximum(sec, 0)],
        p.secretary_influence * s.secretary_loyalty,
        0.0,
    )
    shaped = np.zeros((R, G, L))
    rr, gg = np.nonzero(influence > 0)
    shaped[rr, gg, sec[rr, gg]] = 1.0
    delegation = influence[:, :, None] * shaped + (1 - influence)[:, :, None] * lean
    blocs = (weight[:, :, None] * delegation).sum(axis=1)  # (R, L)
    uncommitted = np.clip(1.0 - blocs.sum(axis=1, keepdims=True), 0.0, 1.0)
    return np.concatenate([blocs, uncommitted], axis=1)


def drafter(ctx: Context) -> NDArray[np.int64]:
    """(R,) the bloc leader who drafts the slate: the holder of most agenda power."""
    s = ctx.state
    agenda = ctx.powers[:, :, POWER["agenda"]] * ctx.present
    has = agenda.max(axis=1) > 0
    holder = agenda.argmax(axis=1)
    fallback = dominant_bloc(ctx, "leadership")
    return np.where(has, s.patron[ctx.rows, holder], fallback)


def report_vote(ctx: Context, shares: NDArray[np.float64], delegates: int, kind: str) -> None:
    """The congress votes on the political report: an organized opposition outside the
    drafter's coalition is defeated (condemned) or carries the day."""
    s, p = ctx.state, ctx.params
    L = ctx.world.n_leaders
    line_holder = drafter(ctx)
    coalition = ctx.coalition()[ctx.rows, line_holder, :]  # (R, L)
    opposition = ctx.principal & ~coalition & s.faction
    if not opposition.any():
        return
    runs = np.flatnonzero(opposition.any(axis=1))
    yes_share = (shares[runs, :L] * coalition[runs]).sum(axis=1)
    no_share = (shares[runs, :L] * opposition[runs]).sum(axis=1)
    rest = 1.0 - yes_share - no_share
    # The uncommitted and the neutral blocs split, leaning to the side that looks stronger.
    lean = 0.5 + p.bandwagon * (yes_share - no_share)
    yes_share = yes_share + rest * np.clip(lean, 0.0, 1.0)
    no_share = 1.0 - yes_share
    yes = np.rint(yes_share * delegates).astype(np.int64)
    no = delegates - yes
    main = np.where(opposition[runs], s.prestige[runs], -1.0).argmax(axis=1)
    ctx.log.record(kind, s.turn, runs, actor=line_holder[runs], target=main, yes=yes, no=no)
    lost = yes > no
    for leader in range(L):
        hit = runs[lost & opposition[runs, leader]]
        if "legitimacy" in ctx.on:
            s.prestige[hit, leader] = np.maximum(0.0, s.prestige[hit, leader] - p.defeat_cost)
        s.pretext[hit, leader] = np.minimum(1.0, s.pretext[hit, leader] + p.condemnation_pretext)


def _elect_seats(
    ctx: Context, seats: NDArray[np.int64], size: int, prob: NDArray[np.float64], salt: int
) -> NDArray[np.int64]:
    """Draw every seat's patron from ``prob`` (R, L + 1; last column: uncommitted)."""
    L = ctx.world.n_leaders
    S = seats.shape[1]
    cumulative = np.cumsum(prob, axis=1)
    draw = ctx.random(Stream.CONGRESS_SEATS, (S,), salt=salt)
    choice = np.minimum((draw[:, :, None] > cumulative[:, None, :]).sum(axis=2), L)
    elected = np.where(choice == L, NO_PATRON, choice).astype(np.int64)
    elected[:, size:] = EMPTY_SEAT
    return elected


def _resize(seats: NDArray[np.int64], size: int) -> NDArray[np.int64]:
    """Keep the sitting members; new seats start uncommitted, surplus seats close."""
    kept = seats.copy()
    kept[:, size:] = EMPTY_SEAT
    kept[:, :size] = np.where(kept[:, :size] == EMPTY_SEAT, NO_PATRON, kept[:, :size])
    return kept


def elect_committee(ctx: Context, shares: NDArray[np.float64]) -> None:
    """The congress elects the committee (and the control body) from the drafter's slate."""
    s, p, w = ctx.state, ctx.params, ctx.world
    L = w.n_leaders
    turn = min(s.turn, w.months - 1)
    size = int(w.full_seats["committee"][turn])
    control_size = int(w.full_seats["control"][turn]) if "control" in w.full_seats else 0
    if "congress_elections" not in ctx.on:
        s.committee = _resize(s.committee, size)
        s.control = _resize(s.control, control_size)
        return
    line_holder = drafter(ctx)
    coalition = ctx.coalition()[ctx.rows, line_holder, :]
    weight = shares.copy()
    weight[:, :L] *= 1.0 + p.slate_bonus * coalition
    prob = weight / np.maximum(weight.sum(axis=1, keepdims=True), 1e-12)
    s.committee = _elect_seats(ctx, s.committee, size, prob, salt=0)
    if s.control.shape[1]:
        s.control = _elect_seats(ctx, s.control, control_size, prob, salt=1)
    ctx.refresh()
    largest = ctx.committee_votes.argmax(axis=1)
    ctx.log.record(
        "committee_elected",
        s.turn,
        ctx.rows,
        actor=largest,
        yes=ctx.committee_votes[ctx.rows, largest],
        no=size,
    )


def hold_congress(ctx: Context, effect: CompiledEffect) -> None:
    """A congress: delegations, the report vote, committee elections, the leadership."""
    s, w = ctx.state, ctx.world
    ctx.refresh()
    delegates = int(w.full_seats["congress"][min(s.turn, w.months - 1)])
    shares = delegations(ctx)
    ctx.log.record("congress_opened", s.turn, ctx.rows, value=float(delegates))
    report_vote(ctx, shares, delegates, "congress_vote")
    elect_committee(ctx, shares)
    ctx.refresh()
    fill_seats(ctx, ctx.rows)
    for office in range(len(w.office_ids)):
        fill_office(ctx, ctx.rows, office)
    ctx.refresh()


def hold_conference(ctx: Context, effect: CompiledEffect) -> None:
    """A conference debates the line and elects nothing."""
    s, w = ctx.state, ctx.world
    ctx.refresh()
    delegates = int(w.full_seats["congress"][min(s.turn, w.months - 1)])
    report_vote(ctx, delegations(ctx), delegates, "conference_vote")
