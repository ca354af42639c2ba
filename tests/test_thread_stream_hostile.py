"""``client.threads.stream()`` under hostile conditions, against scripted loopback servers:
several threads reading one stream at once, memory after close, another run's lifecycle on the
same thread, events replayed without an ``event_id``, and a connection that ends before the run.
"""

from __future__ import annotations

import gc
import json
import threading
import time
import tracemalloc
from typing import Any

import pytest

from stateless_client import StreamClosedError, StreamInterruptedError

from .loopback import TIMEOUT, Connection, ScriptedServer, json_answer
from .test_thread_stream_wire import RUN_ID, command_answer, event, lifecycle, sse_answer

OTHER_RUN = "01a212e7-0000-7000-8000-00000000beef"


def values_run(count: int) -> list[bytes]:
    """A run's frames: ``running``, ``count`` values events, ``completed``."""
    return [lifecycle(1, "running"), *(event(2 + n, "values", {"n": n}) for n in range(count)),
            lifecycle(2 + count, "completed")]


def test_threads_reading_projections_at_once_each_see_every_event_once_in_order(make_client: Any) -> None:
    count = 3000
    script = ScriptedServer(command_answer({"run_id": RUN_ID}), sse_answer(*values_run(count)))
    seen: dict[str, list[Any]] = {}
    failures: list[BaseException] = []
    with script:
        client = make_client(script.url)
        with client.threads.stream("t-1", assistant_id="agent") as thread:
            thread.run.start(input={})
            start = threading.Barrier(4)

            def read(name: str, projection: Any) -> None:
                start.wait()
                try:
                    seen[name] = list(projection)
                except BaseException as exc:  # reported below, in the test's thread
                    failures.append(exc)

            readers = [threading.Thread(target=read, args=(name, projection), daemon=True)
                       for name, projection in (("values", root_values_iter(thread)), ("events", thread.events),
                                                ("values too", root_values_iter(thread)))]
            for reader in readers:
                reader.start()
            start.wait()
            for reader in readers:
                reader.join(TIMEOUT)
            assert not any(reader.is_alive() for reader in readers), "a reader hangs"
    assert not failures
    expected = [{"n": n} for n in range(count)]
    assert seen["values"] == expected and seen["values too"] == expected
    assert [item["seq"] for item in seen["events"]] == list(range(1, count + 3))


def test_a_closed_stream_still_referenced_keeps_no_events(make_client: Any) -> None:
    count = 20_000
    frames = values_run(count)

    def handler(conn: Connection) -> None:
        conn.head()
        conn.chunk(b"".join(frames))  # one chunk: the server's time is not the point here
        conn.end_chunks()
        conn.wait_for_client_close()

    script = ScriptedServer(command_answer({"run_id": RUN_ID}), handler)
    with script:
        client = make_client(script.url)
        thread = client.threads.stream("t-1", assistant_id="agent")
        gc.collect()
        tracemalloc.start()
        try:
            before = tracemalloc.get_traced_memory()[0]
            with thread:
                thread.run.start(input={})
                assert sum(1 for _ in thread.events) == count + 2
                held = tracemalloc.get_traced_memory()[0] - before
            gc.collect()
            retained = tracemalloc.get_traced_memory()[0] - before
        finally:
            tracemalloc.stop()
    assert thread is not None  # still referenced: what it holds is what it keeps
    # ~200 B of JSON text an event: walked by every projection, they are kept as text (``Turn``).
    assert held > 3 * 2**20, "the events were kept while the stream was open (the projections walk them)"
    assert held < 8 * 2**20, f"{held / 2**20:.1f} MiB held for {count} events: parsed, they took ~16"
    assert retained < 256 * 2**10, f"{retained / 2**20:.1f} MiB kept after close"


@pytest.mark.parametrize("where", ["event_id", "data"])
def test_another_run_s_terminal_lifecycle_does_not_end_ours(make_client: Any, where: str) -> None:
    if where == "event_id":
        foreign = lifecycle(3, "completed", OTHER_RUN)
    else:
        foreign = event(3, "lifecycle", {"event": "completed", "run_id": OTHER_RUN}, event_id="x3")
    script = ScriptedServer(
        command_answer({"run_id": RUN_ID}),
        sse_answer(lifecycle(1, "running"), event(2, "values", {"n": 1}), foreign, event(4, "values", {"n": 2}),
                   lifecycle(5, "completed")),
    )
    with script:
        client = make_client(script.url)
        with client.threads.stream("t-1", assistant_id="agent") as thread:
            thread.run.start(input={})
            assert list(root_values_iter(thread)) == [{"n": 1}, {"n": 2}]
            assert thread.run_id == RUN_ID


def bare(seq: int, method: str, data: Any) -> bytes:
    """An event as a server without event IDs sends it: only ``seq`` tells it apart."""
    payload = {"type": "event", "seq": seq, "method": method, "params": {"namespace": [], "data": data}}
    return f"event: {method}\ndata: {json.dumps(payload)}\n\n".encode()


def test_events_without_event_id_replayed_after_a_reconnect_are_delivered_once(
    make_client: Any, sleeps: list[float]
) -> None:
    script = ScriptedServer(
        command_answer({"run_id": RUN_ID}),
        sse_answer(lifecycle(1, "running"), bare(2, "values", {"n": 1}), bare(3, "values", {"n": 2}), then="reset"),
        # A proxy (or another server) that ignores ``since`` resends what was already delivered.
        sse_answer(lifecycle(1, "running"), bare(2, "values", {"n": 1}), bare(3, "values", {"n": 2}),
                   bare(4, "values", {"n": 3}), lifecycle(5, "completed")),
    )
    with script:
        client = make_client(script.url)
        with client.threads.stream("t-1", assistant_id="agent") as thread:
            thread.run.start(input={})
            assert list(root_values_iter(thread)) == [{"n": 1}, {"n": 2}, {"n": 3}]
            assert [item["seq"] for item in thread.events] == [1, 2, 3, 4, 5]
    assert json.loads(script.requests[2].body)["since"] == 3
    assert len(sleeps) == 1


def test_a_connection_that_ends_before_the_run_ended_asks_the_api(make_client: Any) -> None:
    # The server closed cleanly with no terminal lifecycle event: the run is looked up, not
    # reconnected to blindly; it has finished, so the turn ends with what the API says.
    script = ScriptedServer(
        command_answer({"run_id": RUN_ID}),
        sse_answer(lifecycle(1, "running"), event(2, "values", {"n": 1}), then="a heartbeat"),
        json_answer({"run_id": RUN_ID, "status": "success"}),
        json_answer({"values": {"n": 1}, "interrupts": []}),
        json_answer({"values": {"n": 1}, "interrupts": []}),
    )
    with script:
        client = make_client(script.url)
        with client.threads.stream("t-1", assistant_id="agent") as thread:
            thread.run.start(input={})
            assert list(root_values_iter(thread)) == [{"n": 1}]
            assert thread.interrupted is False
            assert thread.output == {"n": 1}
    assert [request.target for request in script.requests[2:]] == [
        f"/threads/t-1/runs/{RUN_ID}", "/threads/t-1/state?subgraphs=false", "/threads/t-1/state?subgraphs=false",
    ]


def test_a_run_still_going_whose_connections_keep_ending_empty_is_interrupted(
    make_client: Any, sleeps: list[float]
) -> None:
    going = json_answer({"run_id": RUN_ID, "status": "running"})
    handlers: list[Any] = [command_answer({"run_id": RUN_ID}),
                           sse_answer(lifecycle(1, "running"), event(2, "values", {"n": 1}), then="a heartbeat"), going]
    for _ in range(5):  # MAX_RESUME_ATTEMPTS reconnects that bring nothing new
        handlers += [sse_answer(then="a heartbeat"), going]
    script = ScriptedServer(*handlers)
    with script:
        client = make_client(script.url)
        with client.threads.stream("t-1", assistant_id="agent") as thread:
            thread.run.start(input={})
            walk = root_values_iter(thread)
            assert next(walk) == {"n": 1}
            with pytest.raises(StreamInterruptedError, match="gave up after 5"):
                next(walk)
    reconnects = [request for request in script.requests[3:] if request.target.endswith("/stream/events")]
    assert len(reconnects) == 5 and all(json.loads(request.body)["since"] == 2 for request in reconnects)


def root_values_iter(thread: Any) -> Any:
    """``thread.values`` without its first item, the REST snapshot (one more request to script)."""
    return (e["params"]["data"] for e in thread.subscribe(["values"]) if not e["params"]["namespace"])


def test_close_from_another_thread_wakes_a_reader_blocked_on_the_socket(make_client: Any) -> None:
    def silent(conn: Connection) -> None:
        conn.head()
        conn.chunk(lifecycle(1, "running"))
        conn.wait_for_client_close()  # then nothing: the reader blocks on the socket

    script = ScriptedServer(command_answer({"run_id": RUN_ID}), silent)
    caught: list[BaseException] = []
    with script:
        client = make_client(script.url)
        with client.threads.stream("t-1", assistant_id="agent") as thread:
            thread.run.start(input={})

            def read() -> None:
                try:
                    list(root_values_iter(thread))
                except BaseException as exc:  # what the reader gets, checked below
                    caught.append(exc)

            reader = threading.Thread(target=read, daemon=True)
            reader.start()
            reader.join(0.3)
            assert reader.is_alive()  # blocked on the silent connection
            begun = time.monotonic()
            thread.close()
            reader.join(TIMEOUT)
            assert not reader.is_alive() and time.monotonic() - begun < 2  # the server would wait TIMEOUT
    assert len(caught) == 1 and isinstance(caught[0], StreamClosedError), caught
