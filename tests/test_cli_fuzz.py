"""The command line refuses what it cannot use and never shows a traceback: a fuzzer over
its commands, options and values, and every input it (or an outside campaign) ever found
kept as a regression case.

The fuzzer draws a command, a random subset of its options (and some that do not
exist), and for each a value that is plausible or hostile: numbers huge, negative, NaN,
in other scripts; quotes, spaces and escape sequences; folders where files go and files
where folders go, missing folders, a text file and a SQLite file as a DuckDB store,
unknown names. It runs each through typer's ``CliRunner`` in this process and asserts:

- the exit status is 0, 1 or 2 (an error a user can cause is a message and exit 2);
- no exception escapes (a bug shows in ``result.exception`` with its traceback);
- the case finishes within ``CASE_SECONDS`` of work (CPU time; a tenth of the wall
  time if more, so a case blocked without working shows too).

Cases are cheap by construction: toy-3, at most three runs, the local backend, in a
scratch folder (the commands' default output files land there). ``serve`` is run with
the server's loop replaced by a no-op, so a valid invocation returns at once.

In CI it tries ``CLI_FUZZ_EXAMPLES`` cases (default 40) with a fixed seed. A larger
campaign on demand, with another seed and the expensive commands too (explain,
calibrate, report)::

    POLITBURO_CLI_FUZZ_EXAMPLES=1000 POLITBURO_FUZZ_SEED=7 \\
        python -m pytest tests/test_cli_fuzz.py -k fuzzed -s

prints its figures at the end. With ``POLITBURO_FUZZ_REPORT=file.json`` a failure is
recorded there and the campaign goes on; ``benchmarks/fuzz_campaign.py`` runs it so (and
the scenario fuzzer) and records the figures (docs/testing.md).
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st
from typer.testing import CliRunner, Result

from politburo.cli import app

CLI_FUZZ_EXAMPLES = int(os.environ.get("POLITBURO_CLI_FUZZ_EXAMPLES", "40"))
FUZZ_SEED = os.environ.get("POLITBURO_FUZZ_SEED")
#: where a campaign wants its figures and failures (JSON); unset in CI, where the first
#: failure fails the test
REPORT = os.environ.get("POLITBURO_FUZZ_REPORT")
#: the expensive commands (explain, calibrate, report) only in a campaign
EXPENSIVE = CLI_FUZZ_EXAMPLES > 100 or bool(REPORT)
#: seconds one invocation may take (the slowest cheap one, an experiment of three runs
#: with its DuckDB store, takes well under one)
CASE_SECONDS = 60.0 if EXPENSIVE else 20.0

FIGURES: Counter[str] = Counter()
FAILURES: list[dict[str, Any]] = []

# --- values -------------------------------------------------------------------------------

#: placeholders, replaced by paths in the scratch folder when a case runs
DIR, FILE, NOTDUCK, SQLITE, STORE, MISSING, NEW = (
    "@DIR",
    "@FILE",
    "@NOTDUCK",
    "@SQLITE",
    "@STORE",
    "@MISSING",
    "@NEW",
)
PARAMS_OK, PARAMS_BAD, PARAMS_INF, PARAMS_DEEP, PARAMS_LIST = (
    "@PARAMS_OK",
    "@PARAMS_BAD",
    "@PARAMS_INF",
    "@PARAMS_DEEP",
    "@PARAMS_LIST",
)
SCENARIO_FILE, BAD_YAML, INTERVENTIONS, BAD_INTERVENTIONS, JSON_LIST, BINARY = (
    "@SCENARIO",
    "@BAD_YAML",
    "@INTERVENTIONS",
    "@BAD_INTERVENTIONS",
    "@JSON_LIST",
    "@BINARY",
)

HOSTILE_NUMBERS = (
    "0", "-1", "-0", "nan", "NaN", "inf", "-inf", "1e400", "1.5", "0x10", "1_000",
    "9" * 30, str(2**63), str(2**63 - 1), str(2**64), str(2**31), "-9223372036854775809",
    "", " ", "+5", "٣", "1e3", "3 ", "²",
)  # fmt: skip
HOSTILE_TEXT = (
    "", " ", "'", '"', "it's", "a b", "-", "--", "--json", "🙂", "x" * 5000, "\t",
    "nope", "toy-3", "ussr-1922", "\x1b[31mred", "%s", "{}", "\\", "$(echo x)", "*",
    "UPPER", "baseline", "+", "a+b", "++", "ablate:appointment", "1922-13", "0000-00",
)  # fmt: skip
HOSTILE_PATHS = (
    DIR, FILE, NOTDUCK, SQLITE, STORE, MISSING + "/x", NEW, NEW + ".png", NEW + ".json",
    DIR + "/it's.png", DIR + "/a b.svg", "", ".", "..", "/dev/null", ":memory:", BINARY,
    MISSING + "/x.png", FILE + "/x", SCENARIO_FILE, JSON_LIST, PARAMS_DEEP,
    "y" * 300, "y" * 300 + ".png", DIR + "/" + "y" * 300 + ".json",
)  # fmt: skip
MONTHS = ("1950-06", "1951-01", "1949-01", "1999-01", "1950-13", "50-06", "1950-6", "now")
MECHANISMS = ("appointment", "policy", "traits", "perception", "nope", "APPOINTMENT", "")
BACKENDS = ("local", "nope", "LOCAL", "", "local ")

#: option -> plausible values; every option also gets hostile values
Options = dict[str, tuple[str, ...] | None]  # None: a flag

SCENARIOS = ("toy-3", "toy-3", "toy-3", SCENARIO_FILE, BAD_YAML, "nope", DIR, BINARY, "")
SMALL_RUNS = ("1", "2", "3")

COMMANDS: dict[str, tuple[tuple[str, ...], Options]] = {
    "run": (
        (*SCENARIOS, "ussr-1953"),
        {
            "--seed": ("0", "7", str(2**63 - 1)),
            "--json": None,
            "--plot": (NEW + ".png", NEW + ".svg", NEW + ".pdf", NEW + ".txt"),
            "--ablate": MECHANISMS,
            "--verbose": None,
            "--params": (PARAMS_OK, PARAMS_BAD, PARAMS_INF, PARAMS_LIST),
        },
    ),
    "check": ((*SCENARIOS, INTERVENTIONS, JSON_LIST, "ussr-1922"), {}),
    "schema": ((), {}),
    "scenarios": ((), {}),
    "experiment": (
        SCENARIOS,
        {
            "--runs": SMALL_RUNS,
            "--seed": ("0", "1", str(2**63 - 1)),
            "--intervention": ("low", "high", "low+high", "ghost", "+", "nope", "baseline"),
            "--intervention-file": (INTERVENTIONS, BAD_INTERVENTIONS, BAD_YAML, MISSING + "/x"),
            "--ablate": MECHANISMS,
            "--backend": BACKENDS,
            "--workers": ("1", "2", "1025"),
            "--chunk": ("1", "2", "500"),
            "--store": (NEW + ".duckdb", STORE, NOTDUCK, SQLITE, DIR, ":memory:"),
            "--events": None,
            "--branch-at": MONTHS,
            "--json": None,
            "--params": (PARAMS_OK, PARAMS_BAD, PARAMS_INF),
        },
    ),
    "validate": (
        ("toy-3", "ussr-1953", SCENARIO_FILE, "nope"),
        {
            "--runs": ("0", "1", "2"),
            "--held-out": ("nope", "x"),
            "--no-checks": None,
            "--store": (":memory:", NEW + ".duckdb", NOTDUCK),
            "--json": None,
        },
    ),
    "export": (
        (STORE, NOTDUCK, SQLITE, DIR, MISSING + "/s.duckdb", FILE),
        {
            "--out": (NEW, DIR + "/it's", FILE, MISSING + "/deeper/x", DIR),
            "--format": ("parquet", "csv", "PARQUET", ""),
        },
    ),
    "serve": (
        (),
        {
            "--host": ("127.0.0.1", "localhost", "::1", "nope..", ""),
            "--port": ("8000", "0", "65536", "1"),
            "--data": (NEW + ".sqlite", DIR, FILE, NOTDUCK, MISSING + "/g.sqlite", SQLITE),
            "--odds-runs": ("10", "9", "100"),
        },
    ),
    "play": (
        ("toy-3", SCENARIO_FILE, "nope"),
        {"--as": ("secretary", "tribune", "nope", ""), "--seed": ("0", "3")},
    ),
    "explain": (
        ("toy-3", "nope"),
        {
            "--leader": ("secretary", "nope"),
            "--runs": ("0", "1", "2"),
            "--permutations": ("4", "3"),
            "--plot": (NEW + ".png", MISSING + "/x.png", DIR),
            "--json": None,
        },
    ),
    "calibrate": (
        ("toy-3", "ussr-1953", "nope"),
        {
            "--trials": ("1", "0"),
            "--runs": ("1", "2"),
            "--out": (NEW + ".json", DIR, MISSING + "/x.json"),
            "--record": (NEW + "-record.json", DIR),
        },
    ),
    "report": (
        ("toy-3", "nope"),
        {
            "--out": (NEW, FILE, MISSING + "/r"),
            "--runs": ("1", "2"),
            "--validation": (JSON_LIST, FILE, BINARY),
            "--attribution": (JSON_LIST,),
            "--experiment": (JSON_LIST, FILE),
        },
    ),
}
#: commands whose valid invocations take seconds or minutes: only in a campaign, and there
#: only with one of the cheap values above
EXPENSIVE_COMMANDS = ("explain", "calibrate", "report")
#: the expensive commands' options that keep a valid invocation short, always added
CHEAP = {
    "explain": ["--runs", "2", "--permutations", "4"],
    "calibrate": ["--trials", "1", "--runs", "2"],
    "report": ["--runs", "2"],
}

# --- the scratch folder -------------------------------------------------------------------

INTERVENTION_TEXT = """\
- id: ghost
  name: a leader who is not there
  source: test
  patches: [{op: set, path: leaders/nobody/prestige/value, value: 0.5}]
- id: low
  name: low prestige
  source: test
  patches: [{op: set, path: leaders/secretary/prestige/value, value: 0.1}]
- id: high
  name: high prestige
  source: test
  patches: [{op: set, path: leaders/secretary/prestige/value, value: 0.9}]
- id: baseline
  name: named like the baseline
  source: test
  patches: [{op: set, path: leaders/tribune/prestige/value, value: 0.5}]
"""


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """A folder three levels down (so ``..`` stays inside it) holding every kind of file
    the values name; the placeholders' paths."""
    root = tmp_path_factory.mktemp("cli-fuzz")
    work = root / "a" / "b" / "work"
    work.mkdir(parents=True)
    (work / "folder").mkdir()
    (work / "text.txt").write_text("not a store\n")
    (work / "not-duckdb.duckdb").write_text("SQLite format 3 but not really\n")
    with sqlite3.connect(work / "old.sqlite") as con:
        con.execute("CREATE TABLE x (a)")
    (work / "binary.bin").write_bytes(bytes(range(256)) * 4)
    (work / "params-ok.json").write_text(json.dumps({"decision_noise": 0.2}))
    (work / "params-bad.json").write_text(json.dumps({"decision_nois": 0.2}))
    (work / "params-inf.json").write_text('{"exclusion_cost": Infinity}')
    (work / "params-deep.json").write_text("[" * 100_000 + "]" * 100_000)
    (work / "list.json").write_text("[1, 2]")
    (work / "interventions.yaml").write_text(INTERVENTION_TEXT)
    (work / "bad-interventions.yaml").write_text("- id: x\n  patches: [{op: remove, path: /}]\n")
    (work / "bad.yaml").write_text("id: &x [*x]\n? [a]\n: 1\n")
    from importlib import resources

    toy = (resources.files("politburo.scenario") / "builtin" / "toy-3.yaml").read_text()
    (work / "toy copy.yaml").write_text(toy)
    store = work / "store.duckdb"
    made = CliRunner().invoke(app, ["experiment", "toy-3", "--runs", "2", "--store", str(store)])
    assert made.exit_code == 0, made.output
    yield {
        "@WORK": str(work),
        DIR: str(work / "folder"),
        FILE: str(work / "text.txt"),
        NOTDUCK: str(work / "not-duckdb.duckdb"),
        SQLITE: str(work / "old.sqlite"),
        STORE: str(store),
        MISSING: str(work / "missing"),
        NEW: str(work / "new"),
        PARAMS_OK: str(work / "params-ok.json"),
        PARAMS_BAD: str(work / "params-bad.json"),
        PARAMS_INF: str(work / "params-inf.json"),
        PARAMS_DEEP: str(work / "params-deep.json"),
        PARAMS_LIST: str(work / "list.json"),
        SCENARIO_FILE: str(work / "toy copy.yaml"),
        BAD_YAML: str(work / "bad.yaml"),
        INTERVENTIONS: str(work / "interventions.yaml"),
        BAD_INTERVENTIONS: str(work / "bad-interventions.yaml"),
        JSON_LIST: str(work / "list.json"),
        BINARY: str(work / "binary.bin"),
    }


@pytest.fixture(scope="module", autouse=True)
def no_server(scratch: dict[str, str]) -> Iterator[None]:
    """``serve`` builds the app and its store, then returns instead of serving."""
    import uvicorn

    patch = pytest.MonkeyPatch()
    patch.setattr(uvicorn, "run", lambda *args, **kwargs: None)
    yield
    patch.undo()


@pytest.fixture(scope="module", autouse=True)
def campaign_figures() -> Iterator[None]:
    yield
    if FIGURES:
        print(
            f"\ncli fuzz: {FIGURES['tried']} cases tried, {FIGURES['refused']} refused "
            f"cleanly (exit 2), {FIGURES['ran']} ran (exit 0), {FIGURES['other']} other exit; "
            f"tracebacks {FIGURES['tracebacks']}, hangs {FIGURES['hangs']}"
        )
    if REPORT:
        Path(REPORT).write_text(
            json.dumps({"figures": dict(FIGURES), "failures": FAILURES}, indent=1)
        )


# --- one invocation -----------------------------------------------------------------------


def resolve(args: list[str], scratch: dict[str, str]) -> list[str]:
    """The arguments with the placeholders replaced by the scratch folder's paths."""
    out = []
    for arg in args:
        for key in sorted(scratch, key=len, reverse=True):
            if key in arg:
                arg = arg.replace(key, scratch[key])
        out.append(arg)
    return out


def invoke(args: list[str], scratch: dict[str, str], stdin: str = "q\n") -> tuple[Result, float]:
    """Run the command line in the scratch folder; (result, seconds)."""
    here = Path.cwd()
    os.chdir(scratch["@WORK"])
    cpu, wall = time.process_time(), time.perf_counter()
    try:
        result = CliRunner().invoke(app, resolve(args, scratch), input=stdin)
    finally:
        os.chdir(here)
    # Work done (CPU time of every thread), or a tenth of the wall time if more: a machine
    # shared with other jobs slows the clock, not the work (see test_scenario_fuzz).
    return result, max(time.process_time() - cpu, (time.perf_counter() - wall) / 10)


def problem(result: Result, seconds: float) -> str | None:
    """What is wrong with an invocation's result, or None."""
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        import traceback

        trace = "".join(traceback.format_exception(result.exception))
        return f"traceback: {type(result.exception).__name__}: {result.exception}\n{trace}"
    if "Traceback (most recent call last)" in result.output:
        return "traceback printed:\n" + result.output[-3000:]
    if result.exit_code not in (0, 1, 2):
        return f"exit {result.exit_code}:\n{result.output[-2000:]}"
    if seconds > CASE_SECONDS:
        return f"hang: {seconds:.1f} s"
    return None


def check_invocation(args: list[str], scratch: dict[str, str], stdin: str = "q\n") -> None:
    """Exit 0, 1 or 2, no exception, in bounded time (recorded in a campaign)."""
    if REPORT:  # the case under way, for a campaign that has to kill a hung process
        Path(REPORT + ".current").write_text(json.dumps({"args": args, "stdin": stdin}))
    result, seconds = invoke(args, scratch, stdin)
    FIGURES["tried"] += 1
    FIGURES[f"command {args[0]}"] += 1  # which commands a campaign reached
    FIGURES[{0: "ran", 2: "refused"}.get(result.exit_code, "other")] += 1
    found = problem(result, seconds)
    if found is None:
        return
    FIGURES["hangs" if found.startswith("hang") else "tracebacks"] += 1
    if REPORT:  # a campaign counts them all and keeps going
        FAILURES.append({"args": args, "stdin": stdin, "problem": found[:4000]})
        return
    pytest.fail(f"politburo {' '.join(args)!s}\n{found}")


# --- the fuzzer ---------------------------------------------------------------------------


def _value(draw: st.DrawFn, plausible: tuple[str, ...]) -> str:
    kind = draw(st.integers(0, 9))
    if kind < 6 and plausible:
        return draw(st.sampled_from(plausible))
    pool = (HOSTILE_NUMBERS, HOSTILE_TEXT, HOSTILE_PATHS)[kind % 3]
    return draw(st.sampled_from(pool))


@st.composite
def invocations(draw: st.DrawFn) -> tuple[list[str], str]:
    """(arguments, standard input) of one invocation."""
    names = [n for n in COMMANDS if EXPENSIVE or n not in EXPENSIVE_COMMANDS]
    command = draw(st.sampled_from(names))
    positional, options = COMMANDS[command]
    args = [command]
    if positional and draw(st.integers(0, 9)) > 0:
        args.append(_value(draw, positional))
        if command == "calibrate" and draw(st.integers(0, 3)) == 0:
            args.append(_value(draw, positional))  # fitted together
    chosen = draw(st.lists(st.sampled_from(sorted(options)), max_size=5)) if options else []
    for option in chosen:
        values = options[option]
        if values is None:
            args.append(option)
        else:
            args += [option, _value(draw, values)]
    if command in ("experiment", "validate") and "--runs" not in chosen:
        args += ["--runs", "2"]  # not the default thousand
    if command in ("experiment", "validate") and "--store" not in chosen:
        args += ["--store", ":memory:"]
    if command in CHEAP:
        args += CHEAP[command]
    if command == "play" and "--as" not in chosen and draw(st.booleans()):
        args += ["--as", "secretary"]
    extra = draw(st.integers(0, 19))
    if extra == 0:
        args.append(draw(st.sampled_from(("--nope", "--help", "-h", "extra", "--json=1"))))
    elif extra == 1:
        args.insert(0, draw(st.sampled_from(("frobnicate", "--version", "--help", "RUN"))))
    answers = ("q", "", "0", "1,2", "0,0", "99", "x", "-1")  # to play's prompt
    lines = draw(st.lists(st.sampled_from(answers), max_size=4))
    return args, "\n".join(lines) + ("\n" if lines else "")


def _fuzz_settings(test: Any) -> Any:
    configured = settings(
        max_examples=CLI_FUZZ_EXAMPLES,
        derandomize=FUZZ_SEED is None,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )(test)
    return configured if FUZZ_SEED is None else hypothesis_seed(int(FUZZ_SEED))(configured)


@_fuzz_settings
@given(invocations())
@example((["experiment", "toy-3", "--runs", "2", "--chunk", "1", "--store", NEW + ".duckdb"], ""))
@example((["run", "toy-3", "--params", PARAMS_DEEP], ""))
def test_fuzzed_command_lines_exit_cleanly(
    scratch: dict[str, str], invocation: tuple[list[str], str]
) -> None:
    args, stdin = invocation
    check_invocation(args, scratch, stdin)


# --- every input found so far, kept ---------------------------------------------------------

#: Inputs that once ended in a traceback or a hang (the outside campaign of issue #13 and
#: this fuzzer); each must now exit 0 or 2 without one, and most are refused.
REGRESSIONS: list[tuple[list[str], int]] = [
    (["experiment", "toy-3", "--seed", str(2**63), "--runs", "2"], 2),  # DuckDB conversion
    (["experiment", "toy-3", "--runs", str(10**12)], 2),  # MemoryError
    (["experiment", "toy-3", "--runs", "2", "--intervention-file", BAD_INTERVENTIONS], 2),
    (["calibrate", "toy-3", "--trials", "1", "--runs", "2", "--out", DIR], 2),
    (["explain", "toy-3", "--leader", "secretary", "--plot", MISSING + "/x.png"], 2),
    (["report", "toy-3", "--validation", JSON_LIST, "--out", NEW], 2),
    (["serve", "--data", DIR], 2),
    (["serve", "--data", FILE], 2),
    (["export", STORE, "--out", FILE], 2),
    (["export", STORE, "--out", DIR + "/it's"], 0),  # a path is never pasted into SQL
    (["run", "toy-3", "--seed", str(2**70)], 2),  # ran seed 0
    (["experiment", "toy-3", "--runs", "2", "--intervention", "+"], 2),  # duplicate baseline
    (["experiment", "toy-3", "--runs", "2", "--store", SQLITE], 2),  # fetched an extension
    (["run", "toy-3", "--params", PARAMS_INF], 2),
    (["check", "toy-3"], 0),  # said "no such file"
    # found by this fuzzer
    (["run", "toy-3", "--params", PARAMS_DEEP], 2),  # RecursionError in the JSON reader
    (["experiment", "toy-3", "--runs", "2", "--workers", "1025"], 2),  # no upper bound
    # a name longer than the file system holds (ENAMETOOLONG from Path.exists/is_dir)
    (["validate", "x" * 5000, "--runs", "2", "--store", ":memory:"], 2),
    (["check", "x" * 5000], 2),
    (["run", "toy-3", "--plot", "x" * 5000 + ".png"], 2),
    (["calibrate", "toy-3", "--trials", "1", "--runs", "2", "--out", "x" * 5000], 2),
    (["export", "x" * 5000], 2),
    (["report", "toy-3", "--out", "x" * 5000], 2),
    (["serve", "--data", "x" * 5000], 2),
    # an arm named like the baseline
    (["experiment", "toy-3", "--intervention-file", INTERVENTIONS, "--intervention=baseline"], 2),
]


@pytest.mark.parametrize(
    ("args", "code"), REGRESSIONS, ids=[" ".join(args)[:60] for args, _ in REGRESSIONS]
)
def test_an_input_once_found_exits_cleanly(
    scratch: dict[str, str], args: list[str], code: int
) -> None:
    cheap = []
    if args[0] == "experiment":  # a scratch store and two runs, unless the case names them
        for option, value in (("--store", NEW + ".duckdb"), ("--runs", "2")):
            cheap += [] if option in args else [option, value]
    result, seconds = invoke(args + cheap, scratch)
    assert problem(result, seconds) is None, problem(result, seconds)
    assert result.exit_code == code, result.output
