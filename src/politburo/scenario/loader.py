"""Load a scenario YAML file, reporting every problem as ``file:line:column: path: what``.

YAML is parsed with PyYAML's safe loader, after a pass over its event stream that
refuses, before any value is built, what no scenario is (keys that are lists, recursive
or exploding aliases, deep nesting; see :func:`_scan` and the limits below). The node tree
keeps each value's position, so schema errors (from pydantic) and reference errors (from
:mod:`references`) point at the line to fix; values quoted in messages are cut short.
"""

from __future__ import annotations

import reprlib
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

# --- what a scenario file may be ------------------------------------------------------
#: Characters in a scenario file: thirteen times the largest built-in (ussr-1922, 157 kB).
MAX_CHARACTERS = 2_000_000
#: Levels of nesting: a scenario is at most 9 deep (ussr-1922); patch values add a few.
MAX_DEPTH = 32
#: Values (scalars, lists, mappings) in a file, counting each alias as what it expands
#: to: twenty-five times the largest built-in (ussr-1922, 7,593).
MAX_NODES = 200_000
#: Values reached through aliases (``*name``). A handful of aliases that each repeat a
#: small mapping fit; an alias bomb (aliases of aliases, exponential in the nesting) is
#: refused before anything is built.
MAX_ALIAS_NODES = 10_000
#: Characters of a value quoted back in an error message.
ECHO_CHARACTERS = 80


_ECHO = reprlib.Repr()
_ECHO.maxstring = _ECHO.maxother = ECHO_CHARACTERS
_ECHO.maxlevel, _ECHO.maxlist, _ECHO.maxdict = 2, 4, 4


def echo(value: Any) -> str:
    """``repr(value)`` cut to about :data:`ECHO_CHARACTERS` (a huge value is not echoed
    whole)."""
    text = _ECHO.repr(value)
    return text if len(text) <= ECHO_CHARACTERS else text[: ECHO_CHARACTERS - 3] + "..."


class _YamlLimit(Exception):
    """A YAML structure a scenario cannot be (refused where it starts)."""

    def __init__(self, mark: Any, message: str) -> None:
        self.mark = mark
        super().__init__(message)


@dataclass
class _Open:
    """A list or mapping being read."""

    anchor: str | None
    before: int  # values read before it
    mapping: bool
    key_next: bool = True  # in a mapping: the next value is a key


def _scan(text: str) -> None:
    """Refuse, from the event stream and before any node is built, what a scenario cannot
    hold: keys that are not plain values, aliases inside their own anchor (a recursive
    value), nesting beyond :data:`MAX_DEPTH`, and more than :data:`MAX_NODES` values or
    :data:`MAX_ALIAS_NODES` values through aliases. Each alias counts as the number of
    values its anchor holds, so an alias bomb is refused as soon as it passes the budget."""
    stack: list[_Open] = []
    held: dict[str, tuple[int, bool]] = {}  # anchor -> (values it holds, is a scalar)
    total = through_aliases = 0
    for event in yaml.parse(text, Loader=_BaseLoader):
        if isinstance(event, yaml.CollectionEndEvent):
            closed = stack.pop()
            if closed.anchor is not None:
                held[closed.anchor] = (total - closed.before, False)
            continue
        if not isinstance(event, yaml.NodeEvent):
            continue  # stream and document boundaries
        mark = event.start_mark
        is_key = bool(stack) and stack[-1].mapping and stack[-1].key_next
        if stack and stack[-1].mapping:
            stack[-1].key_next = not stack[-1].key_next
        anchor = event.anchor
        if isinstance(event, yaml.AliasEvent) and anchor is not None:
            if any(frame.anchor == anchor for frame in stack):
                raise _YamlLimit(
                    mark,
                    f"alias *{anchor} is inside its own anchor &{anchor}: a value cannot "
                    "contain itself",
                )
            count, scalar = held.get(anchor, (1, True))  # unknown: the composer says so
            if is_key and not scalar:
                raise _YamlLimit(mark, "a key must be a plain value, not a list or mapping")
            total += count
            through_aliases += count
            if through_aliases > MAX_ALIAS_NODES:
                raise _YamlLimit(
                    mark,
                    f"aliases expand to more than {MAX_ALIAS_NODES:,} values; write the "
                    "values out, or use fewer aliases of aliases",
                )
        elif isinstance(event, yaml.ScalarEvent):
            total += 1
            if anchor is not None:
                held[anchor] = (1, True)
        elif isinstance(event, yaml.CollectionStartEvent):
            total += 1
            if is_key:
                raise _YamlLimit(mark, "a key must be a plain value, not a list or mapping")
            if len(stack) >= MAX_DEPTH:
                raise _YamlLimit(
                    mark,
                    f"nested more than {MAX_DEPTH} levels deep; a scenario needs about ten",
                )
            stack.append(_Open(anchor, total, isinstance(event, yaml.MappingStartEvent)))
        if total > MAX_NODES:
            raise _YamlLimit(mark, f"more than {MAX_NODES:,} values; shorten the scenario")


class _UniqueKeyLoader(_BaseLoader):  # type: ignore[valid-type,misc]
    """Safe loader that refuses duplicate keys (a silent overwrite hides typos) and reads
    only the JSON kinds of value: a date stays text (a month is ``YYYY-MM``)."""

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep=deep)
        except (ValueError, OverflowError) as error:
            # A scalar whose tag says a kind it is not (``!!int x``, ``!!float 1e``), or
            # an integer of thousands of digits (Python refuses to convert it).
            length = len(node.value) if isinstance(node, yaml.ScalarNode) else 0
            what = (
                f"cannot read {length:,} characters as a number (no limit is that long)"
                if length > ECHO_CHARACTERS
                else f"cannot read this value: {error}"
            )
            raise yaml.constructor.ConstructorError(None, None, what, node.start_mark) from None


def _compose_unique(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False) -> Any:
    seen: dict[Any, yaml.Node] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            mark = key_node.start_mark
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"duplicate key {echo(key)} (first at line {seen[key].start_mark.line + 1})",
                mark,
            )
        seen[key] = key_node
    return loader.construct_mapping(node, deep=deep)


def _refuse_tag(loader: _UniqueKeyLoader, node: yaml.Node) -> Any:
    tag = "!!" + node.tag.removeprefix("tag:yaml.org,2002:")
    what = (
        "a merge key (<<) is not supported; write the keys out"
        if tag == "!!merge"
        else f"{tag} is not used in scenarios; write plain values"
    )
    raise yaml.constructor.ConstructorError(None, None, what, node.start_mark)


_UniqueKeyLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    _compose_unique,
)
_UniqueKeyLoader.add_constructor("tag:yaml.org,2002:timestamp", _UniqueKeyLoader.construct_yaml_str)
for _tag in ("binary", "set", "omap", "pairs", "merge"):
    _UniqueKeyLoader.add_constructor(f"tag:yaml.org,2002:{_tag}", _refuse_tag)


def _positions(root: yaml.Node, key_of: Any, out: dict[tuple[Any, ...], Location]) -> None:
    """Where each value is, by its path, walked in document order. A node reached again
    through an alias is not walked again: its values are where its anchor wrote them."""
    walked: set[int] = set()
    todo: list[tuple[yaml.Node, tuple[Any, ...]]] = [(root, ())]
    while todo:
        node, path = todo.pop()
        out[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if id(node) in walked:
            continue
        walked.add(id(node))
        children: list[tuple[yaml.Node, tuple[Any, ...]]] = []
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                key = key_of(key_node)
                # A key's own position is more useful than its value's for "unknown key".
                out[(*path, key, "__key__")] = (
                    key_node.start_mark.line + 1,
                    key_node.start_mark.column + 1,
                )
                children.append((value_node, (*path, key)))
        elif isinstance(node, yaml.SequenceNode):
            children = [(item, (*path, index)) for index, item in enumerate(node.value)]
        todo.extend(reversed(children))  # the first child is walked first


def _locate(path: tuple[Any, ...], positions: dict[tuple[Any, ...], Location]) -> Location:
    """The position of the deepest existing prefix of ``path``."""
    if (*path, "__key__") in positions:
        return positions[(*path, "__key__")]
    for cut in range(len(path), -1, -1):
        prefix = path[:cut]
        if prefix in positions:
            return positions[prefix]
    return (1, 1)


def dotted(path: tuple[Any, ...]) -> str:
    """A path as messages write it: ``leaders[0].prestige.value``."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            name = str(part)
            name = name if len(name) <= ECHO_CHARACTERS else echo(name)
            text += ("." if text else "") + name
    return text


_EXPECTATIONS = {
    "extra_forbidden": "unknown key; remove it or fix its spelling",
    "missing": "required field is missing",
}


def path_in_document(loc: tuple[Any, ...], data: Any) -> tuple[Any, ...]:
    """The steps of a pydantic error location that exist in the document. Pydantic adds
    levels the file does not have (the member of a union tried, ``str`` or ``list[str]``;
    the tag of a tagged union, ``death``); they are left out, so the path is one a
    reader can follow. A missing key is kept where it is missing."""
    out: list[Any] = []
    node = data
    for k, part in enumerate(loc):
        in_mapping = isinstance(node, dict) and _has_key(node, part)
        in_list = isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        if in_mapping or in_list:
            out.append(part)
            node = node[part]
        elif part == "[key]":
            out.append(part)
            node = None
        elif isinstance(node, dict) and k == len(loc) - 1:
            out.append(part)  # the missing key
    return tuple(out)


def _has_key(mapping: dict[Any, Any], key: Any) -> bool:
    try:
        return key in mapping
    except TypeError:
        return False


def schema_problems(
    error: ValidationError,
    file: str,
    positions: dict[tuple[Any, ...], Location],
    data: Any,
    prefix: tuple[Any, ...] = (),
) -> list[ScenarioProblem]:
    """Pydantic's errors as problems at the lines they concern; ``data`` is the document
    (below ``prefix``) that was validated."""
    found: dict[tuple[int, int, str], list[str]] = {}  # (line, column, path) -> messages
    for item in error.errors(include_url=False):
        loc = prefix + path_in_document(tuple(item["loc"]), data)
        message = _EXPECTATIONS.get(item["type"], item["msg"])
        got = echo(item.get("input"))
        if item["type"] == "string_pattern_mismatch":
            pattern = item.get("ctx", {}).get("pattern", "")
            wanted = "a month YYYY-MM" if "\\d{4}" in pattern else f"text matching {pattern}"
            message = f"expected {wanted}, got {got}"
        elif (
            item["type"] == "literal_error"
            or item["type"].endswith(
                ("_type", "_parsing", "_too_long", "_too_short", "finite_number")
            )
            or item["type"].startswith(("greater", "less"))
        ):
            message = f"{item['msg']} (got {got})"
        found.setdefault((*_locate(loc, positions), dotted(loc)), []).append(message)
    return [
        ScenarioProblem(file, line, column, path, message)
        for (line, column, path), messages in found.items()
        for message in _alternatives(messages)
    ]


def _alternatives(messages: list[str]) -> list[str]:
    """One message for the members of a union tried on one value ("Input should be a valid
    string or a valid list (got 5)"); other messages as they are, each once."""
    messages = list(dict.fromkeys(messages))
    tried = "Input should be "
    tails = [m.removeprefix(tried) for m in messages if m.startswith(tried) and " (got " in m]
    endings = {tail[tail.rfind(" (got ") :] for tail in tails}
    if len(tails) < 2 or len(endings) != 1:
        return messages
    (got,) = endings
    joined = tried + " or ".join(tail.removesuffix(got) for tail in tails) + got
    return [joined, *(m for m in messages if not (m.startswith(tried) and " (got " in m))]


def _reader_problem(error: yaml.YAMLError, text: str, file: str) -> ScenarioProblem:
    """A character YAML cannot read, at its line and column (the reader gives an offset)."""
    position = getattr(error, "position", 0)
    line = text.count("\n", 0, position) + 1
    column = position - (text.rfind("\n", 0, position) + 1) + 1
    character = getattr(error, "character", None)
    what = getattr(error, "reason", "unreadable text")
    if isinstance(character, int):
        what = f"character U+{character:04X}: {what}; remove it"
    return ScenarioProblem(file, line, column, "", f"YAML: {what}")


def read_yaml(text: str, file: str) -> tuple[Any, dict[tuple[Any, ...], Location]]:
    """Safely parse YAML text: (data, position of every value by path). Syntax errors,
    duplicate keys and structures no scenario has (see :func:`_scan`) raise
    :class:`ScenarioError` with the line to fix, before any value is built."""
    if len(text) > MAX_CHARACTERS:
        raise ScenarioError(
            [
                ScenarioProblem(
                    file,
                    1,
                    1,
                    "",
                    f"{len(text):,} characters; a scenario file may have at "
                    f"most {MAX_CHARACTERS:,}",
                )
            ]
        )
    positions: dict[tuple[Any, ...], Location] = {}
    try:
        _scan(text)
        loader = _UniqueKeyLoader(text)
        try:
            root = loader.get_single_node()
            data = loader.construct_document(root) if root is not None else None
            if root is not None:
                _positions(root, loader.construct_object, positions)
        finally:
            loader.dispose()
    except _YamlLimit as error:
        mark = error.mark
        raise ScenarioError(
            [ScenarioProblem(file, mark.line + 1, mark.column + 1, "", f"YAML: {error}")]
        ) from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = error.problem or str(error)
        if error.context and error.context_mark and error.problem_mark:
            # e.g. "found duplicate anchor; first occurrence" (there), "second occurrence"
            what = f"{error.context} at line {error.context_mark.line + 1}, {what}"
        if len(what) > 4 * ECHO_CHARACTERS:
            what = what[: 4 * ECHO_CHARACTERS] + "..."
        raise ScenarioError(
            [ScenarioProblem(file, line, column, "", f"YAML syntax: {what}")]
        ) from None
    except yaml.YAMLError as error:
        raise ScenarioError([_reader_problem(error, text, file)]) from None
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
        raise ScenarioError(schema_problems(error, file, positions, data)) from None
    problems = [
        ScenarioProblem(file, *_locate(path, positions), dotted(path), message)
        for path, message in check_references(scenario)
    ]
    if problems:
        raise ScenarioError(problems)
    return scenario


def read_text_file(path: Path) -> str:
    """A file's UTF-8 text; an unreadable file, or one longer than a scenario can be
    (:data:`MAX_CHARACTERS`), is a :class:`ScenarioError`."""
    try:
        with path.open("rb") as handle:
            # At most four bytes a character: read no more than a valid file can have.
            raw = handle.read(4 * MAX_CHARACTERS + 1)
        if len(raw) > 4 * MAX_CHARACTERS:
            raise ScenarioError(
                [
                    ScenarioProblem(
                        str(path),
                        1,
                        1,
                        "",
                        f"more than {MAX_CHARACTERS:,} characters; a "
                        "scenario file may have at most that many",
                    )
                ]
            )
        text = raw.decode("utf-8")
    except OSError as error:
        raise ScenarioError(
            [ScenarioProblem(str(path), 1, 1, "", f"cannot read file: {error.strerror}")]
        ) from None
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        raise ScenarioError(
            [ScenarioProblem(str(path), line, column, "", "file is not UTF-8 text")]
        ) from None
    return text


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
    try:
        exists = path.exists()
    except OSError as error:  # a name the file system cannot hold (ENAMETOOLONG)
        shown = name if len(name) <= ECHO_CHARACTERS else name[: ECHO_CHARACTERS - 3] + "..."
        raise ScenarioError(
            [ScenarioProblem(shown, 1, 1, "", f"cannot read file: {error.strerror}")]
        ) from None
    if not exists:
        known = ", ".join(builtin_names())
        raise ScenarioError(
            [
                ScenarioProblem(
                    name, 1, 1, "", f"no such file or built-in scenario; built-ins are: {known}"
                )
            ]
        )
    return load_scenario_file(path)
