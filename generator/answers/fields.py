"""Field types of the answers model: each AWS id, CIDR, region, name and switch, with the
validator that checks one value on its own (whole-string, ASCII-only matching)."""

from __future__ import annotations

import ipaddress
import re
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator

from generator.core import regions
from generator.core.errors import preview


def _aws_id(prefix: str, what: str) -> AfterValidator:
    pattern = re.compile(rf"{prefix}-(?:[0-9a-f]{{8}}|[0-9a-f]{{17}})", re.ASCII)

    def check(value: str) -> str:
        if not pattern.fullmatch(value):
            raise ValueError(
                f"{preview(value)} is not a {what} id: expected '{prefix}-' followed by 8 or 17 "
                f"lowercase hex digits, e.g. {prefix}-0123456789abcdef0"
            )
        return value

    return AfterValidator(check)


VpcId = Annotated[str, _aws_id("vpc", "VPC")]
SubnetId = Annotated[str, _aws_id("subnet", "subnet")]
SecurityGroupId = Annotated[str, _aws_id("sg", "security group")]
PeeringConnectionId = Annotated[str, _aws_id("pcx", "VPC peering connection")]
RouteTableId = Annotated[str, _aws_id("rtb", "route table")]
EndpointId = Annotated[str, _aws_id("vpce", "VPC endpoint")]
SecurityGroupRuleId = Annotated[str, _aws_id("sgr", "security group rule")]

# Every pattern is matched whole (fullmatch: `$` would accept a trailing newline) and ASCII
# only (`\d` and `\w` would accept Arabic-Indic or fullwidth digits and Cyrillic letters).
AZ_ID_RE = re.compile(r"[a-z]{2,8}[0-9]{1,2}(?:-[a-z]{3}[0-9])?-az[0-9]{1,2}", re.ASCII)
ACCOUNT_RE = re.compile(r"[0-9]{12}", re.ASCII)
NAME_RE = re.compile(r"[a-z][a-z0-9-]{0,62}", re.ASCII)


def _check_region(value: str) -> str:
    problem = regions.region_problem(value)
    if problem:
        raise ValueError(problem)
    return value


def _check_az_id(value: str) -> str:
    if not AZ_ID_RE.fullmatch(value):
        raise ValueError(
            f"{preview(value)} is not an availability zone id (e.g. use1-az1); use the AZ id, "
            "not the AZ name such as us-east-1a, because names differ between accounts"
        )
    return value


def _check_account(value: str) -> str:
    if not ACCOUNT_RE.fullmatch(value):
        raise ValueError(f"{preview(value)} is not a 12-digit AWS account id (quote it in YAML)")
    return value


def _check_name(value: str) -> str:
    if not NAME_RE.fullmatch(value):
        raise ValueError(
            f"{preview(value)} is not allowed: use 1-63 characters [a-z0-9-], starting with "
            "a letter "
            "(it names the module and its folder, so no '/', '..' or spaces)"
        )
    return value


def _ipv4_network(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{preview(value)} is not a CIDR string such as 10.0.0.0/16")
    try:
        network = ipaddress.IPv4Network(value, strict=False)
    except ValueError:
        raise ValueError(f"{preview(value)} is not an IPv4 CIDR such as 10.0.0.0/16") from None
    if "/" not in value:
        raise ValueError(f"{preview(value)} has no prefix length; write e.g. {value}/32")
    if str(network) != value:
        raise ValueError(f"{preview(value)} has host bits set; the network is {network}")
    return value


def _ipv6_network(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{preview(value)} is not a CIDR string such as 2001:db8:1234:1a00::/56")
    try:
        network = ipaddress.IPv6Network(value, strict=False)
    except ValueError:
        raise ValueError(
            f"{preview(value)} is not an IPv6 CIDR such as 2001:db8:1234:1a00::/56"
        ) from None
    if "/" not in value:
        raise ValueError(f"{preview(value)} has no prefix length; write e.g. {value}/56")
    if str(network) != value:
        raise ValueError(
            f"{preview(value)} is not written canonically (host bits or case); use {network}"
        )
    return value


ROLE_ARN_RE = re.compile(
    r"arn:aws(?:-cn|-us-gov|-iso|-iso-b)?:iam::(?P<account>\d{12}):role/"
    r"(?:[\w+=,.@-]+/)*[\w+=,.@-]{1,64}",
    re.ASCII,
)
EXTERNAL_ID_RE = re.compile(r"[\w+=,.@:/-]{2,1224}", re.ASCII)
PROFILE_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}", re.ASCII)
# A git module source as Terraform reads it, without a ref (the ref is its own answer).
MODULE_SOURCE_RE = re.compile(
    r"git::(?:https://|ssh://)[A-Za-z0-9.@:_~/-]{1,400}\.git//[A-Za-z0-9._/-]{1,200}", re.ASCII
)
GIT_REF_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]{0,127}", re.ASCII)


def _pattern(regex: re.Pattern[str], what: str) -> Any:
    def check(value: str) -> str:
        if not regex.fullmatch(value) or ".." in value.split("//", 1)[-1].split("/"):
            raise ValueError(f"{preview(value)} is not {what}")
        return value

    return AfterValidator(check)


def _source_text(value: Any) -> Any:
    """A value that reaches a policy or a tag, as the text the file wrote. The loader makes a
    number or boolean only of plain `123`, `true` and `false` (see yamlsafe), whose text is
    exactly str(); anything else it keeps as text. A float's text is lost: ask for quotes."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        raise ValueError(f"{preview(value)} is a number here: quote it so it keeps its text")
    return value


def _condition_scalar(value: Any) -> str:
    value = _source_text(value)
    if isinstance(value, str):
        return value
    raise ValueError(
        f"{preview(value)} is not a condition value: use a string or a list of strings"
    )


def _condition_values(value: Any) -> Any:
    if isinstance(value, list):
        return [_condition_scalar(item) for item in value]
    return _condition_scalar(value)


def _boolean(value: Any) -> bool:
    # pydantic would also take "off", "no", 0 and 1.0: a switch is a YAML/JSON boolean only.
    if not isinstance(value, bool):
        raise ValueError(f"{preview(value)} is not a boolean: write true or false, unquoted")
    return value


def version_one(value: Any) -> Any:
    if type(value) is not int:
        raise ValueError(f"{preview(value)} is not allowed: the version is the integer 1")
    return value


Region = Annotated[str, AfterValidator(_check_region)]
AzId = Annotated[str, AfterValidator(_check_az_id)]
AccountId = Annotated[str, BeforeValidator(_source_text), AfterValidator(_check_account)]
ModuleName = Annotated[str, AfterValidator(_check_name)]
Ipv4Cidr = Annotated[str, BeforeValidator(_ipv4_network)]
Ipv6Cidr = Annotated[str, BeforeValidator(_ipv6_network)]
ConditionValues = Annotated[str | list[str], BeforeValidator(_condition_values)]
Switch = Annotated[bool, BeforeValidator(_boolean)]
TagText = Annotated[str, BeforeValidator(_source_text)]
PrincipalText = Annotated[str, BeforeValidator(_source_text)]
RoleArn = Annotated[
    str, _pattern(ROLE_ARN_RE, "an IAM role ARN (arn:aws:iam::<account>:role/<name>)")
]
ExternalId = Annotated[
    str, _pattern(EXTERNAL_ID_RE, "an external id (2-1224 characters of [A-Za-z0-9+=,.@:/_-])")
]
ProfileName = Annotated[
    str, _pattern(PROFILE_RE, "a profile name (1-64 characters [A-Za-z0-9._-], no spaces)")
]
ModuleSource = Annotated[
    str,
    _pattern(
        MODULE_SOURCE_RE,
        "a git module source such as git::https://github.com/acme/infra.git//modules/lambda-endpoint",
    ),
]
GitRef = Annotated[str, _pattern(GIT_REF_RE, "a git tag, branch or commit (e.g. v0.3.0)")]
