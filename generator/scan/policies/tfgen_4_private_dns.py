"""CKV_TFGEN_4: private DNS is enabled on a Lambda interface endpoint."""

from __future__ import annotations

from typing import Any

import tfgen_lib as lib

ID = "CKV_TFGEN_4"
NAME = "Lambda interface endpoint has private DNS enabled"
GUIDELINE = (
    f"{ID}: with private_dns_enabled = true (the provider's default is false) the default name "
    "lambda.<region>.amazonaws.com resolves to the endpoint inside the VPC, so SDKs use it "
    f"without an endpoint URL ({lib.GUIDE}; needs enableDnsSupport and enableDnsHostnames on the "
    "VPC). Passes too when private DNS is off but a private hosted zone "
    "lambda.<region>.amazonaws.com in the configuration is associated with the endpoint's VPC "
    "(the same answer by other means)."
)


class PrivateDns(lib.LambdaEndpointCheck):
    def scan_lambda_endpoint(self, conf: dict[str, Any], scope: lib.Scope):
        self.evaluated_keys = ["private_dns_enabled"]
        enabled = lib.private_dns(conf, scope)
        if enabled:
            return lib.PASSED
        if enabled is None:
            return lib.UNKNOWN
        # Off: a private hosted zone for the Lambda name in the endpoint's VPC does the same.
        vpc = scope.resolve(lib.first(conf, "vpc_id", None))
        region = lib.endpoint_region(conf)
        unsure = False
        for zone in lib.lambda_zones(scope):
            zone_scope = lib.Scope(scope.graph, zone)
            _is_lambda, zone_in = lib.zone_region(lib.node_conf(zone), zone_scope)
            if region and zone_in and region != zone_in:
                continue
            for zone_vpc, zone_scope_of_vpc in lib.zone_vpcs(lib.node_conf(zone), zone_scope):
                same = lib.same_vpc(vpc, scope, zone_vpc, zone_scope_of_vpc)
                if same:
                    return lib.PASSED
                unsure = unsure or same is None
        return lib.UNKNOWN if unsure else lib.FAILED


check = PrivateDns(NAME, ID, GUIDELINE, (lib.CATEGORY_NETWORKING,))
