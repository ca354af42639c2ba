"""Shared by the ports of the SDK's v3 integration tests (``test_integration_*.py``): the
assistants they run (``tests/graphs/v3_graphs.py``, standing in for the SDK's integration graphs
``agent``, ``tools_agent``, ``deep_agent``) and ``threads``, the fixture that replaces the SDK's
``sync_threads`` with ``client.threads`` of the library under test, on the session's real
``langgraph dev`` server."""

from __future__ import annotations

from typing import Any, Iterator

import pytest

ASSISTANT_ID = "v3_agent"
TOOLS_ASSISTANT_ID = "v3_tools_agent"
DEEP_AGENT_ASSISTANT_ID = "v3_deep_agent"

EXPECTED_TERMINAL_ITEMS = ["streamed", "tool", "asked", "sub"]


@pytest.fixture
def sync_threads(lib: Any, server: Any) -> Iterator[tuple[Any, Any]]:
    """``(threads, client)``: ``client.threads`` of ``lib``, on the real server."""
    with lib.get_sync_client(url=server.url) as client:
        yield client.threads, client
