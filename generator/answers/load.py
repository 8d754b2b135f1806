"""Reading answers files: YAML or JSON text (bounded size, UTF-8) -> the checked model.

Decoding problems, the model's single-field problems and the rules' cross-field problems all
come back as one AnswersError, each problem with its field path.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any

from pydantic import ValidationError

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


def parse_answers(data: Any, source: str = "answers") -> Answers:
    """Build the model from already-decoded data; all problems are raised together."""
    if not isinstance(data, dict):
        raise AnswersError([Problem("", "the answers must be a mapping of keys")], source)
    problems = text_problems(data)
    try:
        answers = Answers.model_validate(data)
    except ValidationError as error:
        raise AnswersError(problems + _pydantic_problems(error), source) from None
    if problems:
        raise AnswersError(problems, source)
    problems = rules.check_all(answers)
    if problems:
        raise AnswersError(problems, source)
    return answers


def load_answers_text(text: str, source: str = "answers") -> Answers:
    if len(text.encode("utf-8", "surrogatepass")) > MAX_ANSWERS_BYTES:
        raise AnswersError([Problem("", f"file is larger than {MAX_ANSWERS_BYTES} bytes")], source)
    try:
        data = yamlsafe.load(text)
    except yamlsafe.YamlProblem as error:
        raise AnswersError([Problem(error.path, error.message)], source) from None
    return parse_answers(data, source)


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
