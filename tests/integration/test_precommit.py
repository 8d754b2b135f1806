"""The hooks in .pre-commit-hooks.yaml, run by pre-commit itself against a temporary git repo
that uses this repository (at its HEAD commit) as the hook source."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO, example_data

PRE_COMMIT = shutil.which("pre-commit", path=str(Path(sys.executable).parent))

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        PRE_COMMIT is None, reason="PRE-COMMIT NOT INSTALLED: pip install -e .[test]"
    ),
]


def git(*args: str, cwd: Path) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout.strip()


def run_hooks(repo: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PRE_COMMIT, "run", "--all-files", "--color", "never"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )


def test_render_and_check_hooks(tmp_path: Path):
    head = git("rev-parse", "HEAD", cwd=REPO)
    repo = tmp_path / "infra"
    repo.mkdir()
    git("init", "-q", cwd=repo)
    config = {
        "repos": [
            {
                "repo": str(REPO),
                "rev": head,
                "hooks": [{"id": "tfgen-render", "args": ["--no-scan"]}, {"id": "tfgen-check"}],
            }
        ]
    }
    (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    (repo / "answers").mkdir()
    (repo / "answers" / "lambda.yaml").write_text(yaml.safe_dump(example_data(), sort_keys=False))
    git("add", "-A", cwd=repo)
    env = {
        **os.environ,
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
    }

    first = run_hooks(repo, env)  # a new module (untracked files): the hook fails, naming it
    module = repo / "modules" / "lambda-endpoint-example"
    assert first.returncode == 1, first.stdout + first.stderr
    assert "created modules/lambda-endpoint-example" in first.stdout
    assert (module / "main.tf").read_bytes() == (
        REPO / "modules" / "lambda-endpoint-example" / "main.tf"
    ).read_bytes()
    git("add", "-A", cwd=repo)
    assert run_hooks(repo, env).returncode == 0

    changed = example_data()
    changed["tags"]["Team"] = "payments"
    (repo / "answers" / "lambda.yaml").write_text(yaml.safe_dump(changed, sort_keys=False))
    git("add", "-A", cwd=repo)
    rerendered = run_hooks(repo, env)  # tracked module files change: pre-commit fails
    assert rerendered.returncode == 1, rerendered.stdout + rerendered.stderr
    assert "files were modified by this hook" in rerendered.stdout
    assert "payments" in (module / "example" / "main.tf").read_text()
    git("add", "-A", cwd=repo)
    assert run_hooks(repo, env).returncode == 0

    (module / "main.tf").write_text((module / "main.tf").read_text() + "# hand edit\n")
    git("add", "-A", cwd=repo)
    edited = run_hooks(repo, env)
    assert edited.returncode == 1
    assert "main.tf: edited" in edited.stdout  # tfgen check names the drifted file
