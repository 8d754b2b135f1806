"""Shared set-up for tests that run the real terraform (offline mirror) and a moto server."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.support.tfcli import offline_env, run_terraform, unavailable_reason

TERRAFORM_MISSING = unavailable_reason()
needs_terraform = pytest.mark.skipif(
    TERRAFORM_MISSING is not None, reason=f"TERRAFORM TESTS NOT RUN: {TERRAFORM_MISSING}"
)

MOTO_PROVIDER_OVERRIDE = """\
provider "aws" {{
  access_key                  = "testing"
  secret_key                  = "testing"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_requesting_account_id  = true
  skip_region_validation      = true

  endpoints {{
    ec2             = "{url}"
    iam             = "{url}"
    route53         = "{url}"
    route53resolver = "{url}"
    sts             = "{url}"
  }}
}}
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def moto_server() -> Iterator[str]:
    """A moto server on loopback for the duration of the block; its URL."""
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    url = f"http://127.0.0.1:{port}"
    # moto's backends are global to the process: every server in one pytest run shares them.
    # Reset on start and stop so that no scenario sees another's VPCs, connections or zones.
    reset_moto(url)
    try:
        yield url
    finally:
        try:
            reset_moto(url)
        finally:
            server.stop()


def reset_moto(url: str) -> None:
    """Empty every moto backend (moto's own reset API)."""
    import urllib.request

    request = urllib.request.Request(f"{url}/moto-api/reset", method="POST", data=b"")
    with urllib.request.urlopen(request, timeout=30) as response:
        response.read()


def moto_client(service: str, url: str, region: str):
    """A boto3 client for the moto server at `url`, with moto's fake keys."""
    import boto3

    return boto3.client(
        service,
        region_name=region,
        endpoint_url=url,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def point_example_at_moto(module_dir: Path, url: str) -> None:
    """An override file merges into the example's provider block: endpoints and fake keys."""
    (module_dir / "example" / "moto_override.tf").write_text(MOTO_PROVIDER_OVERRIDE.format(url=url))


def terraform(args: list[str], cwd: Path, check: bool = True, endpoint: str | None = None):
    """terraform with moto's fake keys; `endpoint` sends every AWS API call of every provider
    configuration (aliases and their assume_role included) to that URL (AWS_ENDPOINT_URL),
    with no override file in the module folder."""
    env = offline_env(cwd)
    env.update(
        {
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_EC2_METADATA_DISABLED": "true",
        }
    )
    if endpoint:
        env["AWS_ENDPOINT_URL"] = endpoint
    return run_terraform(args, cwd=cwd, env=env, check=check)
