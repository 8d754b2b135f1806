"""The answers' `import:` section: rules, the example root's import blocks, and their verify."""

from __future__ import annotations

import copy

import pytest

from generator.answers.load import parse_answers
from generator.answers.policy import endpoint_policy_document
from generator.core.errors import AnswersError
from generator.core.hcl import parse_hcl
from generator.render.templates import render_module
from generator.verify.module import verify_module
from tests.support.golden_cases import case_answers
from tests.unit.test_render import GUIDE_POLICY

CASE = "adopted-endpoint"


@pytest.fixture
def adopted() -> dict:
    return case_answers(CASE)


def imports_of(files) -> dict[str, str]:
    parsed = parse_hcl(files["example/main.tf"])
    return {block["to"]: block["id"] for block in parsed.get("import", [])}


def test_import_blocks_adopt_endpoint_group_and_rules(adopted):
    files = render_module(parse_answers(adopted))
    module = "module.lambda_endpoint"
    rule = f"{module}.aws_vpc_security_group_ingress_rule"
    assert imports_of(files) == {
        f"${{{module}.aws_vpc_endpoint.lambda}}": "vpce-0123456789abcdef0",
        f"${{{module}.aws_vpc_endpoint_private_dns.lambda}}": "vpce-0123456789abcdef0",
        f"${{{module}.aws_security_group.endpoint[0]}}": "sg-0aaaaaaaaaaaaaaaa",
        f"${{{rule}.vpc[0]}}": "sgr-0123456789abcdef0",
        f'${{{rule}.cidr["10.9.0.0/16"]}}': "sgr-0fedcba9876543210",
        f'${{{rule}.security_group["sg-0cccccccccccccccc"]}}': "sgr-00112233445566778",
    }
    assert verify_module(parse_answers(adopted), files) == []


def test_a_deployment_root_imports_source_group_rules_where_its_call_puts_them(adopted):
    """The root passes source groups by id (allowed_security_groups): their rules are the
    shared module's source_group instances, so the import goes there, keyed by the group."""
    from generator.plan.deployment import plan_deployment
    from generator.render.deployment import render_deployment
    from generator.render.shared import render_shared_module
    from generator.verify.deployment import verify_deployment

    plan = plan_deployment(parse_answers(adopted))
    files = render_deployment(plan)
    blocks = {b["to"]: b["id"] for b in parse_hcl(files["imports.tf"]).get("import", [])}
    rule = "module.lambda_endpoint.aws_vpc_security_group_ingress_rule"
    assert blocks[f'${{{rule}.source_group["sg-0cccccccccccccccc"]}}'] == "sgr-00112233445566778"
    assert not [address for address in blocks if ".security_group[" in address]
    assert verify_deployment(plan, files, render_shared_module()) == []
    # an import into the positional rule of the module layout is refused
    wrong = files["imports.tf"].replace("source_group[", "security_group[")
    findings = verify_deployment(plan, {**files, "imports.tf": wrong}, render_shared_module())
    assert findings, "a security_group import must not verify in a deployment root"


def test_no_import_section_no_import_blocks(example_answers):
    assert imports_of(render_module(example_answers)) == {}


def test_guide_policy_without_version_renders_as_the_guide_wrote_it(adopted):
    assert endpoint_policy_document(parse_answers(adopted)) == GUIDE_POLICY


def test_adopted_group_keeps_its_name_and_description(adopted):
    files = render_module(parse_answers(adopted))
    call = parse_hcl(files["example/main.tf"])["module"][0]["lambda_endpoint"]
    assert call["security_group_name"] == "lambda-endpoint-sg"
    assert call["security_group_description"] == "Lambda endpoint (made with the AWS CLI)"


def test_unset_adoption_keys_stay_out_of_the_normalized_answers(example_answers):
    normalized = example_answers.normalized()
    assert "import" not in normalized
    assert "version" not in normalized["policy"]
    assert "name" not in normalized["security_group"]


def test_normalized_adopted_answers_re_render_identically(adopted, tmp_path):
    from generator.answers.load import load_answers

    files = render_module(parse_answers(adopted))
    (tmp_path / "a.yaml").write_text(files["tfgen.answers.yaml"])
    assert render_module(load_answers(tmp_path / "a.yaml")) == files


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda d: d["import"].update(endpoint_id="vpce-1234"),
            "import.endpoint_id: 'vpce-1234' is not a VPC endpoint id",
        ),
        (
            lambda d: d["import"]["security_group_rules"][1].update(source="10.8.0.0/16"),
            "import.security_group_rules[1].source: '10.8.0.0/16' is not a source",
        ),
        (
            lambda d: d["import"]["security_group_rules"][1].update(source="10.0.0.0/16"),
            "import.security_group_rules[1]: 10.0.0.0/16 is listed twice",
        ),
        (
            lambda d: d["security_group"].update(create=False, existing_ids=["sg-0aaaaaaa"]),
            "import.security_group_id: the module takes over a group only with",
        ),
        (
            lambda d: d["import"].pop("security_group_id"),
            "import.security_group_rules: rules are imported only with the group",
        ),
        (
            lambda d: d["security_group"].update(name="sg-mine"),
            "security_group.name: AWS refuses group names that start with 'sg-'",
        ),
        (
            lambda d: d["security_group"].update(description="caf\u00e9"),
            "security_group.description: 'caf\u00e9' has characters AWS refuses",
        ),
        (
            lambda d: d["policy"].update(version="2010-01-01"),
            "policy.version: '2010-01-01' is not allowed",
        ),
    ],
)
def test_bad_import_sections_name_the_field(adopted, change, expected):
    data = copy.deepcopy(adopted)
    change(data)
    with pytest.raises(AnswersError) as caught:
        parse_answers(data)
    assert any(str(p).startswith(expected) for p in caught.value.problems), caught.value


def _swap_import(files, old: str, new: str) -> dict[str, str]:
    text = files["example/main.tf"]
    assert old in text
    return {**files, "example/main.tf": text.replace(old, new, 1)}


def test_verify_catches_a_wrong_id(adopted):
    answers = parse_answers(adopted)
    files = _swap_import(
        render_module(answers), '"sgr-0fedcba9876543210"', '"sgr-0badbadbadbadbad0"'
    )
    assert any("takes 'sgr-0badbadbadbadbad0'" in f.message for f in verify_module(answers, files))


def test_verify_catches_an_import_into_the_wrong_resource(adopted):
    answers = parse_answers(adopted)
    files = _swap_import(
        render_module(answers),
        'aws_vpc_security_group_ingress_rule.cidr["10.9.0.0/16"]',
        'aws_vpc_security_group_ingress_rule.security_group["10.9.0.0/16"]',
    )
    messages = [f.message for f in verify_module(answers, files)]
    assert any("is not in the answers' import section" in m for m in messages)
    assert any("no import block adopts sgr-0fedcba9876543210" in m for m in messages)


def test_verify_catches_a_missing_endpoint_import(adopted):
    answers = parse_answers(adopted)
    block = (
        "import {\n  to = module.lambda_endpoint.aws_vpc_endpoint.lambda\n"
        '  id = "vpce-0123456789abcdef0"\n}\n'
    )
    files = _swap_import(render_module(answers), block, "")
    messages = [f.message for f in verify_module(answers, files)]
    assert any("no import block adopts vpce-0123456789abcdef0" in m for m in messages)


def test_verify_catches_import_blocks_the_answers_do_not_have(example_answers, adopted):
    files = render_module(parse_answers(adopted))
    data = copy.deepcopy(adopted)
    del data["import"]
    messages = [f.message for f in verify_module(parse_answers(data), files)]
    assert any(
        "vpce-0123456789abcdef0 into module.lambda_endpoint.aws_vpc_endpoint" in m
        or "import of 'vpce-0123456789abcdef0'" in m
        for m in messages
    )


def test_verify_catches_an_import_into_a_resource_the_module_lacks(adopted):
    answers = parse_answers(adopted)
    files = _swap_import(
        render_module(answers), "aws_vpc_endpoint.lambda\n", "aws_vpc_endpoint.lambda_old\n"
    )
    messages = [f.message for f in verify_module(answers, files)]
    assert any("the module has no such resource" in m for m in messages)


@pytest.mark.parametrize(
    ("constraint", "admitted"),
    [(">= 1.5.0", True), ("~> 1.9", True), (">= 1.4.0", False), ("< 2.0", False), ("", False)],
)
def test_required_version_must_admit_import_blocks(adopted, constraint, admitted):
    answers = parse_answers(adopted)
    files = render_module(answers)
    text = files["example/main.tf"]
    current = text.split('required_version = "', 1)[1].split('"', 1)[0]
    files = _swap_import(
        files, f'required_version = "{current}"', f'required_version = "{constraint}"'
    )
    messages = [f.message for f in verify_module(answers, files)]
    assert any("cannot read the import blocks" in m for m in messages) is not admitted
