"""The provider-schema check: each rule catches its mistake, rendered modules pass clean,
and the shipped snapshot matches what the real provider prints."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from generator.hcl import parse_hcl
from generator.pipeline import rendered_files
from generator.schema_check import check_blocks, load_provider_schema
from tests.conftest import REPO
from tests.realtools import needs_terraform, terraform


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
    schema = load_provider_schema()
    for name, text in rendered_files(example_answers).items():
        if name.endswith(".tf"):
            assert check_blocks(parse_hcl(text), schema, name) == [], name


def load_refresh_script():
    path = REPO / "scripts" / "refresh_provider_schema.py"
    spec = importlib.util.spec_from_file_location("refresh_provider_schema", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@needs_terraform
@pytest.mark.terraform
@pytest.mark.slow
def test_snapshot_matches_the_real_provider(tmp_path: Path):
    """If this fails, run scripts/refresh_provider_schema.py and review the diff it prints."""
    refresh = load_refresh_script()
    version = load_provider_schema()["provider_version"]
    (tmp_path / "main.tf").write_text(refresh.MAIN_TF.replace("VERSION", version))
    terraform(["init", "-input=false", "-no-color"], tmp_path)
    full = json.loads(terraform(["providers", "schema", "-json"], tmp_path).stdout)
    assert refresh.trim(full, version) == load_provider_schema()
