"""The tests of tests/unit/test_schema_check.py that run real processes:
(checkov, terraform, a console, a timeout)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator.verify.schema import (
    load_provider_schema,
)
from tests.support.realtools import needs_terraform, terraform
from tests.unit.test_schema_check import (  # noqa: F401
    ENDPOINT,
    ONLY_5X,
    ONLY_6X,
    link,
    load_refresh_script,
    load_script,
    majors_problems,
    problems,
)


@needs_terraform
@pytest.mark.terraform
@pytest.mark.slow
def test_snapshot_matches_the_real_provider(tmp_path: Path):
    """If this fails, run scripts/refresh_provider_schema.py and review the diff it prints."""
    refresh = load_refresh_script()
    version = load_provider_schema()["provider_version"]
    (tmp_path / "main.tf").write_text(refresh.MAIN_TF.replace("VERSION", version))
    terraform(["init", "-input=false", "-no-color"], tmp_path)
    full = json.loads(terraform(["providers", "schema", "-json"], tmp_path).stdout)
    assert refresh.trim(full, version) == load_provider_schema()
