"""Port of the SDK's ``tests/integration/test_concurrent.py`` on the real server: two
``threads.stream()`` runs driven at once from two threads, each resumed past its interrupt,
end with the full path and on threads of their own.

The sync test is ported (its async twin is the same scenario). The SDK's assistant ``agent`` is
``sdk_agent`` here.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest

from .integration import ASSISTANT_ID, EXPECTED_TERMINAL_ITEMS

SOURCE = "tests/integration/test_concurrent.py"


@pytest.fixture
def threads(lib, server):
    with lib.get_sync_client(url=server.url) as made:
        yield made.threads


def _drive_one_sync(threads: Any, label: str, results: dict[str, dict[str, Any]]) -> None:
    with threads.stream(assistant_id=ASSISTANT_ID) as thread:
        thread.run.start(input={"messages": [], "value": "init", "items": []})

        for _ in thread.values:
            if thread.interrupted:
                break
        if thread.interrupted:
            thread.run.respond("yes")

        final = thread.output
        results[label] = {"thread_id": thread.thread_id, "items": final.get("items")}


def test_concurrent_streams_sync(threads) -> None:
    results: dict[str, dict[str, Any]] = {}
    workers = [
        threading.Thread(
            target=_drive_one_sync,
            args=(threads, label, results),
            daemon=True,
            name=f"sync-stream-{label}",
        )
        for label in ("A", "B")
    ]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=60)
        assert not w.is_alive(), f"worker {w.name} did not finish within 60s"

    a = results.get("A")
    b = results.get("B")
    assert a is not None and a["items"] == EXPECTED_TERMINAL_ITEMS
    assert b is not None and b["items"] == EXPECTED_TERMINAL_ITEMS
    assert a["thread_id"] != b["thread_id"], f"concurrent streams collided on thread_id {a['thread_id']!r}"
