"""What a calibration found, as one record: the free parameters, the defaults' and the
best trial's values and scores, and whether the best should replace the defaults.

``politburo calibrate`` prints it and writes it (``--record``); from Python::

    scorer = JointScorer(specs, runs, seed)
    with scorer.evaluator.running():
        best, history = search(scorer.score, trials, seed)
    summary = calibration_summary(scorer, best, history, runs=runs, seed=seed)
    summary.fitted()        # the Parameters to use (--params)
    summary.to_json()       # the --record object, without the trials
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from politburo.errors import InputError
from politburo.model.params import DEFAULT_PARAMETERS, Parameters
from politburo.studies.calibration import (
    FREE_PARAMETERS,
    FreeParameter,
    JointScorer,
    adoption_verdict,
    defaults,
    with_values,
)


@dataclass(frozen=True)
class Trial:
    """One parameter set tried: the free parameters' values, the loss, the scores (one
    scenario's validation scores, or ``{"scenarios": {id: scores}}`` for several)."""

    values: dict[str, float]
    loss: float
    scores: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {"values": self.values, "loss": self.loss, "scores": self.scores}

    def scenario_scores(self) -> dict[str, dict[str, Any]]:
        """Scores by scenario id; ``""`` for the only one of a single scenario's fit."""
        nested: dict[str, dict[str, Any]] | None = self.scores.get("scenarios")
        return nested if nested is not None else {"": self.scores}


@dataclass(frozen=True)
class CalibrationSummary:
    """A calibration's result (``politburo calibrate --record`` writes :meth:`to_json`)."""

    command: str
    scenarios: tuple[str, ...]
    runs: int
    seed: int
    trials: int
    free_parameters: tuple[FreeParameter, ...]
    held_out: dict[str, list[str]]  # scenario id -> milestones scored apart
    defaults: Trial  # the first trial: the package defaults
    best: Trial
    adopt: bool
    reason: str  # why (not) adopt, with the fitted loss and held-out errors
    history: tuple[dict[str, Any], ...]  # every trial: number, loss, values, scores

    def fitted(self, base: Parameters = DEFAULT_PARAMETERS) -> Parameters:
        """``base`` with the best trial's values of the free parameters."""
        return with_values(base, self.best.values)

    def to_json(self, history: bool = False) -> dict[str, Any]:
        """The record ``--record`` writes (with ``history``: every trial too)."""
        document: dict[str, Any] = {
            "command": self.command,
            "scenario": ", ".join(self.scenarios),
            "runs": self.runs,
            "seed": self.seed,
            "trials": self.trials,
            "free_parameters": [
                {"name": p.name, "low": p.low, "high": p.high, "why": p.why}
                for p in self.free_parameters
            ],
            "held_out_milestones": self.held_out,
            "defaults": self.defaults.to_json(),
            "best": self.best.to_json(),
            "adopt": {"adopt": self.adopt, "reason": self.reason},
        }
        if history:
            document["history"] = list(self.history)
        return document


def calibration_summary(
    scorer: JointScorer,
    best: dict[str, float],
    history: Sequence[dict[str, Any]],
    *,
    runs: int,
    seed: int,
    command: str = "",
) -> CalibrationSummary:
    """The summary of a search (:func:`politburo.studies.calibration.search`) whose first
    trial is the defaults: before and after, and the adoption verdict."""
    if not history:
        raise InputError("a calibration with no trials has nothing to summarize")
    start = history[0]
    chosen = min(history, key=lambda trial: trial["loss"])
    verdict = adoption_verdict(start, chosen)
    return CalibrationSummary(
        command=command,
        scenarios=tuple(sc.scenario.id for sc in scorer.scorers),
        runs=runs,
        seed=seed,
        trials=len(history),
        free_parameters=FREE_PARAMETERS,
        held_out=scorer.held_out,
        defaults=Trial(defaults(), start["loss"], start["scores"]),
        best=Trial(dict(best), chosen["loss"], chosen["scores"]),
        adopt=bool(verdict["adopt"]),
        reason=str(verdict["reason"]),
        history=tuple(history),
    )
