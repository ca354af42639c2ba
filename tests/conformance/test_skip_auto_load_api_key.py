"""Port of the SDK's ``tests/test_skip_auto_load_api_key.py``: the API key comes from
``LANGGRAPH_API_KEY`` unless ``api_key`` is passed; ``api_key=None`` sends none.

The SDK's tests read the headers of its private httpx client (``client.http.client.headers``);
here a request is sent and the ``x-api-key`` the server received is checked. The async tests
(``get_client``) are left out: their sync twins are the same scenarios.
"""

from __future__ import annotations

import httpx

from .served import Served

SOURCE = "tests/test_skip_auto_load_api_key.py"


def _sent_headers(lib, **kwargs) -> httpx.Headers:
    with Served(lambda request: httpx.Response(200, json={})) as served:
        client = lib.get_sync_client_as_is(url=served.url, **kwargs)
        client.http.get("/ok")
        client.close()
    return served.requests[0].headers


class TestSkipAutoLoadApiKey:
    """Test the api_key parameter's auto-loading behavior."""

    def test_get_sync_client_loads_from_env_by_default(self, lib, monkeypatch):
        """Test that sync client loads API key from environment by default."""
        monkeypatch.setenv("LANGGRAPH_API_KEY", "test-key-from-env")

        headers = _sent_headers(lib)
        assert "x-api-key" in headers
        assert headers["x-api-key"] == "test-key-from-env"

    def test_get_sync_client_skips_env_when_sentinel_used(self, lib, monkeypatch):
        """Test that sync client doesn't load from environment when None is explicitly passed."""
        monkeypatch.setenv("LANGGRAPH_API_KEY", "test-key-from-env")

        headers = _sent_headers(lib, api_key=None)
        assert "x-api-key" not in headers

    def test_get_sync_client_uses_explicit_key_when_provided(self, lib, monkeypatch):
        """Test that sync client uses explicit API key when provided."""
        monkeypatch.setenv("LANGGRAPH_API_KEY", "test-key-from-env")

        headers = _sent_headers(lib, api_key="explicit-key")
        assert "x-api-key" in headers
        assert headers["x-api-key"] == "explicit-key"
