"""A module folder's record of its last render: the answers it was rendered from (its
`tfgen.answers.yaml`), what a re-render over it carries over (retired peers' provider
aliases, the DNS mode) and the warnings it needs (an older tfgen's layout)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.core.errors import Problem, UsageError
from generator.core.files import read_regular_file
from generator.core.layout import ANSWERS_FILE
from generator.moduledir.write import read_manifest

if TYPE_CHECKING:
    from generator.answers.model import Answers


def committed_answers(
    target: Path, force: bool = False, manifest: dict[str, Any] | None = None
) -> Answers | None:
    """The answers a tfgen module folder was last rendered from (None for a new folder, or
    with `force` when they cannot be read). `manifest`: the folder's, when already read."""
    from generator.core.errors import AnswersError

    manifest = manifest if manifest is not None else read_manifest(target)
    if manifest is None or not (target / ANSWERS_FILE).is_file():
        return None
    try:
        return load_record(target / ANSWERS_FILE)
    except AnswersError as error:
        if force:
            return None
        raise UsageError(
            f"{target / ANSWERS_FILE} (the module's committed answers) cannot be read, so "
            f"removed peers cannot be told: {error}; fix it or use --force"
        ) from None


_RECORDS: dict[bytes, Answers] = {}


def load_record(path: Path) -> Answers:
    """`load_answers` of a module's answers record, the last few remembered by their bytes:
    a check or re-render reads the same record twice (for its retired peers, and to compare
    it with its source). Answers are immutable."""
    from generator.answers.load import MAX_ANSWERS_BYTES, load_answers_bytes
    from generator.core.errors import AnswersError

    try:  # what load_answers does: only a regular file, its size checked before reading
        raw = read_regular_file(path, MAX_ANSWERS_BYTES)
    except UsageError as error:
        raise AnswersError([Problem("", str(error))], str(path)) from None
    answers = _RECORDS.get(raw)
    if answers is None:
        answers = load_answers_bytes(raw, str(path))
        if len(_RECORDS) >= 4:
            _RECORDS.clear()
        _RECORDS[raw] = answers
    return answers


def upgrade_warnings(
    target: Path, manifest: dict[str, Any] | None, previous: Answers | None
) -> list[Problem]:
    """What a re-render over a module from an older tfgen cannot change by itself, from the
    module's manifest and committed answers.

    tfgen 0.1 created the Lambda zone with the first DNS peer's VPC (in that peer's account
    when every DNS peer was in another one); 0.2 creates it with the endpoint's VPC, a setting
    the module ignores after creation, and associates each peer. Over the old zone, the first
    peer's association collides with the one it has and the endpoint VPC never joins, so the
    old zone must be replaced once (CHANGELOG.md, 0.2.0)."""
    version = str((manifest or {}).get("tfgen_version", ""))
    dns_peers = [peer for peer in previous.peering if peer.dns] if previous else []
    if not version.startswith("0.1.") or not dns_peers:
        return []
    first = dns_peers[0]
    return [
        Problem(
            "peering",
            f"{target} was rendered by tfgen {version}, which created the private hosted zone "
            f"for the Lambda API with peer {first.name}'s VPC {first.vpc_id} (in that peer's "
            "account when every DNS peer is in another account); this layout makes it with "
            "the endpoint's VPC and associates every peer, so over the old zone that peer's "
            "association collides and the endpoint VPC never joins: after this render replace "
            "it once (peers lose the Lambda name until they are associated again): terraform apply "
            "-replace='module.<your module call>.aws_route53_zone.lambda' (a zone in a peer's "
            "account: terraform state rm it and delete it there); see the README, Changing a "
            "deployed module",
        )
    ]


def answers_for_target(
    answers: Answers, target: Path, drop_retired: bool, force: bool
) -> tuple[Answers, list[Problem]]:
    """The answers with what the module already in `target` carries over (`retired_peers`,
    the DNS mode it has: `keep_dns_mode`), and the warnings a re-render over that module
    needs (`upgrade_warnings`); the module's manifest and committed answers are read once."""
    from generator.plan.peering import keep_dns_mode, retire_removed_peers

    manifest = read_manifest(target)
    previous = committed_answers(target, force, manifest)
    carried = retire_removed_peers(answers, previous, drop=drop_retired)
    carried, dns = keep_dns_mode(carried, previous, str(target))
    return carried, [*dns, *upgrade_warnings(target, manifest, previous)]
