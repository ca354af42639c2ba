"""Shared fixtures: one real ``langgraph dev`` server per test session, and clients for it."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from stateless_client import Client, get_client
from stateless_client._local_server import LocalServer

GRAPHS = Path(__file__).parent / "graphs"
SEED_INPUT = {"messages": [{"role": "user", "content": "Hello! My name is Bagatur and I am 26 years old."}]}

collect_ignore = ["graphs"]


@pytest.fixture(scope="session")
def server() -> Iterator[LocalServer]:
    """The real LangGraph API server, serving ``tests/graphs``."""
    with LocalServer(GRAPHS) as running:
        yield running


@pytest.fixture
def client(server: LocalServer) -> Iterator[Client]:
    """A client of the real server, without an API key."""
    with get_client(url=server.url, api_key=None) as made:
        yield made


@pytest.fixture
def seed_input() -> dict[str, object]:
    """The stateless-runs docs' input."""
    return {"messages": [dict(message) for message in SEED_INPUT["messages"]]}
