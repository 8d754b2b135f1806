"""Safe loading of untrusted answers files: JSON read as JSON, YAML with no tags, no aliases,
no duplicate keys, and only the unambiguous implicit types of JSON and YAML 1.2's core schema.

YAML 1.1 (PyYAML's default) reads unquoted `0x1F`, `012345670123`, `12:30`, `no` and
`2024-01-01` as numbers, booleans and dates, so a policy or tag would carry `31` or `false` where
the file said something else. Here a plain scalar is a boolean only when it is `true`/`false`,
null only when it is `null`/`~`/empty, an integer only in plain decimal without leading zeros,
a float only in plain decimal notation: everything else stays the text that was written.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import yaml

from generator.core.errors import preview

# Longer integers are no answer's value and Python's int() refuses past 4300 digits.
MAX_INT_DIGITS = 30
_MAX_NESTING = 100

_IMPLICIT = (
    ("tag:yaml.org,2002:bool", re.compile(r"true|false"), "tf"),
    ("tag:yaml.org,2002:null", re.compile(r"~|null|"), ["~", "n", ""]),
    ("tag:yaml.org,2002:int", re.compile(r"-?(?:0|[1-9][0-9]*)"), "-0123456789"),
    (
        "tag:yaml.org,2002:float",
        re.compile(r"-?(?:[0-9]+\.[0-9]*|\.[0-9]+|[0-9]+(?=[eE]))(?:[eE][-+]?[0-9]+)?"),
        "-.0123456789",
    ),
)


def _core_schema(loader: Any) -> None:
    """Replace PyYAML's YAML 1.1 implicit resolvers (class-level) with the strict set."""
    loader.yaml_implicit_resolvers = {}
    for tag, pattern, first in _IMPLICIT:
        # PyYAML matches with .match(): anchor the pattern so the whole scalar must match
        loader.add_implicit_resolver(tag, re.compile(rf"(?:{pattern.pattern})\Z"), list(first))


class YamlProblem(Exception):
    def __init__(self, path: str, message: str) -> None:
        super().__init__(message)
        self.path = path
        self.message = message


def _where(mark: yaml.Mark | None) -> str:
    return f"line {mark.line + 1}, column {mark.column + 1}" if mark else "somewhere"


@dataclass(frozen=True)
class Unreadable:
    """A value the loader cannot turn into data (a 5,000-digit integer): reported with its
    field path once the document is built."""

    reason: str


def _explicit_tag(loader: Any, root: yaml.Node) -> yaml.Node | None:
    """The first node whose tag was written in the file (`!!binary`, `!!python/...`, `!x`)."""
    todo = [root]
    seen: set[int] = set()
    while todo:
        node = todo.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.ScalarNode):
            plain = not node.style  # None (pure loader) or "" (libyaml) when plain
            if node.tag != loader.resolve(yaml.ScalarNode, node.value, (plain, not plain)):
                return node
        elif isinstance(node, yaml.SequenceNode):
            if node.tag != loader.DEFAULT_SEQUENCE_TAG:
                return node
            todo += node.value
        elif isinstance(node, yaml.MappingNode):
            if node.tag != loader.DEFAULT_MAPPING_TAG:
                return node
            for key, value in node.value:
                todo += (key, value)
    return None


class _StrictMappings:
    """Mapping construction that refuses duplicate keys (silent overrides) and non-plain keys,
    documents with explicit tags, and integers too long to be any answer."""

    DEFAULT_SEQUENCE_TAG = "tag:yaml.org,2002:seq"
    DEFAULT_MAPPING_TAG = "tag:yaml.org,2002:map"

    def construct_document(self, node: yaml.Node) -> Any:
        tagged = _explicit_tag(self, node)
        if tagged is not None:
            raise YamlProblem(
                "",
                f"YAML tags such as {tagged.tag.replace('tag:yaml.org,2002:', '!!')} are not "
                f"allowed in answers files ({_where(tagged.start_mark)}); write the value "
                "plainly, in quotes if it must stay text",
            )
        return super().construct_document(node)  # type: ignore[misc]

    def construct_yaml_int(self, node: yaml.ScalarNode) -> Any:
        digits = node.value.lstrip("-")
        if len(digits) > MAX_INT_DIGITS:
            return Unreadable(f"a number of {len(digits)} digits is too long for any answer")
        return super().construct_yaml_int(node)  # type: ignore[misc]

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)  # type: ignore[attr-defined]
            if not isinstance(key, str | int | bool | float | None):
                raise YamlProblem(
                    "", f"mapping keys must be plain strings ({_where(key_node.start_mark)})"
                )
            if key in seen:
                raise YamlProblem(
                    "",
                    f"duplicate key {preview(key)} at {_where(key_node.start_mark)}; each key once",
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)  # type: ignore[misc]


class _StrictLoader(_StrictMappings, yaml.SafeLoader):  # type: ignore[misc]
    """SafeLoader that refuses aliases (billion-laughs) and duplicate keys (silent overrides)."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise YamlProblem(
                "",
                f"YAML aliases (*{event.anchor}) are not allowed in answers files "
                f"({_where(event.start_mark)}); write the value out",
            )
        return super().compose_node(parent, index)


# (types-PyYAML types add_constructor for the loader classes themselves, not subclasses)
_StrictLoader.add_constructor("tag:yaml.org,2002:map", _StrictLoader.construct_mapping)  # type: ignore[type-var]
_StrictLoader.add_constructor("tag:yaml.org,2002:int", _StrictLoader.construct_yaml_int)  # type: ignore[type-var]
_core_schema(_StrictLoader)

_CSafeLoader: Any = getattr(yaml, "CSafeLoader", None)  # PyYAML built with libyaml


if _CSafeLoader is not None:

    class _FastStrictLoader(_StrictMappings, _CSafeLoader):
        """libyaml reads and composes, the same checks construct (about 10x faster)."""

    _FastStrictLoader.add_constructor("tag:yaml.org,2002:map", _FastStrictLoader.construct_mapping)
    _FastStrictLoader.add_constructor("tag:yaml.org,2002:int", _FastStrictLoader.construct_yaml_int)
    _core_schema(_FastStrictLoader)


def _has_alias(root: yaml.Node) -> bool:
    """libyaml composes `*alias` as the anchored node itself: a node met twice is an alias."""
    seen: set[int] = set()
    todo = [root]
    while todo:
        node = todo.pop()
        if id(node) in seen:
            return True
        seen.add(id(node))
        if isinstance(node, yaml.SequenceNode):
            todo += node.value
        elif isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                todo += (key, value)
    return False


def _load_fast(text: str) -> tuple[bool, Any]:
    """(True, data) when libyaml loads the text cleanly with no alias; (False, None) sends it
    to the pure-Python loader, which refuses it with the exact message and location."""
    if _CSafeLoader is None:
        return False, None
    loader = _FastStrictLoader(text)
    try:
        node = loader.get_single_node()
        if node is not None and _has_alias(node):
            return False, None
        return True, None if node is None else loader.construct_document(node)
    except (yaml.YAMLError, YamlProblem, RecursionError, ValueError, TypeError):
        return False, None
    finally:
        loader.dispose()


def _json_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for key, value in pairs:
        if key in data:
            raise YamlProblem("", f"duplicate key {preview(key)}; each key once")
        data[key] = value
    return data


def _json_int(text: str) -> Any:
    digits = text.lstrip("-")
    if len(digits) > MAX_INT_DIGITS:
        return Unreadable(f"a number of {len(digits)} digits is too long for any answer")
    return int(text)


def _json_constant(name: str) -> Any:
    raise YamlProblem("", f"{name} is not a JSON number; give a number")


def _load_json(text: str) -> tuple[bool, Any]:
    """(True, data) for a JSON document; (False, None) when the text is not JSON, so YAML (a
    superset that also takes flow style such as `{version: 1}`) reads it instead."""
    if not text.lstrip(" \t\r\n\ufeff").startswith(("{", "[")):
        return False, None
    try:
        return True, json.loads(
            text.lstrip("\ufeff"),
            object_pairs_hook=_json_object,
            parse_int=_json_int,
            parse_constant=_json_constant,
        )
    except json.JSONDecodeError:
        return False, None
    except RecursionError:
        raise YamlProblem("", "nesting is too deep") from None


def _field(path: str, key: Any) -> str:
    if isinstance(key, int) and not isinstance(key, bool):
        return f"{path}[{key}]"
    text = key if isinstance(key, str) and key.isprintable() else repr(key)
    return f"{path}.{text}" if path else text


def _surrogate_problem(text: str) -> str | None:
    for char in text:
        if "\ud800" <= char <= "\udfff":
            return (
                f"holds \\u{ord(char):04x}, half of a UTF-16 surrogate pair and no character: "
                "write the character itself"
            )
    return None


def check_values(data: Any) -> None:
    """Refuse, with the field path, what decodes but is not data: text with lone surrogates
    (`"\\ud800"` in YAML, or a pair YAML decodes as two halves) and over-long integers."""
    todo: list[tuple[str, Any, int]] = [("", data, 0)]
    while todo:
        path, value, depth = todo.pop()
        if depth > _MAX_NESTING:
            raise YamlProblem(path, "nesting is too deep")
        if isinstance(value, Unreadable):
            raise YamlProblem(path, value.reason)
        if isinstance(value, str):
            reason = _surrogate_problem(value)
            if reason:
                raise YamlProblem(path, reason)
        elif isinstance(value, dict):
            for key, item in value.items():
                reason = _surrogate_problem(key) if isinstance(key, str) else None
                if reason:
                    raise YamlProblem(path, f"a key {reason}")
                todo.append((_field(path, key), item, depth + 1))
        elif isinstance(value, list):
            todo += [(_field(path, index), item, depth + 1) for index, item in enumerate(value)]


def load(text: str) -> Any:
    """Load a JSON or YAML answers document; raise YamlProblem (with a location or the field
    path) on any error."""
    loaded, data = _load_json(text)
    if not loaded:
        data = _load_yaml(text)
    check_values(data)
    return data


def _load_yaml(text: str) -> Any:
    loaded, data = _load_fast(text)
    if loaded:
        return data
    try:
        return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
    except YamlProblem:
        raise
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        raise YamlProblem("", f"not valid YAML/JSON at {_where(mark)}: {error.problem}") from None
    except yaml.YAMLError as error:
        raise YamlProblem("", f"not valid YAML/JSON: {error}") from None
    except RecursionError:
        raise YamlProblem("", "nesting is too deep") from None


def positions(text: str) -> dict[str, tuple[int, int]]:
    """Each field path of a YAML (or JSON) document -> its (line, column), 1-based: where the
    value starts for a scalar, where the key starts for a mapping or list. Empty when the text
    does not compose (problems are then reported without a position)."""
    loader = (_FastStrictLoader if _CSafeLoader is not None else _StrictLoader)(text)
    try:
        root = loader.get_single_node()
    except Exception:  # noqa: BLE001 - a position is a courtesy: never a new error
        return {}
    finally:
        loader.dispose()
    found: dict[str, tuple[int, int]] = {}

    def place(path: str, mark: yaml.Mark) -> None:
        found.setdefault(path, (mark.line + 1, mark.column + 1))

    todo: list[tuple[str, yaml.Node, int]] = [("", root, 0)] if root is not None else []
    seen: set[int] = set()
    while todo:
        path, node, depth = todo.pop()
        if id(node) in seen or depth > _MAX_NESTING:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if not isinstance(key, yaml.ScalarNode):
                    continue
                child = _field(path, key.value)
                place(
                    child,
                    value.start_mark if isinstance(value, yaml.ScalarNode) else key.start_mark,
                )
                todo.append((child, value, depth + 1))
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                child = _field(path, index)
                place(child, item.start_mark)
                todo.append((child, item, depth + 1))
    return found
