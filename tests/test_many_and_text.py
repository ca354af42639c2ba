"""``runs.wait_many`` and ``RunStream.text_stream`` against the real server."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
import uuid
from typing import Any

import pytest

from stateless_client import Client, RunError, StreamPart
from stateless_client._dev.local_server import LocalServer

from .helpers import settled_status

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
