"""The shared module (deployment layout) composed in one root with the network it uses,
created in the same apply: a deployment root's call with the answers' ids replaced by the
root's own resources (unknown at the first plan). Peers are keyed by name and their routes by
table position and CIDR, so the plan must still succeed, the apply must build everything, and
a second plan must be empty. One apply sequence."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from generator.answers.load import parse_answers
from generator.moduledir.write import write_files
from generator.plan.deployment import plan_deployment
from generator.run.deployment import deployment_files
from generator.run.shared import shared_module_files
from tests.integration.test_moto_compose import (
    CASE,
    DEPENDS_ON,
    NETWORK_TF,
    REFERENCES,
    changes,
    drift,
)
from tests.integration.test_moto_compose import plan_json as plan_json
from tests.support.realtools import MOTO_PROVIDER_OVERRIDE, needs_terraform, terraform

pytestmark = [needs_terraform, pytest.mark.terraform, pytest.mark.slow]
M = "module.lambda_endpoint."


@pytest.fixture
def endpoint_ip_types() -> list[str]:
    return ["ipv4"]


def compose_root(tmp_path: Path, url: str) -> Path:
    answers = parse_answers(yaml.safe_load(CASE.read_text()))
    write_files(tmp_path / "modules" / "lambda-endpoint", shared_module_files())
    root = tmp_path / "deployments" / "compose"
    write_files(root, deployment_files(plan_deployment(answers)))
    call = (root / "main.tf").read_text()
    for literal, reference in REFERENCES.items():
        call, count = re.subn(
            literal if literal.startswith("(") else re.escape(literal), reference, call
        )
        assert count >= 1, literal
    call = call.replace('module "lambda_endpoint" {\n', DEPENDS_ON, 1)
    assert DEPENDS_ON in call
    (root / "main.tf").write_text(call)
    (root / "network.tf").write_text(NETWORK_TF)
    (root / "moto_override.tf").write_text(MOTO_PROVIDER_OVERRIDE.format(url=url))
    terraform(["init", "-input=false", "-no-color"], root)
    return root


def test_shared_module_beside_the_network_it_uses(moto_url: str, tmp_path: Path):
    root = compose_root(tmp_path, moto_url)
    first = changes(plan_json(root))
    assert first["aws_vpc.endpoint"] == ["create"]
    assert first[M + "aws_vpc_endpoint.lambda"] == ["create"]
    # keyed by the answers' table ids (known at plan) although the tables' ids are not
    table, peer_table = "rtb-0ccccccccccccccc1", "rtb-0bbbbbbbbbbbbbbb1"
    assert first[M + f'aws_route.to_peer["analytics {table} 10.1.0.0/16"]'] == ["create"]
    assert first[
        M + f'module.peer["analytics"].aws_route.to_endpoint["{peer_table} 10.0.0.0/16"]'
    ] == ["create"]
    assert first[M + "aws_route53_zone.lambda[0]"] == ["create"]
    assert all(actions == ["create"] for actions in first.values()), first
    terraform(["apply", "-auto-approve", "-input=false", "-no-color", "tfplan"], root)
    try:
        second = plan_json(root)
        assert changes(second) == {}, drift(second)
    finally:
        terraform(["destroy", "-auto-approve", "-input=false", "-no-color"], root)
