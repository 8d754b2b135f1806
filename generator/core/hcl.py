"""The one HCL string escaper (and the literal encoders built on it) plus parse-back helpers.

Every value that reaches generated Terraform goes through `hcl_literal`, so no input can
open an interpolation (`${`), a template directive (`%{`), or break out of a string.
"""

from __future__ import annotations

import gc
import inspect
import re
import unicodedata
from collections.abc import Iterator
from functools import cache, lru_cache
from typing import Any

import hcl2.parser
import lark
from hcl2 import api as hcl2_api
from hcl2.postlexer import PostLexer
from hcl2.transformer import RuleTransformer
from hcl2.utils import SerializationOptions
from hcl2.version import version as hcl2_version

from generator.core.hcl_fast import BLOCK_MARK, literal_block

_SIMPLE_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
# Printable ASCII without the characters `_escape_char` changes (`"` and backslash).
_PLAIN = re.compile(r"[ !#-\[\]-~]*")
_TEMPLATE_OPENERS = re.compile(r"([$%])\{")
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*", re.ASCII)
_HCL_KEYWORDS = {"true", "false", "null", "for", "in", "if", "else", "endif", "endfor"}
# Blank lines and whole-line `#`/`//` comments at the start of a piece of a file.
_LEADING_COMMENTS = re.compile(r"\A(?:[ \t]*(?:(?:#|//)[^\n]*)?\n)+")
_PARSE_OPTIONS = SerializationOptions(
    with_comments=False, explicit_blocks=True, strip_string_quotes=True, preserve_heredocs=False
)


def _escape_char(char: str) -> str:
    if char in _SIMPLE_ESCAPES:
        return _SIMPLE_ESCAPES[char]
    category = unicodedata.category(char)
    if category in ("Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"):
        return f"\\u{ord(char):04X}" if ord(char) <= 0xFFFF else f"\\U{ord(char):08X}"
    return char


def hcl_string(value: str) -> str:
    """A quoted HCL string literal that Terraform reads back as exactly `value`.

    `${` and `%{` open templates in HCL. Their sigil is written as a unicode escape
    (`\u0024{`, `\u0025{`): Terraform does not see a template opener there (it looks for the
    raw characters) and decodes the escape to the character. HCL's own `$${`/`%%{` would do for
    Terraform, but python-hcl2 8 cannot read `$${` or `%%{` back unless a `}` closes it later,
    and verify must read back every value we write."""
    # The common case, plain printable ASCII, has nothing to escape character by character.
    plain = _PLAIN.fullmatch(value)
    escaped = value if plain else "".join(_escape_char(char) for char in value)
    return '"' + _TEMPLATE_OPENERS.sub(_sigil_escape, escaped) + '"'


def _sigil_escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group(1)):04X}{{"


class Expression(str):
    """A Terraform expression the plan writes itself (`module.x.y`, never user text): written
    as is where a value goes, so literals and references can share one aligned block."""

    __slots__ = ()


def hcl_literal(value: Any) -> str:
    """A single-line HCL literal for a scalar or a list of scalars (an Expression as is)."""
    if isinstance(value, Expression):
        return str(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return hcl_string(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(hcl_literal(item) for item in value) + "]"
    raise TypeError(f"no single-line HCL literal for {type(value).__name__}")


def hcl_key(key: str) -> str:
    """An object key: bare when it is a plain identifier, quoted otherwise."""
    if _IDENTIFIER.fullmatch(key) and key not in _HCL_KEYWORDS:
        return key
    return hcl_string(key)


def is_multiline(value: Any) -> bool:
    """Values laid out over several lines: non-empty objects, lists of objects, long lists."""
    if isinstance(value, dict):
        return bool(value)
    if isinstance(value, list | tuple):
        return len(value) > 1 or any(isinstance(item, dict | list) for item in value)
    return False


def aligned_attributes(mapping: dict[str, Any]) -> list[tuple[str, str, Any]]:
    """(key, padding, value) triples padded the way `terraform fmt` aligns `=`.

    fmt aligns the `=` of consecutive single-line attributes; a multi-line value ends the run.
    """
    entries = [(hcl_key(key), value) for key, value in mapping.items()]
    result: list[tuple[str, str, Any]] = []
    run: list[tuple[str, Any]] = []

    def flush() -> None:
        width = max((len(key) for key, _ in run), default=0)
        result.extend((key, " " * (width - len(key)), value) for key, value in run)
        run.clear()

    for key, value in entries:
        if is_multiline(value):
            flush()
            result.append((key, "", value))
        else:
            run.append((key, value))
    flush()
    return result


def parse_hcl(text: str) -> dict[str, Any]:
    """Parse one .tf file with python-hcl2; strings come back unquoted and unescaped.

    Parsing is most of verify's time. A file is parsed block by block: a generated file's
    top-level blocks (terraform fmt puts each one's closing brace alone in column 0) are
    mostly byte-identical across the modules of a batch or a `tfgen check` even where the
    file as a whole is not (one peer's blocks differ, the rest repeat), so each distinct
    block is parsed once and the results are memoized by text. Each call gets its own copy.
    Whatever does not split cleanly (a top-level attribute, a block comment, a piece that
    does not parse on its own) is parsed whole, so errors keep the file's own lines."""
    return _copy(_parse_file(text))


@lru_cache(maxsize=64)
def _parse_file(text: str) -> dict[str, Any]:
    # A whole file seen before (the module's shared files, in a batch) is found by its text
    # without being split again; otherwise its pieces are, each parsed once.
    pieces = top_level_blocks(text)
    if pieces:
        merged = _merge_pieces(pieces)
        if merged is not None:
            return merged
    return _parse_hcl_cached(text)


def _merge_pieces(pieces: list[str]) -> dict[str, Any] | None:
    """The pieces' parses joined in order (each top-level key holds a list of blocks); None
    when a piece does not parse alone or holds something other than blocks."""
    merged: dict[str, list[Any]] = {}
    for piece in pieces:
        try:
            parsed = _parse_piece(piece)
        except Exception:  # noqa: BLE001 - the whole file's parse reports it
            return None
        for key, items in parsed.items():
            if not isinstance(items, list):
                return None
            merged.setdefault(key, []).extend(items)
    return merged


def top_level_blocks(text: str) -> list[str] | None:
    """The file's top-level blocks as separate texts, without the comments and blank lines
    before each (comments never reach the parsed result); None when one starts with a block
    comment (a `/*` there could hide anything)."""
    parts = text.split("\n}\n")
    pieces = []
    for index, part in enumerate(parts):
        if index < len(parts) - 1:
            part += "\n}\n"
        part = _LEADING_COMMENTS.sub("", part, count=1)
        if part.startswith("/*"):
            return None
        if part.strip():
            pieces.append(part)
    return pieces


@lru_cache(maxsize=1024)
def _parse_piece(piece: str) -> dict[str, Any]:
    """One top-level block: read by `literal_block` (generator/core/hcl_fast.py) when it lies
    in its subset, else by python-hcl2 (raises what python-hcl2 raises)."""
    fast = literal_block(piece, _parse_hcl_cached)
    return fast if fast is not None else _parse_hcl_cached(piece)


def _copy(value: Any) -> Any:
    """A deep copy of parsed data (dicts, lists and immutable scalars only)."""
    if isinstance(value, dict):
        return {key: _copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copy(item) for item in value]
    return value


@lru_cache(maxsize=1024)
def _parse_hcl_cached(text: str) -> dict[str, Any]:
    # What hcl2.loads does (parse, transform, serialize), through a parser without position
    # tracking, with the cyclic collector paused: a parse allocates tens of thousands of
    # short-lived objects and no cycles worth collecting, and the collections it would trigger
    # walk every object of the process (profiled: about a third of verify's time went to those
    # two). A parse error still carries its line and column (tokens keep theirs).
    collecting = gc.isenabled()
    gc.disable()
    try:
        tree = hcl_parser().parse(text + "\n")  # hcl2.api.parses_to_tree appends one too
        return hcl2_api.serialize(
            _transformer().transform(tree), serialization_options=_PARSE_OPTIONS
        )
    finally:
        if collecting:
            gc.enable()


class _BoundRuleTransformer(RuleTransformer):
    """python-hcl2's tree transformer (what `hcl2.api.transform` uses) with its rule callbacks
    bound once. Lark's `v_args` wrapper builds a new wrapper object (functools.update_wrapper
    included) on every attribute read, that is for every node of every tree: a quarter of the
    transform's time. A bound copy in the instance's own dict is found first, and it does the
    same call; the transformer keeps no state between trees."""

    def __init__(self) -> None:
        super().__init__(discard_new_line_or_comments=True)  # comments are never serialized
        for name in dir(RuleTransformer):
            if hasattr(inspect.getattr_static(RuleTransformer, name), "visit_wrapper"):
                self.__dict__[name] = getattr(self, name)


@cache
def _transformer() -> _BoundRuleTransformer:
    return _BoundRuleTransformer()


@cache
def hcl_parser() -> lark.Lark:
    """python-hcl2's own grammar and post-lexer, built without `propagate_positions`.

    python-hcl2 8 builds its parser with `propagate_positions=True`, which roughly doubles
    Lark's LALR parse time; the dict that `serialize` returns never carries positions, so it
    is the same either way (tests/unit/test_hcl.py compares the two on every golden file). The
    built tables are cached in tfgen's cache folder (Lark checks the grammar and options hash
    before it uses the file, and rebuilds on any mismatch or damage)."""
    from generator.core.cachedir import cache_folder

    folder = cache_folder("")
    # a read-only or missing cache folder: build the tables each time (about 1.5 s)
    cache_file: str | bool = (
        False
        if folder is None
        else str(folder / f"hcl2-{hcl2_version}-lark-{lark.__version__}-nopos.lark")
    )
    return lark.Lark.open(
        "hcl2.lark",
        rel_to=hcl2.parser.__file__,
        parser="lalr",
        propagate_positions=False,
        postlex=PostLexer(),
        cache=cache_file,
    )


def literal_text(value: Any) -> Any:
    """A parsed literal as plain data: nested blocks' markers dropped.

    python-hcl2 already decodes string escapes (`\u0024` included), and `hcl_string` never
    writes HCL's `$${`/`%%{`, so strings come back as given."""
    if isinstance(value, list):
        return [literal_text(item) for item in value]
    if isinstance(value, dict):
        return {literal_text(k): literal_text(v) for k, v in value.items() if k != BLOCK_MARK}
    return value


def blocks(parsed: dict[str, Any], kind: str) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(type, name, body) for every `resource`/`data` block of a parsed file."""
    for entry in parsed.get(kind, []):
        for block_type, named in entry.items():
            for name, body in named.items():
                if name != BLOCK_MARK:
                    yield block_type, name, body


def labelled(parsed: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    """`module`/`provider`/`variable` blocks by their single label."""
    return {name: body for entry in parsed.get(kind, []) for name, body in entry.items()}
