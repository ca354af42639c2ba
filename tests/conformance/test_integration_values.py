"""Port of the SDK's ``tests/integration/test_values.py`` (the sync test): ``thread.values``
on the real server, through an interrupt and ``run.respond``."""

from __future__ import annotations

from .integration import ASSISTANT_ID, EXPECTED_TERMINAL_ITEMS, sync_threads  # noqa: F401 (fixture)

SOURCE = "tests/integration/test_values.py"


def test_values_sync(sync_threads) -> None:  # noqa: F811
    threads, _ = sync_threads
    with threads.stream(assistant_id=ASSISTANT_ID) as thread:
        thread.run.start(input={"messages": [], "value": "init", "items": []})

        snapshots: list[dict] = []
        for snap in thread.values:
            snapshots.append(snap)

        assert thread.interrupted, f"expected interrupt; got {len(snapshots)} snapshots"
        thread.run.respond("yes")

        final = thread.output
        assert final.get("items") == EXPECTED_TERMINAL_ITEMS
        assert snapshots, "expected pre-interrupt snapshots"
