"""The checkov-facing part of tfgen's checks: checkov's result values and categories, the
`worst` of several results, and the base class of the Lambda endpoint checks. The pure helpers
the checks use are in tfgen_graph.py and tfgen_endpoints.py; the checks import everything
from here (one import per check file).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck
from tfgen_endpoints import (
    endpoint_policy,
    endpoint_region,
    endpoint_subnets,
    has_condition,
    is_allow,
    is_lambda_endpoint,
    lambda_endpoints,
    lambda_zones,
    private_dns,
    same_vpc,
    statements,
    subnet_zone,
    wildcard_action,
    wildcard_principal,
    zone_region,
    zone_vpcs,
)
from tfgen_graph import (
    MISSING,
    Scope,
    active,
    as_int,
    as_list,
    base_name,
    first,
    node_conf,
    strip_interpolation,
    unresolved,
)

PASSED = CheckResult.PASSED
FAILED = CheckResult.FAILED
UNKNOWN = CheckResult.UNKNOWN
CATEGORY_NETWORKING = CheckCategories.NETWORKING
CATEGORY_IAM = CheckCategories.IAM

# What the checks import from this module: its own names and the pure helpers re-exported.
__all__ = [
    "CATEGORY_IAM",
    "CATEGORY_NETWORKING",
    "FAILED",
    "GUIDE",
    "LambdaEndpointCheck",
    "MISSING",
    "PASSED",
    "PolicyStatementsCheck",
    "Scope",
    "UNKNOWN",
    "active",
    "as_int",
    "as_list",
    "base_name",
    "endpoint_policy",
    "endpoint_region",
    "endpoint_subnets",
    "first",
    "has_condition",
    "is_allow",
    "is_lambda_endpoint",
    "lambda_endpoints",
    "lambda_zones",
    "node_conf",
    "private_dns",
    "same_vpc",
    "statements",
    "strip_interpolation",
    "subnet_zone",
    "unresolved",
    "wildcard_action",
    "wildcard_principal",
    "worst",
    "zone_region",
    "zone_vpcs",
]

GUIDE = "AWS guide 'Connecting to Lambda through an interface VPC endpoint'"


def worst(results: Iterable[CheckResult], empty: CheckResult = PASSED) -> CheckResult:
    """FAILED if any failed, else UNKNOWN if any is unknown, else PASSED (`empty` if none)."""
    results = list(results)
    if not results:
        return empty
    if FAILED in results:
        return FAILED
    if UNKNOWN in results:
        return UNKNOWN
    return PASSED


# ---- the base of the endpoint checks --------------------------------------------------------


class LambdaEndpointCheck(BaseResourceCheck):
    """A check of `aws_vpc_endpoint` resources for com.amazonaws.<region>.lambda; other
    endpoints (and endpoints whose service is not static) are not its business: UNKNOWN."""

    def __init__(self, name: str, id: str, guideline: str, categories: Iterable[Any]) -> None:
        super().__init__(
            name=name,
            id=id,
            categories=tuple(categories),
            supported_resources=("aws_vpc_endpoint",),
            guideline=guideline,
        )

    def scan_resource_conf(self, conf: dict[str, list[Any]]) -> CheckResult:
        scope = Scope.of(self, conf)
        if not is_lambda_endpoint(conf, scope):
            return UNKNOWN
        return self.scan_lambda_endpoint(conf, scope)

    def scan_lambda_endpoint(self, conf: dict[str, Any], scope: Scope) -> CheckResult:
        raise NotImplementedError


class PolicyStatementsCheck(LambdaEndpointCheck):
    """A check of every statement of a Lambda endpoint's explicit policy: the worst result.
    No policy is CKV_TFGEN_1's finding, and an unreadable one is unknown: UNKNOWN here."""

    def scan_lambda_endpoint(self, conf: dict[str, Any], scope: Scope) -> CheckResult:
        self.evaluated_keys = ["policy"]
        state, document = endpoint_policy(conf, scope)
        if state != "doc" or document is None:
            return UNKNOWN
        found = statements(document)
        if found is None:
            return UNKNOWN
        return worst((self.statement_result(statement) for statement in found), empty=PASSED)

    def statement_result(self, statement: dict[str, Any]) -> CheckResult:
        raise NotImplementedError
