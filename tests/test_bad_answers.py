"""A corpus of hostile and malformed answers files (tests/bad_answers/): every one is exit 2,
names what is wrong, writes nothing and never shows a traceback.

Each file starts with `# expect: <text>`: the text the error output must contain (a field
path such as `subnets[0].az_id`, or for files that are not YAML at all, the reason).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import cli

CORPUS = Path(__file__).resolve().parent / "bad_answers"
FILES = sorted(CORPUS.glob("*.yaml"))


def expectation(path: Path) -> str:
    first = path.read_bytes().split(b"\n", 1)[0].decode("ascii")
    assert first.startswith("# expect: "), f"{path.name} lacks its # expect: line"
    return first.removeprefix("# expect: ")


def test_corpus_is_large_enough():
    assert len(FILES) >= 60


@pytest.mark.parametrize("path", FILES, ids=[path.stem for path in FILES])
def test_bad_answers_exit_2_name_the_problem_and_write_nothing(path: Path, tmp_path: Path):
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["render", str(path), "-o", str(out), "--no-scan"])
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit), result.exception
    assert expectation(path) in result.stderr
    assert "Traceback" not in result.output
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("path", FILES, ids=[path.stem for path in FILES])
def test_bad_answers_json_report_names_the_problem(path: Path, tmp_path: Path):
    result = CliRunner().invoke(
        cli, ["render", str(path), "-o", str(tmp_path / "out"), "--no-scan", "--format", "json"]
    )
    assert result.exit_code == 2
    report = json.loads(result.stdout)
    assert report["status"] == "error" and report["exit_code"] == 2
    text = "\n".join(f"{e['path']}: {e['message']}" for e in report["errors"])
    assert expectation(path) in text


def test_a_real_process_shows_no_traceback(tmp_path: Path):
    """Through the installed entry point, for the nastiest files of the corpus."""
    for name in ("yaml-bomb", "yaml-deep-nesting", "yaml-binary", "name-nul", "huge-subnet-list"):
        run = subprocess.run(
            [str(Path(sys.executable).parent / "tfgen"), "render", str(CORPUS / f"{name}.yaml"),
             "-o", str(tmp_path / name), "--no-scan"],
            capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
        assert run.returncode == 2, (name, run.stderr)
        assert "Traceback" not in run.stderr, name
        assert expectation(CORPUS / f"{name}.yaml") in run.stderr, (name, run.stderr)
        assert not (tmp_path / name).exists()
