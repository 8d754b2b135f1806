"""The answers file as text: each field's help (the model's Field description, the one place
it is declared) and the commented YAML that `tfgen init` and `tfgen import` write."""

from __future__ import annotations

import re
import types
import typing
from typing import Any

import yaml
from pydantic import BaseModel

from generator.answers.model import Answers

FILE_HEADER = """\
# tfgen answers file (answers-v1), written by `tfgen init`.
# Render it: tfgen render {path}    Every key and its meaning: tfgen schema
"""
AZ_GUIDANCE = (
    "Give each subnet's AZ id (use1-az1), not its AZ name (us-east-1a): names differ between\n"
    "accounts, ids do not. Find them: aws ec2 describe-subnets --subnet-ids <ids> \\\n"
    "  --query 'Subnets[].[SubnetId,AvailabilityZoneId]'\n"
    "use1-az3 is refused (limited Lambda capacity). A subnet without an AZ id (subnet-id alone)\n"
    "is checked by the module at `terraform plan` instead."
)
DNS_GUIDANCE = (
    "Private DNS needs enableDnsSupport and enableDnsHostnames on the VPC (the module fails\n"
    "`terraform plan` without them). Check: aws ec2 describe-vpc-attribute --vpc-id <vpc> \\\n"
    "  --attribute enableDnsHostnames (and enableDnsSupport). Without private DNS, clients\n"
    "must call the endpoint's own names (module output dns_entries)."
)
# How-to text written under a key's help in an answers file (not help: what to run).
GUIDANCE = {"subnets": AZ_GUIDANCE, "private_dns": DNS_GUIDANCE}
_INDEX = re.compile(r"\[\d+\]")


def _model_of(annotation: Any) -> type[BaseModel] | None:
    """The pydantic model inside an annotation (list[Peer], Peer | None, Annotated[...])."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for inner in typing.get_args(annotation):
        found = _model_of(inner)
        if found is not None:
            return found
    if isinstance(annotation, types.UnionType):
        return next(filter(None, map(_model_of, annotation.__args__)), None)
    return None


def field_help(path: str, model: type[BaseModel] = Answers) -> str:
    """The help of the field at `path` (`policy.statements[0].principals`, `peering[].cidr`):
    its Field description. KeyError names a path the model does not have or does not describe."""
    current: type[BaseModel] | None = model
    description: str | None = None
    for part in _INDEX.sub("", path.replace("[]", "")).split("."):
        if current is None:
            raise KeyError(path)
        fields = current.model_fields
        field = fields.get(part) or next((f for f in fields.values() if f.alias == part), None)
        if field is None:
            raise KeyError(path)
        description = field.description
        current = _model_of(field.annotation)
    if not description:
        raise KeyError(f"{path} has no description")
    return description


def commented_yaml(answers: Answers, path: str = "FILE", header: str | None = None) -> str:
    """The normalized answers, every top-level key with a comment saying what it is for (its
    help, then any guidance); `header` (already complete) replaces `tfgen init`'s."""
    parts = [FILE_HEADER.format(path=path) if header is None else header]
    for key, value in answers.normalized().items():
        comment = field_help(key)
        if key in GUIDANCE:
            comment += "\n" + GUIDANCE[key]
        body = yaml.safe_dump(
            {key: value}, sort_keys=False, allow_unicode=True, width=2**31, indent=2
        )
        lines = "\n".join(f"# {line}" for line in comment.splitlines())
        parts.append(f"\n{lines}\n{body}")
    return "".join(parts)
