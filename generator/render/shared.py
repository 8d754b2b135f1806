"""The shared Lambda endpoint module: the same bytes for every deployment of a repository.

`modules/lambda-endpoint/` holds the module's Terraform code once (rendered from
templates/terraform/shared, with no answers at all), a peer-side submodule (`modules/peer`),
`examples/`, offline `terraform test` files, a terraform-docs compatible README and a LICENSE.
Deployment roots (generator/render/deployment.py) call it with each answers file's values.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from generator import __version__
from generator.core.hcl import parse_hcl
from generator.core.layout import (
    LICENSE_FILE,
    README_FILE,
    SHARED_TEMPLATE_DIR,
    SHARED_TERRAFORM_FILES,
)
from generator.render import docs

# The shared module's own folder name, under the repository's modules/.
SHARED_MODULE_NAME = "lambda-endpoint"
PEER_FOLDER = "modules/peer/"  # the peer-side submodule
DOCS_BEGIN = "<!-- BEGIN_TF_DOCS -->"
DOCS_END = "<!-- END_TF_DOCS -->"
_REGISTRY = "https://registry.terraform.io/providers/hashicorp/aws/latest/docs"


def _context() -> dict[str, Any]:
    from generator.render.templates import SHARED_AWS_PROVIDER_CONSTRAINT as AWS_PROVIDER_CONSTRAINT
    from generator.render.templates import TERRAFORM_VERSION_CONSTRAINT

    return {
        "terraform_version_constraint": TERRAFORM_VERSION_CONSTRAINT,
        "aws_provider_constraint": AWS_PROVIDER_CONSTRAINT,
        "tfgen_version": __version__,
    }


@cache
def _rendered() -> tuple[tuple[str, str], ...]:
    from generator.render.templates import environment, template_root

    env = environment()
    context = _context()
    files = {
        name: env.get_template(f"{SHARED_TEMPLATE_DIR}/{name}.j2").render(context)
        for name in SHARED_TERRAFORM_FILES
    }
    files[LICENSE_FILE] = (template_root() / SHARED_TEMPLATE_DIR / LICENSE_FILE).read_text(
        encoding="utf-8"
    )
    for folder in ("", PEER_FOLDER):
        readme = f"{folder}{README_FILE}"
        context["terraform_docs"] = terraform_docs(files, folder)
        files[readme] = env.get_template(f"{SHARED_TEMPLATE_DIR}/{readme}.j2").render(context)
    return tuple(sorted(files.items()))


def render_shared_module() -> dict[str, str]:
    """Every file of the shared module folder (the manifest aside), by relative path."""
    return dict(_rendered())


# ---- the README's terraform-docs section -------------------------------------------------


def _anchor_text(name: str) -> str:
    return name.replace("_", "\\_")


def _cell(text: str) -> str:
    return docs.markdown_text(text).replace("|", "\\|")


def _parsed(files: dict[str, str], folder: str, kind: str) -> list[tuple[str, Any]]:
    """(label, body) of every `kind` block in the .tf files directly in `folder`."""
    found: list[tuple[str, Any]] = []
    for name in sorted(files):
        inside = name[len(folder) :] if name.startswith(folder) else None
        if inside is None or "/" in inside or not inside.endswith(".tf"):
            continue
        for block in parse_hcl(files[name]).get(kind, []):
            found.extend(block.items())
    return found


def terraform_docs(files: dict[str, str], folder: str) -> str:
    """The Requirements, Providers, Modules, Resources, Inputs and Outputs tables of the
    module in `folder` ('' or 'modules/peer/'), as terraform-docs' markdown table writes them
    (sorted by name), so that running terraform-docs over the module changes nothing."""
    from generator.render.templates import SHARED_AWS_PROVIDER_CONSTRAINT as AWS_PROVIDER_CONSTRAINT
    from generator.render.templates import TERRAFORM_VERSION_CONSTRAINT

    lines = [
        "## Requirements",
        "",
        "| Name | Version |",
        "|------|---------|",
        f'| <a name="requirement_terraform"></a> [terraform](#requirement\\_terraform) '
        f"| {TERRAFORM_VERSION_CONSTRAINT} |",
        f'| <a name="requirement_aws"></a> [aws](#requirement\\_aws) | {AWS_PROVIDER_CONSTRAINT} |',
        "",
        "## Providers",
        "",
        "| Name | Version |",
        "|------|---------|",
        f'| <a name="provider_aws"></a> [aws](#provider\\_aws) | {AWS_PROVIDER_CONSTRAINT} |',
        "",
        "## Modules",
        "",
    ]
    modules = sorted(_parsed(files, folder, "module"))
    if modules:
        lines += ["| Name | Source | Version |", "|------|--------|---------|"]
        for name, body in modules:
            lines.append(
                f'| <a name="module_{name}"></a> [{_anchor_text(name)}](#module\\_{name}) '
                f"| {body.get('source')} | n/a |"
            )
    else:
        lines.append("No modules.")
    lines += ["", "## Resources", "", "| Name | Type |", "|------|------|"]
    rows = []
    for kind, label in (("resource", "resource"), ("data", "data source")):
        for block in _parsed(files, folder, kind):
            resource_type, named = block
            for name in named:
                page = "resources" if kind == "resource" else "data-sources"
                address = f"{resource_type}.{name}"
                link = f"{_REGISTRY}/{page}/{resource_type.removeprefix('aws_')}"
                rows.append((address, kind, f"| [{_anchor_text(address)}]({link}) | {label} |"))
    lines += [row for _, _, row in sorted(rows, key=lambda row: (row[0], row[1]))]
    lines += [
        "",
        "## Inputs",
        "",
        "| Name | Description | Type | Default | Required |",
        "|------|-------------|------|---------|:--------:|",
    ]
    for name, body in sorted(_parsed(files, folder, "variable")):
        required = "default" not in body
        default = "n/a" if required else docs.code_span(docs.default_text(body["default"]))
        lines.append(
            f'| <a name="input_{name}"></a> [{_anchor_text(name)}](#input\\_{name}) '
            f"| {_cell(str(body.get('description', '')))} "
            f"| {docs.code_span(docs.type_text(body.get('type')))} | {default} "
            f"| {'yes' if required else 'no'} |"
        )
    lines += ["", "## Outputs", "", "| Name | Description |", "|------|-------------|"]
    for name, body in sorted(_parsed(files, folder, "output")):
        lines.append(
            f'| <a name="output_{name}"></a> [{_anchor_text(name)}](#output\\_{name}) '
            f"| {_cell(str(body.get('description', '')))} |"
        )
    return "\n".join([DOCS_BEGIN, *lines, DOCS_END])
