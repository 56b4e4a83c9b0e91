"""Scores of simulated runs against the historical record (``politburo validate``).

Everything here is pure: it reads run outcomes (the dicts of
:func:`politburo.simulation.run_outcome`), per-run alliance spells and a scenario's
:class:`~politburo.scenario.schema.History`, and returns numbers. Nothing is simulated.

What is scored, and how
-----------------------
Winner
    The model's forecast is the empirical winner share over the runs, with ``"none"`` for
    runs that end without a winner (:func:`winner_forecast`). :func:`p_historical_winner`
    is the share of runs won by the historical winner; :func:`brier` is the multi-category
    Brier score: categories are every leader plus ``"none"``, score = sum over categories
    of ``(p - indicator)**2``; 0 is a perfect forecast, 2 the worst.
Elimination order
    The leaders of ``history.elimination_order`` ordered by the month of their first
    defeat: the earliest loss the outcome records (an office, the leadership seat, the
    party card, freedom). That is the sense of the historiography's order for 1922-30
    (Trotsky first, losing the War Commissariat in 1925, then Zinoviev and Kamenev,
    Bukharin last); ordering by the Politburo exit alone would put Zinoviev (1926-07)
    before Trotsky (1926-10). The historical order is ``history.elimination_order`` as
    written. :func:`order_share` is the share of runs whose order equals
    it exactly; :func:`kendall_tau` the mean over runs of Kendall's tau-b between the
    historical rank and the simulated exit month.
Milestones
    Every dated fact in ``history.eliminations`` is a named milestone
    (:func:`milestones_from_history`): ``"trotsky loses commissar_of_war"``,
    ``"zinoviev leaves the politburo"``, ``"trotsky expelled from the party"``,
    ``"trotsky exiled"``. Each is scored by :func:`score_milestone`; runs where it never
    happened are charged a censored error (see there). :func:`split_milestones` separates
    the milestones a calibration was fitted on from held-out ones.
Alliances
    A run reproduces a historical alliance if, in at least one month of the historical
    interval, one of its spells contains every historical member (a superset counts) or
    its pairwise spells join every pair of them (:func:`score_alliance`).

Months are ``YYYY-MM``; arithmetic goes through :func:`politburo.scenario.month_index`.
Undefined numbers (no runs to take a median of, no run where tau is defined) are ``None``,
which is ``null`` in JSON.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Any, Literal

import numpy as np
from scipy.stats import kendalltau

from politburo.analysis.records import AllianceScore, MilestoneScore, ValidationScores
from politburo.model.world import POWER, SEAT_NONE, World, compile_world
from politburo.scenario.schema import (
    AllianceRecord,
    DatedFact,
    Death,
    History,
    Scenario,
    month_index,
    month_label,
)

#: The category of a run that ends without a winner.
NONE = "none"
#: A milestone is "on time" when it happened within this many months of history.
WITHIN_MONTHS = 6
#: months a milestone that never happens is charged beyond the calendar's end: a miss costs
#: more than the latest hit could, so a model cannot score well by leaving milestones out
MISS_PENALTY_MONTHS = 6
#: One run's alliance spell: members, first month, first month no longer allied (or None).
AllianceSpell = tuple[frozenset[str], str, str | None]

Outcome = Mapping[str, Any]
MilestoneKind = Literal["office", "politburo", "party", "exile"]


def _require_runs(outcomes: Sequence[Any]) -> int:
    if len(outcomes) == 0:
        raise ValueError("no runs to score")
    return len(outcomes)


# --- winner ------------------------------------------------------------------------------


def winner_forecast(outcomes: Sequence[Outcome]) -> dict[str, float]:
    """The model's winner forecast: each winner's share of the runs, ``"none"`` for runs
    that end without one. Only categories that occur are keys; the values sum to 1."""
    n = _require_runs(outcomes)
    counts = Counter(o["winner"] if o["winner"] is not None else NONE for o in outcomes)
    return {name: count / n for name, count in sorted(counts.items())}


def p_historical_winner(outcomes: Sequence[Outcome], history: History) -> float:
    """Share of runs whose winner is the historical one (if history has no winner: share
    of runs that end without one)."""
    n = _require_runs(outcomes)
    return sum(1 for o in outcomes if o["winner"] == history.winner) / n


def brier(forecast: Mapping[str, float], winner: str | None, candidates: Iterable[str]) -> float:
    """Multi-category Brier score of a winner forecast.

    Categories are ``candidates`` (every leader) plus ``"none"``; a category missing from
    ``forecast`` has probability 0; ``winner=None`` means the ``"none"`` category happened.
    Score = sum over categories of ``(p - indicator)**2``, between 0 (all mass on what
    happened) and 2 (all mass on one thing that did not).

    Raises ValueError if the forecast names a category outside the candidates, has a
    negative probability, or does not sum to 1 (within 1e-9), or if the winner is not a
    candidate."""
    categories = [*dict.fromkeys(c for c in candidates if c != NONE), NONE]
    outcome = NONE if winner is None else winner
    if outcome not in categories:
        raise ValueError(f"winner {winner!r} is not among the candidates")
    unknown = sorted(set(forecast) - set(categories))
    if unknown:
        raise ValueError(f"forecast names unknown categories: {', '.join(unknown)}")
    if any(p < 0 for p in forecast.values()):
        raise ValueError("forecast has a negative probability")
    total = sum(forecast.values())
    if abs(total - 1.0) > 1e-9:
        raise ValueError(f"forecast probabilities sum to {total}, not 1")
    return float(
        sum((forecast.get(c, 0.0) - (1.0 if c == outcome else 0.0)) ** 2 for c in categories)
    )


# --- elimination order -------------------------------------------------------------------


def _exit_month(outcome: Outcome, leader: str) -> str | None:
    """The month of the leader's first defeat in a run: his earliest recorded loss."""
    record = outcome["eliminations"].get(leader) or {}
    months = [record.get(key) for key in ("politburo", "party", "exile")]
    months += list((record.get("offices") or {}).values())
    dated = [m for m in months if m is not None]
    return min(dated, key=month_index) if dated else None


def elimination_order(outcome: Outcome, leaders: Sequence[str]) -> tuple[str, ...]:
    """``leaders`` in the order of their first defeat in one run (:func:`_exit_month`).
    Leaders never defeated are left out; leaders first defeated in the same month are
    ordered by id (alphabetically), which is neutral with respect to the historical
    order."""
    months = {leader: _exit_month(outcome, leader) for leader in leaders}
    beaten = [leader for leader in leaders if months[leader] is not None]
    return tuple(sorted(beaten, key=lambda leader: (month_index(months[leader] or ""), leader)))


def order_share(outcomes: Sequence[Outcome], history: History) -> float | None:
    """Share of runs whose :func:`elimination_order` equals ``history.elimination_order``
    exactly (every tracked leader left, in that order). None if history has no order."""
    n = _require_runs(outcomes)
    target = tuple(history.elimination_order)
    if not target:
        return None
    return sum(1 for o in outcomes if elimination_order(o, target) == target) / n


def run_kendall_tau(outcome: Outcome, leaders: Sequence[str]) -> float | None:
    """Kendall's tau-b between the historical rank (position in ``leaders``) and the month
    of each one's first defeat in this run. Leaders who never left rank last, tied with one
    another; leaders who left in the same month are tied (tau-b accounts for ties, so no
    tie-break is applied here). None where tau is undefined: fewer than two leaders, or
    every leader tied in the run (nobody left, or all left in the same month)."""
    if len(leaders) < 2:
        return None
    never = 10**9  # later than any month index
    months = [_exit_month(outcome, leader) for leader in leaders]
    simulated = [never if m is None else month_index(m) for m in months]
    if len(set(simulated)) < 2:
        return None
    tau = float(kendalltau(list(range(len(leaders))), simulated).statistic)
    return None if np.isnan(tau) else tau


def kendall_tau(outcomes: Sequence[Outcome], history: History) -> float | None:
    """Mean over runs of :func:`run_kendall_tau` against ``history.elimination_order``.
    Runs where tau is undefined are skipped (not counted as 0); None if it is undefined in
    every run."""
    _require_runs(outcomes)
    leaders = list(history.elimination_order)
    taus = [t for o in outcomes if (t := run_kendall_tau(o, leaders)) is not None]
    return float(np.mean(taus)) if taus else None


# --- milestones --------------------------------------------------------------------------


@dataclass(frozen=True)
class Milestone:
    """A dated loss in the historical record."""

    name: str
    leader: str
    kind: MilestoneKind
    historical: str  # YYYY-MM
    office: str | None = None

    def month_in(self, outcome: Outcome) -> str | None:
        """The month this milestone happened in a run, or None if it did not."""
        record = outcome["eliminations"].get(self.leader) or {}
        if self.kind == "office":
            month: str | None = (record.get("offices") or {}).get(self.office)
            return month
        month = record.get(self.kind)
        return month


def _milestone_name(leader: str, kind: MilestoneKind, office: str | None) -> str:
    if kind == "office":
        return f"{leader} loses {office}"
    if kind == "politburo":
        return f"{leader} leaves the politburo"
    if kind == "party":
        return f"{leader} expelled from the party"
    return f"{leader} exiled"


def milestones_from_history(history: History) -> list[Milestone]:
    """Every dated fact of ``history.eliminations`` as a named milestone, sorted by
    historical month, then name. Facts whose date is null (it never happened within the
    calendar) are not milestones: there is no month to score against.

    Names: ``"<leader> loses <office_id>"``, ``"<leader> leaves the politburo"`` (the
    record's ``politburo`` field, whatever the scenario calls its leadership body),
    ``"<leader> expelled from the party"``, ``"<leader> exiled"``."""
    found: list[Milestone] = []

    def add(leader: str, kind: MilestoneKind, fact: DatedFact | None, office: str | None) -> None:
        if fact is not None and fact.date is not None:
            name = _milestone_name(leader, kind, office)
            found.append(Milestone(name, leader, kind, fact.date, office))

    for leader, record in history.eliminations.items():
        for office, fact in record.offices.items():
            add(leader, "office", fact, office)
        add(leader, "politburo", record.politburo, None)
        add(leader, "party", record.party, None)
        add(leader, "exile", record.exile, None)
    return sorted(found, key=lambda m: (month_index(m.historical), m.name))


def split_milestones(
    milestones: Sequence[Milestone], held_out: Iterable[str]
) -> tuple[list[Milestone], list[Milestone]]:
    """``(fitted, held_out)``: the milestones named in ``held_out`` (kept out of a
    calibration, for out-of-sample reporting) and the rest, each in the input order.
    Raises ValueError naming any held-out name that is not a milestone."""
    wanted = set(held_out)
    unknown = sorted(wanted - {m.name for m in milestones})
    if unknown:
        raise ValueError(f"unknown milestones: {', '.join(unknown)}")
    return (
        [m for m in milestones if m.name not in wanted],
        [m for m in milestones if m.name in wanted],
    )


def score_milestone(
    milestone: Milestone, outcomes: Sequence[Outcome], calendar_end: str
) -> MilestoneScore:
    """Timing of one milestone over the runs.

    - ``median_simulated``: the median month among runs where it happened (the lower
      median for an even count, as ``politburo run``'s median consolidation), else None.
    - ``median_abs_error_months``: median over *all* runs of ``|simulated - historical|``
      in months. A run where it never happened is charged
      ``month_index(calendar_end) - month_index(historical) + 1 + MISS_PENALTY_MONTHS``:
      the least error it could have had, had it happened the month after the calendar
      ends, plus a stated penalty for the miss.
    - ``share_within_6``: share of all runs where it happened within 6 months of the
      historical month (inclusive). A run where it never happened never counts, even when
      its censored error is 6 or less (a milestone in the calendar's last months).
    - ``share_happened``: share of runs where it happened at all.

    Raises ValueError if the historical month is after ``calendar_end``."""
    n = _require_runs(outcomes)
    hist = month_index(milestone.historical)
    end = month_index(calendar_end)
    if hist > end:
        raise ValueError(
            f"milestone {milestone.name!r} ({milestone.historical}) is after the calendar "
            f"end {calendar_end}"
        )
    missed = end - hist + 1 + MISS_PENALTY_MONTHS
    happened: list[int] = []
    errors: list[int] = []
    for outcome in outcomes:
        month = milestone.month_in(outcome)
        if month is None:
            errors.append(missed)
        else:
            happened.append(month_index(month))
            errors.append(abs(happened[-1] - hist))
    within = sum(1 for m in happened if abs(m - hist) <= WITHIN_MONTHS)
    median = month_label(sorted(happened)[(len(happened) - 1) // 2]) if happened else None
    return MilestoneScore(
        name=milestone.name,
        historical=milestone.historical,
        median_simulated=median,
        median_abs_error_months=float(statistics.median(errors)),
        share_within_6=within / n,
        share_happened=len(happened) / n,
    )


def score_milestones(
    milestones: Sequence[Milestone], outcomes: Sequence[Outcome], calendar_end: str
) -> list[MilestoneScore]:
    """:func:`score_milestone` for each milestone, in order."""
    return [score_milestone(m, outcomes, calendar_end) for m in milestones]


def median_milestone_error(scores: Sequence[MilestoneScore]) -> float | None:
    """Median over milestones of their median absolute error (None if there are none).
    Pass the fitted and the held-out scores separately to report each."""
    if not scores:
        return None
    return float(statistics.median(s.median_abs_error_months for s in scores))


# --- alliances ---------------------------------------------------------------------------


def _span(start: str, end: str | None, last: int) -> range:
    """Months of an interval: from ``start`` up to, not including, ``end`` (the tenure
    convention); an open end runs through month index ``last``."""
    stop = last + 1 if end is None else month_index(end)
    begin = month_index(start)
    if stop < begin:
        raise ValueError(f"interval ends ({end}) before it starts ({start})")
    return range(begin, stop)


def alliance_overlap(
    members: Iterable[str],
    start: str,
    end: str | None,
    spells: Iterable[AllianceSpell],
    calendar_end: str,
) -> int:
    """Months of the historical interval ``[start, end)`` in which one run had the
    historical members allied: every pair of them inside one spell in force that month.

    A single spell whose members include every historical member (a superset: a bloc that
    also took in others) covers its months; so do pairwise spells, the engine's
    alliances, when together they join every pair at once (Stalin-Zinoviev,
    Stalin-Kamenev and Zinoviev-Kamenev, for the triumvirate). Months covered by several
    spells count once. Intervals exclude their end month, as tenures do; an open end
    (None) lasts through ``calendar_end``."""
    wanted = sorted(set(members))
    last = month_index(calendar_end)
    historical = _span(start, end, last)
    spans = [
        (frozenset(spell_members), _span(spell_start, spell_end, last))
        for spell_members, spell_start, spell_end in spells
    ]
    covered = set(historical)
    for a, b in combinations(wanted, 2):
        joined: set[int] = set()
        for spell_members, span in spans:
            if a in spell_members and b in spell_members:
                joined.update(
                    range(max(span.start, historical.start), min(span.stop, historical.stop))
                )
        covered &= joined
        if not covered:
            break
    return len(covered)


def spells_of(outcome: Outcome) -> list[AllianceSpell]:
    """A run's alliance spells from its outcome's ``alliances`` list (records with
    ``members``, ``formed`` and ``ended``, ``ended`` None if it lasted), [] without one."""
    return [
        (frozenset(r["members"]), r["formed"], r["ended"]) for r in outcome.get("alliances", [])
    ]


def score_alliance(
    alliance: AllianceRecord,
    spells_per_run: Sequence[Sequence[AllianceSpell]],
    calendar_end: str,
) -> AllianceScore:
    """How often and how long the runs reproduce one historical alliance (an
    :class:`~politburo.scenario.schema.AllianceRecord`).

    A run reproduces it if :func:`alliance_overlap` is at least one month: in some month
    of the historical interval a spell whose members include every historical member (a
    superset counts: a bloc that also took in others), or pairwise spells joining every
    pair of them, were in force. ``share`` is the share of runs that
    reproduce it; ``median_overlap_months`` the median overlap among those runs (None if
    none does)."""
    n = _require_runs(spells_per_run)
    overlaps = [
        alliance_overlap(alliance.members, alliance.start, alliance.end, spells, calendar_end)
        for spells in spells_per_run
    ]
    hits = [x for x in overlaps if x > 0]
    return AllianceScore(
        id=alliance.id,
        name=alliance.name,
        share=len(hits) / n,
        median_overlap_months=float(statistics.median(hits)) if hits else None,
    )


# --- naive forecasts ---------------------------------------------------------------------


def contenders(scenario: Scenario) -> list[str]:
    """Leaders a naive forecaster could name: those who act (``actor``), hold a full or
    candidate seat in the leadership body at the calendar start, and whose death is not
    a scheduled event of the scenario (Lenin, in ussr-1922: the man being succeeded)."""
    return _contenders(scenario, compile_world(scenario))


def _contenders(scenario: Scenario, world: World) -> list[str]:
    doomed = {
        effect.leader
        for event in scenario.events
        for effect in event.effects
        if isinstance(effect, Death)
    }
    return [
        leader
        for i, leader in enumerate(world.leader_ids)
        if world.actor[i] and world.seat0[i] != SEAT_NONE and leader not in doomed
    ]


def _all_on_best(scores: Mapping[str, float]) -> dict[str, float]:
    """All mass on the highest score; leaders within 1e-9 of it share it equally."""
    if not scores:
        raise ValueError("no contenders to forecast")
    best = max(scores.values())
    # A tie within rounding: sums of power weights can differ in the last bit.
    top = [leader for leader, value in scores.items() if value >= best - 1e-9]
    return {leader: 1.0 / len(top) for leader in top}


def naive_highest_office(scenario: Scenario) -> dict[str, float]:
    """Forecast: the contender (:func:`contenders`) holding the highest office at the
    calendar start wins; ties split the mass equally.

    "Highest" is the office's public standing, its ``prestige`` power: the rank
    contemporaries saw. The office's hidden levers (appointment, information) are left
    out on purpose: their weights were estimated by the scenario's authors, who knew the
    outcome, so a forecast from them would smuggle hindsight into the naive baseline. A
    leader's height is that of the highest office he holds at the start (tenures in force
    then, as the engine seeds them), 0 if none. In ussr-1922 Lenin's Sovnarkom chair
    (0.8) is out (Lenin is no contender), so the Commissar of War (Trotsky) and the
    Comintern chair (Zinoviev), both 0.6, share the forecast."""
    world = compile_world(scenario)
    index = {leader: i for i, leader in enumerate(world.leader_ids)}
    height = world.office_powers[:, POWER["prestige"]]
    scores: dict[str, float] = {}
    for leader in _contenders(scenario, world):
        held = np.flatnonzero(world.office_holder0 == index[leader])
        scores[leader] = float(height[held].max()) if held.size else 0.0
    return _all_on_best(scores)


def naive_most_prestigious(scenario: Scenario) -> dict[str, float]:
    """Forecast: the contender (:func:`contenders`) with the highest starting prestige
    (each leader's ``prestige`` value) wins; ties split the mass equally."""
    values = {leader.id: leader.prestige.value for leader in scenario.leaders}
    return _all_on_best({leader: values[leader] for leader in contenders(scenario)})


def naive_uniform(scenario: Scenario) -> dict[str, float]:
    """Forecast: every contender (:func:`contenders`) is as likely to win as any other."""
    names = contenders(scenario)
    if not names:
        raise ValueError("no contenders to forecast")
    return {leader: 1.0 / len(names) for leader in names}


def naive_incumbent(scenario: Scenario) -> dict[str, float]:
    """Forecast: the regime stays with whoever leads it at the calendar start, the holder
    of the office with the highest public standing (its ``prestige`` power, as in
    :func:`naive_highest_office`), contender or not; ties split the mass equally. Where
    the leader whose succession is at stake holds that office (ussr-1922: Lenin, whose
    death is scheduled), the forecast names him and so scores as badly as a forecast can:
    the baseline a model must beat by seeing that a succession is coming at all."""
    world = compile_world(scenario)
    height = world.office_powers[:, POWER["prestige"]]
    scores: dict[str, float] = {}
    for office, holder in enumerate(world.office_holder0):
        if holder >= 0:
            leader = world.leader_ids[int(holder)]
            scores[leader] = max(scores.get(leader, 0.0), float(height[office]))
    return _all_on_best(scores)


#: the naive forecasts every batch is compared with (name -> forecast of a scenario)
NAIVE_FORECASTS = {
    "uniform": naive_uniform,
    "incumbent": naive_incumbent,
    "highest_office": naive_highest_office,
    "most_prestigious": naive_most_prestigious,
}


# --- everything --------------------------------------------------------------------------


def validation_scores(
    outcomes: Sequence[Outcome],
    history: History,
    leaders: Sequence[str],
    calendar_end: str,
    spells: Sequence[Sequence[AllianceSpell]] | None = None,
    milestones: Sequence[Milestone] | None = None,
) -> ValidationScores:
    """All scores of a batch of runs against ``history``.

    ``leaders`` are the scenario's leader ids (the Brier categories, with ``"none"``);
    ``calendar_end`` the scenario's last month. ``spells`` holds each run's alliance
    spells, parallel to ``outcomes``; without it they are read from the outcomes'
    ``alliances`` lists (:func:`spells_of`) if every outcome has one, else the alliance
    list is empty.
    ``milestones`` defaults to :func:`milestones_from_history`; pass the fitted (or the
    held-out) part of :func:`split_milestones` to score only those."""
    n = _require_runs(outcomes)
    chosen = milestones_from_history(history) if milestones is None else list(milestones)
    milestone_scores = score_milestones(chosen, outcomes, calendar_end)
    alliance_scores: list[AllianceScore] = []
    if spells is None and all("alliances" in o for o in outcomes):
        spells = [spells_of(o) for o in outcomes]
    if spells is not None:
        if len(spells) != n:
            raise ValueError(f"{len(spells)} spell lists for {n} runs")
        alliance_scores = [score_alliance(a, spells, calendar_end) for a in history.alliances]
    return ValidationScores(
        p_historical_winner=p_historical_winner(outcomes, history),
        brier=brier(winner_forecast(outcomes), history.winner, leaders),
        order_share=order_share(outcomes, history),
        kendall_tau=kendall_tau(outcomes, history),
        median_milestone_error_months=median_milestone_error(milestone_scores),
        milestones=milestone_scores,
        alliances=alliance_scores,
    )
