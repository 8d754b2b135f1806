"""The endpoint policy document (F9) built from the answers: the one place that knows its shape."""

from __future__ import annotations

import json
import re
from typing import Any

from generator.answers import Answers, PolicyStatement

POLICY_VERSION = "2012-10-17"
# AWS: a VPC endpoint policy is at most 20,480 characters (whitespace included).
MAX_POLICY_CHARS = 20_480

FUNCTION_ARN_RE = re.compile(
    r"^arn:(?P<partition>aws[a-z-]*):lambda:(?P<region>[a-z0-9-]+|\*):(?P<account>\d{12}|\*):"
    r"function:(?P<name>[A-Za-z0-9_*?-]{1,64})(?::(?P<qualifier>[A-Za-z0-9_$*-]{1,128}))?$"
)
FUNCTION_NAME_RE = re.compile(r"^[A-Za-z0-9_*?-]{1,64}$")


def partition_of(region: str) -> str:
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


def function_arn(function: str, answers: Answers) -> str:
    """A bare function name becomes the ARN in the endpoint's region and `account_id`."""
    if function.startswith("arn:") or function == "*" or answers.account_id is None:
        return function
    partition = partition_of(answers.region)
    return f"arn:{partition}:lambda:{answers.region}:{answers.account_id}:function:{function}"


def function_resources(function: str, answers: Answers) -> list[str]:
    """F9: the policy must name the unqualified ARN and every qualified one (`:*`)."""
    arn = function_arn(function, answers)
    match = FUNCTION_ARN_RE.match(arn)
    if arn == "*" or (match and match.group("qualifier")):
        return [arn]
    return [arn, f"{arn}:*"]


def statement_document(statement: PolicyStatement, answers: Answers) -> dict[str, Any]:
    document: dict[str, Any] = {}
    if statement.sid:
        document["Sid"] = statement.sid
    document["Effect"] = statement.effect
    if statement.principals == ["*"]:
        document["Principal"] = "*"
    else:
        principals = statement.principals
        document["Principal"] = {"AWS": principals[0] if len(principals) == 1 else list(principals)}
    document["Action"] = list(statement.actions)
    document["Resource"] = [
        resource
        for function in statement.functions
        for resource in function_resources(function, answers)
    ]
    if statement.conditions:
        document["Condition"] = {op: dict(pairs) for op, pairs in statement.conditions.items()}
    return document


def endpoint_policy_document(answers: Answers) -> dict[str, Any] | None:
    """None means AWS's default full-access policy (`policy.full_access: true`)."""
    if answers.policy.full_access:
        return None
    return {
        "Version": POLICY_VERSION,
        "Statement": [statement_document(s, answers) for s in answers.policy.statements],
    }


def policy_size(document: dict[str, Any]) -> int:
    """Characters of the policy as Terraform's jsonencode sends it (compact JSON)."""
    return len(json.dumps(document, separators=(",", ":"), ensure_ascii=False))
