"""The endpoint's groups -> `security_group:`: taken over only when the module could hold it."""

from __future__ import annotations

from generator.adopt.ec2 import Snapshot
from generator.adopt.security_groups import group_answers

VPC_CIDR = "10.0.0.0/16"
OWNER = "123456789012"


def group(group_id: str, name: str = "endpoint-sg") -> dict:
    return {"GroupId": group_id, "GroupName": name, "Description": "d", "OwnerId": OWNER}


def rule(rule_id: str, group_id: str, source: str, port: int = 443, egress: bool = False) -> dict:
    entry = {
        "SecurityGroupRuleId": rule_id,
        "GroupId": group_id,
        "IsEgress": egress,
        "IpProtocol": "-1" if egress else "tcp",
        "FromPort": -1 if egress else port,
        "ToPort": -1 if egress else port,
    }
    if source.startswith("sg-"):
        entry["ReferencedGroupInfo"] = {"GroupId": source, "UserId": OWNER}
    else:
        entry["CidrIpv4"] = source
    return entry


def snapshot(groups: list[dict], rules: list[dict], interfaces: list[dict] | None = None):
    endpoint = {
        "VpcEndpointId": "vpce-0123456789abcdef0",
        "Groups": [{"GroupId": g["GroupId"]} for g in groups],
        "NetworkInterfaceIds": ["eni-0000000000000000a"],
    }
    return Snapshot(endpoint, {}, [], groups, rules, interfaces or [], [], [])


def test_group_with_443_sources_is_taken_over_with_its_rules():
    sg = "sg-0aaaaaaaaaaaaaaaa"
    section, imported, warnings = group_answers(
        snapshot(
            [group(sg)],
            [
                rule("sgr-0000000000000000a", sg, VPC_CIDR),
                rule("sgr-0000000000000000b", sg, "192.168.0.0/24"),
                rule("sgr-0000000000000000c", sg, "sg-0bbbbbbbbbbbbbbbb"),
                rule("sgr-0000000000000000d", sg, "0.0.0.0/0", egress=True),
            ],
        ),
        VPC_CIDR,
    )
    assert section == {
        "create": True,
        "name": "endpoint-sg",
        "description": "d",
        "allow_cidrs": ["192.168.0.0/24"],
        "allow_security_group_ids": ["sg-0bbbbbbbbbbbbbbbb"],
        "existing_ids": [],
    }
    assert imported["security_group_id"] == sg
    assert {r["source"]: r["id"] for r in imported["security_group_rules"]} == {
        VPC_CIDR: "sgr-0000000000000000a",
        "192.168.0.0/24": "sgr-0000000000000000b",
        "sg-0bbbbbbbbbbbbbbbb": "sgr-0000000000000000c",
    }
    assert [w for w in warnings if "default allow-all egress" in w]


def test_open_ingress_keeps_the_group_attached_with_the_reason():
    sg = "sg-0aaaaaaaaaaaaaaaa"
    section, imported, warnings = group_answers(
        snapshot([group(sg)], [rule("sgr-0000000000000000a", sg, "0.0.0.0/0")]), VPC_CIDR
    )
    assert section == {"create": False, "existing_ids": [sg]}
    assert imported == {}
    assert "refuses /0" in warnings[0]


def test_a_group_shared_with_another_interface_is_not_taken_over():
    sg = "sg-0aaaaaaaaaaaaaaaa"
    shared = {
        "NetworkInterfaceId": "eni-0000000000000000b",
        "Description": "an EC2 instance",
        "Groups": [{"GroupId": sg}],
    }
    section, _, warnings = group_answers(
        snapshot([group(sg)], [rule("sgr-0000000000000000a", sg, VPC_CIDR)], [shared]), VPC_CIDR
    )
    assert section["create"] is False
    assert "eni-0000000000000000b (an EC2 instance) uses it too" in warnings[0]


def test_default_group_and_custom_egress_are_not_taken_over():
    default, other = "sg-0aaaaaaaaaaaaaaaa", "sg-0cccccccccccccccc"
    custom_egress = rule("sgr-0000000000000000e", other, "10.1.0.0/16", egress=True)
    section, _, warnings = group_answers(
        snapshot([group(default, "default"), group(other)], [custom_egress]), VPC_CIDR
    )
    assert section == {"create": False, "existing_ids": [default, other]}
    assert "VPC's default group" in warnings[0]
    assert "egress rule sgr-0000000000000000e" in warnings[1]


def test_one_group_taken_over_the_second_stays_attached_and_missing_vpc_rule_is_said():
    first, second = "sg-0aaaaaaaaaaaaaaaa", "sg-0bbbbbbbbbbbbbbbb"
    section, imported, warnings = group_answers(
        snapshot([group(first), group(second, "other")], []), VPC_CIDR
    )
    assert section["create"] is True and section["existing_ids"] == [second]
    assert imported == {"security_group_id": first, "security_group_rules": []}
    assert any("takes over one group only" in w for w in warnings)
    assert any(f"does not allow 443 from the VPC CIDR {VPC_CIDR}" in w for w in warnings)
