"""The provider-schema check: each rule catches its mistake, rendered modules pass clean,
and the shipped snapshot matches what the real provider prints."""

from __future__ import annotations

import importlib.util

from generator.core.hcl import parse_hcl
from generator.run.module import rendered_files
from generator.verify.schema import (
    SCHEMA_FILES,
    check_all_majors,
    check_blocks,
    load_provider_schema,
    snapshot_paths,
)
from tests.conftest import REPO


def problems(text: str) -> list[str]:
    return [
        f"{p.address}: {p.message}"
        for p in check_blocks(parse_hcl(text), load_provider_schema(), "main.tf")
    ]


ENDPOINT = """\
resource "aws_vpc_endpoint" "lambda" {
  vpc_id            = "vpc-1"
  service_name      = "com.amazonaws.us-east-2.lambda"
  vpc_endpoint_type = "Interface"
%s
}
"""


def test_snapshot_is_the_pinned_provider_version():
    schema = load_provider_schema()
    assert schema["provider_version"] == "5.100.0"
    assert "aws_vpc_endpoint" in schema["resource_schemas"]
    assert "aws_subnet" in schema["data_source_schemas"]


def test_a_correct_endpoint_has_no_problems():
    assert (
        problems(
            ENDPOINT % '  subnet_ids = ["subnet-1"]\n  dns_options {\n'
            '    dns_record_ip_type = "ipv4"\n  }'
        )
        == []
    )


def test_unknown_argument_is_named_with_a_suggestion():
    assert problems(ENDPOINT % '  subnet_id = ["subnet-1"]') == [
        "aws_vpc_endpoint.lambda.subnet_id: unsupported argument 'subnet_id' "
        "(did you mean 'subnet_ids'?)"
    ]


def test_missing_required_argument():
    text = 'resource "aws_vpc_endpoint" "lambda" {\n  service_name = "x"\n}\n'
    assert problems(text) == ["aws_vpc_endpoint.lambda: missing required argument 'vpc_id'"]


def test_unknown_resource_and_data_types():
    text = 'resource "aws_vpc_endpiont" "a" {}\ndata "aws_subnets_x" "b" {}\n'
    found = problems(text)
    assert (
        "aws_vpc_endpiont.a: unknown resource type 'aws_vpc_endpiont' "
        "(did you mean 'aws_vpc_endpoint'?)" in found
    )
    assert any(p.startswith("data.aws_subnets_x.b: unknown data source") for p in found)


def test_computed_only_attribute_cannot_be_set():
    assert problems(ENDPOINT % "  dns_entry = []") == [
        "aws_vpc_endpoint.lambda.dns_entry: 'dns_entry' is computed by the provider "
        "and cannot be set"
    ]


def test_block_written_as_attribute_and_attribute_written_as_block():
    found = problems(
        ENDPOINT % '  dns_options = { dns_record_ip_type = "ipv4" }\n  policy {\n    a = 1\n  }'
    )
    assert any("dns_options: 'dns_options' is a nested block" in p for p in found)
    assert any("policy: 'policy' is an argument" in p for p in found)


def test_too_many_single_blocks():
    block = '  dns_options {\n    dns_record_ip_type = "ipv4"\n  }\n'
    assert problems(ENDPOINT % (block * 2)) == [
        "aws_vpc_endpoint.lambda.dns_options: at most 1 'dns_options' block(s) allowed, got 2"
    ]


def test_nested_block_arguments_are_checked():
    found = problems(ENDPOINT % '  dns_options {\n    dns_record_type = "ipv4"\n  }')
    assert found == [
        "aws_vpc_endpoint.lambda.dns_options.dns_record_type: unsupported argument "
        "'dns_record_type' (did you mean 'dns_record_ip_type'?)"
    ]


def test_meta_arguments_and_lifecycle_are_allowed():
    body = (
        "  count = 1\n  depends_on = []\n  lifecycle {\n    create_before_destroy = true\n"
        '    precondition {\n      condition     = true\n      error_message = "x"\n'
        "    }\n  }"
    )
    assert problems(ENDPOINT % body) == []


def test_bad_lifecycle_contents():
    body = (
        "  lifecycle {\n    create_before_destroyed = true\n    precondition {\n"
        "      condition = true\n    }\n  }"
    )
    assert problems(ENDPOINT % body) == [
        "aws_vpc_endpoint.lambda.lifecycle.create_before_destroyed: unsupported lifecycle "
        "argument 'create_before_destroyed' (did you mean 'create_before_destroy'?)",
        "aws_vpc_endpoint.lambda.lifecycle.precondition: missing 'error_message'",
    ]


def test_provider_block_is_checked_and_alias_allowed():
    assert problems('provider "aws" {\n  region = "us-east-2"\n  alias = "peer"\n}\n') == []
    assert problems('provider "aws" {\n  regoin = "us-east-2"\n}\n') == [
        "provider.aws.regoin: unsupported argument 'regoin' (did you mean 'region'?)"
    ]


def test_other_providers_are_left_alone():
    assert problems('resource "null_resource" "x" {\n  anything = 1\n}\n') == []


def test_rendered_example_passes_the_schema_check(example_answers):
    for name, text in rendered_files(example_answers).items():
        if name.endswith(".tf"):
            assert check_all_majors(parse_hcl(text), name) == [], name


def majors_problems(text: str) -> list[str]:
    return [f"{p.address}: {p.message}" for p in check_all_majors(parse_hcl(text), "main.tf")]


def test_the_v6_snapshot_is_provider_6_from_the_jsii_assembly():
    schema = load_provider_schema("6.x")
    assert schema["provider_version"] == "6.25.0"
    assert schema["derived_from"] == "npm @cdktf/provider-aws 21.22.1 (.jsii)"
    assert set(SCHEMA_FILES) == {"5.x", "6.x"}


def test_an_argument_only_in_6x_is_a_problem_naming_5x():
    # Provider 6 added `region` to every regional resource; 5.100 has no such argument.
    assert majors_problems(ENDPOINT % '  region = "us-east-2"') == [
        "aws_vpc_endpoint.lambda.region: unsupported argument 'region' "
        "(provider 5.x, 5.100.0; 6.x accepts it)"
    ]


def test_an_argument_only_in_5x_is_a_problem_naming_6x():
    # Provider 6 removed the OpsWorks service, and with it its endpoint override.
    text = 'provider "aws" {\n  endpoints {\n    opsworks = "http://localhost"\n  }\n}\n'
    assert majors_problems(text) == [
        "provider.aws.endpoints.opsworks: unsupported argument 'opsworks' "
        "(provider 6.x, 6.25.0; 5.x accepts it)"
    ]


def test_a_problem_in_both_majors_is_reported_once_without_a_major():
    assert majors_problems(ENDPOINT % '  subnet_id = ["subnet-1"]') == [
        "aws_vpc_endpoint.lambda.subnet_id: unsupported argument 'subnet_id' "
        "(did you mean 'subnet_ids'?)"
    ]


# What provider 6 really changed in the types tfgen emits (its upgrade guide and changelog):
# removed services' endpoint overrides, and a few additions. Everything else must match 5.x
# name for name, which also proves the jsii camelCase -> snake_case mapping.
ONLY_5X = {f"provider.endpoints.{name}" for name in (
    "iotanalytics", "iotevents", "lookoutmetrics", "opsworks", "sdb", "simpledb", "worklink",
)}  # fmt: skip
ONLY_6X = {
    "data.aws_route53_zone.enable_accelerated_recovery",
    "data.aws_vpc_endpoint_service.service_region",
    "data.aws_vpc_peering_connection.requester_region",
    "provider.tag_policy_compliance",
    "resource.aws_route53_zone.enable_accelerated_recovery",
} | {f"provider.endpoints.{name}" for name in (
    "arcregionswitch", "arczonalshift", "bedrockagentcore", "mwaaserverless",
    "networkflowmonitor", "observabilityadmin", "odb", "rdsdata", "rdsdataservice",
    "s3vectors", "workmail",
)}  # fmt: skip


def test_v6_names_match_5x_except_the_known_changes():
    v5 = snapshot_paths(load_provider_schema("5.x"))
    v6 = snapshot_paths(load_provider_schema("6.x"))
    regional = {path for path in v6 - v5 if path.endswith(".region")}
    assert v5 - v6 == ONLY_5X
    assert v6 - v5 - regional == ONLY_6X
    assert "resource.aws_vpc_endpoint.region" in regional


def test_v6_keeps_blocks_and_object_attributes_apart():
    v6 = load_provider_schema("6.x")["resource_schemas"]
    assert "ingress" in v6["aws_security_group"]["attributes"]  # an attribute in blocks mode
    assert v6["aws_vpc_endpoint"]["block_types"]["dns_options"]["max_items"] == 1
    assert v6["aws_route53_zone"]["block_types"]["vpc"]["block"]["attributes"]["vpc_id"] == {
        "required": True,
        "type": "string",
    }
    assert v6["aws_vpc_endpoint"]["attributes"]["dns_entry"] == {"computed": True}


def load_script(name: str):
    path = REPO / "scripts" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def link(kind: str, anchor: str) -> str:
    return (
        "Docs at Terraform Registry: {@link https://registry.terraform.io/providers/hashicorp/"
        f"aws/6.25.0/docs/{kind}#{anchor} X#{anchor}}}."
    )


def test_v6_refresh_reads_a_jsii_assembly():
    """A minimal assembly with the shapes cdktf generates: the script's mapping rules."""
    ns = "@cdktf/provider-aws.vpcEndpoint"
    string = {"primitive": "string"}
    jsii = {
        "version": "21.22.1",
        "types": {
            f"{ns}.VpcEndpoint": {
                "kind": "class",
                "docs": {"summary": "Represents a {@link https://registry.terraform.io/providers/"
                         "hashicorp/aws/6.25.0/docs/resources/vpc_endpoint aws_vpc_endpoint}."},
                "initializer": {"parameters": [{"name": "config", "type": {"fqn": f"{ns}.Cfg"}}]},
                "properties": [
                    {"name": "tfResourceType", "immutable": True, "type": string},
                    {"name": "enableDnsARecord", "immutable": True, "type": string},
                    {"name": "vpcIdInput", "immutable": True, "type": string},
                    {"name": "vpcId", "type": string},
                ],
            },
            f"{ns}.Cfg": {
                "kind": "interface", "datatype": True,
                "properties": [
                    {"name": "vpcId", "type": string,
                     "docs": {"summary": link("resources/vpc_endpoint", "vpc_id")}},
                    {"name": "dnsOptions", "optional": True, "type": {"fqn": f"{ns}.Dns"},
                     "docs": {"summary": "dns_options block."}},
                    {"name": "ingress", "optional": True, "type": {"collection": {
                        "kind": "array", "elementtype": {"fqn": f"{ns}.Dns"}}},
                     "docs": {"summary": link("resources/vpc_endpoint", "ingress")}},
                ],
            },
            f"{ns}.Dns": {
                "kind": "interface", "datatype": True,
                "properties": [
                    {"name": "dnsRecordIpType", "optional": True, "type": string,
                     "docs": {"summary": link("resources/vpc_endpoint", "dns_record_ip_type")}},
                ],
            },
        },
    }  # fmt: skip
    assembly = load_script("refresh_provider_schema_v6").Assembly(jsii)
    assert assembly.provider_version == "6.25.0"
    assert assembly.schema_of("resource", "aws_vpc_endpoint") == {
        "attributes": {
            "vpc_id": {"required": True, "type": "string"},
            "ingress": {"optional": True},
            "enable_dns_a_record": {"computed": True, "type": "string"},
        },
        "block_types": {
            "dns_options": {
                "nesting_mode": "list",
                "max_items": 1,
                "block": {
                    "attributes": {"dns_record_ip_type": {"optional": True, "type": "string"}},
                    "block_types": {},
                },
            }
        },
    }


def load_refresh_script():
    path = REPO / "scripts" / "refresh_provider_schema.py"
    spec = importlib.util.spec_from_file_location("refresh_provider_schema", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
