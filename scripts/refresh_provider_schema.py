#!/usr/bin/env python3
"""Refresh generator/catalog/aws_provider_schema.json from the real AWS provider.

Runs `terraform init` in a temporary folder against the offline provider mirror
(TFGEN_TF_PLUGIN_MIRROR, see tests/support/tfcli.py), then `terraform providers schema -json`,
and keeps only the resource and data source types tfgen generates, with the fields the
schema check reads. Prints which arguments appeared or went away.

Usage: TFGEN_TF_PLUGIN_MIRROR=/path/to/mirror .venv/bin/python scripts/refresh_provider_schema.py
       [--version 5.100.0]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # tests.support: dev-only code

from generator.verify.schema import DATA_SOURCES, RESOURCES, snapshot_paths
from tests.support.tfcli import offline_env, run_terraform

TARGET = (
    Path(__file__).resolve().parent.parent / "generator" / "catalog" / "aws_provider_schema.json"
)
PROVIDER = "registry.terraform.io/hashicorp/aws"
ATTRIBUTE_FIELDS = ("computed", "deprecated", "optional", "required", "type")
BLOCK_FIELDS = ("max_items", "min_items", "nesting_mode")

MAIN_TF = """\
terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "VERSION"
    }
  }
}
"""


def trim_block(block: dict[str, Any]) -> dict[str, Any]:
    """Only what the schema check reads: attribute flags and nested block shapes."""
    out: dict[str, Any] = {"attributes": {}, "block_types": {}}
    for name, attribute in block.get("attributes", {}).items():
        out["attributes"][name] = {k: attribute[k] for k in ATTRIBUTE_FIELDS if k in attribute}
    for name, nested in block.get("block_types", {}).items():
        kept = {k: nested[k] for k in BLOCK_FIELDS if k in nested}
        kept["block"] = trim_block(nested.get("block", {}))
        out["block_types"][name] = kept
    if block.get("deprecated"):
        out["deprecated"] = True
    return out


def trim(full: dict[str, Any], version: str) -> dict[str, Any]:
    provider = full["provider_schemas"][PROVIDER]
    missing = [t for t in RESOURCES if t not in provider["resource_schemas"]]
    missing += [t for t in DATA_SOURCES if t not in provider["data_source_schemas"]]
    if missing:
        sys.exit(f"the provider schema has no {', '.join(missing)}")
    return {
        "format_version": full.get("format_version"),
        "provider": PROVIDER,
        "provider_version": version,
        "provider_config": trim_block(provider["provider"]["block"]),
        "resource_schemas": {
            t: trim_block(provider["resource_schemas"][t]["block"]) for t in RESOURCES
        },
        "data_source_schemas": {
            t: trim_block(provider["data_source_schemas"][t]["block"]) for t in DATA_SOURCES
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--version", default="5.100.0", help="AWS provider version")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tfgen-schema-") as tmp:
        workdir = Path(tmp)
        (workdir / "main.tf").write_text(MAIN_TF.replace("VERSION", options.version))
        env = offline_env(workdir)
        run_terraform(["init", "-input=false", "-no-color"], workdir, env)
        result = run_terraform(["providers", "schema", "-json"], workdir, env, timeout=600)
    snapshot = trim(json.loads(result.stdout), options.version)
    old = json.loads(TARGET.read_text()) if TARGET.exists() else {}
    TARGET.write_text(json.dumps(snapshot, indent=1, sort_keys=True) + "\n")
    before, after = snapshot_paths(old), snapshot_paths(snapshot)
    for path in sorted(after - before):
        print(f"+ {path}")
    for path in sorted(before - after):
        print(f"- {path}")
    print(
        f"{TARGET}: provider {options.version}, {len(after)} arguments "
        f"({len(after - before)} added, {len(before - after)} removed)"
    )


if __name__ == "__main__":
    main()
