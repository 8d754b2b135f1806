"""`tfgen import`: reading an endpoint (moto in-process), read-only proof, errors, answers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from generator.adopt import command as adopt
from generator.answers.load import load_answers_text
from generator.answers.policy import endpoint_policy_document
from generator.cli.main import cli
from generator.render.templates import render_module
from generator.verify.module import verify_module
from tests.unit.test_render import GUIDE_POLICY

REGION = "us-east-2"
# The guide's policy text, as its CLI example passes it (--policy-document); no Version.
GUIDE_POLICY_TEXT = (
    '{ "Statement":[ { "Principal": { "AWS": "arn:aws:iam::111122223333:user/MyUser" }, '
    '"Effect":"Allow", "Action":[ "lambda:InvokeFunction" ], "Resource": [ '
    '"arn:aws:lambda:us-east-2:123456789012:function:my-function", '
    '"arn:aws:lambda:us-east-2:123456789012:function:my-function:*" ] } ] }'
)


@pytest.fixture
def aws(monkeypatch):
    """moto in this process, with fake keys and nothing of the user's AWS configuration."""
    from moto import mock_aws

    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_EC2", "AWS_REGION"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent/aws-config")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/aws-credentials")
    with mock_aws():
        import boto3

        yield boto3.client("ec2", region_name=REGION)


def guide_endpoint(ec2, *, policy: str | None = GUIDE_POLICY_TEXT, rules=None, **extra):
    """VPC (DNS support and hostnames on, for private DNS), two subnets, a group with 443 from
    the VPC, and the endpoint, made the way the guide's `aws ec2 create-vpc-endpoint` does."""
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsSupport={"Value": True})
    ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": True})
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=f"{REGION}{z}")[
            "Subnet"
        ]["SubnetId"]
        for i, z in enumerate("ab")
    ]
    group = ec2.create_security_group(
        GroupName="lambda-endpoint-sg", Description="Lambda endpoint", VpcId=vpc
    )["GroupId"]
    for permission in rules or [cidr_rule("10.0.0.0/16")]:
        ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[permission])
    arguments = {
        "VpcId": vpc,
        "VpcEndpointType": "Interface",
        "ServiceName": f"com.amazonaws.{REGION}.lambda",
        "SubnetIds": subnets,
        "SecurityGroupIds": [group],
        "PrivateDnsEnabled": True,
        **({"PolicyDocument": policy} if policy is not None else {}),
        **extra,
    }
    endpoint = ec2.create_vpc_endpoint(**arguments)["VpcEndpoint"]
    return endpoint["VpcEndpointId"], vpc, subnets, group


def cidr_rule(cidr: str, port: int = 443, protocol: str = "tcp") -> dict:
    return {
        "IpProtocol": protocol,
        "FromPort": port,
        "ToPort": port,
        "IpRanges": [{"CidrIp": cidr}],
    }


def run_import(*args: str, cwd: Path):
    return CliRunner().invoke(cli, ["import", *args], catch_exceptions=False, env=None)


def adopt_answers(endpoint_id: str, **kwargs):
    client = adopt.ec2_client(None, None)
    return adopt.adoption_answers(adopt.read_endpoint(client, endpoint_id), REGION, **kwargs)


def test_guide_endpoint_becomes_answers_that_adopt_it(aws):
    endpoint_id, vpc, subnets, group = guide_endpoint(aws)
    adoption = adopt_answers(endpoint_id)
    answers = adoption.answers
    assert answers.region == REGION
    assert (answers.vpc.id, answers.vpc.cidr) == (vpc, "10.0.0.0/16")
    assert [s.id for s in answers.subnets] == subnets
    assert [s.az_id for s in answers.subnets] == ["use2-az1", "use2-az2"]
    assert answers.private_dns is True and answers.ip_address_type == "ipv4"
    assert answers.security_group.create is True
    assert answers.security_group.name == "lambda-endpoint-sg"
    assert answers.security_group.description == "Lambda endpoint"
    assert answers.import_ is not None
    assert answers.import_.endpoint_id == endpoint_id
    assert answers.import_.security_group_id == group
    assert [r.source for r in answers.import_.security_group_rules] == ["10.0.0.0/16"]
    # Round trip: the policy tfgen renders is the guide's JSON, exactly.
    assert endpoint_policy_document(answers) == GUIDE_POLICY
    assert verify_module(answers, render_module(answers)) == []


def test_import_makes_only_describe_and_get_calls(aws, monkeypatch):
    calls: list[str] = []
    real = adopt.ec2_client

    def recording(region, endpoint_url):
        client = real(region, endpoint_url)
        client.meta.events.register("before-call.ec2", lambda model, **_: calls.append(model.name))
        return client

    monkeypatch.setattr(adopt, "ec2_client", recording)
    endpoint_id, vpc, *_ = guide_endpoint(aws)
    peer_vpc = aws.create_vpc(CidrBlock="10.7.0.0/16")["Vpc"]["VpcId"]
    pcx = aws.create_vpc_peering_connection(VpcId=vpc, PeerVpcId=peer_vpc)["VpcPeeringConnection"]
    table = aws.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc]}])
    aws.create_route(
        RouteTableId=table["RouteTables"][0]["RouteTableId"],
        DestinationCidrBlock="10.7.0.0/16",
        VpcPeeringConnectionId=pcx["VpcPeeringConnectionId"],
    )
    result = run_import(endpoint_id, "-o", "-", cwd=Path.cwd())
    assert result.exit_code == 0, result.output
    assert "DescribeVpcEndpoints" in calls and "DescribeVpcPeeringConnections" in calls
    assert all(name.startswith(("Describe", "Get")) for name in calls), calls


def test_the_client_refuses_any_call_that_is_not_a_read(aws):
    client = adopt.ec2_client(None, None)
    before = len(aws.describe_vpcs()["Vpcs"])
    with pytest.raises(adopt.WriteAttempted, match="tried to call CreateVpc"):
        client.create_vpc(CidrBlock="10.1.0.0/16")
    assert len(aws.describe_vpcs()["Vpcs"]) == before
    client.describe_vpcs()  # reads pass


def test_cli_writes_a_commented_answers_file_that_renders(aws, tmp_path, monkeypatch):
    endpoint_id, *_ = guide_endpoint(
        aws,
        TagSpecifications=[
            {"ResourceType": "vpc-endpoint", "Tags": [{"Key": "Name", "Value": "Orders API"}]}
        ],
    )
    monkeypatch.chdir(tmp_path)
    result = run_import(endpoint_id, cwd=tmp_path)
    assert result.exit_code == 0, result.output
    written = tmp_path / "answers" / "orders-api.yaml"
    text = written.read_text()
    assert text.startswith(
        f"# tfgen answers file (answers-v1), written by `tfgen import {endpoint_id}`"
    )
    assert "# What already exists in AWS" in text
    assert "default allow-all egress" in text  # the warning, as a comment
    answers = load_answers_text(text)
    assert answers.name == "orders-api" and answers.tags == {"Name": "Orders API"}
    assert f"wrote {written.relative_to(tmp_path)}" in result.stderr


def test_peering_connections_are_offered_commented_out(aws):
    endpoint_id, vpc, *_ = guide_endpoint(aws)
    peer_vpc = aws.create_vpc(CidrBlock="10.7.0.0/16")["Vpc"]["VpcId"]
    pcx = aws.create_vpc_peering_connection(
        VpcId=vpc,
        PeerVpcId=peer_vpc,
        TagSpecifications=[
            {
                "ResourceType": "vpc-peering-connection",
                "Tags": [{"Key": "Name", "Value": "Analytics"}],
            }
        ],
    )["VpcPeeringConnection"]["VpcPeeringConnectionId"]
    aws.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    table = aws.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc]}])
    table_id = table["RouteTables"][0]["RouteTableId"]
    aws.create_route(
        RouteTableId=table_id, DestinationCidrBlock="10.7.0.0/16", VpcPeeringConnectionId=pcx
    )
    adoption = adopt_answers(endpoint_id)
    assert adoption.answers.peering == []  # nothing imported implicitly
    text = adopt.adoption_text(adoption, "a.yaml")
    offered = "\n".join(
        line.removeprefix("#   ")
        for line in text.splitlines()
        if line.startswith("#   - ") or line.startswith("#     ")
    )
    entries = yaml.safe_load(offered)
    # the routes exist: [] keeps tfgen from making them again (left out, it would route the
    # endpoint subnets' tables)
    assert entries == [
        {
            "name": "analytics",
            "vpc_id": peer_vpc,
            "cidr": "10.7.0.0/16",
            "connection_id": pcx,
            "local_route_table_ids": [],
        }
    ]
    assert f"over it exist in: {table_id}" in text
    # Uncommented as the comment says, the entry is valid answers.
    data = yaml.safe_load(text)
    data["peering"] = entries
    from generator.answers.load import parse_answers

    assert parse_answers(data).peering[0].connection_id == pcx


def _one_line_exit_2(result, tmp_path: Path, needle: str) -> None:
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0], result.stderr
    assert "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("make", "needle"),
    [
        (lambda ec2: "vpce-0123456789abcdef0", "no such VPC endpoint in us-east-2"),
        (lambda ec2: "vpce-xyz", "is not a VPC endpoint id"),
        (
            lambda ec2: ec2.create_vpc_endpoint(
                VpcId=ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"],
                VpcEndpointType="Gateway",
                ServiceName=f"com.amazonaws.{REGION}.s3",
            )["VpcEndpoint"]["VpcEndpointId"],
            "is a Gateway endpoint",
        ),
        (
            lambda ec2: ec2.create_vpc_endpoint(
                VpcId=ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"],
                VpcEndpointType="Interface",
                ServiceName=f"com.amazonaws.{REGION}.sqs",
            )["VpcEndpoint"]["VpcEndpointId"],
            "not for Lambda in us-east-2",
        ),
    ],
)
def test_errors_are_one_line_exit_2_nothing_written(aws, tmp_path, monkeypatch, make, needle):
    endpoint_id = make(aws)
    monkeypatch.chdir(tmp_path)
    _one_line_exit_2(run_import(endpoint_id, cwd=tmp_path), tmp_path, needle)


def test_access_denied_is_one_line(aws, tmp_path, monkeypatch):
    from botocore.stub import Stubber

    real = adopt.ec2_client

    def denied(region, endpoint_url):
        client = real(region, endpoint_url)
        stubber = Stubber(client)
        stubber.add_client_error(
            "describe_vpc_endpoints",
            service_error_code="UnauthorizedOperation",
            service_message="You are not authorized to perform this operation.",
            http_status_code=403,
        )
        stubber.activate()
        return client

    monkeypatch.setattr(adopt, "ec2_client", denied)
    monkeypatch.chdir(tmp_path)
    result = run_import("vpce-0123456789abcdef0", cwd=tmp_path)
    _one_line_exit_2(result, tmp_path, "access denied for DescribeVpcEndpoints")


def test_no_credentials_is_one_line(tmp_path, monkeypatch):
    for name in (
        "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ENDPOINT_URL",
    ):  # fmt: skip
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.chdir(tmp_path)
    # A closed loopback port: credentials are looked for before any connection is made.
    result = run_import(
        "vpce-0123456789abcdef0", "--region", REGION, "--endpoint-url", "http://127.0.0.1:9",
        cwd=tmp_path,
    )  # fmt: skip
    _one_line_exit_2(result, tmp_path, "no AWS credentials")


def test_boto3_missing_is_a_clear_error(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "boto3", None)
    with pytest.raises(adopt.AdoptError, match=r"pip install 'tfgen-lambda-endpoint\[import\]'"):
        adopt.ec2_client(REGION, None)


def test_an_existing_answers_file_is_not_replaced(aws, tmp_path, monkeypatch):
    endpoint_id, *_ = guide_endpoint(aws)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "mine.yaml").write_text("keep me\n")
    result = run_import(endpoint_id, "-o", "mine.yaml", cwd=tmp_path)
    assert result.exit_code == 2 and "--force" in result.stderr
    assert (tmp_path / "mine.yaml").read_text() == "keep me\n"
    assert run_import(endpoint_id, "-o", "mine.yaml", "--force", cwd=tmp_path).exit_code == 0
    assert "import:" in (tmp_path / "mine.yaml").read_text()


def test_a_group_with_other_rules_stays_attached_with_the_reason(aws):
    endpoint_id, _, _, group = guide_endpoint(
        aws, rules=[cidr_rule("10.0.0.0/16"), cidr_rule("10.0.0.0/16", port=22)]
    )
    adoption = adopt_answers(endpoint_id)
    section = adoption.answers.security_group
    assert (section.create, section.existing_ids) == (False, [group])
    assert adoption.answers.import_ is not None
    assert adoption.answers.import_.security_group_id is None
    assert any(f"{group}" in w and "tcp 22-22" in w for w in adoption.warnings)


def test_a_policy_that_answers_cannot_write_is_refused_with_the_reason(aws, tmp_path, monkeypatch):
    policy = {
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": "*",
                "NotAction": "lambda:DeleteFunction",
                "Resource": "*",
            }
        ]
    }
    endpoint_id, *_ = guide_endpoint(aws, policy=json.dumps(policy))
    monkeypatch.chdir(tmp_path)
    result = run_import(endpoint_id, cwd=tmp_path)
    _one_line_exit_2(result, tmp_path, "Statement[0] uses NotAction")


def test_default_full_access_policy_is_kept_with_a_warning(aws):
    endpoint_id, *_ = guide_endpoint(aws, policy=None)
    adoption = adopt_answers(endpoint_id)
    assert adoption.answers.policy.full_access is True
    assert any("full-access" in w for w in adoption.warnings)


def test_a_function_in_another_region_is_refused_with_the_rule(aws, tmp_path, monkeypatch):
    other = "arn:aws:lambda:eu-west-1:123456789012:function:far"
    policy = {
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::111122223333:user/MyUser"},
                "Action": ["lambda:InvokeFunction"],
                "Resource": [other, f"{other}:*"],
            }
        ]
    }
    endpoint_id, *_ = guide_endpoint(aws, policy=json.dumps(policy))
    monkeypatch.chdir(tmp_path)
    result = run_import(endpoint_id, cwd=tmp_path)
    _one_line_exit_2(result, tmp_path, "policy.statements[0].functions[0]")


def test_no_region_is_one_line(aws, tmp_path, monkeypatch):
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    monkeypatch.chdir(tmp_path)
    result = run_import("vpce-0123456789abcdef0", cwd=tmp_path)
    _one_line_exit_2(result, tmp_path, "no AWS region: pass --region")
