"""Structured events: every step writes (run, month, kind, actor, target, values).

Narrative, plots and validation are derived from these records; the rules never read
them. Recording is columnar (one array per field, appended a batch at a time) so a
10,000-run batch costs a few array appends per month, not a Python object per event.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

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


@dataclass
class EventLog:
    """Columnar event store for a batch; disabled logs record only :data:`ALWAYS_KEPT`."""

    enabled: bool = True
    _chunks: dict[str, list[NDArray[Any]]] = field(default_factory=dict)
    _by_run: list[list[dict[str, Any]]] | None = None

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

    def for_run(self, position: int) -> list[dict[str, Any]]:
        """Events of one run (by position in the batch), as dicts with kind names."""
        if self._by_run is None:
            self._by_run = self._split()
        if position < len(self._by_run):
            return list(self._by_run[position])
        return []

    def _split(self) -> list[list[dict[str, Any]]]:
        """Every run's events, grouped in one pass (runs without events: empty lists)."""
        cols = self.arrays()
        n = int(cols["run"].max()) + 1 if cols["run"].size else 0
        out: list[list[dict[str, Any]]] = [[] for _ in range(n)]
        fields = {name: cols[name].tolist() for name in (*_FIELDS, "value")}
        for k in range(cols["run"].size):
            row: dict[str, Any] = {name: fields[name][k] for name in _FIELDS}
            row["kind"] = EVENT_KINDS[row["kind"]]
            row["value"] = float(fields["value"][k])
            out[row["run"]].append(row)
        return out


# --- one run's events, decoded -------------------------------------------------------


def event_records(world: World, events: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Events of one run as JSON-ready dicts: month, kind, actor, target and the fields
    that kind uses, with ids instead of indices."""
    w = world
    out = []
    for e in events:
        kind = e["kind"]
        record: dict[str, Any] = {
            "month": w.month_label(e["turn"]),
            "kind": kind,
            "actor": w.leader_ids[e["actor"]] if e["actor"] >= 0 else None,
            "target": w.leader_ids[e["target"]] if e["target"] >= 0 else None,
        }
        obj = e["obj"]
        if kind in ("office_filled", "office_lost") and obj >= 0:
            record["office"] = w.office_ids[obj]
        elif (
            kind in ("appointed", "appointment_failed", "recruited", "secretary_defected")
            and obj >= 0
        ):
            record["region"] = w.region_ids[obj]
        elif (
            kind in ("position_shifted", "policy_adopted", "policy_rejected", "crisis") and obj >= 0
        ):
            record["issue"] = w.issue_ids[obj]
        elif kind in ("motion_passed", "motion_failed") and obj >= 0:
            record["rung"] = w.ladder[obj].id
        elif kind == "recruitment_drive" and obj >= 0:
            record["cohort"] = w.cohort_ids[obj]
        if e["yes"] >= 0:
            record["yes"] = e["yes"]
        if e["no"] >= 0:
            record["no"] = e["no"]
        if not np.isnan(e["value"]):
            record["value"] = round(float(e["value"]), 4)
        out.append(record)
    return out


def alliance_record(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Alliances of one run from its events: members, month formed, month ended (or
    null if it lasted to the end)."""
    open_: dict[frozenset[str], dict[str, Any]] = {}
    done: list[dict[str, Any]] = []
    for e in records:
        if e["actor"] is None or e["target"] is None:
            continue
        pair = frozenset((e["actor"], e["target"]))
        if e["kind"] == "alliance_formed":
            open_[pair] = {
                "members": [e["actor"], e["target"]],
                "formed": e["month"],
                "ended": None,
            }
        elif e["kind"] in ("alliance_broken", "alliance_ended") and pair in open_:
            record = open_.pop(pair)
            record["ended"] = e["month"]
            record["broken_by"] = e["actor"] if e["kind"] == "alliance_broken" else None
            done.append(record)
    return sorted(done + list(open_.values()), key=lambda r: (r["formed"], r["members"]))
