"""The moved blocks of a migration from the 0.2 layout: each one leaves an address the 0.2
module declares and lands on one the shared module (or its peer side) declares."""

from __future__ import annotations

import re

import pytest

from generator.answers.load import parse_answers
from generator.core.hcl import parse_hcl
from generator.plan.deployment import plan_deployment
from generator.plan.migration import migration_moves
from generator.plan.module_plan import plan_module
from generator.render.deployment import render_deployment
from generator.render.shared import render_shared_module
from generator.run.module import rendered_files
from tests.support.golden_cases import case_answers, case_names

PEERED = [name for name in case_names() if case_answers(name).get("peering")]


def declared(files: dict[str, str], folder: str = "") -> set[str]:
    found = set()
    for name, text in files.items():
        inside = name[len(folder) :] if name.startswith(folder) else None
        if inside is None or "/" in inside or not inside.endswith(".tf"):
            continue
        for block in parse_hcl(text).get("resource", []):
            for kind, named in block.items():
                found.update(f"{kind}.{label}" for label in named)
    return found


def base(address: str) -> tuple[str, str]:
    """('module path', 'type.name') of an instance address."""
    parts = re.sub(r"\[[^\]]*\]", "", address).split(".")
    return ".".join(parts[:-2]), ".".join(parts[-2:])


@pytest.mark.parametrize("case", PEERED)
def test_moves_go_from_02_addresses_to_the_shared_modules(case: str):
    answers = parse_answers(case_answers(case))
    old = declared(rendered_files(answers))
    shared = render_shared_module()
    new = {
        "module.lambda_endpoint": declared(shared),
        "peer": declared(shared, "modules/peer/"),
    }
    moves = migration_moves(plan_module(answers))
    assert moves
    sources = {source for source, _ in moves}
    for source, target in moves:
        where, resource = base(source)
        assert where == "module.lambda_endpoint" and resource in old, source
        if target in sources:  # a step of 0.2's own moves from 0.1, chained on
            continue
        where, resource = base(target)
        side = "module.lambda_endpoint" if where == "module.lambda_endpoint" else "peer"
        assert resource in new[side], target
    assert len({target for _, target in moves}) == len(moves)  # one source per address


def test_a_migrated_resolver_lands_on_the_shared_modules_counted_instances():
    answers = parse_answers(case_answers("on-premises-resolver"))
    old = declared(rendered_files(answers))
    new = declared(render_shared_module())
    moves = migration_moves(plan_module(answers))
    assert moves == (
        (
            "module.lambda_endpoint.aws_route53_resolver_endpoint.inbound",
            "module.lambda_endpoint.aws_route53_resolver_endpoint.inbound[0]",
        ),
        (
            "module.lambda_endpoint.aws_security_group.resolver",
            "module.lambda_endpoint.aws_security_group.resolver[0]",
        ),
    )
    for source, target in moves:
        assert base(source)[1] in old and base(target)[1] in new


def test_a_migrated_root_carries_its_moves_and_a_new_one_none():
    answers = parse_answers(case_answers("peering-three-mixed"))
    assert "moved.tf" not in render_deployment(plan_deployment(answers))
    migrated = render_deployment(plan_deployment(answers, migrated=True))
    assert migrated["moved.tf"].count("moved {") == len(migration_moves(plan_module(answers)))


def test_moves_land_on_keys_by_table_and_group_and_default_tables_are_warned():
    data = case_answers("peering-same-account")
    data["security_group"] = {"create": True, "allow_security_group_ids": ["sg-0aaaaaaaaaaaaaaa1"]}
    (peer,) = data["peering"]
    answers = parse_answers(data)
    moves = dict(migration_moves(plan_module(answers)))

    def landing(address: str) -> str:
        """Where a deployed instance ends up, following chained moves (0.2 -> 0.3 -> shared)."""
        while address in moves:
            address = moves[address]
        return address

    table, peer_table = peer["local_route_table_ids"][0], peer["route_table_ids"][0]
    name = peer["name"]
    to_peer = f'module.lambda_endpoint.aws_route.to_peer["{name} {table} {peer["cidr"]}"]'
    # a 0.2 state (by position) and a 0.3 module-layout state (by table id) land on one key
    assert landing(f"module.lambda_endpoint.aws_route.to_{name}[0]") == to_peer
    assert landing(f'module.lambda_endpoint.aws_route.to_{name}["{table}"]') == to_peer
    assert moves[f"module.lambda_endpoint.aws_route.to_{name}[0]"] == (
        f'module.lambda_endpoint.aws_route.to_{name}["{table}"]'
    )
    assert landing(f"module.lambda_endpoint.aws_route.from_{name}[0]").endswith(
        f'aws_route.to_endpoint["{peer_table} 10.0.0.0/16"]'
    )
    rule = "module.lambda_endpoint.aws_vpc_security_group_ingress_rule"
    assert landing(f"{rule}.security_group[0]") == f'{rule}.source_group["sg-0aaaaaaaaaaaaaaa1"]'
    assert landing(f'{rule}.security_group["sg-0aaaaaaaaaaaaaaa1"]') == (
        f'{rule}.source_group["sg-0aaaaaaaaaaaaaaa1"]'
    )
    # no two moves share a destination (terraform refuses ambiguous moves)
    assert len(set(moves.values())) == len(moves)
    assert not [
        w for w in plan_deployment(answers, migrated=True).warnings if "migrat" in w.message
    ]
    del peer["local_route_table_ids"]  # the endpoint subnets' tables: no id to move to
    answers = parse_answers(data)
    assert not [m for m in migration_moves(plan_module(answers)) if f"aws_route.to_{name}[" in m[0]]
    warned = [
        w.path for w in plan_deployment(answers, migrated=True).warnings if "migration" in w.message
    ]
    assert warned == ["peering[0].local_route_table_ids"]
    assert not [w for w in plan_deployment(answers).warnings if "migration" in w.message]
