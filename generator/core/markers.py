"""Texts that tools downstream of tfgen read as instructions, wherever they appear.

checkov reads `checkov:skip=<ID>:<reason>` (and its `bridgecrew:` and `cortex:` spellings) on
any line of a resource block, inside a string as well as in a comment
(checkov/common/comment/enum.py, COMMENT_REGEX, checkov 3.3.30), so a value that carries one
would turn a failing check into a skip. tfgen refuses such values in the answers and verify
refuses any marker in generated files that the answers did not ask for.

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
