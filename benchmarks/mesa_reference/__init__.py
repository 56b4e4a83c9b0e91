"""A Mesa 3 reference model of the core mechanisms, to benchmark the batched engine
against an idiomatic agent-based implementation of the same rules.

The Mesa model (:mod:`.model`, :mod:`.agents`) has one agent per leader, per regional
secretary and per congress delegate, and implements only appointment, bodies and votes,
congress elections and discipline: the engine with :data:`CORE_ABLATE` switched off.

    python -m benchmarks.mesa_reference --runs 200
    python -m benchmarks.mesa_reference.verify --runs 20   # scores equal the engine's

See README.md in this directory for the mapping to the engine and the differences.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
from scipy.stats import chi2_contingency

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
#: Engine batch size for the comparison (the size the reference figure was measured at).
ENGINE_BATCH = 300
#: Leaders whose fate :func:`compare_in_detail` reports.
WATCHED = ("trotsky", "zinoviev", "kamenev", "bukharin", "rudzutak")

__all__ = ["CORE_ABLATE", "compare", "compare_in_detail", "run_engine", "run_mesa"]


def _run_seed(seed: int, run: int) -> int:
    """An independent seed for run ``run`` of an experiment seeded ``seed``."""
    return int(np.random.SeedSequence([seed, run]).generate_state(1)[0])


def _mesa_outcomes(runs: int, seed: int) -> tuple[list[dict[str, Any]], float]:
    """Outcomes of ``runs`` Mesa runs and the seconds they took (scenario loading
    excluded)."""
    facts = facts_of(SCENARIO)
    outcomes = []
    started = time.perf_counter()
    for run in range(runs):
        model = PolitburoModel(facts, seed=_run_seed(seed, run))
        model.run_model()
        outcomes.append(model.outcome())
        model.remove_all_agents()
    return outcomes, time.perf_counter() - started


def run_mesa(runs: int, seed: int = 0) -> tuple[Counter[str], float]:
    """Winner counts (key ``"none"`` for no winner) of ``runs`` Mesa runs and runs per
    second."""
    outcomes, seconds = _mesa_outcomes(runs, seed)
    return Counter(o["winner"] or "none" for o in outcomes), runs / max(seconds, 1e-9)


def _engine_outcomes(runs: int, seed: int) -> tuple[list[dict[str, Any]], float]:
    """Outcomes of ``runs`` engine runs with :data:`CORE_ABLATE`, in batches of
    :data:`ENGINE_BATCH`, and the seconds they took (compiling and a one-run warm-up
    excluded)."""
    world = world_of(SCENARIO)
    simulate(world, seed=seed, runs=1, ablate=CORE_ABLATE, record_events=False)  # warm-up
    outcomes: list[dict[str, Any]] = []
    seconds = 0.0
    for start in range(0, runs, ENGINE_BATCH):
        indices = range(start, min(start + ENGINE_BATCH, runs))
        started = time.perf_counter()
        batch = simulate(world, seed=seed, runs=indices, ablate=CORE_ABLATE, record_events=False)
        seconds += time.perf_counter() - started
        s = batch.state

        def label(turn: int) -> str | None:
            return None if turn < 0 else world.month_label(turn)

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
    return outcomes, seconds


def run_engine(runs: int, seed: int = 0) -> tuple[Counter[str], float]:
    """The same figures as :func:`run_mesa` for the engine with :data:`CORE_ABLATE`."""
    outcomes, seconds = _engine_outcomes(runs, seed)
    return Counter(o["winner"] or "none" for o in outcomes), runs / max(seconds, 1e-9)


def homogeneity_p(a: Counter[str], b: Counter[str]) -> float:
    """p-value of a chi-square test of homogeneity of two count distributions.

    Categories neither side uses are dropped. When fewer than two categories remain
    (both put all their mass on one category, e.g. Stalin wins every run in both) the
    distributions are identical and there is nothing to test: p = 1.0.
    """
    keys = sorted(k for k in set(a) | set(b) if a[k] + b[k] > 0)
    if len(keys) < 2:
        return 1.0
    table = np.array([[a[k] for k in keys], [b[k] for k in keys]])
    return float(chi2_contingency(table).pvalue)


def _summary(
    engine: tuple[list[dict[str, Any]], float], mesa: tuple[list[dict[str, Any]], float]
) -> dict[str, Any]:
    (e_out, e_s), (m_out, m_s) = engine, mesa
    e_win = Counter(o["winner"] or "none" for o in e_out)
    m_win = Counter(o["winner"] or "none" for o in m_out)
    mesa_rate = len(m_out) / max(m_s, 1e-9)
    engine_rate = len(e_out) / max(e_s, 1e-9)
    return {
        "mesa_runs_per_s": mesa_rate,
        "engine_runs_per_s": engine_rate,
        "ratio_vs_mesa": engine_rate / max(mesa_rate, 1e-9),
        "same_distribution_p": homogeneity_p(e_win, m_win),
        "winners": {"engine": dict(e_win), "mesa": dict(m_win)},
    }


def compare(runs: int = 2000, seed: int = 0) -> dict[str, Any]:
    """Run the engine (with :data:`CORE_ABLATE`, in batches of :data:`ENGINE_BATCH`) and
    the Mesa model ``runs`` times each and compare speed and winners.

    Returns ``mesa_runs_per_s``, ``engine_runs_per_s``, ``ratio_vs_mesa`` (engine runs
    per second over Mesa's), ``same_distribution_p`` (chi-square test of homogeneity of
    the winner counts; when both put every run on the same winner the distributions are
    identical and p is reported as 1.0) and ``winners`` (counts per side, ``"none"`` for
    no winner).
    """
    return _summary(_engine_outcomes(runs, seed), _mesa_outcomes(runs, seed))


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


def compare_in_detail(runs: int = 2000, seed: int = 0) -> dict[str, Any]:
    """:func:`compare` plus an informal comparison (``details``: consolidation months
    and the fates of Trotsky, Zinoviev and others, per side) and the consolidation-month
    homogeneity p-value (``consolidation_p``, chi-square on the months, sparse months
    pooled)."""
    engine, mesa = _engine_outcomes(runs, seed), _mesa_outcomes(runs, seed)
    result = _summary(engine, mesa)
    result["details"] = {"engine": _details(engine[0]), "mesa": _details(mesa[0])}
    e_months = Counter(o["month"] or "none" for o in engine[0])
    m_months = Counter(o["month"] or "none" for o in mesa[0])
    # pool months with fewer than 10 runs on both sides together (chi-square needs counts)
    pooled_e: Counter[str] = Counter()
    pooled_m: Counter[str] = Counter()
    for month in set(e_months) | set(m_months):
        key = month if e_months[month] + m_months[month] >= 10 else "other"
        pooled_e[key] += e_months[month]
        pooled_m[key] += m_months[month]
    result["consolidation_p"] = homogeneity_p(pooled_e, pooled_m)
    return result
