"""`tfgen import`: turn an existing Lambda interface endpoint into answers that adopt it: the
same settings, and an `import:` section with the ids the example root's Terraform import
blocks take over. Reading AWS is `ec2_read`; the translation here (`adoption_answers`) is a
pure function of what AWS returned, testable without AWS."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.adopt.ec2 import (
    AdoptError,
    Snapshot,
    WriteAttempted,
    ec2_client,
    read_endpoint,
)
from generator.adopt.policy import PolicyNotExpressible, check_round_trip, policy_answers
from generator.adopt.security_groups import group_answers
from generator.answers.fields import NAME_RE
from generator.answers.load import parse_answers
from generator.answers.model import Answers
from generator.answers.policy import endpoint_policy_document
from generator.core.errors import AnswersError, preview

__all__ = ["AdoptError", "Adoption", "WriteAttempted", "adoption_answers", "run_import"]


@dataclass
class Adoption:
    answers: Answers
    warnings: list[str] = field(default_factory=list)
    peer_offers: list[dict[str, Any]] = field(default_factory=list)


def module_name(endpoint: dict[str, Any], name: str | None) -> str:
    if name is not None:
        return name
    tag = next((t["Value"] for t in endpoint.get("Tags") or [] if t.get("Key") == "Name"), "")
    slug = re.sub(r"[^a-z0-9]+", "-", tag.lower()).strip("-")[:63].rstrip("-")
    if NAME_RE.fullmatch(slug):
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
    offers: list[dict[str, Any]] = []
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
            "name": name if NAME_RE.fullmatch(name) else f"peer-{len(offers) + 1}",
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
    from generator.answers.writer import commented_yaml

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
        "# so keep local_route_table_ids: [] unless you import or remove those routes.",
        "# peering:",
    ]
    for offer in offers:
        # the routes exist: [] keeps tfgen from making them again (absent, it would route the
        # endpoint subnets' tables)
        entry = {**{k: v for k, v in offer.items() if k != "local_route_table_ids"}}
        entry["local_route_table_ids"] = []
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
    from generator.core.files import write_text_atomic

    if name is not None and not NAME_RE.fullmatch(name):
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
