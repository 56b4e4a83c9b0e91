"""A human (or any outside) player: what one leader can see, and his legal actions.

The view is limited to what the leader could know: his own offices, bloc and secretaries
exactly; others' power only as he perceives it (real power mixed with visible stature by
his information).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from politburo.kernel.view import View
from politburo.model.actions import TARGET_KIND, Verb, describe
from politburo.model.world import SEAT_CANDIDATE, SEAT_FULL

HINTS: dict[Verb, str] = {
    Verb.PASS: "no cost, no effect",
    Verb.RECANT: "ends your independence; you keep your party card",
    Verb.BREAK_ALLIANCE: "frees you; the ally's votes no longer count as yours",
    Verb.PROPOSE_ALLIANCE: "accepted if he fears your main rival more than you",
    Verb.SHIFT_POSITION: "closer to allies or the line; the rigid pay little heed",
    Verb.WIN_OVER: "works if you look stronger than his patron",
    Verb.APPOINT: "a loyal secretary shapes that region's congress delegation",
    Verb.RECRUIT: "new members owe their cards to your machine",
    Verb.ATTACK: "costs him prestige; arrogance costs you some too",
    Verb.DEFEND_LINE: "prestige if you stand near the line",
    Verb.CRITICIZE_LINE: "wins veterans who agree; looks factional under a ban",
    Verb.APPEAL: "standing with the rank and file, by your oratory",
    Verb.GATHER_MATERIAL: "ammunition for later votes against him",
    Verb.ORGANIZE_FACTION: "more pull among members; evidence of factionalism under a ban",
    Verb.PROPOSE_POLICY: "a vote in the leadership; defeat costs prestige",
    Verb.MOVE_DISCIPLINE: "a vote; defeat costs you prestige",
}


@dataclass(frozen=True)
class Choice:
    """One legal action of one leader."""

    verb: Verb
    target: int
    text: str
    hint: str
    verb_text: str = ""
    target_text: str = ""


def target_label(choice: Choice) -> str:
    """Short name of a choice's target ('' for none)."""
    return choice.target_text


VERB_TEXT: dict[Verb, str] = {
    Verb.PASS: "do nothing",
    Verb.RECANT: "recant and submit",
    Verb.BREAK_ALLIANCE: "break alliance with",
    Verb.PROPOSE_ALLIANCE: "propose alliance to",
    Verb.SHIFT_POSITION: "shift your position",
    Verb.WIN_OVER: "win over as client",
    Verb.APPOINT: "appoint a client secretary in",
    Verb.RECRUIT: "recruit members in",
    Verb.ATTACK: "attack in a polemic",
    Verb.DEFEND_LINE: "defend the line",
    Verb.CRITICIZE_LINE: "criticize the line and bureaucracy",
    Verb.APPEAL: "appeal to the rank and file",
    Verb.GATHER_MATERIAL: "gather material on",
    Verb.ORGANIZE_FACTION: "organize a faction",
    Verb.PROPOSE_POLICY: "propose moving the line",
    Verb.MOVE_DISCIPLINE: "move the next disciplinary step against",
}


def _target_text(view: View, verb: Verb, target: int) -> str:
    kind = TARGET_KIND[verb]
    w = view.world
    if kind == "leader":
        return w.leader_ids[target]
    if kind == "region":
        return w.region_ids[target]
    if kind == "issue":
        return f"{w.issue_ids[target // 2]}{'+' if target % 2 else '-'}"
    return ""


def legal_choices(view: View, leader: int, run: int = 0) -> list[Choice]:
    """Every legal (verb, target) of ``leader`` in batch position ``run``."""
    choices = []
    legal = view.legal(leader, run)
    for verb in Verb:
        for target in np.flatnonzero(legal[verb]):
            t = int(target) if TARGET_KIND[verb] != "none" else -1
            choices.append(
                Choice(
                    verb,
                    t,
                    describe(view.world, verb, max(t, 0)),
                    HINTS[verb],
                    VERB_TEXT[verb],
                    _target_text(view, verb, t),
                )
            )
    return choices


@dataclass(frozen=True, slots=True)
class LeaderSeen:
    """Another leader as the player sees him: his power (seen, or real when omniscient),
    prestige, seat and patron."""

    leader: str
    name: str
    power: float
    prestige: float
    seat: str  # "full", "candidate" or ""
    patron: str | None

    def to_json(self) -> dict[str, str | float | None]:
        return {
            "leader": self.leader,
            "name": self.name,
            "power": self.power,
            "prestige": self.prestige,
            "seat": self.seat,
            "patron": self.patron,
        }


@dataclass(frozen=True, slots=True)
class Situation:
    """What a leader can know this month: his offices, seat and following, his view of
    the others (strongest first) and the scheduled events of the next months. The game's
    situation panel on the command line and the web; ``to_json()`` is the web's JSON."""

    month: str
    leader: str
    offices: list[str]
    seat: str  # "full member", "candidate" or "none"
    prestige: float
    allies: list[str]
    clients: list[str]
    patron: str | None
    loyal_secretaries: int
    regions: int
    committee_seats: int
    committee_size: int
    information: float
    factions_known: list[str]
    leaders: list[LeaderSeen]
    upcoming: list[str]
    in_party: bool
    alive: bool

    def to_json(self) -> dict[str, object]:
        return {
            "month": self.month,
            "leader": self.leader,
            "offices": list(self.offices),
            "seat": self.seat,
            "prestige": self.prestige,
            "allies": list(self.allies),
            "clients": list(self.clients),
            "patron": self.patron,
            "loyal_secretaries": self.loyal_secretaries,
            "regions": self.regions,
            "committee_seats": self.committee_seats,
            "committee_size": self.committee_size,
            "information": self.information,
            "factions_known": list(self.factions_known),
            "leaders": [other.to_json() for other in self.leaders],
            "upcoming": list(self.upcoming),
            "in_party": self.in_party,
            "alive": self.alive,
        }


def observation(view: View, leader: int, run: int = 0, omniscient: bool = False) -> Situation:
    """What ``leader`` can know this month."""
    s, w = view.state, view.world
    L = w.n_leaders
    me = leader
    bloc = s.patron[run, me]
    offices = [w.office_names[o] for o in np.flatnonzero(s.office_holder[run] == me)]
    seat = {SEAT_FULL: "full member", SEAT_CANDIDATE: "candidate"}.get(int(s.seat[run, me]), "none")
    allies = [w.leader_names[j] for j in np.flatnonzero(s.ally[run, me])]
    clients = [w.leader_names[j] for j in range(L) if s.patron[run, j] == me and j != me]
    secretaries = int((view.secretary_bloc[run] == bloc).sum())
    committee = int(view.committee_votes[run, bloc])
    committee_seats = int((s.committee[run] != -2).sum())
    power = s.real_power[run] if omniscient else view.perceived[run, me]
    others = []
    for j in range(L):
        if not (s.alive[run, j] and s.in_party[run, j]):
            continue
        others.append(
            LeaderSeen(
                leader=w.leader_ids[j],
                name=w.leader_names[j],
                power=round(float(power[j]), 3),
                prestige=round(float(s.prestige[run, j]), 2),
                seat={SEAT_FULL: "full", SEAT_CANDIDATE: "candidate"}.get(int(s.seat[run, j]), ""),
                patron=w.leader_ids[s.patron[run, j]] if s.patron[run, j] != j else None,
            )
        )
    upcoming = []
    for ahead in range(0, 4):
        turn = s.turn + ahead
        if turn >= w.months:
            break
        for effect in w.effects[turn]:
            label = f"{effect.event_name} ({w.month_label(turn)})"
            if label not in upcoming:
                upcoming.append(label)
    return Situation(
        month=w.month_label(min(s.turn, w.months - 1)),
        leader=w.leader_ids[me],
        offices=offices,
        seat=seat,
        prestige=round(float(s.prestige[run, me]), 2),
        allies=allies,
        clients=clients,
        patron=w.leader_names[bloc] if bloc != me else None,
        loyal_secretaries=secretaries,
        regions=len(w.region_ids),
        committee_seats=committee,
        committee_size=committee_seats,
        information=round(float(view.info[run, me]), 2),
        factions_known=[
            w.leader_names[j] for j in np.flatnonzero(s.faction[run]) if s.material[run, me, j] > 0
        ],
        leaders=sorted(others, key=lambda x: -x.power),
        upcoming=upcoming,
        in_party=bool(s.in_party[run, me]),
        alive=bool(s.alive[run, me]),
    )
