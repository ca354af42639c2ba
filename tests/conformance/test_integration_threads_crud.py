"""Port of the SDK's ``tests/integration/test_threads_crud.py`` on the real server:
``threads.create`` / ``get`` / ``delete`` / ``search`` / ``copy``, and ``get_history`` after a
run driven through ``threads.stream`` (resumed once past its interrupt).

The sync tests are ported (their async twins are the same scenarios). The SDK's assistant
``agent`` is ``sdk_agent`` here.
"""

from __future__ import annotations

import pytest

from .integration import ASSISTANT_ID

SOURCE = "tests/integration/test_threads_crud.py"


@pytest.fixture
def threads(lib, server):
    with lib.get_sync_client(url=server.url) as made:
        yield made.threads


def test_threads_create_get_delete_sync(threads) -> None:
    created = threads.create(metadata={"suite": "integration", "label": "crud-sync"})
    tid = created["thread_id"]
    try:
        fetched = threads.get(tid)
        assert fetched["thread_id"] == tid
        assert fetched["metadata"]["label"] == "crud-sync"
    finally:
        threads.delete(tid)


def test_threads_search_sync(threads) -> None:
    created = threads.create(metadata={"suite": "integration", "label": "search-sync"})
    tid = created["thread_id"]
    try:
        results = threads.search(metadata={"label": "search-sync"}, limit=10)
        assert any(t["thread_id"] == tid for t in results)
    finally:
        threads.delete(tid)


def test_threads_copy_sync(threads) -> None:
    src = threads.create(metadata={"suite": "integration", "label": "copy-sync-src"})
    src_id = src["thread_id"]
    try:
        copied = threads.copy(src_id)
        copy_id = copied["thread_id"]
        try:
            assert copy_id != src_id
        finally:
            threads.delete(copy_id)
    finally:
        threads.delete(src_id)


def test_threads_history_after_run_sync(threads) -> None:
    with threads.stream(assistant_id=ASSISTANT_ID) as thread:
        thread.run.start(input={"messages": [], "value": "init", "items": []})
        for _ in thread.values:
            if thread.interrupted:
                break
        if thread.interrupted:
            thread.run.respond("yes")
        _ = thread.output  # force terminal-state fetch; value unused
        history = threads.get_history(thread.thread_id, limit=20)
    assert history, "expected at least one checkpoint after a completed run"
