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
    """A chunked body: yield the payload of all chunks received so far, per socket read.

    At the terminating chunk the trailers are consumed, and the connection goes back to the
    pool for the next request, as ``urllib3`` would do.
    """
    buffer = b""
    while True:
        data = read1(READ_SIZE)
        if not data:
            raise http.client.IncompleteRead(buffer, None)
        buffer = buffer + data if buffer else data
        pieces: list[bytes] = []
        position = 0
        end = len(buffer)
        malformed = None
        while True:
            line_end = buffer.find(b"\n", position)
            if line_end < 0:
                break
            size_text = buffer[position:line_end].split(b";", 1)[0].strip()
            try:
                size = int(size_text, 16)
            except ValueError:
                malformed = f"bad chunk size line {buffer[position:line_end][:40]!r}"
                break
            if size == 0:
                if pieces:
                    yield b"".join(pieces)
                _finish(buffer[line_end + 1 :], read1, original, raw)
                return
            data_start = line_end + 1
            data_end = data_start + size
            if data_end + 1 > end:
                break  # the rest of this chunk has not arrived
            if buffer[data_end : data_end + 2] == b"\r\n":
                next_position = data_end + 2
            elif buffer[data_end : data_end + 1] == b"\n":
                next_position = data_end + 1
            elif data_end + 2 > end:
                break  # the CRLF after the data has not arrived
            else:
                malformed = f"chunk of {size} bytes not followed by CRLF"
                break
            pieces.append(buffer[data_start:data_end])
            position = next_position
        if pieces:  # what arrived intact is delivered before any error
            yield pieces[0] if len(pieces) == 1 else b"".join(pieces)
        if malformed:
            raise InvalidChunkedFraming(malformed)
        buffer = buffer[position:]


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
