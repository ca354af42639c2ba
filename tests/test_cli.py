"""The ``stateless-client`` console script, run for real against the real server."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import sysconfig
import uuid
from pathlib import Path

import pytest

from stateless_client import Client
from stateless_client._cli import EXIT_CODES
from stateless_client._dev.local_server import LocalServer

from .helpers import settled_status

SCRIPT = shutil.which("stateless-client", path=sysconfig.get_path("scripts")) or shutil.which("stateless-client")
SEED = {"messages": [{"role": "user", "content": "Hello! My name is Bagatur and I am 26 years old."}]}
pytestmark = pytest.mark.skipif(SCRIPT is None, reason="the console script is not installed (pip install -e .)")


def cli(*args: str, stdin: str | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(SCRIPT), *args], input=stdin, capture_output=True, text=True, timeout=120,
                          env={**os.environ, **(env or {})}, check=False)


def test_wait_prints_the_final_state_as_json(server: LocalServer) -> None:
    done = cli("wait", "agent", "--input", json.dumps(SEED), "--url", server.url)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["messages"][-1]["content"] == "echo: " + SEED["messages"][0]["content"]


def test_stream_prints_one_json_object_per_event_with_the_url_from_the_environment(
    server: LocalServer, tmp_path: Path
) -> None:
    (tmp_path / "input.json").write_text(json.dumps(SEED))
    done = cli("stream", "agent", "--input", f"@{tmp_path / 'input.json'}", "--mode", "updates", "--mode", "values",
               env={"LANGGRAPH_URL": server.url})
    assert done.returncode == 0, done.stderr
    events = [json.loads(line) for line in done.stdout.splitlines()]
    assert [event["event"] for event in events] == ["metadata", "values", "updates", "values"]
    assert set(events[0]) == {"event", "data", "id"}


def test_stream_text_prints_the_tokens_from_stdin_input(server: LocalServer) -> None:
    done = cli("stream", "tokens", "--input", "-", "--text", "--url", server.url, stdin=json.dumps(SEED))
    assert (done.returncode, done.stdout) == (0, "Hello Bagatur! Nice to meet you.\n"), done.stderr


@pytest.mark.parametrize(("args", "outcome", "says"), [
    (["wait", "error", "--input", '{"messages": []}'], "run_failed", "run failed: run "),
    (["wait", "no-such-graph"], "http_error", "HTTP error: POST /runs/wait -> 422"),
    (["wait", "agent", "--input", "{not json"], "error", "--input is not JSON"),
])
def test_failures_are_one_line_with_distinct_exit_codes(server: LocalServer, args: list[str], outcome: str,
                                                         says: str) -> None:
    done = cli(*args, "--url", server.url)
    assert done.returncode == EXIT_CODES[outcome]
    assert done.stderr.count("\n") == 1 and says in done.stderr and not done.stdout


def test_a_connection_error_has_its_own_exit_code() -> None:
    done = cli("wait", "agent", "--url", "http://127.0.0.1:9")
    assert done.returncode == EXIT_CODES["connection_error"] and "connection error" in done.stderr


def test_ctrl_c_cancels_the_run_and_exits_130(server: LocalServer, client: Client) -> None:
    thread = client.threads.create(metadata={"cli": uuid.uuid4().hex})
    child = subprocess.Popen(
        [str(SCRIPT), "stream", "slow", "--thread", thread.thread_id, "--mode", "custom",
         "--input", json.dumps({"n": 100, "delay": 0.2}), "--url", server.url],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None
        first_lines = [child.stdout.readline(), child.stdout.readline()]  # metadata, first custom event
        assert '"custom"' in first_lines[1]
        child.send_signal(signal.SIGINT)
        _, stderr = child.communicate(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == 130 and "interrupted" in stderr
    (run,) = client.runs.list(thread.thread_id)
    assert settled_status(client, thread.thread_id, run.run_id) == "interrupted"


def test_python_dash_m_is_the_same_command(server: LocalServer) -> None:
    done = subprocess.run([sys.executable, "-m", "stateless_client", "wait", "agent", "--url", server.url,
                           "--input", '{"messages": []}'], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0 and json.loads(done.stdout)["messages"][-1]["content"] == "echo: "


@pytest.mark.parametrize(("redirect", "says"), [
    ("<&-", "--input -: standard input is closed"),  # nothing to read the input from
    (">&-", "standard output is closed"),  # nowhere to print: no run is started
])
def test_a_closed_standard_stream_is_one_line_not_a_traceback(server: LocalServer, redirect: str, says: str) -> None:
    done = subprocess.run(["sh", "-c", f'exec "$0" wait agent --input - --url "$1" {redirect}', str(SCRIPT),
                           server.url], capture_output=True, text=True, timeout=120, check=False)
    assert (done.returncode, done.stderr) == (EXIT_CODES["error"], f"stateless-client: error: {says}\n")
