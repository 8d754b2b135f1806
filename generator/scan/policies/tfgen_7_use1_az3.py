"""CKV_TFGEN_7: no subnet of a Lambda interface endpoint is in use1-az3."""

from __future__ import annotations

from typing import Any

import tfgen_lib as lib

ID = "CKV_TFGEN_7"
NAME = "Lambda interface endpoint has no subnet in use1-az3"
GUIDELINE = (
    f"{ID}: use1-az3 has limited capacity for Lambda VPC use ({lib.GUIDE}): do not put the "
    "endpoint's subnets there. The check reads the AZ id where the configuration shows it "
    "(aws_subnet availability_zone_id, a data aws_subnet with availability_zone_id or an "
    "availability-zone-id filter). Subnets whose AZ only AWS knows pass only when the endpoint "
    "carries a plan-time guard (a lifecycle precondition that refuses use1-az3, as tfgen "
    "renders); otherwise the result is UNKNOWN."
)
LIMITED = "use1-az3"


def has_guard(conf: dict[str, Any]) -> bool:
    for lifecycle in lib.as_list(conf.get("lifecycle")):
        if not isinstance(lifecycle, dict):
            continue
        for precondition in lib.as_list(lifecycle.get("precondition")):
            condition = (
                lib.first(precondition, "condition", "") if isinstance(precondition, dict) else ""
            )
            if (
                isinstance(condition, str)
                and LIMITED in condition
                and "availability_zone_id" in condition
            ):
                return True
    return False


class NoLimitedCapacityAz(lib.LambdaEndpointCheck):
    def scan_lambda_endpoint(self, conf: dict[str, Any], scope: lib.Scope):
        self.evaluated_keys = ["subnet_ids"]
        subnets, complete = lib.endpoint_subnets(conf, scope)
        zone_ids = [lib.subnet_zone(subnet, scope)[0] for subnet in subnets]
        if LIMITED in zone_ids:
            return lib.FAILED
        if complete and subnets and None not in zone_ids:
            return lib.PASSED
        return lib.PASSED if has_guard(conf) else lib.UNKNOWN


check = NoLimitedCapacityAz(NAME, ID, GUIDELINE, (lib.CATEGORY_NETWORKING,))
