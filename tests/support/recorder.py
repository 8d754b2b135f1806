"""The AWS calls a step makes, in order, from moto's own request recorder (moto_api's
/moto-api/recorder/*): EC2 query actions by name, Route 53 REST calls mapped to their
operation names. Reads (GET, Describe*, List*, Get*) are left out: the order of the changes
is what a step is judged by."""

from __future__ import annotations

import base64
import json
import re
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROUTE53 = (
    ("POST", re.compile(r"/2013-04-01/hostedzone$"), "CreateHostedZone"),
    ("DELETE", re.compile(r"/2013-04-01/hostedzone/[^/]+$"), "DeleteHostedZone"),
    ("POST", re.compile(r"/2013-04-01/hostedzone/[^/]+/rrset/?$"), "ChangeResourceRecordSets"),
    (
        "POST",
        re.compile(r"/2013-04-01/hostedzone/[^/]+/associatevpc$"),
        "AssociateVPCWithHostedZone",
    ),
    (
        "POST",
        re.compile(r"/2013-04-01/hostedzone/[^/]+/disassociatevpc$"),
        "DisassociateVPCFromHostedZone",
    ),
    (
        "POST",
        re.compile(r"/2013-04-01/hostedzone/[^/]+/authorizevpcassociation$"),
        "CreateVPCAssociationAuthorization",
    ),
    (
        "POST",
        re.compile(r"/2013-04-01/hostedzone/[^/]+/deauthorizevpcassociation$"),
        "DeleteVPCAssociationAuthorization",
    ),
)
READS = ("Describe", "List", "Get")


def _post(url: str) -> bytes:
    request = urllib.request.Request(url, method="POST", data=b"")
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.read()


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read()


def operation(entry: dict) -> str | None:
    """The AWS operation of one recorded request, or None for a read."""
    body = entry.get("body") or ""
    if entry.get("body_encoded"):
        body = base64.b64decode(body).decode("utf-8", "replace")
    path = urllib.parse.urlparse(entry["url"]).path
    for method, pattern, name in ROUTE53:
        if entry["method"] == method and pattern.search(path):
            return name
    action = urllib.parse.parse_qs(body).get("Action", [None])[0]
    if action and not action.startswith(READS):
        if action == "ModifyVpcEndpoint":
            private = urllib.parse.parse_qs(body).get("PrivateDnsEnabled", [None])[0]
            return f"ModifyVpcEndpoint(PrivateDnsEnabled={private})" if private else action
        return action
    return None


@contextmanager
def recorded(url: str, log: Path) -> Iterator[list[str]]:
    """The changing AWS calls made inside the block, in order (filled when the block ends).
    The moto server runs in this process (tests/support/realtools.py): its recorder writes
    to `log`, one file per test, never to the shared default in the working folder."""
    from moto.moto_api import recorder

    recorder._location = str(log)  # noqa: SLF001 - moto reads the path once, at import
    calls: list[str] = []
    _post(f"{url}/moto-api/recorder/reset-recording")
    _post(f"{url}/moto-api/recorder/start-recording")
    try:
        yield calls
    finally:
        _post(f"{url}/moto-api/recorder/stop-recording")
        text = _get(f"{url}/moto-api/recorder/download-recording").decode("utf-8")
        for line in text.splitlines():
            if line.strip():
                name = operation(json.loads(line))
                if name:
                    calls.append(name)
        _post(f"{url}/moto-api/recorder/reset-recording")
