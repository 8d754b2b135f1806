#!/usr/bin/env python3
"""Refresh generator/catalog/aws_provider_schema_v6.json from the AWS provider 6 jsii assembly.

There is no provider 6 binary here, so `terraform providers schema -json` cannot run for it.
npm's `@cdktn/provider-aws` (MPL-2.0, CDK Terrain's prebuilt provider; the latest
`@cdktf/provider-aws`, 21.22.1, is of provider 6.25.0) ships `.jsii`, a JSON assembly
generated from the provider's schema: one class per resource and data source, a `...Config`
interface with every settable argument (optional or required), one interface per nested block,
and getters for what the provider computes. This script reads it and writes the same trimmed
shape as `scripts/refresh_provider_schema.py` writes for 5.x, for the types tfgen emits.
Package 25.7.0 is generated from provider 6.66.0.

What the assembly does not carry, and the snapshot therefore does not either: deprecation
flags (the 6.x deprecations tfgen must avoid are listed by hand in
generator/catalog/aws_provider_deprecations_v6.json), list/set nesting of blocks (all
written as "list"), computed flags of optional arguments, and list/set/object types (only
primitive and map types are written). Argument names come from each property's Terraform
Registry link (`...#vpc_id`), so they are the provider's own snake_case names; only
computed-only getters have no link, and their camelCase names are converted
(tests/unit/test_schema_check.py compares every name with 5.x).

Usage: .venv/bin/python scripts/refresh_provider_schema_v6.py            # npm install 25.7.0
       .venv/bin/python scripts/refresh_provider_schema_v6.py --jsii path/to/.jsii
       [--package @cdktn/provider-aws] [--package-version 25.7.0]
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from generator.verify.schema import (
    DATA_SOURCES,
    DEPRECATIONS_FILE,
    RESOURCES,
    load_deprecations,
    snapshot_paths,
)

TARGET = (
    Path(__file__).resolve().parent.parent / "generator" / "catalog" / "aws_provider_schema_v6.json"
)
PACKAGE = "@cdktn/provider-aws"
PACKAGE_VERSION = "25.7.0"  # provider 6.66.0
PROVIDER = "registry.terraform.io/hashicorp/aws"
REGISTRY_LINK = re.compile(
    r"registry\.terraform\.io/providers/hashicorp/aws/(?P<version>[0-9.]+)/docs"
    r"(?:/(?P<kind>resources|data-sources)/\w+)? (?P<type>aws\w*)\}"
)
ARGUMENT_LINK = re.compile(
    r"registry\.terraform\.io/providers/hashicorp/aws/[0-9.]+/docs\S*#(\w+) "
)
PRIMITIVES = {"string": "string", "number": "number", "boolean": "bool", "any": "dynamic"}
NOT_ATTRIBUTES = {"tfResourceType", "internalValue", "terraformAttribute", "terraformResource"}


def snake_case(name: str) -> str:
    """availabilityZones -> availability_zones, ipv6CidrBlock -> ipv6_cidr_block."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name).lower()


def argument_name(prop: dict[str, Any]) -> str:
    """The provider's own name of a settable argument, from its Terraform Registry link."""
    docs = prop.get("docs", {})
    for text in (docs.get("summary", ""), docs.get("remarks", "")):
        match = ARGUMENT_LINK.search(text)
        if match:
            return match.group(1)
    return snake_case(prop["name"])


class Assembly:
    def __init__(self, jsii: dict[str, Any]) -> None:
        self.types: dict[str, Any] = jsii["types"]
        self.package_version: str = jsii["version"]
        self.classes: dict[tuple[str, str], str] = {}
        self.provider_version = ""
        for fqn, spec in self.types.items():
            if spec["kind"] != "class":
                continue
            match = REGISTRY_LINK.search(spec.get("docs", {}).get("summary", ""))
            if match:
                kind = {"resources": "resource", "data-sources": "data"}.get(
                    match.group("kind") or "", "provider"
                )
                self.classes[(kind, match.group("type"))] = fqn
                self.provider_version = match.group("version")

    def struct_of(self, prop: dict[str, Any]) -> tuple[str, bool] | None:
        """(fqn, is_collection) when a property is a nested block (its docs say "x block.").

        Object-valued attributes (aws_security_group's ingress/egress, attributes in blocks
        mode) have structs too, but their docs are a plain link.
        """
        if not prop.get("docs", {}).get("summary", "").endswith(" block."):
            return None
        type_ref = prop["type"]
        for candidate in type_ref.get("union", {}).get("types", [type_ref]):
            if "fqn" in candidate and self.types.get(candidate["fqn"], {}).get("datatype"):
                return candidate["fqn"], False
            element = candidate.get("collection", {}).get("elementtype", {})
            if "fqn" in element and self.types.get(element["fqn"], {}).get("datatype"):
                return element["fqn"], True
        return None

    def terraform_type(self, type_ref: dict[str, Any]) -> Any:
        """Primitive and map types; None where jsii cannot tell (lists and sets are arrays)."""
        for candidate in type_ref.get("union", {}).get("types", [type_ref]):
            if "primitive" in candidate:
                return PRIMITIVES.get(candidate["primitive"])
            if candidate.get("collection", {}).get("kind") == "map":
                element = self.terraform_type(candidate["collection"]["elementtype"])
                return ["map", element] if element else None
        return None

    def config_of(self, class_fqn: str) -> str:
        for parameter in self.types[class_fqn].get("initializer", {}).get("parameters", []):
            if parameter["name"] == "config":
                return parameter["type"]["fqn"]
        raise KeyError(f"{class_fqn} has no config parameter")

    def block(self, struct_fqn: str, getters_fqn: str | None) -> dict[str, Any]:
        """A schema block: settable arguments from the struct, computed-only ones from getters."""
        out: dict[str, Any] = {"attributes": {}, "block_types": {}}
        for prop in self.types[struct_fqn].get("properties", []):
            name = argument_name(prop)
            nested = self.struct_of(prop)
            if nested is None:
                attribute: dict[str, Any] = {}
                if prop.get("optional"):
                    attribute["optional"] = True
                else:
                    attribute["required"] = True
                kind = self.terraform_type(prop["type"])
                if kind:
                    attribute["type"] = kind
                out["attributes"][name] = attribute
                continue
            nested_fqn, collection = nested
            shape: dict[str, Any] = {"nesting_mode": "list"}
            if not collection:
                shape["max_items"] = 1
            if not prop.get("optional"):
                shape["min_items"] = 1
            shape["block"] = self.block(nested_fqn, nested_fqn + "OutputReference")
            out["block_types"][name] = shape
        for prop in self.types.get(getters_fqn or "", {}).get("properties", []):
            name = snake_case(prop["name"])
            if (
                not prop.get("immutable")
                or prop["name"] in NOT_ATTRIBUTES
                or prop["name"].endswith("Input")
                or name in out["attributes"]
                or name in out["block_types"]
            ):
                continue
            attribute = {"computed": True}
            kind = self.terraform_type(prop["type"])
            if kind:
                attribute["type"] = kind
            out["attributes"][name] = attribute
        return out

    def schema_of(self, kind: str, type_name: str) -> dict[str, Any]:
        class_fqn = self.classes.get((kind, type_name))
        if class_fqn is None:
            sys.exit(f"the assembly has no {kind} {type_name}")
        return self.block(self.config_of(class_fqn), class_fqn)


def trim(jsii: dict[str, Any]) -> dict[str, Any]:
    assembly = Assembly(jsii)
    package = jsii.get("name", PACKAGE)
    provider_fqn = assembly.classes[("provider", "aws")]
    provider = assembly.block(assembly.config_of(provider_fqn), None)
    provider["attributes"].pop("alias", None)  # a meta-argument, as in `providers schema`
    return {
        "derived_from": f"npm {package} {assembly.package_version} (.jsii)",
        "limits": (
            "no deprecation flags; block nesting always 'list'; computed flags only on "
            "computed-only attributes; types only for primitives and maps"
        ),
        "provider": PROVIDER,
        "provider_version": assembly.provider_version,
        "provider_config": provider,
        "resource_schemas": {t: assembly.schema_of("resource", t) for t in RESOURCES},
        "data_source_schemas": {t: assembly.schema_of("data", t) for t in DATA_SOURCES},
    }


def npm_assembly(package: str, version: str, workdir: Path) -> Path:
    subprocess.run(
        ["npm", "install", "--ignore-scripts", "--no-audit", "--no-fund", "--no-save",
         f"{package}@{version}"],
        cwd=workdir,
        check=True,
    )  # fmt: skip
    return workdir / "node_modules" / package / ".jsii"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jsii", type=Path, help="an existing .jsii file (skips npm install)")
    parser.add_argument(
        "--package", default=PACKAGE, help=f"the npm package with the assembly ({PACKAGE})"
    )
    parser.add_argument(
        "--package-version", default=PACKAGE_VERSION, help=f"its version ({PACKAGE_VERSION})"
    )
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tfgen-jsii-") as tmp:
        path = options.jsii or npm_assembly(options.package, options.package_version, Path(tmp))
        snapshot = trim(json.loads(path.read_text(encoding="utf-8")))
    old = json.loads(TARGET.read_text()) if TARGET.exists() else {}
    TARGET.write_text(json.dumps(snapshot, indent=1, sort_keys=True) + "\n")
    before, after = snapshot_paths(old), snapshot_paths(snapshot)
    for path in sorted(after - before):
        print(f"+ {path}")
    for path in sorted(before - after):
        print(f"- {path}")
    print(
        f"{TARGET}: provider {snapshot['provider_version']} ({snapshot['derived_from']}), "
        f"{len(after)} arguments ({len(after - before)} added, {len(before - after)} removed)"
    )
    # The assembly has no deprecation flags: the hand-kept list is checked against the snapshot
    # here, and against the provider's CHANGELOG by whoever refreshes.
    for entry in load_deprecations():
        if f"{entry.kind}.{entry.type}.{entry.attribute}" not in after:
            print(f"! {DEPRECATIONS_FILE}: {entry.kind}.{entry.type}.{entry.attribute} is gone")
    print(
        f"review {DEPRECATIONS_FILE} against the provider's CHANGELOG up to "
        f"{snapshot['provider_version']} (deprecations in the types above)"
    )


if __name__ == "__main__":
    main()
