"""Run an experiment: every arm over the same run indices, in chunks, on a backend, into
the store; then summarize with paired differences against the baseline."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from politburo.errors import InputError
from politburo.experiment.arms import Arm, Design
from politburo.experiment.observe import Trace, observe_run
from politburo.experiment.records import ArmSummary, Difference, ExperimentSummary
from politburo.experiment.store import Store, StoredEvent
from politburo.experiment.summary import summary_of
from politburo.experiment.workers import Job, Workers, check_backend
from politburo.model.events import event_records
from politburo.model.outcome import Outcome
from politburo.model.params import Parameters
from politburo.model.rng import MAX_RUNS
from politburo.model.world import World
from politburo.progress import Progress
from politburo.simulation import (
    BatchResult,
    BranchError,
    first_difference,
    simulate,
    simulate_branches,
)

ChunkResult = tuple[
    list[Outcome],
    list[StoredEvent],
    tuple[NDArray[np.int64], list[str], NDArray[np.float32]] | None,
]


#: worker processes (or Ray CPUs) an experiment may ask for: a pool starts a process per
#: job in flight up to this many, so a mistyped 10**6 would fork without end
MAX_WORKERS = 1024


def check_sizes(runs: int, chunk: int = 1, workers: int | None = None) -> None:
    """Refuse, before any work, a number of runs, a chunk size or a number of workers the
    runner cannot use (the command line's --runs, --chunk and --workers)."""
    for option, value, high in (
        ("--runs", runs, MAX_RUNS),
        ("--chunk", chunk, None),
        ("--workers", workers, MAX_WORKERS),
    ):
        if value is None and option == "--workers":
            continue
        if isinstance(value, bool) or not isinstance(value, int | np.integer):
            raise InputError(f"{option} {value!r}: must be a whole number")
        if value < 1 or (high is not None and value > high):
            limit = "at least 1" if high is None else f"from 1 to {high:,}"
            raise InputError(f"{option} {value}: must be {limit}")


def simulate_chunk(
    world: World,
    params: Parameters,
    ablate: Sequence[str],
    seed: int,
    indices: Sequence[int],
    with_events: bool,
    observe: bool = False,
) -> ChunkResult:
    """Simulate the given run indices of one arm; return outcomes, event rows and the
    power series (if asked). With ``observe`` every outcome also carries ``observed``: the
    values its run produced for the scenario's ``history.facts`` (see
    :mod:`politburo.experiment.observe`). A top-level function, so worker processes can run
    it."""
    facts = world.scenario.history.facts if world.scenario.history is not None else []
    trace = Trace(world, len(indices)) if observe else None
    result = simulate(
        world,
        seed=seed,
        runs=indices,
        params=params,
        ablate=ablate,
        record_events=with_events or observe,
        watch=trace,
    )
    chunk = _chunk_result(world, result, indices, with_events)
    if trace is not None:
        outcomes = [
            replace(outcome, observed=observe_run(world, facts, trace, result.log.for_run(k), k))
            for k, outcome in enumerate(chunk[0])
        ]
        return outcomes, chunk[1], chunk[2]
    return chunk


def simulate_branch_chunk(
    trunk: World,
    arms: Mapping[str, tuple[World, Sequence[str]]],
    branch_at: int,
    params: Parameters,
    seed: int,
    indices: Sequence[int],
    with_events: bool,
) -> dict[str, ChunkResult]:
    """Simulate the trunk of the given run indices to ``branch_at`` once, then every arm
    from the saved state (see :func:`politburo.simulation.simulate_branches`)."""
    results = simulate_branches(
        trunk, arms, branch_at, seed, indices, params, record_events=with_events
    )
    return {
        name: _chunk_result(arms[name][0], result, indices, with_events)
        for name, result in results.items()
    }


def _chunk_result(
    world: World, result: BatchResult, indices: Sequence[int], with_events: bool
) -> ChunkResult:
    outcomes = [result.outcome(k) for k in range(len(indices))]
    events: list[StoredEvent] = []
    power = None
    if with_events:
        for k, run_index in enumerate(indices):
            for record in event_records(world, result.log.for_run(k)):
                detail = record.detail()
                events.append(
                    StoredEvent(
                        int(run_index),
                        record.month,
                        record.kind,
                        record.actor,
                        record.target,
                        json.dumps(detail) if detail else None,
                    )
                )
        months = [world.month_label(t) for t in range(world.months)]
        power = (np.asarray(indices, dtype=np.int64), months, result.power)
    return outcomes, events, power


def _chunks(missing: NDArray[np.bool_], size: int, window: int = 1 << 16) -> Iterator[list[int]]:
    """Consecutive groups of ``size`` run indices where ``missing`` is true, in order,
    found ``window`` indices at a time: the chunks of a million runs are made as they
    are needed, never all held at once (their Python ints alone were 36 MB)."""
    pending: list[int] = []
    for first in range(0, missing.size, window):
        pending += (np.flatnonzero(missing[first : first + window]) + first).tolist()
        while len(pending) >= size:
            yield pending[:size]
            del pending[:size]
    if pending:
        yield pending


class StoredOutcomes(Mapping[str, list[Outcome]]):
    """arm -> outcomes by run index, read from the store when first asked for (an
    experiment of a million runs is summarized without them ever being in memory)."""

    def __init__(
        self,
        path: Path,
        experiment_id: str,
        arms: Sequence[str],
        runs: int,
        loaded: dict[str, list[Outcome]] | None = None,
    ) -> None:
        self.path, self.experiment_id, self.arms, self.runs = path, experiment_id, arms, runs
        self.loaded = dict(loaded or {})

    def __getitem__(self, arm: str) -> list[Outcome]:
        if arm not in self.arms:
            raise KeyError(arm)
        if arm not in self.loaded:
            with Store(self.path) as store:
                self.loaded[arm] = store.outcomes(self.experiment_id, arm, self.runs)
        return self.loaded[arm]

    def __iter__(self) -> Iterator[str]:
        return iter(self.arms)

    def __len__(self) -> int:
        return len(self.arms)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Mapping):
            return NotImplemented
        return list(self) == list(other) and all(self[k] == other[k] for k in self)

    __hash__ = None  # type: ignore[assignment]


def summarize_stored(
    store: Store, design: Design, experiment_id: str, runs: int
) -> ExperimentSummary:
    """The experiment summary computed in the database and from streamed records, so
    memory does not grow with the number of runs (nor with the size of the store)."""
    arms = []
    with store.scanning():
        for arm in design.arms:
            world = design.world(arm)
            counts = store.winner_counts(experiment_id, arm.name, runs)
            median = store.median_month(experiment_id, arm.name, runs)
            records = store.iter_eliminations(experiment_id, arm.name, runs)
            summary = summary_of(world, counts, median, records)
            paired = None
            if arm.name != "baseline":
                pairs = store.paired_winners(experiment_id, "baseline", arm.name, runs)
                paired = paired_difference_from_counts(pairs)
            arms.append(
                ArmSummary(
                    name=arm.name,
                    kind=arm.kind,
                    winners=summary.winners,
                    median_consolidation=summary.median_consolidation,
                    tracked_rivals=summary.tracked_rivals,
                    elimination_orders=summary.elimination_orders,
                    paired_difference=paired,
                )
            )
    return ExperimentSummary(
        scenario=design.scenario.id,
        seed=design.seed,
        runs=runs,
        experiment_id=experiment_id,
        arms=arms,
    )


@dataclass
class ExperimentResult:
    """Stored outcomes of an experiment with summaries and exports."""

    design: Design
    experiment_id: str
    runs: int
    store_path: Path
    outcomes: Mapping[str, list[Outcome]]  # arm -> outcomes by run index
    in_memory_runs: Any = None  # the runs table, kept when the store lived in memory
    summary_data: ExperimentSummary | None = None

    def summary(self) -> ExperimentSummary:
        """The experiment as a typed record (``.to_json()``: what ``politburo experiment
        --json`` prints)."""
        if self.summary_data is None:
            with Store(self.store_path) as store:
                self.summary_data = summarize_stored(
                    store, self.design, self.experiment_id, self.runs
                )
        return self.summary_data

    def to_arrow(self) -> Any:
        """All stored runs of this experiment as a pyarrow Table."""
        if self.in_memory_runs is not None:
            return self.in_memory_runs
        with Store(self.store_path) as store:
            return _runs_table(store, self.experiment_id)

    def to_pandas(self) -> Any:
        """All stored runs as a pandas DataFrame (needs pandas installed)."""
        try:
            import pandas  # noqa: F401
        except ImportError:
            raise ImportError("to_pandas needs pandas: pip install pandas") from None
        return self.to_arrow().to_pandas()


def paired_difference(base: Sequence[Outcome], arm: Sequence[Outcome]) -> dict[str, Difference]:
    """Per outcome (each winner, and 'none'): mean paired difference arm - baseline over
    the same run indices, with a 95% normal interval from the paired differences."""
    by_index = {row.run_index: row for row in base}
    pairs: dict[tuple[str, str], int] = {}
    for row in arm:
        if row.run_index in by_index:
            key = (by_index[row.run_index].winner or "none", row.winner or "none")
            pairs[key] = pairs.get(key, 0) + 1
    return paired_difference_from_counts([(b, a, n) for (b, a), n in pairs.items()])


def paired_difference_from_counts(
    pairs: Sequence[tuple[str, str, int]],
) -> dict[str, Difference]:
    """:func:`paired_difference` from counts of (baseline winner, arm winner) pairs: for
    each name X the per-run difference [arm = X] - [baseline = X] is -1, 0 or 1, so its
    mean and sample variance follow from the counts alone."""
    n = sum(count for _, _, count in pairs)
    names = sorted({b for b, _, _ in pairs} | {a for _, a, _ in pairs})
    out: dict[str, Difference] = {}
    for name in names:
        gained = sum(c for b, a, c in pairs if a == name and b != name)
        lost = sum(c for b, a, c in pairs if b == name and a != name)
        mean = (gained - lost) / n if n else 0.0
        if n > 1:
            variance = max(0.0, (gained + lost - n * mean * mean) / (n - 1))
            half = 1.959964 * float(np.sqrt(variance / n))
        else:
            half = 0.0
        out[name] = Difference(
            d=round(mean, 6),
            ci=(round(float(mean - half), 6), round(float(mean + half), 6)),
        )
    return out


def run_experiment(
    design: Design,
    runs: int,
    store: str | Path = "politburo.duckdb",
    backend: str = "local",
    workers: int | None = None,
    chunk: int = 500,
    events: bool = False,
    progress: Progress | None = None,
    branch_at: str | None = None,
    address: str | None = None,
    observe: bool = False,
) -> ExperimentResult:
    """Run every arm of ``design`` over run indices 0..runs-1, storing as it goes.

    Runs already in the store are not run again, so a killed experiment resumes where it
    stopped. ``progress("runs", done, total)`` is told how many of the ``total`` runs this
    call computes are stored, first with ``done`` 0, then after every chunk. With
    ``branch_at`` (``YYYY-MM``) every chunk is simulated to that month once and all arms
    branch from the saved state. With ``observe`` every run also stores what it produced
    for the scenario's ``history.facts`` (:func:`simulate_chunk`); runs stored earlier
    without that are run again."""
    if observe and branch_at is not None:
        raise InputError("observed runs cannot branch: drop --branch-at")
    check_sizes(runs, chunk, workers)
    check_backend(backend)
    worlds = {arm.name: design.world(arm) for arm in design.arms}
    branch_turn = _branch_turn(worlds["baseline"], branch_at)
    if branch_turn is not None:
        for arm in design.arms:
            differs = first_difference(worlds["baseline"], worlds[arm.name])
            if differs < branch_turn:
                raise BranchError(
                    f"intervention arm {arm.name!r} changes the scenario from "
                    f"{worlds['baseline'].month_label(differs)}, before --branch-at "
                    f"{branch_at}; branch at or before that month, or drop --branch-at"
                )
    path = Path(store)
    with Store(path) as db:
        leaders = worlds["baseline"].leader_ids
        experiment_id = db.register(design, leaders)
        # (runs,) stored already, per arm: one byte a run, the only per-run state kept
        done = {
            arm.name: db.done_mask(experiment_id, arm.name, runs, observe) for arm in design.arms
        }
        # runs this call computes, and how many of them are stored so far
        todo = sum(int(runs - np.count_nonzero(mask)) for mask in done.values())
        stored = [0]
        if progress is not None:
            progress("runs", 0, todo)

        def store_chunk(arm: Arm, indices: list[int], result: ChunkResult) -> None:
            outcomes, event_rows, power = result
            keep = [k for k, index in enumerate(indices) if not done[arm.name][index]]
            if len(keep) < len(indices):  # a branched chunk may hold runs stored before
                outcomes = [outcomes[k] for k in keep]
                kept_index = {indices[k] for k in keep}
                event_rows = [e for e in event_rows if e.run_index in kept_index]
                if power is not None:
                    power = (power[0][keep], power[1], power[2][:, keep, :])
                indices = [indices[k] for k in keep]
            db.write(experiment_id, arm.name, outcomes, indices, event_rows, power)
            done[arm.name][indices] = True
            stored[0] += len(indices)
            if progress is not None:
                progress("runs", stored[0], todo)

        jobs = _jobs(design, worlds, done, chunk, branch_turn, events, store_chunk, observe)
        with Workers(backend, workers, address) as pool:
            pool.run(jobs)
        summary = summarize_stored(db, design, experiment_id, runs)
        names = [arm.name for arm in design.arms]
        loaded = None
        kept = None
        if str(path) == ":memory:":  # nothing to read back later: keep it all now
            loaded = {name: db.outcomes(experiment_id, name, runs) for name in names}
            kept = _runs_table(db, experiment_id)
        outcomes = StoredOutcomes(path, experiment_id, names, runs, loaded)
    return ExperimentResult(design, experiment_id, runs, path, outcomes, kept, summary)


def _runs_table(store: Store, experiment_id: str) -> Any:
    relation = store.con.sql(
        f"SELECT * FROM runs WHERE experiment_id = '{experiment_id}' ORDER BY arm, run_index"
    )
    return relation.to_arrow_table()


def _branch_turn(world: World, branch_at: str | None) -> int | None:
    if branch_at is None:
        return None
    try:
        turn = world.turn_of(branch_at)
    except ValueError:
        raise InputError(f"--branch-at {branch_at!r}: expected a month YYYY-MM") from None
    if not 0 < turn < world.months:
        raise InputError(
            f"--branch-at {branch_at} is outside the calendar "
            f"{world.month_label(1)} to {world.month_label(world.months - 1)}"
        )
    return turn


def _jobs(
    design: Design,
    worlds: dict[str, World],
    done: dict[str, NDArray[np.bool_]],
    chunk: int,
    branch_turn: int | None,
    events: bool,
    store_chunk: Callable[[Arm, list[int], ChunkResult], None],
    observe: bool = False,
) -> Iterator[Job]:
    """Units of work, made as they are taken: (function, arguments, what to do with the
    result). Without branching, one per arm and chunk of the runs it lacks; with it, one
    per chunk of the runs some arm lacks (a trunk and the arms lacking any of them)."""
    if branch_turn is None:
        for arm in design.arms:
            for indices in _chunks(~done[arm.name], chunk):
                one = (
                    worlds[arm.name],
                    design.params,
                    arm.ablate,
                    design.seed,
                    indices,
                    events,
                    observe,
                )
                yield simulate_chunk, one, partial(store_chunk, arm, indices)
        return
    lacking = np.zeros_like(done["baseline"])
    for mask in done.values():
        lacking |= ~mask
    for indices in _chunks(lacking, chunk):
        arms = [arm for arm in design.arms if not done[arm.name][indices].all()]
        branches = {arm.name: (worlds[arm.name], arm.ablate) for arm in arms}
        args = (
            worlds["baseline"],
            branches,
            branch_turn,
            design.params,
            design.seed,
            indices,
            events,
        )
        yield simulate_branch_chunk, args, partial(_store_branches, store_chunk, arms, indices)


def _store_branches(
    store_chunk: Callable[[Arm, list[int], ChunkResult], None],
    arms: list[Arm],
    indices: list[int],
    results: dict[str, ChunkResult],
) -> None:
    for arm in arms:
        store_chunk(arm, indices, results[arm.name])
