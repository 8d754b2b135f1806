"""The module composed in one root with the network it uses, created in the same apply.

The root creates the endpoint VPC (DNS on), two subnets, a peer VPC and a route table on each
side with plain resources and calls the module with their ids and CIDRs, the way callers of
terraform-aws-modules/vpc do (`vpc_id = module.vpc.vpc_id`). Every id is unknown at the first
plan: the plan must still succeed (no count/for_each on them), the apply must create the
endpoint in those subnets with its preconditions holding, and a second plan must be empty.

moto answers `aws_vpc_endpoint_service` (service name, private DNS name, AZs) itself; it leaves
out SupportedIpAddressTypes, which `endpoint_service_ip_address_types`
(tests/support/moto_patches.py) adds
(documented there).
The shared patches of tests/support/moto_patches.py (private zones, IpAddressType, private DNS in
place) apply as well.
Slow (the provider waits for the endpoint and the Route 53 changes), so marked `slow`.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from generator.answers.load import parse_answers
from generator.moduledir.write import write_files
from generator.run.module import rendered_files
from tests.conftest import REPO
from tests.support.realtools import (
    moto_client,
    needs_terraform,
    point_example_at_moto,
    terraform,
)

pytestmark = [needs_terraform, pytest.mark.terraform, pytest.mark.slow]
REGION = "us-east-2"
CASE = REPO / "tests" / "cases" / "peering-same-account.yaml"

# The caller's own network, as any root module would write it (test fixture, not tfgen output).
NETWORK_TF = """\
resource "aws_vpc" "endpoint" {
  cidr_block           = "10.0.0.0/16"
  enable_dns_support   = true
  enable_dns_hostnames = true
}

resource "aws_subnet" "a" {
  vpc_id            = aws_vpc.endpoint.id
  cidr_block        = "10.0.0.0/24"
  availability_zone = "us-east-2a"
}

resource "aws_subnet" "b" {
  vpc_id            = aws_vpc.endpoint.id
  cidr_block        = "10.0.1.0/24"
  availability_zone = "us-east-2b"
}

resource "aws_route_table" "endpoint" {
  vpc_id = aws_vpc.endpoint.id
}

# The endpoint's subnets use that table: the module's routes to the peer carry the endpoint's
# replies, and plan checks that the table it is given is theirs.
resource "aws_route_table_association" "a" {
  subnet_id      = aws_subnet.a.id
  route_table_id = aws_route_table.endpoint.id
}

resource "aws_route_table_association" "b" {
  subnet_id      = aws_subnet.b.id
  route_table_id = aws_route_table.endpoint.id
}

# The peer resolves the Lambda name through the module's zone: DNS attributes on (the module
# checks them at plan time through the peer's provider).
resource "aws_vpc" "peer" {
  cidr_block           = "10.1.0.0/16"
  enable_dns_support   = true
  enable_dns_hostnames = true
}

resource "aws_route_table" "peer" {
  vpc_id = aws_vpc.peer.id
}

output "subnet_ids" {
  value = [aws_subnet.a.id, aws_subnet.b.id]
}

output "vpc_ids" {
  value = [aws_vpc.endpoint.id, aws_vpc.peer.id]
}
"""


@pytest.fixture
def endpoint_ip_types() -> list[str]:
    return ["ipv4"]


# The module reads the endpoint subnets' route tables: created in the same apply, the reads
# wait for the associations (as a caller composing them must write it).
DEPENDS_ON = (
    'module "lambda_endpoint" {\n'
    "  depends_on = [aws_route_table_association.a, aws_route_table_association.b]\n"
)

# Literal ids of the answers -> the root's resources (known only after apply).
REFERENCES = {
    '"vpc-0123456789abcdef0"': "aws_vpc.endpoint.id",
    r'(vpc_cidr\s+= )"10\.0\.0\.0/16"': r"\1aws_vpc.endpoint.cidr_block",
    '"subnet-0aaaaaaaaaaaaaaa1"': "aws_subnet.a.id",
    '"subnet-0aaaaaaaaaaaaaaa2"': "aws_subnet.b.id",
    '"vpc-0aaaaaaaaaaaaaaaa"': "aws_vpc.peer.id",
    '"rtb-0bbbbbbbbbbbbbbb1"': "aws_route_table.peer.id",
    '"rtb-0ccccccccccccccc1"': "aws_route_table.endpoint.id",
}


def compose_root(tmp_path: Path, url: str) -> Path:
    answers = parse_answers(yaml.safe_load(CASE.read_text()))
    module = tmp_path / "module"
    write_files(module, rendered_files(answers))
    root = module / "example"
    call = (root / "main.tf").read_text()
    for literal, reference in REFERENCES.items():
        # terraform fmt aligns the call's arguments: match the literal, not its spacing.
        call, count = re.subn(
            literal if literal.startswith("(") else re.escape(literal), reference, call
        )
        assert count >= 1, literal
    call = call.replace('module "lambda_endpoint" {\n', DEPENDS_ON, 1)
    assert DEPENDS_ON in call
    (root / "main.tf").write_text(call)
    (root / "network.tf").write_text(NETWORK_TF)
    point_example_at_moto(module, url)
    terraform(["init", "-input=false", "-no-color"], root)
    return root


def plan_json(root: Path, *extra: str) -> dict:
    terraform(["plan", "-input=false", "-no-color", "-out=tfplan", *extra], root)
    return json.loads(terraform(["show", "-json", "tfplan"], root).stdout)


def changes(plan: dict) -> dict[str, list[str]]:
    return {
        change["address"]: change["change"]["actions"]
        for change in plan.get("resource_changes", [])
        if change["change"]["actions"] not in (["no-op"], ["read"])
    }


def drift(plan: dict) -> dict[str, dict]:
    """What a plan would change, attribute by attribute (the assertion's message)."""
    found = {}
    for change in plan.get("resource_changes", []):
        before, after = change["change"].get("before") or {}, change["change"].get("after") or {}
        diff = {k: (before.get(k), after.get(k)) for k in after if before.get(k) != after.get(k)}
        if diff:
            found[change["address"]] = diff
    return found


def test_module_beside_the_network_it_uses(moto_url: str, tmp_path: Path):
    root = compose_root(tmp_path, moto_url)
    first = changes(plan_json(root))
    # Everything is created in one apply: the network and the module's resources.
    assert first["aws_vpc.endpoint"] == ["create"]
    assert first["module.lambda_endpoint.aws_vpc_endpoint.lambda"] == ["create"]
    # keyed by the answers' table ids (known at plan), while the tables' own ids are not yet
    assert first['module.lambda_endpoint.aws_route.to_analytics["rtb-0ccccccccccccccc1"]'] == [
        "create"
    ]
    assert first['module.lambda_endpoint.aws_route.from_analytics["rtb-0bbbbbbbbbbbbbbb1"]'] == [
        "create"
    ]
    assert first["module.lambda_endpoint.aws_route53_zone.lambda"] == ["create"]
    assert all(actions == ["create"] for actions in first.values()), first

    terraform(["apply", "-auto-approve", "-input=false", "-no-color", "tfplan"], root)
    try:
        ec2 = moto_client("ec2", moto_url, REGION)
        subnet_ids = json.loads(terraform(["output", "-json", "subnet_ids"], root).stdout)
        vpc_id, peer_vpc_id = json.loads(terraform(["output", "-json", "vpc_ids"], root).stdout)
        endpoint_id = json.loads(terraform(["output", "-json", "endpoint_id"], root).stdout)
        endpoint = ec2.describe_vpc_endpoints(VpcEndpointIds=[endpoint_id])["VpcEndpoints"][0]
        assert endpoint["VpcId"] == vpc_id
        assert sorted(endpoint["SubnetIds"]) == sorted(subnet_ids)
        # The name was read from the service, not built: moto's answer for us-east-2.
        assert endpoint["ServiceName"] == f"com.amazonaws.{REGION}.lambda"
        route53 = moto_client("route53", moto_url, REGION)
        zones = route53.list_hosted_zones()["HostedZones"]
        assert [z["Name"] for z in zones] == [f"lambda.{REGION}.amazonaws.com."]
        zone = route53.get_hosted_zone(Id=zones[0]["Id"])
        # Centralized DNS: the zone is created with the endpoint VPC, the peer VPC joins it.
        assert sorted(v["VPCId"] for v in zone["VPCs"]) == sorted([vpc_id, peer_vpc_id])

        # The preconditions were evaluated against the real reads: they hold, and the second
        # plan (ids now known, data sources read at plan) changes nothing.
        second = plan_json(root)
        assert changes(second) == {}, drift(second)
        reads = {
            resource["address"]
            for module in second["prior_state"]["values"]["root_module"]["child_modules"]
            for resource in module["resources"]
            if resource["mode"] == "data"
        }
        assert {
            "module.lambda_endpoint.data.aws_vpc_endpoint_service.lambda",
            "module.lambda_endpoint.data.aws_subnet.endpoint[0]",
            "module.lambda_endpoint.data.aws_subnet.endpoint[1]",
        } <= reads

        # dualstack where the service offers only IPv4 (and the subnets have no IPv6) fails plan.
        call = (root / "main.tf").read_text()
        (root / "main.tf").write_text(
            call.replace('ip_address_type            = "ipv4"', 'ip_address_type = "dualstack"')
        )
        refused = terraform(["plan", "-input=false", "-no-color"], root, check=False)
        assert refused.returncode != 0
        output = " ".join((refused.stdout + refused.stderr).split())
        assert "supports only ipv4 here: use ipv4" in output
        assert "have no IPv6 CIDR" in output
        (root / "main.tf").write_text(call)
    finally:
        terraform(["destroy", "-auto-approve", "-input=false", "-no-color"], root)
    remaining = moto_client("ec2", moto_url, REGION).describe_vpc_endpoints()["VpcEndpoints"]
    assert [e for e in remaining if e["State"].lower() != "deleted"] == []
