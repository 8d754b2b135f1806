#!/usr/bin/env python3
"""Refresh generator/catalog/aws_regions.json: partitions, regions and their AZ ids.

Partitions (id, DNS suffix, region pattern) and region codes come from botocore's
`data/partitions.json` (the installed botocore; tfgen's test extras bring it). AZ ids are not
in botocore: the ones already in the catalog are kept, and with `--describe` each region of a
supported partition is asked (EC2 DescribeAvailabilityZones, AllAvailabilityZones, zone type
availability-zone; needs credentials for that partition and opted-in regions). A region
without AZ ids is printed: add them before committing.

Usage: .venv/bin/python scripts/refresh_regions.py [--describe]
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
from typing import Any

import botocore

TARGET = Path(__file__).resolve().parent.parent / "generator" / "catalog" / "aws_regions.json"
SUPPORTED = ("aws", "aws-cn", "aws-us-gov")
ISO_REASON = (
    "{partition} is an isolated (air-gapped) partition: its service names, DNS suffix "
    "({suffix}) and provider endpoints are not public, so tfgen cannot check what it renders "
    "there"
)
OTHER_REASON = (
    "tfgen does not support partition {partition} yet (DNS suffix {suffix}): its names and "
    "ARNs are not checked by tfgen's tests"
)


def botocore_partitions() -> list[dict[str, Any]]:
    path = Path(os.path.dirname(botocore.__file__)) / "data" / "partitions.json"
    return json.loads(path.read_text(encoding="utf-8"))["partitions"]


def describe_az_ids(region: str) -> list[str]:
    import boto3

    ec2 = boto3.client("ec2", region_name=region)
    zones = ec2.describe_availability_zones(
        AllAvailabilityZones=True,
        Filters=[{"Name": "zone-type", "Values": ["availability-zone"]}],
    )["AvailabilityZones"]
    return sorted(zone["ZoneId"] for zone in zones)


def refresh(old: dict[str, Any], describe: bool) -> dict[str, Any]:
    partitions: dict[str, Any] = {}
    regions: dict[str, Any] = {}
    for partition in botocore_partitions():
        pid, suffix = partition["id"], partition["outputs"]["dnsSuffix"]
        entry: dict[str, Any] = {"dns_suffix": suffix, "region_regex": partition["regionRegex"]}
        if pid not in SUPPORTED:
            reason = ISO_REASON if "-iso" in pid else OTHER_REASON
            entry["refused"] = reason.format(partition=pid, suffix=suffix)
        partitions[pid] = entry
        for code in partition["regions"]:
            if code.endswith("-global"):
                continue  # a pseudo-region of global endpoints, not a place for a VPC
            kept = old.get("regions", {}).get(code, {}).get("az_ids", [])
            if describe and pid in SUPPORTED:
                kept = describe_az_ids(code)
            regions[code] = {"partition": pid, "az_ids": kept}
    return {
        "source": (
            f"partitions and regions: botocore {botocore.__version__} data/partitions.json; "
            "AZ ids: EC2 DescribeAvailabilityZones per region (AWS documentation of AZ ids)"
        ),
        "refresh": "scripts/refresh_regions.py [--describe]",
        "partitions": partitions,
        "regions": dict(sorted(regions.items())),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--describe", action="store_true", help="ask EC2 for each region's AZ ids")
    options = parser.parse_args()
    old = json.loads(TARGET.read_text()) if TARGET.exists() else {}
    catalog = refresh(old, options.describe)
    TARGET.write_text(json.dumps(catalog, indent=1) + "\n")
    for code in sorted(set(catalog["regions"]) - set(old.get("regions", {}))):
        print(f"+ {code}")
    for code in sorted(set(old.get("regions", {})) - set(catalog["regions"])):
        print(f"- {code}")
    for code, region in catalog["regions"].items():
        if region["partition"] in SUPPORTED and not region["az_ids"]:
            print(f"! {code}: no AZ ids (run with --describe, or add them)")
    print(f"{TARGET}: {len(catalog['regions'])} regions in {len(catalog['partitions'])} partitions")


if __name__ == "__main__":
    main()
