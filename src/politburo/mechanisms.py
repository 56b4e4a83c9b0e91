"""The mechanisms, by name, each switchable off (``--ablate NAME``)."""

from __future__ import annotations

from collections.abc import Iterable

#: name -> what switching it off does
from politburo.errors import InputError

MECHANISMS: dict[str, str] = {
    "appointment": "the secretariat cannot replace regional secretaries with its clients",
    "bodies_and_votes": "members vote on merit (policy, prestige) and ignore their patrons",
    "congress_elections": "congresses do not re-elect the committee (no circular flow)",
    "recruitment": "new members owe nothing to the machine that recruited them",
    "information": "no detection of factions, no compromising material, no insight",
    "faction_ban": "factions are legal: evidence of them weighs little, they keep full pull",
    "legitimacy": "prestige never moves (no funeral, attacks, line, crises)",
    "alliances": "no leader forms or keeps an alliance",
    "discipline": "no censure, removal, expulsion or exile is ever moved",
    "policy": "positions, the line and crises play no part",
    "traits": "every leader has neutral traits and no stigma",
    "perception": "leaders judge rivals by real power (outsiders still see only stature)",
}


class UnknownMechanismError(InputError):
    """An ablation names no mechanism."""


def enabled_mechanisms(ablate: Iterable[str] = ()) -> frozenset[str]:
    """The mechanisms left on after switching off ``ablate``."""
    off = set(ablate)
    unknown = sorted(off - MECHANISMS.keys())
    if unknown:
        valid = ", ".join(MECHANISMS)
        raise UnknownMechanismError(f"unknown mechanism {', '.join(unknown)}; valid names: {valid}")
    return frozenset(MECHANISMS.keys() - off)
