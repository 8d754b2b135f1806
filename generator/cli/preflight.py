"""`tfgen preflight`: read-only checks in AWS before the first apply of a DNS peer."""

from __future__ import annotations

import sys
from pathlib import Path

import click


@click.command("preflight")
@click.argument("answers_file", metavar="ANSWERS", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--endpoint-url",
    metavar="URL",
    help="AWS API URL for every call (moto, LocalStack); boto3 also reads AWS_ENDPOINT_URL.",
)
def preflight(answers_file: Path, endpoint_url: str | None) -> None:
    """Check in AWS, with Describe/Get/List calls only, that every VPC that joins the Lambda
    zone (the endpoint's and each DNS peer's) can join it: no Lambda interface endpoint with
    private DNS on and no other private hosted zone for the Lambda name there (Route 53 would
    refuse the association at apply: ConflictingDomainExists). A peer in another account is
    read through its provider settings (role_arn or profile). It also names the private DNS
    names Lambda publishes in the region that the zone does not serve (dual-stack, FIPS) and the
    SDK settings that would use them (a note, not a failure). Exit 1 when a VPC conflicts or
    could not be read."""
    from generator.adopt.preflight import boto3_clients, unserved_names
    from generator.adopt.preflight import preflight as run_preflight
    from generator.answers.load import load_answers
    from generator.report.text import echo

    answers = load_answers(answers_file)
    clients = boto3_clients(answers, endpoint_url)
    outcomes = run_preflight(answers, clients)
    if not outcomes:
        echo(f"ok {answers_file}: no peer has dns: true, so no VPC joins a zone")
        sys.exit(0)
    for outcome in outcomes:
        where = f"{outcome.target.who} ({outcome.target.vpc_id}, {outcome.target.path})"
        if outcome.unchecked:
            echo(f"not checked {where}: {outcome.unchecked}")
        for conflict in outcome.conflicts:
            echo(f"conflict {where}: {conflict}")
        if outcome.ok:
            echo(f"ok {where}: can join the zone")
    names = unserved_names(answers, clients)
    if isinstance(names, str):
        echo(f"not checked the names Lambda publishes: {names}")
    for unserved in names if not isinstance(names, str) else ():
        echo(f"note: {unserved.sentence}")
    failed = sum(1 for outcome in outcomes if not outcome.ok)
    echo(f"{len(outcomes) - failed} of {len(outcomes)} VPC(s) can join the zone")
    sys.exit(1 if failed else 0)
