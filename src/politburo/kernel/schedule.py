"""The scenario's scheduled effects as a table the kernel can read: one row per effect,
the rows of month t at ``start[t]:start[t + 1]``, in the scenario's order."""

from __future__ import annotations

from enum import IntEnum
from typing import Any

import numpy as np

from politburo.kernel.layout import record
from politburo.model.world import World


class Effect(IntEnum):
    """What a scheduled effect does."""

    INCAPACITATE = 0
    RECOVER = 1
    DEATH = 2
    PRESTIGE = 3
    FUNERAL = 4
    DOCUMENT = 5
    CRISIS = 6
    RECRUITMENT_DRIVE = 7
    ALLIANCE = 8
    RULE = 9
    CONGRESS = 10
    CONFERENCE = 11
    MOTION = 12
    REHABILITATE = 13


EffectTable = record(
    "EffectTable",
    [
        "start",  # (T + 1,) int64 first row of each month
        "kind",  # (E,) int64 Effect
        "leader",  # (E,) int64 the leader (or the founder of a funeral, a motion's target)
        "leaders",  # (E, M) int64 orators / allied leaders, -1 padded
        "others",  # (E, M) int64 the absent at a funeral, -1 padded
        "about_leader",  # (E, M) int64 a document's subjects, -1 padded
        "about_delta",  # (E, M) float64 and their prestige changes
        "issue",  # (E,) int64
        "cohort",  # (E,) int64
        "rung",  # (E,) int64
        "office",  # (E,) int64
        "rule",  # (E,) int64
        "value",  # (E,) float64 delta, pressure or members
        "salience",  # (E,) float64 a crisis's salience
        "months",  # (E,) int64
        "flag",  # (E,) bool a document read, a rule switched on
    ],
)


def pack_schedule(world: World) -> Any:
    """The effect table of ``world``."""
    rows = [e for month in world.effects for e in month]
    E = max(len(rows), 1)
    width = max([1] + [max(len(e.leaders), len(e.others), len(e.about)) for e in rows])
    start = np.zeros(world.months + 1, dtype=np.int64)
    start[1:] = np.cumsum([len(month) for month in world.effects])
    leaders = np.full((E, width), -1, dtype=np.int64)
    others = np.full((E, width), -1, dtype=np.int64)
    about_leader = np.full((E, width), -1, dtype=np.int64)
    about_delta = np.zeros((E, width))
    kind = np.zeros(E, dtype=np.int64)
    salience = np.zeros(E)
    for n, e in enumerate(rows):
        kind[n] = Effect[e.effect.upper()]
        leaders[n, : len(e.leaders)] = e.leaders
        others[n, : len(e.others)] = e.others
        if e.effect == "crisis":
            salience[n] = e.about[0][1]
        else:
            for m, (who, delta) in enumerate(e.about):
                about_leader[n, m] = who
                about_delta[n, m] = delta

    def column(name: str, dtype: Any) -> np.ndarray:
        out = np.zeros(E, dtype=dtype)
        out[: len(rows)] = [getattr(e, name) for e in rows]
        return out

    return EffectTable(
        start=start,
        kind=kind,
        leader=column("leader", np.int64),
        leaders=leaders,
        others=others,
        about_leader=about_leader,
        about_delta=about_delta,
        issue=column("issue", np.int64),
        cohort=column("cohort", np.int64),
        rung=column("rung", np.int64),
        office=column("office", np.int64),
        rule=column("rule", np.int64),
        value=column("value", np.float64),
        salience=salience,
        months=column("months", np.int64),
        flag=column("flag", np.bool_),
    )
