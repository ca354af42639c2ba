"""Hostile response bodies over real loopback sockets: bad chunk framing, endless trailers,
huge events and gzip bombs end in a typed error or a clean end, within bounded time and memory.

A defect here used to be a hang (an endless loop, a quadratic scan), so each client call runs
under a watchdog (``helpers.within_watchdog``): a call that has not finished after ``WATCHDOG``
seconds fails the test and is stopped. Nothing asserts a speed; the bound is two orders of magnitude above a normal run.
"""

from __future__ import annotations

import functools
import gzip
import json
import tracemalloc
import zlib
from typing import Any, Iterator

import pytest

from stateless_client import Client, InvalidResponseError, get_client
from stateless_client._http.body import MAX_TRAILERS, _dechunked
from stateless_client.sse import DEFAULT_MAX_EVENT_SIZE

from .helpers import FakeOriginal, FakeRaw, reads, within_watchdog
from .loopback import Connection, ScriptedServer, sse

METADATA = sse("metadata", {"run_id": "r-1", "attempt": 1})
UPDATE = sse("updates", {"n": 1})


def collect(client: Client, parts: list[Any]) -> list[Any]:
    """Iterate a stream into ``parts`` (which keeps what arrived before an error)."""
    for part in client.runs.stream(None, "agent"):
        parts.append(part)
    return parts


# -- chunk framing -----------------------------------------------------------------------------


BAD_FRAMING = {
    "negative size": b"1\r\nA\r\n1\r\nB\r\n-c\r\n0\r\n\r\n",  # the body: used to loop forever
    "plus sign": b"+c\r\n" + b"x" * 12 + b"\r\n0\r\n\r\n",
    "0x prefix": b"0x1\r\nx\r\n0\r\n\r\n",
    "underscore": b"1_0\r\n" + b"x" * 16 + b"\r\n0\r\n\r\n",
    "space inside": b"1 0\r\n" + b"x" * 16 + b"\r\n0\r\n\r\n",
    "leading space": b" 1\r\nx\r\n0\r\n\r\n",
    "empty size": b"\r\nx\r\n0\r\n\r\n",
    "20 hex digits": b"1" + b"0" * 19 + b"\r\nx\r\n",
    "size line too long": b"1;" + b"e" * 5000 + b"\r\nx\r\n0\r\n\r\n",
    "unterminated endless size line": b"1" * 8000,
    "data without its CRLF": b"3\r\nabcXY\r\n0\r\n\r\n",
}


@pytest.mark.parametrize("body", list(BAD_FRAMING.values()), ids=list(BAD_FRAMING))
def test_malformed_chunk_framing_is_a_typed_error_and_closes(make_client: Any, body: bytes) -> None:
    closed: list[bool] = []

    def handler(conn: Connection) -> None:
        conn.head()
        conn.chunk(METADATA)
        conn.send(body)
        closed.append(conn.wait_for_client_close())

    parts: list[Any] = []
    with ScriptedServer(handler) as server:
        client = make_client(server.url)
        with pytest.raises(InvalidResponseError) as caught:
            within_watchdog(lambda: collect(client, parts))
    assert [p.event for p in parts] == ["metadata"]  # what arrived intact was delivered
    message = str(caught.value)
    assert "chunk" in message and f"{server.url}/runs/stream" in message
    assert caught.value.url == f"{server.url}/runs/stream"
    assert closed == [True], "the client did not close the connection"


@pytest.mark.parametrize("size_line", [b"f", b"F", b"0000f", b"f ", b"f\t;name=value", b"f;ext", b"f ; a=b"])
def test_lenient_but_valid_size_lines_are_accepted(make_client: Any, size_line: bytes) -> None:
    event = b"data: {\"a\":1}\n\n"
    assert len(event) == 0xF

    def handler(conn: Connection) -> None:
        conn.head()
        conn.send(size_line + b"\r\n" + event + b"\r\n0\r\n\r\n")

    with ScriptedServer(handler) as server:
        client = make_client(server.url)
        assert [p.data for p in within_watchdog(lambda: collect(client, []))] == [{"a": 1}]


def test_bytes_after_the_last_chunk_end_the_stream_but_not_the_connection(make_client: Any) -> None:
    closed: list[bool] = []

    def garbage_after_end(conn: Connection) -> None:
        conn.head()
        conn.chunk(METADATA + UPDATE)
        conn.send(b"0\r\n\r\nGARBAGE")
        closed.append(conn.wait_for_client_close())

    def answer(conn: Connection) -> None:
        conn.send(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 17\r\n\r\n"
                  b'{"thread_id":"t"}')

    with ScriptedServer(garbage_after_end, answer) as server:
        client = make_client(server.url)
        assert [p.event for p in within_watchdog(lambda: collect(client, []))] == ["metadata", "updates"]
        assert client.threads.get("t").thread_id == "t"  # on a new connection
    assert closed == [True]
    assert len(server.connections) == 2


# -- trailers ----------------------------------------------------------------------------------


def test_endless_trailers_end_the_stream_and_close_the_connection(make_client: Any) -> None:
    """64 MiB of trailers: the client stops reading after MAX_TRAILERS and closes."""
    sent = {"bytes": 0, "cut": False}

    def handler(conn: Connection) -> None:
        conn.head()
        conn.chunk(METADATA + UPDATE)
        conn.send(b"0\r\n")
        block = (b"x-pad: " + b"p" * 1017 + b"\r\n") * 64  # 64 KiB of trailer lines
        try:
            while sent["bytes"] < 64 * 2**20:
                conn.send(block)
                sent["bytes"] += len(block)
            conn.send(b"\r\n")
        except OSError:
            sent["cut"] = True

    with ScriptedServer(handler) as server:
        client = make_client(server.url)
        parts = within_watchdog(lambda: collect(client, []))
    assert [p.event for p in parts] == ["metadata", "updates"]  # the payload was complete
    assert sent["cut"], f"the client read all {sent['bytes']} trailer bytes instead of closing"


def test_trailers_that_never_end_are_read_only_up_to_the_cap() -> None:
    reads = {"count": 0, "bytes": 0}

    def read1(size: int) -> bytes:
        reads["count"] += 1
        if reads["count"] == 1:
            return b"5\r\nhello\r\n0\r\n"
        data = b"x-trailer: " + b"t" * 1000 + b"\r\n"  # forever: the section never ends
        reads["bytes"] += len(data)
        return data

    original, raw = FakeOriginal(), FakeRaw()
    body = within_watchdog(lambda: b"".join(_dechunked(read1, original, raw)))
    assert body == b"hello"
    assert reads["bytes"] <= MAX_TRAILERS + 2 * 1013
    assert not raw.released  # not handed back: it is closed with the response


@pytest.mark.parametrize("pieces", [
    [b"5\r\nhello\r\n0\r\n\r\n"],
    [b"5\r\nhello\r\n0\r\n", b"a: 1\r\n", b"\r", b"\n"],
    [b"5\r\nhello\r\n0\r\nx: 1\r\ny: 2\n\n"],
    [b"5\r\nhello\r\n0\r\n", b"x: " + b"1" * 20000 + b"\r\n\r\n"],
])
def test_trailers_that_end_cleanly_hand_the_connection_back(pieces: list[bytes]) -> None:
    original, raw = FakeOriginal(), FakeRaw()
    assert b"".join(_dechunked(reads(pieces), original, raw)) == b"hello"
    assert original.closed and raw.released


@pytest.mark.parametrize("length", [MAX_TRAILERS, MAX_TRAILERS + 1])
@pytest.mark.parametrize("piece", [1000, 1 << 20])
def test_the_trailer_cap_does_not_depend_on_read_sizes(length: int, piece: int) -> None:
    trailers = b"x: " + b"t" * (length - 7) + b"\r\n\r\n"
    assert len(trailers) == length
    body = b"5\r\nhello\r\n0\r\n" + trailers
    pieces = [body[i : i + piece] for i in range(0, len(body), piece)]
    raw = FakeRaw()
    assert b"".join(_dechunked(reads(pieces), FakeOriginal(), raw)) == b"hello"
    assert raw.released is (length <= MAX_TRAILERS)


# -- content encoding ----------------------------------------------------------------------------


def _deflate(data: bytes, wbits: int) -> bytes:
    compressor = zlib.compressobj(wbits=wbits)
    return compressor.compress(data) + compressor.flush()


ENCODED = {
    "gzip": ("gzip", gzip.compress(METADATA + UPDATE)),
    "two gzip members": ("gzip", gzip.compress(METADATA) + gzip.compress(UPDATE)),
    "x-gzip": ("x-gzip", gzip.compress(METADATA + UPDATE)),
    "zlib deflate": ("deflate", _deflate(METADATA + UPDATE, zlib.MAX_WBITS)),
    "raw deflate": ("deflate", _deflate(METADATA + UPDATE, -zlib.MAX_WBITS)),
}


@pytest.mark.parametrize("encoding, body", list(ENCODED.values()), ids=list(ENCODED))
@pytest.mark.parametrize("piece", [1, 7, 4096])
def test_compressed_bodies_in_any_pieces(make_client: Any, encoding: str, body: bytes, piece: int) -> None:
    def handler(conn: Connection) -> None:
        conn.head(headers={"content-encoding": encoding})
        for start in range(0, len(body), piece):
            conn.chunk(body[start : start + piece])
        conn.end_chunks()

    with ScriptedServer(handler) as server:
        parts = within_watchdog(lambda: collect(make_client(server.url), []))
    assert [(p.event, p.data) for p in parts] == [("metadata", {"run_id": "r-1", "attempt": 1}), ("updates", {"n": 1})]


@pytest.mark.parametrize("encoding", ["gzip", "deflate"])
def test_corrupt_compressed_data_is_a_typed_error_and_closes(make_client: Any, encoding: str) -> None:
    closed: list[bool] = []

    def handler(conn: Connection) -> None:
        conn.head(headers={"content-encoding": encoding})
        conn.chunk(b"\xff" * 64)  # neither a gzip or zlib header nor a valid raw deflate block
        closed.append(conn.wait_for_client_close())

    with ScriptedServer(handler) as server:
        client = make_client(server.url)
        with pytest.raises(InvalidResponseError, match=f"invalid {encoding} data"):
            within_watchdog(lambda: collect(client, []))
    assert closed == [True]


# -- event size ---------------------------------------------------------------------------------


MiB = 2**20


def test_the_default_event_limit_is_set_on_the_client() -> None:
    assert get_client(api_key=None)._transport.max_event_size == DEFAULT_MAX_EVENT_SIZE
    with pytest.raises(ValueError, match="max_event_size"):
        Client(api_key=None, max_event_size=0)


def _data_lines(count: int) -> Iterator[bytes]:
    for _ in range(count // 1000):
        yield b"data: xy\n" * 1000


@pytest.mark.parametrize("shape", ["one long line", "many short lines"])
def test_an_event_over_the_limit_is_a_typed_error_naming_it(make_client: Any, shape: str) -> None:
    closed: list[bool] = []

    def handler(conn: Connection) -> None:
        conn.head()
        conn.chunk(METADATA)
        try:
            if shape == "one long line":  # 2 MiB of data, sent in 64 KiB chunks
                conn.chunk(b"event: values\ndata: \"")
                for _ in range(32):
                    conn.chunk(b"v" * 65536)
            else:  # 100k lines of 2 characters: 0.9 MB on the wire, each line counts 66
                for block in _data_lines(100_000):
                    conn.chunk(block)
            conn.chunk(b"\"\n\n")
        except (BrokenPipeError, ConnectionResetError):
            closed.append(True)  # the client closed while the body was still being sent
            return
        closed.append(conn.wait_for_client_close())

    parts: list[Any] = []
    with ScriptedServer(handler) as server:
        client = make_client(server.url, max_event_size=MiB)
        with pytest.raises(InvalidResponseError, match="max_event_size") as caught:
            within_watchdog(lambda: collect(client, parts))
    assert [p.event for p in parts] == ["metadata"]
    assert str(MiB) in str(caught.value) and "/runs/stream" in str(caught.value)
    assert closed == [True]


def test_an_event_at_the_limit_passes(make_client: Any) -> None:
    value = json.dumps("w" * (MiB - 64 - 2)).encode()  # the value plus DATA_LINE_COST: exactly 1 MiB

    def handler(conn: Connection) -> None:
        conn.head()
        conn.chunk(b"event: values\ndata: " + value + b"\n\n")
        conn.end_chunks()

    with ScriptedServer(handler) as server:
        client = make_client(server.url, max_event_size=MiB)
        (part,) = within_watchdog(lambda: collect(client, []))
    assert len(part.data) == MiB - 66


@functools.cache
def _gzip_bomb() -> bytes:
    """64 MiB of "data: x" lines in one event: about 65 KB compressed."""
    return gzip.compress(b"data: x\n" * (8 * MiB), compresslevel=9)


def _gzip_bomb_handler(conn: Connection) -> None:
    bomb = _gzip_bomb()
    conn.head(headers={"content-encoding": "gzip"})
    for start in range(0, len(bomb), 16384):
        conn.chunk(bomb[start : start + 16384])
    conn.end_chunks()
    conn.wait_for_client_close()


@pytest.mark.parametrize("limit", [MiB, 16 * MiB])
def test_a_gzip_bomb_stops_at_the_event_limit_in_bounded_memory(make_client: Any, limit: int) -> None:
    _gzip_bomb()  # built before memory is traced
    with ScriptedServer(_gzip_bomb_handler) as server:
        client = make_client(server.url, max_event_size=limit)
        tracemalloc.start()
        try:
            with pytest.raises(InvalidResponseError, match="max_event_size"):
                within_watchdog(lambda: collect(client, []))
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    # The decoder holds at most ~the limit (8 bytes per "x" line here) plus one read's
    # transient lines (a 256 KiB read of 8-byte lines: ~2.3 MB); the server thread's own
    # compressed body (~65 KB) and the test's bookkeeping are counted too.
    assert peak < 2 * limit + 4 * MiB, f"peak {peak / MiB:.1f} MiB for a limit of {limit / MiB:.0f} MiB"


def test_a_long_line_over_the_limit_is_never_held_whole(make_client: Any) -> None:
    limit = 4 * MiB

    def handler(conn: Connection) -> None:
        conn.head()
        conn.chunk(b"data: \"")
        try:
            for _ in range(512):  # up to 32 MiB, unless the client gives up first
                conn.chunk(b"v" * 65536)
        except OSError:
            return

    with ScriptedServer(handler) as server:
        client = make_client(server.url, max_event_size=limit)
        tracemalloc.start()
        try:
            with pytest.raises(InvalidResponseError, match="max_event_size"):
                within_watchdog(lambda: collect(client, []))
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    # The pending pieces (~the limit) plus one read's bytes and text (256 KiB each) and the
    # server thread's 64 KiB block.
    assert peak < 2 * limit, f"peak {peak / MiB:.1f} MiB for a limit of {limit / MiB:.0f} MiB"


@functools.cache
def _values_event() -> tuple[bytes, Any]:
    """An 8 MiB ``values`` event: a long message history, as ``benchmarks/server.py`` sends."""
    value = {"messages": [{"content": "y" * 4000, "type": "ai", "id": f"m{i}"} for i in range(2048)]}
    return b"event: values\ndata: " + json.dumps(value).encode() + b"\n\n", value


def test_a_big_event_is_parsed_without_another_copy_of_its_text(make_client: Any) -> None:
    """orjson copies its whole input first (and allocates its value buffer up front):
    a big event is parsed by the standard library instead, from the one joined ``str``."""
    event, value = _values_event()

    def handler(conn: Connection) -> None:
        conn.head()
        for start in range(0, len(event), 65536):
            conn.chunk(event[start : start + 65536])
        conn.end_chunks()

    with ScriptedServer(handler) as server:
        client = make_client(server.url)
        tracemalloc.start()
        try:
            (part,) = within_watchdog(lambda: collect(client, []))
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert part.data == value
    # The text's pieces and their join (2x), then the joined text and the parsed value (~2x).
    assert peak < 2.5 * len(event), f"peak {peak / len(event):.2f}x the event"
