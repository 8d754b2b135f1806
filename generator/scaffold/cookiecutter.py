"""What the cookiecutter template's hooks do (templates/cookiecutter-lambda-endpoint/hooks).

The hooks only hand cookiecutter's context to these functions, so the template holds no
Terraform and no rules of its own: the answers are checked with the same model as an answers
file, and the module is rendered, verified and scanned by the same pipeline as `tfgen render`.
Both run in the Python that runs cookiecutter, as separate processes; they print to stderr
and return the exit code (non-zero makes cookiecutter stop and remove the folder it made).
The template's cookiecutter.json is generated here too, from the questionnaire.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from generator.answers.model import Answers
from generator.answers.policy import partition_of
from generator.answers.rules import az_id_prefix
from generator.core.errors import AnswersError, TfgenError
from generator.scaffold.questionnaire import (
    QUESTIONS,
    REGIONS,
    as_bool,
    build,
    default_answers,
    describe,
)

# The one file the template's project folder holds; the post-generation hook replaces it.
PLACEHOLDER = ".tfgen-scaffold"
SOURCE = "cookiecutter answers"
# The template's own choice (not an answer): what the project folder becomes.
LAYOUTS = ("module", "deployment")
LAYOUT_PROMPT = (
    "Layout: module: the folder is one self-contained module (tfgen 0.2); deployment: the folder "
    "is a repository with answers/<name>.yaml, the shared module modules/lambda-endpoint and the "
    "thin root deployments/<name> that calls it (docs/layout.md)."
)


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def context_answers(context: Mapping[str, Any]) -> Answers:
    """The model for cookiecutter's context (its variables are the questionnaire's keys)."""
    # a context from before a question existed (a replay file) leaves it to its default
    return build(
        {question.key: context[question.key] for question in QUESTIONS if question.key in context},
        SOURCE,
    )


def _report_problems(error: AnswersError) -> None:
    _say(f"tfgen: {SOURCE}: {len(error.problems)} problem(s), nothing generated")
    for problem in error.problems:
        _say(f"  {describe(problem)}")


def pre_gen(context: Mapping[str, Any]) -> int:
    """Validate every answer before cookiecutter writes a file."""
    try:
        context_answers(context)
    except AnswersError as error:
        _report_problems(error)
        return error.exit_code
    return 0


def post_gen(context: Mapping[str, Any], project_dir: Path) -> int:
    """Render, verify and (unless `_scan` is false) scan into the project folder."""
    from generator.run.module import RunOptions, render_to_folder

    project_dir = project_dir.resolve()
    try:
        answers = context_answers(context)
        scan = as_bool(context.get("_scan", True))
    except AnswersError as error:
        _report_problems(error)
        return error.exit_code
    except ValueError as error:
        _say(f"tfgen: _scan: {error}")
        return 2
    layout = str(context.get("layout", "module"))
    if layout not in LAYOUTS:
        _say(f"tfgen: layout: {layout!r} is not one of {', '.join(LAYOUTS)}")
        return 2
    placeholder = project_dir / PLACEHOLDER
    if placeholder.is_file():
        placeholder.unlink()
    try:
        if layout == "deployment":
            result = _render_repository(answers, project_dir, RunOptions(scan=scan))
        else:
            os.chdir(project_dir.parent)  # the folder itself is swapped for the rendered one
            result = render_to_folder(answers, project_dir, RunOptions(scan=scan))
    except TfgenError as error:
        _say(f"tfgen: {error}")
        return error.exit_code
    for warning in result.warnings:
        _say(f"tfgen: warning {warning}")
    for finding in result.findings:
        _say(f"tfgen: finding {finding}")
    if result.findings:
        _say(f"tfgen: {answers.name}: {len(result.findings)} finding(s), nothing generated")
        return result.exit_code
    report = result.scan
    scanned = (
        f"checkov: {report.passed} passed, {report.failed} failed, {report.skipped} skipped"
        if report
        else "checkov: not run (_scan=false)"
    )
    _say(f"tfgen: wrote {project_dir} ({len(result.files)} files): verified; {scanned}")
    return 0


def _render_repository(answers: Answers, project_dir: Path, options: Any) -> Any:
    """The deployment layout: the project folder becomes a repository holding the commented
    answers file, the shared module and the root that calls it, as `tfgen init` and
    `tfgen render --layout deployment` would lay them out."""
    from generator.answers.writer import commented_yaml
    from generator.core.files import write_text_atomic
    from generator.run.deployment import render_deployment_to_folder

    os.chdir(project_dir)
    source = Path("answers") / f"{answers.name}.yaml"
    result = render_deployment_to_folder(
        answers,
        Path("deployments") / answers.name,
        Path("modules") / "lambda-endpoint",
        options,
        source,
    )
    if not result.findings:
        source.parent.mkdir(exist_ok=True)
        write_text_atomic(source, commented_yaml(answers, source.as_posix()))
    return result


def cookiecutter_config() -> dict[str, Any]:
    """cookiecutter.json of the scaffolding template, from the questions (prompt, help,
    default) and the regions catalog (written by scripts/refresh_cookiecutter.py; a test
    keeps the two equal)."""
    region = "{{ cookiecutter.region }}"
    prefixes = {name: az_id_prefix(name) for name in REGIONS}
    missing = sorted(name for name, prefix in prefixes.items() if prefix is None)
    if missing:
        raise ValueError(f"no AZ id prefix known for {', '.join(missing)}")
    partitions = {name: partition_of(name) for name in REGIONS}
    values = default_answers(
        region, "{{ cookiecutter.__az_prefix }}", "{{ cookiecutter.__partition }}"
    )
    config: dict[str, Any] = {}
    for question in QUESTIONS:
        config[question.key] = list(REGIONS) if question.key == "region" else values[question.key]
        if question.key == "region":
            config["__az_prefix"] = "{{ " + json.dumps(prefixes) + "[cookiecutter.region] }}"
            config["__partition"] = "{{ " + json.dumps(partitions) + "[cookiecutter.region] }}"
    config["layout"] = list(LAYOUTS)
    config["_scan"] = True
    config["__prompts__"] = {
        q.key: f"{q.prompt}: {q.help[:1].lower()}{q.help[1:]}" for q in QUESTIONS
    }
    config["__prompts__"]["layout"] = LAYOUT_PROMPT
    return config
