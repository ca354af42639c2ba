"""Port of the SDK's ``tests/integration/test_assistants.py`` on the real server: the assistant
CRUD round-trip, search by metadata, ``get_graph`` and ``get_schemas``.

The sync tests are ported (their async twins are the same scenarios). The SDK's assistant
``agent`` is ``sdk_agent`` here (``tests/conformance/integration.py``).
"""

from __future__ import annotations

import pytest

from .integration import ASSISTANT_ID

SOURCE = "tests/integration/test_assistants.py"


@pytest.fixture
def client(lib, server):
    with lib.get_sync_client(url=server.url) as made:
        yield made


def test_assistants_crud_sync(client) -> None:
    client = client.assistants
    created = client.create(
        graph_id=ASSISTANT_ID,
        metadata={"suite": "integration", "label": "crud-sync"},
        name="crud-sync",
    )
    aid = created["assistant_id"]
    try:
        fetched = client.get(aid)
        assert fetched["assistant_id"] == aid
        assert fetched["graph_id"] == ASSISTANT_ID

        updated = client.update(aid, metadata={"suite": "integration", "label": "crud-sync-updated"})
        assert updated["metadata"]["label"] == "crud-sync-updated"

        results = client.search(metadata={"label": "crud-sync-updated"})
        assert any(a["assistant_id"] == aid for a in results)
    finally:
        client.delete(aid)


def test_assistants_graph_introspection_sync(client) -> None:
    client = client.assistants
    matches = client.search(graph_id=ASSISTANT_ID, limit=1)
    assert matches, f"no auto-created assistant for graph_id={ASSISTANT_ID!r}"
    aid = matches[0]["assistant_id"]

    graph = client.get_graph(aid)
    node_ids = [n["id"] for n in graph.get("nodes", [])]
    assert "stream_message" in node_ids
    assert "ask_human" in node_ids

    graph_xray = client.get_graph(aid, xray=True)
    assert "nodes" in graph_xray and "edges" in graph_xray

    schemas = client.get_schemas(aid)
    assert "state_schema" in schemas
