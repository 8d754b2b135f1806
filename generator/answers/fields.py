"""Field types of the answers model: each AWS id, CIDR, region, name and switch, with the
validator that checks one value on its own (whole-string, ASCII-only matching)."""

from __future__ import annotations

import copy
import ipaddress
import re
from collections.abc import Callable
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, GetJsonSchemaHandler, PlainSerializer
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

from generator.core import regions
from generator.core.errors import preview


def js_pattern(regex: re.Pattern[str] | str) -> str:
    """A Python pattern that is matched whole (fullmatch, ASCII) as a JSON Schema `pattern`
    (ECMA-262, which `jsonschema` runs with Python's re.search): anchored, named groups plain,
    `\\w` and `\\d` spelled as the ASCII classes they are here. The end is `$(?!\\n)`: in
    Python `$` also matches before a final newline, which ECMA's does not."""
    text = regex if isinstance(regex, str) else regex.pattern
    text = re.sub(r"\(\?P<[A-Za-z_]+>", "(?:", text)
    text = text.replace(r"\w", "A-Za-z0-9_").replace(r"\d", "[0-9]")
    return f"^(?:{text})$(?!\\n)"


class Schema:
    """Annotated metadata: the JSON Schema keywords of what a field type's validator checks
    (as far as JSON Schema can say it), added to the schema pydantic makes for the type, or
    replacing it (`replace=True`: a type whose input may be of several JSON types)."""

    def __init__(
        self,
        replace: bool = False,
        lazy: Callable[[], dict[str, Any]] | None = None,
        **keywords: Any,
    ) -> None:
        self.keywords = keywords
        self.replace = replace
        self.lazy = lazy  # keywords made when the schema is (from a catalog, say)

    def __get_pydantic_json_schema__(
        self, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        schema = {} if self.replace else handler(core_schema)
        keywords = copy.deepcopy(self.keywords)  # the caller may change the schema it gets
        return {**schema, **keywords, **(self.lazy() if self.lazy else {})}


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


def _id_schema(prefix: str) -> Schema:
    return Schema(pattern=js_pattern(rf"{prefix}-(?:[0-9a-f]{{8}}|[0-9a-f]{{17}})"))


VpcId = Annotated[str, _aws_id("vpc", "VPC"), _id_schema("vpc")]
SubnetId = Annotated[str, _aws_id("subnet", "subnet"), _id_schema("subnet")]
SecurityGroupId = Annotated[str, _aws_id("sg", "security group"), _id_schema("sg")]
PeeringConnectionId = Annotated[str, _aws_id("pcx", "VPC peering connection"), _id_schema("pcx")]
RouteTableId = Annotated[str, _aws_id("rtb", "route table"), _id_schema("rtb")]
EndpointId = Annotated[str, _aws_id("vpce", "VPC endpoint"), _id_schema("vpce")]
SecurityGroupRuleId = Annotated[str, _aws_id("sgr", "security group rule"), _id_schema("sgr")]

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


def _ipv4_address(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{preview(value)} is not an IPv4 address string such as 10.0.1.10")
    try:
        address = ipaddress.IPv4Address(value)
    except ValueError:
        raise ValueError(f"{preview(value)} is not an IPv4 address such as 10.0.1.10") from None
    if str(address) != value:
        raise ValueError(f"{preview(value)} is not written canonically; use {address}")
    return value


def _ipv6_address(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{preview(value)} is not an IPv6 address string such as 2001:db8::10")
    try:
        address = ipaddress.IPv6Address(value)
    except ValueError:
        raise ValueError(f"{preview(value)} is not an IPv6 address such as 2001:db8::10") from None
    if str(address) != value:
        raise ValueError(
            f"{preview(value)} is not written canonically (case, zeros); use {address}"
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


def _region_schema() -> dict[str, Any]:
    return {
        "enum": [code for code in regions.catalog()["regions"] if not regions.region_problem(code)]
    }


# What a field type's validator checks, as JSON Schema keywords (`tfgen schema`). A text the
# loader may read as a number or boolean (`_source_text`) takes those JSON types too.
IPV4_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])"
IPV4_CIDR_PATTERN = js_pattern(rf"{IPV4_OCTET}(?:\.{IPV4_OCTET}){{3}}/(?:3[0-2]|[12]?[0-9])")
# canonical IPv6 (what ipaddress writes: lowercase hex, no dotted quad); the rest is arithmetic
IPV6_CIDR_PATTERN = js_pattern(r"[0-9a-f:]{2,39}/(?:12[0-8]|1[01][0-9]|[1-9]?[0-9])")
IPV4_ADDRESS_PATTERN = js_pattern(rf"{IPV4_OCTET}(?:\.{IPV4_OCTET}){{3}}")
IPV6_ADDRESS_PATTERN = js_pattern(r"[0-9a-f:]{2,39}")
ACCOUNT_SCHEMA = {
    "type": ["string", "integer"],
    "pattern": js_pattern(ACCOUNT_RE),
    "minimum": 10**11,  # an integer is its decimal text: 12 digits, no leading zero
    "maximum": 10**12 - 1,
}
TEXT_TYPES = ["string", "integer", "boolean"]

Region = Annotated[str, AfterValidator(_check_region), Schema(lazy=_region_schema)]
AzId = Annotated[str, AfterValidator(_check_az_id), Schema(pattern=js_pattern(AZ_ID_RE))]
AccountId = Annotated[
    str,
    BeforeValidator(_source_text),
    AfterValidator(_check_account),
    Schema(replace=True, **ACCOUNT_SCHEMA),
]
ModuleName = Annotated[str, AfterValidator(_check_name), Schema(pattern=js_pattern(NAME_RE))]
Ipv4Cidr = Annotated[
    str,
    BeforeValidator(_ipv4_network),
    Schema(replace=True, type="string", pattern=IPV4_CIDR_PATTERN),
]
Ipv6Cidr = Annotated[
    str,
    BeforeValidator(_ipv6_network),
    Schema(replace=True, type="string", pattern=IPV6_CIDR_PATTERN),
]
Ipv4Address = Annotated[
    str,
    BeforeValidator(_ipv4_address),
    Schema(replace=True, type="string", pattern=IPV4_ADDRESS_PATTERN),
]
Ipv6Address = Annotated[
    str,
    BeforeValidator(_ipv6_address),
    Schema(replace=True, type="string", pattern=IPV6_ADDRESS_PATTERN),
]
ConditionValues = Annotated[
    str | list[str],
    BeforeValidator(_condition_values),
    Schema(
        replace=True, anyOf=[{"type": TEXT_TYPES}, {"type": "array", "items": {"type": TEXT_TYPES}}]
    ),
]
Switch = Annotated[bool, BeforeValidator(_boolean), Schema(replace=True, type="boolean")]
TagText = Annotated[str, BeforeValidator(_source_text), Schema(replace=True, type=TEXT_TYPES)]
PrincipalText = Annotated[str, BeforeValidator(_source_text), Schema(replace=True, type=TEXT_TYPES)]
RoleArn = Annotated[
    str,
    _pattern(ROLE_ARN_RE, "an IAM role ARN (arn:aws:iam::<account>:role/<name>)"),
    Schema(pattern=js_pattern(ROLE_ARN_RE)),
]
ExternalId = Annotated[
    str,
    _pattern(EXTERNAL_ID_RE, "an external id (2-1224 characters of [A-Za-z0-9+=,.@:/_-])"),
    Schema(pattern=js_pattern(EXTERNAL_ID_RE)),
]
ProfileName = Annotated[
    str,
    _pattern(PROFILE_RE, "a profile name (1-64 characters [A-Za-z0-9._-], no spaces)"),
    Schema(pattern=js_pattern(PROFILE_RE)),
]
ModuleSource = Annotated[
    str,
    _pattern(
        MODULE_SOURCE_RE,
        "a git module source such as git::https://github.com/acme/infra.git//modules/lambda-endpoint",
    ),
    Schema(pattern=js_pattern(MODULE_SOURCE_RE)),
]
GitRef = Annotated[
    str,
    _pattern(GIT_REF_RE, "a git tag, branch or commit (e.g. v0.3.0)"),
    Schema(pattern=js_pattern(GIT_REF_RE)),
]


# 1 EB a month: far beyond any endpoint, and small enough for the README's exact decimals.
MAX_GB_PER_MONTH = 1_000_000_000


def _gb_per_month(value: Any) -> Any:
    # YAML reads `true` as a bool and pydantic would take "5" or true as a number: refuse them.
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{preview(value)} is not a number of GB (e.g. 0, 250 or 12.5)")
    return value


def _plain_number(value: float) -> int | float:
    """Whole numbers written as integers (`0`, not `0.0`) in the normalized answers."""
    return int(value) if value.is_integer() else value


# bounds before the validator: after it, the JSON Schema would get pydantic's own ge/le
GbPerMonth = Annotated[
    float,
    Field(ge=0, le=MAX_GB_PER_MONTH, allow_inf_nan=False),
    BeforeValidator(_gb_per_month),
    PlainSerializer(_plain_number),
]
