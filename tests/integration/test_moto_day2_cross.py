"""Day 2 against moto, cross-region and cross-account sequence: peers with their own provider
configuration are added and removed over a deployed module (retired aliases, then
--drop-retired), state kept throughout. The same-account edits and the endpoint's own edits
are tests/integration/test_moto_day2.py; the world and the checks are tests/support/day2.py.

The example's own provider blocks are used, the cross-account one with its `assume_role`
(moto maps the role's account to the credentials it returns).
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.support.day2 import FIRST_APPLY, OTHER_ACCOUNT, ZONE, M, Scenario
from tests.support.migration import migrated_plan
from tests.support.realtools import needs_terraform

ROLE = f"arn:aws:iam::{OTHER_ACCOUNT}:role/REPLACE-WITH-PEERING-ROLE"  # any role: moto maps it
pytestmark = [needs_terraform, pytest.mark.terraform, pytest.mark.slow]


def test_day_two_across_regions_and_accounts(moto_url: str, tmp_path: Path):
    day2 = Scenario(moto_url, tmp_path)
    world, module = day2.world, day2.module
    resources, check_aws, step = day2.resources, day2.check_aws, day2.step

    # 1. deployed with one same-account DNS peer
    begun = time.monotonic()
    module.render(world.answers(["beta"]))
    day2.init()
    planned = module.plan()
    planned.expect(
        create=[
            *FIRST_APPLY,
            *resources("beta"),
            ZONE,
            M + 'aws_route53_record.lambda["A"]',
        ]
    )
    module.apply()
    first = check_aws(["beta"], None)
    step("deploy with beta", begun)
    try:
        # 2. a cross-region peer: its own provider, the accepter on its side
        begun = time.monotonic()
        module.render(world.answers(["beta", "gamma"]))
        planned = module.plan()
        planned.expect(create=resources("gamma", accepter=True))
        module.apply()
        check_aws(["beta", "gamma"], first)
        step("add gamma (other region)", begun)

        # 3. a cross-account peer: authorized by the zone's account, associated from its own
        begun = time.monotonic()
        module.render(world.answers(["beta", "gamma", "delta"]))
        planned = module.plan()
        planned.expect(
            create=[
                *resources("delta", accepter=True),
                M + "aws_route53_vpc_association_authorization.delta",
            ]
        )
        module.apply()
        check_aws(["beta", "gamma", "delta"], first)
        step("add delta (other account, assume_role)", begun)

        # 4. remove the cross-region peer: retired, its alias destroys its resources
        begun = time.monotonic()
        warned = module.render(world.answers(["beta", "delta"]))
        assert "peer gamma was removed" in warned
        planned = module.plan()
        planned.expect(delete=resources("gamma", accepter=True))
        module.apply()
        check_aws(["beta", "delta"], first)
        assert "peer_gamma" in (module.folder / "versions.tf").read_text()
        step("remove gamma (retired)", begun)

        # Migration to the deployment layout over this state (golden case peering-retired: a
        # retired peer's alias, a live cross-account peer): planned only, never applied here.
        # The cross-account peer's role goes into the answers first (the 0.2 example's
        # placeholder role is not an answer): re-rendered, the 0.2 module changes only its
        # record, and the root's provider for delta assumes that role.
        begun = time.monotonic()
        data = world.answers(["beta", "delta"])
        (delta,) = [peer for peer in data["peering"] if peer["name"] == "delta"]
        delta["provider"] = {"role_arn": ROLE}
        module.render(data)
        assert module.plan().exit_code == 0
        migrated = migrated_plan(module.folder, tmp_path / "deployments" / "day2", world.url)
        targets = {
            change["address"]
            for change in migrated.document["resource_changes"]
            if change.get("previous_address")
        }
        assert "module.peer_delta.aws_vpc_peering_connection_accepter.this[0]" in targets
        assert not any("gamma" in address for address in targets)
        step("migrate (plan only)", begun)

        # 5. remove the cross-account peer
        begun = time.monotonic()
        module.render(world.answers(["beta"]))
        planned = module.plan()
        planned.expect(
            delete=[
                *resources("delta", accepter=True),
                M + "aws_route53_vpc_association_authorization.delta",
            ]
        )
        module.apply()
        check_aws(["beta"], first)
        # both aliases have nothing left to destroy: drop them in one step, nothing to plan
        module.render(world.answers(["beta"]), "--drop-retired")
        assert "configuration_aliases" not in (module.folder / "versions.tf").read_text()
        assert module.plan().exit_code == 0
        step("remove delta (retired), then --drop-retired", begun)
    finally:
        day2.destroy_and_check()
    day2.check_destroyed("day-2 scenario, across regions and accounts")
