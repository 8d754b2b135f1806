"""`tfgen migrate`: a tfgen 0.2 module folder -> a deployment root that calls the shared
module, with the moved blocks that keep every deployed resource in place."""

from __future__ import annotations

from pathlib import Path

import click

from generator.cli.exits import DEPLOYMENTS_ROOT, finish
from generator.cli.options import (
    CACHE_OPTION,
    CHECKOV_OPTION,
    FORMAT_OPTION,
    REPORT_OPTION,
    SCAN_OPTION,
    report_options,
    run_options,
)


@click.command()
@click.argument("module", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    help="The deployment root to write (default: deployments/<name>).",
)
@click.option(
    "--module-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("modules/lambda-endpoint"),
    show_default=True,
    help="Where the shared module goes (written when it differs).",
)
@SCAN_OPTION
@CACHE_OPTION
@FORMAT_OPTION
@REPORT_OPTION
@CHECKOV_OPTION
def migrate(
    module: Path,
    output: Path | None,
    module_dir: Path,
    no_scan: bool,
    no_cache: bool,
    output_format: str,
    report_file: Path | None,
    checkov: str | None,
) -> None:
    """Render the deployment root of MODULE, a module folder of the 0.2 layout (its own copy
    of the module code, deployed through MODULE/example), from its answers: the root calls the
    shared module and carries moved blocks for every deployed resource whose address changes.
    A local state file (MODULE/example/terraform.tfstate) is copied into the root; with a
    remote backend, point the root's backend.tf at the same state. Then, in the root:
    `terraform init && terraform plan` shows moves and in-place updates only."""
    import shutil

    from generator.core.errors import UsageError
    from generator.moduledir.write import read_manifest
    from generator.report.text import report_run
    from generator.run.deployment import is_deployment, render_deployment_to_folder
    from generator.run.module import folder_answers

    manifest = read_manifest(module)
    if manifest is None or manifest.get("kind") is not None or is_deployment(module):
        raise UsageError(f"{module}: not a tfgen module folder of the 0.2 layout")
    answers, source, _warnings = folder_answers(module)
    root = output or DEPLOYMENTS_ROOT / answers.name
    options = run_options(no_scan, no_cache, False, checkov)
    version = str(manifest.get("tfgen_version", "0.2"))
    reporting = report_options(output_format, report_file)  # before anything is written
    result = render_deployment_to_folder(answers, root, module_dir, options, source, version)
    state, copied = module / "example" / "terraform.tfstate", root / "terraform.tfstate"
    if result.written and state.is_file() and not copied.exists():
        shutil.copy2(state, copied)
        from generator.report.text import echo

        echo(f"tfgen: copied {state} to {copied}", err=True)

    def report() -> int:
        report_run("migrate", result, reporting, None if source is None else str(source))
        if result.written:
            from generator.report.text import echo

            echo(
                f"tfgen: next, in {root}: terraform init && terraform plan (moves and in-place "
                f"updates only); once applied, remove {module}",
                err=True,
            )
        return result.exit_code

    finish(report)
