"""Day 2 against moto: one module lives through every kind of edit, state kept throughout.

Each step edits the answers, runs `tfgen render` over the module folder (the CLI, as a user
would), `terraform plan -out` + `terraform show -json`, asserts the planned actions are
exactly the intended ones, applies that plan, and reads AWS back with boto3: the private
hosted zone is associated with exactly the endpoint's VPC and the current DNS peers, and the
endpoint is still the one created first. The example's own provider blocks are used, the
cross-account one with its `assume_role` (moto maps the role's account to the credentials it
returns); every API call goes to moto through AWS_ENDPOINT_URL, so nothing is added to the
module folder. moto 5.2.5 lacks Route 53's VPC association authorization API and honours no
`PrivateDnsEnabled` in ModifyVpcEndpoint: tests/support/moto_patches.py adds both, minimally.

Slow (the provider waits on Route 53 changes and the endpoint): marked `slow`, runs in CI.
"""

from __future__ import annotations

import copy
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from generator.cli.main import cli
from tests.conftest import example_data
from tests.support.planjson import Plan, apply, plan
from tests.support.realtools import moto_client, needs_terraform, terraform

pytestmark = [needs_terraform, pytest.mark.terraform, pytest.mark.slow]
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
        # Routes are counted by position in the route table lists (composable: ids may be
        # unknown at plan); one route table a side here.
        f"{M}aws_route.to_{key}[0]",
        f"{M}aws_route.from_{key}[0]",
        f"{M}aws_route53_zone_association.{key}",
    ]
    if accepter:
        found.append(f"{M}aws_vpc_peering_connection_accepter.{key}")
    return found


def test_day_two(moto_url: str, tmp_path: Path):
    started = time.monotonic()
    world = World(moto_url)
    module = Module(tmp_path, moto_url)
    example = module.folder / "example"

    def resources(name: str, accepter: bool = False) -> list[str]:
        return peer_resources(world, name, accepter=accepter)

    def check_aws(dns_peers: list[str], first_endpoint: str | None) -> str:
        endpoint = world.endpoint()
        if first_endpoint:
            assert endpoint["VpcEndpointId"] == first_endpoint
        expected = {world.hub, *(world.peers[name]["vpc_id"] for name in dns_peers)}
        assert world.zone_vpcs() == (expected if dns_peers else set())
        # the endpoint's own private DNS is off exactly while the zone serves the name
        assert endpoint["PrivateDnsEnabled"] is (not dns_peers)
        return endpoint["VpcEndpointId"]

    def step(label: str, begun: float) -> None:
        module.timings.append((label, round(time.monotonic() - begun, 1)))

    # 1. no peers
    begun = time.monotonic()
    module.render(world.answers([]))
    terraform(["init", "-input=false", "-no-color"], example)
    planned = module.plan()
    planned.expect(
        create=[
            ENDPOINT,
            GROUP,
            M + "aws_vpc_endpoint_private_dns.lambda",
            M + "aws_vpc_security_group_ingress_rule.vpc[0]",
        ]
    )
    module.apply()
    first = check_aws([], None)
    step("no peers", begun)
    try:
        # 2. two same-account DNS peers (and a third, for the reorder later)
        begun = time.monotonic()
        module.render(world.answers(["alpha", "beta", "omega"]))
        planned = module.plan()
        planned.expect(
            create=[
                *resources("alpha"),
                *resources("beta"),
                *resources("omega"),
                ZONE,
                M + 'aws_route53_record.lambda["A"]',
            ],
            update=[M + "aws_vpc_endpoint_private_dns.lambda"],
        )
        module.apply()
        check_aws(["alpha", "beta", "omega"], first)
        step("add alpha, beta, omega (same account, dns)", begun)

        # 3. remove the first: only alpha's own resources go
        begun = time.monotonic()
        module.render(world.answers(["beta", "omega"]))
        planned = module.plan()
        planned.expect(delete=resources("alpha"))
        module.apply()
        check_aws(["beta", "omega"], first)
        step("remove alpha", begun)

        # 4. a cross-region peer: its own provider, the accepter on its side
        begun = time.monotonic()
        module.render(world.answers(["beta", "omega", "gamma"]))
        planned = module.plan()
        planned.expect(create=resources("gamma", accepter=True))
        module.apply()
        check_aws(["beta", "omega", "gamma"], first)
        step("add gamma (other region)", begun)

        # 5. a cross-account peer: authorized by the zone's account, associated from its own
        begun = time.monotonic()
        module.render(world.answers(["beta", "omega", "gamma", "delta"]))
        planned = module.plan()
        planned.expect(
            create=[
                *resources("delta", accepter=True),
                M + "aws_route53_vpc_association_authorization.delta",
            ]
        )
        module.apply()
        check_aws(["beta", "omega", "gamma", "delta"], first)
        step("add delta (other account, assume_role)", begun)

        # 6. remove the cross-region peer: retired, its alias destroys its resources
        begun = time.monotonic()
        warned = module.render(world.answers(["beta", "omega", "delta"]))
        assert "peer gamma was removed" in warned
        planned = module.plan()
        planned.expect(delete=resources("gamma", accepter=True))
        module.apply()
        check_aws(["beta", "omega", "delta"], first)
        assert "peer_gamma" in (module.folder / "versions.tf").read_text()
        step("remove gamma (retired)", begun)

        # 7. remove the cross-account peer
        begun = time.monotonic()
        module.render(world.answers(["beta", "omega"]))
        planned = module.plan()
        planned.expect(
            delete=[
                *resources("delta", accepter=True),
                M + "aws_route53_vpc_association_authorization.delta",
            ]
        )
        module.apply()
        check_aws(["beta", "omega"], first)
        # both aliases have nothing left to destroy: drop them in one step, nothing to plan
        module.render(world.answers(["beta", "omega"]), "--drop-retired")
        assert "configuration_aliases" not in (module.folder / "versions.tf").read_text()
        assert module.plan().exit_code == 0
        step("remove delta (retired), then --drop-retired", begun)

        # 8. reorder: nothing changes
        begun = time.monotonic()
        module.render(world.answers(["omega", "beta"]))
        assert module.plan().actions == {}
        step("reorder", begun)

        # 9. dns: false on one: only its association goes
        begun = time.monotonic()
        data = world.answers(["omega", "beta"])
        data["peering"][1]["dns"] = False
        module.render(data)
        planned = module.plan()
        planned.expect(delete=[M + "aws_route53_zone_association.beta"])
        module.apply()
        check_aws(["omega"], first)
        step("dns: false on beta", begun)

        # 10. a third subnet: the endpoint changes in place
        begun = time.monotonic()
        data = world.answers(["omega", "beta"], subnets=3)
        data["peering"][1]["dns"] = False
        module.render(data)
        planned = module.plan()
        planned.expect(update=[ENDPOINT])
        module.apply()
        assert len(world.endpoint()["SubnetIds"]) == 3
        check_aws(["omega"], first)
        step("add a subnet", begun)

        # 11. tags and a policy statement: updates in place, nothing replaced
        begun = time.monotonic()
        data["tags"] = {"Project": "lambda-private-access", "Team": "platform"}
        data["policy"]["statements"][0]["actions"] = [
            "lambda:InvokeFunction",
            "lambda:GetFunction",
        ]
        module.render(data)
        planned = module.plan()
        planned.never(("delete", "replace"), list(planned.actions))
        assert ENDPOINT in planned.addresses("update")
        assert planned.addresses("create") == set()
        module.apply()
        endpoint = world.endpoint()
        assert "lambda:GetFunction" in endpoint["PolicyDocument"]
        assert {"Key": "Team", "Value": "platform"} in endpoint["Tags"]
        check_aws(["omega"], first)
        step("tags and policy", begun)

        # 12. re-render unchanged: an empty plan (exit 0 with -detailed-exitcode)
        begun = time.monotonic()
        module.render(data)
        unchanged = module.plan()
        assert unchanged.exit_code == 0 and unchanged.actions == {}
        step("re-render unchanged", begun)
    finally:
        begun = time.monotonic()
        terraform(
            ["destroy", "-auto-approve", "-input=false", "-no-color"], example, endpoint=moto_url
        )
        step("destroy", begun)
    assert world.zone_vpcs() == set()
    remaining = world.ec2.describe_vpc_endpoints(
        Filters=[{"Name": "vpc-id", "Values": [world.hub]}]
    )["VpcEndpoints"]
    assert [e for e in remaining if e["State"].lower() != "deleted"] == []
    total = round(time.monotonic() - started, 1)
    print(f"\nday-2 scenario: {total} s; steps: {module.timings}")
