"""Port of the SDK's ``tests/integration/test_extensions.py`` (the sync test):
``thread.extensions[name]`` on the real server, up to the run's interrupt."""

from __future__ import annotations

from .integration import ASSISTANT_ID, sync_threads  # noqa: F401 (fixture)

SOURCE = "tests/integration/test_extensions.py"

_EXPECTED_PRE_INTERRUPT_STEPS = [
    "stream_message",
    "stream_message",
    "call_tool",
    "call_tool",
    "ask_human",
]


def test_extensions_sync(sync_threads) -> None:  # noqa: F811
    threads, _ = sync_threads
    with threads.stream(assistant_id=ASSISTANT_ID) as thread:
        thread.run.start(input={"messages": [], "value": "init", "items": []})

        events: list[dict] = []
        for event in thread.extensions["progress"]:
            events.append(event)

        steps = [e.get("step") for e in events]
        assert steps == _EXPECTED_PRE_INTERRUPT_STEPS, (
            f"unexpected step sequence: {steps}"
        )
