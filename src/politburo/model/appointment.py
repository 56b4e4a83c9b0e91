"""Appointment: the Secretariat replaces regional secretaries with its clients.

"He also had the power to appoint people to party positions" (seed). An appointment
succeeds with a chance that grows with the office's appointment power and the
appointer's organization; the new secretary is a client of the appointer's bloc, and at
the next congress he shapes his region's delegation.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from politburo.model.context import Context
from politburo.model.rng import Stream
from politburo.model.world import POWER


def appoint_secretaries(
    ctx: Context, runs: NDArray[np.int64], actor: NDArray[np.int64], region: NDArray[np.int64]
) -> None:
    """Each ``actor`` tries to install a client as secretary of ``region`` (per run)."""
    s, p = ctx.state, ctx.params
    power = ctx.powers[runs, actor, POWER["appointment"]]
    organization = ctx.trait("organization")[actor]
    chance = p.appointment_success * np.clip(power, 0, 1) * ctx.leverage(organization)
    draw = ctx.random(Stream.APPOINTMENT, (ctx.world.n_leaders,))[runs, actor]
    ok = draw < chance
    s.secretary_patron[runs[ok], region[ok]] = s.patron[runs[ok], actor[ok]]
    s.secretary_loyalty[runs[ok], region[ok]] = p.appointee_loyalty
    ctx.log.record("appointed", s.turn, runs[ok], actor=actor[ok], obj=region[ok])
    bad = ~ok
    ctx.log.record("appointment_failed", s.turn, runs[bad], actor=actor[bad], obj=region[bad])


def secretary_bloc(ctx: Context) -> NDArray[np.int64]:
    """(R, G) the bloc each regional secretary answers to, -1 if none."""
    s = ctx.state
    sec = s.secretary_patron
    return np.where(sec >= 0, s.patron[ctx.rows[:, None], np.maximum(sec, 0)], -1)


def drift_secretaries(ctx: Context) -> None:
    """Secretaries grow into their posts: loyalty to the patron firms up over time."""
    s = ctx.state
    s.secretary_loyalty = np.where(
        s.secretary_patron >= 0,
        np.minimum(1.0, s.secretary_loyalty + ctx.params.secretary_loyalty_growth),
        0.0,
    )
