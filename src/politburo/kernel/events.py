"""Events written by the kernel: fixed-width records in preallocated per-run buffers.

A record is (month, kind, actor, target, object, yes, no, value). A buffer that fills up
keeps counting what it could not hold (``lost``); the driver reports it. Buffers are
decoded in Python into the columnar :class:`politburo.model.events.EventLog`, from which
the narrative and ``--json`` are built.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any

import numpy as np
from numba import njit

from politburo.model.events import ALWAYS_KEPT, EVENT_KINDS, EventLog


class Event(IntEnum):
    """Event kinds (codes of :data:`politburo.model.events.EVENT_KINDS`)."""

    SCHEDULED = 0
    INCAPACITATED = 1
    RECOVERED = 2
    DIED = 3
    FUNERAL_ORATION = 4
    FUNERAL_ABSENCE = 5
    DOCUMENT_READ = 6
    CRISIS = 7
    RECRUITMENT_DRIVE = 8
    APPOINTED = 9
    APPOINTMENT_FAILED = 10
    RECRUITED = 11
    ALLIANCE_FORMED = 12
    ALLIANCE_REFUSED = 13
    ALLIANCE_BROKEN = 14
    ALLIANCE_ENDED = 15
    ATTACKED = 16
    DEFENDED_LINE = 17
    CRITICIZED_LINE = 18
    APPEALED = 19
    GATHERED_MATERIAL = 20
    FACTION_ORGANIZED = 21
    FACTION_DETECTED = 22
    POSITION_SHIFTED = 23
    POLICY_ADOPTED = 24
    POLICY_REJECTED = 25
    WON_OVER = 26
    WIN_OVER_FAILED = 27
    RECANTED = 28
    MOTION_PASSED = 29
    MOTION_FAILED = 30
    OFFICE_FILLED = 31
    OFFICE_LOST = 32
    SEAT_FILLED = 33
    SEAT_LOST = 34
    EXPELLED = 35
    EXILED = 36
    CONGRESS_OPENED = 37
    CONGRESS_VOTE = 38
    COMMITTEE_ELECTED = 39
    CONFERENCE_VOTE = 40
    CONSOLIDATED = 41
    PLENUM = 42
    SEAT_DEMOTED = 43
    COMMON_THREAT = 44
    REHABILITATED = 45
    RESTRAINED = 46
    SECRETARY_DEFECTED = 47


assert tuple(e.name.lower() for e in Event) == EVENT_KINDS
_KEPT = np.array([name in ALWAYS_KEPT for name in EVENT_KINDS])


@njit(cache=True)
def record(k, r, t, kind, actor=-1, target=-1, obj=-1, yes=-1, no=-1, value=np.nan):  # type: ignore[no-untyped-def]
    """Write one event of run ``r`` (kept if the log records everything or the kind is
    always kept)."""
    ev = k.ev
    if not ev.record_all[0] and not _KEPT[kind]:
        return
    n = ev.count[r]
    if n >= ev.value.shape[1]:
        ev.lost[r] += 1
        return
    row = ev.ints[r, n]
    row[0] = t
    row[1] = kind
    row[2] = actor
    row[3] = target
    row[4] = obj
    row[5] = yes
    row[6] = no
    ev.value[r, n] = value
    ev.count[r] = n + 1


class EventOverflowError(RuntimeError):
    """A run wrote more events than its buffer holds."""


def append_to_log(ev: Any, log: EventLog, offset: int = 0) -> None:
    """Move every run's buffered events into ``log`` (run by run, in recorded order; batch
    positions shifted by ``offset``) and empty the buffers."""
    if int(ev.lost.sum()):
        worst = int(ev.lost.argmax())
        raise EventOverflowError(
            f"{int(ev.lost.sum())} events did not fit the per-run buffers "
            f"(run position {worst} lost {int(ev.lost[worst])}); raise the event capacity"
        )
    counts = ev.count
    total = int(counts.sum())
    if total:
        runs = np.repeat(np.arange(counts.size, dtype=np.int64), counts) + offset
        mask = np.arange(ev.value.shape[1])[None, :] < counts[:, None]
        ints = ev.ints[mask]
        log.extend(runs, ints, ev.value[mask])
    counts[:] = 0
