"""Resource addresses of generated modules are a contract with deployed state.

`tests/addresses.json` lists, for every golden module, each address the parsed HCL declares
that holds state (resources, and the example's module call; data sources are re-read on
every plan) with its `count`/`for_each` expression (the instance keys). A later tfgen must
keep every listed address, or say where the object went with a `moved` block in the
template; otherwise a re-render would plan to destroy deployed infrastructure. New addresses
are added to the list with
`TFGEN_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/unit/test_addresses.py` (review the diff:
a changed instance-key expression must still give the same keys); the update never drops an
address that has no `moved` block.
"""

from __future__ import annotations

import json
import os
from typing import Any

import pytest

from generator.answers.load import parse_answers
from generator.core.hcl import blocks, parse_hcl
from generator.render.templates import render_module
from tests.conftest import TESTS
from tests.support.golden_cases import case_answers, case_names

CONTRACT = TESTS / "addresses.json"
UPDATE = os.environ.get("TFGEN_UPDATE_GOLDEN") == "1"
CASES = ["built-in example", *case_names()]


def unwrap(value: Any) -> str:
    text = str(value)
    return text[2:-1] if text.startswith("${") and text.endswith("}") else text


def addresses(files: dict[str, str]) -> dict[str, str]:
    """Address -> instance keys ("" for a single instance), of the module and its example."""
    found: dict[str, str] = {}
    for name, text in files.items():
        if not name.endswith(".tf"):
            continue
        tree = parse_hcl(text)
        prefix = "example: " if name.startswith("example/") else ""
        for kind, label, body in blocks(tree, "resource"):
            found[f"{prefix}{kind}.{label}"] = instance_keys(body)
        for entry in tree.get("module", []):
            for label, body in entry.items():
                found[f"{prefix}module.{label}"] = instance_keys(body)
    return dict(sorted(found.items()))


def instance_keys(body: dict[str, Any]) -> str:
    for meta in ("count", "for_each"):
        if meta in body:
            return f"{meta} = {unwrap(body[meta])}"
    return ""


def moved_blocks(files: dict[str, str]) -> dict[str, str]:
    """`from` -> `to` of every moved block in the module's files."""
    moves = {}
    for name, text in files.items():
        if name.endswith(".tf"):
            for block in parse_hcl(text).get("moved", []):
                prefix = "example: " if name.startswith("example/") else ""
                moves[prefix + unwrap(block["from"])] = prefix + unwrap(block["to"])
    return moves


def broken_promises(contract: dict[str, str], files: dict[str, str]) -> list[str]:
    """Every listed address the module no longer declares and no moved block accounts for,
    and every instance-key expression that changed."""
    now = addresses(files)
    moves = moved_blocks(files)
    problems = []
    for address, keys in contract.items():
        if address in now:
            if now[address] != keys:
                problems.append(
                    f"{address}: instance keys changed from {keys!r} to {now[address]!r}; "
                    "deployed instances would be destroyed and re-created"
                )
        elif address not in moves:
            problems.append(f"{address} is gone and no moved block says where it went")
        elif moves[address] not in now:
            problems.append(f"{address} moves to {moves[address]}, which is not declared")
    return problems


def load_contract() -> dict[str, dict[str, str]]:
    return json.loads(CONTRACT.read_text(encoding="utf-8")) if CONTRACT.is_file() else {}


def rendered(case: str) -> dict[str, str]:
    return render_module(parse_answers(case_answers(case)))


@pytest.mark.parametrize("case", CASES)
def test_addresses_keep_their_promise(case: str):
    contract = load_contract()
    files = rendered(case)
    promised = contract.get(case, {})
    problems = broken_promises(promised, files)
    if UPDATE:
        problems = [problem for problem in problems if "instance keys changed" not in problem]
    if UPDATE and not problems:
        now = addresses(files)
        moved_away = {address: keys for address, keys in promised.items() if address not in now}
        contract[case] = dict(sorted({**moved_away, **now}.items()))
        CONTRACT.write_text(json.dumps(contract, indent=2, sort_keys=True) + "\n")
        return
    assert not problems, "\n".join(problems)
    new = sorted(set(addresses(files)) - set(promised))
    assert not new, f"new addresses {new}: add them to {CONTRACT.name} (see this file's doc)"


def test_every_golden_case_is_in_the_contract():
    assert sorted(load_contract()) == sorted(CASES)


def test_a_renamed_address_without_a_moved_block_breaks_the_promise():
    files = rendered("peering-three-mixed")
    promised = addresses(files)
    assert broken_promises(promised, files) == []
    renamed = files["peering.tf"].replace(
        'resource "aws_route53_zone_association" "web"',
        'resource "aws_route53_zone_association" "peer_web"',
    )
    assert renamed != files["peering.tf"]
    files = {**files, "peering.tf": renamed}
    assert broken_promises(promised, files) == [
        "aws_route53_zone_association.web is gone and no moved block says where it went"
    ]
    moved = renamed + (
        "\nmoved {\n  from = aws_route53_zone_association.web\n"
        "  to   = aws_route53_zone_association.peer_web\n}\n"
    )
    assert broken_promises(promised, {**files, "peering.tf": moved}) == []
    wrong = moved.replace("to   = aws_route53_zone_association.peer_web", "to   = aws_x.y")
    assert broken_promises(promised, {**files, "peering.tf": wrong}) == [
        "aws_route53_zone_association.web moves to aws_x.y, which is not declared"
    ]


def test_changed_instance_keys_break_the_promise():
    files = rendered("peering-same-account")
    promised = addresses(files)
    text = files["peering.tf"].replace(
        'for_each = local.peer_route_tables["analytics"]',
        'for_each = toset(var.peers["analytics"].route_table_ids)',
    )
    assert text != files["peering.tf"]
    (problem,) = broken_promises(promised, {**files, "peering.tf": text})
    assert problem.startswith("aws_route.from_analytics: instance keys changed")
