"""The endpoint policy document (F9) built from the answers: the one place that knows its shape."""

from __future__ import annotations

import json
import re
from typing import Any

from generator import catalog
from generator.answers.model import Answers, PolicyStatement
from generator.core.regions import partition_of

POLICY_VERSION = "2012-10-17"
# AWS: a VPC endpoint policy is at most 20,480 characters (whitespace included).
MAX_POLICY_CHARS = 20_480

# Matched whole (fullmatch) and ASCII only, like every pattern on answers.
FUNCTION_ARN_RE = re.compile(
    r"arn:(?P<partition>aws[a-z-]*):lambda:(?P<region>[a-z0-9-]+|\*):(?P<account>[0-9]{12}|\*):"
    r"function:(?P<name>[A-Za-z0-9_*?-]{1,64})(?::(?P<qualifier>[A-Za-z0-9_$*-]{1,128}))?",
    re.ASCII,
)
FUNCTION_NAME_RE = re.compile(r"[A-Za-z0-9_*?-]{1,64}", re.ASCII)
# Resource types whose ARNs a function's unqualified ARN and its `:*` form cover (the durable
# execution ARN is `...:function:NAME:VERSION/durable-execution/...`).
FUNCTION_RESOURCE_TYPES = frozenset(
    {"function", "function alias", "function version", "durable execution"}
)
# Sid of the statement that carries a statement's Resource "*"-only actions.
ANY_RESOURCE_SID_SUFFIX = "AnyResource"


def function_arn(function: str, answers: Answers) -> str:
    """A bare function name becomes the ARN in the endpoint's region and `account_id`."""
    if function.startswith("arn:") or function == "*" or answers.account_id is None:
        return function
    partition = partition_of(answers.region)
    return f"arn:{partition}:lambda:{answers.region}:{answers.account_id}:function:{function}"


def function_resources(function: str, answers: Answers) -> list[str]:
    """F9: the policy must name the unqualified ARN and every qualified one (`:*`)."""
    arn = function_arn(function, answers)
    match = FUNCTION_ARN_RE.fullmatch(arn)
    if arn == "*" or (match and match.group("qualifier")):
        return [arn]
    return [arn, f"{arn}:*"]


def named_action(action: str) -> str | None:
    """`lambda:ListFunctions` -> ListFunctions; wildcards and other services -> None."""
    service, _, name = action.partition(":")
    if service != "lambda" or "*" in name or "?" in name:
        return None
    return name


def any_resource_only(action: str) -> bool:
    """The Service Authorization Reference lists no resource type for the action: AWS
    authorizes it only against `Resource: "*"`, so function ARNs never match it."""
    name = named_action(action)
    return name is not None and catalog.lambda_action_resource_types().get(name) == ()


def foreign_resource_types(action: str) -> list[str]:
    """Resource types other than functions that the action requires (layers, event source
    mappings, code-signing configs, ...): function ARNs cannot authorize it."""
    name = named_action(action)
    types = catalog.lambda_action_resource_types().get(name or "", ())
    if any(kind in FUNCTION_RESOURCE_TYPES for kind, _ in types) and all(
        kind in FUNCTION_RESOURCE_TYPES for kind, required in types if required
    ):
        return []
    return [kind for kind, _ in types if kind not in FUNCTION_RESOURCE_TYPES]


def split_actions(statement: PolicyStatement) -> tuple[list[str], list[str]]:
    """(actions scoped to the statement's functions, actions that apply only to "*")."""
    if "*" in statement.functions:
        return list(statement.actions), []
    unscoped = [action for action in statement.actions if any_resource_only(action)]
    return [action for action in statement.actions if action not in unscoped], unscoped


def statement_documents(statement: PolicyStatement, answers: Answers) -> list[dict[str, Any]]:
    """One statement of the answers as the policy states it. Actions that AWS authorizes only
    on `Resource: "*"` (ListFunctions, GetAccountSettings, ...) would never match function
    ARNs, so they get a statement of their own with `Resource: "*"` for the same effect,
    principals and conditions, right after the function-scoped one."""
    scoped, unscoped = split_actions(statement)
    documents = []
    if scoped:
        documents.append(statement_document(statement, answers, scoped, statement.sid))
    if unscoped:
        sid = statement.sid
        if sid and scoped:
            sid = f"{sid}{ANY_RESOURCE_SID_SUFFIX}"
        documents.append(statement_document(statement, answers, unscoped, sid, any_resource=True))
    return documents


def statement_document(
    statement: PolicyStatement,
    answers: Answers,
    actions: list[str],
    sid: str | None,
    any_resource: bool = False,
) -> dict[str, Any]:
    document: dict[str, Any] = {}
    if sid:
        document["Sid"] = sid
    document["Effect"] = statement.effect
    if statement.principals == ["*"]:
        document["Principal"] = "*"
    else:
        principals = statement.principals
        document["Principal"] = {"AWS": principals[0] if len(principals) == 1 else list(principals)}
    document["Action"] = list(actions)
    document["Resource"] = (
        "*"
        if any_resource
        else [
            resource
            for function in statement.functions
            for resource in function_resources(function, answers)
        ]
    )
    if statement.conditions:
        document["Condition"] = {op: dict(pairs) for op, pairs in statement.conditions.items()}
    return document


def endpoint_policy_document(answers: Answers) -> dict[str, Any] | None:
    """None means AWS's default full-access policy (`policy.full_access: true`)."""
    if answers.policy.full_access:
        return None
    document: dict[str, Any] = {}
    if answers.policy.version is not None:
        document["Version"] = answers.policy.version
    document["Statement"] = [
        part
        for statement in answers.policy.statements
        for part in statement_documents(statement, answers)
    ]
    return document


# Go's encoding/json, behind Terraform's jsonencode, writes these as six-character \\u escapes
# (<, > and & for HTML safety, U+2028/U+2029 for JavaScript); Python's json writes them as is.
JSONENCODE_ESCAPED = "<>&\u2028\u2029"


def policy_size(document: dict[str, Any]) -> int:
    """Characters of the policy exactly as Terraform's jsonencode sends it: compact JSON, with
    the characters Go escapes counted as their escapes (control characters are escaped the
    same way by both)."""
    text = json.dumps(document, separators=(",", ":"), ensure_ascii=False)
    return len(text) + 5 * sum(text.count(character) for character in JSONENCODE_ESCAPED)
