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
from politburo.studies.records import (
    AdoptionVerdict,
    CalibrationRecord,
    FreeParameterRecord,
    Trial,
    TrialResult,
)


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
    best: Trial  # the trial of least loss, with the search's best values
    verdict: AdoptionVerdict  # whether to adopt, and why (fitted loss, held-out errors)
    history: tuple[Trial, ...]  # every trial

    @property
    def adopt(self) -> bool:
        """Whether the best trial should replace the package defaults."""
        return self.verdict.adopt

    @property
    def reason(self) -> str:
        """Why (not) adopt, with the fitted loss and the held-out errors."""
        return self.verdict.reason

    def fitted(self, base: Parameters = DEFAULT_PARAMETERS) -> Parameters:
        """``base`` with the best trial's values of the free parameters."""
        return with_values(base, self.best.values)

    def record(self, history: bool = False) -> CalibrationRecord:
        """The record ``--record`` writes (with ``history``: every trial too)."""

        def result(trial: Trial) -> TrialResult:
            return TrialResult(values=trial.values, loss=trial.loss, scores=trial.scores)

        return CalibrationRecord(
            command=self.command,
            scenario=", ".join(self.scenarios),
            runs=self.runs,
            seed=self.seed,
            trials=self.trials,
            free_parameters=[
                FreeParameterRecord(name=p.name, low=p.low, high=p.high, why=p.why)
                for p in self.free_parameters
            ],
            held_out_milestones=self.held_out,
            defaults=result(self.defaults),
            best=result(self.best),
            adopt=self.verdict,
            history=list(self.history) if history else None,
        )

    def to_json(self, history: bool = False) -> dict[str, Any]:
        """The JSON of :meth:`record` (with ``history``: every trial too)."""
        return self.record(history).to_json()


def calibration_summary(
    scorer: JointScorer,
    best: dict[str, float],
    history: Sequence[Trial],
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
    chosen = min(history, key=lambda trial: trial.loss)
    return CalibrationSummary(
        command=command,
        scenarios=tuple(sc.scenario.id for sc in scorer.scorers),
        runs=runs,
        seed=seed,
        trials=len(history),
        free_parameters=FREE_PARAMETERS,
        held_out=scorer.held_out,
        defaults=start.model_copy(update={"values": defaults()}),
        best=chosen.model_copy(update={"values": dict(best)}),
        verdict=adoption_verdict(start, chosen),
        history=tuple(history),
    )
