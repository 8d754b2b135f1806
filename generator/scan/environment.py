"""checkov's own environment: where it is, whether it works, building it (`tfgen setup`).

`<cache>/checkov-<version>` is a symbolic link to a build under `checkov-<version>.builds/`.
A build is made in a new folder there, checked (`checkov --version` says the pinned version),
and only then swapped in by renaming a new link over the old one: a render never finds the
link missing or pointing at a half-built environment. A failed build is removed and the
environment in place is kept. A folder from an older tfgen (a real folder at the link's
place) is used as it is while it works.

A run that scans holds a shared lock on the build it uses (`use_environment`) until it ends;
a build replaced by a later setup is removed by that setup only when no run holds it, else by
the next one. Setups take turns (an exclusive lock on the builds folder): two renders that
both find no checkov build it once.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
import tempfile
import time
import venv
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from generator.core.errors import ScannerUnavailable
from generator.core.files import umask_mode

CHECKOV_VERSION = "3.3.30"
# Measured on the 2-core CI machine, nothing in pip's cache: a build took 29-30 s (26 s of it
# CPU: unpacking and compiling), the environment is 291 MB; a reuse (`checkov --version`) 2 s.
INSTALL_SECONDS = 30
INSTALL_MEGABYTES = 300
VERSION_TIMEOUT_SECONDS = 120
_held: dict[str, int] = {}  # build folder -> the descriptor of this process's shared lock


def managed_env_dir() -> Path:
    """Where tfgen looks for its checkov: the link to the current build."""
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("tfgen")) / f"checkov-{CHECKOV_VERSION}"


def builds_dir(env_dir: Path) -> Path:
    return env_dir.with_name(f"{env_dir.name}.builds")


def env_executable(env_dir: Path) -> Path:
    return env_dir / ("Scripts/checkov.cmd" if os.name == "nt" else "bin/checkov")


def env_python(env_dir: Path) -> Path:
    return env_dir / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def install_note(env_dir: Path) -> str:
    """What an install is about to do, and what it costs."""
    return (
        f"tfgen: installing checkov {CHECKOV_VERSION} into a virtual environment of its own "
        f"({env_dir}): about {INSTALL_MEGABYTES} MB on disk (twice that while a rebuild runs), "
        f"about {INSTALL_SECONDS} s on a fast network, minutes on a slow one; once per checkov "
        "version, later runs reuse it"
    )


# ---- locks ----------------------------------------------------------------------------------


def _lock(folder: Path, mode: int) -> int:
    """A descriptor of `folder` holding an flock in `mode` (closing it releases the lock)."""
    descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(descriptor, mode)
    except BaseException:
        os.close(descriptor)
        raise
    return descriptor


@contextmanager
def _exclusive(folder: Path) -> Iterator[None]:
    descriptor = _lock(folder, fcntl.LOCK_EX)
    try:
        yield
    finally:
        os.close(descriptor)


def use_environment(env_dir: Path) -> Path | None:
    """The checkov of the environment at `env_dir` for this run: the build it points to now,
    held (a shared lock until this process ends) so that no setup removes it meanwhile; None
    when there is none."""
    for _attempt in range(3):
        executable = env_executable(env_dir)
        if not executable.is_file():
            return None
        build = Path(os.path.realpath(env_dir))
        if str(build) not in _held:
            try:
                descriptor = _lock(build, fcntl.LOCK_SH)
            except OSError:
                continue  # removed between the look and the lock: look again
            # a setup may have swapped the link and removed this build before the lock
            if Path(os.path.realpath(env_dir)) != build or not env_executable(build).is_file():
                os.close(descriptor)
                continue
            _held[str(build)] = descriptor
        return env_executable(build)
    return None


# ---- building -------------------------------------------------------------------------------


def checkov_version(executable: Path) -> str | None:
    """What `checkov --version` prints, or None when it does not run."""
    try:
        done = subprocess.run(
            [str(executable), "--version"],
            capture_output=True,
            text=True,
            timeout=VERSION_TIMEOUT_SECONDS,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def works(env_dir: Path) -> bool:
    """The environment runs `checkov --version` and it is the pinned version."""
    executable = env_executable(env_dir)
    return executable.is_file() and checkov_version(executable) == CHECKOV_VERSION


def build_environment(build: Path) -> None:
    """A new virtual environment at `build` with the pinned checkov; raises ScannerUnavailable
    (the caller removes the folder) when pip fails or the result does not run."""
    venv.EnvBuilder(with_pip=True).create(build)
    command = [
        str(env_python(build)),
        "-m",
        "pip",
        "install",
        "--disable-pip-version-check",
        "-q",
        f"checkov=={CHECKOV_VERSION}",
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise ScannerUnavailable(
            f"could not install checkov {CHECKOV_VERSION}:\n{result.stderr[-2000:]}"
        )
    found = checkov_version(env_executable(build))
    if found != CHECKOV_VERSION:
        raise ScannerUnavailable(
            f"the new checkov environment does not run checkov {CHECKOV_VERSION} "
            f"(`checkov --version`: {found or 'failed'})"
        )


def swap_in(env_dir: Path, build: Path) -> None:
    """Point `env_dir` at `build` by renaming a new link over it (one atomic step). A real
    folder there (an older tfgen's environment) is first moved into the builds folder."""
    link = env_dir.with_name(f".{env_dir.name}.link-{os.getpid()}")
    link.unlink(missing_ok=True)
    link.symlink_to(Path(build.parent.name) / build.name, target_is_directory=True)
    aside = None
    if env_dir.is_dir() and not env_dir.is_symlink():
        aside = build.parent / f"old-{time.strftime('%Y%m%d%H%M%S')}-{os.getpid()}"
        env_dir.rename(aside)
    try:
        os.replace(link, env_dir)
    except OSError:
        link.unlink(missing_ok=True)
        if aside is not None:
            aside.rename(env_dir)
        raise


def remove_unused_builds(env_dir: Path) -> None:
    """Every build but the current one that no run holds (a failed or killed setup's, one a
    running render still uses stays for the next setup)."""
    builds = builds_dir(env_dir)
    current = Path(os.path.realpath(env_dir))
    for build in sorted(builds.iterdir()):
        if build == current or build.is_symlink() or not build.is_dir():
            continue
        try:
            descriptor = _lock(build, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            continue  # in use (or unreadable): leave it
        try:
            shutil.rmtree(build, ignore_errors=True)
        finally:
            os.close(descriptor)


def install_checkov(env_dir: Path | None = None, quiet: bool = False, force: bool = False) -> Path:
    """checkov's environment at `env_dir` (default: tfgen's cache folder), reused when it runs
    the pinned version, else (and with `force`) built anew and swapped in; its executable."""
    env_dir = Path(os.path.abspath(env_dir or managed_env_dir()))
    builds = builds_dir(env_dir)
    builds.mkdir(parents=True, exist_ok=True)
    with _exclusive(builds):
        if not force and works(env_dir):
            if not quiet:
                print(
                    f"tfgen: checkov {CHECKOV_VERSION} works in {env_dir}: reused", file=sys.stderr
                )
            remove_unused_builds(env_dir)
            return env_executable(env_dir)
        if not quiet:
            print(install_note(env_dir), file=sys.stderr)
        started = time.monotonic()
        build = Path(tempfile.mkdtemp(prefix=time.strftime("%Y%m%d%H%M%S-"), dir=builds))
        try:
            build.chmod(umask_mode(0o777))  # mkdtemp's 0700 is not what the umask says
            build_environment(build)
            swap_in(env_dir, build)
        except BaseException:
            shutil.rmtree(build, ignore_errors=True)
            raise
        remove_unused_builds(env_dir)
        if not quiet:
            print(
                f"tfgen: checkov {CHECKOV_VERSION} installed in {time.monotonic() - started:.0f} s",
                file=sys.stderr,
            )
    return env_executable(env_dir)
