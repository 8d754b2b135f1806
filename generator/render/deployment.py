"""DeploymentPlan -> {relative path: text}: a thin deployment root that calls the shared module.

Only the files listed here are tfgen's in a root (core/layout.py); every other file there is the
user's. Same answers, same bytes."""

from __future__ import annotations

from typing import Any

from generator import __version__
from generator.core.layout import (
    ANSWERS_FILE,
    DEPLOYMENT_FILES,
    DEPLOYMENT_TEMPLATE_DIR,
    IMPORTS_FILE,
    MANIFEST_FILE,
    MOVED_FILE,
    README_FILE,
)
from generator.core.regions import lambda_dns_name, lambda_service_name
from generator.plan.deployment import DeploymentPlan
from generator.plan.imports import deployment_imports
from generator.plan.module_plan import MODULE_CALL
from generator.render import docs


def _template(name: str) -> str:
    return f"{DEPLOYMENT_TEMPLATE_DIR}/{name}.j2"


def owned_files(plan: DeploymentPlan) -> list[str]:
    """Every file tfgen writes in the root for this plan, in the order it lists them."""
    return [
        *DEPLOYMENT_FILES,
        *([IMPORTS_FILE] if plan.module.imports else []),
        *([MOVED_FILE] if plan.moves else []),
        README_FILE,
        ANSWERS_FILE,
        MANIFEST_FILE,
    ]


def render_deployment(plan: DeploymentPlan) -> dict[str, str]:
    """Every file of the root but its manifest."""
    from generator.render.templates import (
        SHARED_AWS_PROVIDER_CONSTRAINT,
        TERRAFORM_VERSION_CONSTRAINT,
        answers_yaml,
        environment,
    )

    answers = plan.answers
    context: dict[str, Any] = {
        "answers": answers,
        "deployment": plan,
        "answers_source": plan.module.source,
        "imports": deployment_imports(plan.module.imports),
        "moves": list(plan.moves),
        "module_call": MODULE_CALL,
        "lambda_service_name": lambda_service_name(answers.region),
        "lambda_dns_name": lambda_dns_name(answers.region),
        "terraform_version_constraint": TERRAFORM_VERSION_CONSTRAINT,
        "aws_provider_constraint": SHARED_AWS_PROVIDER_CONSTRAINT,
        "tfgen_version": __version__,
        "warnings": list(plan.warnings),
        "policy_sentences": docs.policy_sentences(plan.module.statements),
        "owned": owned_files(plan),
    }
    env = environment()
    names = [name for name in owned_files(plan) if name not in (ANSWERS_FILE, MANIFEST_FILE)]
    files = {name: env.get_template(_template(name)).render(context) for name in names}
    files[ANSWERS_FILE] = answers_yaml(answers, plan.module.source)
    return files
