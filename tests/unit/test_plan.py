"""The module plan: built once per module from the answers, read by render, verify and docs."""

from __future__ import annotations

from pathlib import Path

from generator.answers.load import parse_answers
from generator.answers.policy import endpoint_policy_document
from generator.answers.rules import warnings
from generator.plan import module_plan as plan_stage
from generator.plan.module_plan import plan_module
from generator.run.module import RunOptions, render_to_folder
from tests.conftest import example_data


def test_plan_holds_policy_peering_arguments_and_warnings(example_answers):
    plan = plan_module(example_answers)
    assert plan.policy_document == endpoint_policy_document(example_answers)
    assert plan.module_arguments["endpoint_policy"] == plan.policy_document
    assert plan.module_arguments["subnet_ids"] == [s.id for s in example_answers.subnets]
    assert "peers" not in plan.module_arguments and not plan.peering
    assert list(plan.warnings) == warnings(example_answers)


def test_peers_argument_comes_from_the_peering_plan():
    data = example_data()
    data["peering"] = [
        {"name": "analytics", "vpc_id": "vpc-0aaaaaaaaaaaaaaaa", "cidr": "10.9.0.0/16"}
    ]
    answers = parse_answers(data)
    plan = plan_module(answers)
    assert [peer.name for peer in plan.peering.peers] == ["analytics"]
    assert plan.module_arguments["peers"] == {
        "analytics": {
            "vpc_id": "vpc-0aaaaaaaaaaaaaaaa",
            "cidr": "10.9.0.0/16",
            "extra_cidrs": [],
            "ipv6_cidr": None,
            "account_id": None,
            "region": answers.region,
            "connection_id": None,
            "route_table_ids": [],
            # absent: the module routes the endpoint subnets' tables
            "local_route_table_ids": None,
        }
    }
    assert [w.path for w in plan.warnings] == ["peering[0].route_table_ids"]


def test_one_render_builds_the_plan_once(example_answers, tmp_path: Path, monkeypatch):
    calls = {"policy": 0, "peering": 0}

    def counted(name, function):
        def wrapper(*args):
            calls[name] += 1
            return function(*args)

        return wrapper

    monkeypatch.setattr(
        plan_stage, "endpoint_policy_document", counted("policy", endpoint_policy_document)
    )
    monkeypatch.setattr(plan_stage, "peering_plan", counted("peering", plan_stage.peering_plan))
    assert render_to_folder(example_answers, tmp_path / "out", RunOptions(scan=False)).written
    assert calls == {"policy": 1, "peering": 1}
