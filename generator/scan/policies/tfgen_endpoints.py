"""Pure helpers of tfgen's checkov checks: Lambda endpoints, their policies, private hosted
zones and subnets, read from the graph (`tfgen_graph`). No checkov import: tested in tfgen's
own environment too (tests/unit/test_checkov_helpers.py).
"""

from __future__ import annotations

import json
import re
from typing import Any

from tfgen_graph import (
    LAMBDA_SERVICE,
    LAMBDA_ZONE,
    MISSING,
    Scope,
    active,
    as_bool,
    as_list,
    base_name,
    first,
    node_conf,
    same_expression,
    strip_interpolation,
    unresolved,
)

# ---- Lambda endpoints -----------------------------------------------------------------------


_ENDPOINT_SERVICE_REF = re.compile(
    r"^data\.aws_vpc_endpoint_service\.([A-Za-z_][\w-]*)\.(?:service_name|private_dns_name)$"
)


def endpoint_service_data(value: Any, scope: Scope | None) -> dict[str, Any] | None:
    """The configuration of the `aws_vpc_endpoint_service` data source that a value reads a
    name from (`data.aws_vpc_endpoint_service.X.service_name`), in this module instance."""
    if scope is None or not isinstance(value, str):
        return None
    match = _ENDPOINT_SERVICE_REF.match(strip_interpolation(value).strip())
    if not match:
        return None
    found = scope.data("aws_vpc_endpoint_service", match.group(1))
    return node_conf(found[0]) if len(found) == 1 else None


def is_lambda_service(conf: dict[str, Any]) -> bool | None:
    """Whether an `aws_vpc_endpoint_service` data source reads Lambda's interface service."""
    service = first(conf, "service", None)
    if isinstance(service, str) and not unresolved(service):
        if service.strip() != "lambda":
            return False
        kind = first(conf, "service_type", "Interface")
        if isinstance(kind, str) and not unresolved(kind):
            return kind.lower() == "interface"
        return True
    name = first(conf, "service_name", None)
    if isinstance(name, str) and not unresolved(name):
        return bool(LAMBDA_SERVICE.match(name.strip()))
    return None


def is_lambda_endpoint(conf: dict[str, Any], scope: Scope | None = None) -> bool | None:
    """True for an interface endpoint of com.amazonaws.<region>.lambda (written, or read from
    an `aws_vpc_endpoint_service` data source for service lambda); None if unknown."""
    service = first(conf, "service_name", None)
    if scope is not None:
        service = scope.resolve(service)
    named_by = endpoint_service_data(service, scope)
    if named_by is not None:
        service = "com.amazonaws.${region}.lambda" if is_lambda_service(named_by) else None
    if not isinstance(service, str):
        return None
    if LAMBDA_SERVICE.match(service.strip()):
        kind = first(conf, "vpc_endpoint_type", "Interface")
        if scope is not None:
            kind = scope.resolve(kind)
        if isinstance(kind, str) and not unresolved(kind):
            return kind.lower() == "interface"
        return True  # Lambda offers interface endpoints only
    return None if unresolved(service) else False


def private_dns(conf: dict[str, Any], scope: Scope) -> bool | None:
    """An endpoint's private DNS: from an aws_vpc_endpoint_private_dns that manages it (it
    wins over the endpoint's own argument after creation), else the endpoint's argument."""
    for node in scope.resources("aws_vpc_endpoint_private_dns"):
        settings = node_conf(node)
        if active(settings) is False:
            continue
        if scope.refers_to_me(first(settings, "vpc_endpoint_id", None)):
            manager = Scope(scope.graph, node)
            return as_bool(manager.resolve(first(settings, "private_dns_enabled", None)))
    value = scope.resolve(first(conf, "private_dns_enabled", False))
    return as_bool(value)


def endpoint_region(conf: dict[str, Any]) -> str | None:
    service = first(conf, "service_name", None)
    match = LAMBDA_SERVICE.match(service.strip()) if isinstance(service, str) else None
    if not match:
        return None
    region = service.strip().split(".")[-2]
    return None if unresolved(region) else region


# ---- policies -------------------------------------------------------------------------------

_GUARDED_JSONENCODE = re.compile(
    r"^(?:(?:var|local)\.[\w-]+\s*(?:==|!=)\s*(?:None|null)\s*\?\s*"
    r"(?:(?:None|null)\s*:\s*)?)?jsonencode\((?P<inner>.+)\)(?:\s*:\s*(?:None|null))?$",
    re.S,
)
_POLICY_DOCUMENT = re.compile(r"^data\.aws_iam_policy_document\.([\w-]+)\.(?:json|minified_json)$")


def policy_document(value: Any, scope: Scope) -> tuple[str, dict[str, Any] | None]:
    """("none", None) for no policy (AWS's full-access default), ("doc", document) or
    ("unknown", None) when the policy cannot be read statically."""
    value = scope.resolve(value)
    if value is None or value is MISSING or value == "" or value == []:
        return "none", None
    if isinstance(value, dict):
        return ("doc", value) if "Statement" in value or "statement" in value else ("unknown", None)
    if not isinstance(value, str):
        return "unknown", None
    text = value.strip()
    try:
        loaded = json.loads(text)
    except ValueError:
        loaded = MISSING
    if isinstance(loaded, dict):
        return "doc", loaded
    if loaded is None:
        return "none", None
    expression = strip_interpolation(text)
    match = _GUARDED_JSONENCODE.match(expression)
    if match:
        inner = scope.resolve(match.group("inner").strip())
        if inner is None:
            return "none", None
        if isinstance(inner, dict):
            return policy_document(inner, scope)
        return "unknown", None
    match = _POLICY_DOCUMENT.match(expression)
    if match:
        documents = scope.data("aws_iam_policy_document", match.group(1))
        if len(documents) == 1:
            converted = iam_policy_document(node_conf(documents[0]))
            if converted is not None:
                return "doc", converted
    return "unknown", None


def iam_policy_document(conf: dict[str, Any]) -> dict[str, Any] | None:
    """An aws_iam_policy_document data source as a JSON policy; None if it merges others."""
    for merged in ("source_policy_documents", "override_policy_documents", "source_json"):
        if merged in conf:
            return None
    statements = []
    for block in as_list(conf.get("statement")):
        if not isinstance(block, dict):
            return None
        statement: dict[str, Any] = {"Effect": first(block, "effect", "Allow")}
        for field, key in (
            ("actions", "Action"),
            ("not_actions", "NotAction"),
            ("resources", "Resource"),
            ("not_resources", "NotResource"),
        ):
            if field in block:
                statement[key] = as_list(first(block, field))
        for field, key in (("principals", "Principal"), ("not_principals", "NotPrincipal")):
            principals: dict[str, list[Any]] = {}
            for principal in as_list(block.get(field)):
                kind = first(principal, "type", None)
                principals.setdefault(str(kind), []).extend(
                    as_list(first(principal, "identifiers", None))
                )
            if principals:
                everyone = principals.get("*") == ["*"] or principals.get("AWS") == ["*"]
                statement[key] = "*" if everyone and len(principals) == 1 else principals
        conditions: dict[str, dict[str, Any]] = {}
        for condition in as_list(block.get("condition")):
            test = first(condition, "test", None)
            variable = first(condition, "variable", None)
            conditions.setdefault(str(test), {})[str(variable)] = as_list(
                first(condition, "values", None)
            )
        if conditions:
            statement["Condition"] = conditions
        statements.append(statement)
    return {"Version": "2012-10-17", "Statement": statements}


def statements(document: dict[str, Any]) -> list[dict[str, Any]] | None:
    found = document.get("Statement", document.get("statement"))
    found = as_list(found)
    return found if all(isinstance(item, dict) for item in found) else None


def is_allow(statement: dict[str, Any]) -> bool | None:
    effect = statement.get("Effect", "Allow")
    if not isinstance(effect, str) or unresolved(effect):
        return None
    return effect.lower() == "allow"


def wildcard_principal(statement: dict[str, Any]) -> bool | None:
    """True when anyone is a principal ("*", {"AWS": "*"}, or a NotPrincipal)."""
    if "NotPrincipal" in statement:
        return True
    principal = statement.get("Principal", MISSING)
    if principal is MISSING:
        return False  # an identity policy shape: no principal element at all
    values = (
        [item for group in principal.values() for item in as_list(group)]
        if isinstance(principal, dict)
        else as_list(principal)
    )
    if "*" in values:
        return True
    return None if unresolved(values) else False


def wildcard_action(statement: dict[str, Any]) -> bool | None:
    """True for "*" or "lambda:*" (any case), or a NotAction."""
    if "NotAction" in statement:
        return True
    actions = as_list(statement.get("Action"))
    if any(isinstance(a, str) and a.strip().lower() in ("*", "lambda:*") for a in actions):
        return True
    return None if unresolved(actions) else False


def has_condition(statement: dict[str, Any]) -> bool:
    return bool(statement.get("Condition"))


def endpoint_policy(conf: dict[str, Any], scope: Scope) -> tuple[str, dict[str, Any] | None]:
    """The endpoint's policy: its `policy` argument, else an aws_vpc_endpoint_policy resource of
    the same module instance that names the endpoint."""
    state, document = policy_document(first(conf, "policy", None), scope)
    if state != "none":
        return state, document
    separate = [
        node
        for node in scope.resources("aws_vpc_endpoint_policy")
        if scope.refers_to_me(first(node_conf(node), "vpc_endpoint_id", None))
    ]
    if separate:
        states = [policy_document(first(node_conf(n), "policy", None), scope) for n in separate]
        docs = [item for item in states if item[0] == "doc"]
        return docs[0] if len(docs) == len(states) == 1 else ("unknown", None)
    if scope.me is None:
        # the graph is not readable: a separate policy resource cannot be ruled out
        return "unknown", None
    return "none", None


# ---- VPCs and private hosted zones ----------------------------------------------------------


_VPC_RESOURCE = re.compile(r"^(aws_vpc\.[\w-]+(?:\[[^\]]*\])?)\.id$")


def same_vpc(a: Any, a_scope: Scope, b: Any, b_scope: Scope) -> bool | None:
    """Whether two vpc_id values name the same VPC within one root module (one Terraform
    configuration; separate configurations scanned together are unrelated). Literal ids
    compare; within one module instance the same expression is the same VPC and two aws_vpc
    resources are two VPCs; references across module instances are unknown."""
    if a_scope.root is None or b_scope.root is None:
        return None
    if a_scope.root != b_scope.root:
        return False
    if not isinstance(a, str) or not isinstance(b, str):
        return None
    if not unresolved(a) and not unresolved(b):
        return a.strip() == b.strip()
    if not (unresolved(a) and unresolved(b)) or a_scope.ctx != b_scope.ctx:
        return None
    if same_expression(a, b):
        return True
    vpcs = [_VPC_RESOURCE.match(strip_interpolation(value)) for value in (a, b)]
    if vpcs[0] and vpcs[1]:
        return False  # two different aws_vpc resources
    return None


def zone_vpcs(conf: dict[str, Any], zone_scope: Scope) -> list[tuple[Any, Scope]]:
    """(vpc_id, module instance) of every VPC a private hosted zone (`conf`, seen from
    `zone_scope`) is associated with: its `vpc` blocks and the aws_route53_zone_association
    resources that name it. A vpc_id of None stands for an association that cannot be told."""
    found: list[tuple[Any, Scope]] = []
    for block in as_list(conf.get("vpc")):
        if isinstance(block, dict):
            found.append((zone_scope.resolve(first(block, "vpc_id", None)), zone_scope))
    for association in zone_scope.resources("aws_route53_zone_association"):
        settings = node_conf(association)
        if not zone_scope.refers_to_me(first(settings, "zone_id", None)):
            continue
        is_active = active(settings)
        if is_active is False:
            continue
        vpc = zone_scope.resolve(first(settings, "vpc_id", None))
        found.append((vpc if is_active else None, zone_scope))
    return found


def zone_region(zone_conf: dict[str, Any], scope: Scope) -> tuple[bool, str | None]:
    """(is a lambda.<region>.amazonaws.com zone, its region when static)."""
    name = scope.resolve(first(zone_conf, "name", None))
    named_by = endpoint_service_data(name, scope)
    if named_by is not None:
        return bool(is_lambda_service(named_by)), None
    if not isinstance(name, str):
        return False, None
    match = LAMBDA_ZONE.match(name.strip())
    if not match:
        return False, None
    region = match.group(1)
    return True, None if unresolved(region) else region


def lambda_zones(scope: Scope) -> list[dict[str, Any]]:
    found = []
    for zone in scope.resources("aws_route53_zone", everywhere=True):
        is_lambda, _region = zone_region(node_conf(zone), Scope(scope.graph, zone))
        if is_lambda and active(node_conf(zone)) is not False:
            found.append(zone)
    return found


def lambda_endpoints(scope: Scope) -> list[dict[str, Any]]:
    found = []
    for node in scope.resources("aws_vpc_endpoint", everywhere=True):
        settings = node_conf(node)
        if active(settings) is False:
            continue
        if is_lambda_endpoint(settings, Scope(scope.graph, node)) is not False:
            found.append(node)
    return found


# ---- subnets --------------------------------------------------------------------------------


def endpoint_subnets(conf: dict[str, Any], scope: Scope) -> tuple[list[Any], bool]:
    """The endpoint's subnets (ids or references) and whether the list is complete: its
    subnet_ids, subnet_configuration blocks and aws_vpc_endpoint_subnet_association resources."""
    complete = True
    subnets: list[Any] = []
    value = scope.resolve(first(conf, "subnet_ids", None))
    if value is not None and value is not MISSING:
        if isinstance(value, str) and unresolved(value):
            complete = False  # e.g. var.subnet_ids without a static value
        else:
            for item in as_list(value):
                if isinstance(item, str) and item not in subnets:
                    subnets.append(item)
    for block in as_list(conf.get("subnet_configuration")):
        subnet = scope.resolve(first(block, "subnet_id", None)) if isinstance(block, dict) else None
        if isinstance(subnet, str) and subnet not in subnets:
            subnets.append(subnet)
    for association in scope.resources("aws_vpc_endpoint_subnet_association"):
        settings = node_conf(association)
        if not scope.refers_to_me(first(settings, "vpc_endpoint_id", None)):
            continue
        is_active = active(settings)
        if is_active is None:
            complete = False
        if is_active:
            subnet = scope.resolve(first(settings, "subnet_id", None))
            if isinstance(subnet, str) and subnet not in subnets:
                subnets.append(subnet)
    if scope.me is None:
        complete = False  # associations cannot be seen without the graph
    return subnets, complete


def subnet_zone(subnet: Any, scope: Scope) -> tuple[str | None, str | None]:
    """(AZ id, AZ name) of a subnet where the configuration shows it, else (None, None)."""
    if not isinstance(subnet, str):
        return None, None
    text = strip_interpolation(subnet)
    candidates: list[dict[str, Any]] = []
    match = re.match(r"^aws_subnet\.([\w-]+)", text)
    if match:
        candidates = [
            node
            for node in scope.resources("aws_subnet")
            if base_name(str(node.get("block_name_", ""))) == match.group(1)
        ]
    match = re.match(r"^data\.aws_subnet\.([\w-]+)", text)
    if match:
        candidates = scope.data("aws_subnet", match.group(1))
    if not unresolved(text):
        candidates = [
            node
            for node in scope.all
            if node.get("resource_type") == "data.aws_subnet"
            and first(node_conf(node), "id", None) == text
        ]
    zones = {subnet_zone_of(node_conf(node)) for node in candidates}
    return zones.pop() if len(zones) == 1 else (None, None)


def subnet_zone_of(conf: dict[str, Any]) -> tuple[str | None, str | None]:
    zone_id = first(conf, "availability_zone_id", None)
    zone = first(conf, "availability_zone", None)
    for block in as_list(conf.get("filter")):
        name = first(block, "name", None) if isinstance(block, dict) else None
        values = as_list(first(block, "values", None)) if isinstance(block, dict) else []
        if name == "availability-zone-id" and len(values) == 1:
            zone_id = values[0]
        if name == "availability-zone" and len(values) == 1:
            zone = values[0]
    zone_id = zone_id if isinstance(zone_id, str) and not unresolved(zone_id) else None
    zone = zone if isinstance(zone, str) and not unresolved(zone) else None
    return zone_id, zone
