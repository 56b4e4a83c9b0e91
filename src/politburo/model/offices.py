"""Offices and seats change hands: vacating, electing to a vacancy, leaving the game.

Shared by the mechanisms that remove people (discipline, death) and by the congress.
A vacancy is filled by the body that elects to it: the coalition with most votes there
nominates, and prefers its own clients (spreading its bloc) over its leader.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from politburo.model.context import Context
from politburo.model.state import NO_PATRON
from politburo.model.world import SEAT_CANDIDATE, SEAT_FULL, SEAT_NONE


def bloc_votes(ctx: Context, role: str) -> NDArray[np.int64]:
    """(R, L) votes each bloc leader commands in the body with ``role``. The congress,
    elected afresh each time, is represented by the committee it last elected."""
    if role == "leadership":
        return ctx.leadership_votes
    if role == "control":
        s = ctx.state
        L = ctx.world.n_leaders
        seats = s.control
        bloc = s.patron[ctx.rows[:, None], np.maximum(seats, 0)]
        votes = np.zeros((s.n_runs, L), dtype=np.int64)
        for leader in range(L):
            votes[:, leader] = ((bloc == leader) & (seats >= 0)).sum(axis=1)
        return votes
    return ctx.committee_votes


def dominant_bloc(ctx: Context, role: str = "committee") -> NDArray[np.int64]:
    """(R,) the bloc leader whose coalition commands most votes in a body (cached until
    blocs, alliances or seats change)."""
    key = f"dominant:{role}"
    if key in ctx.cache:
        return ctx.cache[key]  # type: ignore[return-value]
    votes = bloc_votes(ctx, role)
    coalition = ctx.coalition()
    strength = (coalition * votes[:, None, :]).sum(axis=2).astype(np.float64)
    strength = np.where(ctx.principal, strength + 1e-3 * votes, -1.0)
    result = np.asarray(strength.argmax(axis=1), dtype=np.int64)
    ctx.cache[key] = result
    return result


def nominate(
    ctx: Context, runs: NDArray[np.int64], role: str = "committee", for_seat: bool = False
) -> NDArray[np.int64]:
    """(len(runs),) the nominee for a post of the coalition commanding the body ``role``."""
    s, w = ctx.state, ctx.world
    leader_of = dominant_bloc(ctx, role)[runs]
    coalition = ctx.coalition()[runs, leader_of, :]  # (n, L)
    eligible = ctx.present[runs] & w.actor[None, :] & coalition
    if for_seat:
        eligible &= s.seat[runs] == SEAT_NONE
    offices_held = (s.office_holder[runs][:, :, None] == np.arange(w.n_leaders)[None, None, :]).sum(
        axis=1
    )
    is_client = s.patron[runs] != np.arange(w.n_leaders)[None, :]
    p = ctx.params
    score = (
        s.prestige[runs]
        + p.nominee_client_bonus * is_client
        - p.nominee_office_penalty * offices_held
    )
    score = np.where(eligible, score, -np.inf)
    choice = score.argmax(axis=1)
    none = ~np.isfinite(score.max(axis=1))
    return np.where(none, -1, choice)


def vacate_office(ctx: Context, runs: NDArray[np.int64], office: int) -> None:
    """Remove the holder of ``office`` in ``runs`` and record it."""
    s = ctx.state
    holder = s.office_holder[runs, office]
    had = holder >= 0
    runs, holder = runs[had], holder[had]
    s.office_holder[runs, office] = -1
    first = s.lost_office[runs, holder, office] < 0
    s.lost_office[runs[first], holder[first], office] = s.turn
    ctx.log.record("office_lost", s.turn, runs, actor=holder, obj=office)


def fill_office(ctx: Context, runs: NDArray[np.int64], office: int) -> None:
    """Elect a holder for a vacant ``office`` in ``runs``."""
    s = ctx.state
    vacant = s.office_holder[runs, office] < 0
    runs = runs[vacant]
    if runs.size == 0:
        return
    nominee = nominate(ctx, runs, role=ctx.world.office_elected_by[office])
    ok = nominee >= 0
    s.office_holder[runs[ok], office] = nominee[ok]
    ctx.log.record("office_filled", s.turn, runs[ok], actor=nominee[ok], obj=office)


def fill_seats(ctx: Context, runs: NDArray[np.int64]) -> None:
    """Fill leadership seats up to the sizes in force: promote candidates, then elect."""
    s, w = ctx.state, ctx.world
    turn = min(s.turn, w.months - 1)
    full_size = int(w.full_seats["leadership"][turn])
    cand_size = int(w.candidate_seats["leadership"][turn])
    # Seats change neither who is present nor the committee's blocs, so the context stays
    # valid while seats are filled.
    leader_of = dominant_bloc(ctx)[runs]
    coalition = ctx.coalition()[runs, leader_of, :]
    for _ in range(full_size + cand_size):
        # The incapacitated keep their seats until they die or are removed.
        seated = s.alive[runs] & s.in_party[runs] & ~s.exiled[runs]
        seated_full = ((s.seat[runs] == SEAT_FULL) & seated).sum(axis=1)
        seated_cand = ((s.seat[runs] == SEAT_CANDIDATE) & seated).sum(axis=1)
        need_full = seated_full < full_size
        need_cand = (seated_cand < cand_size) & ~need_full
        if not (need_full.any() or need_cand.any()):
            return
        # Promote the candidate of the dominant coalition with most prestige.
        cands = (s.seat[runs] == SEAT_CANDIDATE) & ctx.present[runs]
        score = np.where(cands, s.prestige[runs] + coalition, -np.inf)
        promote = need_full & np.isfinite(score.max(axis=1))
        who = score.argmax(axis=1)
        if promote.any():
            r = runs[promote]
            s.seat[r, who[promote]] = SEAT_FULL
            ctx.log.record("seat_filled", s.turn, r, actor=who[promote], value=2.0)
        elect = (need_full & ~promote) | need_cand
        if elect.any():
            r = runs[elect]
            nominee = nominate(ctx, r, for_seat=True)
            ok = nominee >= 0
            seat = np.where(need_full[elect], SEAT_FULL, SEAT_CANDIDATE).astype(np.int8)
            s.seat[r[ok], nominee[ok]] = seat[ok]
            ctx.log.record(
                "seat_filled", s.turn, r[ok], actor=nominee[ok], value=seat[ok].astype(float)
            )
            if not ok.any() and not promote.any():
                return


def lose_seat(ctx: Context, runs: NDArray[np.int64], leader: NDArray[np.int64]) -> None:
    """Leaders lose their leadership seat (recorded once)."""
    s = ctx.state
    had = s.seat[runs, leader] != SEAT_NONE
    runs, leader = runs[had], leader[had]
    s.seat[runs, leader] = SEAT_NONE
    first = s.lost_seat[runs, leader] < 0
    s.lost_seat[runs[first], leader[first]] = s.turn
    ctx.log.record("seat_lost", s.turn, runs, actor=leader)


def end_alliances(ctx: Context, runs: NDArray[np.int64], leader: NDArray[np.int64]) -> None:
    """Every alliance of ``leader`` in ``runs`` ends (he submitted or left politics)."""
    s = ctx.state
    rows, partner = np.nonzero(s.ally[runs, leader, :])
    ctx.log.record("alliance_ended", s.turn, runs[rows], actor=leader[rows], target=partner)
    s.ally[runs, leader, :] = False
    s.ally[runs, :, leader] = False


def release_bloc(ctx: Context, runs: NDArray[np.int64], leader: NDArray[np.int64]) -> None:
    """A leader leaves politics: his clients become principals; his committee and control
    seats and his secretaries owe nobody; his alliances end; his faction dissolves."""
    s, w = ctx.state, ctx.world
    L = w.n_leaders
    for k in range(L):
        clients = s.patron[runs, k] == leader
        clients &= k != leader
        s.patron[runs[clients], k] = k
        s.loyalty[runs[clients], k] = 1.0
    for name in ("committee", "control"):
        seats = getattr(s, name)[runs]
        seats[seats == leader[:, None]] = NO_PATRON
        getattr(s, name)[runs] = seats
    sec = s.secretary_patron[runs]
    sec[sec == leader[:, None]] = NO_PATRON
    s.secretary_patron[runs] = sec
    end_alliances(ctx, runs, leader)
    s.faction[runs, leader] = False


def leave_posts(ctx: Context, runs: NDArray[np.int64], leader: NDArray[np.int64]) -> None:
    """Vacate every office and seat of ``leader`` in ``runs``, then elect replacements."""
    s, w = ctx.state, ctx.world
    for office in range(len(w.office_ids)):
        holds = s.office_holder[runs, office] == leader
        if holds.any():
            vacate_office(ctx, runs[holds], office)
    lose_seat(ctx, runs, leader)
    release_bloc(ctx, runs, leader)
    ctx.refresh(np.unique(runs))
    for office in range(len(w.office_ids)):
        fill_office(ctx, runs, office)
    fill_seats(ctx, runs)


def main_office(ctx: Context, leader: NDArray[np.int64]) -> NDArray[np.int64]:
    """(R,) the most powerful office each leader holds (-1 if none)."""
    s, w = ctx.state, ctx.world
    weight = w.office_powers.sum(axis=1)
    holds = s.office_holder == leader[:, None]
    score = np.where(holds, weight[None, :], -1.0)
    best = score.argmax(axis=1)
    return np.where(score.max(axis=1) >= 0, best, -1)
