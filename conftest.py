"""Shared fixtures: one real ``langgraph dev`` server per test session, clients of it, and the
docs' input; used by the tests in ``tests/`` and by the docstring examples in
``stateless_client/``, which run against the same server."""

from __future__ import annotations

import contextlib
import os
import re
from pathlib import Path
from typing import Any, Iterator

import pytest

from stateless_client import Client, get_client
from stateless_client._dev.local_server import LocalServer

GRAPHS = Path(__file__).parent / "tests" / "graphs"
# Graph files are loaded by langgraph dev, not imported as library code.
collect_ignore = ["stateless_client/_dev/demo/graph.py", "tests/graphs"]
# An example that calls the shared ``client`` or names ``SERVER_URL`` needs the server.
_USES_SERVER = re.compile(r"(?<![.\w])client\.|\bSERVER_URL\b")
SEED_INPUT = {"messages": [{"role": "user", "content": "Hello! My name is Bagatur and I am 26 years old."}]}


@pytest.fixture(scope="session")
def server() -> Iterator[LocalServer]:
    """The real LangGraph API server, serving ``tests/graphs``; started on first use."""
    with LocalServer(GRAPHS) as running:
        if os.environ.get("STATELESS_CLIENT_RECORD_CALLS"):
            with _recording_calls_to(running.url, Path(os.environ["STATELESS_CLIENT_RECORD_CALLS"])):
                yield running
        else:
            yield running


@contextlib.contextmanager
def _recording_calls_to(url: str, into: Path) -> Iterator[None]:
    """Record ``METHOD URL`` of every request sent to ``url`` (for scripts/api_coverage.py)."""
    from stateless_client._http.transport import Transport

    calls: set[str] = set()
    send = Transport._send

    def recording_send(self: Transport, method: str, target: str, *args: Any, **kwargs: Any) -> Any:
        if target.startswith(url):
            calls.add(f"{method} {target}")
        return send(self, method, target, *args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Transport, "_send", recording_send)
        yield
    into.write_text("".join(f"{call}\n" for call in sorted(calls)))


@pytest.fixture
def client(server: LocalServer) -> Iterator[Client]:
    """A client of the real server, without an API key."""
    with get_client(url=server.url, api_key=None) as made:
        yield made


@pytest.fixture
def seed_input() -> dict[str, object]:
    """The stateless-runs docs' input (a fresh copy per test)."""
    return {"messages": [dict(message) for message in SEED_INPUT["messages"]]}


@pytest.fixture(autouse=True)
def _examples_talk_to_the_real_server(request: pytest.FixtureRequest, doctest_namespace: dict[str, Any]) -> None:
    """Give docstring examples ``data`` (the docs' input) and, to an example that uses them,
    ``client`` and ``SERVER_URL``: only such an example starts the server."""
    if not isinstance(request.node, pytest.DoctestItem):
        return
    doctest_namespace.setdefault("data", SEED_INPUT)
    sources = "".join(example.source for example in request.node.dtest.examples)
    if "client" not in doctest_namespace and _USES_SERVER.search(sources):
        server = request.getfixturevalue("server")
        doctest_namespace.update(client=get_client(url=server.url, api_key=None), SERVER_URL=server.url)
