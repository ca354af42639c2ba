"""Port of the SDK's ``tests/integration/test_remote_graph_v3.py`` (the sync test): langgraph's
``RemoteGraph.stream_events(version="v3")`` on the real server, given the library's client as
``sync_client`` (the SDK test builds one from ``url``). ``RemoteGraph`` drives
``client.threads.stream(...)``: ``run.start``, ``output`` and ``interrupted``.

The async tests (``astream_events``, ``abort``) need the SDK's async client, which this client
does not have.
"""

from __future__ import annotations

import pytest

from .integration import TOOLS_ASSISTANT_ID

SOURCE = "tests/integration/test_remote_graph_v3.py"

remote = pytest.importorskip("langgraph.pregel.remote")

_TOOLS_AGENT_INPUT = {"messages": [{"role": "user", "content": "search for v3"}]}


@pytest.fixture
def remote_tools_agent(lib, server):
    with lib.get_sync_client(url=server.url) as client:
        yield remote.RemoteGraph(TOOLS_ASSISTANT_ID, sync_client=client)


def test_sync_happy_path_yields_output(remote_tools_agent) -> None:
    """Sync stream: tools_agent completes; ``stream.output`` (sync property)
    blocks until terminal."""
    with remote_tools_agent.stream_events(
        _TOOLS_AGENT_INPUT,
        version="v3",
    ) as stream:
        output = stream.output
        assert output is not None
        assert stream.interrupted is False
