"""The questionnaire behind `tfgen init` and the cookiecutter template.

One list of questions, one short text form per answer (what a cookiecutter variable holds and
what a terminal prompt reads), and validation with the answers model itself: an answer is
checked by building the whole answers file with it and keeping the problems whose field path
belongs to that question, so every message is the one `tfgen render` would print.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from generator.answers.load import parse_answers
from generator.answers.model import Answers
from generator.answers.policy import partition_of
from generator.answers.rules import az_id_prefix
from generator.answers.writer import AZ_GUIDANCE, DNS_GUIDANCE, commented_yaml, field_help
from generator.core import regions
from generator.core.errors import AnswersError, Problem, UsageError

DEFAULT_REGION = "us-east-1"
# The regions offered as choices (cookiecutter.json): every region of the regions catalog that
# tfgen renders for, the default first (the model accepts any region code the catalog knows).
REGIONS = (
    DEFAULT_REGION,
    *sorted(
        region
        for region in regions.catalog()["regions"]
        if region != DEFAULT_REGION and regions.region_problem(region) is None
    ),
)
EXAMPLE_ACCOUNT = "111122223333"
PLACEHOLDER_NOTE = "placeholder ids and ARNs: put in your own before rendering"


@dataclass(frozen=True)
class Question:
    key: str  # the cookiecutter variable and the key of the flat answers
    path: str  # where the answer lands in the answers file (field path of its problems)
    prompt: str

    @property
    def help(self) -> str:
        """Why the question is asked and what a good answer looks like: the answers field's
        own description (declared once, in the model)."""
        return field_help(self.path)


QUESTIONS = (
    Question("name", "name", "Module name"),
    Question("region", "region", "AWS region"),
    Question("vpc_id", "vpc.id", "VPC id"),
    Question("vpc_cidr", "vpc.cidr", "VPC CIDR"),
    Question(
        "vpc_extra_cidrs", "vpc.extra_cidrs", "Secondary VPC CIDRs (comma-separated, - for none)"
    ),
    Question("subnets", "subnets", "Subnets (subnet-id:az-id, comma-separated)"),
    Question("private_dns", "private_dns", "Private DNS"),
    Question("ip_address_type", "ip_address_type", "IP address type (ipv4, dualstack or ipv6)"),
    Question("principals", "policy.statements[0].principals", "Principals (comma-separated)"),
    Question("actions", "policy.statements[0].actions", "Actions (comma-separated)"),
    Question("functions", "policy.statements[0].functions", "Functions (comma-separated)"),
    Question("peering", "peering", "Peered VPCs (JSON list, [] for none)"),
    Question("tags", "tags", "Tags (key=value, comma-separated, - for none)"),
)
NONE = "-"  # the answer for "none" where Enter keeps a default
QUESTION_BY_KEY = {question.key: question for question in QUESTIONS}
# Problems on these paths belong to a question although no answer is written there alone.
EXTRA_PATHS = {"policy": "principals", "policy.statements": "principals", "vpc": "vpc_id"}


@dataclass(frozen=True)
class PeerQuestion:
    field: str
    prompt: str
    optional: bool = False
    is_list: bool = False

    @property
    def help(self) -> str:
        """The peer field's own description (declared once, in the model)."""
        return field_help(f"peering[].{self.field}")


PEER_QUESTIONS = (
    PeerQuestion("name", "Peer name"),
    PeerQuestion("vpc_id", "Peer VPC id"),
    PeerQuestion("cidr", "Peer CIDR"),
    PeerQuestion("account_id", "Peer account id", optional=True),
    PeerQuestion("region", "Peer region", optional=True),
    PeerQuestion("connection_id", "Existing peering connection id", optional=True),
    PeerQuestion(
        "route_table_ids", "Peer route tables (comma-separated)", optional=True, is_list=True
    ),
    PeerQuestion(
        "local_route_table_ids", "Local route tables (comma-separated)", optional=True, is_list=True
    ),
)
# Stand-ins for peer answers not given yet, so the rules run on the ones that are.
PEER_PLACEHOLDERS = {"vpc_id": "vpc-00000000", "cidr": "192.168.0.0/16"}


# ---- the short text forms ---------------------------------------------------------------


def split_list(value: Any) -> list[str]:
    """'a, b c' -> ['a', 'b', 'c']; a list stays a list (of strings)."""
    if isinstance(value, list | tuple):
        return [str(item).strip() for item in value if str(item).strip()]
    return [item for item in re.split(r"[,\s]+", str(value).strip()) if item]


def parse_subnets(value: Any) -> list[dict[str, str]]:
    """'subnet-a:use1-az1, subnet-b' -> [{id, az_id}, {id}]; a list of mappings stays."""
    if isinstance(value, list) and all(isinstance(item, dict) for item in value):
        return [dict(item) for item in value]
    subnets = []
    for item in split_list(value):
        subnet_id, _, az_id = item.partition(":")
        subnets.append({"id": subnet_id, "az_id": az_id} if az_id else {"id": subnet_id})
    return subnets


def parse_peers(value: Any) -> list[Any]:
    """The peers as a JSON list of peering entries (the answers file's keys)."""
    if isinstance(value, list):
        return value
    text = str(value).strip()
    if not text:
        return []
    try:
        peers = json.loads(text)
    except ValueError as error:
        raise ValueError(f"not JSON ({error}); write a list such as []") from None
    if not isinstance(peers, list):
        raise ValueError('give a JSON list of peers, e.g. [] or [{"name": ...}]')
    return peers


def optional_list(value: Any) -> list[str]:
    """A list answer where '-' (or nothing) means none."""
    items = split_list(value)
    return [] if items == [NONE] else items


def parse_tags(value: Any) -> dict[str, str]:
    """'team=payments, env=prod' -> {'team': 'payments', 'env': 'prod'}; a mapping stays."""
    if isinstance(value, Mapping):
        return {str(key): str(item) for key, item in value.items()}
    tags = {}
    for item in optional_list(value):
        key, equals, text = item.partition("=")
        if not equals or not key:
            raise ValueError(f"{item!r} is not key=value; write e.g. team=payments, env=prod")
        tags[key] = text
    return tags


def as_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "t", "yes", "y", "on"):
        return True
    if text in ("0", "false", "f", "no", "n", "off"):
        return False
    raise ValueError(f"{value!r} is not yes or no")


def defaults(region: str = DEFAULT_REGION) -> dict[str, Any]:
    """The flat answers nobody typed: valid for `region`, with placeholder ids."""
    prefix = az_id_prefix(region) if region else None
    return default_answers(region, prefix, partition_of(region))


def default_answers(region: str, az_prefix: str | None, partition: str) -> dict[str, Any]:
    """The defaults for a region, its AZ id prefix and its partition (values, or the
    cookiecutter template's Jinja expressions for them)."""
    prefix = az_prefix
    azs = (f":{prefix}-az1", f":{prefix}-az2") if prefix else ("", "")
    return {
        "name": "lambda-endpoint",
        "region": region,
        "vpc_id": "vpc-0123456789abcdef0",
        "vpc_cidr": "10.0.0.0/16",
        "vpc_extra_cidrs": NONE,
        "subnets": f"subnet-0123456789abcdef0{azs[0]}, subnet-0fedcba9876543210{azs[1]}",
        "private_dns": True,
        "ip_address_type": "ipv4",
        "principals": f"arn:{partition}:iam::{EXAMPLE_ACCOUNT}:root",
        "actions": "lambda:InvokeFunction",
        "functions": f"arn:{partition}:lambda:{region}:{EXAMPLE_ACCOUNT}:function:my-function",
        "peering": "[]",
        "tags": NONE,
    }


def answers_data(flat: Mapping[str, Any], source: str = "answers") -> dict[str, Any]:
    """Flat answers (one per question) -> the answers file's data; unreadable forms raise."""
    problems = []
    try:
        private_dns = as_bool(flat["private_dns"])
    except ValueError as error:
        problems.append(Problem("private_dns", str(error)))
        private_dns = True
    try:
        peers = parse_peers(flat["peering"])
    except ValueError as error:
        problems.append(Problem("peering", str(error)))
        peers = []
    try:
        tags = parse_tags(flat.get("tags", NONE))
    except ValueError as error:
        problems.append(Problem("tags", str(error)))
        tags = {}
    if problems:
        raise AnswersError(problems, source)
    vpc: dict[str, Any] = {"id": str(flat["vpc_id"]).strip(), "cidr": str(flat["vpc_cidr"]).strip()}
    extra_cidrs = optional_list(flat.get("vpc_extra_cidrs", NONE))
    if extra_cidrs:
        vpc["extra_cidrs"] = extra_cidrs
    return {
        "version": 1,
        "name": str(flat["name"]).strip(),
        "region": str(flat["region"]).strip(),
        "vpc": vpc,
        "subnets": parse_subnets(flat["subnets"]),
        "private_dns": private_dns,
        "ip_address_type": str(flat.get("ip_address_type", "ipv4")).strip(),
        "policy": {
            "statements": [
                {
                    "principals": split_list(flat["principals"]),
                    "actions": split_list(flat["actions"]),
                    "functions": split_list(flat["functions"]),
                }
            ]
        },
        "peering": peers,
        **({"tags": tags} if tags else {}),
    }


def build(flat: Mapping[str, Any], source: str = "answers") -> Answers:
    """The model for flat answers; every problem at once (AnswersError), as `tfgen render`."""
    return parse_answers(answers_data(flat, source), source)


def question_of(path: str) -> str | None:
    """The question whose answer a problem at `path` is about (longest matching path)."""
    candidates = [(question.path, question.key) for question in QUESTIONS]
    candidates += list(EXTRA_PATHS.items())
    best = None
    for prefix, key in candidates:
        matches = path == prefix or path.startswith((prefix + ".", prefix + "["))
        if matches and (best is None or len(prefix) > len(best[0])):
            best = (prefix, key)
    return best[1] if best else None


def describe(problem: Problem) -> str:
    """A problem with the question (cookiecutter variable) that answers it."""
    key = question_of(problem.path)
    return f"{problem} [answer: {key}]" if key else str(problem)


def problems_where(flat: Mapping[str, Any], keep: Callable[[str], bool]) -> list[Problem]:
    try:
        build(flat)
    except AnswersError as error:
        return [problem for problem in error.problems if keep(problem.path)]
    return []


# ---- the terminal questionnaire -----------------------------------------------------------

US_EAST_1_ONLY = "use1-az3 is refused (limited Lambda capacity). "


def az_guidance(region: str) -> str:
    """The AZ-id guidance with the region's own first AZ id and AZ name as the example (the
    answers file's comment names us-east-1's); the use1-az3 sentence only for us-east-1."""
    known = regions.az_ids(region)
    if region == "us-east-1" or not known:
        return AZ_GUIDANCE
    text = AZ_GUIDANCE.replace("(use1-az1)", f"({known[0]})")
    text = text.replace("(us-east-1a)", f"({region}a)")
    return text.replace(US_EAST_1_ONLY, "").replace("alone)\nis checked", "alone) is checked")


def stdin_is_terminal() -> bool:
    return sys.stdin.isatty()


def _explain(text: str) -> None:
    click.echo("")
    click.secho(text, dim=True)


def _refuse(problems: list[Problem]) -> None:
    raise click.UsageError("\n  ".join(str(problem) for problem in problems))


def _answer_checker(key: str, flat: dict[str, Any]) -> Callable[[str], str]:
    def check(value: str) -> str:
        value = value.strip()
        candidate = {**defaults(flat.get("region", DEFAULT_REGION)), **flat, key: value}
        if key == "region":  # the answers after it default to this region's
            candidate = {**defaults(value), **flat, key: value}
        problems = problems_where(candidate, lambda path: question_of(path) == key)
        if problems:
            _refuse(problems)
        return value

    return check


def _peer_checker(
    question: PeerQuestion, index: int, peer: dict[str, Any], flat: dict[str, Any]
) -> Callable[[str], Any]:
    where = f"peering[{index}].{question.field}"

    def check(value: str) -> Any:
        answer: Any = split_list(value) if question.is_list else value.strip()
        entry = {"name": f"peer-{index + 1}", **PEER_PLACEHOLDERS, **peer}
        if answer:
            entry[question.field] = answer
        else:
            entry.pop(question.field, None)
        candidate = {**flat, "peering": [*flat["peering"][:index], entry]}
        problems = problems_where(
            candidate, lambda path: path == where or path.startswith((where + ".", where + "["))
        )
        if problems:
            _refuse(problems)
        return answer

    return check


def _ask_peers(flat: dict[str, Any]) -> list[dict[str, Any]]:
    flat["peering"] = []
    while click.confirm(
        "Add another peered VPC?" if flat["peering"] else "Add a peered VPC?", default=False
    ):
        index = len(flat["peering"])
        peer: dict[str, Any] = {}
        for question in PEER_QUESTIONS:
            _explain(question.help)
            default = f"peer-{index + 1}" if question.field == "name" else None
            answer = click.prompt(
                question.prompt,
                default="" if question.optional else default,
                show_default=not question.optional,
                value_proc=_peer_checker(question, index, peer, flat),
            )
            if answer:
                peer[question.field] = answer
        _explain(
            "DNS: a private hosted zone makes lambda.<region>.amazonaws.com resolve to the "
            "endpoint in the peer."
        )
        peer["dns"] = click.confirm("Resolve the Lambda name in the peer", default=True)
        flat["peering"].append(peer)
    return flat["peering"]


def interview() -> dict[str, Any]:
    """Ask every question on the terminal; each answer is checked before the next question."""
    flat: dict[str, Any] = {}
    click.echo("tfgen init: a Lambda interface VPC endpoint module. Enter keeps the [default].")
    for question in QUESTIONS:
        _explain(question.help)
        if question.key == "subnets":
            click.secho(az_guidance(flat.get("region", DEFAULT_REGION)), dim=True)
        elif question.key == "private_dns":
            click.secho(DNS_GUIDANCE, dim=True)
            flat["private_dns"] = click.confirm(question.prompt, default=True)
            continue
        elif question.key == "peering":
            _ask_peers(flat)
            continue
        default = defaults(flat.get("region", DEFAULT_REGION))[question.key]
        flat[question.key] = click.prompt(
            question.prompt, default=default, value_proc=_answer_checker(question.key, flat)
        )
    return flat


def summary(answers: Answers) -> str:
    """What the answers file will say, in a few lines: shown before it is written."""
    from generator.core.markers import terminal_text

    statements = answers.policy.statements
    lines = [
        f"name: {answers.name}, region {answers.region}",
        "VPC: " + " ".join([answers.vpc.id, answers.vpc.cidr, *answers.vpc.extra_cidrs]),
        "subnets: " + ", ".join(subnet.id for subnet in answers.subnets),
        f"private DNS: {'on' if answers.private_dns else 'off'}; IP address type: "
        f"{answers.ip_address_type}",
        f"policy: {len(statements)} statement(s), principals "
        + ", ".join(sorted({p for s in statements for p in s.principals})),
        "peers: " + (", ".join(peer.name for peer in answers.peering) or "none"),
        "tags: " + (", ".join(f"{k}={v}" for k, v in answers.tags.items()) or "none"),
    ]
    return "\n".join("  " + terminal_text(line) for line in lines)


def run_init(output: Path | None, *, no_input: bool, force: bool) -> tuple[Answers, Path]:
    """`tfgen init`: ask (or take the defaults), then write the commented answers file."""
    from generator.answers.rules import warnings
    from generator.core.files import write_text_atomic

    if not no_input and not stdin_is_terminal():
        raise UsageError(
            "tfgen init asks its questions on a terminal and stdin is not one: nothing "
            "written. Pass --no-input to write the default answers (placeholder ids to edit), "
            "or start from `tfgen example`"
        )
    try:
        flat = defaults() if no_input else interview()
        answers = build(flat, "tfgen init")
        path = output or Path("answers") / f"{answers.name}.yaml"
        if not no_input:
            click.echo(f"\nThe answers:\n{summary(answers)}")
            if not click.confirm(f"Write {path}?", default=True):
                raise UsageError(f"tfgen init: {path} not written")
        if path.exists() and not force:
            if path.is_dir():
                raise UsageError(f"{path} is a folder: give a file with -o")
            if no_input or not click.confirm(f"\n{path} exists: replace it?", default=False):
                raise UsageError(f"{path} exists: nothing written (use --force or another -o)")
    except click.Abort:
        raise UsageError("tfgen init: interrupted, nothing written") from None
    write_text_atomic(path, commented_yaml(answers, str(path)))
    for warning in warnings(answers):
        click.echo(f"warning {warning}", err=True)
    if no_input:
        click.echo(
            f"--no-input: wrote the default answers to {path} ({PLACEHOLDER_NOTE})", err=True
        )
    else:
        click.echo(f"wrote {path}: render it with `tfgen render {path}`", err=True)
    return answers, path
