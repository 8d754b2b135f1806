from __future__ import annotations

import copy
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.answers.load import parse_answers
from generator.answers.model import Answers

REPO = Path(__file__).resolve().parent.parent
TESTS = REPO / "tests"  # the data both tiers read: golden/, cases/, bad_answers/, fixtures/


def example_data() -> dict[str, Any]:
    text = resources.files("generator.catalog").joinpath("example.answers.yaml").read_text()
    return yaml.safe_load(text)


@pytest.fixture
def example() -> dict[str, Any]:
    """The built-in example answers as plain data, a fresh copy per test."""
    return copy.deepcopy(example_data())


@pytest.fixture
def example_answers() -> Answers:
    return parse_answers(example_data())


@pytest.fixture(autouse=True)
def private_scan_cache(monkeypatch, tmp_path_factory):
    """In-process scans never reuse a result from the user's scan cache (or fill it)."""
    from generator.report import progress
    from generator.scan import cache as scan_cache

    folder = tmp_path_factory.mktemp("scan-cache")
    monkeypatch.setattr(scan_cache, "cache_dir", lambda: folder)
    # nor reads or writes the timings of the user's earlier batches (progress estimates)
    monkeypatch.setattr(progress, "chunks_file", lambda: folder / progress.CHUNKS_FILE)


# The longest files first (scripts/test runs xdist with --no-loadscope-reorder): the moto
# scenarios (each on a worker of its own, in a run of their own), then the CPU-heavy ones, so
# that the last file to start is a short one.
LONGEST_FIRST = (
    "test_moto_day2.py",
    "test_moto_day2_cross.py",
    "test_moto_compose.py",
    "test_moto_apply.py",
    "test_moto_peering.py",
    "test_moto_network.py",
    "test_moto_import.py",
    "test_checkov_policies.py",
    "test_scan.py",
    "test_terraform.py",
    "test_batch.py",
    "test_precommit.py",
    "test_packaging.py",
    "test_gate.py",
    "test_bench.py",
    "test_typing.py",
    "test_scaffold.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    rank = {name: index for index, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))


# ---- CPU per test (TFGEN_TEST_CPU=FOLDER): where the suite's CPU goes, for bench/ and the
# CI-time work. Each worker appends "cpu seconds<TAB>test id" lines (its own CPU and that of
# the processes it waited for: checkov, terraform) to FOLDER/<worker>.tsv.
def _cpu_seconds() -> float:
    import resource

    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None):
    import os

    folder = os.environ.get("TFGEN_TEST_CPU")
    if not folder:
        yield
        return
    begun = _cpu_seconds()
    yield
    spent = _cpu_seconds() - begun
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    Path(folder).mkdir(parents=True, exist_ok=True)
    with open(Path(folder) / f"{worker}.tsv", "a", encoding="utf-8") as log:
        log.write(f"{spent:.2f}\t{item.nodeid}\n")
