"""Fixed endpoint addresses against moto (issue 27): one apply sequence. The endpoint's
interfaces take the answers' addresses, the output maps them, a second plan is empty, and
changing one address updates the endpoint in place (no replacement; AWS itself replaces that
subnet's interface) and the interface in that subnet has the new address.

moto 5.2.5 ignores SubnetConfigurations; tests/support/moto_patches.py
(endpoint_subnet_configurations) gives each interface the address asked for, as AWS does.
Slow (the provider waits for the VPC's DNS attributes and the endpoint), so marked `slow`."""

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
ENDPOINT = "module.lambda_endpoint.aws_vpc_endpoint.lambda"


def test_fixed_addresses_are_the_interfaces_addresses(moto_url: str, tmp_path: Path):
    ec2 = moto_client("ec2", moto_url, REGION)
    vpc_id = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    ec2.modify_vpc_attribute(VpcId=vpc_id, EnableDnsSupport={"Value": True})
    ec2.modify_vpc_attribute(VpcId=vpc_id, EnableDnsHostnames={"Value": True})
    subnets = [
        ec2.create_subnet(
            VpcId=vpc_id, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=f"{REGION}{zone}"
        )["Subnet"]
        for i, zone in enumerate("ab")
    ]
    fixed = {subnet["SubnetId"]: f"10.0.{i}.10" for i, subnet in enumerate(subnets)}

    def render(addresses: dict[str, str]) -> Path:
        data = example_data()
        data["vpc"]["id"] = vpc_id
        data["subnets"] = [
            {
                "id": s["SubnetId"],
                "az_id": s["AvailabilityZoneId"],
                "ipv4": addresses[s["SubnetId"]],
            }
            for s in subnets
        ]
        module = tmp_path / "module"
        write_files(module, rendered_files(parse_answers(data)))
        point_example_at_moto(module, moto_url)
        return module / "example"

    example = render(fixed)
    terraform(["init", "-input=false", "-no-color"], example)
    planned = plan(example)
    (change,) = [c for c in planned.document["resource_changes"] if c["address"] == ENDPOINT]
    assert sorted(
        (c["subnet_id"], c["ipv4"]) for c in change["change"]["after"]["subnet_configuration"]
    ) == sorted(fixed.items())
    apply(example)
    try:
        assert plan(example).exit_code == 0  # the addresses read back are the ones asked for
        endpoint_id = json.loads(terraform(["output", "-json", "endpoint_id"], example).stdout)
        endpoint = ec2.describe_vpc_endpoints(VpcEndpointIds=[endpoint_id])["VpcEndpoints"][0]
        interfaces = ec2.describe_network_interfaces(
            NetworkInterfaceIds=endpoint["NetworkInterfaceIds"]
        )["NetworkInterfaces"]
        assert {i["SubnetId"]: i["PrivateIpAddress"] for i in interfaces} == fixed
        output = json.loads(terraform(["output", "-json", "endpoint_ip_addresses"], example).stdout)
        assert {subnet: entry["private_ip"] for subnet, entry in output.items()} == fixed

        # another address for the second subnet: the endpoint is updated in place
        moved = {**fixed, subnets[1]["SubnetId"]: "10.0.1.20"}
        render(moved)
        planned = plan(example)
        planned.expect(update=[ENDPOINT])
        apply(example)
        assert plan(example).exit_code == 0
        again = ec2.describe_vpc_endpoints(VpcEndpointIds=[endpoint_id])["VpcEndpoints"][0]
        assert again["VpcEndpointId"] == endpoint_id
        interfaces = ec2.describe_network_interfaces(
            NetworkInterfaceIds=again["NetworkInterfaceIds"]
        )["NetworkInterfaces"]
        assert {i["SubnetId"]: i["PrivateIpAddress"] for i in interfaces} == moved
    finally:
        terraform(["destroy", "-auto-approve", "-input=false", "-no-color"], example)
