"""Port of the SDK's ``tests/integration/test_update_state.py`` on the real server:
``threads.update_state(...)`` while the run waits at its interrupt persists the change.

The sync test is ported (its async twin is the same scenario). The SDK's assistant ``agent`` is
``sdk_agent`` here; its ``ConflictError`` is the library's own (``lib.errors``).
"""

from __future__ import annotations

import time

import pytest

from .integration import ASSISTANT_ID

SOURCE = "tests/integration/test_update_state.py"

_PATCHED_VALUE = "patched"
_UPDATE_STATE_RETRY_BUDGET = 5.0


@pytest.fixture
def threads(lib, server):
    with lib.get_sync_client(url=server.url) as made:
        yield made.threads


def _update_state_with_retry_sync(lib, threads, thread_id, values) -> None:
    """`thread.interrupted` flips before the server commits the run row; retry briefly."""
    delay = 0.05
    deadline = time.monotonic() + _UPDATE_STATE_RETRY_BUDGET
    last_err: Exception | None = None
    while time.monotonic() < deadline:
        try:
            threads.update_state(thread_id, values)
            return
        except lib.errors.ConflictError as err:
            last_err = err
            time.sleep(delay)
            delay = min(delay * 2, 0.5)
    raise AssertionError(f"update_state never accepted within {_UPDATE_STATE_RETRY_BUDGET}s: {last_err!r}")


def test_update_state_sync(lib, threads) -> None:
    with threads.stream(assistant_id=ASSISTANT_ID) as thread:
        thread.run.start(input={"messages": [], "value": "init", "items": []})

        for _ in thread.values:
            if thread.interrupted:
                break
        assert thread.interrupted, "expected interrupt before update_state"

        pre_state = threads.get_state(thread.thread_id)
        pre_value = (pre_state.get("values") or {}).get("value")
        assert pre_value == "x", f"unexpected pre-update value: {pre_value!r}"

        _update_state_with_retry_sync(lib, threads, thread.thread_id, {"value": _PATCHED_VALUE})

        post_state = threads.get_state(thread.thread_id)
        post_value = (post_state.get("values") or {}).get("value")
        assert post_value == _PATCHED_VALUE, f"update_state did not persist: value={post_value!r}"
