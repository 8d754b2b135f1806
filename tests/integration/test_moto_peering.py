"""terraform apply/destroy of a module with one same-account, same-region peer, against moto.

One cycle: the plan creates exactly the module's resources, the peering connection is
created and auto-accepted, routes go both ways, the endpoint's security group admits the
peer CIDR, a private hosted zone for lambda.<region>.amazonaws.com, created with the
endpoint's VPC and associated with the peer's, aliases the endpoint's regional name (the
endpoint's own private DNS is off), and a second plan is empty.

Slow (the provider waits for the endpoint and for each Route 53 change), so marked `slow`.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
import yaml

from generator.answers.load import parse_answers
from generator.moduledir.write import write_files
from generator.run.module import rendered_files
from tests.conftest import REPO
from tests.support.planjson import apply, plan
from tests.support.realtools import (
    moto_client,
    needs_terraform,
    point_example_at_moto,
    terraform,
)

pytestmark = [needs_terraform, pytest.mark.terraform, pytest.mark.slow]
REGION = "us-east-2"
ENDPOINT_CIDR = "10.0.0.0/16"
PEER_CIDR = "10.1.0.0/16"
ZONE_NAME = f"lambda.{REGION}.amazonaws.com."
CASE = REPO / "tests" / "cases" / "peering-same-account.yaml"


def client(service: str, url: str):
    return moto_client(service, url, REGION)


def make_vpcs(ec2) -> dict:
    """The endpoint VPC (DNS on, two subnets in two AZs, a route table) and the peer VPC."""
    vpc_id = ec2.create_vpc(CidrBlock=ENDPOINT_CIDR)["Vpc"]["VpcId"]
    ec2.modify_vpc_attribute(VpcId=vpc_id, EnableDnsSupport={"Value": True})
    ec2.modify_vpc_attribute(VpcId=vpc_id, EnableDnsHostnames={"Value": True})
    subnets = [
        ec2.create_subnet(
            VpcId=vpc_id, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=f"{REGION}{zone}"
        )["Subnet"]
        for i, zone in enumerate("ab")
    ]
    peer_vpc_id = ec2.create_vpc(CidrBlock=PEER_CIDR)["Vpc"]["VpcId"]
    # The peer has dns: plan reads both attributes of its VPC too.
    ec2.modify_vpc_attribute(VpcId=peer_vpc_id, EnableDnsSupport={"Value": True})
    ec2.modify_vpc_attribute(VpcId=peer_vpc_id, EnableDnsHostnames={"Value": True})
    rtb = ec2.create_route_table(VpcId=vpc_id)["RouteTable"]["RouteTableId"]
    for subnet in subnets:
        ec2.associate_route_table(RouteTableId=rtb, SubnetId=subnet["SubnetId"])
    return {
        "vpc_id": vpc_id,
        "subnets": subnets,
        "rtb": rtb,
        "peer_vpc_id": peer_vpc_id,
        "peer_rtb": ec2.create_route_table(VpcId=peer_vpc_id)["RouteTable"]["RouteTableId"],
    }


def answers_for(ids: dict) -> dict:
    data = copy.deepcopy(yaml.safe_load(CASE.read_text()))
    data["vpc"]["id"] = ids["vpc_id"]
    data["vpc"]["cidr"] = ENDPOINT_CIDR
    data["subnets"] = [
        {"id": s["SubnetId"], "az_id": s["AvailabilityZoneId"]} for s in ids["subnets"]
    ]
    (peer,) = data["peering"]
    peer.update(
        vpc_id=ids["peer_vpc_id"],
        cidr=PEER_CIDR,
        route_table_ids=[ids["peer_rtb"]],
    )
    # left out: the module routes the peer in the endpoint subnets' route table (read at plan)
    peer.pop("local_route_table_ids", None)
    return data


def live_connections(ec2, vpc_id: str, peer_vpc_id: str) -> list[dict]:
    found = ec2.describe_vpc_peering_connections(
        Filters=[
            {"Name": "requester-vpc-info.vpc-id", "Values": [vpc_id]},
            {"Name": "accepter-vpc-info.vpc-id", "Values": [peer_vpc_id]},
        ]
    )["VpcPeeringConnections"]
    # moto 5.2.5 ignores these filters: match the VPCs here as well.
    return [
        c
        for c in found
        if c["RequesterVpcInfo"]["VpcId"] == vpc_id
        and c["AccepterVpcInfo"]["VpcId"] == peer_vpc_id
        and c["Status"]["Code"] not in ("deleted", "deleting", "rejected")
    ]


def lambda_zones(route53) -> list[dict]:
    zones = route53.list_hosted_zones_by_name(DNSName=ZONE_NAME)["HostedZones"]
    return [zone for zone in zones if zone["Name"] == ZONE_NAME]


def peering_route(ec2, rtb: str, cidr: str) -> dict:
    table = ec2.describe_route_tables(RouteTableIds=[rtb])["RouteTables"][0]
    routes = [r for r in table["Routes"] if r.get("DestinationCidrBlock") == cidr]
    assert len(routes) == 1, table["Routes"]
    return routes[0]


def test_apply_peers_routes_and_resolves_for_the_peer(moto_url: str, tmp_path: Path):
    ec2 = client("ec2", moto_url)
    route53 = client("route53", moto_url)
    ids = make_vpcs(ec2)
    answers = parse_answers(answers_for(ids))
    module = tmp_path / "module"
    write_files(module, rendered_files(answers))
    point_example_at_moto(module, moto_url)
    example = module / "example"
    terraform(["init", "-input=false", "-no-color"], example)
    planned = plan(example)
    m = "module.lambda_endpoint."
    assert {
        f"{m}aws_vpc_peering_connection.analytics",
        f"{m}aws_route53_zone.lambda",
        f"{m}aws_route53_zone_association.analytics",
        f"{m}aws_vpc_endpoint_private_dns.lambda",
        # keyed by table id: the endpoint subnets' table (read at plan), the peer's listed one
        f'{m}aws_route.to_analytics["{ids["rtb"]}"]',
        f'{m}aws_route.from_analytics["{ids["peer_rtb"]}"]',
    } <= planned.addresses("create")
    assert set(planned.actions) == planned.addresses("create")
    try:
        apply(example)
        assert plan(example).exit_code == 0  # nothing left to change

        # The connection joins the two VPCs and was accepted by its requester.
        (connection,) = live_connections(ec2, ids["vpc_id"], ids["peer_vpc_id"])
        assert connection["Status"]["Code"] == "active"
        pcx = connection["VpcPeeringConnectionId"]

        # Routes both ways through it.
        assert peering_route(ec2, ids["rtb"], PEER_CIDR)["VpcPeeringConnectionId"] == pcx
        assert peering_route(ec2, ids["peer_rtb"], ENDPOINT_CIDR)["VpcPeeringConnectionId"] == pcx

        # The endpoint's security group admits the peer CIDR on HTTPS.
        endpoint_id = json.loads(terraform(["output", "-json", "endpoint_id"], example).stdout)
        endpoint = ec2.describe_vpc_endpoints(VpcEndpointIds=[endpoint_id])["VpcEndpoints"][0]
        assert endpoint["VpcId"] == ids["vpc_id"]
        (group_id,) = [group["GroupId"] for group in endpoint["Groups"]]
        rules = ec2.describe_security_group_rules(
            Filters=[{"Name": "group-id", "Values": [group_id]}]
        )["SecurityGroupRules"]
        ingress = {
            (r["IpProtocol"], r["FromPort"], r["ToPort"], r.get("CidrIpv4"))
            for r in rules
            if not r["IsEgress"]
        }
        assert ("tcp", 443, 443, PEER_CIDR) in ingress

        # One private zone for the Lambda API name, aliasing the endpoint's regional name,
        # created with the endpoint VPC (private DNS of the endpoint off) and the peer's VPC.
        assert endpoint["PrivateDnsEnabled"] is False
        (zone,) = lambda_zones(route53)
        got = route53.get_hosted_zone(Id=zone["Id"])
        assert got["HostedZone"]["Config"]["PrivateZone"] is True
        assert [v["VPCId"] for v in got["VPCs"]] == [ids["vpc_id"], ids["peer_vpc_id"]]
        # The endpoint VPC's Region comes from its ARN (not data.aws_region, deprecated in 6.x).
        assert [v["VPCRegion"] for v in got["VPCs"]] == [REGION, REGION]
        records = route53.list_resource_record_sets(HostedZoneId=zone["Id"])["ResourceRecordSets"]
        (apex_a,) = [r for r in records if r["Name"] == ZONE_NAME and r["Type"] == "A"]
        (regional,) = [
            e["DnsName"] for e in endpoint["DnsEntries"] if e["DnsName"].startswith(endpoint_id)
        ]
        assert apex_a["AliasTarget"]["DNSName"].rstrip(".") == regional.rstrip(".")
    finally:
        terraform(["destroy", "-auto-approve", "-input=false", "-no-color"], example)
    assert lambda_zones(route53) == []
    assert live_connections(ec2, ids["vpc_id"], ids["peer_vpc_id"]) == []
