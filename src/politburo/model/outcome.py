"""The outcome of one run as a typed record: who consolidated power and when, what each
leader lost, and (when the run's log was read) the alliances it saw.

One record is made per run, thousands a second, so the records are ``slots`` dataclasses.
They cross the layers (the runner stores them, the store reads them back, the studies
score them). Each also reads as a mapping with the keys of its plain-data form
(:meth:`Outcome.to_dict`, what ``politburo run --json`` prints), so code written for that
form (``outcome["eliminations"].get(leader)``) reads a record too.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from politburo.model.events import ALWAYS_KEPT, EventLog, alliance_record, event_records
from politburo.model.state import State
from politburo.model.world import World

#: the months a leader may lose, other than his offices, in the order they are stored
LOSSES = ("politburo", "party", "exile")


@dataclass(frozen=True, slots=True)
class Elimination(Mapping[str, Any]):
    """What one leader lost in a run, each as the month ``YYYY-MM`` it happened (None if
    it did not)."""

    politburo: str | None = None  # left the leadership body
    party: str | None = None  # expelled
    exile: str | None = None  # exiled
    offices: Mapping[str, str] = field(default_factory=dict)  # office id -> month lost

    def to_dict(self) -> dict[str, Any]:
        """The plain-data form: ``politburo``, ``party``, ``exile``, and ``offices`` if
        any office was lost."""
        data: dict[str, Any] = {
            "politburo": self.politburo,
            "party": self.party,
            "exile": self.exile,
        }
        if self.offices:
            data["offices"] = dict(self.offices)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Elimination:
        return cls(
            data.get("politburo"), data.get("party"), data.get("exile"),
            dict(data.get("offices") or {}),
        )  # fmt: skip

    def __getitem__(self, key: str) -> Any:
        if key in LOSSES:
            return getattr(self, key)
        if key == "offices" and self.offices:
            return self.offices
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        yield from LOSSES
        if self.offices:
            yield "offices"

    def __len__(self) -> int:
        return len(LOSSES) + bool(self.offices)


@dataclass(frozen=True, slots=True)
class Alliance(Mapping[str, Any]):
    """One alliance of a run: its members, the month it formed and the month it ended
    (None if it lasted to the end)."""

    members: tuple[str, ...]
    formed: str
    ended: str | None

    def to_dict(self) -> dict[str, Any]:
        return {"members": list(self.members), "formed": self.formed, "ended": self.ended}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Alliance:
        return cls(tuple(data["members"]), data["formed"], data["ended"])

    def __getitem__(self, key: str) -> Any:
        if key in ("members", "formed", "ended"):
            return getattr(self, key)
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return iter(("members", "formed", "ended"))

    def __len__(self) -> int:
        return 3


#: a run's values for the record's quantitative facts: fact id -> quantity -> value
#: (see :mod:`politburo.experiment.observe`)
Observed = Mapping[str, Mapping[str, Any]]


@dataclass(frozen=True, slots=True)
class Outcome(Mapping[str, Any]):
    """The outcome of run ``run_index``: the winner (a leader id, None if no one
    consolidated by the calendar's end) and the month he did, every leader who lost
    something, and, when known, the run's alliances and its values for the record's
    facts."""

    run_index: int
    winner: str | None
    month: str | None
    eliminations: Mapping[str, Elimination]  # leader id -> his losses (only leaders with one)
    alliances: tuple[Alliance, ...] | None = None  # None: the run's log was not read
    observed: Observed | None = None  # None: not observed (see politburo.experiment.observe)

    def to_dict(self) -> dict[str, Any]:
        """The plain-data form (JSON-ready; without ``run_index``): ``winner``,
        ``month``, ``eliminations``, and ``alliances`` and ``observed`` when known."""
        data: dict[str, Any] = {
            "winner": self.winner,
            "month": self.month,
            "eliminations": {k: e.to_dict() for k, e in self.eliminations.items()},
        }
        if self.alliances is not None:
            data["alliances"] = [a.to_dict() for a in self.alliances]
        if self.observed is not None:
            data["observed"] = {k: dict(v) for k, v in self.observed.items()}
        return data

    @classmethod
    def from_dict(cls, run_index: int, data: Mapping[str, Any]) -> Outcome:
        """The record of run ``run_index`` from its plain-data form."""
        alliances = data.get("alliances")
        return cls(
            run_index,
            data["winner"],
            data["month"],
            {k: Elimination.from_dict(e) for k, e in data["eliminations"].items()},
            None if alliances is None else tuple(Alliance.from_dict(a) for a in alliances),
            data.get("observed"),
        )

    def __getitem__(self, key: str) -> Any:
        if key in ("run_index", "winner", "month", "eliminations"):
            return getattr(self, key)
        if key == "alliances" and self.alliances is not None:
            return self.alliances
        if key == "observed" and self.observed is not None:
            return self.observed
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        yield from ("run_index", "winner", "month", "eliminations")
        if self.alliances is not None:
            yield "alliances"
        if self.observed is not None:
            yield "observed"

    def __len__(self) -> int:
        return 4 + (self.alliances is not None) + (self.observed is not None)


def outcome_of(world: World, state: State, position: int, log: EventLog | None = None) -> Outcome:
    """The outcome of the run at ``position`` of a batch's state (with its alliances if
    the batch's event log is given)."""

    def label(turn: int) -> str | None:
        return None if turn < 0 else world.month_label(turn)

    eliminations: dict[str, Elimination] = {}
    for i, leader in enumerate(world.leader_ids):
        offices = {
            world.office_ids[o]: world.month_label(int(state.lost_office[position, i, o]))
            for o in range(len(world.office_ids))
            if state.lost_office[position, i, o] >= 0
        }
        politburo = label(int(state.lost_seat[position, i]))
        party = label(int(state.expelled[position, i]))
        exile = label(int(state.exiled_at[position, i]))
        if politburo is not None or party is not None or exile is not None or offices:
            eliminations[leader] = Elimination(politburo, party, exile, offices)
    alliances = None
    if log is not None:
        kept = [e for e in log.for_run(position) if e.kind in ALWAYS_KEPT]
        alliances = tuple(
            Alliance(a.members, a.formed, a.ended)
            for a in alliance_record(event_records(world, kept))
        )
    winner = int(state.winner[position])
    return Outcome(
        int(state.runs[position]),
        None if winner < 0 else world.leader_ids[winner],
        label(int(state.consolidated[position])),
        eliminations,
        alliances,
    )
