"""Port of the SDK's ``tests/integration/test_messages.py`` (the sync test): ``thread.messages``
and each message's ``text`` deltas on the real server."""

from __future__ import annotations

from .integration import ASSISTANT_ID, sync_threads  # noqa: F401 (fixture)

SOURCE = "tests/integration/test_messages.py"


def test_messages_sync(sync_threads) -> None:  # noqa: F811
    threads, _ = sync_threads
    with threads.stream(assistant_id=ASSISTANT_ID) as thread:
        thread.run.start(input={"messages": [], "value": "init", "items": []})

        streams = list(thread.messages)
        assert streams, "expected at least one streamed message"

        for stream in streams:
            text = "".join(list(stream.text))
            assert text == "Hello, world!", f"unexpected message text: {text!r}"
