"""Reading answers files: YAML or JSON text (bounded size, UTF-8) -> the checked model.

Decoding problems, the model's single-field problems and the rules' cross-field problems all
come back as one AnswersError, each problem with its field path and (from a file) its line:
the rules run on whatever validated even when some fields did not (see `partial_answers`).
"""

from __future__ import annotations

import typing
import unicodedata
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError

from generator.answers import rules, yamlsafe
from generator.answers.model import LIST_LIMITS, Answers
from generator.core.errors import AnswersError, Problem, UsageError, preview
from generator.core.files import read_regular_file
from generator.core.markers import has_skip_marker, nfc_changes

MAX_ANSWERS_BYTES = 1_000_000


def _field_path(loc: tuple[int | str, ...]) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path


def _pydantic_problems(error: ValidationError) -> list[Problem]:
    problems = []
    for item in error.errors(include_url=False):
        loc = tuple(part for part in item["loc"] if part not in ("function-after",))
        message = item["msg"].removeprefix("Value error, ")
        if item["type"] == "extra_forbidden":
            message = "unknown key (check the spelling; allowed keys are in `tfgen schema`)"
        elif item["type"] == "missing":
            message = "required key is missing"
        elif item["type"] == "literal_error":
            message = f"{preview(item['input'])} is not allowed: {message.lower()}"
        elif item["type"] == "too_long" and loc and str(loc[-1]) in LIST_LIMITS:
            limit, reason = LIST_LIMITS[str(loc[-1])]
            message = f"{len(item['input'])} items; at most {limit} ({reason})"
        problems.append(Problem(_field_path(loc), message))
    return problems


def _text_problem(text: str, what: str) -> str | None:
    """Why a string of the answers cannot reach a generated file as it is, or None."""
    if has_skip_marker(text):
        return (
            f"{what} {preview(text)} holds a checkov skip marker ('checkov:skip='): checkov "
            "reads it anywhere in a resource block, strings included, and would skip a check; "
            "remove it"
        )
    if nfc_changes(text):
        return (
            f"{what} {preview(text, escape=True)} is not in Unicode NFC form, and Terraform "
            "normalizes every string it sends: AWS would receive "
            f"{preview(unicodedata.normalize('NFC', text), escape=True)}; write it in that form"
        )
    return None


def text_problems(data: Any, loc: tuple[int | str, ...] = ()) -> list[Problem]:
    """Every string of the decoded answers (keys too) that checkov or Terraform would read as
    something else than tfgen checks: a skip marker, a text NFC normalization changes."""
    problems = []
    if isinstance(data, dict):
        for name, value in data.items():
            if isinstance(name, str) and (message := _text_problem(name, "key")):
                problems.append(Problem(_field_path(loc), message))
            problems += text_problems(value, (*loc, str(name)))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            problems += text_problems(value, (*loc, index))
    elif isinstance(data, str) and (message := _text_problem(data, "value")):
        problems.append(Problem(_field_path(loc), message))
    return problems


Loc = tuple[int | str, ...]


def _error_locs(error: ValidationError) -> list[Loc]:
    return [tuple(part for part in item["loc"]) for item in error.errors(include_url=False)]


@cache
def _field_adapter(model: type[BaseModel], name: str) -> TypeAdapter[Any]:
    return TypeAdapter(model.model_fields[name].rebuild_annotation())


def _model_of(annotation: Any) -> tuple[str, type[BaseModel]] | None:
    """("model", M) for a field of type M or M | None, ("list", M) for list[M], else None."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "model", annotation
    args = typing.get_args(annotation)
    if typing.get_origin(annotation) is list and args:
        inner = _model_of(args[0])
        return ("list", inner[1]) if inner and inner[0] == "model" else None
    models = [_model_of(arg) for arg in args if arg is not type(None)]
    return models[0] if len(models) == 1 and models[0] and models[0][0] == "model" else None


def _partial(model: type[BaseModel], data: dict[Any, Any], loc: Loc, bad: list[Loc]) -> Any:
    """`model` built from the fields of `data` that validated; a field that did not is absent
    (reading it raises AttributeError), not defaulted; a model field with a bad field inside
    is itself partial."""
    values: dict[str, Any] = {}
    absent = []
    for name, info in model.model_fields.items():
        key = info.alias or name
        if key not in data:
            continue
        here = (*loc, key)
        if not any(place[: len(here)] == here for place in bad):
            values[name] = _field_adapter(model, name).validate_python(data[key])
            continue
        absent.append(name)
        kind = _model_of(info.annotation)
        value = data[key]
        if kind is None or here in bad:
            continue
        if kind[0] == "model" and isinstance(value, dict):
            values[name] = _partial(kind[1], value, here, bad)
            absent.remove(name)
        elif (
            kind[0] == "list"
            and isinstance(value, list)
            and all(isinstance(item, dict) for item in value)
        ):
            values[name] = [
                _partial(kind[1], item, (*here, index), bad) for index, item in enumerate(value)
            ]
            absent.remove(name)
    built = model.model_construct(**values)
    for name in absent:  # model_construct gave it its default: it must read as missing
        built.__dict__.pop(name, None)
    return built


def partial_answers(data: dict[Any, Any], error: ValidationError) -> Answers:
    """The answers as far as they validated (`error`: why the whole did not)."""
    bad = [loc for loc in _error_locs(error) if loc]
    answers: Answers = _partial(Answers, data, (), bad)
    return answers


def partial_rule_problems(data: dict[Any, Any], error: ValidationError) -> list[Problem]:
    """The rules' problems on what validated: a rule that reads a field which did not (or
    fails on the partial data in any way) is skipped, its problems reported once it can run."""
    try:
        answers = partial_answers(data, error)
    except (ValidationError, TypeError, ValueError):
        return []
    found: list[Problem] = []
    for check in rules.CHECKS:
        try:
            found += list(check(answers))
        except Exception:  # noqa: S112 - partial data: the rule cannot run yet
            continue
    return found


def parse_answers(data: Any, source: str = "answers") -> Answers:
    """Build the model from already-decoded data; all problems are raised together: the
    model's, and the rules' on whatever of the model validated."""
    if not isinstance(data, dict):
        raise AnswersError([Problem("", "the answers must be a mapping of keys")], source)
    problems = text_problems(data)
    try:
        answers = Answers.model_validate(data)
    except ValidationError as error:
        problems += _pydantic_problems(error) + partial_rule_problems(data, error)
        raise AnswersError(problems, source) from None
    problems += rules.check_all(answers)
    if problems:
        raise AnswersError(problems, source)
    return answers


def _placed(problems: list[Problem], text: str) -> list[Problem]:
    """The problems with their line and column in `text`."""
    where = yamlsafe.positions(text)
    return [problem.at(where) for problem in problems]


def load_answers_text(text: str, source: str = "answers") -> Answers:
    if len(text.encode("utf-8", "surrogatepass")) > MAX_ANSWERS_BYTES:
        raise AnswersError([Problem("", f"file is larger than {MAX_ANSWERS_BYTES} bytes")], source)
    try:
        data = yamlsafe.load(text)
    except yamlsafe.YamlProblem as error:
        problems = [Problem(error.path, error.message)]
        raise AnswersError(_placed(problems, text) if error.path else problems, source) from None
    try:
        return parse_answers(data, source)
    except AnswersError as error:
        raise AnswersError(_placed(error.problems, text), source) from None


def load_answers(path: Path) -> Answers:
    try:  # only a regular file, its size checked before a byte is read
        raw = read_regular_file(path, MAX_ANSWERS_BYTES)
    except UsageError as error:
        raise AnswersError([Problem("", str(error))], str(path)) from None
    return load_answers_bytes(raw, str(path))


def load_answers_bytes(raw: bytes, source: str = "answers") -> Answers:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise AnswersError([Problem("", "file is not UTF-8 text")], source) from None
    return load_answers_text(text, source)


def load_answers_stream(stream: Any, source: str = "stdin") -> Answers:
    """Answers from a binary stream (stdin), read no further than the size limit."""
    return load_answers_bytes(stream.read(MAX_ANSWERS_BYTES + 1), source)
