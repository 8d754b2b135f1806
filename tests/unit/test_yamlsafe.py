"""The answers YAML loader: libyaml's fast path reads exactly what the pure-Python loader reads,
and anything either refuses gets the pure-Python loader's message."""

from __future__ import annotations

import pytest
import yaml

from generator.answers import yamlsafe
from tests.conftest import TESTS

TESTS = TESTS
ROOT = TESTS.parent


def _answers_texts() -> list[tuple[str, str]]:
    paths = [
        *TESTS.glob("bad_answers/*"),
        *TESTS.glob("cases/*.yaml"),
        *ROOT.glob("modules/*/tfgen.answers.yaml"),
        *ROOT.glob("generator/catalog/*.yaml"),
    ]
    texts = [(p.name, p.read_bytes().decode("utf-8", "replace")) for p in sorted(paths)]
    return texts + [
        ("alias", "a: &x [1, 2]\nb: *x\n"),
        ("anchor only", "a: &x [1, 2]\n"),
        ("duplicate", "a: 1\nb: 2\na: 3\n"),
        ("nested duplicate", "a:\n  - {x: 1, x: 2}\n"),
        ("list key", "? [1, 2]\n: x\n"),
        ("two documents", "a: 1\n---\nb: 2\n"),
        ("tag", "a: !!python/object:os.system x\n"),
        ("empty", ""),
        ("scalar", "just text\n"),
        ("control char", "a: \x07\n"),
        ("tab indent", "a:\n\t- 1\n"),
    ]


def _pure(text: str) -> tuple[str, object]:
    try:
        return "ok", yaml.load(text, Loader=yamlsafe._StrictLoader)  # noqa: S506
    except yamlsafe.YamlProblem as error:
        return "problem", error.message
    except (yaml.YAMLError, RecursionError) as error:
        return "yaml error", type(error).__name__


def _fast(text: str) -> tuple[str, object]:
    try:
        return "ok", yamlsafe._load_yaml(text)
    except yamlsafe.YamlProblem as error:
        return "problem", error.message


def test_fast_path_is_used_for_clean_answers() -> None:
    example = (ROOT / "generator/catalog/example.answers.yaml").read_text()
    loaded, data = yamlsafe._load_fast(example)
    assert loaded and data["name"]
    assert yamlsafe._load_fast("a: &x 1\nb: *x\n") == (False, None)
    assert yamlsafe._load_fast("a: 1\na: 2\n") == (False, None)


@pytest.mark.parametrize(("name", "text"), _answers_texts(), ids=lambda v: str(v)[:30])
def test_same_data_and_same_refusals_as_the_pure_loader(name: str, text: str) -> None:
    try:
        if yamlsafe._load_json(text)[0]:
            return  # JSON is read as JSON: neither YAML loader sees it
    except yamlsafe.YamlProblem:
        return  # refused as JSON
    kind, value = _pure(text)
    fast_kind, fast_value = _fast(text)
    if kind == "yaml error":
        assert fast_kind == "problem"  # load() wraps it with a location
    else:
        assert (fast_kind, fast_value) == (kind, value)
