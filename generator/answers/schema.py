"""The answers file's JSON Schema (`tfgen schema`): the model's schema, plus the single-field
rules of rules.py and policy_rules.py that JSON Schema can say (patterns, enums, bounds).

The schema is never stricter than tfgen: each keyword here refuses only what tfgen refuses.
What needs more than one field (a bare function name needs account_id, a wildcard needs
allow_wildcards, an AZ id must be one of the region's) stays with tfgen; the list of what the
schema cannot say, case by case, is in tests/unit/test_schema_corpus.py.
"""

from __future__ import annotations

import copy
from typing import Any

from generator.answers import policy, policy_rules, rules
from generator.answers.fields import ACCOUNT_SCHEMA, js_pattern
from generator.answers.model import json_schema as model_json_schema
from generator.catalog import lambda_actions

# markers.SKIP_MARKER_RE without its flags: case spelled out, ASCII whitespace only (a subset of
# what tfgen refuses, never more).
_SPACE = "[ \\t\\n\\r\\f\\v]*"
SKIP_MARKER_PATTERN = (
    "(?:[cC][hH][eE][cC][kK][oO][vV]|[bB][rR][iI][dD][gG][eE][cC][rR][eE][wW]|[cC][oO][rR][tT][eE][xX])"
    f"{_SPACE}:{_SPACE}[sS][kK][iI][pP]{_SPACE}="
)
# rules.tag_text_problem: letters, digits, spaces and _ . : / = + - @ of any script. The ASCII
# part exactly; beyond ASCII, JSON Schema's patterns have no portable Unicode categories.
TAG_TEXT_PATTERN = js_pattern(r"(?:[A-Za-z0-9 _.:/=+@-]|[^\x00-\x7f])*")
_SET = "(?:(?:ForAnyValue|ForAllValues):)?"


def _operators(names: list[str]) -> str:
    """An operator pattern: the names with their set prefix and IfExists (Null has none)."""
    plain = [name for name in names if name != "Null"]
    forms = [f"(?:{'|'.join(plain)})(?:IfExists)?"] if plain else []
    if "Null" in names:
        forms.append("Null")
    return js_pattern(_SET + "(?:" + "|".join(forms) + ")")


def _values(scalar: dict[str, Any]) -> dict[str, Any]:
    """A condition's values: one value or a list of them."""
    return {"anyOf": [scalar, {"type": "array", "items": scalar}]}


def _typed_operators() -> dict[str, dict[str, Any]]:
    """Operator pattern -> the values it compares (policy_rules.condition_value_problem)."""
    names = list(policy_rules.CONDITION_OPERATORS)
    numeric = [name for name in names if name.startswith("Numeric")]
    dates = [name for name in names if name.startswith("Date")]
    return {
        _operators(["Bool", "Null"]): _values(
            {"type": ["string", "boolean"], "enum": ["true", "false", True, False]}
        ),
        _operators(numeric): _values(
            {"type": ["string", "integer"], "pattern": js_pattern(policy_rules.NUMERIC_RE)}
        ),
        _operators(dates): _values(
            {
                "type": ["string", "integer"],
                "pattern": js_pattern(
                    f"{policy_rules.EPOCH_RE.pattern}|{policy_rules.ISO_DATE_RE.pattern}"
                ),
                "minimum": 0,
                "maximum": 10**12 - 1,
            }
        ),
        _operators(["IpAddress", "NotIpAddress"]): _values(
            {"type": ["string", "integer"], "pattern": js_pattern(policy_rules.IP_CONDITION_RE)}
        ),
    }


def _string_branch(prop: dict[str, Any]) -> dict[str, Any]:
    """The string schema of a field (`str | None` is an anyOf with null)."""
    for branch in prop.get("anyOf", [prop]):
        if branch.get("type") == "string":
            return branch
    raise KeyError(f"no string schema in {prop}")


def _forbid(node: dict[str, Any], schema: dict[str, Any]) -> None:
    """`not` the schema; a pattern only for strings (`pattern` holds for any other value, so
    `not` would refuse every number and boolean)."""
    if "pattern" in schema:
        schema = {"type": "string", **schema}
    node.setdefault("allOf", []).append({"not": schema})


def _policy_statement(statement: dict[str, Any]) -> None:
    props = statement["properties"]
    _string_branch(props["sid"])["pattern"] = js_pattern("[A-Za-z0-9]{1,100}")
    props["principals"]["items"] = {
        **ACCOUNT_SCHEMA,
        "pattern": js_pattern(
            rf"\*|{policy_rules.ACCOUNT_RE.pattern}|{policy_rules.PRINCIPAL_RE.pattern}"
        ),
    }
    props["actions"]["items"] = {
        "type": "string",
        "anyOf": [
            {"enum": ["*", *(f"lambda:{name}" for name in lambda_actions())]},
            # a pattern (with allow_wildcards): * and ? around letters and digits
            {"pattern": js_pattern(r"lambda:[A-Za-z0-9*?]*[*?][A-Za-z0-9*?]*")},
        ],
    }
    props["functions"]["items"] = {
        "type": "string",
        "pattern": js_pattern(
            f"{policy.FUNCTION_ARN_RE.pattern}|{policy.FUNCTION_NAME_RE.pattern}"
        ),
    }
    conditions = props["conditions"]
    inner = conditions["additionalProperties"]
    conditions["propertyNames"] = {"pattern": _operators(list(policy_rules.CONDITION_OPERATORS))}
    conditions["patternProperties"] = {
        pattern: {"allOf": [inner, {"additionalProperties": values}]}
        for pattern, values in _typed_operators().items()
    }


def _tags(tags: dict[str, Any]) -> None:
    tags["maxProperties"] = rules.MAX_TAGS
    tags["propertyNames"] = {
        "minLength": 1,
        "maxLength": 128,
        "pattern": TAG_TEXT_PATTERN,
    }
    _forbid(tags["propertyNames"], {"pattern": "^[aA][wW][sS]:"})
    tags["additionalProperties"] = {
        **tags["additionalProperties"],
        "maxLength": 256,
        "pattern": TAG_TEXT_PATTERN,
    }


def _security_group(group: dict[str, Any]) -> None:
    props = group["properties"]
    for field in ("name", "description"):
        _string_branch(props[field])["pattern"] = js_pattern(rules.GROUP_TEXT_RE)
    name = _string_branch(props["name"])
    _forbid(name, {"pattern": "^[sS][gG]-"})
    _forbid(name, {"const": "default"})
    props["allow_cidrs"]["items"] = {
        **props["allow_cidrs"]["items"],
        "not": {"const": "0.0.0.0/0"},
    }


def _no_skip_markers(node: Any) -> None:
    """Every string of the answers, keys too, without a checkov skip marker (load.py)."""
    if isinstance(node, list):
        for item in node:
            _no_skip_markers(item)
        return
    if not isinstance(node, dict):
        return
    for key, value in node.items():
        if key not in ("default", "enum", "const", "examples"):  # data, not schemas
            _no_skip_markers(value)
    kinds = node.get("type")
    if kinds == "string" or (isinstance(kinds, list) and "string" in kinds):
        _forbid(node, {"pattern": SKIP_MARKER_PATTERN})
    names = node.get("propertyNames")
    if isinstance(names, dict):
        _forbid(names, {"pattern": SKIP_MARKER_PATTERN})
    elif isinstance(node.get("additionalProperties"), dict):
        node["propertyNames"] = {}
        _forbid(node["propertyNames"], {"pattern": SKIP_MARKER_PATTERN})


def with_rules(schema: dict[str, Any]) -> dict[str, Any]:
    """The model's JSON Schema with the rules JSON Schema can say (a KeyError when the model
    has changed under them: tests/unit/test_schema_corpus.py runs this)."""
    schema = copy.deepcopy(schema)  # pydantic's schema holds the field types' own dicts
    defs = schema["$defs"]
    props = schema["properties"]
    props["subnets"]["maxItems"] = rules.MAX_SUBNETS
    az_id = _string_branch(defs["Subnet"]["properties"]["az_id"])
    _forbid(az_id, {"enum": sorted(rules.LIMITED_CAPACITY_AZ_IDS)})
    _policy_statement(defs["PolicyStatement"])
    _tags(props["tags"])
    _security_group(defs["SecurityGroup"])
    _no_skip_markers(schema)
    return schema


def json_schema() -> dict[str, Any]:
    """`tfgen schema`: the answers file's JSON Schema, draft 2020-12."""
    return with_rules(model_json_schema())
