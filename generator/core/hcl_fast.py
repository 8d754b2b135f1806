"""Top-level HCL blocks of literal data read without Lark: the distinct part of a module.

Most of what differs from one module to the next is literal data in terraform fmt's layout:
the example's module call (ids, CIDRs, the policy, the peers), provider blocks, `moved`
blocks. `literal_block` reads a top-level block whose attributes hold only such values,
strictly: strings of printable ASCII without `"`, backslash, `$` or `%` (no escape, no template),
decimal integers, true/false/null, lists and objects of those, and references such as
`aws_route.to_a["rtb-1"]`. It returns exactly what python-hcl2 8 returns for them (tested
against it on every golden file and on generated variants, tests/unit/test_hcl.py); an
attribute outside the subset is parsed alone by python-hcl2 (memoized by its text), and a
block whose layout is anything else (a heredoc, a labelled nested block, a block comment,
a repeated attribute) is left to python-hcl2 whole. It never accepts what python-hcl2
refuses: the subset is valid HCL, and python-hcl2's leniencies are not copied.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

# python-hcl2 (explicit_blocks=True) marks a parsed block body with this key; attributes lack it.
BLOCK_MARK = "__is_block__"
Parse = Callable[[str], dict[str, Any]]
_FAST_TOKEN = re.compile(
    r"""[ \t]*(?:
      (?P<nl>\n)
     |(?P<str>"[ !#&-\[\]-~]*")
     |(?P<int>(?:0|[1-9][0-9]{0,14})(?![0-9A-Za-z_.]))
     |(?P<ref>[A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z_][A-Za-z0-9_-]*)*
        (?:\[(?:"[ !#&-\[\]-~]*"|0|[1-9][0-9]{0,14})\])*)
     |(?P<punct>[\[\]{},=])
    )""",
    re.X,
)
_FAST_KEYWORDS = {"for", "in", "if", "else", "endif", "endfor"}
_FAST_CONSTANTS: dict[str, Any] = {"true": True, "false": False, "null": None}
_FAST_HEAD = re.compile(r'([A-Za-z_][A-Za-z0-9_]*)((?: "[ !#&-\[\]-~]*")*) \{')
_FAST_ATTRIBUTE = re.compile(r"[A-Za-z_][A-Za-z0-9_]* *= ")
_FAST_CLOSERS = ("]", "}", ")")


class _NotLiteral(Exception):
    """Outside literal_block's subset: python-hcl2 reads it."""


def _fast_tokens(text: str) -> list[tuple[str, str]]:
    tokens = []
    position, end = 0, len(text)
    while position < end:
        match = _FAST_TOKEN.match(text, position)
        if match is None or match.end() == position:
            if text[position:].strip(" \t") == "":
                break
            raise _NotLiteral
        kind = match.lastgroup
        assert kind is not None
        tokens.append((kind, match.group(kind)))
        position = match.end()
    return tokens


def _fast_value(tokens: list[tuple[str, str]], index: int) -> tuple[Any, int]:
    kind, text = tokens[index]
    if kind == "str":
        return text[1:-1], index + 1
    if kind == "int":
        return int(text), index + 1
    if kind == "ref":
        if text in _FAST_CONSTANTS:
            return _FAST_CONSTANTS[text], index + 1
        if text in _FAST_KEYWORDS:
            raise _NotLiteral
        # python-hcl2 writes a bare name as itself and any longer reference as `${...}`
        return (text if "." not in text and "[" not in text else "${" + text + "}"), index + 1
    if text == "[":
        return _fast_list(tokens, index + 1)
    if text == "{":
        return _fast_object(tokens, index + 1)
    raise _NotLiteral


def _skip_newlines(tokens: list[tuple[str, str]], index: int) -> int:
    while tokens[index][0] == "nl":
        index += 1
    return index


def _fast_list(tokens: list[tuple[str, str]], index: int) -> tuple[list[Any], int]:
    items: list[Any] = []
    index = _skip_newlines(tokens, index)
    while tokens[index][1] != "]":
        item, index = _fast_value(tokens, index)
        items.append(item)
        index = _skip_newlines(tokens, index)
        if tokens[index][1] == ",":
            index = _skip_newlines(tokens, index + 1)
        elif tokens[index][1] != "]":
            raise _NotLiteral  # HCL separates a tuple's items with commas
    return items, index + 1


def _fast_object(tokens: list[tuple[str, str]], index: int) -> tuple[dict[str, Any], int]:
    items: dict[str, Any] = {}
    index = _skip_newlines(tokens, index)
    while tokens[index][1] != "}":
        kind, text = tokens[index]
        if kind == "str":
            key = text[1:-1]
        elif kind == "ref" and "[" not in text and text not in _FAST_CONSTANTS:
            if text in _FAST_KEYWORDS:
                raise _NotLiteral
            key = text if "." not in text else "${" + text + "}"
        else:
            raise _NotLiteral
        if key in items or tokens[index + 1][1] != "=":
            raise _NotLiteral
        items[key], index = _fast_value(tokens, index + 2)
        if tokens[index][1] == ",":
            index = _skip_newlines(tokens, index + 1)
        elif tokens[index][0] == "nl":
            index = _skip_newlines(tokens, index)
        elif tokens[index][1] != "}":
            raise _NotLiteral  # HCL separates an object's items with commas or newlines
    return items, index + 1


def _fast_attribute(text: str) -> tuple[str, Any]:
    """`name = value` (one attribute, maybe over several lines) in the literal subset."""
    tokens = _fast_tokens(text)
    tokens.append(("end", ""))
    if len(tokens) < 4 or tokens[0][0] != "ref" or tokens[1][1] != "=":
        raise _NotLiteral
    name = tokens[0][1]
    if not name.isidentifier() or name in _FAST_CONSTANTS or name in _FAST_KEYWORDS:
        raise _NotLiteral
    value, index = _fast_value(tokens, 2)
    if tokens[_skip_newlines(tokens, index)][0] != "end":
        raise _NotLiteral
    return name, value


def _attribute(lines: list[str], indent: int, parse: Parse) -> tuple[str, Any]:
    text = "\n".join(line[indent:] for line in lines) + "\n"
    try:
        return _fast_attribute(text)
    except (_NotLiteral, IndexError):
        pass
    # an expression: this attribute alone through python-hcl2, remembered by its text
    try:
        parsed = parse(text)
    except Exception:  # noqa: BLE001 - the whole block's parse reports it
        raise _NotLiteral from None
    name = text.split("=", 1)[0].strip()
    if list(parsed) != [name]:
        raise _NotLiteral
    return name, parsed[name]


def _fast_body(lines: list[str], indent: int, parse: Parse) -> dict[str, Any]:
    """A block's body in terraform fmt's layout (each item at `indent` spaces)."""
    body: dict[str, Any] = {}
    blocks_seen: set[str] = set()
    pad = " " * indent
    index, count = 0, len(lines)
    while index < count:
        line = lines[index]
        if not line.strip():
            index += 1
            continue
        if not line.startswith(pad) or line[indent] == " ":
            raise _NotLiteral
        item = line[indent:]
        if item.startswith(("#", "//")) and "/*" not in item:
            index += 1  # a whole-line comment: python-hcl2 drops it
            continue
        if item.endswith("{") and (head := _FAST_HEAD.fullmatch(item)) is not None:
            if head.group(2):
                raise _NotLiteral  # a labelled nested block
            closing = pad + "}"
            end = index + 1
            while end < count and lines[end] != closing:
                end += 1
            if end == count:
                raise _NotLiteral
            name = head.group(1)
            if name in body and name not in blocks_seen:
                raise _NotLiteral
            nested = {**_fast_body(lines[index + 1 : end], indent + 2, parse), BLOCK_MARK: True}
            body.setdefault(name, []).append(nested)
            blocks_seen.add(name)
            index = end + 1
            continue
        if _FAST_ATTRIBUTE.match(item) is None:
            raise _NotLiteral
        end = index + 1
        while end < count and (
            lines[end].startswith(pad + " ")
            or (lines[end].startswith(pad) and lines[end][indent:].startswith(_FAST_CLOSERS))
        ):
            end += 1
        if "<<" in "".join(lines[index:end]):
            raise _NotLiteral  # a heredoc: its lines need not follow the layout
        name, value = _attribute(lines[index:end], indent, parse)
        if name in body:
            raise _NotLiteral
        body[name] = value
        index = end
    return body


def literal_block(piece: str, parse: Parse) -> dict[str, Any] | None:
    """A top-level block (generator/core/hcl.py's `top_level_blocks`) read without Lark, or
    None when it is outside the subset that can be. `parse`: python-hcl2's parse of a text
    (memoized), for an attribute outside the subset."""
    if not piece.endswith("\n}\n") or "/*" in piece or "\r" in piece:
        return None
    first, _, rest = piece.partition("\n")
    head = _FAST_HEAD.fullmatch(first)
    if head is None:
        return None
    try:
        value: Any = {
            **_fast_body(rest[: -len("}\n")].split("\n")[:-1], 2, parse),
            BLOCK_MARK: True,
        }
    except (_NotLiteral, IndexError):
        return None
    for label in reversed(re.findall(r'"([^"]*)"', head.group(2))):
        value = {label: value}
    return {head.group(1): [value]}
