"""Reading an existing endpoint for `tfgen import`: the EC2 client (boto3, the normal
credential chain, AWS_ENDPOINT_URL/--endpoint-url), a guard that lets only Describe/Get calls
out, and every call tfgen import makes. AWS errors become one-line `AdoptError`s."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from generator.core.errors import TfgenError, preview

ENDPOINT_ID_RE = re.compile(r"^vpce-(?:[0-9a-f]{8}|[0-9a-f]{17})$")
SERVICE_RE = re.compile(r"(?:cn\.)?com\.amazonaws\.(?P<region>[a-z0-9-]+)\.lambda", re.ASCII)
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


def read_only(command: str, prefixes: tuple[str, ...]) -> Callable[..., None]:
    """A botocore `before-call` hook: only calls whose names start with `prefixes` leave this
    process; any other is a bug of `command` (WriteAttempted)."""

    def refuse(model: Any = None, **_: Any) -> None:
        name = getattr(model, "name", "")
        if not name.startswith(prefixes):
            raise WriteAttempted(f"{command} must only read, and tried to call {name}")

    return refuse


refuse_writes = read_only("tfgen import", READ_PREFIXES)  # Describe*/Get* only


def ec2_client(region: str | None, endpoint_url: str | None) -> Any:
    try:
        import boto3
    except ImportError:
        raise AdoptError(
            "tfgen import needs boto3: pip install 'tfgen-lambda-endpoint[import]' (or pip "
            "install boto3)"
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


def _own_lambda_service(service: str, region: str) -> bool:
    """Whether `service` is exactly the Lambda service name of `region` in its partition."""
    from generator.core.regions import lambda_service_name, region_problem

    return region_problem(region) is None and service == lambda_service_name(region)


def check_lambda_interface(endpoint: dict[str, Any], region: str | None) -> None:
    endpoint_id = endpoint.get("VpcEndpointId", "?")
    kind = endpoint.get("VpcEndpointType") or ""
    service = endpoint.get("ServiceName") or ""
    match = SERVICE_RE.fullmatch(service)
    if match is not None and not _own_lambda_service(service, region or match.group("region")):
        match = None  # another partition's prefix for the region: only the region's own name
    if kind.lower() == "gateway":
        raise AdoptError(
            f"{endpoint_id} is a Gateway endpoint ({preview(service)}): tfgen adopts only "
            "Interface endpoints for Lambda"
        )
    if match is None or (region is not None and match.group("region") != region):
        raise AdoptError(
            f"{endpoint_id} is an endpoint for "
            f"{preview(service) if service else 'an unknown service'}, not for Lambda in "
            f"{region} (only that region's own Lambda service name is adopted)"
        )
    if kind.lower() != "interface":
        raise AdoptError(f"{endpoint_id} is a {kind} endpoint, not an Interface endpoint")
    state = (endpoint.get("State") or "available").lower()
    if state in ("deleting", "deleted", "failed", "rejected", "expired"):
        raise AdoptError(f"{endpoint_id} is {state}: there is nothing to adopt")
