"""Port of the SDK's ``tests/integration/test_cancel.py`` on the real server: ``runs.cancel``
from another thread while ``thread.values`` is being read ends the iteration without an error,
and the thread is not left ``success``.

The sync test is ported (its async twin is the same scenario). The SDK's assistant ``agent`` is
``sdk_agent`` here. Corrected: the test's guard could not fire while ``thread.values`` waited
for a snapshot, so a hang hung the test; the loop now runs in a thread joined with the grace.

What arrives after the cancel, on ``langgraph dev`` 0.16.7: a run starts 0.3 to 1 s after
``run.start`` (the queue's poll), so the cancel, 0.1 s after it, nearly always lands while the
run is pending: the run's status becomes ``interrupted`` and the server sends no event of it at
all (no lifecycle event, ever). A cancel that lands mid-run ends it with an ``interrupted``
lifecycle event. This client ends ``thread.values`` either way (seen: 5.0 s after a cancel at
0.1 s: at the first heartbeat it looks the run up, stopped with no step of its own, so nothing
is left to wait for; 1.6 s after a cancel at 1.6 s, at the lifecycle event). The SDK is
skipped: its ``values`` ended in neither case (seen: still open 15 s after a cancel at 0.1 s
and at 1.6 s), and its reading thread would be left hanging for the rest of the session.
"""

from __future__ import annotations

import contextlib
import threading
import time
from typing import Any

import pytest

from .integration import ASSISTANT_ID

SOURCE = "tests/integration/test_cancel.py"

_CANCEL_GRACE_SECONDS = 10.0
SDK_HANGS = ("langgraph_sdk 0.4.14's thread.values does not end after runs.cancel on langgraph dev "
             "0.16.7 (an SDK bug): the test would leave its reading thread hanging")


@pytest.fixture
def client(lib, server):
    with lib.get_sync_client(url=server.url) as made:
        yield made


def _cancel_after_first_event_sync(
    runs_client: Any,
    thread_id: str,
    run_id_event: threading.Event,
    run_id_holder: dict[str, str],
) -> None:
    run_id_event.wait(timeout=10.0)
    run_id = run_id_holder.get("run_id")
    if not run_id:
        return
    time.sleep(0.1)
    with contextlib.suppress(Exception):
        runs_client.cancel(thread_id, run_id, wait=False)


def test_cancel_sync(lib, client) -> None:
    if not lib.ours:
        pytest.skip(SDK_HANGS)
    threads, runs_client = client.threads, client.runs

    with threads.stream(assistant_id=ASSISTANT_ID) as thread:
        run_id_event = threading.Event()
        run_id_holder: dict[str, str] = {}
        start_result = thread.run.start(input={"messages": [], "value": "init", "items": []})
        run_id = start_result.get("run_id")
        assert run_id, f"run.start returned no run_id: {start_result!r}"
        run_id_holder["run_id"] = run_id
        run_id_event.set()

        canceller = threading.Thread(
            target=_cancel_after_first_event_sync,
            args=(runs_client, thread.thread_id, run_id_event, run_id_holder),
            daemon=True,
            name="cancel-worker",
        )
        canceller.start()

        # Corrected: the SDK's test checks its guard inside the loop, so only when a snapshot
        # arrives; a loop that waits forever for one hangs the test instead of failing it.
        # Here the loop runs in a thread of its own, given the same grace.
        iteration_error: BaseException | None = None

        def iterate() -> None:
            nonlocal iteration_error
            try:
                for _snap in thread.values:
                    pass
            except BaseException as err:
                iteration_error = err

        iterating = threading.Thread(target=iterate, daemon=True, name="values")
        iterating.start()
        iterating.join(_CANCEL_GRACE_SECONDS)
        assert not iterating.is_alive(), (
            f"values iterator did not terminate within {_CANCEL_GRACE_SECONDS}s of cancel"
        )

        canceller.join(timeout=5)

        persisted = threads.get(thread.thread_id)
        status = persisted.get("status")
        assert iteration_error is None, f"values iterator raised after cancel: {iteration_error!r}"
        assert status != "success", f"expected non-success terminal status after cancel, got {status!r}"
