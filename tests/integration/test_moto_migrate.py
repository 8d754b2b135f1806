"""Migration against moto: a module of the 0.2 layout, applied with peers of every kind (same
account with DNS, same account without DNS and with a secondary CIDR, another region, another
account, a request the endpoint VPC accepts), is migrated with `tfgen migrate` into a
deployment root that calls the shared module; `terraform plan` over the deployed state moves
resources and updates in place, and creates, deletes or replaces nothing. One apply sequence.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from generator.cli.main import cli
from generator.core.hcl import parse_hcl
from tests.support.day2 import OTHER_ACCOUNT, World
from tests.support.planjson import apply, plan
from tests.support.realtools import needs_terraform, terraform

pytestmark = [needs_terraform, pytest.mark.terraform, pytest.mark.slow]
ROLE = f"arn:aws:iam::{OTHER_ACCOUNT}:role/REPLACE-WITH-PEERING-ROLE"


def invoke(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_a_deployed_02_module_migrates_without_replacing_anything(moto_url: str, tmp_path: Path):
    world = World(moto_url)
    # omega asks to peer with the endpoint VPC; the module accepts (accept: true)
    request = world.ec2.create_vpc_peering_connection(
        VpcId=world.peers["omega"]["vpc_id"], PeerVpcId=world.hub
    )["VpcPeeringConnection"]["VpcPeeringConnectionId"]
    data = world.answers(["alpha", "beta", "gamma", "delta", "omega"], name="mig")
    peers = {peer["name"]: peer for peer in data["peering"]}
    peers["beta"].update(dns=False, extra_cidrs=["10.12.0.0/16"])
    # plan checks that a peer's CIDRs are its VPC's
    world.ec2.associate_vpc_cidr_block(VpcId=peers["beta"]["vpc_id"], CidrBlock="10.12.0.0/16")
    peers["omega"].update(connection_id=request, accept=True, dns=False)
    peers["delta"]["provider"] = {"role_arn": ROLE}
    answers = tmp_path / "answers" / "mig.yaml"
    answers.parent.mkdir()
    answers.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    old = tmp_path / "modules" / "mig"
    invoke("render", str(answers), "-o", str(old), "--no-scan")
    example = old / "example"
    terraform(["init", "-input=false", "-no-color"], example)
    plan(example, endpoint=moto_url)
    apply(example, endpoint=moto_url)
    endpoint = world.endpoint()["VpcEndpointId"]
    try:
        root = tmp_path / "deployments" / "mig"
        shared = tmp_path / "modules" / "lambda-endpoint"
        invoke("migrate", str(old), "-o", str(root), "--module-dir", str(shared), "--no-scan")
        assert (root / "terraform.tfstate").is_file() and (root / "moved.tf").is_file()
        terraform(["init", "-input=false", "-no-color"], root)
        planned = plan(root, endpoint=moto_url)
        assert planned.addresses("create") == set()
        assert planned.addresses("delete") == set()
        assert planned.addresses("replace") == set()
        moved = {
            change["previous_address"]: change["address"]
            for change in planned.document["resource_changes"]
            if change.get("previous_address")
        }
        # the peers' resources all moved: connections, routes both ways, zone associations
        assert 'module.lambda_endpoint.aws_vpc_peering_connection.peer["alpha"]' in moved.values()
        assert "module.peer_delta.aws_vpc_peering_connection_accepter.this[0]" in moved.values()
        assert 'module.lambda_endpoint.aws_vpc_peering_connection_accepter.endpoint["omega"]' in (
            moved.values()
        )
        assert "module.peer_gamma.aws_route53_zone_association.this[0]" in moved.values()
        assert "module.lambda_endpoint.aws_route53_zone.lambda[0]" in moved.values()
        # every address moved.tf leads to (0.1's id-keyed steps are chained before them)
        blocks = parse_hcl((root / "moved.tf").read_text(encoding="utf-8"))["moved"]
        sources = {block["from"] for block in blocks}
        final = {block["to"] for block in blocks} - sources
        assert {f"${{{address}}}" for address in moved.values()} == final, json.dumps(moved)
        apply(root, endpoint=moto_url)
        assert world.endpoint()["VpcEndpointId"] == endpoint
        assert plan(root, endpoint=moto_url).exit_code == 0  # nothing left to change
        check = invoke("check", str(root))
        assert "matches its answers" in check
    finally:
        target = root if (root / ".terraform").is_dir() else example
        terraform(
            ["destroy", "-auto-approve", "-input=false", "-no-color"], target, endpoint=moto_url
        )
