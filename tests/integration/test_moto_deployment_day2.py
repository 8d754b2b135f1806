"""Day 2 of a deployment root (the deployment layout) against moto, one apply sequence: a
same-account DNS peer, then a peer in another region (its side a modules/peer call with its
own provider), then each removed (the other region's provider kept as a retired alias until
the apply, then dropped). Every plan creates or deletes exactly that peer's resources: peers
are keyed by name, so the others never move; the endpoint, its group and the zone stay, the
last DNS peer's removal too."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from generator.cli.main import cli
from tests.support.day2 import FIRST_APPLY, HUB_CIDR, M, World
from tests.support.planjson import apply, plan
from tests.support.realtools import needs_terraform, terraform

pytestmark = [needs_terraform, pytest.mark.terraform, pytest.mark.slow]
ZONE = M + "aws_route53_zone.lambda[0]"


def peer_resources(world: World, name: str) -> list[str]:
    peer = world.peers[name]
    side = f"module.peer_{name}." if peer.get("region") else f'{M}module.peer["{name}"].'
    found = [
        f'{M}aws_vpc_peering_connection.peer["{name}"]',
        f'{M}aws_vpc_security_group_ingress_rule.peer["{name}"]',
        f'{M}aws_route.to_peer["{name} {world.hub_rtb} {peer["cidr"]}"]',
        f'{side}aws_route.to_endpoint["{peer["route_table_ids"][0]} {HUB_CIDR}"]',
        f"{side}aws_route53_zone_association.this[0]",
    ]
    if peer.get("region"):
        found.append(f"{side}aws_vpc_peering_connection_accepter.this[0]")
    return found


class Root:
    def __init__(self, tmp_path: Path, url: str) -> None:
        self.answers = tmp_path / "answers" / "day2.yaml"
        self.answers.parent.mkdir()
        self.root = tmp_path / "deployments" / "day2"
        self.url = url

    def render(self, data: dict[str, Any], *flags: str) -> None:
        self.answers.write_text(yaml.safe_dump({**data, "name": "day2"}, sort_keys=False))
        result = CliRunner().invoke(
            cli,
            [
                "render",
                str(self.answers),
                "--layout",
                "deployment",
                "-o",
                str(self.root),
                "--module-dir",
                str(self.root.parent.parent / "modules" / "lambda-endpoint"),
                "--no-scan",
                *flags,
            ],
        )
        assert result.exit_code == 0, result.output
        # a new module call (a peer in another account or region) needs init, as for users
        terraform(["init", "-input=false", "-no-color"], self.root)

    def plan(self):
        return plan(self.root, endpoint=self.url)

    def apply(self) -> None:
        apply(self.root, endpoint=self.url)


def test_day_two_of_a_deployment_root(moto_url: str, tmp_path: Path):
    world = World(moto_url)
    root = Root(tmp_path, moto_url)
    root.render(world.answers(["beta"]))
    root.plan().expect(
        create=[
            *FIRST_APPLY,
            *peer_resources(world, "beta"),
            ZONE,
            M + 'aws_route53_record.lambda["A"]',
        ]
    )
    root.apply()
    first = world.endpoint()["VpcEndpointId"]
    try:
        # a peer in another region: its side is module.peer_gamma, with its own provider; beta
        # gets a second table on each side (first in its lists), so that removing it can be
        # planned below. (Source groups are keyed the same way, checked by the shared module's
        # terraform test: moto 5.2.5 reads a group-referencing rule back without its
        # description, so a plan against it is never empty.)
        hub_extra = world.ec2.create_route_table(VpcId=world.hub)["RouteTable"]["RouteTableId"]
        beta = world.peers["beta"]
        beta_extra = world.ec2.create_route_table(VpcId=beta["vpc_id"])["RouteTable"][
            "RouteTableId"
        ]

        def with_extras(first: bool) -> dict[str, Any]:
            data = world.answers(["beta", "gamma"])
            (peer,) = [peer for peer in data["peering"] if peer["name"] == "beta"]
            peer["local_route_table_ids"] = [hub_extra, world.hub_rtb][0 if first else 1 :]
            peer["route_table_ids"] = [beta_extra, *beta["route_table_ids"]][0 if first else 1 :]
            return data

        extras = [
            f'{M}aws_route.to_peer["beta {hub_extra} {beta["cidr"]}"]',
            f'{M}module.peer["beta"].aws_route.to_endpoint["{beta_extra} {HUB_CIDR}"]',
        ]
        root.render(with_extras(first=True))
        root.plan().expect(create=[*peer_resources(world, "gamma"), *extras])
        root.apply()
        assert world.zone_vpcs() == {
            world.hub,
            world.peers["beta"]["vpc_id"],
            world.peers["gamma"]["vpc_id"],
        }

        # removing the first route table on each side plans only its own routes' deletions
        # (keyed by table id; by position, the routes in the other tables would be rewritten)
        root.render(with_extras(first=False))
        root.plan().expect(delete=extras)
        root.apply()

        # the first peer goes: only its resources, gamma's keys do not move
        root.render(world.answers(["gamma"]))
        root.plan().expect(delete=peer_resources(world, "beta"))
        root.apply()

        # the other region's peer goes: its provider stays as a retired alias for the destroy
        root.render(world.answers([]))
        assert 'alias  = "peer_gamma"' in (root.root / "providers.tf").read_text()
        planned = root.plan()
        assert planned.addresses("create") == set() and planned.addresses("replace") == set()
        assert set(peer_resources(world, "gamma")) == planned.addresses("delete")
        # no DNS peer is left, and the zone stays with the endpoint's VPC (issue 25): removing
        # it would switch the VPC back to the endpoint's own private DNS through a gap
        assert planned.addresses("update") == set(), planned.addresses("update")
        root.apply()
        assert world.zone_vpcs() == {world.hub}
        assert world.endpoint()["PrivateDnsEnabled"] is False
        root.render(world.answers([]), "--drop-retired")
        assert "peer_gamma" not in (root.root / "providers.tf").read_text()
        assert root.plan().exit_code == 0
        assert world.endpoint()["VpcEndpointId"] == first
    finally:
        terraform(
            ["destroy", "-auto-approve", "-input=false", "-no-color"], root.root, endpoint=moto_url
        )
