"""CKV_TFGEN_2: the endpoint policy has no `*` principal and no `lambda:*` (or `*`) action
unless the statement has a Condition."""

from __future__ import annotations

from typing import Any

from tfgen_lib import (
    CATEGORY_IAM,
    FAILED,
    GUIDE,
    PASSED,
    UNKNOWN,
    LambdaEndpointCheck,
    Scope,
    endpoint_policy,
    has_condition,
    is_allow,
    statements,
    wildcard_action,
    wildcard_principal,
    worst,
)

ID = "CKV_TFGEN_2"
NAME = "Lambda endpoint policy has no '*' principal and no 'lambda:*' action without a Condition"
GUIDELINE = (
    f'{ID}: an Allow statement of the endpoint policy with Principal "*" (or NotPrincipal) or '
    'Action "lambda:*"/"*" (or NotAction) opens the endpoint to anyone or to every Lambda '
    "action. Name the principals (IAM ARNs or account ids) and actions "
    f"(e.g. lambda:InvokeFunction) as in the {GUIDE}, or restrict the statement with a "
    "Condition (e.g. aws:PrincipalOrgID). Endpoints without a policy are reported by CKV_TFGEN_1."
)


def statement_result(statement: dict[str, Any]):
    allow = is_allow(statement)
    if allow is False:
        return PASSED
    if has_condition(statement):
        return PASSED if allow else UNKNOWN
    principal, action = wildcard_principal(statement), wildcard_action(statement)
    if allow and (principal or action):
        return FAILED
    if allow is None or principal is None or action is None:
        return UNKNOWN
    return PASSED


class PolicyWildcards(LambdaEndpointCheck):
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


check = PolicyWildcards()
