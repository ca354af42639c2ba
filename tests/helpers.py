"""Helpers shared by the test modules that are not fixtures (those are in ``tests/conftest.py``;
scripted servers and what they answer are in ``tests/loopback.py``).

- ``BASE``, ``SECRET``, ``SSE``, ``strict_json``: the mocked API's URL, the API key of
  ``mock_client``, an event stream's content type, and a strict JSON-body matcher for ``api``.
- ``unique_tag``: metadata no other test's objects have, for searches on the real server.
- ``settled_status``: poll a run on the real server until it has ended.
- ``within_watchdog``: run a call that might hang in a thread, and fail the test if it does.
- ``FakeOriginal``, ``FakeRaw``, ``reads``: stand-ins for what ``_dechunked`` reads from and
  hands the connection back to.
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import threading
import time
import uuid
from typing import Any, Callable, TypeVar

import pytest
from responses import matchers

from stateless_client import Client

BASE = "http://api.test"  # the mocked API: ``mock_client`` talks to it, ``api`` answers
SECRET = "sk-test-suite-secret"  # ``mock_client``'s API key: a test checks it is sent, and never shown
SSE = "text/event-stream; charset=utf-8"
WATCHDOG = 10.0  # seconds ``within_watchdog`` waits for a call

T = TypeVar("T")


def strict_json(body: Any) -> Any:
    """An ``api`` matcher: the request's JSON body is exactly ``body``, no key more or less."""
    return matchers.json_params_matcher(body, strict_match=True)


def unique_tag() -> dict[str, str]:
    """Metadata no other test's assistants, threads or crons have, so searches and counts see
    only the test's own."""
    return {"test_tag": uuid.uuid4().hex}


def settled_status(client: Client, thread_id: str, run_id: str | None = None, *, seconds: float = 10.0) -> str:
    """The status of a run once it has ended (is neither pending nor running), or the last one
    seen after ``seconds``; with no ``run_id``, of the thread's one run."""
    deadline = time.monotonic() + seconds
    while True:
        if run_id is None:
            runs = client.runs.list(thread_id)
            assert len(runs) == 1, runs
            status = str(runs[0].status)
        else:
            status = str(client.runs.get(thread_id, run_id).status)
        if status not in ("pending", "running") or time.monotonic() > deadline:
            return status
        time.sleep(0.1)


def within_watchdog(call: Callable[[], T], seconds: float = WATCHDOG) -> T:
    """Run ``call`` in a thread; fail (and stop the thread) if it has not returned in time."""
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["value"] = call()
        except BaseException as exc:  # handed to the test below
            outcome["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        # Stop a runaway loop: raise in the thread at its next bytecode, so a failed test
        # does not leave it spinning through the rest of the suite.
        ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread.ident or 0), ctypes.py_object(SystemExit))
        thread.join(seconds)
        pytest.fail(f"the call had not finished after {seconds:.0f} s (an endless loop?)")
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]  # type: ignore[no-any-return]


class FakeOriginal:
    """The ``http.client`` response ``_dechunked`` closes at the end of a body."""

    closed = False

    def close(self) -> None:
        self.closed = True


class FakeRaw:
    """The ``urllib3`` response ``_dechunked`` hands the connection back to after a clean end."""

    released = False

    def release_conn(self) -> None:
        self.released = True


def reads(pieces: list[bytes]) -> Callable[[int], bytes]:
    """A ``read1`` that returns ``pieces`` one per call, then EOF."""
    queue = list(pieces)
    return lambda size: queue.pop(0) if queue else b""


def stop_process(process: subprocess.Popen[bytes], seconds: float) -> None:
    """SIGTERM, then SIGKILL to its process group (started with ``start_new_session=True``)
    if it has not exited within ``seconds``."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(seconds)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(seconds)
