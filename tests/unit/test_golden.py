"""Golden files are the spec of the output. Regenerate, then review the diff:

TFGEN_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/unit/test_golden.py
"""

from __future__ import annotations

import os
import shutil

import pytest

from generator.answers.load import parse_answers
from generator.moduledir.write import write_files
from generator.run.module import rendered_files
from tests.conftest import REPO
from tests.support.golden_cases import GOLDEN, case_answers, case_names

UPDATE = os.environ.get("TFGEN_UPDATE_GOLDEN") == "1"
EXAMPLE_MODULE = REPO / "modules" / "lambda-endpoint-example"


def golden_dir(case: str):
    return EXAMPLE_MODULE if case == "built-in example" else GOLDEN / case


@pytest.mark.parametrize("case", ["built-in example", *case_names()])
def test_rendering_matches_golden_files(case: str):
    files = rendered_files(parse_answers(case_answers(case)))
    folder = golden_dir(case)
    if UPDATE:
        shutil.rmtree(folder, ignore_errors=True)
        write_files(folder, files)
    on_disk = {
        p.relative_to(folder).as_posix(): p.read_text(encoding="utf-8")
        for p in folder.rglob("*")
        if p.is_file()
    }
    assert sorted(on_disk) == sorted(files), "files added or missing; regenerate and review"
    for name, text in files.items():
        assert on_disk[name] == text, f"{folder.name}/{name} differs; regenerate and review"
