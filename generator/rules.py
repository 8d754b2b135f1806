"""Domain rules that need more than one field. Pure functions: answers in, problems out."""

from __future__ import annotations

import datetime
import difflib
import fnmatch
import ipaddress
import re
import unicodedata
from collections.abc import Iterator

from generator import catalog, network, regions
from generator.answers import Answers, PolicyStatement
from generator.errors import Problem, preview
from generator.policy import (
    ANY_RESOURCE_SID_SUFFIX,
    FUNCTION_ARN_RE,
    FUNCTION_NAME_RE,
    MAX_POLICY_CHARS,
    endpoint_policy_document,
    foreign_resource_types,
    partition_of,
    policy_size,
    split_actions,
)

LIMITED_CAPACITY_AZ_IDS = {"use1-az3": "us-east-1"}
# AWS quotas: 60 inbound rules per security group, 5 security groups per network interface.
MAX_INGRESS_RULES = 60
MAX_GROUPS_PER_ENI = 5
MAX_TAGS = 50
TAG_EXTRA_CHARS = set("_.:/=+-@")

# Matched whole and ASCII only: IAM names are [A-Za-z0-9_+=,.@-] (AWS IAM quotas page).
PRINCIPAL_RE = re.compile(
    r"arn:(?P<partition>aws[a-z-]*):(?:"
    r"iam::[0-9]{12}:(?:root|user/[\w+=,.@/-]{1,512}|role/[\w+=,.@/-]{1,512})"
    r"|sts::[0-9]{12}:assumed-role/[\w+=,.@-]{1,64}/[\w+=,.@-]{1,64})",
    re.ASCII,
)
ACCOUNT_RE = re.compile(r"[0-9]{12}", re.ASCII)

CONDITION_OPERATORS = (
    "StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase",
    "StringLike", "StringNotLike", "NumericEquals", "NumericNotEquals", "NumericLessThan",
    "NumericLessThanEquals", "NumericGreaterThan", "NumericGreaterThanEquals", "DateEquals",
    "DateNotEquals", "DateLessThan", "DateLessThanEquals", "DateGreaterThan",
    "DateGreaterThanEquals", "Bool", "BinaryEquals", "IpAddress", "NotIpAddress", "ArnEquals",
    "ArnLike", "ArnNotEquals", "ArnNotLike", "Null",
)  # fmt: skip
# IAM's condition operator grammar: at most one set prefix, then an operator, then at most
# one `IfExists` (which Null has not: it already tests whether the key exists).
CONDITION_OPERATOR_RE = re.compile(
    r"^(?:(?P<set>ForAnyValue|ForAllValues):)?(?P<base>[A-Za-z]+?)(?P<if_exists>IfExists)?$"
)
NUMERIC_RE = re.compile(r"^-?\d+(?:\.\d+)?$")
EPOCH_RE = re.compile(r"^\d{1,12}$")
AZ_PREFIX_WORDS = {
    "east": "e", "west": "w", "north": "n", "south": "s", "central": "c",
    "northeast": "ne", "northwest": "nw", "southeast": "se", "southwest": "sw",
}  # fmt: skip


# The largest region (us-east-1) has 6 AZs; an endpoint has one interface per AZ.
MAX_SUBNETS = 6


def check_all(answers: Answers) -> list[Problem]:
    checks = (
        check_subnets,
        check_security_group,
        check_policy,
        check_tags,
        check_peering,
        check_import,
        check_retired_peers,
        network.check_network,
    )
    return [problem for check in checks for problem in check(answers)]


def did_you_mean(value: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(value, choices, n=1, cutoff=0.75)
    return f"; did you mean {close[0]!r}?" if close else ""


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
    yield from _duplicates("security_group.allow_cidrs", group.allow_cidrs)
    yield from _duplicates("vpc.extra_cidrs", answers.vpc.extra_cidrs)
    yield from _duplicates("vpc.ipv6_cidrs", answers.vpc.ipv6_cidrs)
    yield from _duplicates(
        "security_group.allow_security_group_ids", group.allow_security_group_ids
    )
    yield from _duplicates("security_group.existing_ids", group.existing_ids)
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
GROUP_TEXT_RE = re.compile(r"^[A-Za-z0-9 ._\-:/()#,@\[\]+=&;{}!$*]+$")


def check_group_texts(answers: Answers) -> Iterator[Problem]:
    group = answers.security_group
    for field in ("name", "description"):
        value = getattr(group, field)
        if value is None:
            continue
        path = f"security_group.{field}"
        if not group.create:
            yield Problem(path, "only a group the module creates has a name (create: true)")
        if not GROUP_TEXT_RE.match(value):
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
    yield from _duplicates(
        "import.security_group_rules",
        [rule.source for rule in imported.security_group_rules],
    )
    yield from _duplicates(
        "import.security_group_rules", [rule.id for rule in imported.security_group_rules]
    )
    for index, rule in enumerate(imported.security_group_rules):
        if rule.source not in sources:
            yield Problem(
                f"import.security_group_rules[{index}].source",
                f"{preview(rule.source)} is not a source of the module's rules: use vpc.cidr, "
                "an allow_cidrs entry or an allow_security_group_ids entry",
            )


def _duplicates(path: str, values: list[str]) -> Iterator[Problem]:
    seen: set[str] = set()
    for index, value in enumerate(values):
        if value in seen:
            yield Problem(f"{path}[{index}]", f"{value} is listed twice")
        seen.add(value)


def check_policy(answers: Answers) -> Iterator[Problem]:
    policy = answers.policy
    if policy.full_access and policy.statements:
        yield Problem("policy.statements", "give statements or full_access: true, not both")
        return
    if not policy.full_access and not policy.statements:
        yield Problem(
            "policy.statements",
            "required unless policy.full_access is true (without a policy the endpoint lets "
            "every principal call every Lambda action)",
        )
        return
    sids: dict[str, int] = {}
    for index, statement in enumerate(policy.statements):
        path = f"policy.statements[{index}]"
        if statement.sid is not None:
            if not re.fullmatch(r"[A-Za-z0-9]{1,100}", statement.sid, re.ASCII):
                yield Problem(f"{path}.sid", f"{statement.sid!r}: use 1-100 letters and digits")
            elif statement.sid in sids:
                yield Problem(
                    f"{path}.sid", f"{statement.sid} repeats statements[{sids[statement.sid]}]"
                )
            sids.setdefault(statement.sid, index)
        yield from check_principals(path, statement, answers)
        yield from check_actions(path, statement, policy.allow_wildcards)
        yield from check_functions(path, statement, answers)
        yield from check_conditions(path, statement)
        scoped, unscoped = split_actions(statement)
        if statement.sid and scoped and unscoped:
            extra_sid = f"{statement.sid}{ANY_RESOURCE_SID_SUFFIX}"
            if len(extra_sid) > 100 or extra_sid in (s.sid for s in policy.statements):
                yield Problem(
                    f"{path}.sid",
                    f'{extra_sid} (the Sid of this statement\'s Resource "*" statement for '
                    f"{', '.join(unscoped)}) is too long or taken: choose a shorter or other sid",
                )
    document = endpoint_policy_document(answers)
    if document is not None and policy_size(document) > MAX_POLICY_CHARS:
        yield Problem(
            "policy",
            f"the endpoint policy would be {policy_size(document)} characters; AWS allows "
            f"{MAX_POLICY_CHARS}: use fewer statements or wildcards with allow_wildcards",
        )


def check_principals(path: str, statement: PolicyStatement, answers: Answers) -> Iterator[Problem]:
    partition = partition_of(answers.region)
    yield from _duplicates(f"{path}.principals", statement.principals)
    for index, principal in enumerate(statement.principals):
        where = f"{path}.principals[{index}]"
        if principal == "*":
            if not answers.policy.allow_wildcards:
                yield Problem(
                    where, "'*' (anyone) is refused unless policy.allow_wildcards is true"
                )
            elif len(statement.principals) > 1:
                yield Problem(where, "'*' already covers every principal; list it alone")
            continue
        if ACCOUNT_RE.fullmatch(principal):
            continue
        match = PRINCIPAL_RE.fullmatch(principal)
        if not match:
            yield Problem(
                where,
                f"{principal!r} is not an IAM principal: use a 12-digit account id or an ARN "
                "such as arn:aws:iam::111122223333:user/Name or ...:role/Name",
            )
        elif match.group("partition") != partition:
            yield Problem(
                where,
                f"{principal} is in partition {match.group('partition')}, "
                f"the endpoint's region {answers.region} is in {partition}",
            )


def check_actions(
    path: str, statement: PolicyStatement, allow_wildcards: bool
) -> Iterator[Problem]:
    known = catalog.lambda_actions()
    qualified = [f"lambda:{name}" for name in known]
    yield from _duplicates(f"{path}.actions", statement.actions)
    for index, action in enumerate(statement.actions):
        where = f"{path}.actions[{index}]"
        foreign = [] if "*" in statement.functions else foreign_resource_types(action)
        if foreign:
            arns = catalog.lambda_resource_type_arns()
            needs = " and ".join(f"{kind} ({arns.get(kind, '?')})" for kind in foreign)
            yield Problem(
                where,
                f"{action} acts on {needs}, not on a function: with this statement's function "
                "ARNs as its Resource AWS would never allow it through the endpoint; tfgen's "
                "functions take only function ARNs, so remove the action (or, with "
                'allow_wildcards, give it functions: ["*"])',
            )
        service, _, name = action.partition(":")
        if action == "*" or "*" in name or "?" in name:
            if not allow_wildcards:
                yield Problem(
                    where,
                    f"{action!r} is a wildcard; refused unless "
                    "policy.allow_wildcards is true (name the actions instead)",
                )
            elif action != "*" and not fnmatch.filter(known, name):
                yield Problem(where, f"{action!r} matches no Lambda action")
            if action == "*" or service == "lambda":
                continue
        if service != "lambda":
            yield Problem(
                where,
                f"{action!r} is not a Lambda action: a Lambda endpoint policy "
                "only governs lambda:* actions",
            )
        elif name not in known:
            yield Problem(
                where, f"{action!r} is not a Lambda IAM action{did_you_mean(action, qualified)}"
            )


def check_functions(path: str, statement: PolicyStatement, answers: Answers) -> Iterator[Problem]:
    wildcards = answers.policy.allow_wildcards
    partition = partition_of(answers.region)
    yield from _duplicates(f"{path}.functions", statement.functions)
    for index, function in enumerate(statement.functions):
        where = f"{path}.functions[{index}]"
        match = FUNCTION_ARN_RE.fullmatch(function)
        if match and match.group("qualifier") == "*":
            yield Problem(
                where, f"{function!r}: give the unqualified ARN; tfgen adds the ':*' form itself"
            )
            continue
        if ("*" in function or "?" in function) and not wildcards:
            yield Problem(
                where, f"{function!r} has a wildcard; refused unless policy.allow_wildcards is true"
            )
            continue
        if function == "*":
            continue
        if not function.startswith("arn:"):
            if not FUNCTION_NAME_RE.fullmatch(function):
                yield Problem(where, f"{function!r} is neither a function ARN nor a function name")
            elif answers.account_id is None:
                yield Problem(
                    where,
                    f"{function!r} is a bare name: give the full ARN "
                    "(arn:aws:lambda:REGION:ACCOUNT:function:NAME) or set account_id",
                )
            continue
        yield from _check_function_arn(where, function, answers.region, partition)


def _check_function_arn(where: str, arn: str, region: str, partition: str) -> Iterator[Problem]:
    match = FUNCTION_ARN_RE.fullmatch(arn)
    if not match:
        yield Problem(
            where,
            f"{arn!r} is not a Lambda function ARN (arn:aws:lambda:REGION:ACCOUNT:function:NAME)",
        )
        return
    if match.group("region") != region:
        yield Problem(
            where,
            f"function is in {match.group('region')}, the endpoint in {region}: "
            "an interface endpoint only reaches Lambda in its own region",
        )
    if match.group("partition") != partition:
        yield Problem(
            where,
            f"{arn} is in partition {match.group('partition')}, "
            f"the endpoint's region {region} is in {partition}",
        )


def condition_operator_problem(operator: str) -> str | None:
    """None for a valid IAM condition operator, else why it is not one."""
    match = CONDITION_OPERATOR_RE.match(operator)
    if not match:
        return (
            f"{operator!r} is not an IAM condition operator: at most one ForAnyValue: or "
            "ForAllValues: prefix, then an operator such as StringEquals, then at most one "
            "IfExists"
        )
    base = match.group("base")
    if base not in CONDITION_OPERATORS:
        return (
            f"{operator!r} is not an IAM condition operator"
            f"{did_you_mean(base, list(CONDITION_OPERATORS))}"
        )
    if base == "Null" and match.group("if_exists"):
        return (
            f"{operator!r} is not an IAM condition operator: Null already tests whether the "
            "key exists, so it has no IfExists form"
        )
    return None


def condition_value_problem(base: str, value: str) -> str | None:
    """Bool, Numeric, Date and IpAddress operators compare typed values: check the type."""
    if base in ("Bool", "Null"):
        if value not in ("true", "false"):
            return f"{preview(value)} is not true or false ({base} compares booleans)"
    elif base.startswith("Numeric"):
        if not NUMERIC_RE.match(value):
            return f"{preview(value)} is not a number ({base} compares numbers, e.g. 10 or 2.5)"
    elif base.startswith("Date"):
        if not EPOCH_RE.match(value) and not _iso_date(value):
            return (
                f"{preview(value)} is not a date ({base} takes ISO 8601 such as "
                "2026-01-31T00:00:00Z, or epoch seconds)"
            )
    elif base in ("IpAddress", "NotIpAddress"):
        try:
            ipaddress.ip_network(value, strict=False)
        except ValueError:
            return (
                f"{preview(value)} is not an IP address or CIDR ({base} takes e.g. "
                "203.0.113.0/24 or 2001:db8::/32)"
            )
    return None


def _iso_date(value: str) -> bool:
    if not re.match(r"^\d{4}-\d{2}-\d{2}", value):
        return False
    try:
        datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def check_conditions(path: str, statement: PolicyStatement) -> Iterator[Problem]:
    for operator, pairs in statement.conditions.items():
        where = f"{path}.conditions.{operator}"
        reason = condition_operator_problem(operator)
        if reason:
            yield Problem(where, reason)
        match = CONDITION_OPERATOR_RE.match(operator)
        base = match.group("base") if match and not reason else ""
        for key, value in pairs.items():
            values = value if isinstance(value, list) else [value]
            for item in values:
                problem = condition_value_problem(base, item)
                if problem:
                    yield Problem(f"{where}.{key}", problem)
                    break
        if not pairs:
            yield Problem(where, "needs at least one condition key")
        for key, value in pairs.items():
            if not key or any(ch.isspace() for ch in key):
                yield Problem(
                    f"{where}.{key}", f"{key!r} is not a condition key (e.g. aws:PrincipalOrgID)"
                )
            if value == []:
                yield Problem(f"{where}.{key}", "needs at least one value")


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
            yield Problem(f"{path}.name", f"{peer.name!r} is also peering[{names[peer.name]}].name")
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
        yield from _duplicates(f"{path}.extra_cidrs", peer.extra_cidrs)
        yield from _duplicates(f"{path}.route_table_ids", peer.route_table_ids)
        yield from _duplicates(f"{path}.local_route_table_ids", peer.local_route_table_ids)


def check_retired_peers(answers: Answers) -> Iterator[Problem]:
    """A retired peer keeps a provider alias: unique, not a current peer, and one that needs it."""
    current = {peer.name for peer in answers.peering}
    seen: dict[str, int] = {}
    for index, peer in enumerate(answers.retired_peers):
        path = f"retired_peers[{index}].name"
        if peer.name in current:
            yield Problem(path, f"{peer.name!r} is a current peer (in peering): remove this entry")
        elif peer.name in seen:
            yield Problem(path, f"{peer.name!r} is also retired_peers[{seen[peer.name]}].name")
        elif peer.account_id is None and peer.region in (None, answers.region):
            yield Problem(
                path,
                f"{peer.name!r} is in the endpoint's account and region: it has no provider "
                "alias to keep, so remove this entry",
            )
        seen.setdefault(peer.name, index)


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
        if not peer.local_route_table_ids:
            found.append(
                Problem(
                    f"{path}.local_route_table_ids",
                    f"empty: no route in {answers.vpc.id} sends {peer.cidr} back through the "
                    "peering connection, so the endpoint's replies will not reach "
                    f"{peer.name}; list the route tables of the endpoint's subnets",
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
    for index, peer in enumerate(answers.retired_peers):
        found.append(
            Problem(
                f"retired_peers[{index}]",
                f"peer {peer.name} was removed: its provider alias aws.peer_"
                f"{peer.name.replace('-', '_')} stays so that terraform can destroy its "
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
