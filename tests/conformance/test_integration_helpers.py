"""Port of the SDK's ``tests/integration/test_helpers.py`` (the sync test): ``thread.agent.get_tree``
and the identity of ``thread.extensions[name]`` on repeated access, on the real server."""

from __future__ import annotations

from .integration import ASSISTANT_ID, sync_threads  # noqa: F401 (fixture)

SOURCE = "tests/integration/test_helpers.py"


def test_get_tree_and_extensions_cache_sync(sync_threads) -> None:  # noqa: F811
    threads, _ = sync_threads
    with threads.stream(assistant_id=ASSISTANT_ID) as thread:
        tree = thread.agent.get_tree()
        assert tree, "expected non-empty tree"
        node_ids = [n["id"] for n in tree.get("nodes", [])]
        assert "stream_message" in node_ids
        assert "ask_human" in node_ids

        tree_xray = thread.agent.get_tree(xray=True)
        assert set(tree_xray) >= {"nodes", "edges"}

        a = thread.extensions["progress"]
        b = thread.extensions["progress"]
        assert a is b, "expected cached projection instance on repeated access"
