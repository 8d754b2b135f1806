"""The distribution (issue 28): a name of its own on PyPI (`tfgen` there is another project),
used by every install line of the docs; project URLs, a LICENSE that matches the declared
license, and a CHANGELOG entry for the version the package says it is."""

from __future__ import annotations

import re
import shlex
import tomllib

import pytest

from generator import __version__
from tests.conftest import REPO

# Checked free on PyPI before it was chosen (`pip index versions`: no distribution).
DISTRIBUTION = "tfgen-lambda-endpoint"
PROJECT = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
DOCS = [REPO / "README.md", REPO / "CONTRIBUTING.md", *sorted((REPO / "docs").glob("*.md"))]
HOOKS = sorted((REPO / "templates" / "cookiecutter-lambda-endpoint" / "hooks").glob("*.py"))
# `pip install ARGS`, up to where the command ends in a shell line or in Markdown
PIP_INSTALL = re.compile(r"pip install ([^`#;|&\n]+)")


def normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def installed_names(text: str) -> list[str]:
    """The distribution names every `pip install` in the text asks for (options, local paths
    and URLs left out)."""
    names = []
    for match in PIP_INSTALL.finditer(text):
        arguments = match[1].strip().rstrip(")").strip()
        try:
            words = shlex.split(arguments)
        except ValueError:
            words = arguments.split()
        for word in words:
            name = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", word)
            if word.startswith("-") or name is None or word.startswith((".", "/")):
                continue
            names.append(normalized(name[0]))
    return names


def test_the_distribution_has_a_name_of_its_own():
    assert PROJECT["name"] == DISTRIBUTION
    assert PROJECT["scripts"] == {"tfgen": "generator.cli.main:run"}  # the command stays


@pytest.mark.parametrize("path", DOCS + HOOKS, ids=lambda path: str(path.relative_to(REPO)))
def test_every_install_line_names_the_distribution(path):
    names = installed_names(path.read_text(encoding="utf-8"))
    tfgen = [name for name in names if name.startswith("tfgen")]
    assert tfgen == [DISTRIBUTION] * len(tfgen), f"{path.name}: {names}"


def test_the_readme_tells_how_to_install_it():
    names = installed_names((REPO / "README.md").read_text(encoding="utf-8"))
    assert names.count(DISTRIBUTION) >= 3


def test_the_install_line_reader_sees_the_old_name():
    text = 'pip install "tfgen[import]"  # x\n- run: pip install "tfgen @ git+<this repo>" && y\n'
    assert installed_names(text) == ["tfgen", "tfgen"]
    assert installed_names("`pip install .` then `pip install policy_sentry`") == ["policy-sentry"]


def test_project_urls_and_license():
    assert set(PROJECT["urls"]) == {"Homepage", "Source", "Issues", "Changelog"}
    assert all(url.startswith("https://") for url in PROJECT["urls"].values())
    assert PROJECT["urls"]["Changelog"].endswith("/CHANGELOG.md")
    assert PROJECT["license"] == {"text": "Apache-2.0"}
    license_text = (REPO / "LICENSE").read_text(encoding="utf-8")
    assert "Apache License" in license_text and "Version 2.0, January 2004" in license_text
    assert "END OF TERMS AND CONDITIONS" in license_text


def test_the_changelog_has_an_entry_for_this_version():
    headings = re.findall(r"^## (\d+\.\d+\.\d+)\b", (REPO / "CHANGELOG.md").read_text(), re.M)
    assert __version__ in headings
    assert headings[-1] == "0.1.0"  # from the first version on
