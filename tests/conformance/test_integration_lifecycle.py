"""Port of the SDK's ``tests/integration/test_lifecycle.py`` (the sync test):
``thread.interrupted``, ``thread.interrupts`` and ``run.respond`` on the real server."""

from __future__ import annotations

from .integration import ASSISTANT_ID, EXPECTED_TERMINAL_ITEMS, sync_threads  # noqa: F401 (fixture)

SOURCE = "tests/integration/test_lifecycle.py"


def test_lifecycle_sync(sync_threads) -> None:  # noqa: F811
    threads, _ = sync_threads
    with threads.stream(assistant_id=ASSISTANT_ID) as thread:
        thread.run.start(input={"messages": [], "value": "init", "items": []})

        for _snap in thread.values:
            if thread.interrupted:
                break

        assert thread.interrupted, "expected an interrupt"
        assert thread.interrupts, "expected interrupts list to be populated"

        thread.run.respond("yes")
        final = thread.output
        assert "asked" in final.get("items", [])
        assert final.get("items") == EXPECTED_TERMINAL_ITEMS
