"""Appointment, per run: the holders of appointment power install clients as regional
secretaries, whose loyalty then firms up. A machine whose leader sits in the leadership
resists unless its leader is the appointer's ally (Leningrad fell to the Secretariat only
after the 14th Congress; Moscow changed hands with the triumvirs' consent).

First ported from the batched NumPy ``model/appointment.py`` (deleted, issue #10).
"""

from __future__ import annotations

from numba import njit

from politburo.kernel.derive import SEAT_CANDIDATE, SEAT_FULL, allied_with, leverage
from politburo.kernel.events import Event, record
from politburo.kernel.layout import Power, Trait
from politburo.kernel.npmath import clip
from politburo.kernel.rng import uniform
from politburo.model.rng import Stream

_APPOINTMENT = int(Stream.APPOINTMENT)


@njit(cache=True)
def local_strength(k, r, actor, region):  # type: ignore[no-untyped-def]
    """How firmly the sitting secretary's bloc holds ``region`` against ``actor``: his
    loyalty, times the protection of his bloc's leader (1 with a full leadership seat,
    0.5 with a candidate seat or committee seats of his own, 0 otherwise). An incumbent
    bloc in the actor's coalition consents (0), as does a machine whose leader is gone."""
    s, d = k.s, k.d
    holder = s.secretary_patron[r, region]
    if holder < 0:
        return 0.0
    bloc = s.patron[r, holder]
    if not d.present[r, bloc] or allied_with(k, r, actor, bloc):
        return 0.0
    seat = s.seat[r, bloc]
    if seat == SEAT_FULL:
        protection = 1.0
    elif seat == SEAT_CANDIDATE or d.comm_votes[r, bloc] > 0:
        protection = 0.5
    else:
        protection = 0.0
    return s.secretary_loyalty[r, region] * protection


@njit(cache=True)
def appoint(k, r, t, actor, target):  # type: ignore[no-untyped-def]
    """The actor tries to install a client as secretary of a region (``target``):
    an entrenched local machine resists (:func:`local_strength`, ``entrenchment``)."""
    s, p = k.s, k.p
    region = target
    power = k.d.powers[r, actor, Power.APPOINTMENT]
    organization = k.w.traits[actor, Trait.ORGANIZATION]
    chance = p.appointment_success * clip(power, 0.0, 1.0) * leverage(k, organization)
    chance = chance * (1.0 - p.entrenchment * local_strength(k, r, actor, region))
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
