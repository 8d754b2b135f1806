"""Rules for the endpoint policy's statements (F9): principals, actions, functions, conditions
and the policy's size. Pure functions: answers in, problems out (run by rules.check_all)."""

from __future__ import annotations

import datetime
import ipaddress
import re
from collections.abc import Iterator

from generator import catalog
from generator.answers.fields import ACCOUNT_RE
from generator.answers.model import Answers, PolicyStatement
from generator.answers.policy import (
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
from generator.core.errors import Problem, did_you_mean, duplicate_problems, preview

# Matched whole and ASCII only: IAM names are [A-Za-z0-9_+=,.@-] (AWS IAM quotas page).
PRINCIPAL_RE = re.compile(
    r"arn:(?P<partition>aws[a-z-]*):(?:"
    r"iam::[0-9]{12}:(?:root|user/[\w+=,.@/-]{1,512}|role/[\w+=,.@/-]{1,512})"
    r"|sts::[0-9]{12}:assumed-role/[\w+=,.@-]{1,64}/[\w+=,.@-]{1,64})",
    re.ASCII,
)

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
# Every pattern here is matched whole (fullmatch: `$` accepts a trailing newline) in ASCII
# (`\d` accepts Arabic-Indic or fullwidth digits, which IAM does not parse).
CONDITION_OPERATOR_RE = re.compile(
    r"(?:(?P<set>ForAnyValue|ForAllValues):)?(?P<base>[A-Za-z]+?)(?P<if_exists>IfExists)?",
    re.ASCII,
)
NUMERIC_RE = re.compile(r"-?[0-9]+(?:\.[0-9]+)?", re.ASCII)
EPOCH_RE = re.compile(r"[0-9]{1,12}", re.ASCII)
# ISO 8601 as IAM reads it: a date, optionally a time to the minute, second or fraction, and
# an offset (Z or +hh:mm); no space for the T, no week or ordinal dates.
ISO_DATE_RE = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
    r"(?:T[0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]{1,9})?)?(?:Z|[+-][0-9]{2}:[0-9]{2})?)?",
    re.ASCII,
)
# IpAddress takes an address or CIDR in prefix notation: no netmask (10.0.0.0/255.0.0.0), no
# IPv6 zone id (fe80::1%eth0), which Python's ipaddress would accept.
IP_CONDITION_RE = re.compile(r"[0-9A-Fa-f:.]+(?:/[0-9]{1,3})?", re.ASCII)
# IAM action wildcards are `*` (any run) and `?` (one character): nothing else is a pattern.
ACTION_PATTERN_RE = re.compile(r"[A-Za-z0-9*?]+", re.ASCII)


def action_matches(pattern: str, names: list[str]) -> list[str]:
    """The action names an IAM action pattern matches (`*` and `?` only, case-insensitive as
    IAM compares actions)."""
    translated = "".join(
        ".*" if char == "*" else "." if char == "?" else re.escape(char) for char in pattern
    )
    compiled = re.compile(translated, re.IGNORECASE | re.ASCII)
    return [name for name in names if compiled.fullmatch(name)]


# An IAM policy variable: ${aws:username}, ${aws:PrincipalTag/team}, ${*}, ${?}, ${$}.
POLICY_VARIABLE_RE = re.compile(r"\$\{[^}]*\}")


def check_policy_variables(
    path: str, statement: PolicyStatement, version: str | None
) -> Iterator[Problem]:
    """IAM replaces policy variables only under Version 2012-10-17; under 2008-10-17 (or no
    Version, which IAM reads as 2008-10-17) `${aws:PrincipalTag/team}` is literal text, so a
    Deny with it never matches and an Allow never grants."""
    values = [(f"{path}.functions[{i}]", f) for i, f in enumerate(statement.functions)]
    for operator, pairs in statement.conditions.items():
        for key, value in pairs.items():
            for item in value if isinstance(value, list) else [value]:
                values.append((f"{path}.conditions.{operator}.{key}", item))
    for where, value in values:
        match = POLICY_VARIABLE_RE.search(value)
        if match:
            yield Problem(
                where,
                f"{preview(match.group(0))} is an IAM policy variable, which IAM replaces only "
                f"under Version 2012-10-17: with {'no Version' if version is None else version} "
                "it is compared as literal text (a Deny with it never matches); set "
                "policy.version: 2012-10-17",
            )
            return


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
        if policy.version != "2012-10-17":
            yield from check_policy_variables(path, statement, policy.version)
        if statement.sid is not None:
            if not re.fullmatch(r"[A-Za-z0-9]{1,100}", statement.sid, re.ASCII):
                yield Problem(
                    f"{path}.sid", f"{preview(statement.sid)}: use 1-100 letters and digits"
                )
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
    yield from duplicate_problems(f"{path}.principals", statement.principals)
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
                f"{preview(principal)} is not an IAM principal: use a 12-digit account id "
                "or an ARN "
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
    yield from duplicate_problems(f"{path}.actions", statement.actions)
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
                    f"{preview(action)} is a wildcard; refused unless "
                    "policy.allow_wildcards is true (name the actions instead)",
                )
            elif action != "*" and not ACTION_PATTERN_RE.fullmatch(name):
                yield Problem(
                    where,
                    f"{preview(action)} is not an IAM action pattern: IAM's wildcards are * and "
                    "? only, around letters and digits",
                )
                continue
            elif action != "*" and not action_matches(name, list(known)):
                yield Problem(where, f"{preview(action)} matches no Lambda action")
            if action == "*" or service == "lambda":
                continue
        if service != "lambda":
            yield Problem(
                where,
                f"{preview(action)} is not a Lambda action: a Lambda endpoint policy "
                "only governs lambda:* actions",
            )
        elif name not in known:
            yield Problem(
                where,
                f"{preview(action)} is not a Lambda IAM action{did_you_mean(action, qualified)}",
            )


def check_functions(path: str, statement: PolicyStatement, answers: Answers) -> Iterator[Problem]:
    wildcards = answers.policy.allow_wildcards
    partition = partition_of(answers.region)
    yield from duplicate_problems(f"{path}.functions", statement.functions)
    for index, function in enumerate(statement.functions):
        where = f"{path}.functions[{index}]"
        match = FUNCTION_ARN_RE.fullmatch(function)
        if match and match.group("qualifier") == "*":
            yield Problem(
                where,
                f"{preview(function)}: give the unqualified ARN; tfgen adds the ':*' form itself",
            )
            continue
        if ("*" in function or "?" in function) and not wildcards:
            yield Problem(
                where,
                f"{preview(function)} has a wildcard; refused unless policy.allow_wildcards "
                "is true",
            )
            continue
        if function == "*":
            continue
        if not function.startswith("arn:"):
            if not FUNCTION_NAME_RE.fullmatch(function):
                yield Problem(
                    where, f"{preview(function)} is neither a function ARN nor a function name"
                )
            elif answers.account_id is None:
                yield Problem(
                    where,
                    f"{preview(function)} is a bare name: give the full ARN "
                    "(arn:aws:lambda:REGION:ACCOUNT:function:NAME) or set account_id",
                )
            continue
        yield from _check_function_arn(where, function, answers.region, partition)


def _check_function_arn(where: str, arn: str, region: str, partition: str) -> Iterator[Problem]:
    match = FUNCTION_ARN_RE.fullmatch(arn)
    if not match:
        yield Problem(
            where,
            f"{preview(arn)} is not a Lambda function ARN "
            "(arn:aws:lambda:REGION:ACCOUNT:function:NAME)",
        )
        return
    if match.group("region") != region:
        yield Problem(
            where,
            f"function is in {match.group('region')}, the endpoint reaches Lambda in "
            f"{region}: tfgen renders the endpoint for its own region's Lambda service (AWS "
            "also lets an interface endpoint reach Lambda in another region, cross-region "
            "PrivateLink with service_region, which tfgen does not render yet)",
        )
    if match.group("partition") != partition:
        yield Problem(
            where,
            f"{arn} is in partition {match.group('partition')}, "
            f"the endpoint's region {region} is in {partition}",
        )


def condition_operator_problem(operator: str) -> str | None:
    """None for a valid IAM condition operator, else why it is not one."""
    match = CONDITION_OPERATOR_RE.fullmatch(operator)
    if not match:
        return (
            f"{preview(operator)} is not an IAM condition operator: at most one ForAnyValue: or "
            "ForAllValues: prefix, then an operator such as StringEquals, then at most one "
            "IfExists"
        )
    base = match.group("base")
    if base not in CONDITION_OPERATORS:
        return (
            f"{preview(operator)} is not an IAM condition operator"
            f"{did_you_mean(base, list(CONDITION_OPERATORS))}"
        )
    if base == "Null" and match.group("if_exists"):
        return (
            f"{preview(operator)} is not an IAM condition operator: Null already tests whether the "
            "key exists, so it has no IfExists form"
        )
    return None


def condition_value_problem(base: str, value: str) -> str | None:
    """Bool, Numeric, Date and IpAddress operators compare typed values: check the type."""
    if base in ("Bool", "Null"):
        if value not in ("true", "false"):
            return f"{preview(value)} is not true or false ({base} compares booleans)"
    elif base.startswith("Numeric"):
        if not NUMERIC_RE.fullmatch(value):
            return f"{preview(value)} is not a number ({base} compares numbers, e.g. 10 or 2.5)"
    elif base.startswith("Date"):
        if not EPOCH_RE.fullmatch(value) and not _iso_date(value):
            return (
                f"{preview(value)} is not a date ({base} takes ISO 8601 such as "
                "2026-01-31T00:00:00Z, or epoch seconds)"
            )
    elif base in ("IpAddress", "NotIpAddress"):
        try:
            if not IP_CONDITION_RE.fullmatch(value):
                raise ValueError(value)
            ipaddress.ip_network(value, strict=False)
        except ValueError:
            return (
                f"{preview(value)} is not an IP address or CIDR ({base} takes e.g. "
                "203.0.113.0/24 or 2001:db8::/32)"
            )
    return None


def _iso_date(value: str) -> bool:
    if not ISO_DATE_RE.fullmatch(value):
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
        match = CONDITION_OPERATOR_RE.fullmatch(operator)
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
                    f"{where}.{key}",
                    f"{preview(key)} is not a condition key (e.g. aws:PrincipalOrgID)",
                )
            if value == []:
                yield Problem(f"{where}.{key}", "needs at least one value")
