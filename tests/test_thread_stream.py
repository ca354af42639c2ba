"""``client.threads.stream()``: the thread-centric protocol, on the real server.

Runs are started with ``run.start`` / ``run.respond`` commands and read through the stream's
projections; each test checks what the server really sent (``langgraph dev``'s in-memory
server replays a thread's history on every connection, which several tests rely on).
"""

from __future__ import annotations

from typing import Any

import pytest

from stateless_client import (
    Client,
    CommandError,
    InvalidRequestError,
    NotFoundError,
    RunError,
    StreamClosedError,
    UnprocessableEntityError,
)
from stateless_client._dev.local_server import LocalServer


def _hi(text: str = "hi") -> dict[str, Any]:
    return {"messages": [{"role": "human", "content": text}]}


def _last(values: dict[str, Any]) -> Any:
    return values["messages"][-1]["content"]


def test_messages_stream_token_by_token_and_print_whole(client: Client) -> None:
    with client.threads.stream(assistant_id="tokens") as thread:
        started = thread.run.start(input=_hi())
        messages = []
        for message in thread.messages:
            pieces = list(message.text)  # read as it streams
            messages.append((message, pieces))
    assert thread.run_id == started["run_id"]
    assert len(messages) == 1
    message, pieces = messages[0]
    assert len(pieces) > 3  # token by token, not one block
    assert "".join(pieces) == str(message.text) == "Hello Bagatur! Nice to meet you."
    assert message.text == "Hello Bagatur! Nice to meet you."  # compares as the str
    assert message.done and message.namespace == [] and message.role == "ai"
    assert message.output["content"][0]["text"] == "Hello Bagatur! Nice to meet you."


def test_projections_each_see_the_whole_run_in_any_order(client: Client) -> None:
    with client.threads.stream(assistant_id="tokens") as thread:
        thread.run.start(input=_hi())
        texts = [str(message.text) for message in thread.messages]  # reads the run to its end
        # Read afterwards: the thread's state now (a REST snapshot, as the official SDK's
        # first item), then the run's steps from its start.
        snapshot, *values = list(thread.values)
        events = list(thread.events)
        output = thread.output
    assert texts == ["Hello Bagatur! Nice to meet you."]
    assert snapshot == output
    assert [_last(v) for v in values] == ["hi", [{"type": "text", "text": texts[0], "index": 0}]]
    assert events[0]["method"] == "lifecycle" and events[0]["params"]["data"]["event"] == "running"
    assert events[-1]["params"]["data"]["event"] == "completed"
    assert [e["seq"] for e in events] == sorted(e["seq"] for e in events)
    assert output["messages"][-1]["content"][0]["text"] == texts[0]


def test_nested_reading_message_text_inside_the_values_loop(client: Client) -> None:
    # The message's text is read while the outer loop is still walking the run's events.
    with client.threads.stream(assistant_id="tokens") as thread:
        thread.run.start(input=_hi())
        seen = []
        for message in thread.messages:
            seen.append(list(thread.values)[-1]["messages"][-1]["id"] == message.message_id)
            seen.append(str(message.text))
    assert seen == [True, "Hello Bagatur! Nice to meet you."]


def test_interrupt_then_respond_resumes_the_run(client: Client) -> None:
    with client.threads.stream(assistant_id="interrupt") as thread:
        thread.run.start(input=_hi())
        assert [_last(v) for v in list(thread.values)[1:]] == ["hi"]
        assert thread.interrupted is True
        (pending,) = thread.interrupts
        # The protocol sends the interrupt's value as ``payload``; it is reported as ``value``.
        assert pending["value"] == {"question": "approve?"} and pending["namespace"] == []
        thread.run.respond("yes")
        assert [_last(v) for v in thread.values][-1] == "answer: yes"
        assert thread.interrupted is False and thread.interrupts == []
        assert _last(thread.output) == "answer: yes"


def test_respond_without_an_outstanding_interrupt_sends_nothing(client: Client) -> None:
    with client.threads.stream(assistant_id="agent") as thread:
        thread.run.start(input=_hi())
        assert thread.interrupted is False
        with pytest.raises(InvalidRequestError, match="0 interrupts are outstanding"):
            thread.run.respond("yes")
    with client.threads.stream(assistant_id="interrupt") as thread:
        thread.run.start(input=_hi())
        with pytest.raises(InvalidRequestError, match="no outstanding interrupt 'nope'"):
            thread.run.respond("yes", interrupt_id="nope")


def test_a_second_run_on_the_stream_is_followed_from_its_own_start(client: Client) -> None:
    with client.threads.stream(assistant_id="agent") as thread:
        thread.run.start(input=_hi("one"))
        assert [_last(v) for v in list(thread.values)[1:]] == ["one", "echo: one"]
        thread.run.start(input=_hi("two"))
        # The server replays the thread's history; only the new run's events are shown.
        assert [_last(v) for v in list(thread.values)[1:]] == ["two", "echo: two"]


def test_a_new_stream_on_a_thread_with_history_follows_only_its_own_run(client: Client) -> None:
    with client.threads.stream(assistant_id="agent") as first:
        first.run.start(input=_hi("old"))
        assert _last(first.output) == "echo: old"
    with client.threads.stream(first.thread_id, assistant_id="agent") as thread:
        # No run started here: output is the thread's, at once (its latest run has finished).
        assert _last(thread.output) == "echo: old"
        # A finished run is not replayed: its state only, the snapshot.
        assert [_last(v) for v in thread.values] == ["echo: old"]
        thread.run.start(input=_hi("new"))
        assert [_last(v) for v in list(thread.values)[1:]] == ["new", "echo: new"]


def test_a_stream_attached_to_a_running_run_follows_it(client: Client) -> None:
    thread_id = client.threads.create().thread_id
    run = client.runs.create(thread_id, "slow", input={"n": 3, "delay": 0.3})
    with client.threads.stream(thread_id, assistant_id="slow") as thread:
        values = list(thread.values)
        assert thread.run_id == run.run_id
    assert values[-1]["out"] == [0, 1, 2]


def test_a_failed_run_raises_run_error_with_the_server_error(client: Client) -> None:
    with client.threads.stream(assistant_id="error") as thread:
        started = thread.run.start(input=_hi())
        assert list(thread.values)  # the steps before the failure
        with pytest.raises(RunError) as caught:
            _ = thread.output
    assert caught.value.run_id == started["run_id"]
    assert "node exploded" in str(caught.value)


def test_refused_commands_raise_typed_errors(client: Client) -> None:
    with client.threads.stream(assistant_id="no-such-graph") as thread:
        with pytest.raises(UnprocessableEntityError, match="no-such-graph") as caught:
            thread.run.start(input={})
        assert caught.value.status_code == 422 and "/commands" in caught.value.url
    with client.threads.stream(assistant_id="interrupt") as thread:
        thread.run.start(input=_hi())
        assert thread.interrupted
        thread._interrupts[0]["interrupt_id"] = "0" * 32  # an ID the server never issued
        with pytest.raises(CommandError) as refused:
            thread.run.respond("yes")
    assert refused.value.code == "no_such_interrupt" and refused.value.command == "input.respond"
    assert thread.thread_id in str(refused.value)


def test_subscribe_filters_channels_and_namespaces(client: Client) -> None:
    with client.threads.stream(assistant_id="subgraph") as thread:
        thread.run.start(input=_hi())
        child = list(thread.subscribe(["values"], namespaces=[["child"]]))
        root = list(thread.subscribe(["values"], namespaces=[[]], depth=0))
        lifecycle = [e["params"]["data"]["event"] for e in thread.subscribe(["lifecycle"])]
        with pytest.raises(InvalidRequestError, match="unknown channel"):
            thread.subscribe(["nope"])
    assert child and all(e["params"]["namespace"][0].startswith("child:") for e in child)
    assert root and all(e["params"]["namespace"] == [] for e in root)
    assert lifecycle == ["running", "started", "completed", "completed"]


def test_agent_get_tree_is_the_assistant_graph(client: Client) -> None:
    with client.threads.stream(assistant_id="subgraph") as thread:
        tree, drawn_through = thread.agent.get_tree(), thread.agent.get_tree(xray=True)
    assert tree == client.assistants.get_graph("subgraph")
    assert drawn_through == client.assistants.get_graph("subgraph", xray=True) != tree
    assert "child:child_node" in [node["id"] for node in drawn_through["nodes"]]
    with pytest.raises(StreamClosedError):
        thread.agent.get_tree()


def test_bad_arguments_are_refused_before_anything_is_sent(client: Client) -> None:
    with pytest.raises(InvalidRequestError, match="transport='websocket' is not supported"):
        client.threads.stream(assistant_id="agent", transport="websocket")
    with pytest.raises(InvalidRequestError):
        client.threads.stream("..", assistant_id="agent")
    with pytest.raises(InvalidRequestError, match="assistant_id"):
        client.threads.stream(assistant_id="")
    thread = client.threads.stream(assistant_id="agent")
    with pytest.raises(StreamClosedError, match="context manager"):
        thread.run.start(input=_hi())
    fresh = client.threads.stream(assistant_id="agent")
    with fresh, pytest.raises(InvalidRequestError, match="no run started"):
        list(fresh.values)  # a minted thread has no run to follow


def test_an_unknown_thread_given_by_id_has_no_run(client: Client) -> None:
    unknown = "00000000-0000-4000-8000-000000000000"
    with client.threads.stream(unknown, assistant_id="agent") as thread, pytest.raises(NotFoundError):
        _ = thread.output


def test_closing_releases_the_connection_and_refuses_more(server: LocalServer, client: Client) -> None:
    with client.threads.stream(assistant_id="slow") as thread:
        thread.run.start(input={"n": 50, "delay": 0.1})
        values = iter(thread.values)
        assert isinstance(next(values), dict)  # the snapshot: {} or the first step, by timing
        assert next(values) == {"n": 50, "delay": 0.1}
        assert thread._connection is not None
        response = thread._connection.response
    assert thread._connection is None and response.raw.closed
    assert thread._events == []  # close drops the events received
    with pytest.raises(StreamClosedError):
        list(thread.values)
    with pytest.raises(StreamClosedError):
        thread.run.start(input={})
    assert "closed" in repr(thread)


def test_matches_the_official_sdk_on_the_docs_example(server: LocalServer, client: Client) -> None:
    results = []
    with pytest.importorskip("langgraph_sdk").get_sync_client(url=server.url, api_key=None) as sdk:
        for each in (sdk, client):
            with each.threads.stream(assistant_id="tokens") as thread:
                thread.run.start(input=_hi())
                texts = [str(stream.text) for stream in thread.messages]
                results.append((texts, _last(thread.output)))
    assert results[0] == results[1]


def test_subgraphs_yield_a_handle_per_child_graph_as_the_official_sdk_does(server: LocalServer,
                                                                          client: Client) -> None:
    found = []
    with pytest.importorskip("langgraph_sdk").get_sync_client(url=server.url, api_key=None) as sdk:
        for each in (sdk, client):
            with each.threads.stream(assistant_id="foo_subgraphs") as thread:
                thread.run.start(input={"foo": "x"})
                handles = list(thread.subgraphs)
                found.append([(h.graph_name, h.status, len(h.trigger_call_id or "")) for h in handles])
                assert thread.subagents is thread.subgraphs
                if each is client:
                    [child] = handles
                    assert child.output == {"foo": "hi! xbar", "bar": "bar"}  # the child's own state
                    assert [v["foo"] for v in child.values] == ["hi! x", "hi! x", "hi! xbar"]
                    assert list(child.subgraphs) == [] and list(child.messages) == []
    assert found[0] == found[1] == [("node_2", "completed", 36)]


def test_a_subgraph_handle_is_read_nested_inside_the_subgraphs_loop(client: Client) -> None:
    with client.threads.stream(assistant_id="foo_subgraphs") as thread:
        thread.run.start(input={"foo": "x"})
        seen = []
        for handle in thread.subgraphs:
            seen.append((handle.status, handle.output, handle.status))  # output waits for the child
        root = list(thread.values)[1:]
    assert seen == [("started", {"foo": "hi! xbar", "bar": "bar"}, "completed")]
    assert [v["foo"] for v in root] == ["x", "hi! x", "hi! xbar"]  # the root graph's states only
