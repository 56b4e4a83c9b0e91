"""Appointment, per run: the holders of appointment power install clients as regional
secretaries, whose loyalty then firms up.

It reproduces the batched NumPy ``model/appointment.py`` it replaced (deleted).
"""

from __future__ import annotations

from numba import njit

from politburo.kernel.derive import leverage
from politburo.kernel.events import Event, record
from politburo.kernel.layout import Power, Trait
from politburo.kernel.npmath import clip
from politburo.kernel.rng import uniform
from politburo.model.rng import Stream

_APPOINTMENT = int(Stream.APPOINTMENT)


@njit(cache=True)
def appoint(k, r, t, actor, target):  # type: ignore[no-untyped-def]
    """The actor tries to install a client as secretary of a region (``target``)."""
    s, p = k.s, k.p
    region = target
    power = k.d.powers[r, actor, Power.APPOINTMENT]
    organization = k.w.traits[actor, Trait.ORGANIZATION]
    chance = p.appointment_success * clip(power, 0.0, 1.0) * leverage(k, organization)
    draw = uniform(s.keys[r], t, _APPOINTMENT, 0, actor)
    if draw < chance:
        s.secretary_patron[r, region] = s.patron[r, actor]
        s.secretary_loyalty[r, region] = p.appointee_loyalty
        record(k, r, t, Event.APPOINTED, actor, obj=region)
    else:
        record(k, r, t, Event.APPOINTMENT_FAILED, actor, obj=region)


@njit(cache=True)
def drift_secretaries(k, r, t):  # type: ignore[no-untyped-def]
    """Secretaries grow into their posts: loyalty to the patron firms up over time."""
    patron = k.s.secretary_patron[r]
    loyalty = k.s.secretary_loyalty[r]
    growth = k.p.secretary_loyalty_growth
    for g in range(patron.shape[0]):
        if patron[g] >= 0:
            loyalty[g] = min(1.0, loyalty[g] + growth)
        else:
            loyalty[g] = 0.0
