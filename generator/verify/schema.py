"""Check parsed HCL against the AWS provider schema snapshots (5.100.0 and 6.x).

Input is python-hcl2 output parsed with explicit blocks: a nested block is a list of dicts
that carry ``"__is_block__": True``; an object-valued attribute is a dict without it. The 5.x
snapshot (``generator/catalog/aws_provider_schema.json``) is refreshed from the real provider
by ``scripts/refresh_provider_schema.py``; the 6.x one (``aws_provider_schema_v6.json``) from
the jsii assembly of npm ``@cdktn/provider-aws`` by ``scripts/refresh_provider_schema_v6.py``
(no deprecation flags: the assembly has none). What 6.x deprecates in the types tfgen emits is
listed by hand in ``aws_provider_deprecations_v6.json``; check_deprecations refuses it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from generator.catalog import load_json
from generator.core.errors import closest
from generator.core.hcl import BLOCK_MARK, blocks

SCHEMA_FILE = "aws_provider_schema.json"
# Every provider major the generated modules admit, with its snapshot.
SCHEMA_FILES = {"5.x": SCHEMA_FILE, "6.x": "aws_provider_schema_v6.json"}
# What 6.x deprecates in the types below (its snapshot has no deprecation flags).
DEPRECATIONS_FILE = "aws_provider_deprecations_v6.json"
PROVIDER_NAME = "aws"
# Meta-arguments Terraform itself accepts in resource and data blocks.
META_ATTRIBUTES = frozenset({"count", "for_each", "provider", "depends_on"})
LIFECYCLE_ATTRIBUTES = frozenset(
    {"create_before_destroy", "prevent_destroy", "ignore_changes", "replace_triggered_by"}
)
CONDITION_BLOCKS = frozenset({"precondition", "postcondition"})
CONDITION_ATTRIBUTES = frozenset({"condition", "error_message"})
PROVIDER_META_ATTRIBUTES = frozenset({"alias"})
# The types tfgen emits: the snapshots hold these, and only these.
RESOURCES = (
    "aws_route",
    "aws_route53_record",
    "aws_route53_resolver_endpoint",
    "aws_route53_vpc_association_authorization",
    "aws_route53_zone",
    "aws_route53_zone_association",
    "aws_security_group",
    "aws_vpc_endpoint",
    "aws_vpc_endpoint_private_dns",
    "aws_vpc_peering_connection",
    "aws_vpc_peering_connection_accepter",
    "aws_vpc_peering_connection_options",
    "aws_vpc_security_group_egress_rule",
    "aws_vpc_security_group_ingress_rule",
)
DATA_SOURCES = (
    "aws_caller_identity",
    "aws_network_interface",
    "aws_region",
    "aws_route53_zone",
    "aws_route_tables",
    "aws_subnet",
    "aws_vpc",
    "aws_vpc_endpoint",
    "aws_vpc_endpoint_service",
    "aws_vpc_peering_connection",
)


@dataclass(frozen=True, order=True)
class SchemaProblem:
    """One disagreement between a block and the provider schema."""

    file: str
    address: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.address}: {self.message}"


@cache
def load_provider_schema(major: str = "5.x") -> dict[str, Any]:
    """The trimmed provider schema snapshot of one major shipped with tfgen."""
    return load_json(SCHEMA_FILES[major])


def check_all_majors(parsed: dict[str, Any], file: str) -> list[SchemaProblem]:
    """check_blocks against every major's snapshot; a problem only some majors have names them.

    The module admits every major in SCHEMA_FILES, so an argument one of them lacks is a
    problem too: `... (provider 6.x, 6.66.0; 5.x accepts it)`; and so is whatever 6.x
    deprecates (check_deprecations).
    """
    found = {
        major: set(check_blocks(parsed, load_provider_schema(major), file))
        for major in SCHEMA_FILES
    }
    problems: set[SchemaProblem] = set()
    for major, own in found.items():
        for problem in own:
            others = [m for m in SCHEMA_FILES if m != major and problem not in found[m]]
            if not others:
                problems.add(problem)
                continue
            version = load_provider_schema(major)["provider_version"]
            problems.add(
                SchemaProblem(
                    problem.file,
                    problem.address,
                    f"{problem.message} (provider {major}, {version}; "
                    f"{' and '.join(others)} accepts it)",
                )
            )
    problems.update(check_deprecations(parsed, file))
    return sorted(problems)


def argument_paths(block: dict[str, Any], prefix: str) -> set[str]:
    """Every argument and nested-block argument of a schema block, as dotted paths."""
    paths = {f"{prefix}.{name}" for name in block.get("attributes", {})}
    for name, nested in block.get("block_types", {}).items():
        paths |= argument_paths(nested["block"], f"{prefix}.{name}")
    return paths


def snapshot_paths(snapshot: dict[str, Any]) -> set[str]:
    """provider.region, resource.aws_vpc_endpoint.dns_options.dns_record_ip_type, ..."""
    paths = argument_paths(snapshot.get("provider_config", {}), "provider")
    for kind in ("resource_schemas", "data_source_schemas"):
        for name, block in snapshot.get(kind, {}).items():
            paths |= argument_paths(block, f"{kind.split('_')[0]}.{name}")
    return paths


def is_block(value: Any) -> bool:
    return isinstance(value, dict) and value.get(BLOCK_MARK) is True


def block_instances(value: Any) -> list[dict[str, Any]] | None:
    """The instances of a nested block, or None when the value is an attribute value."""
    if isinstance(value, list) and value and all(is_block(item) for item in value):
        return value
    return None


def suggestion(name: str, choices: Iterable[str]) -> str:
    """` (did you mean 'x'?)` after a schema problem, or nothing."""
    close = closest(name, choices, cutoff=0.7)
    return f" (did you mean {close!r}?)" if close else ""


def check_blocks(parsed: dict[str, Any], schema: dict[str, Any], file: str) -> list[SchemaProblem]:
    """Every resource, data and provider block of one parsed file checked against the schema."""
    problems: list[SchemaProblem] = []
    for kind, schemas, prefix in (
        ("resource", schema["resource_schemas"], ""),
        ("data", schema["data_source_schemas"], "data."),
    ):
        for entry in parsed.get(kind, []):
            for block_type, named in entry.items():
                if block_type == BLOCK_MARK:
                    continue
                for name, body in named.items():
                    if name == BLOCK_MARK:
                        continue
                    address = f"{prefix}{block_type}.{name}"
                    if not block_type.startswith(f"{PROVIDER_NAME}_"):
                        continue  # another provider's type: not ours to judge
                    if block_type not in schemas:
                        what = "resource type" if kind == "resource" else "data source"
                        problems.append(
                            SchemaProblem(
                                file,
                                address,
                                f"unknown {what} {block_type!r}{suggestion(block_type, schemas)}",
                            )
                        )
                        continue
                    problems += check_body(body, schemas[block_type], file, address, top=True)
    for entry in parsed.get("provider", []):
        for name, body in entry.items():
            if name == PROVIDER_NAME:
                problems += check_body(
                    body, schema["provider_config"], file, f"provider.{name}", provider=True
                )
    return sorted(problems)


def check_body(
    body: dict[str, Any],
    block: dict[str, Any],
    file: str,
    address: str,
    top: bool = False,
    provider: bool = False,
) -> list[SchemaProblem]:
    """Arguments and nested blocks of one block body against its schema block."""
    problems: list[SchemaProblem] = []
    attributes: dict[str, Any] = block.get("attributes", {})
    block_types: dict[str, Any] = block.get("block_types", {})
    known = [*attributes, *block_types]
    for key, value in body.items():
        if key == BLOCK_MARK:
            continue
        where = f"{address}.{key}"
        if top and key in META_ATTRIBUTES:
            continue
        if provider and key in PROVIDER_META_ATTRIBUTES:
            continue
        if top and key == "lifecycle":
            problems += check_lifecycle(value, file, where)
            continue
        if key == "dynamic":
            problems += check_dynamic(value, block_types, file, address)
            continue
        instances = block_instances(value)
        if key in attributes:
            spec = attributes[key]
            if instances is not None:
                problems.append(
                    SchemaProblem(
                        file, where, f"{key!r} is an argument: write `{key} = ...`, not a block"
                    )
                )
            elif spec.get("computed") and not (spec.get("optional") or spec.get("required")):
                problems.append(
                    SchemaProblem(
                        file, where, f"{key!r} is computed by the provider and cannot be set"
                    )
                )
            if spec.get("deprecated"):
                problems.append(SchemaProblem(file, where, f"{key!r} is deprecated"))
        elif key in block_types:
            if instances is None:
                problems.append(
                    SchemaProblem(
                        file, where, f"{key!r} is a nested block: write `{key} {{ ... }}`"
                    )
                )
                continue
            spec = block_types[key]
            problems += check_count(len(instances), spec, file, where, key)
            for index, instance in enumerate(instances):
                suffix = f"[{index}]" if len(instances) > 1 else ""
                problems += check_body(instance, spec.get("block", {}), file, where + suffix)
        else:
            problems.append(
                SchemaProblem(file, where, f"unsupported argument {key!r}{suggestion(key, known)}")
            )
    for name, spec in sorted(attributes.items()):
        if spec.get("required") and name not in body:
            problems.append(SchemaProblem(file, address, f"missing required argument {name!r}"))
    for name, spec in sorted(block_types.items()):
        if name not in body and spec.get("min_items", 0) > 0 and not has_dynamic(body, name):
            problems.append(
                SchemaProblem(
                    file, address, f"needs at least {spec['min_items']} {name!r} block(s)"
                )
            )
    return problems


def check_count(
    count: int, spec: dict[str, Any], file: str, where: str, key: str
) -> list[SchemaProblem]:
    low, high = spec.get("min_items", 0), spec.get("max_items", 0)
    if spec.get("nesting_mode") == "single":
        high = 1
    if high and count > high:
        return [SchemaProblem(file, where, f"at most {high} {key!r} block(s) allowed, got {count}")]
    if low and count < low:
        return [SchemaProblem(file, where, f"at least {low} {key!r} block(s) needed, got {count}")]
    return []


def has_dynamic(body: dict[str, Any], name: str) -> bool:
    return any(
        name in instance for instance in body.get("dynamic", []) if isinstance(instance, dict)
    )


def check_dynamic(
    value: Any, block_types: dict[str, Any], file: str, address: str
) -> list[SchemaProblem]:
    problems: list[SchemaProblem] = []
    for instance in block_instances(value) or []:
        for name, generator in instance.items():
            if name == BLOCK_MARK:
                continue
            where = f"{address}.dynamic.{name}"
            if name not in block_types:
                problems.append(
                    SchemaProblem(
                        file, where, f"no nested block {name!r}{suggestion(name, block_types)}"
                    )
                )
                continue
            for content in generator.get("content", []):
                if is_block(content):
                    problems += check_body(content, block_types[name].get("block", {}), file, where)
    return problems


def check_lifecycle(value: Any, file: str, where: str) -> list[SchemaProblem]:
    instances = block_instances(value)
    if instances is None or len(instances) != 1:
        return [SchemaProblem(file, where, "lifecycle must be a single block")]
    problems: list[SchemaProblem] = []
    for key, item in instances[0].items():
        if key == BLOCK_MARK or key in LIFECYCLE_ATTRIBUTES:
            continue
        if key in CONDITION_BLOCKS:
            for condition in block_instances(item) or []:
                missing = sorted(CONDITION_ATTRIBUTES - condition.keys())
                extra = sorted(set(condition) - CONDITION_ATTRIBUTES - {BLOCK_MARK})
                if missing:
                    problems.append(
                        SchemaProblem(
                            file, f"{where}.{key}", f"missing {', '.join(map(repr, missing))}"
                        )
                    )
                if extra:
                    problems.append(
                        SchemaProblem(
                            file, f"{where}.{key}", f"unsupported {', '.join(map(repr, extra))}"
                        )
                    )
            continue
        known = [*LIFECYCLE_ATTRIBUTES, *CONDITION_BLOCKS]
        problems.append(
            SchemaProblem(
                file,
                f"{where}.{key}",
                f"unsupported lifecycle argument {key!r}{suggestion(key, known)}",
            )
        )
    return problems


@dataclass(frozen=True)
class Deprecation:
    """One attribute or argument a provider release deprecates (aws_provider_deprecations_v6)."""

    kind: str  # "resource" or "data"
    type: str
    attribute: str  # dotted for an argument of a nested block: "dns_options.x"
    since: str  # the provider release that deprecated it
    replacement: str
    source: str  # the provider's issue or pull request
    documented: str = ""  # where the provider says so
    note: str = ""

    @property
    def prefix(self) -> str:
        """How an expression names a block of this kind: `data.aws_region` or `aws_route`."""
        return f"data.{self.type}" if self.kind == "data" else self.type

    def describe(self) -> str:
        what = "data source" if self.kind == "data" else "resource"
        note = f"; {self.note}" if self.note else ""
        return (
            f"{self.attribute!r} of {what} {self.type} is deprecated since AWS provider "
            f"{self.since} ({self.source}): use {self.replacement!r}{note}"
        )


@cache
def load_deprecations() -> tuple[Deprecation, ...]:
    """The deprecations of the 6.x list shipped with tfgen."""
    return tuple(Deprecation(**entry) for entry in load_json(DEPRECATIONS_FILE)["deprecations"])


# A reference in an expression: `data.aws_region.current.id`, `aws_route.x[0].id`,
# `data.aws_region.r[*].name`, `data.aws_region.r.*.name`; group 1 the block address
# (`data.aws_region.current`), 2 the instance keys or splats, 3 the attribute read.
_REFERENCE = re.compile(
    r"(?<![\w.\-])((?:data\s*\.\s*)?aws_\w+\s*\.\s*[A-Za-z_][\w\-]*)"
    r"((?:\s*\[[^\[\]]*\]|\s*\.\s*\*)*)\s*\.\s*([A-Za-z_][\w\-]*)"
)


def expression_code(template: str) -> str:
    """A value python-hcl2 returned with everything but code blanked: the text outside its
    `${ }` and `%{ }` parts and inside the string literals of their code (whose own
    interpolations are kept). Each character keeps its position, so a match in the result is
    at the same place in the value.

    python-hcl2 8 leaves an expression as a string template: `${data.aws_region.x.id}` for a
    bare expression, `${var.name}-endpoint` for an interpolating string, plain text for a
    literal. Text outside the interpolations is literal and never a reference.
    """
    code: list[str] = []
    # The open contexts: "s" a string literal (first, the template itself), "c" code.
    stack = ["s"]
    i = 0
    while i < len(template):
        char = template[i]
        if stack[-1] == "s":
            if char == "\\" and len(stack) > 1:
                code.append("  "[: len(template) - i])  # an escaped character in a literal
                i += 2
                continue
            if template[i : i + 2] in ("${", "%{"):
                stack.append("c")
                code.append("  ")
                i += 2
                continue
            if char == '"' and len(stack) > 1:
                stack.pop()
                code.append('"')
            else:
                code.append(" ")
            i += 1
            continue
        if char == '"':
            stack.append("s")
        elif char == "{":
            stack.append("c")
        elif char == "}":
            stack.pop()
            char = " " if stack[-1] == "s" else char
        code.append(char)
        i += 1
    return "".join(code)


def _walk_values(value: Any, path: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], str]]:
    """(path, string) for every string in a parsed value, object keys included."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            if key == BLOCK_MARK:
                continue
            yield path, str(key)
            yield from _walk_values(item, (*path, str(key)))
    elif isinstance(value, list):
        for item in value:
            yield from _walk_values(item, path)


def _where(kind: str, path: tuple[str, ...]) -> str:
    """The address of a place in a parsed file: aws_x.y.arg, data.aws_x.y.arg, local.z, ..."""
    if kind == "resource":
        return ".".join(path)
    if kind == "locals":
        return ".".join(("local", *path))
    return ".".join((kind, *path))


def check_deprecations(parsed: dict[str, Any], file: str) -> list[SchemaProblem]:
    """What 6.x deprecates (the shipped list), set in its block or read anywhere in the file.

    A read is found by its address in an expression (`data.aws_region.current.id`, with any
    instance keys or splats before the attribute); a read through a `for` variable or a
    module output cannot be seen here.
    """
    deprecations = load_deprecations()
    problems: list[SchemaProblem] = []
    for deprecation in deprecations:
        for block_type, name, body in blocks(parsed, deprecation.kind):
            if block_type != deprecation.type:
                continue
            if _sets(body, deprecation.attribute.split(".")):
                where = f"{deprecation.prefix}.{name}.{deprecation.attribute}"
                problems.append(SchemaProblem(file, where, f"sets {deprecation.describe()}"))
    reads = {(d.prefix, d.attribute): d for d in deprecations if "." not in d.attribute}
    for kind, entries in parsed.items():
        for path, text in _walk_values(entries, ()):  # no `aws_` in it: no reference
            for prefix, attribute, reference in _references(text) if "aws_" in text else ():
                if (found := reads.get((prefix, attribute))) is not None:
                    where, why = _where(kind, path), f"reads {reference}: {found.describe()}"
                    problems.append(SchemaProblem(file, where, why))
    return sorted(set(problems))


@lru_cache(maxsize=8192)
def _references(text: str) -> tuple[tuple[str, str, str], ...]:
    """(block type's address, attribute, the reference as written without blanks) for each
    reference in a value's code, by the value's text (which repeats across files)."""
    found = _REFERENCE.finditer(expression_code(text)) if "{" in text else ()
    blank = re.compile(r"\s+")
    return tuple(
        (blank.sub("", m[1]).rsplit(".", 1)[0], m[3], blank.sub("", text[m.start() : m.end()]))
        for m in found
    )


def _sets(body: dict[str, Any], path: list[str]) -> bool:
    """Whether a body sets the argument at `path` (nested block names, then the argument), in
    any instance of each nested block or in a `dynamic` block's content."""
    head, rest = path[0], path[1:]
    if not rest:
        return head in body
    instances = list(block_instances(body.get(head)) or [])
    for dynamic in block_instances(body.get("dynamic")) or []:
        generator = dynamic.get(head)
        if isinstance(generator, dict):
            instances += [c for c in generator.get("content", []) if is_block(c)]
    return any(_sets(instance, rest) for instance in instances)
