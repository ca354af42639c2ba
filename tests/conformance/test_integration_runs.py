"""Port of the SDK's ``tests/integration/test_runs.py`` on the real server: ``runs.create``,
``get``, ``list`` and ``wait`` (paused by ``interrupt_before`` before the interrupting node).

The sync tests are ported (their async twins are the same scenarios). The SDK's assistant
``agent`` is ``sdk_agent`` here.
"""

from __future__ import annotations

import pytest

from .integration import ASSISTANT_ID

SOURCE = "tests/integration/test_runs.py"


@pytest.fixture
def client(lib, server):
    with lib.get_sync_client(url=server.url) as made:
        yield made


def test_runs_create_get_list_sync(client) -> None:
    threads, runs = client.threads, client.runs
    thread = threads.create(metadata={"suite": "integration", "label": "runs-sync"})
    tid = thread["thread_id"]
    try:
        created = runs.create(
            tid,
            ASSISTANT_ID,
            input={"messages": [], "value": "init", "items": []},
        )
        run_id = created["run_id"]
        assert created["thread_id"] == tid

        fetched = runs.get(tid, run_id)
        assert fetched["run_id"] == run_id

        listed = runs.list(tid, limit=10)
        assert any(r["run_id"] == run_id for r in listed)
    finally:
        threads.delete(tid)


def test_runs_wait_sync(client) -> None:
    threads, runs = client.threads, client.runs
    thread = threads.create(metadata={"suite": "integration", "label": "wait-sync"})
    tid = thread["thread_id"]
    try:
        result = runs.wait(
            tid,
            ASSISTANT_ID,
            input={"messages": [], "value": "init", "items": []},
            interrupt_before=["ask_human"],
        )
        assert isinstance(result, dict)
        assert "items" in result
        assert "streamed" in result["items"]
        assert "tool" in result["items"]
    finally:
        threads.delete(tid)
