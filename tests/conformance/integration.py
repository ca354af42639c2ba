"""What the ports of the SDK's integration tests share: the assistants standing in for its
integration graphs on our ``server`` fixture, and ``sync_threads``.

- ``sdk_agent`` and ``sdk_factory_agent`` (``tests/graphs/sdk_integration.py``) are its ``agent``
  and ``factory_agent``, registered under these names because our server already has an ``agent``;
- ``v3_tools_agent`` and ``v3_deep_agent`` (``tests/graphs/v3_graphs.py``) stand in for its
  ``tools_agent`` and ``deep_agent`` (``langchain.agents`` and ``deepagents`` are not installed).
"""

from __future__ import annotations

from typing import Any, Iterator

import pytest

ASSISTANT_ID = "sdk_agent"
FACTORY_ASSISTANT_ID = "sdk_factory_agent"
TOOLS_ASSISTANT_ID = "v3_tools_agent"
DEEP_AGENT_ASSISTANT_ID = "v3_deep_agent"

EXPECTED_TERMINAL_ITEMS = ["streamed", "tool", "asked", "sub"]


@pytest.fixture
def sync_threads(lib: Any, server: Any) -> Iterator[tuple[Any, Any]]:
    """``(threads, client)``: ``client.threads`` of ``lib``, on the real server."""
    with lib.get_sync_client(url=server.url) as client:
        yield client.threads, client
