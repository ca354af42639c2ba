"""``client.http``: the SDK's ``SyncHttpClient`` methods over this client's transport: wire shape
(``responses``), reconnection over real sockets, and every method against the real server."""

from __future__ import annotations

import logging
from typing import Any

import pytest
import requests
from responses import matchers

from stateless_client import (
    APIConnectionError,
    APIError,
    Client,
    InternalServerError,
    InvalidResponseError,
    NotFoundError,
    RunStream,
    StreamPart,
)
from stateless_client._dev.local_server import LocalServer

from .helpers import BASE, SECRET, SSE
from .loopback import Connection, CuttingProxy, ScriptedServer, json_answer

# -- wire shape ----------------------------------------------------------------------------------


def test_get_sends_params_headers_and_the_key_and_decodes_json(api: Any, mock_client: Client) -> None:
    api.get(f"{BASE}/things/1", json={"a": [1]},
            match=[matchers.query_param_matcher({"q": "x"}),
                   matchers.header_matcher({"x-extra": "1", "x-api-key": SECRET})])
    seen: list[requests.Response] = []
    assert mock_client.http.get("/things/1", params={"q": "x"}, headers={"x-extra": "1"}, on_response=seen.append) == {
        "a": [1]}
    assert len(seen) == 1 and seen[0].status_code == 200 and isinstance(seen[0], requests.Response)


@pytest.mark.parametrize("verb", ["post", "put", "patch"])
def test_writes_send_their_json(api: Any, mock_client: Client, verb: str) -> None:
    api.add(verb.upper(), f"{BASE}/things", json={"ok": True},
            match=[matchers.json_params_matcher({"a": 1, "b": [None]}, strict_match=True),
                   matchers.header_matcher({"content-type": "application/json"})])
    assert getattr(mock_client.http, verb)("/things", json={"a": 1, "b": [None]}) == {"ok": True}


def test_post_without_json_sends_no_body(api: Any, mock_client: Client) -> None:
    api.post(f"{BASE}/things/cancel", status=204)
    assert mock_client.http.post("/things/cancel", json=None) is None
    request = api.calls[0].request
    assert not request.body and "content-type" not in request.headers


def test_an_empty_answer_is_none(api: Any, mock_client: Client) -> None:
    api.put(f"{BASE}/store/items", status=204)
    assert mock_client.http.put("/store/items", json={"k": 1}) is None


def test_delete_with_and_without_a_body(api: Any, mock_client: Client) -> None:
    api.delete(f"{BASE}/things", status=204, match=[matchers.json_params_matcher({"key": "k"}, strict_match=True)])
    api.delete(f"{BASE}/things/1", json={"ignored": True}, match=[matchers.query_param_matcher({"p": "1"})])
    seen: list[int] = []
    assert mock_client.http.delete("/things", json={"key": "k"},
                                   on_response=lambda r: seen.append(r.status_code)) is None
    assert mock_client.http.delete("/things/1", params={"p": "1"}) is None
    assert seen == [204] and not api.calls[1].request.body


def test_errors_are_typed_and_name_the_servers_detail(api: Any, mock_client: Client) -> None:
    api.get(f"{BASE}/assistants/nope", status=404, json={"detail": "Assistant not found"})
    with pytest.raises(NotFoundError, match="Assistant not found") as caught:
        mock_client.http.get("/assistants/nope")
    assert caught.value.status_code == 404 and SECRET not in str(caught.value)


def test_retries_follow_the_method(api: Any, mock_client: Client) -> None:
    api.get(f"{BASE}/things", status=503)
    api.get(f"{BASE}/things", json=1)
    api.post(f"{BASE}/things", status=503)
    assert mock_client.http.get("/things") == 1
    with pytest.raises(InternalServerError):
        mock_client.http.post("/things", json={})
    assert [call.request.method for call in api.calls] == ["GET", "GET", "POST"]


def test_another_origin_is_refused_before_any_request(api: Any, mock_client: Client) -> None:
    api.get(f"{BASE}/same", json=1)
    assert mock_client.http.get(f"{BASE}/same") == 1  # an absolute URL on the client's origin is fine
    for call in (lambda: mock_client.http.get("http://elsewhere.test/steal"),
                 lambda: mock_client.http.stream("http://elsewhere.test/steal", "GET"),
                 lambda: mock_client.http.request_reconnect("https://api.test/x", "GET")):  # the same host, over https
        with pytest.raises(APIError, match="another origin"):
            call()
    assert len(api.calls) == 1


def test_stream_sends_the_sdks_headers_and_yields_stream_parts(api: Any, mock_client: Client) -> None:
    body = b'event: metadata\ndata: {"run_id": "r1"}\n\nevent: values\ndata: {"a": 1}\nid: 7\n\n'
    api.post(f"{BASE}/runs/stream", body=body, content_type=SSE,
             match=[matchers.json_params_matcher({"assistant_id": "agent"}, strict_match=True),
                    matchers.header_matcher({"accept": "text/event-stream", "cache-control": "no-store",
                                             "x-api-key": SECRET}),
                    matchers.query_param_matcher({"p": "1"})])
    seen: list[requests.Response] = []
    stream = mock_client.http.stream("/runs/stream", "POST", json={"assistant_id": "agent"}, params={"p": "1"},
                                     on_response=seen.append)
    assert isinstance(stream, RunStream) and len(seen) == 1
    assert list(stream) == [StreamPart("metadata", {"run_id": "r1"}), StreamPart("values", {"a": 1}, "7")]


def test_stream_yields_an_end_event_as_the_sdk_does(api: Any, mock_client: Client) -> None:
    api.get(f"{BASE}/s", body=b'event: values\ndata: {"a": 1}\n\nevent: end\ndata:\n\n', content_type=SSE)
    assert list(mock_client.http.stream("/s", "GET")) == [StreamPart("values", {"a": 1}), StreamPart("end", None)]


def test_stream_lets_the_caller_override_cache_control(api: Any, mock_client: Client) -> None:
    api.get(f"{BASE}/s", body=b"", content_type=SSE, match=[matchers.header_matcher({"Cache-Control": "max-age=1"})])
    assert list(mock_client.http.stream("/s", "get", headers={"Cache-Control": "max-age=1"})) == []
    assert api.calls[0].request.method == "GET" and not api.calls[0].request.body


def test_stream_of_something_else_is_a_typed_error(api: Any, mock_client: Client) -> None:
    api.get(f"{BASE}/s", json={"not": "events"})
    with pytest.raises(InvalidResponseError, match="event stream"):
        mock_client.http.stream("/s", "GET")


def test_request_reconnect_without_a_drop_reads_the_answer(api: Any, mock_client: Client) -> None:
    api.post(f"{BASE}/runs/wait", json={"done": True}, headers={"location": "/threads/t/runs/r/join"},
             match=[matchers.json_params_matcher({"assistant_id": "agent"}, strict_match=True)])
    seen: list[str | None] = []
    answer = mock_client.http.request_reconnect("/runs/wait", "POST", json={"assistant_id": "agent"},
                                                on_response=lambda r: seen.append(r.headers.get("location")))
    assert answer == {"done": True} and seen == ["/threads/t/runs/r/join"] and len(api.calls) == 1


# -- reconnection over real sockets --------------------------------------------------------------


def _cut_json(location: str | None) -> Any:
    def handler(conn: Connection) -> None:
        conn.head(headers={"content-type": "application/json", **({"location": location} if location else {})})
        conn.chunk(b'{"partial": ')
        conn.reset()

    return handler


def test_request_reconnect_reads_a_cut_answer_from_the_location(
    make_client: Any, sleeps: list[float], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="stateless_client")
    with ScriptedServer(_cut_json("/threads/t/runs/r/join"), json_answer({"final": 1}, "503 Busy"),
                        json_answer({"final": 1})) as server:
        client = make_client(server.url, api_key=SECRET)
        answer = client.http.request_reconnect("/threads/t/runs/wait", "POST", json={"assistant_id": "agent"},
                                               headers={"x-extra": "1"}, params={"p": "1"})
    assert answer == {"final": 1} and len(sleeps) == 2
    assert sum("reading it from /threads/t/runs/r/join" in message for message in caplog.messages) == 2
    first, *reconnects = server.requests
    assert (first.method, first.target) == ("POST", "/threads/t/runs/wait?p=1")
    for request in reconnects:  # the caller's headers and key, no body, no query
        assert (request.method, request.target, request.body) == ("GET", "/threads/t/runs/r/join", b"")
        assert request.headers["x-extra"] == "1" and request.headers["x-api-key"] == SECRET


def test_runs_wait_reads_a_cut_answer_from_the_location(make_client: Any, sleeps: list[float]) -> None:
    """runs.wait reconnects as request_reconnect does (the SDK's runs.wait does): a bodyless GET
    of the Location, after a retried 503, backing off 1 s and more as the SDK does."""
    with ScriptedServer(_cut_json("/threads/t/runs/r/join"), json_answer({}, "503 Busy"),
                        json_answer({"final": 1})) as server:
        client = make_client(server.url)
        assert client.runs.wait("t", "agent", input={}) == {"final": 1}
    assert [(r.method, r.target, r.body) for r in server.requests[1:]] == [("GET", "/threads/t/runs/r/join", b"")] * 2
    assert len(sleeps) == 2 and 1 <= sleeps[0] <= 1.25 and 2 <= sleeps[1] <= 2.5


def test_runs_wait_without_a_location_raises_the_drop(make_client: Any) -> None:
    with ScriptedServer(_cut_json(None)) as server:
        client = make_client(server.url)
        with pytest.raises(APIConnectionError):
            client.runs.wait("t", "agent", input={})
    assert len(server.requests) == 1


def test_request_reconnect_gives_up_after_reconnect_limit(make_client: Any, sleeps: list[float]) -> None:
    with ScriptedServer(_cut_json("/join"), json_answer({}, "502 Bad Gateway"),
                        json_answer({}, "502 Bad Gateway")) as server:
        client = make_client(server.url)
        with pytest.raises(InternalServerError):
            client.http.request_reconnect("/wait", "POST", json={}, reconnect_limit=2)
    assert len(server.requests) == 3 and len(sleeps) == 2


def test_request_reconnect_stops_at_a_client_error(make_client: Any) -> None:
    with ScriptedServer(_cut_json("/join"), json_answer({"detail": "gone"}, "404 Not Found")) as server:
        client = make_client(server.url)
        with pytest.raises(NotFoundError, match="gone"):
            client.http.request_reconnect("/wait", "POST", json={})
    assert len(server.requests) == 2


@pytest.mark.parametrize(("location", "limit"), [(None, 5), ("/join", 0)])
def test_request_reconnect_without_a_location_or_attempts_raises_the_drop(
    make_client: Any, location: str | None, limit: int
) -> None:
    with ScriptedServer(_cut_json(location)) as server:
        client = make_client(server.url)
        with pytest.raises(APIConnectionError):
            client.http.request_reconnect("/wait", "POST", json={}, reconnect_limit=limit)
    assert len(server.requests) == 1


def test_request_reconnect_never_follows_a_location_on_another_origin(make_client: Any) -> None:
    with ScriptedServer(_cut_json("http://elsewhere.test/join")) as server:
        client = make_client(server.url)
        with pytest.raises(APIError, match="another origin"):
            client.http.request_reconnect("/wait", "POST", json={})
    assert len(server.requests) == 1


# -- the real server -----------------------------------------------------------------------------


def test_every_verb_against_the_real_server(client: Client) -> None:
    assert client.http.get("/ok")["ok"] is True
    made = client.http.post("/assistants", json={"graph_id": "agent", "name": "raw"})
    path = f"/assistants/{made['assistant_id']}"
    assert client.http.get(path)["name"] == "raw"
    assert client.http.patch(path, json={"name": "patched"})["version"] == 2

    headers: list[Any] = []
    found = client.http.post("/assistants/search", json={"limit": 1, "offset": 0},
                             on_response=lambda r: headers.append(r.headers))
    assert len(found) == 1 and int(headers[0]["x-pagination-total"]) >= 2

    assert client.http.put("/store/items", json={"namespace": ["raw-http"], "key": "k", "value": {"v": 1}}) is None
    assert client.http.get("/store/items", params={"namespace": "raw-http", "key": "k"})["value"] == {"v": 1}
    assert client.http.delete("/store/items", json={"namespace": ["raw-http"], "key": "k"}) is None
    assert client.http.get("/store/items", params={"namespace": "raw-http", "key": "k"}) is None

    assert client.http.delete(path) is None
    with pytest.raises(NotFoundError):
        client.http.get(path)


def test_stream_and_request_reconnect_against_the_real_server(client: Client, seed_input: dict[str, Any]) -> None:
    with client.http.stream("/runs/stream", "POST",
                            json={"assistant_id": "agent", "input": seed_input, "stream_mode": "updates"}) as stream:
        parts = list(stream)
    assert [part.event for part in parts] == ["metadata", "updates"] and stream.run_id == parts[0].data["run_id"]
    state = client.http.request_reconnect("/runs/wait", "POST", json={"assistant_id": "agent", "input": seed_input})
    assert state["messages"][-1]["content"] == "echo: " + seed_input["messages"][0]["content"]


def test_stream_resumes_and_request_reconnect_rereads_through_a_cutting_proxy(
    server: LocalServer, make_client: Any, sleeps: list[float]
) -> None:
    with CuttingProxy(server.url, cut_at=b'"i":2') as proxy:
        client = make_client(proxy.url)
        thread = client.threads.create()
        stream = client.http.stream(f"/threads/{thread.thread_id}/runs/stream", "POST",
                                    json={"assistant_id": "slow", "input": {"n": 5, "delay": 0.05},
                                          "stream_mode": "custom", "stream_resumable": True})
        counted = [part.data["i"] for part in stream if part.event == "custom"]
    assert counted == [0, 1, 2, 3, 4] and proxy.cuts == 1 and stream.response.request.method == "GET"

    sleeps.clear()  # only the second client's
    with CuttingProxy(server.url, cut_at=b'"out"') as proxy:
        client = make_client(proxy.url)
        thread = client.threads.create()
        state = client.http.request_reconnect(f"/threads/{thread.thread_id}/runs/wait", "POST",
                                              json={"assistant_id": "slow", "input": {"n": 3, "delay": 0.01}})
    assert state["out"] == [0, 1, 2] and proxy.cuts == 1 and len(sleeps) == 1
