"""Quantitative facts of the record (``history.facts``): what each run produced for them,
and how the runs score against them (``politburo validate``).

Two steps, kept apart so each can be checked by hand:

1. :func:`politburo.experiment.observe.observe_run` reads, while a run is simulated, the
   values the facts ask about, one record per fact
   (:mod:`politburo.experiment.observations`; stored with the run; what it reads for each
   kind of fact is told there).
2. :func:`score_facts` compares those values over the runs with the record. Every row
   gives the median over the runs where the quantity happened **and** the share of runs
   where it happened, so a median of few runs cannot pass for a typical run.

How each kind of fact is scored
-------------------------------
What each kind reads from a run is told once, in :mod:`politburo.experiment.observe`.

``vote``
    The opposition's share ``no / (yes + no)`` (the meeting's size in the model is the
    congress's, an input, so only shares are compared), within ``VOTE_SHARE_WITHIN``, and
    the share of runs where the line carried.
``membership``
    Party members, within ``MEMBERSHIP_WITHIN`` of the record (relative error).
``seat_share``
    The bloc's share of the full seats, within one seat.
``exits``
    Seats lost, within ``EXITS_WITHIN``; the shares of them at a ``meeting`` and by not
    being re-elected, within one exit. A ``meeting`` kind the model's log does not have is
    reported as not produced by the model.
``region_taken``
    The month, as a milestone's: within ``WITHIN_MONTHS``, a run where it never happened
    charged the months to the calendar's end plus one plus ``MISS_PENALTY_MONTHS``.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TypeVar

import numpy as np

from politburo.analysis.records import FactScore
from politburo.analysis.validation import MISS_PENALTY_MONTHS, WITHIN_MONTHS
from politburo.experiment.observations import (
    ExitsObservation,
    MembershipObservation,
    Observation,
    RegionObservation,
    SeatShareObservation,
    VoteObservation,
    observation_from_dict,
)
from politburo.model.events import EVENT_KINDS
from politburo.scenario.schema import (
    ExitsFact,
    MembershipFact,
    QuantitativeFact,
    RegionFact,
    SeatShareFact,
    VoteFact,
    month_index,
    month_label,
)

#: a vote's opposition share is on target within this many points of the record's
VOTE_SHARE_WITHIN = 0.05
#: membership is on target within this share of the record's figure
MEMBERSHIP_WITHIN = 0.10
#: a count of exits is on target within this many exits of the record's
EXITS_WITHIN = 2


# --- scores ------------------------------------------------------------------------------


def _median(values: Sequence[float]) -> float | None:
    return float(statistics.median(values)) if values else None


def _not_produced(fact: QuantitativeFact, quantity: str, historical: Any, note: str) -> FactScore:
    return FactScore(
        fact=fact.id,
        name=fact.name,
        quantity=quantity,
        historical=historical,
        median=None,
        happened=None,
        within=None,
        error=None,
        tolerance="—",
        produced=False,
        note=note,
    )


def _share_row(
    fact: QuantitativeFact,
    quantity: str,
    historical: float | None,
    values: Sequence[float | None],
    tolerance: float,
    label: str,
) -> FactScore:
    """A share (0-1) per run (None: did not happen in that run) against the record."""
    n = len(values)
    seen = [v for v in values if v is not None]
    errors = [abs(v - historical) for v in seen] if historical is not None else []
    within = (
        sum(1 for e in errors if e <= tolerance + 1e-12) / n if historical is not None else None
    )
    return FactScore(
        fact=fact.id,
        name=fact.name,
        quantity=quantity,
        historical=historical,
        median=_median(seen),
        happened=len(seen) / n,
        within=within,
        error=_median(errors),
        tolerance=label,
    )


Kind = TypeVar("Kind", bound=Observation)


def _of_kind(
    observed: Sequence[Observation], kind: type[Kind], fact: QuantitativeFact
) -> list[Kind]:
    """The runs' observations of ``fact``, each of the record its kind produces (another is
    a bug: the store or the observer out of step with the facts)."""
    runs: list[Kind] = [o for o in observed if isinstance(o, kind)]
    if len(runs) != len(observed):
        raise TypeError(f"fact {fact.id!r} ({fact.kind}) observed as another kind of fact")
    return runs


def score_fact(
    fact: QuantitativeFact, observed: Sequence[Observation | None], calendar_end: str
) -> list[FactScore]:
    """The rows of one fact, from each run's observation of it (None: the run was not
    observed; then nothing is scored and the row says so)."""
    if not observed:
        raise ValueError("no runs to score")
    n = len(observed)
    if any(o is None for o in observed):
        return [_not_produced(fact, fact.kind, None, "runs stored without observations")]
    seen = [o for o in observed if o is not None]
    if isinstance(fact, VoteFact):
        votes = _of_kind(seen, VoteObservation, fact)
        line, against = fact.line, fact.opposition
        historical = (
            against / (line + against)
            if line is not None and against is not None and line + against > 0
            else None
        )
        shares = [
            o.no / (o.yes + o.no)
            if o.yes is not None and o.no is not None and o.yes + o.no > 0
            else None
            for o in votes
        ]
        row = _share_row(
            fact,
            "opposition's share of the vote",
            historical,
            shares,
            VOTE_SHARE_WITHIN,
            f"±{VOTE_SHARE_WITHIN:g}",
        )
        lines = sum(1 for o in votes if o.yes is not None and o.no is not None and o.yes > o.no)
        carried = lines / n
        return [row.model_copy(update={"line_carried": carried, "delegates": fact.delegates})]
    if isinstance(fact, MembershipFact):
        members = _of_kind(seen, MembershipObservation, fact)
        values = [o.members for o in members if np.isfinite(o.members)]
        errors = [abs(v / fact.members - 1.0) for v in values]
        return [
            FactScore(
                fact=fact.id,
                name=fact.name,
                quantity="party members",
                historical=float(fact.members),
                median=_median(values),
                happened=len(values) / n,
                within=sum(1 for e in errors if e <= MEMBERSHIP_WITHIN + 1e-12) / n,
                error=_median(errors),
                tolerance=f"±{MEMBERSHIP_WITHIN:.0%}",
            )
        ]
    if isinstance(fact, SeatShareFact):
        seats = _of_kind(seen, SeatShareObservation, fact)
        shares = [o.seats / o.of if o.of > 0 else None for o in seats]
        return [
            _share_row(
                fact,
                "share of full seats held by the bloc",
                fact.seats / fact.of,
                shares,
                1.0 / fact.of,
                f"±1 seat of {fact.of}",
            )
        ]
    if isinstance(fact, ExitsFact):
        return _score_exits(fact, _of_kind(seen, ExitsObservation, fact))
    return [_score_region(fact, _of_kind(seen, RegionObservation, fact), calendar_end)]


def _score_exits(fact: ExitsFact, runs: Sequence[ExitsObservation]) -> list[FactScore]:
    n = len(runs)
    counts = [float(o.exits) for o in runs]
    rows = [
        FactScore(
            fact=fact.id,
            name=fact.name,
            quantity="leadership seats lost",
            historical=float(fact.exits),
            median=_median(counts),
            happened=sum(1 for c in counts if c > 0) / n,
            within=sum(1 for c in counts if abs(c - fact.exits) <= EXITS_WITHIN) / n,
            error=_median([abs(c - fact.exits) for c in counts]),
            tolerance=f"±{EXITS_WITHIN} exits",
        )
    ]
    one_exit = 1.0 / fact.exits if fact.exits else 0.0
    label = f"±1 exit of {fact.exits}"
    if fact.at_meeting is not None:
        quantity = f"share of exits at a {fact.meeting}"
        historical = fact.at_meeting / fact.exits if fact.exits else None
        if fact.meeting not in EVENT_KINDS:
            rows.append(
                _not_produced(
                    fact,
                    quantity,
                    historical,
                    f"not produced by the model: its event log has no '{fact.meeting}' kind",
                )
            )
        else:
            shares = [
                o.at_meeting / o.exits if o.exits and o.at_meeting is not None else None
                for o in runs
            ]
            rows.append(_share_row(fact, quantity, historical, shares, one_exit, label))
    if fact.not_reelected is not None:
        historical = fact.not_reelected / fact.exits if fact.exits else None
        shares = [o.not_reelected / o.exits if o.exits else None for o in runs]
        rows.append(
            _share_row(
                fact, "share of exits by not being re-elected", historical, shares, one_exit, label
            )
        )
    return rows


def _score_region(
    fact: RegionFact, runs: Sequence[RegionObservation], calendar_end: str
) -> FactScore:
    """Timing as a milestone's: a run where it never happened is charged the months to the
    calendar's end plus one plus ``MISS_PENALTY_MONTHS``."""
    n = len(runs)
    hist = month_index(fact.month)
    missed = month_index(calendar_end) - hist + 1 + MISS_PENALTY_MONTHS
    months = [month_index(o.month) for o in runs if o.month is not None]
    errors = [abs(m - hist) for m in months] + [missed] * (n - len(months))
    median = month_label(sorted(months)[(len(months) - 1) // 2]) if months else None
    return FactScore(
        fact=fact.id,
        name=fact.name,
        quantity=f"month {fact.region} passes to {fact.bloc}'s bloc",
        historical=fact.month,
        median=median,
        happened=len(months) / n,
        within=sum(1 for m in months if abs(m - hist) <= WITHIN_MONTHS) / n,
        error=float(statistics.median(errors)),
        tolerance=f"±{WITHIN_MONTHS} months",
    )


def score_facts(
    facts: Iterable[QuantitativeFact],
    outcomes: Sequence[Mapping[str, Any]],
    calendar_end: str,
) -> list[FactScore]:
    """Every fact's rows over the runs (:class:`~politburo.model.outcome.Outcome` records);
    each carries ``observed`` (fact id -> observation, :func:`observe_run`), or none if it
    was stored without observations."""
    rows: list[FactScore] = []
    for fact in facts:
        observed: list[Observation | None] = []
        for outcome in outcomes:
            values = (outcome.get("observed") or {}).get(fact.id)
            observed.append(None if values is None else observation_from_dict(values))
        rows += score_fact(fact, observed, calendar_end)
    return rows
