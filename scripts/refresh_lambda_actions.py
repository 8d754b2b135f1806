#!/usr/bin/env python3
"""Refresh generator/catalog/lambda_actions.json, the Lambda IAM actions tfgen accepts.

Each action carries its access level and the resource types the Service Authorization
Reference lists for it (with `required`); an action with none applies only to `Resource: "*"`.

The source is policy_sentry's offline copy of AWS's Service Authorization Reference. It is
not a tfgen dependency, so run this script with a throwaway environment's Python:

    python3 -m venv /tmp/iamvenv && /tmp/iamvenv/bin/pip install policy_sentry
    /tmp/iamvenv/bin/python scripts/refresh_lambda_actions.py

It prints the action names added and removed versus the file it replaces.
"""

from __future__ import annotations

import datetime
import json
from importlib.metadata import version
from pathlib import Path
from typing import Any

from policy_sentry.querying.actions import get_action_data, get_actions_for_service
from policy_sentry.shared.iam_data import get_service_prefix_data

TARGET = Path(__file__).resolve().parent.parent / "generator" / "catalog" / "lambda_actions.json"
SERVICE = "lambda"


def resource_types(name: str) -> list[dict[str, Any]]:
    """The action's resource types; the SAR's rows without one only list condition keys."""
    privilege = get_service_prefix_data(SERVICE)["privileges"][name]
    return [
        {"name": row["resource_type"], "required": bool(row["required"])}
        for row in sorted(privilege["resource_types"].values(), key=lambda r: r["resource_type"])
        if row["resource_type"]
    ]


def current_actions() -> list[dict[str, Any]]:
    """Every Lambda action once, with its access level and resource types, sorted by name."""
    actions: dict[str, dict[str, Any]] = {}
    for qualified in get_actions_for_service(SERVICE):
        name = qualified.split(":", 1)[1]
        rows = get_action_data(SERVICE, name).get(SERVICE, [])
        levels = {row["access_level"] for row in rows if row["action"] == qualified}
        if len(levels) != 1:
            raise SystemExit(f"{qualified}: expected one access level, got {sorted(levels)}")
        actions[name] = {
            "name": name,
            "access_level": levels.pop(),
            "resource_types": resource_types(name),
        }
    return [actions[name] for name in sorted(actions)]


def main() -> None:
    previous: dict[str, Any] = json.loads(TARGET.read_text()) if TARGET.exists() else {}
    catalog = {
        "service_prefix": SERVICE,
        "source": f"policy_sentry {version('policy_sentry')} "
        "(AWS Service Authorization Reference, Lambda actions and resource types)",
        "retrieved": datetime.date.today().isoformat(),
        "actions": current_actions(),
        "resource_type_arns": {
            name: row["arn"]
            for name, row in sorted(get_service_prefix_data(SERVICE)["resources"].items())
        },
    }
    TARGET.write_text(json.dumps(catalog, indent=1, sort_keys=True) + "\n")
    before = {action["name"] for action in previous.get("actions", [])}
    after = {action["name"] for action in catalog["actions"]}
    for name in sorted(after - before):
        print(f"+ lambda:{name}")
    for name in sorted(before - after):
        print(f"- lambda:{name}")
    any_only = [a["name"] for a in catalog["actions"] if not a["resource_types"]]
    print(f'Resource "*" only: {", ".join(any_only)}')
    print(f"{TARGET}: {len(after)} actions from {catalog['source']}")


if __name__ == "__main__":
    main()
