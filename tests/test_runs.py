"""Behaviour against a real ``langgraph dev`` server (see conftest.py): no mocks here."""

from __future__ import annotations

from typing import Any

import pytest

from stateless_client import (
    Client,
    ConflictError,
    NotFoundError,
    Run,
    RunError,
    StreamClosedError,
    StreamPart,
    Thread,
    UnprocessableEntityError,
)

from .helpers import settled_status


def _messages(state: dict[str, Any]) -> list[str]:
    return [message["content"] for message in state["messages"]]


def test_seed_stream_example_prints_the_agent_update(client: Client, seed_input: dict[str, Any]) -> None:
    printed = []
    for chunk in client.runs.stream(None, "agent", input=seed_input, stream_mode="updates"):
        if chunk.data and "run_id" not in chunk.data:
            printed.append(chunk.data)
    assert len(printed) == 1
    (message,) = printed[0]["agent"]["messages"]
    assert message["type"] == "ai"
    assert message["content"] == "echo: Hello! My name is Bagatur and I am 26 years old."


def test_seed_wait_example_returns_the_final_state(client: Client, seed_input: dict[str, Any]) -> None:
    state = client.runs.wait(None, "agent", input=seed_input)
    assert _messages(state) == [
        "Hello! My name is Bagatur and I am 26 years old.",
        "echo: Hello! My name is Bagatur and I am 26 years old.",
    ]
    assert [m["type"] for m in state["messages"]] == ["human", "ai"]


def test_stream_reports_run_id_from_headers_and_metadata(client: Client, seed_input: dict[str, Any]) -> None:
    with client.runs.stream(None, "agent", input=seed_input, stream_mode="updates") as stream:
        assert stream.response.status_code == 200
        header_run_id = stream.run_id
        parts = list(stream)
    assert parts[0].event == "metadata"
    assert header_run_id == parts[0].data["run_id"] == stream.run_id


@pytest.mark.parametrize(
    ("graph", "mode", "expected_events", "extra"),
    [
        ("agent", "values", {"values"}, {}),
        ("agent", "updates", {"updates"}, {}),
        ("tokens", "messages", {"messages/metadata", "messages/partial"}, {}),
        ("tokens", "messages-tuple", {"messages"}, {}),
        ("slow", "custom", {"custom"}, {"input": {"n": 2, "delay": 0.01}}),
        ("agent", "events", {"events"}, {}),
        ("agent", "debug", {"debug"}, {}),
        ("agent", "tasks", {"tasks"}, {}),
    ],
)
def test_every_stream_mode(
    client: Client, seed_input: dict[str, Any], graph: str, mode: str, expected_events: set[str], extra: dict[str, Any]
) -> None:
    kwargs = {"input": seed_input, **extra}
    parts = list(client.runs.stream(None, graph, stream_mode=mode, **kwargs))  # type: ignore[arg-type]
    assert all(isinstance(part, StreamPart) for part in parts)
    assert parts[0].event == "metadata"
    assert {part.event for part in parts[1:]} == expected_events
    assert {part.mode for part in parts[1:]} == expected_events  # no "|": mode is the whole event
    assert all(part.namespace == () for part in parts)


def test_checkpoints_mode_on_a_thread(client: Client, seed_input: dict[str, Any]) -> None:
    thread = client.threads.create()
    parts = list(client.runs.stream(thread.thread_id, "agent", input=seed_input, stream_mode="checkpoints"))
    checkpoints = [part for part in parts if part.event == "checkpoints"]
    assert checkpoints, [part.event for part in parts]
    assert "values" in checkpoints[-1].data
    assert _messages(checkpoints[-1].data["values"])[-1].startswith("echo: ")


def test_messages_tuple_streams_tokens(client: Client, seed_input: dict[str, Any]) -> None:
    parts = list(client.runs.stream(None, "tokens", input=seed_input, stream_mode="messages-tuple"))
    chunks = [part.data[0]["content"] for part in parts if part.event == "messages"]
    assert len(chunks) > 3  # token by token, not one message
    assert "".join(chunks) == "Hello Bagatur! Nice to meet you."


def test_list_of_modes_interleaves_them(client: Client, seed_input: dict[str, Any]) -> None:
    parts = list(client.runs.stream(None, "agent", input=seed_input, stream_mode=["values", "updates", "debug"]))
    events = [part.event for part in parts]
    assert events[0] == "metadata"
    assert {"values", "updates", "debug"} <= set(events)
    assert events.index("values") < events.index("updates")


def test_subgraph_events_carry_a_namespace(client: Client, seed_input: dict[str, Any]) -> None:
    parts = list(
        client.runs.stream(None, "subgraph", input=seed_input, stream_mode="updates", stream_subgraphs=True)
    )
    nested = [part for part in parts if part.namespace]
    assert len(nested) == 1
    assert nested[0].mode == "updates"
    assert nested[0].namespace[0].startswith("child:")
    assert nested[0].data["child_node"]["messages"][0]["content"] == "from child"
    top = [part for part in parts if part.event == "updates"]
    assert top and top[0].namespace == ()


def test_interrupt_then_resume_with_command_on_a_thread(client: Client, seed_input: dict[str, Any]) -> None:
    thread = client.threads.create()
    parts = list(client.runs.stream(thread.thread_id, "interrupt", input=seed_input, stream_mode="updates"))
    interrupts = [part.data["__interrupt__"] for part in parts if part.event == "updates"]
    assert interrupts and interrupts[0][0]["value"] == {"question": "approve?"}
    state = client.runs.wait(thread.thread_id, "interrupt", command={"resume": "yes"})
    assert _messages(state)[-1] == "answer: yes"


def test_failed_run_raises_run_error_while_streaming(client: Client, seed_input: dict[str, Any]) -> None:
    stream = client.runs.stream(None, "error", input=seed_input, stream_mode="updates")
    seen = []
    with pytest.raises(RunError) as caught:
        for part in stream:
            seen.append(part.event)
    assert seen == ["metadata"]
    assert caught.value.error == "ValueError"
    assert caught.value.detail == "node exploded"
    assert caught.value.run_id == stream.run_id is not None
    assert stream.run_id in str(caught.value)


def test_failed_run_raises_run_error_from_wait(client: Client, seed_input: dict[str, Any]) -> None:
    with pytest.raises(RunError) as caught:
        client.runs.wait(None, "error", input=seed_input)
    assert (caught.value.error, caught.value.detail) == ("ValueError", "node exploded")
    assert caught.value.run_id
    body = client.runs.wait(None, "error", input=seed_input, raise_error=False)
    assert body == {"__error__": {"error": "ValueError", "message": "node exploded"}}


def test_unknown_assistant_is_422_with_server_detail(client: Client, seed_input: dict[str, Any]) -> None:
    with pytest.raises(UnprocessableEntityError) as caught:
        client.runs.wait(None, "nope", input=seed_input)
    error = caught.value
    assert error.status_code == 422
    assert error.detail is not None and "Invalid assistant: 'nope'" in error.detail
    assert "POST /runs/wait -> 422" in str(error)
    with pytest.raises(UnprocessableEntityError):
        client.runs.stream(None, "nope", input=seed_input)  # raised at the call, not on next()


def test_background_stateless_run_get_join(client: Client) -> None:
    run = client.runs.create(None, "slow", input={"n": 2, "delay": 0.2})
    assert isinstance(run, Run)
    assert run.status == "pending" and run.thread_id and run.run_id
    fetched = client.runs.get(run.thread_id, run.run_id)
    assert fetched.run_id == run.run_id and fetched.status in {"pending", "running", "success"}
    assert client.runs.join(run.thread_id, run.run_id) == {"n": 2, "delay": 0.2, "out": [0, 1]}
    with pytest.raises(NotFoundError) as caught:  # the temporary thread is gone with the run
        client.runs.join(run.thread_id, run.run_id)
    assert caught.value.status_code == 404 and caught.value.detail == "Run not found"


def test_delete_removes_a_thread_s_run_and_keeps_the_others(client: Client, seed_input: dict[str, Any]) -> None:
    thread = client.threads.create()
    kept = client.runs.create(thread.thread_id, "agent", input=seed_input)
    client.runs.join(thread.thread_id, kept.run_id)
    gone = client.runs.create(thread.thread_id, "agent", input=seed_input)
    client.runs.join(thread.thread_id, gone.run_id)
    assert client.runs.delete(thread.thread_id, gone.run_id) is None
    with pytest.raises(NotFoundError):
        client.runs.get(thread.thread_id, gone.run_id)
    assert [run.run_id for run in client.runs.list(thread.thread_id)] == [kept.run_id]
    with pytest.raises(NotFoundError):  # already deleted
        client.runs.delete(thread.thread_id, gone.run_id)
    client.threads.delete(thread.thread_id)


def test_create_batch(client: Client, seed_input: dict[str, Any]) -> None:
    keep = {"on_completion": "keep"}  # else a run that ends before its join takes its thread with it
    runs = client.runs.create_batch(
        [{"assistant_id": "agent", "input": seed_input, **keep},
         {"assistant_id": "slow", "input": {"n": 1, "delay": 0}, **keep}]
    )
    assert [type(run) for run in runs] == [Run, Run]
    assert len({run.run_id for run in runs}) == 2
    results = [client.runs.join(run.thread_id, run.run_id) for run in runs]
    assert _messages(results[0])[-1].startswith("echo: ")
    assert results[1]["out"] == [0]


def test_join_stream_follows_a_background_run(client: Client) -> None:
    thread = client.threads.create()
    run = client.runs.create(
        thread.thread_id, "slow", input={"n": 5, "delay": 0.2}, stream_mode=["custom", "updates"]
    )
    with client.runs.join_stream(thread.thread_id, run.run_id, stream_mode="custom") as stream:
        custom = [part.data["i"] for part in stream if part.event == "custom"]
    assert custom and custom == sorted(custom) and custom[-1] == 4


def test_busy_thread_with_reject_strategy_is_409(client: Client) -> None:
    thread = client.threads.create()
    run = client.runs.create(thread.thread_id, "slow", input={"n": 30, "delay": 0.1})
    try:
        with pytest.raises(ConflictError) as caught:
            client.runs.create(thread.thread_id, "agent", input={"messages": []}, multitask_strategy="reject")
        assert caught.value.status_code == 409
    finally:
        client.runs.cancel(thread.thread_id, run.run_id, wait=True)
    assert client.runs.get(thread.thread_id, run.run_id).status == "interrupted"


def test_threads_create_get_delete(client: Client) -> None:
    thread = client.threads.create(metadata={"owner": "tests"})
    assert isinstance(thread, Thread)
    assert client.threads.get(thread.thread_id).metadata["owner"] == "tests"
    assert client.threads.delete(thread.thread_id) is None
    with pytest.raises(NotFoundError):
        client.threads.get(thread.thread_id)


@pytest.mark.parametrize(("on_disconnect", "final"), [("cancel", "interrupted"), ("continue", "success")])
def test_closing_the_stream_disconnects_and_cancel_stops_the_run(
    client: Client, on_disconnect: str, final: str
) -> None:
    thread = client.threads.create()
    stream = client.runs.stream(
        thread.thread_id, "slow", input={"n": 8, "delay": 0.15}, stream_mode="custom",
        on_disconnect=on_disconnect,  # type: ignore[arg-type]
    )
    with stream:
        for part in stream:
            if part.event == "custom":
                break
    assert stream.run_id is not None  # leaving the with block closed the connection at once
    with pytest.raises(StreamClosedError):
        iter(stream)
    assert settled_status(client, thread.thread_id, stream.run_id, seconds=30) == final
