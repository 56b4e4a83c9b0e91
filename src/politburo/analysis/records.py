"""Typed records of what the runs mean, as they cross from the studies to their readers
(the command line, the report, the Python API).

Two families:

- the **validation report** (:class:`ValidationReport`): ``to_json()`` is the object
  ``politburo validate --json`` prints, made of the scores of the baseline against the
  record (:class:`ValidationScores`: milestones, alliances, quantitative facts), the naive
  forecasts, the directional checks and the targets;
- the **attribution** (:class:`Explanation`): ``to_json()`` is the object ``politburo
  explain --json`` prints, a Shapley attribution to the mechanisms
  (:class:`AttributionRecord`) with the scenario's factors (:class:`FactorAttribution`) and,
  if asked, the Morris sensitivity to the global parameters (:class:`Sensitivity`).

``model_validate`` reads either back (``politburo report --validation``,
``--attribution``) and refuses anything of another shape. Fields that are ``None`` and
listed in a record's ``_OMITTED_WHEN_NONE`` are left out of the JSON, as the commands
always did; every other undefined number is ``null``. Numbers are finite: an interval
bound that does not exist is ``null``, never ``Infinity``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, ClassVar, Literal, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    SerializerFunctionWrapHandler,
    ValidationError,
    model_serializer,
)

from politburo.errors import UserError

R = TypeVar("R", bound=BaseModel)


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    #: optional fields left out of the JSON when they are None
    _OMITTED_WHEN_NONE: ClassVar[tuple[str, ...]] = ()

    @model_serializer(mode="wrap")
    def _without_absent(self, handler: SerializerFunctionWrapHandler) -> Any:
        data = handler(self)
        for name in self._OMITTED_WHEN_NONE:
            if data.get(name, 0) is None:
                del data[name]
        return data

    def to_json(self) -> dict[str, Any]:
        """Plain JSON-ready data (``json.dumps`` it): what the command prints."""
        data: dict[str, Any] = self.model_dump(mode="json")
        return data


# --- validation --------------------------------------------------------------------------


class MilestoneScore(_Record):
    """Timing of one historical milestone over the runs
    (:func:`politburo.analysis.validation.score_milestone` says how each number is
    computed): its historical month, the median simulated month among runs where it
    happened (None if it never did), the median absolute error in months over all runs,
    the share of runs within 6 months, the share of runs where it happened."""

    name: str
    historical: str
    median_simulated: str | None
    median_abs_error_months: float
    share_within_6: float
    share_happened: float


class AllianceScore(_Record):
    """How often the runs reproduce one historical alliance, and the median months of
    overlap among the runs that do (None if none does)."""

    id: str
    name: str
    share: float
    median_overlap_months: float | None


class FactScore(_Record):
    """One quantity of one quantitative fact over the runs. ``historical`` and ``median``
    are numbers, or months (``YYYY-MM``) for ``region_taken``; ``happened`` is the share
    of runs where the quantity exists at all (a vote was held, an exit came); ``within``
    the share of all runs on target (``tolerance``); ``error`` the median absolute error.
    A quantity the model cannot produce has ``produced`` false, a ``note`` saying why, and
    no numbers. A vote also reports ``line_carried`` (the share of runs where the line
    carried) and the record's ``delegates``."""

    _OMITTED_WHEN_NONE: ClassVar[tuple[str, ...]] = ("line_carried", "delegates")

    fact: str
    name: str
    quantity: str
    historical: int | float | str | None
    median: int | float | str | None
    happened: float | None
    within: float | None
    error: float | None
    tolerance: str
    produced: bool = True
    note: str | None = None
    line_carried: float | None = None
    delegates: int | None = None


class ValidationScores(_Record):
    """The scores of a batch of runs against the historical record. ``facts`` is there in
    a validation report (``politburo validate``), absent from the scores a calibration
    trial computes."""

    _OMITTED_WHEN_NONE: ClassVar[tuple[str, ...]] = ("facts",)

    p_historical_winner: float
    brier: float
    order_share: float | None
    kendall_tau: float | None
    median_milestone_error_months: float | None
    milestones: list[MilestoneScore] = []
    alliances: list[AllianceScore] = []
    facts: list[FactScore] | None = None


class HeldOut(_Record):
    """The milestones kept out of a calibration, scored apart."""

    median_milestone_error_months: float | None
    milestones: list[MilestoneScore]


class NaiveForecast(_Record):
    """A winner forecast made from the scenario's facts alone, and its Brier score."""

    forecast: dict[str, float]
    brier: float


class DirectionalResult(_Record):
    """One directional check of the historiography: the paired difference arm - baseline
    of its measure with a 95% interval, and whether it agrees with the expected sign
    (``yes``: the interval lies on that side of zero, ``no``: on the other, ``unclear``:
    it spans zero)."""

    intervention: str
    measure: Literal["p_winner", "politburo_months"]
    leaders: list[str]
    expected: Literal["lower", "higher"]
    claim: str
    d: float
    ci: tuple[float, float]
    agrees: Literal["yes", "no", "unclear"]


class Target(_Record):
    """A target set for the reference case, met or not (never forced)."""

    target: str
    value: float | None
    met: bool


class ValidationReport(_Record):
    """``politburo validate``: the baseline scored against the record (with the
    quantitative facts), the held-out milestones apart if any were held out, the naive
    forecasts, the directional checks and the targets."""

    _OMITTED_WHEN_NONE: ClassVar[tuple[str, ...]] = ("held_out",)

    scenario: str
    runs: int
    seed: int
    scores: ValidationScores
    held_out: HeldOut | None = None
    naive: dict[str, NaiveForecast]
    directional: list[DirectionalResult]
    targets: list[Target]


# --- attribution -------------------------------------------------------------------------


class ValueInterval(_Record):
    """A mean with its interval; a bound is None where no interval exists (one run)."""

    value: float
    ci: tuple[float | None, float | None]


class AttributionRecord(_Record):
    """A Shapley attribution of a mean outcome to players: the levels with every player
    on and off, their paired difference (``total``), each player's contribution (they add
    up to ``total``), the number of distinct coalitions evaluated. Sampled attributions
    add the permutations drawn and whether they were antithetic; a group attribution the
    players held on throughout (``held_on``) and each group's ``members``."""

    _OMITTED_WHEN_NONE: ClassVar[tuple[str, ...]] = (
        "permutations",
        "antithetic",
        "held_on",
        "members",
    )

    method: Literal["exact", "sampled"]
    runs: int
    confidence: float
    evaluations: int
    p_all_on: ValueInterval
    p_all_off: ValueInterval
    total: ValueInterval
    contributions: dict[str, ValueInterval]
    permutations: int | None = None
    antithetic: bool | None = None
    held_on: list[str] | None = None
    members: dict[str, list[str]] | None = None


class FactorAttribution(AttributionRecord):
    """The attribution to a scenario's factors, with each factor's display name."""

    names: dict[str, str]


class MorrisIndex(_Record):
    """Elementary effects of one parameter over its ``range``: mean, mean absolute
    (``mu_star``) with its 95% bootstrap half-width, spread. A number SALib could not
    estimate (too few trajectories) is None."""

    mu: float
    mu_star: float
    mu_star_conf: float | None
    sigma: float | None
    range: tuple[float, float]


class Sensitivity(_Record):
    """Morris sensitivity of an output to the calibrated global parameters."""

    method: Literal["morris"]
    output: str
    trajectories: int
    levels: int
    runs_per_point: int
    points: int
    indices: dict[str, MorrisIndex]


class _Subject(_Record):
    leader: str
    scenario: str
    seed: int


class Explanation(AttributionRecord, _Subject):
    """``politburo explain``: why ``leader`` consolidates in ``scenario``. The attribution
    of P(he consolidates) to the mechanisms, to the scenario's factors (``groups``, if it
    declares any), the runs simulated for it, and, if asked, the sensitivity to the global
    parameters."""

    _OMITTED_WHEN_NONE: ClassVar[tuple[str, ...]] = (
        *AttributionRecord._OMITTED_WHEN_NONE,
        "groups",
        "sensitivity",
    )

    groups: FactorAttribution | None = None
    simulated_runs: int
    sensitivity: Sensitivity | None = None


# --- reading them back -------------------------------------------------------------------


class RecordError(UserError):
    """A file that does not hold the record it should (unreadable, not JSON, or JSON of
    another shape)."""


def read_record(path: Path, record: type[R], command: str, option: str = "") -> R:
    """The record of type ``record`` in the JSON file ``path``, as ``politburo {command}
    --json`` writes it. Raises :class:`RecordError` naming the file (after ``option``,
    the command-line option that gave it, if any), where it goes wrong (line and column
    of a JSON error; the field path of the first misfit) and the command whose output to
    give."""
    give = f"give the output of `politburo {command} --json`"
    path = Path(path)
    where_from = f"{option} " if option else ""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as error:
        raise RecordError(
            f"{where_from}{path}: cannot read the file: {error.strerror or error}"
        ) from None
    except UnicodeDecodeError:
        raise RecordError(f"{where_from}{path}: is not UTF-8 text; {give}") from None
    except json.JSONDecodeError as error:
        raise RecordError(
            f"{where_from}{path}:{error.lineno}:{error.colno}: is not JSON ({error.msg}); {give}"
        ) from None
    try:
        return record.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(step) for step in first["loc"])
        problem = f"{where}: {first['msg']}" if where else first["msg"]
        raise RecordError(f"{where_from}{path}: {problem}; {give}") from None
