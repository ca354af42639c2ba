"""``RunStream.iter_sse`` / ``aiter_sse``: a run relayed as SSE bytes, against the real server."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from stateless_client import SSE_RESPONSE_HEADERS, Client
from stateless_client.sse import decode

from .helpers import settled_status


def _events(chunks: list[bytes]) -> list[tuple[str, Any]]:
    return [(event.event, json.loads(event.data)) for event in decode(chunks)]


def test_a_relay_sends_the_parts_then_end(client: Client, seed_input: dict[str, Any]) -> None:
    stream = client.runs.stream(None, "agent", input=seed_input, stream_mode="updates")
    events = _events(list(stream.iter_sse()))
    assert [event for event, _ in events] == ["metadata", "updates", "end"]
    assert events[1][1]["agent"]["messages"][0]["content"].startswith("echo: ")
    assert SSE_RESPONSE_HEADERS["Content-Type"].startswith("text/event-stream")


def test_a_failed_run_is_an_error_event_not_a_cut_response(client: Client) -> None:
    events = _events(list(client.runs.stream(None, "error", input={"messages": []}).iter_sse()))
    assert [event for event, _ in events][-2:] == ["error", "end"]
    error = events[-2][1]
    assert error["type"] == "RunError" and error["error"] == "ValueError" and "node exploded" in error["message"]


def test_closing_the_relay_early_cancels_the_run(client: Client) -> None:
    thread = client.threads.create()
    stream = client.runs.stream(thread.thread_id, "slow", input={"n": 50, "delay": 0.2}, stream_mode="custom")
    relay = stream.iter_sse()
    assert next(relay).startswith(b"event: metadata") and next(relay).startswith(b"event: custom")
    relay.close()  # what a WSGI server does when the browser has gone
    assert stream.closed and stream.run_id is not None
    assert settled_status(client, thread.thread_id, stream.run_id) == "interrupted"


def test_the_async_relay_hands_over_events_and_cancels_when_its_task_is(client: Client) -> None:
    thread = client.threads.create()
    stream = client.runs.stream(thread.thread_id, "slow", input={"n": 50, "delay": 0.2}, stream_mode="custom")
    received: list[bytes] = []

    async def consume() -> None:
        async for chunk in stream.aiter_sse():
            received.append(chunk)

    async def main() -> None:
        task = asyncio.create_task(consume())
        while len(received) < 3:
            await asyncio.sleep(0.01)
        task.cancel()
        try:
            await task
        except asyncio.CancelledError:
            pass

    asyncio.run(main())
    assert received[0].startswith(b"event: metadata") and stream.closed
    assert settled_status(client, thread.thread_id, stream.run_id or "") == "interrupted"
    assert len(received) < 50


def test_heartbeats_are_relayed_as_comments_and_ordinary_iteration_skips_them(make_client: Any) -> None:
    from .loopback import Connection, ScriptedServer

    def handler(conn: Connection) -> None:
        conn.head()
        conn.chunk(b'event: metadata\ndata: {"run_id": "r"}\n\n')
        conn.chunk(b": heartbeat\n\n")
        conn.chunk(b'event: values\ndata: {"n": 1}\n\n')
        conn.end_chunks()

    with ScriptedServer(handler, handler) as server:
        # A client per stream: the scripted server closes each connection after its handler,
        # so a second request must not go out on the first one's pooled connection.
        relayed = list(make_client(server.url).runs.stream("t", "agent").iter_sse())
        plain = [part.event for part in make_client(server.url).runs.stream("t", "agent")]
    assert relayed[1] == b": heartbeat\n\n" and relayed[-1] == b"event: end\ndata: null\n\n"
    assert plain == ["metadata", "values"]


def test_the_decoder_reports_comments_only_when_asked() -> None:
    from stateless_client.sse import COMMENT, EventDecoder

    body = [b": heartbeat\n", b"data: 1\n\n"]
    assert [event[0] for event in EventDecoder().events(body)] == ["message"]
    assert [event[:2] for event in EventDecoder(comments=True).events(body)] == [(COMMENT, " heartbeat"),
                                                                                 ("message", "1")]
