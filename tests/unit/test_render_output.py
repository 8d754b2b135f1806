"""`tfgen render -o` means one thing whatever the number of answers files: the module folder
of one answers file. `--root DIR` receives each module as DIR/<name>, for one file or many.
`-o` with a batch still works as --root, with a deprecation warning (no silent move)."""

from __future__ import annotations

from pathlib import Path

import yaml

from tests.conftest import example_data
from tests.support.cli import tfgen

DEPRECATED = "-o out with several answers files (or a folder, or --shard) is deprecated"


def _answers(folder: Path, *names: str) -> list[str]:
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        data = example_data()
        data["name"] = name
        (folder / f"{name}.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
    return [f"{folder.name}/{name}.yaml" for name in names]


def _modules(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir()) if root.is_dir() else []


def test_o_is_the_module_folder_of_one_answers_file(tmp_path: Path):
    (one,) = _answers(tmp_path / "answers", "orders")
    result = tfgen("render", one, "-o", "out", "--no-scan", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out" / "main.tf").is_file()
    assert "deprecated" not in result.stderr


def test_root_receives_each_module_by_name_for_one_file_or_many(tmp_path: Path):
    (one,) = _answers(tmp_path / "answers", "orders")
    result = tfgen("render", one, "--root", "out", "--no-scan", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert _modules(tmp_path / "out") == ["orders"]
    assert (tmp_path / "out" / "orders" / "main.tf").is_file()
    several = _answers(tmp_path / "more", "billing", "search")
    result = tfgen("render", *several, "--root", "out", "--no-scan", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert _modules(tmp_path / "out") == ["billing", "orders", "search"]
    assert "deprecated" not in result.stderr


def test_a_glob_that_matches_one_file_writes_where_one_of_many_goes(tmp_path: Path):
    one = _answers(tmp_path / "a", "orders")
    many = _answers(tmp_path / "b", "billing", "search")
    for sources, root in ((one, "one"), (many, "many")):
        result = tfgen("render", *sources, "--root", root, "--no-scan", cwd=tmp_path)
        assert result.returncode == 0, result.stderr
    assert _modules(tmp_path / "one") == ["orders"]
    assert _modules(tmp_path / "many") == ["billing", "search"]


def test_o_with_a_batch_still_writes_there_and_says_it_is_deprecated(tmp_path: Path):
    several = _answers(tmp_path / "answers", "billing", "search")
    for args in (several, ["answers"]):  # named files, a folder
        result = tfgen("render", *args, "-o", "out", "--no-scan", cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        assert _modules(tmp_path / "out") == ["billing", "search"]
        assert DEPRECATED in result.stderr and "use --root out" in result.stderr
    result = tfgen("render", "answers", "-o", "out", "--no-scan", "--format", "json", cwd=tmp_path)
    assert result.returncode == 0 and DEPRECATED in result.stderr
    assert result.stdout.lstrip().startswith("{")  # the JSON report stays clean


def test_o_and_root_together_are_refused(tmp_path: Path):
    (one,) = _answers(tmp_path / "answers", "orders")
    result = tfgen("render", one, "-o", "a", "--root", "b", "--no-scan", cwd=tmp_path)
    assert result.returncode == 2
    assert "give one of them" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()


def test_check_dry_run_reads_root_the_same_way(tmp_path: Path):
    (one,) = _answers(tmp_path / "answers", "orders")
    assert tfgen("render", one, "--root", "out", "--no-scan", cwd=tmp_path).returncode == 0
    result = tfgen("render", one, "--root", "out", "--check", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    result = tfgen("render", one, "--root", "elsewhere", "--check", cwd=tmp_path)
    assert result.returncode == 1  # nothing at elsewhere/orders yet
    assert not (tmp_path / "elsewhere").exists()


def test_help_says_what_o_and_root_mean():
    text = " ".join(tfgen("render", "--help").stdout.split())
    assert "The module folder to write, for one answers file" in text
    assert "--root DIR" in text and "<DIR>/<name>" in text
    assert "deprecated" in text and "use --root" in text
