"""On-premises resolution: the `on_premises` answers are refused by field path before anything
is rendered; the Resolver inbound endpoint, its group and its outputs are rendered in both
layouts; verify reports every mutation of them (direction, subnets, ports, CIDRs, egress,
guards, outputs, the call's values)."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from generator.answers.load import parse_answers
from generator.core.errors import AnswersError
from generator.core.hcl import literal_text, parse_hcl
from generator.plan.deployment import plan_deployment
from generator.render.deployment import render_deployment
from generator.render.shared import render_shared_module
from generator.render.templates import render_module
from generator.verify.deployment import verify_deployment
from generator.verify.module import verify_module
from generator.verify.shared import verify_shared_module
from tests.support.cli import tfgen
from tests.support.golden_cases import case_answers

CASE = "on-premises-resolver"


def data(**changes) -> dict:
    found = copy.deepcopy(case_answers(CASE))
    found.update(changes)
    return found


def on_premises(**changes) -> dict:
    return {**data()["on_premises"], **changes}


def problems(raw: dict) -> list[str]:
    with pytest.raises(AnswersError) as error:
        parse_answers(raw)
    return [f"{problem.path}: {problem.message}" for problem in error.value.problems]


SUBNET_A = {"id": "subnet-0bbbbbbbbbbbbbbb1", "az_id": "use2-az1"}
SUBNET_B = {"id": "subnet-0bbbbbbbbbbbbbbb2", "az_id": "use2-az2"}


@pytest.mark.parametrize(
    ("section", "path", "says"),
    [
        (on_premises(resolver_subnets=[SUBNET_A]), "on_premises.resolver_subnets", "at least 2"),
        (
            on_premises(resolver_subnets=[SUBNET_A, {**SUBNET_B, "az_id": "use2-az1"}]),
            "on_premises.resolver_subnets[1].az_id",
            "repeats on_premises.resolver_subnets[0].az_id",
        ),
        (
            on_premises(resolver_subnets=[SUBNET_A, {**SUBNET_A, "az_id": "use2-az2"}]),
            "on_premises.resolver_subnets[1].id",
            "repeats",
        ),
        (
            on_premises(resolver_subnets=[SUBNET_A, {**SUBNET_B, "az_id": "use1-az2"}]),
            "on_premises.resolver_subnets[1].az_id",
            "not in us-east-2",
        ),
        (on_premises(cidrs=["0.0.0.0/0"]), "on_premises.cidrs[0]", "every IPv4 address"),
        (on_premises(cidrs=["0.0.0.0/1", "128.0.0.0/1"]), "on_premises.cidrs", "cover every"),
        (on_premises(cidrs=["10.0.0.1/8"]), "on_premises.cidrs[0]", "host bits"),
        (on_premises(cidrs=["2001:db8::/32"]), "on_premises.cidrs[0]", "IPv4"),
        (on_premises(cidrs=["10.1.0.0/16", "10.1.0.0/16"]), "on_premises.cidrs[1]", "repeats"),
        (on_premises(cidrs=[]), "on_premises.cidrs", "at least 1"),
        (on_premises(extra=1), "on_premises.extra", "unknown key"),
    ],
)
def test_bad_on_premises_answers_are_refused_by_field(section: dict, path: str, says: str):
    found = problems(data(on_premises=section))
    assert any(line.startswith(f"{path}: ") and says in line for line in found), found


def test_private_dns_off_is_refused_unless_the_zone_answers():
    found = problems(data(private_dns=False))
    assert any(line.startswith("on_premises: private_dns is false") for line in found), found
    assert parse_answers(data(private_dns=False, dns_mode="zone")).on_premises is not None


def test_the_cli_refuses_with_exit_2_and_writes_nothing(tmp_path: Path):
    source, out = tmp_path / "a.yaml", tmp_path / "m"
    source.write_text(yaml.safe_dump(data(on_premises=on_premises(cidrs=["0.0.0.0/0"]))))
    run = tfgen("render", str(source), "-o", str(out), "--no-scan")
    assert run.returncode == 2 and "on_premises.cidrs[0]" in run.stderr
    assert not out.exists()


def test_answers_without_the_section_render_no_resolver():
    raw = data()
    del raw["on_premises"]
    files = render_module(parse_answers(raw))
    assert "resolver.tf" not in files and "on_premises" not in "".join(files.values())
    assert "on_premises" not in parse_answers(raw).normalized()


# ---- the module folder: verify reports each mutation ----------------------------------------

ANSWERS = parse_answers(data())


def module_findings(name: str, old: str, new: str) -> list[str]:
    files = render_module(ANSWERS)
    assert old in files[name], (name, old)
    files[name] = files[name].replace(old, new, 1)
    return [str(finding) for finding in verify_module(ANSWERS, files)]


def test_the_rendered_resolver_verifies_and_says_the_answers():
    files = render_module(ANSWERS)
    assert verify_module(ANSWERS, files) == []
    example = parse_hcl(files["example/main.tf"])
    call = literal_text(example["module"][0]["lambda_endpoint"])
    assert call["on_premises"] == {
        "resolver_subnet_ids": ["subnet-0bbbbbbbbbbbbbbb1", "subnet-0bbbbbbbbbbbbbbb2"],
        "cidrs": ["192.168.0.0/16", "172.16.10.0/24"],
    }
    assert 'zone "lambda.us-east-2.amazonaws.com"' in files["README.md"]
    assert "forward-addr: <address in subnet-0bbbbbbbbbbbbbbb2>" in files["README.md"]
    assert (
        "| Resolver inbound endpoint hours | 2 ENI × 730 h | $0.125 per ENI-hour |"
        in (files["README.md"])
    )


@pytest.mark.parametrize(
    ("name", "old", "new", "expected"),
    [
        ("resolver.tf", '"INBOUND"', '"OUTBOUND"', "direction is 'OUTBOUND'"),
        ("resolver.tf", "from_port         = 53", "from_port         = 0", "from_port is 0"),
        ("resolver.tf", 'ip_protocol       = "udp"', 'ip_protocol       = "-1"', "ip_protocol"),
        ("resolver.tf", "cidr_ipv4         = each.value", 'cidr_ipv4 = "0.0.0.0/0"', "0.0.0.0/0"),
        ("resolver.tf", '["Do53"]', '["Do53", "DoH"]', "protocols"),
        ("resolver.tf", "subnet_id = ip_address.value", 'subnet_id = "subnet-1"', "dynamic"),
        ("resolver.tf", "local.resolver_repeated_az_ids) == 0", "0) == 0", "one AZ must fail"),
        ("resolver.tf", "condition     = var.private_dns_enabled", "condition = true", "DNS"),
        ("resolver.tf", "[aws_security_group.resolver.id]", "local.security_group_ids", "sec"),
        ("example/main.tf", '"172.16.10.0/24"', '"0.0.0.0/0"', "DNS open to everyone"),
        ("example/main.tf", '"subnet-0bbbbbbbbbbbbbbb2"', '"subnet-0ccccccccccccccc2"', "say"),
        ("outputs.tf", "address.subnet_id => address.ip", "address.ip => address.ip", "output"),
        ("example/main.tf", "module.lambda_endpoint.resolver_ip_addresses", "{}", "output"),
    ],
)
def test_verify_reports_a_mutated_resolver(name: str, old: str, new: str, expected: str):
    found = module_findings(name, old, new)
    assert any(expected in line for line in found), found


def test_verify_reports_an_extra_rule_or_egress_on_the_resolvers_group():
    extra = (
        '\nresource "aws_vpc_security_group_egress_rule" "resolver_out" {\n'
        "  security_group_id = aws_security_group.resolver.id\n"
        '  ip_protocol       = "-1"\n  cidr_ipv4         = "0.0.0.0/0"\n}\n'
        '\nresource "aws_vpc_security_group_ingress_rule" "resolver_ssh" {\n'
        "  security_group_id = aws_security_group.resolver.id\n"
        '  ip_protocol       = "tcp"\n  from_port         = 22\n  to_port           = 22\n'
        '  cidr_ipv4         = "10.0.0.0/8"\n}\n'
    )
    found = module_findings("resolver.tf", "\nresource", extra + "\nresource")
    assert any("must have no egress rule" in line for line in found), found
    assert any("resolver_ssh: the resolver's group allows only" in line for line in found)
    assert any("resolver_ssh is not one of the resolver's blocks" in line for line in found)


def test_verify_reports_a_resolver_the_answers_do_not_have():
    raw = data()
    del raw["on_premises"]
    plain = parse_answers(raw)
    files = render_module(ANSWERS)
    found = [str(finding) for finding in verify_module(plain, files)]
    assert any("resolver.tf: the answers have no on_premises" in line for line in found), found


# ---- the deployment layout ------------------------------------------------------------------


def test_the_shared_module_counts_the_resolver_on_its_input():
    files = render_shared_module()
    assert verify_shared_module(files) == []
    text = files["resolver.tf"]
    assert text.count("count = var.on_premises == null ? 0 : 1") == 2
    mutated = {**files, "resolver.tf": text.replace("from_port         = 53", "from_port = 22", 1)}
    assert any("from_port is 22" in f.message for f in verify_shared_module(mutated))
    mutated = {
        **files,
        "resolver.tf": text.replace(
            "var.private_dns_enabled || var.private_hosted_zone", "true", 1
        ),
    }
    found = verify_shared_module(mutated)
    assert any("private DNS or the private hosted zone" in f.message for f in found), found


def test_the_root_passes_the_answers_values_and_verify_checks_them():
    plan = plan_deployment(ANSWERS)
    files = render_deployment(plan)
    shared = render_shared_module()
    assert verify_deployment(plan, files, shared) == []
    assert "resolver_ip_addresses" in files["outputs.tf"]
    call = literal_text(parse_hcl(files["main.tf"])["module"][0]["lambda_endpoint"])
    assert call["on_premises"]["cidrs"] == ["192.168.0.0/16", "172.16.10.0/24"]
    mutated = {**files, "main.tf": files["main.tf"].replace('"172.16.10.0/24"', '"0.0.0.0/0"')}
    found = [f.message for f in verify_deployment(plan, mutated, shared)]
    assert any("on_premises" in line for line in found), found
    assert any("DNS open to everyone" in line for line in found), found
