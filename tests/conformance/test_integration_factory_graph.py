"""Port of the SDK's ``tests/integration/test_factory_graph.py`` on the real server: a run of a
graph *factory* (``config, runtime``) completes and echoes its input, the server having passed
the factory a ``ServerRuntime`` for execution.

The sync test is ported (its async twin is the same scenario). The SDK's ``factory_agent`` is
``sdk_factory_agent`` here.
"""

from __future__ import annotations

import pytest

from .integration import FACTORY_ASSISTANT_ID

SOURCE = "tests/integration/test_factory_graph.py"


@pytest.fixture
def client(lib, server):
    with lib.get_sync_client(url=server.url) as made:
        yield made


def test_factory_graph_executes_sync(client) -> None:
    threads, runs = client.threads, client.runs
    thread = threads.create(metadata={"suite": "integration", "label": "factory-sync"})
    tid = thread["thread_id"]
    try:
        result = runs.wait(tid, FACTORY_ASSISTANT_ID, input={"text": "hi"})
        assert isinstance(result, dict), result
        assert result.get("text") == "hi echoed"
        assert result.get("access_context") == "threads.create_run"
        assert result.get("is_for_execution") is True
    finally:
        threads.delete(tid)
