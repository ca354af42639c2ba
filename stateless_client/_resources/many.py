"""``run_many``: many blocking runs on a pool of threads, results in input order, and nothing
left running or open when the caller stops waiting.

Kept apart from ``runs.py`` because none of it is about one endpoint: it is how to wait for N
calls at once from synchronous code. Each call runs in an ``AbortScope``; when the caller
stops (the first failure, Ctrl-C, an exception from the progress callback), every scope is
aborted, which closes the connections in flight at once, and this returns without joining
the pool. The pool's threads are daemon threads, so a worker still connecting cannot keep
the process alive; a response that arrives after the abort is closed as it arrives.
"""

from __future__ import annotations

import queue
import threading
from typing import Any, Callable, Sequence

from .._http.abort import AbortScope

__all__ = ["run_many"]


def run_many(
    one_run: Callable[[Any], Any],
    items: Sequence[Any],
    *,
    max_concurrency: int,
    return_exceptions: bool,
    progress: bool | Callable[[int, int], None],
) -> list[Any]:
    """Call ``one_run(item)`` for every item, ``max_concurrency`` at a time, in daemon threads.

    Returns the results in the order of ``items``; with ``return_exceptions`` a failed call's
    exception stands in its place. Otherwise the first failure is raised, and anything that
    interrupts the wait (``KeyboardInterrupt``, an exception from ``progress``) propagates,
    after every call in flight has been aborted.
    """
    total = len(items)
    results: list[Any] = [None] * total
    report = _progress(progress, total)
    pending = iter(range(total))
    finished: queue.SimpleQueue[tuple[int, bool, Any]] = queue.SimpleQueue()
    lock = threading.Lock()
    scopes: set[AbortScope] = set()
    stopping = False

    def work() -> None:
        while True:
            scope = AbortScope()
            with lock:
                index = None if stopping else next(pending, None)
                if index is None:
                    return
                scopes.add(scope)
            try:
                with scope.active():
                    outcome = (index, True, one_run(items[index]))
            except BaseException as exc:  # handed to the caller's thread, which decides
                outcome = (index, False, exc)
            finally:
                with lock:
                    scopes.discard(scope)
            finished.put(outcome)

    try:
        for number in range(min(max_concurrency, total)):
            threading.Thread(target=work, name=f"wait_many-{number}", daemon=True).start()
        for done in range(1, total + 1):
            index, ok, value = finished.get()
            if not ok and not return_exceptions:
                raise value
            results[index] = value
            report(done)
    except BaseException:
        with lock:
            stopping = True
            aborting = list(scopes)
        for scope in aborting:
            scope.abort()
        raise
    finally:
        report(None)
    return results


def _progress(progress: bool | Callable[[int, int], None], total: int) -> Callable[[int | None], None]:
    """``report(done)`` after each run and ``report(None)`` at the end."""
    if callable(progress):
        return lambda done: None if done is None else progress(done, total)
    if not progress:
        return lambda done: None
    try:
        from tqdm.auto import tqdm
    except ImportError as exc:
        raise ImportError("progress=True needs tqdm: pip install 'stateless-client[progress]'") from exc
    bar = tqdm(total=total, unit="run")

    def report(done: int | None) -> None:
        if done is None:
            bar.close()
        else:
            bar.update(done - bar.n)

    return report
