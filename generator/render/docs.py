"""What the module's README says beyond the templates: inputs/outputs tables read back from the
rendered HCL, the Mermaid network diagram, the policy in plain words, the cost estimate (F6),
for the templates to render.

The tables are parsed from the rendered `.tf` text, so they cannot disagree with
variables.tf/outputs.tf; the diagram and the policy words come from the same plan and model
the templates render. (`tfgen docs`, which rewrites README.md alone, is in pipeline.py.)
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cache, lru_cache
from importlib import resources
from typing import Any

from generator.answers.model import Answers
from generator.core.hcl import parse_hcl
from generator.core.markers import terminal_text
from generator.core.regions import lambda_dns_name, lambda_service_name
from generator.plan.peering import PeeringPlan
from generator.plan.statements import StatementPlan

PRICING_FILE = "privatelink_pricing.json"
CENT = Decimal("0.01")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")
_INTERPOLATION = re.compile(r"^\$\{(?P<body>.*)\}$", re.DOTALL)


# ---- inputs and outputs ------------------------------------------------------------------


def markdown_text(value: str) -> str:
    """Plain text safe in a Markdown table cell or sentence (bidirectional and control
    characters written as escapes, so the README reads as the module does)."""
    return terminal_text(_MARKDOWN_SPECIAL.sub(r"\\\1", value).replace("\n", " "))


def code_span(value: str) -> str:
    """`value` as inline code inside a Markdown table (a `|` would end the cell)."""
    value = terminal_text(value.replace("\n", " ").replace("|", "\\|"))
    fence = "``" if "`" in value else "`"
    pad = " " if "`" in value else ""
    return f"{fence}{pad}{value}{pad}{fence}"


def type_text(value: Any) -> str:
    """python-hcl2 gives `string` bare and `list(string)` as `${list(string)}`: unwrap it."""
    text = str(value) if value is not None else "any"
    match = _INTERPOLATION.match(text)
    return match.group("body") if match else text


def default_text(value: Any) -> str:
    """A parsed default as HCL would write it (JSON and HCL agree on these literals)."""
    if isinstance(value, str):
        match = _INTERPOLATION.match(value)
        if match:
            return match.group("body")
    return json.dumps(value, ensure_ascii=False)


def _blocks(files: dict[str, str], kind: str) -> list[tuple[str, dict[str, Any]]]:
    # The module's own files (not example/) that can declare such a block.
    texts = tuple(
        text
        for name, text in files.items()
        if name.endswith(".tf") and "/" not in name and f'{kind} "' in text
    )
    return _blocks_of(texts, kind)


@lru_cache(maxsize=32)
def _blocks_of(texts: tuple[str, ...], kind: str) -> list[tuple[str, dict[str, Any]]]:
    # variables.tf and outputs.tf take a handful of forms in a whole batch: read each once.
    # Callers only read the result.
    found = []
    for text in texts:
        for block in parse_hcl(text).get(kind, []):
            found.extend(block.items())
    return found


def input_rows(files: dict[str, str]) -> list[dict[str, str]]:
    """One row per `variable` block of the module's .tf files, in file order."""
    rows = []
    for name, body in _blocks(files, "variable"):
        required = "default" not in body
        rows.append(
            {
                "name": name,
                "description": markdown_text(str(body.get("description", ""))),
                "type": code_span(type_text(body.get("type"))),
                "default": "n/a" if required else code_span(default_text(body["default"])),
                "required": "yes" if required else "no",
            }
        )
    return rows


def output_rows(files: dict[str, str]) -> list[dict[str, str]]:
    """One row per `output` block of the module's .tf files, in file order."""
    return [
        {"name": name, "description": markdown_text(str(body.get("description", "")))}
        for name, body in _blocks(files, "output")
    ]


# ---- the endpoint policy in plain words --------------------------------------------------


def words(items: list[str]) -> str:
    """a; a and b; a, b and c."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def principal_name(principal: str) -> str:
    """`arn:aws:iam::111122223333:user/MyUser` -> MyUser; an account id -> account <id>."""
    if principal == "*":
        return "anyone"
    if principal.isdigit():
        return f"account {principal}"
    parts = principal.split(":", 5)
    if len(parts) == 6:
        resource = parts[5]
        if resource == "root":
            return f"account {parts[4]}"
        if "/" in resource:
            return resource.rsplit("/", 1)[1]
        return resource
    return principal


def action_name(action: str) -> str:
    """`lambda:InvokeFunction` -> InvokeFunction; `*` and `lambda:*` -> any Lambda action."""
    short = action.split(":", 1)[1] if action.lower().startswith("lambda:") else action
    return "any Lambda action" if short == "*" else short


def function_name(arn: str) -> str:
    """A function ARN -> its name (with the qualifier, if the answers gave one)."""
    if arn == "*":
        return "any function"
    marker = ":function:"
    return arn.split(marker, 1)[1] if marker in arn else arn


def statement_sentence(statement: StatementPlan) -> str:
    """`MyUser may InvokeFunction on my-function.` (names only; the JSON has the full ARNs)."""
    who = words([markdown_text(principal_name(p)) for p in statement.principals])
    where = words([markdown_text(function_name(f)) for f in statement.functions])
    parts = []
    if statement.scoped_actions:
        actions = words([markdown_text(action_name(a)) for a in statement.scoped_actions])
        parts.append(f"{actions} on {where}")
    if statement.any_resource_actions:
        actions = words([markdown_text(action_name(a)) for a in statement.any_resource_actions])
        parts.append(
            f"{actions} on any resource "
            '(`Resource: "*"`, the only resource AWS authorizes these on)'
        )
    verb = "may not" if statement.effect == "Deny" else "may"
    when = ", when the conditions in the JSON below hold" if statement.has_conditions else ""
    sentence = f"{who} {verb} {', and '.join(parts)}{when}."
    # "account 1234..." and "anyone" are tfgen's words: capitalized; names are left as they are
    return re.sub(r"^(account|anyone)\b", lambda m: m.group(1).capitalize(), sentence)


def policy_sentences(statements: tuple[StatementPlan, ...]) -> list[str]:
    return [statement_sentence(statement) for statement in statements]


def qualified_functions(statements: tuple[StatementPlan, ...]) -> list[str]:
    """Functions the answers name with a qualifier (`f:live`, `f:3`): the policy lists them
    only in that form, so it covers only that alias or version."""
    found: list[str] = []
    for statement in statements:
        for arn in statement.qualified:
            name = markdown_text(function_name(arn))
            if name not in found:
                found.append(name)
    return found


# ---- the Mermaid diagram -----------------------------------------------------------------


def mermaid_label(*lines: str) -> str:
    """A quoted Mermaid label; lines joined with <br/>, quotes and markup made entities."""
    escaped = [
        line.replace("&", "#amp;").replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")
        for line in lines
    ]
    return '"' + "<br/>".join(escaped) + '"'


def mermaid_diagram(answers: Answers, plan: PeeringPlan) -> str:
    """A flowchart of the endpoint VPC, its subnets and AZs, the endpoint, the security group,
    and every peer with its route and DNS arrows. Node ids are fixed words, subnet indexes and
    peer keys ([a-z0-9_]), never raw input; every label is quoted."""
    region = answers.region
    group = answers.security_group
    lines = ["flowchart LR"]
    lines.append(f"  subgraph vpc[{mermaid_label(f'VPC {answers.vpc.id}', answers.vpc.cidr)}]")
    lines.append(f"    clients[{mermaid_label('Clients in the VPC')}]")
    if group.create:
        sg_lines = ["Security group (created)", "TCP 443 in only"]
    elif group.existing_ids:
        sg_lines = ["Security groups (existing)"]
    else:
        sg_lines = ["The VPC's default security group"]
    sg_lines += [sg for sg in group.existing_ids]
    lines.append(f"    sg[{mermaid_label(*sg_lines)}]")
    lines.append(
        f"    endpoint[{mermaid_label('Interface endpoint', lambda_service_name(region))}]"
    )
    for index, subnet in enumerate(answers.subnets, start=1):
        subnet_lines = [subnet.id] + ([subnet.az_id] if subnet.az_id else []) + ["endpoint ENI"]
        lines.append(f"    subnet_{index}[{mermaid_label(*subnet_lines)}]")
    lines.append("  end")
    lines.append(f"  lambda[{mermaid_label('AWS Lambda API', region)}]")
    if plan.dns:
        lines.append(f"  zone[{mermaid_label('Route 53 private hosted zone', plan.dns.zone_name)}]")
    for peer in plan.peers:
        place = [f"account {peer.account_id}" if peer.cross_account else "same account"]
        place.append(peer.region if peer.cross_region else "same region")
        label = mermaid_label(f"Peer VPC {peer.name}", peer.vpc_id, peer.cidr, ", ".join(place))
        lines.append(f"  peer_{peer.key}[{label}]")

    lines.append(f"  clients -->|{mermaid_label('TCP 443')}| sg")
    lines.append("  sg --> endpoint")
    for index in range(1, len(answers.subnets) + 1):
        lines.append(f"  endpoint --- subnet_{index}")
    lines.append(f"  endpoint -->|{mermaid_label('PrivateLink')}| lambda")
    if plan.dns:
        lines.append(f"  zone -.->|{mermaid_label('alias')}| endpoint")
        lines.append(f"  clients -.->|{mermaid_label('DNS')}| zone")
    elif answers.private_dns:
        dns_label = mermaid_label(f"private DNS: {lambda_dns_name(region)}")
        lines.append(f"  clients -.->|{dns_label}| endpoint")
    for peer in plan.peers:
        node = f"peer_{peer.key}"
        connection = peer.connection_id or "new peering connection"
        if peer.route_table_ids:
            route = mermaid_label(f"route to {answers.vpc.cidr}", connection, "TCP 443")
            lines.append(f"  {node} -->|{route}| sg")
        else:
            route = mermaid_label(f"no route to {answers.vpc.cidr} yet", connection)
            lines.append(f"  {node} -.->|{route}| sg")
        routed = peer.local_route_table_ids is None or bool(peer.local_route_table_ids)
        back = "route to " + peer.cidr if routed else "no return route yet"
        arrow = "-->" if routed else "-.->"
        lines.append(f"  endpoint {arrow}|{mermaid_label(back)}| {node}")
        if peer.dns:
            lines.append(f"  {node} -.->|{mermaid_label('DNS')}| zone")
    if answers.on_premises is not None:
        section = answers.on_premises
        lines.append(f"  onprem[{mermaid_label('On-premises DNS forwarders', *section.cidrs)}]")
        subnets = ", ".join(subnet.id for subnet in section.resolver_subnets)
        label = mermaid_label("Route 53 Resolver inbound endpoint", subnets, "TCP/UDP 53 in only")
        lines.append(f"  resolver[{label}]")
        lines.append(f"  onprem -.->|{mermaid_label('DNS')}| resolver")
        lines.append(f"  resolver -.->|{mermaid_label('endpoint IPs')}| endpoint")
    return "\n".join(lines)


# ---- the cost estimate (F6) --------------------------------------------------------------


@cache
def pricing() -> dict[str, Any]:
    """The dated rate table; numbers as Decimal so the estimate is exact."""
    text = resources.files("generator.catalog").joinpath(PRICING_FILE).read_text("utf-8")
    return json.loads(text, parse_float=Decimal, parse_int=Decimal)


def money(value: Decimal) -> str:
    return f"${value.quantize(CENT, rounding=ROUND_HALF_UP):,.2f}"


def number(value: Decimal) -> str:
    """1460 -> 1,460; 12.5 -> 12.5 (no trailing zeros)."""
    if value == value.to_integral_value():
        return f"{int(value):,}"
    return f"{value.normalize():,f}"


def rate(value: Decimal) -> str:
    return f"${value.normalize():f}"


@dataclass(frozen=True)
class CostLine:
    item: str
    quantity: str
    rate: str
    amount: Decimal

    @property
    def monthly(self) -> str:
        return money(self.amount)


@dataclass(frozen=True)
class CostEstimate:
    region: str
    azs: int
    gb_per_month: Decimal
    hours_per_month: Decimal
    source: str
    as_of: str
    resolver_source: str
    location: str | None = None
    lines: tuple[CostLine, ...] = ()

    @property
    def known(self) -> bool:
        return self.location is not None

    @property
    def hours_text(self) -> str:
        return number(self.hours_per_month)

    @property
    def gb_text(self) -> str:
        return number(self.gb_per_month)

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal(0)).quantize(
            CENT, rounding=ROUND_HALF_UP
        )

    @property
    def total_text(self) -> str:
        return money(self.total)

    @property
    def computation(self) -> str:
        return " + ".join(f"{line.quantity} × {line.rate}" for line in self.lines) + (
            f" = {self.total_text}"
        )


def cost_estimate(answers: Answers) -> CostEstimate:
    """Endpoint hours (one interface per subnet, so per AZ) and data processed, per month."""
    table = pricing()
    azs = len(answers.subnets)
    gb = Decimal(str(answers.cost.gb_per_month))
    hours = table["hours_per_month"]
    base = {
        "region": answers.region,
        "azs": azs,
        "gb_per_month": gb,
        "hours_per_month": hours,
        "source": table["source"],
        "as_of": table["as_of"],
        "resolver_source": table["resolver_source"],
    }
    region = table["regions"].get(answers.region)
    if region is None:
        return CostEstimate(**base)
    hourly = region["endpoint_hour_per_az"]
    lines = [
        CostLine(
            "endpoint hours",
            f"{azs} AZ × {number(hours)} h",
            f"{rate(hourly)} per AZ-hour",
            azs * hours * hourly,
        )
    ]
    if answers.on_premises is not None:
        enis = len(answers.on_premises.resolver_subnets)
        lines.append(
            CostLine(
                "Resolver inbound endpoint hours",
                f"{enis} ENI × {number(hours)} h",
                f"{rate(region['resolver_endpoint_hour_per_eni'])} per ENI-hour",
                enis * hours * region["resolver_endpoint_hour_per_eni"],
            )
        )
    remaining, floor = gb, Decimal(0)
    for tier in region["gb_tiers"]:
        ceiling = tier["up_to_gb"]
        size = remaining if ceiling is None else min(remaining, ceiling - floor)
        if size > 0 or floor == 0:
            name = "data processed" + (f" above {number(floor)} GB" if floor else "")
            lines.append(
                CostLine(
                    name,
                    f"{number(size)} GB",
                    f"{rate(tier['per_gb'])} per GB",
                    size * tier["per_gb"],
                )
            )
        remaining -= size
        if ceiling is None or remaining <= 0:
            break
        floor = ceiling
    return CostEstimate(**base, location=region["location"], lines=tuple(lines))
