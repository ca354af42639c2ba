"""Code written for the official sync SDK's dicts and tuples runs unchanged: subscriptable models
and stream parts that unpack as tuples, against the real server. The SDK's extra parameters are
tested with their method, in ``test_runs.py`` and ``test_threads.py``."""

from __future__ import annotations

from typing import Any

from stateless_client import Client


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
