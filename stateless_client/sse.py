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
A line longer than ``max_line_length`` or an event larger than ``max_event_size`` raises,
after the events before it, whatever the chunking: memory stays near the limits.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from typing import Iterable, Iterator, Tuple

__all__ = [
    "ServerSentEvent",
    "decode",
    "EventLineTooLong",
    "EventTooLarge",
    "DEFAULT_MAX_LINE_LENGTH",
    "DEFAULT_MAX_EVENT_SIZE",
    "DATA_LINE_COST",
]

#: The longest line (in characters) the decoder accepts before raising ``EventLineTooLong``.
DEFAULT_MAX_LINE_LENGTH = 256 * 1024 * 1024
#: The largest event (in characters, see ``DATA_LINE_COST``) accepted before ``EventTooLarge``.
DEFAULT_MAX_EVENT_SIZE = 256 * 1024 * 1024
#: What each ``data`` line of an event costs toward ``max_event_size`` besides its characters:
#: about what Python spends on a string and its list entry. Without it, an event of millions
#: of tiny ``data`` lines would hold twenty times more memory than its size.
DATA_LINE_COST = 64

# (event type, data, last event ID, retry): what the internal decoder yields per event.
RawEvent = Tuple[str, "str | LongData", "str | None", "int | None"]

_SNIPPET = 80  # characters of a line or event quoted in a limit error
_SHORT_PIECE = 4096  # pieces of a pending line shorter than this are merged once there are many


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
    """A line is longer than ``max_line_length``; ``snippet`` is its start.

    Attributes:
        length: how many characters of the line had arrived when the limit was crossed.
        limit: the limit that was crossed.
        snippet: the start of the line (at most 80 characters).
    """

    def __init__(self, length: int, limit: int, snippet: str) -> None:
        super().__init__(f"SSE line longer than the limit of {limit} characters: {snippet!r}")
        self.length = length
        self.limit = limit
        self.snippet = snippet


class EventTooLarge(EventLineTooLong):
    """An event is larger than ``max_event_size``; ``snippet`` is the start of its data
    (or of the line being read, if the event has no data line yet).

    The size is the event's ``data`` values, each counting ``DATA_LINE_COST`` characters
    more, plus the line being read. A subclass of ``EventLineTooLong``, so code that handles
    the line limit handles this one too.
    """

    def __init__(self, length: int, limit: int, snippet: str) -> None:
        ValueError.__init__(
            self,
            f"SSE event larger than the limit of {limit} characters (max_event_size; each data line "
            f"counts {DATA_LINE_COST} more than its length): {snippet!r}",
        )
        self.length = length
        self.limit = limit
        self.snippet = snippet


def decode(
    chunks: Iterable[bytes],
    *,
    max_line_length: int = DEFAULT_MAX_LINE_LENGTH,
    max_event_size: int = DEFAULT_MAX_EVENT_SIZE,
) -> Iterator[ServerSentEvent]:
    """Decode byte chunks into ``ServerSentEvent`` objects, one per dispatched event.

    However the bytes are split into chunks, the same events are yielded, and a limit is
    raised at the same place: after the events that precede the offending line.

    Args:
        chunks: the body, split anywhere (``b""`` chunks are allowed).
        max_line_length: raise ``EventLineTooLong`` for a line longer than this.
        max_event_size: raise ``EventTooLarge`` for an event larger than this: its data
            values, each counting ``DATA_LINE_COST`` more than its length, plus the line
            being read.

    Returns:
        An iterator that yields each event as soon as its blank line has been fed in.

    Raises:
        EventLineTooLong: a line longer than ``max_line_length``.
        EventTooLarge: an event larger than ``max_event_size``.
    """
    decoder = EventDecoder(max_line_length=max_line_length, max_event_size=max_event_size)
    for event, data, last_id, retry in decoder.events(chunks):
        yield ServerSentEvent(event, str(data), last_id, retry)


class LongData:
    """A long ``data`` value still in the pieces it arrived in (see ``EventDecoder``'s
    ``long_data``), so its reader decides how to join them: a JSON parser can keep the text
    narrow (``_json.loads_big``) where a plain join would store every character in the width
    of the widest one.

    Attributes:
        pieces: the value's text, in order.
        length: its length in characters, which ``len()`` gives.
    """

    __slots__ = ("length", "pieces")

    def __init__(self, pieces: list[str], length: int) -> None:
        self.pieces = pieces
        self.length = length

    def __len__(self) -> int:
        return self.length

    def __str__(self) -> str:
        """The joined text (joined once: the pieces are replaced by it)."""
        text = "".join(self.pieces)
        self.pieces = [text]
        return text


#: The event type ``EventDecoder(comments=True)`` gives a comment line (a heartbeat): a line
#: feed, which no event type can hold since lines end there, so no event is taken for a comment
#: whatever its name (``event: :`` included).
COMMENT = "\n"


class EventDecoder:
    """The decoder behind ``decode``, yielding plain tuples for the streaming hot path.

    After ``events()`` finishes, ``incomplete`` tells whether the stream ended in the middle
    of an event (bytes after the last blank line), which a client may treat as a cut-off, and
    ``last_event_id`` is the ID in effect at the last complete event: the one to resume from.
    """

    __slots__ = (
        "bytes_read", "comments", "incomplete", "last_event_id", "long_data", "max_event_size", "max_line_length",
    )

    def __init__(
        self,
        *,
        last_event_id: str | None = None,
        max_line_length: int = DEFAULT_MAX_LINE_LENGTH,
        max_event_size: int = DEFAULT_MAX_EVENT_SIZE,
        comments: bool = False,
        long_data: int | None = None,
    ) -> None:
        self.last_event_id = last_event_id
        self.max_line_length = max_line_length
        self.max_event_size = max_event_size
        # An event whose only data line has at least this many characters, arriving over
        # several chunks, gets it as a ``LongData``, unjoined. ``None``: always a ``str``.
        self.long_data = long_data
        # Also yield ``(COMMENT, text, ...)`` per comment line (a server's heartbeat), which the
        # specification ignores; read at each comment, so it may be switched on mid-stream.
        self.comments = comments
        self.incomplete = False
        self.bytes_read = 0  # the body's bytes this decoder was given (set when it stops)

    def events(self, chunks: Iterable[bytes]) -> Iterator[RawEvent]:
        """Yield ``(event, data, last_event_id, retry)`` for each dispatched event."""
        text_of = codecs.getincrementaldecoder("utf-8")("replace").decode
        line_limit = self.max_line_length
        event_limit = self.max_event_size
        long_data = self.long_data
        last_id = self.last_event_id
        pending: list[str] = []  # pieces of the current line, not yet terminated
        pending_length = 0
        after_cr = False  # the previous chunk ended in CR: a leading LF belongs to it
        at_start = True
        event_type = ""
        data_lines: list[str | LongData] = []
        counted = 0  # data_lines[:counted] are in data_size; reset when data_lines is replaced
        data_size = 0  # what data_lines costs toward event_limit, exact at each chunk's start
        retry: int | None = None
        dispatched_id = last_id  # the ID in effect at the last blank line
        received = 0

        try:
            for chunk in chunks:
                received += len(chunk)
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
                limit_error = None
                # Nothing in this chunk can grow a line or the event by more than its length
                # (plus DATA_LINE_COST per line): only near a limit are lines checked one by one.
                if pending_length + len(text) + DATA_LINE_COST * len(lines) > min(line_limit, event_limit - data_size):
                    crossing = _first_crossing(
                        pending, pending_length, lines, tail, data_lines, data_size, line_limit, event_limit
                    )
                    if crossing is not None:
                        cut, limit_error = crossing
                        del lines[cut:]  # the lines before it are handled as usual, then it raises
                        tail = ""
                if pending and lines:
                    pending.append(lines[0])
                    if _starts_data_field(pending):
                        # A long data line: strip the field name from its first piece so the
                        # value is built by one join, without a second full-size copy.
                        head = pending[0]
                        skip = 6 if head[5:6] == " " else 5
                        pending[0] = head[skip:]
                        length = pending_length + len(lines[0]) - skip
                        if long_data is not None and length >= long_data:
                            data_lines.append(LongData(pending, length))
                        else:
                            data_lines.append("".join(pending))
                        del lines[0]
                    else:
                        lines[0] = "".join(pending)
                    pending = []
                    pending_length = 0
                if tail:
                    pending.append(tail)
                    pending_length += len(tail)
                    if len(pending) > 64:
                        _merge_short_pieces(pending)

                for line in lines:
                    if not line:
                        dispatched_id = last_id
                        if data_lines:
                            # (str() joins a LongData among several data lines.)
                            data = data_lines[0] if len(data_lines) == 1 else "\n".join(map(str, data_lines))
                            data_lines = []
                            counted = 0
                            yield (event_type or "message", data, last_id, retry)
                        event_type = ""
                        retry = None
                        continue
                    colon = line.find(":")
                    if colon == 0:  # comment, e.g. a heartbeat
                        if self.comments:
                            yield (COMMENT, line[1:], last_id, None)
                        continue
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

                if limit_error is not None:
                    raise limit_error
                if not counted:
                    data_size = 0
                if len(data_lines) > counted:  # count the data lines this chunk added, once
                    data_size += sum(map(len, data_lines[counted:])) + DATA_LINE_COST * (len(data_lines) - counted)
                    counted = len(data_lines)

        finally:
            # Also on a read error, so a client knows where to resume from.
            self.last_event_id = dispatched_id
            self.incomplete = bool(pending or data_lines or event_type)
            self.bytes_read = received


def _starts_data_field(pieces: list[str]) -> bool:
    """Whether the line made of ``pieces`` is a ``data`` field (its first piece may be tiny)."""
    while len(pieces[0]) < 6 and len(pieces) > 1:
        pieces[0:2] = [pieces[0] + pieces[1]]
    return pieces[0].startswith("data:")


def _merge_short_pieces(pieces: list[str]) -> None:
    """Join the short pieces at the end of a long line's many pieces.

    A server that sends a long line a few bytes at a time would otherwise leave one small
    string per read, each costing ~60 bytes besides its characters. Pieces of
    ``_SHORT_PIECE`` characters or more are left alone, so a long line that arrives in
    socket-sized reads is still copied only by its one final join.
    """
    start = len(pieces)
    while start and len(pieces[start - 1]) < _SHORT_PIECE:
        start -= 1
    if len(pieces) - start > 1:
        pieces[start:] = ["".join(pieces[start:])]


def _first_crossing(
    pending: list[str],
    pending_length: int,
    lines: list[str],
    tail: str,
    data_lines: list[str | LongData],
    data_size: int,
    line_limit: int,
    event_limit: int,
) -> tuple[int, EventLineTooLong] | None:
    """Where this chunk first crosses a limit, as if its characters had come one at a time.

    Returns the index of the offending line in ``lines`` (``len(lines)`` for the unterminated
    ``tail``) and the error to raise once the lines before it are handled, or ``None``.
    ``pending`` continues into ``lines[0]`` (or into ``tail`` if there are no lines).
    The error and its message depend only on the stream, never on how it was chunked.
    """
    size = data_size
    first_value = _start(data_lines[0]) if data_lines else None  # start of the event's data
    for index, line in enumerate(lines):
        if index == 0 and pending:
            length = pending_length + len(line)
            head = _head(pending, line)
        else:
            length = len(line)
            head = line[: _SNIPPET + 6]
        error = _crossed(length, head, size, first_value, line_limit, event_limit)
        if error is not None:
            return index, error
        if not length:  # a blank line ends the event
            size = 0
            first_value = None
        elif head.startswith("data:") or head == "data":
            skip = 6 if head[5:6] == " " else 5
            if first_value is None:
                first_value = head[skip : skip + _SNIPPET]
            size += max(length - skip, 0) + DATA_LINE_COST
            if size > event_limit:
                return index, EventTooLarge(size, event_limit, first_value)
    length = len(tail) + (0 if lines else pending_length)
    if length:
        head = _head(pending, tail) if not lines else tail[: _SNIPPET + 6]
        error = _crossed(length, head, size, first_value, line_limit, event_limit)
        if error is not None:
            return len(lines), error
    return None


def _crossed(
    length: int, head: str, size: int, first_value: str | None, line_limit: int, event_limit: int
) -> EventLineTooLong | None:
    """The error for a line of ``length`` (starting with ``head``) in an event of ``size``.

    When both limits are crossed, the one a growing line reaches first wins, so the outcome
    is the same whether the line arrived whole or in pieces; a snippet quotes only
    characters that had arrived when that limit was crossed.
    """
    room = event_limit - size
    if length <= line_limit and length <= room:
        return None
    if line_limit <= room:
        return EventLineTooLong(length, line_limit, head[: min(_SNIPPET, line_limit + 1)])
    quoted = first_value if first_value is not None else head[: min(_SNIPPET, room + 1)]
    return EventTooLarge(size + length, event_limit, quoted)


def _start(value: str | LongData) -> str:
    """The first characters of a data value, for a snippet."""
    return value[:_SNIPPET] if isinstance(value, str) else _head(value.pieces, "")[:_SNIPPET]


def _head(pieces: list[str], last: str) -> str:
    """The first characters of the line made of ``pieces`` and then ``last``."""
    wanted = _SNIPPET + 6
    head = ""
    for piece in pieces:
        head += piece[: wanted - len(head)]
        if len(head) >= wanted:
            return head
    return head + last[: wanted - len(head)]
