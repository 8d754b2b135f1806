"""`tfgen schema`'s patterns as editors run them: ECMA-262 regular expressions (node)."""

from __future__ import annotations

import json
import shutil
import subprocess
from typing import Any

import pytest

from generator.answers.schema import json_schema


def _patterns(node: Any) -> list[str]:
    if isinstance(node, list):
        return [pattern for item in node for pattern in _patterns(item)]
    if not isinstance(node, dict):
        return []
    found = [node["pattern"]] if isinstance(node.get("pattern"), str) else []
    found += list(node.get("patternProperties", {}))
    return found + [
        pattern for key, value in node.items() if key != "enum" for pattern in _patterns(value)
    ]


@pytest.mark.skipif(shutil.which("node") is None, reason="no node to check ECMA-262 patterns")
def test_every_pattern_is_an_ecma_262_unicode_regex_and_means_the_same_there():
    """Editors (yaml-language-server) compile `pattern` as `new RegExp(p, "u")`: each must
    compile there, and a trailing newline must be refused there as in Python."""
    patterns = sorted(set(_patterns(json_schema())))
    assert len(patterns) > 20
    script = (
        "const ps = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        "const out = ps.map(p => { try { new RegExp(p, 'u'); return null; }"
        " catch (e) { return p + ': ' + e.message; } }).filter(x => x);"
        "const r = new RegExp(ps.find(p => p.startsWith('^(?:vpc-')), 'u');"
        "out.push(r.test('vpc-0123abcd') && !r.test('vpc-0123abcd\\n') ? 'ok' : 'newline');"
        "console.log(JSON.stringify(out));"
    )
    run = subprocess.run(
        ["node", "-e", script], input=json.dumps(patterns), capture_output=True, text=True,
        timeout=60, check=True,
    )  # fmt: skip
    assert json.loads(run.stdout) == ["ok"]
