"""Typed records of what a calibration found, as they cross from the search to its
readers (the command line, the ``--record`` file, the Python API).

- :class:`CalibrationScores`: one scenario's validation scores on the fitted record, with
  the held-out milestones' median error; :class:`JointScores` several scenarios' at once;
- :class:`Trial`: one parameter set tried (its number, loss, values and scores);
- :class:`AdoptionVerdict`: whether the best trial should replace the package defaults;
- :class:`CalibrationRecord`: the object ``politburo calibrate --record`` writes.
  ``CalibrationRecord.model_validate`` reads a written record back (the committed ones in
  ``docs/calibration/`` too) and refuses anything of another shape.

A value of a free parameter keeps its JSON type: an integer parameter's values stay whole
numbers where the search gave them so (``5``), the package defaults are floats (``5.0``).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from politburo.analysis.records import ValidationScores

#: a free parameter's value as the search or the defaults gave it (see the module doc)
Value = int | float


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    def to_json(self) -> dict[str, Any]:
        """Plain JSON-ready data (``json.dumps`` it)."""
        data: dict[str, Any] = self.model_dump(mode="json", by_alias=True)
        return data


class CalibrationScores(ValidationScores):
    """One scenario's scores under one parameter set: the validation scores on the fitted
    milestones (no quantitative facts) and the median error of the held-out ones (None if
    none was held out or none happened)."""

    held_out_median_milestone_error_months: float | None

    def by_scenario(self) -> dict[str, CalibrationScores]:
        """Scores by scenario id: ``""`` for the only one of a single scenario's fit."""
        return {"": self}


class JointScores(_Record):
    """Several scenarios' scores under one parameter set, by scenario id."""

    scenarios: dict[str, CalibrationScores]

    def by_scenario(self) -> dict[str, CalibrationScores]:
        """Scores by scenario id."""
        return dict(self.scenarios)


#: what a scorer returns: one scenario's scores, or several scenarios' (a joint fit)
Scores = CalibrationScores | JointScores


class Trial(_Record):
    """One parameter set tried: its number in the search (0 is the package defaults), the
    loss, the free parameters' values and the scores. ``to_json()`` is one entry of the
    record's ``history`` (the number as ``trial``)."""

    model_config = ConfigDict(populate_by_name=True)

    number: int = Field(alias="trial")
    loss: float
    values: dict[str, Value]
    scores: Scores

    def scenario_scores(self) -> dict[str, CalibrationScores]:
        """Scores by scenario id; ``""`` for the only one of a single scenario's fit."""
        return self.scores.by_scenario()


class TrialResult(_Record):
    """A trial as the record's ``defaults`` and ``best`` give it: values, loss, scores
    (without its number)."""

    values: dict[str, Value]
    loss: float
    scores: Scores


class AdoptionVerdict(_Record):
    """Whether a calibration's best trial should replace the package defaults, and why
    (with the fitted loss and the held-out errors)."""

    adopt: bool
    reason: str


class FreeParameterRecord(_Record):
    """A free parameter as the record lists it: its range and the lever it stands for."""

    name: str
    low: Value
    high: Value
    why: str


class CalibrationRecord(_Record):
    """What ``politburo calibrate --record`` writes: the command, the scenarios (joined
    by ``", "``), runs per trial, seed, number of trials, the free parameters, the
    held-out milestones by scenario, the defaults' and the best trial's results, the
    adoption verdict and (in a record written with them) every trial."""

    command: str
    scenario: str
    runs: int
    seed: int
    trials: int
    free_parameters: list[FreeParameterRecord]
    held_out_milestones: dict[str, list[str]]
    defaults: TrialResult
    best: TrialResult
    adopt: AdoptionVerdict
    history: list[Trial] | None = None

    def to_json(self) -> dict[str, Any]:
        """The record as written; without ``history`` if it holds no trials."""
        data = super().to_json()
        if data["history"] is None:
            del data["history"]
        return data
