"""The questionnaire model (answers file v1): typed fields and their JSON Schema.

Single-field rules (formats) live here as validators; rules that look at more than one field
live in ``rules.py`` and run after the model is built (``load.py`` runs both). Every problem
carries its field path."""

from __future__ import annotations

import hashlib
import json
from typing import Annotated, Any, Literal

from pydantic import (
    BeforeValidator,
    ConfigDict,
    Field,
)

from generator.answers.base import Strict
from generator.answers.fields import (
    AccountId,
    AzId,
    ConditionValues,
    EndpointId,
    GbPerMonth,
    Ipv4Address,
    Ipv4Cidr,
    Ipv6Address,
    Ipv6Cidr,
    ModuleName,
    PeeringConnectionId,
    PrincipalText,
    Region,
    RouteTableId,
    SecurityGroupId,
    SecurityGroupRuleId,
    SubnetId,
    Switch,
    TagText,
    VpcId,
    version_one,
)
from generator.answers.settings import DeploymentSettings, ProviderSettings

# Bounds on every list, so a hostile file is refused before any per-item rule runs.
# Each is an AWS quota, or far above what any valid answers can hold (the policy's own
# 20,480-character limit is checked afterwards).
LIST_LIMITS: dict[str, tuple[int, str]] = {
    # "Active VPC peering connections per VPC": 50 by default, 125 at most (Amazon VPC quotas)
    "peering": (125, "AWS allows at most 125 active peering connections per VPC"),
    "allow_cidrs": (60, "AWS allows 60 inbound rules per security group"),
    # "IPv4 CIDR blocks per VPC": 5 by default, 50 at most; "IPv6 CIDR blocks per VPC": 5
    "extra_cidrs": (49, "AWS allows at most 50 IPv4 CIDR blocks per VPC"),
    "ipv6_cidrs": (5, "AWS allows 5 IPv6 CIDR blocks per VPC"),
    "allow_security_group_ids": (60, "AWS allows 60 inbound rules per security group"),
    "existing_ids": (5, "AWS allows 5 security groups per network interface"),
    "security_group_rules": (60, "AWS allows 60 inbound rules per security group"),
    # "Routes per route table"... and "Route tables per VPC": 200 (Amazon VPC quotas)
    "route_table_ids": (200, "AWS allows 200 route tables per VPC"),
    "local_route_table_ids": (200, "AWS allows 200 route tables per VPC"),
    "statements": (100, "an endpoint policy is at most 20,480 characters"),
    "principals": (500, "an endpoint policy is at most 20,480 characters"),
    "actions": (500, "an endpoint policy is at most 20,480 characters"),
    "functions": (500, "an endpoint policy is at most 20,480 characters"),
    "conditions": (30, "an endpoint policy is at most 20,480 characters"),
    "resolver_subnets": (6, "AWS allows 6 IP addresses per Resolver endpoint by default"),
    "cidrs": (30, "AWS allows 60 inbound rules per security group (TCP and UDP 53 each)"),
}


def _most(field: str) -> Any:
    return LIST_LIMITS[field][0]


class Vpc(Strict):
    id: VpcId = Field(description="The VPC that gets the endpoint (vpc-...).")
    cidr: Ipv4Cidr = Field(
        description="The VPC's primary IPv4 CIDR (/16 to /28): the endpoint's security group lets "
        "it in on TCP 443."
    )
    extra_cidrs: list[Ipv4Cidr] = Field(
        default=[],
        max_length=_most("extra_cidrs"),
        description="The VPC's secondary IPv4 CIDRs (e.g. 100.64.0.0/16 for EKS custom "
        "networking): same 443 ingress and peer routes as the primary.",
    )
    ipv6_cidrs: list[Ipv6Cidr] = Field(
        default=[],
        max_length=_most("ipv6_cidrs"),
        description="With dualstack: the VPC's IPv6 CIDRs beyond the first, which the module "
        "reads from AWS itself; each gets a 443 ingress rule too.",
    )


class Subnet(Strict):
    id: SubnetId = Field(description="Subnet for one endpoint network interface.")
    az_id: AzId | None = Field(
        default=None,
        description="Optional AZ id (e.g. use1-az1). use1-az3 is refused: limited Lambda capacity.",
    )
    ipv4: Ipv4Address | None = Field(
        default=None,
        description=(
            "Optional fixed private IPv4 address of the endpoint's interface in this subnet (for "
            "on-premises forwarders and firewalls): all subnets or none; inside the subnet's "
            "CIDR, not one of AWS's five reserved addresses. Needs AWS provider 5.54."
        ),
    )
    ipv6: Ipv6Address | None = Field(
        default=None,
        description=(
            "Optional fixed IPv6 address of the interface in this subnet: with ip_address_type "
            "dualstack (then with ipv4) or ipv6 (then alone), on every subnet."
        ),
    )


class SecurityGroup(Strict):
    create: Switch = Field(
        default=True,
        description="Create a group allowing only TCP 443 in from the VPC CIDR and the sources.",
    )
    allow_cidrs: list[Ipv4Cidr] = Field(
        default=[], max_length=_most("allow_cidrs"), description="Extra IPv4 CIDRs allowed on 443."
    )
    allow_security_group_ids: list[SecurityGroupId] = Field(
        default=[],
        max_length=_most("allow_security_group_ids"),
        description="Source security groups allowed in on 443.",
    )
    existing_ids: list[SecurityGroupId] = Field(
        default=[],
        max_length=_most("existing_ids"),
        description="Existing groups to attach as well (or instead, with create: false).",
    )
    # Set by `tfgen import` when it takes over an existing group: a group's name and
    # description cannot change in place, so the module must keep them.
    name: str | None = Field(
        default=None,
        min_length=1,
        max_length=255,
        description="Optional: the created group's exact name (default: a generated name).",
    )
    description: str | None = Field(
        default=None,
        min_length=1,
        max_length=255,
        description="Optional: the created group's description (default: tfgen's own).",
    )


Conditions = Annotated[
    dict[str, Annotated[dict[str, ConditionValues], Field(max_length=_most("conditions"))]],
    Field(max_length=_most("conditions")),
]


class PolicyStatement(Strict):
    sid: str | None = Field(default=None, description="Optional statement id (letters, digits).")
    effect: Literal["Allow", "Deny"] = Field(default="Allow", description="Allow or Deny.")
    principals: list[PrincipalText] = Field(
        min_length=1,
        max_length=_most("principals"),
        description="Endpoint policy, who: IAM role or user ARNs, or 12-digit account ids.",
    )
    actions: list[str] = Field(
        min_length=1,
        max_length=_most("actions"),
        description="Endpoint policy, may do what: Lambda actions, e.g. lambda:InvokeFunction.",
    )
    functions: list[str] = Field(
        min_length=1,
        max_length=_most("functions"),
        description="Endpoint policy, on which functions: unqualified function ARNs of the region "
        "(or names, with account_id set); tfgen adds the ':*' form.",
    )
    conditions: Conditions = Field(
        default={},
        description='Optional IAM condition block, e.g. {StringEquals: {"aws:PrincipalOrgID": '
        '"o-abc"}}.',
    )


POLICY_VERSION_DEFAULT: Literal["2012-10-17"] = "2012-10-17"


class EndpointPolicy(Strict):
    version: Literal["2012-10-17", "2008-10-17"] | None = Field(
        default=POLICY_VERSION_DEFAULT,
        description=(
            "The policy language version; null writes no Version element (AWS then reads the "
            "policy as 2008-10-17). Only adopted endpoints need anything but the default."
        ),
    )
    full_access: Switch = Field(
        default=False, description="true = AWS's default full-access policy, an explicit choice."
    )
    allow_wildcards: Switch = Field(
        default=False, description='Allow "*" in principals, actions and functions.'
    )
    statements: list[PolicyStatement] = Field(
        default=[], max_length=_most("statements"), description="Policy statements."
    )


class ImportedRule(Strict):
    id: SecurityGroupRuleId = Field(description="The existing ingress rule (sgr-...).")
    source: str = Field(
        description="What the rule allows in on 443: vpc.cidr, an allow_cidrs entry or an "
        "allow_security_group_ids entry."
    )


class ImportedIds(Strict):
    """What already exists in AWS: the example root adopts it with Terraform import blocks."""

    endpoint_id: EndpointId = Field(description="The existing Lambda endpoint (vpce-...).")
    security_group_id: SecurityGroupId | None = Field(
        default=None,
        description="The existing group the module takes over (needs security_group.create).",
    )
    security_group_rules: list[ImportedRule] = Field(
        default=[],
        max_length=_most("security_group_rules"),
        description="The taken-over group's 443 ingress rules, by source.",
    )


class PeerVpc(Strict):
    name: ModuleName = Field(
        description="Names the peer in the module: a-z, 0-9 and '-', starting with a letter; "
        "unique."
    )
    vpc_id: VpcId = Field(description="The peered VPC (vpc-...).")
    cidr: Ipv4Cidr = Field(
        description="The peer VPC's IPv4 CIDR: must not overlap the endpoint VPC or other peers."
    )
    extra_cidrs: list[Ipv4Cidr] = Field(
        default=[],
        max_length=_most("extra_cidrs"),
        description="The peer VPC's secondary IPv4 CIDRs: ingress and routes too.",
    )
    ipv6_cidr: Ipv6Cidr | None = Field(
        default=None,
        description="The peer VPC's IPv6 CIDR: IPv6 routes and 443 ingress, and (dualstack) "
        "the AAAA record. Absent = the peer gets the A record only.",
    )
    account_id: AccountId | None = Field(
        default=None, description="The peer's account, 12 digits; absent = this account."
    )
    region: Region | None = Field(
        default=None, description="The peer's region; absent = the endpoint's region."
    )
    connection_id: PeeringConnectionId | None = Field(
        default=None,
        description="An existing peering connection (pcx-...) to reuse; absent = create one.",
    )
    accept: Switch = Field(
        default=False,
        description="With connection_id: the peer's owner sent the request and it is still "
        "pending acceptance; the module accepts it on the endpoint VPC's side.",
    )
    route_table_ids: list[RouteTableId] = Field(
        default=[],
        max_length=_most("route_table_ids"),
        description="Peer-side route tables that get a route to the endpoint's VPC.",
    )
    local_route_table_ids: list[RouteTableId] | None = Field(
        default=None,
        max_length=_most("local_route_table_ids"),
        description="Route tables of the endpoint's VPC that get a route to the peer; they must "
        "include every route table the endpoint's subnets use (plan fails otherwise). Absent = "
        "those route tables, read from AWS at plan; [] = none (routes made elsewhere).",
    )
    dns: Switch = Field(
        default=True, description="Resolve lambda.<region>.amazonaws.com in the peer."
    )
    provider: ProviderSettings | None = Field(
        default=None,
        description="In another account or region (deployment layout): how its provider "
        "block reaches it (role_arn, external_id, profile).",
    )


class RetiredPeer(Strict):
    name: ModuleName = Field(description="The removed peer's name.")
    account_id: AccountId | None = Field(default=None, description="Its account (absent = same).")
    region: Region | None = Field(default=None, description="Its region (absent = same).")
    provider: ProviderSettings | None = Field(
        default=None, description="How its provider block reached it (as it had it)."
    )


class ResolverSubnet(Strict):
    id: SubnetId = Field(description="Subnet of the endpoint's VPC for one resolver address.")
    az_id: AzId | None = Field(default=None, description="Optional AZ id: one subnet per AZ.")


class OnPremises(Strict):
    resolver_subnets: list[ResolverSubnet] = Field(
        min_length=2,
        max_length=_most("resolver_subnets"),
        description="Subnets of the endpoint's VPC for the inbound endpoint's addresses (AWS "
        "needs two at least), one address each: 2 to 6, in different AZs.",
    )
    cidrs: list[Ipv4Cidr] = Field(
        min_length=1,
        max_length=_most("cidrs"),
        description="IPv4 CIDRs of the on-premises DNS forwarders (or their networks): the "
        "only sources allowed in on TCP and UDP 53; never 0.0.0.0/0.",
    )


class Cost(Strict):
    gb_per_month: GbPerMonth = Field(
        default=0.0,
        description="Expected GB processed by the endpoint per month, for the README's "
        "cost estimate only (default 0).",
    )


class Answers(Strict):
    """The answers file, version 1."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        title="tfgen answers (v1)",
    )

    version: Annotated[Literal[1], BeforeValidator(version_one)] = Field(
        description="Format version of this file."
    )
    name: ModuleName = Field(
        description="Names the module and its folder modules/<name>: a-z, 0-9 and '-', starting "
        "with a letter."
    )
    region: Region = Field(
        description="The endpoint is com.amazonaws.<region>.lambda and reaches the functions of "
        "this region."
    )
    account_id: AccountId | None = Field(
        default=None,
        description="Optional: the functions' account, so `functions` may list bare names.",
    )
    vpc: Vpc = Field(description="The VPC that gets the endpoint, and its primary IPv4 CIDR.")
    subnets: list[Subnet] = Field(
        min_length=1,
        description="One endpoint network interface per subnet: one subnet per AZ, two or more "
        "for redundancy (1 to 6; a single subnet renders with a warning).",
    )
    private_dns: Switch = Field(
        default=True,
        description=(
            "Makes lambda.<region>.amazonaws.com resolve to the endpoint inside the VPC "
            "(recommended; needs enableDnsSupport and enableDnsHostnames). While a peer has dns: "
            "true the endpoint's own private DNS is off and the VPC resolves the name through "
            "the private hosted zone instead, which is created with this VPC."
        ),
    )
    dns_mode: Literal["endpoint", "zone"] | None = Field(
        default=None,
        description=(
            "How the Lambda API name resolves to the endpoint. endpoint: its own private DNS "
            "(no peer may have dns: true). zone: a private hosted zone in this account, "
            "created with this VPC, that DNS peers join; the endpoint's own private DNS is "
            "off and the zone stays while peers come and go, the last one too. Absent: zone "
            "while a peer has dns: true, else endpoint; a re-render over a module keeps the "
            "mode it has (a switch leaves the VPC without a private answer for a while, so it "
            "is only made when written here)."
        ),
    )
    ip_address_type: Literal["ipv4", "dualstack", "ipv6"] = Field(
        default="ipv4",
        description="ipv4 (default), dualstack, or ipv6 (IPv6-only subnets; no peering yet).",
    )
    security_group: SecurityGroup = Field(
        default_factory=SecurityGroup,
        description="create: a group allowing only TCP 443 in from the VPC CIDR, the peers and "
        "the sources below;\nexisting_ids: groups to attach as well (or instead, with "
        "create: false).",
    )
    policy: EndpointPolicy = Field(
        default_factory=EndpointPolicy,
        description="Endpoint policy: which principals may take which Lambda actions on which "
        "functions.\nfull_access: true instead = AWS's default full-access policy; "
        "allow_wildcards: true allows '*'.",
    )
    peering: list[PeerVpc] = Field(
        default=[],
        max_length=_most("peering"),
        description="VPCs peered with this one that must reach the endpoint: connection, routes, "
        "443, DNS.",
    )
    retired_peers: list[RetiredPeer] = Field(
        default=[],
        max_length=_most("peering"),
        description=(
            "Peers removed from `peering` that had their own provider alias (another account "
            "or region). `tfgen render` into an existing module adds them, so the alias stays "
            "until `terraform apply` has destroyed the peer's resources; then `tfgen render "
            "--drop-retired` removes them."
        ),
    )
    on_premises: OnPremises | None = Field(
        default=None,
        description="A Route 53 Resolver inbound endpoint in the VPC that answers the Lambda "
        "API name for on-premises DNS forwarders (TCP and UDP 53 from cidrs only; needs "
        "private_dns or the zone).",
    )
    tags: dict[str, TagText] = Field(default={}, description="Applied to every taggable resource.")
    provider: ProviderSettings | None = Field(
        default=None,
        description="How the deployment's default provider reaches the endpoint's account "
        "(deployment layout; absent = the default credentials).",
    )
    deployment: DeploymentSettings | None = Field(
        default=None,
        description="Where the deployment root finds the shared module (absent = the local path).",
    )
    cost: Cost = Field(
        default_factory=Cost,
        description="Inputs of the README's monthly cost estimate (no effect on the module).",
    )
    import_: ImportedIds | None = Field(
        default=None,
        alias="import",
        description="What already exists in AWS: the example root's import blocks adopt it on the "
        "first apply\n(the endpoint, and a group taken over with its 443 rules), so nothing is "
        "created twice.",
    )

    @property
    def uses_zone(self) -> bool:
        """Whether the Lambda API name resolves through the private hosted zone (dns_mode;
        absent: while a peer has dns: true)."""
        if self.dns_mode is not None:
            return self.dns_mode == "zone"
        return any(peer.dns for peer in self.peering)

    def normalized(self) -> dict[str, Any]:
        """The answers with every default written out: what `tfgen.answers.yaml` holds.

        The keys that only adopted endpoints use are left out while unset, so that answers
        files and manifests of modules rendered before they existed stay byte-stable."""
        data = self.model_dump(mode="json", by_alias=True)
        for item in [*data["peering"], *data["retired_peers"]]:
            if item.get("provider") is None:
                del item["provider"]
        for subnet in data["subnets"]:  # fixed addresses, written only when given
            for key in ("ipv4", "ipv6"):
                if subnet.get(key) is None:
                    del subnet[key]
        for path, unset in OPTIONAL_WHEN_UNSET:
            *parents, key = path
            holder = data
            for parent in parents:
                holder = holder[parent]
            if holder.get(key) == unset:
                del holder[key]
        return data

    def digest(self) -> str:
        canonical = json.dumps(self.normalized(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()


OPTIONAL_WHEN_UNSET: tuple[tuple[tuple[str, ...], Any], ...] = (
    (("security_group", "name"), None),
    (("security_group", "description"), None),
    (("policy", "version"), POLICY_VERSION_DEFAULT),
    (("import",), None),
    (("provider",), None),
    (("deployment",), None),
    (("dns_mode",), None),
    (("on_premises",), None),
)


def json_schema() -> dict[str, Any]:
    schema = Answers.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema
