"""Day 2 against moto, same-account sequence: one module lives through every kind of edit of
its own account's peers and of the endpoint, state kept throughout. The cross-region and
cross-account edits are the other sequence, tests/integration/test_moto_day2_cross.py (the
two run at once on separate workers: the provider mostly waits on Route 53).

Each step edits the answers, runs `tfgen render` over the module folder (the CLI, as a user
would), `terraform plan -out` + `terraform show -json`, asserts the planned actions are
exactly the intended ones, applies that plan, and reads AWS back with boto3: the private
hosted zone is associated with exactly the endpoint's VPC and the current DNS peers, and the
endpoint is still the one created first. Every API call goes to moto through
AWS_ENDPOINT_URL, so nothing is added to the module folder. moto 5.2.5 lacks Route 53's VPC
association authorization API and honours no `PrivateDnsEnabled` in ModifyVpcEndpoint:
tests/support/moto_patches.py adds both, minimally.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.support.day2 import ENDPOINT, FIRST_APPLY, ZONE, M, Scenario
from tests.support.realtools import needs_terraform
from tests.support.recorder import recorded

pytestmark = [needs_terraform, pytest.mark.terraform, pytest.mark.slow]

# The calls that change what the Lambda API name resolves to, in a VPC or in the zone.
DNS_CALLS = (
    "ModifyVpcEndpoint",
    "CreateHostedZone",
    "DeleteHostedZone",
    "ChangeResourceRecordSets",
    "AssociateVPCWithHostedZone",
    "DisassociateVPCFromHostedZone",
)


def test_day_two(moto_url: str, tmp_path: Path):
    day2 = Scenario(moto_url, tmp_path)
    world, module = day2.world, day2.module
    resources, check_aws, step = day2.resources, day2.check_aws, day2.step

    # 1. no peers
    begun = time.monotonic()
    module.render(world.answers([]))
    day2.init()
    planned = module.plan()
    planned.expect(create=list(FIRST_APPLY))
    module.apply()
    first = check_aws([], None)
    step("no peers", begun)
    try:
        # 2. two same-account DNS peers (and a third, for the reorder later): the first DNS
        # peer switches the endpoint VPC to the zone, which no order of calls makes without
        # a gap, so it is refused until dns_mode: zone is written (issue 25)
        begun = time.monotonic()
        with pytest.raises(AssertionError, match="write dns_mode: zone"):
            module.render(world.answers(["alpha", "beta", "omega"]))
        warned = module.render(world.answers(["alpha", "beta", "omega"], dns_mode="zone"))
        assert "switches to the zone" in " ".join(warned.split())
        planned = module.plan()
        planned.expect(
            create=[
                *resources("alpha"),
                *resources("beta"),
                *resources("omega"),
                ZONE,
                M + 'aws_route53_record.lambda["A"]',
            ],
            update=[M + "aws_vpc_endpoint_private_dns.lambda"],
        )
        with recorded(day2.url, tmp_path / "switch.log") as calls:
            module.apply()
        # the switch's own order: the endpoint's private DNS off, then the zone with the
        # endpoint's VPC, then its record, then the peers' associations
        dns_calls = [c for c in calls if c.startswith(DNS_CALLS)]
        assert dns_calls[:3] == [
            "ModifyVpcEndpoint(PrivateDnsEnabled=false)",
            "CreateHostedZone",
            "ChangeResourceRecordSets",
        ], calls
        assert sorted(dns_calls[3:]) == ["AssociateVPCWithHostedZone"] * 3, calls
        check_aws(["alpha", "beta", "omega"], first)
        step("add alpha, beta, omega (same account, dns)", begun)

        # 3. remove the first: only alpha's own resources go
        begun = time.monotonic()
        module.render(world.answers(["beta", "omega"]))
        planned = module.plan()
        planned.expect(delete=resources("alpha"))
        module.apply()
        check_aws(["beta", "omega"], first)
        step("remove alpha", begun)

        # 4. reorder: nothing changes
        begun = time.monotonic()
        module.render(world.answers(["omega", "beta"]))
        assert module.plan().actions == {}
        step("reorder", begun)

        # 4b. beta gets a second route table on each side, first in its lists; removing it
        # again plans only the deletion of its own two routes (keyed by table id: by position,
        # the routes in the remaining tables would be deleted and made again)
        begun = time.monotonic()
        hub_extra = world.ec2.create_route_table(VpcId=world.hub)["RouteTable"]["RouteTableId"]
        beta = world.peers["beta"]
        beta_extra = world.ec2.create_route_table(VpcId=beta["vpc_id"])["RouteTable"][
            "RouteTableId"
        ]

        def with_extra_tables(first: bool) -> dict:
            data = world.answers(["omega", "beta"])
            peer = data["peering"][1]
            peer["local_route_table_ids"] = [hub_extra, world.hub_rtb][0 if first else 1 :]
            peer["route_table_ids"] = [beta_extra, *beta["route_table_ids"]][0 if first else 1 :]
            return data

        extra_routes = [
            f'{M}aws_route.to_beta["{hub_extra}"]',
            f'{M}aws_route.from_beta["{beta_extra}"]',
        ]
        module.render(with_extra_tables(first=True))
        module.plan().expect(create=extra_routes)
        module.apply()
        module.render(with_extra_tables(first=False))
        module.plan().expect(delete=extra_routes)
        module.apply()
        check_aws(["omega", "beta"], first)
        step("add and remove a first route table", begun)

        # 5. dns: false on one: only its association goes
        begun = time.monotonic()
        data = world.answers(["omega", "beta"])
        data["peering"][1]["dns"] = False
        module.render(data)
        planned = module.plan()
        planned.expect(delete=[M + "aws_route53_zone_association.beta"])
        module.apply()
        check_aws(["omega"], first)
        step("dns: false on beta", begun)

        # 5b. dns: false on the last DNS peer: the zone stays with the endpoint's VPC (its
        # private DNS stays off), only omega's association goes: no moment without an answer
        begun = time.monotonic()
        data = world.answers(["omega", "beta"])
        data["peering"][0]["dns"] = data["peering"][1]["dns"] = False
        warned = module.render(data)
        assert "private hosted zone of" in warned and "stays" in warned
        planned = module.plan()
        planned.expect(delete=[M + "aws_route53_zone_association.omega"])
        with recorded(day2.url, tmp_path / "last.log") as calls:
            module.apply()
        assert [c for c in calls if c.startswith(DNS_CALLS)] == ["DisassociateVPCFromHostedZone"], (
            calls
        )
        check_aws([], first, zone=True)
        step("dns: false on the last DNS peer", begun)

        # 5c. dns: true again on omega, the first DNS peer of a module whose zone exists: only
        # its association is made (the zone already answers in the endpoint's VPC)
        begun = time.monotonic()
        data = world.answers(["omega", "beta"])
        data["peering"][1]["dns"] = False
        assert "dns_mode" not in module.render(data)
        planned = module.plan()
        planned.expect(create=[M + "aws_route53_zone_association.omega"])
        with recorded(day2.url, tmp_path / "first.log") as calls:
            module.apply()
        assert [c for c in calls if c.startswith(DNS_CALLS)] == ["AssociateVPCWithHostedZone"], (
            calls
        )
        check_aws(["omega"], first)
        step("dns: true again on omega", begun)

        # 6. a third subnet: the endpoint changes in place
        begun = time.monotonic()
        data = world.answers(["omega", "beta"], subnets=3)
        data["peering"][1]["dns"] = False
        module.render(data)
        planned = module.plan()
        planned.expect(update=[ENDPOINT])
        module.apply()
        assert len(world.endpoint()["SubnetIds"]) == 3
        check_aws(["omega"], first)
        step("add a subnet", begun)

        # 7. tags and a policy statement: updates in place, nothing replaced
        begun = time.monotonic()
        data["tags"] = {"Project": "lambda-private-access", "Team": "platform"}
        data["policy"]["statements"][0]["actions"] = [
            "lambda:InvokeFunction",
            "lambda:GetFunction",
        ]
        module.render(data)
        planned = module.plan()
        planned.never(("delete", "replace"), list(planned.actions))
        assert ENDPOINT in planned.addresses("update")
        assert planned.addresses("create") == set()
        module.apply()
        endpoint = world.endpoint()
        assert "lambda:GetFunction" in endpoint["PolicyDocument"]
        assert {"Key": "Team", "Value": "platform"} in endpoint["Tags"]
        check_aws(["omega"], first)
        step("tags and policy", begun)

        # 8. re-render unchanged: an empty plan (exit 0 with -detailed-exitcode)
        begun = time.monotonic()
        module.render(data)
        unchanged = module.plan()
        assert unchanged.exit_code == 0 and unchanged.actions == {}
        step("re-render unchanged", begun)
    finally:
        day2.destroy_and_check()
    day2.check_destroyed("day-2 scenario, same account")
