"""A scenario compiled to arrays: the facts the rules read, indexed by integers.

The world is static (the same for every run of a batch); everything that changes lives
in :class:`politburo.model.state.State`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from politburo.scenario.schema import POWER_KINDS, TRAIT_NAMES, Scenario, month_index, month_label

POWER = {name: i for i, name in enumerate(POWER_KINDS)}
TRAIT = {name: i for i, name in enumerate(TRAIT_NAMES)}

SEAT_NONE, SEAT_CANDIDATE, SEAT_FULL = 0, 1, 2

EFFECT_CODES = ("censure", "remove_office", "remove_seat", "expel", "exile")


@dataclass(frozen=True)
class CompiledRung:
    """One rung of the discipline ladder with its bodies as role names."""

    id: str
    name: str
    effect: str
    role: str  # role of the deciding body
    joint_roles: tuple[str, ...]
    quota: float
    backing: tuple[int, ...]  # power indices whose holders must side with the mover
    direct: bool = False  # may be moved without the rungs below it, with its backing


@dataclass(frozen=True)
class CompiledEffect:
    """An event effect with ids resolved to indices."""

    event: str
    event_name: str
    kind: str
    effect: str
    leader: int = -1
    leaders: tuple[int, ...] = ()
    others: tuple[int, ...] = ()
    issue: int = -1
    cohort: int = -1
    rung: int = -1
    office: int = -1
    rule: int = -1
    value: float = 0.0
    months: int = 0
    flag: bool = False
    about: tuple[tuple[int, float], ...] = ()


@dataclass(frozen=True)
class World:
    """Static facts of one scenario, as arrays. Shapes use L leaders, O offices, G regions,
    C cohorts, I issues, T months, N rules."""

    scenario: Scenario
    leader_ids: tuple[str, ...]
    office_ids: tuple[str, ...]
    region_ids: tuple[str, ...]
    cohort_ids: tuple[str, ...]
    issue_ids: tuple[str, ...]
    rule_ids: tuple[str, ...]
    start: int  # absolute month index of turn 0
    months: int  # T
    actor: NDArray[np.bool_]  # (L,)
    traits: NDArray[np.float64]  # (L, 6) in TRAIT order
    stigma: NDArray[np.float64]  # (L,)
    prestige0: NDArray[np.float64]  # (L,)
    position0: NDArray[np.float64]  # (L, I)
    salience: NDArray[np.float64]  # (L, I)
    patron0: NDArray[np.int64]  # (L,) own index when a principal
    loyalty0: NDArray[np.float64]  # (L,)
    seat0: NDArray[np.int8]  # (L,) seat in the leadership body
    office_powers: NDArray[np.float64]  # (O, P)
    office_reports_to: NDArray[np.int64]  # (O,) -1 if none
    office_holder0: NDArray[np.int64]  # (O,) -1 if vacant
    office_elected_by: tuple[str, ...]  # (O,) role of the body that fills a vacancy
    status_quo0: NDArray[np.float64]  # (I,)
    intake_cohort: NDArray[np.bool_]  # (C,)
    members0: NDArray[np.float64]  # (G, C)
    secretary_patron0: NDArray[np.int64]  # (G,) -1 if none
    secretary_loyalty0: NDArray[np.float64]  # (G,)
    committee0: NDArray[np.int64]  # (S,) patron per seat, -1 uncommitted, -2 empty
    control0: NDArray[np.int64]  # (S2,) the same for the control body (none: zero seats)
    role_body: dict[str, str]  # role -> body id
    body_names: dict[str, str]  # role -> display name
    full_seats: dict[str, NDArray[np.int64]]  # role -> (T,) seats in force each month
    candidate_seats: dict[str, NDArray[np.int64]]  # role -> (T,)
    rule_schedule: NDArray[np.bool_]  # (T, N) rule in force by its dates
    rule_kind: tuple[str, ...]  # (N,)
    ladder: tuple[CompiledRung, ...]
    effects: tuple[tuple[CompiledEffect, ...], ...]  # (T,) effects firing each month
    max_committee: int  # S
    leader_names: tuple[str, ...] = field(default=())
    office_names: tuple[str, ...] = field(default=())
    region_names: tuple[str, ...] = field(default=())

    @property
    def n_leaders(self) -> int:
        return len(self.leader_ids)

    def month_label(self, turn: int) -> str:
        """``YYYY-MM`` of a turn."""
        return month_label(self.start + turn)

    def turn_of(self, month: str) -> int:
        """Turn index of a ``YYYY-MM`` month."""
        return month_index(month) - self.start

    def leader(self, leader_id: str) -> int:
        """Index of a leader id; raises KeyError naming the valid ids."""
        try:
            return self.leader_ids.index(leader_id)
        except ValueError:
            raise KeyError(
                f"unknown leader {leader_id!r}; expected one of: {', '.join(self.leader_ids)}"
            ) from None

    def display_name(self, key: str) -> str:
        """A leader id's display name, as reports and figures print it: "none" is no one,
        and an id the world does not know stays as it is."""
        if key == "none":
            return "no one"
        if key in self.leader_ids:
            return self.leader_names[self.leader_ids.index(key)]
        return key


def _in_force(start: str | None, end: str | None, at: int) -> bool:
    begins = month_index(start) if start else -(10**9)
    ends = month_index(end) if end else 10**9
    return begins <= at < ends


def _seats(
    body: Any, sizes: NDArray[np.int64], patron0: NDArray[np.int64], li: dict[str, int]
) -> NDArray[np.int64]:
    """Seats of a large body at the start: its composition's patrons, then uncommitted up
    to the size in force, then empty up to the largest size it ever has."""
    seats = np.full(int(sizes.max()), -2, dtype=np.int64)
    filled = 0
    if body.composition is not None:
        for holder_id, count in body.composition.seats.items():
            patron = -1 if holder_id == "uncommitted" else int(patron0[li[holder_id]])
            seats[filled : filled + count] = patron
            filled += count
    seats[filled : int(sizes[0])] = -1
    return seats


def compile_world(scenario: Scenario) -> World:
    """Index a validated scenario into arrays."""
    s = scenario
    leader_ids = tuple(x.id for x in s.leaders)
    office_ids = tuple(x.id for x in s.offices)
    region_ids = tuple(x.id for x in s.regions)
    cohort_ids = tuple(x.id for x in s.cohorts)
    issue_ids = tuple(x.id for x in s.issues)
    rule_ids = tuple(x.id for x in s.rules)
    li = {name: i for i, name in enumerate(leader_ids)}
    oi = {name: i for i, name in enumerate(office_ids)}
    ci = {name: i for i, name in enumerate(cohort_ids)}
    ii = {name: i for i, name in enumerate(issue_ids)}
    ri = {name: i for i, name in enumerate(rule_ids)}
    bodies = {b.id: b for b in s.bodies}
    role_of = {b.id: b.role for b in s.bodies}
    role_body: dict[str, str] = {b.role: b.id for b in s.bodies}
    L, I = len(leader_ids), len(issue_ids)  # noqa: E741 - shape letters, as in the docs
    start = month_index(s.calendar.start)
    months = month_index(s.calendar.end) - start + 1
    leadership = role_body["leadership"]

    traits = np.array([[getattr(x.traits, t) for t in TRAIT_NAMES] for x in s.leaders])
    stigma = np.array([min(1.0, sum(st.weight for st in x.stigma)) for x in s.leaders])
    prestige0 = np.array([x.prestige.value for x in s.leaders])
    status_quo = np.array([x.status_quo for x in s.issues])
    position0 = np.tile(status_quo, (L, 1)).astype(np.float64)
    # A leader with no stated position on an issue does not care about it.
    salience = np.zeros((L, I))
    for i, leader in enumerate(s.leaders):
        for p in leader.positions:
            position0[i, ii[p.issue]] = p.value
            salience[i, ii[p.issue]] = p.salience
    patron0 = np.arange(L, dtype=np.int64)
    loyalty0 = np.ones(L)
    for i, leader in enumerate(s.leaders):
        if leader.patron is not None:
            patron0[i] = li[leader.patron.leader]
            loyalty0[i] = leader.patron.loyalty
    # Clients of clients belong to the top patron's bloc.
    for _ in range(L):
        patron0 = patron0[patron0]

    seat0 = np.zeros(L, dtype=np.int8)
    office_holder0 = np.full(len(office_ids), -1, dtype=np.int64)
    for i, leader in enumerate(s.leaders):
        for t in leader.tenures:
            if not _in_force(t.start, t.end, start):
                continue
            if t.office is not None:
                office_holder0[oi[t.office]] = i
            elif t.body == leadership:
                seat = SEAT_FULL if t.seat == "full" else SEAT_CANDIDATE
                seat0[i] = max(seat0[i], seat)

    powers = np.zeros((len(office_ids), len(POWER_KINDS)))
    reports_to = np.full(len(office_ids), -1, dtype=np.int64)
    for o, office in enumerate(s.offices):
        for name, value in office.powers.items():
            powers[o, POWER[name]] = value
        if office.reports_to is not None:
            reports_to[o] = oi[office.reports_to]

    intake = np.array([c.kind == "intake" for c in s.cohorts])
    members0 = np.zeros((len(region_ids), len(cohort_ids)))
    sec_patron = np.full(len(region_ids), -1, dtype=np.int64)
    sec_loyalty = np.zeros(len(region_ids))
    for g, region in enumerate(s.regions):
        for cohort_id, count in region.membership.counts.items():
            members0[g, ci[cohort_id]] = count
        if region.secretary.patron is not None:
            sec_patron[g] = patron0[li[region.secretary.patron]]
            sec_loyalty[g] = region.secretary.loyalty

    full_seats: dict[str, NDArray[np.int64]] = {}
    candidate_seats: dict[str, NDArray[np.int64]] = {}
    body_names: dict[str, str] = {}
    for body in s.bodies:
        full = np.zeros(months, dtype=np.int64)
        cand = np.zeros(months, dtype=np.int64)
        for size in body.sizes:
            frm = max(0, month_index(size.from_) - start)
            full[frm:] = size.full
            cand[frm:] = size.candidates
        full_seats[body.role] = full
        candidate_seats[body.role] = cand
        body_names[body.role] = body.name

    committee0 = _seats(bodies[role_body["committee"]], full_seats["committee"], patron0, li)
    control0 = (
        _seats(bodies[role_body["control"]], full_seats["control"], patron0, li)
        if "control" in role_body
        else np.zeros(0, dtype=np.int64)
    )
    max_committee = committee0.size

    rule_schedule = np.zeros((months, len(rule_ids)), dtype=bool)
    for n, rule in enumerate(s.rules):
        begins = max(0, month_index(rule.start) - start)
        ends = months if rule.end is None else max(0, month_index(rule.end) - start)
        rule_schedule[begins:ends, n] = True

    ladder = tuple(
        CompiledRung(
            id=r.id,
            name=r.name,
            effect=r.effect,
            role=role_of[r.body],
            joint_roles=tuple(role_of[b] for b in r.joint_with),
            quota=r.quota,
            backing=tuple(POWER[p] for p in r.requires_backing),
            direct=r.direct,
        )
        for r in s.discipline
    )
    rung_index = {r.id: k for k, r in enumerate(s.discipline)}

    per_month: list[list[CompiledEffect]] = [[] for _ in range(months)]
    for event in s.events:
        turn = month_index(event.date) - start
        for eff in event.effects:
            data: dict[str, Any] = {
                "event": event.id,
                "event_name": event.name,
                "kind": event.kind,
                "effect": eff.effect,
            }
            raw = eff.model_dump()
            if "leader" in raw:
                data["leader"] = li[raw["leader"]]
            if "of" in raw:
                data["leader"] = li[raw["of"]]
            if "target" in raw:
                data["leader"] = li[raw["target"]]
            if raw.get("effect") == "alliance":
                data["leaders"] = tuple(li[x] for x in raw["leaders"])
            if "orators" in raw:
                data["leaders"] = tuple(li[x] for x in raw["orators"])
                data["others"] = tuple(li[x] for x in raw["absent"])
            if "issue" in raw:
                data["issue"] = ii[raw["issue"]]
                data["value"] = raw["pressure"]
                data["months"] = raw["months"]
                data["about"] = ((0, raw["salience"]),)
            if "cohort" in raw:
                data["cohort"] = ci[raw["cohort"]]
                data["value"] = float(raw["members"])
                data["months"] = raw["months"]
            if "delta" in raw:
                data["value"] = raw["delta"]
            if "read" in raw:
                data["flag"] = raw["read"]
                data["about"] = tuple((li[k], v) for k, v in raw["about"].items())
            if raw.get("effect") == "motion":
                data["rung"] = rung_index[raw["rung"]]
                if raw.get("office"):
                    data["office"] = oi[raw["office"]]
            if raw.get("effect") == "rule":
                data["rule"] = ri[raw["rule"]]
                data["flag"] = raw["active"]
            per_month[turn].append(CompiledEffect(**data))

    return World(
        scenario=s,
        leader_ids=leader_ids,
        office_ids=office_ids,
        region_ids=region_ids,
        cohort_ids=cohort_ids,
        issue_ids=issue_ids,
        rule_ids=rule_ids,
        start=start,
        months=months,
        actor=np.array([x.actor for x in s.leaders]),
        traits=traits,
        stigma=stigma,
        prestige0=prestige0,
        position0=position0,
        salience=salience,
        patron0=patron0,
        loyalty0=loyalty0,
        seat0=seat0,
        office_powers=powers,
        office_reports_to=reports_to,
        office_holder0=office_holder0,
        office_elected_by=tuple(role_of[o.elected_by] for o in s.offices),
        status_quo0=status_quo,
        intake_cohort=intake,
        members0=members0,
        secretary_patron0=sec_patron,
        secretary_loyalty0=sec_loyalty,
        committee0=committee0,
        control0=control0,
        role_body=role_body,
        body_names=body_names,
        full_seats=full_seats,
        candidate_seats=candidate_seats,
        rule_schedule=rule_schedule,
        rule_kind=tuple(r.kind for r in s.rules),
        ladder=ladder,
        effects=tuple(tuple(x) for x in per_month),
        max_committee=max_committee,
        leader_names=tuple(x.name for x in s.leaders),
        office_names=tuple(x.name for x in s.offices),
        region_names=tuple(x.name for x in s.regions),
    )
