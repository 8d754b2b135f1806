"""Safe YAML loading for untrusted answers files: no tags, no aliases, no duplicate keys."""

from __future__ import annotations

from typing import Any

import yaml


class YamlProblem(Exception):
    def __init__(self, path: str, message: str) -> None:
        super().__init__(message)
        self.path = path
        self.message = message


def _where(mark: yaml.Mark | None) -> str:
    return f"line {mark.line + 1}, column {mark.column + 1}" if mark else "somewhere"


class _StrictMappings:
    """Mapping construction that refuses duplicate keys (silent overrides) and non-plain keys."""

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
                    "", f"duplicate key {key!r} at {_where(key_node.start_mark)}; each key once"
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)  # type: ignore[misc]


class _StrictLoader(_StrictMappings, yaml.SafeLoader):
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


_StrictLoader.add_constructor("tag:yaml.org,2002:map", _StrictLoader.construct_mapping)

_CSafeLoader: Any = getattr(yaml, "CSafeLoader", None)  # PyYAML built with libyaml


if _CSafeLoader is not None:

    class _FastStrictLoader(_StrictMappings, _CSafeLoader):  # type: ignore[misc,valid-type]
        """libyaml reads and composes, the same checks construct (about 10x faster)."""

    _FastStrictLoader.add_constructor("tag:yaml.org,2002:map", _FastStrictLoader.construct_mapping)


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


def load(text: str) -> Any:
    """Load YAML (JSON is YAML too); raise YamlProblem with a location on any error."""
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
