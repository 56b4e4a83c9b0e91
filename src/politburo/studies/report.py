"""``politburo report``: simulate what a report draws, score it if need be, and write it.

The page itself (:mod:`politburo.analysis.report`) only reads data; this is where its
runs are simulated: a batch of runs of one seed (:func:`report_runs`), the representative
run simulated again with its events recorded, and, for a scenario with a history when no
validation is given, the baseline scored against the record
(:func:`politburo.studies.validate.validate`).
"""

from __future__ import annotations

import shlex
from pathlib import Path

from politburo.analysis.records import Explanation, ValidationReport
from politburo.analysis.report import write_report
from politburo.analysis.sections import (
    ReportRuns,
    RepresentativeRun,
    arm_from_outcomes,
    describe_parameters,
    representative_run,
)
from politburo.errors import InputError
from politburo.experiment.records import ExperimentSummary
from politburo.model.events import event_records
from politburo.model.outcome import Outcome
from politburo.model.params import DEFAULT_PARAMETERS, Parameters
from politburo.model.world import World
from politburo.progress import Progress
from politburo.scenario import load_scenario
from politburo.simulation import simulate, world_of
from politburo.studies.validate import validate


def report_runs(
    world: World,
    runs: int,
    seed: int = 0,
    params: Parameters = DEFAULT_PARAMETERS,
    progress: Progress | None = None,
) -> ReportRuns:
    """Simulate run indices 0..runs-1 of ``seed`` and the representative run again, alone
    and with its events (run k draws from its own stream (seed, k), so it is the same
    run, without keeping every run's events). ``progress`` is told ``("months", done,
    total)`` while the batch runs."""
    if runs < 1:
        raise InputError(f"runs must be at least 1 (got {runs})")
    result = simulate(
        world, seed=seed, runs=runs, params=params, record_events=False, progress=progress
    )
    outcomes = [result.outcome(k) for k in range(runs)]
    position, how = representative_run(world, outcomes, result.power)
    again = simulate(world, seed=seed, runs=[position], params=params, record_events=True)
    outcome = again.outcome(0)
    chosen = RepresentativeRun(
        position=position,
        how=how,
        power=again.power[:, 0, :],
        events=event_records(world, again.log.for_run(0)),
        outcome=outcome,
        reproduced=_same_fate(outcome, outcomes[position]),
    )
    return ReportRuns(
        seed=seed,
        power=result.power,
        lost_seat=result.state.lost_seat,
        baseline=arm_from_outcomes("baseline: this report's runs", world, outcomes),
        representative=chosen,
    )


def _same_fate(one: Outcome, other: Outcome) -> bool:
    """Whether two outcomes have the same winner, month and losses (alliances aside)."""
    return (one.winner, one.month, one.eliminations) == (
        other.winner, other.month, other.eliminations,
    )  # fmt: skip


def default_command(scenario: str, out: Path, runs: int, seed: int, params: Path | None) -> str:
    """The ``politburo report`` line that makes this report again."""
    parts = ["politburo", "report", scenario, "--runs", str(runs), "--seed", str(seed)]
    if params is not None:
        parts += ["--params", str(params)]
    parts += ["--out", str(out)]
    return shlex.join(parts)


def report(
    scenario: str,
    out: Path,
    *,
    runs: int = 200,
    seed: int = 0,
    params: Path | None = None,
    validation: ValidationReport | None = None,
    attribution: Explanation | None = None,
    experiment: ExperimentSummary | None = None,
    score: bool = True,
    command: str | None = None,
    progress: Progress | None = None,
) -> Path:
    """Simulate ``runs`` runs of ``scenario`` (built-in id or file) from ``seed`` and write
    ``out/index.html`` with its figures beside it; return the page's path.

    ``validation``, ``attribution`` and ``experiment`` are the records of ``politburo
    validate``, ``explain`` and ``experiment``. Without a validation, and with ``score``,
    a scenario with a history has its baseline scored here (at least 2 runs). ``params``
    is a parameters file (JSON) instead of the defaults; ``command`` the command line
    shown as the way to make the report again (default: a ``politburo report`` line of
    these arguments). ``progress`` is told ``("scoring", done, total)`` over the runs scored,
    ``("months", ...)`` while the report's runs are simulated, ``("sections", ...)``
    while the page is drawn."""
    if runs < 1:
        raise InputError(f"runs must be at least 1 (got {runs})")
    out = Path(out)
    spec = load_scenario(scenario)
    world = world_of(spec)
    parameters = DEFAULT_PARAMETERS if params is None else Parameters.from_file(params)
    passed = [
        name
        for name, value in (
            ("validation", validation),
            ("attribution", attribution),
            ("experiment", experiment),
        )
        if value is not None
    ]
    if score and validation is None and spec.history is not None and runs >= 2:
        scoring = (
            None
            if progress is None
            else (lambda _stage, done, total: progress("scoring", done, total))
        )
        validation = validate(
            spec, runs, seed=seed, params=parameters, checks=False, progress=scoring
        )
    data = report_runs(world, runs, seed, parameters, progress)
    python = (
        f"report({scenario!r}, Path('OUT'), runs={runs}, seed={seed}"
        + (f", params=Path({str(params)!r})" if params is not None else "")
        + "".join(f", {name}=..." for name in passed)
        + ")"
    )
    return write_report(
        world,
        out,
        data,
        command=command or default_command(scenario, out, runs, seed, params),
        python=f"from politburo.studies.report import report\n{python}",
        parameters=describe_parameters(params, parameters),
        validation=validation,
        attribution=attribution,
        experiment=experiment,
        progress=progress,
    )
