"""Running the terraform CLI offline: find it, point it at a provider mirror, run a command.

The provider mirror is a setting, never a path in the code: ``TFGEN_TF_PLUGIN_MIRROR`` names
the mirror root (the folder that holds ``registry.terraform.io/``). A user's own
``TF_CLI_CONFIG_FILE`` is respected when that file exists.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from generator.core.errors import TfgenError

MIRROR_SETTING = "TFGEN_TF_PLUGIN_MIRROR"
TERRAFORM_SETTING = "TFGEN_TERRAFORM"
PROVIDER_HOST = "registry.terraform.io"
CLI_CONFIG_NAME = "tfgen-terraform.rc"

CLI_CONFIG_TEMPLATE = """\
provider_installation {{
  filesystem_mirror {{
    path    = {path}
    include = ["{host}/hashicorp/*"]
  }}
  direct {{
    exclude = ["{host}/hashicorp/*"]
  }}
}}
"""


class TerraformUnavailable(TfgenError):
    """terraform or the provider mirror cannot be found."""

    exit_code = 2


class TerraformError(TfgenError):
    """A terraform command exited non-zero."""

    exit_code = 1

    def __init__(self, args: list[str], returncode: int, stdout: str, stderr: str) -> None:
        self.args_run = args
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr
        tail = "\n".join((stderr or stdout).strip().splitlines()[-30:])
        super().__init__(f"terraform {' '.join(args)} exited {returncode}:\n{tail}")


@dataclass(frozen=True)
class TerraformResult:
    args: list[str]
    returncode: int
    stdout: str
    stderr: str


def find_terraform() -> Path | None:
    """The terraform binary: ``TFGEN_TERRAFORM`` if set, else the one on PATH."""
    configured = os.environ.get(TERRAFORM_SETTING)
    if configured:
        path = Path(configured)
        return path if path.is_file() and os.access(path, os.X_OK) else None
    found = shutil.which("terraform")
    return Path(found) if found else None


def user_cli_config() -> Path | None:
    """The user's own terraform CLI config, when TF_CLI_CONFIG_FILE names a file that exists."""
    configured = os.environ.get("TF_CLI_CONFIG_FILE")
    if configured and Path(configured).is_file():
        return Path(configured)
    return None


def plugin_mirror() -> Path | None:
    """The provider mirror root named by ``TFGEN_TF_PLUGIN_MIRROR``, if it holds providers."""
    configured = os.environ.get(MIRROR_SETTING)
    if not configured:
        return None
    root = Path(configured)
    return root if (root / PROVIDER_HOST).is_dir() else None


def unavailable_reason() -> str | None:
    """Why terraform cannot run offline here, as a sentence; None when it can."""
    if find_terraform() is None:
        if os.environ.get(TERRAFORM_SETTING):
            return f"{TERRAFORM_SETTING}={os.environ[TERRAFORM_SETTING]} is not an executable file"
        return f"terraform is not on PATH (install it or set {TERRAFORM_SETTING})"
    if user_cli_config() is not None:
        return None
    configured = os.environ.get(MIRROR_SETTING)
    if not configured:
        return (
            f"no provider mirror: set {MIRROR_SETTING} to the folder that holds "
            f"{PROVIDER_HOST}/ (or TF_CLI_CONFIG_FILE to an existing CLI config)"
        )
    if plugin_mirror() is None:
        return f"{MIRROR_SETTING}={configured} has no {PROVIDER_HOST}/ folder"
    return None


def offline_env(workdir: Path) -> dict[str, str]:
    """Environment for running terraform without network: a CLI config naming the mirror."""
    reason = unavailable_reason()
    if reason is not None:
        raise TerraformUnavailable(reason)
    env = dict(os.environ)
    env["TF_IN_AUTOMATION"] = "1"
    env["CHECKPOINT_DISABLE"] = "1"
    # terraform and the AWS provider are Go programs; the provider builds its whole schema on
    # every start. A lazier garbage collector takes a quarter less CPU for about 10% more
    # memory per process (measured: validate 3.2 -> 2.3 CPU s, 450 -> 490 MB), which on 2
    # cores is the suite's wall time. A value already set wins.
    env.setdefault("GOGC", "400")
    env.pop("TF_LOG", None)
    mirror = plugin_mirror()
    if mirror is not None:
        # inside .terraform, terraform's own scratch folder, so the module folder stays clean
        config = Path(workdir) / ".terraform" / CLI_CONFIG_NAME
        config.parent.mkdir(parents=True, exist_ok=True)
        # json.dumps would do for the path too, but a plain HCL string needs only these escapes
        quoted = '"' + str(mirror).replace("\\", "\\\\").replace('"', '\\"') + '"'
        config.write_text(CLI_CONFIG_TEMPLATE.format(path=quoted, host=PROVIDER_HOST))
        env["TF_CLI_CONFIG_FILE"] = str(config)
    else:
        env["TF_CLI_CONFIG_FILE"] = str(user_cli_config())
    return env


def run_terraform(
    args: list[str],
    cwd: Path,
    env: dict[str, str] | None = None,
    timeout: float = 600,
    check: bool = True,
) -> TerraformResult:
    """Run ``terraform <args>`` in cwd; raise TerraformError on failure when check is set."""
    binary = find_terraform()
    if binary is None:
        raise TerraformUnavailable(unavailable_reason() or "terraform not found")
    full = [str(binary), *args]
    completed = subprocess.run(
        full,
        cwd=cwd,
        env=env if env is not None else offline_env(cwd),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    result = TerraformResult(args, completed.returncode, completed.stdout, completed.stderr)
    if check and completed.returncode != 0:
        raise TerraformError(args, completed.returncode, completed.stdout, completed.stderr)
    return result
