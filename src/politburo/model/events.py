"""Structured events: every step writes (run, month, kind, actor, target, values).

Narrative, plots and validation are derived from these records; the rules never read
them. Recording is columnar (one array per field, appended a batch at a time) so a
10,000-run batch costs a few array appends per month, not a Python object per event.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
from numpy.typing import NDArray

if TYPE_CHECKING:
    from politburo.model.world import World

#: kind -> what the narrative should say (fields: actor, target, obj, yes, no, value)
EVENT_KINDS: tuple[str, ...] = (
    "scheduled",  # a scenario event fired (obj = event index in the world's month list)
    "incapacitated",
    "recovered",
    "died",
    "funeral_oration",
    "funeral_absence",
    "document_read",
    "crisis",
    "recruitment_drive",
    "appointed",  # actor placed a client as secretary of region obj
    "appointment_failed",
    "recruited",
    "alliance_formed",
    "alliance_refused",
    "alliance_broken",  # actor broke with target
    "alliance_ended",  # actor's alliance with target ended as he submitted or fell
    "attacked",
    "defended_line",
    "criticized_line",
    "appealed",
    "gathered_material",
    "faction_organized",
    "faction_detected",
    "position_shifted",  # obj = issue, value = new position
    "policy_adopted",  # obj = issue, value = new line, yes/no counts
    "policy_rejected",
    "won_over",  # actor won target as a client
    "win_over_failed",
    "recanted",  # actor recanted and was put on probation (readmitted if expelled)
    "motion_passed",  # obj = rung index, yes/no counts, value = office (or -1)
    "motion_failed",
    "office_filled",  # actor took office obj
    "office_lost",  # actor lost office obj
    "seat_filled",  # actor took a leadership seat (value 2 full, 1 candidate)
    "seat_lost",
    "expelled",
    "exiled",
    "congress_opened",
    "congress_vote",  # actor = line-holder; target = main opposition; yes/no delegates
    "committee_elected",  # actor = largest bloc; yes = its seats; no = total seats
    "conference_vote",
    "consolidated",
    "plenum",  # actor = leader of the committee's largest coalition; yes/no = its seats/the rest
    "seat_demoted",  # actor went from a full to a candidate seat at a plenum
    "common_threat",  # actor became the common threat a front forms against; value = fear
    "rehabilitated",  # actor, purged, was readmitted by a scheduled rehabilitation
    "restrained",  # actor, the next threat, held back from removing target, the common threat:
    #   obj 0 the plenum's slate kept him, 1 actor's bloc voted against a grave motion
    "secretary_defected",  # the secretary of region obj left target's beaten bloc for actor's
)
KIND_CODE = {name: i for i, name in enumerate(EVENT_KINDS)}

#: kinds recorded even when a log is disabled: rare, and every run's outcome lists its
#: alliances (see :func:`alliance_record`)
ALWAYS_KEPT: frozenset[str] = frozenset({"alliance_formed", "alliance_broken", "alliance_ended"})

#: Events too frequent to tell every month: the narrative leaves them out unless asked
#: (``--verbose``), the game folds them away.
ROUTINE: frozenset[str] = frozenset(
    {
        "defended_line",
        "appealed",
        "recruited",
        "attacked",
        "gathered_material",
        "appointment_failed",
        "win_over_failed",
        "alliance_refused",
        "position_shifted",
        "criticized_line",
        "faction_detected",
    }
)

_FIELDS = ("run", "turn", "kind", "actor", "target", "obj", "yes", "no")


@dataclass(frozen=True, slots=True)
class EventRow:
    """One event as the engine recorded it: indices into the world, -1 (``nan`` for
    ``value``) where the kind does not use a field. Decode it with :func:`event_records`."""

    run: int  # position of the run in its batch
    turn: int
    kind: str  # one of EVENT_KINDS
    actor: int  # leader index
    target: int  # leader index
    obj: int  # office, region, issue, rung, cohort or event index, by kind
    yes: int
    no: int
    value: float

    def to_json(self) -> dict[str, Any]:
        """The plain-data form: every field by name."""
        return {
            "run": self.run, "turn": self.turn, "kind": self.kind, "actor": self.actor,
            "target": self.target, "obj": self.obj, "yes": self.yes, "no": self.no,
            "value": self.value,
        }  # fmt: skip


@dataclass
class EventLog:
    """Columnar event store for a batch; disabled logs record only :data:`ALWAYS_KEPT`."""

    enabled: bool = True
    _chunks: dict[str, list[NDArray[Any]]] = field(default_factory=dict)
    _by_run: list[list[EventRow]] | None = None

    def __post_init__(self) -> None:
        self._chunks = {name: [] for name in (*_FIELDS, "value")}

    def record(
        self,
        kind: str,
        turn: int,
        runs: NDArray[np.int64],
        actor: NDArray[np.int64] | int = -1,
        target: NDArray[np.int64] | int = -1,
        obj: NDArray[np.int64] | int = -1,
        yes: NDArray[np.int64] | int = -1,
        no: NDArray[np.int64] | int = -1,
        value: NDArray[np.float64] | float = np.nan,
    ) -> None:
        """Record one event for each run in ``runs`` (positions in the batch)."""
        if runs.size == 0 or not (self.enabled or kind in ALWAYS_KEPT):
            return
        self._by_run = None
        n = runs.size
        columns: dict[str, Any] = {
            "run": runs,
            "turn": turn,
            "kind": KIND_CODE[kind],
            "actor": actor,
            "target": target,
            "obj": obj,
            "yes": yes,
            "no": no,
        }
        for name, column in columns.items():
            self._chunks[name].append(np.broadcast_to(np.asarray(column, dtype=np.int64), n).copy())
        self._chunks["value"].append(np.broadcast_to(np.asarray(value, dtype=np.float64), n).copy())

    def extend(
        self, runs: NDArray[np.int64], ints: NDArray[np.int64], value: NDArray[np.float64]
    ) -> None:
        """Append records given as columns: ``ints`` (n, 7) holds turn, kind, actor,
        target, obj, yes, no (the compiled engine's buffers); ``value`` (n,)."""
        if runs.size == 0:
            return
        self._by_run = None
        self._chunks["run"].append(np.asarray(runs, dtype=np.int64))
        for column, name in enumerate(_FIELDS[1:]):
            self._chunks[name].append(np.ascontiguousarray(ints[:, column], dtype=np.int64))
        self._chunks["value"].append(np.asarray(value, dtype=np.float64))

    def copy(self) -> EventLog:
        """An independent copy (for branching)."""
        twin = EventLog(enabled=self.enabled)
        twin._chunks = {name: list(parts) for name, parts in self._chunks.items()}
        return twin

    def arrays(self) -> dict[str, NDArray[Any]]:
        """All events as columns, sorted by (run, turn, order of recording)."""
        if not self._chunks["run"]:
            empty: dict[str, NDArray[Any]] = {name: np.zeros(0, dtype=np.int64) for name in _FIELDS}
            empty["value"] = np.zeros(0)
            return empty
        cols = {name: np.concatenate(parts) for name, parts in self._chunks.items()}
        order = np.lexsort((np.arange(cols["run"].size), cols["turn"], cols["run"]))
        return {name: col[order] for name, col in cols.items()}

    def for_run(self, position: int) -> list[EventRow]:
        """Events of one run (by position in the batch), in the order they happened."""
        if self._by_run is None:
            self._by_run = self._split()
        if position < len(self._by_run):
            return list(self._by_run[position])
        return []

    def _split(self) -> list[list[EventRow]]:
        """Every run's events, grouped in one pass (runs without events: empty lists)."""
        cols = self.arrays()
        n = int(cols["run"].max()) + 1 if cols["run"].size else 0
        kinds = [EVENT_KINDS[k] for k in cols["kind"].tolist()]
        rows = list(
            map(
                EventRow,
                cols["run"].tolist(), cols["turn"].tolist(), kinds, cols["actor"].tolist(),
                cols["target"].tolist(), cols["obj"].tolist(), cols["yes"].tolist(),
                cols["no"].tolist(), cols["value"].tolist(),
            )
        )  # fmt: skip
        # sorted by run: run k's events lie between the k-th and (k+1)-th bound
        bounds = np.searchsorted(cols["run"], np.arange(n + 1)).tolist()
        return [rows[bounds[k] : bounds[k + 1]] for k in range(n)]


# --- one run's events, decoded -------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EventRecord:
    """One event of a run as a reader meets it: the month ``YYYY-MM``, the kind, the
    leaders by id (None: no one, or the plenum) and only the fields its kind uses (the
    others None)."""

    month: str
    kind: str
    actor: str | None
    target: str | None
    office: str | None = None  # office_filled, office_lost
    region: str | None = None  # appointed, appointment_failed, recruited, secretary_defected
    issue: str | None = None  # position_shifted, policy_adopted, policy_rejected, crisis
    rung: str | None = None  # motion_passed, motion_failed: the discipline ladder's rung
    cohort: str | None = None  # recruitment_drive
    yes: int | None = None
    no: int | None = None
    value: float | None = None  # rounded to 4 decimals

    def to_json(self) -> dict[str, Any]:
        """The plain-data form ``politburo run --json`` prints: month, kind, actor,
        target, then only the fields the kind uses."""
        data: dict[str, Any] = {
            "month": self.month, "kind": self.kind, "actor": self.actor, "target": self.target,
        }  # fmt: skip
        data.update(self.detail())
        return data

    def detail(self) -> dict[str, Any]:
        """The fields beyond month, kind, actor and target that the kind uses, in the
        order of :meth:`to_json`."""
        data: dict[str, Any] = {}
        if self.office is not None:
            data["office"] = self.office
        elif self.region is not None:
            data["region"] = self.region
        elif self.issue is not None:
            data["issue"] = self.issue
        elif self.rung is not None:
            data["rung"] = self.rung
        elif self.cohort is not None:
            data["cohort"] = self.cohort
        if self.yes is not None:
            data["yes"] = self.yes
        if self.no is not None:
            data["no"] = self.no
        if self.value is not None:
            data["value"] = self.value
        return data


_OFFICE_KINDS = frozenset({"office_filled", "office_lost"})
_REGION_KINDS = frozenset({"appointed", "appointment_failed", "recruited", "secretary_defected"})
_ISSUE_KINDS = frozenset({"position_shifted", "policy_adopted", "policy_rejected", "crisis"})
_RUNG_KINDS = frozenset({"motion_passed", "motion_failed"})


def event_records(world: World, events: Iterable[EventRow]) -> list[EventRecord]:
    """Events of one run decoded: month, kind, actor, target and the fields that kind
    uses, with ids instead of indices."""
    w = world
    leaders = w.leader_ids
    months: dict[int, str] = {}  # turn -> its label, made once per month
    out = []
    for e in events:
        kind, obj = e.kind, e.obj
        month = months.get(e.turn)
        if month is None:
            month = months[e.turn] = w.month_label(e.turn)
        office = region = issue = rung = cohort = None
        if obj >= 0:
            if kind in _OFFICE_KINDS:
                office = w.office_ids[obj]
            elif kind in _REGION_KINDS:
                region = w.region_ids[obj]
            elif kind in _ISSUE_KINDS:
                issue = w.issue_ids[obj]
            elif kind in _RUNG_KINDS:
                rung = w.ladder[obj].id
            elif kind == "recruitment_drive":
                cohort = w.cohort_ids[obj]
        out.append(
            EventRecord(
                month,
                kind,
                leaders[e.actor] if e.actor >= 0 else None,
                leaders[e.target] if e.target >= 0 else None,
                office,
                region,
                issue,
                rung,
                cohort,
                e.yes if e.yes >= 0 else None,
                e.no if e.no >= 0 else None,
                None if math.isnan(e.value) else round(e.value, 4),
            )
        )
    return out


class Told(Protocol):
    """What :func:`alliance_record` reads of an event: an :class:`EventRecord`, or the
    web's event as the player saw it."""

    @property
    def month(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def actor(self) -> str | None: ...
    @property
    def target(self) -> str | None: ...


@dataclass(frozen=True, slots=True)
class AllianceSpell:
    """One alliance of a run, read from its events: the two members, the month it formed,
    the month it ended (None if it lasted to the end) and who broke it (None if it ended
    as a member submitted or fell, or has not ended)."""

    members: tuple[str, str]
    formed: str
    ended: str | None = None
    broken_by: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The plain-data form ``politburo run --json`` prints: ``broken_by`` only for an
        alliance that ended."""
        data: dict[str, Any] = {
            "members": list(self.members), "formed": self.formed, "ended": self.ended,
        }  # fmt: skip
        if self.ended is not None:
            data["broken_by"] = self.broken_by
        return data


def alliance_record(records: Iterable[Told]) -> list[AllianceSpell]:
    """Alliances of one run from its events, by month formed, then members."""
    open_: dict[frozenset[str], AllianceSpell] = {}
    done: list[AllianceSpell] = []
    for e in records:
        if e.actor is None or e.target is None:
            continue
        pair = frozenset((e.actor, e.target))
        if e.kind == "alliance_formed":
            open_[pair] = AllianceSpell((e.actor, e.target), e.month)
        elif e.kind in ("alliance_broken", "alliance_ended") and pair in open_:
            spell = open_.pop(pair)
            broken_by = e.actor if e.kind == "alliance_broken" else None
            done.append(AllianceSpell(spell.members, spell.formed, e.month, broken_by))
    return sorted(done + list(open_.values()), key=lambda a: (a.formed, a.members))
