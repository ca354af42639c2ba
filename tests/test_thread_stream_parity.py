"""``client.threads.stream()`` at parity with the official SDK's sync thread stream (issue 17):
``subgraphs``/``subagents`` handles, ``interleave_projections``, ``events``, ``values``' REST
snapshot, messages read after the stream closed, tool calls failed by the run's end; against
scripted servers on real loopback sockets, with the protocol's event shapes."""

from __future__ import annotations

from typing import Any

import pytest

from stateless_client import InvalidRequestError, StreamClosedError, ToolCallError

from .loopback import ScriptedServer, json_answer
from .test_thread_stream_wire import RUN_ID, command_answer, event, lifecycle, sse_answer

W = ["worker:abc"]  # a child graph's namespace: node "worker", task "abc"
G = ["worker:abc", "tool:def"]  # its child's


def tasks_start(seq: int, namespace: list[str], task_id: str = "t") -> bytes:
    return event(seq, "tasks", {"id": task_id, "name": "node", "input": None, "triggers": []}, namespace)


def tasks_result(seq: int, namespace: list[str], task_id: str, error: str | None = None,
                 interrupts: list[Any] | None = None) -> bytes:
    return event(seq, "tasks", {"id": task_id, "name": "node", "result": {}, "error": error,
                                "interrupts": interrupts or []}, namespace)


def message(seq: int, namespace: list[str], message_id: str, *pieces: str) -> list[bytes]:
    frames = [event(seq, "messages", {"event": "message-start", "id": message_id, "role": "ai"}, namespace)]
    for offset, piece in enumerate(pieces, start=1):
        frames.append(event(seq + offset, "messages", {"event": "content-block-delta", "index": 0,
                                                       "delta": {"type": "text-delta", "text": piece}}, namespace))
    frames.append(event(seq + len(pieces) + 1, "messages", {"event": "message-finish"}, namespace))
    return frames


def tool(seq: int, data: dict[str, Any], namespace: list[str] | None = None) -> bytes:
    return event(seq, "tools", data, namespace)


def test_events_are_every_event_of_the_run_on_every_channel_and_namespace(make_client: Any) -> None:
    frames = [
        lifecycle(1, "running"), event(2, "values", {"n": 1}), event(3, "checkpoints", {"c": 1}),
        event(4, "updates", {"u": 1}, W), event(5, "tasks", {"id": "t"}), event(6, "custom", {"name": "x"}),
        event(7, "input.requested", {"interrupt_id": "i", "payload": 1}), lifecycle(8, "interrupted"),
    ]
    script = ScriptedServer(command_answer({"run_id": RUN_ID}), sse_answer(*frames))
    with script:
        client = make_client(script.url)
        with client.threads.stream("t-1", assistant_id="agent") as thread:
            thread.run.start(input={})
            first, second = thread.events, thread.events
            assert first is not second  # each access: a new iteration from the run's start
            seen = [e["seq"] for e in first]
            assert [e["seq"] for e in second] == seen
    assert seen == list(range(1, 9))
    assert "checkpoints" in __import__("json").loads(script.requests[1].body)["channels"]


def test_values_starts_with_the_thread_state_from_the_api(make_client: Any) -> None:
    script = ScriptedServer(
        command_answer({"run_id": RUN_ID}),
        json_answer({"values": {"answer": 41}, "next": [], "tasks": []}),
        sse_answer(lifecycle(1, "running"), event(2, "values", {"answer": 42}),
                   event(3, "values", {"answer": 43}, W), lifecycle(4, "completed")),
    )
    with script:
        client = make_client(script.url)
        with client.threads.stream("t-1", assistant_id="agent") as thread:
            thread.run.start(input={})
            values = list(thread.values)
    assert values == [{"answer": 41}, {"answer": 42}]  # the snapshot, then the root's steps
    assert [r.target for r in script.requests[1:]] == ["/threads/t-1/state", "/threads/t-1/stream/events"]


def test_message_text_reads_after_the_stream_closed(make_client: Any) -> None:
    script = ScriptedServer(command_answer({"run_id": RUN_ID}), sse_answer(
        lifecycle(1, "running"), *message(2, [], "m1", "hel", "lo"), *message(6, [], "m2", "bye"),
        lifecycle(9, "completed"),
    ))
    with script:
        client = make_client(script.url)
        with client.threads.stream("t-1", assistant_id="agent") as thread:
            thread.run.start(input={})
            messages = list(thread.messages)  # their text is not read inside the block
    assert [str(m.text) for m in messages] == ["hello", "bye"]
    assert [list(m.text) for m in messages] == [["hel", "lo"], ["bye"]]
    assert messages[0].content_blocks == [] and messages[0].done


def test_a_message_cut_by_close_keeps_its_pieces_then_raises(make_client: Any) -> None:
    frames = message(2, [], "m1", "hel", "lo")[:3]  # start and two pieces, no finish
    script = ScriptedServer(command_answer({"run_id": RUN_ID}),
                            sse_answer(lifecycle(1, "running"), *frames, then="heartbeats"))
    with script:
        client = make_client(script.url)
        with client.threads.stream("t-1", assistant_id="agent") as thread:
            thread.run.start(input={})
            streamed = next(iter(thread.messages))
            pieces = iter(streamed.text)
            assert [next(pieces), next(pieces)] == ["hel", "lo"]
    again = iter(streamed.text)
    assert [next(again), next(again)] == ["hel", "lo"]
    with pytest.raises(StreamClosedError, match="closed before this finished"):
        next(again)
    with pytest.raises(StreamClosedError):
        str(streamed.text)
    assert streamed.done


def test_a_tool_call_fails_with_the_run_error_when_the_run_fails(make_client: Any) -> None:
    script = ScriptedServer(command_answer({"run_id": RUN_ID}), sse_answer(
        lifecycle(1, "running"),
        tool(2, {"event": "tool-started", "tool_call_id": "c1", "tool_name": "search"}),
        tool(3, {"event": "tool-output-delta", "tool_call_id": "c1", "delta": "partial"}),
        event(4, "lifecycle", {"event": "failed", "error": "run failed"}, event_id=f"synth:{RUN_ID}:lc||failed"),
    ))
    with script:
        client = make_client(script.url)
        with client.threads.stream("t-1", assistant_id="agent") as thread:
            thread.run.start(input={})
            [call] = list(thread.tool_calls)
    assert call.done and call.deltas == ["partial"]
    with pytest.raises(ToolCallError, match="Run errored: run failed"):
        _ = call.output
    assert isinstance(ToolCallError(tool_call_id="", name="", detail=""), RuntimeError)  # as the SDK's


def test_a_tool_call_the_run_ended_without_fails_instead_of_returning_none(make_client: Any) -> None:
    script = ScriptedServer(command_answer({"run_id": RUN_ID}), sse_answer(
        lifecycle(1, "running"),
        tool(2, {"event": "tool-started", "tool_call_id": "c1", "tool_name": "search"}),
        lifecycle(3, "completed"),
    ))
    with script:
        client = make_client(script.url)
        with client.threads.stream("t-1", assistant_id="agent") as thread:
            thread.run.start(input={})
            [call] = list(thread.tool_calls)
    for each in (call,):
        with pytest.raises(ToolCallError, match="closed before terminal tool event"):
            _ = each.output
        assert each.error is not None and "the run ended before the tool finished" in each.error


def test_extensions_name_must_be_a_non_empty_string(make_client: Any) -> None:
    script = ScriptedServer(command_answer({"run_id": RUN_ID}))
    with script:
        client = make_client(script.url)
        with client.threads.stream("t-1", assistant_id="agent") as thread:
            with pytest.raises(InvalidRequestError):
                thread.extensions[""]
            assert thread.extensions["x"] is thread.extensions["x"]
