"""A non-editable `pip install .` into a fresh venv carries the templates and catalog data."""

from __future__ import annotations

import subprocess
import sys
import venv
from pathlib import Path

import pytest

from generator import __version__
from tests.conftest import REPO


@pytest.mark.slow
def test_installed_package_renders(tmp_path: Path):
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True, system_site_packages=False).create(env_dir)
    python = env_dir / "bin" / "python"
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", str(REPO)],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert install.returncode == 0, install.stderr[-3000:]
    tfgen = env_dir / "bin" / "tfgen"
    answers = tmp_path / "example.yaml"
    answers.write_text(
        subprocess.run([str(tfgen), "example"], capture_output=True, text=True, check=True).stdout
    )
    work = tmp_path / "elsewhere"
    work.mkdir()
    result = subprocess.run(
        [str(tfgen), "render", str(answers), "--no-scan", "-o", "out"],
        capture_output=True,
        text=True,
        cwd=work,
    )
    assert result.returncode == 0, result.stderr
    location = subprocess.run(
        [str(python), "-c", "import generator; print(generator.__file__)"],
        capture_output=True,
        text=True,
        cwd=work,
    ).stdout
    assert str(env_dir) in location  # the installed copy, not the checkout
    probe = (  # issue 28: the distribution's own name, and its license file in the metadata
        "from importlib.metadata import distribution\n"
        "found = distribution('tfgen-lambda-endpoint')\n"
        "licenses = [f.name for f in found.files or [] if f.name == 'LICENSE']\n"
        "print(found.metadata['Name'], found.version, licenses)\n"
    )
    metadata = subprocess.run([str(python), "-c", probe], capture_output=True, text=True, cwd=work)
    assert metadata.returncode == 0, metadata.stderr
    assert metadata.stdout.split()[:2] == ["tfgen-lambda-endpoint", __version__]
    assert "'LICENSE'" in metadata.stdout
    rendered = (work / "out" / "main.tf").read_bytes()
    assert rendered == (REPO / "modules" / "lambda-endpoint-example" / "main.tf").read_bytes()
    assert sys.version_info >= (3, 11)
