"""docs/answers-reference.md is generated from the answers model (scripts/answers_reference.py):
the committed page is what the script writes, and it names every field the model has."""

from __future__ import annotations

import importlib.util
import re
from types import ModuleType
from typing import Any

from generator.answers.model import json_schema
from tests.conftest import REPO

PAGE = REPO / "docs" / "answers-reference.md"


def script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "answers_reference", REPO / "scripts" / "answers_reference.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_committed_reference_is_what_the_script_writes():
    """If this fails, run scripts/answers_reference.py and review the diff."""
    assert PAGE.read_text(encoding="utf-8") == script().reference()


def schema_paths(schema: dict[str, Any], node: dict[str, Any], prefix: str) -> list[str]:
    """Every field path of the JSON Schema (a second reading of the model, not the script's)."""
    paths = []
    for key, spec in node.get("properties", {}).items():
        path = f"{prefix}{key}"
        paths.append(path)
        for option in [spec, *spec.get("anyOf", [])]:
            items = option.get("items", {})
            ref = option.get("$ref") or items.get("$ref")
            if ref:
                nested = schema["$defs"][ref.rsplit("/", 1)[1]]
                paths += schema_paths(schema, nested, f"{path}[]." if items else f"{path}.")
    return paths


def test_the_reference_has_one_row_per_field_of_the_schema():
    schema = json_schema()
    expected = schema_paths(schema, schema, "")
    rows = re.findall(r"^\| `([^`]+)` \|", PAGE.read_text(encoding="utf-8"), re.M)
    top = rows[: len(schema["properties"])]
    assert top == list(schema["properties"])
    assert sorted(rows[len(top) :]) == sorted(p for p in expected if "." in p)
    assert {"subnets[].az_id", "peering[].provider.role_arn", "import"} <= set(rows)


def test_the_reference_says_types_defaults_and_allowed_values():
    page = PAGE.read_text(encoding="utf-8")
    row = {m[1]: m[0] for m in re.finditer(r"^\| `([^`]+)` \|.*$", page, re.M)}
    assert "`ipv4`, `dualstack` or `ipv6` | `ipv4` |" in row["ip_address_type"]
    assert "`endpoint` or `zone` | absent |" in row["dns_mode"]
    assert "| **required** |" in row["vpc.cidr"] and "IPv4 CIDR" in row["vpc.cidr"]
    assert "at most 125 items | `[]` |" in row["peering"]
    assert "`2012-10-17` or `2008-10-17` or `null`" in row["policy.version"]
    assert "| `true` |" in row["peering[].dns"]
