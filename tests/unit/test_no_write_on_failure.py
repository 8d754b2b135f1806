"""Every failure happens before the first byte is written, or leaves the previous state
(issue 26): an impossible --report is refused before the render, `tfgen docs` over a
malformed manifest rewrites nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from tests.conftest import example_data
from tests.support.cli import tfgen


@pytest.fixture
def answers(tmp_path: Path) -> Path:
    path = tmp_path / "a.yaml"
    path.write_text(yaml.safe_dump(example_data()))
    return path


@pytest.mark.parametrize(
    ("report", "says"),
    [
        ("a-file/deeper/r.json", "is not a folder"),
        ("a-folder", "is a directory"),  # click's own check of the option
        ("a-file/r.json", "is not a folder"),
    ],
)
def test_an_impossible_report_is_refused_before_the_module_is_written(
    answers, tmp_path, report, says
):
    (tmp_path / "a-folder").mkdir()
    (tmp_path / "a-file").write_text("")
    out = tmp_path / "out"
    run = tfgen(
        "render", str(answers), "-o", str(out), "--no-scan", "--report", str(tmp_path / report)
    )
    assert run.returncode == 2, run.stderr
    assert "--report" in run.stderr and says in run.stderr
    assert not out.exists()


@pytest.mark.parametrize("files", [["README.md"], "README.md", {"README.md": 1}, None])
def test_docs_over_a_malformed_manifest_rewrites_nothing(answers, tmp_path, files):
    out = tmp_path / "out"
    assert tfgen("render", str(answers), "-o", str(out), "--no-scan").returncode == 0
    manifest = out / "tfgen.manifest.json"
    data = json.loads(manifest.read_text())
    data["files"] = files
    manifest.write_text(json.dumps(data))
    readme = out / "README.md"
    readme.write_text(readme.read_text() + "edited\n")
    before = {path.name: path.read_bytes() for path in out.iterdir() if path.is_file()}
    run = tfgen("docs", str(out))
    assert run.returncode == 2 and "unexpected" not in run.stderr, run.stderr
    assert {path.name: path.read_bytes() for path in out.iterdir() if path.is_file()} == before
