"""CKV_TFGEN_6: a Lambda interface endpoint is in at least two subnets (AZ redundancy)."""

from __future__ import annotations

from typing import Any

import tfgen_lib as lib

ID = "CKV_TFGEN_6"
NAME = "Lambda interface endpoint is in at least two subnets (AZ redundancy)"
GUIDELINE = (
    f"{ID}: the endpoint has one network interface per subnet, and clients reach Lambda only "
    f"through those interfaces ({lib.GUIDE}). With a single subnet, or subnets that are all in one "
    "Availability Zone, losing that AZ cuts every client off: give subnet_ids in two or more "
    "AZs."
)


class TwoSubnets(lib.LambdaEndpointCheck):
    def scan_lambda_endpoint(self, conf: dict[str, Any], scope: lib.Scope):
        self.evaluated_keys = ["subnet_ids"]
        subnets, complete = lib.endpoint_subnets(conf, scope)
        if len(subnets) >= 2:
            zones = [lib.subnet_zone(subnet, scope) for subnet in subnets]
            ids = {zone_id for zone_id, _name in zones}
            names = {name for _id, name in zones}
            if None not in ids and len(ids) == 1:
                return lib.FAILED  # every subnet in the same AZ (by id)
            if None not in names and len(names) == 1:
                return lib.FAILED  # every subnet in the same AZ (by name)
            return lib.PASSED
        return lib.UNKNOWN if not complete else lib.FAILED


check = TwoSubnets(NAME, ID, GUIDELINE, (lib.CATEGORY_NETWORKING,))
