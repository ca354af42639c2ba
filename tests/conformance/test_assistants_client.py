"""Port of the SDK's ``tests/test_assistants_client.py``: ``assistants.search`` returns the list,
or with ``response_format="object"`` the list and the ``X-Pagination-Next`` cursor.

The async test without a sync twin (``test_assistants_search_returns_list_by_default``) runs
synchronously; the async twin of the sync test is left out (same scenario). Left out: nothing else.
"""

from __future__ import annotations

import httpx

from .served import Served

SOURCE = "tests/test_assistants_client.py"


def _assistant_payload() -> dict[str, object]:
    return {
        "assistant_id": "asst_123",
        "graph_id": "graph_123",
        "config": {"configurable": {"foo": "bar"}},
        "context": {"foo": "bar"},
        "created_at": "2024-01-01T00:00:00Z",
        "metadata": {"env": "test"},
        "version": 1,
        "name": "My Assistant",
        "description": "Example",
        "updated_at": "2024-01-02T00:00:00Z",
    }


def test_assistants_search_returns_list_by_default(lib):
    assistant = _assistant_payload()

    def handler(request: httpx.Request) -> httpx.Response:
        assert request.method == "POST"
        assert request.url.path == "/assistants/search"
        return httpx.Response(200, json=[assistant])

    with Served(handler) as served, lib.get_sync_client(url=served.url) as client:
        result = client.assistants.search(limit=3)

    assert result == [assistant]


def test_sync_assistants_search_can_return_object_with_pagination_metadata(lib):
    assistant = _assistant_payload()

    def handler(request: httpx.Request) -> httpx.Response:
        assert request.method == "POST"
        assert request.url.path == "/assistants/search"
        return httpx.Response(
            200,
            headers={"X-Pagination-Next": "84"},
            json=[assistant],
        )

    with Served(handler) as served, lib.get_sync_client(url=served.url) as client:
        result = client.assistants.search(response_format="object")

    assert result == {"assistants": [assistant], "next": "84"}
