"""``politburo validate``: score a scenario's baseline runs against its ``history:``.

The runs come from an experiment design (the baseline plus one arm per intervention the
history's directional checks name), so the checks are paired differences over common
random numbers. The scoring itself is :mod:`politburo.analysis.validation`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from politburo.analysis.facts import score_facts
from politburo.analysis.validation import (
    NAIVE_FORECASTS,
    brier,
    median_milestone_error,
    milestones_from_history,
    score_milestones,
    split_milestones,
    validation_scores,
)
from politburo.errors import InputError
from politburo.experiment import Design, build_arms
from politburo.model.params import DEFAULT_PARAMETERS, Parameters
from politburo.scenario import Scenario
from politburo.scenario.schema import DirectionalCheck, month_index

Outcome = dict[str, Any]


class NoHistoryError(InputError):
    """The scenario has no ``history:`` section to validate against."""


def validation_design(
    scenario: Scenario, seed: int, params: Parameters = DEFAULT_PARAMETERS
) -> Design:
    """The baseline and one arm per intervention named by the history's checks."""
    if scenario.history is None:
        raise NoHistoryError(
            f"scenario {scenario.id!r} has no history: section to validate against; add one "
            "(see docs/scenarios.md)"
        )
    arms = list(dict.fromkeys(check.intervention for check in scenario.history.checks))
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
) -> dict[str, Any]:
    """Paired difference arm - baseline of the check's measure with a 95% normal interval,
    and whether it agrees with the expected sign: "yes" (the interval lies on the
    expected side of zero), "no" (on the other side), or "unclear" (it spans zero)."""
    by_index = {o["run_index"]: o for o in base}
    pairs = [(by_index[o["run_index"]], o) for o in arm if o["run_index"] in by_index]
    d = check_measure(check, [a for _, a in pairs], start, end) - check_measure(
        check, [b for b, _ in pairs], start, end
    )
    n = d.size
    mean = float(d.mean()) if n else 0.0
    half = 1.959964 * float(d.std(ddof=1)) / np.sqrt(n) if n > 1 else float("inf")
    low, high = mean - half, mean + half
    if check.expected == "lower":
        agrees = "yes" if high < 0 else "no" if low > 0 else "unclear"
    else:
        agrees = "yes" if low > 0 else "no" if high < 0 else "unclear"
    return {
        "intervention": check.intervention,
        "measure": check.measure,
        "leaders": list(check.leaders),
        "expected": check.expected,
        "claim": check.claim,
        "d": round(mean, 6),
        "ci": [round(low, 6), round(high, 6)],
        "agrees": agrees,
    }


def validation_report(
    scenario: Scenario,
    outcomes: dict[str, list[Outcome]],
    held_out: Sequence[str] = (),
) -> dict[str, Any]:
    """Scores of the baseline against history (with the quantitative facts, scored on the
    runs' ``observed`` values), the naive forecasts, the directional checks (one per check
    whose arm was run) and, if milestones are held out, their scores apart. Returns the
    JSON object of ``politburo validate --json`` (without ``runs``)."""
    history = scenario.history
    if history is None:
        raise NoHistoryError(f"scenario {scenario.id!r} has no history: section")
    base = outcomes["baseline"]
    leaders = [leader.id for leader in scenario.leaders]
    calendar = scenario.calendar
    end_label = calendar.end
    everything = milestones_from_history(history)
    unknown = sorted(set(held_out) - {m.name for m in everything})
    if unknown:
        names = ", ".join(m.name for m in everything)
        raise InputError(f"unknown milestone(s) {', '.join(unknown)}; expected one of: {names}")
    fitted, kept_back = split_milestones(everything, held_out)
    scores = validation_scores(base, history, leaders, end_label, milestones=fitted).to_json()
    scores["facts"] = [row.to_json() for row in score_facts(history.facts, base, end_label)]
    report: dict[str, Any] = {"scenario": scenario.id, "scores": scores}
    if kept_back:
        held = score_milestones(kept_back, base, end_label)
        report["held_out"] = {
            "median_milestone_error_months": median_milestone_error(held),
            "milestones": [m.to_json() for m in held],
        }
    report["naive"] = {
        name: {"forecast": forecast, "brier": brier(forecast, history.winner, leaders)}
        for name, forecast in ((name, make(scenario)) for name, make in NAIVE_FORECASTS.items())
    }
    start, end = month_index(calendar.start), month_index(calendar.end)
    report["directional"] = [
        directional(check, base, outcomes[check.intervention], start, end)
        for check in history.checks
        if check.intervention in outcomes
    ]
    report["targets"] = targets(report)
    return report


def targets(report: dict[str, Any]) -> list[dict[str, Any]]:
    """The targets issue #4 sets for the reference case, met or not (never forced)."""
    s = report["scores"]
    naive_best = min(v["brier"] for v in report["naive"].values())
    error = s["median_milestone_error_months"]
    rows = [
        ("P(historical winner) >= 0.7", s["p_historical_winner"], s["p_historical_winner"] >= 0.7),
        ("historical order in >= 50% of runs", s["order_share"], (s["order_share"] or 0) >= 0.5),
        ("median milestone error <= 6 months", error, error is not None and error <= 6),
        ("Brier better than every naive forecast", s["brier"], s["brier"] < naive_best),
    ]
    return [{"target": name, "value": value, "met": bool(met)} for name, value, met in rows]
