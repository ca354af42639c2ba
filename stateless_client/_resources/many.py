"""``run_many``: many blocking runs on a thread pool, results in input order, with cancellation.

Kept apart from ``runs.py`` because none of it is about one endpoint: it is how to wait for N
calls at once from synchronous code without leaving runs going on the server when the caller
stops waiting (a failure, Ctrl-C).
"""

from __future__ import annotations

import threading
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import Any, Callable, Sequence

from ..types import RunCreateMetadata

__all__ = ["run_many"]

OneRun = Callable[[Any, Callable[[RunCreateMetadata], None]], Any]


def run_many(
    one_run: OneRun,
    items: Sequence[Any],
    *,
    cancel: Callable[[RunCreateMetadata], None],
    max_concurrency: int,
    return_exceptions: bool,
    progress: bool | Callable[[int, int], None],
) -> list[Any]:
    """Call ``one_run(item, on_created)`` for every item, ``max_concurrency`` at a time.

    ``on_created`` records each run as the server accepts it, so that on the first failure
    (unless ``return_exceptions``) or on ``KeyboardInterrupt`` every run still in flight is
    cancelled with ``cancel`` before this returns or raises.
    """
    total = len(items)
    results: list[Any] = [None] * total
    in_flight: dict[int, RunCreateMetadata] = {}
    lock = threading.Lock()
    report = _progress(progress, total)

    def call(index: int) -> Any:
        def created(run: RunCreateMetadata) -> None:
            with lock:
                in_flight[index] = run

        try:
            return one_run(items[index], created)
        finally:
            with lock:
                in_flight.pop(index, None)

    executor = ThreadPoolExecutor(max_workers=min(max_concurrency, total or 1), thread_name_prefix="wait_many")
    futures: dict[Future[Any], int] = {}
    pending = iter(range(total))
    done_count = 0
    try:
        for index in pending:  # start the first batch; the rest are started as runs finish
            futures[executor.submit(call, index)] = index
            if len(futures) >= max_concurrency:
                break
        while futures:
            finished, _ = wait(futures, return_when=FIRST_COMPLETED)
            for future in finished:
                index = futures.pop(future)
                error = future.exception()
                if error is not None and not return_exceptions:
                    raise error
                results[index] = error if error is not None else future.result()
                done_count += 1
                report(done_count)
                next_index = next(pending, None)
                if next_index is not None:
                    futures[executor.submit(call, next_index)] = next_index
    except BaseException:
        for future in futures:
            future.cancel()  # not started yet: never starts
        with lock:
            running = list(in_flight.values())
        for run in running:
            cancel(run)
        raise
    finally:
        executor.shutdown(wait=False, cancel_futures=True)
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
