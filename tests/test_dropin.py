"""Code written for the official sync SDK runs unchanged: subscriptable models, tuple parts,
the SDK's extra parameters. Against the real server, except where the wire shape is the point."""

from __future__ import annotations

import warnings
from typing import Any

import pytest
from responses import matchers

from stateless_client import Client, RunError, StreamPart

from .helpers import BASE


def test_sdk_style_thread_and_run_code(client: Client, seed_input: dict[str, Any]) -> None:
    thread = client.threads.create(metadata={"user": "u1"})
    run = client.runs.create(thread["thread_id"], "agent", input=seed_input)
    assert run["thread_id"] == thread["thread_id"] and run["status"] in ("pending", "running", "success")
    final = client.runs.join(thread["thread_id"], run["run_id"])
    assert final["messages"][-1]["content"].startswith("echo: ")
    fetched = client.threads.get(thread["thread_id"])
    assert fetched["metadata"]["user"] == "u1" and "values" in fetched and fetched["values"] == final
    assert fetched.get("config") is not None and "state_updated_at" in fetched  # kept, not dropped
    client.threads.delete(thread["thread_id"])


def test_stream_parts_unpack_as_event_data_id(client: Client, seed_input: dict[str, Any]) -> None:
    events = []
    for event, data, event_id in client.runs.stream(None, "agent", input=seed_input, stream_mode="updates"):
        events.append(event)
        assert isinstance(data, dict) and (event_id is None or isinstance(event_id, str))
    assert events == ["metadata", "updates"]


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


def test_threads_create_with_graph_ttl_and_supersteps_and_get_with_include(client: Client) -> None:
    thread = client.threads.create(
        graph_id="agent", ttl=60,
        supersteps=[{"updates": [{"values": {"messages": [{"role": "user", "content": "hi"}]}, "as_node": "agent"}]}],
    )
    assert thread["metadata"]["graph_id"] == "agent"  # where the API keeps it, as the SDK sends it
    fetched = client.threads.get(thread["thread_id"], include=["ttl"])  # langgraph dev reports no TTL
    assert fetched["values"]["messages"][0]["content"] == "hi" and fetched["status"] == "idle"
    client.threads.delete(thread["thread_id"])


def test_wire_names_and_params_are_the_sdks(api: Any, mock_client: Client) -> None:
    api.post(f"{BASE}/runs/wait", json={},
             match=[matchers.json_params_matcher({"assistant_id": "a", "langsmith_tracer": {"project_name": "p"},
                                                  "strict_resume": True}, strict_match=True),
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
