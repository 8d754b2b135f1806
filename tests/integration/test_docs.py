"""The tests of tests/unit/test_docs.py that run real processes:
(checkov, terraform, a console, a timeout)."""

from __future__ import annotations

import copy
import json
import subprocess

from tests.unit.test_docs import (  # noqa: F401
    CASES,
    JSDOM_VERSION,
    MERMAID_CHECK,
    MERMAID_VERSION,
    hcl_names,
    mermaid_block,
    mermaid_dir,
    module_folder,
    readme_of,
    section,
    table_names,
)


def test_mermaid_diagrams_parse_with_mermaid():
    folder = mermaid_dir()
    diagrams = {case: mermaid_block(readme_of(case)[0]) for case in CASES}
    broken = copy.copy(diagrams["built-in example"]).replace('sg["', 'sg[["', 1)
    diagrams["deliberately broken"] = broken
    script = folder / "check.mjs"
    script.write_text(MERMAID_CHECK)
    run = subprocess.run(
        ["node", str(script)],
        input=json.dumps(diagrams), cwd=folder, capture_output=True, text=True, timeout=300,
        check=False,
    )  # fmt: skip
    results = {}
    for line in run.stdout.splitlines():
        status, _, rest = line.partition(" ")
        if status not in ("ok", "FAIL"):
            continue
        results[rest.split(":", 1)[0]] = (status, line)
    assert results.pop("deliberately broken")[0] == "FAIL", "the parser accepted a broken diagram"
    assert sorted(results) == sorted(CASES), run.stdout + run.stderr
    failed = [line for status, line in results.values() if status != "ok"]
    assert not failed, "\n".join(failed)
    assert all("flowchart" in line for _, line in results.values())
