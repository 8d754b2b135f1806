"""Fixtures of the integration tier: the one moto server fixture."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.moto_patches import endpoint_service_ip_address_types, patch_moto
from tests.support.realtools import moto_server


@pytest.fixture
def endpoint_ip_types() -> list[str] | None:
    """The IP address types moto's Lambda endpoint service reports (None: moto's own answer).
    A test file that needs others overrides this fixture."""
    return None


@pytest.fixture
def moto_url(monkeypatch: pytest.MonkeyPatch, endpoint_ip_types: list[str] | None) -> Iterator[str]:
    """A moto server on loopback with tfgen's moto patches, reset before and after; its URL.
    Each xdist worker is its own process, with its own moto backends and server."""
    patch_moto(monkeypatch)  # before the server takes its first request
    if endpoint_ip_types is not None:
        endpoint_service_ip_address_types(monkeypatch, endpoint_ip_types)
    with moto_server() as url:
        yield url
