"""Answers files behind the golden modules: tests/cases/<case>.yaml, plus the built-in example."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from tests.conftest import example_data

CASES = Path(__file__).resolve().parent.parent / "cases"
GOLDEN = Path(__file__).resolve().parent.parent / "golden"


def case_names() -> list[str]:
    return sorted(path.stem for path in CASES.glob("*.yaml"))


def case_answers(name: str) -> dict[str, Any]:
    if name == "built-in example":
        return example_data()
    return yaml.safe_load((CASES / f"{name}.yaml").read_text(encoding="utf-8"))
