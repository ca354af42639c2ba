"""Shared fixtures: clients of the real ``langgraph dev`` server (``server``: ../conftest.py)."""

from __future__ import annotations

from typing import Iterator

import pytest

from conftest import SEED_INPUT
from stateless_client import Client, get_client
from stateless_client._local_server import LocalServer

collect_ignore = ["graphs"]


@pytest.fixture
def client(server: LocalServer) -> Iterator[Client]:
    """A client of the real server, without an API key."""
    with get_client(url=server.url, api_key=None) as made:
        yield made


@pytest.fixture
def seed_input() -> dict[str, object]:
    """The stateless-runs docs' input."""
    return {"messages": [dict(message) for message in SEED_INPUT["messages"]]}
