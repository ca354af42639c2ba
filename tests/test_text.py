"""``RunStream.text_stream`` on odd but well-formed message events: only strings are text, and
messages without IDs are kept apart (served with ``responses``)."""

from __future__ import annotations

import json
from typing import Any

import pytest
import responses

from stateless_client import get_client

BASE = "http://text.test"


def _text_of(*events: tuple[str, Any], mode: str = "messages") -> str:
    body = b"".join(f"event: {event}\ndata: {json.dumps(data)}\n\n".encode() for event, data in events)
    with responses.RequestsMock() as api:
        api.post(f"{BASE}/runs/stream", body=body, content_type="text/event-stream")
        stream = get_client(url=BASE, api_key=None).runs.stream(None, "agent", stream_mode=mode)
        return "".join(stream.text_stream)


@pytest.mark.parametrize("text", [None, {"nested": True}, 42, ["a"]])
def test_a_text_block_whose_text_is_not_a_string_adds_nothing(text: Any) -> None:
    blocks = [{"type": "text", "text": text}, {"type": "text", "text": "ok"}, "!"]
    chunk = {"type": "AIMessageChunk", "content": blocks}
    assert _text_of(("messages", [chunk, {}]), mode="messages-tuple") == "ok!"


def test_partial_messages_without_ids_are_told_apart_by_their_place() -> None:
    def partial(*contents: str) -> tuple[str, Any]:
        return "messages/partial", [{"type": "ai", "content": content} for content in contents]

    assert _text_of(partial("Hel", "Wor"), partial("Hello", "World")) == "HelWorlold"
    assert _text_of(partial("Hel"), partial("Hello"), partial("Hello!")) == "Hello!"
