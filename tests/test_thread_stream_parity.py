"""``client.threads.stream()`` at parity with the official SDK's sync thread stream (issue 17):
``subgraphs``/``subagents`` handles, ``interleave_projections``, ``events``, ``values``' REST
snapshot, messages read after the stream closed, tool calls failed by the run's end; against
scripted servers on real loopback sockets, with the protocol's event shapes."""

from __future__ import annotations

from typing import Any

import pytest

from stateless_client import InvalidRequestError, MessageError, StreamClosedError, ToolCallError

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


def test_subgraphs_yield_a_handle_per_child_with_its_own_scoped_projections(make_client: Any) -> None:
    script = ScriptedServer(command_answer({"run_id": RUN_ID}), sse_answer(
        lifecycle(1, "running"),
        event(2, "values", {"n": 1}, W),  # before the child is announced: still its own
        tasks_start(3, W),
        *message(4, W, "child-msg", "chi", "ld"),  # 4..7
        *message(8, [], "root-msg", "root"),  # 8..10
        tool(11, {"event": "tool-started", "tool_call_id": "c1", "tool_name": "search", "input": {}}, W),
        tool(12, {"event": "tool-output-delta", "tool_call_id": "c1", "delta": "d"}, W),
        tool(13, {"event": "tool-finished", "tool_call_id": "c1", "output": {"ok": True}}, W),
        event(14, "custom", {"name": "progress", "step": 1}, G),
        event(15, "custom", {"name": "progress", "step": 0}),
        tasks_start(16, G),
        *message(17, G, "grandchild-msg", "gc"),  # 17..19
        tasks_result(20, W, "def"),
        event(21, "values", {"n": 2}, W),
        tasks_result(22, [], "abc"),
        lifecycle(23, "completed"),
    ))
    with script:
        client = make_client(script.url)
        with client.threads.stream("t-1", assistant_id="agent") as thread:
            assert thread.subagents is thread.subgraphs
            thread.run.start(input={})
            [child] = list(thread.subgraphs)
            [grandchild] = list(child.subagents)
            child_messages = [(m.message_id, str(m.text)) for m in child.messages]
            child_calls = list(child.tool_calls)
            child_values = list(child.values)
            root_messages = [m.message_id for m in thread.messages]
            root_calls = list(thread.tool_calls)
            grandchild_messages = [str(m.text) for m in grandchild.messages]
            child_progress = list(child.extensions["progress"])
            grandchild_progress = list(grandchild.extensions["progress"])
            all_progress = list(thread.extensions["progress"])
            assert list(grandchild.subgraphs) == []
            child_output = child.output
    assert (child.path, child.namespace, child.graph_name, child.trigger_call_id) == (
        ("worker:abc",), ["worker:abc"], "worker", "abc")
    assert (child.status, child.error) == ("completed", None)
    assert (grandchild.path, grandchild.graph_name, grandchild.trigger_call_id, grandchild.status) == (
        ("worker:abc", "tool:def"), "tool", "def", "completed")
    assert child_messages == [("child-msg", "child")]  # not the grandchild's, nor the root's
    assert root_messages == ["root-msg"] and root_calls == []
    assert [(c.tool_call_id, c.deltas, c.output) for c in child_calls] == [("c1", ["d"], {"ok": True})]
    assert child_values == [{"n": 1}, {"n": 2}] and child_output == {"n": 2}
    assert grandchild_messages == ["gc"]
    assert child_progress == grandchild_progress == [{"name": "progress", "step": 1}]
    assert all_progress == [{"name": "progress", "step": 1}, {"name": "progress", "step": 0}]
    assert repr(child) == "<ScopedStreamHandle worker:abc completed>"


def test_a_child_is_discovered_and_ended_by_its_lifecycle_events_as_langgraph_dev_sends_them(
        make_client: Any) -> None:
    script = ScriptedServer(command_answer({"run_id": RUN_ID}), sse_answer(
        lifecycle(1, "running"),
        event(2, "lifecycle", {"event": "started", "graph_name": "node_2"}, ["node_2:x1"]),
        event(3, "lifecycle", {"event": "failed", "error": "child broke"}, ["node_2:x1"]),
        event(4, "lifecycle", {"event": "started", "graph_name": "node_3"}, ["node_3:x2"]),
        event(5, "lifecycle", {"event": "interrupted"}, ["node_3:x2"]),
        event(6, "lifecycle", {"event": "started"}, ["node_4:x3"]),
        lifecycle(7, "completed"),
    ))
    with script:
        client = make_client(script.url)
        with client.threads.stream("t-1", assistant_id="agent") as thread:
            thread.run.start(input={})
            statuses = []
            for handle in thread.subgraphs:
                statuses.append(handle.status)  # as yielded: just started
            handles = list(thread.subgraphs)
    assert statuses == ["started", "started", "started"]
    assert [(h.graph_name, h.status, h.error) for h in handles] == [
        ("node_2", "failed", "child broke"), ("node_3", "interrupted", None),
        ("node_4", "completed", None),  # never ended by itself: it ends with the run
    ]


@pytest.mark.parametrize(("result", "expected"), [
    ({"error": "boom"}, ("failed", "boom")),
    ({"interrupts": [{"value": "pause"}]}, ("interrupted", None)),
])
def test_a_child_status_comes_from_its_task_result(make_client: Any, result: dict[str, Any],
                                                   expected: tuple[str, str | None]) -> None:
    script = ScriptedServer(command_answer({"run_id": RUN_ID}), sse_answer(
        lifecycle(1, "running"), tasks_start(2, W), tasks_result(3, [], "abc", **result), lifecycle(4, "completed"),
    ))
    with script:
        client = make_client(script.url)
        with client.threads.stream("t-1", assistant_id="agent") as thread:
            thread.run.start(input={})
            [handle] = list(thread.subgraphs)
    assert (handle.status, handle.error) == expected


def test_children_still_going_when_the_run_fails_end_failed(make_client: Any) -> None:
    script = ScriptedServer(command_answer({"run_id": RUN_ID}), sse_answer(
        lifecycle(1, "running"), tasks_start(2, W),
        event(3, "lifecycle", {"event": "failed", "error": "boom"}, event_id=f"synth:{RUN_ID}:lc||failed"),
    ))
    with script:
        client = make_client(script.url)
        with client.threads.stream("t-1", assistant_id="agent") as thread:
            thread.run.start(input={})
            [handle] = list(thread.subgraphs)
    assert (handle.status, handle.error) == ("failed", "boom")


def test_a_handle_projection_read_while_the_run_goes_on_ends_with_its_child(make_client: Any) -> None:
    # Nested reading: the child's messages end at its task result, not at the run's end, so the
    # outer loop gets the second child while the run is still streaming.
    second = ["other:def"]
    script = ScriptedServer(command_answer({"run_id": RUN_ID}), sse_answer(
        lifecycle(1, "running"),
        tasks_start(2, W), *message(3, W, "m1", "one"), tasks_result(6, [], "abc"),
        tasks_start(7, second), *message(8, second, "m2", "two"), tasks_result(11, [], "def"),
        lifecycle(12, "completed"),
    ))
    with script:
        client = make_client(script.url)
        with client.threads.stream("t-1", assistant_id="agent") as thread:
            thread.run.start(input={})
            seen = []
            for handle in thread.subgraphs:
                seen.append((handle.graph_name, [str(m.text) for m in handle.messages], handle.status,
                             thread._turn_ended))
    assert seen == [("worker", ["one"], "completed", False), ("other", ["two"], "completed", False)]


def test_interleave_projections_yields_name_and_item_in_arrival_order(make_client: Any) -> None:
    script = ScriptedServer(command_answer({"run_id": RUN_ID}), sse_answer(
        lifecycle(1, "running"),
        event(2, "values", {"n": 1}),
        *message(3, [], "m1", "hi"),  # 3..5
        event(6, "values", {"n": 2}, W),  # a child's: not the root's values
        tool(7, {"event": "tool-started", "tool_call_id": "c1", "tool_name": "search"}),
        event(8, "custom", {"name": "foo", "hello": "world"}, W),
        event(9, "updates", {"node": {"v": 1}}),
        event(10, "checkpoints", {"scope": "child"}, W),
        event(11, "checkpoints", {"scope": "root"}),
        tasks_start(12, ["child"]),
        tool(13, {"event": "tool-finished", "tool_call_id": "c1", "output": 42}),
        event(14, "values", {"n": 3}),
        lifecycle(15, "completed"),
    ))
    with script:
        client = make_client(script.url)
        with client.threads.stream("t-1", assistant_id="agent") as thread:
            thread.run.start(input={})
            items = list(thread.interleave_projections(
                ["values", "messages", "tool_calls", "foo", "updates", "checkpoints", "subgraphs"]))
            names = [name for name, _ in items]
            message_text = str(items[1][1].text)
            call = items[2][1]
            assert call.output == 42  # yielded as it started; output read on to its end
            subgraph = items[-2][1]
    assert names == ["values", "messages", "tool_calls", "foo", "updates", "checkpoints", "subgraphs", "values"]
    assert items[0] == ("values", {"n": 1}) and items[-1] == ("values", {"n": 3})
    assert message_text == "hi"
    assert items[3] == ("foo", {"name": "foo", "hello": "world"})
    assert items[5] == ("checkpoints", {"scope": "root"})
    assert (subgraph.path, subgraph.status) == (("child",), "completed")


@pytest.mark.parametrize("channel", ["lifecycle", "tools", "input"])
def test_interleave_projections_refuses_protocol_channels_without_a_projection(make_client: Any,
                                                                                channel: str) -> None:
    script = ScriptedServer(command_answer({"run_id": RUN_ID}))
    with script:
        client = make_client(script.url)
        with client.threads.stream("t-1", assistant_id="agent") as thread:
            thread.run.start(input={})
            with pytest.raises(InvalidRequestError, match=channel):
                thread.interleave_projections([channel])
            assert isinstance(InvalidRequestError("x"), ValueError)  # what the SDK raises
    assert len(script.requests) == 1  # nothing read


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
    assert [r.target.split("?")[0] for r in script.requests[1:]] == ["/threads/t-1/state",
                                                                      "/threads/t-1/stream/events"]


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
            [(_, eager)] = list(thread.interleave_projections(["tool_calls"]))
    for each in (call, eager):
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


def test_a_message_whose_model_failed_raises_message_error_after_its_text(make_client: Any) -> None:
    script = ScriptedServer(command_answer({"run_id": RUN_ID}), sse_answer(
        lifecycle(1, "running"), *message(2, [], "m1", "par")[:2],
        event(4, "messages", {"event": "error", "message": "model failed", "code": "provider_error"}),
        *message(5, [], "m2", "ok"), lifecycle(8, "completed"),
    ))
    with script:
        client = make_client(script.url)
        with client.threads.stream("t-1", assistant_id="agent") as thread:
            thread.run.start(input={})
            failed, fine = list(thread.messages)
    pieces = iter(failed.text)
    assert next(pieces) == "par"
    with pytest.raises(MessageError, match="message m1 failed: model failed") as caught:
        next(pieces)
    assert (caught.value.message_id, caught.value.code, caught.value.detail) == ("m1", "provider_error",
                                                                                 "model failed")
    for read in (lambda: str(failed.text), lambda: failed.output, lambda: failed.content_blocks):
        with pytest.raises(MessageError):
            read()
    assert failed.error == "model failed" and failed.done and failed.text == "par" and bool(failed.text)
    assert isinstance(caught.value, RuntimeError)  # as the SDK's
    assert fine.output.id == fine.output["id"] == "m2"  # attributes, and a dict's keys
    assert fine.output == {"id": "m2", "role": "ai", "content": [], "usage": None}


def test_a_stream_closed_before_it_was_entered_says_closed(make_client: Any) -> None:
    client = make_client("http://127.0.0.1:9")
    thread = client.threads.stream("t-1", assistant_id="agent")
    thread.close()
    with pytest.raises(StreamClosedError, match="was closed"):
        thread.agent.get_tree()


def test_text_deltas_in_the_older_block_shape_stream_piece_by_piece(make_client: Any) -> None:
    # langgraph dev 0.16.7 sends some deltas as {"content": {"type": "text", "text": <slice>}}.
    def delta(seq: int, text: str) -> bytes:
        return event(seq, "messages", {"event": "content-block-delta", "index": 0,
                                       "content": {"type": "text", "text": text}})
    script = ScriptedServer(command_answer({"run_id": RUN_ID}), sse_answer(
        lifecycle(1, "running"),
        event(2, "messages", {"event": "message-start", "id": "m1", "role": "tool"}),
        delta(3, "hel"), delta(4, "lo"),
        event(5, "messages", {"event": "content-block-finish", "index": 0,
                              "content": {"type": "text", "text": "hello"}}),
        event(6, "messages", {"event": "message-finish"}), lifecycle(7, "completed"),
    ))
    with script:
        client = make_client(script.url)
        with client.threads.stream("t-1", assistant_id="agent") as thread:
            thread.run.start(input={})
            [streamed] = list(thread.messages)
            assert list(streamed.text) == ["hel", "lo"]
    assert str(streamed.text) == "hello"


def _public(obj: Any) -> set[str]:
    return {name for name in dir(obj) if not name.startswith("_")}


def test_the_thread_stream_and_its_handles_have_every_public_name_of_the_sdk_s(make_client: Any) -> None:
    sdk_stream = pytest.importorskip("langgraph_sdk._sync.stream")
    httpx = pytest.importorskip("httpx")
    from langgraph_sdk._sync.http import SyncHttpClient

    from stateless_client._thread_stream.handles import ScopedStreamHandle

    with httpx.Client(base_url="http://127.0.0.1:9") as raw:
        theirs = sdk_stream.SyncThreadStream(http=SyncHttpClient(raw), thread_id="t", assistant_id="a")
        their_handle = sdk_stream.SyncScopedStreamHandle(thread=theirs, path=("w:1",), graph_name="w",
                                                         trigger_call_id="1")
        ours = make_client("http://127.0.0.1:9").threads.stream("t", assistant_id="a")
        our_handle = ScopedStreamHandle(thread=ours, path=("w:1",), graph_name="w", trigger_call_id="1")
        assert _public(theirs) - _public(ours) == set()
        assert _public(their_handle) - _public(our_handle) == set()
        for name in ("values", "messages", "tool_calls", "subgraphs", "extensions"):
            assert _public(getattr(theirs, name)) - _public(getattr(ours, name)) == set(), name
        for name in ("messages", "tool_calls", "subgraphs"):
            assert _public(getattr(their_handle, name)) - _public(getattr(our_handle, name)) == set(), name
        assert _public(theirs.extensions["x"]) - _public(ours.extensions["x"]) == set()
        tool_call = sdk_stream.SyncToolCallHandle(tool_call_id="c", name="n")
        ours_call = tool_call_of({"method": "tools", "params": {"data": {"tool_call_id": "c", "tool_name": "n"}}})
        assert _public(tool_call) - _public(ours_call) == set()


def tool_call_of(started: dict[str, Any]) -> Any:
    from stateless_client import ToolCall
    return ToolCall(started)
