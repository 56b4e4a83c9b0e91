"""Pictures: real power of each leader over time, the project's signature chart."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
from numpy.typing import NDArray

from politburo.model.events import EventRecord
from politburo.model.world import World

_MARKED = {"congress_opened": "congress", "died": "death", "consolidated": "consolidation"}


def month_dates(world: World, turns: int | None = None) -> NDArray[np.datetime64]:
    """The first ``turns`` months of the calendar (all of it by default) as dates, for a
    time axis."""
    count = world.months if turns is None else turns
    return np.array([world.month_label(t) for t in range(count)], dtype="datetime64[M]")


def plot_power(
    world: World,
    power: NDArray[np.floating[Any]],
    path: str | Path,
    records: Sequence[EventRecord] | None = None,
    title: str | None = None,
    min_peak: float = 0.05,
) -> Path:
    """Draw real power (T, L) of every leader who ever held at least ``min_peak`` of it,
    as stacked shares; mark congresses, deaths and consolidation from ``records``. Writes
    PNG, SVG or PDF by the file's extension."""
    path = Path(path)
    turns = power.shape[0]
    dates = month_dates(world, turns)
    fig, ax = plt.subplots(figsize=(11, 5.5), dpi=120)
    shown = [i for i in range(world.n_leaders) if float(power[:, i].max()) >= min_peak]
    shown.sort(key=lambda i: -float(power[:, i].max()))
    # Power shares sum to one, so a stacked area shows every bloc, even when several hold
    # exactly the same power (equal single-vote blocs would hide each other as lines).
    colors = plt.get_cmap("tab20")
    ax.stackplot(
        dates,
        *[power[:, i] for i in shown],
        labels=[world.leader_names[i] for i in shown],
        colors=[colors(rank % 20) for rank in range(len(shown))],
        alpha=0.9,
        linewidth=0.3,
        edgecolor="white",
    )
    if records:
        mark_events(ax, world, dates, records)
    ax.set_ylim(0, 1.0)
    ax.set_ylabel("Share of real power\n(Banzhaf index of each bloc, leadership + committee)")
    ax.set_xlabel("Month")
    ax.xaxis.set_major_locator(mdates.YearLocator())  # type: ignore[no-untyped-call]
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))  # type: ignore[no-untyped-call]
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    ax.set_title(title or f"{world.scenario.name}: real power over time")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
    return path


def mark_events(
    ax: Any,
    world: World,
    dates: Any,
    records: Sequence[EventRecord],
    name: Callable[[str], str] = str,
    label: dict[str, Any] | None = None,
) -> None:
    """A vertical line and a label at every congress, death and consolidation of a run's
    event ``records`` (one per month and kind); ``name`` turns a leader id into the label's
    text, ``label`` overrides the text style."""
    turns = len(dates)
    style = {
        "rotation": 90, "va": "top", "ha": "center", "fontsize": 7, "color": "0.35",
        **(label or {}),
    }  # fmt: skip
    seen: set[str] = set()
    for e in records:
        tag = _MARKED.get(e.kind)
        if tag is None or f"{e.month}:{tag}" in seen:
            continue
        seen.add(f"{e.month}:{tag}")
        when = dates[min(world.turn_of(e.month), turns - 1)]
        line = {"congress": ":", "death": "--", "consolidation": "-"}[tag]
        ax.axvline(when, color="0.5", ls=line, lw=0.9)
        text = tag if e.actor is None else f"{tag}: {name(e.actor)}"
        ax.text(when, 0.99, text, transform=ax.get_xaxis_transform(), **style)
