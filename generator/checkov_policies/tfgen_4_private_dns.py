"""CKV_TFGEN_4: private DNS is enabled on a Lambda interface endpoint."""

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
    endpoint_region,
    first,
    lambda_zones,
    node_conf,
    private_dns,
    same_vpc,
    zone_region,
    zone_vpcs,
)

ID = "CKV_TFGEN_4"
NAME = "Lambda interface endpoint has private DNS enabled"
GUIDELINE = (
    f"{ID}: with private_dns_enabled = true (the provider's default is false) the default name "
    "lambda.<region>.amazonaws.com resolves to the endpoint inside the VPC, so SDKs use it "
    f"without an endpoint URL ({GUIDE}; needs enableDnsSupport and enableDnsHostnames on the "
    "VPC). Passes too when private DNS is off but a private hosted zone "
    "lambda.<region>.amazonaws.com in the configuration is associated with the endpoint's VPC "
    "(the same answer by other means)."
)


class PrivateDns(LambdaEndpointCheck):
    def __init__(self) -> None:
        super().__init__(NAME, ID, GUIDELINE, (CATEGORY_NETWORKING,))

    def scan_lambda_endpoint(self, conf: dict[str, Any], scope: Scope):
        self.evaluated_keys = ["private_dns_enabled"]
        enabled = private_dns(conf, scope)
        if enabled:
            return PASSED
        if enabled is None:
            return UNKNOWN
        # Off: a private hosted zone for the Lambda name in the endpoint's VPC does the same.
        vpc = scope.resolve(first(conf, "vpc_id", None))
        region = endpoint_region(conf)
        unsure = False
        for zone in lambda_zones(scope):
            zone_scope = Scope(scope.graph, zone)
            _is_lambda, zone_in = zone_region(node_conf(zone), zone_scope)
            if region and zone_in and region != zone_in:
                continue
            for zone_vpc, zone_scope_of_vpc in zone_vpcs(node_conf(zone), zone_scope):
                same = same_vpc(vpc, scope, zone_vpc, zone_scope_of_vpc)
                if same:
                    return PASSED
                unsure = unsure or same is None
        return UNKNOWN if unsure else FAILED


check = PrivateDns()
