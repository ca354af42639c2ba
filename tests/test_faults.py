"""Fault injection over real loopback sockets: every case ends in a typed error or a clean
result, within a bounded time, with no leaked connection (ResourceWarning is an error here).
Retries are checked by counting what reached the server; backoff sleeps are recorded, not slept.
"""

from __future__ import annotations

import logging
import socket
from typing import Any

import pytest

from stateless_client import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    ConflictError,
    InternalServerError,
    InvalidResponseError,
    RateLimitError,
    StreamInterruptedError,
    Timeout,
)

from .helpers import BASE, SECRET
from .loopback import TIMEOUT, Connection, ScriptedServer, answer_json, status


def reset_after_request(conn: Connection) -> None:
    conn.reset()


def never_answer(conn: Connection) -> None:
    conn.wait_for_client_close()


def test_refused_connection_is_retried_then_names_the_url(make_client: Any, sleeps: list[float]) -> None:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]  # closed again: nothing listens there now
    url = f"http://127.0.0.1:{port}"
    with pytest.raises(APIConnectionError) as caught:
        make_client(url, api_key=SECRET).runs.wait(None, "agent")  # even a run-creating POST: nothing was sent
    message = str(caught.value)
    assert url in message and "check that the server is running" in message
    assert len(sleeps) == 2 and SECRET not in message


def test_server_that_accepts_and_never_answers(make_client: Any, sleeps: list[float]) -> None:
    with ScriptedServer(never_answer) as server:
        client = make_client(server.url, timeout=Timeout(connect=5, read=0.3))
        with pytest.raises(APITimeoutError) as caught:
            client.runs.wait(None, "agent")
    assert "0.3 s" in str(caught.value) and "/runs/wait" in str(caught.value)
    assert len(server.requests) == 1 and sleeps == []  # the run may have started: no retry


def test_idempotent_get_is_retried_after_a_read_timeout(make_client: Any, sleeps: list[float]) -> None:
    with ScriptedServer(never_answer, answer_json) as server:
        client = make_client(server.url, timeout=Timeout(connect=5, read=0.3))
        assert client.runs.join("t", "r") == {"answer": 42}
    assert len(server.requests) == 2 and len(sleeps) == 1


def test_silence_mid_stream_past_the_read_timeout(make_client: Any) -> None:
    def handler(conn: Connection) -> None:
        conn.head()
        conn.chunk(b'event: metadata\ndata: {"run_id": "r-9"}\n\n')
        conn.wait_for_client_close()

    with ScriptedServer(handler) as server:
        stream = make_client(server.url, timeout=Timeout(connect=5, read=0.3)).runs.stream(None, "agent")
        assert next(stream).data == {"run_id": "r-9"}
        with pytest.raises(APITimeoutError, match="read timeout"):
            next(stream)
        assert server.connections[0].closed_by_client.wait(TIMEOUT)


def test_reset_mid_event(make_client: Any) -> None:
    def handler(conn: Connection) -> None:
        conn.head()
        conn.chunk(b'event: metadata\ndata: {"run_id": "r-9"}\n\nevent: updates\ndata: {"par')
        conn.reset()

    with ScriptedServer(handler) as server, pytest.raises(StreamInterruptedError) as caught:
        list(make_client(server.url).runs.stream(None, "agent"))
    assert caught.value.run_id == "r-9" and caught.value.events_delivered == 1


def test_reset_after_a_run_creating_request_is_not_retried(make_client: Any, sleeps: list[float]) -> None:
    with ScriptedServer(reset_after_request, answer_json) as server, pytest.raises(APIConnectionError):
        make_client(server.url).runs.wait(None, "agent")
    assert len(server.requests) == 1 and sleeps == []


def test_reset_on_an_idempotent_get_is_retried(make_client: Any, sleeps: list[float]) -> None:
    with ScriptedServer(reset_after_request, answer_json) as server:
        assert make_client(server.url).runs.join("t", "r") == {"answer": 42}
    assert len(server.requests) == 2 and len(sleeps) == 1


HTML_502 = b"<html><head><title>502 Bad Gateway</title></head><body><center>nginx</center></body></html>"


def test_html_502_on_a_run_creating_post_is_not_retried(make_client: Any, sleeps: list[float]) -> None:
    with ScriptedServer(status(502, "Bad Gateway", HTML_502), answer_json) as server, \
            pytest.raises(InternalServerError) as caught:
        make_client(server.url).runs.wait(None, "agent")
    assert len(server.requests) == 1 and sleeps == []
    assert caught.value.status_code == 502 and "502 Bad Gateway" in str(caught.value)
    assert "POST /runs/wait -> 502" in str(caught.value)


def test_html_502_on_a_get_is_retried(make_client: Any, sleeps: list[float]) -> None:
    with ScriptedServer(status(502, "Bad Gateway", HTML_502), answer_json) as server:
        assert make_client(server.url).runs.join("t", "r") == {"answer": 42}
    assert len(sleeps) == 1 and 0.375 <= sleeps[0] <= 0.5  # first backoff: 0.5 s minus jitter


def test_503_with_retry_after_is_retried_even_for_a_run(make_client: Any, sleeps: list[float]) -> None:
    with ScriptedServer(status(503, "Service Unavailable", b"busy", retry_after="2"), answer_json) as server:
        assert make_client(server.url).runs.wait(None, "agent") == {"answer": 42}
    assert sleeps == [2.0] and len(server.requests) == 2


def test_retry_after_as_an_http_date_and_the_cap(make_client: Any, sleeps: list[float]) -> None:
    past = "Wed, 21 Oct 2015 07:28:00 GMT"  # a date already gone: retry at once
    with ScriptedServer(status(503, "Busy", retry_after=past), status(503, "Busy", retry_after="99999"),
                        answer_json) as server:
        assert make_client(server.url).runs.join("t", "r") == {"answer": 42}
    assert sleeps == [0.0, 60.0]  # the second is capped at 60 s


def test_503_without_retry_after_exhausts_retries(make_client: Any, sleeps: list[float]) -> None:
    busy = status(503, "Service Unavailable", HTML_502)
    with ScriptedServer(busy, busy, busy) as server, pytest.raises(InternalServerError):
        make_client(server.url).runs.join("t", "r")
    assert len(server.requests) == 3 and len(sleeps) == 2 and sleeps[1] > sleeps[0]


def test_429_then_success(make_client: Any, sleeps: list[float]) -> None:
    limited = status(429, "Too Many Requests", b'{"detail": "slow down"}', "application/json", retry_after="1")
    with ScriptedServer(limited, answer_json) as server:
        assert make_client(server.url).runs.wait(None, "agent") == {"answer": 42}
    assert sleeps == [1.0]


def test_429_past_max_retries_per_call(make_client: Any, sleeps: list[float]) -> None:
    limited = status(429, "Too Many Requests", b'{"detail": "slow down"}', "application/json")
    with ScriptedServer(limited) as server, pytest.raises(RateLimitError, match="slow down"):
        make_client(server.url).runs.wait(None, "agent", max_retries=0)
    assert sleeps == []


def test_409_is_never_retried(make_client: Any, sleeps: list[float]) -> None:
    busy = status(409, "Conflict", b'{"detail": "Thread is busy"}', "application/json")
    with ScriptedServer(busy, answer_json) as server, pytest.raises(ConflictError, match="Thread is busy"):
        make_client(server.url).runs.wait("t", "agent", multitask_strategy="reject")
    assert len(server.requests) == 1 and sleeps == []


def test_200_with_the_wrong_content_type(make_client: Any) -> None:
    page = status(200, "OK", b"<html>Please log in to the proxy</html>")
    with ScriptedServer(page) as server, pytest.raises(InvalidResponseError) as caught:
        make_client(server.url).runs.stream(None, "agent")
    assert "text/html" in str(caught.value) and "Please log in" in caught.value.snippet


def test_invalid_json_in_an_event(make_client: Any) -> None:
    def handler(conn: Connection) -> None:
        conn.head()
        conn.chunk(b"event: values\ndata: {not json\n\n")
        conn.end_chunks()

    with ScriptedServer(handler) as server, pytest.raises(InvalidResponseError, match="not JSON"):
        list(make_client(server.url).runs.stream(None, "agent"))


def test_redirect_to_another_origin_is_refused_and_the_key_stays_home(make_client: Any) -> None:
    with ScriptedServer(answer_json) as elsewhere:
        moved = status(307, "Temporary Redirect", location=elsewhere.url + "/runs/wait")
        with ScriptedServer(moved) as server:
            with pytest.raises(APIError, match="another origin") as caught:
                make_client(server.url, api_key=SECRET).runs.wait(None, "agent")
            assert server.requests[0].headers["x-api-key"] == SECRET
        assert SECRET not in str(caught.value)
    assert elsewhere.requests == []  # nothing, and so no key, reached the other origin


def test_same_origin_redirect_is_followed_with_the_key(make_client: Any) -> None:
    moved = status(307, "Temporary Redirect", location="/v2/runs/wait")
    with ScriptedServer(moved, answer_json) as server:
        assert make_client(server.url, api_key=SECRET).runs.wait(None, "agent", input={"x": 1}) == {"answer": 42}
    second = server.requests[1]
    assert (second.method, second.target) == ("POST", "/v2/runs/wait")
    assert second.headers["x-api-key"] == SECRET and second.body == (
        b'{"assistant_id":"agent","input":{"x":1},"on_disconnect":"cancel"}')


def test_retries_are_logged_at_info_without_secrets(
    make_client: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="stateless_client")
    limited = status(429, "Too Many Requests", retry_after="0")
    with ScriptedServer(limited, answer_json) as server:
        make_client(server.url, api_key=SECRET).runs.wait(None, "agent")
    retries = [r for r in caplog.records if r.name == "stateless_client" and "retrying" in r.getMessage()]
    assert len(retries) == 1 and retries[0].levelno == logging.INFO  # issue 20: an operator sees them
    assert "status 429" in retries[0].getMessage()
    assert all(SECRET not in record.getMessage() for record in caplog.records)


def test_a_per_call_timeout_overrides_the_clients(make_client: Any) -> None:
    with ScriptedServer(never_answer) as server:
        client = make_client(server.url, timeout=Timeout(connect=5, read=TIMEOUT))
        with pytest.raises(APITimeoutError, match=r"0\.2 s"):
            client.runs.wait(None, "agent", timeout=0.2)


def test_timeout_values() -> None:
    assert Timeout.of(None) == Timeout(connect=None, read=None)
    assert Timeout.of(3) == Timeout(connect=3, read=3)
    assert Timeout.of(Timeout(read=9)).as_requests() == (5.0, 9)
    for bad in (0, -1, "10", True):
        with pytest.raises(ValueError, match="timeout"):
            Timeout.of(bad)  # type: ignore[arg-type]


def test_connect_timeout_is_typed_and_retried_even_for_a_run(api: Any, make_client: Any, sleeps: list[float]) -> None:
    import requests

    api.post(f"{BASE}/runs/wait", body=requests.ConnectTimeout("connect timed out"))
    api.post(f"{BASE}/runs/wait", json={"ok": True})
    client = make_client(BASE, timeout=Timeout(connect=1.5))
    assert client.runs.wait(None, "agent") == {"ok": True}
    api.post(f"{BASE}/threads", body=requests.ConnectTimeout("connect timed out"))
    with pytest.raises(APITimeoutError, match=r"connect timeout of 1\.5 s"):
        client.threads.create(max_retries=0)
    assert len(sleeps) == 1
