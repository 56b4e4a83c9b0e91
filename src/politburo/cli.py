"""The ``politburo`` command line."""

from __future__ import annotations

import json
import os
import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.panel import Panel
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

from politburo.errors import UserError
from politburo.mechanisms import MECHANISMS, UnknownMechanismError, enabled_mechanisms
from politburo.model.params import DEFAULT_PARAMETERS, Parameters
from politburo.model.rng import MAX_RUNS, SEED_LIMIT
from politburo.scenario import ScenarioError, builtin_names, load_scenario
from politburo.scenario.schema import Scenario

if TYPE_CHECKING:  # the experiment package loads DuckDB: only when a command needs it
    from politburo.agents.human import Situation
    from politburo.analysis.records import (
        Explanation,
        FactScore,
        ValidationReport,
        ValueInterval,
    )
    from politburo.experiment.records import Difference, ExperimentSummary
    from politburo.studies.calibration_summary import CalibrationSummary
    from politburo.studies.records import Scores

app = typer.Typer(
    help="Simulate succession struggles inside single-party regimes.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console()
err = Console(stderr=True)


@app.callback()
def _start() -> None:
    """Say so when the first run on a machine compiles the engine (cached afterwards)."""
    import politburo.kernel

    if sys.stderr.isatty() and politburo.kernel.cache_is_cold():
        err.print(
            "[dim]compiling the simulation engine: the first run on this machine takes "
            "about two minutes, later runs start at once[/]",
            highlight=False,
        )


MECHANISM_HELP = "Repeatable. One of: " + ", ".join(MECHANISMS) + "."


def _fail(message: str, code: int = 2) -> typer.Exit:
    err.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(code)


def _problems(error: ScenarioError) -> NoReturn:
    """Print a scenario's problems, one ``file:line:column: ...`` a line, and exit 2."""
    for problem in error.problems:
        print(str(problem), file=sys.stderr)
    raise typer.Exit(2) from None


def _load(name: str) -> Scenario:
    try:
        return load_scenario(name)
    except ScenarioError as error:
        _problems(error)


def _output_file(path: Path, option: str, suffixes: tuple[str, ...] = ()) -> None:
    """Refuse, before any work, an output file that could not be written at the end."""
    shown = _shown(path)
    if suffixes and path.suffix.lower() not in suffixes:
        raise _fail(f"{option} {shown}: use a file name ending in {', '.join(suffixes)}")
    try:
        if path.is_dir():
            raise _fail(f"{option} {shown}: is a folder; give a file name")
        folder = path.parent
        if not folder.is_dir():
            raise _fail(f"{option} {shown}: folder {_shown(folder)} does not exist")
        writable = os.access(folder, os.W_OK) and (not path.exists() or os.access(path, os.W_OK))
    except OSError as error:  # a name the file system cannot hold (ENAMETOOLONG), say
        raise _fail(f"{option} {shown}: {error.strerror or error}") from None
    if not writable:
        raise _fail(f"{option} {shown}: not writable")


def _shown(path: Path | str) -> str:
    """A path as a message shows it: cut to 120 characters (a 5,000-character name is not
    echoed whole)."""
    text = str(path)
    return text if len(text) <= 120 else text[:117] + "..."


def _params(path: Path | None) -> Parameters:
    if path is None:
        return DEFAULT_PARAMETERS
    from pydantic import ValidationError

    try:
        return Parameters.from_file(path)
    except OSError as error:
        raise _fail(f"{path}: cannot read parameters file: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise _fail(f"{path}: not a parameters file (not UTF-8 text)") from None
    except json.JSONDecodeError as error:
        raise _fail(
            f"{path}:{error.lineno}:{error.colno}: parameters file is not JSON ({error.msg})"
        ) from None
    except RecursionError:
        raise _fail(f"{path}: parameters file is nested too deeply to be parameters") from None
    except ValidationError as error:
        raise _fail(f"{path}: cannot use parameters file: {error}") from None


def _mechanisms(ablate: list[str]) -> None:
    try:
        enabled_mechanisms(ablate)
    except UnknownMechanismError as error:
        raise _fail(str(error)) from None


@app.command()
def run(
    scenario: Annotated[str, typer.Argument(help="Built-in scenario id or a scenario file.")],
    seed: Annotated[
        int, typer.Option(min=0, max=SEED_LIMIT - 1, help="Random seed (the run is reproducible).")
    ] = 0,
    json_out: Annotated[
        bool, typer.Option("--json", help="Print events and outcome as JSON.")
    ] = False,
    plot: Annotated[
        Path | None, typer.Option(help="Write a chart of real power over time (.png or .svg).")
    ] = None,
    ablate: Annotated[
        list[str], typer.Option(help="Switch a mechanism off. " + MECHANISM_HELP)
    ] = [],  # noqa: B006
    verbose: Annotated[bool, typer.Option(help="Tell routine events too.")] = False,
    params: Annotated[
        Path | None, typer.Option(help="Mechanism parameters file (JSON) instead of defaults.")
    ] = None,
) -> None:
    """Simulate one run: a month-by-month narrative, then the outcome."""
    from politburo.analysis.narrative import narrative, outcome_summary
    from politburo.model.events import alliance_record, event_records
    from politburo.model.world import compile_world
    from politburo.simulation import simulate

    _mechanisms(ablate)
    if plot is not None:
        _output_file(plot, "--plot", (".png", ".svg", ".pdf"))
    spec = _load(scenario)
    world = compile_world(spec)
    parameters = _params(params)
    result = simulate(world, seed=seed, runs=[0], params=parameters, ablate=ablate)
    outcome = result.outcome(0)
    records = event_records(world, result.log.for_run(0))
    if plot is not None:
        from politburo.analysis.plots import plot_power

        plot_power(world, result.power[:, 0, :], plot, records)
    if json_out:
        payload = {
            "scenario": spec.id,
            "seed": seed,
            "ablate": sorted(ablate),
            "outcome": {
                **outcome.to_dict(),
                # who broke each alliance too (the outcome record keeps members and months)
                "alliances": [a.to_json() for a in alliance_record(records)],
            },
            "events": [r.to_json() for r in records],
        }
        sys.stdout.write(json.dumps(payload, indent=1) + "\n")
        return
    out.rule(f"[bold]{spec.name}[/] — seed {seed}")
    if ablate:
        out.print(f"Mechanisms switched off: {', '.join(ablate)}", style="yellow")
    for month, lines in narrative(world, records, outcome, verbose=verbose):
        out.print(f"[bold cyan]{month}[/]")
        for line in lines:
            out.print(f"  {line}", highlight=False)
    out.print(Panel("\n".join(outcome_summary(world, outcome)), title="Outcome", expand=False))
    if plot is not None:
        out.print(f"Power chart written to {plot}")


@app.command()
def scenarios() -> None:
    """List the built-in scenarios."""
    table = Table(title="Built-in scenarios")
    table.add_column("id", style="bold")
    table.add_column("name")
    table.add_column("calendar")
    table.add_column("leaders", justify="right")
    table.add_column("regions", justify="right")
    for name in builtin_names():
        spec = _load(name)
        table.add_row(
            spec.id,
            spec.name,
            f"{spec.calendar.start} to {spec.calendar.end}",
            str(len(spec.leaders)),
            str(len(spec.regions)),
        )
    out.print(table)


@app.command()
def check(
    path: Annotated[
        str, typer.Argument(help="Scenario YAML file to validate (or a built-in scenario id).")
    ],
) -> None:
    """Validate a scenario file: exit 0 if valid, 2 with file:line:column errors if not."""
    try:
        spec = load_scenario(path)
    except ScenarioError as error:
        for problem in error.problems:
            print(str(problem), file=sys.stderr)
        err.print(f"{len(error.problems)} problem(s) in {_shown(path)}", style="red")
        raise typer.Exit(2) from None
    out.print(
        f"[green]ok[/] {path}: scenario {spec.id!r}, {len(spec.leaders)} leaders, "
        f"{len(spec.regions)} regions, {len(spec.events)} events"
    )


@app.command()
def schema() -> None:
    """Print the scenario JSON Schema (for editors)."""
    document = Scenario.model_json_schema(by_alias=True)
    document["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    document["title"] = "politburo scenario"
    sys.stdout.write(json.dumps(document, indent=2) + "\n")


@app.command()
def play(
    scenario: Annotated[str, typer.Argument(help="Built-in scenario id or a scenario file.")],
    as_: Annotated[str, typer.Option("--as", help="The leader you play (an id).")],
    seed: Annotated[int, typer.Option(min=0, max=SEED_LIMIT - 1, help="Random seed.")] = 0,
) -> None:
    """Play one leader in the terminal; the others are run by the AI."""
    from politburo.agents.human import legal_choices, observation
    from politburo.analysis.narrative import describe_event, outcome_summary
    from politburo.model.events import ROUTINE, event_records
    from politburo.model.world import compile_world
    from politburo.simulation import Game

    spec = _load(scenario)
    world = compile_world(spec)
    actors = [lid for lid, a in zip(world.leader_ids, world.actor, strict=True) if a]
    if as_ not in actors:
        what = "unknown leader" if as_ not in world.leader_ids else "a leader who never acts:"
        raise _fail(f"{what} {as_!r}; choose one of: {', '.join(actors)}")
    me = world.leader_ids.index(as_)
    game = Game(world, seed=seed)
    budget = game.params.actions_per_month
    out.rule(f"[bold]{spec.name}[/] — you are {world.leader_names[me]}")
    out.print(spec.leaders[me].sketch)
    seen_events = 0
    while not game.over:
        view = observation(game.view, me)
        _show_view(view)
        if not (view.alive and view.in_party) or game.state.exiled[0, me]:
            out.print("[yellow]You are out of the game; the struggle goes on without you.[/]")
            choice_list = []
        else:
            choice_list = legal_choices(game.view, me)
        chosen: list[tuple[int, int]] = []
        if choice_list:
            _show_choices(choice_list)
            answer = _ask(choice_list, budget)
            if answer is None:
                out.print("You leave the game.")
                raise typer.Exit(0)
            chosen = answer
        game.advance({me: chosen} if choice_list else None)
        events = game.log.for_run(0)[seen_events:]
        seen_events += len(events)
        records = event_records(world, events)
        mine = world.leader_ids[me]
        visible = [  # the routine folded away, as on the web, unless it concerns you
            r for r in records if r.kind not in ROUTINE or mine in (r.actor, r.target)
        ]
        out.print(f"[bold]What happened in {view.month}:[/]")
        for record in visible[:40]:
            out.print(f"  {describe_event(world, record)}", highlight=False)
        if game.state.winner[0] >= 0:
            break
    out.print(
        Panel("\n".join(outcome_summary(world, game.outcome())), title="Outcome", expand=False)
    )


def _show_view(view: Situation) -> None:
    out.rule(f"[bold cyan]{view.month}[/]")
    lines = [
        f"Offices: {', '.join(view.offices) or 'none'}    Seat: {view.seat}    "
        f"Prestige: {view.prestige}",
        f"Patron: {view.patron or 'none (you lead a bloc)'}    "
        f"Clients: {', '.join(view.clients) or 'none'}    "
        f"Allies: {', '.join(view.allies) or 'none'}",
        f"Loyal regional secretaries: {view.loyal_secretaries} of {view.regions}    "
        f"Committee seats of your bloc: {view.committee_seats} of {view.committee_size}",
        f"Information: {view.information}"
        + (
            f"    Factions you know of: {', '.join(view.factions_known)}"
            if view.factions_known
            else ""
        ),
    ]
    if view.upcoming:
        lines.append("Coming: " + "; ".join(view.upcoming))
    out.print(Panel("\n".join(lines), title="Your situation", expand=False))
    table = Table(title="Power as you see it")
    for column in ("leader", "power", "prestige", "seat", "patron"):
        table.add_column(column)
    for row in view.leaders[:12]:
        table.add_row(
            row.name,
            f"{row.power:.2f}",
            f"{row.prestige:.2f}",
            row.seat,
            row.patron or "",
        )
    out.print(table)


def _show_choices(choices: list[Any]) -> None:
    """One row per kind of action; each option numbered with its target."""
    from politburo.agents.human import target_label

    table = Table(title="Your legal actions (type the numbers)")
    table.add_column("action")
    table.add_column("options")
    table.add_column("likely effect", style="dim")
    rows: dict[Any, list[str]] = {}
    first: dict[Any, Any] = {}
    for k, choice in enumerate(choices):
        rows.setdefault(choice.verb, []).append(f"[bold]{k}[/] {target_label(choice)}".strip())
        first.setdefault(choice.verb, choice)
    for verb, options in rows.items():
        sample = first[verb]
        table.add_row(sample.verb_text, "  ".join(options), sample.hint)
    out.print(table)


def _ask(choices: list[Any], budget: int) -> list[tuple[int, int]] | None:
    """Ask for up to ``budget`` action numbers; re-prompt until the answer is valid."""
    while True:
        try:
            answer = input(
                f"Choose up to {budget} actions by number (e.g. 3,7), Enter to pass, q to quit: "
            )
        except EOFError:
            return None
        answer = answer.strip().lower()
        if answer in ("q", "quit", "exit"):
            return None
        if not answer:
            return []
        try:
            picks = [int(x) for x in answer.replace(" ", ",").split(",") if x]
        except ValueError:
            out.print("[red]Please type action numbers separated by commas.[/]")
            continue
        if len(picks) > budget:
            out.print(f"[red]At most {budget} actions a month.[/]")
            continue
        if any(not 0 <= k < len(choices) for k in picks):
            out.print(f"[red]Numbers must be between 0 and {len(choices) - 1}.[/]")
            continue
        verbs = [choices[k].verb for k in picks]
        if len(set(verbs)) < len(verbs):
            out.print("[red]Choose different kinds of action (one of each verb a month).[/]")
            continue
        return [(int(choices[k].verb), choices[k].target) for k in picks]


class _RunsPerSecond(ProgressColumn):
    """Runs per second of the task so far."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text("" if speed is None else f"{speed:,.0f} runs/s", style="cyan")


@app.command()
def experiment(
    scenario: Annotated[str, typer.Argument(help="Built-in scenario id or a scenario file.")],
    runs: Annotated[
        int, typer.Option(min=1, max=MAX_RUNS, help="Runs per arm (run indices 0..N-1).")
    ] = 1000,
    seed: Annotated[int, typer.Option(min=0, max=SEED_LIMIT - 1, help="Experiment seed.")] = 0,
    intervention: Annotated[
        list[str],
        typer.Option(help="Add an arm with this counterfactual (repeatable; a+b: both at once)."),
    ] = [],  # noqa: B006
    intervention_file: Annotated[
        list[Path], typer.Option(help="YAML file of further interventions (repeatable).")
    ] = [],  # noqa: B006
    ablate: Annotated[
        list[str], typer.Option(help="Add an arm with this mechanism off. " + MECHANISM_HELP)
    ] = [],  # noqa: B006
    backend: Annotated[str, typer.Option(help="local, processes or ray.")] = "local",
    address: Annotated[
        str | None, typer.Option(help="Ray cluster address (default: start a local one).")
    ] = None,
    workers: Annotated[int | None, typer.Option(min=1, help="Worker processes.")] = None,
    chunk: Annotated[int, typer.Option(min=1, help="Runs simulated together.")] = 500,
    store: Annotated[Path, typer.Option(help="DuckDB file to stream into and resume from.")] = Path(
        "politburo.duckdb"
    ),
    events: Annotated[bool, typer.Option(help="Also store events and monthly power.")] = False,
    branch_at: Annotated[
        str | None,
        typer.Option(help="YYYY-MM: simulate to this month once, branch every arm from there."),
    ] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    params: Annotated[
        Path | None, typer.Option(help="Mechanism parameters file (JSON) instead of defaults.")
    ] = None,
) -> None:
    """Paired counterfactual runs: the baseline and each arm over the same random streams."""
    from politburo.experiment import Design, build_arms
    from politburo.experiment.runner import check_sizes
    from politburo.scenario.interventions import load_intervention_file

    _mechanisms(ablate)
    try:
        check_sizes(runs, chunk, workers)
    except UserError as error:
        raise _fail(str(error)) from None
    spec = _load(scenario)
    extra = []
    for path in intervention_file:
        try:
            extra += load_intervention_file(path)
        except ScenarioError as error:
            _problems(error)
    try:
        # The library's checks, as politburo.experiment() runs them: unknown names,
        # contradictory combinations ("a+b"), a patch that cannot apply, the seed; before
        # any run starts.
        design = Design(spec, build_arms(intervention, ablate), seed, _params(params), tuple(extra))
    except ScenarioError as error:
        _problems(error)
    except UserError as error:
        raise _fail(str(error)) from None
    result = _run_design(
        design,
        runs,
        store,
        backend=backend,
        workers=workers,
        chunk=chunk,
        events=events,
        quiet=json_out,
        branch_at=branch_at,
        address=address,
    )
    summary = result.summary()
    if json_out:
        sys.stdout.write(json.dumps(summary.to_json(), indent=1) + "\n")
        return
    _show_experiment(summary)


@app.command()
def validate(
    scenario: Annotated[str, typer.Argument(help="Built-in scenario id or a scenario file.")],
    runs: Annotated[
        int, typer.Option(min=1, max=MAX_RUNS, help="Runs per arm (run indices 0..N-1).")
    ] = 1000,
    seed: Annotated[int, typer.Option(min=0, max=SEED_LIMIT - 1, help="Experiment seed.")] = 0,
    held_out: Annotated[
        list[str], typer.Option(help="Score this milestone apart (repeatable), by name.")
    ] = [],  # noqa: B006
    checks: Annotated[
        bool, typer.Option(help="Run the history's directional checks (one arm each).")
    ] = True,
    backend: Annotated[str, typer.Option(help="local, processes or ray.")] = "local",
    workers: Annotated[int | None, typer.Option(min=1, help="Worker processes.")] = None,
    chunk: Annotated[int, typer.Option(min=1, help="Runs simulated together.")] = 500,
    store: Annotated[Path, typer.Option(help="DuckDB file to stream into and resume from.")] = Path(
        "politburo.duckdb"
    ),
    json_out: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    params: Annotated[
        Path | None, typer.Option(help="Mechanism parameters file (JSON) instead of defaults.")
    ] = None,
) -> None:
    """Score the baseline against the scenario's historical record, beside the naive
    forecasts, and test the historiography's directional claims."""
    from politburo.studies.validate import validate as score

    spec = _load(scenario)
    mechanism_params = _params(params)
    progress = _progress(quiet=json_out, rate=True)
    try:
        with progress:
            task = progress.add_task(f"{spec.id}: validating", total=None)

            def tell(stage: str, done: int, total: int) -> None:
                progress.update(task, completed=done, total=total)

            report = score(
                spec, runs, seed=seed, params=mechanism_params, checks=checks,
                held_out=held_out, store=store, backend=backend, workers=workers, chunk=chunk,
                progress=tell,
            )  # fmt: skip
    except UserError as error:  # no history, too few runs, a held-out name, the store
        raise _fail(str(error)) from None
    except KeyboardInterrupt:
        err.print(
            f"[yellow]Stopped.[/] Finished chunks are in {store}; run the same command again "
            "to compute only the missing runs."
        )
        raise typer.Exit(130) from None
    if json_out:
        sys.stdout.write(json.dumps(report.to_json(), indent=1) + "\n")
        return
    _show_validation(report)


def _fmt(value: Any, spec: str = ".3f") -> str:
    return "—" if value is None else format(value, spec)


def _fmt_fact(value: Any) -> str:
    """A fact's value: a month as it is, a count with thousands separators, a share."""
    if value is None or isinstance(value, str):
        return "—" if value is None else value
    if abs(value) >= 100 or (abs(value) > 1 and float(value).is_integer()):
        return format(value, ",.0f")  # a count (shares are at most 1)
    return format(value, ".3f")


def _share(value: float | None) -> str:
    """A share of runs; below 10% with a decimal, so one run in 500 does not read 0%."""
    if value is None:
        return "—"
    return format(value, ".1%" if 0 < value < 0.1 else ".0%")


def _show_facts(rows: list[FactScore]) -> None:
    if not rows:
        return
    table = Table(title="Quantitative facts", title_justify="left")
    for column in ("fact", "quantity", "history", "median sim.", "happened", "on target", "note"):
        table.add_column(
            column, justify="left" if column in ("fact", "quantity", "note") else "right"
        )
    for row in rows:
        note = row.note or ""
        if row.line_carried is not None:
            note = f"line carried in {_share(row.line_carried)} of runs"
            if row.delegates:
                note += f"; {row.delegates} voting delegates in the record"
        table.add_row(
            row.fact,
            row.quantity,
            _fmt_fact(row.historical),
            _fmt_fact(row.median) if row.produced else "not produced",
            _share(row.happened),
            "—" if row.within is None else f"{_share(row.within)} ({row.tolerance})",
            note,
        )
    out.print(table)


def _show_validation(report: ValidationReport) -> None:
    s = report.scores
    out.rule(f"[bold]{report.scenario}[/] against the record — {report.runs} runs")
    table = Table(title="Scores", title_justify="left")
    table.add_column("score")
    table.add_column("model", justify="right")
    for name, value in (
        ("P(historical winner)", s.p_historical_winner),
        ("Brier score of the winner forecast", s.brier),
        ("share with the historical order", s.order_share),
        ("Kendall's tau of the order", s.kendall_tau),
        ("median milestone error (months)", s.median_milestone_error_months),
    ):
        table.add_row(name, _fmt(value))
    for name, naive in report.naive.items():
        guess = ", ".join(f"{k} {v:.2f}" for k, v in naive.forecast.items())
        table.add_row(f"Brier of naive '{name}' ({guess})", _fmt(naive.brier))
    out.print(table)
    table = Table(title="Milestones", title_justify="left")
    for column in ("milestone", "history", "median sim.", "happened", "|error| months", "≤6 mo"):
        table.add_column(column, justify="left" if column == "milestone" else "right")
    for m in s.milestones:
        table.add_row(
            m.name,
            m.historical,
            m.median_simulated or "never",
            f"{m.share_happened:.0%}",
            _fmt(m.median_abs_error_months, ".1f"),
            f"{m.share_within_6:.0%}",
        )
    out.print(table)
    _show_facts(s.facts or [])
    if report.held_out is not None:
        error = _fmt(report.held_out.median_milestone_error_months, ".1f")
        out.print(f"held-out milestones: median error {error} months")
    table = Table(title="Historical alliances", title_justify="left")
    for column in ("alliance", "share of runs", "median months together"):
        table.add_column(column, justify="left" if column == "alliance" else "right")
    for a in s.alliances:
        table.add_row(a.name, f"{a.share:.0%}", _fmt(a.median_overlap_months, ".1f"))
    out.print(table)
    if report.directional:
        table = Table(title="Directional checks (paired, 95% interval)", title_justify="left")
        for column in ("intervention", "measure", "expected", "difference", "agrees"):
            table.add_column(column)
        for c in report.directional:
            table.add_row(
                c.intervention,
                f"{c.measure} ({', '.join(c.leaders)})",
                c.expected,
                f"{c.d:+.3f} [{c.ci[0]:+.3f}, {c.ci[1]:+.3f}]",
                c.agrees,
            )
        out.print(table)
    for t in report.targets:
        mark = "[green]met[/]" if t.met else "[red]not met[/]"
        out.print(f"  target {t.target}: {_fmt(t.value)} — {mark}")


@app.command()
def explain(
    scenario: Annotated[str, typer.Argument(help="Built-in scenario id or a scenario file.")],
    leader: Annotated[
        str | None,
        typer.Option(help="Whose consolidation to explain (default: the historical winner)."),
    ] = None,
    runs: Annotated[
        int, typer.Option(min=1, max=MAX_RUNS, help="Paired runs per configuration.")
    ] = 100,
    seed: Annotated[int, typer.Option(min=0, max=SEED_LIMIT - 1, help="Seed.")] = 0,
    permutations: Annotated[
        int, typer.Option(min=4, help="Sampled orders of the mechanisms (above 10 of them).")
    ] = 10,
    sensitivity: Annotated[
        bool, typer.Option(help="Also Morris indices of the global parameters (SALib).")
    ] = False,
    trajectories: Annotated[int, typer.Option(min=2, help="Morris trajectories.")] = 4,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes.")] = 1,
    plot: Annotated[Path | None, typer.Option(help="Bar chart of the attribution.")] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    params: Annotated[
        Path | None, typer.Option(help="Mechanism parameters file (JSON) instead of defaults.")
    ] = None,
) -> None:
    """Shapley attribution of a leader's chance to consolidate to the mechanisms and to the
    scenario's factors; optionally parameter sensitivity."""
    from politburo.studies.explain import explain as attribute
    from politburo.studies.explain import morris_sensitivity

    if runs < 2:
        raise _fail(f"--runs must be at least 2 (got {runs})")
    if plot is not None:
        _output_file(plot, "--plot", (".png", ".svg", ".pdf"))
    spec = _load(scenario)
    if leader is None:
        if spec.history is None or spec.history.winner is None:
            raise _fail(f"{spec.id} records no winner: say whose consolidation, --leader ID")
        leader = spec.history.winner
    if leader not in {x.id for x in spec.leaders}:
        names = ", ".join(x.id for x in spec.leaders)
        raise _fail(f"unknown leader {leader!r}; expected one of: {names}")
    mechanism_params = _params(params)
    progress = _progress(quiet=json_out, rate=False)
    tasks: dict[str, Any] = {}

    def tell(stage: str, done: int, total: int) -> None:
        if stage not in tasks:
            tasks[stage] = progress.add_task(f"{stage} (configurations of {runs} runs)")
        progress.update(tasks[stage], completed=done, total=total)

    try:
        with progress:
            result = attribute(
                spec, leader, runs=runs, seed=seed, params=mechanism_params,
                permutations=permutations, workers=workers, progress=tell,
            )  # fmt: skip
            if sensitivity:
                morris = morris_sensitivity(
                    spec, leader, runs=runs, seed=seed, trajectories=trajectories,
                    workers=workers, progress=tell,
                )  # fmt: skip
                result = result.model_copy(update={"sensitivity": morris})
    except KeyboardInterrupt:
        err.print("[yellow]Stopped.[/] Nothing was saved.")
        raise typer.Exit(130) from None
    if plot is not None:
        from politburo.analysis.figures import plot_attribution
        from politburo.model.world import compile_world

        # The same figure as the report's attribution section.
        plot_attribution(compile_world(spec), result, plot)
    if json_out:
        sys.stdout.write(json.dumps(result.to_json(), indent=1) + "\n")
        return
    _show_attribution(result)
    if plot is not None:
        out.print(f"chart written to {plot}")


def _show_attribution(result: Explanation) -> None:
    on, off = result.p_all_on, result.p_all_off
    out.rule(f"[bold]Why does {result.leader} win?[/] — {result.runs} paired runs")
    out.print(
        f"P({result.leader} consolidates): all mechanisms on {on.value:.3f}, all off "
        f"{off.value:.3f}; Shapley values ({result.method}) share the difference."
    )

    def bars(title: str, contributions: dict[str, ValueInterval], names: dict[str, str]) -> None:
        table = Table(title=title, title_justify="left")
        table.add_column("")
        table.add_column("contribution", justify="right")
        table.add_column("95% interval", justify="right")
        ranked = sorted(contributions.items(), key=lambda kv: -kv[1].value)
        for name, row in ranked:
            lo, hi = row.ci
            interval = "" if lo is None or hi is None else f"{lo:+.3f} to {hi:+.3f}"
            table.add_row(names.get(name, name), f"{row.value:+.3f}", interval)
        out.print(table)

    bars("Mechanisms", result.contributions, {})
    if result.groups is not None:
        g = result.groups
        out.print(
            f"Factors: all present {g.p_all_on.value:.3f}, all absent {g.p_all_off.value:.3f}"
        )
        bars("Factors of the essay question", g.contributions, g.names)
    if result.sensitivity is not None:
        table = Table(title="Sensitivity to global parameters (Morris)", title_justify="left")
        for column in ("parameter", "mu*", "mu* 95% ±", "sigma"):
            table.add_column(column, justify="left" if column == "parameter" else "right")
        rows = sorted(result.sensitivity.indices.items(), key=lambda kv: -kv[1].mu_star)
        for name, row in rows:
            table.add_row(name, f"{row.mu_star:.3f}", _fmt(row.mu_star_conf), _fmt(row.sigma))
        out.print(table)


@app.command()
def calibrate(
    scenarios: Annotated[
        list[str],
        typer.Argument(help="Built-in scenario ids or scenario files, fitted together."),
    ],
    trials: Annotated[int, typer.Option(min=1, help="Parameter sets to try (Optuna TPE).")] = 40,
    runs: Annotated[int, typer.Option(min=2, max=MAX_RUNS, help="Runs per trial.")] = 200,
    seed: Annotated[
        int, typer.Option(min=0, max=SEED_LIMIT - 1, help="Seed of the runs and of the search.")
    ] = 0,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes.")] = 1,
    backend: Annotated[
        str | None,
        typer.Option(help="local, processes or ray (default: processes if --workers > 1)."),
    ] = None,
    address: Annotated[
        str | None, typer.Option(help="Ray cluster address (default: start a local one).")
    ] = None,
    out_path: Annotated[
        Path, typer.Option("--out", help="Parameters file to write (JSON).")
    ] = Path("calibrated-parameters.json"),
    record: Annotated[
        Path | None, typer.Option(help="Also write every trial and score here (JSON).")
    ] = None,
) -> None:
    """Fit the global mechanism parameters (never scenario facts or traits) to the
    scenarios' records, together; held-out milestones are scored only to report
    out-of-sample fit."""
    import shlex

    from politburo.studies.calibration import JointScorer, loss, search
    from politburo.studies.calibration_summary import calibration_summary

    specs = [_load(name) for name in scenarios]
    _output_file(out_path, "--out")
    if record is not None:
        _output_file(record, "--record")
    try:
        scorer = JointScorer(specs, runs, seed, workers, backend=backend, address=address)
    except UserError as error:
        raise _fail(str(error)) from None
    progress = _progress(quiet=False, rate=False)
    best_loss = [float("inf")]
    try:
        with progress:
            task = progress.add_task("calibrating", total=trials)

            def score(params: Parameters) -> Scores:
                scores = scorer.score(params)
                best_loss[0] = min(best_loss[0], loss(scores))
                return scores

            def tell(stage: str, done: int, total: int) -> None:
                progress.update(
                    task,
                    completed=done,
                    total=total,
                    description=f"calibrating (best loss {best_loss[0]:.3f})",
                )

            with scorer.evaluator.running():
                best, history = search(score, trials, seed, progress=tell)
    except UserError as error:  # the backend: Ray missing or not answering
        raise _fail(str(error)) from None
    except KeyboardInterrupt:
        err.print("[yellow]Stopped.[/] No parameters written.")
        raise typer.Exit(130) from None
    summary = calibration_summary(
        scorer, best, history, runs=runs, seed=seed,
        command="politburo calibrate " + shlex.join(sys.argv[2:]),
    )  # fmt: skip
    out_path.write_text(summary.fitted().model_dump_json(indent=2) + "\n")
    if record is not None:
        record.write_text(json.dumps(summary.to_json(history=True), indent=1) + "\n")
    _show_calibration(summary)
    out.print(f"parameters written to {out_path}; use them with --params {out_path}")
    colour = "green" if summary.adopt else "yellow"
    out.print(f"[{colour}]adopt as package defaults: {'yes' if summary.adopt else 'no'}[/] — "
              f"{summary.reason}")  # fmt: skip


def _show_calibration(summary: CalibrationSummary) -> None:
    names = ", ".join(summary.scenarios)
    table = Table(title=f"Calibration of {names}: {summary.trials} trials of {summary.runs} runs")
    table.add_column("parameter")
    table.add_column("before", justify="right")
    table.add_column("after", justify="right")
    for name, value in summary.best.values.items():
        table.add_row(name, f"{summary.defaults.values[name]:.3g}", f"{value:.3g}")
    out.print(table)
    for label, trial in (("before", summary.defaults), ("after", summary.best)):
        out.print(f"{label}: loss {trial.loss:.3f}")
        for name, s in trial.scenario_scores().items():
            out.print(
                f"  {name + ': ' if name else ''}P(winner) {s.p_historical_winner:.3f}, "
                f"Brier {s.brier:.3f}, order {_fmt(s.order_share)}, "
                f"milestone error {_fmt(s.median_milestone_error_months, '.1f')} mo "
                f"(held out {_fmt(s.held_out_median_milestone_error_months, '.1f')})"
            )


@app.command()
def report(
    scenario: Annotated[str, typer.Argument(help="Built-in scenario id or a scenario file.")],
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for index.html and figures.")] = (
        Path("report")
    ),
    runs: Annotated[int, typer.Option(min=1, max=MAX_RUNS, help="Runs of the baseline.")] = 200,
    seed: Annotated[int, typer.Option(min=0, max=SEED_LIMIT - 1, help="Seed.")] = 0,
    validation: Annotated[
        Path | None,
        typer.Option(help="`politburo validate --json` output to use (else scored here)."),
    ] = None,
    attribution: Annotated[
        Path | None, typer.Option(help="`politburo explain --json` output to show.")
    ] = None,
    experiment: Annotated[
        Path | None, typer.Option(help="`politburo experiment --json` output: winners per arm.")
    ] = None,
    params: Annotated[
        Path | None, typer.Option(help="Mechanism parameters file (JSON) instead of defaults.")
    ] = None,
) -> None:
    """A static HTML report (no network needed to open it): power over time, survival,
    winners per arm, milestones against history, attribution, one representative run."""
    import shlex

    from politburo.analysis.records import Explanation, ValidationReport, read_record
    from politburo.experiment.records import ExperimentSummary
    from politburo.studies.report import report as write

    try:
        if out_dir.exists() and not out_dir.is_dir():
            raise _fail(f"--out {_shown(out_dir)}: exists and is not a folder (--out takes one)")
        if not out_dir.parent.is_dir():
            raise _fail(f"--out {_shown(out_dir)}: folder {_shown(out_dir.parent)} does not exist")
    except OSError as error:  # a name the file system cannot hold (ENAMETOOLONG), say
        raise _fail(f"--out {_shown(out_dir)}: {error.strerror or error}") from None
    _load(scenario)  # a scenario and parameters that cannot be used are refused now
    _params(params)
    try:  # each input read through its record, before any run
        checked = (
            None
            if validation is None
            else read_record(validation, ValidationReport, "validate", "--validation")
        )
        explained = (
            None
            if attribution is None
            else read_record(attribution, Explanation, "explain", "--attribution")
        )
        summary = (
            None
            if experiment is None
            else read_record(experiment, ExperimentSummary, "experiment", "--experiment")
        )
    except UserError as error:
        raise _fail(str(error)) from None
    progress = _progress(quiet=False, rate=False)
    tasks: dict[str, Any] = {}
    labels = {"scoring": "scoring the runs against the record", "months": "simulating",
              "sections": "drawing the sections"}  # fmt: skip

    def tell(stage: str, done: int, total: int) -> None:
        if stage not in tasks:
            tasks[stage] = progress.add_task(labels.get(stage, stage))
        progress.update(tasks[stage], completed=done, total=total)

    try:
        with progress:
            index = write(
                scenario,
                out_dir,
                runs=runs,
                seed=seed,
                params=params,
                validation=checked,
                attribution=explained,
                experiment=summary,
                command=shlex.join(["politburo", *sys.argv[1:]]),
                progress=tell,
            )
    except UserError as error:
        raise _fail(str(error)) from None
    except KeyboardInterrupt:
        err.print("[yellow]Stopped.[/] No report written.")
        raise typer.Exit(130) from None
    out.print(f"report written to {index}")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to bind (loopback by default).")] = (
        "127.0.0.1"
    ),
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port.")] = 8000,
    data: Annotated[Path, typer.Option(help="SQLite file the games are saved in.")] = Path(
        "games.sqlite"
    ),
    odds_runs: Annotated[
        int | None, typer.Option(min=10, help="AI-only runs behind the end screen's odds.")
    ] = None,
) -> None:
    """Play in the browser: a game per student, a classroom view for the teacher."""
    from pydantic import ValidationError

    from politburo.web import serve as run_server
    from politburo.web.store import StoreUnavailable

    try:
        run_server(host=host, port=port, data=data, odds_runs=odds_runs)
    except StoreUnavailable as error:
        raise _fail(str(error)) from None
    except ValidationError as error:
        if error.title != "Limits":  # only a POLITBURO_LIMITS_* variable is the user's
            raise
        first = error.errors()[0]
        name = "POLITBURO_LIMITS_" + "_".join(str(part) for part in first["loc"]).upper()
        raise _fail(f"{name}: {first['msg']}") from None
    except OSError as error:
        raise _fail(f"cannot serve on {host}:{port}: {error.strerror or error}") from None


def _progress(quiet: bool, rate: bool) -> Progress:
    """A progress bar on standard error (hidden when printing JSON to a pipe): runs per
    second for simulations counted in runs, elapsed time for counted configurations."""
    speed: ProgressColumn = _RunsPerSecond() if rate else TimeElapsedColumn()
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), speed,
               TimeRemainingColumn())  # fmt: skip
    return Progress(*columns, console=err, disable=quiet and not err.is_terminal)


def _run_design(
    design: Any,
    runs: int,
    store: Path,
    *,
    quiet: bool,
    backend: str = "local",
    workers: int | None = None,
    chunk: int = 500,
    events: bool = False,
    branch_at: str | None = None,
    address: str | None = None,
    label: str | None = None,
    observe: bool = False,
) -> Any:
    """Run an experiment design with a progress bar; bad input and Ctrl-C exit cleanly."""
    from politburo.experiment import run_experiment

    progress = _progress(quiet, rate=True)
    description = label or f"{design.scenario.id}: {len(design.arms)} arm(s)"
    try:
        with progress:
            task = progress.add_task(description, total=None)
            return run_experiment(
                design,
                runs,
                store,
                backend,
                workers,
                chunk,
                events,
                progress=lambda stage, done, total: progress.update(
                    task, completed=done, total=total
                ),
                branch_at=branch_at,
                address=address,
                observe=observe,
            )
    except UserError as error:  # the store, the backend, the branch month, the runs
        raise _fail(str(error)) from None
    except KeyboardInterrupt:
        err.print(
            f"[yellow]Stopped.[/] Finished chunks are in {store}; run the same command again "
            "to compute only the missing runs."
        )
        raise typer.Exit(130) from None


def _show_experiment(summary: ExperimentSummary) -> None:
    out.rule(f"[bold]{summary.scenario}[/] — {summary.runs} paired runs, seed {summary.seed}")
    for arm in summary.arms:
        table = Table(title=f"{arm.name} ({arm.kind})", title_justify="left")
        table.add_column("consolidates")
        table.add_column("P", justify="right")
        table.add_column("95% interval", justify="right")
        paired = arm.paired_difference
        if paired is not None:
            table.add_column("vs baseline", justify="right")
            table.add_column("95% interval", justify="right")
        for name, row in arm.winners.items():
            cells = [name, f"{row.p:.3f}", f"{row.ci[0]:.3f}–{row.ci[1]:.3f}"]
            if paired is not None:
                d = paired.get(name)
                cells += ["+0.000", "+0.000 to +0.000"] if d is None else _difference(d)
            table.add_row(*cells)
        if paired is not None:
            for name, d in paired.items():
                if name not in arm.winners:
                    table.add_row(name, "0.000", "", *_difference(d))
        out.print(table)
        orders = ", ".join(
            f"{' → '.join(row.order) or '(none)'} {row.share:.0%}"
            for row in arm.elimination_orders[:3]
        )
        out.print(f"  median consolidation: {arm.median_consolidation}; orders: {orders}")


def _difference(d: Difference) -> list[str]:
    return [f"{d.d:+.3f}", f"{d.ci[0]:+.3f} to {d.ci[1]:+.3f}"]


@app.command()
def export(
    store: Annotated[Path, typer.Argument(help="A DuckDB store written by `experiment`.")],
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for the files.")] = Path("results"),
    format: Annotated[str, typer.Option(help="Only parquet for now.")] = "parquet",
) -> None:
    """Write a store's tables as Parquet files (for pandas, polars, Arrow)."""
    from politburo.experiment import Store, StoreError

    if format != "parquet":
        raise _fail(f"--format {format}: only 'parquet' is supported")
    try:
        found = store.is_file()
    except OSError as error:  # a name the file system cannot hold
        raise _fail(f"{_shown(store)}: {error.strerror or error}") from None
    if not found:
        what = "a folder, not a store" if store.is_dir() else "no such store"
        raise _fail(f"{_shown(store)}: {what}")
    try:
        with Store(store) as db:
            written = db.export_parquet(out_dir)
    except StoreError as error:
        raise _fail(str(error)) from None
    for path in written:
        out.print(f"wrote {path}")


def _stop_on_sigterm() -> None:
    """Treat SIGTERM (``kill``, a scheduler's stop) as Ctrl-C: long commands stop as they
    do on Ctrl-C — finished chunks kept, worker processes shut down, exit status 130 —
    instead of dying at once and leaving their worker processes behind. (The browser
    server installs its own handlers while it runs.)"""

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)


def main() -> None:  # pragma: no cover - console entry point
    _stop_on_sigterm()
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
