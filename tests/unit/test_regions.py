"""Partitions, regions and AZ ids: the shipped catalog, what the answers accept, and the names
rendered for each partition."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from generator.answers.load import parse_answers
from generator.core import regions
from generator.core.errors import AnswersError
from generator.core.hcl import blocks, parse_hcl
from generator.run.module import rendered_files
from generator.verify.schema import check_deprecations
from tests.conftest import example_data
from tests.unit.test_cli import tfgen, write_answers

# One example per supported partition: region, two AZ ids, partition.
PARTITIONS = {
    "aws": ("eu-west-1", "euw1-az1", "euw1-az2"),
    "aws-cn": ("cn-north-1", "cnn1-az1", "cnn1-az2"),
    "aws-us-gov": ("us-gov-west-1", "usgw1-az1", "usgw1-az2"),
}


def in_region(region: str, az1: str, az2: str, partition: str) -> dict[str, Any]:
    data = example_data()
    data["region"] = region
    data["subnets"][0]["az_id"] = az1
    data["subnets"][1]["az_id"] = az2
    statement = data["policy"]["statements"][0]
    statement["principals"] = [f"arn:{partition}:iam::111122223333:user/MyUser"]
    statement["functions"] = [f"arn:{partition}:lambda:{region}:123456789012:function:my-function"]
    return data


def problems(data: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(AnswersError) as caught:
        parse_answers(data)
    return {p.path: p.message for p in caught.value.problems}


def test_catalog_has_every_current_region_with_az_ids_and_its_source():
    catalog = regions.catalog()
    assert "botocore" in catalog["source"] and "refresh_regions.py" in catalog["refresh"]
    codes = set(catalog["regions"])
    # A few of the newest regions and every supported partition's regions.
    assert {"ap-southeast-7", "mx-central-1", "ap-east-2", "ca-west-1"} <= codes
    assert {"cn-north-1", "cn-northwest-1", "us-gov-west-1", "us-gov-east-1"} <= codes
    for code, region in catalog["regions"].items():
        if region["partition"] in regions.SUPPORTED_PARTITIONS:
            assert region["az_ids"], f"{code} has no AZ ids"
            prefix = region["az_ids"][0].rsplit("-", 1)[0]
            assert all(az.startswith(prefix + "-az") for az in region["az_ids"]), code
    assert regions.az_ids("us-east-1") == tuple(f"use1-az{n}" for n in range(1, 7))


@pytest.mark.parametrize("partition", sorted(PARTITIONS))
def test_each_supported_partition_is_accepted_with_its_own_arns(partition: str):
    answers = parse_answers(in_region(*PARTITIONS[partition], partition))
    assert regions.partition_of(answers.region) == partition


@pytest.mark.parametrize("partition", sorted(PARTITIONS))
def test_other_partition_arns_are_refused_naming_both(partition: str):
    region = PARTITIONS[partition][0]
    other = "aws-cn" if partition == "aws" else "aws"
    data = in_region(*PARTITIONS[partition], partition)
    statement = data["policy"]["statements"][0]
    statement["principals"] = [f"arn:{other}:iam::111122223333:user/MyUser"]
    statement["functions"] = [f"arn:{other}:lambda:{region}:123456789012:function:f"]
    found = problems(data)
    for field in ("principals[0]", "functions[0]"):
        message = found[f"policy.statements[0].{field}"]
        assert f"partition {other}" in message and f"is in {partition}" in message


def test_a_peer_in_another_partition_is_refused():
    data = in_region(*PARTITIONS["aws-cn"], "aws-cn")
    data["peering"] = [
        {"name": "other", "vpc_id": "vpc-11111111", "cidr": "10.9.0.0/16", "region": "us-east-1"}
    ]
    message = problems(data)["peering[0].region"]
    assert "aws-cn" in message and "partition aws" in message and "peering" in message


@pytest.mark.parametrize(
    ("region", "reason"),
    [
        ("us-iso-east-1", "isolated (air-gapped) partition"),
        ("us-isob-east-1", "isolated (air-gapped) partition"),
        ("us-isof-south-1", "isolated (air-gapped) partition"),
        ("eu-isoe-west-1", "isolated (air-gapped) partition"),
        ("eusc-de-east-1", "does not support partition aws-eusc"),
    ],
)
def test_iso_partitions_are_refused_with_the_reason(region: str, reason: str):
    data = example_data()
    data["region"] = region
    message = problems(data)["region"]
    assert "which tfgen refuses" in message and reason in message


@pytest.mark.parametrize("region", ["us-east-9", "eu-west-4", "cn-south-1", "us-gov-north-1"])
def test_made_up_regions_are_refused(region: str):
    data = example_data()
    data["region"] = region
    assert "is not an AWS region" in problems(data)["region"]


def test_made_up_az_ids_are_refused():
    data = in_region("us-east-1", "use1-az7", "use1-az1", "aws")
    data["policy"]["statements"][0]["functions"] = [
        "arn:aws:lambda:us-east-1:123456789012:function:my-function"
    ]
    assert problems(data) == {
        "subnets[0].az_id": (
            "use1-az7 is not an AZ id of us-east-1 (it has use1-az1, use1-az2, use1-az3, "
            "use1-az4, use1-az5, use1-az6)"
        )
    }


@pytest.mark.parametrize(
    ("field", "value"),
    [("region", "us-east-9"), ("region", "us-iso-east-1"), ("az_id", "use2-az9")],
)
def test_cli_exit_2_for_made_up_region_or_az(tmp_path: Path, field: str, value: str):
    data = example_data()
    if field == "region":
        data["region"] = value
    else:
        data["subnets"][0]["az_id"] = value
    write_answers(tmp_path / "a.yaml", data)
    result = tfgen("render", "a.yaml", "-o", "out", "--no-scan", cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert value in result.stderr and "Traceback" not in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.yaml"]


def test_china_renders_china_names_and_arns():
    data = in_region(*PARTITIONS["aws-cn"], "aws-cn")
    data["peering"] = [
        {
            "name": "other",
            "vpc_id": "vpc-11111111",
            "cidr": "10.9.0.0/16",
            "account_id": "444455556666",
        }
    ]
    files = rendered_files(parse_answers(data))
    readme = files["README.md"]
    assert "cn.com.amazonaws.cn-north-1.lambda" in readme
    assert "lambda.cn-north-1.amazonaws.com.cn" in readme
    assert "com.amazonaws.cn-north-1.lambda`" not in readme.replace("cn.com.amazonaws", "")
    assert "arn:aws-cn:iam::444455556666:role/" in files["example/main.tf"]
    assert (
        "arn:aws-cn:lambda:cn-north-1:123456789012:function:my-function:*"
        in (files["example/main.tf"])
    )
    for name, text in files.items():
        if name.endswith(".tf"):
            # Names come from aws_vpc_endpoint_service, never built for one partition.
            code = "\n".join(
                line for line in text.splitlines() if not line.lstrip().startswith("#")
            )
            assert "amazonaws" not in code and "arn:aws:" not in code, name


@pytest.mark.parametrize("partition", sorted(PARTITIONS))
def test_no_6x_deprecated_reads_in_any_module(partition: str):
    data = in_region(*PARTITIONS[partition], partition)
    data["peering"] = [
        {
            "name": "other",
            "vpc_id": "vpc-11111111",
            "cidr": "10.9.0.0/16",
            "account_id": "444455556666",
        }
    ]
    for name, text in rendered_files(parse_answers(data)).items():
        # Provider 6 deprecates data.aws_region's `name` (6.0) and `id` (6.47), for `region`,
        # which 5.x lacks: nothing on the 6.x list may be read, in any partition.
        if name.endswith(".tf"):
            parsed = parse_hcl(text)
            assert check_deprecations(parsed, name) == [], name
            # and no aws_region data source is left behind, read by nothing
            assert "aws_region" not in [kind for kind, _, _ in blocks(parsed, "data")], name
