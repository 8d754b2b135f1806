"""Render: answers -> files. Deterministic, complete, and nothing unescaped reaches HCL."""

from __future__ import annotations

import json

from generator.answers.load import parse_answers
from generator.core.hcl import literal_text, parse_hcl
from generator.render.templates import render_module
from generator.run.module import rendered_files

GUIDE_POLICY = json.loads(
    '{ "Statement":[ { "Principal": { "AWS": "arn:aws:iam::111122223333:user/MyUser" }, '
    '"Effect":"Allow", "Action":[ "lambda:InvokeFunction" ], "Resource": [ '
    '"arn:aws:lambda:us-east-2:123456789012:function:my-function", '
    '"arn:aws:lambda:us-east-2:123456789012:function:my-function:*" ] } ] }'
)


def module_call(files):
    example = parse_hcl(files["example/main.tf"])
    return literal_text(example["module"][0]["lambda_endpoint"])


def test_layout(example_answers):
    assert set(rendered_files(example_answers)) == {
        "versions.tf",
        "variables.tf",
        "main.tf",
        "outputs.tf",
        "README.md",
        "example/main.tf",
        "tfgen.answers.yaml",
        "tfgen.manifest.json",
    }


def test_same_answers_same_bytes(example):
    assert rendered_files(parse_answers(example)) == rendered_files(parse_answers(example))


def test_guide_policy_is_rendered(example_answers):
    policy = module_call(render_module(example_answers))["endpoint_policy"]
    assert policy["Statement"] == GUIDE_POLICY["Statement"]
    assert policy["Version"] == "2012-10-17"  # needed for policy variables; the guide omits it


def test_answers_file_re_renders_identically(example_answers, tmp_path):
    from generator.answers.load import load_answers

    files = render_module(example_answers)
    (tmp_path / "a.yaml").write_text(files["tfgen.answers.yaml"])
    assert render_module(load_answers(tmp_path / "a.yaml")) == files


def test_module_has_no_account_specific_ids(example_answers):
    files = render_module(example_answers)
    for name in ("main.tf", "variables.tf", "outputs.tf", "versions.tf"):
        for needle in ("vpc-ec43eb89", "subnet-abab", "111122223333", "123456789012", "us-east-2"):
            assert needle not in files[name], (name, needle)


def test_hostile_condition_value_reaches_hcl_literally(example):
    value = '${aws:PrincipalTag/team}" } evil = { x = "%{ for x in y }'
    example["policy"]["statements"][0]["conditions"] = {
        "StringEquals": {"aws:PrincipalTag/team": value}
    }
    call = module_call(render_module(parse_answers(example)))
    condition = call["endpoint_policy"]["Statement"][0]["Condition"]
    assert condition == {"StringEquals": {"aws:PrincipalTag/team": value}}
    assert "evil" not in call


def test_options_reach_the_module_call(example):
    example["private_dns"] = False
    example["ip_address_type"] = "dualstack"
    example["security_group"] = {"create": False, "existing_ids": ["sg-1a2b3c4d"]}
    example["policy"] = {"full_access": True}
    call = module_call(render_module(parse_answers(example)))
    assert call["private_dns_enabled"] is False
    assert call["ip_address_type"] == "dualstack"
    assert call["create_security_group"] is False
    assert call["security_group_ids"] == ["sg-1a2b3c4d"]
    assert call["endpoint_policy"] is None


def test_readme_lists_the_skips_the_hcl_carries():
    from generator.render.templates import checkov_skips

    files = {
        "main.tf": 'resource "aws_route53_zone" "peers" {\n'
        "  #checkov:skip=CKV2_AWS_38:DNSSEC signing cannot apply to a private zone\n"
        '  name = "x"\n}\n'
    }
    assert checkov_skips(files) == [
        {
            "id": "CKV2_AWS_38",
            "resource": "aws_route53_zone.peers",
            "reason": "DNSSEC signing cannot apply to a private zone",
            "file": "main.tf",
        }
    ]


def test_example_readme_says_no_skips(example_answers):
    readme = render_module(example_answers)["README.md"]
    assert "No checks are skipped" in readme
    assert "arn:aws:lambda:us-east-2:123456789012:function:my-function:*" in readme


def test_answers_file_bytes_do_not_depend_on_the_yaml_emitter(example_answers):
    """yaml_text takes libyaml's emitter for printable-ASCII data: the same bytes as PyYAML's
    own; other text (an emoji, a NEL, a newline) goes to PyYAML's, which writes it raw."""
    import yaml

    from generator.render.templates import yaml_text

    def pure(data) -> str:
        return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=2**31, indent=2)

    samples = [
        example_answers.normalized(),
        {"a": "a: b #c", "b": "'q' \"d\"", "yes": "null", "n": "0x1F", "k": ["- dash", "? q"]},
        {"long": "word " * 500, "empty": "", "lead": " x", "trail": "x ", "num": 1.5},
        {"rocket": "rocket 🚀", "nel": "next\x85line", "nl": "a\nb", "tab": "a\tb", "é": "ü"},
    ]
    for data in samples:
        assert yaml_text(data) == pure(data)
    assert "rocket 🚀" in yaml_text(samples[-1])
