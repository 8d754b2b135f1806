"""`tfgen preflight`: before anything is created, ask AWS (Describe/Get/List calls only) whether
every VPC that will join the Lambda zone can join it.

Route 53 refuses to associate a private hosted zone for `lambda.<region>.amazonaws.com` with a
VPC that already resolves that name (`ConflictingDomainExists`): a VPC with its own Lambda
interface endpoint whose private DNS is on, or a VPC associated with another zone of that
name. Terraform finds out at apply, after the peering connections and routes were built and
the endpoint's own private DNS was switched off. This check reads, for the endpoint's VPC and
each DNS peer's VPC (through the account and region the answers give it):
- the Lambda interface endpoints in the VPC with private DNS on (the deployment's own endpoint,
  named by its Name tag or adopted by `import.endpoint_id`, aside: tfgen switches it off);
- the private hosted zones associated with the VPC that have the Lambda name (the deployment's
  own zone, told by its comment, aside).

It also reads the private DNS names the Lambda service publishes in the region
(DescribeVpcEndpointServices): the zone serves one of them, `lambda.<region>.<suffix>`. Any other
name (dual-stack `lambda.<region>.api.aws`, FIPS names where the region has them) resolves to
Lambda's public addresses from peer VPCs, and from the endpoint VPC while the zone serves it:
the command names each one and the SDK setting that makes clients use it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from generator.adopt.ec2 import AdoptError, read_only
from generator.answers.model import Answers, ProviderSettings
from generator.core.errors import preview
from generator.core.regions import lambda_dns_name, lambda_service_name

READ_ONLY = ("Describe", "Get", "List")
SESSION_NAME = "tfgen-preflight"


@dataclass(frozen=True)
class Target:
    """A VPC that joins the zone, and how to reach its account."""

    who: str  # "the endpoint VPC" or "peer <name>" (peering[i])
    path: str  # the answers field that names it
    vpc_id: str
    account_id: str | None  # None: the endpoint's account
    region: str
    provider: ProviderSettings | None


@dataclass(frozen=True)
class Outcome:
    """What the check found for one VPC: conflicts (each a sentence), or why it was not read."""

    target: Target
    conflicts: tuple[str, ...] = ()
    unchecked: str | None = None

    @property
    def ok(self) -> bool:
        return not self.conflicts and self.unchecked is None


def targets(answers: Answers) -> list[Target]:
    """The VPCs that join the zone: none without a DNS peer; else the endpoint's and each DNS
    peer's."""
    dns = [(index, peer) for index, peer in enumerate(answers.peering) if peer.dns]
    if not dns:
        return []
    found = [
        Target("the endpoint VPC", "vpc.id", answers.vpc.id, None, answers.region, answers.provider)
    ]
    for index, peer in dns:
        found.append(
            Target(
                f"peer {peer.name}",
                f"peering[{index}].vpc_id",
                peer.vpc_id,
                peer.account_id,
                peer.region or answers.region,
                peer.provider,
            )
        )
    return found


refuse_writes = read_only("tfgen preflight", READ_ONLY)


Clients = Callable[[Target, str], Any]  # (target, "ec2" | "route53") -> a boto3 client


def boto3_clients(answers: Answers, endpoint_url: str | None) -> Clients:
    """boto3 clients per target: the default credentials for the endpoint's account (or the
    answers' provider settings), a peer's role (AssumeRole) or profile for another account.
    Every client refuses calls that are not Describe/Get/List."""
    try:
        import boto3
    except ImportError:
        raise AdoptError(
            "tfgen preflight needs boto3: pip install 'tfgen-lambda-endpoint[import]' (or pip "
            "install boto3)"
        ) from None
    sessions: dict[tuple[str | None, str | None, str | None], Any] = {}

    def session(settings: ProviderSettings | None) -> Any:
        role = settings.role_arn if settings else None
        profile = settings.profile if settings else None
        external = settings.external_id if settings else None
        key = (role, profile, external)
        if key not in sessions:
            base = boto3.session.Session(profile_name=profile) if profile else boto3.Session()
            if role:
                sts = base.client("sts", endpoint_url=endpoint_url, region_name=answers.region)
                arguments = {"RoleArn": role, "RoleSessionName": SESSION_NAME}
                if external:
                    arguments["ExternalId"] = external
                credentials = sts.assume_role(**arguments)["Credentials"]
                base = boto3.session.Session(
                    aws_access_key_id=credentials["AccessKeyId"],
                    aws_secret_access_key=credentials["SecretAccessKey"],
                    aws_session_token=credentials["SessionToken"],
                )
            sessions[key] = base
        return sessions[key]

    def client(target: Target, service: str) -> Any:
        made = session(target.provider).client(
            service, region_name=target.region, endpoint_url=endpoint_url
        )
        made.meta.events.register(
            f"before-call.{made.meta.service_model.service_name}", refuse_writes
        )
        return made

    return client


def unreachable(answers: Answers, target: Target) -> str | None:
    """Why the check cannot read the target's account, or None."""
    if target.account_id is None or target.provider is not None:
        return None
    return (
        f"{target.who} is in account {target.account_id}: give its credentials in the answers "
        f"({target.path.removesuffix('.vpc_id')}.provider: role_arn or profile) to check it"
    )


def own_endpoint(endpoint: dict[str, Any], answers: Answers) -> bool:
    """The deployment's own endpoint: adopted by import.endpoint_id, or tagged as tfgen tags it."""
    adopted = answers.import_.endpoint_id if answers.import_ else None
    tags = {tag.get("Key"): tag.get("Value") for tag in endpoint.get("Tags") or []}
    name = answers.tags.get("Name", f"{answers.name}-lambda-endpoint")
    return endpoint.get("VpcEndpointId") == adopted or tags.get("Name") == name


def zone_comment(answers: Answers) -> str:
    """The comment the module gives its zone (templates/terraform/*dns*): how it is told apart."""
    return f"Lambda API through the interface endpoint {answers.name}, for its VPC and peered VPCs"


def check_target(answers: Answers, target: Target, clients: Clients) -> Outcome:
    """The conflicts of one VPC (AWS errors become `unchecked`, never a pass)."""
    import botocore.exceptions

    reason = unreachable(answers, target)
    if reason:
        return Outcome(target, unchecked=reason)
    service = lambda_service_name(answers.region)
    name = lambda_dns_name(answers.region)
    conflicts = []
    try:
        ec2 = clients(target, "ec2")
        pages = ec2.get_paginator("describe_vpc_endpoints").paginate(
            Filters=[
                {"Name": "vpc-id", "Values": [target.vpc_id]},
                {"Name": "service-name", "Values": [service]},
                {"Name": "vpc-endpoint-type", "Values": ["Interface"]},
            ]
        )
        for page in pages:
            for endpoint in page["VpcEndpoints"]:
                state = (endpoint.get("State") or "").lower()
                if state in ("deleted", "deleting", "failed", "rejected", "expired"):
                    continue
                if not endpoint.get("PrivateDnsEnabled"):
                    continue
                if target.account_id is None and own_endpoint(endpoint, answers):
                    continue
                conflicts.append(
                    f"its Lambda interface endpoint {preview(endpoint.get('VpcEndpointId'))} has "
                    f"private DNS on, so {name} already resolves there: turn that endpoint's "
                    "private DNS off (or delete it), or set dns: false for this peer"
                )
        route53 = clients(target, "route53")
        for zone in _zones_by_vpc(route53, target):
            if zone.get("Name", "").rstrip(".") != name:
                continue
            zone_id = zone.get("HostedZoneId", "")
            if _is_own_zone(answers, target, clients, zone):
                continue
            conflicts.append(
                f"it is associated with the private hosted zone {preview(zone_id)} for {name} "
                f"(owner {_owner(zone)}): Route 53 refuses a second zone of that name "
                "(ConflictingDomainExists); disassociate it, or set dns: false for this peer"
            )
    except botocore.exceptions.ClientError as error:
        return Outcome(target, unchecked=aws_error(error))
    except botocore.exceptions.BotoCoreError as error:
        return Outcome(target, unchecked=f"AWS could not be reached: {error}")
    return Outcome(target, tuple(conflicts))


@dataclass(frozen=True)
class UnservedName:
    """A private DNS name the service publishes that the zone does not serve."""

    name: str
    setting: str  # the SDK setting that makes clients use the name

    @property
    def sentence(self) -> str:
        return (
            f"Lambda also publishes {self.name} in this region: the zone does not serve it, so "
            "from peer VPCs (and from the endpoint VPC while the zone serves it) it resolves to "
            f"Lambda's public addresses; clients with {self.setting} leave the endpoint there"
        )


def sdk_setting(name: str) -> str:
    """The SDK setting under which clients call `name` instead of lambda.<region>.<suffix>."""
    if "fips" in name:
        return "FIPS endpoints on (AWS_USE_FIPS_ENDPOINT=true, use_fips_endpoint)"
    if name.endswith(".api.aws") or name.endswith(".api.amazonwebservices.com.cn"):
        return "dual-stack endpoints on (AWS_USE_DUALSTACK_ENDPOINT=true, use_dualstack_endpoint)"
    return "an endpoint URL of that name"


def unserved_names(answers: Answers, clients: Clients) -> tuple[UnservedName, ...] | str:
    """The service's published private DNS names the zone does not serve (read in the endpoint's
    account), or why they could not be read."""
    import botocore.exceptions

    hub = Target(
        "the endpoint VPC", "vpc.id", answers.vpc.id, None, answers.region, answers.provider
    )
    served = lambda_dns_name(answers.region)
    try:
        details = clients(hub, "ec2").describe_vpc_endpoint_services(
            ServiceNames=[lambda_service_name(answers.region)]
        )["ServiceDetails"]
    except botocore.exceptions.ClientError as error:
        return aws_error(error)
    except botocore.exceptions.BotoCoreError as error:
        return f"AWS could not be reached: {error}"
    names: set[str] = set()
    for detail in details:
        if detail.get("PrivateDnsName"):
            names.add(str(detail["PrivateDnsName"]))
        for entry in detail.get("PrivateDnsNames") or []:
            if entry.get("PrivateDnsName"):
                names.add(str(entry["PrivateDnsName"]))
    return tuple(
        UnservedName(name, sdk_setting(name))
        for name in sorted(name.rstrip(".").lower() for name in names)
        if name != served and not name.startswith("*.")
    )


def aws_error(error: Any) -> str:
    """A ClientError as one line: the call, AWS's code and (a preview of) its message."""
    code = error.response.get("Error", {}).get("Code", "")
    operation = getattr(error, "operation_name", "") or "a call"
    if code in ("UnauthorizedOperation", "AccessDenied", "AccessDeniedException", "AuthFailure"):
        return (
            f"access denied for {operation} ({code}): the check needs ec2:DescribeVpcEndpoints, "
            "ec2:DescribeVpcEndpointServices, route53:ListHostedZonesByVPC and "
            "route53:GetHostedZone"
        )
    message = str(error.response.get("Error", {}).get("Message", ""))
    return f"{operation} failed ({code}): {preview(message)}"


def _zones_by_vpc(route53: Any, target: Target) -> Iterator[dict[str, Any]]:
    arguments = {"VPCId": target.vpc_id, "VPCRegion": target.region}
    while True:
        page = route53.list_hosted_zones_by_vpc(**arguments)
        yield from page.get("HostedZoneSummaries", [])
        token = page.get("NextToken")
        if not token:
            return
        arguments["NextToken"] = token


def _owner(zone: dict[str, Any]) -> str:
    owner = zone.get("Owner") or {}
    return str(owner.get("OwningAccount") or owner.get("OwningService") or "unknown")


def _is_own_zone(answers: Answers, target: Target, clients: Clients, zone: dict[str, Any]) -> bool:
    """The deployment's own zone (from an earlier apply): in the endpoint's account, with the
    module's comment."""
    owner = (zone.get("Owner") or {}).get("OwningAccount")
    if owner is not None and target.account_id is not None and owner == target.account_id:
        return False  # a zone of the peer's own account is never the deployment's
    hub = Target(
        "the endpoint VPC", "vpc.id", answers.vpc.id, None, answers.region, answers.provider
    )
    try:
        found = clients(hub, "route53").get_hosted_zone(Id=zone["HostedZoneId"])
    except Exception:  # noqa: BLE001 - not readable from the endpoint's account: not ours
        return False
    return (found.get("HostedZone", {}).get("Config", {}).get("Comment") or "") == zone_comment(
        answers
    )


def preflight(answers: Answers, clients: Clients) -> list[Outcome]:
    """Every VPC that joins the zone, checked; an empty list when none does."""
    return [check_target(answers, target, clients) for target in targets(answers)]
