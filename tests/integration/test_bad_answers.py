"""The tests of tests/unit/test_bad_answers.py that run real processes:
(checkov, terraform, a console, a timeout)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.unit.test_bad_answers import (  # noqa: F401
    CORPUS,
    FILES,
    JSON_EXPECTATIONS,
    expectation,
)


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
         "--root", str(tmp_path / "out"), "--no-scan", "--format", "json", "-j", "1"],
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
