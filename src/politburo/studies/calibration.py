"""``politburo calibrate``: fit a few global mechanism parameters to a scenario's record.

Only global parameters move: never scenario facts, never a leader's traits. The free set
is deliberately small, one lever per mechanism the historiography argues about, each
with a plausible range (:data:`FREE_PARAMETERS`). The loss is computed from
``politburo validate``'s scores on the *fitted* part of the record; the held-out
milestones are scored only to report out-of-sample fit. The search is Optuna's TPE
sampler with a fixed seed, so the same command gives the same trials.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from politburo.errors import InputError
from politburo.model.outcome import Outcome
from politburo.model.params import DEFAULT_PARAMETERS, Parameters
from politburo.progress import Progress
from politburo.studies.records import (
    AdoptionVerdict,
    CalibrationScores,
    JointScores,
    Scores,
    Trial,
)

if TYPE_CHECKING:  # the evaluation path loads the store: only when a scorer is made
    from politburo.studies.evaluation import Evaluator


@dataclass(frozen=True)
class FreeParameter:
    name: str  # dotted path in Parameters ("heuristic.recant")
    low: float
    high: float
    integer: bool = False
    why: str = ""


#: The parameters calibration may move, with their ranges.
FREE_PARAMETERS: tuple[FreeParameter, ...] = (
    FreeParameter("vote_loyalty_weight", 0.5, 4.0, why="patronage: the pull of a patron on votes"),
    FreeParameter(
        "vote_prestige_weight", 0.3, 2.5, why="legitimacy: the pull of prestige on votes"
    ),
    FreeParameter("vote_fear_weight", 0.5, 5.0, why="bandwagoning toward the stronger side"),
    FreeParameter("appointment_success", 0.2, 0.9, why="how fast the apparatus is captured"),
    FreeParameter("defection_rate", 0.0, 0.5, why="how reliable clients are"),
    FreeParameter(
        "secretary_desertion", 0.0, 0.2, why="how fast a beaten patron's secretaries desert"
    ),
    FreeParameter("discipline_cooldown", 1, 8, integer=True, why="months between rungs"),
    FreeParameter("decision_noise", 0.05, 0.5, why="bounded rationality of leaders"),
    FreeParameter("heuristic.recant", 0.5, 3.0, why="readiness of the beaten to submit"),
    FreeParameter("heuristic.pass_score", 0.05, 0.6, why="how readily leaders act at all"),
    FreeParameter("attack_backlash", 0.0, 0.08, why="what polemics cost the polemicist"),
    FreeParameter("attack_effect", 0.0, 0.1, why="what polemics cost their target"),
    FreeParameter("faction_visibility", 0.0, 0.2, why="how fast factional work becomes a pretext"),
    FreeParameter("threat_switch", 1.0, 2.5, why="how readily a front turns on a new threat"),
    FreeParameter(
        "threat_policy_weight", 0.0, 4.0, why="camps: how far a rival's programme makes him feared"
    ),
    FreeParameter(
        "threat_force_weight", 0.0, 3.0, why="how far command of police or army makes him feared"
    ),
    FreeParameter("heuristic.alliance", 0.5, 3.0, why="appetite for alliances against a threat"),
    FreeParameter("exclusion_cost", 0.5, 4.0, why="plenums: cost of excluding a man of stature"),
    FreeParameter("vote_revelation", 0.0, 0.8, why="perception: what one public vote reveals"),
    FreeParameter(
        "heuristic.calm_opposition", 0.0, 1.0, why="how far open opposition waits for a crisis"
    ),
    FreeParameter(
        "heuristic.motion_case", 0.0, 1.0, why="the evidence a disciplinary motion needs"
    ),
    FreeParameter("heuristic.polemic_case", 0.0, 1.0, why="how far polemics wait for a case"),
)


def get_value(params: Parameters, name: str) -> float:
    node: Any = params
    for part in name.split("."):
        node = getattr(node, part)
    return float(node)


def with_values(params: Parameters, values: dict[str, float]) -> Parameters:
    """A copy of ``params`` with dotted-path values replaced (validated)."""
    data = params.model_dump()
    for name, value in values.items():
        spec = next((p for p in FREE_PARAMETERS if p.name == name), None)
        node = data
        parts = name.split(".")
        for part in parts[:-1]:
            node = node[part]
        if parts[-1] not in node:
            raise InputError(f"unknown parameter {name!r}")
        node[parts[-1]] = round(value) if spec is not None and spec.integer else value
    return Parameters.model_validate(data)


def defaults() -> dict[str, float]:
    """The current package default of each free parameter."""
    return {p.name: get_value(DEFAULT_PARAMETERS, p.name) for p in FREE_PARAMETERS}


def loss(scores: Scores) -> float:
    """One number to minimise from ``validate``'s fitted scores: the Brier score of the
    winner forecast, plus the median milestone error in years (capped at 3), plus the
    shortfall of the historical elimination order's share from one half, plus the mean
    share of runs that miss each of the record's alliances (0 without alliances in the
    record). Each term is about 0-1 at its worst, so none dominates. Several scenarios'
    scores (:class:`JointScores`, from :class:`JointScorer`) give the mean of their
    losses."""
    if isinstance(scores, JointScores):
        parts = [loss(part) for part in scores.scenarios.values()]
        return sum(parts) / len(parts)
    error = scores.median_milestone_error_months
    years = 1.0 if error is None else min(error / 12.0, 3.0) / 3.0
    order = scores.order_share or 0.0
    alliances = scores.alliances
    missed = sum(1.0 - a.share for a in alliances) / len(alliances) if alliances else 0.0
    return scores.brier + years + max(0.0, 0.5 - order) + missed


Objective = Callable[[Parameters], Scores]


def search(
    objective: Objective,
    trials: int,
    seed: int,
    free: Sequence[FreeParameter] = FREE_PARAMETERS,
    progress: Progress | None = None,
) -> tuple[dict[str, float], list[Trial]]:
    """Minimise :func:`loss` over ``free`` with Optuna (TPE, seeded); the first trial is
    the current defaults. Returns the best values and every trial (:class:`Trial`);
    ``progress("trials", done, trials)`` is told as each trial ends."""
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    sampler = optuna.samplers.TPESampler(seed=seed)
    study = optuna.create_study(direction="minimize", sampler=sampler)
    study.enqueue_trial(defaults())
    history: list[Trial] = []

    def run(trial: Any) -> float:
        values: dict[str, float] = {}
        for p in free:
            if p.integer:
                values[p.name] = trial.suggest_int(p.name, int(p.low), int(p.high))
            else:
                values[p.name] = trial.suggest_float(p.name, p.low, p.high)
        scores = objective(with_values(DEFAULT_PARAMETERS, values))
        value = loss(scores)
        history.append(Trial(number=trial.number, loss=value, values=values, scores=scores))
        if progress is not None:
            progress("trials", len(history), trials)
        return value

    if progress is not None:
        progress("trials", 0, trials)
    study.optimize(run, n_trials=trials)
    best = dict(study.best_trial.params)
    return {k: float(v) for k, v in best.items()}, history


def held_out_milestones(history: Any) -> list[str]:
    """The part of the record calibration never sees: every third milestone in date
    order (the 3rd, 6th, ...), so early and late events are held out alike."""
    from politburo.analysis.validation import milestones_from_history

    return [m.name for k, m in enumerate(milestones_from_history(history)) if k % 3 == 2]


class Scorer:
    """Simulates a scenario's baseline under given parameters and scores it against the
    record: the fitted milestones in ``scores``, the held-out ones apart."""

    def __init__(
        self,
        scenario: Any,
        runs: int,
        seed: int,
        workers: int = 1,
        evaluator: Evaluator | None = None,
        backend: str | None = None,
        address: str | None = None,
    ) -> None:
        from politburo.analysis.validation import milestones_from_history, split_milestones
        from politburo.model.world import compile_world
        from politburo.studies.evaluation import Evaluator

        if scenario.history is None:
            raise InputError(f"scenario {scenario.id!r} has no history: section to fit")
        self.scenario = scenario
        self.world = compile_world(scenario)
        # one pool for the whole search, not one per trial
        self.evaluator = evaluator or Evaluator(
            seed, runs, workers, chunk=-(-runs // max(workers, 1)), backend=backend,
            address=address,
        )  # fmt: skip
        self.held_out = held_out_milestones(scenario.history)
        self.fitted, self.kept_back = split_milestones(
            milestones_from_history(scenario.history), self.held_out
        )

    def outcomes(self, params: Parameters) -> list[Outcome]:
        return self.evaluator.outcomes(self.world, params)

    def score(self, params: Parameters) -> CalibrationScores:
        from politburo.analysis.validation import (
            median_milestone_error,
            score_milestones,
            validation_scores,
        )

        outcomes = self.outcomes(params)
        history = self.scenario.history
        leaders = [leader.id for leader in self.scenario.leaders]
        end = self.scenario.calendar.end
        scores = validation_scores(outcomes, history, leaders, end, milestones=self.fitted)
        held = score_milestones(self.kept_back, outcomes, end)
        return CalibrationScores(
            **dict(scores),
            held_out_median_milestone_error_months=median_milestone_error(held),
        )


class JointScorer:
    """Scores several scenarios' records under one parameter set, on one pool of
    workers: a single scenario's scores as :class:`Scorer`, several as
    :class:`JointScores` (their loss is the mean, and the adoption rule asks
    that no scenario's held-out error worsen). ``backend`` and ``address`` choose the
    workers as :class:`~politburo.studies.evaluation.Evaluator`'s do."""

    def __init__(
        self,
        scenarios: Sequence[Any],
        runs: int,
        seed: int,
        workers: int = 1,
        backend: str | None = None,
        address: str | None = None,
    ) -> None:
        if not scenarios:
            raise InputError("no scenario to fit")
        ids = [spec.id for spec in scenarios]
        if len(set(ids)) != len(ids):
            raise InputError(f"a scenario is named twice: {', '.join(ids)}")
        first = Scorer(scenarios[0], runs, seed, workers, backend=backend, address=address)
        self.scorers = [first] + [
            Scorer(spec, runs, seed, workers, evaluator=first.evaluator) for spec in scenarios[1:]
        ]
        self.evaluator = first.evaluator
        self.held_out = {sc.scenario.id: sc.held_out for sc in self.scorers}

    def score(self, params: Parameters) -> Scores:
        if len(self.scorers) == 1:
            return self.scorers[0].score(params)
        return JointScores(scenarios={sc.scenario.id: sc.score(params) for sc in self.scorers})


def adoption_verdict(before: Trial, after: Trial) -> AdoptionVerdict:
    """Whether a calibration's best trial should replace the package defaults: only if it
    lowers the fitted loss *and* does not worsen the held-out milestones (out-of-sample
    fit) — of any scenario, when several are fitted together — since other cases will be
    run with the defaults and a fit that only works for the reference case is a
    failure."""
    fitted = f"fitted loss {before.loss:.3f} -> {after.loss:.3f}"
    if after.loss >= before.loss:
        reason = "no trial beat the defaults on the fitted record"
        return AdoptionVerdict(adopt=False, reason=reason)
    held = []
    chosen = after.scenario_scores()
    for name, b in before.scenario_scores().items():
        held_before = b.held_out_median_milestone_error_months
        held_after = chosen[name].held_out_median_milestone_error_months
        where = f" of {name}" if name else ""
        if held_before is not None and (held_after is None or held_after > held_before):
            return AdoptionVerdict(
                adopt=False,
                reason=f"{fitted}, but the held-out milestone error{where} worsened "
                f"({held_before} -> {held_after} months)",
            )
        held.append(f"held-out milestone error{where} {held_before} -> {held_after} months")
    return AdoptionVerdict(adopt=True, reason=f"{fitted}, " + ", ".join(held))
