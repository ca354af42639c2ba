"""Port of the SDK's ``tests/integration/test_tools.py`` (the sync test): ``thread.tool_calls``
on the real server, with a graph that makes one real ``search`` tool call."""

from __future__ import annotations

from .integration import TOOLS_ASSISTANT_ID, sync_threads  # noqa: F401 (fixture)

SOURCE = "tests/integration/test_tools.py"


def test_tools_sync(sync_threads) -> None:  # noqa: F811
    threads, _ = sync_threads
    with threads.stream(assistant_id=TOOLS_ASSISTANT_ID) as thread:
        thread.run.start(
            input={"messages": [{"role": "human", "content": "search for v3"}]}
        )

        handles = list(thread.tool_calls)
        assert handles, "expected at least one tool call handle"
        assert any(h.name == "search" for h in handles), "expected `search` tool call"

        for handle in handles:
            deltas = "".join(list(handle.deltas))
            output = handle.output
            assert output.get("status") == "success"
            assert isinstance(deltas, str)
