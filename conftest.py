"""Root fixtures: one real ``langgraph dev`` server per test session, shared by the tests in
``tests/`` and by the docstring examples in ``stateless_client/``, which run against it."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import pytest

from stateless_client import get_client
from stateless_client._local_server import LocalServer

GRAPHS = Path(__file__).parent / "tests" / "graphs"
SEED_INPUT = {"messages": [{"role": "user", "content": "Hello! My name is Bagatur and I am 26 years old."}]}


@pytest.fixture(scope="session")
def server() -> Iterator[LocalServer]:
    """The real LangGraph API server, serving ``tests/graphs``; started on first use."""
    with LocalServer(GRAPHS) as running:
        yield running


@pytest.fixture(autouse=True)
def _examples_talk_to_the_real_server(request: pytest.FixtureRequest, doctest_namespace: dict[str, Any]) -> None:
    """Give docstring examples ``client``, ``data`` and ``SERVER_URL`` (only doctests start the server)."""
    if isinstance(request.node, pytest.DoctestItem) and "client" not in doctest_namespace:
        server = request.getfixturevalue("server")
        doctest_namespace.update(
            client=get_client(url=server.url, api_key=None), data=SEED_INPUT, SERVER_URL=server.url
        )
