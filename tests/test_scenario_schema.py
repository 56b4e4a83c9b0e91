"""The scenario loader: precise ``file:line:column: path: message`` errors for every kind of
mistake a scenario writer makes, and the data quality of the built-in scenarios.

Each error test starts from the text of toy-3.yaml, makes one mutation, and computes the
expected line from the *mutated text* (where the mutation actually is), never from the
error being tested.
"""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel

from politburo.model.world import compile_world
from politburo.scenario import (
    Scenario,
    ScenarioError,
    ScenarioProblem,
    builtin_names,
    load_scenario,
    month_index,
    parse_scenario,
)
from politburo.scenario.interventions import apply_interventions
from politburo.scenario.schema import Provenance
from politburo.simulation import first_difference

FILE = "toy-mutated.yaml"
SEED = "shared/seeds/000_ff0f80d5a52c10e2.txt"


# --- helpers ---------------------------------------------------------------------------


def mutate(text: str, old: str, new: str) -> str:
    """Replace the first occurrence of ``old``; fail loudly if it is not in the text."""
    assert old in text, f"mutation anchor not found: {old!r}"
    return text.replace(old, new, 1)


def line_of(text: str, needle: str) -> int:
    """1-based line of the first occurrence of ``needle``."""
    index = text.index(needle)
    return text.count("\n", 0, index) + 1


def column_of(text: str, needle: str) -> int:
    """1-based column of the first occurrence of ``needle``."""
    index = text.index(needle)
    return index - (text.rfind("\n", 0, index) + 1) + 1


def problems_of(text: str) -> list[ScenarioProblem]:
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(text, FILE)
    problems = caught.value.problems
    assert problems, "a ScenarioError must list at least one problem"
    return problems


def only_problem(text: str, path: str) -> ScenarioProblem:
    """The problem reported at ``path`` (exactly one)."""
    problems = problems_of(text)
    found = [p for p in problems if p.path == path]
    assert len(found) == 1, f"expected one problem at {path!r}, got {[str(p) for p in problems]}"
    return found[0]


# --- the unmodified file and the error format -------------------------------------------


def test_unmodified_toy_text_parses(toy_text: str) -> None:
    scenario = parse_scenario(toy_text, FILE)
    assert scenario.id == "toy-3"
    assert [leader.id for leader in scenario.leaders] == ["secretary", "tribune", "editor"]


def test_builtin_names_lists_the_toy_and_the_reference_scenario() -> None:
    # The list grows with every case added to the package; the guide's toy and the
    # reference case must stay in it, once each and in order.
    names = builtin_names()
    assert names == sorted(set(names))
    assert {"toy-3", "ussr-1922"} <= set(names)


@pytest.mark.parametrize("name", builtin_names())
def test_builtins_load(name: str) -> None:
    scenario = load_scenario(name)
    assert isinstance(scenario, Scenario)
    assert scenario.id == name


@pytest.mark.parametrize("name", builtin_names())
def test_no_builtin_schedules_a_removal(name: str) -> None:
    # Outcomes of the struggle must emerge in every shipped case: no discipline motion is
    # scheduled among its events (counterfactual interventions may add one).
    scenario = load_scenario(name)
    scripted = [
        event.id for event in scenario.events for eff in event.effects if eff.effect == "motion"
    ]
    assert scripted == []


@pytest.mark.parametrize("name", builtin_names())
def test_builtin_factors_apply_together_and_each_changes_the_world(name: str) -> None:
    """Attribution switches factors off in every combination: all of them at once must
    apply, and each factor's interventions must change the compiled world (a factor that
    changes nothing would get a Shapley value of noise)."""
    scenario = load_scenario(name)
    chosen = [i for factor in scenario.factors for i in factor.interventions]
    apply_interventions(scenario, chosen)
    base = compile_world(scenario)
    for factor in scenario.factors:
        if factor.interventions:
            world = compile_world(apply_interventions(scenario, factor.interventions))
            assert first_difference(base, world) < base.months, factor.id


def test_problem_str_is_file_line_column_path_message() -> None:
    problem = ScenarioProblem("a.yaml", 12, 7, "leaders[0].traits", "unknown key")
    assert str(problem) == "a.yaml:12:7: leaders[0].traits: unknown key"
    assert (
        str(ScenarioProblem("a.yaml", 1, 1, "", "YAML syntax: x")) == "a.yaml:1:1: YAML syntax: x"
    )


def test_error_message_joins_every_problem(toy_text: str) -> None:
    # Two independent mistakes in different places: both are reported.
    text = mutate(toy_text, "rigidity: 0.3, source", "rigidty: 0.3, source")
    text = mutate(text, "full: 15,", "full: many,")
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(text, FILE)
    paths = {p.path for p in caught.value.problems}
    assert "leaders[0].traits.rigidty" in paths
    assert "bodies[1].sizes[0].full" in paths
    for problem in caught.value.problems:
        assert str(problem) in str(caught.value)
        assert str(problem).startswith(f"{FILE}:{problem.line}:{problem.column}: ")


# --- schema errors -----------------------------------------------------------------------


def test_misspelt_key_names_its_line_and_says_unknown_key(toy_text: str) -> None:
    text = mutate(toy_text, "rigidity: 0.3, source", "rigidty: 0.3, source")
    problem = only_problem(text, "leaders[0].traits.rigidty")
    assert problem.file == FILE
    assert problem.line == line_of(text, "rigidty")
    assert problem.column == column_of(text, "rigidty")
    assert "unknown key" in problem.message
    # The misspelling also leaves the real key missing.
    missing = only_problem(text, "leaders[0].traits.rigidity")
    assert "missing" in missing.message


def test_missing_required_field(toy_text: str) -> None:
    text = mutate(
        toy_text, "    sketch: A well-liked theorist with the party newspaper behind him.\n", ""
    )
    problem = only_problem(text, "leaders[2].sketch")
    assert "required" in problem.message and "missing" in problem.message
    # Reported at the leader that lacks it (the mapping starts at its first key).
    assert problem.line == line_of(text, "  - id: editor")


def test_wrong_type(toy_text: str) -> None:
    text = mutate(toy_text, "full: 15,", "full: many,")
    problem = only_problem(text, "bodies[1].sizes[0].full")
    assert problem.line == line_of(text, "full: many")
    assert problem.column == column_of(text, "full: many")  # the key to fix
    assert "integer" in problem.message


def test_value_out_of_range(toy_text: str) -> None:
    text = mutate(toy_text, "pressure: 0.6,", "pressure: 1.6,")
    problem = only_problem(text, "events[2].effects[0].pressure")
    assert problem.line == line_of(text, "pressure: 1.6")
    assert "1.6" in problem.message


def test_bad_month(toy_text: str) -> None:
    text = mutate(toy_text, "  start: 1950-01\n  end: 1953-12", "  start: 1950-13\n  end: 1953-12")
    problem = only_problem(text, "calendar.start")
    assert problem.line == line_of(text, "1950-13")
    assert "YYYY-MM" in problem.message
    assert "1950-13" in problem.message


def test_calendar_end_before_start(toy_text: str) -> None:
    text = mutate(toy_text, "  end: 1953-12", "  end: 1949-12")
    problems = problems_of(text)
    assert any("before start" in p.message and p.path.startswith("calendar") for p in problems)
    assert all(p.line == line_of(text, "calendar:") for p in problems if p.path == "calendar")


def test_estimate_without_method(toy_text: str) -> None:
    # The first region with an unattached secretary is 'plains' (regions[3]).
    anchor = f"    secretary: {{source: {SEED}, status: estimate, method: invented}}"
    text = mutate(toy_text, anchor, f"    secretary: {{source: {SEED}, status: estimate}}")
    problem = only_problem(text, "regions[3].secretary")
    assert "method" in problem.message and "estimate" in problem.message
    assert problem.line == line_of(text, f"    secretary: {{source: {SEED}, status: estimate}}")


def _congress_1_with(extra: str, toy_text: str) -> str:
    anchor = f"      - {{effect: congress, body: congress}}\n    source: {SEED}\n  - id: harvest"
    return mutate(
        toy_text,
        anchor,
        f"      - {{effect: congress, body: congress}}\n    source: {SEED}\n{extra}  - id: harvest",
    )


def test_disputed_without_alternatives(toy_text: str) -> None:
    text = _congress_1_with("    status: disputed\n", toy_text)
    problem = only_problem(text, "events[1]")
    assert "alternatives" in problem.message and "disputed" in problem.message
    assert problem.line == line_of(text, "  - id: congress_1")


def test_disputed_with_alternatives_is_accepted(toy_text: str) -> None:
    text = _congress_1_with(
        f"    status: disputed\n    alternatives:\n      - {{value: 1951-02, source: {SEED}}}\n",
        toy_text,
    )
    scenario = parse_scenario(text, FILE)
    event = next(e for e in scenario.events if e.id == "congress_1")
    assert event.status == "disputed"
    assert event.alternatives is not None and event.alternatives[0].value == "1951-02"


# --- YAML-level errors --------------------------------------------------------------------


def test_duplicate_yaml_key(toy_text: str) -> None:
    text = mutate(
        toy_text,
        "  - id: congress_1\n    name: First Congress\n",
        "  - id: congress_1\n    name: First Congress\n    name: Also First\n",
    )
    problems = problems_of(text)
    assert len(problems) == 1
    problem = problems[0]
    assert "duplicate key 'name'" in problem.message
    assert problem.line == line_of(text, "    name: Also First")
    assert f"first at line {line_of(text, '    name: First Congress')}" in problem.message


def test_yaml_syntax_error(toy_text: str) -> None:
    text = mutate(toy_text, "    kind: crisis\n", "    kind: crisis: bad\n")
    problems = problems_of(text)
    assert len(problems) == 1
    problem = problems[0]
    assert problem.message.startswith("YAML syntax")
    assert problem.line == line_of(text, "kind: crisis: bad")
    assert problem.file == FILE


def test_non_mapping_document() -> None:
    problems = problems_of("- just\n- a list\n")
    assert "mapping" in problems[0].message


# --- reference errors -------------------------------------------------------------------


def test_duplicate_id(toy_text: str) -> None:
    text = mutate(toy_text, "  - id: port\n", "  - id: capital\n")
    problem = only_problem(text, "regions[1].id")
    assert "duplicate id 'capital'" in problem.message
    # The second occurrence is the one to fix.
    needle = "  - id: capital\n"
    second = text.index(needle, text.index(needle) + 1)
    assert problem.line == text.count("\n", 0, second) + 1
    assert problem.line > line_of(text, needle)


def test_event_naming_unknown_leader(toy_text: str) -> None:
    new_event = (
        "  - id: sudden_death\n"
        "    name: A death\n"
        "    kind: death\n"
        "    date: 1952-06\n"
        "    effects:\n"
        "      - {effect: death, leader: stalin}\n"
        f"    source: {SEED}\n"
    )
    text = mutate(toy_text, "\nhistory:", "\n" + new_event + "\nhistory:")
    problem = only_problem(text, "events[4].effects[0].leader")
    assert problem.line == line_of(text, "leader: stalin")
    assert problem.column == column_of(text, "leader: stalin")  # the key to fix
    assert "unknown leader 'stalin'" in problem.message
    for valid in ("secretary", "tribune", "editor"):
        assert valid in problem.message


def test_event_date_outside_calendar(toy_text: str) -> None:
    text = mutate(toy_text, "date: 1951-09", "date: 1955-09")
    problem = only_problem(text, "events[2].date")
    assert problem.line == line_of(text, "date: 1955-09")
    assert "1955-09" in problem.message and "outside the calendar" in problem.message


def test_office_in_unknown_body(toy_text: str) -> None:
    text = mutate(
        toy_text,
        "    body: presidium\n    elected_by: committee\n    powers: {army",
        "    body: politburo\n    elected_by: committee\n    powers: {army",
    )
    problem = only_problem(text, "offices[1].body")
    assert problem.line == line_of(text, "body: politburo")
    assert "unknown body 'politburo'" in problem.message
    for valid in ("committee", "congress", "control", "presidium", "secretariat"):
        assert valid in problem.message


def test_region_secretary_patron_must_exist(toy_text: str) -> None:
    text = mutate(toy_text, "secretary: {patron: editor,", "secretary: {patron: edtor,")
    problem = only_problem(text, "regions[1].secretary.patron")
    assert problem.line == line_of(text, "patron: edtor")
    assert "unknown leader 'edtor'" in problem.message


def test_error_inside_leader_prestige_points_at_prestige(toy_text: str) -> None:
    text = mutate(toy_text, "prestige: {value: 0.4,", "prestige: {value: high,")
    problems = problems_of(text)
    assert [p.path for p in problems] == ["leaders[0].prestige.value"]
    assert problems[0].line == line_of(text, "value: high")


# --- the reference scenario's data ------------------------------------------------------


def _walk(node: Any, path: str = "") -> list[tuple[str, BaseModel]]:
    """Every pydantic model in a scenario with its dotted path."""
    found: list[tuple[str, BaseModel]] = []
    if isinstance(node, BaseModel):
        found.append((path, node))
        for name in type(node).model_fields:
            found += _walk(getattr(node, name), f"{path}.{name}" if path else name)
    elif isinstance(node, list | tuple):
        for i, item in enumerate(node):
            found += _walk(item, f"{path}[{i}]")
    elif isinstance(node, dict):
        for key, item in node.items():
            found += _walk(item, f"{path}.{key}")
    return found


def _sources(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def _has_source(model: Provenance) -> bool:
    items = _sources(model.source)
    return bool(items) and all(item.strip() for item in items)


def test_ussr_every_fact_has_a_source(ussr: Scenario) -> None:
    missing = []
    for leader in ussr.leaders:
        for what, model in (
            ("leader", leader),
            ("traits", leader.traits),
            ("prestige", leader.prestige),
        ):
            if not _has_source(model):
                missing.append(f"{leader.id} {what}")
    for office in ussr.offices:
        if not _has_source(office):
            missing.append(f"office {office.id}")
    for body in ussr.bodies:
        for size in body.sizes:
            if not _has_source(size):
                missing.append(f"body {body.id} size from {size.from_}")
    for region in ussr.regions:
        if not _has_source(region.membership):
            missing.append(f"region {region.id} membership")
    for event in ussr.events:
        if not _has_source(event):
            missing.append(f"event {event.id}")
    assert not missing


def test_ussr_every_estimate_has_a_method_and_every_dispute_its_alternatives(
    ussr: Scenario,
) -> None:
    provenances = [(path, m) for path, m in _walk(ussr) if isinstance(m, Provenance)]
    assert len(provenances) > 200  # the walk really reaches the nested facts
    estimates = [(path, m) for path, m in provenances if m.status == "estimate"]
    assert estimates
    assert [path for path, m in estimates if not (m.method and m.method.strip())] == []
    disputed = [(path, m) for path, m in provenances if m.status == "disputed"]
    assert [path for path, m in disputed if not m.alternatives] == []


def test_ussr_calendar(ussr: Scenario) -> None:
    assert (ussr.calendar.start, ussr.calendar.end) == ("1922-04", "1930-12")


def test_ussr_has_enough_regions(ussr: Scenario) -> None:
    assert len(ussr.regions) >= 30
    assert len({r.id for r in ussr.regions}) == len(ussr.regions)


REQUIRED_LEADERS = [
    "lenin",
    "stalin",
    "trotsky",
    "zinoviev",
    "kamenev",
    "bukharin",
    "rykov",
    "tomsky",
    "molotov",
    "kalinin",
    "voroshilov",
    "dzerzhinsky",
    "kuibyshev",
    "frunze",
    "kirov",
]


def test_ussr_required_leaders_present(ussr: Scenario) -> None:
    ids = {leader.id for leader in ussr.leaders}
    assert set(REQUIRED_LEADERS) <= ids


def test_ussr_faction_ban_starts_march_1921(ussr: Scenario) -> None:
    bans = [rule for rule in ussr.rules if rule.kind == "faction_ban"]
    assert len(bans) == 1
    assert bans[0].start == "1921-03"
    assert month_index(bans[0].start) < month_index(ussr.calendar.start)


def _effect_months(scenario: Scenario, effect: str) -> dict[str, list[Any]]:
    months: dict[str, list[Any]] = {}
    for event in scenario.events:
        for eff in event.effects:
            if eff.effect == effect:
                months.setdefault(event.date, []).append(eff)
    return months


def test_ussr_congresses(ussr: Scenario) -> None:
    congresses = _effect_months(ussr, "congress")
    for month in ("1923-04", "1924-05", "1925-12", "1927-12", "1930-06"):
        assert month in congresses, f"no congress in {month}"
    congress_body = next(b.id for b in ussr.bodies if b.role == "congress")
    assert all(eff.body == congress_body for effs in congresses.values() for eff in effs)


def test_ussr_lenin_dies_january_1924(ussr: Scenario) -> None:
    deaths = _effect_months(ussr, "death")
    assert [eff.leader for eff in deaths.get("1924-01", [])] == ["lenin"]
    assert all(
        eff.leader != "lenin"
        for month, effs in deaths.items()
        if month != "1924-01"
        for eff in effs
    )


def test_ussr_no_removal_is_scheduled(ussr: Scenario) -> None:
    # Outcomes of the struggle must emerge: no discipline motion is scheduled in the file.
    scripted = [
        event.id for event in ussr.events for eff in event.effects if eff.effect == "motion"
    ]
    assert scripted == []


def test_a_rehabilitation_event_parses_and_names_its_leader(toy_text: str) -> None:
    """The ``rehabilitate`` effect: a leader id, checked like every other reference."""
    event = """  - id: thaw
    name: A thaw
    kind: rehabilitation
    date: 1951-06
    effects:
      - {effect: rehabilitate, leader: tribune}
    source: shared/seeds/000_ff0f80d5a52c10e2.txt
    status: estimate
    method: invented
"""
    text = toy_text.replace("events:\n", "events:\n" + event, 1)
    scenario = parse_scenario(text, FILE)
    effects = [e for ev in scenario.events if ev.id == "thaw" for e in ev.effects]
    assert [e.effect for e in effects] == ["rehabilitate"]
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(text.replace("leader: tribune}", "leader: nobody}"), FILE)
    assert any("nobody" in p.message for p in caught.value.problems)


def test_a_direct_rung_needs_backing(toy_text: str) -> None:
    """A rung moved without climbing the ladder is force: it must name its backing."""
    text = mutate(
        toy_text,
        "  - {id: censure, name: censure, effect: censure, body: committee,",
        "  - {id: censure, name: censure, effect: censure, body: committee, direct: true,",
    )
    problem = only_problem(text, "discipline[0]")
    assert problem.line == line_of(text, "direct: true")
    assert "direct" in problem.message and "requires_backing" in problem.message


def test_a_direct_rung_with_backing_is_accepted(toy_text: str) -> None:
    text = mutate(
        toy_text, "requires_backing: [police],", "requires_backing: [police], direct: true,"
    )
    scenario = parse_scenario(text, FILE)
    assert [r.direct for r in scenario.discipline] == [False, False, False, False, True]
    assert compile_world(scenario).ladder[-1].direct
