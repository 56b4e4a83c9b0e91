"""Typed records of what an experiment found, as they cross from the runs to their
readers (the command line, the report, the Python API). ``to_json()`` is the object
``politburo experiment --json`` prints; :meth:`ExperimentSummary.model_validate` reads it
back (``politburo report --experiment``) and refuses anything of another shape."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, SerializerFunctionWrapHandler, model_serializer

#: what an arm changes: nothing, a scenario's facts (interventions) or mechanisms
ArmKind = Literal["baseline", "intervention", "ablation"]


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    def to_json(self) -> dict[str, Any]:
        """Plain JSON-ready data (``json.dumps`` it)."""
        data: dict[str, Any] = self.model_dump(mode="json")
        return data


class Share(_Record):
    """How often one outcome came out: its share of the runs, the Wilson 95% interval,
    the count."""

    p: float
    ci: tuple[float, float]
    count: int


class Difference(_Record):
    """A paired difference in one outcome's share between an arm and the baseline over
    the same run indices, with its 95% interval."""

    d: float
    ci: tuple[float, float]


class Order(_Record):
    """An order in which the tracked rivals were eliminated, and its share of the runs."""

    order: list[str]
    share: float


class RunsSummary(_Record):
    """What a batch of runs came to: who consolidated how often (``"none"``: nobody), the
    median month of consolidation, the rivals whose fall is tracked and the commonest
    orders of their elimination (:func:`politburo.experiment.summary.summary_of`)."""

    winners: dict[str, Share]
    median_consolidation: str | None
    tracked_rivals: list[str]
    elimination_orders: list[Order]


class ArmSummary(_Record):
    """One arm: who consolidated how often (``"none"``: nobody), the median month of
    consolidation, the commonest elimination orders, and (not for the baseline) the
    paired differences from the baseline."""

    name: str
    kind: ArmKind
    winners: dict[str, Share]
    median_consolidation: str | None
    tracked_rivals: list[str]
    elimination_orders: list[Order]
    paired_difference: dict[str, Difference] | None = None

    @model_serializer(mode="wrap")
    def _without_absent_difference(self, handler: SerializerFunctionWrapHandler) -> Any:
        data = handler(self)
        if data.get("paired_difference") is None:
            data.pop("paired_difference", None)
        return data


class ExperimentSummary(_Record):
    """The experiment: its scenario, seed, runs per arm, id in the store, and arms."""

    scenario: str
    seed: int
    runs: int
    experiment_id: str
    arms: list[ArmSummary]

    def arm(self, name: str) -> ArmSummary:
        """The arm called ``name`` (KeyError if none)."""
        for arm in self.arms:
            if arm.name == name:
                return arm
        raise KeyError(name)

    def to_json(self) -> dict[str, Any]:
        """The object ``politburo experiment --json`` prints."""
        return super().to_json()
