"""The worker examples run for real (docs/workers.md): ``examples/celery_app.py`` in a prefork
Celery worker on a real Redis, and ``examples/flask_app.py`` under gunicorn's gevent and gthread
workers, each a subprocess in front of the real ``langgraph dev``.

Needs the ``workers`` extra (celery[redis], gunicorn, gevent) and, for Celery, Debian's
``redis-server``; skipped, saying which is missing, without them. The graph is ``slow_tokens``
(``tests/graphs``): an echo model, one token (a word or a space) every 50 ms.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Iterator

import pytest
import requests

from stateless_client import Client
from stateless_client._dev.local_server import LocalServer, free_port
from stateless_client.sse import decode

from .helpers import settled_status, stop_process

pytest.importorskip("celery", reason="the workers extra is not installed: pip install -e '.[test,workers]'")
pytest.importorskip("redis", reason="the workers extra is not installed: pip install -e '.[test,workers]'")
pytest.importorskip("gunicorn", reason="the workers extra is not installed: pip install -e '.[test,workers]'")
pytest.importorskip("gevent", reason="the workers extra is not installed: pip install -e '.[test,workers]'")

ROOT = Path(__file__).parent.parent
BIN = Path(sys.executable).parent
BOUND = 30.0  # seconds: how long anything may take before the test fails rather than hangs
SOFT_TIME_LIMIT = 3.0
ASSISTANT = "slow_tokens"


def _wait_for(check: Any, what: str, process: subprocess.Popen[bytes] | None = None) -> Any:
    deadline = time.monotonic() + BOUND
    while True:
        try:
            found = check()
        except (OSError, requests.ConnectionError):
            found = None
        if found:
            return found
        if process is not None and process.poll() is not None:
            raise AssertionError(f"{what}: the process exited with {process.returncode}")
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} within {BOUND} s")
        time.sleep(0.1)


def _spawn(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(args, cwd=ROOT, env={**os.environ, **env}, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)


# -- Celery -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A Redis of our own on a free loopback port, persisting nothing."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not on PATH (Debian: apt-get install -y redis-server)")
    import redis

    port = free_port()
    logs = tmp_path_factory.mktemp("redis")
    process = _spawn([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                      "--dir", str(logs)], {}, logs / "redis.log")
    try:
        _wait_for(lambda: redis.Redis(port=port).ping(), "redis-server answering", process)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        stop_process(process, BOUND)


@pytest.fixture(scope="module")
def celery_app(server: LocalServer, redis_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """``examples/celery_app.py``'s app, as this process's producer, and a prefork worker of it
    (two child processes) as a subprocess, both on the test Redis and the test server."""
    env = {"LANGGRAPH_URL": server.url, "LANGGRAPH_ASSISTANT": ASSISTANT, "REDIS_URL": redis_url,
           "SOFT_TIME_LIMIT": str(SOFT_TIME_LIMIT)}
    log = tmp_path_factory.mktemp("celery") / "worker.log"
    worker = _spawn([str(BIN / "celery"), "-A", "examples.celery_app", "worker", "--pool=prefork",
                     "--concurrency=2", "-l", "warning", "--without-gossip", "--without-mingle",
                     "--without-heartbeat"], env, log)
    with pytest.MonkeyPatch.context() as patch:
        for name, value in env.items():
            patch.setenv(name, value)
        sys.modules.pop("examples.celery_app", None)
        import examples.celery_app as module
    try:
        _wait_for(lambda: module.app.control.ping(timeout=0.5), "the Celery worker answering a ping", worker)
        yield module
    finally:
        stop_process(worker, BOUND)
        module.client.close()
        sys.modules.pop("examples.celery_app", None)
        if worker.returncode not in (0, -signal.SIGTERM):
            print(log.read_text())


def test_twenty_tasks_each_get_the_answer_to_their_own_question(celery_app: Any) -> None:
    questions = [f"question {i} of twenty" for i in range(20)]
    results = [celery_app.answer.delay(question) for question in questions]
    answers = [result.get(timeout=BOUND * 2) for result in results]
    assert answers == questions  # the echo model answers with the question: each got its own


def test_a_streaming_task_reports_each_token_as_progress(celery_app: Any) -> None:
    text = "Hello Bagatur! Nice to meet you."
    result = celery_app.stream_answer.delay(text)
    seen: list[str] = []
    deadline = time.monotonic() + BOUND
    while not result.ready() and time.monotonic() < deadline:
        if result.state == "PROGRESS":
            so_far = result.info["text"]
            if not seen or seen[-1] != so_far:
                seen.append(so_far)
        time.sleep(0.01)
    assert result.get(timeout=BOUND) == {"text": text, "complete": True}
    assert len(seen) >= 3  # progress seen while it ran, not only the end
    assert all(text.startswith(part) for part in seen)  # each a prefix of the answer, growing
    assert seen == sorted(seen, key=len)


def test_the_soft_time_limit_cancels_the_run_on_the_server(celery_app: Any, client: Client) -> None:
    words = 600  # 1200 tokens, 50 ms apart: a minute, far past the 3 s limit
    result = celery_app.stream_answer.delay("word " * words)
    run_id = _wait_for(lambda: result.state == "PROGRESS" and result.info["run_id"], "the task's first token")
    going = _wait_for(lambda: running_runs_of(client), "the run going on the server")
    assert run_id in going

    outcome = result.get(timeout=BOUND)
    assert outcome["complete"] is False
    assert 0 < len(outcome["text"]) < len("word " * words)  # stopped mid-run
    # Within a few seconds of the limit, the run is no longer going: cancelled, not finished
    # (it had most of a minute of tokens left), and its temporary thread is gone with it.
    _wait_for(lambda: run_id not in running_runs_of(client), "the run cancelled on the server")


def running_runs_of(client: Client) -> dict[str, str]:
    """The pending or running ``slow_tokens`` runs (``tests/leaving.py``'s search, this graph)."""
    found: dict[str, str] = {}
    for thread in client.threads.search(status="busy", metadata={"graph_id": ASSISTANT}, limit=1000):
        try:
            runs = client.runs.list(thread["thread_id"], limit=100)
        except Exception:  # the run ended since the search, and its thread was deleted
            continue
        found.update({run["run_id"]: run["status"] for run in runs if run["status"] in ("pending", "running")})
    return found


# -- Flask under gunicorn's gevent and gthread workers ------------------------------------------


@pytest.fixture(scope="module", params=["gevent", "gthread"])
def gunicorn_url(request: pytest.FixtureRequest, server: LocalServer,
                 tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``examples/flask_app.py`` served by ``gunicorn -k gevent`` or ``-k gthread`` (docs/workers.md)."""
    port = free_port()
    worker_args = {"gevent": ["--worker-connections", "100"], "gthread": ["--threads", "8"]}[request.param]
    log = tmp_path_factory.mktemp(f"gunicorn-{request.param}") / "gunicorn.log"
    process = _spawn([str(BIN / "gunicorn"), "-k", request.param, *worker_args, "-b", f"127.0.0.1:{port}",
                      "--chdir", "examples", "flask_app:app"],
                     {"LANGGRAPH_URL": server.url, "LANGGRAPH_ASSISTANT": ASSISTANT}, log)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_for(lambda: requests.get(url, timeout=1).ok, f"gunicorn -k {request.param} serving", process)
        yield url
    finally:
        stop_process(process, BOUND)
        if process.returncode != 0:
            print(log.read_text())


def _relay(url: str, thread_id: str, q: str) -> requests.Response:
    """``GET /stream`` as the page's EventSource sends it, read as it arrives."""
    response = requests.get(f"{url}/stream", params={"thread_id": thread_id, "q": q},
                            headers={"Accept": "text/event-stream"}, stream=True, timeout=BOUND)
    response.raise_for_status()
    return response


def test_gunicorn_relays_tokens_one_at_a_time_then_end(gunicorn_url: str, client: Client, tmp_path: Path) -> None:
    thread = client.threads.create()
    text = "Hello Bagatur! Nice to meet you."
    events: list[str] = []
    tokens: list[str] = []
    # The model makes token i + 1 only once <tmp_path>/<i> exists, created here on receiving
    # token i: a relay that buffered would make this read time out instead.
    with _relay(gunicorn_url, thread.thread_id, f"gate:{tmp_path} {text}") as response:
        assert response.headers["Content-Type"].startswith("text/event-stream")
        for event in decode(response.iter_content(chunk_size=None)):
            events.append(event.event)
            if event.event == "messages":
                chunk, _ = json.loads(event.data)
                if chunk["content"]:
                    (tmp_path / str(len(tokens))).touch()
                    tokens.append(chunk["content"])
    assert "".join(tokens) == text and len(tokens) == 11  # one event per word or space
    assert events[0] == "metadata" and events[-1] == "end" and events.count("end") == 1
    assert settled_status(client, thread.thread_id, seconds=BOUND) == "success"


def test_gunicorn_a_browser_leaving_mid_stream_interrupts_the_run(gunicorn_url: str, client: Client) -> None:
    thread = client.threads.create()
    # 400 tokens, 50 ms apart: the run would go on for 20 s after this reader leaves.
    with _relay(gunicorn_url, thread.thread_id, "word " * 200) as response:
        seen = 0
        for event in decode(response.iter_content(chunk_size=None)):
            seen += event.event == "messages"
            if seen == 3:
                break  # leaving the with block closes the connection, as a closed tab does
    assert settled_status(client, thread.thread_id, seconds=BOUND) == "interrupted"


GEVENT_SCRIPT = """
from gevent import monkey
monkey.patch_all()
import sys, time
import gevent
from stateless_client import StreamClosedError, get_client

client = get_client(url=sys.argv[1], api_key=None)
# Two streams read at once in two greenlets, then one closed from a third.
def read(question):
    with client.runs.stream(None, "slow_tokens", input={"messages": [{"role": "user", "content": question}]},
                            stream_mode="messages-tuple") as run:
        return "".join(run.text_stream)
first = gevent.spawn(read, "one two three four")
second = gevent.spawn(read, "five six seven eight")
assert [first.get(timeout=30), second.get(timeout=30)] == ["one two three four", "five six seven eight"]
# wait_many's pool of threads: greenlets under the patch.
states = client.runs.wait_many("slow_tokens", [{"messages": [{"role": "user", "content": f"q{i}"}]} for i in range(6)],
                               max_concurrency=3)
assert [state["messages"][-1]["content"] for state in states] == [f"q{i}" for i in range(6)], states

run = client.runs.stream(None, "slow_tokens", input={"messages": [{"role": "user", "content": "word " * 400}]},
                         stream_mode="messages-tuple")
tokens = iter(run.text_stream)
next(tokens)
started = time.monotonic()
gevent.spawn_later(0.5, run.close)
try:
    for _ in tokens:
        pass
except StreamClosedError:
    print(f"closed after {time.monotonic() - started:.2f} s")
else:
    raise SystemExit("the stream was not closed")
"""


def test_under_gevent_streams_read_in_greenlets_and_close_from_another(server: LocalServer, client: Client) -> None:
    """What gunicorn's gevent worker does to the client: ``monkey.patch_all()`` first; then
    streams read in two greenlets at once, ``wait_many``, and ``close()`` from another greenlet."""
    done = subprocess.run([sys.executable, "-c", GEVENT_SCRIPT, server.url], cwd=ROOT, capture_output=True,
                          text=True, timeout=BOUND * 2)
    assert done.returncode == 0, done.stderr
    closed_after = float(done.stdout.split()[2])
    assert 0.4 < closed_after < 2.0  # closed by the other greenlet, not at the run's end (20 s)
    _wait_for(lambda: not running_runs_of(client), "the closed stateless run cancelled on the server")
