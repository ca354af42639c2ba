"""Port of the SDK's ``tests/integration/test_reconnect.py`` (the sync test): the connection
the projections read is closed in the middle of ``thread.values``; the iteration must not fail,
the run's result must be whole, and no event may arrive twice.

The SDK test reaches into the SDK (its controller's shared stream and event dedup); the port
does the same per library through ``thread_compat.drop_connection`` and
``thread_compat.count_dedup_drops`` (for this client: the socket under its connection, shut
down as a network drop would, and its set of seen event IDs).
"""

from __future__ import annotations

import contextlib
import time

from .integration import ASSISTANT_ID, EXPECTED_TERMINAL_ITEMS, sync_threads  # noqa: F401 (fixture)
from .thread_compat import count_dedup_drops, drop_connection

SOURCE = "tests/integration/test_reconnect.py"

_INTERRUPT_WAIT_SECONDS = 5.0


def test_close_mid_iteration_sync(lib, sync_threads) -> None:  # noqa: F811
    threads, _ = sync_threads
    with threads.stream(assistant_id=ASSISTANT_ID) as thread:
        counter = count_dedup_drops(lib, thread)
        thread.run.start(input={"messages": [], "value": "init", "items": []})

        snapshots: list[dict] = []
        dropped = False
        iteration_error: BaseException | None = None
        try:
            for snap in thread.values:
                snapshots.append(snap)
                if not dropped:
                    dropped = drop_connection(lib, thread)
        except BaseException as err:
            iteration_error = err

        deadline = time.monotonic() + _INTERRUPT_WAIT_SECONDS
        while not thread.interrupted and time.monotonic() < deadline:
            time.sleep(0.1)

        if thread.interrupted:
            with contextlib.suppress(Exception):
                thread.run.respond("yes")

        final = thread.output
        assert dropped, "expected to drop the shared stream during iteration"
        assert snapshots, "expected at least one snapshot before the drop"
        assert iteration_error is None, (
            f"values iterator raised on stream close: {iteration_error!r}"
        )
        assert final.get("items") == EXPECTED_TERMINAL_ITEMS
        assert counter["drops"] == 0, (
            f"unexpected dedup activity (drops={counter['drops']})"
        )
