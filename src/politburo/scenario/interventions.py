"""Counterfactuals: named patches on a scenario's facts.

An intervention is data (``interventions:`` in a scenario, or a separate YAML file of
them). Applying one yields a new, fully validated scenario; the engine never knows it is
looking at a counterfactual. Two interventions that set the same fact to different
values, or where one removes what the other changes, are refused together.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from politburo.errors import InputError
from politburo.scenario.loader import (
    ScenarioError,
    ScenarioProblem,
    dotted,
    echo,
    path_in_document,
    read_text_file,
    read_yaml,
    schema_problems,
)
from politburo.scenario.references import check_references
from politburo.scenario.schema import Intervention, Patch, Scenario


class InterventionError(InputError):
    """An intervention that cannot be applied; the message says what to fix."""


def available(scenario: Scenario, extra: Sequence[Intervention] = ()) -> dict[str, Intervention]:
    """Interventions by id: the scenario's own, then those from files (which may not
    reuse an id)."""
    found = {i.id: i for i in scenario.interventions}
    for item in extra:
        if item.id in found:
            raise InterventionError(
                f"intervention {item.id!r} is defined twice (in the scenario and a file)"
            )
        found[item.id] = item
    return found


def load_intervention_file(path: str | Path) -> list[Intervention]:
    """Interventions from a YAML file: a list of them, or ``interventions: [...]``."""
    path = Path(path)
    data, positions = read_yaml(read_text_file(path), str(path))
    prefix: tuple[Any, ...] = ()
    if isinstance(data, dict) and set(data) == {"interventions"}:
        data, prefix = data["interventions"], ("interventions",)
    if not isinstance(data, list):
        raise ScenarioError(
            [ScenarioProblem(str(path), 1, 1, "", "expected a list of interventions")]
        )
    try:
        return TypeAdapter(list[Intervention]).validate_python(data)
    except ValidationError as error:
        problems = schema_problems(error, str(path), positions, data, prefix)
        raise ScenarioError(problems) from None


def _steps(path: str) -> list[str]:
    return [step for step in path.strip("/").split("/") if step]


def _child(node: Any, step: str, where: str) -> tuple[Any, Any]:
    """(container, key) for one step down from ``node``."""
    if isinstance(node, dict):
        return node, step
    if isinstance(node, list):
        for position, item in enumerate(node):
            if isinstance(item, dict) and item.get("id") == step:
                return node, position
        # A position is a short run of ASCII digits (int() of a long one is refused).
        if step.isascii() and step.isdigit() and len(step) < 10 and int(step) < len(node):
            return node, int(step)
        ids = [item.get("id") for item in node if isinstance(item, dict) and "id" in item]
        known = f"; ids here: {', '.join(map(str, ids))}" if ids else ""
        raise InterventionError(f"{where}: no item {echo(step)}{known}")
    raise InterventionError(f"{where}: cannot step into a {type(node).__name__}")


def _apply_patch(document: dict[str, Any], patch: Patch, owner: str) -> None:
    steps = _steps(patch.path)
    if not steps:
        raise InterventionError(f"{owner}: path {echo(patch.path)} names no fact")
    node: Any = document
    for depth, step in enumerate(steps[:-1]):
        container, key = _child(node, step, f"{owner}: {'/'.join(steps[: depth + 1])}")
        if isinstance(container, dict) and key not in container:
            raise InterventionError(f"{owner}: path {echo(patch.path)}: no {echo(key)} here")
        node = container[key]
    container, key = _child(node, steps[-1], f"{owner}: {echo(patch.path)}")
    present = not isinstance(container, dict) or key in container
    if patch.op == "add":
        if not present or not isinstance(container[key], list):
            raise InterventionError(f"{owner}: 'add' needs a list at {echo(patch.path)}")
        container[key].append(patch.value)
    elif patch.op == "remove":
        if not present:
            raise InterventionError(f"{owner}: nothing to remove at {echo(patch.path)}")
        del container[key]
    else:
        container[key] = patch.value


def _clash(a: Patch, b: Patch) -> bool:
    """Whether two patches from different interventions contradict each other."""
    key_a, key_b = "/".join(_steps(a.path)), "/".join(_steps(b.path))
    if key_a == key_b:
        if a.op == b.op == "add":
            return False  # two appends to one list
        if a.op == b.op == "remove":
            return False  # the same deletion
        return not (a.op == b.op == "set" and a.value == b.value)
    if key_b.startswith(key_a + "/"):
        outer, inner = a, b
    elif key_a.startswith(key_b + "/"):
        outer, inner = b, a
    else:
        return False
    # Appending to a list leaves its other items alone; removing or replacing a whole
    # thing contradicts any change inside it.
    del inner
    return outer.op != "add"


def check_compatible(chosen: Sequence[Intervention]) -> None:
    """Refuse interventions (applied together) that change the same fact incompatibly."""
    for k, item in enumerate(chosen):
        for other in chosen[:k]:
            for patch in item.patches:
                for earlier in other.patches:
                    if _clash(earlier, patch):
                        raise InterventionError(
                            f"interventions {other.id!r} and {item.id!r} cannot be applied "
                            f"together: both change {earlier.path!r}"
                            + ("" if earlier.path == patch.path else f" / {patch.path!r}")
                            + "; compare them as separate arms instead"
                        )


def apply_interventions(
    scenario: Scenario, names: Iterable[str], extra: Sequence[Intervention] = ()
) -> Scenario:
    """The scenario with the named interventions applied, validated like a file."""
    names = list(names)
    if not names:
        return scenario
    catalogue = available(scenario, extra)
    unknown = [name for name in names if name not in catalogue]
    if unknown:
        valid = ", ".join(sorted(catalogue)) or "(none defined)"
        raise InterventionError(
            f"unknown intervention {', '.join(map(repr, unknown))}; valid names: {valid}"
        )
    chosen = [catalogue[name] for name in dict.fromkeys(names)]
    check_compatible(chosen)
    document = scenario.model_dump(mode="json", by_alias=True)
    for item in chosen:
        for patch in item.patches:
            _apply_patch(document, patch, f"intervention {item.id!r}")
    label = "+".join(item.id for item in chosen)
    try:
        patched = Scenario.model_validate(document)
    except ValidationError as error:
        first = error.errors(include_url=False)[0]
        where = dotted(path_in_document(tuple(first["loc"]), document))
        raise InterventionError(
            f"intervention {label} makes the scenario invalid at {where}: {first['msg']}"
            + ("" if first["type"] == "missing" else f" (got {echo(first.get('input'))})")
        ) from None
    problems = check_references(patched)
    if problems:
        path, message = problems[0]
        raise InterventionError(
            f"intervention {label} breaks a reference at {dotted(path)}: {message}"
        )
    return patched
