"""Verify a deployment root against its answers: parse it back and check that its provider
blocks reach the accounts and regions the answers name, that its call of the shared module
passes the answers' values (the decoded policy, every peer), that every peer in another
account or region has its modules/peer call with its own provider, the import blocks, and
every block against the provider schema snapshots. Never reads the renderer's code."""

from __future__ import annotations

from typing import Any

from generator.answers.model import Answers
from generator.core.errors import preview
from generator.core.findings import Finding
from generator.core.hcl import BLOCK_MARK, labelled, literal_text
from generator.core.layout import (
    IMPORTS_FILE,
    MAIN_FILE,
    OUTPUTS_FILE,
    PROVIDERS_FILE,
    VARIABLES_FILE,
)
from generator.plan.deployment import DeploymentPlan
from generator.plan.module_plan import MODULE_CALL
from generator.plan.peering import endpoint_private_dns, key
from generator.verify.imports import check_imports
from generator.verify.module import check_schema, parse_files
from generator.verify.resolver import (
    check_on_premises_call,
    check_root_outputs,
    expected_on_premises,
)
from generator.verify.skips import skip_marker_findings

_META = ("source", "providers", "for_each", "count", "depends_on", BLOCK_MARK)


def _providers(parsed: dict[str, Any]) -> dict[str | None, dict[str, Any]]:
    found: dict[str | None, dict[str, Any]] = {}
    for entry in parsed.get("provider", []):
        for name, body in entry.items():
            if name == "aws":
                found[literal_text(body.get("alias"))] = body
    return found


def _first_block(body: dict[str, Any], name: str) -> dict[str, Any]:
    value = body.get(name)
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return value[0]
    return value if isinstance(value, dict) else {}


def check_providers(answers: Answers, parsed: dict[str, Any]) -> list[Finding]:
    findings = []
    blocks = _providers(parsed)

    def expect(alias: str | None, region: str, account: str | None, settings: Any) -> None:
        shown = f'provider "aws" (alias {alias})' if alias else 'provider "aws"'
        body = blocks.get(alias)
        if body is None:
            findings.append(Finding("verify", PROVIDERS_FILE, f"{shown} is missing"))
            return
        if literal_text(body.get("region")) != region:
            findings.append(
                Finding("verify", PROVIDERS_FILE, f"{shown}: region is not {preview(region)}")
            )
        allowed = literal_text(body.get("allowed_account_ids"))
        if allowed != ([account] if account else None):
            findings.append(
                Finding(
                    "verify",
                    PROVIDERS_FILE,
                    f"{shown}: allowed_account_ids is {preview(allowed)}, the answers say "
                    f"{preview(account)}",
                )
            )
        role = literal_text(_first_block(body, "assume_role").get("role_arn"))
        external = literal_text(_first_block(body, "assume_role").get("external_id"))
        profile = literal_text(body.get("profile"))
        want = (
            settings.role_arn if settings else None,
            settings.external_id if settings else None,
            settings.profile if settings else None,
        )
        if (role, external, profile) != want:
            findings.append(
                Finding(
                    "verify",
                    PROVIDERS_FILE,
                    f"{shown}: role, external id and profile are "
                    f"{preview((role, external, profile))}, "
                    f"the answers give {preview(want)}",
                )
            )

    expect(None, answers.region, None, answers.provider)
    expected_aliases: set[str | None] = {None}
    for peer in answers.peering:
        region = peer.region or answers.region
        if peer.account_id or region != answers.region:
            alias = f"peer_{key(peer.name)}"
            expected_aliases.add(alias)
            expect(alias, region, peer.account_id, peer.provider)
    for retired in answers.retired_peers:
        alias = f"peer_{key(retired.name)}"
        expected_aliases.add(alias)
        expect(alias, retired.region or answers.region, retired.account_id, retired.provider)
    for extra in sorted(set(blocks) - expected_aliases, key=str):
        findings.append(
            Finding("verify", PROVIDERS_FILE, f'provider "aws" alias {extra} is not in the answers')
        )
    return findings


def expected_peers(answers: Answers) -> dict[str, dict[str, Any]]:
    """The shared module's `peers` as the answers define them."""
    peers = {}
    for peer in answers.peering:
        region = peer.region or answers.region
        peers[peer.name] = {
            "vpc_id": peer.vpc_id,
            "cidr": peer.cidr,
            "extra_cidrs": list(peer.extra_cidrs),
            "ipv6_cidr": peer.ipv6_cidr,
            "account_id": peer.account_id,
            "region": region if region != answers.region else None,
            "remote": bool(peer.account_id) or region != answers.region,
            "connection_id": peer.connection_id,
            "accept": peer.connection_id is not None and peer.accept,
            "route_tables": {table: table for table in peer.route_table_ids},
            **expected_local_route_tables(peer.local_route_table_ids),
            "dns": peer.dns,
        }
    return peers


def expected_local_route_tables(tables: list[str] | None) -> dict[str, Any]:
    """Absent in the answers: no input (the module routes the endpoint subnets' tables); listed:
    local_route_tables by id; []: local_route_table_ids = [] (no route)."""
    if tables is None:
        return {}
    if not tables:
        return {"local_route_table_ids": []}
    return {"local_route_tables": {table: table for table in tables}}


def check_call(
    plan: DeploymentPlan, parsed: dict[str, Any], variables: dict[str, Any]
) -> list[Finding]:
    answers = plan.answers
    call = labelled(parsed, "module").get(MODULE_CALL)
    if call is None:
        return [Finding("verify", MAIN_FILE, f'module "{MODULE_CALL}" is missing')]
    findings = []
    if call.get("source") != plan.module_source:
        findings.append(
            Finding("verify", MAIN_FILE, f"the shared module's source is not {plan.module_source}")
        )
    given = {key: literal_text(value) for key, value in call.items() if key not in _META}
    peers = expected_peers(answers)
    expected: dict[str, Any] = {
        **{
            name: value
            for name, value in plan.module.module_arguments.items()
            if name
            not in ("peers", "private_dns_enabled", "allowed_security_group_ids", "on_premises")
        },
        **expected_on_premises(answers),
        # by key (the ids themselves), so that removing one group deletes only its rule
        "allowed_security_groups": {
            group: group for group in answers.security_group.allow_security_group_ids
        },
        "private_dns_enabled": endpoint_private_dns(answers),
        "private_hosted_zone": answers.uses_zone,
        "endpoint_policy": plan.module.policy_document,
        **({"peers": peers} if peers else {}),
    }
    accepted = {
        name: f"${{module.peer_{key(name)}.connection_id}}"
        for name, peer in peers.items()
        if peer["remote"] and peer["connection_id"] is None
    }
    if accepted:
        expected["accepted_connection_ids"] = accepted
    for name in sorted(set(given) | set(expected)):
        if given.get(name) != expected.get(name):
            findings.append(
                Finding(
                    "verify",
                    MAIN_FILE,
                    f"module {MODULE_CALL} argument {name}"
                    + difference(given.get(name), expected.get(name)),
                )
            )
    for name, body in sorted(variables.items()):
        if "default" not in body and name not in given:
            findings.append(
                Finding("verify", MAIN_FILE, f"the shared module's input {name} is not set")
            )
    for name in sorted(set(given) - set(variables)):
        findings.append(Finding("verify", MAIN_FILE, f"the shared module has no input {name}"))
    findings += check_peer_calls(plan, parsed, peers)
    return findings


def check_peer_calls(
    plan: DeploymentPlan, parsed: dict[str, Any], peers: dict[str, dict[str, Any]]
) -> list[Finding]:
    findings = []
    calls = {name: body for name, body in labelled(parsed, "module").items() if name != MODULE_CALL}
    expected_calls = {f"peer_{key(name)}": name for name, peer in peers.items() if peer["remote"]}
    for call in sorted(set(calls) - set(expected_calls)):
        findings.append(Finding("verify", MAIN_FILE, f"module {call} is not a remote peer's side"))
    answers = {peer.name: peer for peer in plan.answers.peering}
    for call, name in sorted(expected_calls.items()):
        body = calls.get(call)
        if body is None:
            findings.append(Finding("verify", MAIN_FILE, f"module {call} (peer {name}) is missing"))
            continue
        peer, side = answers[name], f'${{module.{MODULE_CALL}.peer_sides["{name}"]'
        alias = f"peer_{key(name)}"
        want = {
            "source": plan.peer_source,
            "providers": {"aws": f"${{aws.{alias}}}"},
            "name": name,
            "vpc_id": peer.vpc_id,
            "region": peer.region or plan.answers.region,
            "accept": peer.connection_id is None,
            "route_tables": {table: table for table in peer.route_table_ids},
            "vpc_cidrs": [peer.cidr, *peer.extra_cidrs],
            **({"vpc_ipv6_cidr": peer.ipv6_cidr} if peer.ipv6_cidr else {}),
            "dns": peer.dns,
            **{
                field: f"{side}.{field}}}"
                for field in (
                    "connection_id",
                    "destination_cidrs",
                    "destination_ipv6_cidrs",
                    "zone_id",
                    "zone_name",
                    "tags",
                )
            },
        }
        have = {field: literal_text(value) for field, value in body.items() if field != BLOCK_MARK}
        providers = body.get("providers")
        have["providers"] = providers
        for field in sorted(set(want) | set(have)):
            if have.get(field) != want.get(field):
                findings.append(
                    Finding(
                        "verify",
                        MAIN_FILE,
                        f"module {call} argument {field} is {preview(have.get(field))}, expected "
                        f"{preview(want.get(field))}",
                    )
                )
    return findings


def differences(given: Any, expected: Any, path: str = "") -> list[tuple[str, Any, Any]]:
    """The leaves where two parsed values differ, by path (`.beta.accept`)."""
    if isinstance(given, dict) and isinstance(expected, dict):
        found = []
        for key_ in sorted(set(given) | set(expected), key=str):
            if given.get(key_) != expected.get(key_):
                found += differences(given.get(key_), expected.get(key_), f"{path}.{key_}")
        return found
    return [(path, given, expected)]


def difference(given: Any, expected: Any) -> str:
    """Where a value differs from the answers', each side shown as a short preview."""
    parts = [
        f"{where} is {preview(have)}, the answers give {preview(want)}"
        for where, have, want in differences(given, expected)[:3]
    ]
    return "; ".join(parts)


def verify_deployment(
    plan: DeploymentPlan, files: dict[str, str], shared: dict[str, str]
) -> list[Finding]:
    """Every way the root's files disagree with the answers or the provider schema; `shared`:
    the shared module's files (its inputs)."""
    terraform = {name: text for name, text in files.items() if name.endswith(".tf")}
    parsed, findings = parse_files(terraform)
    for name in (PROVIDERS_FILE, MAIN_FILE):
        if name not in parsed:
            findings.append(Finding("verify", name, "file is missing from the deployment"))
    if findings:
        return findings
    shared_parsed, _ = parse_files({VARIABLES_FILE: shared[VARIABLES_FILE]})
    variables = {
        label: body
        for block in shared_parsed[VARIABLES_FILE].get("variable", [])
        for label, body in block.items()
    }
    findings += check_providers(plan.answers, parsed[PROVIDERS_FILE])
    findings += check_call(plan, parsed[MAIN_FILE], variables)
    if plan.answers.on_premises:
        call = labelled(parsed[MAIN_FILE], "module").get(MODULE_CALL, {})
        findings += check_on_premises_call(plan.answers, call, MAIN_FILE)
        findings += check_root_outputs(parsed.get(OUTPUTS_FILE, {}), OUTPUTS_FILE)
    shared_module, _ = parse_files({k: v for k, v in shared.items() if "/" not in k})
    resources = {
        "resource": [item for text in shared_module.values() for item in text.get("resource", [])]
    }
    # the import blocks, with the terraform block that must admit them (providers.tf)
    imports = {
        "import": parsed.get(IMPORTS_FILE, {}).get("import", []),
        "terraform": parsed[PROVIDERS_FILE].get("terraform", []),
    }
    findings += [
        Finding("verify", IMPORTS_FILE, finding.message)
        for finding in check_imports(plan.answers, imports, resources, "source_group")
    ]
    findings += check_schema(parsed, terraform)
    findings += skip_marker_findings(files, plan.skips)
    return findings
