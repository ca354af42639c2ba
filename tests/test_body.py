"""``_body``: chunked framing decoded from the socket reader, whatever the read boundaries."""

from __future__ import annotations

import http.client
import json
from typing import Any, Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stateless_client import InvalidResponseError
from stateless_client._http.body import InvalidChunkedFraming, _dechunked

from .helpers import FakeOriginal, FakeRaw, reads
from .loopback import Connection, ScriptedServer, _read_request


def dechunk(pieces: list[bytes]) -> tuple[bytes, FakeOriginal, FakeRaw]:
    original, raw = FakeOriginal(), FakeRaw()
    body = b"".join(_dechunked(reads(pieces), original, raw))
    return body, original, raw


PAYLOADS = [b"event: a\ndata: 1\n\n", b"x" * 3000, b"\r\n", b"data: \xe2\x80\xa6\n\n"]
BODY = (
    b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in PAYLOADS[:2])
    + b"%X;name=value\r\n%s\r\n" % (len(PAYLOADS[2]), PAYLOADS[2])  # extension, upper-case hex
    + b"%x\n%s\n" % (len(PAYLOADS[3]), PAYLOADS[3])  # bare LF line ends are tolerated
    + b"0\r\nx-trailer: yes\r\n\r\n"
)


def test_payloads_are_joined_and_trailers_consumed() -> None:
    body, original, raw = dechunk([BODY])
    assert body == b"".join(PAYLOADS)
    assert original.closed and raw.released  # a clean end hands the connection back


@settings(max_examples=400, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=len(BODY) - 1), max_size=30))
def test_any_read_boundaries_give_the_same_bytes(cuts: list[int]) -> None:
    points = sorted(set(cuts))
    pieces = [BODY[a:b] for a, b in zip([0, *points], [*points, len(BODY)], strict=True)]
    body, _original, raw = dechunk(pieces)
    assert body == b"".join(PAYLOADS) and raw.released


@pytest.mark.parametrize("cut", [3, 30, len(BODY) - 25])
def test_a_body_cut_short_is_an_incomplete_read(cut: int) -> None:
    with pytest.raises(http.client.IncompleteRead):
        dechunk([BODY[:cut]])


def test_a_cut_inside_the_trailers_keeps_the_data_but_not_the_connection() -> None:
    body, _original, raw = dechunk([BODY[:-5]])
    assert body == b"".join(PAYLOADS)
    assert not raw.released


@pytest.mark.parametrize("bad", [b"zz\r\nabc\r\n0\r\n\r\n", b"3\r\nabcXY0\r\n\r\n"])
def test_malformed_framing_is_an_error(bad: bytes) -> None:
    with pytest.raises(InvalidChunkedFraming):
        dechunk([bad])


def _event(n: int) -> bytes:
    return f"event: updates\ndata: {json.dumps({'n': n})}\n\n".encode()


def test_connection_is_reused_after_a_clean_end(make_client: Any) -> None:
    def handler(conn: Connection) -> None:
        conn.head(headers={"connection": "keep-alive"})  # this handler serves a second request
        for n in range(3):
            conn.chunk(_event(n))
        conn.send(b"0\r\nx-trailer: 1\r\n\r\n")
        second = _read_request(conn.sock)  # the next request arrives on the same socket
        conn.send(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 17\r\n\r\n"
                  b'{"thread_id":"t"}')
        assert (second.method, second.target) == ("GET", "/threads/t")

    with ScriptedServer(handler) as server:
        client = make_client(server.url)
        assert [p.data["n"] for p in client.runs.stream(None, "agent")] == [0, 1, 2]
        assert client.threads.get("t").thread_id == "t"
    assert len(server.connections) == 1


def test_malformed_framing_from_a_server_ends_in_a_typed_error(make_client: Any) -> None:
    """Broken framing is not a dropped connection to resume from: the answer itself is wrong."""
    def handler(conn: Connection) -> None:
        conn.head()
        conn.chunk(_event(1))
        conn.send(b"not-hex\r\n")

    with ScriptedServer(handler) as server:
        stream: Iterator[Any] = iter(make_client(server.url).runs.stream(None, "agent"))
        assert next(stream).data == {"n": 1}
        with pytest.raises(InvalidResponseError, match="invalid chunk size line b'not-hex"):
            next(stream)
