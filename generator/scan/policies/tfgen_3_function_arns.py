"""CKV_TFGEN_3: every function ARN of the endpoint policy is listed both unqualified and
with `:*`."""

from __future__ import annotations

import re
from typing import Any

import tfgen_lib as lib

ID = "CKV_TFGEN_3"
NAME = "Lambda endpoint policy lists each function ARN both unqualified and with ':*'"
GUIDELINE = (
    f"{ID}: a call through the endpoint may name a function unqualified or with a version or "
    "alias; the policy matches the ARN literally, so each function must appear as "
    "arn:aws:lambda:<region>:<account>:function:<name> and as ...:function:<name>:* "
    f"({lib.GUIDE}). Add the missing form to the statement's Resource. ARNs with a specific "
    "qualifier (:live, :3) stand for themselves and need no pair."
)
FUNCTION_ARN = re.compile(
    r"^(?P<base>arn:[^:]+:lambda:[^:]*:[^:]*:function:(?P<name>[^:]+))(?::(?P<qualifier>.+))?$"
)


def statement_result(statement: dict[str, Any]):
    resources = lib.as_list(statement.get("Resource"))
    if lib.unresolved(resources):
        known = [r for r in resources if isinstance(r, str) and not lib.unresolved(r)]
        return lib.FAILED if missing_forms(known) else lib.UNKNOWN
    return lib.FAILED if missing_forms(resources) else lib.PASSED


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


class FunctionArnForms(lib.PolicyStatementsCheck):
    def statement_result(self, statement: dict[str, Any]):
        return statement_result(statement)


check = FunctionArnForms(NAME, ID, GUIDELINE, (lib.CATEGORY_IAM,))
