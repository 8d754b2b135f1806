"""The day-2 scenarios' world (tests/integration/test_moto_day2*.py): the VPCs made with boto3,
the module folder driven through the CLI and terraform, and the checks each step repeats."""

from __future__ import annotations

import copy
import time
from pathlib import Path
from typing import Any

import yaml
from click.testing import CliRunner

from generator.cli.main import cli
from tests.conftest import example_data
from tests.support.planjson import Plan, apply, plan
from tests.support.realtools import moto_client, terraform

REGION = "us-east-2"
OTHER_REGION = "us-west-2"
OTHER_ACCOUNT = "444455556666"
HUB_CIDR = "10.0.0.0/16"
ZONE_NAME = f"lambda.{REGION}.amazonaws.com."
M = "module.lambda_endpoint."
ENDPOINT = M + "aws_vpc_endpoint.lambda"
GROUP = M + "aws_security_group.endpoint[0]"
ZONE = M + "aws_route53_zone.lambda"
KEEP = (ENDPOINT, GROUP, ZONE)  # never deleted or replaced
# What a first apply creates whatever the peers: the endpoint, its group and 443 rule from the
# VPC, and the endpoint's private DNS setting.
FIRST_APPLY = (
    ENDPOINT,
    GROUP,
    M + "aws_vpc_endpoint_private_dns.lambda",
    M + "aws_vpc_security_group_ingress_rule.vpc[0]",
)


class World:
    """The VPCs the peers live in, made with boto3 before terraform runs."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.ec2 = moto_client("ec2", url, REGION)
        self.route53 = moto_client("route53", url, REGION)
        self.hub = self.ec2.create_vpc(CidrBlock=HUB_CIDR)["Vpc"]["VpcId"]
        for attribute in ("EnableDnsSupport", "EnableDnsHostnames"):
            self.ec2.modify_vpc_attribute(VpcId=self.hub, **{attribute: {"Value": True}})
        self.subnets = [
            self.ec2.create_subnet(
                VpcId=self.hub, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=f"{REGION}{zone}"
            )["Subnet"]
            for i, zone in enumerate("abc")
        ]
        self.hub_rtb = self.ec2.create_route_table(VpcId=self.hub)["RouteTable"]["RouteTableId"]
        # the endpoint's subnets use it: the peers' routes to it carry the endpoint's replies
        for subnet in self.subnets:
            self.ec2.associate_route_table(RouteTableId=self.hub_rtb, SubnetId=subnet["SubnetId"])
        self.peers: dict[str, dict[str, Any]] = {}
        self.add_peer("alpha", "10.1.0.0/16", self.ec2)
        self.add_peer("beta", "10.2.0.0/16", self.ec2)
        self.add_peer("omega", "10.3.0.0/16", self.ec2)
        self.add_peer("gamma", "10.4.0.0/16", moto_client("ec2", url, OTHER_REGION))
        self.add_peer("delta", "10.5.0.0/16", self.other_account_ec2(), account=OTHER_ACCOUNT)
        self.peers["gamma"]["region"] = OTHER_REGION

    def other_account_ec2(self):
        import boto3

        sts = moto_client("sts", self.url, REGION)
        role = f"arn:aws:iam::{OTHER_ACCOUNT}:role/REPLACE-WITH-PEERING-ROLE"
        keys = sts.assume_role(RoleArn=role, RoleSessionName="day2")["Credentials"]
        return boto3.client(
            "ec2",
            region_name=REGION,
            endpoint_url=self.url,
            aws_access_key_id=keys["AccessKeyId"],
            aws_secret_access_key=keys["SecretAccessKey"],
            aws_session_token=keys["SessionToken"],
        )

    def add_peer(self, name: str, cidr: str, ec2, account: str | None = None) -> None:
        vpc = ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
        for attribute in ("EnableDnsSupport", "EnableDnsHostnames"):
            ec2.modify_vpc_attribute(VpcId=vpc, **{attribute: {"Value": True}})
        rtb = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
        self.peers[name] = {
            "name": name,
            "vpc_id": vpc,
            "cidr": cidr,
            "route_table_ids": [rtb],
            "local_route_table_ids": [self.hub_rtb],
            **({"account_id": account} if account else {}),
        }

    def answers(self, peers: list[str], subnets: int = 2, **changes: Any) -> dict[str, Any]:
        data = copy.deepcopy(example_data())
        data["vpc"] = {"id": self.hub, "cidr": HUB_CIDR}
        data["subnets"] = [
            {"id": s["SubnetId"], "az_id": s["AvailabilityZoneId"]} for s in self.subnets[:subnets]
        ]
        data["peering"] = [copy.deepcopy(self.peers[name]) for name in peers]
        data.update(changes)
        return data

    def zone_vpcs(self) -> set[str]:
        zones = self.route53.list_hosted_zones_by_name(DNSName=ZONE_NAME)["HostedZones"]
        zones = [zone for zone in zones if zone["Name"] == ZONE_NAME]
        if not zones:
            return set()
        (zone,) = zones
        return {vpc["VPCId"] for vpc in self.route53.get_hosted_zone(Id=zone["Id"])["VPCs"]}

    def endpoint(self) -> dict[str, Any]:
        found = self.ec2.describe_vpc_endpoints(Filters=[{"Name": "vpc-id", "Values": [self.hub]}])[
            "VpcEndpoints"
        ]
        live = [e for e in found if e["State"].lower() != "deleted"]
        assert len(live) == 1, live
        return live[0]


class Module:
    """The module folder and its answers file, driven through the CLI and terraform."""

    def __init__(self, root: Path, url: str) -> None:
        self.folder = root / "modules" / "day2"
        self.answers_file = root / "answers" / "day2.yaml"
        self.answers_file.parent.mkdir(parents=True)
        self.url = url
        self.runner = CliRunner()
        self.timings: list[tuple[str, float]] = []

    def render(self, data: dict[str, Any], *flags: str) -> str:
        data = {**data, "name": "day2"}
        self.answers_file.write_text(yaml.safe_dump(data, sort_keys=False))
        result = self.runner.invoke(
            cli, ["render", str(self.answers_file), "-o", str(self.folder), "--no-scan", *flags]
        )
        assert result.exit_code == 0, result.output
        return result.stderr

    def plan(self) -> Plan:
        return plan(self.folder / "example", endpoint=self.url)

    def apply(self) -> None:
        apply(self.folder / "example", endpoint=self.url)


def peer_resources(world: World, name: str, *, accepter: bool = False) -> list[str]:
    """Every resource instance the module makes for one DNS peer."""
    key = name.replace("-", "_")
    found = [
        f"{M}aws_vpc_peering_connection.{key}",
        f'{M}aws_vpc_security_group_ingress_rule.peer["{name}"]',
        # Routes are keyed by the answers' route table ids; one route table a side here.
        f'{M}aws_route.to_{key}["{world.hub_rtb}"]',
        f'{M}aws_route.from_{key}["{world.peers[name]["route_table_ids"][0]}"]',
        f"{M}aws_route53_zone_association.{key}",
    ]
    if accepter:
        found.append(f"{M}aws_vpc_peering_connection_accepter.{key}")
    return found


class Scenario:
    """One day-2 sequence: its world, its module, the AWS checks and the step timings."""

    def __init__(self, url: str, root: Path) -> None:
        self.started = time.monotonic()
        self.url = url
        self.world = World(url)
        self.module = Module(root, url)
        self.example = self.module.folder / "example"

    def resources(self, name: str, accepter: bool = False) -> list[str]:
        return peer_resources(self.world, name, accepter=accepter)

    def check_aws(
        self, dns_peers: list[str], first_endpoint: str | None, zone: bool | None = None
    ) -> str:
        """The endpoint is the first one; the zone (`zone`, default: while a peer has DNS) is
        associated with exactly the endpoint's VPC and the DNS peers'."""
        world = self.world
        endpoint = world.endpoint()
        if first_endpoint:
            assert endpoint["VpcEndpointId"] == first_endpoint
        zone = bool(dns_peers) if zone is None else zone
        expected = {world.hub, *(world.peers[name]["vpc_id"] for name in dns_peers)}
        assert world.zone_vpcs() == (expected if zone else set())
        # the endpoint's own private DNS is off exactly while the zone serves the name
        assert endpoint["PrivateDnsEnabled"] is (not zone)
        return endpoint["VpcEndpointId"]

    def step(self, label: str, begun: float) -> None:
        self.module.timings.append((label, round(time.monotonic() - begun, 1)))

    def init(self) -> None:
        terraform(["init", "-input=false", "-no-color"], self.example)

    def destroy_and_check(self) -> None:
        """Destroy everything; nothing of the scenario is left in AWS."""
        begun = time.monotonic()
        terraform(
            ["destroy", "-auto-approve", "-input=false", "-no-color"],
            self.example,
            endpoint=self.url,
        )
        self.step("destroy", begun)

    def check_destroyed(self, label: str) -> None:
        world = self.world
        assert world.zone_vpcs() == set()
        remaining = world.ec2.describe_vpc_endpoints(
            Filters=[{"Name": "vpc-id", "Values": [world.hub]}]
        )["VpcEndpoints"]
        assert [e for e in remaining if e["State"].lower() != "deleted"] == []
        total = round(time.monotonic() - self.started, 1)
        print(f"\n{label}: {total} s; steps: {self.module.timings}")
