"""The one escaper: whatever the value, python-hcl2 reads back exactly that value."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
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


# ---- literal blocks (generator/core/hcl_fast.py): read without Lark, as python-hcl2 reads them


def _lark(text: str):
    from generator.core.hcl import _parse_hcl_cached

    return _parse_hcl_cached(text)


def _same(fast, slow) -> bool:
    """Equal, with the same key order and the same types (True is not 1)."""
    import json

    return json.dumps(fast) == json.dumps(slow)


def test_literal_blocks_read_what_python_hcl2_reads_on_every_golden_file() -> None:
    from generator.core.hcl import _parse_hcl_cached, top_level_blocks
    from generator.core.hcl_fast import literal_block

    fast = 0
    for path in _golden_tf_files():
        for piece in top_level_blocks(path.read_text(encoding="utf-8")) or []:
            read = literal_block(piece, _parse_hcl_cached)
            if read is not None:
                fast += 1
                assert _same(read, _lark(piece)), (path, piece)
    assert fast > 200  # the subset covers most generated blocks


LITERAL_BLOCKS = [
    "terraform {\n}\n",
    'x "a" "b" {\n  v = ""\n  w = {"" = 1, "k" = [true, false, null]}\n'
    "  e = {}\n  l = []\n  n {\n  }\n}\n",
    "x {\n  a = [\n    {\n      b = 1\n    },\n  ]\n  c = 0\n}\n",
    "x {\n  # a comment\n  a = 1\n\n  // another\n  b = {\n    c = true,\n    d = null\n  }\n}\n",
    'module "m" {\n  providers = {\n    aws       = aws\n    aws.peer = aws.peer\n  }\n}\n',
    'moved {\n  from = aws_route.to_a["rtb-1"]\n  to   = aws_route.to_a[0]\n}\n',
    'x {\n  a = var.x\n  b = "${var.y}-z"\n  c = 1 # trailing\n'
    "  d = length(var.z) > 0 ? 1 : 0\n}\n",
    "x {\n  inner {\n    a = 1\n  }\n  inner {\n    a = 2\n  }\n}\n",
    "x {\n  peers = {\n    data-science = {\n      a = [true-x, in-y, c-1]\n    }\n  }\n}\n",
]


@pytest.mark.parametrize("text", LITERAL_BLOCKS)
def test_a_literal_block_reads_as_python_hcl2_reads_it(text) -> None:
    from generator.core.hcl import _parse_hcl_cached
    from generator.core.hcl_fast import literal_block

    read = literal_block(text, _parse_hcl_cached)
    assert read is not None
    assert _same(read, _lark(text))


OUTSIDE_THE_SUBSET = [
    "x {\n  p = <<EOT\n{\n}\nEOT\n}\n",  # a heredoc
    'x {\n  dynamic "d" {\n    content {\n    }\n  }\n}\n',  # a labelled nested block
    "x {\n  /* a */\n  a = 1\n}\n",  # a block comment
    "x {\n  a = 1\n  a = 2\n}\n",  # a repeated attribute (python-hcl2 keeps the last)
    "x {\n  a = [1 2]\n}\n",
    "x {\n  a = = 1\n}\n",
    "x {\n\ta = 1\n}\n",
    "x {\r\n  a = 1\r\n}\r\n",
    "x {\n  a = 1\n",
    "a = 1\n",
    "x {}\n",
]


@pytest.mark.parametrize("text", OUTSIDE_THE_SUBSET)
def test_anything_else_is_left_to_python_hcl2(text) -> None:
    from generator.core.hcl import _parse_hcl_cached
    from generator.core.hcl_fast import literal_block

    assert literal_block(text, _parse_hcl_cached) is None


_SCALARS = st.one_of(
    st.integers(min_value=0, max_value=10**15),
    st.booleans(),
    st.none(),
    st.text(alphabet='ab -:/*.#$%{}\\"é\t', max_size=8),
)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(
            st.sampled_from(["a", "b_c", "Key", "x-y", "in", "null"]), inner, max_size=3
        ),
    ),
    max_leaves=8,
)


def _layout(value, indent: int) -> str:
    """A value the way the templates lay it out (one item per line for lists and objects)."""
    pad = " " * indent
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = "".join(
            f"{pad}  {hcl_key(k)} = {_layout(v, indent + 2)}\n" for k, v in value.items()
        )
        return "{\n" + items + pad + "}"
    if isinstance(value, list):
        if not value:
            return "[]"
        items = "".join(f"{pad}  {_layout(v, indent + 2)},\n" for v in value)
        return "[\n" + items + pad + "]"
    return hcl_literal(value)


@given(st.dictionaries(st.sampled_from(["a", "b", "tags", "peers"]), _VALUES, max_size=4))
def test_generated_literal_blocks_read_as_python_hcl2_reads_them(body) -> None:
    from generator.core.hcl import _parse_hcl_cached
    from generator.core.hcl_fast import literal_block

    text = 'module "m" {\n' + "".join(f"  {k} = {_layout(v, 2)}\n" for k, v in body.items()) + "}\n"
    read = literal_block(text, _parse_hcl_cached)
    # an attribute outside the subset is read by python-hcl2 alone; only a block comment's
    # opener anywhere sends the whole block there
    assert read is not None or "/*" in text
    if read is not None:
        assert _same(read, _lark(text))
    assert parse_hcl(text) == hcl2_loads(text)


def hcl2_loads(text: str):
    import hcl2

    from generator.core.hcl import _PARSE_OPTIONS

    return hcl2.loads(text, serialization_options=_PARSE_OPTIONS)


_BASE = (
    'module "m" {\n  a = "x"\n  b = [\n    "y",\n    1,\n  ]\n  c = {\n    d = true\n'
    '    "e" = null\n  }\n  f = aws_x.y["z"]\n  inner {\n    g = 2\n  }\n}\n'
)


@settings(max_examples=500)
@given(
    st.integers(min_value=0, max_value=len(_BASE) - 1),
    st.sampled_from(["", '"', "{", "}", "[", "]", ",", "=", "\n", " ", "a", ".", "1", "#"]),
    st.integers(min_value=0, max_value=2),
)
def test_a_damaged_block_is_never_read_where_python_hcl2_refuses_it(at, insert, cut) -> None:
    """The subset is never more lenient than python-hcl2: whatever literal_block reads from
    a damaged block, python-hcl2 reads the same from it."""
    from generator.core.hcl import _parse_hcl_cached
    from generator.core.hcl_fast import literal_block

    text = _BASE[:at] + insert + _BASE[at + cut :]
    read = literal_block(text, _parse_hcl_cached)
    if read is not None:
        assert _same(read, _lark(text)), text


def test_python_hcl2s_leniency_is_its_own() -> None:
    """An object without separators is not HCL, and outside the subset: python-hcl2 reads
    that attribute alone, as it reads it in the whole block."""
    from generator.core.hcl import _parse_hcl_cached
    from generator.core.hcl_fast import _fast_attribute, _NotLiteral, literal_block

    with pytest.raises(_NotLiteral):
        _fast_attribute("a = {b = 1 c = 2}\n")
    text = "x {\n  a = {b = 1 c = 2}\n}\n"
    assert _same(literal_block(text, _parse_hcl_cached), _lark(text))
