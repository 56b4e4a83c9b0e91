"""``politburo validate``: score a scenario's baseline runs against its ``history:``.

The runs come from an experiment design (the baseline plus one arm per intervention the
history's directional checks name), so the checks are paired differences over common
random numbers. The scoring itself is :mod:`politburo.analysis.validation`; the result
is a :class:`~politburo.analysis.records.ValidationReport`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from politburo.analysis.facts import score_facts
from politburo.analysis.records import (
    DirectionalResult,
    HeldOut,
    NaiveForecast,
    Target,
    ValidationReport,
    ValidationScores,
)
from politburo.analysis.validation import (
    NAIVE_FORECASTS,
    Milestone,
    brier,
    median_milestone_error,
    milestones_from_history,
    score_milestones,
    split_milestones,
    validation_scores,
)
from politburo.errors import InputError
from politburo.experiment import Design, build_arms, run_experiment
from politburo.model.params import DEFAULT_PARAMETERS, Parameters
from politburo.progress import Progress
from politburo.scenario import Scenario
from politburo.scenario.schema import DirectionalCheck, History, month_index

Outcome = Mapping[str, Any]


class NoHistoryError(InputError):
    """The scenario has no ``history:`` section to validate against."""


def validation_design(
    scenario: Scenario, seed: int, params: Parameters = DEFAULT_PARAMETERS
) -> Design:
    """The baseline and one arm per intervention named by the history's checks."""
    arms = list(dict.fromkeys(check.intervention for check in _history(scenario).checks))
    return Design(scenario, build_arms(arms, []), seed, params)


def _months_seated(outcome: Outcome, leaders: Sequence[str], start: int, end: int) -> float:
    """Months from the calendar start to each leader's Politburo exit (the end + 1 if he
    never left), summed over ``leaders``."""
    total = 0
    for leader in leaders:
        month = (outcome["eliminations"].get(leader) or {}).get("politburo")
        total += (month_index(month) if month else end + 1) - start
    return float(total)


def check_measure(
    check: DirectionalCheck, outcomes: Sequence[Outcome], start: int, end: int
) -> np.ndarray[Any, np.dtype[np.float64]]:
    """The per-run value of a check's measure."""
    if check.measure == "p_winner":
        return np.array([float(o["winner"] == check.leaders[0]) for o in outcomes])
    return np.array([_months_seated(o, check.leaders, start, end) for o in outcomes])


def directional(
    check: DirectionalCheck,
    base: Sequence[Outcome],
    arm: Sequence[Outcome],
    start: int,
    end: int,
) -> DirectionalResult:
    """Paired difference arm - baseline of the check's measure with a 95% normal interval,
    and whether it agrees with the expected sign: "yes" (the interval lies on the
    expected side of zero), "no" (on the other side), or "unclear" (it spans zero).
    Raises InputError with fewer than two paired runs (no interval exists)."""
    by_index = {o["run_index"]: o for o in base}
    pairs = [(by_index[o["run_index"]], o) for o in arm if o["run_index"] in by_index]
    if len(pairs) < 2:
        raise InputError(
            f"the directional check of {check.intervention!r} needs at least 2 paired runs "
            f"(got {len(pairs)})"
        )
    d = check_measure(check, [a for _, a in pairs], start, end) - check_measure(
        check, [b for b, _ in pairs], start, end
    )
    mean = float(d.mean())
    half = 1.959964 * float(d.std(ddof=1)) / np.sqrt(d.size)
    low, high = mean - half, mean + half
    if check.expected == "lower":
        agrees = "yes" if high < 0 else "no" if low > 0 else "unclear"
    else:
        agrees = "yes" if low > 0 else "no" if high < 0 else "unclear"
    return DirectionalResult(
        intervention=check.intervention,
        measure=check.measure,
        leaders=list(check.leaders),
        expected=check.expected,
        claim=check.claim,
        d=round(mean, 6),
        ci=(round(low, 6), round(high, 6)),
        agrees=agrees,
    )


def _history(scenario: Scenario) -> History:
    if scenario.history is None:
        raise NoHistoryError(
            f"scenario {scenario.id!r} has no history: section to validate against; add one "
            "(see docs/scenarios.md)"
        )
    return scenario.history


def _split(history: History, held_out: Sequence[str]) -> tuple[list[Milestone], list[Milestone]]:
    """(fitted, held out) milestones; an unknown held-out name is the user's error."""
    everything = milestones_from_history(history)
    unknown = sorted(set(held_out) - {m.name for m in everything})
    if unknown:
        names = ", ".join(m.name for m in everything)
        raise InputError(f"unknown milestone(s) {', '.join(unknown)}; expected one of: {names}")
    return split_milestones(everything, held_out)


def validation_report(
    scenario: Scenario,
    outcomes: Mapping[str, Sequence[Outcome]],
    *,
    seed: int,
    held_out: Sequence[str] = (),
) -> ValidationReport:
    """Scores of the baseline (``outcomes["baseline"]``, the runs of ``seed``) against
    history, with the quantitative facts scored on the runs' ``observed`` values; the
    naive forecasts; the directional checks (one per check whose arm is in ``outcomes``)
    and, if milestones are held out, their scores apart."""
    history = _history(scenario)
    base = outcomes["baseline"]
    leaders = [leader.id for leader in scenario.leaders]
    calendar = scenario.calendar
    end_label = calendar.end
    fitted, kept_back = _split(history, held_out)
    scores = validation_scores(base, history, leaders, end_label, milestones=fitted)
    scores = scores.model_copy(update={"facts": score_facts(history.facts, base, end_label)})
    held = None
    if kept_back:
        rows = score_milestones(kept_back, base, end_label)
        held = HeldOut(median_milestone_error_months=median_milestone_error(rows), milestones=rows)
    naive = {
        name: NaiveForecast(forecast=forecast, brier=brier(forecast, history.winner, leaders))
        for name, forecast in ((name, make(scenario)) for name, make in NAIVE_FORECASTS.items())
    }
    start, end = month_index(calendar.start), month_index(calendar.end)
    checks = [
        directional(check, base, outcomes[check.intervention], start, end)
        for check in history.checks
        if check.intervention in outcomes
    ]
    return ValidationReport(
        scenario=scenario.id,
        runs=len(base),
        seed=seed,
        scores=scores,
        held_out=held,
        naive=naive,
        directional=checks,
        targets=targets(scores, naive),
    )


def targets(scores: ValidationScores, naive: Mapping[str, NaiveForecast]) -> list[Target]:
    """The targets issue #4 sets for the reference case, met or not (never forced)."""
    naive_best = min(forecast.brier for forecast in naive.values())
    error = scores.median_milestone_error_months
    order = scores.order_share
    rows = [
        ("P(historical winner) >= 0.7", scores.p_historical_winner,
         scores.p_historical_winner >= 0.7),
        ("historical order in >= 50% of runs", order, (order or 0) >= 0.5),
        ("median milestone error <= 6 months", error, error is not None and error <= 6),
        ("Brier better than every naive forecast", scores.brier, scores.brier < naive_best),
    ]  # fmt: skip
    return [Target(target=name, value=value, met=bool(met)) for name, value, met in rows]


def validate(
    scenario: Scenario,
    runs: int,
    *,
    seed: int = 0,
    params: Parameters = DEFAULT_PARAMETERS,
    checks: bool = True,
    held_out: Sequence[str] = (),
    store: str | Path = ":memory:",
    backend: str = "local",
    workers: int | None = None,
    chunk: int = 500,
    progress: Progress | None = None,
) -> ValidationReport:
    """Run the baseline (and, with ``checks``, one arm per directional check of the
    history) over run indices 0..runs-1, streaming into ``store`` (resumable), and score
    it: the :class:`~politburo.analysis.records.ValidationReport` that ``politburo validate
    --json`` prints. Bad input (no history, fewer than two runs, an unknown held-out
    milestone, a store or backend that cannot be used) raises
    :class:`~politburo.errors.UserError` before any run. ``progress`` is told
    ``("runs", done, total)``."""
    if runs < 2:
        raise InputError(f"--runs must be at least 2 (got {runs})")
    _split(_history(scenario), held_out)
    design = validation_design(scenario, seed, params)
    if not checks:
        design = replace(design, arms=design.arms[:1])
    result = run_experiment(
        design, runs, store, backend, workers, chunk, False, progress=progress, observe=True
    )
    return validation_report(scenario, result.outcomes, seed=seed, held_out=held_out)
