"""CKV_TFGEN_6: a Lambda interface endpoint is in at least two subnets (AZ redundancy)."""

from __future__ import annotations

from typing import Any

from tfgen_lib import (
    CATEGORY_NETWORKING,
    FAILED,
    GUIDE,
    PASSED,
    UNKNOWN,
    LambdaEndpointCheck,
    Scope,
    endpoint_subnets,
    subnet_zone,
)

ID = "CKV_TFGEN_6"
NAME = "Lambda interface endpoint is in at least two subnets (AZ redundancy)"
GUIDELINE = (
    f"{ID}: the endpoint has one network interface per subnet, and clients reach Lambda only "
    f"through those interfaces ({GUIDE}). With a single subnet, or subnets that are all in one "
    "Availability Zone, losing that AZ cuts every client off: give subnet_ids in two or more "
    "AZs."
)


class TwoSubnets(LambdaEndpointCheck):
    def __init__(self) -> None:
        super().__init__(NAME, ID, GUIDELINE, (CATEGORY_NETWORKING,))

    def scan_lambda_endpoint(self, conf: dict[str, Any], scope: Scope):
        self.evaluated_keys = ["subnet_ids"]
        subnets, complete = endpoint_subnets(conf, scope)
        if len(subnets) >= 2:
            zones = [subnet_zone(subnet, scope) for subnet in subnets]
            ids = {zone_id for zone_id, _name in zones}
            names = {name for _id, name in zones}
            if None not in ids and len(ids) == 1:
                return FAILED  # every subnet in the same AZ (by id)
            if None not in names and len(names) == 1:
                return FAILED  # every subnet in the same AZ (by name)
            return PASSED
        return UNKNOWN if not complete else FAILED


check = TwoSubnets()
