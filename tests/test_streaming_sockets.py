"""Streaming behaviour over real loopback sockets: latency, lifecycle, drops, resume, bad input.

None of these asserts a duration: "not buffered" is shown by a server that will not send
the next event until the client has received the previous one.
"""

from __future__ import annotations

import gc
import re
import threading
from typing import Any

import pytest

from stateless_client import (
    APITimeoutError,
    InvalidResponseError,
    NotFoundError,
    StreamClosedError,
    StreamInterruptedError,
    StreamPart,
    Timeout,
)
from stateless_client._dev.local_server import LocalServer

from .loopback import TIMEOUT, Connection, CuttingProxy, ScriptedServer, gzip_stream, sse

METADATA = sse("metadata", {"run_id": "r-1", "attempt": 1})


@pytest.mark.parametrize("chunked", [True, False], ids=["chunked", "close-delimited"])
@pytest.mark.parametrize("gzipped", [False, True], ids=["identity", "gzip"])
def test_each_event_arrives_before_the_server_sends_the_next(make_client: Any, chunked: bool, gzipped: bool) -> None:
    received = threading.Event()
    released_in_time: list[bool] = []
    encode = gzip_stream() if gzipped else (lambda data: data)

    def handler(conn: Connection) -> None:
        conn.head(headers={"content-encoding": "gzip"} if gzipped else None, chunked=chunked)
        write = conn.chunk if chunked else conn.send
        write(encode(METADATA))
        write(encode(b": heartbeat\n\n"))
        write(encode(sse("updates", {"n": 1})))
        released_in_time.append(received.wait(TIMEOUT))  # only the client's receipt releases it
        write(encode(sse("updates", {"n": 2})))
        if chunked:
            conn.end_chunks()

    with ScriptedServer(handler) as server:
        stream = make_client(server.url).runs.stream(None, "agent")
        first = [next(stream), next(stream)]
        received.set()
        rest = list(stream)
    assert released_in_time == [True], "the client waited for more bytes than one event"
    assert [p.event for p in first] == ["metadata", "updates"]
    assert [p.data for p in rest] == [{"n": 2}]


def _endless(conn: Connection) -> None:
    conn.head()
    conn.chunk(METADATA)
    conn.chunk(sse("updates", {"n": 1}))
    conn.wait_for_client_close()


def test_break_out_of_a_loop_over_a_temporary_closes_the_connection_at_once(make_client: Any) -> None:
    with ScriptedServer(_endless) as server:
        for _part in make_client(server.url).runs.stream(None, "agent"):
            break
        assert server.connections[0].closed_by_client.wait(TIMEOUT)


def test_close_after_break_closes_the_connection_and_later_iteration_raises(make_client: Any) -> None:
    with ScriptedServer(_endless) as server:
        stream = make_client(server.url).runs.stream(None, "agent")
        for _part in stream:
            break
        stream.close()
        assert server.connections[0].closed_by_client.wait(TIMEOUT)
        with pytest.raises(StreamClosedError):
            iter(stream)
        with pytest.raises(StreamClosedError):
            next(stream)


def test_leaving_a_with_block_closes_the_connection(make_client: Any) -> None:
    with ScriptedServer(_endless) as server:
        with make_client(server.url).runs.stream(None, "agent") as stream:
            assert next(stream).event == "metadata"
        assert server.connections[0].closed_by_client.wait(TIMEOUT)


def test_garbage_collection_closes_the_connection(make_client: Any) -> None:
    with ScriptedServer(_endless) as server:
        stream = make_client(server.url).runs.stream(None, "agent")
        next(stream)
        del stream
        gc.collect()
        assert server.connections[0].closed_by_client.wait(TIMEOUT)


def test_an_end_event_is_yielded_then_ends_iteration_and_closes(make_client: Any) -> None:
    def handler(conn: Connection) -> None:
        conn.head()
        conn.chunk(METADATA + b"event: end\ndata: null\n\n")
        conn.wait_for_client_close()

    with ScriptedServer(handler) as server:
        stream = make_client(server.url).runs.stream(None, "agent")
        assert list(stream)[1:] == [StreamPart("end", None)]  # as the SDK yields it
        assert server.connections[0].closed_by_client.wait(TIMEOUT)
        assert next(stream, "exhausted") == "exhausted"  # the iterator protocol holds


def _drop_after_two(conn: Connection) -> None:
    conn.head(headers={"location": "/runs/r-1/stream"})
    conn.chunk(METADATA + sse("updates", {"n": 1}, "1"))
    conn.reset()


def test_reset_on_a_stream_that_is_not_resumable(make_client: Any) -> None:
    with ScriptedServer(_drop_after_two) as server:
        stream = make_client(server.url).runs.stream(None, "agent")
        received = []
        with pytest.raises(StreamInterruptedError) as caught:
            received.extend(stream)
    error = caught.value
    assert (error.run_id, error.events_delivered, len(received)) == ("r-1", 2, 2)
    assert "stream_resumable=True" in error.reason and "r-1" in str(error)


def test_truncated_chunked_body(make_client: Any) -> None:
    def handler(conn: Connection) -> None:
        conn.head()
        conn.chunk(METADATA)
        conn.send(b"64\r\nevent: updates\ndata: {\"par")  # announces 100 bytes, sends fewer
        conn.sock.shutdown(1)

    with ScriptedServer(handler) as server, pytest.raises(StreamInterruptedError) as caught:
        list(make_client(server.url).runs.stream(None, "agent"))
    assert caught.value.events_delivered == 1 and "dropped" in caught.value.reason


def test_eof_in_the_middle_of_an_event_is_not_a_clean_end(make_client: Any) -> None:
    def handler(conn: Connection) -> None:
        conn.head(chunked=False)
        conn.send(METADATA + b"event: values\ndata: {\"big\": ")

    with ScriptedServer(handler) as server, pytest.raises(StreamInterruptedError, match="middle of an event"):
        list(make_client(server.url).runs.stream(None, "agent"))


def test_resume_after_a_drop_loses_and_repeats_nothing(make_client: Any) -> None:
    def resumed(conn: Connection) -> None:
        conn.head()
        conn.chunk(sse("updates", {"n": 2}, "2") + sse("values", {"done": True}, "3"))
        conn.end_chunks()

    with ScriptedServer(_drop_after_two, resumed) as server:
        client = make_client(server.url, api_key="k-123")
        parts = list(client.runs.stream(None, "agent", stream_resumable=True))
    assert [(p.event, p.data, p.id) for p in parts] == [
        ("metadata", {"run_id": "r-1", "attempt": 1}, None),
        ("updates", {"n": 1}, "1"),
        ("updates", {"n": 2}, "2"),
        ("values", {"done": True}, "3"),
    ]
    first, second = server.requests
    assert (first.method, first.target) == ("POST", "/runs/stream")
    assert (second.method, second.target) == ("GET", "/runs/r-1/stream")
    assert second.headers["last-event-id"] == "1"
    assert second.headers["x-api-key"] == "k-123"  # same origin


def test_resume_refuses_a_location_on_another_origin(make_client: Any) -> None:
    def handler(conn: Connection) -> None:
        conn.head(headers={"location": "http://elsewhere.invalid/runs/r-1/stream"})
        conn.chunk(METADATA)
        conn.reset()

    with ScriptedServer(handler) as server, pytest.raises(StreamInterruptedError, match="another origin"):
        list(make_client(server.url, api_key="k").runs.stream(None, "agent", stream_resumable=True))
    assert len(server.requests) == 1


def test_resume_answered_404_raises_not_found_caused_by_the_interruption(make_client: Any) -> None:
    def gone(conn: Connection) -> None:
        conn.send(b"HTTP/1.1 404 Not Found\r\ncontent-type: application/json\r\ncontent-length: 21\r\n\r\n"
                  b'{"detail":"not found"}'[:21])

    with ScriptedServer(_drop_after_two, gone) as server, pytest.raises(NotFoundError) as caught:
        list(make_client(server.url).runs.stream(None, "agent", stream_resumable=True))
    assert len(server.requests) == 2 and caught.value.url.endswith("/runs/r-1/stream")  # the SDK's error
    interrupted = caught.value.__cause__
    assert isinstance(interrupted, StreamInterruptedError)  # what was delivered, and why it resumed
    assert (interrupted.run_id, interrupted.events_delivered) == ("r-1", 2)
    assert re.search(r"no stream to resume at /runs/r-1/stream \(404\)", interrupted.reason)


def test_event_data_that_is_not_json(make_client: Any) -> None:
    def handler(conn: Connection) -> None:
        conn.head()
        conn.chunk(METADATA + b"event: updates\ndata: <html>oops</html>\n\n")
        conn.end_chunks()

    with ScriptedServer(handler) as server:
        stream = make_client(server.url).runs.stream(None, "agent")
        with pytest.raises(InvalidResponseError) as caught:
            list(stream)
    assert caught.value.snippet == "<html>oops</html>" and "'updates'" in str(caught.value)


def test_silence_past_the_read_timeout(make_client: Any) -> None:
    with ScriptedServer(_endless) as server:
        stream = make_client(server.url, timeout=Timeout(connect=5, read=0.3)).runs.stream(None, "agent")
        with pytest.raises(APITimeoutError, match="read timeout"):
            list(stream)


# -- in front of the real LangGraph server ----------------------------------------------------


def test_resumable_thread_run_survives_a_cut_connection(server: LocalServer, make_client: Any) -> None:
    with CuttingProxy(server.url, cut_at=b'"i":2') as proxy:
        client = make_client(proxy.url)
        thread = client.threads.create()
        stream = client.runs.stream(
            thread.thread_id, "slow", input={"n": 6, "delay": 0.1}, stream_mode="custom", stream_resumable=True
        )
        counted = [part.data["i"] for part in stream if part.event == "custom"]
    assert counted == [0, 1, 2, 3, 4, 5]  # cut inside event 2: nothing lost, nothing repeated
    assert proxy.cuts == 1
    assert stream.response.request.method == "GET"  # the events after the cut came from a resume
    assert stream.response.request.headers["last-event-id"]


def test_cut_stateless_run_reports_the_servers_404_as_not_found(server: LocalServer, make_client: Any) -> None:
    with CuttingProxy(server.url, cut_at=b'"i":1') as proxy:
        client = make_client(proxy.url)
        stream = client.runs.stream(
            None, "slow", input={"n": 6, "delay": 0.1}, stream_mode="custom", stream_resumable=True
        )
        with pytest.raises(NotFoundError) as caught:
            list(stream)
    assert proxy.cuts == 1
    interrupted = caught.value.__cause__
    assert isinstance(interrupted, StreamInterruptedError)
    assert interrupted.run_id == stream.run_id is not None
    assert interrupted.events_delivered == 2  # metadata and event 0
    assert "404" in interrupted.reason


def _one_event_then_reset(n: int) -> Any:
    def handler(conn: Connection) -> None:
        conn.head(headers={"location": "/runs/r-1/stream"})
        conn.chunk((METADATA if n == 0 else b"") + sse("updates", {"n": n}, str(n)))
        conn.reset()

    return handler


def test_many_drops_that_each_make_progress_are_all_resumed(make_client: Any) -> None:
    def last(conn: Connection) -> None:
        conn.head()
        conn.chunk(sse("updates", {"n": 7}, "7"))
        conn.end_chunks()

    handlers = [_one_event_then_reset(n) for n in range(7)] + [last]
    with ScriptedServer(*handlers) as server:
        parts = list(make_client(server.url).runs.stream(None, "agent", stream_resumable=True))
    assert [p.data["n"] for p in parts if p.event == "updates"] == list(range(8))
    assert [r.headers.get("last-event-id") for r in server.requests[1:]] == [str(n) for n in range(7)]


def test_resumes_that_bring_nothing_give_up_after_five(make_client: Any) -> None:
    def nothing(conn: Connection) -> None:
        conn.head()
        conn.reset()

    with ScriptedServer(_drop_after_two, *[nothing] * 6) as server, \
            pytest.raises(StreamInterruptedError, match="gave up after 5 resume attempts") as caught:
        list(make_client(server.url).runs.stream(None, "agent", stream_resumable=True))
    assert caught.value.events_delivered == 2
    assert len(server.requests) == 6  # the stream and 5 attempts


def test_heartbeats_keep_a_quiet_run_alive_past_the_read_timeout(make_client: Any) -> None:
    def handler(conn: Connection) -> None:
        conn.head()
        conn.chunk(METADATA)
        for _ in range(6):  # 1.2 s of heartbeats, each within the 0.5 s read timeout
            threading.Event().wait(0.2)
            conn.chunk(b": heartbeat\n\n")
        conn.chunk(sse("values", {"done": True}))
        conn.end_chunks()

    with ScriptedServer(handler) as server:
        client = make_client(server.url, timeout=Timeout(connect=5, read=0.5))
        parts = list(client.runs.stream(None, "agent"))
    assert [(p.event, p.data) for p in parts][1:] == [("values", {"done": True})]  # heartbeats are silent


def test_a_stream_that_cannot_resume_ends_cleanly_without_a_run_check(make_client: Any) -> None:
    def handler(conn: Connection) -> None:
        conn.head(headers={"location": "/threads/t-1/runs/r-1/stream"})
        conn.chunk(METADATA + sse("values", {"n": 1}))
        conn.end_chunks()

    with ScriptedServer(handler) as server:
        parts = list(make_client(server.url).runs.stream("t-1", "agent"))  # not stream_resumable
    assert [p.event for p in parts] == ["metadata", "values"]
    assert len(server.requests) == 1  # a "running" answer could only turn this end into an error


def test_a_resumable_thread_run_that_ends_cleanly_is_checked_once(make_client: Any) -> None:
    def handler(conn: Connection) -> None:
        conn.head(headers={"location": "/threads/t-1/runs/r-1/stream"})
        conn.chunk(METADATA + sse("values", {"n": 1}, "1"))
        conn.end_chunks()

    def finished(conn: Connection) -> None:
        body = b'{"run_id": "r-1", "status": "success"}'
        conn.send(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: %d\r\n\r\n%s"
                  % (len(body), body))

    with ScriptedServer(handler, finished) as server:
        parts = list(make_client(server.url, api_key="k").runs.stream("t-1", "agent", stream_resumable=True))
    assert [p.event for p in parts] == ["metadata", "values"]
    check = server.requests[1]
    assert (check.method, check.target) == ("GET", "/threads/t-1/runs/r-1")
    assert check.headers["accept"] == "application/json" and check.headers["x-api-key"] == "k"
    assert "last-event-id" not in check.headers
