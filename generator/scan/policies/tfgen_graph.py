"""Pure helpers of tfgen's checkov checks: static values and the Terraform graph.

checkov gives a resource check only the resource's own (partly evaluated) configuration; the
cross-resource checks read the Terraform graph checkov sets on every check (`check.graph`).
Every helper answers "don't know" (None, or MISSING) when a value is not static. Nothing here
imports checkov, so these run and are tested in tfgen's own environment too
(tests/unit/test_checkov_helpers.py); checkov imports them as `tfgen_graph` from the pack folder.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from typing import Any

MISSING = object()

LAMBDA_SERVICE = re.compile(r"^(?:cn\.)?com\.amazonaws\.(?:[a-z0-9-]+|\$\{[^}]+\})\.lambda$")
LAMBDA_ZONE = re.compile(r"^lambda\.([a-z0-9-]+|\$\{[^}]+\})\.amazonaws\.com(?:\.cn)?\.?$")
# A Terraform reference or an interpolation that checkov left unevaluated; "$${" is a literal,
# and so are IAM policy variables such as ${aws:username} (a namespace and a colon) or ${*}.
_REFERENCE = re.compile(
    r"(?:^|[\s(,{\[!?:=+*/<>&|-])(?:var|local|data|module|each|count|self|path)\.[A-Za-z_]"
)
_RESOURCE_REFERENCE = re.compile(
    r"(?:^|[\s(,{\[!?:=])[a-z][a-z0-9]*_[a-z0-9_]+\.[A-Za-z_][\w-]*(?:\[[^\]]*\])*(?:\.|$)"
)
_INTERPOLATION = re.compile(r"(?<!\$)\$\{(?![\w-]+:[^}]*\}|[*?$]\})")


# ---- values ---------------------------------------------------------------------------------


def first(conf: dict[str, Any] | None, key: str, default: Any = MISSING) -> Any:
    """An attribute of a checkov configuration (values come wrapped in one-element lists)."""
    if not isinstance(conf, dict) or key not in conf:
        return default
    value = conf[key]
    if isinstance(value, list) and len(value) == 1:
        return value[0]
    return value


def unresolved(value: Any) -> bool:
    """Whether a value still holds a Terraform reference or interpolation checkov could not
    evaluate (anywhere inside it)."""
    if isinstance(value, str):
        return bool(
            _INTERPOLATION.search(value)
            or _REFERENCE.search(value)
            or _RESOURCE_REFERENCE.search(value)
        )
    if isinstance(value, dict):
        return any(unresolved(k) or unresolved(v) for k, v in value.items())
    if isinstance(value, (list, tuple, set)):
        return any(unresolved(v) for v in value)
    return False


def as_list(value: Any) -> list[Any]:
    if value is None or value is MISSING:
        return []
    if isinstance(value, (list, tuple, set)):
        return list(value)
    return [value]


def as_bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return None


def as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return None


def strip_interpolation(text: str) -> str:
    text = text.strip()
    if text.startswith("${") and text.endswith("}") and text.count("${") == 1:
        text = text[2:-1].strip()
    return text


def same_expression(a: str, b: str) -> bool:
    return re.sub(r"\s+", "", strip_interpolation(a)) == re.sub(r"\s+", "", strip_interpolation(b))


# ---- the graph ------------------------------------------------------------------------------

_NODES: dict[int, tuple[Any, list[dict[str, Any]]]] = {}


def nodes(graph: Any) -> list[dict[str, Any]]:
    """The attribute dicts of every vertex (rustworkx or networkx graph), cached per graph."""
    if graph is None:
        return []
    cached = _NODES.get(id(graph))
    if cached is not None and cached[0] is graph:
        return cached[1]
    try:
        items = list(graph.nodes(data=True))  # networkx
    except TypeError:
        items = list(graph.nodes())  # rustworkx: (index, attributes) payloads
    found = [item[1] for item in items if isinstance(item, tuple) and isinstance(item[1], dict)]
    _NODES.clear()  # one graph per scan root; keep only the current one
    _NODES[id(graph)] = (graph, found)
    return found


_INDEX: dict[int, tuple[Any, dict[str, dict[Any, list[dict[str, Any]]]]]] = {}


def index(graph: Any) -> dict[str, dict[Any, list[dict[str, Any]]]]:
    """Vertices by module instance (`context`) and by (type, address, start line), built once
    per graph: every check looks these up for every resource, and computing `context` (a JSON
    dump of checkov's module object) per vertex per lookup made a batch scan quadratic."""
    if graph is None:
        return {"context": {}, "resource": {}}
    cached = _INDEX.get(id(graph))
    if cached is not None and cached[0] is graph:
        return cached[1]
    by_context: dict[Any, list[dict[str, Any]]] = {}
    by_resource: dict[Any, list[dict[str, Any]]] = {}
    for node in nodes(graph):
        by_context.setdefault(context(node), []).append(node)
        if node.get("block_type_") == "resource":
            key = (node.get("resource_type"), node.get("__address__"), node.get("__start_line__"))
            by_resource.setdefault(key, []).append(node)
    built = {"context": by_context, "resource": by_resource}
    _INDEX.clear()
    _INDEX[id(graph)] = (graph, built)
    return built


def context(node: dict[str, Any]) -> tuple[str, str]:
    """Which module instance a vertex belongs to: its folder and the module call it came from."""
    return (
        os.path.dirname(str(node.get("file_path_", ""))),
        str(node.get("source_module_object_")),
    )


def root(node: dict[str, Any]) -> str:
    """The folder of the root module a vertex was loaded from (through any module calls)."""
    module = node.get("source_module_object_")
    path = None
    for _depth in range(20):
        if module is None:
            break
        if isinstance(module, dict):
            path, module = module.get("path"), module.get("nested_tf_module")
        else:
            path, module = getattr(module, "path", None), getattr(module, "nested_tf_module", None)
    if path:
        return os.path.dirname(str(path))
    return os.path.dirname(str(node.get("file_path_", "")))


def node_conf(node: dict[str, Any]) -> dict[str, Any]:
    """A vertex's configuration in checkov's resource-check form (list-wrapped values)."""
    config = node.get("config_")
    if not isinstance(config, dict):
        return {}
    kind = str(node.get("resource_type", ""))
    kind = kind[len("data.") :] if kind.startswith("data.") else kind
    block_name = str(node.get("block_name_", ""))
    name = block_name[len(kind) + 1 :] if block_name.startswith(kind + ".") else block_name
    inner = config.get(kind, {}) if kind else config
    if isinstance(inner, dict) and isinstance(inner.get(name), dict):
        return inner[name]
    if isinstance(config.get(block_name), dict):
        return config[block_name]
    return {}


def base_name(block_name: str) -> str:
    """`aws_security_group.endpoint[0]` -> `endpoint` (the name references use)."""
    return re.sub(r"\[.*$", "", block_name.split(".", 1)[-1])


def active(conf: dict[str, Any]) -> bool | None:
    """False for count = 0 or an empty for_each, None when count/for_each is not static."""
    count = first(conf, "count", None)
    if count is not None:
        number = as_int(count)
        return None if number is None else number > 0
    if "for_each" in conf:
        each = first(conf, "for_each", None)
        if isinstance(each, (list, dict, set, tuple)):
            return len(each) > 0 if not unresolved(each) or len(each) == 0 else None
        return None
    return True


class Scope:
    """The graph as seen from one resource: its own vertex and its module instance."""

    def __init__(self, graph: Any, me: dict[str, Any] | None) -> None:
        self.graph = graph
        self.me = me
        self.ctx = context(me) if me else None
        self.root = root(me) if me else None
        self.all = nodes(graph)

    @classmethod
    def of(cls, check: Any, conf: dict[str, Any]) -> Scope:
        return cls(check.graph, find_self(check, conf))

    def local_nodes(self) -> Iterable[dict[str, Any]]:
        if self.ctx is None:
            return []
        return index(self.graph)["context"].get(self.ctx, [])

    def resources(self, kind: str, everywhere: bool = False) -> list[dict[str, Any]]:
        pool = self.all if everywhere else self.local_nodes()
        return [
            node
            for node in pool
            if node.get("block_type_") == "resource" and node.get("resource_type") == kind
        ]

    def data(self, kind: str, name: str) -> list[dict[str, Any]]:
        return [
            node
            for node in self.local_nodes()
            if node.get("block_type_") == "data"
            and node.get("resource_type") == f"data.{kind}"
            and base_name(str(node.get("block_name_", ""))) == name
        ]

    def variable(self, name: str) -> Any:
        for node in self.local_nodes():
            if node.get("block_type_") == "variable" and node.get("block_name_") == name:
                return node.get("default", MISSING)
        return MISSING

    def local(self, name: str) -> Any:
        for node in self.local_nodes():
            if node.get("block_type_") == "locals" and node.get("block_name_") == name:
                return first(node.get("config_"), name)
        return MISSING

    # -- resolution of the simple expressions checkov leaves alone --------------------------

    _PATH = r"((?:\[\"[^\"]*\"\]|\[\d+\]|\.[A-Za-z_][\w-]*)*)"
    _VAR = re.compile(r"^(var|local)\.([A-Za-z_][\w-]*)" + _PATH + r"$")

    def resolve(self, value: Any, depth: int = 0) -> Any:
        """`var.NAME["key"].attr` (and `local.NAME...`) replaced by its static value when the
        whole value is that one reference; lists and maps element by element; else as is."""
        if depth > 8:
            return value
        if isinstance(value, list):
            return [self.resolve(item, depth + 1) for item in value]
        if isinstance(value, dict):
            return {key: self.resolve(item, depth + 1) for key, item in value.items()}
        if not isinstance(value, str):
            return value
        match = self._VAR.match(strip_interpolation(value))
        if not match or self.ctx is None:
            return value
        kind, name, path = match.groups()
        found = self.variable(name) if kind == "var" else self.local(name)
        if found is MISSING:
            return value
        for step in re.findall(r"\[\"([^\"]*)\"\]|\[(\d+)\]|\.([A-Za-z_][\w-]*)", path):
            key, index, attribute = step
            if isinstance(found, dict) and (key or attribute) in found:
                found = found[key or attribute]
            elif isinstance(found, list) and index and int(index) < len(found):
                found = found[int(index)]
            else:
                return value
        return self.resolve(found, depth + 1)

    _EACH = re.compile(r"^each\.(?:value|key)(?:\.[A-Za-z_][\w-]*)?$")

    def each_candidates(self, conf: dict[str, Any], value: Any) -> list[Any] | None:
        """For a value that is `each.value[.attr]` (or `each.key`) of a block whose for_each
        checkov left unexpanded (a `for` over a map of peers): every string literal in that
        for_each once its variables are substituted (a superset of the values the instances
        can take), or None when the for_each still refers to something not static."""
        if not isinstance(value, str) or not self._EACH.match(strip_interpolation(value).strip()):
            return None
        each = first(conf, "for_each", None)
        if not isinstance(each, str):
            return None
        text = re.sub(
            r"(?<![\w.])var\.([A-Za-z_][\w-]*)",
            lambda match: repr(self.resolve(match.group(0))),
            each,
        )
        if re.search(r"(?<![\w.])(?:var|local|data|module|aws_[\w]+)\.", text):
            return None
        literals = re.findall(r"'([^'\\]*)'|\"([^\"\\]*)\"", text)
        return [one or other for one, other in literals if "${" not in (one or other)]

    def references(self, text: str, kind: str) -> list[dict[str, Any]]:
        """Resources of `kind` in this module instance that `text` refers to."""
        names = set(re.findall(rf"(?<![\w.]){re.escape(kind)}\.([A-Za-z_][\w-]*)", text))
        return [
            node
            for node in self.resources(kind)
            if base_name(str(node.get("block_name_", ""))) in names
        ]

    def refers_to_me(self, text: Any) -> bool:
        """Whether a value refers to this resource (`<type>.<name>...`)."""
        if self.me is None or not isinstance(text, str):
            return False
        kind = str(self.me.get("resource_type", ""))
        name = base_name(str(self.me.get("block_name_", "")))
        return bool(re.search(rf"(?<![\w.]){re.escape(kind)}\.{re.escape(name)}\b", text))


def find_self(check: Any, conf: dict[str, Any]) -> dict[str, Any] | None:
    """The graph vertex of the resource a check is looking at, or None if it is ambiguous."""
    address = conf.get("__address__")
    start = conf.get("__start_line__")
    scanned = str(getattr(check, "entity_path", "")).split(f":{check.entity_type}:")[0]
    scanned = scanned.replace("\\", "/")
    candidates = index(check.graph)["resource"].get((check.entity_type, address, start), [])
    found = [
        node
        for node in candidates
        if str(node.get("file_path_", "")).replace("\\", "/").endswith(scanned)
    ]
    if len(found) > 1:
        mine = {k: v for k, v in conf.items() if not k.startswith("__")}
        exact = [
            node
            for node in found
            if {k: v for k, v in node_conf(node).items() if not k.startswith("__")} == mine
        ]
        found = exact if len(exact) == 1 else []
    return found[0] if len(found) == 1 else None
