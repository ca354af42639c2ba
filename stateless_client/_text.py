"""Token text out of a run's ``messages`` events, for ``RunStream.text_stream``.

Two stream modes carry messages, in two shapes:

- ``messages-tuple`` sends ``event: messages`` with ``[chunk, metadata]`` per token: the chunk's
  content is the new text, ``metadata["langgraph_node"]`` the node that produced it.
- ``messages`` sends ``messages/metadata`` (``{message_id: {"metadata": ...}}``), then
  ``messages/partial`` with each message's content *so far*, then ``messages/complete``: the
  new text is what a partial adds to the previous one of the same message.

Content is a string or a list of content blocks, of which only ``{"type": "text"}`` blocks
(and bare strings) are text. Only AI messages count: the user's input is not generated text.
"""

from __future__ import annotations

from typing import Any

__all__ = ["TextExtractor", "MESSAGE_MODES", "content_text"]

#: The stream modes that carry messages.
MESSAGE_MODES = frozenset({"messages", "messages-tuple"})
_AI_TYPES = frozenset({"ai", "AIMessageChunk", "AIMessage"})


def content_text(content: Any) -> str:
    """The text of a message's ``content``: a string, or the text of its content blocks.

    Only strings count as text: a text block whose ``text`` is missing, ``null`` or not a
    string adds nothing (never ``"None"`` or a ``repr``).
    """
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(
            block if isinstance(block, str) else block["text"]
            for block in content
            if isinstance(block, str)
            or (isinstance(block, dict) and block.get("type") == "text" and isinstance(block.get("text"), str))
        )
    return ""


class TextExtractor:
    """Feed it stream parts; it returns the new AI text each one carries (or ``""``).

    Args:
        node: keep only the text of this graph node (``metadata["langgraph_node"]``).
    """

    def __init__(self, node: str | None = None) -> None:
        self.node = node
        self._seen: dict[str | int, str] = {}  # message id -> its text so far (``messages`` mode)
        self._nodes: dict[str | int, str | None] = {}  # message id -> node (``messages/metadata``)

    def feed(self, event: str, data: Any) -> str:
        """The new text in one part (``event``, ``data``), ``""`` when it carries none."""
        kind = event.partition("|")[0]
        if kind == "messages":  # messages-tuple: [chunk, metadata]
            if not (isinstance(data, list) and len(data) == 2 and isinstance(data[0], dict)):
                return ""
            chunk, metadata = data
            if chunk.get("type") not in _AI_TYPES or not self._wanted(metadata):
                return ""
            return content_text(chunk.get("content"))
        if kind == "messages/metadata" and isinstance(data, dict):
            for message_id, entry in data.items():
                metadata = entry.get("metadata") if isinstance(entry, dict) else None
                self._nodes[message_id] = metadata.get("langgraph_node") if isinstance(metadata, dict) else None
            return ""
        if kind in ("messages/partial", "messages/complete") and isinstance(data, list):
            return "".join(
                self._delta(message, position) for position, message in enumerate(data) if isinstance(message, dict)
            )
        return ""

    def _wanted(self, metadata: Any) -> bool:
        return self.node is None or (isinstance(metadata, dict) and metadata.get("langgraph_node") == self.node)

    def _delta(self, message: dict[str, Any], position: int) -> str:
        if message.get("type") not in _AI_TYPES:
            return ""
        # A message without an ID is told apart from the others by its place in the list (an
        # int, which no ID, always a string here, can equal).
        found_id = message.get("id")
        message_id: str | int = position if found_id is None else str(found_id)
        if self.node is not None and self._nodes.get(message_id) != self.node:
            return ""
        text = content_text(message.get("content"))
        before = self._seen.get(message_id, "")
        self._seen[message_id] = text
        return text[len(before):] if text.startswith(before) else text
