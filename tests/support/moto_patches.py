"""What moto 5.2.5 lacks for tfgen's modules, patched into the moto server of a test.

Each patch wraps or adds a handler on moto's own response classes (moto looks handlers up
per request, `getattr(self, action)` on a fresh response object, so a class attribute set
here reaches the threaded server running in this process) and pytest's monkeypatch undoes
it after the test. Kept minimal: only what the AWS provider calls for these resources.

- Route 53 `CreateHostedZone`: private when the request names a VPC (as AWS decides).
- EC2 `ModifyVpcEndpoint`: honour `PrivateDnsEnabled` (what `aws_vpc_endpoint_private_dns`
  sends); moto ignores it, so the endpoint would keep its old setting. `CreateVpcEndpoint`:
  keep `IpAddressType` and `DnsOptions.DnsRecordIpType` (moto returns neither, so every later
  plan would update them); `ModifyVpcEndpoint` honours `DnsOptions` as well.
- EC2 subnets: moto 5.2.5 reports an IPv6 association's state as the text of a dict
  (`"{'State': 'associated'}"`), so the provider reads no `ipv6_cidr_block` for the subnet.
- EC2 `ModifyVpcEndpoint` with `AddSubnetIds`/`RemoveSubnetIds`: moto changes the subnet list
  but not the network interfaces; AWS adds or removes one interface per subnet.
- Route 53 VPC association authorization (moto has none of it): `CreateVPCAssociation
  Authorization`, `ListVPCAssociationAuthorizations`, `DeleteVPCAssociationAuthorization`
  in the zone's account, and `AssociateVPCWithHostedZone`/`DisassociateVPCFromHostedZone`/
  `ListHostedZonesByVPC` from the VPC's own account for a zone of another account (moto keeps
  Route 53 per account, so that account could not see the zone): an association across
  accounts needs the zone owner's authorization first, as on AWS.
- Route 53 Resolver `CreateResolverEndpoint`: keep `Protocols` and `ResolverEndpointType`
  (moto drops both and describes neither, so every later plan would update them), with AWS's
  defaults when the request has none (`Do53`, `IPV4`).
"""

from __future__ import annotations

import functools
import inspect

import pytest


def patch_moto(monkeypatch: pytest.MonkeyPatch) -> dict[tuple[str, str], list[dict[str, str]]]:
    """Apply every patch; call before the server takes its first request. Returns the
    authorizations store: (owning account, zone id) -> [{VPCId, VPCRegion}]."""
    private_zone_when_vpc_given(monkeypatch)
    endpoint_private_dns(monkeypatch)
    subnet_ipv6_state(monkeypatch)
    endpoint_interfaces_follow_subnets(monkeypatch)
    endpoint_subnet_configurations(monkeypatch)
    resolver_endpoint_protocols(monkeypatch)
    return vpc_association_authorization(monkeypatch)


def private_zone_when_vpc_given(monkeypatch: pytest.MonkeyPatch) -> None:
    """moto's CreateHostedZone makes a zone private only with HostedZoneConfig.PrivateZone
    (moto/route53/responses.py) and otherwise drops the VPC; the provider never sends it (AWS
    makes a zone private exactly when the request has a VPC). Add it, then run moto's own."""
    from moto.route53.responses import Route53

    original = Route53.create_hosted_zone

    @functools.wraps(original)
    def create_hosted_zone(self):
        config = self.params.get("HostedZoneConfig") or {}
        if self._get_param("VPC.VPCId") and "PrivateZone" not in config:
            self.params["HostedZoneConfig"] = {**config, "PrivateZone": True}
        return original(self)

    monkeypatch.setattr(Route53, "create_hosted_zone", create_hosted_zone)


def endpoint_private_dns(monkeypatch: pytest.MonkeyPatch) -> None:
    from moto.ec2.responses.vpcs import VPCs

    original_create = VPCs.create_vpc_endpoint

    @functools.wraps(original_create)
    def create_vpc_endpoint(self):
        result = original_create(self)
        endpoint = result.result["VpcEndpoint"]
        endpoint.ip_address_type = self._get_param("IpAddressType") or "ipv4"
        # moto keeps no DnsOptions either; AWS defaults the record type to the IP type.
        endpoint.dns_options = {
            "DnsRecordIpType": self._get_param("DnsOptions.DnsRecordIpType")
            or endpoint.ip_address_type
        }
        return result

    monkeypatch.setattr(VPCs, "create_vpc_endpoint", create_vpc_endpoint)
    original = VPCs.modify_vpc_endpoint

    @functools.wraps(original)
    def modify_vpc_endpoint(self):
        result = original(self)
        record_type = self._get_param("DnsOptions.DnsRecordIpType")
        if record_type:
            (endpoint,) = self.ec2_backend.describe_vpc_endpoints(
                vpc_end_point_ids=[self._get_param("VpcEndpointId")]
            )
            endpoint.dns_options = {"DnsRecordIpType": record_type}
        enabled = self._get_param("PrivateDnsEnabled")
        if enabled is not None:
            (endpoint,) = self.ec2_backend.describe_vpc_endpoints(
                vpc_end_point_ids=[self._get_param("VpcEndpointId")]
            )
            endpoint.private_dns_enabled = str(enabled).lower() == "true"
        return result

    monkeypatch.setattr(VPCs, "modify_vpc_endpoint", modify_vpc_endpoint)


def vpc_association_authorization(
    monkeypatch: pytest.MonkeyPatch,
) -> dict[tuple[str, str], list[dict[str, str]]]:
    from moto.core.responses import ActionResult, EmptyResult
    from moto.route53 import urls
    from moto.route53.exceptions import NoSuchHostedZone, Route53ClientError
    from moto.route53.models import route53_backends
    from moto.route53.responses import Route53

    authorizations: dict[tuple[str, str], list[dict[str, str]]] = {}
    zone_path = r"{0}/(?P<api_version>[\d_-]+)/hostedzone/(?P<zone_id>[^/]+)/"
    for action in ("authorizevpcassociation", "deauthorizevpcassociation"):
        monkeypatch.setitem(urls.url_paths, zone_path + action + "$", Route53.dispatch)

    def zone_id(self) -> str:
        return self._get_param("HostedZoneId").replace("/hostedzone/", "")

    def requested_vpc(self) -> dict[str, str]:
        return {
            "VPCId": self._get_param("VPC.VPCId"),
            "VPCRegion": self._get_param("VPC.VPCRegion"),
        }

    def create_vpc_association_authorization(self):
        self.backend.get_hosted_zone(zone_id(self))  # NoSuchHostedZone unless this account's
        vpcs = authorizations.setdefault((self.current_account, zone_id(self)), [])
        if requested_vpc(self) not in vpcs:
            vpcs.append(requested_vpc(self))
        return ActionResult({"HostedZoneId": zone_id(self), "VPC": requested_vpc(self)})

    def list_vpc_association_authorizations(self):
        self.backend.get_hosted_zone(zone_id(self))
        vpcs = authorizations.get((self.current_account, zone_id(self)), [])
        return ActionResult({"HostedZoneId": zone_id(self), "VPCs": list(vpcs)})

    def delete_vpc_association_authorization(self):
        self.backend.get_hosted_zone(zone_id(self))
        vpcs = authorizations.get((self.current_account, zone_id(self)), [])
        vpc_id = requested_vpc(self)["VPCId"]
        vpcs[:] = [vpc for vpc in vpcs if vpc["VPCId"] != vpc_id]
        return EmptyResult()

    for handler in (
        create_vpc_association_authorization,
        list_vpc_association_authorizations,
        delete_vpc_association_authorization,
    ):
        monkeypatch.setattr(Route53, handler.__name__, handler, raising=False)

    def owner_of(self, zone: str) -> str | None:
        """The other account that owns `zone`, when this account does not."""
        if zone in self.backend.zones:
            return None
        for account in list(route53_backends.keys()):
            if zone in route53_backends[account][self.partition].zones:
                return account
        raise NoSuchHostedZone(zone)

    def across_accounts(original, authorized_only: bool):
        @functools.wraps(original)
        def handler(self):
            owner = owner_of(self, zone_id(self))
            if owner is None:
                return original(self)
            vpc = requested_vpc(self)
            if authorized_only and vpc not in authorizations.get((owner, zone_id(self)), []):
                raise Route53ClientError(
                    "NotAuthorizedException",
                    f"The VPC {vpc['VPCId']} is not authorized to associate with hosted zone "
                    f"{zone_id(self)}",
                )
            saved = self.current_account
            self.current_account = owner  # `self.backend` is the owner's from here on
            try:
                return original(self)
            finally:
                self.current_account = saved

        return handler

    monkeypatch.setattr(
        Route53,
        "associate_vpc_with_hosted_zone",
        across_accounts(Route53.associate_vpc_with_hosted_zone, authorized_only=True),
    )
    monkeypatch.setattr(
        Route53,
        "disassociate_vpc_from_hosted_zone",
        across_accounts(Route53.disassociate_vpc_from_hosted_zone, authorized_only=False),
    )

    original_by_vpc = Route53.list_hosted_zones_by_vpc

    @functools.wraps(original_by_vpc)
    def list_hosted_zones_by_vpc(self):
        result = original_by_vpc(self)
        vpc_id = self._get_param("VPCId")
        summaries = result.result["HostedZoneSummaries"]
        for account in list(route53_backends.keys()):
            if account == self.current_account:
                continue
            for backend in route53_backends[account].values():
                for zone in backend.zones.values():
                    if zone.private_zone and any(v.get("vpc_id") == vpc_id for v in zone.vpcs):
                        summaries.append(
                            {
                                "HostedZoneId": zone.resource_id,
                                "Name": zone.name,
                                "Owner": {"OwningAccount": account},
                            }
                        )
        return result

    monkeypatch.setattr(Route53, "list_hosted_zones_by_vpc", list_hosted_zones_by_vpc)
    return authorizations


def endpoint_service_ip_address_types(
    monkeypatch: pytest.MonkeyPatch, ip_address_types: list[str]
) -> None:
    """Give moto's endpoint services the SupportedIpAddressTypes AWS returns.

    moto 5.2.5 builds the default endpoint services (moto/core/base_backend.py,
    `default_vpc_endpoint_service_factory`) without SupportedIpAddressTypes, so the
    `aws_vpc_endpoint_service` data source reads an empty list and the module's dualstack guard
    would have nothing to decide on. The wrapper adds `ip_address_types` to each service that has
    no list, on copies: ["ipv4"] for a region where Lambda is IPv4 only (the guard must refuse
    dualstack), ["ipv4", "ipv6"] where Lambda offers dualstack endpoints. The backend method is
    looked up on each request, so the threaded server sees the patch; monkeypatch restores it.
    """
    from moto.ec2.models.vpcs import VPCBackend

    original = VPCBackend.describe_vpc_endpoint_services

    @functools.wraps(original)
    def describe_vpc_endpoint_services(self, *args, **kwargs):
        result = original(self, *args, **kwargs)
        result["servicesDetails"] = [
            {"SupportedIpAddressTypes": list(ip_address_types), **service}
            for service in result["servicesDetails"]
        ]
        return result

    monkeypatch.setattr(
        VPCBackend, "describe_vpc_endpoint_services", describe_vpc_endpoint_services
    )


def subnet_ipv6_state(monkeypatch: pytest.MonkeyPatch) -> None:
    """moto/ec2/models/subnets.py nests the association's state dict inside another
    (`{"state": {"State": "associated"}}`), which reaches the wire as a string; AWS sends
    `associated`. The provider only reads an associated block, so dualstack subnets had none."""
    from moto.ec2.models.subnets import Subnet

    def ipv6_cidr_block_association_set(self) -> list[dict[str, object]]:
        return [
            {
                "ipv6CidrBlock": association["ipv6CidrBlock"],
                "associationId": association["associationId"],
                "ipv6CidrBlockState": {"state": association["ipv6CidrBlockState"]["State"]},
            }
            for association in self.ipv6_cidr_block_associations.values()
            if association["ipv6CidrBlockState"]["State"] == "associated"
        ]

    monkeypatch.setattr(
        Subnet, "ipv6_cidr_block_association_set", property(ipv6_cidr_block_association_set)
    )


def endpoint_interfaces_follow_subnets(monkeypatch: pytest.MonkeyPatch) -> None:
    """An interface endpoint has one network interface per subnet (AWS). moto 5.2.5 creates them
    only in CreateVpcEndpoint; after a subnet is added, `network_interface_ids` still lists the
    old ones, so the module's per-subnet interface read had one interface too few."""
    from moto.ec2.models.vpcs import VPCBackend
    from moto.ec2.utils import random_private_ip

    original = VPCBackend.modify_vpc_endpoint
    signature = inspect.signature(original)

    @functools.wraps(original)
    def modify_vpc_endpoint(self, *args, **kwargs):
        original(self, *args, **kwargs)
        call = signature.bind(self, *args, **kwargs).arguments
        add_subnets, remove_subnets = call.get("add_subnets"), call.get("remove_subnets")
        (endpoint,) = self.describe_vpc_endpoints(vpc_end_point_ids=[call["vpc_id"]])
        if (endpoint.vpc_endpoint_type or "").lower() != "interface":
            return
        for subnet_id in remove_subnets or []:
            for eni_id in list(endpoint.network_interface_ids):
                eni = self.get_network_interface(eni_id)
                if eni.subnet.id == subnet_id:
                    endpoint.network_interface_ids.remove(eni_id)
                    self.delete_network_interface(eni_id)
        have = {self.get_network_interface(i).subnet.id for i in endpoint.network_interface_ids}
        for subnet_id in add_subnets or []:
            if subnet_id not in have:
                eni = self.create_network_interface(subnet_id, random_private_ip())
                endpoint.network_interface_ids.append(eni.id)

    monkeypatch.setattr(VPCBackend, "modify_vpc_endpoint", modify_vpc_endpoint)


def endpoint_subnet_configurations(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fixed endpoint addresses (CreateVpcEndpoint/ModifyVpcEndpoint SubnetConfigurations):
    AWS gives the endpoint's interface in each subnet the address asked for; moto 5.2.5 ignores
    the parameter and picks a random one, so the provider (which reads every interface's
    address back as subnet_configuration) would plan a change forever. IPv4 only: moto's
    interfaces have no primary IPv6 address to set."""
    from moto.ec2.responses.vpcs import VPCs

    def apply_configurations(self, endpoint_id: str) -> None:
        configurations = self._get_param("SubnetConfigurations", [])
        if not configurations:
            return
        (endpoint,) = self.ec2_backend.describe_vpc_endpoints(vpc_end_point_ids=[endpoint_id])
        for configuration in configurations:
            for eni_id in endpoint.network_interface_ids:
                eni = self.ec2_backend.get_network_interface(eni_id)
                if eni.subnet.id == configuration.get("SubnetId") and configuration.get("Ipv4"):
                    eni.private_ip_address = configuration["Ipv4"]
                    eni.private_ip_addresses = [
                        {"Primary": True, "PrivateIpAddress": configuration["Ipv4"]}
                    ]

    original_create = VPCs.create_vpc_endpoint

    @functools.wraps(original_create)
    def create_vpc_endpoint(self):
        result = original_create(self)
        apply_configurations(self, result.result["VpcEndpoint"].id)
        return result

    original_modify = VPCs.modify_vpc_endpoint

    @functools.wraps(original_modify)
    def modify_vpc_endpoint(self):
        result = original_modify(self)
        apply_configurations(self, self._get_param("VpcEndpointId"))
        return result

    monkeypatch.setattr(VPCs, "create_vpc_endpoint", create_vpc_endpoint)
    monkeypatch.setattr(VPCs, "modify_vpc_endpoint", modify_vpc_endpoint)


def resolver_endpoint_protocols(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep what CreateResolverEndpoint says of the protocols and the endpoint type, and
    describe them (moto/route53resolver/models.py's description has neither)."""
    import json

    from moto.route53resolver.models import ResolverEndpoint
    from moto.route53resolver.responses import Route53ResolverResponse

    original = Route53ResolverResponse.create_resolver_endpoint
    describe = ResolverEndpoint.description

    @functools.wraps(original)
    def create_resolver_endpoint(self):
        result = original(self)
        endpoint_id = json.loads(result)["ResolverEndpoint"]["Id"]
        endpoint = self.route53resolver_backend.resolver_endpoints[endpoint_id]
        endpoint.protocols = self._get_param("Protocols") or ["Do53"]
        endpoint.resolver_endpoint_type = self._get_param("ResolverEndpointType") or "IPV4"
        return json.dumps({"ResolverEndpoint": endpoint.description()})

    @functools.wraps(describe)
    def description(self):
        return {
            **describe(self),
            "Protocols": getattr(self, "protocols", ["Do53"]),
            "ResolverEndpointType": getattr(self, "resolver_endpoint_type", "IPV4"),
        }

    monkeypatch.setattr(
        Route53ResolverResponse, "create_resolver_endpoint", create_resolver_endpoint
    )
    monkeypatch.setattr(ResolverEndpoint, "description", description)
