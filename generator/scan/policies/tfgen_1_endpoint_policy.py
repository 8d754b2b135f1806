"""CKV_TFGEN_1: a Lambda interface endpoint has an explicit policy, not the full-access default."""

from __future__ import annotations

from typing import Any

import tfgen_lib as lib
from checkov.terraform.checks.module.base_module_check import BaseModuleCheck

ID = "CKV_TFGEN_1"
NAME = "Lambda interface endpoint has an explicit endpoint policy (not the full-access default)"
GUIDELINE = (
    f"{ID}: without a policy an interface endpoint gets AWS's default policy, which lets any "
    "principal call any Lambda action on any function through it. Set `policy` (jsonencode, a "
    "heredoc or an aws_iam_policy_document) naming the principals, actions and functions "
    f"({lib.GUIDE}). If full access is intended, say so on the resource: "
    f"`# checkov:skip={ID}:<reason>`."
)


def full_access(document: dict[str, Any]) -> bool | None:
    """Whether an explicit document is the full-access default written out."""
    found = lib.statements(document)
    if found is None:
        return None
    for statement in found:
        resources = lib.as_list(statement.get("Resource"))
        if (
            lib.is_allow(statement)
            and not lib.has_condition(statement)
            and lib.wildcard_principal(statement)
            and lib.wildcard_action(statement)
            and "*"
            in lib.as_list(statement.get("Action")) + ["*" if "NotAction" in statement else ""]
            and "*" in resources
        ):
            return True
    return None if lib.unresolved(found) else False


class EndpointPolicyExplicit(lib.LambdaEndpointCheck):
    def scan_lambda_endpoint(self, conf: dict[str, Any], scope: lib.Scope):
        self.evaluated_keys = ["policy"]
        state, document = lib.endpoint_policy(conf, scope)
        if state == "none":
            return lib.FAILED
        if state == "unknown" or document is None:
            return lib.UNKNOWN
        verdict = full_access(document)
        return lib.FAILED if verdict else lib.PASSED if verdict is False else lib.UNKNOWN


class VpcEndpointsModulePolicy(BaseModuleCheck):
    """The same rule for terraform-aws-modules/vpc/aws//modules/vpc-endpoints calls: each
    Lambda entry of `endpoints` needs its own `policy` (the module's default is none)."""

    def __init__(self) -> None:
        super().__init__(name=NAME, id=ID, categories=(lib.CATEGORY_IAM,), guideline=GUIDELINE)

    def scan_module_conf(self, conf: dict[str, list[Any]]):
        source = lib.first(conf, "source", "")
        if not isinstance(source, str) or "vpc-endpoints" not in source:
            return lib.UNKNOWN
        self.evaluated_keys = ["endpoints"]
        endpoints = lib.first(conf, "endpoints", None)
        if not isinstance(endpoints, dict):
            return lib.UNKNOWN
        results = []
        for settings in endpoints.values():
            if not isinstance(settings, dict):
                results.append(lib.UNKNOWN)
                continue
            service = settings.get("service", settings.get("service_name"))
            if not isinstance(service, str) or lib.unresolved(service):
                results.append(lib.UNKNOWN)
                continue
            if service != "lambda" and not service.endswith(".lambda"):
                continue
            policy = settings.get("policy")
            if policy is None:
                results.append(lib.FAILED)
            else:
                results.append(lib.UNKNOWN if lib.unresolved(policy) else lib.PASSED)
        if lib.FAILED in results:
            return lib.FAILED
        if lib.UNKNOWN in results or not results:
            return lib.UNKNOWN
        return lib.PASSED


check = EndpointPolicyExplicit(NAME, ID, GUIDELINE, (lib.CATEGORY_IAM,))
module_check = VpcEndpointsModulePolicy()
