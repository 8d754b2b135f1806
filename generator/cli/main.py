"""The `tfgen` command group: its commands (one module each, under generator/cli/) and the
one error handler they share (exits.py). No domain logic and no report shaping here.

Heavy imports (pydantic, jinja2, python-hcl2, rich) happen inside the commands, so that
`tfgen --help` starts fast.
"""

from __future__ import annotations

import sys
from typing import Any

import click

from generator import __version__
from generator.cli import (
    check,
    docs,
    example,
    exits,
    import_endpoint,
    init,
    migrate,
    preflight,
    render,
    scan,
    schema,
    setup,
    validate,
    version,
)


class _Tfgen(click.Group):
    """The command group, with the one error handler: every exception a command raises ends
    here (exits.handle): never a traceback unasked, and --format json/sarif still prints one
    well-formed document."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.exceptions.Abort):
            raise
        except Exception as error:  # noqa: BLE001 - the one handler, by design
            exits.handle(ctx, error)


def _keep_debug(ctx: click.Context, _param: click.Parameter, value: bool) -> bool:
    ctx.meta["tfgen.debug"] = value
    return value


@click.group(cls=_Tfgen, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="tfgen")
@click.option(
    "--debug",
    is_flag=True,
    expose_value=False,
    callback=_keep_debug,
    help=f"On a tfgen bug (exit 3), print the traceback (also {exits.DEBUG_ENV_VAR}=1).",
)
def cli() -> None:
    """Turn an answers file into a verified, scanned Terraform module for private access to
    the AWS Lambda API through an interface VPC endpoint."""


for _command in (
    render.render,
    validate.validate,
    check.check,
    docs.docs,
    schema.schema,
    example.example,
    init.init,
    import_endpoint.import_endpoint,
    preflight.preflight,
    migrate.migrate,
    setup.setup,
    scan.scan,
    version.version,
):
    cli.add_command(_command)


def main(argv: list[str] | None = None) -> int:
    """Run tfgen with `argv` (default: the command line); the exit code."""
    try:
        cli.main(args=argv, prog_name="tfgen")
    except SystemExit as done:
        code = done.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    return 0


def run() -> None:
    """The console script."""
    sys.exit(main())


if __name__ == "__main__":
    run()
