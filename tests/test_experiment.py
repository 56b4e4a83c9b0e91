"""Experiments: common random numbers, the store, resuming, backends, bad input."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import duckdb
import numpy as np
import pyarrow.parquet as pq
import pytest
from pydantic import ValidationError
from typer.testing import CliRunner

import politburo
from politburo.cli import app
from politburo.experiment.observations import MembershipObservation
from politburo.experiment.records import ExperimentSummary
from politburo.scenario import Scenario
from politburo.simulation import simulate

runner = CliRunner()
TOY = Path(__file__).parents[1] / "src" / "politburo" / "scenario" / "builtin" / "toy-3.yaml"

NOOP = """
- id: noop
  name: The war minister keeps exactly the army power he has
  source: tests
  patches:
    - {op: set, path: offices/war_minister/powers/army, value: 1.0}
- id: weak-army
  name: The war minister loses half his army power
  source: tests
  patches:
    - {op: set, path: offices/war_minister/powers/army, value: 0.5}
- id: no-army
  name: The war minister loses all army power
  source: tests
  patches:
    - {op: set, path: offices/war_minister/powers/army, value: 0.0}
- id: no-recruitment
  name: No recruitment drive
  source: tests
  patches:
    - {op: remove, path: events/recruitment}
"""


@pytest.fixture
def interventions(tmp_path: Path) -> Path:
    path = tmp_path / "interventions.yaml"
    path.write_text(NOOP, encoding="utf-8")
    return path


def _rows(store: Path) -> list[tuple[object, ...]]:
    con = duckdb.connect(str(store), read_only=True)
    try:
        return con.execute(
            "SELECT arm, run_index, winner, consolidation_month, eliminations FROM runs "
            "ORDER BY arm, run_index"
        ).fetchall()
    finally:
        con.close()


def test_an_intervention_that_changes_nothing_differs_by_exactly_zero(
    interventions: Path,
) -> None:
    result = politburo.experiment(
        "toy-3", runs=60, seed=5, interventions=["noop"], intervention_files=[interventions]
    )
    base, same = result.outcomes["baseline"], result.outcomes["noop"]
    assert base == same  # run by run: same winner, month and eliminations
    for row in result.summary().to_json()["arms"][1]["paired_difference"].values():
        assert row == {"d": 0.0, "ci": [0.0, 0.0]}


def test_arms_share_random_streams_with_plain_simulation() -> None:
    result = politburo.experiment("toy-3", runs=40, seed=9, ablate=["appointment"])
    plain = simulate("toy-3", seed=9, runs=40, record_events=False)
    assert [o["winner"] for o in result.outcomes["baseline"]] == [
        plain.outcome(k).winner for k in range(40)
    ]
    ablated = simulate("toy-3", seed=9, runs=40, record_events=False, ablate=["appointment"])
    assert [o["month"] for o in result.outcomes["ablate:appointment"]] == [
        ablated.outcome(k).month for k in range(40)
    ]


def test_paired_difference_matches_the_difference_of_shares(interventions: Path) -> None:
    result = politburo.experiment(
        "toy-3", runs=200, seed=2, interventions=["no-army"], intervention_files=[interventions]
    )
    summary = result.summary().to_json()
    base, arm = summary["arms"]
    for name, row in arm["paired_difference"].items():
        p_arm = arm["winners"].get(name, {"p": 0.0})["p"]
        p_base = base["winners"].get(name, {"p": 0.0})["p"]
        assert row["d"] == pytest.approx(p_arm - p_base, abs=1e-9)
        assert row["ci"][0] <= row["d"] <= row["ci"][1]


def test_backends_and_chunk_sizes_give_identical_runs(tmp_path: Path) -> None:
    stores = []
    for name, backend, chunk in (("a", "local", 500), ("b", "local", 7), ("c", "processes", 9)):
        store = tmp_path / f"{name}.duckdb"
        politburo.experiment(
            "toy-3",
            runs=40,
            seed=3,
            ablate=["alliances"],
            store=store,
            backend=backend,
            workers=2,
            chunk=chunk,
        )
        stores.append(_rows(store))
    assert len(stores[0]) == 80
    assert stores[0] == stores[1] == stores[2]


def test_rerunning_computes_only_missing_runs(tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    politburo.experiment("toy-3", runs=30, seed=1, store=store)
    first = _rows(store)
    politburo.experiment("toy-3", runs=50, seed=1, store=store, ablate=["policy"])
    second = _rows(store)
    baseline = [row for row in second if row[0] == "baseline"]
    assert len(baseline) == 50
    assert baseline[:30] == [row for row in first if row[0] == "baseline"]
    assert len({(row[0], row[1]) for row in second}) == len(second)


def _stat(pid: int) -> list[str] | None:
    """The fields of /proc/PID/stat after the command name (state first), None if the
    process is gone (Linux)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a live process (Linux /proc)."""
    fields = _stat(pid)
    if fields is None:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _startup_cpu_seconds(env: dict[str, str]) -> float:
    """CPU time a fresh process spends importing and loading the compiled engine (and,
    on a cold cache, compiling it) before its first simulated run."""
    probe = (
        "import resource, politburo.cli\n"
        "from politburo.simulation import simulate\n"
        "simulate('ussr-1922', runs=1, record_events=False, threads=1)\n"
        "u = resource.getrusage(resource.RUSAGE_SELF)\n"
        "print(u.ru_utime + u.ru_stime)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=True
    )
    return float(done.stdout.strip().splitlines()[-1])


def test_a_killed_experiment_resumes_without_losing_or_repeating_runs(tmp_path: Path) -> None:
    store = tmp_path / "killed.duckdb"
    # ~24 s of CPU in all; the kill comes after ~3 s of it, so some chunks are stored and
    # most are not (3000 runs took the suite's longest test to 226 s on a loaded machine).
    runs = 1200
    command = [
        sys.executable, "-m", "politburo.cli", "experiment", "ussr-1922", "--runs", str(runs),
        "--chunk", "50", "--seed", "4", "--store", str(store), "--json",
    ]  # fmt: skip
    env = dict(os.environ, PYTHONUNBUFFERED="1", POLITBURO_THREADS="1")
    # Kill once the child has had 3 s of CPU (not wall) time beyond what starting up
    # costs, so a busy machine does not kill it before its first chunk is stored.
    budget = _startup_cpu_seconds(env) + 3.0
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    deadline = time.monotonic() + 300
    while _cpu_seconds(child.pid) < budget and time.monotonic() < deadline:
        assert child.poll() is None, "the experiment finished before it could be killed"
        time.sleep(0.05)
    assert child.poll() is None, "the experiment finished before it could be killed"
    child.send_signal(signal.SIGKILL)
    child.wait()
    partial = _rows(store)
    assert 0 < len(partial) < runs, "kill the run while some, not all, chunks are stored"
    assert len(partial) % 50 == 0, "only whole chunks are stored"
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=600)
    assert done.returncode == 0, done.stderr
    resumed = _rows(store)
    assert len(resumed) == runs
    assert [row[1] for row in resumed] == list(range(runs))
    assert resumed[: len(partial)] == partial
    clean = tmp_path / "clean.duckdb"
    politburo.experiment("ussr-1922", runs=runs, seed=4, store=clean)
    assert resumed == _rows(clean)


def _alive(pid: int) -> bool:
    """Whether the process runs (exists and is not a zombie)."""
    fields = _stat(pid)
    return fields is not None and fields[0] != "Z"


def _children(pid: int) -> list[int]:
    """Live child processes of ``pid`` (Linux /proc)."""
    found = []
    for entry in Path("/proc").glob("[0-9]*"):
        fields = _stat(int(entry.name))
        if fields is not None and int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(entry.name))
    return found


def test_sigterm_stops_an_experiment_like_ctrl_c_and_leaves_no_workers(tmp_path: Path) -> None:
    """``kill`` (SIGTERM) stops a long experiment on worker processes as Ctrl-C does: a
    clean exit with status 130 that says how to resume, whole chunks stored, and no
    worker process left running."""
    store = tmp_path / "term.duckdb"
    command = [
        sys.executable, "-m", "politburo.cli", "experiment", "ussr-1922", "--runs", "200000",
        "--chunk", "50", "--seed", "4", "--store", str(store),
        "--backend", "processes", "--workers", "2",
    ]  # fmt: skip
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    workers: list[int] = []
    try:
        deadline = time.monotonic() + 300
        # Wait until both workers run and have spent CPU time (imported the engine, running).
        while time.monotonic() < deadline:
            assert child.poll() is None, "the experiment ended before it could be stopped"
            workers = [p for p in _children(child.pid) if _cpu_seconds(p) > 2.0]
            if len(workers) >= 2:
                break
            time.sleep(0.1)
        assert len(workers) >= 2, "the worker processes did not start"
        child.send_signal(signal.SIGTERM)
        _, stderr = child.communicate(timeout=120)
        assert child.returncode == 130, stderr.decode()
        assert "run the same command again" in " ".join(stderr.decode().split())
        gone = time.monotonic() + 60
        while any(_alive(p) for p in workers) and time.monotonic() < gone:
            time.sleep(0.1)
        assert not any(_alive(p) for p in workers), "worker processes outlived the experiment"
    finally:
        # A failure must not leave the experiment or its workers running.
        for pid in [child.pid, *workers]:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
        child.wait()
    assert len(_rows(store)) % 50 == 0, "only whole chunks are stored"


def test_json_summary_shape(interventions: Path) -> None:
    result = runner.invoke(
        app,
        [
            "experiment", "toy-3", "--runs", "50", "--seed", "1", "--store", ":memory:",
            "--intervention-file", str(interventions), "--intervention", "weak-army",
            "--ablate", "traits", "--json",
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["scenario"], data["seed"], data["runs"]) == ("toy-3", 1, 50)
    names = [arm["name"] for arm in data["arms"]]
    assert names == ["baseline", "weak-army", "ablate:traits"]
    for arm in data["arms"]:
        assert abs(sum(row["p"] for row in arm["winners"].values()) - 1) < 1e-9
        for row in arm["winners"].values():
            assert row["ci"][0] <= row["p"] <= row["ci"][1]
        assert "elimination_orders" in arm
        assert "median_consolidation" in arm
        assert ("paired_difference" in arm) == (arm["name"] != "baseline")
    # the printed JSON is the typed record's, and reads back into it unchanged
    record = ExperimentSummary.model_validate(data)
    assert record.to_json() == data
    assert record.arm("weak-army").paired_difference is not None
    with pytest.raises(ValidationError):
        ExperimentSummary.model_validate({**data, "arms": [{"name": "baseline"}]})


def test_export_writes_parquet(tmp_path: Path) -> None:
    store = tmp_path / "e.duckdb"
    politburo.experiment("toy-3", runs=20, seed=1, store=store, events=True)
    result = runner.invoke(app, ["export", str(store), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    runs = pq.read_table(tmp_path / "out" / "runs.parquet")
    assert runs.num_rows == 20
    power = pq.read_table(tmp_path / "out" / "power.parquet")
    assert power.num_rows == 20 * 48  # every run, every month of toy-3's calendar
    first = power.column("power")[0].as_py()
    assert len(first) == 3 and abs(sum(first) - 1) < 1e-5
    events = pq.read_table(tmp_path / "out" / "events.parquet")
    assert events.num_rows > 0


def test_to_arrow_has_a_row_per_run_and_arm() -> None:
    result = politburo.experiment("toy-3", runs=15, seed=1, ablate=["legitimacy"])
    table = result.to_arrow()
    assert table.num_rows == 30
    assert set(table.column("arm").to_pylist()) == {"baseline", "ablate:legitimacy"}


# --- bad input: a clear message and exit 2 ---------------------------------------------


def _fails(args: list[str], *fragments: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    for fragment in fragments:
        assert fragment in result.stderr
    assert "Traceback" not in result.output


def test_unknown_intervention_lists_the_valid_ones() -> None:
    _fails(
        ["experiment", "ussr-1922", "--runs", "5", "--store", ":memory:",
         "--intervention", "testament-reed"],
        "testament-reed", "testament-read", "trotsky-at-funeral",
    )  # fmt: skip


def test_incompatible_interventions_are_refused_naming_both(interventions: Path) -> None:
    _fails(
        ["experiment", "toy-3", "--runs", "5", "--store", ":memory:",
         "--intervention-file", str(interventions), "--intervention", "weak-army+no-army"],
        "weak-army", "no-army", "together",
    )  # fmt: skip


def test_contradictory_interventions_may_be_separate_arms(interventions: Path) -> None:
    result = politburo.experiment(
        "toy-3", runs=10, interventions=["weak-army", "no-army", "noop+no-recruitment"],
        intervention_files=[interventions],
    )  # fmt: skip
    assert [arm.name for arm in result.design.arms][1:] == [
        "weak-army",
        "no-army",
        "noop+no-recruitment",
    ]
    combined = result.design.arms[3]
    assert combined.interventions == ("noop", "no-recruitment")


def test_zero_runs_is_refused() -> None:
    _fails(["experiment", "toy-3", "--runs", "0", "--store", ":memory:"], "--runs")


def test_unwritable_store_is_refused(tmp_path: Path) -> None:
    _fails(
        ["experiment", "toy-3", "--runs", "5", "--store", str(tmp_path / "no" / "x.duckdb")],
        "does not exist",
    )
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        if os.access(locked, os.W_OK):  # root ignores permissions; use a path that is a folder
            _fails(["experiment", "toy-3", "--runs", "5", "--store", str(locked)], str(locked))
        else:
            _fails(
                ["experiment", "toy-3", "--runs", "5", "--store", str(locked / "x.duckdb")],
                "cannot open",
            )
    finally:
        locked.chmod(0o700)


def test_a_store_of_another_scenario_version_is_refused(tmp_path: Path) -> None:
    scenario = tmp_path / "toy.yaml"
    text = TOY.read_text(encoding="utf-8")
    scenario.write_text(text, encoding="utf-8")
    store = tmp_path / "v.duckdb"
    first = runner.invoke(
        app, ["experiment", str(scenario), "--runs", "5", "--store", str(store), "--json"]
    )
    assert first.exit_code == 0, first.output
    scenario.write_text(text.replace("members: 30000", "members: 40000"), encoding="utf-8")
    _fails(
        ["experiment", str(scenario), "--runs", "5", "--store", str(store)],
        "another version",
        "new --store",
    )


def test_a_store_of_another_engine_version_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A store written by another version of the engine's code is not resumed: its
    results need not equal what this engine computes."""
    store = tmp_path / "e.duckdb"
    first = runner.invoke(app, ["experiment", "toy-3", "--runs", "5", "--store", str(store)])
    assert first.exit_code == 0, first.output
    monkeypatch.setattr("politburo.experiment.arms.ENGINE_VERSION", "an-older-engine")
    _fails(
        ["experiment", "toy-3", "--runs", "5", "--store", str(store)],
        "another version",
        "new --store",
    )


def test_interventions_of_the_reference_scenario_all_apply() -> None:
    from politburo.scenario import load_scenario
    from politburo.scenario.interventions import apply_interventions

    spec = load_scenario("ussr-1922")
    names = [item.id for item in spec.interventions]
    assert len(names) >= 8
    for name in names:
        patched = apply_interventions(spec, [name])
        assert patched != spec
    assert np.unique(names).size == len(names)


# --- branching from a saved month -------------------------------------------------------


def test_branching_reproduces_unbranched_runs(interventions: Path) -> None:
    # Every arm that changes nothing before the branch month continues exactly as if it
    # had run from the start: the branch is a saved state, not an approximation.
    kwargs = dict(runs=30, seed=8, intervention_files=[interventions])
    plain = politburo.experiment("toy-3", interventions=["no-recruitment"], **kwargs)
    branched = politburo.experiment(
        "toy-3", interventions=["no-recruitment"], branch_at="1950-05", **kwargs
    )
    assert plain.outcomes == branched.outcomes


def test_branching_ablations_start_at_the_branch_month() -> None:
    late = politburo.experiment(
        "toy-3", runs=30, seed=8, ablate=["appointment"], branch_at="1951-06"
    )
    early = politburo.experiment("toy-3", runs=30, seed=8, ablate=["appointment"])
    assert late.outcomes["baseline"] == early.outcomes["baseline"]
    # Appointments before the branch still happened in the late arm's history.
    assert late.outcomes["ablate:appointment"] != early.outcomes["ablate:appointment"]


def test_an_intervention_before_the_branch_month_is_refused(interventions: Path) -> None:
    _fails(
        ["experiment", "toy-3", "--runs", "5", "--store", ":memory:",
         "--intervention-file", str(interventions), "--intervention", "no-recruitment",
         "--branch-at", "1950-09"],
        "no-recruitment", "1950-06", "1950-09",
    )  # fmt: skip
    _fails(
        ["experiment", "toy-3", "--runs", "5", "--store", ":memory:",
         "--intervention-file", str(interventions), "--intervention", "no-army",
         "--branch-at", "1950-09"],
        "no-army", "1950-01",
    )  # fmt: skip


def test_branch_month_outside_the_calendar_is_refused() -> None:
    _fails(
        ["experiment", "toy-3", "--runs", "5", "--store", ":memory:", "--branch-at", "1960-01"],
        "outside the calendar",
    )
    _fails(
        ["experiment", "toy-3", "--runs", "5", "--store", ":memory:", "--branch-at", "soon"],
        "YYYY-MM",
    )


def test_branching_on_processes_matches_local(tmp_path: Path, interventions: Path) -> None:
    rows = []
    for backend in ("local", "processes"):
        store = tmp_path / f"{backend}.duckdb"
        politburo.experiment(
            "toy-3", runs=24, seed=2, interventions=["no-recruitment"], ablate=["policy"],
            intervention_files=[interventions], branch_at="1950-03", store=store,
            backend=backend, workers=2, chunk=5,
        )  # fmt: skip
        rows.append(_rows(store))
    assert len(rows[0]) == 72
    assert rows[0] == rows[1]


def test_ray_backend_matches_local(tmp_path: Path) -> None:
    # Starts a local Ray cluster on the loopback interface and shuts it down after.
    rows = []
    for backend in ("local", "ray"):
        store = tmp_path / f"{backend}.duckdb"
        politburo.experiment(
            "toy-3", runs=30, seed=6, ablate=["information"], store=store,
            backend=backend, workers=2, chunk=8,
        )  # fmt: skip
        rows.append(_rows(store))
    assert len(rows[0]) == 60
    assert rows[0] == rows[1]


def test_to_pandas_frame() -> None:
    frame = politburo.experiment("toy-3", runs=12, seed=1).to_pandas()
    assert len(frame) == 12
    assert {"arm", "run_index", "winner", "consolidation_month"} <= set(frame.columns)


@pytest.mark.parametrize(("page", "limit"), [(5_000, "32MB"), (7, "32MB"), (5_000, "1MB")])
def test_streamed_summary_equals_the_in_memory_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, page: int, limit: str
) -> None:
    from politburo.analysis.summary import summarize
    from politburo.experiment import store as store_module
    from politburo.experiment.runner import paired_difference

    # page 7: the store reads and joins the 40 runs 7 run indices at a time; 1MB: the
    # summary's queries do not fit the scan limit and are rerun with the usual one
    monkeypatch.setattr(store_module, "PAGE", page)
    monkeypatch.setattr(store_module, "SCAN_MEMORY_LIMIT", limit)
    store = tmp_path / "sum.duckdb"
    result = politburo.experiment(
        "toy-3", runs=40, seed=5, ablate=["alliances", "traits"], store=store
    )
    streamed = result.summary().to_json()  # computed in DuckDB, records streamed
    base = result.outcomes["baseline"]  # read back from the file
    assert len(base) == 40
    for arm in streamed["arms"]:
        rows = result.outcomes[arm["name"]]
        expected = summarize(result.design.world(next(
            a for a in result.design.arms if a.name == arm["name"]
        )), rows)  # fmt: skip
        for key in ("winners", "median_consolidation", "elimination_orders"):
            assert arm[key] == expected.to_json()[key], (arm["name"], key)
        if arm["name"] != "baseline":
            paired = paired_difference(base, rows)
            as_json = {name: row.model_dump(mode="json") for name, row in paired.items()}
            assert arm["paired_difference"] == as_json
            assert result.summary().arm(arm["name"]).paired_difference == paired
            for name, row in arm["paired_difference"].items():
                # the interval from counts equals the one from the per-run differences
                d = np.array(
                    [float((a["winner"] or "none") == name) - float((b["winner"] or "none") == name)
                     for b, a in zip(base, rows, strict=True)]
                )  # fmt: skip
                half = 1.959964 * d.std(ddof=1) / np.sqrt(d.size)
                assert row["d"] == pytest.approx(d.mean(), abs=1e-6)
                assert row["ci"] == pytest.approx([d.mean() - half, d.mean() + half], abs=1e-6)
    assert any(
        row["d"] != 0 for arm in streamed["arms"][1:] for row in arm["paired_difference"].values()
    ), "the ablations should change some winners, or this test checks nothing"


def test_a_run_stored_again_replaces_its_row_events_and_power(
    tmp_path: Path, toy: Scenario
) -> None:
    """Observed runs replace runs stored without observations: one row per run stays, and
    new events and power series replace the old ones rather than adding to them."""
    from politburo.experiment.arms import Design, build_arms
    from politburo.experiment.store import Store, StoredEvent
    from politburo.model.outcome import Outcome
    from politburo.model.params import DEFAULT_PARAMETERS

    design = Design(toy, build_arms([], []), 0, DEFAULT_PARAMETERS)
    outcomes = [Outcome(i, None, None, {}, ()) for i in (0, 1)]
    events = [StoredEvent(i, "m", "k", None, None, None) for i in (0, 1, 1)]
    power = (np.array([0, 1]), ["a", "b", "c"], np.zeros((3, 2, 4), dtype=np.float32))
    with Store(tmp_path / "s.duckdb") as store:
        eid = store.register(design, ["x"])
        store.write(eid, "baseline", outcomes, [0, 1], events, power)
        assert list(store.done(eid, "baseline", 2, observed=True)) == []
        observed = [replace(o, observed={"f": MembershipObservation(1.0)}) for o in outcomes]
        store.write(eid, "baseline", observed, [0, 1], events, power)
        count = store.con.execute
        assert count("SELECT count(*) FROM runs").fetchone() == (2,)
        assert count("SELECT count(*) FROM events").fetchone() == (3,)  # not 6
        assert count("SELECT count(*) FROM power").fetchone() == (6,)  # 3 months x 2 runs
        assert list(store.done(eid, "baseline", 2, observed=True)) == [0, 1]
        assert store.outcomes(eid, "baseline", 2)[1].observed == {"f": MembershipObservation(1.0)}
        # the column holds the plain-data form, as it always did
        assert count("SELECT DISTINCT observed FROM runs").fetchall() == [
            ('{"f": {"members": 1.0}}',)
        ]
        assert store.outcomes(eid, "baseline", 2) == observed


def test_a_chunk_larger_than_the_store_memory_limit_is_written(
    tmp_path: Path, toy: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A chunk of a scenario with many leaders carries long alliance histories in every
    row (ussr-1953 with 27 leaders: ~21 kB a run, 10 MB a 500-run chunk, which did not
    fit DuckDB's 64 MB limit): the write is retried with a higher limit, stored whole, and
    the usual limit is set again after."""
    from politburo.experiment import store as store_module
    from politburo.experiment.arms import Design, build_arms
    from politburo.experiment.store import STORE_CONFIG, Store
    from politburo.model.outcome import Alliance, Outcome
    from politburo.model.params import DEFAULT_PARAMETERS

    design = Design(toy, build_arms([], []), 0, DEFAULT_PARAMETERS)
    spells = tuple(
        Alliance((f"leader-{a:02d}", f"leader-{b:02d}"), "1953-03", "1954-01")
        for a in range(27)
        for b in range(a + 1, 27)
    )
    runs = 500
    outcomes = [Outcome(i, None, None, {}, spells) for i in range(runs)]
    usual = duckdb.connect()
    usual.execute(f"SET memory_limit = '{STORE_CONFIG['memory_limit']}'")
    expected = usual.execute("SELECT current_setting('memory_limit')").fetchone()
    with Store(tmp_path / "big.duckdb") as store:
        eid = store.register(design, ["x"])
        setting = "SELECT current_setting('memory_limit')"
        # Control: the chunk does not fit the usual limit (no retry allowed), and the
        # failed write leaves nothing behind.
        monkeypatch.setattr(store_module, "WRITE_MEMORY_CEILING", STORE_CONFIG["memory_limit"])
        with pytest.raises(duckdb.OutOfMemoryException):
            store.write(eid, "baseline", outcomes, list(range(runs)))
        assert store.con.execute("SELECT count(*) FROM runs").fetchone() == (0,)
        monkeypatch.undo()
        store.write(eid, "baseline", outcomes, list(range(runs)))
        assert store.con.execute("SELECT count(*) FROM runs").fetchone() == (runs,)
        assert store.outcomes(eid, "baseline", runs)[-1].alliances == spells
        assert store.con.execute(setting).fetchone() == expected


def test_stored_runs_are_found_a_page_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from politburo.experiment import Store
    from politburo.experiment import store as store_module

    store = tmp_path / "mask.duckdb"
    result = politburo.experiment("toy-3", runs=12, seed=1, store=store)
    with Store(store) as db:
        db.con.execute("DELETE FROM runs WHERE run_index IN (0, 5, 6, 11)")
        monkeypatch.setattr(store_module, "PAGE", 5)
        mask = db.done_mask(result.experiment_id, "baseline", 14)
    assert np.flatnonzero(~mask).tolist() == [0, 5, 6, 11, 12, 13]


def test_chunks_are_made_lazily_as_consecutive_groups_of_missing_runs() -> None:
    from politburo.experiment.runner import _chunks

    rng = np.random.default_rng(0)
    for size, window in ((1, 1), (3, 4), (7, 5), (500, 16), (4, 1000)):
        missing = rng.random(101) < 0.6
        indices = np.flatnonzero(missing).tolist()
        expected = [indices[k : k + size] for k in range(0, len(indices), size)]
        assert list(_chunks(missing, size, window)) == expected


def test_branching_resumes_arms_stored_to_different_runs(
    tmp_path: Path, interventions: Path
) -> None:
    # The baseline holds runs 0..18 already; the branched experiment then computes the
    # baseline's runs 19..49 and every run of the new arm, in chunks that straddle both.
    store = tmp_path / "resumed.duckdb"
    politburo.experiment("toy-3", runs=19, seed=8, intervention_files=[interventions], store=store)
    kwargs = dict(
        runs=50, seed=8, interventions=["no-recruitment"], ablate=["policy"],
        intervention_files=[interventions], branch_at="1950-05", chunk=7,
    )  # fmt: skip
    politburo.experiment("toy-3", store=store, **kwargs)
    clean = tmp_path / "clean.duckdb"
    politburo.experiment("toy-3", store=clean, **kwargs)
    rows = _rows(store)
    assert len(rows) == 150
    assert rows == _rows(clean)


def test_a_store_file_has_small_row_groups_and_any_name(tmp_path: Path) -> None:
    from politburo.experiment import Store
    from politburo.experiment import store as store_module

    store = tmp_path / "o'clock.duckdb"  # a quote in the name is escaped, not SQL
    politburo.experiment("toy-3", runs=5, seed=1, store=store)
    with Store(store) as db:
        db.con.execute(
            "INSERT INTO runs (experiment_id, arm, run_index, winner, consolidation_month, "
            "eliminations, alliances) SELECT experiment_id, 'copy', range, winner, "
            "consolidation_month, eliminations, alliances FROM runs, range(100000) "
            "WHERE run_index = 0"
        )
    con = duckdb.connect(str(store), read_only=True)
    try:
        groups = con.execute(
            "SELECT max(rows) FROM (SELECT sum(count) AS rows FROM pragma_storage_info('runs') "
            "WHERE column_name = 'run_index' AND segment_type <> 'VALIDITY' "
            "GROUP BY row_group_id)"
        ).fetchone()
    finally:
        con.close()
    assert groups is not None and groups[0] <= store_module.ROW_GROUP_SIZE
    assert len(_rows(store)) == 100005


def test_the_python_api_refuses_what_the_cli_refuses() -> None:
    from politburo.experiment import experiment as run_experiment_api
    from politburo.scenario.interventions import InterventionError

    with pytest.raises(ValueError, match="seed"):
        simulate("toy-3", seed=2**64, runs=1)  # would alias seed 0's streams
    with pytest.raises(ValueError, match="seed"):
        run_experiment_api("toy-3", runs=2, seed=-1)
    with pytest.raises(InterventionError, match="names no intervention"):
        run_experiment_api("toy-3", runs=2, interventions=["+"])
    with pytest.raises(ValueError, match="--runs"):
        run_experiment_api("toy-3", runs=10**12)
