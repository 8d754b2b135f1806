"""Nothing from a file, a name or a value reaches the terminal or a README as a raw control
or bidirectional character (issue 26): a drift diff cannot erase the lines above it, a
folder name cannot recolour the output, a policy condition cannot reorder the README."""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path

import pytest

from generator.answers.load import parse_answers
from generator.core.markers import UNSHOWABLE, json_escaped, terminal_text
from generator.render.templates import render_module
from tests.conftest import example_data
from tests.unit.test_cli import EXAMPLE_MODULE, tfgen

ERASE = "\x1b[2K\x1b[1A"  # erase the line, cursor up
RLO = "\u202e"  # RIGHT-TO-LEFT OVERRIDE


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        (ERASE, "\\x1b[2K\\x1b[1A"),
        (RLO + "abc", "\\u202eabc"),
        ("a\u2066b\u2069", "a\\u2066b\\u2069"),
        ("bell\x07 c1\x9b del\x7f", "bell\\x07 c1\\x9b del\\x7f"),
        ("tab\tnewline\n caf\u00e9 \U0001f642", "tab\tnewline\n caf\u00e9 \U0001f642"),
    ],
)
def test_terminal_text_escapes_what_a_terminal_acts_on(raw, shown):
    assert terminal_text(raw) == shown
    assert not UNSHOWABLE.search(terminal_text(raw))


def test_json_escaped_is_the_same_json_value():
    value = {"a": f"x{RLO}y\x85z\u2028"}
    text = json_escaped(json.dumps(value, ensure_ascii=False))
    assert json.loads(text) == value and not UNSHOWABLE.search(text)


def test_a_drift_diff_shows_control_characters_as_escapes(tmp_path: Path):
    module = tmp_path / "modules" / "lambda-endpoint-example"
    shutil.copytree(EXAMPLE_MODULE, module)
    main = module / "main.tf"
    main.write_text(main.read_text() + f"# {ERASE}looks fine{RLO}\n")
    result = tfgen("check", str(module))
    assert result.returncode == 1
    output = result.stdout + result.stderr
    assert "looks fine" in output
    assert "\x1b" not in output and RLO not in output
    assert "\\x1b[2K" in output and "\\u202e" in output


def test_a_folder_name_with_an_escape_sequence_is_shown_escaped(tmp_path: Path):
    folder = tmp_path / "red\x1b[31mmodule"
    folder.mkdir()
    result = tfgen("check", str(folder))
    assert result.returncode == 2
    assert "\x1b" not in result.stdout + result.stderr
    assert "\\x1b[31m" in result.stderr


def test_the_readme_writes_bidi_characters_of_a_condition_as_escapes():
    data = copy.deepcopy(example_data())
    data["policy"]["statements"][0]["conditions"] = {
        "StringEquals": {"aws:PrincipalTag/team": f"admin{RLO}nimda"}
    }
    files = render_module(parse_answers(data))
    assert RLO not in files["README.md"]
    assert "admin\\u202enimda" in files["README.md"]
    assert RLO not in files["example/main.tf"]  # the HCL escaper's own \u202e
