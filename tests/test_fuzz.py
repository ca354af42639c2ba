"""Random input never escapes as anything but the documented error types."""

from __future__ import annotations

import http.client
import re
import subprocess
import sys
import textwrap

import responses
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stateless_client import StatelessClientError, get_client
from stateless_client._http.body import InvalidChunkedFraming, _dechunked

from .helpers import FakeOriginal, FakeRaw, reads, within_watchdog

SSE_ALPHABET = [b"event: ", b"data: ", b"id: ", b"retry: ", b":", b"\n", b"\r", b"\r\n", b"{", b"}", b'"x"',
                b"1", b"[", b"]", b"metadata", b"error", b"end", b"updates", b"\xff", b"\xe2\x80", b"\x00", b" "]

@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(SSE_ALPHABET) | st.binary(max_size=8), max_size=60))
def test_random_event_streams_end_cleanly_or_in_a_documented_error(pieces: list[bytes]) -> None:
    body = b"".join(pieces)
    with responses.RequestsMock() as api:
        api.post("http://fuzz.test/runs/stream", body=body, content_type="text/event-stream")
        client = get_client(url="http://fuzz.test", api_key=None, max_retries=0)
        try:
            for part in client.runs.stream(None, "agent"):
                assert isinstance(part.event, str)
        except StatelessClientError:
            pass  # RunError, InvalidResponseError, StreamInterruptedError: all documented


@settings(max_examples=400, deadline=None)
@given(st.binary(max_size=300), st.lists(st.integers(min_value=1, max_value=300), max_size=10))
def test_random_chunked_framing_fails_only_as_documented(data: bytes, cuts: list[int]) -> None:
    points = sorted({c for c in cuts if c < len(data)})
    pieces = [data[a:b] for a, b in zip([0, *points], [*points, len(data)], strict=True)]
    try:
        for chunk in _dechunked(reads(pieces), FakeOriginal(), FakeRaw()):
            assert isinstance(chunk, bytes) and chunk
    except (http.client.IncompleteRead, InvalidChunkedFraming):
        pass


def test_the_standard_library_json_path() -> None:
    """The suite runs with orjson installed; this checks the fallback in a fresh interpreter."""
    script = textwrap.dedent(
        """
        import sys
        sys.modules["orjson"] = None  # as if orjson were not installed
        import responses
        from stateless_client import InvalidResponseError, _json, get_client
        assert _json.BACKEND == "json", _json.BACKEND
        assert _json.loads(_json.dumps({"k": ["\\u2026", 1, None]})) == {"k": ["\\u2026", 1, None]}
        with responses.RequestsMock() as api:
            body = b'event: updates\\ndata: {"a": "\\xe2\\x80\\xa6"}\\n\\nevent: values\\ndata: {bad\\n\\n'
            api.post("http://json.test/runs/stream", body=body, content_type="text/event-stream")
            stream = get_client(url="http://json.test", api_key=None).runs.stream(None, "agent")
            assert next(stream).data == {"a": "\\u2026"}
            try:
                next(stream)
            except InvalidResponseError as error:
                assert "{bad" in error.snippet
            else:
                raise AssertionError("invalid JSON was accepted")
        print("ok")
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False)
    assert done.stdout.strip() == "ok", done.stderr


SIZE_LINE_ALPHABET = [b"0", b"1", b"7", b"a", b"F", b"g", b"-", b"+", b"x", b"_", b" ", b"\t", b";", b"=", b"\r",
                      b"\x00", b"\xff", b"0" * 12, b"f" * 9]
STRICT_SIZE_LINE = re.compile(rb"[0-9A-Fa-f]{1,16}[ \t]*(;[^\n]*)?\r?")


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(SIZE_LINE_ALPHABET), max_size=12))
def test_chunk_size_lines_follow_the_documented_grammar_or_fail_at_once(pieces: list[bytes]) -> None:
    """A size line is accepted exactly when it matches the grammar in ``_http/body.py``."""
    size_line = b"".join(pieces)

    def dechunk() -> str:
        try:
            for _chunk in _dechunked(reads([size_line + b"\n"]), FakeOriginal(), FakeRaw()):
                pass
        except InvalidChunkedFraming:
            return "rejected"
        except http.client.IncompleteRead:
            return "accepted"  # a valid size, then the body ended before the data
        return "accepted"  # a valid last chunk (size 0), then the body ended

    expected = "accepted" if STRICT_SIZE_LINE.fullmatch(size_line) else "rejected"
    assert within_watchdog(dechunk) == expected, size_line
