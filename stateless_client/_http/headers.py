"""The headers a request carries: the client's (user agent, API key, ``headers=``), then a call's."""

from __future__ import annotations

from typing import Mapping

from .._version import __version__

__all__ = ["client_headers", "call_headers", "USER_AGENT"]

USER_AGENT = f"stateless-client/{__version__}"


def client_headers(api_key: str | None, headers: Mapping[str, str] | None) -> dict[str, str]:
    """The headers of every request of a client."""
    merged = {"user-agent": USER_AGENT, **(headers or {})}
    if api_key:
        merged["x-api-key"] = api_key
    return merged


def call_headers(base: Mapping[str, str], extra: Mapping[str, str] | None) -> Mapping[str, str]:
    """A call's headers: the client's, updated by the call's ``extra`` (``base`` is not changed)."""
    if not extra:
        return base
    return {**base, **extra}
