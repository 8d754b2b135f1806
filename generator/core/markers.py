"""Texts that tools downstream of tfgen read as instructions, wherever they appear.

checkov reads `checkov:skip=<ID>:<reason>` (and its `bridgecrew:` and `cortex:` spellings) on
any line of a resource block, inside a string as well as in a comment
(checkov/common/comment/enum.py, COMMENT_REGEX, checkov 3.3.30), so a value that carries one
would turn a failing check into a skip. tfgen refuses such values in the answers and verify
refuses any marker in generated files that the answers did not ask for.

Terminals act on control characters instead of showing them (ESC starts the sequences that
move the cursor or erase lines), and Unicode's bidirectional controls reorder what a reviewer
reads (Trojan Source, CVE-2021-42574): text from files, file names and AWS responses reaches a
terminal or a README only with those written as escapes.

Terraform normalizes every string it sends to Unicode NFC: a value that NFC changes reaches
AWS as another text than the one tfgen checked.
"""

from __future__ import annotations

import re
import unicodedata

# Broader than checkov's own pattern (case, spaces around ':' and '='): refusing a look-alike
# costs nothing, missing a spelling a later checkov accepts would cost a check.
SKIP_MARKER_RE = re.compile(r"(?:checkov|bridgecrew|cortex)\s*:\s*skip\s*=", re.IGNORECASE)


def has_skip_marker(text: str) -> bool:
    """True when checkov (any spelling it accepts, and a few more) could read a skip here."""
    return SKIP_MARKER_RE.search(text) is not None


def nfc_changes(text: str) -> bool:
    """True when Terraform would send `text` as another string (Unicode NFC)."""
    return not unicodedata.is_normalized("NFC", text)


# C0 controls but newline and tab, DEL, C1 controls, the bidirectional controls, and the
# line and paragraph separators.
UNSHOWABLE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)


def terminal_text(text: str) -> str:
    """`text` with every character a terminal or a reviewer's editor would act on written as
    its escape (\\x1b, \\u202e); everything else as it is."""
    return UNSHOWABLE.sub(lambda match: ascii(match.group(0))[1:-1], text)


def json_escaped(text: str) -> str:
    """JSON text with those characters as JSON's own \\u escapes: the same JSON value."""
    return UNSHOWABLE.sub(lambda match: f"\\u{ord(match.group(0)):04x}", text)
