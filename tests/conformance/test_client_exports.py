"""Port of the SDK's ``tests/test_client_exports.py``, its public names only: the client
factory is importable from the package and callable, it makes a client, and the client has the
six resources.

Left out: the names the SDK's test lists from its module ``langgraph_sdk.client`` that are not
its public API (its ``HttpClient``/``SyncHttpClient`` classes, the per-resource classes,
``_encode_json`` and friends, ``configure_loopback_transports`` for langgraph-api), and
``HttpClient(httpx.Client(...))`` construction (this client wraps no httpx client).
"""

from __future__ import annotations

SOURCE = "tests/test_client_exports.py"


def test_client_exports(lib):
    """Verify the factory and the client's resources."""
    # Factory functions (public API)
    assert callable(lib.get_sync_client_as_is)

    client = lib.get_sync_client(url="http://test.example.com")
    try:
        # Resource clients, as attributes of the client
        for resource in ("assistants", "threads", "runs", "crons", "store", "http"):
            assert getattr(client, resource) is not None, resource
    finally:
        client.close()


def test_public_api_exports(lib):
    """Verify public API exports from the package."""
    name = "get_client" if lib.ours else "get_sync_client"
    assert callable(getattr(lib.module, name))
    assert name in lib.module.__all__


def test_client_instantiation(lib):
    """Verify that we can instantiate clients."""
    sync_client = lib.get_sync_client(url="http://test.example.com")
    assert sync_client is not None
    sync_client.close()
