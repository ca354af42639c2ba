"""The browser mount's framework-neutral core (``stateless_client.contrib._mount``), without Flask.

``Mount.handle`` is called with ``MountRequest`` values; where a request goes upstream, the
upstream is a ``ScriptedServer`` (tests/loopback.py) whose script says exactly what the
LangGraph server answers, and which records exactly what the mount sent it.
"""

from __future__ import annotations

import inspect
import json
import subprocess
import sys
import threading
from typing import Any, Callable, Iterator

import pytest

from stateless_client import APIConnectionError, Client
from stateless_client.contrib import access
from stateless_client.contrib._mount import Deny, Filters, Mount, MountRequest, MountResponse, Resource
from stateless_client.contrib._mount.origin import from_same_site, host_allowed
from stateless_client.contrib._mount.routes import ACTIONS, DEFAULT_ACTIONS, match
from stateless_client.contrib.access import allow_all, owner_policy

from .loopback import Connection, ScriptedServer, json_answer, sse, status

KEY = "lgkey-CORE-SENTINEL-0123456789"
HOST = "127.0.0.1:8000"


def _request(method: str, path: str, body: bytes | None = None, *, headers: dict[str, str] | None = None,
             query: str = "", host: str = HOST, content_length: int | None = -1,
             read: Callable[[int], bytes] | None = None) -> MountRequest:
    given = {name.lower(): value for name, value in (headers or {}).items()}
    data = body or b""
    remaining = [data]

    def read_body(n: int) -> bytes:
        chunk, remaining[0] = remaining[0][:n], remaining[0][n:]
        return chunk

    return MountRequest(
        method=method, path=path, query_string=query, header=lambda name: given.get(name.lower()), host=host,
        read=read or read_body, content_length=len(data) if content_length == -1 else content_length,
        native={"user": given.get("x-user")},
    )


def _json_body(data: Any) -> bytes:
    return json.dumps(data).encode()


def _mount(url: str, **kwargs: Any) -> Mount:
    kwargs.setdefault("authorize", allow_all)
    return Mount(Client(url, api_key=KEY, max_retries=0), **kwargs)


def _read(answer: MountResponse) -> bytes:
    try:
        return b"".join(answer.body)
    finally:
        answer.body.close()


def _detail(answer: MountResponse) -> Any:
    return json.loads(_read(answer))["detail"]


# -- routes ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("method", "path", "action", "ids"), [
    ("POST", "threads", "threads.create", {}),
    ("POST", "threads/search", "threads.search", {}),
    ("GET", "threads/search", "threads.get", {"thread": "search"}),  # a GET of thread "search"
    ("GET", "threads/t1/state/c1", "threads.state.get", {"thread": "t1", "checkpoint": "c1"}),
    ("POST", "threads/t1/state/checkpoint", "threads.state.get", {"thread": "t1"}),
    ("POST", "threads/t1/runs/stream", "runs.stream", {"thread": "t1"}),
    ("GET", "threads/t1/runs/r1/stream", "runs.join_stream", {"thread": "t1", "run": "r1"}),
    ("POST", "runs/stream", "runs.stream", {}),
    ("POST", "threads/t1/commands", "threads.commands", {"thread": "t1"}),
    ("POST", "threads/t1/stream/events", "threads.stream", {"thread": "t1"}),
    ("GET", "assistants/a1/subgraphs/ns", "assistants.subgraphs", {"assistant": "a1", "namespace": "ns"}),
])
def test_a_path_is_matched_to_its_action(method: str, path: str, action: str, ids: dict[str, str]) -> None:
    found = match(method, tuple(path.split("/")), DEFAULT_ACTIONS)
    assert found is not None
    assert (found.action, found.ids) == (action, ids)


@pytest.mark.parametrize(("method", "path"), [
    ("GET", "threads"), ("PUT", "threads/t1"), ("GET", "threads/../ok"), ("GET", "threads/."), ("GET", "threads/"),
    ("POST", "threads/t1/copy"), ("POST", "threads/count"), ("GET", "store/items"), ("POST", "runs/batch"),
    ("GET", "threads/t1/runs/r1/stream/more"), ("DELETE", "threads/t1/runs/r1"), ("GET", ""),
])
def test_other_paths_match_nothing_by_default(method: str, path: str) -> None:
    assert match(method, tuple(path.split("/")), DEFAULT_ACTIONS) is None


def test_the_default_actions_are_known_ones() -> None:
    assert DEFAULT_ACTIONS < ACTIONS


def test_an_unknown_action_or_size_is_refused_when_mounting() -> None:
    with pytest.raises(ValueError, match=r"threads\.prune"):
        _mount("http://127.0.0.1:9", enable=["threads.prune"])
    with pytest.raises(ValueError, match="max_body_size"):
        _mount("http://127.0.0.1:9", max_body_size=0)


# -- origin ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("host", "allowed", "ok"), [
    ("127.0.0.1:8000", ["127.0.0.1"], True), ("LOCALHOST", ["localhost"], True), ("[::1]:80", ["[::1]"], True),
    ("app.example.com", [".example.com"], True), ("example.com", [".example.com"], True),
    ("evilexample.com", [".example.com"], False), ("evil.com", ["example.com"], False),
    ("anything", ["*"], True), ("", ["*"], False), ("[::1", ["[::1]"], False),
])
def test_hosts(host: str, allowed: list[str], ok: bool) -> None:
    assert host_allowed(host, allowed) is ok


@pytest.mark.parametrize(("headers", "ok"), [
    ({}, True), ({"sec-fetch-site": "same-origin"}, True), ({"sec-fetch-site": "none"}, True),
    ({"sec-fetch-site": "same-site"}, False), ({"sec-fetch-site": "cross-site"}, False),
    ({"origin": "http://127.0.0.1:8000"}, True), ({"origin": "http://127.0.0.1:8001"}, False),
    ({"origin": "null"}, False), ({"origin": "http://127.0.0.1:8000", "sec-fetch-site": "cross-site"}, False),
])
def test_same_site(headers: dict[str, str], ok: bool) -> None:
    assert from_same_site(headers.get, HOST) is ok


# -- refused before anything is sent ---------------------------------------------------------------


def test_refusals_send_nothing_upstream() -> None:
    with ScriptedServer() as upstream:
        mount = _mount(upstream.url, max_body_size=10)
        assert _detail(mount.handle(_request("GET", "threads/t1", host="evil.example"))) == "Host not allowed"
        assert _detail(mount.handle(_request("POST", "store/items", b"{}"))) == "Not Found"
        cross = _request("POST", "threads", b"{}", headers={"Origin": "https://evil.example"})
        assert _detail(mount.handle(cross)) == "Cross-site request refused"
        assert mount.handle(_request("POST", "threads", b"x" * 11)).status == 413
        assert mount.handle(_request("POST", "threads", b"{nope")).status == 400
    assert upstream.requests == []


def test_a_declared_body_over_the_limit_is_not_read() -> None:
    def never(n: int) -> bytes:
        raise AssertionError("the body was read")

    mount = _mount("http://127.0.0.1:9", max_body_size=100)
    answer = mount.handle(_request("POST", "threads", content_length=101, read=never))
    assert (answer.status, _detail(answer)) == (413, "Request body larger than 100 bytes")


def test_an_undeclared_body_is_read_only_to_just_over_the_limit() -> None:
    reads: list[int] = []

    def endless(n: int) -> bytes:
        reads.append(n)
        return b" " * n

    mount = _mount("http://127.0.0.1:9", max_body_size=100_000)
    answer = mount.handle(_request("POST", "threads", content_length=None, read=endless))
    assert answer.status == 413
    assert sum(reads) == 100_001


def test_authorize_sees_the_action_and_resource_and_can_deny() -> None:
    seen: list[tuple[Any, str, Resource]] = []

    def authorize(request: Any, action: str, resource: Resource) -> Any:
        seen.append((request, action, resource))
        return Deny(451, "no") if action == "runs.wait" else False

    mount = _mount("http://127.0.0.1:9", authorize=authorize)
    body = {"assistant_id": "agent", "input": {}}
    wait = mount.handle(_request("POST", "threads/t1/runs/wait", _json_body(body), headers={"x-user": "u"}))
    assert (wait.status, _detail(wait)) == (451, "no")
    cancel = mount.handle(_request("POST", "threads/t1/runs/r1/cancel"))
    assert (cancel.status, _detail(cancel)) == (403, "Forbidden")
    assert seen == [
        ({"user": "u"}, "runs.wait", Resource(thread_id="t1", assistant_id="agent", body=body)),
        ({"user": None}, "runs.cancel", Resource(thread_id="t1", run_id="r1")),
    ]


@pytest.mark.parametrize("path", ["threads/t1/runs", "threads/t1/runs/stream", "runs/wait"])
def test_a_run_with_a_webhook_is_refused(path: str) -> None:
    with ScriptedServer() as upstream:
        body = _json_body({"assistant_id": "a", "webhook": "http://10.0.0.1/admin"})
        answer = _mount(upstream.url).handle(_request("POST", path, body))
        assert (answer.status, _detail(answer)) == (400, "A run started through the mount cannot have a webhook")
    assert upstream.requests == []


def test_a_decision_of_another_type_is_an_error_of_the_app() -> None:
    mount = _mount("http://127.0.0.1:9", authorize=lambda request, action, resource: "yes")
    with pytest.raises(TypeError, match="'yes'"):
        mount.handle(_request("GET", "threads/t1"))


def test_the_owner_policy() -> None:
    policy = owner_policy(lambda request: request.get("user"), key="by")
    assert policy({}, "threads.get", Resource(thread_id="t")) == Deny(401, "Not authenticated")
    assert policy({"user": "u"}, "threads.get", Resource(thread_id="t")) == Filters({"by": "u"})
    assert policy({"user": "u"}, "runs.stream", Resource()).status == 403  # type: ignore[union-attr]
    allowed = owner_policy(lambda request: "u", stateless_runs=True)
    assert allowed({}, "runs.stream", Resource()) == Filters({"owner": "u"})


# -- what goes upstream ----------------------------------------------------------------------------


def test_the_key_is_added_and_the_browsers_credentials_stay_here() -> None:
    with ScriptedServer(json_answer({"thread_id": "t1"})) as upstream:
        mount = _mount(upstream.url)
        answer = mount.handle(_request(
            "POST", "threads", b'{"metadata": {"a": 1}}', query="x=1&y=%C3%A9",
            headers={"x-api-key": "browser-key", "Authorization": "Bearer browser", "Cookie": "session=s",
                     "X-Forwarded-For": "1.2.3.4", "Last-Event-ID": "7", "Accept": "text/event-stream"},
        ))
        assert answer.status == 200
        _read(answer)
    (sent,) = upstream.requests
    assert (sent.method, sent.target) == ("POST", "/threads?x=1&y=%C3%A9")
    assert sent.headers["x-api-key"] == KEY
    assert "authorization" not in sent.headers and "cookie" not in sent.headers
    assert "x-forwarded-for" not in sent.headers
    assert sent.headers.get("accept") != "text/event-stream"
    assert sent.headers["last-event-id"] == "7"
    assert json.loads(sent.body) == {"metadata": {"a": 1}}


def test_filters_go_into_what_is_made_and_searched() -> None:
    script = [json_answer({"thread_id": "t1"}), json_answer([]), json_answer([])]
    with ScriptedServer(*script) as upstream:
        mount = _mount(upstream.url, authorize=lambda request, action, resource: Filters({"owner": "u"}))
        for path, body in (("threads", {"metadata": {"owner": "x", "k": 1}, "if_exists": "do_nothing"}),
                           ("threads/search", {"metadata": {"owner": "x"}, "limit": 5}),
                           ("threads/search", None)):
            _read(mount.handle(_request("POST", path, None if body is None else _json_body(body))))
    made, searched, bare = (json.loads(each.body) for each in upstream.requests)
    assert made == {"metadata": {"owner": "u", "k": 1}, "if_exists": "raise"}
    assert searched == {"metadata": {"owner": "u"}, "limit": 5}
    assert bare == {"metadata": {"owner": "u"}}


def test_a_thread_not_found_with_the_filters_is_404_and_nothing_else_is_sent() -> None:
    with ScriptedServer(json_answer([])) as upstream:
        mount = _mount(upstream.url, authorize=lambda request, action, resource: Filters({"owner": "u"}))
        answer = mount.handle(_request("POST", "threads/t1/runs/stream", b'{"assistant_id": "a"}'))
        assert (answer.status, _detail(answer)) == (404, "Thread with ID t1 not found")
    (searched,) = upstream.requests
    assert (searched.method, searched.target) == ("POST", "/threads/search")
    # Only its ID comes back, not the thread's values.
    assert json.loads(searched.body) == {"ids": ["t1"], "metadata": {"owner": "u"}, "limit": 1, "select": ["thread_id"]}


def test_a_thread_found_with_the_filters_is_served() -> None:
    with ScriptedServer(json_answer([{"thread_id": "t1"}]), json_answer({"values": {}})) as upstream:
        mount = _mount(upstream.url, authorize=lambda request, action, resource: Filters({"owner": "u"}))
        answer = mount.handle(_request("GET", "threads/t1/state"))
        assert (answer.status, json.loads(_read(answer))) == (200, {"values": {}})
    assert [each.target for each in upstream.requests] == ["/threads/search", "/threads/t1/state"]


@pytest.mark.parametrize(("made", "owned_after", "served"), [
    (json_answer({"thread_id": "t1"}), None, True),  # new: made, owned
    (status(409, "Conflict", b'{"detail": "exists"}', "application/json"), json_answer([]), False),  # someone else's
    (status(409, "Conflict", b'{"detail": "exists"}', "application/json"),
     json_answer([{"thread_id": "t1"}]), True),  # made meanwhile by this user
])
def test_the_thread_stream_protocol_makes_its_thread_owned(made: Any, owned_after: Any, served: bool) -> None:
    script = [json_answer([]), made, *([owned_after] if owned_after else []), json_answer({"ok": 1})]
    with ScriptedServer(*script) as upstream:
        mount = _mount(upstream.url, authorize=lambda request, action, resource: Filters({"owner": "u"}))
        answer = mount.handle(_request("POST", "threads/t1/commands", b'{"id": 1, "method": "run.start"}'))
        assert answer.status == (200 if served else 404)
        _read(answer)
    assert json.loads(upstream.requests[1].body) == {"thread_id": "t1", "metadata": {"owner": "u"},
                                                     "if_exists": "raise"}
    assert (upstream.requests[-1].target == "/threads/t1/commands") is served


def test_an_id_is_quoted_into_one_path_segment() -> None:
    with ScriptedServer(json_answer({})) as upstream:
        _read(_mount(upstream.url).handle(_request("GET", "threads/a b?c#d/state")))
    assert upstream.requests[0].target == "/threads/a%20b%3Fc%23d/state"


# -- what comes back -------------------------------------------------------------------------------


def test_upstream_headers_are_filtered_and_locations_made_api_paths() -> None:
    def handler(conn: Connection) -> None:
        conn.head(headers={
            "set-cookie": "upstream=1", "content-location": f"{upstream.url}/threads/t/runs/r",
            "location": "/threads/t/runs/r/stream", "x-upstream-secret": "s", "keep-alive": "timeout=5",
            "server": "uvicorn", "x-request-id": "req-1", "content-length": "5",
        }, chunked=True)
        conn.chunk(sse("metadata", {"run_id": "r"}))
        conn.end_chunks()

    with ScriptedServer(handler) as upstream:
        answer = _mount(upstream.url).handle(_request("GET", "threads/t/runs/r/stream"))
        body = _read(answer)
    headers = dict(answer.headers)
    assert answer.streaming and body == sse("metadata", {"run_id": "r"})
    assert headers == {
        "content-type": "text/event-stream; charset=utf-8", "x-request-id": "req-1",
        "content-location": "/threads/t/runs/r", "location": "/threads/t/runs/r/stream",
        "Cache-Control": "no-cache", "X-Accel-Buffering": "no",
    }


def _located(location: str) -> Callable[[Connection], None]:
    return lambda conn: conn.send(f"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\n"
                                  f"location: {location}\r\nconnection: close\r\n\r\n{{}}".encode())


def test_a_location_elsewhere_is_dropped() -> None:
    elsewhere = ("https://elsewhere.example/threads/t", "//elsewhere.example/x", "threads/t")
    with ScriptedServer(*map(_located, elsewhere)) as upstream:
        mount = _mount(upstream.url)
        for _ in elsewhere:
            answer = mount.handle(_request("GET", "threads/t"))
            assert _read(answer) == b"{}"
            assert "location" not in dict(answer.headers)


@pytest.mark.parametrize(("code", "body", "expected", "detail"), [
    (404, b'{"detail": "Thread not found"}', 404, "Thread not found"),
    (422, b'{"detail": [{"loc": ["body"], "msg": "bad"}]}', 422, [{"loc": ["body"], "msg": "bad"}]),
    (409, b"conflict, as text", 409, "conflict, as text"),
    (500, b"", 500, "Internal Server Error"),
    (401, b'{"detail": "Invalid API key"}', 502, "The LangGraph server refused the request"),
    (403, b'{"detail": "Forbidden"}', 502, "The LangGraph server refused the request"),
])
def test_upstream_errors_keep_their_status_with_a_browser_safe_body(
    code: int, body: bytes, expected: int, detail: Any
) -> None:
    with ScriptedServer(status(code, "X", body, "application/json", set_cookie="a=b", x_secret="s")) as upstream:
        answer = _mount(upstream.url).handle(_request("GET", "threads/t"))
        assert (answer.status, _detail(answer)) == (expected, detail)
    assert dict(answer.headers) == {"Content-Type": "application/json", "Cache-Control": "no-store"}


def test_an_error_naming_the_upstream_or_the_key_is_scrubbed() -> None:
    def handler(conn: Connection) -> None:
        detail = json.dumps({"detail": f"cannot reach {upstream.url}/x with key {KEY}"}).encode()
        status(400, "Bad", detail, "application/json")(conn)

    with ScriptedServer(handler) as upstream:
        answer = _mount(upstream.url).handle(_request("GET", "threads/t"))
        assert _detail(answer) == "cannot reach [redacted]/x with key [redacted]"


def test_an_unreachable_server_is_502() -> None:
    with ScriptedServer() as upstream:
        url = upstream.url
    answer = _mount(url).handle(_request("GET", "threads/t"))
    assert (answer.status, _detail(answer)) == (502, "The LangGraph server cannot be reached")


# -- streams ---------------------------------------------------------------------------------------


def _run_stream(events: int, hold: list[Connection]) -> Callable[[Connection], None]:
    """A stream of ``events`` events that then stays open until the mount closes it."""
    def handler(conn: Connection) -> None:
        hold.append(conn)  # before the first byte: the mount may read it at once
        conn.head(headers={"content-location": "/threads/t1/runs/r1"})
        for index in range(events):
            conn.chunk(sse("values", {"i": index}))
        conn.wait_for_client_close()

    return handler


def _chunks_then_close(answer: MountResponse, count: int) -> list[bytes]:
    got = []
    iterator: Iterator[bytes] = iter(answer.body)
    for _ in range(count):
        got.append(next(iterator))
    answer.body.close()  # what a WSGI server does when the browser has left
    return got


@pytest.mark.parametrize(("path", "body", "sent"), [
    ("threads/t1/runs/stream", {"assistant_id": "a"}, {"assistant_id": "a", "on_disconnect": "cancel"}),
    ("runs/wait", {"assistant_id": "a"}, {"assistant_id": "a", "on_disconnect": "cancel"}),
    ("threads/t1/runs/stream", {"assistant_id": "a", "on_disconnect": "continue"},
     {"assistant_id": "a", "on_disconnect": "continue"}),
    ("threads/t1/runs", {"assistant_id": "a"}, {"assistant_id": "a"}),  # a background run outlives its request
])
def test_a_run_a_request_starts_ends_when_the_browser_leaves_unless_asked(
    path: str, body: dict[str, Any], sent: dict[str, Any]
) -> None:
    hold: list[Connection] = []
    with ScriptedServer(_run_stream(1, hold)) as upstream:
        answer = _mount(upstream.url).handle(_request("POST", path, _json_body(body)))
        assert _chunks_then_close(answer, 1) == [sse("values", {"i": 0})]
        # The server sees its connection close: a run sent with on_disconnect="cancel" is cancelled.
        assert hold[0].closed_by_client.wait(5)
    assert json.loads(upstream.requests[0].body) == sent
    assert len(upstream.requests) == 1


def test_leaving_a_joined_stream_closes_the_upstream_connection() -> None:
    hold: list[Connection] = []
    with ScriptedServer(_run_stream(1, hold)) as upstream:
        joined = _request("GET", "threads/t1/runs/r1/stream", query="cancel_on_disconnect=0")
        answer = _mount(upstream.url).handle(joined)
        _chunks_then_close(answer, 1)
        assert hold[0].closed_by_client.wait(5)
    assert upstream.requests[0].target == "/threads/t1/runs/r1/stream?cancel_on_disconnect=0"  # as the browser asked


def test_each_upstream_chunk_is_passed_on_as_it_comes() -> None:
    hold: list[Connection] = []

    def handler(conn: Connection) -> None:
        hold.append(conn)
        conn.head()
        conn.chunk(b": heartbeat\n\n")
        conn.wait_for_client_close()

    with ScriptedServer(handler) as upstream:
        answer = _mount(upstream.url).handle(_request("GET", "threads/t1/runs/r1/stream"))
        # The upstream holds the rest: reading the first chunk must not wait for it.
        assert _chunks_then_close(answer, 1) == [b": heartbeat\n\n"]


def test_a_body_cut_upstream_is_cut_for_the_browser() -> None:
    sent = threading.Event()

    def handler(conn: Connection) -> None:
        conn.head(headers={"content-location": "/threads/t1/runs/r1"})
        conn.chunk(sse("values", {}))
        sent.wait(5)
        conn.reset()

    with ScriptedServer(handler) as upstream:
        answer = _mount(upstream.url).handle(_request("POST", "threads/t1/runs/stream", b'{"assistant_id": "a"}'))
        chunks = iter(answer.body)
        assert next(chunks) == sse("values", {})
        sent.set()
        with pytest.raises(APIConnectionError, match="cut off"):  # the WSGI server then drops the connection
            next(chunks)
        answer.body.close()


# -- the package -----------------------------------------------------------------------------------


def test_importing_the_client_imports_no_mount_and_no_framework() -> None:
    code = ("import sys, stateless_client; print(sorted(m for m in sys.modules "
            "if m.split('.')[0] in ('flask', 'django', 'werkzeug') or m.startswith('stateless_client.contrib')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert done.stdout.strip() == "[]"


def test_the_public_names_are_documented() -> None:
    import stateless_client.contrib
    import stateless_client.contrib.flask

    for module in (stateless_client.contrib, access, stateless_client.contrib.flask):
        assert module.__doc__
    for name in [*access.__all__, *stateless_client.contrib.flask.__all__]:
        value = getattr(access, name, None) or getattr(stateless_client.contrib.flask, name)
        if inspect.isclass(value) or inspect.isfunction(value):
            assert value.__doc__, name
