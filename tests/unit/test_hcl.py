"""The one escaper: whatever the value, python-hcl2 reads back exactly that value."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.core.hcl import (
    aligned_attributes,
    hcl_key,
    hcl_literal,
    hcl_string,
    literal_text,
    parse_hcl,
)
from tests.conftest import REPO

NASTY = [
    "${var.secret}",
    "%{ if true }x%{ endif }",
    'say "hi"',
    "back\\slash",
    "line\nbreak",
    "tab\there",
    "$${already}",
    "$$${triple}",
    "100%",
    "$",
    "{}",
    "\u2028sep",
    "nul\x00",
    "emoji 🚀",
    "ends with \\",
    "${",
    "%{ x",
    "a${b",
    "${a}${b",
    "${aws:PrincipalTag/team}",
]


def read_back(text: str) -> str:
    return literal_text(parse_hcl(f"value = {text}\n")["value"])


@pytest.mark.parametrize("value", NASTY)
def test_nasty_strings_round_trip(value):
    assert read_back(hcl_string(value)) == value


@pytest.mark.parametrize("value", ["${x}", "%{x}", "$${x}", "%%{x}"])
def test_no_template_can_open(value):
    literal = hcl_string(value)
    assert "${" not in literal and "%{" not in literal


@given(st.text())
def test_any_text_round_trips(value):
    assert read_back(hcl_string(value)) == value


@given(st.lists(st.sampled_from(["${", "%{", "}", "$", "%", "{", '"', "\\", "a"])).map("".join))
def test_template_characters_round_trip(value):
    assert read_back(hcl_string(value)) == value


def test_literals():
    assert hcl_literal(True) == "true"
    assert hcl_literal(None) == "null"
    assert hcl_literal(443) == "443"
    assert hcl_literal(["a", "b"]) == '["a", "b"]'
    with pytest.raises(TypeError):
        hcl_literal({"a": 1})


def test_keys_quoted_unless_plain_identifiers():
    assert hcl_key("Name") == "Name"
    assert hcl_key("aws:PrincipalOrgID") == '"aws:PrincipalOrgID"'
    assert hcl_key("null") == '"null"'
    assert hcl_key("a${b}") == '"a\\u0024{b}"'


def test_alignment_follows_terraform_fmt():
    triples = aligned_attributes({"a": 1, "long_name": 2, "block": {"x": 1}, "bb": 3, "c": 4})
    assert [(k, len(p)) for k, p, _ in triples] == [
        ("a", 8),
        ("long_name", 0),
        ("block", 0),
        ("bb", 0),
        ("c", 1),
    ]


def _golden_tf_files() -> list[Path]:
    root = REPO
    return sorted([*root.glob("tests/golden/**/*.tf"), *root.glob("modules/**/*.tf")])


def test_parse_hcl_reads_what_python_hcl2_loads_reads() -> None:
    """tfgen's parser (no position tracking, collector paused) returns what hcl2.loads
    returns, on every golden and committed module file."""
    import hcl2

    from generator.core.hcl import _PARSE_OPTIONS

    files = _golden_tf_files()
    assert len(files) > 20
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert parse_hcl(text) == hcl2.loads(text, serialization_options=_PARSE_OPTIONS), path


def test_parse_hcl_error_keeps_its_line() -> None:
    with pytest.raises(Exception, match="line 3"):
        parse_hcl('a = 1\nb = "x"\nc = = 2\n')


def test_files_are_parsed_block_by_block_and_read_the_same_as_whole() -> None:
    """The block-wise parse (pieces memoized by text) splits every golden file into its
    top-level blocks, and what it returns is what hcl2.loads returns for the whole file
    (above); the pieces hold no comment and each one parses on its own."""
    from generator.core.hcl import top_level_blocks

    main = REPO / "tests/golden/peering-three-mixed/main.tf"
    text = main.read_text(encoding="utf-8")
    pieces = top_level_blocks(text)
    assert pieces is not None and len(pieces) > 5
    assert all(piece.endswith("}\n") and not piece.startswith(("#", "\n")) for piece in pieces)
    assert sum(piece.count("\n}\n") for piece in pieces) == text.count("\n}\n")


HEREDOC_WITH_BRACE = """resource "x" "a" {
  policy = <<EOT
{
  "a": 1
}
EOT
}

# between
resource "x" "b" {
  v = "after"
}
"""


def test_a_piece_that_does_not_parse_alone_falls_back_to_the_whole_file() -> None:
    import hcl2

    from generator.core.hcl import _PARSE_OPTIONS, top_level_blocks

    # The heredoc's closing brace in column 0 cuts the first block in two pieces...
    assert len(top_level_blocks(HEREDOC_WITH_BRACE) or []) == 3
    # ...which do not parse alone: the file is parsed whole, and reads right.
    parsed = parse_hcl(HEREDOC_WITH_BRACE)
    assert parsed == hcl2.loads(HEREDOC_WITH_BRACE, serialization_options=_PARSE_OPTIONS)
    assert parsed["resource"][0]["x"]["a"]["policy"] == '{\n  "a": 1\n}'
    assert parsed["resource"][1]["x"]["b"]["v"] == "after"


def test_a_top_level_block_comment_is_parsed_whole() -> None:
    from generator.core.hcl import top_level_blocks

    text = '/*\n}\n*/\nresource "x" "a" {\n  v = 1\n}\n'
    assert top_level_blocks(text) is None
    assert len(parse_hcl(text)["resource"]) == 1


def test_an_error_in_a_later_block_keeps_the_files_line() -> None:
    text = 'resource "x" "a" {\n  v = 1\n}\n\nresource "x" "b" {\n  v = = 2\n}\n'
    with pytest.raises(Exception, match="line 6"):
        parse_hcl(text)


def test_parsed_results_are_copies() -> None:
    text = 'resource "x" "a" {\n  v = [1]\n}\n\nresource "x" "b" {\n  v = 2\n}\n'
    first = parse_hcl(text)
    first["resource"][0]["x"]["a"]["v"].append(99)
    first["resource"].clear()
    assert parse_hcl(text)["resource"][0]["x"]["a"]["v"] == [1]
