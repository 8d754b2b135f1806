"""`tfgen import` end to end against a moto server: an endpoint made the way AWS's guide makes
it (boto3 calls equal to its `aws ec2 create-vpc-endpoint` command, with the guide's policy) is
imported, rendered, and adopted by `terraform apply` without being re-created.

One apply sequence, state kept; slow (terraform and the provider's endpoint waits)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.integration.test_adopt import guide_endpoint
from tests.support.cli import tfgen_process
from tests.support.migration import migrated_plan
from tests.support.moto_patches import patch_moto
from tests.support.realtools import (
    moto_client,
    moto_server,
    needs_terraform,
    point_example_at_moto,
    terraform,
)
from tests.unit.test_render import GUIDE_POLICY

pytestmark = [needs_terraform, pytest.mark.terraform, pytest.mark.slow]
REGION = "us-east-2"


def tfgen(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return tfgen_process(*args, cwd=cwd, env=env)


def plan_json(example: Path) -> dict:
    terraform(["plan", "-input=false", "-no-color", "-out=adopt.tfplan"], example)
    return json.loads(terraform(["show", "-json", "adopt.tfplan"], example).stdout)


def test_import_render_apply_adopts_the_guide_endpoint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    patch_moto(monkeypatch)  # moto lacks IpAddressType and ModifyVpcEndpoint PrivateDnsEnabled
    with moto_server() as url:
        ec2 = moto_client("ec2", url, REGION)
        endpoint_id, vpc, _, group = guide_endpoint(ec2)
        made = {"endpoint": endpoint_id, "vpc": vpc, "group": group}
        env = {
            **os.environ,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_ENDPOINT_URL": url,  # boto3 reads it: tfgen import has no --endpoint-url here
            "AWS_CONFIG_FILE": str(tmp_path / "no-aws-config"),
            "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "no-aws-credentials"),
        }
        env.pop("AWS_PROFILE", None)
        imported = tfgen(
            ["import", made["endpoint"], "--region", REGION, "-o", "answers.yaml"], tmp_path, env
        )
        assert imported.returncode == 0, imported.stderr
        rendered = tfgen(["render", "answers.yaml", "-o", "module"], tmp_path, env)
        assert rendered.returncode == 0, rendered.stdout + rendered.stderr

        example = tmp_path / "module" / "example"
        point_example_at_moto(tmp_path / "module", url)
        terraform(["init", "-input=false", "-no-color"], example)
        plan = plan_json(example)
        changes = {
            change["address"]: change
            for change in plan["resource_changes"]
            if change["mode"] == "managed"
        }
        endpoint = changes["module.lambda_endpoint.aws_vpc_endpoint.lambda"]
        assert endpoint["change"]["importing"]["id"] == made["endpoint"]
        adopted = {
            address: change["change"]["importing"]["id"]
            for address, change in changes.items()
            if "importing" in change["change"]
        }
        assert adopted["module.lambda_endpoint.aws_security_group.endpoint[0]"] == made["group"]
        assert "module.lambda_endpoint.aws_vpc_security_group_ingress_rule.vpc[0]" in adopted
        assert adopted["module.lambda_endpoint.aws_vpc_endpoint_private_dns.lambda"] == endpoint_id
        actions = {address: change["change"]["actions"] for address, change in changes.items()}
        assert all(set(a) <= {"no-op", "update"} for a in actions.values()), actions
        assert set(adopted) == set(changes), "every managed resource is an import"

        terraform(["apply", "-input=false", "-no-color", "adopt.tfplan"], example)
        endpoints = ec2.describe_vpc_endpoints(
            Filters=[{"Name": "vpc-id", "Values": [made["vpc"]]}]
        )["VpcEndpoints"]
        assert [e["VpcEndpointId"] for e in endpoints if e["State"] != "deleted"] == [
            made["endpoint"]
        ]
        assert json.loads(endpoints[0]["PolicyDocument"]) == GUIDE_POLICY
        groups = ec2.describe_security_groups(
            Filters=[{"Name": "vpc-id", "Values": [made["vpc"]]}]
        )["SecurityGroups"]
        assert sorted(g["GroupName"] for g in groups) == ["default", "lambda-endpoint-sg"]

        second = terraform(
            ["plan", "-input=false", "-no-color", "-detailed-exitcode"], example, check=False
        )
        assert second.returncode == 0, second.stdout + second.stderr

        # Migration of the adopted module to the deployment layout (golden case
        # adopted-endpoint): the root's import blocks find their resources already in state
        # after the moves; nothing is imported again, created or replaced.
        migrated = migrated_plan(tmp_path / "module", tmp_path / "deployments" / "adopted", url)
        assert (tmp_path / "deployments" / "adopted" / "imports.tf").is_file()
        importing = [
            change["address"]
            for change in migrated.document["resource_changes"]
            if "importing" in change["change"]
        ]
        assert importing == []
        moved = {
            change["previous_address"]: change["address"]
            for change in migrated.document["resource_changes"]
            if change.get("previous_address")
        }
        assert moved == {}  # 0.2's addresses already sat in module.lambda_endpoint
