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


class _StrictLoader(yaml.SafeLoader):
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

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if not isinstance(key, str | int | bool | float | None):
                raise YamlProblem(
                    "", f"mapping keys must be plain strings ({_where(key_node.start_mark)})"
                )
            if key in seen:
                raise YamlProblem(
                    "", f"duplicate key {key!r} at {_where(key_node.start_mark)}; each key once"
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


_StrictLoader.add_constructor("tag:yaml.org,2002:map", _StrictLoader.construct_mapping)


def load(text: str) -> Any:
    """Load YAML (JSON is YAML too); raise YamlProblem with a location on any error."""
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
