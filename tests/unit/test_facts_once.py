"""Each fact declared once: the module's file names, each answers field's help, the policy
pack's check ids and the version; everything else reads them from there."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import pytest

from generator import __version__
from generator.answers.model import Answers
from generator.answers.writer import commented_yaml, field_help
from generator.core import layout
from generator.scaffold.cookiecutter import cookiecutter_config
from generator.scaffold.questionnaire import PEER_QUESTIONS, QUESTIONS
from generator.scan.checkov import PACK_CHECK_IDS, POLICY_PACK_DIR, pack_check_ids
from tests.conftest import REPO

FILE_NAMES = {
    value
    for name, value in vars(layout).items()
    if name.endswith("_FILE") and isinstance(value, str)
}


def test_every_question_asks_with_the_fields_own_help():
    schema = Answers.model_json_schema(by_alias=True)
    for question in QUESTIONS:
        assert question.help == field_help(question.path)
        if "." not in question.path:  # top-level: the schema carries the same text
            assert schema["properties"][question.path]["description"] == question.help
    for peer_question in PEER_QUESTIONS:
        assert peer_question.help == field_help(f"peering[].{peer_question.field}")


def test_cookiecutter_prompts_and_answers_file_comments_carry_the_same_help(example_answers):
    prompts = cookiecutter_config()["__prompts__"]
    for question in QUESTIONS:
        first = question.help[:1].lower() + question.help[1:]
        assert prompts[question.key].endswith(first)
    text = commented_yaml(example_answers, "a.yaml")
    for key in example_answers.normalized():
        for line in field_help(key).splitlines():
            assert f"# {line}\n" in text, key


def test_a_field_without_help_is_an_error_not_a_silent_blank():
    with pytest.raises(KeyError):
        field_help("vpc.no_such_field")


def test_the_module_file_names_are_spelled_only_in_the_layout():
    for path in sorted((REPO / "generator").rglob("*.py")):
        if path.name == "layout.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and node.value in FILE_NAMES - {"README.md"}:
                pytest.fail(f"{path.relative_to(REPO)}:{node.lineno} spells {node.value!r}")


def test_the_pack_check_ids_are_read_from_the_pack(tmp_path: Path):
    declared = sorted(
        line.split('"')[1]
        for path in POLICY_PACK_DIR.glob("tfgen_*.py")
        for line in path.read_text().splitlines()
        if line.startswith('ID = "CKV_TFGEN_')
    )
    assert sorted(PACK_CHECK_IDS) == declared and len(declared) >= 8
    (tmp_path / "tfgen_9_new.py").write_text('ID = "CKV_TFGEN_9"\n')
    (tmp_path / "tfgen_10_newer.py").write_text('ID = "CKV_TFGEN_10"\n')
    assert pack_check_ids(tmp_path) == ("CKV_TFGEN_9", "CKV_TFGEN_10")


def test_the_version_is_declared_only_in_the_package():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())
    assert "version" not in project["project"]
    assert project["project"]["dynamic"] == ["version"]
    attr = project["tool"]["setuptools"]["dynamic"]["version"]["attr"]
    assert attr == "generator.__version__" and __version__.count(".") == 2
