"""Stream control: ``RunStream`` is its own iterator, and ``close()``/``cancel()`` work from any
thread. Real loopback sockets, and the real server for cancelling runs."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from stateless_client import Client, StreamClosedError

from .helpers import settled_status
from .loopback import TIMEOUT, Connection, ScriptedServer, sse


def _three_then_silence(conn: Connection) -> None:
    conn.head(headers={"content-location": "/threads/t/runs/r"})
    conn.chunk(sse("metadata", {"run_id": "r"}) + sse("updates", {"n": 1}) + sse("updates", {"n": 2}))
    conn.wait_for_client_close()


def test_next_then_for_continues_where_it_stopped(make_client: Any) -> None:
    with ScriptedServer(_three_then_silence) as server:
        stream = make_client(server.url).runs.stream("t", "agent")
        assert next(iter(stream)).event == "metadata"
        for part in stream:
            assert part.data == {"n": 1}
            break
        assert next(stream).data == {"n": 2}  # break left the stream open
        assert not server.connections[0].closed_by_client.is_set()
        stream.close()
        assert server.connections[0].closed_by_client.wait(TIMEOUT)


def _run_in_thread(target: Any) -> tuple[threading.Thread, list[BaseException], list[Any]]:
    errors: list[BaseException] = []
    results: list[Any] = []

    def run() -> None:
        try:
            results.append(target())
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, errors, results


def test_close_from_another_thread_wakes_a_blocked_read(make_client: Any) -> None:
    with ScriptedServer(_three_then_silence) as server:
        stream = make_client(server.url).runs.stream("t", "agent")
        received: list[Any] = []
        thread, errors, _ = _run_in_thread(lambda: received.extend(stream))
        while len(received) < 3 and thread.is_alive():  # the reader is now blocked: the server is silent
            time.sleep(0.01)
        stream.close()
        thread.join(TIMEOUT)
        assert not thread.is_alive(), "close() did not wake the blocked reader"
        assert len(received) == 3 and len(errors) == 1 and isinstance(errors[0], StreamClosedError)
        assert server.connections[0].closed_by_client.wait(TIMEOUT)
        assert stream.closed and stream.response.raw.closed


def test_a_second_reader_gets_a_clear_error(make_client: Any) -> None:
    with ScriptedServer(_three_then_silence) as server:
        stream = make_client(server.url).runs.stream("t", "agent")
        received: list[Any] = []
        thread, errors, _ = _run_in_thread(lambda: received.extend(stream))
        while len(received) < 3 and thread.is_alive():
            time.sleep(0.01)
        with pytest.raises(StreamClosedError, match="another thread is iterating"):
            next(stream)
        stream.close()
        thread.join(TIMEOUT)
        assert isinstance(errors[0], StreamClosedError)


@pytest.mark.parametrize("stateless", [True, False], ids=["stateless", "thread"])
def test_cancel_stops_the_run_on_the_server_from_another_thread(client: Client, stateless: bool) -> None:
    thread_id = None if stateless else client.threads.create()["thread_id"]
    stream = client.runs.stream(thread_id, "slow", input={"n": 50, "delay": 0.2}, stream_mode="custom",
                                on_completion="keep" if stateless else None)  # keep: to read its status after
    received: list[Any] = []
    reader, errors, _ = _run_in_thread(lambda: received.extend(stream))
    while len(received) < 2 and reader.is_alive():
        time.sleep(0.01)
    canceller, cancel_errors, _ = _run_in_thread(stream.cancel)
    canceller.join(TIMEOUT)
    reader.join(TIMEOUT)
    assert not cancel_errors and not reader.is_alive()
    assert not errors or isinstance(errors[0], StreamClosedError)
    assert stream.closed and stream.run_id is not None
    found_thread = thread_id or _temporary_thread(client, stream.run_id)
    assert settled_status(client, found_thread, stream.run_id) == "interrupted"
    assert len(received) < 50


def _temporary_thread(client: Client, run_id: str) -> str:
    threads = client._transport.request("POST", "/threads/search", client._transport.options(),
                                        json={"limit": 100}).json()
    for thread in threads:
        try:
            client.runs.get(thread["thread_id"], run_id)
        except Exception:
            continue
        return str(thread["thread_id"])
    raise AssertionError(f"no thread holds run {run_id}")
