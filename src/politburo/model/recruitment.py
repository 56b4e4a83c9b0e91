"""Recruitment: mass intakes of naive members loyal to the recruiting machine.

"Lenin Enrollment ... 500,000 ... they owed this all to the person who recruited them"
(seed). A recruitment drive (a scenario event) or a recruitment action adds members of an
``intake`` cohort; a share of them owes its card to the machine (the holders of
recruitment power, and the region's secretary), the rest owe no one (uncommitted).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from politburo.model.appointment import secretary_bloc
from politburo.model.context import Context
from politburo.model.world import POWER


def _intake_cohort(ctx: Context) -> int:
    intake = np.flatnonzero(ctx.world.intake_cohort)
    return int(intake[0]) if intake.size else -1


def _add_intake(
    ctx: Context, cohort: int, added: NDArray[np.float64], owed: NDArray[np.float64]
) -> None:
    """Add ``added`` (R, G) members of an intake cohort owing ``owed`` (R, G, L)."""
    s = ctx.state
    intake = ctx.world.intake_cohort
    before = s.members[:, :, intake].sum(axis=2)
    after = before + added
    weight_old = np.where(after > 0, before / np.maximum(after, 1e-9), 0.0)
    weight_new = np.where(after > 0, added / np.maximum(after, 1e-9), 0.0)
    s.intake_share = s.intake_share * weight_old[:, :, None] + owed * weight_new[:, :, None]
    s.members[:, :, cohort] += added


def _owed(ctx: Context, machine: NDArray[np.float64]) -> NDArray[np.float64]:
    """(R, G, L) share of new members owing each bloc: ``intake_machine_share`` of them
    owe the machine, split between the centre (``machine``, (R, L) shares) and the
    region's secretary's bloc by ``recruitment_local_share``."""
    s, p = ctx.state, ctx.params
    R, G = s.secretary_patron.shape
    L = ctx.world.n_leaders
    if "recruitment" not in ctx.on:
        return np.zeros((R, G, L))
    sec = secretary_bloc(ctx)
    local = np.zeros((R, G, L))
    rr, gg = np.nonzero(sec >= 0)
    local[rr, gg, sec[rr, gg]] = 1.0
    local_share = p.recruitment_local_share
    return p.intake_machine_share * ((1 - local_share) * machine[:, None, :] + local_share * local)


def machine_shares(ctx: Context) -> NDArray[np.float64]:
    """(R, L) each bloc's share of the party's recruitment power."""
    s = ctx.state
    L = ctx.world.n_leaders
    power = ctx.powers[:, :, POWER["recruitment"]] * ctx.present
    by_bloc = np.zeros_like(power)
    for leader in range(L):
        by_bloc += power[:, [leader]] * (s.patron[:, [leader]] == np.arange(L)[None, :])
    total = by_bloc.sum(axis=1, keepdims=True)
    return np.where(total > 0, by_bloc / np.maximum(total, 1e-9), 0.0)


def start_drive(ctx: Context, cohort: int, members: float, months: int) -> None:
    """A recruitment drive begins: ``members`` join over ``months``."""
    s = ctx.state
    s.drive_rate[:, cohort] = members / months
    s.drive_left[:, cohort] = months


def run_drives(ctx: Context) -> None:
    """Members of running drives join, spread over regions by current membership."""
    s = ctx.state
    running = s.drive_left > 0
    if not running.any():
        return
    machine = machine_shares(ctx)
    owed = _owed(ctx, machine)
    total = s.members.sum(axis=2)
    spread = total / np.maximum(total.sum(axis=1, keepdims=True), 1e-9)
    for cohort in np.flatnonzero(running.any(axis=0)):
        rate = np.where(running[:, cohort], s.drive_rate[:, cohort], 0.0)
        _add_intake(ctx, int(cohort), spread * rate[:, None], owed)
    s.drive_left = np.maximum(s.drive_left - 1, 0).astype(np.int16)


def recruit(
    ctx: Context, runs: NDArray[np.int64], actor: NDArray[np.int64], region: NDArray[np.int64]
) -> None:
    """A leader with recruitment power organizes a local intake in a region he holds."""
    s, p = ctx.state, ctx.params
    cohort = _intake_cohort(ctx)
    if cohort < 0:
        return
    L = ctx.world.n_leaders
    intake = ctx.world.intake_cohort
    size = s.members[runs, region].sum(axis=1)
    added = p.recruit_action_members * size * ctx.leverage(ctx.trait("organization")[actor])
    owed = np.zeros((runs.size, L))
    if "recruitment" in ctx.on:
        # The recruiter's own bloc is both the machine and the region's secretary here.
        owed[np.arange(runs.size), s.patron[runs, actor]] = p.intake_machine_share
    before = s.members[runs, region][:, intake].sum(axis=1)
    after = np.maximum(before + added, 1e-9)
    s.intake_share[runs, region] = (
        s.intake_share[runs, region] * (before / after)[:, None] + owed * (added / after)[:, None]
    )
    s.members[runs, region, cohort] += added
    ctx.log.record("recruited", s.turn, runs, actor=actor, obj=region, value=added)


def grow_membership(ctx: Context) -> None:
    """Veteran cohorts grow slowly by ordinary admissions."""
    s, p = ctx.state, ctx.params
    veteran = ~ctx.world.intake_cohort
    s.members[:, :, veteran] *= 1.0 + p.membership_growth
