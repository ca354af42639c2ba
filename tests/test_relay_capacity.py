"""ASGI relays read in threads of their own (issue 19): quiet relays never hold up the others.

``aiter_sse`` used to read in the event loop's default executor, ``min(32, CPUs + 4)`` threads,
where each relay waiting on a quiet run holds a thread: with that many quiet relays open, every
other relay of the process waited for one of them to end. An upstream of its own here serves
every connection at once: a ``quiet`` run sends its ``metadata`` event and then nothing until
the test releases it; a ``chatty`` run sends its events and ends.
"""

from __future__ import annotations

import asyncio
import contextvars
import json
import logging
import os
import socket
import threading
from typing import Any, Awaitable, Callable, Iterator

import pytest

import stateless_client
from stateless_client import Client, RunStream, set_relay_threads, to_relay_thread
from stateless_client._http import relay_pool
from stateless_client.sse import decode

from .loopback import Connection, _read_request, sse

BOUND = 30.0  # seconds: generous, for a loaded machine; a pass takes well under one
#: More quiet relays than the event loop's default executor ever has threads (32 at most).
QUIET = 40
CHATTY = 10


class Upstream:
    """A LangGraph-like server that answers every connection at once, in a thread of its own."""

    def __init__(self) -> None:
        self.release = threading.Event()  # the quiet runs may end
        self.quiet_waiting = 0
        self._lock = threading.Lock()
        self._listener = socket.create_server(("127.0.0.1", 0), backlog=256)
        self._listener.settimeout(0.1)
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}"
        self._stopping = threading.Event()
        self._threads: list[threading.Thread] = []
        self._acceptor = threading.Thread(target=self._accept, daemon=True)

    def __enter__(self) -> Upstream:
        self._acceptor.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        self._stopping.set()
        self._acceptor.join(BOUND)
        for thread in self._threads:
            thread.join(BOUND)
        self._listener.close()

    def _accept(self) -> None:
        while not self._stopping.is_set():
            try:
                sock, _ = self._listener.accept()
            except TimeoutError:
                continue
            thread = threading.Thread(target=self._serve, args=(sock,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _serve(self, sock: socket.socket) -> None:
        sock.settimeout(BOUND)
        try:
            conn = Connection(sock, _read_request(sock))
            kind = json.loads(conn.request.body)["input"]["kind"]
            conn.head(headers={"connection": "close"})  # one run per connection
            conn.chunk(sse("metadata", {"run_id": kind}))
            if kind == "quiet":
                with self._lock:
                    self.quiet_waiting += 1
                self.release.wait(BOUND)
            else:
                for n in range(3):
                    conn.chunk(sse("values", {"n": n}))
            conn.end_chunks()
            conn.wait_for_client_close(BOUND)
        except OSError:
            pass
        finally:
            sock.close()


@pytest.fixture
def upstream() -> Iterator[Upstream]:
    with Upstream() as server:
        yield server


@pytest.fixture
def relay_threads() -> Iterator[Callable[[int], None]]:
    """Set the relay pool's limit for one test; the former one is restored after it."""
    former: list[int] = []

    def set_limit(size: int) -> None:
        value = set_relay_threads(size)
        if not former:
            former.append(value)

    yield set_limit
    if former:
        set_relay_threads(former[0])


def _open(client: Client, kind: str) -> RunStream[Any]:
    return client.runs.stream(None, "agent", input={"kind": kind})


async def _consume(stream: RunStream[Any], into: list[bytes]) -> None:
    async for chunk in stream.aiter_sse():
        into.append(chunk)


async def _until(condition: Callable[[], bool], what: str) -> None:
    async def poll() -> None:
        while not condition():
            await asyncio.sleep(0.01)

    try:
        await asyncio.wait_for(poll(), BOUND)
    except asyncio.TimeoutError:
        raise AssertionError(f"not within {BOUND:.0f} s: {what}") from None


def _events(chunks: list[bytes]) -> list[str]:
    return [event.event for event in decode(chunks)]


def _run(main: Callable[[], Awaitable[None]], upstream: Upstream) -> None:
    try:
        asyncio.run(main())  # type: ignore[arg-type]
    finally:
        upstream.release.set()  # a failed test leaves no read blocked


def test_quiet_relays_do_not_hold_up_streaming_ones(make_client: Any, upstream: Upstream) -> None:
    client = make_client(upstream.url, max_retries=0)
    quiet = [_open(client, "quiet") for _ in range(QUIET)]
    quiet_chunks: list[list[bytes]] = [[] for _ in quiet]

    async def main() -> None:
        quiet_tasks = [asyncio.create_task(_consume(stream, into))
                       for stream, into in zip(quiet, quiet_chunks, strict=True)]
        # Each quiet relay has its metadata and is now blocked reading the next event.
        await _until(lambda: all(quiet_chunks), "every quiet relay relays its metadata")
        chatty_chunks: list[list[bytes]] = [[] for _ in range(CHATTY)]
        chatty = [asyncio.create_task(_consume(await to_relay_thread(_open, client, "chatty"), into))
                  for into in chatty_chunks]
        await _until(lambda: all(task.done() for task in chatty), "the streaming relays end")
        for task in chatty:
            task.result()
        # Every streaming relay ran to its end while all the quiet ones were still waiting.
        assert not any(task.done() for task in quiet_tasks)
        assert [len(chunks) for chunks in quiet_chunks] == [1] * QUIET
        assert all(_events(chunks) == ["metadata", "values", "values", "values", "end"] for chunks in chatty_chunks)
        upstream.release.set()
        await asyncio.wait_for(asyncio.gather(*quiet_tasks), BOUND)
        assert all(_events(chunks) == ["metadata", "end"] for chunks in quiet_chunks)

    _run(main, upstream)


async def _saturate(client: Client, quiet: int, chatty: int) -> tuple[list[asyncio.Task[None]], list[list[bytes]]]:
    """``quiet`` relays, each holding a thread once it has its metadata, then ``chatty`` ones."""
    streams = [_open(client, "quiet") for _ in range(quiet)]
    chunks: list[list[bytes]] = [[] for _ in range(quiet + chatty)]
    tasks = [asyncio.create_task(_consume(stream, into)) for stream, into in zip(streams, chunks[:quiet], strict=True)]
    # A relay asks for its next event as soon as it has relayed one: these now hold a thread each.
    await _until(lambda: all(chunks[:quiet]), "the quiet relays relay their metadata")
    streams = [_open(client, "chatty") for _ in range(chatty)]
    tasks += [asyncio.create_task(_consume(stream, into)) for stream, into in zip(streams, chunks[quiet:], strict=True)]
    return tasks, chunks


def test_a_full_pool_warns_once_per_episode_and_waiting_reads_still_run(
    make_client: Any, upstream: Upstream, relay_threads: Callable[[int], None], caplog: pytest.LogCaptureFixture
) -> None:
    relay_threads(4)
    client = make_client(upstream.url, max_retries=0)
    caplog.set_level(logging.WARNING, logger="stateless_client")

    def warnings() -> list[str]:
        return [record.getMessage() for record in caplog.records if "relay threads are busy" in record.getMessage()]

    async def episode() -> None:
        upstream.release.clear()
        caplog.clear()
        tasks, chunks = await _saturate(client, 4, 10)
        await asyncio.sleep(0.2)
        assert chunks[4:] == [[]] * 10  # no thread for them while the quiet runs are quiet
        await _until(lambda: bool(warnings()), "the warning")  # a loaded machine may be slow to log it
        assert len(warnings()) == 1  # once, not once per read that waits
        assert "all 4 relay threads are busy" in warnings()[0] and "set_relay_threads" in warnings()[0]
        upstream.release.set()
        await asyncio.wait_for(asyncio.gather(*tasks), BOUND)
        assert [_events(c) for c in chunks] == [["metadata", "end"]] * 4 + [
            ["metadata", "values", "values", "values", "end"]] * 10

    async def main() -> None:
        await episode()
        await _until(lambda: relay_pool.pool().pending == 0, "the pool empties")
        await episode()  # a new episode, a new warning

    _run(main, upstream)


def test_raising_the_limit_starts_waiting_reads_at_once(
    make_client: Any, upstream: Upstream, relay_threads: Callable[[int], None]
) -> None:
    relay_threads(2)
    client = make_client(upstream.url, max_retries=0)

    async def main() -> None:
        tasks, chunks = await _saturate(client, 2, 1)
        await asyncio.sleep(0.2)
        assert chunks[2] == []
        relay_threads(3)
        await _until(lambda: tasks[2].done(), "the waiting relay runs once the limit is raised")
        assert not tasks[0].done() and not tasks[1].done()  # the quiet ones still hold their threads
        upstream.release.set()
        await asyncio.wait_for(asyncio.gather(*tasks), BOUND)

    _run(main, upstream)


def test_set_relay_threads_returns_the_former_limit_and_refuses_nonsense(
    relay_threads: Callable[[int], None]
) -> None:
    relay_threads(7)
    assert set_relay_threads(9) == 7
    assert relay_pool.pool().size == 9
    for wrong in (0, -1, True, 2.5, "8"):
        with pytest.raises(ValueError, match="positive number of threads"):
            set_relay_threads(wrong)  # type: ignore[arg-type]
    assert set_relay_threads(9) == 9


def test_the_default_leaves_room_for_hundreds_of_relays() -> None:
    assert relay_pool.DEFAULT_RELAY_THREADS >= 500
    assert stateless_client.set_relay_threads is set_relay_threads
    assert stateless_client.to_relay_thread is to_relay_thread


def test_to_relay_thread_runs_in_a_relay_thread_with_the_callers_context() -> None:
    variable: contextvars.ContextVar[str] = contextvars.ContextVar("variable")

    def where(suffix: str, *, sep: str) -> str:
        return threading.current_thread().name + sep + variable.get() + suffix

    def fails() -> None:
        raise KeyError("boom")

    async def main() -> None:
        variable.set("request-7")
        name = await to_relay_thread(where, "!", sep=" ")
        assert name.startswith("stateless-client-relay-") and name.endswith(" request-7!")
        with pytest.raises(KeyError, match="boom"):
            await to_relay_thread(fails)
        with pytest.raises(RuntimeError, match="StopIteration"):
            await to_relay_thread(next, iter(()))

    asyncio.run(main())


def test_a_read_cancelled_while_it_waits_for_a_thread_is_never_made(relay_threads: Callable[[int], None]) -> None:
    relay_threads(1)
    gate = threading.Event()
    calls: list[str] = []

    async def main() -> None:
        blocker = asyncio.create_task(relay_pool.run(gate.wait, BOUND))
        waiting = asyncio.create_task(relay_pool.run(calls.append, "made"))
        await asyncio.sleep(0.1)
        waiting.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiting
        gate.set()
        assert await blocker is True
        await _until(lambda: relay_pool.pool().pending == 0, "the pool empties")

    asyncio.run(main())
    assert calls == []


def test_idle_threads_retire() -> None:
    pool = relay_pool.RelayPool(3, idle_seconds=0.05)
    done = threading.Barrier(4)
    for _ in range(3):
        pool.submit(lambda: done.wait(BOUND) and None)  # type: ignore[func-returns-value]
    done.wait(BOUND)
    assert pool.threads == 3
    assert _eventually(lambda: pool.threads == 0) and pool.pending == 0


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork")
def test_a_forked_child_makes_a_pool_of_its_own() -> None:
    relay_pool.pool()
    pid = os.fork()
    if pid == 0:  # the child: the parent's threads do not exist here
        os._exit(0 if relay_pool._pool is None else 1)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert relay_pool._pool is not None


def _eventually(condition: Callable[[], bool]) -> bool:
    for _ in range(int(BOUND / 0.01)):
        if condition():
            return True
        threading.Event().wait(0.01)
    return False


def test_a_lower_limit_ends_threads_as_they_finish_even_with_work_waiting() -> None:
    pool = relay_pool.RelayPool(4, idle_seconds=BOUND)
    first, later = threading.Event(), threading.Event()
    running: list[str] = []

    def job(gate: threading.Event, name: str) -> None:
        running.append(name)
        gate.wait(BOUND)
        running.remove(name)

    for n in range(4):
        pool.submit(lambda n=n: job(first, f"first-{n}"))  # type: ignore[misc]
    assert _eventually(lambda: len(running) == 4)
    for n in range(3):
        pool.submit(lambda n=n: job(later, f"later-{n}"))  # type: ignore[misc]
    pool.resize(1)
    first.set()  # three of the four threads end instead of taking the waiting work
    assert _eventually(lambda: pool.threads == 1)
    assert _eventually(lambda: len(running) == 1) and running[0].startswith("later-")
    later.set()
    assert _eventually(lambda: pool.pending == 0) and pool.threads == 1
