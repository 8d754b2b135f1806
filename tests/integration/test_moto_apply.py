"""terraform apply/destroy of the rendered example against a moto server on loopback.

Slow (the provider waits for the VPC endpoint), so marked `slow`; CI runs it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator.answers.load import parse_answers
from generator.answers.policy import endpoint_policy_document
from generator.moduledir.write import write_files
from generator.run.module import rendered_files
from tests.conftest import example_data
from tests.support.planjson import apply, plan
from tests.support.realtools import (
    moto_client,
    needs_terraform,
    point_example_at_moto,
    terraform,
)
from tests.unit.test_render import GUIDE_POLICY

pytestmark = [needs_terraform, pytest.mark.terraform, pytest.mark.slow]
REGION = "us-east-2"


def ec2_client(url: str):
    return moto_client("ec2", url, REGION)


def make_vpc(ec2, dns_hostnames: bool) -> tuple[str, list[dict]]:
    vpc_id = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    ec2.modify_vpc_attribute(VpcId=vpc_id, EnableDnsSupport={"Value": True})
    ec2.modify_vpc_attribute(VpcId=vpc_id, EnableDnsHostnames={"Value": dns_hostnames})
    subnets = [
        ec2.create_subnet(
            VpcId=vpc_id, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=f"{REGION}{zone}"
        )["Subnet"]
        for i, zone in enumerate("ab")
    ]
    return vpc_id, subnets


def render_for(tmp_path: Path, vpc_id: str, subnets: list[dict], url: str, conditions=None):
    data = example_data()
    if conditions:
        data["policy"]["statements"][0]["conditions"] = conditions
    data["vpc"]["id"] = vpc_id
    data["subnets"] = [{"id": s["SubnetId"], "az_id": s["AvailabilityZoneId"]} for s in subnets]
    answers = parse_answers(data)
    module = tmp_path / "module"
    write_files(module, rendered_files(answers))
    point_example_at_moto(module, url)
    terraform(["init", "-input=false", "-no-color"], module / "example")
    return answers, module / "example"


def test_apply_creates_the_endpoint_as_answered(moto_url: str, tmp_path: Path):
    ec2 = ec2_client(moto_url)
    vpc_id, subnets = make_vpc(ec2, dns_hostnames=True)
    answers, example = render_for(tmp_path, vpc_id, subnets, moto_url)
    planned = plan(example)
    m = "module.lambda_endpoint."
    planned.expect(
        create=[
            f"{m}aws_vpc_endpoint.lambda",
            f"{m}aws_vpc_endpoint_private_dns.lambda",
            f"{m}aws_security_group.endpoint[0]",
            f"{m}aws_vpc_security_group_ingress_rule.vpc[0]",
        ]
    )
    apply(example)
    try:
        assert plan(example).exit_code == 0  # applied as planned, nothing left to change
        endpoint_id = json.loads(terraform(["output", "-json", "endpoint_id"], example).stdout)
        endpoint = ec2.describe_vpc_endpoints(VpcEndpointIds=[endpoint_id])["VpcEndpoints"][0]
        assert endpoint["ServiceName"] == f"com.amazonaws.{REGION}.lambda"
        assert endpoint["VpcEndpointType"] == "Interface"
        assert endpoint["VpcId"] == vpc_id
        assert sorted(endpoint["SubnetIds"]) == sorted(s["SubnetId"] for s in subnets)
        assert endpoint["PrivateDnsEnabled"] is True
        policy = json.loads(endpoint["PolicyDocument"])
        assert policy == endpoint_policy_document(answers)
        assert policy["Statement"] == GUIDE_POLICY["Statement"]

        group_ids = [group["GroupId"] for group in endpoint["Groups"]]
        assert len(group_ids) == 1
        group = ec2.describe_security_groups(GroupIds=group_ids)["SecurityGroups"][0]
        assert group["VpcId"] == vpc_id
        assert [(p["IpProtocol"], p["FromPort"], p["ToPort"]) for p in group["IpPermissions"]] == [
            ("tcp", 443, 443)
        ]
        assert [r["CidrIp"] for r in group["IpPermissions"][0]["IpRanges"]] == ["10.0.0.0/16"]
        tags = {tag["Key"]: tag["Value"] for tag in endpoint.get("Tags", [])}
        assert tags["Project"] == "lambda-private-access"
    finally:
        terraform(["destroy", "-auto-approve", "-input=false", "-no-color"], example)
    remaining = ec2.describe_vpc_endpoints(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])
    assert [e for e in remaining["VpcEndpoints"] if e["State"].lower() != "deleted"] == []


def test_plan_fails_without_dns_hostnames(moto_url: str, tmp_path: Path):
    ec2 = ec2_client(moto_url)
    vpc_id, subnets = make_vpc(ec2, dns_hostnames=False)
    _, example = render_for(tmp_path, vpc_id, subnets, moto_url)
    result = terraform(["plan", "-input=false", "-no-color"], example, check=False)
    assert result.returncode != 0
    output = " ".join((result.stdout + result.stderr).split())
    assert "needs enableDnsSupport and enableDnsHostnames on " + vpc_id in output


def test_iam_policy_variables_reach_aws_literally(moto_url: str, tmp_path: Path):
    """`${aws:PrincipalTag/team}` in a condition is an IAM policy variable, not Terraform's."""
    ec2 = ec2_client(moto_url)
    vpc_id, subnets = make_vpc(ec2, dns_hostnames=True)
    variable = "${aws:PrincipalTag/team}"
    conditions = {"StringEquals": {"aws:ResourceTag/team": variable}}
    answers, example = render_for(tmp_path, vpc_id, subnets, moto_url, conditions)
    terraform(["apply", "-auto-approve", "-input=false", "-no-color"], example)
    try:
        endpoint_id = json.loads(terraform(["output", "-json", "endpoint_id"], example).stdout)
        endpoint = ec2.describe_vpc_endpoints(VpcEndpointIds=[endpoint_id])["VpcEndpoints"][0]
        policy = json.loads(endpoint["PolicyDocument"])
        assert policy == endpoint_policy_document(answers)
        assert policy["Statement"][0]["Condition"] == conditions
    finally:
        terraform(["destroy", "-auto-approve", "-input=false", "-no-color"], example)
