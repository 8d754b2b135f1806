"""Secure by default, over every committed golden module (and the built-in example):
HTTPS only, never from anywhere, no egress, no wildcards unless opted in, tags everywhere.
checkov's zero-failed rule over the same modules is in tests/integration/test_scan.py."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.answers.load import parse_answers
from generator.answers.policy import any_resource_only
from generator.core.hcl import literal_text, parse_hcl
from generator.render.templates import render_module
from generator.verify.schema import load_provider_schema
from tests.conftest import REPO
from tests.support.golden_cases import GOLDEN

MODULES = [REPO / "modules" / "lambda-endpoint-example", *sorted(GOLDEN.iterdir())]
OPEN = {"0.0.0.0/0", "::/0"}


def resources(folder: Path) -> list[tuple[str, str, dict[str, Any]]]:
    found = []
    for path in sorted(folder.glob("*.tf")):
        for entry in parse_hcl(path.read_text(encoding="utf-8")).get("resource", []):
            for block_type, named in entry.items():
                found += [(block_type, n, body) for n, body in named.items() if n != "__is_block__"]
    return found


def answers_of(folder: Path):
    return parse_answers(yaml.safe_load((folder / "tfgen.answers.yaml").read_text()))


def example_policy(folder: Path) -> Any:
    example = parse_hcl((folder / "example" / "main.tf").read_text(encoding="utf-8"))
    return literal_text(example["module"][0]["lambda_endpoint"].get("endpoint_policy"))


@pytest.fixture(params=MODULES, ids=[m.name for m in MODULES])
def module(request) -> Path:
    return request.param


def test_modules_exist():
    assert len(MODULES) >= 6


def test_ingress_is_https_only_and_never_from_anywhere(module: Path):
    rules = [(t, n, b) for t, n, b in resources(module) if "security_group" in t]
    for block_type, name, body in rules:
        assert block_type != "aws_vpc_security_group_egress_rule", name
        assert "egress" not in body and "ingress" not in body, f"inline rules in {name}"
        if block_type == "aws_vpc_security_group_ingress_rule" and name.startswith("resolver_"):
            # the Resolver inbound endpoint's own group (resolver.tf): DNS only
            assert body["security_group_id"] == "${aws_security_group.resolver.id}", name
            assert body["ip_protocol"] in ("tcp", "udp") and body["from_port"] == body["to_port"]
            assert body["from_port"] == 53
            assert body.get("cidr_ipv4") not in OPEN and body.get("cidr_ipv6") not in OPEN
        elif block_type == "aws_vpc_security_group_ingress_rule":
            assert (body["ip_protocol"], body["from_port"], body["to_port"]) == ("tcp", 443, 443)
            assert body.get("cidr_ipv4") not in OPEN and body.get("cidr_ipv6") not in OPEN
            assert body.get("description")
    example = parse_hcl((module / "example" / "main.tf").read_text(encoding="utf-8"))
    call = example["module"][0]["lambda_endpoint"]
    assert not OPEN & set(call["allowed_cidr_blocks"])
    assert not OPEN & set(literal_text(call.get("on_premises", {})).get("cidrs", []))


def test_every_taggable_resource_is_tagged(module: Path):
    schemas = load_provider_schema()["resource_schemas"]
    for block_type, name, body in resources(module):
        if "tags" in schemas[block_type].get("attributes", {}):
            assert "tags" in body, f"{block_type}.{name} is taggable but not tagged"


def test_no_wildcards_unless_opted_in(module: Path):
    answers = answers_of(module)
    policy = example_policy(module)
    if policy is None:
        assert answers.policy.full_access
        assert "## Warnings" in (module / "README.md").read_text()
        return
    if answers.policy.allow_wildcards:
        return
    for statement in policy["Statement"]:
        principal = statement["Principal"]
        assert principal != "*" and "*" not in str(principal.get("AWS"))
        assert all("*" not in action for action in statement["Action"])
        resources_ = statement["Resource"]
        if resources_ == "*":
            # only actions AWS authorizes on Resource "*" alone get a statement of their own
            assert all(any_resource_only(action) for action in statement["Action"])
            continue
        assert all(r.endswith(":*") or "*" not in r for r in resources_)
        assert all(r.count("*") <= 1 for r in resources_)


def test_opted_in_wildcards_are_warned_in_output_and_readme(example):
    example["policy"]["allow_wildcards"] = True
    example["policy"]["statements"][0]["actions"] = ["lambda:Get*"]
    answers = parse_answers(example)
    from generator.answers.rules import warnings

    (warning,) = warnings(answers)
    assert warning.path == "policy.statements[0].actions" and "lambda:Get*" in warning.message
    readme = render_module(answers)["README.md"]
    assert "## Warnings" in readme and "lambda:Get*" in readme
