"""`tfgen setup` (issue 28): a working checkov environment is reused, --force builds a new one
beside it and swaps it in, a failed build leaves the one in place, and a build a running
render holds is never removed under it. The installer is a fake: no pip, no checkov here (the
real install runs in scripts/install and the integration tier)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from generator.core.errors import ScannerUnavailable
from generator.scan import environment
from generator.scan.environment import CHECKOV_VERSION, builds_dir, env_executable
from tests.support.cli import tfgen


class FakeInstaller:
    """build_environment and checkov_version without pip or a process: a build is a folder
    with bin/checkov holding the version it "runs"."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.builds: list[Path] = []
        self.fail_with: str | None = None
        self.version = CHECKOV_VERSION
        monkeypatch.setattr(environment, "build_environment", self.build)
        monkeypatch.setattr(environment, "checkov_version", self.checkov_version)

    def build(self, build: Path) -> None:
        self.builds.append(build)
        env_executable(build).parent.mkdir(parents=True, exist_ok=True)
        env_executable(build).write_text(self.version)  # half-built when it fails next
        if self.fail_with:
            raise ScannerUnavailable(self.fail_with)

    @staticmethod
    def checkov_version(executable: Path) -> str | None:
        return executable.read_text() if executable.is_file() else None


@pytest.fixture
def installer(monkeypatch: pytest.MonkeyPatch) -> FakeInstaller:
    return FakeInstaller(monkeypatch)


def current_build(env: Path) -> Path:
    return Path(os.path.realpath(env))


def test_a_working_environment_is_reused(tmp_path: Path, installer: FakeInstaller):
    env = tmp_path / "checkov"
    first = tfgen("setup", "--checkov-env", str(env))
    assert first.returncode == 0, first.stderr
    assert "installing checkov" in first.stderr and "MB on disk" in first.stderr
    assert f"checkov {CHECKOV_VERSION} ready: {env_executable(env)}" in first.stdout
    assert env.is_symlink() and current_build(env).parent == builds_dir(env)
    built = current_build(env)

    again = tfgen("setup", "--checkov-env", str(env))
    assert again.returncode == 0, again.stderr
    assert "reused" in again.stderr and "installing" not in again.stderr
    assert installer.builds == [built] and current_build(env) == built


def test_force_builds_anew_and_swaps_it_in(tmp_path: Path, installer: FakeInstaller):
    env = tmp_path / "checkov"
    environment.install_checkov(env, quiet=True)
    old = current_build(env)
    forced = tfgen("setup", "--checkov-env", str(env), "--force")
    assert forced.returncode == 0, forced.stderr
    assert "installing checkov" in forced.stderr
    new = current_build(env)
    assert new != old and installer.builds == [old, new]
    assert not old.exists()  # no run held it
    assert sorted(builds_dir(env).iterdir()) == [new]


def test_an_environment_that_does_not_run_the_pin_is_rebuilt(
    tmp_path: Path, installer: FakeInstaller
):
    env = tmp_path / "checkov"
    installer.version = "3.0.0"
    environment.install_checkov(env, quiet=True, force=True)  # an old one, put in by hand
    installer.version = CHECKOV_VERSION
    environment.install_checkov(env, quiet=True)
    assert len(installer.builds) == 2
    assert env_executable(env).read_text() == CHECKOV_VERSION


def test_a_failed_build_leaves_the_environment_in_place(tmp_path: Path, installer: FakeInstaller):
    env = tmp_path / "checkov"
    environment.install_checkov(env, quiet=True)
    old = current_build(env)
    installer.fail_with = "could not install checkov: no network"
    failed = tfgen("setup", "--checkov-env", str(env), "--force")
    assert failed.returncode == 2
    assert "no network" in failed.stderr
    assert current_build(env) == old and env_executable(env).is_file()
    assert sorted(builds_dir(env).iterdir()) == [old]  # the half-built one is gone


def test_a_failed_first_build_leaves_nothing(tmp_path: Path, installer: FakeInstaller):
    env = tmp_path / "checkov"
    installer.fail_with = "no network"
    with pytest.raises(ScannerUnavailable):
        environment.install_checkov(env, quiet=True)
    assert not env.exists() and not env.is_symlink()
    assert list(builds_dir(env).iterdir()) == []


def test_a_build_a_render_holds_outlives_the_swap(
    tmp_path: Path, installer: FakeInstaller, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(environment, "_held", {})
    env = tmp_path / "checkov"
    environment.install_checkov(env, quiet=True)
    old = current_build(env)
    in_use = environment.use_environment(env)  # what a render's ensure_checkov does
    assert in_use == env_executable(old)
    environment.install_checkov(env, quiet=True, force=True)
    new = current_build(env)
    assert new != old
    assert in_use.is_file()  # the render's checkov is still there
    assert environment.use_environment(env) == env_executable(new)  # a new run: the new one
    for descriptor in environment._held.values():  # the render ends
        os.close(descriptor)
    monkeypatch.setattr(environment, "_held", {})
    environment.install_checkov(env, quiet=True)  # reused; the old build goes now
    assert sorted(builds_dir(env).iterdir()) == [new]


def test_an_older_tfgens_folder_is_reused_then_replaced_by_force(
    tmp_path: Path, installer: FakeInstaller
):
    env = tmp_path / "checkov"
    env_executable(env).parent.mkdir(parents=True)
    env_executable(env).write_text(CHECKOV_VERSION)  # a real folder, as tfgen 0.2 made it
    assert environment.install_checkov(env, quiet=True) == env_executable(env)
    assert installer.builds == [] and not env.is_symlink()
    environment.install_checkov(env, quiet=True, force=True)
    assert env.is_symlink() and env_executable(env).is_file()
    assert sorted(builds_dir(env).iterdir()) == [current_build(env)]


def test_no_environment_is_no_checkov(tmp_path: Path):
    assert environment.use_environment(tmp_path / "none") is None


def test_a_render_without_checkov_installs_it_once_and_holds_it(
    tmp_path: Path, installer: FakeInstaller, monkeypatch: pytest.MonkeyPatch
):
    from generator.scan import checkov

    monkeypatch.setattr(environment, "_held", {})
    monkeypatch.setattr(checkov, "managed_env_dir", lambda: tmp_path / "checkov")
    monkeypatch.setattr(environment, "managed_env_dir", lambda: tmp_path / "checkov")
    monkeypatch.delenv(checkov.CHECKOV_ENV_VAR, raising=False)
    assert checkov.checkov_executable() is None
    found = checkov.ensure_checkov()
    build = current_build(tmp_path / "checkov")
    assert found == env_executable(build) and list(environment._held) == [str(build)]
    assert checkov.ensure_checkov() == found and len(installer.builds) == 1
    for descriptor in environment._held.values():
        os.close(descriptor)
