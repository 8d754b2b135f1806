"""The tests of tests/unit/test_scaffold.py that run real processes:
(checkov, terraform, a console, a timeout)."""

from __future__ import annotations

import os
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from cookiecutter.exceptions import FailedHookException

from generator.answers.load import load_answers, parse_answers
from tests.conftest import REPO
from tests.support.cli import tfgen
from tests.unit.test_scaffold import (  # noqa: F401
    ANSWERS_YAML,
    CHECKOV,
    CONTEXT,
    SESSION,
    SESSION_ANSWERS,
    TEMPLATE,
    TEMPLATE_DIR,
    cookiecutter_api,
    rendered_by_tfgen,
    scaffold,
    snapshot,
)


def test_cookiecutter_renders_exactly_what_tfgen_render_writes(tmp_path: Path):
    # From the repository with --directory, the way docs/scaffold.md shows it (a local clone).
    folder = scaffold(
        str(REPO),
        tmp_path / "out",
        directory=TEMPLATE_DIR,
        extra_context={**CONTEXT, "_scan": False},
    )
    assert folder == tmp_path / "out" / "scaffolded"
    # Byte for byte, nothing excluded: module, README, answers file and manifest.
    assert snapshot(folder) == rendered_by_tfgen(tmp_path)
    assert (folder / "peering.tf").is_file()
    assert load_answers(folder / "tfgen.answers.yaml") == parse_answers(
        yaml.safe_load(ANSWERS_YAML)
    )
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["scaffolded"]  # nothing else


def test_cookiecutter_defaults_are_tfgen_init_defaults(tmp_path: Path):
    folder = scaffold(str(TEMPLATE), tmp_path / "cc", extra_context={"_scan": "no"})
    init = tfgen("init", "--no-input", "--render", "--no-scan", "-o", "a.yaml", cwd=tmp_path)
    assert init.returncode == 0, init.stderr
    # the same module; init's names its answers file as the source (README, record, manifest)
    from_init = snapshot(tmp_path / "modules" / "lambda-endpoint")
    named = {"README.md", "tfgen.answers.yaml", "tfgen.manifest.json"}
    scaffolded = snapshot(folder)
    assert {k: v for k, v in scaffolded.items() if k not in named} == {
        k: v for k, v in from_init.items() if k not in named
    }
    assert scaffolded.keys() == from_init.keys()
    record = tmp_path / "modules" / "lambda-endpoint" / "tfgen.answers.yaml"
    assert load_answers(folder / "tfgen.answers.yaml") == load_answers(record)
    assert "a record of ../../a.yaml" in record.read_text()


def test_cookiecutter_deployment_layout_is_the_repository_init_lays_out(tmp_path: Path):
    # layout=deployment: the project folder is a repository (answers file, shared module, thin
    # root), byte for byte what `tfgen init --render --layout deployment` writes in a folder.
    folder = scaffold(
        str(TEMPLATE), tmp_path / "cc", extra_context={"_scan": "no", "layout": "deployment"}
    )
    repo = tmp_path / "by-init"
    repo.mkdir()
    init = tfgen("init", "--no-input", "--render", "--layout", "deployment", "--no-scan", cwd=repo)
    assert init.returncode == 0, init.stderr
    scaffolded = snapshot(folder)
    assert scaffolded == snapshot(repo)
    assert "answers/lambda-endpoint.yaml" in scaffolded
    assert "modules/lambda-endpoint/modules/peer/main.tf" in scaffolded
    main = scaffolded["deployments/lambda-endpoint/main.tf"].decode()
    assert 'source = "../../modules/lambda-endpoint"' in main
    assert "a record of ../../answers/lambda-endpoint.yaml" in (
        scaffolded["deployments/lambda-endpoint/tfgen.answers.yaml"].decode()
    )
    # the repository passes tfgen's own gate for the layout
    gate = tfgen("check", "--answers", "answers", "--deployments-root", "deployments", cwd=folder)
    assert gate.returncode == 0, gate.stdout + gate.stderr


def test_an_unknown_layout_is_refused_and_leaves_nothing(tmp_path: Path):
    # cookiecutter refuses a value outside the choice before it writes anything; the hook,
    # handed a context by other means, refuses it too, naming the field.
    from generator.scaffold.cookiecutter import post_gen

    out = tmp_path / "out"
    with pytest.raises(ValueError, match="choices are \\['module', 'deployment'\\]"):
        scaffold(str(TEMPLATE), out, extra_context={"_scan": "no", "layout": "mono"})
    assert not out.exists() or not any(out.iterdir())
    project = tmp_path / "project"
    project.mkdir()
    context = {**CONTEXT, "_scan": False, "layout": "mono"}
    assert post_gen(context, project) == 2
    assert list(project.iterdir()) == []


@pytest.mark.checkov
@pytest.mark.skipif(
    CHECKOV is None, reason="CHECKOV TESTS NOT RUN: no checkov environment; run `tfgen setup`"
)
def test_cookiecutter_scans_with_checkov(tmp_path: Path, monkeypatch, capfd):
    # An explicit checkov is never answered from the scan cache: this really runs checkov.
    monkeypatch.setenv("TFGEN_CHECKOV", str(CHECKOV))
    folder = scaffold(str(TEMPLATE), tmp_path / "out", extra_context=CONTEXT)
    err = capfd.readouterr().err
    assert "verified; checkov: " in err and " 0 failed" in err and "(cached)" not in err
    assert snapshot(folder) == rendered_by_tfgen(tmp_path)


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"vpc_cidr": "10.20.0.1/16"}, "vpc.cidr: '10.20.0.1/16' has host bits set"),
        ({"subnets": "subnet-0a1b2c3d:use1-az1"}, "subnets[0].az_id: use1-az1 is not in eu-west-1"),
        ({"functions": "arn:aws:lambda:us-east-1:111122223333:function:f"}, "functions[0]"),
        ({"peering": "[{not json"}, "peering: not JSON"),
        ({"name": "Bad_Name"}, "name: 'Bad_Name' is not allowed"),
    ],
)
def test_bad_answer_aborts_naming_the_field_and_leaves_nothing(
    tmp_path: Path, capfd, overrides, expected
):
    out = tmp_path / "out"
    with pytest.raises(FailedHookException):
        scaffold(str(TEMPLATE), out, extra_context={**CONTEXT, **overrides, "_scan": False})
    err = capfd.readouterr().err
    assert expected in err, err
    assert "nothing generated" in err
    assert f"[answer: {next(iter(overrides))}]" in err
    assert not out.exists() or not any(out.iterdir())


def test_failing_post_hook_leaves_nothing(tmp_path: Path, capfd, monkeypatch):
    # A checkov that cannot be started: the post-generation hook fails, the folder goes.
    monkeypatch.setenv("TFGEN_CHECKOV", str(tmp_path / "no-checkov"))
    out = tmp_path / "out"
    with pytest.raises(FailedHookException):
        scaffold(str(TEMPLATE), out, extra_context=CONTEXT)
    assert "no-checkov does not exist" in capfd.readouterr().err
    assert not out.exists() or not any(out.iterdir())


def test_init_in_a_real_terminal_renders(tmp_path: Path):
    """A pseudo-terminal, as a person would: prompts, one refused value, then --render."""
    master, slave = os.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "generator.cli", "init", "-o", "a.yaml", "--render", "--no-scan"],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        cwd=tmp_path,
        close_fds=True,
    )
    os.close(slave)
    seen, position = b"", 0

    def expect(text: str, timeout: float = 60) -> None:
        nonlocal seen, position
        deadline = time.monotonic() + timeout
        while (found := seen.find(text.encode(), position)) < 0:
            ready, _, _ = select.select([master], [], [], max(0.0, deadline - time.monotonic()))
            try:
                chunk = os.read(master, 4096) if ready else b""
            except OSError:
                chunk = b""
            if not chunk:
                proc.kill()
                raise AssertionError(f"no {text!r} on the terminal; it shows:\n{seen.decode()}")
            seen += chunk
        position = found + len(text)

    def answer(prompt: str, value: str) -> None:
        expect(prompt)
        os.write(master, value.encode() + b"\n")

    try:
        answer("Module name [lambda-endpoint]:", "tty-endpoint")
        answer("AWS region [us-east-1]:", "")
        answer("VPC id [", "")
        answer("VPC CIDR [10.0.0.0/16]:", "10.0.0.0/8x")
        expect("Error: vpc.cidr:")
        answer("VPC CIDR [10.0.0.0/16]:", "")
        answer("Secondary VPC CIDRs (comma-separated, - for none) [-]:", "")
        answer("Subnets (subnet-id:az-id, comma-separated) [", "subnet-11111111:use1-az3")
        expect("limited")
        answer("Subnets (subnet-id:az-id, comma-separated) [", "")
        answer("Private DNS [Y/n]:", "")
        answer("IP address type (ipv4, dualstack or ipv6) [ipv4]:", "")
        answer("Principals (comma-separated) [", "")
        answer("Actions (comma-separated) [", "")
        answer("Functions (comma-separated) [", "")
        answer("Add a peered VPC? [y/N]:", "")
        answer("Tags (key=value, comma-separated, - for none) [-]:", "")
        answer("Write a.yaml? [Y/n]:", "")
        expect("modules/tty-endpoint (8 files, created): verified")
        assert proc.wait(timeout=60) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(master)
    assert load_answers(tmp_path / "a.yaml").name == "tty-endpoint"
    assert (tmp_path / "modules" / "tty-endpoint" / "main.tf").is_file()
