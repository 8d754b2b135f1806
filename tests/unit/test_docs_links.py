"""The repository's own documentation (README.md, CONTRIBUTING.md, docs/, bench/README.md):
every relative link reaches a file (and a heading, when it names one), every `tfgen` command
line it shows names a real command and real options of that command, and what users read
carries no internal bookkeeping codes."""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from pathlib import Path

import click
import pytest

from generator.cli.main import cli
from tests.conftest import REPO
from tests.unit.test_first_contact import INTERNAL

USER_DOCS = [REPO / "README.md", REPO / "CONTRIBUTING.md", *sorted((REPO / "docs").rglob("*.md"))]
DOCS = [*USER_DOCS, REPO / "bench" / "README.md"]

# A fenced code block, indented ones (inside a list item) too
FENCE = re.compile(r"^[ \t]*(```+|~~~+)([^\n]*)\n(.*?)^[ \t]*\1[ \t]*$", re.M | re.S)
INLINE = re.compile(r"(`+)(.+?)\1", re.S)
LINK = re.compile(r"!?\[(?:[^\]\n]|\n(?!\n))*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
REFERENCE = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s.*)?$", re.M)
HEADING = re.compile(r"^#{1,6}[ \t]+(.+?)[ \t#]*$", re.M)
PLACEHOLDER = re.compile(r"<[A-Za-z][^<>\n]*>")
# What ends a command on a shell line, and words that stand for any command in the docs
OPERATORS = {"&&", "||", "|", ";", "&", "(", ")", ">", ">>", "<", "2>", "2>&1"}
ANY_COMMAND = {"...", "COMMAND"}
SHELL_BLOCKS = {"", "sh", "bash", "shell", "console", "yaml", "yml"}


def ids(path: Path) -> str:
    return str(path.relative_to(REPO))


def prose_and_code(text: str) -> tuple[str, list[str]]:
    """The text with code blocks blanked (lines kept), and the code blocks that hold shell
    lines (a `text`, `hcl` or `json` block is a tree, Terraform or data)."""
    blocks = [m[3] for m in FENCE.finditer(text) if m[2].strip() in SHELL_BLOCKS]
    prose = FENCE.sub(lambda match: "\n" * match[0].count("\n"), text)
    return prose, blocks


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: markup dropped, lower case, punctuation removed (but
    `-` and `_`), each space a hyphen."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link: its text
    text = re.sub(r"[`*]", "", text).strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    prose, _ = prose_and_code(path.read_text(encoding="utf-8"))
    seen: dict[str, int] = {}
    found = set()
    for match in HEADING.finditer(prose):
        base = slug(match[1])
        count = seen.get(base, 0)
        seen[base] = count + 1
        found.add(base if count == 0 else f"{base}-{count}")
    return found


def links(text: str) -> list[str]:
    prose, _ = prose_and_code(text)
    prose = INLINE.sub("", prose)
    return [match[1] for match in LINK.finditer(prose)] + REFERENCE.findall(prose)


def broken_links(path: Path) -> list[str]:
    problems = []
    for target in links(path.read_text(encoding="utf-8")):
        if re.match(r"[a-z][a-z0-9+.-]*:", target):  # https:, mailto: ...
            continue
        file_part, _, anchor = target.partition("#")
        where = (path.parent / file_part).resolve() if file_part else path
        if not where.exists():
            problems.append(f"{target}: no such file")
        elif not where.is_relative_to(REPO):
            problems.append(f"{target}: outside the repository")
        elif anchor and where.suffix == ".md" and anchor not in anchors(where):
            problems.append(f"{target}: {where.name} has no heading #{anchor}")
    return problems


@pytest.mark.parametrize("path", DOCS, ids=ids)
def test_every_relative_link_resolves(path: Path):
    assert broken_links(path) == []


def test_the_link_check_sees_a_broken_link_or_anchor(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(f"{__name__}.REPO", tmp_path)
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.md").write_text("# A page\n\n## Day 2: upgrades\n")
    page = tmp_path / "README.md"
    page.write_text(
        "[ok](docs/a.md) [ok](docs/a.md#day-2-upgrades) [ok](#top) [web](https://x.test/y)\n"
        "# Top\n[gone](docs/b.md) [bad anchor](docs/a.md#day-3)\n"
        "`[not a link](nowhere.md)`\n\n```md\n[in code](nowhere.md)\n```\n"
        "[ref]: docs/missing.md\n"
    )
    assert broken_links(page) == [
        "docs/b.md: no such file",
        "docs/a.md#day-3: a.md has no heading #day-3",
        "docs/missing.md: no such file",
    ]


# ---- tfgen command lines ---------------------------------------------------------------------


def code_texts(text: str) -> Iterator[str]:
    """Every line of every code block, and every inline code span (joined to one line)."""
    prose, blocks = prose_and_code(text)
    for block in blocks:
        yield from block.replace("\\\n", " ").splitlines()
    for match in INLINE.finditer(prose):
        yield " ".join(match[2].split())


def words(line: str) -> list[str]:
    line = PLACEHOLDER.sub("X", line)
    lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    try:
        return list(lexer)
    except ValueError:  # an unbalanced quote in an example: plain words then
        return line.split("#", 1)[0].split()


def tfgen_commands(text: str) -> Iterator[list[str]]:
    """Each `tfgen ...` the text shows, as its words up to the end of that shell command."""
    for line in code_texts(text):
        if not re.search(r"(^|[\s/(])tfgen(\s|$)", line):
            continue
        tokens = words(line)
        for index, token in enumerate(tokens):
            if token == "tfgen" or token.endswith("/bin/tfgen"):
                command = []
                for word in tokens[index + 1 :]:
                    if word in OPERATORS:
                        break
                    command.append(word)
                yield command


def options_of(command: click.Command) -> set[str]:
    names = {"-h", "--help"}  # the group's help_option_names, every command's
    for param in command.params:
        names.update(param.opts + param.secondary_opts)
    return names


def command_problems(command: list[str]) -> list[str]:
    """What in one `tfgen ...` the CLI does not have: the command, or an option of it."""
    current: click.Command = cli
    path = ["tfgen"]
    problems = []
    rest = list(command)
    while isinstance(current, click.Group) and rest:
        word = rest[0]
        if word.startswith("-"):
            if word.split("=", 1)[0] not in options_of(current):
                problems.append(f"{' '.join(path)}: no option {word}")
            rest.pop(0)
            continue
        if word in ANY_COMMAND:
            return problems
        found = current.commands.get(word)
        if found is None:
            return [*problems, f"{' '.join(path)}: no command {word!r}"]
        current, path = found, [*path, word]
        rest.pop(0)
    known = options_of(current)
    for word in rest:
        flag = word.startswith("-") and len(word) > 1 and not re.fullmatch(r"-\d.*", word)
        if flag and word.split("=", 1)[0] not in known:
            problems.append(f"{' '.join(path)}: no option {word}")
    return problems


@pytest.mark.parametrize("path", DOCS, ids=ids)
def test_every_tfgen_command_and_option_shown_exists(path: Path):
    text = path.read_text(encoding="utf-8")
    problems = [p for command in tfgen_commands(text) for p in command_problems(command)]
    assert problems == []


def test_the_command_check_sees_what_the_cli_lacks():
    page = (
        "1. In a list:\n\n   ```sh\n   tfgen render - --no-cachee --drop-retired\n   ```\n\n"
        "```sh\n"
        "tfgen render answers/<name>.yaml --layout deployment -o -   # fine\n"
        "tfgen example | .venv/bin/tfgen render - --no-scann && tfgen chek x\n"
        "tfgen check --answers answers \\\n  --deployments-root deployments --fixx\n"
        "```\n"
        "Run `tfgen docs --format json` or `tfgen --debug ...`, `tfgen COMMAND --help`.\n"
    )
    found = [p for command in tfgen_commands(page) for p in command_problems(command)]
    assert found == [
        "tfgen render: no option --no-cachee",
        "tfgen render: no option --no-scann",
        "tfgen: no command 'chek'",
        "tfgen check: no option --fixx",
        "tfgen docs: no option --format",
    ]


def test_the_docs_show_most_commands():
    shown = {
        command[0]
        for path in DOCS
        for command in tfgen_commands(path.read_text(encoding="utf-8"))
        if command
    }
    assert set(cli.commands) <= shown


# ---- what users read ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", USER_DOCS, ids=ids)
def test_no_internal_codes_in_the_docs(path: Path):
    assert INTERNAL.findall(path.read_text(encoding="utf-8")) == []


# ---- the README as first contact ---------------------------------------------------------------


def test_the_readme_opens_with_the_two_commands_and_stays_short():
    text = (REPO / "README.md").read_text(encoding="utf-8")
    first = FENCE.search(text)
    assert first and text[: first.start()].strip() == "# tfgen"
    install, test = [line.split("#", 1)[0].split() for line in first[3].splitlines()]
    assert install[:2] == ["scripts/install", "&&"] and install[-2:] == ["render", "-"]
    assert test == ["scripts/test"]
    assert "scripts/test" in (REPO / ".ci" / "run").read_text()  # CI runs the same command
    assert len(text.splitlines()) <= 150
    # the quick start ends in a plan of a deployment root with a remote backend
    assert 'backend "s3"' in text and "terraform init && terraform plan" in text
    assert text.index('backend "s3"') < text.index("terraform init && terraform plan")
