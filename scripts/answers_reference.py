"""Write docs/answers-reference.md from tfgen's answers model (generator/answers/model.py):
every field with its type, bounds, default and the description the model gives it, so the
reference cannot drift from what `tfgen render` accepts. tests/unit/test_answers_reference.py
fails while the committed file differs from what this writes.

    .venv/bin/python scripts/answers_reference.py
"""

from __future__ import annotations

import json
import re
import sys
import types
import typing
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
TARGET = REPO / "docs" / "answers-reference.md"
sys.path.insert(0, str(REPO))

from annotated_types import Ge, Le, MaxLen, MinLen  # noqa: E402
from pydantic import BaseModel  # noqa: E402
from pydantic.fields import FieldInfo  # noqa: E402

from generator.answers import fields, model  # noqa: E402


def _id(prefix: str, what: str) -> str:
    return f"{what} id: `{prefix}-` and 8 or 17 hex digits"


# The answers' own value types, in words (a type not named here is described by its base type).
FORMATS: dict[Any, str] = {
    fields.VpcId: _id("vpc", "VPC"),
    fields.SubnetId: _id("subnet", "subnet"),
    fields.SecurityGroupId: _id("sg", "security group"),
    fields.PeeringConnectionId: _id("pcx", "peering connection"),
    fields.RouteTableId: _id("rtb", "route table"),
    fields.EndpointId: _id("vpce", "VPC endpoint"),
    fields.SecurityGroupRuleId: _id("sgr", "security group rule"),
    fields.Region: "region code of the `aws`, `aws-cn` or `aws-us-gov` partition",
    fields.AzId: "AZ id, such as `use1-az1` (not an AZ name)",
    fields.AccountId: "12-digit account id (quote it in YAML)",
    fields.ModuleName: "name: 1 to 63 of `a-z`, `0-9`, `-`, starting with a letter",
    fields.Ipv4Cidr: "IPv4 CIDR, no host bits (`10.0.0.0/16`)",
    fields.Ipv6Cidr: "IPv6 CIDR, canonical form (`2001:db8:1234:1a00::/56`)",
    fields.ConditionValues: "string, or list of strings",
    fields.Switch: "`true` or `false`",
    fields.TagText: "string",
    fields.PrincipalText: "string",
    fields.RoleArn: "IAM role ARN (`arn:aws:iam::<account>:role/<name>`)",
    fields.ExternalId: "external id: 2 to 1224 of `A-Za-z0-9+=,.@:/_-`",
    fields.ProfileName: "profile name: 1 to 64 of `A-Za-z0-9._-`",
    fields.ModuleSource: "git module source (`git::https://...git//path`)",
    fields.GitRef: "git tag, branch or commit",
    model.GbPerMonth: "number of GB, 0 to 1,000,000,000",
    model.Conditions: "map of condition operator to a map of condition key to a string or a "
    "list of strings (at most 30 operators, 30 keys each)",
}


def _code(value: Any) -> str:
    return f"`{value}`"


def _literal(values: tuple[Any, ...]) -> str:
    shown = [_code(json.dumps(v) if not isinstance(v, str) else v) for v in values]
    if len(shown) == 1:
        return shown[0]
    return ", ".join(shown[:-1]) + " or " + shown[-1]


def _bounds(metadata: Sequence[Any], unit: str) -> str:
    low = next((m.min_length for m in metadata if isinstance(m, MinLen)), None)
    high = next((m.max_length for m in metadata if isinstance(m, MaxLen)), None)
    if low is not None and high is not None:
        return f"{low} to {high} {unit}"
    if low is not None:
        return f"at least {low} {unit if low != 1 else unit.removesuffix('s')}"
    if high is not None:
        return f"at most {high} {unit}"
    return ""


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in _models_in(arg)]


def _format(annotation: Any) -> str | None:
    for known, text in FORMATS.items():
        if annotation == known:
            return text
    return None


def describe(annotation: Any, metadata: Sequence[Any] = (), anchor: str = "") -> str:
    """The type of a field in words; `metadata` holds its bounds (min/max length, ge/le)."""
    known = _format(annotation)
    if known is not None:
        return known
    origin = typing.get_origin(annotation)
    arguments = typing.get_args(annotation)
    if origin is typing.Annotated:
        inner = [
            bound
            for item in annotation.__metadata__
            for bound in (item.metadata if isinstance(item, FieldInfo) else [item])
        ]
        return describe(arguments[0], [*metadata, *inner], anchor)
    if origin in (typing.Union, types.UnionType):
        kept = [a for a in arguments if a is not type(None)]
        return " or ".join(describe(a, metadata, anchor) for a in kept)
    if origin is list and _models_in(arguments[0]):
        bounds = _bounds(metadata, "items")
        text = f"list of {_plural(describe(arguments[0], anchor=anchor))}"
        return f"{text}, {bounds}" if bounds else text
    if origin is typing.Literal:
        return _literal(arguments)
    if origin is list:
        bounds = _bounds(metadata, "items")
        item = describe(arguments[0], anchor=anchor)
        text = "list of strings" if item == "string" else f"list, each: {item}"
        return f"{text}; {bounds}" if bounds else text
    if origin is dict:
        bounds = _bounds(metadata, "keys")
        text = f"map of string to {describe(arguments[1], anchor=anchor)}"
        return f"{text} ({bounds})" if bounds else text
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return f"object ([fields](#{anchor}))" if anchor else "object"
    if annotation is str:
        bounds = _bounds(metadata, "characters")
        return f"string ({bounds})" if bounds else "string"
    if annotation in (int, float):
        low = next((m.ge for m in metadata if isinstance(m, Ge)), None)
        high = next((m.le for m in metadata if isinstance(m, Le)), None)
        return f"number, {low} to {high}" if low is not None and high is not None else "number"
    if annotation is bool:
        return "`true` or `false`"
    return str(annotation)


def _plural(text: str) -> str:
    return "objects" + text[len("object") :] if text.startswith("object") else text


def _default(info: FieldInfo) -> str:
    if info.is_required():
        return "**required**"
    if info.default_factory is not None:
        return "see its fields"
    value = info.default
    if value is None:
        return "absent"
    if isinstance(value, str):
        return _code(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return _code(json.dumps(value))


def _nullable(annotation: Any, info: FieldInfo) -> str:
    """` or null` where null is an answer of its own (not the same as leaving the key out)."""
    union = typing.get_origin(annotation) in (typing.Union, types.UnionType)
    if union and type(None) in typing.get_args(annotation) and info.default is not None:
        return " or `null`"
    return ""


def _text(description: str | None) -> str:
    """A description as one table cell: one line, `|` escaped, `<...>` outside code shown."""
    words = " ".join((description or "").split()).replace("|", "\\|")
    parts = words.split("`")
    for index in range(0, len(parts), 2):  # outside inline code
        parts[index] = parts[index].replace("<", "&lt;").replace(">", "&gt;")
    return "`".join(parts)


def _annotation(model_class: type[BaseModel], name: str) -> Any:
    """The field's annotation as declared, with the Annotated alias it was written with (the
    model keeps only the base type and the validators)."""
    return typing.get_type_hints(model_class, include_extras=True)[name]


def rows(
    model_class: type[BaseModel], prefix: str, anchor: str
) -> Iterator[tuple[str, str, str, str]]:
    for name, info in model_class.model_fields.items():
        key = info.alias or name
        path = f"{prefix}{key}"
        annotation = _annotation(model_class, name)
        yield (
            _code(path),
            describe(annotation, list(info.metadata)) + _nullable(annotation, info),
            _default(info),
            _text(info.description),
        )
        for nested in _models_in(annotation):
            many = typing.get_origin(annotation) is list
            yield from rows(nested, f"{path}[]." if many else f"{path}.", anchor)


def table(lines: list[tuple[str, str, str, str]]) -> list[str]:
    out = ["| field | type | default | meaning |", "|---|---|---|---|"]
    out += [f"| {' | '.join(row)} |" for row in lines]
    return out


def section_anchor(key: str) -> str:
    return re.sub(r"[^\w-]", "", key.lower())


def reference() -> str:
    answers = model.Answers
    top: list[tuple[str, str, str, str]] = []
    sections: list[str] = []
    for name, info in answers.model_fields.items():
        key = info.alias or name
        annotation = _annotation(answers, name)
        nested = _models_in(annotation)
        anchor = section_anchor(key) if nested else ""
        top.append(
            (
                _code(key),
                describe(annotation, list(info.metadata), anchor) + _nullable(annotation, info),
                _default(info),
                _text(info.description),
            )
        )
        if nested:
            many = typing.get_origin(annotation) is list
            heading = f"`{key}[]`" if many else f"`{key}`"
            lines: list[tuple[str, str, str, str]] = []
            for nested_model in nested:
                lines += rows(nested_model, f"{key}[]." if many else f"{key}.", anchor)
            sections += ["", f"## {heading}", "", _text(info.description), "", *table(lines)]
    head = [
        "# Answers reference",
        "",
        "<!-- Generated from generator/answers/model.py by scripts/answers_reference.py: do",
        "     not edit by hand; run the script and commit what it writes. -->",
        "",
        "Every field of an answers file (`version: 1`), from the model `tfgen render` checks",
        "against. An answers file may hold only these keys. Fields checked together (CIDRs that",
        "must not overlap, the policy's size, a peer's region) are described in",
        "[the answers file](answers.md#what-tfgen-checks-before-rendering). `tfgen schema` prints",
        "the same model as a JSON Schema; `tfgen example` prints a complete file.",
        "",
        "## Top level",
        "",
        *table(top),
    ]
    return "\n".join([*head, *sections]) + "\n"


def main() -> None:
    text = reference()
    changed = not TARGET.is_file() or TARGET.read_text(encoding="utf-8") != text
    TARGET.write_text(text, encoding="utf-8")
    print(f"{'wrote' if changed else 'unchanged'} {TARGET.relative_to(REPO)}")


if __name__ == "__main__":
    main()
