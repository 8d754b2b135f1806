"""`tfgen schema` against the hostile corpus (tests/bad_answers/), checked with `jsonschema`:
every case whose refusal JSON Schema can say is refused by the schema too, and every valid
answers file of the repository passes it (the schema is never stricter than tfgen).

A case the schema accepts must be listed in CANNOT_EXPRESS with the reason; a listed case the
schema starts to refuse fails too, so the list stays exact.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from generator.answers import yamlsafe
from generator.answers.schema import json_schema
from tests.conftest import REPO, TESTS
from tests.unit.test_bad_answers import FILES

jsonschema = pytest.importorskip("jsonschema", reason="JSONSCHEMA NOT INSTALLED: .[test]")

CROSS_FIELD = "cross-field rule"
# The corpus cases JSON Schema cannot refuse, each with its reason.
CANNOT_EXPRESS = {
    "action-wildcard": f"{CROSS_FIELD}: a wildcard action is allowed with policy.allow_wildcards",
    "function-wildcard": f"{CROSS_FIELD}: '*' is allowed with policy.allow_wildcards",
    "principal-star": f"{CROSS_FIELD}: '*' is allowed with policy.allow_wildcards",
    "az-id-made-up": f"{CROSS_FIELD}: the AZ ids of `region` (catalog)",
    "az-of-other-region": f"{CROSS_FIELD}: the AZ ids of `region` (catalog)",
    "function-bare-name": f"{CROSS_FIELD}: a bare function name needs account_id",
    "function-other-region": f"{CROSS_FIELD}: a function ARN's region is `region`",
    "duplicate-az": f"{CROSS_FIELD}: az_id unique across subnets (uniqueItems: whole items)",
    "duplicate-subnets": f"{CROSS_FIELD}: id unique across subnets (uniqueItems: whole items)",
    "peer-names-duplicate": f"{CROSS_FIELD}: name unique across peers",
    "peer-equals-vpc": f"{CROSS_FIELD}: a peer's CIDR against vpc.cidr",
    "peer-overlaps-vpc": f"{CROSS_FIELD}: a peer's CIDR against vpc.cidr (address arithmetic)",
    "peers-overlap": f"{CROSS_FIELD}: peers' CIDRs against each other (address arithmetic)",
    "no-policy": f"{CROSS_FIELD}: statements or full_access",
    "policy-variable-under-2008": f"{CROSS_FIELD}: a policy variable against policy.version",
    "policy-variable-without-version": f"{CROSS_FIELD}: a policy variable against policy.version",
    "policy-too-large": "the size of the policy tfgen writes from every statement, computed",
    "cidr-host-bits": "host bits are address arithmetic (the prefix length against the address)",
    "nfc-combining-accent-in-condition": "Unicode normalization (NFC) is no pattern",
    "nfc-kelvin-in-tag": "Unicode normalization (NFC) is no pattern",
    "json-surrogate-pair-tag": "Unicode letter categories: JSON Schema's patterns have no "
    "portable \\p{L} (Python's re, which jsonschema uses, has none); the ASCII part is checked",
    "version-float": "JSON Schema has one number type: 1.0 is the integer 1",
    "condition-value-float": "JSON Schema has one number type: 3600.0 is the integer 3600 "
    "(tfgen refuses it: YAML's float loses the text written)",
}


@cache
def _schema() -> Any:
    schema = json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def _decoded(path: Path) -> tuple[bool, Any]:
    """(True, data), or (False, None) for a case refused before there is data: not YAML or
    JSON, a tag, an alias, a duplicate key... (JSON Schema sees data, not the file)."""
    try:
        return True, yamlsafe.load(path.read_bytes().decode("utf-8"))
    except (yamlsafe.YamlProblem, UnicodeDecodeError):
        return False, None


def test_the_schema_refuses_every_corpus_case_it_can_express():
    validator = _schema()
    accepted, decoded = [], 0
    for path in FILES:
        ok, data = _decoded(path)
        if not ok:
            continue
        decoded += 1
        if validator.is_valid(data):
            accepted.append(path.stem)
    assert decoded > 120  # the corpus's data cases are checked, not skipped
    assert sorted(set(accepted) - set(CANNOT_EXPRESS)) == []  # a new case the schema misses
    assert sorted(set(CANNOT_EXPRESS) - set(accepted)) == []  # listed, yet refused: unlist it
    assert len(accepted) < decoded / 4


def _valid_answers_files() -> list[Path]:
    return sorted(
        [
            REPO / "generator" / "catalog" / "example.answers.yaml",
            *(TESTS / "cases").glob("*.yaml"),
            *(TESTS / "golden").glob("*/tfgen.answers.yaml"),
            *(REPO / "deployments").glob("*/tfgen.answers.yaml"),
        ]
    )


@pytest.mark.parametrize("path", _valid_answers_files(), ids=lambda p: p.parent.name + p.name)
def test_every_valid_answers_file_passes_the_schema(path: Path):
    errors = [
        f"{error.json_path}: {error.message}"
        for error in _schema().iter_errors(yamlsafe.load(path.read_text()))
    ]
    assert errors == []


def test_the_schema_uses_json_schema_keywords_only():
    """pydantic's own `ge`/`le` (what JSON Schema ignores: an editor took gb_per_month: -5)."""
    text = json.dumps(json_schema())
    for keyword in ('"ge"', '"le"', '"gt"', '"lt"', '"max_length"', '"min_length"'):
        assert f"{keyword}:" not in text
    cost = json_schema()["$defs"]["Cost"]["properties"]["gb_per_month"]
    assert (cost["minimum"], cost["maximum"]) == (0, 1_000_000_000)
    assert not _schema().is_valid({**_example(), "cost": {"gb_per_month": -5}})


def _example() -> dict[str, Any]:
    data = yamlsafe.load((REPO / "generator" / "catalog" / "example.answers.yaml").read_text())
    assert isinstance(data, dict)
    return data
