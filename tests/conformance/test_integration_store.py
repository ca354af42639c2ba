"""Port of the SDK's ``tests/integration/test_store.py`` on the real server: ``put_item`` /
``get_item`` / ``delete_item``, ``search_items`` and ``list_namespaces`` under a namespace of
the test's own.

The sync tests are ported (their async twins are the same scenarios).
"""

from __future__ import annotations

import uuid

import pytest

SOURCE = "tests/integration/test_store.py"


@pytest.fixture
def client(lib, server):
    with lib.get_sync_client(url=server.url) as made:
        yield made


def _unique_namespace(label: str) -> list[str]:
    return ["test-integration", label, uuid.uuid4().hex[:12]]


def test_store_put_get_delete_sync(client) -> None:
    store = client.store
    ns = _unique_namespace("put-sync")
    key = "doc-1"
    payload = {"title": "Hello", "body": "World"}

    store.put_item(ns, key=key, value=payload)
    try:
        fetched = store.get_item(ns, key=key)
        assert fetched["value"] == payload
        assert fetched["namespace"] == ns
        assert fetched["key"] == key
    finally:
        store.delete_item(ns, key=key)

    missing = store.get_item(ns, key=key)
    assert missing is None


def test_store_search_and_list_namespaces_sync(client) -> None:
    store = client.store
    ns = _unique_namespace("search-sync")
    store.put_item(ns, key="a", value={"kind": "alpha"})
    store.put_item(ns, key="b", value={"kind": "beta"})
    try:
        search = store.search_items(ns, limit=10)
        items = search.get("items", search) if isinstance(search, dict) else search
        keys = sorted(i["key"] for i in items)
        assert keys == ["a", "b"]

        namespaces_result = store.list_namespaces(prefix=ns[:1], limit=100)
        namespaces = (
            namespaces_result.get("namespaces", namespaces_result)
            if isinstance(namespaces_result, dict)
            else namespaces_result
        )
        assert any(list(found) == ns for found in namespaces), f"namespace {ns!r} not in list_namespaces result"
    finally:
        store.delete_item(ns, key="a")
        store.delete_item(ns, key="b")
