"""What a leader can do in a month: verbs, their targets, and how they read.

An action is a (verb, target) pair. The target is a leader, a region, an issue with a
direction (``2 * issue + (0 lower, 1 higher)``), or nothing. Any policy (the heuristic AI,
a human at the terminal, a learning agent) chooses from the same legal set, which the
rules decide (:func:`politburo.kernel.decide.legal`, read through
:meth:`politburo.kernel.view.View.legal`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

import numpy as np
from numpy.typing import NDArray

from politburo.model.world import World


class Verb(IntEnum):
    """The verbs of the game, in the order they are resolved within a month."""

    PASS = 0
    RECANT = 1
    BREAK_ALLIANCE = 2
    PROPOSE_ALLIANCE = 3
    SHIFT_POSITION = 4
    WIN_OVER = 5
    APPOINT = 6
    RECRUIT = 7
    ATTACK = 8
    DEFEND_LINE = 9
    CRITICIZE_LINE = 10
    APPEAL = 11
    GATHER_MATERIAL = 12
    ORGANIZE_FACTION = 13
    PROPOSE_POLICY = 14
    MOVE_DISCIPLINE = 15


#: verb -> kind of target ("leader", "region", "issue", or "none")
TARGET_KIND: dict[Verb, str] = {
    Verb.PASS: "none",
    Verb.RECANT: "none",
    Verb.BREAK_ALLIANCE: "leader",
    Verb.PROPOSE_ALLIANCE: "leader",
    Verb.SHIFT_POSITION: "issue",
    Verb.WIN_OVER: "leader",
    Verb.APPOINT: "region",
    Verb.RECRUIT: "region",
    Verb.ATTACK: "leader",
    Verb.DEFEND_LINE: "none",
    Verb.CRITICIZE_LINE: "none",
    Verb.APPEAL: "none",
    Verb.GATHER_MATERIAL: "leader",
    Verb.ORGANIZE_FACTION: "none",
    Verb.PROPOSE_POLICY: "issue",
    Verb.MOVE_DISCIPLINE: "leader",
}

#: verb -> the mechanism that must be on for it to be legal
VERB_MECHANISM: dict[Verb, str | None] = {
    Verb.PASS: None,
    Verb.RECANT: "discipline",
    Verb.BREAK_ALLIANCE: "alliances",
    Verb.PROPOSE_ALLIANCE: "alliances",
    Verb.SHIFT_POSITION: "policy",
    Verb.WIN_OVER: "bodies_and_votes",
    Verb.APPOINT: "appointment",
    Verb.RECRUIT: "recruitment",
    Verb.ATTACK: "legitimacy",
    Verb.DEFEND_LINE: "legitimacy",
    Verb.CRITICIZE_LINE: "legitimacy",
    Verb.APPEAL: "legitimacy",
    Verb.GATHER_MATERIAL: "information",
    Verb.ORGANIZE_FACTION: None,
    Verb.PROPOSE_POLICY: "policy",
    Verb.MOVE_DISCIPLINE: "discipline",
}

DESCRIPTION: dict[Verb, str] = {
    Verb.PASS: "do nothing this month",
    Verb.RECANT: "recant and submit to the strongest leader (become his client)",
    Verb.BREAK_ALLIANCE: "break the alliance with {target}",
    Verb.PROPOSE_ALLIANCE: "propose an alliance to {target}",
    Verb.SHIFT_POSITION: "shift your position on {target}",
    Verb.WIN_OVER: "win {target} over as your client",
    Verb.APPOINT: "appoint a client as secretary of {target}",
    Verb.RECRUIT: "recruit new members in {target}",
    Verb.ATTACK: "attack {target} in a polemic",
    Verb.DEFEND_LINE: "defend the line and the founder's legacy",
    Verb.CRITICIZE_LINE: "criticize the line and the party bureaucracy",
    Verb.APPEAL: "appeal to the rank and file",
    Verb.GATHER_MATERIAL: "gather compromising material on {target}",
    Verb.ORGANIZE_FACTION: "organize your supporters as a faction",
    Verb.PROPOSE_POLICY: "propose moving the line on {target}",
    Verb.MOVE_DISCIPLINE: "move the next disciplinary step against {target}",
}


@dataclass
class Plan:
    """Chosen actions of every leader in every run: up to K per leader."""

    verb: NDArray[np.int64]  # (R, L, K) Verb values, PASS for none
    target: NDArray[np.int64]  # (R, L, K) target index, -1 for none

    @classmethod
    def empty(cls, runs: int, leaders: int, budget: int) -> Plan:
        return cls(
            verb=np.zeros((runs, leaders, budget), dtype=np.int64),
            target=np.full((runs, leaders, budget), -1, dtype=np.int64),
        )


def n_targets(world: World, verb: Verb) -> int:
    """Size of the target domain of a verb (1 for a verb that takes none)."""
    kind = TARGET_KIND[verb]
    if kind == "leader":
        return world.n_leaders
    if kind == "region":
        return len(world.region_ids)
    if kind == "issue":
        return 2 * len(world.issue_ids)
    return 1


def describe(world: World, verb: Verb, target: int) -> str:
    """A plain-language description of an action."""
    kind = TARGET_KIND[verb]
    w = world
    if kind == "leader":
        name = w.leader_names[target]
    elif kind == "region":
        name = w.region_names[target]
    elif kind == "issue":
        issue = w.scenario.issues[target // 2]
        name = f"{issue.name} toward '{issue.high if target % 2 else issue.low}'"
    else:
        name = ""
    return DESCRIPTION[verb].format(target=name)
