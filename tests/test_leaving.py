"""Nobody pays for a run nobody reads: a stateless run whose caller leaves is cancelled.

Each way a caller leaves (``tests/leaving.py``) runs against the real server, and the run it
left must stop; ``wait_many`` is interrupted at random moments and with delays injected at
each step; ``RunStream.cancel()`` finds a stateless run in a bounded number of requests; a
relay closed by the web server never waits for the cancel.
"""

from __future__ import annotations

import contextlib
import json
import random
import re
import threading
import time
from typing import Any, Iterator

import pytest

from stateless_client import Client, NotFoundError, RunError, get_client
from stateless_client._dev.local_server import LocalServer
from stateless_client._http.transport import Transport

from . import leaving
from .leaving import GRAPH, LONG_INPUT, running_runs, wait_until_running, wait_until_stopped
from .loopback import Connection, ScriptedServer


@pytest.fixture
def quiet_server(server: LocalServer, client: Client) -> Iterator[LocalServer]:
    """The real server with no ``linger`` run going before the test, nor after it."""
    leftover = wait_until_stopped(client, within=5)
    if leftover:  # an earlier test's failure must not fail this one too
        _cancel_every_run(client)
        assert not wait_until_stopped(client)
    yield server
    if running_runs(client):
        _cancel_every_run(client)


def _cancel_every_run(client: Client) -> None:
    """Cancel whatever ``linger`` runs are left, each by its own request.

    Not ``runs.cancel_many(status="all")``: on ``langgraph dev`` (0.16.7) it marks a running
    run cancelled without stopping it, and the next run waits for its minute to end (measured:
    58.7 s to a new run's first event, 1.0 s after a ``runs.cancel``).
    """
    for thread_id, run_id in leaving.going_runs(client):
        with contextlib.suppress(NotFoundError):  # it ended meanwhile
            client.runs.cancel(thread_id, run_id)


# -- each way of leaving, on the real server -----------------------------------------------------


@pytest.mark.skipif(leaving.SCRIPT is None, reason="the console script is not installed (pip install -e .)")
def test_cli_ctrl_c_stops_a_stateless_stream_and_says_what_the_server_confirmed(
    quiet_server: LocalServer, client: Client
) -> None:
    run_id, done = leaving.cli_ctrl_c(quiet_server.url)
    assert done.returncode == 130
    assert re.fullmatch(rf"stateless-client: interrupted: run {run_id} (was cancelled|is no longer running: .*)\n",
                        done.stderr), done.stderr
    assert not wait_until_stopped(client, {run_id})


def test_ctrl_c_in_wait_cancels_the_run(quiet_server: LocalServer, client: Client) -> None:
    run_id = leaving.wait_ctrl_c(quiet_server.url)
    assert not wait_until_stopped(client, {run_id})


def test_a_soft_time_limit_in_wait_cancels_the_run(quiet_server: LocalServer, client: Client) -> None:
    run_id = leaving.soft_time_limit_in_wait(quiet_server.url)
    assert not wait_until_stopped(client, {run_id})


def test_a_killed_reader_leaves_no_run(quiet_server: LocalServer, client: Client) -> None:
    run_id = leaving.stream_process_killed(quiet_server.url)
    assert not wait_until_stopped(client, {run_id})


def test_an_exception_in_the_loop_cancels_the_run(quiet_server: LocalServer, client: Client) -> None:
    run_id = leaving.exception_in_loop(client)
    assert not wait_until_stopped(client, {run_id})


def test_an_exception_raised_asynchronously_in_the_reader_cancels_the_run(
    quiet_server: LocalServer, client: Client
) -> None:
    run_id = leaving.async_exception_in_reader(client)
    assert not wait_until_stopped(client, {run_id})


def test_a_closed_relay_cancels_the_run(quiet_server: LocalServer, client: Client) -> None:
    run_id = leaving.relay_closed(client)
    assert not wait_until_stopped(client, {run_id})


def test_continue_keeps_a_stateless_run_going_and_so_does_a_client_default(
    quiet_server: LocalServer, client: Client
) -> None:
    """The opt-out, per call and per client: the run outlives its caller, as on the SDK."""
    kept = get_client(url=quiet_server.url, api_key=None, stateless_on_disconnect="continue")
    for runs, extra in ((client.runs, {"on_disconnect": "continue"}), (kept.runs, {})):
        with runs.stream(None, GRAPH, input=LONG_INPUT, stream_mode="custom", **extra) as stream:
            next(stream)
            run_id = stream.run_id
        time.sleep(1.5)
        assert run_id in running_runs(client)
        _cancel_every_run(client)
        assert not wait_until_stopped(client, {run_id or ""})


def test_a_run_on_a_thread_keeps_the_servers_default(quiet_server: LocalServer, client: Client) -> None:
    thread = client.threads.create()
    bodies = _record_bodies(client)
    with client.runs.stream(thread["thread_id"], GRAPH, input=LONG_INPUT, stream_mode="custom") as stream:
        next(stream)
    sent = json.loads(bodies[0])
    assert "on_disconnect" not in sent and "metadata" not in sent
    assert stream.run_id in running_runs(client)  # its result stays in the thread: nothing to cancel
    client.runs.cancel(thread["thread_id"], stream.run_id or "", wait=True)


def _record_bodies(client: Client) -> list[bytes]:
    """The body of each request ``client`` sends from now on."""
    bodies: list[bytes] = []
    send = client._transport._send

    def recording(method: str, url: str, body: bytes | None, *args: Any, **kwargs: Any) -> Any:
        bodies.append(body or b"")
        return send(method, url, body, *args, **kwargs)

    client._transport._send = recording  # type: ignore[method-assign]
    return bodies


# -- wait_many ---------------------------------------------------------------------------------


@pytest.mark.parametrize("moment", [random.Random(seed).uniform(0.0, 1.5) for seed in range(4)])
def test_wait_many_interrupted_at_a_random_moment_leaves_no_run(
    quiet_server: LocalServer, client: Client, moment: float
) -> None:
    took = leaving.wait_many_ctrl_c(quiet_server.url, moment)
    assert took < leaving.PATIENCE
    assert not wait_until_stopped(client)


def test_wait_many_interrupted_lets_the_process_exit(quiet_server: LocalServer, client: Client) -> None:
    """The pool's threads do not keep the interpreter alive waiting for their runs."""
    process = leaving.python("""
from stateless_client import get_client
client = get_client(url=URL, api_key=None)
print("ready", flush=True)
client.runs.wait_many(GRAPH, [LONG_INPUT] * 4, max_concurrency=4)
""", quiet_server.url)
    leaving.read_line(process)
    wait_until_running(client, count=4)
    started = time.monotonic()
    process.send_signal(leaving.signal.SIGINT)
    process.communicate(timeout=leaving.PATIENCE)
    assert time.monotonic() - started < leaving.PATIENCE / 2  # the runs last a minute
    assert not wait_until_stopped(client)


@pytest.fixture
def slowed_steps(monkeypatch: pytest.MonkeyPatch) -> dict[str, float]:
    """Delays injected into the requests of long runs: before the request is sent, and after
    the answer's headers arrived but before the call sees them (the server has accepted a run
    that the caller does not know of yet). A short run's request is not delayed, so that it
    can fail while the long ones are between those steps."""
    delays = {"before_send": 0.0, "after_headers": 0.0}
    send = Transport._send
    long_run = json.dumps(LONG_INPUT, separators=(",", ":")).encode()

    def slowed(self: Transport, method: str, url: str, body: bytes | None, *args: Any, **kwargs: Any) -> Any:
        delayed = body is not None and long_run in body
        if delayed:
            time.sleep(delays["before_send"])
        response = send(self, method, url, body, *args, **kwargs)
        if delayed:
            time.sleep(delays["after_headers"])
        return response

    monkeypatch.setattr(Transport, "_send", slowed)
    return delays


@pytest.mark.parametrize("step", ["before_send", "after_headers"])
def test_wait_many_failing_while_runs_are_between_steps_leaves_no_run(
    quiet_server: LocalServer, client: Client, slowed_steps: dict[str, float], step: str
) -> None:
    slowed_steps[step] = 2.0
    inputs = [LONG_INPUT, {"n": "not a number"}, LONG_INPUT, LONG_INPUT]  # the second run fails at once
    with pytest.raises(RunError):
        client.runs.wait_many(GRAPH, inputs, max_concurrency=4)
    assert not wait_until_stopped(client)


def test_wait_many_stops_when_the_progress_callback_raises(quiet_server: LocalServer, client: Client) -> None:
    def progress(done: int, total: int) -> None:
        raise OSError("the progress file is gone")

    with pytest.raises(OSError, match="progress file"):
        client.runs.wait_many(GRAPH, [{"n": 1, "delay": 0.01}, LONG_INPUT, LONG_INPUT], progress=progress)
    assert not wait_until_stopped(client)


def test_wait_many_interrupted_in_this_thread_leaves_no_run(quiet_server: LocalServer, client: Client) -> None:
    """Ctrl-C in the calling thread itself: ``KeyboardInterrupt`` comes out at once."""
    main = threading.current_thread()
    timer = threading.Timer(1.0, leaving.send_sigint_to, args=(main,))
    timer.start()
    started = time.monotonic()
    try:
        with pytest.raises(KeyboardInterrupt):
            client.runs.wait_many(GRAPH, [LONG_INPUT] * 5, max_concurrency=3)
    finally:
        timer.cancel()
    assert time.monotonic() - started < leaving.PATIENCE
    assert not wait_until_stopped(client)


# -- RunStream.cancel() of a stateless run --------------------------------------------------------


def test_cancel_finds_a_stateless_run_in_one_search_however_many_threads_are_busy(
    quiet_server: LocalServer, client: Client
) -> None:
    stream = client.runs.stream(None, GRAPH, input=LONG_INPUT, stream_mode="custom")
    next(stream)
    for _ in range(105):  # newer busy threads than one search page of the old lookup held
        client.runs.create(None, GRAPH, input=LONG_INPUT)
    sent = leaving.count_requests(client)
    stream.cancel()
    assert len(sent) == 2, sent
    assert sent[0] == f"POST {client.url}/threads/search"
    assert re.fullmatch(rf"POST {re.escape(client.url)}/threads/[^/]+/runs/{stream.run_id}/cancel", sent[1])
    assert not wait_until_stopped(client, {stream.run_id or ""})
    _cancel_every_run(client)


def test_cancel_of_a_stateless_run_that_ended_says_so(quiet_server: LocalServer, client: Client) -> None:
    stream = client.runs.stream(None, GRAPH, input={"n": 1, "delay": 0.01}, stream_mode="custom")
    assert [part.event for part in stream] == ["metadata", "custom"]
    with pytest.raises(NotFoundError, match=rf"cannot cancel run {stream.run_id}: it has ended"):
        stream.cancel()


# -- relays never block on the cancel ---------------------------------------------------------------


def _one_event_then_wait(conn: Connection) -> None:
    conn.head(headers={"content-location": "/threads/t1/runs/r1"})
    conn.chunk(b'event: metadata\ndata: {"run_id": "r1"}\n\n')
    conn.wait_for_client_close()


def _never_answers(conn: Connection) -> None:
    conn.closed_by_client.wait(5)


@pytest.mark.parametrize("relay", ["iter_sse", "aiter_sse"])
def test_closing_a_relay_does_not_wait_for_the_cancel(relay: str, make_client: Any) -> None:
    """A thread's run is cancelled by a request of its own; the web server's thread does not
    wait for that request's answer (here: none, ever)."""
    with ScriptedServer(_one_event_then_wait, _never_answers) as server:
        client = make_client(server.url, max_retries=0)
        stream = client.runs.stream("t1", "agent")
        started = time.monotonic()
        if relay == "iter_sse":
            body = stream.iter_sse()
            next(body)
            body.close()
        else:
            import asyncio

            async def leave() -> None:
                body = stream.aiter_sse()
                await body.__anext__()
                await body.aclose()

            asyncio.run(leave())
        closed_after = time.monotonic() - started
        deadline = time.monotonic() + leaving.PATIENCE
        while len(server.requests) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
    assert closed_after < 3.0  # the cancel below was never answered
    assert stream.closed
    assert (server.requests[1].method, server.requests[1].target) == ("POST", "/threads/t1/runs/r1/cancel?wait=0&"
                                                                               "action=interrupt")


def test_closing_a_relay_of_a_stateless_run_sends_nothing_more(make_client: Any) -> None:
    """The server cancels it when the connection closes (``on_disconnect="cancel"``)."""
    with ScriptedServer(_one_event_then_wait, _never_answers) as server:
        client = make_client(server.url, max_retries=0)
        body = client.runs.stream(None, "agent").iter_sse()
        next(body)
        body.close()
        time.sleep(0.5)
    assert len(server.requests) == 1
    assert json.loads(server.requests[0].body)["on_disconnect"] == "cancel"
