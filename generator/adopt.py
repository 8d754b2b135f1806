"""`tfgen import`: read an existing Lambda interface endpoint with boto3 (Describe calls only)
and turn it into answers that adopt it: the same settings, and an `import:` section with the
ids the example root's Terraform import blocks take over.

Reading (`read_endpoint`) and translating (`adoption_answers`) are separate: the translation
is a pure function of what AWS returned, testable without AWS."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.answers import NAME_RE, Answers, parse_answers
from generator.errors import AnswersError, TfgenError, preview
from generator.policy import endpoint_policy_document
from generator.policy_import import PolicyNotExpressible, check_round_trip, policy_answers
from generator.security_group_import import group_answers

ENDPOINT_ID_RE = re.compile(r"^vpce-(?:[0-9a-f]{8}|[0-9a-f]{17})$")
SERVICE_RE = re.compile(r"^(?:cn\.)?com\.amazonaws\.(?P<region>[a-z0-9-]+)\.lambda$")
READ_PREFIXES = ("Describe", "Get")


class AdoptError(TfgenError):
    """The endpoint cannot be read or adopted: one line, exit 2, nothing written."""

    exit_code = 2


class WriteAttempted(AdoptError):
    """tfgen import called an AWS API that is not a Describe/Get (a bug: it must only read)."""


@dataclass
class Snapshot:
    """What AWS says about the endpoint and its surroundings (boto3 response shapes)."""

    endpoint: dict[str, Any]
    vpc: dict[str, Any]
    subnets: list[dict[str, Any]]
    groups: list[dict[str, Any]]
    rules: list[dict[str, Any]]
    interfaces: list[dict[str, Any]]
    route_tables: list[dict[str, Any]]
    peerings: list[dict[str, Any]]


@dataclass
class Adoption:
    answers: Answers
    warnings: list[str] = field(default_factory=list)
    peer_offers: list[dict[str, Any]] = field(default_factory=list)


def refuse_writes(model: Any = None, **_: Any) -> None:
    """botocore `before-call` hook: only Describe*/Get* calls leave this process."""
    name = getattr(model, "name", "")
    if not name.startswith(READ_PREFIXES):
        raise WriteAttempted(f"tfgen import must only read, and tried to call {name}")


def ec2_client(region: str | None, endpoint_url: str | None) -> Any:
    try:
        import boto3
    except ImportError:
        raise AdoptError(
            "tfgen import needs boto3: pip install 'tfgen[import]' (or pip install boto3)"
        ) from None
    import botocore.exceptions

    try:
        client = boto3.session.Session().client(
            "ec2", region_name=region, endpoint_url=endpoint_url
        )
    except botocore.exceptions.NoRegionError:
        raise AdoptError("no AWS region: pass --region or set AWS_REGION") from None
    except (botocore.exceptions.BotoCoreError, ValueError) as error:
        raise AdoptError(f"cannot set up the EC2 client: {error}") from None
    client.meta.events.register("before-call.ec2", refuse_writes)
    return client


def _pages(client: Any, operation: str, key: str, **arguments: Any) -> list[dict[str, Any]]:
    if client.can_paginate(operation):
        return [
            item
            for page in client.get_paginator(operation).paginate(**arguments)
            for item in page[key]
        ]
    return list(getattr(client, operation)(**arguments)[key])


def read_endpoint(client: Any, endpoint_id: str) -> Snapshot:
    """Every Describe call tfgen import makes; AWS errors become one-line AdoptErrors."""
    import botocore.exceptions

    if not ENDPOINT_ID_RE.match(endpoint_id):
        raise AdoptError(
            f"{preview(endpoint_id)} is not a VPC endpoint id: expected 'vpce-' followed by 8 "
            "or 17 lowercase hex digits"
        )
    region = client.meta.region_name
    try:
        found = client.describe_vpc_endpoints(VpcEndpointIds=[endpoint_id])["VpcEndpoints"]
        if not found:
            raise AdoptError(f"{endpoint_id}: no such VPC endpoint in {region}")
        endpoint = found[0]
        check_lambda_interface(endpoint, region)
        vpc_id = endpoint["VpcId"]
        vpc = client.describe_vpcs(VpcIds=[vpc_id])["Vpcs"][0]
        subnet_ids = endpoint.get("SubnetIds") or []
        subnets = client.describe_subnets(SubnetIds=subnet_ids)["Subnets"] if subnet_ids else []
        group_ids = [group["GroupId"] for group in endpoint.get("Groups") or []]
        groups, rules, interfaces = [], [], []
        if group_ids:
            groups = client.describe_security_groups(GroupIds=group_ids)["SecurityGroups"]
            rules = _pages(
                client,
                "describe_security_group_rules",
                "SecurityGroupRules",
                Filters=[{"Name": "group-id", "Values": group_ids}],
            )
            interfaces = _pages(
                client,
                "describe_network_interfaces",
                "NetworkInterfaces",
                Filters=[{"Name": "group-id", "Values": group_ids}],
            )
        route_tables = _pages(
            client,
            "describe_route_tables",
            "RouteTables",
            Filters=[{"Name": "vpc-id", "Values": [vpc_id]}],
        )
        peering_ids = sorted(
            {
                route["VpcPeeringConnectionId"]
                for table in route_tables
                for route in table.get("Routes") or []
                if route.get("VpcPeeringConnectionId")
            }
        )
        peerings = (
            client.describe_vpc_peering_connections(VpcPeeringConnectionIds=peering_ids)[
                "VpcPeeringConnections"
            ]
            if peering_ids
            else []
        )
    except botocore.exceptions.ClientError as error:
        raise AdoptError(client_error_line(error, endpoint_id, region)) from None
    except botocore.exceptions.NoCredentialsError:
        raise AdoptError(
            "no AWS credentials: configure the standard chain (AWS_PROFILE, environment "
            "variables, ~/.aws, SSO, an instance or task role)"
        ) from None
    except botocore.exceptions.BotoCoreError as error:
        raise AdoptError(f"cannot read {endpoint_id} from AWS: {error}") from None
    return Snapshot(endpoint, vpc, subnets, groups, rules, interfaces, route_tables, peerings)


def client_error_line(error: Any, endpoint_id: str, region: str | None) -> str:
    code = error.response.get("Error", {}).get("Code", "")
    operation = getattr(error, "operation_name", "") or "the call"
    if code.startswith("InvalidVpcEndpointId"):
        return f"{endpoint_id}: no such VPC endpoint in {region}"
    if code in ("UnauthorizedOperation", "AccessDenied", "AccessDeniedException", "AuthFailure"):
        return (
            f"access denied for {operation} ({code}): tfgen import needs the read-only "
            "ec2:Describe* permissions"
        )
    message = error.response.get("Error", {}).get("Message", "")
    return f"{operation} failed ({code}): {message}".strip()


def check_lambda_interface(endpoint: dict[str, Any], region: str | None) -> None:
    endpoint_id = endpoint.get("VpcEndpointId", "?")
    kind = endpoint.get("VpcEndpointType") or ""
    service = endpoint.get("ServiceName") or ""
    match = SERVICE_RE.match(service)
    if kind.lower() == "gateway":
        raise AdoptError(
            f"{endpoint_id} is a Gateway endpoint ({service}): tfgen adopts only Interface "
            "endpoints for Lambda"
        )
    if match is None or (region is not None and match.group("region") != region):
        raise AdoptError(
            f"{endpoint_id} is an endpoint for {service or 'an unknown service'}, not for "
            f"Lambda in {region} (com.amazonaws.{region}.lambda)"
        )
    if kind.lower() != "interface":
        raise AdoptError(f"{endpoint_id} is a {kind} endpoint, not an Interface endpoint")
    state = (endpoint.get("State") or "available").lower()
    if state in ("deleting", "deleted", "failed", "rejected", "expired"):
        raise AdoptError(f"{endpoint_id} is {state}: there is nothing to adopt")


def module_name(endpoint: dict[str, Any], name: str | None) -> str:
    if name is not None:
        return name
    tag = next((t["Value"] for t in endpoint.get("Tags") or [] if t.get("Key") == "Name"), "")
    slug = re.sub(r"[^a-z0-9]+", "-", tag.lower()).strip("-")[:63].rstrip("-")
    if NAME_RE.match(slug):
        return slug
    return "lambda-" + endpoint["VpcEndpointId"].removeprefix("vpce-")


def endpoint_tags(endpoint: dict[str, Any]) -> tuple[dict[str, str], list[str]]:
    tags, warnings = {}, []
    for tag in endpoint.get("Tags") or []:
        if tag["Key"].startswith("aws:"):
            warnings.append(
                f"tags: {tag['Key']} is AWS's own tag (Terraform cannot manage it): left out"
            )
            continue
        tags[tag["Key"]] = tag["Value"]
    return dict(sorted(tags.items())), warnings


def peer_offers(snapshot: Snapshot) -> list[dict[str, Any]]:
    """Active peering connections the endpoint VPC routes over, as `peering:` entries for the
    user to confirm (tfgen imports nothing of them implicitly)."""
    vpc_id = snapshot.vpc["VpcId"]
    account = snapshot.endpoint.get("OwnerId")
    tables: dict[str, list[str]] = {}
    for table in snapshot.route_tables:
        for route in table.get("Routes") or []:
            if route.get("VpcPeeringConnectionId"):
                tables.setdefault(route["VpcPeeringConnectionId"], []).append(table["RouteTableId"])
    offers = []
    for connection in sorted(snapshot.peerings, key=lambda c: c["VpcPeeringConnectionId"]):
        if (connection.get("Status") or {}).get("Code") != "active":
            continue
        requester = connection.get("RequesterVpcInfo") or {}
        accepter = connection.get("AccepterVpcInfo") or {}
        ours_requested = requester.get("VpcId") == vpc_id
        peer, ours = (accepter, requester) if ours_requested else (requester, accepter)
        tag = next((t["Value"] for t in connection.get("Tags") or [] if t.get("Key") == "Name"), "")
        name = re.sub(r"[^a-z0-9]+", "-", tag.lower()).strip("-")[:63].rstrip("-")
        offer: dict[str, Any] = {
            "name": name if NAME_RE.match(name) else f"peer-{len(offers) + 1}",
            "vpc_id": peer.get("VpcId"),
            "cidr": peer.get("CidrBlock"),
        }
        if peer.get("OwnerId") and peer.get("OwnerId") != (account or ours.get("OwnerId")):
            offer["account_id"] = peer["OwnerId"]
        if peer.get("Region") and peer.get("Region") != ours.get("Region"):
            offer["region"] = peer["Region"]
        offer["connection_id"] = connection["VpcPeeringConnectionId"]
        offer["local_route_table_ids"] = sorted(set(tables.get(offer["connection_id"], [])))
        offers.append(offer)
    return offers


def adoption_answers(snapshot: Snapshot, region: str, name: str | None = None) -> Adoption:
    """The answers that adopt the endpoint as it is, or an AdoptError saying why not."""
    endpoint = snapshot.endpoint
    ip_type = endpoint.get("IpAddressType") or "ipv4"
    if ip_type not in ("ipv4", "dualstack"):
        raise AdoptError(
            f"{endpoint['VpcEndpointId']} has IP address type {ip_type}: answers allow ipv4 "
            "and dualstack"
        )
    try:
        policy, warnings = policy_answers(endpoint.get("PolicyDocument"))
    except PolicyNotExpressible as reason:
        raise AdoptError(f"the endpoint policy cannot be expressed exactly: {reason}") from None
    tags, tag_warnings = endpoint_tags(endpoint)
    subnets = sorted(
        ({"id": s["SubnetId"], "az_id": s["AvailabilityZoneId"]} for s in snapshot.subnets),
        key=lambda s: (s["az_id"], s["id"]),
    )
    group, imported_group, group_warnings = group_answers(snapshot, snapshot.vpc["CidrBlock"])
    data: dict[str, Any] = {
        "version": 1,
        "name": module_name(endpoint, name),
        "region": region,
        "vpc": {"id": snapshot.vpc["VpcId"], "cidr": snapshot.vpc["CidrBlock"]},
        "subnets": subnets,
        "private_dns": bool(endpoint.get("PrivateDnsEnabled")),
        "ip_address_type": ip_type,
        "security_group": group,
        "policy": policy,
        "tags": tags,
        "import": {"endpoint_id": endpoint["VpcEndpointId"], **imported_group},
    }
    answers = _parse(data)
    try:
        check_round_trip(
            answers.policy, endpoint_policy_document(answers), endpoint.get("PolicyDocument")
        )
    except PolicyNotExpressible as reason:
        raise AdoptError(f"the endpoint policy cannot be expressed exactly: {reason}") from None
    return Adoption(answers, [*warnings, *tag_warnings, *group_warnings], peer_offers(snapshot))


def _parse(data: dict[str, Any]) -> Answers:
    try:
        return parse_answers(data, "tfgen import")
    except AnswersError as error:
        policy = [p for p in error.problems if p.path.startswith("policy")]
        if policy:
            raise AdoptError(
                "the endpoint policy cannot be expressed exactly: "
                + "; ".join(str(p) for p in policy)
            ) from None
        raise AdoptError(
            "the endpoint's settings break tfgen's rules: "
            + "; ".join(str(p) for p in error.problems)
        ) from None


IMPORT_HEADER = """\
# tfgen answers file (answers-v1), written by `tfgen import {endpoint_id}` from what AWS
# reports for it in {region}. Render it with `tfgen render {path}`; in the module's example/
# folder the first `terraform plan` then shows imports and in-place updates only, nothing
# created or destroyed. Every key and its meaning: tfgen schema
"""


def adoption_text(adoption: Adoption, path: str) -> str:
    """The commented answers file: warnings and peering offers as comments."""
    from generator.questionnaire import commented_yaml

    answers = adoption.answers
    imported = answers.import_
    header = IMPORT_HEADER.format(
        endpoint_id=imported.endpoint_id if imported else "?", region=answers.region, path=path
    )
    if adoption.warnings:
        header += "#\n# Read before rendering:\n" + "".join(
            f"# - {' '.join(warning.splitlines())}\n" for warning in adoption.warnings
        )
    text = commented_yaml(answers, path, header)
    if adoption.peer_offers:
        text += "\n" + _peer_offers_text(adoption.peer_offers)
    return text


def _peer_offers_text(offers: list[dict[str, Any]]) -> str:
    import yaml

    lines = [
        "# Peering connections this VPC routes over. Not adopted: if clients in those VPCs",
        "# use the endpoint, replace `peering: []` above with the entries you confirm. The",
        "# connections are reused (connection_id); the routes named below exist already,",
        "# so keep local_route_table_ids empty unless you import or remove those routes.",
        "# peering:",
    ]
    for offer in offers:
        entry = {k: v for k, v in offer.items() if k != "local_route_table_ids"}
        body = yaml.safe_dump([entry], sort_keys=False, width=2**31, indent=2)
        routes = ", ".join(offer.get("local_route_table_ids") or []) or "none"
        lines.append(f"#   # routes to {offer['cidr']} over it exist in: {routes}")
        lines += [f"#   {line}" for line in body.splitlines()]
    return "\n".join(lines) + "\n"


def run_import(
    endpoint_id: str,
    *,
    region: str | None,
    endpoint_url: str | None,
    name: str | None,
    output: Path | None,
    force: bool,
) -> tuple[Adoption, str, Path | None]:
    """`tfgen import`: read, translate, and write the answers file (None = stdout)."""
    from generator.write import write_text_atomic

    if name is not None and not NAME_RE.match(name):
        raise AdoptError(
            f"--name {preview(name)}: use 1-63 characters [a-z0-9-], starting with a letter"
        )
    client = ec2_client(region, endpoint_url)
    snapshot = read_endpoint(client, endpoint_id)
    adoption = adoption_answers(snapshot, client.meta.region_name, name)
    to_stdout = output is not None and str(output) == "-"
    path = None if to_stdout else (output or Path("answers") / f"{adoption.answers.name}.yaml")
    if path is not None and path.exists() and not force:
        raise AdoptError(f"{path} exists: nothing written (use --force or another -o)")
    if path is not None and path.is_dir():
        raise AdoptError(f"{path} is a folder: give a file with -o")
    text = adoption_text(adoption, str(path) if path else "answers.yaml")
    if path is not None:
        try:
            write_text_atomic(path, text)
        except OSError as error:
            raise AdoptError(f"cannot write {path}: {error.strerror or error}") from None
    return adoption, text, path
