"""One client shared by many threads, and inherited by a forked child, against the real server."""

from __future__ import annotations

import logging
import os
import threading
from typing import Any

import pytest

from stateless_client import Client, StreamPart


def test_64_threads_share_one_client_with_200_early_breaks(
    client: Client, seed_input: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="urllib3")
    remaining = iter(range(200))
    lock = threading.Lock()
    firsts: list[StreamPart] = []
    errors: list[BaseException] = []

    def work() -> None:
        while True:
            with lock:
                if next(remaining, None) is None:
                    return
            try:
                for part in client.runs.stream(None, "agent", input=seed_input, stream_mode="updates",
                                               on_disconnect="cancel"):
                    firsts.append(part)
                    break  # closes this stream's connection at once
            except BaseException as exc:  # collected: the assertion below reports them
                errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(64)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=240)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    assert errors == []
    assert len(firsts) == 200 and all(part.event == "metadata" for part in firsts)
    assert len({part.data["run_id"] for part in firsts}) == 200
    assert not [r for r in caplog.records if "pool is full" in r.getMessage()]
    # the client is still healthy afterwards
    assert client.runs.wait(None, "agent", input=seed_input)["messages"][-1]["content"].startswith("echo: ")


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_forked_child_gets_its_own_connections(client: Client, seed_input: dict[str, Any]) -> None:
    expected = "echo: Hello! My name is Bagatur and I am 26 years old."
    assert client.runs.wait(None, "agent", input=seed_input)["messages"][-1]["content"] == expected
    parent_session = client._transport.session  # holds a pooled, kept-alive connection now
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child, as under gunicorn --preload or Celery prefork
        try:
            state = client.runs.wait(None, "agent", input=seed_input)
            fresh = client._transport.session is not parent_session
            report = b"ok" if fresh and state["messages"][-1]["content"] == expected else b"shared session"
        except BaseException as exc:
            report = repr(exc).encode()[:900]
        os.write(write_end, report)
        os._exit(0)
    os.close(write_end)
    try:
        report = os.read(read_end, 1000)
    finally:
        os.close(read_end)
        os.waitpid(pid, 0)
    assert report == b"ok"
    # the parent's own pooled connection was not disturbed by the child
    assert client._transport.session is parent_session
    assert client.runs.wait(None, "agent", input=seed_input)["messages"][-1]["content"] == expected
