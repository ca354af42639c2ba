"""Reading a streamed response body as its bytes arrive, with little work per byte.

``urllib3``'s ``read1`` returns at most one HTTP chunk per call, through ten Python frames;
a LangGraph server sends every event as its own chunk, so that costs several microseconds
per event. For the common case (chunked or close-delimited, no content encoding) this module
reads the connection's buffered socket reader directly, up to ``READ_SIZE`` bytes at a time,
and removes the chunked framing itself: every chunk that has arrived is handed on in one piece.
Anything else (gzip, a ``Content-Length``, an unfamiliar ``urllib3``) goes through ``read1``.

Errors are those of the socket (``TimeoutError``, ``ConnectionResetError``...), ``urllib3``,
or ``http.client.IncompleteRead`` for a chunked body cut short.
"""

from __future__ import annotations

import http.client
from typing import Any, Callable, Iterator

import requests

__all__ = ["iter_body", "READ_SIZE"]

READ_SIZE = 256 * 1024  # upper bound per socket read; a read returns what has arrived


class InvalidChunkedFraming(http.client.HTTPException):
    """The chunked framing of the body is malformed."""


def iter_body(response: requests.Response) -> Iterator[bytes]:
    """Yield the body's bytes as they arrive, without waiting for a block to fill up."""
    raw = response.raw
    original = getattr(raw, "_original_response", None)
    reader = getattr(original, "fp", None)
    encoded = response.headers.get("content-encoding", "").strip().lower() not in ("", "identity")
    if (
        encoded
        or original is None
        or not callable(getattr(reader, "read1", None))
        or getattr(original, "length", None) is not None
        or getattr(original, "chunk_left", None) is not None
    ):
        return _read1_loop(raw)
    read1: Callable[[int], bytes] = reader.read1  # type: ignore[union-attr]  # checked above
    if original.chunked:
        return _dechunked(read1, original, raw)
    return _until_close(read1)


def _read1_loop(raw: Any) -> Iterator[bytes]:
    """The general path: ``urllib3`` decodes framing and content encoding."""
    read1 = raw.read1
    while True:
        chunk = read1(READ_SIZE, decode_content=True)
        if not chunk:
            return
        yield chunk


def _until_close(read1: Callable[[int], bytes]) -> Iterator[bytes]:
    """A close-delimited body: everything until the server closes the connection."""
    while True:
        chunk = read1(READ_SIZE)
        if not chunk:
            return
        yield chunk


def _dechunked(read1: Callable[[int], bytes], original: Any, raw: Any) -> Iterator[bytes]:
    """A chunked body: per socket read, yield the payload bytes that read brought.

    A chunk's payload is passed on as it arrives, even before the chunk is complete, so a
    64 MiB event costs no extra copies; only a chunk-size line or CRLF split between two
    reads is carried over. At the terminating chunk the trailers are consumed and the
    connection goes back to the pool for the next request, as ``urllib3`` would do.
    """
    remaining = 0  # payload bytes of the current chunk still to come
    crlf_due = False  # the current chunk's payload is complete; its CRLF is next
    carry = b""  # an incomplete size line or CRLF from the previous read
    while True:
        data = read1(READ_SIZE)
        if not data:
            raise http.client.IncompleteRead(carry, remaining or None)
        if carry:
            data, carry = carry + data, b""
        end = len(data)
        pieces: list[bytes] = []
        position = 0
        malformed = None
        while position < end:
            if remaining:
                take = min(remaining, end - position)
                pieces.append(data if take == end else data[position : position + take])
                remaining -= take
                position += take
                crlf_due = not remaining
                continue
            if crlf_due:
                if data.startswith(b"\r\n", position):
                    position += 2
                elif data.startswith(b"\n", position):
                    position += 1
                elif end - position < 2 and data[position:] == b"\r":
                    carry = data[position:]
                    break
                else:
                    malformed = "chunk payload not followed by CRLF"
                    break
                crlf_due = False
                continue
            line_end = data.find(b"\n", position)
            if line_end < 0:
                carry = data[position:]
                if len(carry) > 1024:
                    malformed = f"chunk size line too long: {carry[:40]!r}"
                break
            size_line = data[position:line_end]
            try:
                size = int(size_line.split(b";", 1)[0].strip(), 16)
            except ValueError:
                malformed = f"bad chunk size line {size_line[:40]!r}"
                break
            position = line_end + 1
            if size == 0:
                if pieces:
                    yield b"".join(pieces)
                _finish(data[position:], read1, original, raw)
                return
            remaining = size
        if pieces:  # what arrived intact is delivered before any error
            yield pieces[0] if len(pieces) == 1 else b"".join(pieces)
        if malformed:
            raise InvalidChunkedFraming(malformed)


def _finish(rest: bytes, read1: Callable[[int], bytes], original: Any, raw: Any) -> None:
    """Consume the trailer section after the last chunk; hand the connection back.

    If the connection ends inside the trailers, every payload byte has still arrived; the
    connection is then left to be closed with the response instead of being reused.
    """
    while b"\r\n\r\n" not in b"\r\n" + rest and b"\n\n" not in b"\n" + rest:
        more = read1(READ_SIZE)
        if not more:
            return
        rest += more
    original.close()  # as http.client does at the end of a body; the socket stays open
    raw.release_conn()
