"""The sections of the HTML report (``politburo report``): what each one shows, chosen and
summarised from data computed elsewhere, with its figure drawn.

The page is the template ``templates/report.html.j2``; the data comes from the caller:

- :class:`ReportRuns`, the report's own batch of runs (power, seats lost, winner shares
  and one representative run told month by month), simulated by
  :func:`politburo.studies.report.report_runs`;
- optionally a :class:`~politburo.analysis.records.ValidationReport`, an
  :class:`~politburo.analysis.records.Explanation` and an
  :class:`~politburo.experiment.records.ExperimentSummary`.

Nothing here simulates. :func:`build_sections` draws each section's figure
(:mod:`politburo.analysis.figures`) and returns the :class:`Section` records the
template fills in: its tables (plain strings, escaped by the template) and the values
its text quotes.

Sections, in page order:

1. real power over time as a fan chart (median and 10-90% band across runs);
2. survival of each main leader's leadership seat, with the historical exit month;
3. the winner distribution of each experiment arm (or of the report's own runs), with
   95% Wilson intervals;
4. simulated against historical milestone dates (from a validation);
5. Shapley attribution bars (from an attribution);
6. the month-by-month narrative of one representative run.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from politburo.analysis.figures import (
    BAND,
    FAN_LEADERS,
    FAN_MIN_PEAK,
    ArmShares,
    Palette,
    arms_from_experiment,
    attribution_panels,
    attribution_target,
    plot_attribution,
    plot_fan,
    plot_milestones,
    plot_run,
    plot_survival,
    plot_winners,
)
from politburo.analysis.narrative import narrative, outcome_summary
from politburo.analysis.records import Explanation, ValidationReport
from politburo.analysis.summary import rivals, summarize
from politburo.experiment.records import ExperimentSummary
from politburo.model.events import EventRecord
from politburo.model.outcome import Outcome
from politburo.model.params import DEFAULT_PARAMETERS, Parameters
from politburo.model.world import SEAT_NONE, World
from politburo.scenario import Scenario

FIGURES = {
    "power": "power_fan.svg",
    "survival": "survival.svg",
    "winners": "winners.svg",
    "milestones": "milestones.svg",
    "attribution": "attribution.svg",
    "run": "representative_run.svg",
}

#: Section id -> heading, in page order.
SECTIONS = {
    "power": "Real power over time",
    "survival": "Survival in the leadership",
    "winners": "Who consolidates power",
    "milestones": "Simulated and historical milestones",
    "attribution": "What the outcome owes to each mechanism",
    "narrative": "One representative run",
}


# ----------------------------------------------------------------------------- the data


@dataclass(frozen=True)
class RepresentativeRun:
    """One run of the batch told month by month: its position in the batch, how it was
    chosen (:func:`representative_run`), and the run simulated again alone with its
    events recorded: real power (months, leaders), event records, outcome, and whether it
    reproduced its outcome in the batch."""

    position: int
    how: str
    power: NDArray[np.floating[Any]]  # (months, leaders)
    events: list[EventRecord]
    outcome: Outcome
    reproduced: bool


@dataclass(frozen=True)
class ReportRuns:
    """The report's own batch of runs of one seed, as the sections draw it."""

    seed: int
    power: NDArray[np.floating[Any]]  # (months, runs, leaders) real power after each month
    lost_seat: NDArray[np.integer[Any]]  # (runs, leaders) turn each first lost his seat, -1
    baseline: ArmShares  # winner shares of the batch
    representative: RepresentativeRun

    @property
    def runs(self) -> int:
        return int(self.power.shape[1])


@dataclass(frozen=True)
class Table:
    """A table of the page: a header row and rows of plain text (escaped when shown)."""

    header: list[str]
    rows: list[list[str]]


@dataclass(frozen=True)
class Section:
    """One section of the page. ``note`` (plain text) says why a section is empty;
    ``values`` are what its text in the template quotes (plain values, escaped when
    shown)."""

    key: str
    figure: str | None = None
    alt: str = ""
    note: str | None = None
    tables: list[Table] = field(default_factory=list)
    values: Mapping[str, object] = field(default_factory=dict)

    @property
    def title(self) -> str:
        return SECTIONS[self.key]


@dataclass(frozen=True)
class Provenance:
    """The page's header: the scenario, how the report was made and how to make it again."""

    name: str
    description: str
    meta: list[tuple[str, str]]
    command: str
    python: str


# ----------------------------------------------------------------------------- choices


def fan_leaders(
    power: NDArray[np.floating[Any]],
    world: World,
    limit: int = FAN_LEADERS,
    min_peak: float = FAN_MIN_PEAK,
) -> list[int]:
    """Indices of the leaders who ever matter: at most ``limit`` of those whose 90th
    percentile of power across runs reaches ``min_peak`` in some month, highest peak
    first (the single highest if none does)."""
    peak = np.quantile(power, BAND[1], axis=1).max(axis=0)
    ranked = sorted(range(world.n_leaders), key=lambda i: (-float(peak[i]), i))
    chosen = [i for i in ranked if float(peak[i]) >= min_peak][:limit]
    return chosen or ranked[:1]


def historical_exits(scenario: Scenario) -> dict[str, str | None]:
    """Leader id -> the month he left the leadership in history (None: he kept his seat
    to the end of the calendar), for leaders whose record says either."""
    history = scenario.history
    if history is None:
        return {}
    exits: dict[str, str | None] = {}
    for leader, record in history.eliminations.items():
        if record.politburo is not None:
            exits[leader] = record.politburo.date
    return exits


def survival_leaders(world: World, palette: Palette, fan: Sequence[int]) -> list[int]:
    """The main leaders seated in the leadership at the start: those in the fan chart,
    the tracked rivals and those with a historical exit, by palette rank."""
    wanted = {world.leader_ids[i] for i in fan}
    wanted |= set(rivals(world))
    wanted |= set(historical_exits(world.scenario))
    seated = {world.leader_ids[i] for i in np.flatnonzero(world.seat0 != SEAT_NONE)}
    chosen = sorted(wanted & seated, key=palette.rank)
    return [world.leader_ids.index(key) for key in chosen]


def survival_curves(lost_seat: NDArray[np.integer[Any]], months: int) -> NDArray[np.float64]:
    """(T, L): share of runs in which each leader still holds his seat at the end of each
    month, from the turn each first lost it (-1: never), shape (R, L). Every run is
    followed to the calendar's end, so nothing is censored and Kaplan-Meier reduces to
    this share."""
    turns = np.arange(months)[:, None, None]
    kept = (lost_seat[None] < 0) | (lost_seat[None] > turns)
    return kept.mean(axis=1)


def arm_from_outcomes(name: str, world: World, outcomes: Sequence[Outcome]) -> ArmShares:
    """The winner shares of a batch of run outcomes, with their Wilson intervals."""
    summary = summarize(world, outcomes)
    winners = {key: (row.p, row.ci[0], row.ci[1]) for key, row in summary.winners.items()}
    return ArmShares(name, winners, len(outcomes))


def representative_run(
    world: World, outcomes: Sequence[Outcome], power: NDArray[np.floating[Any]]
) -> tuple[int, str]:
    """(run position, how it was chosen): among the runs with the most common outcome,
    the one whose consolidation month is closest to their median month (lower median,
    lowest position among ties); if the most common outcome is that no one consolidates,
    the one whose power trajectory is closest (mean absolute difference) to those runs'
    median trajectory."""
    n = len(outcomes)
    keys = [o.winner or "none" for o in outcomes]
    counts = Counter(keys)
    order = {key: k for k, key in enumerate((*world.leader_ids, "none"))}
    modal = min(counts, key=lambda key: (-counts[key], order.get(key, len(order)), key))
    members = [k for k in range(n) if keys[k] == modal]
    share = f"{counts[modal]} of {n} runs"
    if modal != "none":
        turns = {}
        for k in members:
            month = outcomes[k].month
            assert month is not None  # a run with a winner consolidated in some month
            turns[k] = world.turn_of(month)
        months = sorted(turns.values())
        median = months[(len(months) - 1) // 2]
        chosen = min(members, key=lambda k: (abs(turns[k] - median), k))
        how = (
            f"{world.display_name(modal)} consolidated power in {share}, more often than any other "
            f"outcome. Among those runs the median consolidation month is "
            f"{world.month_label(median)}; this run consolidated in "
            f"{outcomes[chosen].month}, the closest (the lowest run index among ties)."
        )
        return chosen, how
    centre = np.median(power[:, members, :], axis=1)
    distance = [float(np.abs(power[:, k, :] - centre).mean()) for k in members]
    chosen = members[int(np.argmin(distance))]
    how = (
        f"No one consolidated power in {share}, more often than anyone won. Among those runs "
        "this is the one whose monthly power shares are closest (mean absolute difference) "
        "to their median path."
    )
    return chosen, how


# ----------------------------------------------------------------------------- formatting


def _finite(x: float | None) -> float | None:
    return x if x is not None and math.isfinite(x) else None


def _pct(x: float | None) -> str:
    value = _finite(x)
    return "–" if value is None else f"{value:.0%}"


def _num(x: float | None, digits: int = 3) -> str:
    value = _finite(x)
    # + 0.0 turns a rounded -0.0 into 0.0
    return "–" if value is None else f"{round(value, digits) + 0.0:.{digits}f}"


def _flatten(data: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(data, Mapping):
        out: dict[str, Any] = {}
        for key, value in data.items():
            out.update(_flatten(value, f"{prefix}{key}."))
        return out
    return {prefix.rstrip("."): data}


def describe_parameters(params: Path | None, parameters: Parameters) -> str:
    """ "defaults", or the file with its digest and the values that differ."""
    if params is None:
        return "defaults"
    digest = hashlib.sha256(params.read_bytes()).hexdigest()[:12]
    mine = _flatten(parameters.model_dump())
    base = _flatten(DEFAULT_PARAMETERS.model_dump())
    changed = [f"{k} = {v}" for k, v in mine.items() if base.get(k) != v]
    if not changed:
        return f"{params} (sha256 {digest}…; every value is the default)"
    shown = "; ".join(changed[:12]) + (
        f"; and {len(changed) - 12} more" if len(changed) > 12 else ""
    )
    return f"{params} (sha256 {digest}…; {len(changed)} value(s) differ from the defaults: {shown})"


# ----------------------------------------------------------------------------- sections


def _power_section(
    world: World, power: NDArray[np.floating[Any]], out: Path, palette: Palette, fan: list[int]
) -> Section:
    plot_fan(world, power, out / FIGURES["power"], palette, fan)
    return Section(
        "power",
        FIGURES["power"],
        "Fan chart of real power by leader",
        values={
            "names": ", ".join(world.leader_names[i] for i in fan),
            "min_peak": f"{FAN_MIN_PEAK:.0%}",
            "limit": FAN_LEADERS,
        },
    )


def _survival_section(
    world: World,
    lost_seat: NDArray[np.integer[Any]],
    out: Path,
    palette: Palette,
    fan: list[int],
) -> Section:
    leaders = survival_leaders(world, palette, fan)
    lead = world.body_names.get("leadership", "leadership")
    if not leaders:
        return Section("survival", note=f"No main leader holds a seat in the {lead} at the start.")
    curves = survival_curves(lost_seat, world.months)
    exits = historical_exits(world.scenario)
    plot_survival(world, curves, out / FIGURES["survival"], palette, leaders, exits)
    rows = []
    for i in leaders:
        key = world.leader_ids[i]
        lost = np.sort(lost_seat[:, i][lost_seat[:, i] >= 0])
        median = world.month_label(int(lost[(len(lost) - 1) // 2])) if len(lost) else "never"
        hist = exits.get(key) or ""
        still = ""
        if hist:
            t = world.turn_of(hist)
            still = _pct(float(curves[t, i])) if 0 <= t < world.months else ""
        elif key in exits:
            hist = "kept it"
        rows.append(
            [
                world.leader_names[i],
                _pct(len(lost) / lost_seat.shape[0]),
                median,
                hist or "not in the record",
                still,
            ]
        )
    table = Table(
        [
            "leader",
            "runs in which he loses it",
            "median month lost (those runs)",
            "historical exit",
            "runs still seated in that month",
        ],
        rows,
    )
    return Section(
        "survival",
        FIGURES["survival"],
        "Survival curves of leadership seats",
        tables=[table],
        values={"lead": lead, "has_history": any(exits.get(world.leader_ids[i]) for i in leaders)},
    )


def _winners_section(
    world: World,
    experiment: ExperimentSummary | None,
    baseline: ArmShares,
    out: Path,
    palette: Palette,
) -> Section:
    note = None
    arms = arms_from_experiment(experiment) if experiment is not None else []
    if experiment is not None and not arms:
        note = "The experiment given has no arms; showing this report's own runs instead."
    values: dict[str, object] = {"source": "experiment"}
    if not arms:
        arms = [baseline]
        values = {"source": "own" if experiment is None else "none"}
    elif experiment is not None:
        values["seed"] = experiment.seed
        values["runs"] = experiment.runs
        values["scenario"] = experiment.scenario
        values["other"] = experiment.scenario != world.scenario.id
        values["this"] = world.scenario.id
    palette = palette.extended(key for arm in arms for key in arm.winners)
    plot_winners(world, arms, out / FIGURES["winners"], palette)
    keys = sorted({key for arm in arms for key in arm.winners}, key=palette.rank)
    rows = [
        [arm.name, world.display_name(key), _pct(p), f"{low:.1%} – {high:.1%}"]
        for arm in arms
        for key in keys
        if key in arm.winners
        for p, low, high in [arm.winners[key]]
    ]
    table = Table(["arm", "consolidates", "share of runs", "95% Wilson interval"], rows)
    return Section(
        "winners",
        FIGURES["winners"],
        "Winner shares per arm",
        note=note,
        tables=[table],
        values=values,
    )


def _milestones_section(
    world: World, validation: ValidationReport | None, out: Path, palette: Palette
) -> Section:
    if validation is None:
        return Section(
            "milestones",
            note="No validation result was given, so this section is empty. Give the JSON of a "
            "validation (politburo validate --json) to compare simulated and historical dates.",
        )
    scores = validation.scores
    if not scores.milestones:
        return Section("milestones", note="The validation has no milestones to draw.")
    plot_milestones(world, scores.milestones, out / FIGURES["milestones"], palette)
    table = Table(
        [
            "milestone",
            "historical",
            "median simulated",
            "median |error| (months)",
            "within 6 months",
            "happened",
        ],
        [
            [
                row.name,
                row.historical,
                row.median_simulated or "never",
                _num(row.median_abs_error_months, 1),
                _pct(row.share_within_6),
                _pct(row.share_happened),
            ]
            for row in scores.milestones
        ],
    )
    summary = Table(
        ["score", "value"],
        [
            ["p_historical_winner", _num(scores.p_historical_winner)],
            ["brier", _num(scores.brier)],
            ["order_share", _num(scores.order_share)],
            ["kendall_tau", _num(scores.kendall_tau)],
            ["median_milestone_error_months", _num(scores.median_milestone_error_months)],
        ],
    )
    return Section(
        "milestones", FIGURES["milestones"], "Milestone dot plot", tables=[table, summary]
    )


def _attribution_section(world: World, attribution: Explanation | None, out: Path) -> Section:
    if attribution is None:
        return Section(
            "attribution",
            note="No attribution result was given, so this section is empty. Give the JSON of "
            "a Shapley attribution (politburo explain --json) to draw it.",
        )
    panels = attribution_panels(attribution)
    if not panels:
        return Section(
            "attribution", note="The attribution result given has no contributions to draw."
        )
    plot_attribution(world, attribution, out / FIGURES["attribution"])
    target = attribution_target(world, attribution)
    held = attribution.held_on or []
    off = f"every one off but {', '.join(held)}" if held else "every one off"
    levels = Table(
        [f"{target} with", "value", "95% interval"],
        [
            [label, _num(est.value), f"{_num(est.ci[0])} – {_num(est.ci[1])}"]
            for label, est in (
                ("every mechanism on", attribution.p_all_on),
                (off, attribution.p_all_off),
            )
        ],
    )
    tables = [levels]
    for panel in panels:
        tables.append(
            Table(
                [panel.title, "contribution", "95% interval", *(["members"] * bool(panel.members))],
                [
                    [
                        name,
                        _num(value),
                        f"{_num(low)} – {_num(high)}",
                        *([", ".join(panel.members.get(name, []))] * bool(panel.members)),
                    ]
                    for name, value, low, high in panel.bars
                ],
            )
        )
    return Section(
        "attribution",
        FIGURES["attribution"],
        "Attribution bars",
        tables=tables,
        values={"target": target},
    )


def _narrative_section(world: World, runs: ReportRuns, out: Path, palette: Palette) -> Section:
    chosen = runs.representative
    title = f"Run {chosen.position} (seed {runs.seed}): real power, month by month"
    plot_run(world, chosen.power, chosen.events, out / FIGURES["run"], palette, title)
    return Section(
        "narrative",
        FIGURES["run"],
        "Stacked power of one run",
        values={
            "how": chosen.how,
            "reproduced": chosen.reproduced,
            "scenario": world.scenario.id,
            "seed": runs.seed,
            "position": chosen.position,
            "ending": outcome_summary(world, chosen.outcome),
            "story": narrative(world, chosen.events, chosen.outcome),
            "min_peak": f"{FAN_MIN_PEAK:.0%}",
        },
    )


def build_sections(
    world: World,
    runs: ReportRuns,
    out: Path,
    *,
    validation: ValidationReport | None = None,
    attribution: Explanation | None = None,
    experiment: ExperimentSummary | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[Section]:
    """Every section of the page, in order, each figure drawn into ``out``;
    ``progress(done)`` is told as each section is finished."""
    palette = Palette.from_power(world, runs.power)
    fan = fan_leaders(runs.power, world)
    builders: list[Callable[[], Section]] = [
        lambda: _power_section(world, runs.power, out, palette, fan),
        lambda: _survival_section(world, runs.lost_seat, out, palette, fan),
        lambda: _winners_section(world, experiment, runs.baseline, out, palette),
        lambda: _milestones_section(world, validation, out, palette),
        lambda: _attribution_section(world, attribution, out),
        lambda: _narrative_section(world, runs, out, palette),
    ]
    sections = []
    for build in builders:
        sections.append(build())
        if progress is not None:
            progress(len(sections))
    return sections
