"""A corpus of hostile and malformed answers files (tests/bad_answers/): every one is exit 2,
names what is wrong, writes nothing and never shows a traceback.

Each YAML file starts with `# expect: <text>`: the text the error output must contain (a field
path such as `subnets[0].az_id`, or for files that are not YAML at all, the reason). JSON has no
comments: a `*.json` case has its expectation in json-expectations.txt.
Regenerate: `.venv/bin/tfgen example | .venv/bin/python scripts/make_bad_answers.py`.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli.main import cli
from tests.conftest import TESTS

CORPUS = TESTS / "bad_answers"
FILES = sorted([*CORPUS.glob("*.yaml"), *CORPUS.glob("*.json")])
JSON_EXPECTATIONS = json.loads((CORPUS / "json-expectations.txt").read_text(encoding="utf-8"))


def expectation(path: Path) -> str:
    if path.suffix == ".json":
        return JSON_EXPECTATIONS[path.stem]["expect"]
    first = path.read_bytes().split(b"\n", 1)[0].decode("ascii")
    assert first.startswith("# expect: "), f"{path.name} lacks its # expect: line"
    return first.removeprefix("# expect: ")


def test_corpus_is_large_enough():
    assert len(FILES) >= 140
    assert sorted(JSON_EXPECTATIONS) == sorted(p.stem for p in FILES if p.suffix == ".json")


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


def test_the_corpus_is_what_the_script_generates(tmp_path: Path, monkeypatch):
    """tests/bad_answers/ equals scripts/make_bad_answers.py's output over the built-in
    example: no hand-made or stale case, and a new case is added by the script."""
    import contextlib
    import io
    import runpy

    from tests.conftest import REPO as ROOT

    (tmp_path / "tests" / "bad_answers").mkdir(parents=True)
    example = (ROOT / "generator" / "catalog" / "example.answers.yaml").read_text()
    monkeypatch.setattr("sys.stdin", io.StringIO(example))
    with contextlib.chdir(tmp_path), contextlib.redirect_stdout(io.StringIO()):
        runpy.run_path(str(ROOT / "scripts" / "make_bad_answers.py"), run_name="__main__")
    made = {p.name: p.read_bytes() for p in (tmp_path / "tests" / "bad_answers").iterdir()}
    committed = {p.name: p.read_bytes() for p in CORPUS.iterdir() if p.is_file()}
    assert sorted(made) == sorted(committed)
    assert [name for name in made if made[name] != committed[name]] == []
