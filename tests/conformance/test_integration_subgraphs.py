"""Port of the SDK's ``tests/integration/test_subgraphs.py`` (the sync tests): ``thread.subgraphs``
on the real server. ``v3_deep_agent`` stands in for the SDK's ``create_deep_agent`` graph: a
supervisor whose ``task`` tool runs a researcher graph (``deepagents`` is not a dependency here)."""

from __future__ import annotations

from .integration import ASSISTANT_ID, DEEP_AGENT_ASSISTANT_ID, sync_threads  # noqa: F401 (fixture)

SOURCE = "tests/integration/test_subgraphs.py"


def test_subgraphs_agent_sync(sync_threads) -> None:  # noqa: F811
    threads, _ = sync_threads
    with threads.stream(assistant_id=ASSISTANT_ID) as thread:
        thread.run.start(input={"messages": [], "value": "init", "items": []})
        handles = list(thread.subgraphs)
        assert handles == []


def test_subgraphs_deep_agent_sync(sync_threads) -> None:  # noqa: F811
    threads, _ = sync_threads
    with threads.stream(assistant_id=DEEP_AGENT_ASSISTANT_ID) as thread:
        thread.run.start(
            input={"messages": [{"role": "user", "content": "research the v3 spec"}]},
        )
        handles = list(thread.subgraphs)
        assert handles, "deep_agent should produce at least one direct-child handle"
