"""``RunStream``, what ``runs.stream`` and ``runs.join_stream`` return: it is its own iterator,
``close()``/``cancel()`` work from any thread, its text (``text_stream``, ``iter_text``), and its
relay as SSE bytes (``iter_sse``, ``aiter_sse``). Real loopback sockets, and the real server."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from typing import Any

import pytest

from stateless_client import SSE_RESPONSE_HEADERS, Client, StreamClosedError, StreamPart
from stateless_client.sse import decode

from .helpers import BASE, SSE, settled_status
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


# -- text ---------------------------------------------------------------------------------------


TOKENS = "Hello Bagatur! Nice to meet you."


def test_text_stream_yields_the_tokens_as_they_come(client: Client, seed_input: dict[str, Any]) -> None:
    stream = client.runs.stream(None, "tokens", input=seed_input, stream_mode="messages-tuple")
    pieces = list(stream.text_stream)
    assert "".join(pieces) == TOKENS and len(pieces) > 3  # token by token, not one blob


def test_iter_text_from_messages_mode_keeps_the_other_parts(client: Client, seed_input: dict[str, Any]) -> None:
    others: list[StreamPart] = []
    stream = client.runs.stream(None, "tokens", input=seed_input, stream_mode=["messages", "values"])
    assert "".join(stream.iter_text(node="chat", on_part=others.append)) == TOKENS
    assert [part.event for part in others] == ["metadata", "values", "values"]
    stream = client.runs.stream(None, "tokens", input=seed_input, stream_mode="messages-tuple")
    assert list(stream.iter_text(node="some_other_node")) == []


def test_text_stream_without_a_messages_mode_is_an_error_up_front(client: Client, seed_input: dict[str, Any]) -> None:
    with client.runs.stream(None, "tokens", input=seed_input, stream_mode="updates") as stream:
        with pytest.raises(ValueError, match="messages-tuple"):
            stream.text_stream  # noqa: B018
        assert [part.event for part in stream] == ["metadata", "updates"]  # nothing was consumed


def _text_of(api: Any, client: Client, *events: tuple[str, Any], mode: str = "messages") -> str:
    body = b"".join(f"event: {event}\ndata: {json.dumps(data)}\n\n".encode() for event, data in events)
    api.post(f"{BASE}/runs/stream", body=body, content_type=SSE)
    return "".join(client.runs.stream(None, "agent", stream_mode=mode).text_stream)


@pytest.mark.parametrize("text", [None, {"nested": True}, 42, ["a"]])
def test_a_text_block_whose_text_is_not_a_string_adds_nothing(api: Any, mock_client: Client, text: Any) -> None:
    chunk = {"type": "AIMessageChunk", "content": [{"type": "text", "text": text}, {"type": "text", "text": "ok"}, "!"]}
    assert _text_of(api, mock_client, ("messages", [chunk, {}]), mode="messages-tuple") == "ok!"


@pytest.mark.parametrize(("partials", "text"), [
    ([("Hel", "Wor"), ("Hello", "World")], "HelWorlold"),  # two messages without IDs, told apart by place
    ([("Hel",), ("Hello",), ("Hello!",)], "Hello!"),
])
def test_partial_messages_without_ids_are_told_apart_by_their_place(
    api: Any, mock_client: Client, partials: list[tuple[str, ...]], text: str
) -> None:
    events = [("messages/partial", [{"type": "ai", "content": content} for content in contents])
              for contents in partials]
    assert _text_of(api, mock_client, *events) == text


# -- relayed as SSE bytes -----------------------------------------------------------------------


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


def _one_event_then_reset(conn: Connection) -> None:
    conn.head(headers={"content-location": "/runs/r1"})
    conn.chunk(sse("metadata", {"run_id": "r1"}))
    conn.reset()


def test_a_relays_error_event_names_nothing_of_the_server_side(
    make_client: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """A browser gets the error's type, a safe message and the run; the URL and the library's
    text go to the log."""
    with ScriptedServer(_one_event_then_reset) as server:
        chunks = list(make_client(server.url, max_retries=0).runs.stream(None, "agent").iter_sse())
    events = _events(chunks)
    assert [event for event, _ in events] == ["metadata", "error", "end"]
    error = events[1][1]
    assert error == {"type": "StreamInterruptedError", "message": "the stream was interrupted before the run ended",
                     "run_id": "r1"}
    host = server.url.split("//")[1]
    assert all(host not in chunk.decode() and "http" not in chunk.decode() for chunk in chunks)
    assert host in caplog.text and "StreamInterruptedError" in caplog.text


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


def test_a_relayed_stream_whose_server_sends_end_ends_with_exactly_one_end(make_client: Any) -> None:
    def handler(conn: Connection) -> None:
        conn.head()
        conn.chunk(sse("metadata", {"run_id": "r"}) + b"event: end\ndata: null\n\n")
        conn.end_chunks()

    with ScriptedServer(handler) as server:
        relayed = b"".join(make_client(server.url).runs.stream("t", "agent").iter_sse())
    assert [event.event for event in decode([relayed])] == ["metadata", "end"]
