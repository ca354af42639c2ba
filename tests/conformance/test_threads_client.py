"""Port of the SDK's ``tests/test_threads_client.py``: ``threads.update(return_minimal=True)``
and the ``select=`` of ``threads.get_state`` / ``threads.get_history`` on the wire.

The sync tests are ported; their async twins are left out (same scenarios).
"""

from __future__ import annotations

import json

import httpx

from .served import Served

SOURCE = "tests/test_threads_client.py"

CHECKPOINT = {
    "thread_id": "thread_123",
    "checkpoint_ns": "",
    "checkpoint_id": "cp_1",
    "checkpoint_map": None,
}


def test_sync_threads_update_return_minimal(lib):
    def handler(request: httpx.Request) -> httpx.Response:
        assert request.method == "PATCH"
        assert request.url.path == "/threads/thread_123"
        assert request.headers["Prefer"] == "return=minimal"
        assert json.loads(request.content) == {"metadata": {"foo": "bar"}}
        return httpx.Response(204)

    with Served(handler) as served, lib.get_sync_client(url=served.url) as client:
        result = client.threads.update(
            "thread_123",
            metadata={"foo": "bar"},
            return_minimal=True,
        )

    assert result is None


def test_sync_threads_get_state_select(lib):
    requests: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        return httpx.Response(200, json={})

    with Served(handler) as served, lib.get_sync_client(url=served.url) as client:
        threads_client = client.threads
        threads_client.get_state("thread_123", select=["values.messages", "next"])
        threads_client.get_state("thread_123", checkpoint_id="cp_1", select=["values.messages"])
        threads_client.get_state(
            "thread_123",
            checkpoint=CHECKPOINT,
            select=["values.messages"],
        )
        threads_client.get_state("thread_123")

    latest, by_id, by_checkpoint, default = requests
    assert latest.method == "GET"
    assert latest.url.path == "/threads/thread_123/state"
    assert latest.url.params.get_list("select") == ["values.messages", "next"]
    assert by_id.method == "GET"
    assert by_id.url.path == "/threads/thread_123/state/cp_1"
    assert by_id.url.params.get_list("select") == ["values.messages"]
    assert by_checkpoint.method == "POST"
    assert by_checkpoint.url.path == "/threads/thread_123/state/checkpoint"
    assert json.loads(by_checkpoint.content) == {
        "checkpoint": CHECKPOINT,
        "subgraphs": False,
        "select": ["values.messages"],
    }
    assert "select" not in default.url.params


def test_sync_threads_get_history_select(lib):
    bodies: list[dict] = []

    def handler(request: httpx.Request) -> httpx.Response:
        assert request.method == "POST"
        assert request.url.path == "/threads/thread_123/history"
        bodies.append(json.loads(request.content))
        return httpx.Response(200, json=[])

    with Served(handler) as served, lib.get_sync_client(url=served.url) as client:
        client.threads.get_history("thread_123", select=["values.messages"])
        client.threads.get_history("thread_123")

    assert bodies == [{"limit": 10, "select": ["values.messages"]}, {"limit": 10}]
