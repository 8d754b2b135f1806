"""terraform plan/apply/destroy of the network items against moto, one sequence.

The endpoint VPC has a secondary CIDR and IPv6 (dualstack endpoint); peer `spoke` has a
secondary CIDR and IPv6 and a connection the module creates; peer `pending` requested its
connection itself and the module accepts it (`accept: true`). First a plan with spoke's DNS
hostnames off fails naming the peer; then the plan JSON holds the secondary-CIDR, IPv6 and
accepter resources and the AAAA record; the apply is read back with boto3 (routes, rules,
records, the endpoint_ip_addresses output); destroy cleans up.

Slow (the provider waits for the endpoint and for each Route 53 change), so marked `slow`.
"""

from __future__ import annotations

import ipaddress
import json
from pathlib import Path
from typing import Any

import pytest

from generator.answers.load import parse_answers
from generator.moduledir.write import write_files
from generator.run.module import rendered_files
from tests.support.migration import migrated_plan
from tests.support.realtools import (
    moto_client,
    needs_terraform,
    point_example_at_moto,
    terraform,
)

pytestmark = [needs_terraform, pytest.mark.terraform, pytest.mark.slow]
M = "module.lambda_endpoint."
REGION = "us-east-2"
ZONE_NAME = f"lambda.{REGION}.amazonaws.com."
VPC_CIDR, VPC_EXTRA = "10.0.0.0/16", "100.64.0.0/16"
SPOKE_CIDR, SPOKE_EXTRA = "10.1.0.0/16", "100.65.0.0/16"
PENDING_CIDR = "10.2.0.0/16"


@pytest.fixture
def endpoint_ip_types() -> list[str]:
    # Lambda offers dualstack endpoints in us-east-2: the module's dualstack guard reads this.
    return ["ipv4", "ipv6"]


def make_vpc(ec2, cidr: str, extra: str | None, ipv6: bool, hostnames: bool = True) -> dict:
    vpc = ec2.create_vpc(CidrBlock=cidr, AmazonProvidedIpv6CidrBlock=ipv6)["Vpc"]
    vpc_id = vpc["VpcId"]
    ec2.modify_vpc_attribute(VpcId=vpc_id, EnableDnsSupport={"Value": True})
    ec2.modify_vpc_attribute(VpcId=vpc_id, EnableDnsHostnames={"Value": hostnames})
    if extra:
        ec2.associate_vpc_cidr_block(VpcId=vpc_id, CidrBlock=extra)
    # moto writes hextets with leading zeros (0b6c); AWS and tfgen write IPv6 canonically
    ipv6_cidrs = [
        str(ipaddress.ip_network(a["Ipv6CidrBlock"]))
        for a in vpc.get("Ipv6CidrBlockAssociationSet", [])
    ]
    rtb = ec2.create_route_table(VpcId=vpc_id)["RouteTable"]["RouteTableId"]
    return {"id": vpc_id, "ipv6": ipv6_cidrs[0] if ipv6_cidrs else None, "rtb": rtb}


def answers_for(vpc: dict, subnets: list[dict], spoke: dict, pending: dict, pcx: str) -> dict:
    return {
        "version": 1,
        "name": "net-moto",
        "region": REGION,
        "vpc": {"id": vpc["id"], "cidr": VPC_CIDR, "extra_cidrs": [VPC_EXTRA]},
        "subnets": [{"id": s["SubnetId"], "az_id": s["AvailabilityZoneId"]} for s in subnets],
        "ip_address_type": "dualstack",
        "policy": {
            "statements": [
                {
                    "principals": ["123456789012"],
                    "actions": ["lambda:InvokeFunction"],
                    "functions": [f"arn:aws:lambda:{REGION}:123456789012:function:f"],
                }
            ]
        },
        "peering": [
            {
                "name": "spoke",
                "vpc_id": spoke["id"],
                "cidr": SPOKE_CIDR,
                "extra_cidrs": [SPOKE_EXTRA],
                "ipv6_cidr": spoke["ipv6"],
                "route_table_ids": [spoke["rtb"]],
                "local_route_table_ids": [vpc["rtb"]],
            },
            {
                "name": "pending",
                "vpc_id": pending["id"],
                "cidr": PENDING_CIDR,
                "connection_id": pcx,
                "accept": True,
                "dns": False,
                "route_table_ids": [pending["rtb"]],
                "local_route_table_ids": [vpc["rtb"]],
            },
        ],
    }


def routes(ec2, rtb: str) -> dict[str, str]:
    """Destination -> peering connection; IPv6 destinations canonical (a route to the VPC's
    IPv6 CIDR carries moto's own form of it, leading-zero hextets and all)."""
    table = ec2.describe_route_tables(RouteTableIds=[rtb])["RouteTables"][0]
    found = {}
    for route in table["Routes"]:
        destination = route.get("DestinationCidrBlock") or route["DestinationIpv6CidrBlock"]
        if ":" in destination:
            destination = str(ipaddress.ip_network(destination))
        found[destination] = route.get("VpcPeeringConnectionId", "")
    return found


def planned(example: Path) -> dict[str, dict[str, Any]]:
    terraform(["plan", "-input=false", "-no-color", "-out=tfplan"], example)
    shown = json.loads(terraform(["show", "-json", "tfplan"], example).stdout)
    prefix = "module.lambda_endpoint."
    return {change["address"].removeprefix(prefix): change for change in shown["resource_changes"]}


def test_secondary_cidrs_ipv6_and_accepted_connection(moto_url: str, tmp_path: Path):
    ec2 = moto_client("ec2", moto_url, REGION)
    route53 = moto_client("route53", moto_url, REGION)
    vpc = make_vpc(ec2, VPC_CIDR, VPC_EXTRA, ipv6=True)
    # A dualstack endpoint needs IPv6 in every subnet (the module's plan-time guard): one /64
    # of the VPC's /56 each.
    ipv6_blocks = ipaddress.ip_network(vpc["ipv6"]).subnets(new_prefix=64)
    subnets = [
        ec2.create_subnet(
            VpcId=vpc["id"],
            CidrBlock=f"10.0.{i}.0/24",
            Ipv6CidrBlock=str(next(ipv6_blocks)),
            AvailabilityZone=zone,
        )["Subnet"]
        for i, zone in enumerate((f"{REGION}a", f"{REGION}b"))
    ]
    spoke = make_vpc(ec2, SPOKE_CIDR, SPOKE_EXTRA, ipv6=True, hostnames=False)
    pending = make_vpc(ec2, PENDING_CIDR, None, ipv6=False)
    # The peer's owner requests; the endpoint VPC is the accepter.
    pcx = ec2.create_vpc_peering_connection(VpcId=pending["id"], PeerVpcId=vpc["id"])[
        "VpcPeeringConnection"
    ]["VpcPeeringConnectionId"]
    assert (
        ec2.describe_vpc_peering_connections(VpcPeeringConnectionIds=[pcx])[
            "VpcPeeringConnections"
        ][0]["Status"]["Code"]
        == "pending-acceptance"
    )
    answers = parse_answers(answers_for(vpc, subnets, spoke, pending, pcx))
    module = tmp_path / "module"
    write_files(module, rendered_files(answers))
    point_example_at_moto(module, moto_url)
    example = module / "example"
    terraform(["init", "-input=false", "-no-color"], example)

    # Peer DNS attributes are checked through the peer's provider, naming the peer; and the
    # endpoint subnets still use the VPC's main table, which the answers do not route: plan
    # fails naming it and each subnet (both in one plan).
    failed = terraform(["plan", "-input=false", "-no-color"], example, check=False)
    assert failed.returncode != 0
    output = " ".join((failed.stdout + failed.stderr).split())
    assert "Peer spoke: " + spoke["id"] + " needs enableDnsSupport and enableDnsHostnames" in output
    (main,) = ec2.describe_route_tables(
        Filters=[
            {"Name": "vpc-id", "Values": [vpc["id"]]},
            {"Name": "association.main", "Values": ["true"]},
        ]
    )["RouteTables"]
    for name in ("spoke", "pending"):
        for subnet in subnets:
            assert (
                f"peer {name} has no route in {main['RouteTableId']} (the route table of "
                f"endpoint subnet {subnet['SubnetId']})"
            ) in output
    ec2.modify_vpc_attribute(VpcId=spoke["id"], EnableDnsHostnames={"Value": True})
    for subnet in subnets:
        ec2.associate_route_table(RouteTableId=vpc["rtb"], SubnetId=subnet["SubnetId"])

    try:
        changes = planned(example)
        for address in (
            f'aws_vpc_security_group_ingress_rule.vpc_extra["{VPC_EXTRA}"]',
            f'aws_vpc_security_group_ingress_rule.peer_extra["spoke {SPOKE_EXTRA}"]',
            'aws_vpc_security_group_ingress_rule.peer_ipv6["spoke"]',
            f'aws_route.to_spoke_extra["{vpc["rtb"]} {SPOKE_EXTRA}"]',
            f'aws_route.from_spoke_extra["{spoke["rtb"]} {VPC_EXTRA}"]',
            f'aws_route.to_spoke_ipv6["{vpc["rtb"]}"]',
            f'aws_route.from_spoke_ipv6["{spoke["rtb"]} ipv6-0"]',
            f'aws_route.from_pending_extra["{pending["rtb"]} {VPC_EXTRA}"]',
            "aws_vpc_peering_connection_accepter.pending",
            'aws_route53_record.lambda["AAAA"]',
        ):
            assert changes[address]["change"]["actions"] == ["create"], address
        accepter = changes["aws_vpc_peering_connection_accepter.pending"]["change"]["after"]
        assert accepter["vpc_peering_connection_id"] == pcx
        assert changes["aws_vpc_endpoint.lambda"]["change"]["after"]["dns_options"] == [
            {
                "dns_record_ip_type": "dualstack",
                "private_dns_only_for_inbound_resolver_endpoint": None,
            }
        ]
        terraform(["apply", "-input=false", "-no-color", "tfplan"], example)

        connection = ec2.describe_vpc_peering_connections(VpcPeeringConnectionIds=[pcx])[
            "VpcPeeringConnections"
        ][0]
        assert connection["Status"]["Code"] == "active"
        (spoke_pcx,) = [
            c["VpcPeeringConnectionId"]
            for c in ec2.describe_vpc_peering_connections()["VpcPeeringConnections"]
            if c["AccepterVpcInfo"]["VpcId"] == spoke["id"] and c["Status"]["Code"] == "active"
        ]

        local = routes(ec2, vpc["rtb"])
        assert local[SPOKE_CIDR] == local[SPOKE_EXTRA] == local[spoke["ipv6"]] == spoke_pcx
        assert local[PENDING_CIDR] == pcx
        back = routes(ec2, spoke["rtb"])
        assert back[VPC_CIDR] == back[VPC_EXTRA] == back[vpc["ipv6"]] == spoke_pcx
        assert routes(ec2, pending["rtb"])[VPC_EXTRA] == pcx

        endpoint_id = json.loads(terraform(["output", "-json", "endpoint_id"], example).stdout)
        endpoint = ec2.describe_vpc_endpoints(VpcEndpointIds=[endpoint_id])["VpcEndpoints"][0]
        (group_id,) = [group["GroupId"] for group in endpoint["Groups"]]
        rules = ec2.describe_security_group_rules(
            Filters=[{"Name": "group-id", "Values": [group_id]}]
        )["SecurityGroupRules"]
        # Canonical form: a rule built from the VPC's own IPv6 CIDR (read by the module's data
        # source) carries moto's leading-zero hextets.
        sources = {
            str(ipaddress.ip_network(r.get("CidrIpv4") or r.get("CidrIpv6")))
            for r in rules
            if not r["IsEgress"] and r["FromPort"] == 443
        }
        assert {VPC_CIDR, VPC_EXTRA, SPOKE_CIDR, SPOKE_EXTRA, PENDING_CIDR} <= sources
        assert {vpc["ipv6"], spoke["ipv6"]} <= sources

        zone = route53.list_hosted_zones_by_name(DNSName=ZONE_NAME)["HostedZones"][0]
        records = route53.list_resource_record_sets(HostedZoneId=zone["Id"])["ResourceRecordSets"]
        assert {r["Type"] for r in records if r["Name"] == ZONE_NAME} >= {"A", "AAAA"}

        addresses = json.loads(
            terraform(["output", "-json", "endpoint_ip_addresses"], example).stdout
        )
        enis = ec2.describe_network_interfaces(NetworkInterfaceIds=endpoint["NetworkInterfaceIds"])[
            "NetworkInterfaces"
        ]
        assert addresses == {
            eni["SubnetId"]: {
                "availability_zone": eni["AvailabilityZone"],
                "network_interface": eni["NetworkInterfaceId"],
                "private_ip": eni["PrivateIpAddress"],
                "ipv6_addresses": [a["Ipv6Address"] for a in eni.get("Ipv6Addresses", [])],
            }
            for eni in enis
        }
        assert set(addresses) == {s["SubnetId"] for s in subnets}

        # Migration to the deployment layout over this state (golden case
        # network-extra-cidrs-ipv6-accept): moves and in-place updates only.
        migrated = migrated_plan(module, tmp_path / "deployments" / "net-moto", moto_url)
        targets = {
            change["address"]
            for change in migrated.document["resource_changes"]
            if change.get("previous_address")
        }
        assert M + 'aws_vpc_peering_connection_accepter.endpoint["pending"]' in targets
        assert M + f'aws_route.to_peer["spoke {vpc["rtb"]} ipv6"]' in targets
    finally:
        terraform(["destroy", "-auto-approve", "-input=false", "-no-color"], example)
    assert VPC_EXTRA not in routes(ec2, pending["rtb"])
