"""Outcome: real power each month and the consolidation check.

A leader has consolidated when no rival principal keeps a seat in the leadership and his
bloc holds a majority of the leadership and of the committee. Otherwise the run ends at
the calendar's end as a collective leadership.
"""

from __future__ import annotations

import numpy as np

from politburo.model.context import Context
from politburo.model.power import banzhaf, majority_quota
from politburo.model.world import SEAT_FULL, SEAT_NONE


def measure_power(ctx: Context) -> None:
    """Real power: Banzhaf index of each bloc in the leadership and the committee.

    Uncommitted committee seats are taken to split evenly, so a motion passes when the
    blocs backing it hold a majority of the committed seats."""
    s, p = ctx.state, ctx.params
    ctx.refresh()
    lead = ctx.leadership_votes
    committee = ctx.committee_votes
    lead_power = banzhaf(lead, majority_quota(lead.sum(axis=1)))
    committee_power = banzhaf(committee, majority_quota(committee.sum(axis=1)))
    w = p.leadership_power_weight
    s.real_power = w * lead_power + (1.0 - w) * committee_power
    ctx.refresh()


def check_consolidation(ctx: Context) -> None:
    """Record the first month a leader consolidates power."""
    s = ctx.state
    open_runs = s.winner < 0
    if not open_runs.any():
        return
    leader = np.where(ctx.principal, s.real_power, -1.0).argmax(axis=1)
    rows = ctx.rows
    bloc = s.patron == leader[:, None]
    seated = s.alive & s.in_party & ~s.exiled
    rival = ctx.principal & (s.seat != SEAT_NONE) & ~bloc
    no_rivals = ~rival.any(axis=1)
    full = (s.seat == SEAT_FULL) & seated
    lead_majority = (full & bloc).sum(axis=1) * 2 > full.sum(axis=1)
    in_use = s.committee != -2
    committed_bloc = ctx.committee_votes[rows, leader]
    committee_majority = committed_bloc * 2 > in_use.sum(axis=1)
    done = open_runs & no_rivals & lead_majority & committee_majority & ctx.principal[rows, leader]
    s.winner[done] = leader[done]
    s.consolidated[done] = s.turn
    ctx.log.record("consolidated", s.turn, rows[done], actor=leader[done])
