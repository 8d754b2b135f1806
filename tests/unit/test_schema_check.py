"""The provider-schema check: each rule catches its mistake, rendered modules pass clean,
and the shipped snapshot matches what the real provider prints."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

from generator.answers.load import parse_answers
from generator.core.hcl import parse_hcl
from generator.render.shared import render_shared_module
from generator.run.module import rendered_files
from generator.verify.schema import (
    DATA_SOURCES,
    RESOURCES,
    SCHEMA_FILES,
    check_all_majors,
    check_blocks,
    check_deprecations,
    expression_code,
    load_deprecations,
    load_provider_schema,
    snapshot_paths,
)
from tests.conftest import REPO
from tests.support.golden_cases import case_answers, case_names


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
    assert schema["provider_version"] == "6.66.0"
    assert schema["derived_from"] == "npm @cdktn/provider-aws 25.7.0 (.jsii)"
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
        "(provider 6.x, 6.66.0; 5.x accepts it)"
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
    "data.aws_network_interface.ena_srd_specification",
    "data.aws_route53_zone.enable_accelerated_recovery",
    "data.aws_vpc.ipv6_cidr_block_associations",
    "data.aws_vpc_endpoint.service_region",
    "data.aws_vpc_endpoint_service.service_region",
    "data.aws_vpc_peering_connection.requester_region",
    "provider.tag_policy_compliance",
    "provider.user_agent",
    "resource.aws_route.odb_network_arn",
    # detailed metrics of Resolver endpoints (hashicorp/terraform-provider-aws#45630)
    "resource.aws_route53_resolver_endpoint.rni_enhanced_metrics_enabled",
    "resource.aws_route53_resolver_endpoint.target_name_server_metrics_enabled",
    "resource.aws_route53_zone.enable_accelerated_recovery",
    "resource.aws_vpc_endpoint.dns_options.private_dns_preference",
    "resource.aws_vpc_endpoint.dns_options.private_dns_specified_domains",
} | {f"provider.endpoints.{name}" for name in (
    "accountaccess", "agentregistry", "arcregionswitch", "arczonalshift", "bedrockagentcore",
    "bedrockruntime", "devopsagent", "directoryservicedata", "interconnect", "lambdacore",
    "lambdamicrovms", "mailmanager", "mpa", "mwaaserverless", "networkflowmonitor",
    "observabilityadmin", "odb", "rdsdata", "rdsdataservice", "resiliencehubv2", "s3files",
    "s3vectors", "savingsplans", "uxc", "workmail",
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
        f"aws/6.66.0/docs/{kind}#{anchor} X#{anchor}}}."
    )


def test_v6_refresh_reads_a_jsii_assembly():
    """A minimal assembly with the shapes cdktf/cdktn generate: the script's mapping rules."""
    ns = "@cdktn/provider-aws.vpcEndpoint"
    string = {"primitive": "string"}
    jsii = {
        "name": "@cdktn/provider-aws",
        "version": "25.7.0",
        "types": {
            f"{ns}.VpcEndpoint": {
                "kind": "class",
                "docs": {"summary": "Represents a {@link https://registry.terraform.io/providers/"
                         "hashicorp/aws/6.66.0/docs/resources/vpc_endpoint aws_vpc_endpoint}."},
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
    assert assembly.provider_version == "6.66.0"
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


# ---- what provider 6.x deprecates (generator/catalog/aws_provider_deprecations_v6.json) ----


def deprecations(text: str, file: str = "main.tf") -> list[str]:
    return [
        f"{p.file}: {p.address}: {p.message}" for p in check_deprecations(parse_hcl(text), file)
    ]


def test_the_6x_list_has_aws_regions_name_and_id_with_their_releases():
    found = {(d.kind, d.type, d.attribute): d for d in load_deprecations()}
    name, id_ = found[("data", "aws_region", "name")], found[("data", "aws_region", "id")]
    assert (name.since, name.replacement, name.source) == (
        "6.0.0",
        "region",
        "hashicorp/terraform-provider-aws#42131",
    )
    assert (id_.since, id_.replacement, id_.source) == (
        "6.47.0",
        "region",
        "hashicorp/terraform-provider-aws#48036",
    )


def test_every_6x_deprecation_names_an_emitted_type_and_a_6x_argument():
    # The list can only refer to what the 6.x snapshot holds: a typo, or a type tfgen no longer
    # emits, would silently check nothing.
    v6 = snapshot_paths(load_provider_schema("6.x"))
    for d in load_deprecations():
        assert d.type in (DATA_SOURCES if d.kind == "data" else RESOURCES), d
        assert f"{d.kind}.{d.type}.{d.attribute}" in v6, d
        assert f"{d.kind}.{d.type}.{d.replacement}" in v6, d
        assert re.fullmatch(r"6\.\d+\.\d+", d.since), d
        assert re.fullmatch(r"hashicorp/terraform-provider-aws#\d+", d.source), d


def test_a_deprecated_argument_set_in_its_block_is_a_problem():
    assert deprecations('data "aws_region" "peer" {\n  name = "us-west-2"\n}\n') == [
        "main.tf: data.aws_region.peer.name: sets 'name' of data source aws_region is "
        "deprecated since AWS provider 6.0.0 (hashicorp/terraform-provider-aws#42131): use "
        "'region'; 5.x has no `region` attribute: a module that admits both majors reads the "
        "region another way"
    ]
    # The same argument of another type, and a clean argument, are not.
    assert deprecations('data "aws_vpc" "x" {\n  id = "vpc-1"\n}\n') == []
    assert deprecations('data "aws_region" "peer" {\n  endpoint = "x"\n}\n') == []


def test_the_deprecation_check_is_part_of_every_majors_check():
    found = majors_problems('data "aws_region" "peer" {\n  name = "us-west-2"\n}\n')
    assert [p for p in found if "deprecated since AWS provider 6.0.0" in p] == [
        "data.aws_region.peer.name: sets 'name' of data source aws_region is deprecated since "
        "AWS provider 6.0.0 (hashicorp/terraform-provider-aws#42131): use 'region'; 5.x has no "
        "`region` attribute: a module that admits both majors reads the region another way"
    ]


def test_a_read_of_a_deprecated_attribute_is_a_problem_naming_file_reference_and_release():
    text = (
        'resource "aws_route53_zone" "lambda" {\n  name = "x"\n  vpc {\n'
        "    vpc_id     = var.vpc_id\n    vpc_region = data.aws_region.current.id\n  }\n}\n"
    )
    assert deprecations(text, "peering.tf") == [
        "peering.tf: aws_route53_zone.lambda.vpc.vpc_region: reads data.aws_region.current.id: "
        "'id' of data source aws_region is deprecated since AWS provider 6.47.0 "
        "(hashicorp/terraform-provider-aws#48036): use 'region'; 5.x has no `region` "
        "attribute: a module that admits both majors reads the region another way"
    ]


@pytest.mark.parametrize(
    ("expression", "reference"),
    [
        ("data.aws_region.x.name", "data.aws_region.x.name"),
        ('"${data.aws_region.x.name}-suffix"', "data.aws_region.x.name"),
        ("data.aws_region.current[0].id", "data.aws_region.current[0].id"),
        ("data.aws_region.peer[*].name", "data.aws_region.peer[*].name"),
        ("data.aws_region.peer.*.name", "data.aws_region.peer.*.name"),
        ('upper(data.aws_region.x["a"].id)', 'data.aws_region.x["a"].id'),
        ("{ key = data.aws_region.x.id }", "data.aws_region.x.id"),
        ('format("%s", "${data.aws_region.x.id}")', "data.aws_region.x.id"),
        ("data.aws_vpc_endpoint_service.lambda.region", "data.aws_vpc_endpoint_service.lambda"),
        ("data.aws_vpc_peering_connection.pcx.region", "data.aws_vpc_peering_connection.pcx"),
    ],
)
def test_every_form_of_a_deprecated_read_is_found(expression: str, reference: str):
    found = deprecations(f"locals {{\n  r = {expression}\n}}\n")
    assert len(found) == 1, found
    assert re.match(rf"main\.tf: local\.r(\.key)?: reads {re.escape(reference)}\b", found[0]), found


@pytest.mark.parametrize(
    "expression",
    [
        "data.aws_region.current.region",  # the 6.x replacement
        "data.aws_region.current.description",
        '"data.aws_region.current.id"',  # a literal, not a reference
        'format("data.aws_region.x.%s", "name")',
        'replace("data.aws_region.current.id", "x", "y")',
        "aws_region.current.id",  # not a data source
        "local.data.aws_region.x.name",
        "data.aws_regions.all.names",
        "data.aws_vpc_endpoint_service.lambda.service_region",
        'split(":", data.aws_vpc.endpoint.arn)[3]',
    ],
)
def test_clean_reads_are_not_problems(expression: str):
    assert deprecations(f"locals {{\n  r = {expression}\n}}\n") == []


def test_reads_are_found_in_every_kind_of_block():
    text = (
        'output "region" {\n  value = data.aws_region.current.id\n}\n'
        'module "m" {\n  source = "./m"\n  region = data.aws_region.current.name\n}\n'
        'data "aws_vpc" "x" {\n  tags = { Region = data.aws_region.current.id }\n}\n'
    )
    assert [line.split(": reads ")[0] for line in deprecations(text)] == [
        "main.tf: data.aws_vpc.x.tags.Region",
        "main.tf: module.m.region",
        "main.tf: output.region.value",
    ]


def test_expression_code_keeps_code_and_blanks_literal_text():
    assert expression_code("plain data.aws_region.x.id").strip() == ""
    template = '${format("data.aws_region.x.id %s", data.aws_vpc.y.arn)}'
    code = expression_code(template)
    assert len(code) == len(template)  # positions kept
    assert "data.aws_vpc.y.arn" in code and "aws_region" not in code
    assert "data.aws_region.z.id" in expression_code('${lower("a-${data.aws_region.z.id}")}')
    assert "local.x" in expression_code("%{ if local.x }yes%{ endif }")


def tf_files(folder: Path) -> dict[str, str]:
    return {
        path.relative_to(folder).as_posix(): path.read_text(encoding="utf-8")
        for path in sorted(folder.rglob("*.tf"))
    }


@pytest.mark.parametrize("case", ["built-in example", *case_names()])
def test_rendered_modules_read_nothing_6x_deprecates(case: str):
    files = rendered_files(parse_answers(case_answers(case)))
    for name, text in files.items():
        if name.endswith(".tf"):
            assert check_deprecations(parse_hcl(text), name) == [], name


def test_shared_module_and_committed_roots_read_nothing_6x_deprecates():
    for name, text in render_shared_module().items():
        if name.endswith(".tf"):
            assert check_deprecations(parse_hcl(text), name) == [], name
    committed = {
        f"{folder}/{name}": text
        for folder in ("modules", "deployments", "tests/golden")
        for name, text in tf_files(REPO / folder).items()
    }
    assert any(name.startswith("modules/lambda-endpoint/") for name in committed)
    for name, text in committed.items():
        assert check_deprecations(parse_hcl(text), name) == [], name


def test_v6_refresh_defaults_to_the_cdktn_package_and_takes_another(monkeypatch, tmp_path: Path):
    script = load_script("refresh_provider_schema_v6")
    assert (script.PACKAGE, script.PACKAGE_VERSION) == ("@cdktn/provider-aws", "25.7.0")
    calls = []
    monkeypatch.setattr(script.subprocess, "run", lambda args, **kw: calls.append(args))
    path = script.npm_assembly("@cdktf/provider-aws", "21.22.1", tmp_path)
    assert calls[0][-1] == "@cdktf/provider-aws@21.22.1"
    assert path == tmp_path / "node_modules" / "@cdktf/provider-aws" / ".jsii"
