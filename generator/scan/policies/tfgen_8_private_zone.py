"""CKV_TFGEN_8: a private hosted zone lambda.<region>.amazonaws.com is never associated with the
VPC of a Lambda endpoint whose private DNS is on."""

from __future__ import annotations

from typing import Any

import tfgen_lib as lib
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

ID = "CKV_TFGEN_8"
NAME = (
    "Private hosted zone lambda.<region>.amazonaws.com is not associated with the VPC of a "
    "Lambda endpoint with private DNS on"
)
GUIDELINE = (
    f"{ID}: a Lambda interface endpoint with private DNS on already answers "
    "lambda.<region>.amazonaws.com in its VPC; a private hosted zone of the same name "
    "associated with that VPC conflicts with it (AWS refuses the association, or the zone "
    "shadows the endpoint's names). Peered VPCs use such a zone to reach the endpoint "
    f"({lib.GUIDE}); associate it with the peers only, or turn the endpoint's private DNS off."
)


class LambdaZoneNotInEndpointVpc(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name=NAME,
            id=ID,
            categories=(lib.CATEGORY_NETWORKING,),
            supported_resources=("aws_route53_zone",),
            guideline=GUIDELINE,
        )

    def scan_resource_conf(self, conf: dict[str, list[Any]]):
        scope = lib.Scope.of(self, conf)
        is_lambda, region = lib.zone_region(conf, scope)
        if not is_lambda:
            return lib.UNKNOWN
        self.evaluated_keys = ["name", "vpc"]
        if scope.me is None:
            return lib.UNKNOWN
        results = []
        associations = lib.zone_vpcs(conf, scope)
        for endpoint in lib.lambda_endpoints(scope):
            settings = lib.node_conf(endpoint)
            endpoint_scope = lib.Scope(scope.graph, endpoint)
            served = lib.endpoint_region(settings)
            if region and served and region != served:
                continue
            dns = lib.private_dns(settings, endpoint_scope)
            if dns is False:
                continue
            vpc = endpoint_scope.resolve(lib.first(settings, "vpc_id", None))
            for zone_vpc, zone_scope_of_vpc in associations:
                same = lib.same_vpc(vpc, endpoint_scope, zone_vpc, zone_scope_of_vpc)
                if same and dns:
                    return lib.FAILED
                if same is None or (same and dns is None):
                    results.append(lib.UNKNOWN)
        return lib.UNKNOWN if results else lib.PASSED


check = LambdaZoneNotInEndpointVpc()
