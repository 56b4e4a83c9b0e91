"""The experiment store: results stream into an embedded DuckDB database.

Tables: ``experiments`` (one row per design), ``arms``, ``runs`` (one row per run and
arm), and with events on, ``events`` and ``power`` (the monthly power series). Every chunk
of runs is written in one transaction keyed by (experiment, arm, run index), so a killed
process loses at most the chunk it was computing and never stores a run twice; running
the same command again computes only the missing runs.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

from politburo.errors import UserError
from politburo.experiment.arms import ENGINE_VERSION, Design
from politburo.experiment.observations import observed_from_dict, observed_to_dict
from politburo.model.outcome import Alliance, Elimination, Outcome

SCHEMA_VERSION = "3"  # 2: runs.alliances; 3: runs.observed


@dataclass(frozen=True, slots=True)
class StoredEvent:
    """One row of the ``events`` table (without its experiment and arm): a run's event as
    :class:`politburo.model.events.EventRecord` decodes it, the fields its kind uses
    beyond month, kind, actor and target kept as a JSON object in ``detail`` (None if
    there are none)."""

    run_index: int
    month: str
    kind: str
    actor: str | None
    target: str | None
    detail: str | None


_TABLES = """
CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE TABLE IF NOT EXISTS experiments (
    experiment_id VARCHAR PRIMARY KEY,
    scenario VARCHAR NOT NULL,
    scenario_version VARCHAR NOT NULL,
    seed BIGINT NOT NULL,
    params_version VARCHAR NOT NULL,
    engine VARCHAR NOT NULL,
    params VARCHAR NOT NULL,
    leaders VARCHAR NOT NULL,
    created TIMESTAMP DEFAULT current_timestamp
);
CREATE TABLE IF NOT EXISTS arms (
    experiment_id VARCHAR NOT NULL,
    arm VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    interventions VARCHAR NOT NULL,
    ablate VARCHAR NOT NULL,
    PRIMARY KEY (experiment_id, arm)
);
CREATE TABLE IF NOT EXISTS runs (
    experiment_id VARCHAR NOT NULL,
    arm VARCHAR NOT NULL,
    run_index BIGINT NOT NULL,
    winner VARCHAR,
    consolidation_month VARCHAR,
    eliminations VARCHAR NOT NULL,
    alliances VARCHAR NOT NULL,
    observed VARCHAR,
    PRIMARY KEY (experiment_id, arm, run_index)
);
CREATE TABLE IF NOT EXISTS events (
    experiment_id VARCHAR NOT NULL,
    arm VARCHAR NOT NULL,
    run_index BIGINT NOT NULL,
    month VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    actor VARCHAR,
    target VARCHAR,
    detail VARCHAR
);
CREATE TABLE IF NOT EXISTS power (
    experiment_id VARCHAR NOT NULL,
    arm VARCHAR NOT NULL,
    run_index BIGINT NOT NULL,
    month VARCHAR NOT NULL,
    power FLOAT[] NOT NULL
);
"""


#: run indices read by one query where all runs of an arm are read or joined: a query's
#: whole result is held in memory by the driver, so each holds a page, not every run
#: (5,000 ussr-1922 runs' eliminations are about 5 MB of text)
PAGE = 5_000


def _eliminations_json(outcome: Outcome) -> str:
    """The ``eliminations`` column of a run: its plain-data form, keys sorted."""
    records = {leader: e.to_dict() for leader, e in outcome.eliminations.items()}
    return json.dumps(records, sort_keys=True)


class StoreError(UserError):
    """A store that cannot be used as asked; the message says why and what to do."""


#: DuckDB settings of a store: its memory stays bounded however many runs are written.
#: The buffer pool keeps the blocks a checkpoint wrote until the limit forces them out,
#: so it grows with the store up to the limit: 24 -> 89 MB over 300,000 ussr-sized rows
#: (83 MB file) with 256MB; with 48MB it stayed at 24-43 MB to 1,000,000 rows (278 MB).
STORE_CONFIG: dict[str, str | bool | int | float | list[str]] = {
    "memory_limit": "64MB",
    "threads": "1",
    # A store needs no extension: never fetch one from the network (a SQLite file given
    # as a store would make DuckDB try to download its SQLite reader).
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
}

#: the highest memory limit a chunk's write may be retried with (see :meth:`Store.write`)
WRITE_MEMORY_CEILING = "4096MB"


def _megabytes(limit: str) -> int:
    """Megabytes of a DuckDB memory limit written as ``"<n>MB"``."""
    if not limit.endswith("MB"):
        raise ValueError(f"memory limit {limit!r}: write it in MB")
    return int(limit[:-2])


#: what a DuckDB database file holds at bytes 8..11
DUCKDB_MAGIC = b"DUCK"


#: DuckDB's memory limit while a summary reads every run of the store: blocks read from
#: the file stay in the buffer pool until the limit forces them out, so one pass over a
#: store filled the whole limit (with the former 256 MB, a pass over 1,000,000 runs'
#: eliminations in a 98 MB file: 104 MB more peak RSS; with 16 MB, 28 MB; 12 MB for a
#: 20,000-run store). A page that needs more (16 MB did not hold 20,000 ussr-1922 runs)
#: is read again with the usual limit: see :meth:`Store._page`.
SCAN_MEMORY_LIMIT = "32MB"

#: rows of a row group of a store file (DuckDB's default is 122,880). Checkpoints take
#: extra memory in proportion to a row group's text: with the default, every second
#: automatic checkpoint of 220-character rows took 50-90 MB more RSS once the runs table
#: held 250,000 rows; with 32,768, none of those, but rows of about 1,000 characters (as
#: ussr-1922's) still took 27-32 MB at every second checkpoint and 112 MB once; with
#: 8,192, no checkpoint of either took 10 MB.
ROW_GROUP_SIZE = 8_192


def _check_store_file(path: Path) -> None:
    """StoreError unless ``path`` is absent, empty or a DuckDB database file."""
    if str(path) == ":memory:" or not path.exists():
        return
    if path.is_dir():
        raise StoreError(f"{path}: is a folder; --store takes a DuckDB file")
    try:
        with path.open("rb") as handle:
            header = handle.read(12)
    except OSError as error:
        raise StoreError(f"{path}: cannot read the store: {error.strerror}") from None
    if header and header[8:12] != DUCKDB_MAGIC:
        kind = "a SQLite file" if header.startswith(b"SQLite") else "not a DuckDB file"
        raise StoreError(f"{path}: {kind}, not a politburo store; give a new --store file")


class Store:
    """A DuckDB file holding experiments."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        try:
            if self.path.parent and not self.path.parent.exists():
                raise StoreError(f"{self.path}: folder {self.path.parent} does not exist")
            _check_store_file(self.path)
            # A bounded buffer pool: a million-run experiment must not grow the process.
            if str(self.path) == ":memory:":
                self.con = duckdb.connect(":memory:", config=STORE_CONFIG)
            else:
                # The file is attached, not opened, to set its row group size; spilled
                # data goes beside it, where DuckDB puts it for a file opened directly.
                config = {**STORE_CONFIG, "temp_directory": f"{self.path}.tmp"}
                self.con = duckdb.connect(":memory:", config=config)
                try:
                    quoted = str(self.path).replace("'", "''")
                    self.con.execute(
                        f"ATTACH '{quoted}' AS store (ROW_GROUP_SIZE {ROW_GROUP_SIZE})"
                    )
                    self.con.execute("USE store")
                except BaseException:
                    self.con.close()
                    raise
        except duckdb.Error as error:
            raise StoreError(f"{self.path}: cannot open the store: {error}") from None
        except OSError as error:
            raise StoreError(f"{self.path}: cannot open the store: {error.strerror}") from None
        try:
            self.con.execute(_TABLES)
            rows = self.con.execute("SELECT value FROM meta WHERE key = 'schema'").fetchall()
            row = rows[0] if rows else None
            if row is None:
                self.con.execute("INSERT INTO meta VALUES ('schema', ?)", [SCHEMA_VERSION])
            elif row[0] != SCHEMA_VERSION:
                raise StoreError(
                    f"{self.path} was written by store schema {row[0]}, this version writes "
                    f"{SCHEMA_VERSION}; use a new --store file"
                )
        except duckdb.Error as error:
            self.con.close()
            raise StoreError(f"{self.path}: not a usable politburo store: {error}") from None

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def register(self, design: Design, leaders: Sequence[str]) -> str:
        """Record the experiment and its arms (once) and return its id; refuse a store
        holding the same scenario, seed and parameters run on another version of the
        scenario or of the engine."""
        experiment_id = design.experiment_id
        clash = self.con.execute(
            """SELECT scenario_version, engine FROM experiments
               WHERE scenario = ? AND seed = ? AND params_version = ?
                 AND experiment_id <> ?""",
            [design.scenario.id, design.seed, design.params_version, experiment_id],
        ).fetchone()
        if clash is not None:
            version, engine = clash
            raise StoreError(
                f"{self.path} holds {design.scenario.id} (seed {design.seed}) run on another "
                f"version of the scenario or engine (scenario {version}, engine {engine}; "
                f"now {design.scenario_version}, engine {ENGINE_VERSION}): the results would "
                "not be comparable. Use a new --store file, or delete the old one"
            )
        self.con.execute("BEGIN TRANSACTION")
        self.con.execute(
            "INSERT INTO experiments (experiment_id, scenario, scenario_version, seed, "
            "params_version, engine, params, leaders) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT DO NOTHING",
            [
                experiment_id,
                design.scenario.id,
                design.scenario_version,
                design.seed,
                design.params_version,
                ENGINE_VERSION,
                design.params.model_dump_json(),
                json.dumps(list(leaders)),
            ],
        )
        for arm in design.arms:
            self.con.execute(
                "INSERT INTO arms VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                [
                    experiment_id,
                    arm.name,
                    arm.kind,
                    json.dumps(list(arm.interventions)),
                    json.dumps(list(arm.ablate)),
                ],
            )
        self.con.execute("COMMIT")
        return experiment_id

    @contextmanager
    def scanning(self) -> Iterator[None]:
        """Read many runs with a small buffer pool (:data:`SCAN_MEMORY_LIMIT`): first a
        checkpoint, so the runs written since the last one are on disk and the pool can
        let them go, then the store's usual limit again afterwards. A store in memory
        has nowhere to let them go, and keeps its limit."""
        if str(self.path) == ":memory:":
            yield
            return
        self.con.execute("CHECKPOINT")
        self.con.execute(f"SET memory_limit = '{SCAN_MEMORY_LIMIT}'")
        try:
            yield
        finally:
            self.con.execute(f"SET memory_limit = '{STORE_CONFIG['memory_limit']}'")

    def done(
        self, experiment_id: str, arm: str, runs: int, first: int = 0, observed: bool = False
    ) -> NDArray[np.int64]:
        """Run indices from ``first`` to below ``runs`` already stored for an arm (with
        ``observed``: only those stored with what they produced for the history's facts)."""
        extra = " AND observed IS NOT NULL" if observed else ""
        rows = self.con.execute(
            """SELECT run_index FROM runs
               WHERE experiment_id = ? AND arm = ? AND run_index >= ? AND run_index < ?"""
            + extra,
            [experiment_id, arm, first, runs],
        ).fetchnumpy()
        return np.asarray(rows["run_index"], dtype=np.int64)

    def done_mask(
        self, experiment_id: str, arm: str, runs: int, observed: bool = False
    ) -> NDArray[np.bool_]:
        """(runs,) true where the arm's run is stored already (with ``observed``: with
        what it produced for the history's facts), read a page at a time."""
        mask = np.zeros(runs, dtype=bool)
        for first in range(0, runs, PAGE):
            stored = self.done(experiment_id, arm, min(first + PAGE, runs), first, observed)
            mask[stored] = True
        return mask

    def write(
        self,
        experiment_id: str,
        arm: str,
        outcomes: Sequence[Outcome],
        run_indices: Sequence[int],
        events: Sequence[StoredEvent] = (),
        power: tuple[NDArray[np.int64], list[str], NDArray[np.float32]] | None = None,
    ) -> None:
        """Store one chunk of one arm atomically. A run stored before (without
        observations) is replaced, and so are its events and power series if new ones are
        given."""
        n = len(outcomes)
        table = pa.table(
            {
                "experiment_id": pa.array([experiment_id] * n, pa.string()),
                "arm": pa.array([arm] * n, pa.string()),
                "run_index": pa.array(list(run_indices), pa.int64()),
                "winner": pa.array([o.winner for o in outcomes], pa.string()),
                "consolidation_month": pa.array([o.month for o in outcomes], pa.string()),
                "eliminations": pa.array([_eliminations_json(o) for o in outcomes], pa.string()),
                "alliances": pa.array(
                    [json.dumps([a.to_dict() for a in o.alliances or ()]) for o in outcomes],
                    pa.string(),
                ),
                "observed": pa.array(
                    [
                        None
                        if o.observed is None
                        else json.dumps(observed_to_dict(o.observed), sort_keys=True)
                        for o in outcomes
                    ],
                    pa.string(),
                ),
            }
        )
        ev = None
        if events:
            ev = pa.table(
                {
                    "experiment_id": pa.array([experiment_id] * len(events), pa.string()),
                    "arm": pa.array([arm] * len(events), pa.string()),
                    "run_index": pa.array([e.run_index for e in events], pa.int64()),
                    "month": pa.array([e.month for e in events], pa.string()),
                    "kind": pa.array([e.kind for e in events], pa.string()),
                    "actor": pa.array([e.actor for e in events], pa.string()),
                    "target": pa.array([e.target for e in events], pa.string()),
                    "detail": pa.array([e.detail for e in events], pa.string()),
                }
            )
        pw = None
        if power is not None:
            indices, months, values = power  # (R,), (T,), (T, R, L)
            T, R, L = values.shape
            flat = values.transpose(1, 0, 2).reshape(R * T, L)
            pw = pa.table(
                {
                    "experiment_id": pa.array([experiment_id] * (R * T), pa.string()),
                    "arm": pa.array([arm] * (R * T), pa.string()),
                    "run_index": pa.array(np.repeat(indices, T), pa.int64()),
                    "month": pa.array(list(months) * R, pa.string()),
                    "power": pa.FixedSizeListArray.from_arrays(
                        pa.array(flat.ravel(), pa.float32()), L
                    ).cast(pa.list_(pa.float32())),
                }
            )
        # A chunk of a scenario with many leaders (long alliance histories in every row)
        # may not fit the store's usual memory limit: the write is retried with the limit
        # doubled, up to WRITE_MEMORY_CEILING, and the usual limit is set again after.
        usual = _megabytes(str(STORE_CONFIG["memory_limit"]))
        limit = usual
        try:
            while True:
                try:
                    self._insert_chunk(experiment_id, arm, run_indices, table, ev, pw)
                    return
                except duckdb.OutOfMemoryException:
                    if limit >= _megabytes(WRITE_MEMORY_CEILING):
                        raise
                    limit *= 2
                    self.con.execute(f"SET memory_limit = '{limit}MB'")
        finally:
            if limit != usual:
                self.con.execute(f"SET memory_limit = '{STORE_CONFIG['memory_limit']}'")

    def _insert_chunk(
        self,
        experiment_id: str,
        arm: str,
        run_indices: Sequence[int],
        runs: pa.Table,
        events: pa.Table | None,
        power: pa.Table | None,
    ) -> None:
        """One transaction: the chunk's runs replace any stored before, and its events
        and power series (if given) replace theirs; rolled back whole on any error."""
        self.con.execute("BEGIN TRANSACTION")
        try:
            self.con.register("chunk_runs", runs)
            self.con.execute("INSERT OR REPLACE INTO runs SELECT * FROM chunk_runs")
            self.con.unregister("chunk_runs")
            for name, given in (("events", events is not None), ("power", power is not None)):
                if given:
                    self.con.execute(
                        f"DELETE FROM {name} WHERE experiment_id = ? AND arm = ? "
                        "AND list_contains(?, run_index)",
                        [experiment_id, arm, [int(i) for i in run_indices]],
                    )
            if events is not None:
                self.con.register("chunk_events", events)
                self.con.execute("INSERT INTO events SELECT * FROM chunk_events")
                self.con.unregister("chunk_events")
            if power is not None:
                self.con.register("chunk_power", power)
                self.con.execute("INSERT INTO power SELECT * FROM chunk_power")
                self.con.unregister("chunk_power")
            self.con.execute("COMMIT")
        except BaseException:
            self.con.execute("ROLLBACK")
            raise

    def outcomes(self, experiment_id: str, arm: str, runs: int) -> list[Outcome]:
        """Outcomes of runs 0..runs-1 of an arm, ordered by run index."""
        rows = self.con.execute(
            """SELECT run_index, winner, consolidation_month, eliminations, alliances, observed
               FROM runs WHERE experiment_id = ? AND arm = ? AND run_index < ?
               ORDER BY run_index""",
            [experiment_id, arm, runs],
        ).fetchall()
        return [
            Outcome(
                int(index),
                winner,
                month,
                {k: Elimination.from_dict(e) for k, e in json.loads(eliminations).items()},
                tuple(Alliance.from_dict(a) for a in json.loads(alliances)),
                # None: the run was stored without its observations
                None if observed is None else observed_from_dict(json.loads(observed)),
            )
            for index, winner, month, eliminations, alliances, observed in rows
        ]

    def winner_counts(self, experiment_id: str, arm: str, runs: int) -> dict[str, int]:
        """Runs won by each leader ("none": no winner), counted in the database."""
        rows = self._page(
            """SELECT coalesce(winner, 'none'), count(*) FROM runs
               WHERE experiment_id = ? AND arm = ? AND run_index < ? GROUP BY 1""",
            [experiment_id, arm, runs],
        )
        return {name: int(count) for name, count in rows}

    def median_month(self, experiment_id: str, arm: str, runs: int) -> str | None:
        """The lower median consolidation month of the runs with a winner, found from the
        count of runs per month (one row per calendar month, however many runs: sorting
        the runs themselves held every one of them in memory at once)."""
        rows = self._page(
            """SELECT consolidation_month, count(*) FROM runs
               WHERE experiment_id = ? AND arm = ? AND run_index < ?
                 AND consolidation_month IS NOT NULL
               GROUP BY 1 ORDER BY 1""",
            [experiment_id, arm, runs],
        )
        rank = (sum(int(count) for _, count in rows) - 1) // 2
        for month, count in rows:
            if rank < count:
                return str(month)
            rank -= int(count)
        return None

    def iter_eliminations(
        self, experiment_id: str, arm: str, runs: int
    ) -> Iterator[dict[str, Any]]:
        """Each run's eliminations record in run-index order, read :data:`PAGE` run indices
        at a time: one query over all runs is materialized whole by the driver, however
        it is fetched (245 MB more peak RSS at a million runs)."""
        for first in range(0, runs, PAGE):
            rows = self._page(
                """SELECT eliminations FROM runs
                   WHERE experiment_id = ? AND arm = ? AND run_index >= ? AND run_index < ?
                   ORDER BY run_index""",
                [experiment_id, arm, first, min(first + PAGE, runs)],
            )
            for (text,) in rows:
                yield json.loads(text)

    def paired_winners(
        self, experiment_id: str, base: str, arm: str, runs: int
    ) -> list[tuple[str, str, int]]:
        """(baseline winner, arm winner, runs) over the run indices both arms hold,
        joined :data:`PAGE` run indices at a time (the join's hash table holds one page)."""
        pairs: dict[tuple[str, str], int] = {}
        for first in range(0, runs, PAGE):
            rows = self._page(
                """SELECT coalesce(b.winner, 'none'), coalesce(a.winner, 'none'), count(*)
                   FROM runs b JOIN runs a
                     ON a.experiment_id = b.experiment_id AND a.run_index = b.run_index
                   WHERE b.experiment_id = ? AND b.arm = ? AND a.arm = ?
                     AND b.run_index >= ? AND b.run_index < ?
                   GROUP BY 1, 2""",
                [experiment_id, base, arm, first, min(first + PAGE, runs)],
            )
            for b, a, n in rows:
                pairs[(str(b), str(a))] = pairs.get((str(b), str(a)), 0) + int(n)
        return [(b, a, n) for (b, a), n in pairs.items()]

    def _page(self, query: str, parameters: list[Any]) -> list[tuple[Any, ...]]:
        """The rows of one query of a summary; if it does not fit the scan limit (a
        scenario with far more text per run), the store's usual limit is set again and
        the query is rerun."""
        try:
            return self.con.execute(query, parameters).fetchall()
        except duckdb.OutOfMemoryException:
            self.con.execute(f"SET memory_limit = '{STORE_CONFIG['memory_limit']}'")
            return self.con.execute(query, parameters).fetchall()

    def export_parquet(self, out: str | Path) -> list[Path]:
        """Write every table to ``out/<table>.parquet``."""
        folder = Path(out)
        if folder.exists() and not folder.is_dir():
            raise StoreError(f"{folder}: exists and is not a folder; --out takes a folder")
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise StoreError(f"{folder}: cannot create the folder: {error.strerror}") from None
        if not os.access(folder, os.W_OK):
            raise StoreError(f"{folder}: the folder is not writable")
        written = []
        for table in ("experiments", "arms", "runs", "events", "power"):
            target = folder / f"{table}.parquet"
            # The relation API: a path never becomes SQL text.
            self.con.table(table).write_parquet(str(target))
            written.append(target)
        return written
