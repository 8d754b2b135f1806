"""CKV_TFGEN_1: a Lambda interface endpoint has an explicit policy, not the full-access default."""

from __future__ import annotations

from typing import Any

from checkov.terraform.checks.module.base_module_check import BaseModuleCheck
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
    first,
    has_condition,
    is_allow,
    statements,
    unresolved,
    wildcard_action,
    wildcard_principal,
)

ID = "CKV_TFGEN_1"
NAME = "Lambda interface endpoint has an explicit endpoint policy (not the full-access default)"
GUIDELINE = (
    f"{ID}: without a policy an interface endpoint gets AWS's default policy, which lets any "
    "principal call any Lambda action on any function through it. Set `policy` (jsonencode, a "
    "heredoc or an aws_iam_policy_document) naming the principals, actions and functions "
    f"({GUIDE}). If full access is intended, say so on the resource: "
    f"`# checkov:skip={ID}:<reason>`."
)


def full_access(document: dict[str, Any]) -> bool | None:
    """Whether an explicit document is the full-access default written out."""
    found = statements(document)
    if found is None:
        return None
    for statement in found:
        resources = as_list(statement.get("Resource"))
        if (
            is_allow(statement)
            and not has_condition(statement)
            and wildcard_principal(statement)
            and wildcard_action(statement)
            and "*" in as_list(statement.get("Action")) + ["*" if "NotAction" in statement else ""]
            and "*" in resources
        ):
            return True
    return None if unresolved(found) else False


class EndpointPolicyExplicit(LambdaEndpointCheck):
    def __init__(self) -> None:
        super().__init__(NAME, ID, GUIDELINE, (CATEGORY_IAM,))

    def scan_lambda_endpoint(self, conf: dict[str, Any], scope: Scope):
        self.evaluated_keys = ["policy"]
        state, document = endpoint_policy(conf, scope)
        if state == "none":
            return FAILED
        if state == "unknown" or document is None:
            return UNKNOWN
        verdict = full_access(document)
        return FAILED if verdict else PASSED if verdict is False else UNKNOWN


class VpcEndpointsModulePolicy(BaseModuleCheck):
    """The same rule for terraform-aws-modules/vpc/aws//modules/vpc-endpoints calls: each
    Lambda entry of `endpoints` needs its own `policy` (the module's default is none)."""

    def __init__(self) -> None:
        super().__init__(name=NAME, id=ID, categories=(CATEGORY_IAM,), guideline=GUIDELINE)

    def scan_module_conf(self, conf: dict[str, list[Any]]):
        source = first(conf, "source", "")
        if not isinstance(source, str) or "vpc-endpoints" not in source:
            return UNKNOWN
        self.evaluated_keys = ["endpoints"]
        endpoints = first(conf, "endpoints", None)
        if not isinstance(endpoints, dict):
            return UNKNOWN
        results = []
        for settings in endpoints.values():
            if not isinstance(settings, dict):
                results.append(UNKNOWN)
                continue
            service = settings.get("service", settings.get("service_name"))
            if not isinstance(service, str) or unresolved(service):
                results.append(UNKNOWN)
                continue
            if service != "lambda" and not service.endswith(".lambda"):
                continue
            policy = settings.get("policy")
            if policy is None:
                results.append(FAILED)
            else:
                results.append(UNKNOWN if unresolved(policy) else PASSED)
        if FAILED in results:
            return FAILED
        if UNKNOWN in results or not results:
            return UNKNOWN
        return PASSED


check = EndpointPolicyExplicit()
module_check = VpcEndpointsModulePolicy()
