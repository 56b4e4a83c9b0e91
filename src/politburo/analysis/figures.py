"""The report's figures (``politburo report``, ``politburo explain --plot``): one
function per figure, each drawing data it is given into an SVG (or PNG, PDF) file.

Every leader keeps one colour in every figure (:class:`Palette`). Text stays text in the
SVG, and a figure drawn twice is the same file. Nothing here computes what it draws:
the sections (:mod:`politburo.analysis.sections`) choose and summarise, these draw.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
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

from politburo.analysis.plots import mark_events, month_dates
from politburo.analysis.records import (
    AttributionRecord,
    Explanation,
    MilestoneScore,
    ValueInterval,
)
from politburo.errors import InputError
from politburo.experiment.records import ExperimentSummary
from politburo.model.events import EventRecord
from politburo.model.world import World

#: Most leaders drawn in the fan chart, and the least 90th-percentile peak that counts.
FAN_LEADERS = 6
FAN_MIN_PEAK = 0.05
#: The band of the fan chart: these quantiles across runs.
BAND = (0.10, 0.90)

_NONE_COLOR = "#8c8c8c"
_POSITIVE, _NEGATIVE = "#b2182b", "#2166ac"

# ----------------------------------------------------------------------------- helpers


def _date(month: str) -> np.datetime64:
    """``YYYY-MM`` -> that month (matplotlib draws it at its first day)."""
    return np.datetime64(month, "M")


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
        labels = [world.display_name(key) for key in keys]
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


def _milestone_leader(world: World, name: str) -> str | None:
    first = name.split(" ", 1)[0]
    return first if first in world.leader_ids else None


def plot_milestones(
    world: World, rows: Sequence[MilestoneScore], path: Path, palette: Palette
) -> Path:
    """A dot plot: each milestone's historical month (black diamond) and the median
    simulated month among runs where it happened (dot in the leader's colour)."""
    n = len(rows)
    start, end = _date(world.month_label(0)), _date(world.month_label(world.months - 1))
    with _style():
        fig, ax = plt.subplots(figsize=(12, 1.4 + 0.42 * n))
        for k, row in enumerate(rows):
            y = n - 1 - k
            leader = _milestone_leader(world, row.name)
            color = palette(leader) if leader else "0.3"
            hist = _date(row.historical)
            if row.median_simulated:
                sim = _date(row.median_simulated)
                ax.plot([hist, sim], [y, y], color="0.6", lw=1.5, zorder=1)
                ax.plot(sim, y, "o", color=color, mec="black", mew=0.6, ms=9, zorder=3)
            ax.plot(hist, y, "D", color="black", ms=7, zorder=4)
            ax.text(
                1.01,
                y,
                f"happened in {row.share_happened:.0%}, ±6 mo: {row.share_within_6:.0%}",
                transform=ax.get_yaxis_transform(),
                va="center",
                fontsize=8.5,
                color="0.25",
            )
        ax.set_yticks(range(n), [row.name for row in reversed(rows)])
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
    contributions: Mapping[str, ValueInterval], names: Mapping[str, str] | None = None
) -> list[tuple[str, float, float | None, float | None]]:
    """Bars of contributions, largest first, labelled by ``names`` where it has a display
    name."""
    names = names or {}
    bars = [
        (names.get(name, name), est.value, est.ci[0], est.ci[1])
        for name, est in contributions.items()
    ]
    return sorted(bars, key=lambda bar: -bar[1])


def attribution_panels(attribution: AttributionRecord) -> list[AttributionPanel]:
    """The bar sets of an attribution: its contributions (to mechanisms, or to groups of
    them with their ``members``) and, for ``politburo explain``'s, those to the
    scenario's factors under their display names."""
    title = "mechanism groups" if attribution.members else "mechanisms"
    panels = [AttributionPanel(title, _bars(attribution.contributions), attribution.members or {})]
    factors = attribution.groups if isinstance(attribution, Explanation) else None
    if factors is not None:
        title = "mechanism groups" if factors.members else "factors"
        panels.append(
            AttributionPanel(
                title, _bars(factors.contributions, factors.names), factors.members or {}
            )
        )
    return [panel for panel in panels if panel.bars]


def attribution_target(world: World, attribution: AttributionRecord) -> str:
    """What the attribution is of: P(leader consolidates) for ``politburo explain``'s."""
    if isinstance(attribution, Explanation):
        return f"P({world.display_name(attribution.leader)} consolidates)"
    return "the outcome"


def plot_attribution(world: World, attribution: AttributionRecord, path: Path) -> Path:
    """Horizontal bars of Shapley contributions with their 95% intervals, one panel per
    set of bars (:func:`attribution_panels`); red raises the probability, blue lowers it.
    Raises InputError if the attribution has nothing to draw."""
    panels = attribution_panels(attribution)
    if not panels:
        raise InputError("the attribution has no contributions to draw")
    heights = [max(2, len(panel.bars)) for panel in panels]
    target = attribution_target(world, attribution)
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


# ----------------------------------------------------------------------------- 6. one run


def plot_run(
    world: World,
    power: NDArray[np.floating[Any]],
    records: Sequence[EventRecord],
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
            name=lambda leader: world.display_name(leader),
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
