"""Domain rules that need more than one field. Pure functions: answers in, problems out."""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator

from generator.answers import network
from generator.answers.model import Answers
from generator.answers.on_premises import check_on_premises
from generator.answers.policy import (
    partition_of,
    split_actions,
)
from generator.answers.policy_rules import check_policy
from generator.core import regions
from generator.core.errors import Problem, duplicate_problems, preview

LIMITED_CAPACITY_AZ_IDS = {"use1-az3": "us-east-1"}
# AWS quotas: 60 inbound rules per security group, 5 security groups per network interface.
MAX_INGRESS_RULES = 60
MAX_GROUPS_PER_ENI = 5
MAX_TAGS = 50
TAG_EXTRA_CHARS = set("_.:/=+-@")

AZ_PREFIX_WORDS = {
    "east": "e", "west": "w", "north": "n", "south": "s", "central": "c",
    "northeast": "ne", "northwest": "nw", "southeast": "se", "southwest": "sw",
}  # fmt: skip


# The largest region (us-east-1) has 6 AZs; an endpoint has one interface per AZ.
MAX_SUBNETS = 6


def check_all(answers: Answers) -> list[Problem]:
    return [problem for check in CHECKS for problem in check(answers)]


def check_dns_mode(answers: Answers) -> Iterator[Problem]:
    """dns_mode: endpoint keeps the endpoint's own private DNS: no peer can join a zone."""
    if answers.dns_mode != "endpoint":
        return
    for index, peer in enumerate(answers.peering):
        if peer.dns:
            yield Problem(
                f"peering[{index}].dns",
                f"peer {peer.name} resolves the Lambda API name through the private hosted "
                "zone, and dns_mode is endpoint (no zone): set dns: false for it, or dns_mode: "
                "zone",
            )


def az_id_prefix(region: str) -> str | None:
    """us-east-1 -> use1, ap-southeast-2 -> apse2: the prefix of the region's AZ ids."""
    known = regions.az_ids(region)
    if known:
        return known[0].rsplit("-", 1)[0]
    parts = region.split("-")
    geo, words, number = parts[0], parts[1:-1], parts[-1]
    letters = []
    for word in words:
        if word == "gov":
            letters.append("g")
        elif word in AZ_PREFIX_WORDS:
            letters.append(AZ_PREFIX_WORDS[word])
        else:
            return None
    return f"{geo}{''.join(letters)}{number}"


def check_subnets(answers: Answers) -> Iterator[Problem]:
    if len(answers.subnets) > MAX_SUBNETS:
        yield Problem(
            "subnets",
            f"{len(answers.subnets)} subnets: an endpoint takes one subnet per availability "
            f"zone, and no region has more than {MAX_SUBNETS} zones",
        )
        return
    seen_ids: dict[str, int] = {}
    seen_azs: dict[str, int] = {}
    for index, subnet in enumerate(answers.subnets):
        path = f"subnets[{index}]"
        if subnet.id in seen_ids:
            yield Problem(f"{path}.id", f"{subnet.id} repeats subnets[{seen_ids[subnet.id]}].id")
        seen_ids.setdefault(subnet.id, index)
        if subnet.az_id is None:
            continue
        if subnet.az_id in LIMITED_CAPACITY_AZ_IDS:
            yield Problem(
                f"{path}.az_id",
                f"{subnet.az_id} has limited capacity for Lambda VPC use (AWS guide); "
                "choose a subnet in another AZ",
            )
        if subnet.az_id in seen_azs:
            yield Problem(
                f"{path}.az_id",
                f"{subnet.az_id} repeats subnets[{seen_azs[subnet.az_id]}].az_id; one subnet "
                "per AZ (a second interface in the same AZ adds cost, not redundancy)",
            )
        seen_azs.setdefault(subnet.az_id, index)
        outside = regions.az_id_problem(answers.region, subnet.az_id)
        if outside:
            yield Problem(f"{path}.az_id", outside)


def check_security_group(answers: Answers) -> Iterator[Problem]:
    group = answers.security_group
    if not group.create and not group.existing_ids:
        yield Problem(
            "security_group.existing_ids",
            "with create: false give at least one existing group id (otherwise AWS attaches "
            "the VPC's default group)",
        )
    for index, cidr in enumerate(group.allow_cidrs):
        if ipaddress.IPv4Network(cidr).prefixlen == 0:
            yield Problem(
                f"security_group.allow_cidrs[{index}]",
                f"{cidr} would open the endpoint to every address; list the client networks",
            )
    yield from duplicate_problems("security_group.allow_cidrs", group.allow_cidrs)
    yield from duplicate_problems("vpc.extra_cidrs", answers.vpc.extra_cidrs)
    yield from duplicate_problems("vpc.ipv6_cidrs", answers.vpc.ipv6_cidrs)
    yield from duplicate_problems(
        "security_group.allow_security_group_ids", group.allow_security_group_ids
    )
    yield from duplicate_problems("security_group.existing_ids", group.existing_ids)
    rules = network.ingress_rule_count(answers)
    if group.create and rules > MAX_INGRESS_RULES:
        yield Problem(
            "security_group",
            f"{rules} ingress rules needed; AWS allows {MAX_INGRESS_RULES} per security group",
        )
    groups = int(group.create) + len(group.existing_ids)
    if groups > MAX_GROUPS_PER_ENI:
        yield Problem(
            "security_group.existing_ids",
            f"{groups} groups in all; AWS allows {MAX_GROUPS_PER_ENI} per network interface",
        )


# AWS: group names and descriptions take a-z, A-Z, 0-9, spaces and ._-:/()#,@[]+=&;{}!$*
# (EC2-VPC), and a name may not start with "sg-".
GROUP_TEXT_RE = re.compile(r"[A-Za-z0-9 ._\-:/()#,@\[\]+=&;{}!$*]+", re.ASCII)


def check_group_texts(answers: Answers) -> Iterator[Problem]:
    group = answers.security_group
    for field in ("name", "description"):
        value = getattr(group, field)
        if value is None:
            continue
        path = f"security_group.{field}"
        if not group.create:
            yield Problem(path, "only a group the module creates has a name (create: true)")
        if not GROUP_TEXT_RE.fullmatch(value):
            yield Problem(
                path,
                f"{preview(value)} has characters AWS refuses in a security group {field}: "
                "use letters, digits, spaces and ._-:/()#,@[]+=&;{}!$*",
            )
    if group.name is not None and group.name.lower().startswith("sg-"):
        yield Problem("security_group.name", "AWS refuses group names that start with 'sg-'")
    if group.name is not None and group.name == "default":
        yield Problem("security_group.name", "'default' is the VPC's own group: choose another")


def check_import(answers: Answers) -> Iterator[Problem]:
    """The `import:` ids must name what the module would manage, once each."""
    yield from check_group_texts(answers)
    imported = answers.import_
    if imported is None:
        return
    group = answers.security_group
    if imported.security_group_id is not None and not group.create:
        yield Problem(
            "import.security_group_id",
            "the module takes over a group only with security_group.create: true "
            "(list it under security_group.existing_ids to attach it as it is)",
        )
    if imported.security_group_id in group.existing_ids:
        yield Problem(
            "import.security_group_id",
            f"{imported.security_group_id} is also in security_group.existing_ids: "
            "a group is either taken over or attached, not both",
        )
    if imported.security_group_rules and imported.security_group_id is None:
        yield Problem(
            "import.security_group_rules",
            "rules are imported only with the group they belong to (import.security_group_id)",
        )
    sources = {answers.vpc.cidr, *group.allow_cidrs, *group.allow_security_group_ids}
    yield from duplicate_problems(
        "import.security_group_rules",
        [rule.source for rule in imported.security_group_rules],
    )
    yield from duplicate_problems(
        "import.security_group_rules", [rule.id for rule in imported.security_group_rules]
    )
    for index, rule in enumerate(imported.security_group_rules):
        if rule.source not in sources:
            yield Problem(
                f"import.security_group_rules[{index}].source",
                f"{preview(rule.source)} is not a source of the module's rules: use vpc.cidr, "
                "an allow_cidrs entry or an allow_security_group_ids entry",
            )


def tag_text_problem(text: str) -> str | None:
    """AWS tag text allows letters, digits, spaces and _ . : / = + - @ (any script)."""
    for char in text:
        category = unicodedata.category(char)
        if char in TAG_EXTRA_CHARS or category[0] in "LN" or category == "Zs":
            continue
        return (
            f"character {char!r} (U+{ord(char):04X}) is not allowed: AWS tags allow "
            "letters, digits, spaces and _ . : / = + - @"
        )
    return None


def check_tags(answers: Answers) -> Iterator[Problem]:
    if len(answers.tags) + ("Name" not in answers.tags) > MAX_TAGS:
        yield Problem(
            "tags",
            f"{len(answers.tags)} tags; AWS allows {MAX_TAGS} per resource (tfgen adds Name)",
        )
    for key, value in answers.tags.items():
        where = f"tags.{key}"
        if not 1 <= len(key) <= 128:
            yield Problem(where, "tag keys are 1 to 128 characters")
        if key.lower().startswith("aws:"):
            yield Problem(where, "tag keys starting with 'aws:' are reserved by AWS")
        if len(value) > 256:
            yield Problem(where, "tag values are at most 256 characters")
        for text in (key, value):
            reason = tag_text_problem(text)
            if reason:
                yield Problem(where, reason)
                break


def check_peering(answers: Answers) -> Iterator[Problem]:
    """Peer names unique, peer VPCs distinct, peer CIDRs disjoint from the VPC and each other."""
    if not answers.peering:
        return
    names: dict[str, int] = {}
    vpc_ids: dict[str, int] = {}
    for index, peer in enumerate(answers.peering):
        path = f"peering[{index}]"
        if peer.name in names:
            yield Problem(
                f"{path}.name", f"{preview(peer.name)} is also peering[{names[peer.name]}].name"
            )
        names.setdefault(peer.name, index)
        if peer.vpc_id == answers.vpc.id:
            yield Problem(f"{path}.vpc_id", f"{peer.vpc_id} is the endpoint's own VPC (vpc.id)")
        elif peer.vpc_id in vpc_ids:
            yield Problem(
                f"{path}.vpc_id", f"{peer.vpc_id} is also peering[{vpc_ids[peer.vpc_id]}].vpc_id"
            )
        vpc_ids.setdefault(peer.vpc_id, index)
        if peer.region and partition_of(peer.region) != partition_of(answers.region):
            yield Problem(
                f"{path}.region",
                f"{peer.region} is in partition {partition_of(peer.region)}, the endpoint's "
                f"region {answers.region} in {partition_of(answers.region)}: VPC peering "
                "does not cross partitions",
            )
        yield from duplicate_problems(f"{path}.extra_cidrs", peer.extra_cidrs)
        yield from duplicate_problems(f"{path}.route_table_ids", peer.route_table_ids)
        yield from duplicate_problems(
            f"{path}.local_route_table_ids", peer.local_route_table_ids or []
        )


def check_retired_peers(answers: Answers) -> Iterator[Problem]:
    """A retired peer keeps a provider alias: unique, not a current peer, and one that needs it."""
    current = {peer.name for peer in answers.peering}
    seen: dict[str, int] = {}
    for index, peer in enumerate(answers.retired_peers):
        path = f"retired_peers[{index}].name"
        if peer.name in current:
            yield Problem(
                path, f"{preview(peer.name)} is a current peer (in peering): remove this entry"
            )
        elif peer.name in seen:
            yield Problem(
                path, f"{preview(peer.name)} is also retired_peers[{seen[peer.name]}].name"
            )
        elif peer.account_id is None and peer.region in (None, answers.region):
            yield Problem(
                path,
                f"{preview(peer.name)} is in the endpoint's account and region: it has no provider "
                "alias to keep, so remove this entry",
            )
        seen.setdefault(peer.name, index)


def check_providers(answers: Answers) -> Iterator[Problem]:
    """A provider's role is in the account it acts in; a git source comes with its ref."""
    from generator.answers.fields import ROLE_ARN_RE

    places = [("provider", answers.provider, answers.account_id)]
    places += [
        (f"peering[{index}].provider", peer.provider, peer.account_id)
        for index, peer in enumerate(answers.peering)
    ]
    places += [
        (f"retired_peers[{index}].provider", peer.provider, peer.account_id)
        for index, peer in enumerate(answers.retired_peers)
    ]
    for path, settings, account in places:
        if settings is None:
            continue
        if settings.role_arn and settings.profile:
            yield Problem(f"{path}.profile", "give role_arn or profile, not both")
        if settings.external_id and not settings.role_arn:
            yield Problem(f"{path}.external_id", "an external id goes with a role_arn")
        match = ROLE_ARN_RE.fullmatch(settings.role_arn or "")
        if match and account and match.group("account") != account:
            yield Problem(
                f"{path}.role_arn",
                f"the role is in account {match.group('account')}, not {account} (account_id)",
            )
    deployment = answers.deployment
    if deployment is not None and bool(deployment.module_source) != bool(deployment.module_ref):
        missing = "module_ref" if deployment.module_source else "module_source"
        yield Problem(
            f"deployment.{missing}",
            "a git source of the shared module needs both module_source and module_ref",
        )


# AWS's default quotas (Amazon VPC quotas page): active peering connections per VPC, 50
# (adjustable to 125, the bound of `peering`); routes per route table that are not propagated,
# 50 (adjustable to 1,000). A table also holds its own routes (local, NAT, others), so the
# warning comes before tfgen's routes alone fill it.
PEERINGS_PER_VPC = 50
ROUTES_PER_TABLE = 50
ROUTES_WARN_FROM = 45


def quota_warnings(answers: Answers) -> list[Problem]:
    """Valid answers that AWS's default quotas would refuse at apply unless raised first."""
    found = []
    if len(answers.peering) > PEERINGS_PER_VPC:
        found.append(
            Problem(
                "peering",
                f"{len(answers.peering)} peers: AWS's default quota of active VPC peering "
                f"connections per VPC is {PEERINGS_PER_VPC} (adjustable to 125): ask for more for "
                f"{answers.vpc.id} (Service Quotas, Amazon VPC) before applying",
            )
        )
    routes: dict[str, int] = {}
    for peer in answers.peering:
        per_table = 1 + len(peer.extra_cidrs) + (1 if peer.ipv6_cidr else 0)
        for table in peer.local_route_table_ids or ():  # absent: tables read at plan
            routes[table] = routes.get(table, 0) + per_table
    for table, count in sorted(routes.items()):
        if count >= ROUTES_WARN_FROM:
            found.append(
                Problem(
                    "peering",
                    f"{count} routes to peers in {table}: with the routes it already has, AWS's "
                    f"default quota of {ROUTES_PER_TABLE} routes per route table may be reached "
                    "(adjustable to 1,000: ask before applying)",
                )
            )
    return found


def warnings(answers: Answers) -> list[Problem]:
    """Answers that are valid but leave something undone the user should know about."""
    found = network.network_warnings(answers)
    for index, peer in enumerate(answers.peering):
        path = f"peering[{index}]"
        if not peer.route_table_ids:
            found.append(
                Problem(
                    f"{path}.route_table_ids",
                    f"empty: no route in {peer.name}'s VPC {peer.vpc_id} sends {answers.vpc.cidr} "
                    "through the peering connection, so clients there will not reach the "
                    "endpoint until its owner adds one (list the peer's route tables to have "
                    "tfgen make it)",
                )
            )
        if peer.local_route_table_ids == []:
            found.append(
                Problem(
                    f"{path}.local_route_table_ids",
                    f"empty: tfgen makes no route in {answers.vpc.id} that sends {peer.cidr} "
                    "back through the peering connection, so the endpoint's replies reach "
                    f"{peer.name} only if routes made elsewhere do; leave the field out to have "
                    "tfgen route it in the endpoint subnets' route tables",
                )
            )
    dns_peers = [peer.name for peer in answers.peering if peer.dns]
    if dns_peers and not answers.private_dns:
        found.append(
            Problem(
                "private_dns",
                "false, but peers " + ", ".join(dns_peers) + " have dns: true: the private "
                f"hosted zone for {regions.lambda_dns_name(answers.region)} is created with the "
                f"endpoint's VPC {answers.vpc.id}, so the name resolves to the endpoint there too",
            )
        )
    found += quota_warnings(answers)
    for index, retired in enumerate(answers.retired_peers):
        found.append(
            Problem(
                f"retired_peers[{index}]",
                f"peer {retired.name} was removed: its provider alias aws.peer_"
                f"{retired.name.replace('-', '_')} stays so that terraform can destroy its "
                "resources; once `terraform apply` has done that, run `tfgen render "
                "--drop-retired` to remove the alias",
            )
        )
    if answers.policy.allow_wildcards:
        for index, statement in enumerate(answers.policy.statements):
            for field in ("principals", "actions", "functions"):
                wild = [v for v in getattr(statement, field) if "*" in v or "?" in v]
                if wild and statement.effect == "Allow":
                    found.append(
                        Problem(
                            f"policy.statements[{index}].{field}",
                            f"wildcard {', '.join(wild)} allowed by policy.allow_wildcards: "
                            "the endpoint lets more through than named principals, actions "
                            "and functions would",
                        )
                    )
    for index, statement in enumerate(answers.policy.statements):
        unscoped = split_actions(statement)[1]
        if unscoped:
            found.append(
                Problem(
                    f"policy.statements[{index}].actions",
                    f'{", ".join(unscoped)}: AWS authorizes only on Resource "*" (no resource '
                    "type in the Service Authorization Reference), so function ARNs would never "
                    'match; rendered in a statement of its own with Resource "*" for the same '
                    "principals and conditions: the functions do not limit it",
                )
            )
    if answers.policy.full_access:
        found.append(
            Problem(
                "policy.full_access",
                "true: any principal may call any Lambda action through this endpoint",
            )
        )
    if answers.peering and not answers.security_group.create:
        found.append(
            Problem(
                "security_group.create",
                "false: tfgen creates no ingress rules, so the peers' CIDRs ("
                + ", ".join(
                    cidr
                    for peer in answers.peering
                    for cidr in (peer.cidr, *peer.extra_cidrs, *filter(None, [peer.ipv6_cidr]))
                )
                + ") must be allowed on TCP 443 in the existing groups",
            )
        )
    return found


# Every rule, in order (load.py also runs each on its own, on answers that partly validated).
CHECKS: tuple[Callable[[Answers], Iterable[Problem]], ...] = (
    check_subnets,
    check_security_group,
    check_policy,
    check_tags,
    check_peering,
    check_import,
    check_retired_peers,
    check_providers,
    check_dns_mode,
    network.check_network,
    check_on_premises,
)
