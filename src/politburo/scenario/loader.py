"""Load a scenario YAML file, reporting every problem as ``file:line:column: path: what``.

YAML is parsed with PyYAML's safe loader. The node tree keeps each value's position, so
schema errors (from pydantic) and reference errors (from :mod:`references`) point at the
line to fix.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from politburo.errors import UserError
from politburo.scenario.references import check_references
from politburo.scenario.schema import Scenario

Location = tuple[int, int]  # (line, column), both 1-based


@dataclass(frozen=True)
class ScenarioProblem:
    """One thing wrong with a scenario file."""

    file: str
    line: int
    column: int
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}"
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class ScenarioError(UserError):
    """A scenario file that cannot be used; ``problems`` lists every reason."""

    def __init__(self, problems: list[ScenarioProblem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _UniqueKeyLoader(_BaseLoader):  # type: ignore[valid-type,misc]
    """Safe loader that refuses duplicate keys (a silent overwrite hides typos)."""


def _compose_unique(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False) -> Any:
    seen: dict[Any, yaml.Node] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            mark = key_node.start_mark
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"duplicate key {key!r} (first at line {seen[key].start_mark.line + 1})",
                mark,
            )
        seen[key] = key_node
    return loader.construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    _compose_unique,
)


def _positions(
    node: yaml.Node, path: tuple[Any, ...], out: dict[tuple[Any, ...], Location]
) -> None:
    out[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value
            # A key's own position is more useful than its value's for "unknown key".
            out[(*path, key, "__key__")] = (
                key_node.start_mark.line + 1,
                key_node.start_mark.column + 1,
            )
            _positions(value_node, (*path, key), out)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _positions(item, (*path, index), out)


def _locate(path: tuple[Any, ...], positions: dict[tuple[Any, ...], Location]) -> Location:
    """The position of the deepest existing prefix of ``path``."""
    if (*path, "__key__") in positions:
        return positions[(*path, "__key__")]
    for cut in range(len(path), -1, -1):
        prefix = path[:cut]
        if prefix in positions:
            return positions[prefix]
    return (1, 1)


def _dotted(path: tuple[Any, ...]) -> str:
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += ("." if text else "") + str(part)
    return text


_EXPECTATIONS = {
    "extra_forbidden": "unknown key; remove it or fix its spelling",
    "missing": "required field is missing",
}


def schema_problems(
    error: ValidationError,
    file: str,
    positions: dict[tuple[Any, ...], Location],
    prefix: tuple[Any, ...] = (),
) -> list[ScenarioProblem]:
    problems = []
    for item in error.errors(include_url=False):
        # Tagged unions add the tag ('death', ...) to the path; drop it so the path is the file's.
        loc = prefix + _drop_union_tags(tuple(item["loc"]))
        message = _EXPECTATIONS.get(item["type"], item["msg"])
        if item["type"] == "literal_error":
            message = f"{item['msg']} (got {item.get('input')!r})"
        elif item["type"] == "string_pattern_mismatch":
            pattern = item.get("ctx", {}).get("pattern", "")
            wanted = "a month YYYY-MM" if "\\d{4}" in pattern else f"text matching {pattern}"
            message = f"expected {wanted}, got {item.get('input')!r}"
        elif item["type"].endswith("_type") or item["type"].startswith(("greater", "less")):
            message = f"{item['msg']} (got {item.get('input')!r})"
        line, column = _locate(loc, positions)
        problems.append(ScenarioProblem(file, line, column, _dotted(loc), message))
    return problems


_UNION_TAGS = {
    "incapacitate",
    "recover",
    "death",
    "rehabilitate",
    "prestige",
    "funeral",
    "congress",
    "conference",
    "crisis",
    "recruitment_drive",
    "document",
    "motion",
    "rule",
    "alliance",
}


def _drop_union_tags(loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """Pydantic puts the tag of a tagged union ('death', ...) after an effect's index;
    the file has no such level, so drop it there and only there."""
    out: list[Any] = []
    for k, part in enumerate(loc):
        after_effect = k >= 2 and loc[k - 2] == "effects" and isinstance(loc[k - 1], int)
        if after_effect and isinstance(part, str) and part in _UNION_TAGS:
            continue
        out.append(part)
    return tuple(out)


def read_yaml(text: str, file: str) -> tuple[Any, dict[tuple[Any, ...], Location]]:
    """Safely parse YAML text: (data, position of every value by path). Duplicate keys and
    syntax errors raise :class:`ScenarioError` with the line to fix."""
    try:
        loader = _UniqueKeyLoader(text)
        try:
            root = loader.get_single_node()
            data = loader.construct_document(root) if root is not None else None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = error.problem or str(error)
        raise ScenarioError(
            [ScenarioProblem(file, line, column, "", f"YAML syntax: {what}")]
        ) from None
    except yaml.YAMLError as error:
        raise ScenarioError([ScenarioProblem(file, 1, 1, "", f"YAML: {error}")]) from None
    positions: dict[tuple[Any, ...], Location] = {}
    if root is not None:
        _positions(root, (), positions)
    return data, positions


def parse_scenario(text: str, file: str = "<scenario>") -> Scenario:
    """Validate scenario YAML text; raise :class:`ScenarioError` listing every problem."""
    data, positions = read_yaml(text, file)
    if not isinstance(data, dict):
        raise ScenarioError(
            [ScenarioProblem(file, 1, 1, "", "a scenario is a mapping (id:, name:, leaders:, ...)")]
        )
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as error:
        raise ScenarioError(schema_problems(error, file, positions)) from None
    problems = [
        ScenarioProblem(file, *_locate(path, positions), _dotted(path), message)
        for path, message in check_references(scenario)
    ]
    if problems:
        raise ScenarioError(problems)
    return scenario


def read_text_file(path: Path) -> str:
    """A file's UTF-8 text; an unreadable file is a :class:`ScenarioError`."""
    try:
        return path.read_text(encoding="utf-8")
    except OSError as error:
        raise ScenarioError(
            [ScenarioProblem(str(path), 1, 1, "", f"cannot read file: {error.strerror}")]
        ) from None
    except UnicodeDecodeError:
        raise ScenarioError(
            [ScenarioProblem(str(path), 1, 1, "", "file is not UTF-8 text")]
        ) from None


def load_scenario_file(path: str | Path) -> Scenario:
    """Load and validate a scenario file."""
    path = Path(path)
    return parse_scenario(read_text_file(path), str(path))


def builtin_names() -> list[str]:
    """Ids of the scenarios shipped with the package."""
    folder = resources.files("politburo.scenario") / "builtin"
    return sorted(
        entry.name.removesuffix(".yaml")
        for entry in folder.iterdir()
        if entry.name.endswith(".yaml")
    )


def load_scenario(name_or_path: str | Path) -> Scenario:
    """A built-in scenario by id (``ussr-1922``) or a scenario file by path."""
    name = str(name_or_path)
    if name in builtin_names():
        resource = resources.files("politburo.scenario") / "builtin" / f"{name}.yaml"
        return parse_scenario(resource.read_text(encoding="utf-8"), f"<builtin>/{name}.yaml")
    path = Path(name)
    if not path.exists():
        known = ", ".join(builtin_names())
        raise ScenarioError(
            [
                ScenarioProblem(
                    name, 1, 1, "", f"no such file or built-in scenario; built-ins are: {known}"
                )
            ]
        )
    return load_scenario_file(path)
