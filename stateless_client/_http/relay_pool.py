"""The relays' own threads: where ``aiter_sse`` reads and ``to_relay_thread`` opens runs.

An ASGI relay holds a thread for as long as it waits for the next event, which for a quiet run
is minutes. In the event loop's default executor (``min(32, CPUs + 4)`` threads) a few quiet
relays made every other relay of the process wait (issue 19). This pool is the relays' alone
and large: a thread blocked on a socket costs little memory and no CPU, so the default is
sized for a thousand open relays per process. Threads start on demand, retire after a minute
idle, and are daemons, so a read still blocked when the process exits never holds the exit up.

When every thread is busy, further work waits for one, and the ``stateless_client`` logger
says so once (a WARNING), and again only once half of the threads have been free.
"""

from __future__ import annotations

import logging
import os
import threading
from collections import deque
from typing import TYPE_CHECKING, Any, Callable, TypeVar

if TYPE_CHECKING:
    import asyncio

__all__ = ["DEFAULT_RELAY_THREADS", "set_relay_threads", "to_relay_thread", "pool"]

T = TypeVar("T")

#: Threads for relays, per process, unless ``set_relay_threads`` says otherwise.
DEFAULT_RELAY_THREADS = 1000
#: Seconds an idle thread waits for work before it ends.
IDLE_SECONDS = 60.0

logger = logging.getLogger("stateless_client")


class RelayPool:
    """At most ``size`` daemon threads running submitted jobs, oldest first."""

    def __init__(self, size: int, idle_seconds: float = IDLE_SECONDS) -> None:
        self.size = size
        self.idle_seconds = idle_seconds
        self._lock = threading.Condition()
        self._jobs: deque[Callable[[], None]] = deque()
        self._threads = 0  # alive
        self._idle = 0  # alive and waiting for a job
        self._pending = 0  # submitted and not finished: queued or running
        self._full = False  # in a saturation episode (warned)
        self._started = 0  # ever, for thread names

    @property
    def threads(self) -> int:
        """Threads alive now."""
        return self._threads

    @property
    def pending(self) -> int:
        """Jobs submitted and not yet finished."""
        return self._pending

    def submit(self, job: Callable[[], None]) -> None:
        """Run ``job`` (which must not raise) in a pool thread, at once if one is free."""
        with self._lock:
            self._jobs.append(job)
            self._pending += 1
            if len(self._jobs) <= self._idle:
                self._lock.notify()  # an idle thread takes it
            elif self._threads < self.size:
                try:
                    self._start_thread()
                except RuntimeError:  # the OS refused a thread
                    if not self._threads:  # and none will ever take the job
                        self._jobs.pop()
                        self._pending -= 1
                        raise
            if self._pending > self.size and not self._full:
                self._full = True
                logger.warning(
                    "all %d relay threads are busy: relays now wait for each other's next event "
                    "(raise the limit with stateless_client.set_relay_threads())", self.size,
                )

    def resize(self, size: int) -> None:
        """Allow ``size`` threads: waiting work starts at once on a higher limit; over a lower
        one, threads end as they finish their work."""
        with self._lock:
            self.size = size
            try:
                while self._threads < size and len(self._jobs) > self._idle:
                    self._start_thread()
            except RuntimeError:
                pass  # the OS refused a thread: the work waits for a running one
            self._lock.notify_all()  # idle threads over a lower limit end

    def _start_thread(self) -> None:
        self._started += 1
        thread = threading.Thread(target=self._work, name=f"stateless-client-relay-{self._started}", daemon=True)
        self._threads += 1
        try:
            thread.start()
        except RuntimeError:
            self._threads -= 1
            raise

    def _work(self) -> None:
        while True:
            with self._lock:
                while True:
                    if self._threads > self.size:  # the limit was lowered
                        self._threads -= 1
                        return
                    if self._jobs:
                        break
                    self._idle += 1
                    woken = self._lock.wait(self.idle_seconds)
                    self._idle -= 1
                    if not woken and not self._jobs:
                        self._threads -= 1
                        return
                job = self._jobs.popleft()
            job()
            with self._lock:
                self._pending -= 1
                if self._full and self._pending <= self.size // 2:
                    self._full = False  # the next saturation warns again


_pool: RelayPool | None = None
_pool_lock = threading.Lock()
_size = DEFAULT_RELAY_THREADS


def pool() -> RelayPool:
    """The process's relay pool, made at first use (and anew in a forked child)."""
    global _pool
    if _pool is None:
        with _pool_lock:
            if _pool is None:
                _pool = RelayPool(_size)
    return _pool


def _forget_pool() -> None:
    global _pool
    _pool = None  # a forked child has none of the parent's threads


if hasattr(os, "register_at_fork"):  # not on Windows, which does not fork
    os.register_at_fork(after_in_child=_forget_pool)


def set_relay_threads(size: int) -> int:
    """Set how many threads this process's ASGI relays may use at once, and return the former
    limit (1000 unless changed).

    Each open ``RunStream.aiter_sse()`` holds one of these threads while it waits for the next
    event, and ``to_relay_thread`` holds one while it runs; when all are busy, the others wait,
    and the ``stateless_client`` logger says so once at WARNING. Threads start on demand and end
    after a minute idle. Call it at startup, e.g. next to ``get_client()``; a new limit applies
    at once (a lower one as busy threads finish their work).

    Raises:
        ValueError: ``size`` is less than 1.
    """
    global _size
    if isinstance(size, bool) or not isinstance(size, int) or size < 1:
        raise ValueError(f"set_relay_threads() needs a positive number of threads, not {size!r}")
    with _pool_lock:
        former, _size = _size, size
        if _pool is not None:
            _pool.resize(size)
    return former


async def run(function: Callable[..., T], *args: Any) -> T:
    """``function(*args)`` in a relay thread, awaited. If the awaiting task is cancelled
    before a thread took the call, the call is never made."""
    import asyncio

    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()

    def job() -> None:
        if future.cancelled():
            return
        try:
            result = function(*args)
        except BaseException as exc:  # handed to the awaiting task, as run_in_executor does
            _hand_over(loop, future, None, exc)
        else:
            _hand_over(loop, future, result, None)

    pool().submit(job)
    return await future


def _hand_over(
    loop: asyncio.AbstractEventLoop, future: asyncio.Future[Any], result: Any, exc: BaseException | None
) -> None:
    try:
        loop.call_soon_threadsafe(_settle, future, result, exc)
    except RuntimeError:
        pass  # the loop has closed: nobody is waiting any more


def _settle(future: asyncio.Future[Any], result: Any, exc: BaseException | None) -> None:
    if future.cancelled():
        return
    if exc is None:
        future.set_result(result)
    elif isinstance(exc, StopIteration):  # a future cannot carry one
        future.set_exception(RuntimeError(f"the function raised StopIteration: {exc!r}"))
    else:
        future.set_exception(exc)


async def to_relay_thread(function: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
    """``await to_relay_thread(client.runs.stream, thread_id, "agent", input=...)``: call a
    blocking function from an async view in one of the relays' threads (see
    ``set_relay_threads``), as ``asyncio.to_thread`` does in the event loop's small default
    pool, and return its result.

    Starting a run blocks until the LangGraph server has answered; called on the event loop
    itself it would stall every other request. The call sees the caller's context variables.
    """
    import contextvars
    import functools

    context = contextvars.copy_context()
    return await run(functools.partial(context.run, function, *args, **kwargs))
