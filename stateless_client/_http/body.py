"""Reading a streamed response body as its bytes arrive, with little work per byte.

``urllib3``'s ``read1`` returns at most one HTTP chunk per call, through ten Python frames;
a LangGraph server sends every event as its own chunk, so that costs several microseconds
per event. For the common case (chunked or close-delimited) this module reads the
connection's buffered socket reader directly, up to ``READ_SIZE`` bytes at a time, and
removes the chunked framing itself: every chunk that has arrived is handed on in one piece.
``gzip`` and ``deflate`` bodies are decompressed here too, never more than ``READ_SIZE``
bytes out per step, whatever the ratio. Anything else (another content encoding, a
``Content-Length``, an unfamiliar ``urllib3``) goes through ``urllib3``'s ``read1``.

The chunked grammar is checked strictly where leniency could hurt: a chunk size is 1 to 16
hex digits (``-c``, ``+c``, ``0x1``, ``1_0`` or ``1 0``, which ``int(s, 16)`` would take, are
errors), optionally followed by spaces or tabs, then an optional ``;extension`` and the line
end (CRLF, or a bare LF); the whole line is at most ``MAX_SIZE_LINE`` bytes; a chunk's data
must be followed by its line end. A body that breaks these rules raises
``InvalidResponseError`` naming the problem and the URL, and the connection is closed.
After the last chunk, the trailer section is read (linear time, at most ``MAX_TRAILERS``
bytes) and the connection goes back to the pool only if the section ends cleanly; too many
trailer bytes, bytes after the section, or an EOF inside it just mean the connection is closed
instead: every payload byte has arrived, so the body ends normally.

Other errors are those of the socket (``TimeoutError``, ``ConnectionResetError``...),
``urllib3``, or ``http.client.IncompleteRead`` for a chunked body cut short.
"""

from __future__ import annotations

import http.client
import zlib
from typing import Any, Callable, Iterator

import requests
import urllib3.exceptions

from .._exceptions import InvalidResponseError, snippet

__all__ = ["iter_body", "READ_SIZE", "MAX_SIZE_LINE", "MAX_SIZE_DIGITS", "MAX_TRAILERS"]

READ_SIZE = 256 * 1024  # upper bound per socket read, and per decompression step
MAX_SIZE_LINE = 4096  # a chunk-size line with its extensions (Go's net/http allows as much)
MAX_SIZE_DIGITS = 16  # sizes up to 2**64 - 1; more digits are an attack, not a payload
MAX_TRAILERS = 64 * 1024  # trailer bytes read before giving up on reusing the connection

_HEX = b"0123456789abcdefABCDEF"
_USUAL_LINE_MAX = MAX_SIZE_DIGITS + 1  # the digits and a CR
_NEEDS_DECOMPRESSION = {"gzip": True, "x-gzip": True, "deflate": False}  # value: gzip framing


class InvalidChunkedFraming(http.client.HTTPException):
    """The chunked framing of the body is malformed."""


class InvalidContentEncoding(http.client.HTTPException):
    """The body is not valid for its ``Content-Encoding`` (corrupt gzip or deflate data)."""


def iter_body(response: requests.Response) -> Iterator[bytes]:
    """Yield the body's bytes as they arrive, without waiting for a block to fill up.

    Raises:
        InvalidResponseError: malformed chunked framing or compressed data (the response is
            closed first).
    """
    raw = response.raw
    encoding = response.headers.get("content-encoding", "").strip().lower()
    gzip = _NEEDS_DECOMPRESSION.get(encoding)
    if gzip is None and encoding not in ("", "identity"):
        # br, zstd, "gzip, gzip"...: urllib3 decodes, and since urllib3 2.6 it returns at most
        # READ_SIZE decompressed bytes per read1 call.
        return _checked(_read1_loop(raw, decode=True), response)
    original = getattr(raw, "_original_response", None)
    reader = getattr(original, "fp", None)
    body: Iterator[bytes]
    if (
        original is None
        or not callable(getattr(reader, "read1", None))
        or getattr(original, "length", None) is not None
        or getattr(original, "chunk_left", None) is not None
    ):
        body = _read1_loop(raw, decode=False)
    else:
        read1: Callable[[int], bytes] = reader.read1  # type: ignore[union-attr]  # checked above
        body = _dechunked(read1, original, raw) if original.chunked else _until_close(read1)
    if gzip is not None:
        body = _inflated(body, gzip=gzip)
    return _checked(body, response)


def _checked(body: Iterator[bytes], response: requests.Response) -> Iterator[bytes]:
    """Pass ``body`` on; a malformed body becomes ``InvalidResponseError`` and is closed."""
    try:
        yield from body
    except (InvalidChunkedFraming, InvalidContentEncoding, urllib3.exceptions.DecodeError) as exc:
        response.close()  # the framing is lost: the connection cannot be reused
        method = response.request.method or "GET"
        quoted = snippet(str(exc))
        raise InvalidResponseError(
            f"{method} {response.url}: malformed response body: {exc}", method=method, url=response.url,
            snippet=quoted,
        ) from exc


def _read1_loop(raw: Any, *, decode: bool) -> Iterator[bytes]:
    """The general path: ``urllib3`` removes the framing (and the encoding, with ``decode``)."""
    read1 = raw.read1
    while True:
        chunk = read1(READ_SIZE, decode_content=decode)
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
                    malformed = f"chunk data not followed by CRLF: {data[position : position + 40]!r}"
                    break
                crlf_due = False
                continue
            line_end = data.find(b"\n", position)
            if line_end < 0:
                if end - position > MAX_SIZE_LINE:
                    malformed = f"chunk size line longer than {MAX_SIZE_LINE} bytes: {data[position : position + 40]!r}"
                else:
                    carry = data[position:]
                break
            size_line = data[position:line_end]
            # The usual line, b"c8\r", costs one C call more than int(), which ignores the CR.
            if size_line.lstrip(_HEX) == b"\r" and 1 < len(size_line) <= _USUAL_LINE_MAX:
                size = int(size_line, 16)
            else:
                size = _size_with_extras(size_line)
                if size < 0:
                    malformed = f"invalid chunk size line {size_line[:40]!r}"
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


def _size_with_extras(size_line: bytes) -> int:
    """The size in any other line (bare LF, spaces, an extension); -1 if it is invalid."""
    if len(size_line) > MAX_SIZE_LINE:
        return -1
    if size_line.endswith(b"\r"):
        size_line = size_line[:-1]
    digits = size_line.partition(b";")[0].rstrip(b" \t")
    if not digits or len(digits) > MAX_SIZE_DIGITS or digits.strip(_HEX):
        return -1
    return int(digits, 16)


def _finish(rest: bytes, read1: Callable[[int], bytes], original: Any, raw: Any) -> None:
    """Consume the trailer section after the last chunk; hand the connection back.

    The section ends at the first empty line. Each read is scanned once, with two bytes
    carried over, so the time is linear; after ``MAX_TRAILERS`` bytes, or if the connection
    ends inside the section, or if bytes follow it, the connection is not handed back:
    it is closed with the response. Every payload byte has arrived in any case.
    """
    window = b"\n" + rest  # the LF of the last-chunk line: an empty line right after it ends
    received = len(rest)
    while True:
        ends = [found + len(mark) for mark in (b"\n\n", b"\n\r\n") if (found := window.find(mark)) >= 0]
        if ends:
            after = len(window) - min(ends)  # bytes after the section: the connection is not clean
            if not after and received <= MAX_TRAILERS:  # the same verdict however reads are split
                original.close()  # as http.client does at the end of a body; the socket stays open
                raw.release_conn()
            return
        if received > MAX_TRAILERS:
            return
        more = read1(READ_SIZE)
        if not more:
            return
        received += len(more)
        window = window[-2:] + more


def _inflated(body: Iterator[bytes], *, gzip: bool) -> Iterator[bytes]:
    """Decompress ``gzip`` (any number of members) or ``deflate`` (zlib-wrapped or raw) data.

    Each step returns at most ``READ_SIZE`` bytes, so a tiny body that inflates to gigabytes
    is handed on piece by piece (and stopped by the event decoder's limits), never held whole.
    """
    wbits = 16 + zlib.MAX_WBITS if gzip else zlib.MAX_WBITS
    decompressor = zlib.decompressobj(wbits)
    # "deflate" is meant to be zlib-wrapped, but some servers send raw deflate data: like
    # urllib3, keep the input until the first output and retry it raw on an error.
    first_input: bytes | None = None if gzip else b""
    later_member = False  # decoding a gzip member after the first: garbage there is ignored
    for data in body:
        if first_input is not None:
            first_input = first_input + data if len(first_input) < READ_SIZE else None
        while True:
            try:
                out = decompressor.decompress(data, READ_SIZE)
            except zlib.error as exc:
                if first_input is not None:
                    decompressor = zlib.decompressobj(-zlib.MAX_WBITS)
                    data, first_input = first_input, None
                    continue
                if later_member:  # as urllib3 does: what follows a complete member is dropped
                    _drain(body)
                    return
                kind = "gzip" if gzip else "deflate"
                raise InvalidContentEncoding(f"invalid {kind} data ({exc})") from None
            if out:
                first_input = None
                yield out
            if decompressor.eof:
                data = decompressor.unused_data
                if not gzip:
                    _drain(body)  # nothing follows a deflate stream
                    return
                if not data:
                    break
                decompressor, later_member = zlib.decompressobj(wbits), True
                continue
            data = decompressor.unconsumed_tail
            if not data and len(out) < READ_SIZE:
                break


def _drain(body: Iterator[bytes]) -> None:
    """Read the rest of the body, discarding it, so the connection ends as it should."""
    for _ignored in body:
        pass
