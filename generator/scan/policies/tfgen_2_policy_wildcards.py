"""CKV_TFGEN_2: the endpoint policy has no `*` principal and no `lambda:*` (or `*`) action
unless the statement has a Condition."""

from __future__ import annotations

from typing import Any

import tfgen_lib as lib

ID = "CKV_TFGEN_2"
NAME = "Lambda endpoint policy has no '*' principal and no 'lambda:*' action without a Condition"
GUIDELINE = (
    f'{ID}: an Allow statement of the endpoint policy with Principal "*" (or NotPrincipal) or '
    'Action "lambda:*"/"*" (or NotAction) opens the endpoint to anyone or to every Lambda '
    "action. Name the principals (IAM ARNs or account ids) and actions "
    f"(e.g. lambda:InvokeFunction) as in the {lib.GUIDE}, or restrict the statement with a "
    "Condition (e.g. aws:PrincipalOrgID). Endpoints without a policy are reported by CKV_TFGEN_1."
)


def statement_result(statement: dict[str, Any]):
    allow = lib.is_allow(statement)
    if allow is False:
        return lib.PASSED
    if lib.has_condition(statement):
        return lib.PASSED if allow else lib.UNKNOWN
    principal, action = lib.wildcard_principal(statement), lib.wildcard_action(statement)
    if allow and (principal or action):
        return lib.FAILED
    if allow is None or principal is None or action is None:
        return lib.UNKNOWN
    return lib.PASSED


class PolicyWildcards(lib.PolicyStatementsCheck):
    def statement_result(self, statement: dict[str, Any]):
        return statement_result(statement)


check = PolicyWildcards(NAME, ID, GUIDELINE, (lib.CATEGORY_IAM,))
