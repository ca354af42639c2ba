"""Hostile or careless input never reaches the wire, never leaks a secret, never escapes the origin.

Headers and API keys that HTTP cannot carry, passwords in the URL, IDs that change the
endpoint, absurd ``Retry-After`` values, ``Location`` headers that name another host, and
bodies JSON cannot encode: each is refused before anything is sent (or handled), with a
message that names the problem and never a secret. Where the transport decides (nothing
sent, retries, logs, where a connection goes) the tests use real loopback sockets.
"""

from __future__ import annotations

import base64
import dataclasses
import functools
import inspect
import json
import logging
import math
import re
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any, Iterator

import pytest
import requests
import requests.adapters
import responses
from hypothesis import given, settings
from hypothesis import strategies as st

import stateless_client
from stateless_client import (
    APIError,
    Client,
    InternalServerError,
    InvalidRequestError,
    NotSerializableError,
    StatelessClientError,
    StreamInterruptedError,
    get_client,
)
from stateless_client._http.retries import retry_delay
from stateless_client._http.urls import origin
from stateless_client._resources.base import Resource

from .helpers import BASE
from .loopback import Connection, ScriptedServer, answer_json, status

SECRET = "sk-hostile-suite-secret"
ROOT = Path(__file__).parent.parent


@pytest.fixture
def debug_log(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.DEBUG)  # every logger: urllib3's too
    return caplog


def logged(caplog: pytest.LogCaptureFixture) -> str:
    return "\n".join(record.getMessage() for record in caplog.records)


def test_the_new_errors_are_value_and_type_errors_of_the_one_hierarchy() -> None:
    assert issubclass(InvalidRequestError, StatelessClientError) and issubclass(InvalidRequestError, ValueError)
    assert not issubclass(InvalidRequestError, APIError)  # nothing was sent: no method, no URL
    assert issubclass(NotSerializableError, InvalidRequestError) and issubclass(NotSerializableError, TypeError)
    assert stateless_client.InvalidRequestError is InvalidRequestError


# -- 1. API keys and headers -----------------------------------------------------------------------


@pytest.mark.parametrize("key", [SECRET + "\n", " " + SECRET, "\t" + SECRET + "\r\n", SECRET + " \n"])
def test_whitespace_around_the_key_is_stripped(make_client: Any, sleeps: list[float], key: str) -> None:
    with ScriptedServer(answer_json) as server:
        assert make_client(server.url, api_key=key).runs.join("t", "r") == {"answer": 42}
    assert server.requests[0].headers["x-api-key"] == SECRET and sleeps == []


def test_whitespace_around_a_key_from_the_environment_is_stripped(
    make_client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LANGGRAPH_API_KEY", " \n")  # only whitespace: as if unset
    monkeypatch.setenv("LANGSMITH_API_KEY", SECRET + "\n")  # as read from a file
    with ScriptedServer(answer_json) as server:
        make_client(server.url).runs.join("t", "r")
    assert server.requests[0].headers["x-api-key"] == SECRET


@pytest.mark.parametrize(
    ("key", "problem"),
    [
        ("sk-hostile\u200bsuite-secret", "U+200B ZERO WIDTH SPACE"),  # pasted from a web page
        ("sk-hostile\nsuite-secret", "line break"),
        ("sk-hostile\x00suite-secret", "NUL"),
        ("sk-hostile\u20acsuite-secret", "outside Latin-1"),
    ],
)
def test_an_unsendable_key_fails_at_once_naming_the_header_not_the_key(
    make_client: Any, sleeps: list[float], debug_log: pytest.LogCaptureFixture, key: str, problem: str
) -> None:
    with ScriptedServer(answer_json) as server:
        with pytest.raises(InvalidRequestError) as caught:
            make_client(server.url, api_key=key).runs.wait(None, "agent")
        assert server.requests == []
    message = str(caught.value)
    assert "x-api-key" in message and problem in message and "api_key" in message
    for part in ("sk-hostile", "suite-secret"):
        assert part not in message and part not in logged(debug_log)
    assert sleeps == []  # not retried


def test_an_unsendable_key_fails_when_the_client_is_created() -> None:
    with pytest.raises(ValueError, match="x-api-key"):
        Client("http://127.0.0.1:9", api_key="sk\u200bkey")


BAD_HEADERS = [
    ({"x-bad": "one\r\nInjected: yes"}, "'x-bad'", "line break"),
    ({"x-bad": "one\nInjected: yes"}, "'x-bad'", "line break"),
    ({"x-bad": "SECRET-VALUE\x00"}, "'x-bad'", "NUL"),
    ({"x-bad": "SECRET-VALUE\x7f"}, "'x-bad'", "U+007F"),
    ({"x-bad": "SECRET-VALUE\u20ac"}, "'x-bad'", "outside Latin-1"),
    ({"x-bad": "\u2028SECRET-VALUE"}, "'x-bad'", "U+2028 LINE SEPARATOR"),
    ({"x-bad": " SECRET-VALUE"}, "'x-bad'", "starts with whitespace"),
    ({"x-bad": 7}, "'x-bad'", "int"),
    ({"x bad": "v"}, "'x bad'", "header name"),
    ({"x-bad:": "v"}, "'x-bad:'", "header name"),
    ({"": "v"}, "''", "header name"),
    ({"x-b\u00e4d": "v"}, "'x-b\u00e4d'", "header name"),
    ({"x-bad\r\nInjected": "v"}, "'x-bad\\r\\nInjected'", "header name"),
]


@pytest.mark.parametrize(("headers", "named", "problem"), BAD_HEADERS)
def test_an_unsendable_call_header_fails_before_anything_is_sent(
    make_client: Any, sleeps: list[float], debug_log: pytest.LogCaptureFixture,
    headers: dict[str, Any], named: str, problem: str,
) -> None:
    with ScriptedServer(answer_json) as server:
        client = make_client(server.url, api_key=SECRET)
        with pytest.raises(InvalidRequestError) as caught:
            client.runs.join("t", "r", headers=headers)
        assert server.requests == []
    message = str(caught.value)
    assert named in message and problem in message
    assert "SECRET-VALUE" not in message and "Injected: yes" not in message
    assert SECRET not in logged(debug_log) and sleeps == []


@pytest.mark.parametrize(("headers", "named", "problem"), BAD_HEADERS)
def test_an_unsendable_client_header_fails_when_the_client_is_created(
    headers: dict[str, Any], named: str, problem: str
) -> None:
    with pytest.raises(InvalidRequestError) as caught:
        Client("http://127.0.0.1:9", api_key=None, headers=headers)
    assert named in str(caught.value) and problem in str(caught.value)
    assert "SECRET-VALUE" not in str(caught.value)


def test_headers_http_can_carry_are_sent_as_given(make_client: Any) -> None:
    headers = {"x-latin": "caf\u00e9", "x-tab": "a\tb", "x-trailing": "v ", "x-empty": "", "x-bytes": b"raw",
               "accept-encoding": None, "X-Token_1.2~": "!#$%&'*+-.^_`|~"}
    with ScriptedServer(answer_json) as server:
        make_client(server.url, api_key=None).runs.join("t", "r", headers=headers)  # type: ignore[arg-type]
    got = server.requests[0].headers
    assert got["x-latin"] == "caf\u00e9" and got["x-tab"] == "a\tb" and got["x-bytes"] == "raw"
    assert got["x-token_1.2~"] == "!#$%&'*+-.^_`|~"
    assert "gzip" not in got.get("accept-encoding", "")  # None: requests drops its default


def test_a_header_requests_refuses_later_is_still_not_quoted(make_client: Any) -> None:
    """``last_event_id=`` becomes a header the call's ``headers=`` check does not see; should
    ``requests`` refuse it, the message must not quote it (the value might be a secret)."""
    with ScriptedServer() as server, pytest.raises(StatelessClientError) as caught:
        make_client(server.url, api_key=SECRET).runs.join_stream("t", "r", last_event_id="secret-id\nx")
    assert "secret-id" not in str(caught.value) and SECRET not in str(caught.value)


# -- 1. a password in the URL ----------------------------------------------------------------------


def test_a_url_password_becomes_basic_auth_and_is_shown_nowhere(
    make_client: Any, debug_log: pytest.LogCaptureFixture
) -> None:
    password = "pa%40ss-w0rd"  # percent-encoded "pa@ss-w0rd"
    with ScriptedServer(answer_json, status(500, "Internal Server Error", b"boom", "text/plain")) as server:
        url = server.url.replace("http://", f"http://user:{password}@")
        client = make_client(url, api_key=SECRET, max_retries=0)
        assert client.runs.join("t", "r") == {"answer": 42}
        with pytest.raises(InternalServerError) as caught:
            client.threads.get("t")
    for request in server.requests:
        assert request.headers["authorization"] == "Basic " + base64.b64encode(b"user:pa@ss-w0rd").decode()
        assert request.headers["x-api-key"] == SECRET
    assert client.url == server.url
    texts = [repr(client), client.url, repr(client._transport), str(caught.value), caught.value.url,
             logged(debug_log)]
    for text in texts:
        assert "pa%40ss" not in text and "pa@ss" not in text and "user:" not in text


def test_the_url_password_goes_nowhere_else(make_client: Any) -> None:
    with ScriptedServer(answer_json) as elsewhere:
        moved = status(307, "Temporary Redirect", content_type="text/plain",
                       location=elsewhere.url + "/threads/t/runs/r/join")
        with ScriptedServer(moved) as server:
            client = make_client(server.url.replace("http://", "http://user:pw@"))
            with pytest.raises(APIError, match="another origin"):
                client.runs.join("t", "r")
        assert server.requests[0].headers["authorization"].startswith("Basic ")
    assert elsewhere.requests == []


def test_an_authorization_header_of_your_own_wins_over_the_url(make_client: Any) -> None:
    with ScriptedServer(answer_json) as server:
        client = make_client(server.url.replace("http://", "http://user:pw@"), headers={"Authorization": "Bearer t"})
        client.runs.join("t", "r")
    assert server.requests[0].headers["authorization"] == "Bearer t"


def test_a_refused_url_does_not_quote_its_password() -> None:
    for url in ("ftp://user:hunter2@host", "http://user:hunter2@", "http://user:hunter2@[::1"):
        with pytest.raises(ValueError, match="http") as caught:
            get_client(url=url)
        assert "hunter2" not in str(caught.value)


# -- 2. IDs ----------------------------------------------------------------------------------------

BAD_IDS = ["", ".", ".."]
SENTINEL = "sentinel-id-7"
#: The IDs known to travel in the path; the test also finds any new one by itself.
IN_PATH = (
    {("runs", name, "thread_id") for name in ("stream", "wait", "create", "get", "join", "join_stream", "cancel",
                                              "delete", "list")}
    | {("runs", name, "run_id") for name in ("get", "join", "join_stream", "cancel", "delete")}
    | {("threads", "get", "thread_id"), ("threads", "delete", "thread_id")}
)


def _id_methods() -> list[tuple[str, str, str]]:
    """``(resource, method, parameter)`` for every public resource method and every parameter
    of it whose name ends in ``_id``, found by introspection so new methods are covered."""
    client = get_client(url="http://ids.test", api_key=None)
    found = []
    for resource_name, resource in sorted(vars(client).items()):
        if not isinstance(resource, Resource):
            continue
        for method_name, method in inspect.getmembers(resource, inspect.ismethod):
            if method_name.startswith("_"):
                continue
            for parameter in inspect.signature(method).parameters:
                if parameter.endswith("_id"):
                    found.append((resource_name, method_name, parameter))
    return found


def _call(client: Client, resource: str, method: str, **overrides: Any) -> None:
    """Call ``client.resource.method`` with every required argument filled in."""
    bound = getattr(getattr(client, resource), method)
    arguments: dict[str, Any] = {}
    for name, parameter in inspect.signature(bound).parameters.items():
        if parameter.default is inspect.Parameter.empty and parameter.kind not in (
            parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD
        ):
            arguments[name] = f"{name}-value"
    arguments.update(overrides)
    result = bound(**arguments)
    if hasattr(result, "close"):
        result.close()


@pytest.fixture
def any_answer() -> Iterator[responses.RequestsMock]:
    """Every request gets a 200: an empty event stream for streams, ``{}`` otherwise."""
    def answer(request: Any) -> tuple[int, dict[str, str], str]:
        if request.headers.get("accept") == "text/event-stream":
            return 200, {"content-type": "text/event-stream"}, ""
        return 200, {"content-type": "application/json"}, "{}"

    with responses.RequestsMock(assert_all_requests_are_fired=False) as api:
        for verb in ("GET", "POST", "PUT", "PATCH", "DELETE"):
            api.add_callback(verb, re.compile(r"http://ids\.test/.*"), callback=answer)
        yield api


def test_the_id_parameters_are_found() -> None:
    assert set(_id_methods()) >= IN_PATH


@pytest.mark.parametrize(("resource", "method", "parameter"), _id_methods())
def test_an_id_that_would_change_the_endpoint_is_refused(
    any_answer: responses.RequestsMock, resource: str, method: str, parameter: str
) -> None:
    client = get_client(url="http://ids.test", api_key=None, max_retries=0)
    try:
        _call(client, resource, method, **{parameter: SENTINEL})
    except StatelessClientError:
        pass  # the fake answer need not fit; only where the request went matters
    sent = [call.request.path_url.split("?")[0] for call in any_answer.calls]
    in_path = any(SENTINEL in path.split("/") for path in sent)
    assert in_path or (resource, method, parameter) not in IN_PATH, sent
    if not in_path:
        return  # this ID travels in the body, a header or the query, where any value is fine
    optional = inspect.signature(getattr(getattr(client, resource), method)).parameters[parameter].default is None
    for bad in BAD_IDS:
        if bad == "" and optional:
            continue  # an empty optional ID means "not given", as in the official SDK
        any_answer.calls.reset()
        with pytest.raises(InvalidRequestError) as caught:
            _call(client, resource, method, **{parameter: bad})
        assert isinstance(caught.value, ValueError) and repr(bad) in str(caught.value)
        assert len(any_answer.calls) == 0, f"{resource}.{method}({parameter}={bad!r}) sent a request"


@pytest.mark.parametrize("value", ["...", " ", "a/b", "%2e%2e", "?x", "#", "\u2026", "..a"])
def test_any_other_id_stays_one_path_segment(any_answer: responses.RequestsMock, value: str) -> None:
    client = get_client(url="http://ids.test", api_key=None, max_retries=0)
    client.threads.delete(value)
    client.runs.cancel(value, value)
    paths = [call.request.path_url for call in any_answer.calls]
    assert len(paths[0].split("/")) == 3 and paths[0].startswith("/threads/")
    assert len(paths[1].split("?")[0].split("/")) == 6 and paths[1].split("?")[0].endswith("/cancel")



def test_an_id_that_is_not_text_is_its_str_or_refused(any_answer: responses.RequestsMock) -> None:
    """A UUID or an int is sent as its text, as the SDK sends it; None and bytes, whose str() is
    not the ID meant, raise NotSerializableError (a TypeError, as the SDK raises) and send nothing."""
    import uuid

    client = get_client(url="http://ids.test", api_key=None, max_retries=0)
    thread_id = uuid.UUID("550e8400-e29b-41d4-a716-446655440000")
    client.threads.get(thread_id)  # type: ignore[arg-type]
    client.threads.get(42)  # type: ignore[arg-type]
    assert [call.request.path_url for call in any_answer.calls] == [f"/threads/{thread_id}", "/threads/42"]
    for bad in (None, b"t1", bytearray(b"t1")):
        with pytest.raises(NotSerializableError, match=r"must not be (None|bytes)"):
            client.threads.get(bad)  # type: ignore[arg-type]
    assert len(any_answer.calls) == 2


# -- 3. Retry-After --------------------------------------------------------------------------------

ABSURD_RETRY_AFTER = [
    "nan", "NaN", "inf", "-inf", "Infinity", "-1", "-0.5", "1e400", "9" * 400, "1_000", "+5", "0x10", "soon",
    "Mon, 01 Jan 99999 00:00:00 GMT", "Mon, 01 Jan 1000000000000000000000 00:00:00 GMT",
    "Mon, 01 Jan 2024 00:00:00 +99999999999999999999", "Mon, 01 Jan 2024 25:00:00 GMT",
]


@pytest.mark.parametrize("value", ABSURD_RETRY_AFTER)
def test_an_absurd_retry_after_falls_back_to_the_backoff(value: str) -> None:
    for attempt in range(5):
        delay = retry_delay(attempt, value)
        backoff = min(0.5 * 2**attempt, 8.0)
        assert 0.75 * backoff <= delay <= backoff, (value, attempt, delay)


def test_a_sane_retry_after_is_obeyed_and_capped() -> None:
    assert [retry_delay(0, v) for v in ("0", "2", " 3 ", "1.5", "99999")] == [0.0, 2.0, 3.0, 1.5, 60.0]
    assert retry_delay(0, "Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # already past: now
    assert retry_delay(0, "Fri, 31 Dec 9999 23:59:59 GMT") == 60.0


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=40) | st.lists(st.sampled_from(
    ["Mon,", " ", "01", "Jan", "2024", "99999", "00:00:00", "GMT", "+99999999999", "nan", "-", ".", "e", "9" * 30]
), max_size=10).map("".join))
def test_retry_after_never_breaks_the_sleep(value: str) -> None:
    delay = retry_delay(2, value)
    assert math.isfinite(delay) and 0.0 <= delay <= 60.0


@pytest.mark.parametrize("value", ["nan", "inf", "-3", "Mon, 01 Jan 99999 00:00:00 GMT"])
def test_a_503_with_an_absurd_retry_after_is_retried_after_the_backoff(
    make_client: Any, sleeps: list[float], value: str
) -> None:
    busy = status(503, "Service Unavailable", b"busy", "text/plain", retry_after=value)
    with ScriptedServer(busy, answer_json) as server:
        assert make_client(server.url, api_key=None).runs.join("t", "r") == {"answer": 42}
    assert len(server.requests) == 2 and len(sleeps) == 1 and 0.375 <= sleeps[0] <= 0.5, sleeps


# -- 4. Locations and URLs that name another host --------------------------------------------------


def test_a_scheme_relative_location_is_another_origin_and_resume_refuses_it(
    make_client: Any, sleeps: list[float]
) -> None:
    with ScriptedServer(answer_json) as elsewhere:
        other = elsewhere.url.removeprefix("http:")  # //127.0.0.1:OTHERPORT

        def drops_mid_stream(conn: Connection) -> None:
            conn.head(headers={"location": f"{other}/threads/t/runs/r-1/stream",
                               "content-location": "/threads/t/runs/r-1"})
            conn.chunk(b'event: metadata\nid: 1\ndata: {"run_id": "r-1"}\n\nevent: values\nid: 2\ndata: {"n"')
            conn.reset()

        def not_found(conn: Connection) -> None:  # only reached if the resume stays at home
            conn.send(b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")

        with ScriptedServer(drops_mid_stream, not_found) as server:
            stream = make_client(server.url, api_key=SECRET).runs.stream("t", "agent", stream_resumable=True)
            with pytest.raises(StreamInterruptedError) as caught:
                list(stream)
        assert len(server.requests) == 1
    assert elsewhere.requests == []
    error = caught.value
    assert "refusing to resume from a Location on another origin" in error.reason and other in error.reason
    assert error.run_id == "r-1" and error.events_delivered == 1 and SECRET not in str(error)


ESCAPES = [
    "//evil.test/x", "//127.0.0.1:1/x", "///evil.test/x", "\\\\evil.test/x", "/\\evil.test/x", "\\/evil.test/x",
    " //evil.test/x", "\t//evil.test/x", "/\t/evil.test/x", "\n//evil.test/x", "http://evil.test/x",
    "HTTP://evil.test/x", " http://evil.test/x", "https:/evil.test/x", "https:evil.test", "http:/x", "http:x",
    "http:\\\\evil.test/x", "http://127.0.0.1:2024@evil.test/x", "http://127.0.0.1:2024\\@evil.test/x",
    "http://evil.test\\@127.0.0.1:2024/x", "http://evil.test%2f@127.0.0.1:2024/x", "http://127.0.0.1:2024 @evil.test/",
    "http://127.0.0.1:2024#@evil.test/", "http://127.0.0.1:2024?@evil.test/", "http://127.0.0.1:99999/x",
    "http://127.0.0.1:2024:80/x", "http://[::1/x", "@evil.test/x", "evil.test:2024/x", "/evil.test:2024/x",
    "mailto:x@evil.test", "javascript:alert(1)", "/runs/x?next=http://evil.test/", "/a/../../../x",
]


def _sent_to(url: str) -> tuple[str, str, int | None] | None:
    """Where ``requests`` would connect for ``url`` (as its adapter picks the connection pool),
    or ``None`` if it would refuse the URL."""
    try:
        prepared = requests.Request("GET", url).prepare()
        host, _ = _adapter().build_connection_pool_key_attributes(prepared, True, None)
    except (requests.RequestException, ValueError):
        return None
    port = host["port"] or {"http": 80, "https": 443}.get(host["scheme"])
    return (host["scheme"], (host["host"] or "").lower(), port)


@functools.lru_cache(maxsize=1)
def _adapter() -> requests.adapters.HTTPAdapter:
    return requests.adapters.HTTPAdapter()


@functools.lru_cache(maxsize=1)
def _transport() -> Any:
    return get_client(url="http://127.0.0.1:2024/base", api_key=None)._transport


@pytest.mark.parametrize("location", ESCAPES)
def test_a_url_the_origin_check_accepts_goes_to_the_origin(location: str) -> None:
    transport = _transport()
    url = transport.url(location)
    if origin(url) == transport.origin:
        assert _sent_to(url) == transport.origin, (location, url)


def test_scheme_relative_and_backslash_locations_are_other_origins() -> None:
    transport = _transport()
    for location in ("//evil.test/x", "\\\\evil.test/x", "/\\evil.test/x", " //evil.test/x", "\t//evil.test/x"):
        assert origin(transport.url(location)) == ("http", "evil.test", 80), location
    assert origin(transport.url("//127.0.0.1:1/x")) == ("http", "127.0.0.1", 1)
    for location in ("http://evil.test\\@127.0.0.1:2024/x", "http://user@127.0.0.1:2024/x",
                     "http://127.0.0.1:99999/x", "http://[::1/x", "//["):
        assert origin(transport.url(location)) != transport.origin, location
    # Read as a browser reads it, the backslash ends the host: this one stays home.
    assert transport.url("http://127.0.0.1:2024\\@evil.test/x") == "http://127.0.0.1:2024/@evil.test/x"


def test_paths_stay_under_the_base_url() -> None:
    transport = _transport()
    assert transport.url("/threads/t1") == "http://127.0.0.1:2024/base/threads/t1"
    assert transport.url("/evil.test:2024/x") == "http://127.0.0.1:2024/base/evil.test:2024/x"
    assert transport.url("@evil.test/x") == "http://127.0.0.1:2024/base/@evil.test/x"
    assert transport.url("/runs/r/stream?a=\\b") == "http://127.0.0.1:2024/base/runs/r/stream?a=\\b"
    assert transport.url("http://127.0.0.1:2024/base/x") == "http://127.0.0.1:2024/base/x"


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(["/", "//", "\\", "@", ":", " ", "\t", "\n", "?", "#", "%2f", "%40", "http:", "https:",
                                 "127.0.0.1", "2024", "1", "evil.test", "[", "]", "::1", ".", "..", "x"]), max_size=10))
def test_no_spelling_of_a_location_escapes_the_origin(pieces: list[str]) -> None:
    transport = _transport()
    url = transport.url("".join(pieces))
    if origin(url) == transport.origin:
        assert _sent_to(url) == transport.origin, url


# -- 5 and 6. bodies JSON cannot encode ------------------------------------------------------------


class Opaque:
    """Not JSON serializable."""


@dataclasses.dataclass
class Point:
    x: float


BAD_BODIES: list[tuple[str, dict[str, Any], type[Exception], list[str]]] = [
    ("nan", {"input": {"scores": [1.0, float("nan")]}}, InvalidRequestError, ["input['scores'][1]", "nan"]),
    ("inf", {"input": {"x": float("inf")}}, InvalidRequestError, ["input['x']", "inf"]),
    ("-inf", {"metadata": {"m": -float("inf")}}, InvalidRequestError, ["metadata['m']", "-inf"]),
    ("nan in a dataclass", {"input": {"p": Point(float("nan"))}}, InvalidRequestError, ["input['p'].x", "nan"]),
    ("nan as a key", {"input": {float("nan"): 1}}, InvalidRequestError, ["a key of input", "nan"]),
    ("an object", {"input": {"when": [Opaque()]}}, NotSerializableError, ["input['when'][0]", "Opaque"]),
    ("bytes", {"config": {"configurable": {"b": b"raw"}}}, NotSerializableError,
     ["config['configurable']['b']", "bytes"]),
    ("a tuple key", {"input": {(1, 2): "v"}}, NotSerializableError, ["a key of input", "tuple"]),
    ("a lone surrogate", {"input": {"s": "\ud800"}}, NotSerializableError, ["input['s']", "surrogate"]),
]


@pytest.mark.parametrize(("case", "parameters", "error", "named"), BAD_BODIES, ids=[c[0] for c in BAD_BODIES])
def test_a_body_json_cannot_encode_is_refused_before_sending(
    api: responses.RequestsMock, mock_client: Client,
    case: str, parameters: dict[str, Any], error: type[Exception], named: list[str],
) -> None:
    calls = [lambda: mock_client.runs.wait(None, "agent", **parameters),
             lambda: mock_client.runs.stream("t", "agent", **parameters),
             lambda: mock_client.runs.create(None, "agent", **parameters)]
    for call in calls:
        with pytest.raises(error) as caught:
            call()
        assert type(caught.value) is error
        for text in named:
            assert text in str(caught.value), str(caught.value)
    assert len(api.calls) == 0
    assert str(caught.value).startswith("POST /runs: ")


def test_a_not_serializable_body_is_still_a_type_error(api: responses.RequestsMock, mock_client: Client) -> None:
    with pytest.raises(TypeError, match="Opaque"):
        mock_client.runs.wait(None, "agent", input={"x": Opaque()})


def test_what_json_can_encode_is_sent_as_before(api: responses.RequestsMock, mock_client: Client) -> None:
    api.post(f"{BASE}/runs/wait", json={"ok": True})
    mock_client.runs.wait(None, "agent", input={"n": [1, 2.5, None, True], "p": Point(1.0), "s": {"only"},
                                                "big": [0.1] * 1000, "huge": [1e308, 1e308]})
    sent = json.loads(api.calls[0].request.body)
    assert sent["input"] == {"n": [1, 2.5, None, True], "p": {"x": 1.0}, "s": ["only"], "big": [0.1] * 1000,
                             "huge": [1e308, 1e308]}


BACKEND_SCRIPT = textwrap.dedent(
    """
    import dataclasses, json, sys
    if sys.argv[1] == "json":
        sys.modules["orjson"] = None  # as if orjson were not installed
    from stateless_client import _json
    from tests.test_hostile_input import BAD_BODIES
    assert _json.BACKEND == sys.argv[1], _json.BACKEND
    outcomes = {}
    for case, body, _error, _named in BAD_BODIES:
        try:
            outcomes[case] = ["sent", _json.encode_body(body).decode()]
        except Exception as error:
            outcomes[case] = [type(error).__name__, str(error)]
    print(json.dumps(outcomes))
    """
)


def test_both_json_backends_refuse_the_same_bodies_in_the_same_words() -> None:
    """orjson wrote NaN as null (the run succeeded), the standard library as NaN (the server
    answered 422): now both refuse, and say the same."""
    outcomes = {}
    for backend in ("orjson", "json"):
        done = subprocess.run([sys.executable, "-c", BACKEND_SCRIPT, backend], capture_output=True, text=True,
                              timeout=120, check=False, cwd=ROOT)
        assert done.returncode == 0, done.stderr
        outcomes[backend] = json.loads(done.stdout)
    assert outcomes["orjson"] == outcomes["json"]
    for case, _body, error, named in BAD_BODIES:
        kind, message = outcomes["json"][case]
        assert kind == error.__name__ and all(text in message for text in named), (case, message)
