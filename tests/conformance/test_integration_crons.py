"""Port of the SDK's ``tests/integration/test_crons.py`` on the real server: ``crons.create``,
``search`` and ``delete`` of a cron that fires once a year, so never during the test.

The sync test is ported (its async twin is the same scenario). The SDK's assistant ``agent``
is ``sdk_agent`` here.
"""

from __future__ import annotations

import pytest

from .integration import ASSISTANT_ID

SOURCE = "tests/integration/test_crons.py"

# Once a year, on Jan 1 at 00:00 UTC. Deterministic and well past any
# test runtime.
_DISTANT_SCHEDULE = "0 0 1 1 *"


@pytest.fixture
def client(lib, server):
    with lib.get_sync_client(url=server.url) as made:
        yield made


def test_crons_create_search_delete_sync(client) -> None:
    crons = client.crons
    created = crons.create(
        ASSISTANT_ID,
        schedule=_DISTANT_SCHEDULE,
        input={"messages": [], "value": "init", "items": []},
        metadata={"suite": "integration", "label": "crons-sync"},
    )
    cron_id = created["cron_id"]
    try:
        results = crons.search(limit=20)
        assert any(c["cron_id"] == cron_id for c in results)
    finally:
        crons.delete(cron_id)
