"""A corpus of hostile and malformed answers files (tests/bad_answers/): every one is exit 2,
names what is wrong, writes nothing and never shows a traceback.

Each YAML file starts with `# expect: <text>`: the text the error output must contain (a field
path such as `subnets[0].az_id`, or for files that are not YAML at all, the reason). JSON has no
comments: a `*.json` case has its expectation in json-expectations.txt.
Regenerate: `.venv/bin/tfgen example | .venv/bin/python scripts/make_bad_answers.py`.
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


def test_a_real_process_shows_no_traceback(tmp_path: Path):
    """Through the installed entry point, for the nastiest files of the corpus."""
    nastiest = ("yaml-bomb", "yaml-deep-nesting", "yaml-binary", "name-nul", "huge-subnet-list",
                "yaml-huge-int", "json-huge-int.json", "json-lone-surrogate.json",
                "yaml-surrogate-pair", "json-surrogate-pair-tag.json", "huge-peering")  # fmt: skip
    for name in nastiest:
        path = CORPUS / (name if name.endswith(".json") else f"{name}.yaml")
        run = subprocess.run(
            [str(Path(sys.executable).parent / "tfgen"), "render", str(path),
             "-o", str(tmp_path / name), "--no-scan"],
            capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
        assert run.returncode == 2, (name, run.stderr)
        assert "Traceback" not in run.stderr, name
        assert expectation(path) in run.stderr, (name, run.stderr)
        assert not (tmp_path / name).exists()


def test_the_whole_corpus_in_one_batch_process_never_stops_the_good_file(tmp_path: Path):
    """A real process over every corpus file plus one good answers file: the good module is
    written, each bad file is exit 2 with its own expected error, no traceback."""
    good = tmp_path / "good.yaml"
    good.write_text(
        subprocess.run(
            [str(Path(sys.executable).parent / "tfgen"), "example"],
            capture_output=True, text=True, check=True,
        ).stdout.replace("name: lambda-endpoint-example", "name: good-one")
    )  # fmt: skip
    run = subprocess.run(
        [str(Path(sys.executable).parent / "tfgen"), "render", *map(str, FILES), str(good),
         "-o", str(tmp_path / "out"), "--no-scan", "--format", "json", "-j", "1"],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert run.returncode == 2, run.stderr
    assert "Traceback" not in run.stderr
    report = json.loads(run.stdout)
    by_source = {m["source"]: m for m in report["modules"]}
    assert by_source[str(good)]["exit_code"] == 0
    assert (tmp_path / "out" / "good-one" / "main.tf").is_file()
    for path in FILES:
        item = by_source[str(path)]
        text = "\n".join(f"{e['path']}: {e['message']}" for e in item["errors"])
        assert item["exit_code"] == 2 and expectation(path) in text, (path.name, text)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["good-one"]
