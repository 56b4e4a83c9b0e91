"""Appointment, per run: the holders of appointment power install clients as regional
secretaries, whose loyalty then firms up. A machine whose leader sits in the leadership
resists, his allies' appointers included (Leningrad, Zinoviev's, fell to the Secretariat
only after the 14th Congress, though he had been Stalin's ally for three years).

First ported from the batched NumPy ``model/appointment.py`` (deleted, issue #10).
"""

from __future__ import annotations

from numba import njit

from politburo.kernel.derive import (
    SEAT_CANDIDATE,
    SEAT_FULL,
    coalition,
    dominant_bloc,
    leverage,
    seats_in_use,
)
from politburo.kernel.events import Event, record
from politburo.kernel.layout import Mechanism, Power, Role, Trait
from politburo.kernel.npmath import clip
from politburo.kernel.rng import uniform
from politburo.model.rng import Stream

_APPOINTMENT = int(Stream.APPOINTMENT)


@njit(cache=True)
def local_strength(k, r, actor, region):  # type: ignore[no-untyped-def]
    """How firmly the sitting secretary's bloc holds ``region`` against ``actor``: his
    loyalty, times the protection of his bloc's leader (1 with a full leadership seat,
    0.5 with a candidate seat or committee seats of his own, 0 otherwise). An ally does
    not hand over his own machine: only a machine whose leader is gone, or one of the
    actor's own bloc, gives way (0)."""
    s, d = k.s, k.d
    holder = s.secretary_patron[r, region]
    if holder < 0:
        return 0.0
    bloc = s.patron[r, holder]
    if not d.present[r, bloc] or bloc == s.patron[r, actor]:
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
    """Secretaries grow into their posts, while their patron's side holds: loyalty to the
    patron firms up by ``secretary_loyalty_growth`` a month. A secretary whose patron's
    bloc is beaten (another coalition, not his, commands the committee) loses
    ``secretary_desertion`` of it instead; at none he answers to the beaten bloc's
    conquerors, the committee's dominant coalition that can now remove him (the review's
    R9: a patron who loses a congress loses his secretaries; Leningrad, 1926)."""
    s, p = k.s, k.p
    patron = s.secretary_patron[r]
    loyalty = s.secretary_loyalty[r]
    growth = p.secretary_loyalty_growth
    winner = _commanding_bloc(k, r)
    coal = coalition(k, r)
    for g in range(patron.shape[0]):
        if patron[g] < 0:
            loyalty[g] = 0.0
            continue
        bloc = s.patron[r, patron[g]]
        if winner < 0 or coal[winner, bloc]:
            loyalty[g] = min(1.0, loyalty[g] + growth)
            continue
        loyalty[g] = max(0.0, loyalty[g] - p.secretary_desertion)
        if loyalty[g] <= 0.0:
            patron[g] = winner
            loyalty[g] = p.appointee_loyalty
            record(k, r, t, Event.SECRETARY_DEFECTED, winner, bloc, obj=g)


@njit(cache=True)
def _commanding_bloc(k, r):  # type: ignore[no-untyped-def]
    """The leader of the coalition that commands a majority of the committee's seats in
    use (:func:`~politburo.kernel.derive.dominant_bloc`), -1 if no coalition does."""
    if not k.on[Mechanism.APPOINTMENT]:
        return -1
    leader = dominant_bloc(k, r, Role.COMMITTEE)
    coal = coalition(k, r)
    seats = 0
    for j in range(coal.shape[1]):
        if coal[leader, j]:
            seats += k.d.comm_votes[r, j]
    return leader if 2 * seats > seats_in_use(k, r) else -1
