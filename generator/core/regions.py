"""Partitions, regions and AZ ids, from the shipped catalog (generator/catalog/aws_regions.json).

The catalog is refreshed by scripts/refresh_regions.py (botocore's partitions.json for regions,
EC2 DescribeAvailabilityZones for AZ ids). The names tfgen writes in docs and ARNs come from
here; the generated Terraform reads the endpoint's names from AWS itself.
"""

from __future__ import annotations

import difflib
import re
from functools import cache
from typing import Any

from generator.catalog import load_json
from generator.core.errors import preview

CATALOG_FILE = "aws_regions.json"
# Peering crosses accounts and regions, never partitions; these are the ones tfgen renders for.
SUPPORTED_PARTITIONS = ("aws", "aws-cn", "aws-us-gov")


@cache
def catalog() -> dict[str, Any]:
    return load_json(CATALOG_FILE)


def partition_of(region: str) -> str:
    """The partition of a region code: from the catalog, else from the partitions' patterns."""
    known = catalog()["regions"].get(region)
    if known:
        return str(known["partition"])
    for name, partition in catalog()["partitions"].items():
        if re.match(partition["region_regex"], region):
            return str(name)
    return "aws"


def dns_suffix(region: str) -> str:
    return str(catalog()["partitions"][partition_of(region)]["dns_suffix"])


def lambda_service_name(region: str) -> str:
    """com.amazonaws.us-east-1.lambda; cn.com.amazonaws.cn-north-1.lambda in China (docs only:
    the module reads the name from AWS)."""
    reverse = ".".join(reversed(dns_suffix(region).split(".")))
    return f"{reverse}.{region}.lambda"


def lambda_dns_name(region: str) -> str:
    """lambda.us-east-1.amazonaws.com; lambda.cn-north-1.amazonaws.com.cn in China."""
    return f"lambda.{region}.{dns_suffix(region)}"


def az_ids(region: str) -> tuple[str, ...]:
    return tuple(catalog()["regions"].get(region, {}).get("az_ids", ()))


def region_problem(region: str) -> str | None:
    """Why a region code is refused, or None: unknown codes, and partitions tfgen refuses."""
    regions = catalog()["regions"]
    if region not in regions:
        close = difflib.get_close_matches(region, sorted(regions), n=1, cutoff=0.8)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        return (
            f"{preview(region)} is not an AWS region tfgen knows (e.g. us-east-1, eu-west-2; "
            f"the list is generator/catalog/aws_regions.json){hint}"
        )
    partition = partition_of(region)
    refused = catalog()["partitions"][partition].get("refused")
    if refused:
        return f"{region} is in partition {partition}, which tfgen refuses: {refused}"
    return None


def az_id_problem(region: str, az_id: str) -> str | None:
    """Why an AZ id is not one of the region's, or None."""
    known = az_ids(region)
    if not known or az_id in known:
        return None
    prefix = known[0].rsplit("-", 1)[0]
    if not az_id.startswith(prefix + "-"):
        return f"{az_id} is not in {region} (its AZ ids start with {prefix}-)"
    return f"{az_id} is not an AZ id of {region} (it has {', '.join(known)})"
