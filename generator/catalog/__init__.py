"""Data tfgen ships: Lambda IAM actions, the AWS provider schema snapshot, prices."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any


def load_json(name: str) -> Any:
    return json.loads(resources.files(__name__).joinpath(name).read_text(encoding="utf-8"))


@cache
def lambda_actions() -> tuple[str, ...]:
    """Names of the Lambda IAM actions, without the `lambda:` prefix."""
    return tuple(action["name"] for action in load_json("lambda_actions.json")["actions"])


@cache
def lambda_action_resource_types() -> dict[str, tuple[tuple[str, bool], ...]]:
    """Action name -> its (resource type, required) pairs; empty: `Resource: "*"` only."""
    return {
        action["name"]: tuple((row["name"], row["required"]) for row in action["resource_types"])
        for action in load_json("lambda_actions.json")["actions"]
    }


@cache
def lambda_resource_type_arns() -> dict[str, str]:
    """Resource type name -> its ARN format in the Service Authorization Reference."""
    return dict(load_json("lambda_actions.json")["resource_type_arns"])
