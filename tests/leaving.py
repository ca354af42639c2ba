"""Callers that leave a stateless run, each as a user would leave it, against the real server.

Shared by ``tests/test_leaving.py`` (each case must leave no run going) and
``scripts/measure_leaving.py`` (the table of each case's run status 3 s after its caller left).
Every run here is of the ``linger`` graph (``tests/graphs``: a custom event every 0.1 s for a
minute), so a run still going after a few seconds is one that nobody stopped, and
``running_runs`` finds them without confusing them with other tests' runs.
"""

from __future__ import annotations

import ctypes
import json
import shutil
import signal
import subprocess
import sys
import sysconfig
import textwrap
import threading
import time
from typing import Any

from stateless_client import Client, NotFoundError, get_client

GRAPH = "linger"
LONG_INPUT = {"n": 600, "delay": 0.1}  # a minute of events, one every 0.1 s
SCRIPT = shutil.which("stateless-client", path=sysconfig.get_path("scripts")) or shutil.which("stateless-client")
PATIENCE = 30.0  # the most any step here waits; a slow machine is slow, not wrong


def running_runs(client: Client) -> dict[str, str]:
    """``{run_id: status}`` of every pending or running ``linger`` run on the server."""
    return {run["run_id"]: run["status"] for run in _going(client)}


def going_runs(client: Client) -> list[tuple[str, str]]:
    """``(thread_id, run_id)`` of every pending or running ``linger`` run on the server."""
    return [(run["thread_id"], run["run_id"]) for run in _going(client)]


def _going(client: Client) -> list[Any]:
    found = []
    for thread in client.threads.search(status="busy", metadata={"graph_id": GRAPH}, limit=1000):
        try:
            runs = client.runs.list(thread["thread_id"], limit=100)
        except NotFoundError:  # the run ended since the search, and its thread was deleted
            continue
        found += [run for run in runs if run["status"] in ("pending", "running")]
    return found


def wait_until_stopped(client: Client, run_ids: set[str] | None = None, *, within: float = PATIENCE) -> dict[str, str]:
    """Poll until none of ``run_ids`` (default: no ``linger`` run) is going; return those
    still going when ``within`` seconds have passed (empty: all stopped)."""
    deadline = time.monotonic() + within
    while True:
        going = {run: status for run, status in running_runs(client).items() if run_ids is None or run in run_ids}
        if not going or time.monotonic() > deadline:
            return going
        time.sleep(0.2)


def wait_until_running(client: Client, *, count: int = 1, within: float = PATIENCE) -> set[str]:
    """Poll until ``count`` ``linger`` runs are going; return their IDs."""
    deadline = time.monotonic() + within
    while True:
        going = set(running_runs(client))
        if len(going) >= count:
            return going
        if time.monotonic() > deadline:
            raise AssertionError(f"{len(going)} of {count} runs started within {within} s")
        time.sleep(0.1)


def count_requests(client: Client) -> list[str]:
    """``METHOD URL`` (no query) of each request ``client`` sends from now on."""
    sent: list[str] = []
    send = client._transport._send

    def counting(method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        sent.append(f"{method} {url.split('?')[0]}")
        return send(method, url, *args, **kwargs)

    client._transport._send = counting  # type: ignore[method-assign]
    return sent


def python(code: str, url: str, *, stdout: Any = subprocess.PIPE) -> subprocess.Popen[str]:
    """Run ``code`` in a new Python process (``URL`` is the server's), as a user's script."""
    source = f"URL = {url!r}\nGRAPH = {GRAPH!r}\nLONG_INPUT = {LONG_INPUT!r}\n" + textwrap.dedent(code)
    return subprocess.Popen([sys.executable, "-c", source], stdout=stdout, stderr=subprocess.PIPE, text=True)


def read_line(process: subprocess.Popen[str]) -> str:
    """The next line the process prints (it must print one within ``PATIENCE``)."""
    assert process.stdout is not None
    line: list[str] = []
    reader = threading.Thread(target=lambda: line.append(process.stdout.readline()), daemon=True)  # type: ignore[union-attr]
    reader.start()
    reader.join(PATIENCE)
    if not line or not line[0]:
        process.kill()
        raise AssertionError(f"the process printed nothing; stderr: {process.communicate()[1]}")
    return line[0]


# -- the cases: each leaves one run and returns its ID ------------------------------------------


def cli_ctrl_c(url: str) -> tuple[str, subprocess.CompletedProcess[str]]:
    """``stateless-client stream`` of a stateless run, interrupted with Ctrl-C (SIGINT)."""
    assert SCRIPT is not None, "the console script is not installed (pip install -e .)"
    process = subprocess.Popen(
        [SCRIPT, "stream", GRAPH, "--input", json.dumps(LONG_INPUT), "--mode", "custom", "--url", url],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    run_id = json.loads(read_line(process))["data"]["run_id"]  # the metadata event
    read_line(process)  # a custom event: the run is going
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=PATIENCE)
    return run_id, subprocess.CompletedProcess(process.args, process.returncode, out, err)


_REPORT_RUN = """
import signal, sys, time
from stateless_client import get_client
client = get_client(url=URL, api_key=None)
def created(run):
    print(run["run_id"], flush=True)
"""


def wait_ctrl_c(url: str) -> str:
    """``runs.wait`` interrupted with Ctrl-C; the process stays alive after it (a REPL, a
    notebook), so only the client's own leaving can stop the run."""
    process = python(_REPORT_RUN + """
try:
    client.runs.wait(None, GRAPH, input=LONG_INPUT, on_run_created=created)
except KeyboardInterrupt:
    print("interrupted", flush=True)
time.sleep(120)
""", url)
    try:
        run_id = read_line(process).strip()
        time.sleep(0.5)
        process.send_signal(signal.SIGINT)
        assert read_line(process).strip() == "interrupted"
        return run_id
    finally:
        _leave_later(process)


def soft_time_limit_in_wait(url: str) -> str:
    """``runs.wait`` in a task whose soft time limit fires (Celery raises it from a signal
    handler in the worker's thread); the worker process lives on."""
    process = python(_REPORT_RUN + """
class SoftTimeLimitExceeded(Exception):
    pass
def soft_limit(signum, frame):
    raise SoftTimeLimitExceeded()
signal.signal(signal.SIGALRM, soft_limit)
signal.setitimer(signal.ITIMER_REAL, 1.0)
try:
    client.runs.wait(None, GRAPH, input=LONG_INPUT, on_run_created=created)
except SoftTimeLimitExceeded:
    print("soft limit", flush=True)
time.sleep(120)
""", url)
    try:
        run_id = read_line(process).strip()
        assert read_line(process).strip() == "soft limit"
        return run_id
    finally:
        _leave_later(process)


def stream_process_killed(url: str) -> str:
    """A process reading ``runs.stream`` killed with SIGKILL (an OOM kill, a pod evicted)."""
    process = python(_REPORT_RUN + """
for part in client.runs.stream(None, GRAPH, input=LONG_INPUT, stream_mode="custom"):
    if part.event == "metadata":
        print(part.data["run_id"], flush=True)
    else:
        print("event", flush=True)
""", url)
    run_id = read_line(process).strip()
    read_line(process)
    process.kill()
    process.communicate(timeout=PATIENCE)
    return run_id


def exception_in_loop(client: Client) -> str:
    """An exception raised inside the ``for`` loop over ``runs.stream``."""
    seen: list[str] = []
    try:
        for part in client.runs.stream(None, GRAPH, input=LONG_INPUT, stream_mode="custom"):
            if part.event == "metadata":
                seen.append(part.data["run_id"])
            else:
                raise LookupError("the caller's own bug")
    except LookupError:
        pass
    return seen[0]


class _SoftLimit(Exception):
    """Raised asynchronously in the reading thread."""


def async_exception_in_reader(client: Client) -> str:
    """An exception raised asynchronously in the thread that reads the stream, as
    ``PyThreadState_SetAsyncExc`` does (Streamlit stopping a script run, a watchdog)."""
    seen: list[str] = []
    started = threading.Event()
    caught: list[BaseException] = []

    def read() -> None:
        try:
            for part in client.runs.stream(None, GRAPH, input=LONG_INPUT, stream_mode="custom"):
                if part.event == "metadata":
                    seen.append(part.data["run_id"])
                started.set()
        except _SoftLimit as exc:
            caught.append(exc)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    assert started.wait(PATIENCE)
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(reader.ident or 0), ctypes.py_object(_SoftLimit))
    reader.join(PATIENCE)
    assert caught, "the asynchronous exception did not reach the reading thread"
    return seen[0]


def relay_closed(client: Client) -> str:
    """A relay (``iter_sse``, a Flask or Django view's body) closed by the web server because
    the browser left."""
    stream = client.runs.stream(None, GRAPH, input=LONG_INPUT, stream_mode="custom")
    body = stream.iter_sse()
    next(body)
    next(body)
    run_id = stream.run_id
    body.close()  # what WSGI servers call when the client is gone
    assert run_id is not None
    return run_id


def wait_many_ctrl_c(url: str, delay: float) -> float:
    """``runs.wait_many`` interrupted with Ctrl-C ``delay`` seconds after it started; the
    process lives on. Returns how long ``wait_many`` took to raise ``KeyboardInterrupt``."""
    process = python("""
import sys, time
from stateless_client import get_client
client = get_client(url=URL, api_key=None)
print("ready", flush=True)
try:
    client.runs.wait_many(GRAPH, [LONG_INPUT] * 6, max_concurrency=3)
except KeyboardInterrupt:
    print("interrupted", time.monotonic(), flush=True)
time.sleep(120)
""", url)
    try:
        read_line(process)
        time.sleep(delay)
        sent = time.monotonic()
        process.send_signal(signal.SIGINT)
        word, when = read_line(process).split()
        assert word == "interrupted"
        return float(when) - sent
    finally:
        _leave_later(process)


def _leave_later(process: subprocess.Popen[str], after: float = 2 * PATIENCE) -> None:
    """Kill the process later, off the test's thread, so its sockets stay open meanwhile
    (longer than a test waits for the run to stop: the kill cannot be what stopped it)."""
    def end() -> None:
        time.sleep(after)
        if process.poll() is None:
            process.kill()
        process.communicate()

    threading.Thread(target=end, daemon=True).start()


def send_sigint_to(thread: threading.Thread) -> None:
    """Ctrl-C, delivered to ``thread`` (the main thread), as a terminal delivers it."""
    signal.pthread_kill(thread.ident or 0, signal.SIGINT)


def client_of(url: str) -> Client:
    """A client of the real server as a user makes one (the defaults)."""
    return get_client(url=url, api_key=None)

