"""``client.threads.stream()`` against scripted servers on real loopback sockets: what is sent,
reconnecting after a drop, deadlines, faults, and the channels ``langgraph dev`` 0.16.7 does not
send on this route for Python graphs (``tools``, ``custom``), in the shapes its protocol defines.
"""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from stateless_client import (
    APITimeoutError,
    CommandError,
    InvalidResponseError,
    ToolCallError,
)
from stateless_client._thread_stream import stream as thread_stream

from .helpers import SECRET
from .loopback import TIMEOUT, Connection, ScriptedServer, json_answer

RUN_ID = "01a212e7-8b4b-7686-882d-4c0283f20fec"


def command_answer(result: dict[str, Any] | None = None, *, error: dict[str, Any] | None = None) -> Any:
    return json_answer({"type": "error", "id": 1, **error} if error else {"type": "success", "id": 1,
                                                                          "result": result or {}})


def event(seq: int, method: str, data: Any, namespace: list[str] | None = None, event_id: str | None = None) -> bytes:
    payload = {"type": "event", "event_id": event_id or f"e{seq}", "seq": seq, "method": method,
               "params": {"namespace": namespace or [], "timestamp": 0, "data": data}}
    return f"event: {method}\ndata: {json.dumps(payload)}\nid: {seq}\n\n".encode()


def lifecycle(seq: int, phase: str, run_id: str = RUN_ID) -> bytes:
    return event(seq, "lifecycle", {"event": phase, "graph_name": "g"}, event_id=f"synth:{run_id}:lc||{phase}")


def root_values(thread: Any) -> list[Any]:
    """The run's root ``values`` events: ``thread.values`` without its first item, the REST
    snapshot (which would be one more request to script)."""
    return [e["params"]["data"] for e in thread.subscribe(["values"]) if not e["params"]["namespace"]]


def sse_answer(*frames: bytes, then: str = "close") -> Any:
    """A handler that answers an event stream of ``frames``, then does what ``then`` says."""
    def handler(conn: Connection) -> None:
        conn.head()
        for frame in frames:
            conn.chunk(frame)
        if then == "reset":
            conn.reset()
        elif then == "cut mid-chunk":  # a chunk announced longer than what comes before the close
            conn.send(b"400\r\nevent: values\ndata: {")
        elif then == "close":
            conn.end_chunks()
            conn.wait_for_client_close()
        elif then == "heartbeats":
            for _ in range(int(TIMEOUT / 0.1)):
                conn.chunk(b": heartbeat\n\n")
                time.sleep(0.1)
        elif then == "a heartbeat":  # and the end, leaving the server free for the next connection
            conn.chunk(b": heartbeat\n\n")
            conn.end_chunks()
    return handler


def test_commands_and_event_requests_carry_the_protocol_and_the_stream_headers(make_client: Any) -> None:
    script = ScriptedServer(
        command_answer({"run_id": RUN_ID}),
        sse_answer(lifecycle(1, "running"), event(2, "values", {"n": 1}), lifecycle(3, "completed")),
    )
    with script:
        client = make_client(script.url, api_key=SECRET)
        with client.threads.stream("t-1", assistant_id="agent", headers={"x-tenant": "acme"}) as thread:
            thread.run.start(input={"n": 0}, config={"tags": ["a"]}, metadata={"m": 1},
                             langsmith_tracing={"project_name": "p"})
            assert root_values(thread) == [{"n": 1}]
    command, events = script.requests
    assert (command.method, command.target) == ("POST", "/threads/t-1/commands")
    assert json.loads(command.body) == {
        "id": 1, "method": "run.start",
        "params": {"assistant_id": "agent", "input": {"n": 0}, "config": {"tags": ["a"]}, "metadata": {"m": 1},
                   "langsmith_tracer": {"project_name": "p"}},
    }
    assert (events.method, events.target) == ("POST", "/threads/t-1/stream/events")
    assert json.loads(events.body) == {"channels": ["values", "updates", "messages", "tools", "lifecycle", "input",
                                                    "checkpoints", "tasks", "custom"]}
    for request in (command, events):
        assert request.headers["x-tenant"] == "acme" and request.headers["x-api-key"] == SECRET
    assert events.headers["accept"] == "text/event-stream"


def test_a_dropped_connection_reconnects_after_the_last_seq(make_client: Any, sleeps: list[float]) -> None:
    script = ScriptedServer(
        command_answer({"run_id": RUN_ID}),
        sse_answer(lifecycle(1, "running"), event(2, "values", {"n": 1}), then="reset"),
        # The server replays from ``since``; an event already seen (same event_id) is dropped.
        sse_answer(event(2, "values", {"n": 1}), event(3, "values", {"n": 2}), lifecycle(4, "completed")),
    )
    with script:
        client = make_client(script.url)
        with client.threads.stream("t-1", assistant_id="agent") as thread:
            thread.run.start(input={})
            assert root_values(thread) == [{"n": 1}, {"n": 2}]
    assert json.loads(script.requests[2].body)["since"] == 2
    assert len(sleeps) == 1


def test_a_body_cut_inside_a_chunk_reconnects_too(make_client: Any, sleeps: list[float]) -> None:
    script = ScriptedServer(
        command_answer({"run_id": RUN_ID}),
        sse_answer(lifecycle(1, "running"), event(2, "values", {"n": 1}), then="cut mid-chunk"),
        sse_answer(event(3, "values", {"n": 2}), lifecycle(4, "completed")),
    )
    with script:
        client = make_client(script.url)
        with client.threads.stream("t-1", assistant_id="agent") as thread:
            thread.run.start(input={})
            assert root_values(thread) == [{"n": 1}, {"n": 2}]
    assert json.loads(script.requests[2].body)["since"] == 2
    assert len(sleeps) == 1


def test_events_of_earlier_runs_replayed_by_the_server_are_skipped(make_client: Any) -> None:
    old = "00000000-0000-0000-0000-000000000001"
    script = ScriptedServer(
        command_answer({"run_id": RUN_ID}),
        sse_answer(lifecycle(1, "running", old), event(2, "values", {"run": "old"}), lifecycle(3, "completed", old),
            lifecycle(4, "running"), event(5, "values", {"run": "new"}), lifecycle(6, "completed")),
    )
    with script:
        client = make_client(script.url)
        with client.threads.stream("t-1", assistant_id="agent") as thread:
            thread.run.start(input={})
            assert root_values(thread) == [{"run": "new"}]


def test_run_start_timeout_while_only_heartbeats_arrive(make_client: Any) -> None:
    script = ScriptedServer(command_answer({"run_id": RUN_ID}), sse_answer(then="heartbeats"))
    with script:
        client = make_client(script.url)
        with client.threads.stream("t-1", assistant_id="agent", run_start_timeout=0.3) as thread:
            thread.run.start(input={})
            begun = time.monotonic()
            with pytest.raises(APITimeoutError, match=f"run {RUN_ID} on thread t-1 did not start within"):
                root_values(thread)
    assert time.monotonic() - begun < TIMEOUT / 2


@pytest.fixture
def quick_stall_check(monkeypatch: pytest.MonkeyPatch) -> None:
    # Every heartbeat checks the run; each scripted connection sends one.
    monkeypatch.setattr(thread_stream, "STALL_SECONDS", 0.0)


@pytest.mark.usefixtures("quick_stall_check")
def test_a_stopped_run_whose_events_never_came_is_replayed_on_a_new_connection(make_client: Any) -> None:
    # langgraph dev 0.16.7 once sent only heartbeats on an open connection for a whole resumed run.
    script = ScriptedServer(
        command_answer({"run_id": RUN_ID}),
        sse_answer(then="a heartbeat"),
        json_answer({"run_id": RUN_ID, "status": "success"}),
        json_answer({"values": {"n": 1}, "metadata": {"run_id": RUN_ID}}),  # the run did take steps
        sse_answer(lifecycle(1, "running"), event(2, "values", {"n": 1}), lifecycle(3, "completed")),
    )
    with script:
        client = make_client(script.url)
        with client.threads.stream("t-1", assistant_id="agent") as thread:
            thread.run.start(input={})
            assert root_values(thread) == [{"n": 1}]
    run, state, replay = script.requests[2:]
    assert (run.method, run.target) == ("GET", f"/threads/t-1/runs/{RUN_ID}")
    assert (state.method, state.target) == ("GET", "/threads/t-1/state?subgraphs=false")
    assert (replay.method, replay.target) == ("POST", "/threads/t-1/stream/events")


@pytest.mark.usefixtures("quick_stall_check")
def test_a_run_cancelled_before_its_first_step_ends_at_the_first_check(make_client: Any) -> None:
    # langgraph dev 0.16.7 sends nothing at all for a run cancelled while pending (status
    # "interrupted", no checkpoint of its own): no replay can bring its events.
    script = ScriptedServer(
        command_answer({"run_id": RUN_ID}),
        sse_answer(then="a heartbeat"),
        json_answer({"run_id": RUN_ID, "status": "interrupted"}),
        json_answer({"values": {"n": 0}, "metadata": {"run_id": "an-earlier-run"}, "interrupts": []}),
    )
    with script:
        client = make_client(script.url)
        with client.threads.stream("t-1", assistant_id="agent") as thread:
            thread.run.start(input={})
            assert root_values(thread) == []
            assert thread.interrupted is True and thread.interrupts == []
    assert [request.target for request in script.requests[2:]] == [
        f"/threads/t-1/runs/{RUN_ID}", "/threads/t-1/state?subgraphs=false"]


@pytest.mark.usefixtures("quick_stall_check")
def test_a_stopped_run_that_no_connection_shows_ends_from_the_api(make_client: Any) -> None:
    script = ScriptedServer(
        command_answer({"run_id": RUN_ID}),
        sse_answer(then="a heartbeat"),
        json_answer({"run_id": RUN_ID, "status": "success"}),
        json_answer({"values": {"n": 1}, "metadata": {"run_id": RUN_ID}}),
        sse_answer(then="a heartbeat"),
        json_answer({"run_id": RUN_ID, "status": "success"}),
        json_answer({"values": {"n": 1}, "interrupts": [{"id": "i1", "value": {"q": 1}, "ns": []}]}),
    )
    with script:
        client = make_client(script.url)
        with client.threads.stream("t-1", assistant_id="agent") as thread:
            thread.run.start(input={})
            assert root_values(thread) == []
            assert thread.interrupted is True
            assert thread.interrupts == [{"interrupt_id": "i1", "value": {"q": 1}, "namespace": []}]
    assert [request.target for request in script.requests[2:]] == [
        f"/threads/t-1/runs/{RUN_ID}", "/threads/t-1/state?subgraphs=false", "/threads/t-1/stream/events",
        f"/threads/t-1/runs/{RUN_ID}", "/threads/t-1/state?subgraphs=false",
    ]


@pytest.mark.usefixtures("quick_stall_check")
def test_a_resumed_run_whose_events_never_came_is_found_as_the_thread_s_latest(make_client: Any) -> None:
    resumed = "01a212e7-0000-7000-8000-000000000002"
    script = ScriptedServer(
        command_answer({"run_id": RUN_ID}),
        sse_answer(lifecycle(1, "running"), event(2, "input.requested", {"interrupt_id": "i1", "payload": {"q": 1}}),
            lifecycle(3, "interrupted"), then="a heartbeat"),
        command_answer({}),  # input.respond names no run
        json_answer([{"run_id": resumed, "status": "success"}]),
        json_answer({"values": {"n": 2}, "metadata": {"run_id": resumed}}),
        sse_answer(lifecycle(4, "running", resumed), event(5, "values", {"n": 2}), lifecycle(6, "completed", resumed)),
    )
    with script:
        client = make_client(script.url)
        with client.threads.stream("t-1", assistant_id="agent") as thread:
            thread.run.start(input={})
            assert thread.interrupts == [{"interrupt_id": "i1", "value": {"q": 1}, "namespace": []}]
            thread.run.respond("yes")
            assert root_values(thread) == [{"n": 2}]
            assert thread.interrupted is False and thread.run_id == resumed
    runs, _state, replay = script.requests[3:]
    assert (runs.method, runs.target) == ("GET", "/threads/t-1/runs?limit=1&offset=0")
    assert json.loads(replay.body)["since"] == 3


@pytest.mark.usefixtures("quick_stall_check")
def test_a_run_still_going_is_waited_for_through_the_silence(make_client: Any) -> None:
    script = ScriptedServer(
        command_answer({"run_id": RUN_ID}),
        sse_answer(lifecycle(1, "running"), then="a heartbeat"),
        json_answer({"run_id": RUN_ID, "status": "running"}),
        json_answer({"run_id": RUN_ID, "status": "running"}),  # at the connection's end
        sse_answer(event(2, "values", {"n": 1}), lifecycle(3, "completed")),
    )
    with script:
        client = make_client(script.url)
        with client.threads.stream("t-1", assistant_id="agent") as thread:
            thread.run.start(input={})
            assert root_values(thread) == [{"n": 1}]
    # Still running: the connection was kept until it ended by itself, then resumed from seq 1.
    assert [request.target for request in script.requests[2:]] == [f"/threads/t-1/runs/{RUN_ID}"] * 2 + [
        "/threads/t-1/stream/events"]
    assert json.loads(script.requests[4].body)["since"] == 1


def test_tool_calls_are_yielded_finished_in_start_order(make_client: Any) -> None:
    def tool(seq: int, data: dict[str, Any]) -> bytes:
        return event(seq, "tools", data)

    script = ScriptedServer(
        command_answer({"run_id": RUN_ID}),
        sse_answer(lifecycle(1, "running"),
            tool(2, {"event": "tool-started", "tool_call_id": "c1", "tool_name": "search", "input": {"q": "sf"}}),
            tool(3, {"event": "tool-started", "tool_call_id": "c2", "tool_name": "fail"}),
            tool(4, {"event": "tool-output-delta", "tool_call_id": "c1", "delta": "60 deg"}),
            tool(5, {"event": "tool-error", "tool_call_id": "c2", "message": "boom"}),
            tool(6, {"event": "tool-finished", "tool_call_id": "c1", "output": "60 degrees"}),
            event(7, "tools", {"event": "tool-started", "tool_call_id": "c3", "tool_name": "sub"}, ["child:1"]),
            event(8, "custom", {"name": "progress", "payload": {"step": 1}}),
            event(9, "custom", {"name": "other", "payload": {}}),
            lifecycle(10, "completed")),
    )
    with script:
        client = make_client(script.url)
        with client.threads.stream("t-1", assistant_id="agent") as thread:
            thread.run.start(input={})
            calls = list(thread.tool_calls)
            progress = list(thread.extensions["progress"])
    first, second = calls  # the subgraph's call (namespace child:1) is not the root's
    assert (first.name, first.input, first.deltas, first.output) == ("search", {"q": "sf"}, ["60 deg"], "60 degrees")
    assert second.error == "boom"
    with pytest.raises(ToolCallError, match="tool 'fail' \\(call c2\\) failed: boom"):
        _ = second.output
    assert progress == [{"name": "progress", "payload": {"step": 1}}]


def test_an_error_frame_from_the_server_is_a_typed_error(make_client: Any) -> None:
    frame = b'data: {"type": "error", "id": null, "error": "unknown_error", "message": "read failed"}\n\n'
    script = ScriptedServer(command_answer({"run_id": RUN_ID}), sse_answer(lifecycle(1, "running"), frame))
    with script:
        client = make_client(script.url)
        with client.threads.stream("t-1", assistant_id="agent") as thread:
            thread.run.start(input={})
            with pytest.raises(CommandError, match="read failed") as caught:
                list(thread.events)
    assert caught.value.code == "unknown_error" and caught.value.url.endswith("/threads/t-1/stream/events")


def test_event_data_that_is_not_json_is_an_invalid_response(make_client: Any) -> None:
    script = ScriptedServer(command_answer({"run_id": RUN_ID}), sse_answer(lifecycle(1, "running"), b"data: {oops\n\n"))
    with script:
        client = make_client(script.url)
        with client.threads.stream("t-1", assistant_id="agent") as thread:
            thread.run.start(input={})
            with pytest.raises(InvalidResponseError, match="not JSON"):
                list(thread.events)


def test_a_command_answer_that_is_not_a_protocol_answer(make_client: Any) -> None:
    body = b'[1, 2]'
    head = (f"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {len(body)}\r\n"
            "connection: close\r\n\r\n").encode()
    script = ScriptedServer(lambda conn: conn.send(head + body))
    with script:
        client = make_client(script.url)
        with client.threads.stream("t-1", assistant_id="agent") as thread, \
                pytest.raises(InvalidResponseError, match="not a command answer"):
            thread.run.start(input={})


def test_secrets_stay_out_of_the_stream_repr_and_errors(make_client: Any) -> None:
    script = ScriptedServer(command_answer(error={"error": "permission_denied", "message": "no"}))
    with script:
        client = make_client(script.url, api_key=SECRET)
        with client.threads.stream("t-1", assistant_id="agent") as thread:
            with pytest.raises(CommandError) as caught:
                thread.run.start(input={})
            assert SECRET not in repr(thread)
    assert SECRET not in str(caught.value) and caught.value.code == "permission_denied"
