"""``lib``: the client library under test, once the official SDK and once this client.

A ported test calls ``lib.get_sync_client(url=...)`` where the SDK's test built its client, and
catches ``lib.StatusError`` where it caught ``httpx.HTTPStatusError``; everything else in a
ported test is the SDK test's own code. A deliberate difference is marked with
``lib.differs(reason)``, which skips (with the reason) for this client only, and is listed in
``docs/porting.md``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import pytest

import stateless_client

sdk = pytest.importorskip("langgraph_sdk", reason="the conformance suite compares with the official SDK (test extra)")
import httpx  # noqa: E402  (installed with the SDK)


@dataclass(frozen=True)
class Lib:
    """One client library, seen through the names the SDK's tests use."""

    name: str  # "sdk" or "ours"
    get_sync_client: Callable[..., Any]
    StatusError: type[BaseException]  # what a 4xx/5xx answer raises
    module: Any

    @property
    def ours(self) -> bool:
        return self.name == "ours"

    def status_of(self, error: BaseException) -> int:
        """The HTTP status an error carries, however the library names it."""
        if isinstance(error, httpx.HTTPStatusError):
            return error.response.status_code
        return int(error.status_code)  # type: ignore[attr-defined]

    def differs(self, reason: str) -> None:
        """Skip for this client: a deliberate difference, listed in docs/porting.md."""
        if self.ours:
            pytest.skip(f"deliberate difference: {reason}")


def _ours(**kwargs: Any) -> Any:
    # ``get_sync_client`` is named ``get_client`` here (docs/porting.md, "the import").
    kwargs.setdefault("api_key", None)
    return stateless_client.get_client(**kwargs)


def _theirs(**kwargs: Any) -> Any:
    kwargs.setdefault("api_key", None)
    return sdk.get_sync_client(**kwargs)


LIBS = {
    "sdk": Lib("sdk", _theirs, httpx.HTTPStatusError, sdk),
    "ours": Lib("ours", _ours, stateless_client.APIStatusError, stateless_client),
}


@pytest.fixture(params=list(LIBS))
def lib(request: pytest.FixtureRequest) -> Lib:
    """The library under test: ``sdk`` (langgraph_sdk) or ``ours`` (stateless_client)."""
    return LIBS[request.param]
