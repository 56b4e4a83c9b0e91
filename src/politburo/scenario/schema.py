"""The scenario format: facts about one regime, every figure with its source.

A scenario is data. Offices, bodies, the powers an office carries, the rungs of the
discipline ladder, rules and the effects of scheduled events are all declared here, so a
scenario for another party-state (a Presidium, a premier, a police chief whose backing
decides an arrest) is a new file, not new code.

Conventions
- Months are ``YYYY-MM`` strings.
- Every leader, office, body size, membership figure and event carries ``source`` (one
  URL or a list, or the seed file path). ``status`` says how sure the figure is; an
  ``estimate`` must say ``method`` (how it was made); a ``disputed`` figure must keep its
  ``alternatives`` (each with its own source) rather than silently pick one.
- Unknown keys are errors: every model forbids extra fields, so a typo cannot pass.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

MONTH_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"
ID_PATTERN = r"^[a-z][a-z0-9_]*$"

# --- limits: what the engine can hold, each with its reason -----------------------------
# A value past a limit is refused by `politburo check` (and every command that loads a
# scenario) before any work. docs/scenarios.md lists them.

#: Months in the calendar. A succession struggle takes years, not generations (the
#: built-ins run 70 to 105 months); the engine's month counters are 16-bit (at most
#: 32,767), and a run's time grows with its months.
MAX_MONTHS = 600
#: Seats of a body (full or candidate) and of a composition entry: above any party
#: congress on record (the CPC's, about 2,300 delegates). The engine keeps a seat array
#: of this length in every run.
MAX_SEATS = 10_000
#: Full seats of the committee and the control body, whose seats the engine goes through
#: for every leader every month: six times the largest on record (the CPSU's Central
#: Committee of 1986, 307 full members).
MAX_COMMITTEE_SEATS = 2_000
#: Members of the party, in one region and cohort or in all: above any party on record
#: (the CPC, about 100 million).
MAX_MEMBERS = 1_000_000_000
#: Named leaders: five times the largest built-in (21). The engine keeps leader x leader
#: arrays in every run and each leader weighs every rival every month.
MAX_LEADERS = 100
#: Rungs of the discipline ladder: a run's highest rung reached is an 8-bit counter.
MAX_RUNGS = 100
#: Items in any other list (regions, offices, events, effects, interventions...): ten
#: times the largest built-in list (49 regions).
MAX_ITEMS = 500
#: Characters in one text value (a name, a note, a description): eight times the longest
#: built-in (1,146).
MAX_TEXT = 10_000
#: Characters in an id.
MAX_ID = 64
#: A random seed: the engine mixes it as 64 bits and the experiment store keeps it as a
#: signed 64-bit integer, so a larger one would silently run another seed.
MAX_SEED = 2**63 - 1
Seed = Annotated[int, Field(ge=0, le=MAX_SEED, description="A random seed, 0 to 2**63-1.")]
Count = Annotated[
    int,
    Field(ge=0, le=MAX_MEMBERS, description=f"Members, 0 to {MAX_MEMBERS:,} (above any party)."),
]
Seats = Annotated[
    int, Field(ge=0, le=MAX_SEATS, description=f"Seats, 0 to {MAX_SEATS:,} (above any congress).")
]
Months = Annotated[
    int,
    Field(ge=1, le=MAX_MONTHS, description=f"Months, 1 to {MAX_MONTHS} (the longest calendar)."),
]

Month = Annotated[str, Field(pattern=MONTH_PATTERN, description="A month, YYYY-MM.")]
Ident = Annotated[
    str,
    Field(
        pattern=ID_PATTERN,
        max_length=MAX_ID,
        description="Lower-case identifier: letters, digits, underscores.",
    ),
]
InterventionId = Annotated[
    str,
    Field(
        pattern=r"^[a-z][a-z0-9-]*$",
        max_length=MAX_ID,
        description="Lower-case words joined by hyphens.",
    ),
]

Unit = Annotated[float, Field(ge=0.0, le=1.0)]
Signed = Annotated[float, Field(ge=-1.0, le=1.0)]
SourceRef = str | list[str]

Status = Literal[
    "verified",
    "single_source",
    "derived",
    "partially_verified",
    "disputed",
    "estimate",
    "unverified",
]

#: What an office can do. The mechanisms read these by name; a scenario decides which
#: office carries which, and how much (0-1).
PowerKind = Literal[
    "appointment",  # replace regional secretaries with one's clients
    "recruitment",  # steer mass intakes of new members
    "information",  # personnel files, police reports: detect factions, gather material
    "agenda",  # draft the congress slate
    "police",  # a rung's requires_backing can demand its holder's support (exile, arrest)
    "army",  # likewise (arrest)
    "prestige",  # visibility of the post (seen power)
    "press",  # a platform for polemics (newspaper, international)
]
POWER_KINDS: tuple[str, ...] = (
    "appointment",
    "recruitment",
    "information",
    "agenda",
    "police",
    "army",
    "prestige",
    "press",
)

BodyRole = Literal["leadership", "committee", "congress", "control", "secretariat"]
TRAIT_NAMES: tuple[str, ...] = (
    "ambition",
    "organization",
    "oratory",
    "cunning",
    "arrogance",
    "rigidity",
)


class StrictModel(BaseModel):
    """Base for every scenario model: unknown keys are errors, numbers are finite, text
    is at most :data:`MAX_TEXT` characters."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, allow_inf_nan=False, str_max_length=MAX_TEXT
    )


class Alternative(StrictModel):
    """One of the values the sources disagree on."""

    value: Any
    source: SourceRef
    note: str | None = None


class Provenance(StrictModel):
    """Where a fact comes from and how sure it is."""

    source: SourceRef = Field(description="URL(s) from the ground truth, or the seed file.")
    status: Status = "verified"
    method: str | None = Field(
        default=None, description="How an estimate was made (required when status is estimate)."
    )
    note: str | None = None
    alternatives: list[Alternative] | None = Field(
        default=None, description="The competing values (required when status is disputed)."
    )

    @field_validator("source")
    @classmethod
    def _source_not_empty(cls, value: SourceRef) -> SourceRef:
        items = [value] if isinstance(value, str) else value
        if not items or any(not item.strip() for item in items):
            raise ValueError("source must name at least one URL or file, none empty")
        return value

    @model_validator(mode="after")
    def _status_needs_support(self) -> Provenance:
        if self.status == "estimate" and not self.method:
            raise ValueError("status 'estimate' needs 'method': say how the figure was made")
        if self.status == "disputed" and not self.alternatives:
            raise ValueError(
                "status 'disputed' needs 'alternatives': keep every value the sources give"
            )
        return self


class SourcedNumber(Provenance):
    """A number with its source."""

    value: float


class Prestige(SourcedNumber):
    """A leader's starting prestige, 0 to 1, with its source."""

    value: Unit


class Calendar(Provenance):
    """First and last month simulated; one turn is one month."""

    start: Month
    end: Month

    @model_validator(mode="after")
    def _ordered(self) -> Calendar:
        months = month_index(self.end) - month_index(self.start) + 1
        if months < 1:
            raise ValueError(f"calendar end {self.end} is before start {self.start}")
        if months > MAX_MONTHS:
            raise ValueError(
                f"the calendar runs {months:,} months; at most {MAX_MONTHS} (50 years) "
                "can be simulated"
            )
        return self


class PolicyIssue(Provenance):
    """A dimension of policy, from -1 (``low``) to +1 (``high``)."""

    id: Ident
    name: str
    low: str = Field(description="What -1 means, e.g. 'keep NEP, gradual industrialization'.")
    high: str = Field(description="What +1 means, e.g. 'rapid industrialization'.")
    status_quo: Signed = Field(description="The party line at the start.")


class Cohort(Provenance):
    """A layer of the membership. ``veteran`` members judge leaders on prestige and
    policy; ``intake`` members owe their card to the machine that recruited them."""

    id: Ident
    name: str
    kind: Literal["veteran", "intake"]


class BodySize(Provenance):
    """Seats of a body from a month on (until the next entry)."""

    from_: Month = Field(alias="from")
    full: int = Field(ge=1, le=MAX_SEATS)
    candidates: Seats = 0

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Composition(Provenance):
    """Starting loyalties of a large body's seats: seats per patron; the rest uncommitted."""

    seats: dict[Ident, Seats]


class Body(Provenance):
    """A collective organ. ``role`` tells the engine what it does: the ``leadership``
    (Politburo, Presidium) votes on policy and on the rungs the ladder gives it, and its
    seats are filled from the committee; the ``committee`` (Central Committee) votes on
    its rungs and its dominant coalition fills leadership seats and the offices it
    elects; the ``congress`` elects the committee and the ``control`` body at each
    congress, from the agenda holder's slate; the ``control`` body votes on the rungs that
    name it (alone or jointly); the ``secretariat`` is a place for offices to sit.
    ``elected_by`` documents who elects the body (the engine's elections are fixed by
    role, as above)."""

    id: Ident
    name: str
    role: BodyRole
    elected_by: Ident | None = None
    sizes: list[BodySize] = Field(min_length=1, max_length=MAX_ITEMS)
    composition: Composition | None = None

    @model_validator(mode="after")
    def _seats_the_engine_walks(self) -> Body:
        if self.role in ("committee", "control"):
            for k, size in enumerate(self.sizes):
                if size.full > MAX_COMMITTEE_SEATS:
                    raise ValueError(
                        f"sizes[{k}].full is {size.full:,} seats; a {self.role} body may have "
                        f"at most {MAX_COMMITTEE_SEATS:,}"
                    )
        return self


class Office(Provenance):
    """A post with powers. A vacancy is filled by the coalition that commands the body
    ``elected_by`` (its nominee, preferring clients)."""

    id: Ident
    name: str
    body: Ident = Field(description="The body this office sits in.")
    elected_by: Ident
    powers: dict[PowerKind, Unit] = Field(default_factory=dict)
    reports_to: Ident | None = Field(
        default=None,
        description="An office whose holder also receives this office's information.",
    )


class Traits(Provenance):
    """Per-leader qualities (0-1) that shape decisions and how others respond."""

    ambition: Unit
    organization: Unit
    oratory: Unit
    cunning: Unit
    arrogance: Unit
    rigidity: Unit


class Stigma(Provenance):
    """Something others hold against a leader (0-1)."""

    id: Ident
    name: str
    weight: Unit


class Position(Provenance):
    """A leader's stand on one policy issue and how much he cares."""

    issue: Ident
    value: Signed
    salience: Unit


class Tenure(Provenance):
    """An office or a seat held from ``start`` to ``end`` (open if null). Tenures that are
    in force at the calendar start seed the initial state; later ones are the historical
    record, which the engine never replays."""

    office: Ident | None = None
    body: Ident | None = None
    seat: Literal["full", "candidate"] = "full"
    start: Month | None = None
    end: Month | None = None

    @model_validator(mode="after")
    def _office_or_body(self) -> Tenure:
        if (self.office is None) == (self.body is None):
            raise ValueError("a tenure names exactly one of 'office' or 'body'")
        return self


class Patronage(Provenance):
    """Whose client a leader is at the start."""

    leader: Ident
    loyalty: Unit


class Leader(Provenance):
    """A person who acts: traits, prestige, positions, offices and seats with dates."""

    id: Ident
    name: str
    sketch: str = Field(description="One line for a player choosing a leader.")
    actor: bool = Field(default=True, description="False: never chooses actions.")
    traits: Traits
    prestige: Prestige
    stigma: list[Stigma] = Field(default_factory=list)
    positions: list[Position] = Field(default_factory=list)
    patron: Patronage | None = None
    tenures: list[Tenure] = Field(default_factory=list)


class Membership(Provenance):
    """Members of a regional organization at the start, by cohort."""

    counts: dict[Ident, Count]


class Secretary(Provenance):
    """The first secretary of a region: whose client he is."""

    name: str | None = None
    patron: Ident | None = None
    loyalty: Unit = 0.5


class Region(Provenance):
    """A regional party organization: members by cohort, a secretary."""

    id: Ident
    name: str
    membership: Membership
    secretary: Secretary


class Rule(Provenance):
    """A standing rule of the party, in force from ``start`` to ``end``."""

    id: Ident
    name: str
    kind: Literal["faction_ban"]
    start: Month
    end: Month | None = None


class Rung(Provenance):
    """One rung of the discipline ladder, climbed in order."""

    id: Ident
    name: str
    effect: Literal["censure", "remove_office", "remove_seat", "expel", "exile"]
    body: Ident = Field(description="The body that votes on it.")
    joint_with: list[Ident] = Field(default_factory=list)
    quota: Annotated[float, Field(gt=0.0, lt=1.0)] = 0.5
    requires_backing: list[PowerKind] = Field(
        default_factory=list,
        description="Powers whose office holders must side with the mover (e.g. police).",
    )
    direct: bool = Field(
        False,
        description="May be moved without climbing the rungs below it, by a mover whose "
        "coalition holds its backing (an arrest with the army's backing). Needs "
        "requires_backing.",
    )

    @model_validator(mode="after")
    def _direct_needs_backing(self) -> Rung:
        if self.direct and not self.requires_backing:
            raise ValueError(
                f"rung '{self.id}' is direct but requires no backing: a rung moved without "
                "climbing the ladder is force, not procedure; add requires_backing "
                "(e.g. [army]) or drop direct"
            )
        return self


# --- event effects -------------------------------------------------------------------


class _Effect(StrictModel):
    pass


class Incapacitate(_Effect):
    effect: Literal["incapacitate"]
    leader: Ident


class Recover(_Effect):
    effect: Literal["recover"]
    leader: Ident


class Death(_Effect):
    effect: Literal["death"]
    leader: Ident


class Rehabilitate(_Effect):
    """A purged leader is brought back: readmitted, his exile ended, the charges against
    him withdrawn (no pretext, no rung passed). He gets no seat or office: those a
    plenum or a congress may give him again."""

    effect: Literal["rehabilitate"]
    leader: Ident


class PrestigeShift(_Effect):
    effect: Literal["prestige"]
    leader: Ident
    delta: Signed


class Funeral(_Effect):
    effect: Literal["funeral"]
    of: Ident
    orators: list[Ident] = Field(default_factory=list)
    absent: list[Ident] = Field(default_factory=list)


class Congress(_Effect):
    """The congress meets: regions elect delegations, the congress votes on the report and
    elects the committee and the control body; vacant leadership seats and offices are
    then filled. Sizes come from the bodies' ``sizes`` in force that month."""

    effect: Literal["congress"]
    body: Ident


class Conference(_Effect):
    """A national meeting that debates the line but elects nothing."""

    effect: Literal["conference"]
    body: Ident


class Crisis(_Effect):
    effect: Literal["crisis"]
    issue: Ident
    pressure: Signed = Field(description="Direction the crisis pushes the line.")
    salience: Unit
    months: Months


class RecruitmentDrive(_Effect):
    effect: Literal["recruitment_drive"]
    cohort: Ident
    members: int = Field(ge=1, le=MAX_MEMBERS)
    months: Months


class Document(_Effect):
    """A document about leaders (a testament); its prestige shifts apply only if read."""

    effect: Literal["document"]
    read: bool
    about: dict[Ident, Signed] = Field(default_factory=dict)


class ScheduledMotion(_Effect):
    """A motion put to the vote in this month (used by counterfactuals)."""

    effect: Literal["motion"]
    rung: Ident
    target: Ident
    office: Ident | None = None


class RuleSwitch(_Effect):
    effect: Literal["rule"]
    rule: Ident
    active: bool


class AllianceEffect(_Effect):
    """Leaders (their blocs) ally with one another, every pair of them."""

    effect: Literal["alliance"]
    leaders: list[Ident] = Field(min_length=2)


Effect = Annotated[
    Incapacitate
    | Recover
    | Death
    | Rehabilitate
    | PrestigeShift
    | Funeral
    | Congress
    | Conference
    | Crisis
    | RecruitmentDrive
    | Document
    | ScheduledMotion
    | RuleSwitch
    | AllianceEffect,
    Field(discriminator="effect"),
]


class Event(Provenance):
    """Something that happens on a date. ``kind`` is a free label for the narrative;
    what it does is its list of ``effects``."""

    id: Ident
    name: str
    kind: Ident
    date: Month
    description: str | None = None
    effects: list[Effect] = Field(default_factory=list, max_length=MAX_ITEMS)


# --- the historical record ---------------------------------------------------------------


class DatedFact(Provenance):
    date: Month | None


class LeaderRecord(StrictModel):
    """When a leader lost what (null: never, within the calendar)."""

    politburo: DatedFact | None = None
    party: DatedFact | None = None
    exile: DatedFact | None = None
    offices: dict[Ident, DatedFact] = Field(default_factory=dict)


class AllianceRecord(Provenance):
    id: Ident
    name: str
    members: list[Ident] = Field(min_length=2)
    start: Month
    end: Month | None = None


class DirectionalCheck(Provenance):
    """A claim of the historiography about a counterfactual, for ``politburo validate``:
    the intervention should move a measure one way. Reported with sign and interval,
    never forced."""

    intervention: InterventionId = Field(description="An intervention id of this scenario.")
    measure: Literal["p_winner", "politburo_months"] = Field(
        description="p_winner: the chance that the first of `leaders` consolidates; "
        "politburo_months: the months `leaders` keep their leadership seats, summed."
    )
    leaders: list[Ident] = Field(min_length=1)
    expected: Literal["lower", "higher"]
    claim: str = Field(description="The claim in one line, as the literature makes it.")


class _Fact(Provenance):
    """A quantitative fact of the record that the runs are scored on (``politburo
    validate``); each kind says what the model must produce to be compared with it."""

    id: Ident
    name: str


class VoteFact(_Fact):
    """A congress or conference voted on the line against an organized opposition within
    ``start``-``end``: ``line`` delegates for the line, ``opposition`` for the opposition
    (null if no count is sourced), out of ``delegates`` voting delegates (context)."""

    kind: Literal["vote"]
    meeting: Literal["congress", "conference"]
    start: Month
    end: Month | None = None
    line: Seats | None = None
    opposition: Seats | None = None
    delegates: int | None = Field(default=None, ge=1, le=MAX_SEATS)


class MembershipFact(_Fact):
    """Party members (all cohorts, all regions) in ``month``."""

    kind: Literal["membership"]
    month: Month
    members: int = Field(ge=1, le=MAX_MEMBERS)


class SeatShareFact(_Fact):
    """``seats`` of the ``of`` full seats of the leadership body held by the bloc of
    ``bloc`` in ``month``."""

    kind: Literal["seat_share"]
    bloc: Ident
    month: Month
    seats: Seats
    of: int = Field(ge=1, le=MAX_SEATS)


class ExitsFact(_Fact):
    """``exits`` losses of a leadership seat within ``start``-``end``; ``at_meeting`` of
    them in a month with a ``meeting`` (a kind of the model's event log); ``not_reelected``
    of them by not being elected again."""

    kind: Literal["exits"]
    start: Month
    end: Month
    exits: Seats
    meeting: Ident | None = None
    at_meeting: Seats | None = None
    not_reelected: Seats | None = None


class RegionFact(_Fact):
    """The secretary of ``region`` came into the bloc of ``bloc`` in ``month``."""

    kind: Literal["region_taken"]
    region: Ident
    bloc: Ident
    month: Month


QuantitativeFact = Annotated[
    VoteFact | MembershipFact | SeatShareFact | ExitsFact | RegionFact,
    Field(discriminator="kind"),
]


class History(Provenance):
    """What happened, for validation. The engine never reads it."""

    winner: Ident | None
    consolidated: Month | None
    elimination_order: list[Ident] = Field(default_factory=list)
    eliminations: dict[Ident, LeaderRecord] = Field(default_factory=dict)
    alliances: list[AllianceRecord] = Field(default_factory=list)
    checks: list[DirectionalCheck] = Field(
        default_factory=list, description="Directional claims about interventions."
    )
    facts: list[QuantitativeFact] = Field(
        default_factory=list, description="Quantitative facts the runs are scored on."
    )


class Patch(StrictModel):
    """One change to the scenario's facts.

    ``path`` walks the scenario as written, with ``/`` between steps; a list step is an
    item's ``id`` (or its position, for lists without ids): ``events/lenin_funeral/
    effects/0/absent``, ``offices/general_secretary/powers/appointment``.
    ``op`` is ``set`` (replace or create the value), ``remove`` (delete a key or list
    item) or ``add`` (append ``value`` to the list at ``path``)."""

    op: Literal["set", "remove", "add"]
    path: str = Field(min_length=1)
    value: Any = None

    @field_validator("path")
    @classmethod
    def _names_a_fact(cls, path: str) -> str:
        if not [step for step in path.split("/") if step]:
            raise ValueError(
                "the path names no fact; give its steps, e.g. offices/general_secretary/powers"
            )
        return path

    @model_validator(mode="after")
    def _value_needed(self) -> Patch:
        if self.op in ("set", "add") and self.value is None:
            raise ValueError(f"op '{self.op}' needs a 'value'")
        return self


class Intervention(Provenance):
    """A named counterfactual: patches on the scenario's facts."""

    id: InterventionId
    name: str = Field(description="One line: what is different in this world.")
    description: str | None = None
    patches: list[Patch] = Field(min_length=1)


class Factor(StrictModel):
    """An ingredient of the outcome for ``politburo explain``: switching it off applies
    its interventions and switches off its mechanisms."""

    id: Ident
    name: str
    description: str | None = None
    interventions: list[InterventionId] = Field(default_factory=list)
    ablate: list[Ident] = Field(default_factory=list, description="Mechanism names.")

    @model_validator(mode="after")
    def _does_something(self) -> Factor:
        if not self.interventions and not self.ablate:
            raise ValueError("a factor needs at least one intervention or mechanism to switch off")
        return self


class Scenario(StrictModel):
    """A succession struggle: the facts, each with its source."""

    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]*$", max_length=MAX_ID)]
    name: str
    description: str
    sources: dict[str, str] = Field(
        default_factory=dict, description="Named sources referred to in notes."
    )
    calendar: Calendar
    issues: list[PolicyIssue] = Field(min_length=1, max_length=MAX_ITEMS)
    cohorts: list[Cohort] = Field(min_length=1, max_length=MAX_ITEMS)
    bodies: list[Body] = Field(min_length=1, max_length=MAX_ITEMS)
    offices: list[Office] = Field(default_factory=list, max_length=MAX_ITEMS)
    leaders: list[Leader] = Field(min_length=2, max_length=MAX_LEADERS)
    regions: list[Region] = Field(min_length=1, max_length=MAX_ITEMS)
    rules: list[Rule] = Field(default_factory=list, max_length=MAX_ITEMS)
    discipline: list[Rung] = Field(min_length=1, max_length=MAX_RUNGS)
    events: list[Event] = Field(default_factory=list, max_length=MAX_ITEMS)
    history: History | None = None
    interventions: list[Intervention] = Field(
        default_factory=list, description="Named counterfactuals an experiment can apply."
    )
    factors: list[Factor] = Field(
        default_factory=list, description="Ingredients of the outcome for `explain`."
    )


def month_index(month: str) -> int:
    """Months since year 0: ``1922-04`` -> 1922*12+3."""
    match = re.fullmatch(MONTH_PATTERN, month)
    if match is None:
        raise ValueError(f"not a month (YYYY-MM): {month!r}")
    year, mon = month.split("-")
    return int(year) * 12 + int(mon) - 1


def month_label(index: int) -> str:
    """Inverse of :func:`month_index`."""
    return f"{index // 12:04d}-{index % 12 + 1:02d}"
