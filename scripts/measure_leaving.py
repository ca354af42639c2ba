"""What becomes of a stateless run when its caller leaves, measured on a real ``langgraph dev``.

For each way of leaving in ``tests/leaving.py``, the run's status 3 s after the caller left;
``wait_many`` interrupted at N random moments (how many runs were still going 3 s later, and
how long ``wait_many`` took to raise); and ``RunStream.cancel()`` of a stateless run with 0 and
150 other busy threads (requests sent, time taken). Printed as Markdown tables.

    python scripts/measure_leaving.py               # about 6 minutes
    python scripts/measure_leaving.py --moments 5   # quicker
"""

from __future__ import annotations

import argparse
import contextlib
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from stateless_client import Client, NotFoundError, get_client  # noqa: E402
from stateless_client._dev.local_server import LocalServer  # noqa: E402
from tests import leaving  # noqa: E402

AFTER = 3.0  # seconds after the caller left


def status_after(client: Client, run_id: str) -> str:
    """The run's status ``AFTER`` seconds from now (a stateless run's thread is deleted when
    the run ends, cancelled or not: "ended" is all the server can still say of it)."""
    time.sleep(AFTER)
    return leaving.running_runs(client).get(run_id, "ended (thread deleted)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--moments", type=int, default=50, help="random moments to interrupt wait_many at")
    parser.add_argument("--only-cancel", action="store_true", help="only the cancel() table")
    parser.add_argument("--busy", type=int, default=150, help="other busy threads for the cancel() row")
    args = parser.parse_args()
    with LocalServer(ROOT / "tests" / "graphs") as server:
        client = get_client(url=server.url, api_key=None)
        cases: list[tuple[str, Callable[[], str]]] = [
            ("CLI `stream`, Ctrl-C", lambda: leaving.cli_ctrl_c(server.url)[0]),
            ("`runs.wait`, Ctrl-C (process lives on)", lambda: leaving.wait_ctrl_c(server.url)),
            ("`runs.wait`, soft time limit from a signal (Celery)",
             lambda: leaving.soft_time_limit_in_wait(server.url)),
            ("`runs.stream` reader SIGKILLed", lambda: leaving.stream_process_killed(server.url)),
            ("exception in the `for` loop", lambda: leaving.exception_in_loop(client)),
            ("exception raised asynchronously in the reading thread",
             lambda: leaving.async_exception_in_reader(client)),
            ("relay (`iter_sse`) closed by the web server", lambda: leaving.relay_closed(client)),
        ]
        print(f"langgraph dev at {server.url}; each run lasts 60 s unless stopped\n")
        if args.only_cancel:
            cases, args.moments = [], 0
        print(f"| case | run status {AFTER:.0f} s after the caller left |\n|---|---|")
        for name, case in cases:
            print(f"| {name} | {status_after(client, case())} |", flush=True)
            leaving.wait_until_stopped(client)

        moments = [random.Random(seed).uniform(0.0, 1.5) for seed in range(args.moments)]
        left, took = [], []
        for moment in moments:
            took.append(leaving.wait_many_ctrl_c(server.url, moment))
            time.sleep(AFTER)
            left.append(len(leaving.running_runs(client)))
            if left[-1]:
                with contextlib.suppress(NotFoundError):
                    client.runs.cancel_many(status="all")
            leaving.wait_until_stopped(client)
        if moments:
            print(f"\n`wait_many` (6 runs, 3 at a time) interrupted with Ctrl-C at {len(moments)} random moments "
                  f"in its first 1.5 s: runs still going {AFTER:.0f} s later: {sum(left)} in total "
                  f"(worst {max(left)}); time to raise KeyboardInterrupt: median "
                  f"{statistics.median(took) * 1000:.0f} ms, worst {max(took) * 1000:.0f} ms")

        print("\n| other busy threads | requests sent by `cancel()` | time (median of 5) |\n|---|---|---|")
        for busy in (0, args.busy):
            counts, times = [], []
            for _ in range(5):
                counted = get_client(url=server.url, api_key=None)
                stream = counted.runs.stream(None, leaving.GRAPH, input=leaving.LONG_INPUT, stream_mode="custom")
                next(stream)
                for _ in range(busy):  # newer busy threads, pending behind the server's workers
                    client.runs.create(None, leaving.GRAPH, input=leaving.LONG_INPUT)
                sent = leaving.count_requests(counted)
                started = time.perf_counter()
                stream.cancel()
                times.append(time.perf_counter() - started)
                counts.append(len(sent))
                with contextlib.suppress(NotFoundError):  # nothing left to cancel
                    client.runs.cancel_many(status="all")
                leaving.wait_until_stopped(client)
            print(f"| {busy} | {max(counts)} | {statistics.median(times) * 1000:.0f} ms |", flush=True)

if __name__ == "__main__":
    main()
