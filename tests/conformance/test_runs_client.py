"""Port of the SDK's ``tests/test_runs_client.py``: ``runs.wait`` reconnecting to its run's
``/join`` after the connection drops (a bodyless ``GET``, backoff, five attempts, no retry of a
4xx), the run's error with and without ``raise_error``, and ``strict_resume`` on the wire.

Tests parametrized ``asynchronous`` run the sync half; async tests with a sync twin are left
out. Deliberate difference: the SDK warns (``UserWarning: ... attempting reconnect``) when it
reconnects, this client logs at DEBUG; the ports check the warning for the SDK only.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import httpx
import pytest

from .served import Served

SOURCE = "tests/test_runs_client.py"


class _BodyDropsMidRead(httpx.SyncByteStream):
    def __iter__(self) -> Iterator[bytes]:
        yield b'{"partial'
        raise httpx.ReadError("connection dropped")


def _done(_request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, json={"done": True})


def _wait_handler(
    requests: list[httpx.Request],
    reconnects: Sequence[Callable[[httpx.Request], httpx.Response]] = (_done,),
):
    """POST drops mid-body; the reconnects answer from `reconnects` in order."""

    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        if request.method == "POST":
            return httpx.Response(
                200,
                headers={"Location": "/threads/t1/runs/r1/join"},
                stream=_BodyDropsMidRead(),
            )
        return reconnects[len(requests) - 2](request)

    return handler


def _assert_bodyless_get(request: httpx.Request) -> None:
    assert request.method == "GET"
    assert request.url.path == "/threads/t1/runs/r1/join"
    assert "content-length" not in request.headers, request.headers
    assert "content-type" not in request.headers, request.headers
    assert request.read() == b""


def _warns_reconnect(lib: Any) -> Any:
    """The SDK's ``pytest.warns(UserWarning, match="attempting reconnect")``; this client logs
    the reconnect at DEBUG instead (docs/porting.md, ``http.request_reconnect``)."""
    if lib.ours:
        return contextlib.nullcontext()
    return pytest.warns(UserWarning, match="attempting reconnect")


@pytest.mark.usefixtures("no_sleep")
def test_sync_wait_reconnects_with_a_bodyless_get(lib):
    requests: list[httpx.Request] = []
    with (Served(_wait_handler(requests)) as served, lib.get_sync_client(url=served.url) as client,
          _warns_reconnect(lib)):
        result = client.runs.wait("t1", "agent", input={"question": "hi"})

    assert result == {"done": True}
    _assert_bodyless_get(requests[1])


def _connect_error(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("[Errno 61] Connection refused", request=request)


def _wait(lib: Any, handler: Callable[[httpx.Request], httpx.Response]) -> Any:
    with Served(handler) as served, lib.get_sync_client(url=served.url) as client:
        return client.runs.wait("t1", "agent", input={})


# What a server restart or a deploy looks like to the reconnect GET: each one is
# retried after a backoff.
RECONNECT_FAILURES = {
    "429": lambda request: httpx.Response(429, request=request),
    "503": lambda request: httpx.Response(503, request=request),
    "connect_error": _connect_error,
    "body_drops": lambda _request: httpx.Response(
        200,
        headers={"Location": "/threads/t1/runs/r1/join"},
        stream=_BodyDropsMidRead(),
    ),
}


@pytest.mark.parametrize("failure", RECONNECT_FAILURES.values(), ids=RECONNECT_FAILURES.keys())
def test_wait_retries_a_failed_reconnect_after_a_backoff(lib, failure, no_sleep):
    requests: list[httpx.Request] = []
    with _warns_reconnect(lib):
        result = _wait(lib, _wait_handler(requests, [failure, _done]))

    assert result == {"done": True}
    assert len(requests) == 3
    assert len(no_sleep) == 2 and min(no_sleep) >= 1, no_sleep


@pytest.mark.usefixtures("no_sleep")
def test_wait_raises_after_five_failed_reconnects(lib):
    requests: list[httpx.Request] = []
    with _warns_reconnect(lib), pytest.raises(lib.StatusError, match="503"):
        _wait(lib, _wait_handler(requests, [RECONNECT_FAILURES["503"]] * 5))

    assert len(requests) == 6


@pytest.mark.usefixtures("no_sleep")
def test_wait_does_not_retry_a_client_error(lib):
    requests: list[httpx.Request] = []
    with _warns_reconnect(lib), pytest.raises(lib.StatusError, match="404"):
        _wait(lib, _wait_handler(requests, [lambda request: httpx.Response(404, request=request)]))

    assert len(requests) == 2


def test_sync_wait_raises_the_run_error(lib):
    requests: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        return httpx.Response(200, json={"__error__": {"error": "RuntimeError", "message": "boom"}})

    with (Served(handler) as served, lib.get_sync_client(url=served.url) as client,
          pytest.raises(Exception, match="RuntimeError: boom")):
        client.runs.wait("t1", "agent", input={}, raise_error=True)

    assert "raise_error" not in json.loads(requests[0].content)


def test_wait_returns_the_run_error_without_raise_error(lib):
    requests: list[httpx.Request] = []
    run_error = {"__error__": {"error": "RuntimeError", "message": "boom"}}

    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        return httpx.Response(200, json=run_error)

    with Served(handler) as served, lib.get_sync_client(url=served.url) as client:
        result = client.runs.wait("t1", "agent", input={}, raise_error=False)

    assert result == run_error
    assert "raise_error" not in json.loads(requests[0].content)


def _strict_resume_handler(requests: list[httpx.Request]):
    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        if request.url.path.endswith("/stream"):
            return httpx.Response(
                200,
                headers={"Content-Type": "text/event-stream"},
                content=b"event: end\ndata: null\n\n",
            )
        return httpx.Response(200, json={"run_id": "r1"})

    return handler


@pytest.mark.parametrize("method", ["create", "stream", "wait"])
@pytest.mark.parametrize("strict_resume", [True, None], ids=["opted-in", "default"])
def test_runs_send_strict_resume_only_when_set(lib, method: str, strict_resume: bool | None):
    requests: list[httpx.Request] = []
    kwargs: dict[str, Any] = {
        "command": {"resume": {"0" * 32: "yes"}},
        "strict_resume": strict_resume,
    }
    with Served(_strict_resume_handler(requests)) as served, lib.get_sync_client(url=served.url) as client:
        result = getattr(client.runs, method)("t1", "agent", **kwargs)
        if method == "stream":
            for _ in result:
                pass

    assert json.loads(requests[0].content).get("strict_resume") == strict_resume
