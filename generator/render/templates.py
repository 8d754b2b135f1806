"""plan -> {relative path: text}. The Jinja2 environment and its filters, nothing else."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
import yaml

from generator import __version__
from generator.answers.model import Answers
from generator.core.hcl import aligned_attributes, hcl_literal, is_multiline
from generator.core.layout import (
    ANSWERS_FILE,
    MODULE_TEMPLATES,
    MOVED_TEMPLATES,
    PEERING_TEMPLATES,
    README_FILE,
    RESOLVER_TEMPLATES,
)
from generator.core.markers import json_escaped
from generator.core.regions import lambda_dns_name, lambda_service_name, partition_of
from generator.plan.module_plan import (
    MODULE_CALL,
    ModulePlan,
    aws_provider_floor,
    plan_module,
)
from generator.plan.peering import RetiredAlias
from generator.render import docs

TERRAFORM_VERSION_CONSTRAINT = ">= 1.5.0"
# The floor is the newest thing the templates use: aws_vpc_endpoint_private_dns, new in 5.52
# (hashicorp/terraform-provider-aws#37628). It also covers 5.1's retry of Route 53's
# ConcurrentModification on VPC association authorizations (#31588), which several
# cross-account DNS peers create at once. Every 6.x: checked against its schema snapshot.
AWS_PROVIDER_CONSTRAINT = ">= 5.52, < 7.0"
# Per feature, the module layout's floor rises only for answers that use it (plan's
# aws_provider_floor): subnet_configuration (fixed endpoint addresses) is new in 5.54.
# The shared module holds every feature for every deployment, so its floor is the highest.
SHARED_AWS_PROVIDER_CONSTRAINT = ">= 5.54, < 7.0"
CHECKOV_SKIP_RE = re.compile(
    r'^resource "(?P<type>[^"]+)" "(?P<name>[^"]+)"'
    r"|#\s*checkov:skip=(?P<id>[A-Z0-9_]+):(?P<reason>.*)$"
)


def template_root() -> Path:
    """templates/terraform, from a source checkout or from the installed package data."""
    package = Path(__file__).resolve().parent.parent  # generator/
    checkout = package.parent / "templates" / "terraform"
    for candidate in (package / "templates" / "terraform", checkout):
        if (candidate / "main.tf.j2").is_file():
            return candidate
    raise FileNotFoundError("tfgen's Terraform templates are missing from the installation")


def _bytecode_cache() -> jinja2.BytecodeCache | None:
    """Compiled templates kept in tfgen's cache folder: compiling them is about half of a
    short run's start-up (`tfgen check`). Jinja keys each entry by the template's source
    checksum and the Python version, so an edited template is compiled again."""
    from generator.core.cachedir import cache_folder

    folder = cache_folder("jinja")
    return None if folder is None else jinja2.FileSystemBytecodeCache(str(folder))


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(template_root())),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        bytecode_cache=_bytecode_cache(),
    )
    env.filters["hcl"] = hcl_literal
    env.filters["aligned"] = aligned_attributes
    env.tests["multiline"] = is_multiline
    env.tests["retired_peer"] = lambda value: isinstance(value, RetiredAlias)
    return env


def _plain_ascii(value: Any) -> bool:
    """Only printable-ASCII strings (keys included) anywhere in the value."""
    if isinstance(value, str):
        return value.isascii() and value.isprintable()
    if isinstance(value, dict):
        return all(_plain_ascii(key) and _plain_ascii(item) for key, item in value.items())
    if isinstance(value, list | tuple):
        return all(_plain_ascii(item) for item in value)
    return True


def yaml_text(data: Any) -> str:
    """Block-style YAML, keys in their order, one line per scalar however long."""
    # libyaml's emitter writes the same bytes as PyYAML's for printable-ASCII strings (tested
    # against it) in a fifth of the time; it escapes some other characters differently
    # (astral-plane characters, NEL), so anything else goes through the pure-Python emitter.
    fast = getattr(yaml, "CSafeDumper", None) if _plain_ascii(data) else None
    options: dict[str, Any] = {"sort_keys": False, "allow_unicode": True, "indent": 2}
    if fast is not None:
        return yaml.dump(data, Dumper=fast, width=2**31 - 1, **options)  # a C int
    return yaml.safe_dump(data, width=2**31, **options)


def answers_yaml(answers: Answers, source: str | None = None) -> str:
    body = yaml_text(answers.normalized())
    if source is None:
        return "# tfgen answers (normalized): edit and re-render with `tfgen render`.\n" + body
    return (
        f"# tfgen answers (normalized): a record of {source}, the file to edit; then\n"
        f"# re-render from this folder: tfgen render {source} -o .\n" + body
    )


def render_module(answers: Answers) -> dict[str, str]:
    """Render every file of the module. Same answers, same bytes."""
    return render_plan(plan_module(answers))


def render_plan(plan: ModulePlan) -> dict[str, str]:
    """Render every file of the module from its plan (built once by the caller)."""
    answers = plan.answers
    policy = plan.policy_document
    context: dict[str, Any] = {
        "answers": answers,
        "region": answers.region,
        "partition": partition_of(answers.region),
        "lambda_service_name": lambda_service_name(answers.region),
        "lambda_dns_name": lambda_dns_name(answers.region),
        "module_arguments": plan.module_arguments,
        "peering": plan.peering,
        "warnings": list(plan.warnings),
        "imports": list(plan.imports),
        "skips": list(plan.skips),
        "module_call": MODULE_CALL,
        "policy_document": policy,
        # the same JSON, with bidirectional and control characters as \u escapes
        "policy_json": json_escaped(json.dumps(policy, indent=2, ensure_ascii=False))
        if policy
        else "",
        "terraform_version_constraint": TERRAFORM_VERSION_CONSTRAINT,
        "aws_provider_constraint": f">= {aws_provider_floor(answers)}, < 7.0",
        "fixed_ips": "subnet_ip_addresses" in plan.module_arguments,
        "tfgen_version": __version__,
        "moves": list(plan.moves),
        "answers_source": plan.source,
    }
    env = environment()
    templates = {
        **MODULE_TEMPLATES,
        **(PEERING_TEMPLATES if answers.peering or plan.peering.dns else {}),
        **(RESOLVER_TEMPLATES if answers.on_premises else {}),
        **(MOVED_TEMPLATES if context["moves"] else {}),
    }
    files = {name: env.get_template(tpl).render(context) for name, tpl in templates.items()}
    # The README lists the checkov skips the .tf files really carry, and its inputs/outputs
    # tables are parsed back from variables.tf/outputs.tf, so neither can disagree with the HCL.
    context["checkov_skips"] = checkov_skips(files)
    context["inputs"] = docs.input_rows(files)
    context["outputs"] = docs.output_rows(files)
    context["diagram"] = docs.mermaid_diagram(answers, context["peering"])
    context["policy_sentences"] = docs.policy_sentences(plan.statements)
    context["qualified_functions"] = docs.qualified_functions(plan.statements)
    context["any_resource_statements"] = any(s.any_resource_actions for s in plan.statements)
    context["cost"] = docs.cost_estimate(answers)
    files[README_FILE] = env.get_template("README.md.j2").render(context)
    files[ANSWERS_FILE] = answers_yaml(answers, plan.source)
    return files


def checkov_skips(files: dict[str, str]) -> list[dict[str, str]]:
    """Every `#checkov:skip=ID:reason` comment with the resource it sits in."""
    skips = []
    for name, text in files.items():
        if "checkov:skip" not in text:
            continue
        resource = ""
        for line in text.splitlines():
            match = CHECKOV_SKIP_RE.search(line.strip())
            if match and match.group("type"):
                resource = f"{match.group('type')}.{match.group('name')}"
            elif match:
                skips.append(
                    {
                        "id": match.group("id"),
                        "resource": resource,
                        "reason": match.group("reason").strip(),
                        "file": name,
                    }
                )
    return skips
