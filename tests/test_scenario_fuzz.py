"""Scenario input refuses what it cannot hold: a fuzzer over the scenario format, and one
regression test for each class of input it (or an outside campaign) found.

The fuzzer mutates the built-in scenarios (delete or duplicate keys, lines and list
items; replace values with extreme numbers, NaN, huge integers, text, lists, other
parts of the document, aliases, deep nesting and YAML no JSON value can write) and
asserts that ``parse_scenario`` either accepts the file or raises ``ScenarioError`` —
never any other exception — within a time bound; and that whatever it accepts compiles
and runs its whole calendar (two runs) with finite state, and that each of its
interventions applies or raises ``InterventionError``.

In CI it tries ``FUZZ_EXAMPLES`` cases (default 200) with a fixed seed. A larger
campaign on demand, with another seed::

    POLITBURO_FUZZ_EXAMPLES=5000 POLITBURO_FUZZ_SEED=7 \\
        python -m pytest tests/test_scenario_fuzz.py -k fuzzed -s

prints its figures (cases tried, rejected cleanly, ran) at the end. With
``POLITBURO_FUZZ_REPORT=file.json`` (``benchmarks/fuzz_campaign.py`` sets it) a failure is
recorded there and the campaign goes on, so it counts every traceback and hang instead of
stopping at the first.
"""

from __future__ import annotations

import contextlib
import copy
import json
import math
import os
import re
import time
import traceback
from collections import Counter
from collections.abc import Iterator
from dataclasses import fields
from importlib import resources
from pathlib import Path
from typing import Any, Literal, cast

import numpy as np
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st

from politburo.model.world import compile_world
from politburo.scenario import Scenario, ScenarioError, parse_scenario
from politburo.scenario.interventions import InterventionError, apply_interventions
from politburo.scenario.loader import (
    MAX_ALIAS_NODES,
    MAX_CHARACTERS,
    MAX_DEPTH,
    load_scenario_file,
)
from politburo.scenario.schema import (
    MAX_COMMITTEE_SEATS,
    MAX_MONTHS,
    MAX_SEATS,
    Intervention,
    Patch,
)
from politburo.simulation import simulate

FILE = "fuzzed.yaml"
FUZZ_EXAMPLES = int(os.environ.get("POLITBURO_FUZZ_EXAMPLES", "200"))
FUZZ_SEED = os.environ.get("POLITBURO_FUZZ_SEED")
#: where a campaign wants its figures and failures (JSON); unset in CI
REPORT = os.environ.get("POLITBURO_FUZZ_REPORT")
FAILURES: list[dict[str, Any]] = []
#: Seconds a check may take (ussr-1922, the largest built-in, takes about 0.25 s).
CHECK_SECONDS = 5.0
#: Seconds two runs of an accepted scenario may take (a 600-month calendar, the most
#: the schema allows, about 0.2 s).
RUN_SECONDS = 30.0


class Stopwatch:
    """Seconds of work since it started: the process's CPU time (all its threads), or a
    tenth of the wall time if that is more. A machine shared with other jobs slows the
    wall clock, not the work, so a bound on this does not flag a slow neighbour; a case
    blocked without working still shows, ten times later (and a campaign's own timeout
    catches one that never returns)."""

    def __init__(self) -> None:
        self.cpu, self.wall = time.process_time(), time.perf_counter()

    def seconds(self) -> float:
        cpu = time.process_time() - self.cpu
        return max(cpu, (time.perf_counter() - self.wall) / 10)


SCENARIOS = ("toy-3", "ussr-1953", "toy-3", "ussr-1922")


def builtin_text(name: str) -> str:
    return (resources.files("politburo.scenario") / "builtin" / f"{name}.yaml").read_text(
        encoding="utf-8"
    )


TEXTS = {name: builtin_text(name) for name in set(SCENARIOS)}
DATA = {name: yaml.load(text, Loader=yaml.CSafeLoader) for name, text in TEXTS.items()}
FIGURES: Counter[str] = Counter()


def alias_bomb(depth: int, width: int = 9) -> str:
    """A flow list whose last anchor expands to ``width ** depth`` values."""
    items = [f"&a0 [{', '.join(['x'] * width)}]"]
    for level in range(1, depth + 1):
        items.append(f"&a{level} [{', '.join([f'*a{level - 1}'] * width)}]")
    return "[" + ", ".join(items) + "]"


#: YAML fragments no JSON value can write, put in place of a value.
RAW_YAML = (
    "&self [*self]",
    "&self {k: *self}",
    "{? [k] : v}",
    "{? {k: v} : v}",
    "[" * (MAX_DEPTH + 8) + "]" * (MAX_DEPTH + 8),
    "[" * 400 + "]" * 400,
    alias_bomb(7),
    alias_bomb(3),
    "!!binary AAAA",
    "!!set {a, b}",
    "!!omap [a: 1]",
    "!!int x",
    "!!float 1e",
    "!!python/object:os.system x",
    "2001-13-45",
    "2001-01-01",
    "1e400",
    "-1e400",
    "9" * 400,
    "9" * 5000,
    ".nan",
    "-.inf",
    "*undefined",
    "&lone 1",
    "0x7fffffffffffffff",
    "1_000_000",
    "1:30",
    "~",
)

EXTREME_VALUES: tuple[Any, ...] = (
    math.nan,
    math.inf,
    -math.inf,
    0,
    -1,
    1,
    0.5,
    -0.0,
    1e300,
    -1e300,
    5e-324,
    2**15 - 1,
    2**15,
    2**31,
    2**53 + 1,
    2**63 - 1,
    2**63,
    2**64,
    -(2**63),
    10**12,
    10**20,
    MAX_MONTHS,
    MAX_MONTHS + 1,
    MAX_SEATS,
    MAX_SEATS + 1,
    "",
    " ",
    "x" * 20_000,
    "\x01",
    "1922-04",
    "9999-12",
    "0000-01",
    "1930-13",
    True,
    False,
    None,
    [],
    {},
    [None],
    {"a": 1},
    [[[]]],
)


# --- mutations ---------------------------------------------------------------------------

Path_ = tuple[Any, ...]


def _children(node: Any) -> list[Any]:
    if isinstance(node, dict):
        return list(node)
    if isinstance(node, list):
        return list(range(len(node)))
    return []


def _walk(draw: st.DrawFn, root: Any, containers_only: bool = False) -> Path_:
    """A path into ``root``, drawn step by step (a container's path if asked)."""
    path: list[Any] = []
    node = root
    while True:
        steps = _children(node)
        if containers_only:
            steps = [k for k in steps if isinstance(node[k], dict | list)]
        if not steps or (path and draw(st.integers(0, 3)) == 0):
            return tuple(path)
        step = steps[draw(st.integers(0, len(steps) - 1))]
        path.append(step)
        node = node[step]


def _get(root: Any, path: Path_) -> Any:
    for step in path:
        root = root[step]
    return root


def _replacement(draw: st.DrawFn, data: Any, old: Any, raw: list[str]) -> Any:
    kind = draw(st.integers(0, 5))
    if kind == 0:
        return draw(st.sampled_from(EXTREME_VALUES))
    if kind == 1:
        raw.append(draw(st.sampled_from(RAW_YAML)))
        return f"RAWYAML{len(raw) - 1}X"
    if kind == 2:  # a part of the document where it does not belong
        return copy.deepcopy(_get(data, _walk(draw, data)))
    if kind == 3 and isinstance(old, int) and not isinstance(old, bool):
        # An integer a little or a lot off: many of these are accepted and run.
        return draw(st.integers(-2, max(4 * old, 10)))
    if kind == 3 and isinstance(old, float):
        return draw(st.floats(-1.5, 1.5, allow_nan=False))
    if kind == 3:
        return draw(st.text(max_size=12))
    if kind == 4:  # another value of the document (an id where another is named)
        return copy.deepcopy(_get(data, _walk(draw, data)))
    return draw(st.lists(st.integers(-2, 3), max_size=3))


@st.composite
def mutants(draw: st.DrawFn) -> tuple[str, str]:
    """(built-in name, mutated YAML text)."""
    name = draw(st.sampled_from(SCENARIOS))
    data = copy.deepcopy(DATA[name])
    raw: list[str] = []
    for _ in range(draw(st.sampled_from([1, 1, 1, 2, 3]))):
        operation = draw(st.sampled_from([0, 1, 2, 2, 2, 2]))
        if operation == 0:  # delete a key or item
            path = _walk(draw, data, containers_only=True)
            container = _get(data, path)
            steps = _children(container)
            if steps:
                del container[steps[draw(st.integers(0, len(steps) - 1))]]
        elif operation == 1:  # duplicate a list item (duplicate ids, doubled facts)
            path = _walk(draw, data, containers_only=True)
            container = _get(data, path)
            if isinstance(container, list) and container:
                item = container[draw(st.integers(0, len(container) - 1))]
                container.append(copy.deepcopy(item))
        else:  # replace a value
            path = _walk(draw, data)
            if path:
                parent = _get(data, path[:-1])
                parent[path[-1]] = _replacement(draw, data, parent[path[-1]], raw)
    text = yaml.dump(data, Dumper=yaml.CSafeDumper, sort_keys=False, allow_unicode=True)
    for k, fragment in enumerate(raw):
        text = text.replace(f"RAWYAML{k}X", fragment)
    lines = text.split("\n")
    for _ in range(draw(st.sampled_from([0, 0, 0, 0, 1, 2]))):  # a line doubled or dropped
        at = draw(st.integers(0, len(lines) - 1))
        if draw(st.booleans()):
            lines.insert(at, lines[at])  # a duplicate key, most often
        else:
            del lines[at]
    text = "\n".join(lines)
    if draw(st.sampled_from([False] * 9 + [True])):  # a character no YAML may hold
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.sampled_from(["\x01", "\x7f", "\ufffe", "\x00"])) + text[at:]
    return name, text


# --- what must hold for every mutant -----------------------------------------------------


def _float_arrays(state: Any) -> Iterator[tuple[str, np.ndarray]]:
    for field in fields(state):
        value = getattr(state, field.name)
        if isinstance(value, np.ndarray) and value.dtype.kind == "f":
            yield field.name, value


def check_mutant(text: str) -> Scenario | None:
    """The scenario ``check`` accepts, or None if it refuses it cleanly; any other
    exception, or a slow check, fails."""
    started = Stopwatch()
    try:
        scenario: Scenario | None = parse_scenario(text, FILE)
    except ScenarioError as error:
        assert error.problems, "a ScenarioError lists its problems"
        for problem in error.problems:
            assert problem.line >= 1 and problem.column >= 1
            assert len(problem.message) < 2_000, "an error message echoes a value whole"
        scenario = None
    elapsed = started.seconds()
    assert elapsed < CHECK_SECONDS, f"check took {elapsed:.1f} s"
    return scenario


def run_accepted(scenario: Scenario) -> None:
    """Two runs of the whole calendar: no exception, finite state, bounded shares."""
    started = Stopwatch()
    world = compile_world(scenario)
    result = simulate(world, seed=0, runs=2)
    for run in range(2):
        result.outcome(run)
    for name, values in _float_arrays(result.state):
        assert np.isfinite(values).all(), f"state.{name} is not finite"
    assert np.isfinite(result.power).all(), "real power is not finite"
    for name in ("prestige", "loyalty", "secretary_loyalty"):
        values = getattr(result.state, name)
        assert ((values >= 0) & (values <= 1)).all(), f"state.{name} left 0-1"
    assert (result.state.members >= 0).all(), "negative membership"
    elapsed = started.seconds()
    assert elapsed < RUN_SECONDS, f"two runs took {elapsed:.1f} s"
    for intervention in scenario.interventions:
        with contextlib.suppress(InterventionError):
            apply_interventions(scenario, [intervention.id])


def _fuzz_settings(test: Any) -> Any:
    configured = settings(
        max_examples=FUZZ_EXAMPLES,
        derandomize=FUZZ_SEED is None,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )(test)
    return configured if FUZZ_SEED is None else hypothesis_seed(int(FUZZ_SEED))(configured)


@pytest.fixture(scope="module", autouse=True)
def campaign_figures() -> Iterator[None]:
    yield
    if FIGURES:
        print(
            f"\nscenario fuzz: {FIGURES['tried']} cases tried, {FIGURES['rejected']} rejected "
            f"cleanly, {FIGURES['ran']} ran; tracebacks {FIGURES['tracebacks']}, "
            f"hangs {FIGURES['hangs']}"
        )
    if REPORT:
        Path(REPORT).write_text(
            json.dumps({"figures": dict(FIGURES), "failures": FAILURES}, indent=1)
        )


@_fuzz_settings
@given(mutants())
def test_fuzzed_scenarios_are_refused_cleanly_or_run(mutant: tuple[str, str]) -> None:
    name, text = mutant
    FIGURES["tried"] += 1
    if REPORT:  # the case under way, for a campaign that has to kill a hung process
        Path(REPORT + ".current").write_text(text, encoding="utf-8")
    try:
        scenario = check_mutant(text)
        if scenario is None:
            FIGURES["rejected"] += 1
            return
        run_accepted(scenario)
        FIGURES["ran"] += 1
    except Exception as error:
        slow = isinstance(error, AssertionError) and " took " in str(error)
        FIGURES["hangs" if slow else "tracebacks"] += 1
        if not REPORT:
            raise
        FAILURES.append(
            {"scenario": name, "text": text[:20_000], "problem": f"{type(error).__name__}: "
             + "".join(traceback.format_exception(error))[-4000:]}
        )  # fmt: skip


# --- one regression test per class of input found ----------------------------------------


def refused(text: str, seconds: float = 1.0) -> list[str]:
    """The problems of a refused text, as printed; refused within ``seconds``."""
    started = time.perf_counter()
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(text, FILE)
    elapsed = time.perf_counter() - started
    assert elapsed < seconds, f"refused only after {elapsed:.2f} s"
    return [str(problem) for problem in caught.value.problems]


def replaced(text: str, old: str, new: str) -> str:
    assert old in text, f"anchor not found: {old!r}"
    return text.replace(old, new, 1)


def at_line(text: str, needle: str) -> str:
    """``file:line:`` of the first ``needle`` (a message's start, whatever its column)."""
    return f"{FILE}:{text.count(chr(10), 0, text.index(needle)) + 1}:"


def line_column(text: str, needle: str) -> str:
    index = text.index(needle)
    line = text.count("\n", 0, index) + 1
    return f"{FILE}:{line}:{index - (text.rfind(chr(10), 0, index) + 1) + 1}:"


def test_a_complex_key_is_refused_at_its_line() -> None:
    text = "id: x\n? [a]\n: 1\n"
    assert refused(text) == [
        f"{line_column(text, '[a]')} YAML: a key must be a plain value, not a list or mapping"
    ]


def test_an_alias_inside_its_own_anchor_is_refused() -> None:
    text = "name: n\nid: &x [*x]\n"
    (problem,) = refused(text)
    assert problem.startswith(line_column(text, "*x")) and "cannot contain itself" in problem


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 300, 100_000])
def test_deep_nesting_is_refused_where_it_passes_the_limit(depth: int) -> None:
    text = "id: " + "[" * depth + "]" * depth + "\n"
    (problem,) = refused(text)
    # The document is the first level, so the list opened one level too deep is the
    # MAX_DEPTH-th "[", after the 4 characters of "id: ".
    assert problem.startswith(f"{FILE}:1:{4 + MAX_DEPTH}:"), problem
    assert f"nested more than {MAX_DEPTH} levels" in problem


def test_a_scenario_nested_to_the_limit_is_read() -> None:
    text = "id: " + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1) + "\n"
    problems = refused(text)  # refused by the schema, not by the reader
    assert not any("nested" in p or "YAML" in p for p in problems), problems


def test_an_alias_bomb_is_refused_in_milliseconds() -> None:
    # Nine lines, each anchor nine aliases of the one before: 9**8 values if expanded.
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    for k in range(1, 9):
        lines.append(f"a{k}: &a{k} [{', '.join([f'*a{k - 1}'] * 9)}]")
    text = "\n".join(lines) + "\n"
    (problem,) = refused(text, seconds=0.2)
    assert f"aliases expand to more than {MAX_ALIAS_NODES:,} values" in problem
    assert problem.startswith(f"{FILE}:5:"), problem  # a4 passes the budget (9**4 > 10,000)


def test_a_few_aliases_are_read_with_their_values(toy_text: str) -> None:
    text = replaced(toy_text, "status_quo: -0.2", "status_quo: &line -0.2")
    text = replaced(text, "status_quo: -0.3", "status_quo: *line")
    scenario = parse_scenario(text, FILE)
    assert [issue.status_quo for issue in scenario.issues] == [-0.2, -0.2]


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [("1922-01", "4653-12", 32_768 + 12 * 1000), ("1900-01", "2199-12", 3600)],
    ids=["past a 16-bit month counter", "three centuries"],
)
def test_a_calendar_longer_than_the_limit_is_refused(
    toy_text: str, start: str, end: str, months: int
) -> None:
    text = replaced(toy_text, "start: 1950-01", f"start: {start}")
    text = replaced(text, "end: 1953-12", f"end: {end}")
    problems = refused(text)
    assert any(
        p.startswith(line_column(text, "calendar:")) and f"at most {MAX_MONTHS}" in p
        for p in problems
    ), problems


def test_a_crisis_may_not_outlast_the_month_counter(toy_text: str) -> None:
    text = replaced(toy_text, "months: 4", "months: 32768")
    problems = refused(text)
    assert any(f"less than or equal to {MAX_MONTHS} (got 32768)" in p for p in problems)


@pytest.mark.parametrize("seats", [2**63, 10**12, MAX_SEATS + 1])
def test_a_body_too_large_for_the_engine_is_refused(toy_text: str, seats: int) -> None:
    text = replaced(toy_text, "full: 100", f"full: {seats}")
    (problem,) = refused(text)
    assert problem.startswith(line_column(text, "full: ")) or "sizes[0].full" in problem
    assert f"less than or equal to {MAX_SEATS}" in problem


def test_a_committee_larger_than_the_engine_walks_is_refused(toy_text: str) -> None:
    text = replaced(toy_text, "full: 15,", f"full: {MAX_COMMITTEE_SEATS + 1},")
    (problem,) = refused(text)
    assert problem.startswith(at_line(text, "  - id: committee")), problem
    assert f"a committee body may have at most {MAX_COMMITTEE_SEATS:,}" in problem


def test_an_integer_past_a_float_is_refused_not_crashed(toy_text: str) -> None:
    text = replaced(toy_text, "prestige: {value: 0.4", "prestige: {value: 1" + "0" * 400)
    (problem,) = refused(text)
    assert "prestige.value" in problem, problem


def test_an_integer_too_long_to_read_is_refused_at_its_line(toy_text: str) -> None:
    text = replaced(toy_text, "full: 100", "full: " + "9" * 5000)
    (problem,) = refused(text)
    assert problem.startswith(line_column(text, "999")) and "5,000 characters" in problem
    assert len(problem) < 300


@pytest.mark.parametrize("value", [".nan", ".inf", "-.inf", "1e400"])
def test_a_number_that_is_not_finite_is_refused(toy_text: str, value: str) -> None:
    text = replaced(toy_text, "prestige: {value: 0.4", f"prestige: {{value: {value}")
    (problem,) = refused(text)
    assert "leaders[0].prestige.value" in problem and "finite" in problem, problem


def test_prestige_outside_zero_to_one_is_refused(toy_text: str) -> None:
    text = replaced(toy_text, "prestige: {value: 0.4", "prestige: {value: 1e60")
    (problem,) = refused(text)
    assert "leaders[0].prestige.value" in problem and "less than or equal to 1" in problem


def test_negative_membership_is_refused(toy_text: str) -> None:
    text = replaced(toy_text, "veterans: 40000", "veterans: -40000")
    (problem,) = refused(text)
    assert problem.startswith(line_column(text, "veterans: -40000"))
    assert "greater than or equal to 0" in problem


def test_a_control_character_is_reported_at_its_line_and_column(toy_text: str) -> None:
    text = replaced(toy_text, 'name: "Toy succession', 'name: "Toy\x01succession')
    (problem,) = refused(text)
    assert problem.startswith(line_column(text, "\x01")), problem
    assert "U+0001" in problem


def test_a_wrong_type_in_a_union_names_only_the_fields_in_the_file(toy_text: str) -> None:
    text = replaced(toy_text, "  source: ", "  source: 5 #")
    (problem,) = refused(text)
    assert problem == (
        f"{line_column(text, 'source: 5')} calendar.source: "
        "Input should be a valid string or a valid list (got 5)"
    )


def test_a_huge_value_is_not_echoed_whole(toy_text: str) -> None:
    huge = "x" * 1_000_000
    text = replaced(toy_text, "full: 100", f"full: {huge}")
    (problem,) = refused(text)
    assert "xxxx" in problem and len(problem) < 300, len(problem)


def test_a_file_longer_than_the_limit_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_text("# " + "x" * (4 * MAX_CHARACTERS) + "\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match="characters"):
        load_scenario_file(path)
    with pytest.raises(ScenarioError, match="characters"):
        parse_scenario("# " + "x" * MAX_CHARACTERS, FILE)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("!!binary AAAA", "!!binary is not used"),
        ("!!set {a, b}", "!!set is not used"),
        ("\n    <<: {a: 1}", "a merge key (<<) is not supported"),
        ("!!int x", "cannot read this value"),
        ("2001-13-45", "expected a month YYYY-MM, got '2001-13-45'"),
    ],
)
def test_values_no_scenario_has_are_refused_at_their_line(
    toy_text: str, value: str, expected: str
) -> None:
    text = replaced(toy_text, "date: 1950-06", f"date: {value}")
    (problem,) = refused(text)
    assert problem.startswith(at_line(text, value.strip())), problem
    assert expected in problem, problem


def test_a_patch_naming_no_fact_is_refused_by_check(toy_text: str) -> None:
    text = replaced(
        toy_text,
        "events:",
        "interventions:\n  - id: wipe\n    name: everything\n    source: x\n"
        "    patches: [{op: remove, path: /}]\nevents:",
    )
    (problem,) = refused(text)
    assert problem.startswith(line_column(text, "path: /"))
    assert "interventions[0].patches[0].path" in problem and "names no fact" in problem


@pytest.mark.parametrize(
    ("op", "path"),
    [("remove", "/"), ("set", "id/x"), ("add", "offices/nowhere"), ("set", "leaders/9" * 4)],
)
def test_a_patch_that_cannot_apply_is_an_intervention_error(op: str, path: str) -> None:
    from politburo.scenario import load_scenario

    scenario = load_scenario("toy-3")
    # Built without validation, as a Python caller might: the patcher still refuses it.
    patch = Patch.model_construct(op=cast(Literal["set", "remove", "add"], op), path=path, value=1)
    intervention = Intervention.model_construct(
        id="broken", name="broken", source="x", patches=[patch]
    )
    with pytest.raises(InterventionError):
        apply_interventions(scenario, ["broken"], [intervention])


def test_the_scenario_guide_states_every_limit() -> None:
    from politburo.scenario import loader, schema

    guide = (Path(__file__).parents[1] / "docs" / "scenarios.md").read_text(encoding="utf-8")
    limits = {
        "MAX_MONTHS": schema.MAX_MONTHS,
        "MAX_SEATS": schema.MAX_SEATS,
        "MAX_COMMITTEE_SEATS": schema.MAX_COMMITTEE_SEATS,
        "MAX_MEMBERS": schema.MAX_MEMBERS,
        "MAX_LEADERS": schema.MAX_LEADERS,
        "MAX_RUNGS": schema.MAX_RUNGS,
        "MAX_ITEMS": schema.MAX_ITEMS,
        "MAX_TEXT": schema.MAX_TEXT,
        "MAX_ID": schema.MAX_ID,
        "MAX_CHARACTERS": loader.MAX_CHARACTERS,
        "MAX_DEPTH": loader.MAX_DEPTH,
        "MAX_NODES": loader.MAX_NODES,
        "MAX_ALIAS_NODES": loader.MAX_ALIAS_NODES,
    }
    for name, value in limits.items():
        # The value and the constant's name, in one cell of the table of limits.
        assert re.search(rf"\b{re.escape(f'{value:,}')}\b[^|\n]*`{name}`", guide), name
    assert schema.MAX_SEED == 2**63 - 1 and "2**63 - 1 (`MAX_SEED`" in guide


def test_patrons_in_a_circle_are_refused(toy_text: str) -> None:
    # Each the other's client: no bloc has a leader (the engine would run leaderless blocs).
    text = replaced(
        toy_text,
        "  - id: secretary\n",
        "  - id: secretary\n    patron: {leader: tribune, loyalty: 0.5, source: x}\n",
    )
    text = replaced(
        text,
        "  - id: tribune\n",
        "  - id: tribune\n    patron: {leader: secretary, loyalty: 0.5, source: x}\n",
    )
    problems = refused(text)
    assert len(problems) == 2 and all("patrons run in a circle" in p for p in problems)
    assert problems[0].startswith(at_line(text, "tribune, loyalty")), problems


@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [
        ("leaders/secretary/prestige/value", math.nan, "leaders[0].prestige.value: Input "),
        ("events/recruitment/effects/0/members", -5, "events[0].effects[0].members: Input"),
    ],
)
def test_an_intervention_that_breaks_the_schema_names_the_fact_as_written(
    path: str, value: Any, expected: str
) -> None:
    from politburo.scenario import load_scenario

    patch = Patch(op="set", path=path, value=value)
    intervention = Intervention(id="broken", name="broken", source="x", patches=[patch])
    with pytest.raises(InterventionError, match=re.escape(expected)):
        apply_interventions(load_scenario("toy-3"), ["broken"], [intervention])


def test_an_error_inside_an_anchored_value_points_into_the_anchor(toy_text: str) -> None:
    # The first issue is anchored and repeated at the end of the list; a wrong value inside
    # the anchor is reported where it is written.
    text = replaced(toy_text, "  - id: economy\n", "  - &issue\n    id: economy\n")
    text = replaced(text, "    status_quo: -0.2\n", "    status_quo: 7\n")
    text = replaced(text, "\ncohorts:\n", "  - *issue\n\ncohorts:\n")
    problems = refused(text)
    assert f"{line_column(text, 'status_quo: 7')} issues[0].status_quo" in "\n".join(problems)
    assert any("issues[2].status_quo" in p for p in problems), problems


def test_a_name_longer_than_a_file_name_can_be_is_refused() -> None:
    # Path.exists() raises for a name the file system cannot hold (ENAMETOOLONG).
    from politburo.scenario import load_scenario

    with pytest.raises(ScenarioError) as caught:
        load_scenario("x" * 5000)
    (problem,) = caught.value.problems
    assert "File name too long" in str(problem) and len(str(problem)) < 300
