"""The pure helpers of tfgen's checkov pack (tfgen_graph.py, tfgen_endpoints.py), run in
tfgen's own environment: they import nothing of checkov. checkov imports them by their file
names from the pack folder, so the tests put that folder on sys.path the same way."""

from __future__ import annotations

import ast
import importlib
from types import ModuleType
from typing import Any

import pytest

from generator.scan.checkov import policy_pack_dir

PURE = ("tfgen_graph", "tfgen_endpoints")


@pytest.fixture
def pack(monkeypatch) -> dict[str, ModuleType]:
    monkeypatch.syspath_prepend(str(policy_pack_dir()))
    return {name: importlib.import_module(name) for name in PURE}


class Graph:
    """The networkx shape checkov's graph has: nodes(data=True) -> (index, attributes)."""

    def __init__(self, *attributes: dict[str, Any]) -> None:
        self.attributes = attributes

    def nodes(self, data: bool = False) -> list[tuple[int, dict[str, Any]]]:
        return list(enumerate(self.attributes))


def vertex(block_type: str, name: str, **extra: Any) -> dict[str, Any]:
    return {"block_type_": block_type, "block_name_": name, "file_path_": "/m/main.tf", **extra}


def test_pure_helpers_import_nothing_of_checkov():
    for name in PURE:
        tree = ast.parse((policy_pack_dir() / f"{name}.py").read_text(encoding="utf-8"))
        modules = {
            alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.Import)
            for alias in node.names
        } | {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
        assert not any(module.startswith("checkov") for module in modules), name


def test_values(pack):
    graph = pack["tfgen_graph"]
    assert graph.first({"a": [1]}, "a") == 1 and graph.first({"a": [1, 2]}, "a") == [1, 2]
    assert graph.first({}, "a", None) is None and graph.first(None, "a") is graph.MISSING
    assert graph.unresolved("${var.x}") and graph.unresolved(["ok", {"k": "local.y"}])
    assert not graph.unresolved("$${literal}") and not graph.unresolved("${aws:username}")
    assert graph.as_list(None) == [] and graph.as_list("x") == ["x"]
    assert graph.as_bool("True") is True and graph.as_bool("maybe") is None
    assert graph.as_int("-3") == -3 and graph.as_int(True) is None
    assert graph.same_expression("${ var.a }", "var.a")
    assert graph.base_name("aws_security_group.endpoint[0]") == "endpoint"
    assert graph.active({"count": [0]}) is False and graph.active({"count": ["${var.n}"]}) is None
    assert graph.active({"for_each": [{}]}) is False and graph.active({}) is True


def test_scope_resolves_variables_and_locals_of_its_module(pack):
    graph = pack["tfgen_graph"]
    me = vertex("resource", "aws_vpc_endpoint.lambda", resource_type="aws_vpc_endpoint")
    model = Graph(
        me,
        vertex("variable", "peers", default={"a": {"cidr": "10.1.0.0/16"}}),
        vertex("locals", "region", config_={"region": ["eu-west-1"]}),
        {**vertex("variable", "peers", default={}), "file_path_": "/other/main.tf"},
    )
    scope = graph.Scope(model, me)
    assert scope.resolve('${var.peers["a"].cidr}') == "10.1.0.0/16"
    assert scope.resolve(["${local.region}", "x"]) == ["eu-west-1", "x"]
    assert scope.resolve("var.missing") == "var.missing"
    assert scope.resources("aws_vpc_endpoint") == [me]
    assert scope.refers_to_me("aws_vpc_endpoint.lambda.id")
    assert not scope.refers_to_me("aws_vpc_endpoint.other.id")


def test_lambda_endpoint_and_policy_statements(pack):
    endpoints = pack["tfgen_endpoints"]
    lambda_conf = {"service_name": ["com.amazonaws.eu-west-1.lambda"]}
    assert endpoints.is_lambda_endpoint(lambda_conf) is True
    assert endpoints.endpoint_region(lambda_conf) == "eu-west-1"
    gateway = {**lambda_conf, "vpc_endpoint_type": ["Gateway"]}
    assert endpoints.is_lambda_endpoint(gateway) is False
    assert endpoints.is_lambda_endpoint({"service_name": ["com.amazonaws.eu-west-1.s3"]}) is False
    assert endpoints.is_lambda_endpoint({"service_name": ["${var.service}"]}) is None
    statement = {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "lambda:*"}
    assert endpoints.statements({"Statement": statement}) == [statement]
    assert endpoints.is_allow(statement) and endpoints.wildcard_principal(statement)
    assert endpoints.wildcard_action(statement) and not endpoints.has_condition(statement)
    named = {"Principal": {"AWS": ["arn:aws:iam::111122223333:root"]}, "Action": ["lambda:Get*"]}
    assert endpoints.wildcard_principal(named) is False
    assert endpoints.wildcard_action(named) is False
    assert endpoints.wildcard_principal({"Principal": "${var.who}"}) is None


def test_subnet_zone_from_a_data_source_filter(pack):
    endpoints = pack["tfgen_endpoints"]
    conf = {"filter": [{"name": ["availability-zone-id"], "values": [["use1-az3"]]}]}
    assert endpoints.subnet_zone_of(conf) == ("use1-az3", None)
    assert endpoints.subnet_zone_of({"availability_zone": ["${var.az}"]}) == (None, None)
