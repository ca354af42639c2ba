"""The same call through the official SDK and through this client sends the same request (method,
path, query, JSON body) and gives an equal answer: assistants, store and http."""

from __future__ import annotations

import json
import re
from typing import Any, Iterator
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest
import responses
from langgraph_sdk import get_sync_client

from stateless_client import get_client

BASE = "http://wire.test"
ASSISTANT = {"assistant_id": "a", "graph_id": "agent", "config": {}, "context": {}, "metadata": {}, "name": "n",
             "created_at": "2026-11-25T10:48:42+00:00", "updated_at": "2026-11-25T10:48:42+00:00", "version": 1}
ITEM = {"namespace": ["a"], "key": "k", "value": {}, "created_at": "2026-11-25T10:48:42+00:00",
        "updated_at": "2026-11-25T10:48:42+00:00"}

# (method, path) -> (status, JSON answer); None: an empty body.
ANSWERS: list[tuple[str, str, int, Any]] = [
    ("POST", r"/assistants/search", 200, [ASSISTANT]),
    ("POST", r"/assistants/count", 200, 2),
    ("POST", r"/assistants/[^/]+/versions", 200, [{k: v for k, v in ASSISTANT.items() if k != "updated_at"}]),
    ("GET", r"/assistants/[^/]+/graph", 200, {"nodes": [], "edges": []}),
    ("GET", r"/assistants/[^/]+/schemas", 200, {"graph_id": "agent", "state_schema": {}}),
    ("GET", r"/assistants/[^/]+/subgraphs(/.*)?", 200, {"child": {"state_schema": {}}}),
    ("DELETE", r"/assistants/.*", 204, None),
    ("GET|POST|PATCH", r"/assistants.*", 200, ASSISTANT),
    ("GET", r"/store/items", 200, ITEM),
    ("PUT|DELETE", r"/store/items", 204, None),
    ("POST", r"/store/items/search", 200, {"items": [{**ITEM, "score": None}]}),
    ("POST", r"/store/namespaces", 200, {"namespaces": [["a"]]}),
    ("GET|POST|PUT|PATCH", r"/raw.*", 200, {"raw": True}),
    ("DELETE", r"/raw.*", 204, None),
]

CALLS: list[tuple[str, str, tuple[Any, ...], dict[str, Any]]] = [
    ("assistants", "get", ("a/1",), {}),
    ("assistants", "get", ("a",), {"params": {"tenant": "t"}}),
    ("assistants", "get_graph", ("a/1",), {}),
    ("assistants", "get_graph", ("a",), {"xray": True}),
    ("assistants", "get_graph", ("a",), {"xray": 2}),
    ("assistants", "get_graph", ("a",), {"params": {"xray": "1", "extra": "e"}}),
    ("assistants", "get_schemas", ("a/1",), {}),
    ("assistants", "get_subgraphs", ("a",), {}),
    ("assistants", "get_subgraphs", ("a", "ns/1", True), {}),
    ("assistants", "create", ("agent", {"tags": ["t"]}),
     {"context": {"c": 1}, "metadata": {"m": 1}, "assistant_id": "x", "if_exists": "do_nothing", "name": "n",
      "description": "d"}),
    ("assistants", "create", ("agent",), {"metadata": {}, "config": {}, "name": ""}),
    ("assistants", "create", (None,), {}),
    ("assistants", "update", ("a",), {"graph_id": "g", "config": {}, "context": {}, "metadata": {"m": 1},
                                      "name": "n", "description": "d"}),
    ("assistants", "update", ("a",), {"metadata": {}}),
    ("assistants", "delete", ("a/1",), {}),
    ("assistants", "delete", ("a",), {"delete_threads": True}),
    ("assistants", "search", (), {}),
    ("assistants", "search", (), {"metadata": {"m": 1}, "graph_id": "g", "name": "n", "limit": 3, "offset": 1,
                                  "sort_by": "name", "sort_order": "asc"}),
    ("assistants", "search", (), {"select": ["name", "graph_id"]}),
    ("assistants", "count", (), {}),
    ("assistants", "count", (), {"metadata": {"m": 1}, "graph_id": "g", "name": "n"}),
    ("assistants", "get_versions", ("a",), {}),
    ("assistants", "get_versions", ("a", {"m": 1}, 5, 2), {}),
    ("assistants", "set_latest", ("a", 3), {}),
    ("store", "put_item", (["a", "b"], "k", {"x": 1}), {}),
    ("store", "put_item", (("a",), "k", {"x": 1}, ["x"], 5), {}),
    ("store", "put_item", (["a"], "k", {}), {"index": False, "params": {"p": "1"}}),
    ("store", "get_item", (["a", "b"], "k/?&"), {}),
    ("store", "get_item", (["a"], "k"), {"refresh_ttl": False}),
    ("store", "get_item", (["a"], "k"), {"refresh_ttl": True}),
    ("store", "delete_item", (["a", "b"], "k"), {}),
    ("store", "search_items", (["a"],), {}),
    ("store", "search_items", (["a"], {"x": 1}, 3, 1, "q", False), {}),
    ("store", "list_namespaces", (), {}),
    ("store", "list_namespaces", (["a"], ["z"], 2, 5, 1), {}),
    ("http", "get", ("/raw/1",), {"params": {"q": "1"}}),
    ("http", "post", ("/raw",), {"json": {"a": [1, None]}}),
    ("http", "post", ("/raw",), {"json": None}),
    ("http", "put", ("/raw",), {"json": {"a": 1}}),
    ("http", "patch", ("/raw",), {"json": {"a": 1}}),
    ("http", "delete", ("/raw",), {"json": {"k": 1}}),
    ("http", "delete", ("/raw",), {}),
    ("http", "request_reconnect", ("/raw", "POST"), {"json": {"a": 1}}),
]


def _answer(method: str, path: str) -> tuple[int, Any]:
    for methods, pattern, status, body in ANSWERS:
        if method in methods.split("|") and re.fullmatch(pattern, path):
            return status, body
    raise AssertionError(f"no canned answer for {method} {path}")


def _seen(method: str, url: str, body: bytes | None) -> tuple[str, str, list[tuple[str, str]], Any]:
    parts = urlsplit(url)
    return (method, parts.path, sorted(parse_qsl(parts.query, keep_blank_values=True)),
            json.loads(body) if body else None)


@pytest.fixture
def sdk_requests() -> Iterator[tuple[Any, list[Any]]]:
    seen: list[Any] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(_seen(request.method, str(request.url), request.content))
        status, body = _answer(request.method, urlsplit(str(request.url)).path)  # still quoted
        return httpx.Response(status, json=body) if body is not None else httpx.Response(status)

    with get_sync_client(url=BASE, api_key=None) as sdk:
        sdk.http.client._transport = httpx.MockTransport(handle)
        yield sdk, seen


@pytest.fixture
def our_requests() -> Iterator[tuple[Any, list[Any]]]:
    seen: list[Any] = []

    def handle(request: Any) -> tuple[int, dict[str, str], bytes]:
        body = request.body.encode() if isinstance(request.body, str) else request.body
        seen.append(_seen(request.method, request.url, body))
        status, answer = _answer(request.method, urlsplit(request.url).path)
        return status, {"content-type": "application/json"}, b"" if answer is None else json.dumps(answer).encode()

    with responses.RequestsMock(assert_all_requests_are_fired=False) as api, \
            get_client(url=BASE, api_key=None) as ours:
        for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
            api.add_callback(method, re.compile(re.escape(BASE) + ".*"), callback=handle)
        yield ours, seen


@pytest.mark.parametrize(("resource", "method", "args", "kwargs"), CALLS,
                         ids=[f"{r}.{m}-{i}" for i, (r, m, _, _) in enumerate(CALLS)])
def test_same_request_and_answer_as_the_sdk(
    sdk_requests: Any, our_requests: Any, resource: str, method: str, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> None:
    sdk, sdk_seen = sdk_requests
    ours, our_seen = our_requests
    theirs = getattr(getattr(sdk, resource), method)(*args, **kwargs)
    mine = getattr(getattr(ours, resource), method)(*args, **kwargs)
    assert our_seen == sdk_seen and len(our_seen) == 1
    assert mine == theirs


def test_the_same_stream_as_the_sdk(sdk_requests: Any) -> None:
    sdk, sdk_seen = sdk_requests
    body = b'event: metadata\ndata: {"run_id": "r"}\n\nevent: values\ndata: {"a": 1}\nid: 3\n\n'

    def handle(request: httpx.Request) -> httpx.Response:
        sdk_seen.append(_seen(request.method, str(request.url), request.content))
        return httpx.Response(200, content=body, headers={"content-type": "text/event-stream"})

    sdk.http.client._transport = httpx.MockTransport(handle)
    theirs = list(sdk.http.stream("/runs/stream", "POST", json={"assistant_id": "a"}, params={"p": "1"}))
    with responses.RequestsMock() as api, get_client(url=BASE, api_key=None) as ours:
        api.post(f"{BASE}/runs/stream", body=body, content_type="text/event-stream")
        mine = list(ours.http.stream("/runs/stream", "POST", json={"assistant_id": "a"}, params={"p": "1"}))
        request = api.calls[0].request
        assert [_seen(request.method, request.url, request.body)] == sdk_seen
    assert mine == theirs and len(mine) == 2
