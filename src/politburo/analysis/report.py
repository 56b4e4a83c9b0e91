"""A static HTML report of a scenario (``politburo report``).

:func:`write_report` simulates a batch of runs and writes ``out/index.html`` with one SVG
figure per section beside it (``out/*.svg``). The page needs no network: plain HTML and
CSS, no scripts, no web fonts, figures referenced by relative file name. Sections:

1. real power over time as a fan chart (median and 10-90% band across runs);
2. survival of each main leader's leadership seat, with the historical exit month;
3. the winner distribution of each experiment arm (or of the report's own runs), with
   95% Wilson intervals;
4. simulated against historical milestone dates (from a validation result);
5. Shapley attribution bars (from an attribution result);
6. the month-by-month narrative of one representative run.

Every leader keeps one colour in every figure (:class:`Palette`). Sections 4 and 5 need
input computed elsewhere; without it they say so and draw nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import math
import shlex
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from numpy.typing import NDArray

import politburo
from politburo.analysis.narrative import narrative, outcome_summary
from politburo.analysis.plots import mark_events, month_dates
from politburo.analysis.summary import rivals, summarize
from politburo.errors import InputError
from politburo.experiment.records import ExperimentSummary
from politburo.model.events import event_records
from politburo.model.params import DEFAULT_PARAMETERS, Parameters
from politburo.model.world import SEAT_NONE, World
from politburo.scenario import Scenario, load_scenario
from politburo.simulation import simulate, world_of

Progress = Callable[[str], None]

#: Most leaders drawn in the fan chart, and the least 90th-percentile peak that counts.
FAN_LEADERS = 6
FAN_MIN_PEAK = 0.05
#: The band of the fan chart: these quantiles across runs.
BAND = (0.10, 0.90)

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

_NONE_COLOR = "#8c8c8c"
_POSITIVE, _NEGATIVE = "#b2182b", "#2166ac"


# ----------------------------------------------------------------------------- helpers


def _date(month: str) -> np.datetime64:
    """``YYYY-MM`` -> that month (matplotlib draws it at its first day)."""
    return np.datetime64(month, "M")


def _name(world: World, key: str) -> str:
    """Display name of a leader id; "none" is no one; unknown ids stay as they are."""
    if key == "none":
        return "no one"
    if key in world.leader_ids:
        return world.leader_names[world.leader_ids.index(key)]
    return key


def _esc(value: object) -> str:
    return html.escape(str(value), quote=True)


@contextmanager
def _style() -> Iterator[None]:
    # Text stays text in the SVG (searchable, selectable, small), with a generic
    # sans-serif fallback; the salt makes element ids, and so the files, the same on
    # every run.
    with plt.rc_context(
        {
            "svg.fonttype": "none",
            "svg.hashsalt": "politburo-report",
            "font.size": 10,
            "axes.titlesize": 12,
            "axes.titleweight": "bold",
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.grid": True,
            "grid.alpha": 0.3,
            "legend.frameon": False,
        }
    ):
        yield


def _save(fig: Any, path: Path) -> Path:
    """Write the figure in the format its suffix names (SVG, PNG or PDF); an SVG carries
    no date, so a report written twice is the same file."""
    kind = Path(path).suffix.lower().lstrip(".") or "svg"
    if kind not in ("svg", "png", "pdf"):
        plt.close(fig)
        raise InputError(f"{path}: the chart must be .png, .svg or .pdf")
    fig.savefig(path, format=kind, metadata={"Date": None} if kind == "svg" else None)
    plt.close(fig)
    return path


def _years(ax: Any, step: int = 1) -> None:
    """Calendar x axis: a labelled tick each ``step`` Januaries, a minor tick each quarter."""
    ax.xaxis.set_major_locator(mdates.YearLocator(step))  # type: ignore[no-untyped-call]
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))  # type: ignore[no-untyped-call]
    ax.xaxis.set_minor_locator(mdates.MonthLocator(bymonth=(4, 7, 10)))  # type: ignore[no-untyped-call]


def _finite(x: Any) -> float | None:
    """A number, or None for null, NaN and infinities."""
    if x is None:
        return None
    try:
        value = float(x)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


# ----------------------------------------------------------------------------- colours


@dataclass(frozen=True)
class Palette:
    """One colour per leader id (and grey for "none"), the same in every figure.

    ``order`` ranks the leaders by importance (peak of the 90th-percentile power across
    runs, then scenario order); the most important get the strongest colours."""

    order: tuple[str, ...]
    colors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_power(cls, world: World, power: NDArray[np.floating[Any]]) -> Palette:
        """Rank leaders by the peak over months of their 90th percentile across runs."""
        peak = np.quantile(power, BAND[1], axis=1).max(axis=0)
        ranked = sorted(range(world.n_leaders), key=lambda i: (-float(peak[i]), i))
        order = tuple(world.leader_ids[i] for i in ranked)
        return cls(order, _assign(order))

    def __call__(self, key: str) -> str:
        return self.colors.get(key, _NONE_COLOR)

    def extended(self, keys: Iterable[str]) -> Palette:
        """This palette with colours for ids it does not know (e.g. leaders of another
        scenario's experiment), after its own; known ids keep theirs."""
        extra = sorted({k for k in keys if k != "none" and k not in self.order})
        if not extra:
            return self
        order = (*self.order, *extra)
        return Palette(order, _assign(order))

    def rank(self, key: str) -> tuple[int, str]:
        """Sort key: ranked leaders first, unknown ids by name, "none" last."""
        if key == "none":
            return (len(self.order) + 1, key)
        if key in self.order:
            return (self.order.index(key), key)
        return (len(self.order), key)


def _assign(order: Sequence[str]) -> dict[str, str]:
    strong = plt.get_cmap("tab10")
    light = plt.get_cmap("tab20")
    extra = plt.get_cmap("Dark2")
    # tab10 without its grey (kept for "none"), then tab20's light shades, then Dark2.
    cycle = [strong(i) for i in (0, 1, 2, 3, 4, 5, 6, 8, 9)]
    cycle += [light(i) for i in (1, 3, 5, 7, 9, 11, 13, 17, 19)]
    cycle += [extra(i) for i in range(8)]
    colors = {key: matplotlib.colors.to_hex(cycle[k % len(cycle)]) for k, key in enumerate(order)}
    colors["none"] = _NONE_COLOR
    return colors


# ----------------------------------------------------------------------------- 1. fan


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


def _grid(n: int, max_cols: int) -> tuple[int, int]:
    cols = min(max_cols, n) if n != 4 else 2
    return math.ceil(n / cols), cols


def _panels(n: int, max_cols: int, width: float, height: float) -> tuple[Any, list[Any], int, int]:
    """Small multiples: a figure of ``n`` panels (``width`` x ``height`` inches each) on
    shared axes, the grid's unused cells hidden; returns the figure, the ``n`` axes in
    reading order, and the grid's rows and columns."""
    rows, cols = _grid(n, max_cols)
    fig, axes = plt.subplots(
        rows,
        cols,
        figsize=(width * cols + 0.8, height * rows + 1.2),
        sharex=True,
        sharey=True,
        squeeze=False,
    )
    for ax in axes.flat[n:]:
        ax.set_visible(False)
    return fig, list(axes.flat[:n]), rows, cols


def plot_fan(
    world: World,
    power: NDArray[np.floating[Any]],
    path: Path,
    palette: Palette,
    leaders: Sequence[int],
) -> Path:
    """One panel per chosen leader: median and 10-90% band across runs of his real power,
    (T, R, L), over the other chosen leaders' medians in grey. Small multiples, because
    power comes in steps and several leaders often share exactly the same median."""
    dates = month_dates(world, power.shape[0])
    low, mid, high = np.quantile(power, [BAND[0], 0.5, BAND[1]], axis=1)
    with _style():
        fig, panels, rows, cols = _panels(len(leaders), 3, 4.1, 3.1)
        for k, ax in enumerate(panels):
            i = leaders[k]
            color = palette(world.leader_ids[i])
            for j in leaders:
                if j != i:
                    ax.plot(dates, mid[:, j], color="0.72", lw=1.0)
            ax.fill_between(dates, low[:, i], high[:, i], color=color, alpha=0.25, lw=0)
            ax.plot(dates, mid[:, i], color=color, lw=2.4)
            ax.set_title(world.leader_names[i], color=color, fontsize=11)
            ax.set_ylim(0, 1.0)
            ax.set_xlim(dates[0], dates[-1])
            _years(ax, 2 if world.months > 72 else 1)
            if k % cols == 0:
                ax.set_ylabel("real power (share of votes)")
            if k // cols == rows - 1 or k + cols >= len(leaders):
                ax.set_xlabel("month")
                ax.tick_params(labelbottom=True)
        fig.legend(
            handles=[
                Line2D([], [], color="0.2", lw=2.4, label="median across runs"),
                Patch(facecolor="0.2", alpha=0.25, label=f"{BAND[0]:.0%}–{BAND[1]:.0%} of runs"),
                Line2D([], [], color="0.72", lw=1.0, label="the other leaders' medians"),
            ],
            loc="lower center",
            ncol=3,
        )
        fig.suptitle(
            f"{world.scenario.name}: real power across {power.shape[1]} runs", fontweight="bold"
        )
        fig.tight_layout(rect=(0, 0.06, 1, 1))
        return _save(fig, path)


# ----------------------------------------------------------------------------- 2. survival


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


def plot_survival(
    world: World,
    curves: NDArray[np.float64],
    path: Path,
    palette: Palette,
    leaders: Sequence[int],
    exits: Mapping[str, str | None],
) -> Path:
    """One panel per leader: the share of runs in which he still holds his seat, by
    month, with his historical exit marked (dotted line, diamond) where known."""
    dates = month_dates(world, curves.shape[0])
    lead = world.body_names.get("leadership", "leadership")
    with _style():
        fig, panels, rows, cols = _panels(len(leaders), 4, 3.3, 2.9)
        for k, ax in enumerate(panels):
            i = leaders[k]
            key = world.leader_ids[i]
            color = palette(key)
            ax.fill_between(dates, curves[:, i], step="post", color=color, alpha=0.12, lw=0)
            ax.step(dates, curves[:, i], where="post", color=color, lw=2.2)
            month = exits.get(key)
            if month is not None and 0 <= world.turn_of(month) < curves.shape[0]:
                t = world.turn_of(month)
                ax.axvline(_date(month), color="black", ls=":", lw=1.2)
                ax.plot(_date(month), curves[t, i], "D", color=color, mec="black", ms=8, zorder=5)
                ax.annotate(
                    f"historical exit {month}:\n{curves[t, i]:.0%} of runs still seated",
                    (_date(month), curves[t, i]),
                    xytext=(-6, -6 if curves[t, i] > 0.5 else 6),
                    textcoords="offset points",
                    ha="right",
                    va="top" if curves[t, i] > 0.5 else "bottom",
                    fontsize=8,
                    bbox={"facecolor": "white", "alpha": 0.8, "edgecolor": "none", "pad": 1},
                )
            elif key in exits:
                ax.text(
                    0.03, 0.05, "historically kept his seat", transform=ax.transAxes, fontsize=8
                )
            ax.set_title(world.leader_names[i], color=color, fontsize=11)
            ax.set_ylim(-0.03, 1.05)
            ax.set_xlim(dates[0], dates[-1])
            _years(ax, 2 if world.months > 48 else 1)
            if k % cols == 0:
                ax.set_ylabel("share of runs\nstill seated")
            if k // cols == rows - 1 or k + cols >= len(leaders):
                ax.set_xlabel("month")
                ax.tick_params(labelbottom=True)
        fig.suptitle(f"Who still holds a seat in the {lead}, by month", fontweight="bold")
        fig.tight_layout()
        return _save(fig, path)


# ----------------------------------------------------------------------------- 3. winners


@dataclass(frozen=True)
class ArmShares:
    """One arm's winner shares as the chart draws them: outcome key -> (p, low, high)."""

    name: str
    winners: dict[str, tuple[float, float, float]]
    runs: int | None = None


def arms_from_experiment(experiment: ExperimentSummary) -> list[ArmShares]:
    """The arms of an experiment's summary (``politburo experiment --json``)."""
    return [
        ArmShares(
            arm.name,
            {key: (row.p, row.ci[0], row.ci[1]) for key, row in arm.winners.items()},
            experiment.runs,
        )
        for arm in experiment.arms
    ]


def arm_from_outcomes(name: str, world: World, outcomes: Sequence[dict[str, Any]]) -> ArmShares:
    summary = summarize(world, list(outcomes))
    winners = {
        key: (float(row["p"]), float(row["ci"][0]), float(row["ci"][1]))
        for key, row in summary["winners"].items()
    }
    return ArmShares(name, winners, len(outcomes))


def plot_winners(world: World, arms: Sequence[ArmShares], path: Path, palette: Palette) -> Path:
    keys = sorted({key for arm in arms for key in arm.winners}, key=palette.rank)
    cols = min(3, len(arms))
    rows = math.ceil(len(arms) / cols)
    with _style():
        fig, axes = plt.subplots(
            rows,
            cols,
            figsize=(max(5.0, 4.2 * cols), 3.9 * rows + 0.6),
            sharey=True,
            squeeze=False,
        )
        x = np.arange(len(keys))
        labels = [_name(world, key) for key in keys]
        for k, ax in enumerate(axes.flat):
            if k >= len(arms):
                ax.set_visible(False)
                continue
            arm = arms[k]
            p = np.array([arm.winners.get(key, (0.0, 0.0, 0.0))[0] for key in keys])
            low = np.array([arm.winners.get(key, (0.0, 0.0, 0.0))[1] for key in keys])
            high = np.array([arm.winners.get(key, (0.0, 0.0, 0.0))[2] for key in keys])
            ax.bar(x, p, color=[palette(key) for key in keys], edgecolor="white")
            ax.errorbar(
                x,
                p,
                yerr=[np.clip(p - low, 0, None), np.clip(high - p, 0, None)],
                fmt="none",
                ecolor="black",
                capsize=4,
                lw=1.2,
            )
            for xi, pi, hi, key in zip(x, p, high, keys, strict=True):
                if key in arm.winners:
                    ax.text(xi, hi + 0.02, f"{pi:.0%}", ha="center", va="bottom", fontsize=9)
            ax.set_xticks(x, labels, rotation=30 if len(keys) > 3 else 0, ha="right")
            if len(keys) <= 3:
                for tick in ax.get_xticklabels():
                    tick.set_ha("center")
            ax.set_ylim(0, 1.1)
            ax.grid(axis="x", visible=False)
            runs = f" ({arm.runs} runs)" if arm.runs else ""
            ax.set_title(f"{arm.name}{runs}", fontsize=11)
            if k % cols == 0:
                ax.set_ylabel("share of runs won\n(bars: 95% Wilson interval)")
        fig.suptitle("Who consolidates power, per arm", fontweight="bold")
        fig.tight_layout()
        return _save(fig, path)


# ----------------------------------------------------------------------------- 4. milestones


def _milestone_rows(validation: Mapping[str, Any]) -> list[dict[str, Any]]:
    scores = validation.get("scores", validation)
    rows = scores.get("milestones") if isinstance(scores, Mapping) else None
    return [dict(row) for row in rows or []]


def _milestone_leader(world: World, name: str) -> str | None:
    first = name.split(" ", 1)[0]
    return first if first in world.leader_ids else None


def plot_milestones(
    world: World, rows: Sequence[Mapping[str, Any]], path: Path, palette: Palette
) -> Path:
    """A dot plot: each milestone's historical month (black diamond) and the median
    simulated month among runs where it happened (dot in the leader's colour)."""
    n = len(rows)
    start, end = _date(world.month_label(0)), _date(world.month_label(world.months - 1))
    with _style():
        fig, ax = plt.subplots(figsize=(12, 1.4 + 0.42 * n))
        for k, row in enumerate(rows):
            y = n - 1 - k
            leader = _milestone_leader(world, str(row["name"]))
            color = palette(leader) if leader else "0.3"
            hist = _date(str(row["historical"]))
            simulated = row.get("median_simulated")
            if simulated:
                sim = _date(str(simulated))
                ax.plot([hist, sim], [y, y], color="0.6", lw=1.5, zorder=1)
                ax.plot(sim, y, "o", color=color, mec="black", mew=0.6, ms=9, zorder=3)
            ax.plot(hist, y, "D", color="black", ms=7, zorder=4)
            happened = _finite(row.get("share_happened"))
            within = _finite(row.get("share_within_6"))
            note = []
            if happened is not None:
                note.append(f"happened in {happened:.0%}")
            if within is not None:
                note.append(f"±6 mo: {within:.0%}")
            ax.text(
                1.01,
                y,
                ", ".join(note),
                transform=ax.get_yaxis_transform(),
                va="center",
                fontsize=8.5,
                color="0.25",
            )
        ax.set_yticks(range(n), [str(row["name"]) for row in reversed(rows)])
        ax.set_ylim(-0.7, n - 0.3)
        margin = np.timedelta64(2, "M")
        ax.set_xlim(*mdates.date2num([start - margin, end + margin]))  # type: ignore[no-untyped-call]
        ax.grid(axis="y", visible=False)
        _years(ax)
        ax.set_xlabel("month")
        ax.legend(
            handles=[
                Line2D([], [], marker="D", ls="", color="black", label="historical month"),
                Line2D(
                    [],
                    [],
                    marker="o",
                    ls="",
                    color="0.6",
                    mec="black",
                    label="median simulated month (runs where it happened)",
                ),
            ],
            loc="lower center",
            bbox_to_anchor=(0.5, 1.0),
            ncol=2,
        )
        ax.set_title("Milestones: simulated against historical dates", pad=26)
        fig.tight_layout()
        return _save(fig, path)


# ----------------------------------------------------------------------------- 5. attribution


@dataclass(frozen=True)
class AttributionPanel:
    """One set of bars: name -> (value, low, high); bounds None when undefined."""

    title: str
    bars: list[tuple[str, float, float | None, float | None]]
    members: dict[str, list[str]] = field(default_factory=dict)


def _bars(
    contributions: Mapping[str, Any], names: Mapping[str, str] | None = None
) -> list[tuple[str, float, float | None, float | None]]:
    """Bars of contributions, labelled by ``names`` where it has a display name."""
    names = names or {}
    out = []
    for name, est in contributions.items():
        if isinstance(est, Mapping):
            value = _finite(est.get("value"))
            ci = est.get("ci") or [None, None]
        else:
            value, ci = _finite(est), [None, None]
        if value is None:
            continue
        out.append((str(names.get(name, name)), value, _finite(ci[0]), _finite(ci[1])))
    return sorted(out, key=lambda bar: -bar[1])


def attribution_panels(attribution: Mapping[str, Any]) -> list[AttributionPanel]:
    """The bar sets of an attribution result: its ``contributions`` and, if ``groups``
    holds a nested result (``{"contributions": ...}``), those too. When ``groups`` maps
    group names to members (a group attribution), the main bars are the groups."""
    panels = []
    groups = attribution.get("groups")
    membership = (
        {str(k): [str(m) for m in v] for k, v in groups.items()}
        if isinstance(groups, Mapping) and all(isinstance(v, list) for v in groups.values())
        else {}
    )
    if isinstance(attribution.get("contributions"), Mapping):
        title = "mechanism groups" if membership else "mechanisms"
        panels.append(AttributionPanel(title, _bars(attribution["contributions"]), membership))
    if isinstance(groups, Mapping) and isinstance(groups.get("contributions"), Mapping):
        # A nested result: the scenario's factors (``politburo explain``), named by
        # ``names``, or mechanism groups with their members.
        nested = groups.get("groups")
        members = (
            {str(k): [str(m) for m in v] for k, v in nested.items()}
            if isinstance(nested, Mapping)
            else {}
        )
        names = groups.get("names")
        names = names if isinstance(names, Mapping) else {}
        title = "mechanism groups" if members else "factors"
        panels.append(AttributionPanel(title, _bars(groups["contributions"], names), members))
    return [panel for panel in panels if panel.bars]


def _target(world: World, attribution: Mapping[str, Any]) -> str:
    leader = attribution.get("leader")
    return f"P({_name(world, str(leader))} consolidates)" if leader else "the outcome"


def plot_attribution(
    world: World, attribution: Mapping[str, Any], panels: Sequence[AttributionPanel], path: Path
) -> Path:
    heights = [max(2, len(panel.bars)) for panel in panels]
    target = _target(world, attribution)
    with _style():
        fig, axes = plt.subplots(
            len(panels),
            1,
            figsize=(10, 1.4 + 0.45 * sum(heights) + 0.6 * len(panels)),
            gridspec_kw={"height_ratios": heights},
            squeeze=False,
        )
        for ax, panel in zip(axes[:, 0], panels, strict=True):
            names = [bar[0] for bar in panel.bars]
            values = np.array([bar[1] for bar in panel.bars])
            y = np.arange(len(names))[::-1]
            colors = [_POSITIVE if v >= 0 else _NEGATIVE for v in values]
            ax.barh(y, values, color=colors, height=0.6)
            for yi, (_, value, low, high) in zip(y, panel.bars, strict=True):
                if low is not None and high is not None:
                    ax.errorbar(
                        value,
                        yi,
                        xerr=[[max(value - low, 0.0)], [max(high - value, 0.0)]],
                        fmt="none",
                        ecolor="black",
                        capsize=4,
                        lw=1.2,
                    )
                else:
                    ax.text(value, yi, "  no interval", va="center", fontsize=8, color="0.4")
            ax.axvline(0, color="black", lw=0.8)
            ax.set_yticks(y, names)
            ax.grid(axis="y", visible=False)
            ax.set_title(f"Shapley contributions of {panel.title} to {target}", fontsize=11)
            ax.set_xlabel("contribution (change in probability; bars: 95% interval)")
        fig.tight_layout()
        return _save(fig, path)


# ----------------------------------------------------------------------------- 6. narrative


def representative_run(
    world: World, outcomes: Sequence[Mapping[str, Any]], power: NDArray[np.floating[Any]]
) -> tuple[int, str]:
    """(run position, how it was chosen): among the runs with the most common outcome,
    the one whose consolidation month is closest to their median month (lower median,
    lowest position among ties); if the most common outcome is that no one consolidates,
    the one whose power trajectory is closest (mean absolute difference) to those runs'
    median trajectory."""
    n = len(outcomes)
    keys = [o["winner"] or "none" for o in outcomes]
    counts = Counter(keys)
    order = {key: k for k, key in enumerate((*world.leader_ids, "none"))}
    modal = min(counts, key=lambda key: (-counts[key], order.get(key, len(order)), key))
    members = [k for k in range(n) if keys[k] == modal]
    share = f"{counts[modal]} of {n} runs"
    if modal != "none":
        months = sorted(world.turn_of(outcomes[k]["month"]) for k in members)
        median = months[(len(months) - 1) // 2]
        chosen = min(members, key=lambda k: (abs(world.turn_of(outcomes[k]["month"]) - median), k))
        how = (
            f"{_name(world, modal)} consolidated power in {share}, more often than any other "
            f"outcome. Among those runs the median consolidation month is "
            f"{world.month_label(median)}; this run consolidated in "
            f"{outcomes[chosen]['month']}, the closest (the lowest run index among ties)."
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


def plot_run(
    world: World,
    power: NDArray[np.floating[Any]],
    records: Sequence[Mapping[str, Any]],
    path: Path,
    palette: Palette,
    title: str,
) -> Path:
    """Stacked real-power shares of one run, (T, L), with congresses, deaths and the
    consolidation marked (as ``politburo run --plot``, in the report's colours)."""
    turns = power.shape[0]
    dates = month_dates(world, turns)
    shown = [i for i in range(world.n_leaders) if float(power[:, i].max()) >= FAN_MIN_PEAK]
    shown.sort(key=lambda i: palette.rank(world.leader_ids[i]))
    rest = power.sum(axis=1) - power[:, shown].sum(axis=1)
    series = [power[:, i] for i in shown]
    labels = [world.leader_names[i] for i in shown]
    colors = [palette(world.leader_ids[i]) for i in shown]
    if float(rest.max()) > 1e-6:
        series.append(rest)
        labels.append("others")
        colors.append("#d9d9d9")
    with _style():
        fig, ax = plt.subplots(figsize=(11, 5.5))
        ax.stackplot(
            dates, *series, labels=labels, colors=colors, alpha=0.9, lw=0.3, edgecolor="white"
        )
        mark_events(
            ax,
            world,
            dates,
            records,
            name=lambda leader: _name(world, leader),
            label={
                "ha": "right",
                "fontsize": 7.5,
                "color": "0.15",
                "bbox": {"facecolor": "white", "alpha": 0.75, "edgecolor": "none", "pad": 1.0},
            },
        )
        ax.set_ylim(0, 1.0)
        ax.set_xlim(dates[0], dates[-1])
        ax.set_ylabel("real power (share of votes)")
        ax.set_xlabel("month")
        _years(ax)
        ax.grid(axis="x", visible=False)
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0))
        ax.set_title(title)
        fig.tight_layout()
        return _save(fig, path)


# ----------------------------------------------------------------------------- the page


@dataclass
class Section:
    key: str
    figure: str | None = None
    alt: str = ""
    reading: str = ""  # HTML: how to read the figure
    body: str = ""  # HTML: tables, text
    note: str | None = None  # plain text: why the section is empty

    @property
    def title(self) -> str:
        return SECTIONS[self.key]


def _table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    head = "".join(f"<th>{_esc(h)}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f"<td>{_esc(cell)}</td>" for cell in row) + "</tr>" for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _pct(x: Any) -> str:
    value = _finite(x)
    return "–" if value is None else f"{value:.0%}"


def _num(x: Any, digits: int = 3) -> str:
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


_CSS = """
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", Arial,
  sans-serif; max-width: 1180px; margin: 2rem auto; padding: 0 1.2rem; color: #1a1a1a;
  line-height: 1.45; }
h1 { margin-bottom: 0.2rem; }
h2 { border-bottom: 2px solid #ddd; padding-bottom: 0.2rem; margin-top: 2.6rem; }
.lead { color: #444; margin-top: 0; }
figure { margin: 1rem 0; }
figure img { width: 100%; height: auto; border: 1px solid #eee; }
.reading { background: #f6f7f9; border-left: 4px solid #8aa1c1; padding: 0.6rem 0.9rem; }
.reading p { margin: 0.3rem 0; }
.note { background: #fff8e5; border-left: 4px solid #e0b100; padding: 0.6rem 0.9rem; }
table { border-collapse: collapse; margin: 0.8rem 0; font-size: 0.92rem; }
th, td { border: 1px solid #ddd; padding: 0.25rem 0.6rem; text-align: left; vertical-align: top; }
th { background: #f2f2f2; }
table.meta th { width: 13rem; }
code, pre { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace;
  font-size: 0.9em; }
pre { background: #f6f7f9; padding: 0.6rem; overflow-x: auto; white-space: pre-wrap; }
nav ol { columns: 2; }
.story { max-height: 42rem; overflow-y: auto; border: 1px solid #e4e4e4; padding: 0 1rem; }
.story h4 { margin: 0.9rem 0 0.2rem; }
.story ul { margin: 0.2rem 0; }
"""


def _section_html(section: Section) -> str:
    parts = [f'<section id="{section.key}">', f"<h2>{_esc(section.title)}</h2>"]
    if section.note is not None:
        parts.append(f'<p class="note">{_esc(section.note)}</p>')
    if section.figure is not None:
        parts.append(
            f'<figure><img src="{_esc(section.figure)}" alt="{_esc(section.alt)}"></figure>'
        )
    if section.reading:
        parts.append(
            f'<div class="reading"><strong>How to read it.</strong> {section.reading}</div>'
        )
    parts.append(section.body)
    parts.append("</section>")
    return "\n".join(part for part in parts if part)


def _page(title: str, header: str, sections: Sequence[Section]) -> str:
    toc = "".join(f'<li><a href="#{s.key}">{_esc(s.title)}</a></li>' for s in sections)
    body = "\n".join(_section_html(s) for s in sections)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_esc(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        f"{header}\n<nav><h2>Contents</h2><ol>{toc}</ol></nav>\n{body}\n</body>\n</html>\n"
    )


# ----------------------------------------------------------------------------- sections


def _power_section(
    world: World, power: NDArray[np.floating[Any]], out: Path, palette: Palette, fan: list[int]
) -> Section:
    plot_fan(world, power, out / FIGURES["power"], palette, fan)
    names = ", ".join(world.leader_names[i] for i in fan)
    reading = (
        "<p>One panel per leader. The thick coloured line is his <em>median</em> real power "
        "across the runs, month by month; the shaded band around it holds the middle 80% of "
        "runs (10th to 90th percentile); the thin grey lines are the other leaders' medians, "
        "for comparison. Real power is the voting power (normalised Banzhaf index) of the "
        "bloc a leader heads, a weighted mix of its power in the leadership and in the "
        "committee; a leader who is someone else's client has none of his own, so in every "
        "run the shares add up to at most one.</p>"
        "<p>A wide band means the runs disagree about that leader in that month; where the "
        "band is invisible, at least 80% of runs agree. Medians are taken leader by leader, "
        "so they need not add up to one, and together they are not one typical run (the "
        "last section shows one).</p>"
        f"<p>Shown: {_esc(names)} — the leaders whose 90th percentile reaches "
        f"{FAN_MIN_PEAK:.0%} in some month (at most {FAN_LEADERS}).</p>"
    )
    return Section("power", FIGURES["power"], "Fan chart of real power by leader", reading)


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
        hist = exits.get(key, "")
        still = ""
        if hist:
            t = world.turn_of(hist)
            still = _pct(curves[t, i]) if 0 <= t < world.months else ""
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
    table = _table(
        [
            "leader",
            "runs in which he loses it",
            "median month lost (those runs)",
            "historical exit",
            "runs still seated in that month",
        ],
        rows,
    )
    has_history = any(exits.get(world.leader_ids[i]) for i in leaders)
    marks = (
        "A dotted vertical line and a diamond on the curve mark the month he left "
        "historically, labelled with the share of runs in which he is still seated at the end "
        "of that month: the lower it is, the earlier the model removes him than history did."
        if has_history
        else "This scenario's history gives no exit month for these leaders, so none is marked."
    )
    reading = (
        f"<p>One panel per leader. The step curve is the share of runs in which he still "
        f"holds his seat in the {_esc(lead)} (full or candidate) at the end of each month; it "
        "drops in the months runs lose him, by vote, removal or death, and never rises: a "
        "seat won back later does not count. Every run is followed to the calendar's end, "
        "so nothing is censored and the Kaplan–Meier estimate is simply this share.</p>"
        f"<p>{marks} Leaders shown: the main ones seated at the start.</p>"
    )
    return Section(
        "survival", FIGURES["survival"], "Survival curves of leadership seats", reading, table
    )


def _winners_section(
    world: World,
    experiment: ExperimentSummary | None,
    outcomes: Sequence[dict[str, Any]],
    out: Path,
    palette: Palette,
) -> Section:
    note = None
    arms = arms_from_experiment(experiment) if experiment is not None else []
    if experiment is not None and not arms:
        note = "The experiment given has no arms; showing this report's own runs instead."
    if not arms:
        arms = [arm_from_outcomes("baseline: this report's runs", world, outcomes)]
        source = (
            "<p>No experiment was given, so this is the report's own batch of runs (one arm)."
            " Give the JSON of <code>politburo experiment --json</code> to compare arms.</p>"
            if experiment is None
            else ""
        )
    else:
        scenario = experiment.scenario if experiment else None
        other = (
            f" Note: the experiment is of scenario <code>{_esc(scenario)}</code>, not of this "
            f"report's <code>{_esc(world.scenario.id)}</code>."
            if scenario and scenario != world.scenario.id
            else ""
        )
        source = (
            f"<p>From the experiment given (seed {_esc(experiment.seed)}, "
            f"{_esc(experiment.runs)} paired runs per arm): every arm runs over "
            f"the same run indices and random streams as the baseline.{other}</p>"
            if experiment
            else ""
        )
    palette = palette.extended(key for arm in arms for key in arm.winners)
    plot_winners(world, arms, out / FIGURES["winners"], palette)
    keys = sorted({key for arm in arms for key in arm.winners}, key=palette.rank)
    rows = [
        [arm.name, _name(world, key), _pct(p), f"{low:.1%} – {high:.1%}"]
        for arm in arms
        for key in keys
        if key in arm.winners
        for p, low, high in [arm.winners[key]]
    ]
    reading = (
        "<p>One panel per arm. Each bar is the share of runs in which that leader "
        "consolidated power by the calendar's end; <em>no one</em> counts the runs that end "
        "with a collective leadership. The black whiskers are 95% Wilson intervals: how far "
        "the share could be from the long-run probability given the number of runs. Bars of "
        "one arm add up to one. Compare arms by their bars; where whiskers overlap widely, "
        "the runs do not tell the arms apart.</p>" + source
    )
    body = _table(["arm", "consolidates", "share of runs", "95% Wilson interval"], rows)
    return Section("winners", FIGURES["winners"], "Winner shares per arm", reading, body, note=note)


def _milestones_section(
    world: World, validation: Mapping[str, Any] | None, out: Path, palette: Palette
) -> Section:
    if validation is None:
        return Section(
            "milestones",
            note="No validation result was given, so this section is empty. Give the JSON of a "
            "validation (its scores.milestones) to compare simulated and historical dates.",
        )
    rows = _milestone_rows(validation)
    if not rows:
        return Section("milestones", note="The validation result given has no milestones to draw.")
    plot_milestones(world, rows, out / FIGURES["milestones"], palette)
    table = _table(
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
                row["name"],
                row["historical"],
                row.get("median_simulated") or "never",
                _num(row.get("median_abs_error_months"), 1),
                _pct(row.get("share_within_6")),
                _pct(row.get("share_happened")),
            ]
            for row in rows
        ],
    )
    scores = validation.get("scores", validation)
    scalars = [
        [key, _num(value) if isinstance(value, int | float) else value]
        for key, value in (scores.items() if isinstance(scores, Mapping) else [])
        if isinstance(value, int | float | str) or value is None
    ]
    summary = _table(["score", "value"], scalars) if scalars else ""
    reading = (
        "<p>One row per historical milestone (a loss of office, of a seat in the leadership, "
        "of party membership, or exile), in historical order. The black diamond is the month "
        "it happened; the coloured dot (the leader's colour) is the median month among the "
        "runs in which it happened, joined to the diamond by a grey line whose length is the "
        "timing error of the median. A row without a dot never happened in any run. At the "
        "right: the share of runs in which it happened at all, and the share in which it "
        "happened within six months of the historical date.</p>"
        "<p>The median error in the table is over all runs, charging a run where the "
        "milestone never happened as if it happened the month after the calendar ends.</p>"
    )
    return Section(
        "milestones",
        FIGURES["milestones"],
        "Milestone dot plot",
        reading,
        table + summary,
    )


def _attribution_section(world: World, attribution: Mapping[str, Any] | None, out: Path) -> Section:
    if attribution is None:
        return Section(
            "attribution",
            note="No attribution result was given, so this section is empty. Give the JSON of "
            "a Shapley attribution (e.g. of the chance that one leader consolidates) to draw it.",
        )
    panels = attribution_panels(attribution)
    if not panels:
        return Section(
            "attribution", note="The attribution result given has no contributions to draw."
        )
    plot_attribution(world, attribution, panels, out / FIGURES["attribution"])
    target = _target(world, attribution)
    levels = []
    held = attribution.get("held_on") or []
    off = f"every one off but {', '.join(map(str, held))}" if held else "every one off"
    for key, label in (("p_all_on", "every mechanism on"), ("p_all_off", off)):
        est = attribution.get(key)
        if isinstance(est, Mapping):
            ci = est.get("ci") or [None, None]
            levels.append([label, _num(est.get("value")), f"{_num(ci[0])} – {_num(ci[1])}"])
    body = _table([f"{target} with", "value", "95% interval"], levels) if levels else ""
    for panel in panels:
        body += _table(
            [
                f"{panel.title}",
                "contribution",
                "95% interval",
                *(["members"] * bool(panel.members)),
            ],
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
    reading = (
        f"<p>Each bar is a mechanism's Shapley contribution to {_esc(target)}: its average "
        "effect on that probability of switching it on, over every order of switching the "
        "mechanisms on one by one. Red bars raise the probability, blue bars lower it; the "
        "whiskers are 95% intervals (a bar marked <em>no interval</em> has none, e.g. from "
        "a single run). The contributions add up to the difference between the probability "
        "with every mechanism on and with every one off (the first table).</p>"
        "<p>A bar whose whiskers cross zero is not distinguishable from no effect with these "
        "runs.</p>"
    )
    return Section("attribution", FIGURES["attribution"], "Attribution bars", reading, body)


def _narrative_section(
    world: World,
    outcomes: Sequence[dict[str, Any]],
    power: NDArray[np.floating[Any]],
    seed: int,
    parameters: Parameters,
    out: Path,
    palette: Palette,
) -> Section:
    position, how = representative_run(world, outcomes, power)
    # Run k draws from its own random stream (seed, k): simulating it alone, with events
    # recorded, gives the same run as in the batch, without keeping every run's events.
    again = simulate(world, seed=seed, runs=[position], params=parameters, record_events=True)
    outcome = again.outcome(0)
    same = {k: outcome[k] for k in ("winner", "month", "eliminations")} == {
        k: outcomes[position][k] for k in ("winner", "month", "eliminations")
    }
    records = event_records(world, again.log.for_run(0))
    title = f"Run {position} (seed {seed}): real power, month by month"
    plot_run(world, again.power[:, 0, :], records, out / FIGURES["run"], palette, title)
    story = []
    for month, lines in narrative(world, records, outcome):
        items = "".join(f"<li>{_esc(line)}</li>" for line in lines)
        story.append(f"<h4>{_esc(month)}</h4><ul>{items}</ul>")
    ending = "".join(f"<li>{_esc(line)}</li>" for line in outcome_summary(world, outcome))
    warning = (
        ""
        if same
        else '<p class="note">Simulated again on its own, this run did not reproduce its '
        "outcome in the batch; the story below is of the re-run.</p>"
    )
    body = (
        f"<p><strong>How this run was chosen.</strong> {_esc(how)}</p>{warning}"
        f"<p>To replay it in Python: <code>simulate({world.scenario.id!r}, seed={seed}, "
        f"runs=[{position}])</code> (run index {position} of seed {seed}; "
        "<code>politburo run</code> replays run index 0 of a seed).</p>"
        f"<h3>Outcome</h3><ul>{ending}</ul>"
        f'<h3>Month by month</h3><div class="story">{"".join(story)}</div>'
    )
    reading = (
        "<p>The stacked areas are the real power of each bloc leader in this one run, month "
        "by month, in the same colours as above (<em>others</em>: leaders who never reach "
        f"{FAN_MIN_PEAK:.0%}). Vertical lines mark congresses (dotted), deaths (dashed) and "
        "the consolidation of power (solid). Below, the events of each month in which "
        "something other than routine manoeuvring happened.</p>"
    )
    return Section("narrative", FIGURES["run"], "Stacked power of one run", reading, body)


def _header(
    spec: Scenario,
    scenario: str,
    runs: int,
    seed: int,
    params: Path | None,
    parameters: Parameters,
    command: str,
    given: Mapping[str, bool],
) -> str:
    when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    inputs = ", ".join(f"{name}: {'given' if ok else 'none'}" for name, ok in given.items())
    python = (
        f"write_report({scenario!r}, Path('OUT'), runs={runs}, seed={seed}"
        + (f", params=Path({str(params)!r})" if params is not None else "")
        + (", validation=..., attribution=..., experiment=..." if any(given.values()) else "")
        + ")"
    )
    rows = [
        ("scenario", f"{spec.name} ({spec.id})"),
        ("calendar", f"{spec.calendar.start} to {spec.calendar.end}"),
        ("runs", f"{runs} (run indices 0–{runs - 1})"),
        ("seed", str(seed)),
        ("generated", when),
        ("politburo version", politburo.__version__),
        ("parameters", describe_parameters(params, parameters)),
        ("inputs", inputs),
    ]
    meta = "".join(f"<tr><th>{_esc(k)}</th><td>{_esc(v)}</td></tr>" for k, v in rows)
    return (
        f"<header><h1>{_esc(spec.name)}</h1>"
        f'<p class="lead">{_esc(spec.description.strip() if spec.description else "")}</p>'
        f'<table class="meta">{meta}'
        f"<tr><th>reproduce</th><td><pre>{_esc(command)}</pre>"
        f"<pre>from politburo.analysis.report import write_report\n{_esc(python)}</pre>"
        "</td></tr></table></header>"
    )


def _default_command(scenario: str, out: Path, runs: int, seed: int, params: Path | None) -> str:
    parts = ["politburo", "report", scenario, "--runs", str(runs), "--seed", str(seed)]
    if params is not None:
        parts += ["--params", str(params)]
    parts += ["--out", str(out)]
    return shlex.join(parts)


# ----------------------------------------------------------------------------- entry point


def write_report(
    scenario: str,
    out: Path,
    *,
    runs: int = 200,
    seed: int = 0,
    validation: dict[str, Any] | None = None,
    attribution: dict[str, Any] | None = None,
    experiment: ExperimentSummary | None = None,
    progress: Progress | None = None,
    params: Path | None = None,
    command: str | None = None,
) -> Path:
    """Simulate ``runs`` runs of ``scenario`` (built-in id or file) from ``seed`` and write
    ``out/index.html`` with its SVG figures beside it; return the page's path.

    ``validation``, ``attribution`` and ``experiment`` are the JSON results of a
    validation (``{"scores": {"milestones": [...]}}``), a Shapley attribution, and
    the summary of an experiment (:class:`~politburo.experiment.ExperimentSummary`, read
    from ``politburo experiment --json`` with ``model_validate``); sections whose input
    is missing say so. ``params`` is a parameters file (JSON) instead of the defaults.
    ``command`` is the command line shown as the way to reproduce the report (default: a
    ``politburo report`` line built from the arguments). ``progress`` receives one line
    per stage."""
    if runs < 1:
        raise ValueError(f"runs must be at least 1 (got {runs})")
    say: Progress = progress or (lambda _message: None)
    out = Path(out)
    spec = load_scenario(scenario)
    world = world_of(spec)
    parameters = DEFAULT_PARAMETERS if params is None else Parameters.from_file(params)
    out.mkdir(parents=True, exist_ok=True)
    for name in FIGURES.values():  # figures of an earlier report must not linger
        (out / name).unlink(missing_ok=True)

    say(f"simulating {runs} runs of {spec.id} (seed {seed})")
    result = simulate(world, seed=seed, runs=runs, params=parameters, record_events=False)
    outcomes = [result.outcome(k) for k in range(runs)]
    palette = Palette.from_power(world, result.power)
    fan = fan_leaders(result.power, world)

    say("drawing real power over time")
    sections = [_power_section(world, result.power, out, palette, fan)]
    say("drawing survival curves")
    sections.append(_survival_section(world, result.state.lost_seat, out, palette, fan))
    say("drawing winner distribution")
    sections.append(_winners_section(world, experiment, outcomes, out, palette))
    say("drawing milestones" if validation is not None else "no validation: skipping milestones")
    sections.append(_milestones_section(world, validation, out, palette))
    say("drawing attribution" if attribution is not None else "no attribution: skipping it")
    sections.append(_attribution_section(world, attribution, out))
    say("telling one representative run")
    sections.append(
        _narrative_section(world, outcomes, result.power, seed, parameters, out, palette)
    )

    header = _header(
        spec,
        scenario,
        runs,
        seed,
        params,
        parameters,
        command or _default_command(scenario, out, runs, seed, params),
        {
            "validation": validation is not None,
            "attribution": attribution is not None,
            "experiment": experiment is not None,
        },
    )
    page = out / "index.html"
    page.write_text(_page(f"{spec.name} — politburo report", header, sections), encoding="utf-8")
    say(f"wrote {page}")
    return page
