"""Run a real ``langgraph dev`` server on a free loopback port (demo and test suite).

Needs the ``local`` extra (``langgraph-cli[inmem]``). The server runs in a temporary copy of
the graphs' folder, because it keeps its in-memory state in files under its working
directory.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import TracebackType

import requests

__all__ = ["LocalServer", "free_port"]


_NOT_COPIED = shutil.ignore_patterns(".git", ".venv", "venv", "node_modules", "__pycache__", ".langgraph_api",
                                     ".tox", ".nox", ".mypy_cache", ".pytest_cache", ".ruff_cache")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LocalServer:
    """A ``langgraph dev`` process serving the graphs of ``graphs_dir`` (with its langgraph.json).

    Example (the test suite's ``server`` fixture does this)::

        with LocalServer(Path("tests/graphs")) as server:
            client = get_client(url=server.url)
    """

    def __init__(
        self, graphs_dir: Path, *, startup_timeout: float = 120.0, config_name: str = "langgraph.json"
    ) -> None:
        self.graphs_dir = Path(graphs_dir)
        self.config_name = config_name  # the configuration file in graphs_dir
        self.startup_timeout = startup_timeout
        self.port = 0
        self.url = ""
        self._workdir: tempfile.TemporaryDirectory[str] | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._log_path: Path | None = None

    def start(self) -> str:
        """Start the server, wait until ``/ok`` answers, and return its URL."""
        if not (_module_available("langgraph_cli") and _module_available("langgraph_api")):
            raise RuntimeError(
                'langgraph dev is not installed: pip install -e ".[local]" '
                "(its in-memory server, langgraph-api, needs Python 3.11 or newer)"
            )
        self._workdir = tempfile.TemporaryDirectory(prefix="stateless-client-server-")
        workdir = Path(self._workdir.name)
        # A project's own folder may hold a virtualenv or a git history: not the server's business.
        shutil.copytree(self.graphs_dir, workdir, dirs_exist_ok=True, ignore=_NOT_COPIED)
        self._log_path = workdir / "server.log"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "LANGSMITH_TRACING": "false", "LANGGRAPH_CLI_NO_ANALYTICS": "1",
               "PYTHONUNBUFFERED": "1"}
        command = [sys.executable, "-m", "langgraph_cli", "dev", "--no-browser", "--no-reload",
                   "--config", self.config_name,
                   "--host", "127.0.0.1", "--port", str(self.port)]
        with open(self._log_path, "wb") as log:
            self._process = subprocess.Popen(
                command, cwd=workdir, env=env, stdout=log, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, start_new_session=True,
            )
        self._wait_until_ready()
        return self.url

    def _wait_until_ready(self) -> None:
        assert self._process is not None
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"langgraph dev exited with {self._process.returncode}:\n{self.log_tail()}")
            try:
                if requests.get(self.url + "/ok", timeout=1).ok:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"langgraph dev did not answer /ok within {self.startup_timeout} s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 40) -> str:
        """The last lines the server printed."""
        if self._log_path is None or not self._log_path.exists():
            return ""
        return "\n".join(self._log_path.read_text(errors="replace").splitlines()[-lines:])

    def stop(self) -> None:
        """Stop the server and its children, and remove its working copy."""
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            try:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=15)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                try:
                    os.killpg(process.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                process.wait(timeout=5)
        if self._workdir is not None:
            self._workdir.cleanup()
            self._workdir = None

    def __enter__(self) -> LocalServer:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def _module_available(name: str) -> bool:
    return importlib.util.find_spec(name) is not None
