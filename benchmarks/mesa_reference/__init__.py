"""A Mesa 3 reference model of the core mechanisms, to benchmark the batched engine
against an idiomatic agent-based implementation of the same rules.

The Mesa model (:mod:`.model`, :mod:`.agents`) has one agent per leader, per regional
secretary and per congress delegate, and implements only appointment, bodies and votes,
congress elections and discipline: the engine with :data:`CORE_ABLATE` switched off.

    python -m benchmarks.mesa_reference --runs 200
    python -m benchmarks.mesa_reference.verify --runs 10   # scores and forecasts equal the engine's

See README.md in this directory for the mapping to the engine and the differences.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np
from scipy.stats import chi2_contingency, ks_2samp

from benchmarks.mesa_reference.facts import facts_of
from benchmarks.mesa_reference.model import PolitburoModel
from politburo.simulation import simulate, world_of

#: The mechanisms the Mesa model does not implement (ablated in the engine to compare).
CORE_ABLATE: tuple[str, ...] = (
    "recruitment",
    "information",
    "faction_ban",
    "legitimacy",
    "alliances",
    "policy",
    "traits",
    "perception",
)

SCENARIO = "ussr-1922"
#: Rounds of the interleaved comparison (engine batch, Mesa batch, engine, Mesa, ...).
ROUNDS = 3
#: Adjacent consolidation months are merged into bins of at least this many runs (both
#: models together) for the chi-square test.
MIN_BIN = 10
#: Leaders whose fate :func:`compare_in_detail` reports.
WATCHED = ("trotsky", "zinoviev", "kamenev", "bukharin", "rudzutak")

__all__ = [
    "CORE_ABLATE",
    "compare",
    "compare_in_detail",
    "month_test",
    "run_engine",
    "run_mesa",
]

Outcomes = list[dict[str, Any]]


def _run_seed(seed: int, run: int) -> int:
    """An independent seed for run ``run`` of an experiment seeded ``seed``."""
    return int(np.random.SeedSequence([seed, run]).generate_state(1)[0])


def _mesa_outcomes(indices: Sequence[int], seed: int) -> tuple[Outcomes, float, float]:
    """Outcomes of the Mesa runs ``indices``, and the wall and CPU seconds they took
    (scenario loading excluded)."""
    facts = facts_of(SCENARIO)
    outcomes = []
    wall, cpu = time.perf_counter(), time.process_time()
    for run in indices:
        model = PolitburoModel(facts, seed=_run_seed(seed, run))
        model.run_model()
        outcomes.append(model.outcome())
        model.remove_all_agents()
    return outcomes, time.perf_counter() - wall, time.process_time() - cpu


def run_mesa(runs: int, seed: int = 0) -> tuple[Counter[str], float]:
    """Winner counts (key ``"none"`` for no winner) of ``runs`` Mesa runs and runs per
    second."""
    outcomes, seconds, _ = _mesa_outcomes(range(runs), seed)
    return Counter(o["winner"] or "none" for o in outcomes), runs / max(seconds, 1e-9)


def warm_up_engine(threads: Iterable[int | None] = (None,)) -> None:
    """One small engine batch with :data:`CORE_ABLATE` per thread count (compiles the
    kernel, or loads it from the cache)."""
    world = world_of(SCENARIO)
    for t in threads:
        simulate(world, runs=max(t or 1, 1), ablate=CORE_ABLATE, record_events=False, threads=t)


def _engine_outcomes(
    indices: Sequence[int], seed: int, threads: int | None = 1
) -> tuple[Outcomes, float, float]:
    """Outcomes of the engine runs ``indices`` with :data:`CORE_ABLATE` (one batch on
    ``threads`` threads), and the wall and CPU seconds the batch took (compiling
    excluded only if the engine was warmed up: :func:`warm_up_engine`)."""
    world = world_of(SCENARIO)
    wall, cpu = time.perf_counter(), time.process_time()
    batch = simulate(
        world, seed=seed, runs=indices, ablate=CORE_ABLATE, record_events=False, threads=threads
    )
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    s = batch.state

    def label(turn: int) -> str | None:
        return None if turn < 0 else world.month_label(turn)

    outcomes: Outcomes = []
    for k in range(len(indices)):
        winner = int(s.winner[k])
        leaders = {
            name: {
                "politburo": label(int(s.lost_seat[k, i])),
                "party": label(int(s.expelled[k, i])),
                "exile": label(int(s.exiled_at[k, i])),
                "offices": {
                    world.office_ids[o]: label(int(t))
                    for o, t in enumerate(s.lost_office[k, i])
                    if t >= 0
                },
                "submitted": bool(s.patron[k, i] != i),
            }
            for i, name in enumerate(world.leader_ids)
        }
        outcomes.append(
            {
                "winner": None if winner < 0 else world.leader_ids[winner],
                "month": label(int(s.consolidated[k])),
                "consolidated": int(s.consolidated[k]),
                "leaders": leaders,
            }
        )
    return outcomes, wall, cpu


def run_engine(runs: int, seed: int = 0) -> tuple[Counter[str], float]:
    """The same figures as :func:`run_mesa` for the engine with :data:`CORE_ABLATE`
    (one thread, after a warm-up)."""
    warm_up_engine((1,))
    outcomes, seconds, _ = _engine_outcomes(range(runs), seed, threads=1)
    return Counter(o["winner"] or "none" for o in outcomes), runs / max(seconds, 1e-9)


def homogeneity_p(a: Counter[str], b: Counter[str]) -> float:
    """p-value of a chi-square test of homogeneity of two count distributions.

    Categories neither side uses are dropped. When fewer than two categories remain
    (both put all their mass on one category) the distributions are identical and there
    is nothing to test: p = 1.0.
    """
    keys = sorted(k for k in set(a) | set(b) if a[k] + b[k] > 0)
    if len(keys) < 2:
        return 1.0
    table = np.array([[a[k] for k in keys], [b[k] for k in keys]])
    return float(chi2_contingency(table).pvalue)


def _month_bins(turns: Counter[int], labels: Sequence[str]) -> list[tuple[int, int, str]]:
    """Consecutive month ranges (first turn, last turn, name) holding at least
    :data:`MIN_BIN` of ``turns`` each (a short remainder joins the last range)."""
    spans: list[list[int]] = []
    first, count = -1, 0
    for turn in sorted(turns):
        first = turn if first < 0 else first
        count += turns[turn]
        if count >= MIN_BIN:
            spans.append([first, turn])
            first, count = -1, 0
    if first >= 0:
        if spans:
            spans[-1][1] = max(turns)
        else:
            spans.append([first, max(turns)])
    return [(a, b, labels[a] if a == b else f"{labels[a]}..{labels[b]}") for a, b in spans]


def month_test(engine: Sequence[int], mesa: Sequence[int], months: int) -> dict[str, Any]:
    """Two-sample tests that the engine's and Mesa's consolidation turns (``-1``: no
    consolidation) come from one distribution.

    ``chi2_p``: chi-square of homogeneity on the months, adjacent months merged until a
    bin holds at least :data:`MIN_BIN` runs of both models together, "never" a category
    of its own. ``ks_p``: two-sample Kolmogorov-Smirnov on the turns with "never" coded
    as the month after the calendar's last (conservative, as the months are discrete).
    """
    labels = facts_of(SCENARIO).month_labels
    both = Counter(t for t in list(engine) + list(mesa) if t >= 0)
    bins = _month_bins(both, labels) if both else []

    def binned(turns: Sequence[int]) -> Counter[str]:
        counts: Counter[str] = Counter()
        for t in turns:
            if t < 0:
                counts["never"] += 1
                continue
            counts[next(name for a, b, name in bins if a <= t <= b)] += 1
        return counts

    e_bins, m_bins = binned(engine), binned(mesa)
    e_coded = np.array([months if t < 0 else t for t in engine], dtype=float)
    m_coded = np.array([months if t < 0 else t for t in mesa], dtype=float)
    ks = ks_2samp(e_coded, m_coded) if e_coded.size and m_coded.size else None
    e_turns = [t for t in engine if t >= 0]
    m_turns = [t for t in mesa if t >= 0]
    return {
        "n_engine": len(engine),
        "n_mesa": len(mesa),
        "never": {"engine": len(engine) - len(e_turns), "mesa": len(mesa) - len(m_turns)},
        "mean_turn": {
            "engine": round(float(np.mean(e_turns)), 3) if e_turns else None,
            "mesa": round(float(np.mean(m_turns)), 3) if m_turns else None,
        },
        "chi2_p": homogeneity_p(e_bins, m_bins),
        "chi2_bins": {
            name: [e_bins[name], m_bins[name]]
            for name in [n for _, _, n in bins] + ["never"]
            if e_bins[name] + m_bins[name] > 0
        },
        "ks_statistic": None if ks is None else round(float(ks.statistic), 4),
        "ks_p": None if ks is None else float(ks.pvalue),
    }


def _rate(runs: int, seconds: float) -> float:
    return round(runs / max(seconds, 1e-9), 2)


def _compare(
    runs: int,
    seed: int,
    rounds: int,
    threads: Sequence[int],
    progress: Callable[[str], None] | None,
) -> tuple[dict[str, Any], Outcomes, Outcomes]:
    say = progress or (lambda _: None)
    warm_up_engine(threads)
    edges = np.linspace(0, runs, rounds + 1).astype(int)
    engine_out: Outcomes = []
    mesa_out: Outcomes = []
    times: dict[str, list[tuple[int, float, float]]] = {f"threads_{t}": [] for t in threads}
    times["mesa"] = []
    agree = True
    for r in range(rounds):
        indices = range(int(edges[r]), int(edges[r + 1]))
        if not indices:
            continue
        first: Outcomes | None = None
        for t in threads:
            say(f"round {r + 1}/{rounds}: engine, {len(indices)} runs, {t} thread(s)")
            out, wall, cpu = _engine_outcomes(indices, seed, threads=t)
            times[f"threads_{t}"].append((len(indices), wall, cpu))
            if first is None:
                first = out
                engine_out += out
            else:  # the same runs on more threads: the same results
                agree &= [(o["winner"], o["consolidated"]) for o in out] == [
                    (o["winner"], o["consolidated"]) for o in first
                ]
        say(f"round {r + 1}/{rounds}: Mesa, {len(indices)} runs")
        out, wall, cpu = _mesa_outcomes(indices, seed)
        times["mesa"].append((len(indices), wall, cpu))
        mesa_out += out

    def side(rows: list[tuple[int, float, float]]) -> dict[str, Any]:
        n = sum(k for k, _, _ in rows)
        wall = sum(w for _, w, _ in rows)
        cpu = sum(c for _, _, c in rows)
        return {
            "runs": n,
            "wall_s": round(wall, 3),
            "cpu_s": round(cpu, 3),
            "runs_per_wall_s": _rate(n, wall),
            "runs_per_cpu_s": _rate(n, cpu),
            "rounds_runs_per_cpu_s": [_rate(k, c) for k, _, c in rows],
        }

    mesa = side(times["mesa"])
    engine = {key: side(rows) for key, rows in times.items() if key != "mesa"}
    engine_winners = Counter(o["winner"] or "none" for o in engine_out)
    mesa_winners = Counter(o["winner"] or "none" for o in mesa_out)
    one, many = f"threads_{threads[0]}", f"threads_{threads[-1]}"
    result: dict[str, Any] = {
        "scenario": SCENARIO,
        "ablate": list(CORE_ABLATE),
        "mesa_version": mesa_version(),
        "runs": runs,
        "rounds": rounds,
        "seed": seed,
        "order": "interleaved: each round runs the engine ("
        + ", ".join(f"{t} thread(s)" for t in threads)
        + ") then Mesa on the same run indices",
        "engine": engine,
        "mesa": mesa,
        "cpu_ratio_engine_over_mesa": round(
            engine[one]["runs_per_cpu_s"] / max(mesa["runs_per_cpu_s"], 1e-9), 2
        ),
        "cpu_ratio_threads": threads[0],
        "rounds_cpu_ratio": [
            round(e / max(m, 1e-9), 2)
            for e, m in zip(
                engine[one]["rounds_runs_per_cpu_s"], mesa["rounds_runs_per_cpu_s"], strict=True
            )
        ],
        "wall_ratio_engine_over_mesa": round(
            engine[many]["runs_per_wall_s"] / max(mesa["runs_per_wall_s"], 1e-9), 2
        ),
        "wall_ratio_threads": threads[-1],
        "threads_agree": agree,
        "consolidation_months": month_test(
            [o["consolidated"] for o in engine_out],
            [o["consolidated"] for o in mesa_out],
            len(facts_of(SCENARIO).month_labels),
        ),
        "winners": {
            "engine": dict(engine_winners),
            "mesa": dict(mesa_winners),
        },
        "winners_chi2_p": homogeneity_p(engine_winners, mesa_winners),
    }
    return result, engine_out, mesa_out


def mesa_version() -> str:
    import mesa

    return str(mesa.__version__)


def compare(
    runs: int = 2000,
    seed: int = 0,
    rounds: int = ROUNDS,
    threads: Sequence[int] = (1, 2),
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Run the engine (with :data:`CORE_ABLATE`) and the Mesa model on the same ``runs``
    run indices, interleaved in ``rounds`` rounds (each round: the engine on each thread
    count of ``threads``, then Mesa, on that round's share of the indices), timing every
    batch in wall time and CPU time (the engine warmed up first).

    Returns per side (``engine`` per thread count as ``threads_N``, ``mesa``) the runs,
    seconds and runs per wall and CPU second; ``cpu_ratio_engine_over_mesa`` (engine on
    ``threads[0]`` threads, runs per CPU second over Mesa's) and its value per round;
    ``wall_ratio_engine_over_mesa`` (engine on ``threads[-1]`` threads, wall time);
    ``threads_agree`` (every thread count gave the same winners and months);
    ``consolidation_months`` (:func:`month_test`: chi-square and KS p-values and the
    sample sizes); ``winners`` and ``winners_chi2_p`` (:func:`homogeneity_p`); and
    ``mesa_version``. ``progress`` gets a line per batch.
    """
    return _compare(runs, seed, rounds, tuple(threads), progress)[0]


def _quantiles(turns: Iterable[int], label: Callable[[int], str]) -> dict[str, Any]:
    values = np.array([t for t in turns if t >= 0])
    if values.size == 0:
        return {"runs": 0}
    q10, q50, q90 = (int(np.quantile(values, q, method="lower")) for q in (0.1, 0.5, 0.9))
    return {
        "runs": int(values.size),
        "mean_turn": round(float(values.mean()), 2),
        "p10": label(q10),
        "median": label(q50),
        "p90": label(q90),
    }


def _details(outcomes: list[dict[str, Any]]) -> dict[str, Any]:
    """Informal figures: consolidation months and what became of the watched leaders."""
    facts = facts_of(SCENARIO)
    n = max(len(outcomes), 1)

    def label(turn: int) -> str:
        return facts.month_labels[turn]

    def turn_of(month: str | None) -> int:
        return -1 if month is None else facts.month_labels.index(month)

    fates: dict[str, dict[str, Any]] = {}
    for name in WATCHED:
        records = [o["leaders"][name] for o in outcomes]
        fates[name] = {
            "lost_office": sum(bool(r["offices"]) for r in records) / n,
            "lost_politburo_seat": sum(r["politburo"] is not None for r in records) / n,
            "expelled": sum(r["party"] is not None for r in records) / n,
            "exiled": sum(r["exile"] is not None for r in records) / n,
            "submitted": sum(r["submitted"] for r in records) / n,
            "first_office_lost": _quantiles(
                (min(turn_of(m) for m in r["offices"].values()) for r in records if r["offices"]),
                label,
            ),
        }
    return {
        "consolidation": _quantiles((o["consolidated"] for o in outcomes), label),
        "consolidation_months": dict(Counter(o["month"] or "none" for o in outcomes)),
        "fates": fates,
    }


def compare_in_detail(
    runs: int = 2000, seed: int = 0, rounds: int = ROUNDS, threads: Sequence[int] = (1, 2)
) -> dict[str, Any]:
    """:func:`compare` plus an informal comparison (``details``: consolidation months
    and the fates of Trotsky, Zinoviev and others, per side)."""
    result, engine, mesa = _compare(runs, seed, rounds, tuple(threads), None)
    result["details"] = {"engine": _details(engine), "mesa": _details(mesa)}
    return result
