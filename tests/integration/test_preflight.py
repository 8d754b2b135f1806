"""`tfgen preflight` (issue 25): before anything is created, every VPC that will join the
Lambda zone is read (moto in-process, Describe/Get/List calls only) for what would make
Route 53 refuse the association (ConflictingDomainExists): its own Lambda interface endpoint
with private DNS on, or another private hosted zone for the Lambda name."""

from __future__ import annotations

import copy

import pytest
import yaml

from generator.adopt.ec2 import WriteAttempted
from generator.adopt.preflight import boto3_clients, preflight, targets, unserved_names
from generator.answers.load import parse_answers
from tests.conftest import example_data
from tests.integration.test_adopt import REGION, aws  # noqa: F401 - the moto fixture
from tests.support.cli import tfgen

PEER_ACCOUNT = "111111111111"
NAME = f"lambda.{REGION}.amazonaws.com"


def vpc(ec2, cidr: str) -> str:
    made = ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
    ec2.modify_vpc_attribute(VpcId=made, EnableDnsSupport={"Value": True})
    ec2.modify_vpc_attribute(VpcId=made, EnableDnsHostnames={"Value": True})
    return made


def lambda_endpoint(ec2, vpc_id: str, private_dns: bool, name: str | None = None) -> str:
    subnet = ec2.create_subnet(VpcId=vpc_id, CidrBlock=cidr_of(ec2, vpc_id))["Subnet"]
    tags = [{"ResourceType": "vpc-endpoint", "Tags": [{"Key": "Name", "Value": name}]}]
    return ec2.create_vpc_endpoint(
        VpcId=vpc_id,
        VpcEndpointType="Interface",
        ServiceName=f"com.amazonaws.{REGION}.lambda",
        SubnetIds=[subnet["SubnetId"]],
        PrivateDnsEnabled=private_dns,
        **({"TagSpecifications": tags} if name else {}),
    )["VpcEndpoint"]["VpcEndpointId"]


def cidr_of(ec2, vpc_id: str) -> str:
    block = ec2.describe_vpcs(VpcIds=[vpc_id])["Vpcs"][0]["CidrBlock"]
    return block.replace("/16", "/24")


def zone(route53, vpc_id: str, comment: str) -> str:
    return route53.create_hosted_zone(
        Name=NAME,
        CallerReference=f"{vpc_id}-{comment}",
        VPC={"VPCRegion": REGION, "VPCId": vpc_id},
        HostedZoneConfig={"Comment": comment, "PrivateZone": True},
    )["HostedZone"]["Id"].split("/")[-1]


def peer_account_ec2():
    """An EC2 client in the peer's account, through the role moto maps to that account."""
    import boto3

    credentials = boto3.client("sts", region_name=REGION).assume_role(
        RoleArn=f"arn:aws:iam::{PEER_ACCOUNT}:role/peering", RoleSessionName="setup"
    )["Credentials"]
    return boto3.client(
        "ec2",
        region_name=REGION,
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
    )


def answers_for(hub: str, peers: list[dict]):
    data = copy.deepcopy(example_data())
    data["vpc"]["id"] = hub
    data["private_dns"] = False
    data["peering"] = peers
    return parse_answers(data)


def peer(name: str, vpc_id: str, cidr: str, **extra) -> dict:
    return {"name": name, "vpc_id": vpc_id, "cidr": cidr, **extra}


def test_every_vpc_that_joins_the_zone_is_read_and_conflicts_are_named(aws, tmp_path):  # noqa: F811
    import boto3

    ec2, route53 = aws, boto3.client("route53", region_name=REGION)
    hub = vpc(ec2, "10.0.0.0/16")
    lambda_endpoint(ec2, hub, private_dns=True, name="lambda-endpoint-example-lambda-endpoint")
    clean = vpc(ec2, "10.1.0.0/16")
    with_endpoint = vpc(ec2, "10.2.0.0/16")
    other = lambda_endpoint(ec2, with_endpoint, private_dns=True)
    lambda_endpoint(ec2, clean, private_dns=False)  # its own endpoint, private DNS off: fine
    with_zone = vpc(ec2, "10.3.0.0/16")
    foreign_zone = zone(route53, with_zone, "someone else's")
    remote = vpc(peer_account_ec2(), "10.4.0.0/16")
    answers = answers_for(
        hub,
        [
            peer("clean", clean, "10.1.0.0/16"),
            peer("endpoint", with_endpoint, "10.2.0.0/16"),
            peer("zone", with_zone, "10.3.0.0/16"),
            peer("nodns", vpc(ec2, "10.5.0.0/16"), "10.5.0.0/16", dns=False),
            peer(
                "remote",
                remote,
                "10.4.0.0/16",
                account_id=PEER_ACCOUNT,
                provider={"role_arn": f"arn:aws:iam::{PEER_ACCOUNT}:role/peering"},
            ),
            peer("unreachable", "vpc-0123456789abcdef0", "10.6.0.0/16", account_id="222222222222"),
        ],
    )
    assert [t.who for t in targets(answers)] == [
        "the endpoint VPC",
        "peer clean",
        "peer endpoint",
        "peer zone",
        "peer remote",
        "peer unreachable",
    ]
    outcomes = {o.target.who: o for o in preflight(answers, boto3_clients(answers, None))}
    assert outcomes["the endpoint VPC"].ok  # its own endpoint: tfgen turns private DNS off
    assert outcomes["peer clean"].ok
    assert outcomes["peer remote"].ok  # read in its own account through the role
    [conflict] = outcomes["peer endpoint"].conflicts
    assert other in conflict and "private DNS on" in conflict
    [conflict] = outcomes["peer zone"].conflicts
    assert foreign_zone in conflict and "ConflictingDomainExists" in conflict
    assert "peering[5].provider" in (outcomes["peer unreachable"].unchecked or "")

    # the deployment's own zone (an earlier apply) is no conflict; another one in the hub is
    own = zone(
        route53,
        clean,
        "Lambda API through the interface endpoint "
        "lambda-endpoint-example, for its VPC and peered VPCs",
    )
    outcomes = {o.target.who: o for o in preflight(answers, boto3_clients(answers, None))}
    assert outcomes["peer clean"].ok, (own, outcomes["peer clean"])

    # the command: exit 1, each VPC on a line
    path = tmp_path / "a.yaml"
    data = answers.normalized()
    path.write_text(yaml.safe_dump(data))
    result = tfgen("preflight", str(path))
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert sum(line.startswith("conflict ") for line in lines) == 2
    assert sum(line.startswith("not checked ") for line in lines) == 1
    assert not [line for line in lines if line.startswith("note: ")]  # moto: one name only
    assert lines[-1] == "3 of 6 VPC(s) can join the zone"


def test_names_the_zone_does_not_serve_are_named_with_their_sdk_setting(aws):  # noqa: F811
    answers = answers_for(vpc(aws, "10.0.0.0/16"), [])
    # moto publishes the one name the zone serves
    assert unserved_names(answers, boto3_clients(answers, None)) == ()

    class Ec2:
        def describe_vpc_endpoint_services(self, ServiceNames):  # noqa: N803 - boto3's name
            assert ServiceNames == [f"com.amazonaws.{REGION}.lambda"]
            names = [NAME, f"lambda.{REGION}.api.aws", f"lambda-fips.{REGION}.amazonaws.com"]
            return {
                "ServiceDetails": [
                    {
                        "PrivateDnsName": NAME,
                        "PrivateDnsNames": [{"PrivateDnsName": name} for name in names],
                    }
                ]
            }

    found = unserved_names(answers, lambda target, service: Ec2())
    assert not isinstance(found, str)
    assert [(item.name, item.setting.split(" (")[0]) for item in found] == [
        (f"lambda-fips.{REGION}.amazonaws.com", "FIPS endpoints on"),
        (f"lambda.{REGION}.api.aws", "dual-stack endpoints on"),
    ]
    assert "AWS_USE_DUALSTACK_ENDPOINT" in found[1].sentence
    assert "resolves to Lambda's public addresses" in found[1].sentence


def test_no_dns_peer_means_nothing_to_read(aws, tmp_path):  # noqa: F811
    answers = answers_for(vpc(aws, "10.0.0.0/16"), [])
    assert preflight(answers, boto3_clients(answers, None)) == []


def test_the_clients_refuse_any_call_that_is_not_a_read(aws):  # noqa: F811
    answers = answers_for(
        vpc(aws, "10.0.0.0/16"), [peer("a", vpc(aws, "10.1.0.0/16"), "10.1.0.0/16")]
    )
    clients = boto3_clients(answers, None)
    target = targets(answers)[0]
    with pytest.raises(WriteAttempted):
        clients(target, "ec2").create_vpc(CidrBlock="10.9.0.0/16")
    with pytest.raises(WriteAttempted):
        clients(target, "route53").create_hosted_zone(Name="x.example", CallerReference="x")
