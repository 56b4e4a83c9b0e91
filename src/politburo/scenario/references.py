"""Cross-reference checks the schema alone cannot make: every id a scenario names exists,
dates fall inside the calendar, the bodies the engine needs are there."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from politburo.mechanisms import MECHANISMS
from politburo.scenario.schema import Scenario, month_index

Path = tuple[str | int, ...]
Problem = tuple[Path, str]


def check_references(scenario: Scenario) -> list[Problem]:
    """Return every dangling reference or impossible date as (path, message)."""
    return list(_problems(scenario))


def _one_of(kind: str, name: str, known: set[str]) -> str:
    choices = ", ".join(sorted(known)) or "(none declared)"
    return f"unknown {kind} {name!r}; expected one of: {choices}"


def _patron_ring(s: Scenario, start: str) -> list[str] | None:
    """The circle of patrons ``start`` belongs to (following each one's patron), if any."""
    patron = {x.id: x.patron.leader for x in s.leaders if x.patron is not None}
    chain = [start]
    while chain[-1] in patron and patron[chain[-1]] not in chain:
        chain.append(patron[chain[-1]])
    if chain[-1] not in patron:
        return None
    back = patron[chain[-1]]
    return [*chain[chain.index(back) :], back] if back == start else None


def _problems(s: Scenario) -> Iterator[Problem]:
    leaders = {leader.id for leader in s.leaders}
    offices = {office.id for office in s.offices}
    bodies = {body.id for body in s.bodies}
    issues = {issue.id for issue in s.issues}
    cohorts = {cohort.id for cohort in s.cohorts}
    rules = {rule.id for rule in s.rules}
    rungs = {rung.id for rung in s.discipline}
    start, end = month_index(s.calendar.start), month_index(s.calendar.end)

    for section, ids in (
        ("leaders", [x.id for x in s.leaders]),
        ("offices", [x.id for x in s.offices]),
        ("bodies", [x.id for x in s.bodies]),
        ("issues", [x.id for x in s.issues]),
        ("cohorts", [x.id for x in s.cohorts]),
        ("regions", [x.id for x in s.regions]),
        ("rules", [x.id for x in s.rules]),
        ("discipline", [x.id for x in s.discipline]),
        ("events", [x.id for x in s.events]),
        ("interventions", [x.id for x in s.interventions]),
    ):
        for name, count in Counter(ids).items():
            if count > 1:
                index = ids.index(name, ids.index(name) + 1)
                yield (section, index, "id"), f"duplicate id {name!r}; ids must be unique"

    roles: Counter[str] = Counter(body.role for body in s.bodies)
    for role in ("leadership", "committee", "congress"):
        if roles[role] != 1:
            yield (
                ("bodies",),
                (
                    f"needs exactly one body with role {role!r} (found {roles[role]}); "
                    "the engine elects and votes through it"
                ),
            )
    for role in ("control", "secretariat"):
        if roles[role] > 1:
            yield (
                ("bodies",),
                f"at most one body may have role {role!r} (found {roles[role]}); "
                "merge them or give one another role",
            )

    for i, body in enumerate(s.bodies):
        if body.elected_by is not None and body.elected_by not in bodies:
            yield ("bodies", i, "elected_by"), _one_of("body", body.elected_by, bodies)
        first = month_index(body.sizes[0].from_)
        if first > start:
            yield (
                ("bodies", i, "sizes", 0, "from"),
                (
                    f"first size applies from {body.sizes[0].from_}, after the calendar start "
                    f"{s.calendar.start}; give the size in force at the start"
                ),
            )
        for j in range(1, len(body.sizes)):
            if month_index(body.sizes[j].from_) <= month_index(body.sizes[j - 1].from_):
                yield ("bodies", i, "sizes", j, "from"), "sizes must be in date order"
        if body.composition is not None:
            for name in body.composition.seats:
                if name != "uncommitted" and name not in leaders:
                    yield (
                        ("bodies", i, "composition", "seats", name),
                        _one_of("leader", name, leaders | {"uncommitted"}),
                    )
            total = sum(body.composition.seats.values())
            if total > body.sizes[0].full:
                yield (
                    ("bodies", i, "composition"),
                    (f"composition has {total} seats but the body has {body.sizes[0].full}"),
                )

    for i, office in enumerate(s.offices):
        if office.body not in bodies:
            yield ("offices", i, "body"), _one_of("body", office.body, bodies)
        if office.elected_by not in bodies:
            yield ("offices", i, "elected_by"), _one_of("body", office.elected_by, bodies)
        if office.reports_to is not None and office.reports_to not in offices:
            yield ("offices", i, "reports_to"), _one_of("office", office.reports_to, offices)

    for i, leader in enumerate(s.leaders):
        for j, position in enumerate(leader.positions):
            if position.issue not in issues:
                yield (
                    ("leaders", i, "positions", j, "issue"),
                    _one_of("issue", position.issue, issues),
                )
        if leader.patron is not None:
            if leader.patron.leader not in leaders:
                yield (
                    ("leaders", i, "patron", "leader"),
                    _one_of("leader", leader.patron.leader, leaders),
                )
            elif leader.patron.leader == leader.id:
                yield ("leaders", i, "patron", "leader"), "a leader cannot be his own patron"
            elif (ring := _patron_ring(s, leader.id)) is not None:
                yield (
                    ("leaders", i, "patron", "leader"),
                    f"patrons run in a circle ({' -> '.join(ring)}): a bloc needs a leader "
                    "who is no one's client",
                )
        for j, tenure in enumerate(leader.tenures):
            where = ("leaders", i, "tenures", j)
            if tenure.office is not None and tenure.office not in offices:
                yield (*where, "office"), _one_of("office", tenure.office, offices)
            if tenure.body is not None and tenure.body not in bodies:
                yield (*where, "body"), _one_of("body", tenure.body, bodies)
            if (
                tenure.start is not None
                and tenure.end is not None
                and month_index(tenure.end) < month_index(tenure.start)
            ):
                yield (*where, "end"), f"ends {tenure.end}, before it starts {tenure.start}"

    for i, region in enumerate(s.regions):
        for name in region.membership.counts:
            if name not in cohorts:
                yield ("regions", i, "membership", "counts", name), _one_of("cohort", name, cohorts)
        patron = region.secretary.patron
        if patron is not None and patron not in leaders:
            yield ("regions", i, "secretary", "patron"), _one_of("leader", patron, leaders)

    for i, rung in enumerate(s.discipline):
        if rung.body not in bodies:
            yield ("discipline", i, "body"), _one_of("body", rung.body, bodies)
        for j, other in enumerate(rung.joint_with):
            if other not in bodies:
                yield ("discipline", i, "joint_with", j), _one_of("body", other, bodies)

    for i, event in enumerate(s.events):
        when = month_index(event.date)
        if not start <= when <= end:
            yield (
                ("events", i, "date"),
                (f"{event.date} is outside the calendar {s.calendar.start} to {s.calendar.end}"),
            )
        for j, effect in enumerate(event.effects):
            where = ("events", i, "effects", j)
            for field in ("leader", "of", "target"):
                ref = getattr(effect, field, None)
                if isinstance(ref, str) and ref not in leaders:
                    yield (*where, field), _one_of("leader", ref, leaders)
            for field in ("orators", "absent", "leaders"):
                for k, name in enumerate(getattr(effect, field, []) or []):
                    if name not in leaders:
                        yield (*where, field, k), _one_of("leader", name, leaders)
            about = getattr(effect, "about", None) or {}
            for name in about:
                if name not in leaders:
                    yield (*where, "about", name), _one_of("leader", name, leaders)
            checks = (
                ("issue", issues, "issue"),
                ("cohort", cohorts, "cohort"),
                ("body", bodies, "body"),
                ("rung", rungs, "discipline rung"),
                ("rule", rules, "rule"),
                ("office", offices, "office"),
            )
            for field, known, kind in checks:
                ref = getattr(effect, field, None)
                if isinstance(ref, str) and ref not in known:
                    yield (*where, field), _one_of(kind, ref, known)

    if s.history is not None:
        h = s.history
        if h.winner is not None and h.winner not in leaders:
            yield ("history", "winner"), _one_of("leader", h.winner, leaders)
        for k, name in enumerate(h.elimination_order):
            if name not in leaders:
                yield ("history", "elimination_order", k), _one_of("leader", name, leaders)
        for name, record in h.eliminations.items():
            if name not in leaders:
                yield ("history", "eliminations", name), _one_of("leader", name, leaders)
            for office_id in record.offices:
                if office_id not in offices:
                    yield (
                        ("history", "eliminations", name, "offices", office_id),
                        _one_of("office", office_id, offices),
                    )
        for k, alliance in enumerate(h.alliances):
            for m, name in enumerate(alliance.members):
                if name not in leaders:
                    yield (
                        ("history", "alliances", k, "members", m),
                        _one_of("leader", name, leaders),
                    )
        known_interventions = {x.id for x in s.interventions}
        for k, check in enumerate(h.checks):
            if check.intervention not in known_interventions:
                yield (
                    ("history", "checks", k, "intervention"),
                    _one_of("intervention", check.intervention, known_interventions),
                )
            for m, name in enumerate(check.leaders):
                if name not in leaders:
                    yield (("history", "checks", k, "leaders", m), _one_of("leader", name, leaders))
        yield from _fact_problems(s, leaders, {x.id for x in s.regions}, start, end)
    known = {x.id for x in s.interventions}
    for k, factor in enumerate(s.factors):
        for m, name in enumerate(factor.interventions):
            if name not in known:
                yield (("factors", k, "interventions", m), _one_of("intervention", name, known))
        for m, name in enumerate(factor.ablate):
            if name not in MECHANISMS:
                yield (("factors", k, "ablate", m), _one_of("mechanism", name, set(MECHANISMS)))


def _fact_problems(
    s: Scenario, leaders: set[str], regions: set[str], start: int, end: int
) -> Iterator[Problem]:
    """Ids, dates and counts of ``history.facts``: every fact is scored on the runs, so its
    months lie in the calendar and its ids exist."""
    assert s.history is not None
    facts = s.history.facts
    ids = [fact.id for fact in facts]
    for name, count in Counter(ids).items():
        if count > 1:
            index = ids.index(name, ids.index(name) + 1)
            yield ("history", "facts", index, "id"), f"duplicate id {name!r}; ids must be unique"
    for k, fact in enumerate(facts):
        where: Path = ("history", "facts", k)
        for field in ("month", "start", "end"):
            month = getattr(fact, field, None)
            if isinstance(month, str) and not start <= month_index(month) <= end:
                yield (
                    (*where, field),
                    f"{month} is outside the calendar {s.calendar.start} to {s.calendar.end}",
                )
        first, last = getattr(fact, "start", None), getattr(fact, "end", None)
        if first is not None and last is not None and month_index(last) < month_index(first):
            yield (*where, "end"), f"ends {last}, before it starts {first}"
        bloc = getattr(fact, "bloc", None)
        if bloc is not None and bloc not in leaders:
            yield (*where, "bloc"), _one_of("leader", bloc, leaders)
        region = getattr(fact, "region", None)
        if region is not None and region not in regions:
            yield (*where, "region"), _one_of("region", region, regions)
        seats, of = getattr(fact, "seats", None), getattr(fact, "of", None)
        if seats is not None and of is not None and seats > of:
            yield (*where, "seats"), f"{seats} seats of {of}: more than the body has"
        exits = getattr(fact, "exits", None)
        for field in ("at_meeting", "not_reelected"):
            part = getattr(fact, field, None)
            if part is not None and exits is not None and part > exits:
                yield (*where, field), f"{part} of {exits} exits: more than there were"
        if getattr(fact, "at_meeting", None) is not None and getattr(fact, "meeting", None) is None:
            yield (*where, "meeting"), "at_meeting needs 'meeting': the kind of meeting"
