"""On-premises resolution against moto: one apply sequence of a module folder with a Route 53
Resolver inbound endpoint. The VPC and four subnets are made with boto3 (two for the Lambda
endpoint, two for the resolver); then render, apply, read the resolver back (INBOUND, in the
answers' subnets, its addresses = the output), its group (TCP and UDP 53 from exactly the
answers' CIDRs, no egress), a second plan with nothing to change, a plan with one CIDR removed
that deletes only its two rules, and destroy.

Slow (the provider polls the endpoints), so marked `slow`; CI runs it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator.answers.load import parse_answers
from generator.moduledir.write import write_files
from generator.run.module import rendered_files
from tests.conftest import example_data
from tests.support.planjson import apply, plan
from tests.support.realtools import moto_client, needs_terraform, point_example_at_moto, terraform

pytestmark = [needs_terraform, pytest.mark.terraform, pytest.mark.slow]
REGION = "us-east-2"
CIDRS = ["192.168.0.0/16", "172.16.10.0/24"]
M = "module.lambda_endpoint."


def make_network(ec2) -> tuple[str, list[dict]]:
    vpc_id = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    ec2.modify_vpc_attribute(VpcId=vpc_id, EnableDnsSupport={"Value": True})
    ec2.modify_vpc_attribute(VpcId=vpc_id, EnableDnsHostnames={"Value": True})
    subnets = [
        ec2.create_subnet(
            VpcId=vpc_id, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=f"{REGION}{zone}"
        )["Subnet"]
        for i, zone in enumerate("abab")
    ]
    return vpc_id, subnets


def render(module: Path, vpc_id: str, subnets: list[dict], cidrs: list[str], url: str) -> None:
    data = example_data()
    data["vpc"]["id"] = vpc_id
    pairs = [{"id": s["SubnetId"], "az_id": s["AvailabilityZoneId"]} for s in subnets]
    data["subnets"] = pairs[:2]
    data["on_premises"] = {"resolver_subnets": pairs[2:], "cidrs": cidrs}
    write_files(module, rendered_files(parse_answers(data)))
    point_example_at_moto(module, url)


def output(example: Path, name: str):
    return json.loads(terraform(["output", "-json", name], example).stdout)


def test_the_inbound_endpoint_is_applied_as_answered(moto_url: str, tmp_path: Path):
    ec2 = moto_client("ec2", moto_url, REGION)
    resolver = moto_client("route53resolver", moto_url, REGION)
    vpc_id, subnets = make_network(ec2)
    module, example = tmp_path / "module", tmp_path / "module" / "example"
    render(module, vpc_id, subnets, CIDRS, moto_url)
    terraform(["init", "-input=false", "-no-color"], example)
    planned = plan(example)
    rules = [
        f'{M}aws_vpc_security_group_ingress_rule.resolver_dns_{protocol}["{cidr}"]'
        for protocol in ("tcp", "udp")
        for cidr in CIDRS
    ]
    assert {
        f"{M}aws_route53_resolver_endpoint.inbound",
        f"{M}aws_security_group.resolver",
        *rules,
    } <= planned.addresses("create")
    apply(example)
    try:
        again = plan(example)  # applied as planned, nothing left to change
        assert again.exit_code == 0, {a: again.changed_attributes(a) for a in again.actions}
        endpoint_id = output(example, "resolver_endpoint_id")
        endpoint = resolver.get_resolver_endpoint(ResolverEndpointId=endpoint_id)
        endpoint = endpoint["ResolverEndpoint"]
        assert endpoint["Direction"] == "INBOUND"
        assert endpoint["HostVPCId"] == vpc_id
        addresses = resolver.list_resolver_endpoint_ip_addresses(ResolverEndpointId=endpoint_id)
        by_subnet = {item["SubnetId"]: item["Ip"] for item in addresses["IpAddresses"]}
        assert sorted(by_subnet) == sorted(s["SubnetId"] for s in subnets[2:])
        assert output(example, "resolver_ip_addresses") == by_subnet

        (group_id,) = endpoint["SecurityGroupIds"]
        group = ec2.describe_security_groups(GroupIds=[group_id])["SecurityGroups"][0]
        assert group["VpcId"] == vpc_id
        allowed = sorted(
            (p["IpProtocol"], p["FromPort"], p["ToPort"], r["CidrIp"])
            for p in group["IpPermissions"]
            for r in p["IpRanges"]
        )
        assert allowed == sorted((proto, 53, 53, c) for proto in ("tcp", "udp") for c in CIDRS)
        assert all(
            not p.get("Ipv6Ranges") and not p.get("UserIdGroupPairs")
            for p in (group["IpPermissions"])
        )
        assert group["IpPermissionsEgress"] == []

        # removing one CIDR deletes only its two rules
        render(module, vpc_id, subnets, CIDRS[:1], moto_url)
        plan(example).expect(
            delete=[
                f'{M}aws_vpc_security_group_ingress_rule.resolver_dns_{protocol}["{CIDRS[1]}"]'
                for protocol in ("tcp", "udp")
            ]
        )
    finally:
        terraform(["destroy", "-auto-approve", "-input=false", "-no-color"], example)
    assert resolver.list_resolver_endpoints()["ResolverEndpoints"] == []
