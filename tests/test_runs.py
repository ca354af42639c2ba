"""``client.runs``: the wire shape of every method (``responses``, strict matchers) and its
behaviour on the real ``langgraph dev`` server (the ``client`` fixture). How the ``RunStream``
that ``runs.stream`` returns is read, closed and relayed is in ``test_run_stream.py``."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
import uuid
import warnings
from typing import Any

import pytest
from responses import matchers

from stateless_client import (
    Client,
    ConflictError,
    InvalidResponseError,
    NotFoundError,
    Run,
    RunError,
    StreamClosedError,
    StreamPart,
    UnprocessableEntityError,
)
from stateless_client._dev.local_server import LocalServer
from stateless_client._resources.runs import STREAM_TAG

from .helpers import BASE, SSE, settled_status

RUN = {
    "run_id": "r1",
    "thread_id": "t1",
    "assistant_id": "a1",
    "status": "pending",
    "created_at": "2026-11-21T13:35:55.195870+00:00",
    "updated_at": "2026-11-21T13:35:55Z",
    "metadata": {},
    "multitask_strategy": "enqueue",
    "kwargs": {},
    "field_from_a_newer_server": {"ignored": True},
}
ALL_RUN_PARAMETERS: dict[str, Any] = {
    "input": {"messages": []},
    "command": {"resume": "yes", "goto": None},
    "metadata": {"m": 1},
    "config": {"configurable": {"k": "v"}},
    "context": {"c": 1},
    "checkpoint": {"checkpoint_id": "c1"},
    "checkpoint_id": "c1",
    "interrupt_before": ["a"],
    "interrupt_after": "*",
    "webhook": "https://hooks.example/run",
    "multitask_strategy": "reject",
    "if_not_exists": "create",
    "on_completion": "keep",
    "after_seconds": 3,
    "durability": "sync",
}
STREAM_ONLY = {
    "stream_mode": ["updates", "custom"],
    "stream_subgraphs": True,
    "stream_resumable": True,
    "feedback_keys": ["score"],
    "on_disconnect": "cancel",
}


# -- wire shape ---------------------------------------------------------------------------------


def _sent(parameters: dict[str, Any]) -> dict[str, Any]:
    """What the server must receive: ``None`` values dropped, ``command`` cleaned."""
    body = {"assistant_id": "agent", **parameters}
    if "command" in body:
        body["command"] = {k: v for k, v in body["command"].items() if v is not None}
    return body


def test_stream_sends_every_parameter_to_the_stateless_endpoint(api: Any, mock_client: Client) -> None:
    parameters = {**ALL_RUN_PARAMETERS, **STREAM_ONLY}
    api.post(
        f"{BASE}/runs/stream",
        body=b"event: metadata\ndata: {\"run_id\": \"r1\"}\n\n",
        content_type=SSE,
        match=[matchers.header_matcher({"accept": "text/event-stream"})],
    )
    parts = list(mock_client.runs.stream(None, "agent", **parameters, headers={"x-extra": "1"}))
    assert [(p.event, p.data) for p in parts] == [("metadata", {"run_id": "r1"})]
    assert api.calls[0].request.headers["x-extra"] == "1"
    sent = json.loads(api.calls[0].request.body)
    tag = sent["metadata"].pop(STREAM_TAG)  # what finds a stateless run's thread for cancel()
    assert isinstance(tag, str) and len(tag) == 32
    assert sent == _sent(parameters)


def test_stream_on_a_thread_uses_the_thread_path_and_quotes_ids(api: Any, mock_client: Client) -> None:
    api.post(f"{BASE}/threads/t%2F1/runs/stream", body=b"", content_type=SSE,
             match=[matchers.json_params_matcher({"assistant_id": "agent", "stream_mode": "values",
                                                  "stream_subgraphs": False, "stream_resumable": False},
                                                 strict_match=True)])
    assert list(mock_client.runs.stream("t/1", "agent")) == []


def test_wait_sends_every_parameter_and_tolerates_keepalive_lines(api: Any, mock_client: Client) -> None:
    api.post(
        f"{BASE}/runs/wait",
        body=b"\n\n\r\n{\"messages\": [1]}",
        content_type="application/json",
        match=[matchers.json_params_matcher(_sent({**ALL_RUN_PARAMETERS, "on_disconnect": "cancel"}),
                                            strict_match=True)],
    )
    assert mock_client.runs.wait(None, "agent", **ALL_RUN_PARAMETERS) == {"messages": [1]}


def test_create_and_batch_send_their_payloads(api: Any, mock_client: Client) -> None:
    parameters = {**ALL_RUN_PARAMETERS, "stream_mode": "values", "stream_resumable": True}
    api.post(f"{BASE}/threads/t1/runs", json=RUN,
             match=[matchers.json_params_matcher(_sent({**parameters, "stream_subgraphs": False}), strict_match=True)])
    api.post(f"{BASE}/runs/batch", json=[RUN, RUN],
             match=[matchers.json_params_matcher([{"assistant_id": "a"}, {"assistant_id": "b", "input": 1}])])
    run = mock_client.runs.create("t1", "agent", **parameters)
    assert (run.run_id, run.thread_id, run.status) == ("r1", "t1", "pending")
    assert run.created_at is not None and run.updated_at is not None and run.updated_at.tzinfo is not None
    batch = mock_client.runs.create_batch([{"assistant_id": "a", "input": None}, {"assistant_id": "b", "input": 1}])
    assert [r.run_id for r in batch] == ["r1", "r1"]


def test_follow_up_calls_use_the_official_paths(api: Any, mock_client: Client) -> None:
    # Finished: the join_stream below ends cleanly without an `end`, so it asks for the run.
    api.get(f"{BASE}/threads/t1/runs/r1", json={**RUN, "status": "success"})
    api.get(f"{BASE}/threads/t1/runs/r1/join", json={"done": True})
    api.post(f"{BASE}/threads/t1/runs/r1/cancel", body=b"",
             match=[matchers.query_param_matcher({"wait": "1", "action": "rollback"})])
    api.get(f"{BASE}/threads/t1/runs/r1/stream", body=b"data: 1\n\n", content_type=SSE,
            match=[matchers.query_param_matcher({"cancel_on_disconnect": "true", "stream_mode": "custom"}),
                   matchers.header_matcher({"last-event-id": "5-0"})])
    api.post(f"{BASE}/threads", json={"thread_id": "t9"},
             match=[matchers.json_params_matcher({"metadata": {"a": 1}, "if_exists": "do_nothing"})])
    api.get(f"{BASE}/threads/t9", json={"thread_id": "t9", "status": "busy", "future": 1})
    api.delete(f"{BASE}/threads/t9", status=204)

    assert mock_client.runs.get("t1", "r1").run_id == "r1"
    assert mock_client.runs.join("t1", "r1") == {"done": True}
    assert mock_client.runs.cancel("t1", "r1", wait=True, action="rollback") is None
    stream = mock_client.runs.join_stream("t1", "r1", stream_mode="custom", cancel_on_disconnect=True,
                                          last_event_id="5-0")
    assert [p.data for p in stream] == [1]
    assert mock_client.threads.create(metadata={"a": 1}, if_exists="do_nothing").thread_id == "t9"
    assert mock_client.threads.get("t9").status == "busy"
    assert mock_client.threads.delete("t9") is None


def test_join_stream_yields_an_end_event_and_v2_drops_it_as_the_sdk_does(api: Any, mock_client: Client) -> None:
    body = b'event: values\ndata: {"n": 1}\n\nevent: end\ndata: null\n\n'
    api.get(f"{BASE}/threads/t1/runs/r1/stream", body=body, content_type=SSE)
    api.post(f"{BASE}/runs/stream", body=body, content_type=SSE)
    assert [p.event for p in mock_client.runs.join_stream("t1", "r1")] == ["values", "end"]
    assert [p["type"] for p in mock_client.runs.stream(None, "agent", version="v2")] == ["values"]


def test_create_answered_with_only_an_id_and_status_returns_them(api: Any, mock_client: Client) -> None:
    api.post(f"{BASE}/threads/t1/runs", json={"run_id": "r1", "status": "pending"})
    run = mock_client.runs.create("t1", "agent")
    assert run == {"run_id": "r1", "status": "pending"} and (run.run_id, run.status) == ("r1", "pending")
    assert run.thread_id is None and "thread_id" not in run


def test_non_sse_stream_response_is_a_typed_error_at_the_call(api: Any, mock_client: Client) -> None:
    api.post(f"{BASE}/runs/stream", body="<html>maintenance</html>", content_type="text/html")
    with pytest.raises(InvalidResponseError) as caught:
        mock_client.runs.stream(None, "a")
    assert "text/html" in str(caught.value) and caught.value.snippet == "<html>maintenance</html>"


def test_wait_error_body_becomes_run_error_with_run_id(api: Any, mock_client: Client) -> None:
    api.post(f"{BASE}/runs/wait", json={"__error__": {"error": "ValueError", "message": "node exploded"}},
             headers={"content-location": "/threads/t1/runs/r1"})
    with pytest.raises(RunError) as caught:
        mock_client.runs.wait(None, "a")
    assert (caught.value.run_id, caught.value.error, caught.value.detail) == ("r1", "ValueError", "node exploded")


def test_wire_names_and_params_are_the_sdks(api: Any, mock_client: Client) -> None:
    api.post(f"{BASE}/runs/wait", json={},
             match=[matchers.json_params_matcher({"assistant_id": "a", "langsmith_tracer": {"project_name": "p"},
                                                  "strict_resume": True, "on_disconnect": "cancel"},
                                                 strict_match=True),
                    matchers.query_param_matcher({"tenant": "t1"})])
    api.post(f"{BASE}/threads/t/runs/r/cancel", body=b"",
             match=[matchers.query_param_matcher({"wait": "0", "action": "rollback", "extra": "1"})])
    api.post(f"{BASE}/runs/cancel", body=b"",
             match=[matchers.json_params_matcher({"run_ids": ["r1"]}, strict_match=True),
                    matchers.query_param_matcher({"action": "interrupt"})])
    mock_client.runs.wait(None, "a", langsmith_tracing={"project_name": "p"}, strict_resume=True,
                          params={"tenant": "t1"})
    mock_client.runs.cancel("t", "r", action="rollback", params=[("extra", "1")])
    mock_client.runs.cancel_many(run_ids=["r1"])


# -- the real server ----------------------------------------------------------------------------


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


def test_version_v2_yields_the_sdks_dicts(client: Client) -> None:
    parts = list(client.runs.stream(None, "subgraph", input={"messages": []}, stream_mode="updates",
                                    stream_subgraphs=True, version="v2"))
    assert {part["type"] for part in parts} == {"metadata", "updates"}
    assert all(set(part) == {"type", "ns", "data", "interrupts"} for part in parts)
    assert any(part["ns"] for part in parts) and all(isinstance(part["ns"], list) for part in parts)


def test_raise_error_false_yields_the_error_part_like_the_sdk(client: Client) -> None:
    parts = list(client.runs.stream(None, "error", input={"messages": []}, raise_error=False))
    assert parts[-1] == StreamPart("error", {"error": "ValueError", "message": "node exploded"})
    with pytest.raises(RunError, match="node exploded"):
        list(client.runs.stream(None, "error", input={"messages": []}))


def test_on_run_created_is_called_before_the_first_event(client: Client, seed_input: dict[str, Any]) -> None:
    created: list[Any] = []
    stream = client.runs.stream(None, "agent", input=seed_input, on_run_created=created.append)
    assert len(created) == 1 and created[0]["thread_id"] is None  # before iterating
    first = next(iter(stream))
    assert first.data["run_id"] == created[0]["run_id"]
    thread = client.threads.create()
    client.runs.wait(thread["thread_id"], "agent", input=seed_input, on_run_created=created.append)
    run = client.runs.create(thread["thread_id"], "agent", input=seed_input, on_run_created=created.append)
    assert created[-1] == {"run_id": run["run_id"], "thread_id": thread["thread_id"]}
    assert created[1]["thread_id"] == thread["thread_id"]


def test_checkpoint_during_is_accepted_with_a_deprecation_warning(client: Client, seed_input: dict[str, Any]) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        state = client.runs.wait(None, "agent", input=seed_input, checkpoint_during=True)
    assert state["messages"]
    (warning,) = [w for w in caught if issubclass(w.category, DeprecationWarning)]
    assert "durability" in str(warning.message) and warning.filename == __file__


def test_wait_many_returns_states_in_input_order(client: Client) -> None:
    inputs = [{"n": 1, "delay": 0.3 * (4 - i)} for i in range(4)]  # the first input finishes last
    done: list[tuple[int, int]] = []
    states = client.runs.wait_many("slow", inputs, max_concurrency=4, progress=lambda d, t: done.append((d, t)))
    assert [state["delay"] for state in states] == [item["delay"] for item in inputs]
    assert done == [(1, 4), (2, 4), (3, 4), (4, 4)]


def test_wait_many_failures_in_place_or_raised(client: Client) -> None:
    mixed = client.runs.wait_many("error", [{"messages": []}] * 2, return_exceptions=True)
    assert all(isinstance(result, RunError) and "node exploded" in str(result) for result in mixed)
    with pytest.raises(RunError, match="node exploded"):
        client.runs.wait_many("error", [{"messages": []}] * 2)
    with pytest.raises(ValueError, match="max_concurrency"):
        client.runs.wait_many("agent", [{}], max_concurrency=0)


def test_ctrl_c_cancels_the_runs_in_flight_on_the_server(server: LocalServer, client: Client) -> None:
    tag = uuid.uuid4().hex
    script = textwrap.dedent(f"""
        from stateless_client import get_client
        client = get_client(url={server.url!r}, api_key=None)
        client.runs.wait_many("slow", [{{"n": 100, "delay": 0.2}}] * 3, max_concurrency=3,
                              metadata={{"batch": {tag!r}}}, on_completion="keep")
    """)
    child = subprocess.Popen([sys.executable, "-c", script], stderr=subprocess.PIPE, text=True)
    try:
        threads = _threads_of(client, tag, expected=3)
        time.sleep(0.5)  # each run is well under way (a run takes 20 s)
        child.send_signal(signal.SIGINT)
        _, stderr = child.communicate(timeout=30)
    finally:
        if child.poll() is None:
            os.kill(child.pid, signal.SIGKILL)
    assert "KeyboardInterrupt" in stderr
    statuses = {settled_status(client, thread_id) for thread_id in threads}
    assert statuses == {"interrupted"}


def _threads_of(client: Client, tag: str, expected: int) -> list[str]:
    for _ in range(200):
        found = client._transport.request("POST", "/threads/search", client._transport.options(),
                                          json={"metadata": {"batch": tag}, "limit": 10}).json()
        if len(found) >= expected:
            return [thread["thread_id"] for thread in found]
        time.sleep(0.05)
    raise AssertionError(f"the runs of batch {tag} never started")
