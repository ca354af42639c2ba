"""Server-sent events decoding, following the WHATWG "event stream interpretation" exactly.

``decode(chunks)`` turns any iterable of byte chunks, split anywhere, into events::

    >>> from stateless_client.sse import decode
    >>> [e.data for e in decode([b"data: a\\r\\nda", b"ta: b\\n\\n"])]
    ['a\\nb']

What it does, per the specification (https://html.spec.whatwg.org/multipage/server-sent-events.html):

- the stream is UTF-8; invalid bytes become U+FFFD; one leading BOM is dropped;
- lines end in LF, CR or CRLF, also when a CRLF is split between chunks;
- ``:comment`` lines are ignored, a field without a colon has an empty value, and only one
  space after the colon is removed;
- ``data`` lines are joined with ``\\n``; an event whose data buffer is empty is not dispatched;
- ``id`` sets the last event ID unless it contains NUL; it carries over to later events;
- ``retry`` counts only when it is all ASCII digits;
- an unterminated last event is discarded.

Every event is yielded as soon as the chunk holding its terminating blank line is fed in, and
a line split over many chunks is joined once, so the cost is linear in the stream's size.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from typing import Iterable, Iterator, Tuple

__all__ = ["ServerSentEvent", "decode", "EventLineTooLong", "DEFAULT_MAX_LINE_LENGTH"]

#: The longest line (in characters) the decoder accepts before raising ``EventLineTooLong``.
DEFAULT_MAX_LINE_LENGTH = 256 * 1024 * 1024

# (event type, data, last event ID, retry): what the internal decoder yields per event.
RawEvent = Tuple[str, str, "str | None", "int | None"]


@dataclass(frozen=True, slots=True)
class ServerSentEvent:
    """One dispatched server-sent event.

    Attributes:
        event: the event type, ``"message"`` when the stream named none.
        data: the data lines joined with ``\\n``.
        id: the last event ID in effect: ``None`` until the stream sets one, ``""`` after an
            empty ``id:`` line resets it.
        retry: the reconnection time in milliseconds, if this event's block set one.
    """

    event: str = "message"
    data: str = ""
    id: str | None = None
    retry: int | None = None


class EventLineTooLong(ValueError):
    """A line grew past ``max_line_length`` without ending; ``snippet`` is its start."""

    def __init__(self, length: int, limit: int, snippet: str) -> None:
        super().__init__(
            f"SSE line of at least {length} characters exceeds the limit of {limit}: {snippet!r}"
        )
        self.snippet = snippet


def decode(
    chunks: Iterable[bytes], *, max_line_length: int = DEFAULT_MAX_LINE_LENGTH
) -> Iterator[ServerSentEvent]:
    """Decode byte chunks into ``ServerSentEvent`` objects, one per dispatched event.

    Args:
        chunks: the body, split anywhere (``b""`` chunks are allowed).
        max_line_length: raise ``EventLineTooLong`` when one line grows past this.

    Returns:
        An iterator that yields each event as soon as its blank line has been fed in.

    Raises:
        EventLineTooLong: a line longer than ``max_line_length``.
    """
    decoder = EventDecoder(max_line_length=max_line_length)
    for event, data, last_id, retry in decoder.events(chunks):
        yield ServerSentEvent(event, data, last_id, retry)


class EventDecoder:
    """The decoder behind ``decode``, yielding plain tuples for the streaming hot path.

    After ``events()`` finishes, ``incomplete`` tells whether the stream ended in the middle
    of an event (bytes after the last blank line), which a client may treat as a cut-off, and
    ``last_event_id`` is the ID in effect at the last complete event: the one to resume from.
    """

    __slots__ = ("incomplete", "last_event_id", "max_line_length")

    def __init__(
        self, *, last_event_id: str | None = None, max_line_length: int = DEFAULT_MAX_LINE_LENGTH
    ) -> None:
        self.last_event_id = last_event_id
        self.max_line_length = max_line_length
        self.incomplete = False

    def events(self, chunks: Iterable[bytes]) -> Iterator[RawEvent]:
        """Yield ``(event, data, last_event_id, retry)`` for each dispatched event."""
        text_of = codecs.getincrementaldecoder("utf-8")("replace").decode
        limit = self.max_line_length
        last_id = self.last_event_id
        pending: list[str] = []  # pieces of the current line, not yet terminated
        pending_length = 0
        after_cr = False  # the previous chunk ended in CR: a leading LF belongs to it
        at_start = True
        event_type = ""
        data_lines: list[str] = []
        retry: int | None = None
        dispatched_id = last_id  # the ID in effect at the last blank line

        try:
            for chunk in chunks:
                text = text_of(chunk)
                if not text:
                    continue
                if at_start:
                    at_start = False
                    if text[0] == "\ufeff":
                        text = text[1:]
                if after_cr:
                    after_cr = False
                    if text[:1] == "\n":
                        text = text[1:]
                if "\r" in text:
                    after_cr = text[-1] == "\r"
                    text = text.replace("\r\n", "\n").replace("\r", "\n")
                if "\n" in text:
                    lines = text.split("\n")
                    tail = lines.pop()
                else:  # the middle of a long line: kept whole, without split's copy
                    lines = []
                    tail = text
                if pending and lines:
                    pending.append(lines[0])
                    if _starts_data_field(pending):
                        # A long data line: strip the field name from its first piece so the
                        # value is built by one join, without a second full-size copy.
                        head = pending[0]
                        pending[0] = head[6:] if head[5:6] == " " else head[5:]
                        data_lines.append("".join(pending))
                        del lines[0]
                    else:
                        lines[0] = "".join(pending)
                    pending = []
                    pending_length = 0
                if tail:
                    pending.append(tail)
                    pending_length += len(tail)
                    if pending_length > limit:
                        raise EventLineTooLong(pending_length, limit, pending[0][:80])

                for line in lines:
                    if not line:
                        dispatched_id = last_id
                        if data_lines:
                            data = data_lines[0] if len(data_lines) == 1 else "\n".join(data_lines)
                            data_lines = []
                            yield (event_type or "message", data, last_id, retry)
                        event_type = ""
                        retry = None
                        continue
                    colon = line.find(":")
                    if colon == 0:
                        continue  # comment, e.g. a heartbeat
                    if colon < 0:
                        field, value = line, ""
                    else:
                        field = line[:colon]
                        value = line[colon + 2 :] if line[colon + 1 : colon + 2] == " " else line[colon + 1 :]
                    if field == "data":
                        data_lines.append(value)
                    elif field == "event":
                        event_type = value
                    elif field == "id":
                        if "\0" not in value:
                            last_id = value
                    elif field == "retry" and value.isascii() and value.isdigit():
                        retry = int(value)

        finally:
            # Also on a read error, so a client knows where to resume from.
            self.last_event_id = dispatched_id
            self.incomplete = bool(pending or data_lines or event_type)


def _starts_data_field(pieces: list[str]) -> bool:
    """Whether the line made of ``pieces`` is a ``data`` field (its first piece may be tiny)."""
    while len(pieces[0]) < 6 and len(pieces) > 1:
        pieces[0:2] = [pieces[0] + pieces[1]]
    return pieces[0].startswith("data:")
