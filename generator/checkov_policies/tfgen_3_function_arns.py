"""CKV_TFGEN_3: every function ARN of the endpoint policy is listed both unqualified and
with `:*`."""

from __future__ import annotations

import re
from typing import Any

from tfgen_lib import (
    CATEGORY_IAM,
    FAILED,
    GUIDE,
    PASSED,
    UNKNOWN,
    LambdaEndpointCheck,
    Scope,
    as_list,
    endpoint_policy,
    statements,
    unresolved,
    worst,
)

ID = "CKV_TFGEN_3"
NAME = "Lambda endpoint policy lists each function ARN both unqualified and with ':*'"
GUIDELINE = (
    f"{ID}: a call through the endpoint may name a function unqualified or with a version or "
    "alias; the policy matches the ARN literally, so each function must appear as "
    "arn:aws:lambda:<region>:<account>:function:<name> and as ...:function:<name>:* "
    f"({GUIDE}). Add the missing form to the statement's Resource. ARNs with a specific "
    "qualifier (:live, :3) stand for themselves and need no pair."
)
FUNCTION_ARN = re.compile(
    r"^(?P<base>arn:[^:]+:lambda:[^:]*:[^:]*:function:(?P<name>[^:]+))(?::(?P<qualifier>.+))?$"
)


def statement_result(statement: dict[str, Any]):
    resources = as_list(statement.get("Resource"))
    if unresolved(resources):
        known = [r for r in resources if isinstance(r, str) and not unresolved(r)]
        return FAILED if missing_forms(known) else UNKNOWN
    return FAILED if missing_forms(resources) else PASSED


def missing_forms(resources: list[Any]) -> list[str]:
    listed = {r.strip() for r in resources if isinstance(r, str)}
    missing = []
    for resource in sorted(listed):
        match = FUNCTION_ARN.match(resource)
        if not match or "*" in match.group("name") or "?" in match.group("name"):
            continue
        qualifier = match.group("qualifier")
        if qualifier is None and f"{resource}:*" not in listed:
            missing.append(f"{resource}:*")
        elif qualifier == "*" and match.group("base") not in listed:
            missing.append(match.group("base"))
    return missing


class FunctionArnForms(LambdaEndpointCheck):
    def __init__(self) -> None:
        super().__init__(NAME, ID, GUIDELINE, (CATEGORY_IAM,))

    def scan_lambda_endpoint(self, conf: dict[str, Any], scope: Scope):
        self.evaluated_keys = ["policy"]
        state, document = endpoint_policy(conf, scope)
        if state != "doc" or document is None:
            return UNKNOWN  # no policy: CKV_TFGEN_1's finding; unreadable: unknown
        found = statements(document)
        if found is None:
            return UNKNOWN
        return worst((statement_result(s) for s in found), empty=PASSED)


check = FunctionArnForms()
