"""Per-call options travel with the request: a body that stalls is a timeout naming the limit
(defect A), and a resumed stream repeats the call's headers (defect B). Real loopback sockets."""

from __future__ import annotations

from typing import Any

import pytest

from stateless_client import APITimeoutError, NotFoundError, StreamInterruptedError

from .loopback import Connection, ScriptedServer, json_answer, sse


def _headers_then_silence(conn: Connection) -> None:
    conn.send(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 40\r\n\r\n{\"mess")
    conn.wait_for_client_close()


def test_a_wait_whose_body_stalls_is_a_timeout_naming_the_limit(make_client: Any) -> None:
    with ScriptedServer(_headers_then_silence) as server:
        client = make_client(server.url)
        with pytest.raises(APITimeoutError, match=r"read timeout|0\.3 s") as caught:
            client.runs.wait(None, "agent", timeout=0.3)
    assert "0.3 s" in str(caught.value) and server.url in caught.value.url
    assert len(server.requests) == 1  # a run may have started: not retried


def test_a_get_whose_body_stalls_is_a_timeout_and_is_retried(make_client: Any) -> None:
    def answer(conn: Connection) -> None:
        conn.send(b'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}')

    with ScriptedServer(_headers_then_silence, answer) as server:
        assert make_client(server.url).runs.join("t", "r", timeout=0.3) == {}
    assert len(server.requests) == 2


def _drop_after_one(conn: Connection) -> None:
    conn.head(headers={"location": "/threads/t/runs/r/stream", "content-location": "/threads/t/runs/r"})
    conn.chunk(sse("metadata", {"run_id": "r"}) + sse("updates", {"n": 1}, "1"))
    conn.reset()


def test_a_resume_repeats_the_calls_headers_and_accept(make_client: Any) -> None:
    def resumed(conn: Connection) -> None:
        conn.head()
        conn.chunk(sse("values", {"done": True}, "2"))
        conn.end_chunks()

    # The resumed stream ends without an ``end`` event: the client then asks whether the run ended.
    with ScriptedServer(_drop_after_one, resumed, json_answer({"run_id": "r", "status": "success"})) as server:
        client = make_client(server.url, api_key="k-1", headers={"x-client": "c"})
        parts = list(client.runs.stream("t", "agent", stream_resumable=True, headers={"x-tenant": "acme"}))
    assert [part.id for part in parts] == [None, "1", "2"]
    first, second, check = server.requests
    assert (second.method, second.target) == ("GET", "/threads/t/runs/r/stream")
    assert (check.method, check.target, check.headers["x-tenant"]) == ("GET", "/threads/t/runs/r", "acme")
    for request in (first, second):
        assert request.headers["accept"] == "text/event-stream"
        assert (request.headers["x-tenant"], request.headers["x-client"], request.headers["x-api-key"]) == (
            "acme", "c", "k-1")
    assert second.headers["last-event-id"] == "1"
    assert "content-type" not in second.headers and not second.body


def test_join_stream_of_a_missing_run_is_not_found(make_client: Any) -> None:
    def reported(conn: Connection) -> None:  # how langgraph dev answers: a 200 stream with an error event
        conn.head(headers={"x-request-id": "req-9"})
        conn.chunk(sse("error", {"error": "HTTPException", "message": "404: Run not found"}))
        conn.end_chunks()

    with ScriptedServer(reported) as server, pytest.raises(NotFoundError, match="Run not found") as caught:
        list(make_client(server.url).runs.join_stream("t", "gone"))
    assert caught.value.status_code == 404 and "/threads/t/runs/gone/stream" in caught.value.url
    assert (caught.value.request_id, caught.value.code, caught.value.type) == ("req-9", None, None)


def test_a_resume_that_finds_the_run_gone_is_not_found_with_nothing_lost(make_client: Any) -> None:
    def restarted(conn: Connection) -> None:  # the server restarted and forgot the run
        conn.head()
        conn.chunk(sse("error", {"error": "HTTPException", "message": "404: Run not found"}))
        conn.end_chunks()

    received = []
    with ScriptedServer(_drop_after_one, restarted) as server, pytest.raises(NotFoundError) as caught:
        for part in make_client(server.url).runs.stream("t", "agent", stream_resumable=True):
            received.append(part)
    assert [part.event for part in received] == ["metadata", "updates"]
    # The SDK's class, as ported code catches it; what was delivered is on the interruption behind it.
    interruption = caught.value.__cause__
    assert isinstance(interruption, StreamInterruptedError)
    assert interruption.events_delivered == 2 and interruption.run_id == "r"
    assert "no longer has the run" in interruption.reason


def test_a_resumed_join_stream_keeps_its_query(make_client: Any) -> None:
    def dropped(conn: Connection) -> None:
        conn.head()
        conn.chunk(sse("custom", {"n": 1}, "1"))
        conn.reset()

    def resumed(conn: Connection) -> None:
        conn.head()
        conn.chunk(sse("custom", {"n": 2}, "2"))
        conn.end_chunks()

    with ScriptedServer(dropped, resumed, json_answer({"run_id": "r", "status": "success"})) as server:
        parts = list(make_client(server.url).runs.join_stream("t", "r", stream_mode=["custom", "updates"],
                                                               cancel_on_disconnect=True))
    assert [part.data for part in parts] == [{"n": 1}, {"n": 2}]
    first, second, _check = server.requests
    assert first.target == second.target == (
        "/threads/t/runs/r/stream?cancel_on_disconnect=true&stream_mode=custom&stream_mode=updates")
    assert second.headers["last-event-id"] == "1"


def test_a_last_event_id_that_http_cannot_carry_is_refused_before_sending(make_client: Any) -> None:
    from stateless_client import InvalidRequestError

    with ScriptedServer() as server, pytest.raises(InvalidRequestError, match="last-event-id"):
        make_client(server.url).runs.join_stream("t", "r", last_event_id="5\r\nx-injected: 1")
    assert server.requests == []


def test_a_server_event_id_that_cannot_be_sent_back_ends_the_resume_cleanly(make_client: Any) -> None:
    def dropped(conn: Connection) -> None:
        conn.head(headers={"location": "/threads/t/runs/r/stream"})
        conn.chunk(sse("metadata", {"run_id": "r"}) + "event: custom\ndata: 1\nid: \u2603\n\n".encode())
        conn.reset()

    with ScriptedServer(dropped) as server, pytest.raises(StreamInterruptedError, match="cannot be sent back"):
        list(make_client(server.url).runs.stream("t", "agent", stream_resumable=True))
    assert len(server.requests) == 1
