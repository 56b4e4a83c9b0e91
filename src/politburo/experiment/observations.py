"""Typed records of what one run produced for one quantitative fact of the record, as
they cross from the runs (:func:`politburo.experiment.observe.observe_run`) through the
store (the ``observed`` column) to the scoring (:mod:`politburo.analysis.facts`).

One record per fact of every observed run, so they are ``slots`` dataclasses like the
outcome's. Each also reads as a mapping with the keys of its plain-data form
(:meth:`to_dict`, what the store writes as JSON), which is what lets it sit in
:attr:`politburo.model.outcome.Outcome.observed`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, fields
from typing import Any


@dataclass(frozen=True, slots=True)
class _Observation(Mapping[str, Any]):
    def _keys(self) -> tuple[str, ...]:
        return tuple(f.name for f in fields(self))

    def to_dict(self) -> dict[str, Any]:
        """The plain-data form (JSON-ready), as the store holds it."""
        return {key: getattr(self, key) for key in self._keys()}

    def __getitem__(self, key: str) -> Any:
        if key in self._keys():
            return getattr(self, key)
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys())

    def __len__(self) -> int:
        return len(self._keys())


@dataclass(frozen=True, slots=True)
class VoteObservation(_Observation):
    """The first vote of the fact's meeting in its months: whether one was held, and if
    so the delegates for (``yes``) and against (``no``) the line."""

    held: bool
    yes: int | None = None  # None: no vote held
    no: int | None = None

    def _keys(self) -> tuple[str, ...]:
        return ("held", "yes", "no") if self.held else ("held",)


@dataclass(frozen=True, slots=True)
class MembershipObservation(_Observation):
    """Party members after the fact's month."""

    members: float


@dataclass(frozen=True, slots=True)
class SeatShareObservation(_Observation):
    """Full seats held by the fact's bloc after its month, of all full seats then held."""

    seats: int
    of: int


@dataclass(frozen=True, slots=True)
class ExitsObservation(_Observation):
    """Leadership seats lost in the fact's months (deaths aside); of them, those in a
    month of the fact's meeting (None: the model's log has no such kind) and those no
    motion, expulsion, exile or death accounts for (not re-elected)."""

    exits: int
    at_meeting: int | None
    not_reelected: int


@dataclass(frozen=True, slots=True)
class RegionObservation(_Observation):
    """The first month after which the region's secretary was in the fact's bloc (None:
    never)."""

    month: str | None


#: what one run produced for one fact, of whichever kind
Observation = (
    VoteObservation
    | MembershipObservation
    | SeatShareObservation
    | ExitsObservation
    | RegionObservation
)

#: each record by the key only its plain-data form has
_BY_KEY: tuple[tuple[str, type[Observation]], ...] = (
    ("held", VoteObservation),
    ("members", MembershipObservation),
    ("seats", SeatShareObservation),
    ("exits", ExitsObservation),
    ("month", RegionObservation),
)

_RECORDS: tuple[type[Observation], ...] = tuple(record for _, record in _BY_KEY)


def observation_from_dict(data: Mapping[str, Any]) -> Observation:
    """The record of a plain-data observation (as the store holds it); a record is
    returned as it is. Anything else is a bug (or a store written by something else) and
    raises ValueError."""
    if isinstance(data, _RECORDS):
        return data
    for key, record in _BY_KEY:
        if key in data:
            return record(**data)
    raise ValueError(f"not an observation of a fact: {dict(data)!r}")


def observed_from_dict(data: Mapping[str, Mapping[str, Any]]) -> dict[str, Observation]:
    """A run's observations by fact id, from their plain-data form."""
    return {fact: observation_from_dict(values) for fact, values in data.items()}


def observed_to_dict(observed: Mapping[str, Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """A run's observations by fact id in their plain-data form (what the store writes)."""
    return {fact: dict(values) for fact, values in observed.items()}
