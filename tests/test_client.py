"""The HTTP shape of each call (method, path, payload, headers), checked with ``responses``."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from responses import matchers

from stateless_client import (
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    Client,
    ConflictError,
    InternalServerError,
    InvalidResponseError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    RunError,
    UnprocessableEntityError,
    get_client,
)

from .helpers import BASE, SSE

RUN = {
    "run_id": "r1",
    "thread_id": "t1",
    "assistant_id": "a1",
    "status": "pending",
    "created_at": "2026-11-21T13:35:55.195870+00:00",
    "updated_at": "2026-11-21T13:35:55Z",
    "metadata": {},
    "multitask_strategy": "enqueue",
    "kwargs": {},
    "field_from_a_newer_server": {"ignored": True},
}
ALL_RUN_PARAMETERS: dict[str, Any] = {
    "input": {"messages": []},
    "command": {"resume": "yes", "goto": None},
    "metadata": {"m": 1},
    "config": {"configurable": {"k": "v"}},
    "context": {"c": 1},
    "checkpoint": {"checkpoint_id": "c1"},
    "checkpoint_id": "c1",
    "interrupt_before": ["a"],
    "interrupt_after": "*",
    "webhook": "https://hooks.example/run",
    "multitask_strategy": "reject",
    "if_not_exists": "create",
    "on_completion": "keep",
    "after_seconds": 3,
    "durability": "sync",
}
STREAM_ONLY = {
    "stream_mode": ["updates", "custom"],
    "stream_subgraphs": True,
    "stream_resumable": True,
    "feedback_keys": ["score"],
    "on_disconnect": "cancel",
}


def _sent(parameters: dict[str, Any]) -> dict[str, Any]:
    """What the server must receive: ``None`` values dropped, ``command`` cleaned."""
    body = {"assistant_id": "agent", **parameters}
    if "command" in body:
        body["command"] = {k: v for k, v in body["command"].items() if v is not None}
    return body


def test_stream_sends_every_parameter_to_the_stateless_endpoint(api: Any, mock_client: Client) -> None:
    parameters = {**ALL_RUN_PARAMETERS, **STREAM_ONLY}
    api.post(
        f"{BASE}/runs/stream",
        body=b"event: metadata\ndata: {\"run_id\": \"r1\"}\n\n",
        content_type=SSE,
        match=[matchers.json_params_matcher(_sent(parameters), strict_match=True),
               matchers.header_matcher({"accept": "text/event-stream"})],
    )
    parts = list(mock_client.runs.stream(None, "agent", **parameters, headers={"x-extra": "1"}))
    assert [(p.event, p.data) for p in parts] == [("metadata", {"run_id": "r1"})]
    assert api.calls[0].request.headers["x-extra"] == "1"


def test_stream_on_a_thread_uses_the_thread_path_and_quotes_ids(api: Any, mock_client: Client) -> None:
    api.post(f"{BASE}/threads/t%2F1/runs/stream", body=b"", content_type=SSE,
             match=[matchers.json_params_matcher({"assistant_id": "agent", "stream_mode": "values",
                                                  "stream_subgraphs": False, "stream_resumable": False},
                                                 strict_match=True)])
    assert list(mock_client.runs.stream("t/1", "agent")) == []


def test_wait_sends_every_parameter_and_tolerates_keepalive_lines(api: Any, mock_client: Client) -> None:
    api.post(
        f"{BASE}/runs/wait",
        body=b"\n\n\r\n{\"messages\": [1]}",
        content_type="application/json",
        match=[matchers.json_params_matcher(_sent(ALL_RUN_PARAMETERS), strict_match=True)],
    )
    assert mock_client.runs.wait(None, "agent", **ALL_RUN_PARAMETERS) == {"messages": [1]}


def test_create_and_batch_send_their_payloads(api: Any, mock_client: Client) -> None:
    parameters = {**ALL_RUN_PARAMETERS, "stream_mode": "values", "stream_resumable": True}
    api.post(f"{BASE}/threads/t1/runs", json=RUN,
             match=[matchers.json_params_matcher(_sent({**parameters, "stream_subgraphs": False}), strict_match=True)])
    api.post(f"{BASE}/runs/batch", json=[RUN, RUN],
             match=[matchers.json_params_matcher([{"assistant_id": "a"}, {"assistant_id": "b", "input": 1}])])
    run = mock_client.runs.create("t1", "agent", **parameters)
    assert (run.run_id, run.thread_id, run.status) == ("r1", "t1", "pending")
    assert run.created_at is not None and run.updated_at is not None and run.updated_at.tzinfo is not None
    batch = mock_client.runs.create_batch([{"assistant_id": "a", "input": None}, {"assistant_id": "b", "input": 1}])
    assert [r.run_id for r in batch] == ["r1", "r1"]


def test_follow_up_calls_use_the_official_paths(api: Any, mock_client: Client) -> None:
    api.get(f"{BASE}/threads/t1/runs/r1", json=RUN)
    api.get(f"{BASE}/threads/t1/runs/r1/join", json={"done": True})
    api.post(f"{BASE}/threads/t1/runs/r1/cancel", body=b"",
             match=[matchers.query_param_matcher({"wait": "1", "action": "rollback"})])
    api.get(f"{BASE}/threads/t1/runs/r1/stream", body=b"data: 1\n\n", content_type=SSE,
            match=[matchers.query_param_matcher({"cancel_on_disconnect": "true", "stream_mode": "custom"}),
                   matchers.header_matcher({"last-event-id": "5-0"})])
    api.post(f"{BASE}/threads", json={"thread_id": "t9"},
             match=[matchers.json_params_matcher({"metadata": {"a": 1}, "if_exists": "do_nothing"})])
    api.get(f"{BASE}/threads/t9", json={"thread_id": "t9", "status": "busy", "future": 1})
    api.delete(f"{BASE}/threads/t9", status=204)

    assert mock_client.runs.get("t1", "r1").run_id == "r1"
    assert mock_client.runs.join("t1", "r1") == {"done": True}
    assert mock_client.runs.cancel("t1", "r1", wait=True, action="rollback") is None
    stream = mock_client.runs.join_stream("t1", "r1", stream_mode="custom", cancel_on_disconnect=True,
                                          last_event_id="5-0")
    assert [p.data for p in stream] == [1]
    assert mock_client.threads.create(metadata={"a": 1}, if_exists="do_nothing").thread_id == "t9"
    assert mock_client.threads.get("t9").status == "busy"
    assert mock_client.threads.delete("t9") is None


@pytest.mark.parametrize(
    ("status", "error_type"),
    [(400, BadRequestError), (401, AuthenticationError), (403, PermissionDeniedError), (404, NotFoundError),
     (409, ConflictError), (422, UnprocessableEntityError), (429, RateLimitError), (500, InternalServerError),
     (503, InternalServerError), (418, APIStatusError)],
)
def test_each_status_maps_to_one_error_type_for_every_call(
    api: Any, mock_client: Client, status: int, error_type: type[APIStatusError]
) -> None:
    for method, url in [("POST", "/runs/wait"), ("POST", "/runs/stream"), ("GET", "/threads/t1")]:
        api.add(method, BASE + url, status=status, json={"detail": f"nope {status}"})
    calls = [lambda: mock_client.runs.wait(None, "a"), lambda: mock_client.runs.stream(None, "a"),
             lambda: mock_client.threads.get("t1")]
    for call in calls:
        with pytest.raises(error_type) as caught:
            call()
        assert type(caught.value) is error_type
        assert caught.value.status_code == status and caught.value.detail == f"nope {status}"
        assert f"-> {status}" in str(caught.value) and f"nope {status}" in str(caught.value)


def test_html_error_page_is_quoted_briefly(api: Any, mock_client: Client) -> None:
    page = "<html><body><h1>502 Bad Gateway</h1>" + "x" * 5000 + "</body></html>"
    api.post(f"{BASE}/runs/wait", status=502, body=page, content_type="text/html")
    with pytest.raises(InternalServerError) as caught:
        mock_client.runs.wait(None, "a")
    assert "502 Bad Gateway" in str(caught.value)
    assert len(str(caught.value)) < 400


def test_non_json_200_body_is_a_typed_error(api: Any, mock_client: Client) -> None:
    api.post(f"{BASE}/runs/wait", body="<html>proxy login</html>", content_type="text/html")
    with pytest.raises(InvalidResponseError, match="proxy login"):
        mock_client.runs.wait(None, "a")


def test_non_sse_stream_response_is_a_typed_error_at_the_call(api: Any, mock_client: Client) -> None:
    api.post(f"{BASE}/runs/stream", body="<html>maintenance</html>", content_type="text/html")
    with pytest.raises(InvalidResponseError) as caught:
        mock_client.runs.stream(None, "a")
    assert "text/html" in str(caught.value) and caught.value.snippet == "<html>maintenance</html>"


def test_wait_error_body_becomes_run_error_with_run_id(api: Any, mock_client: Client) -> None:
    api.post(f"{BASE}/runs/wait", json={"__error__": {"error": "ValueError", "message": "node exploded"}},
             headers={"content-location": "/threads/t1/runs/r1"})
    with pytest.raises(RunError) as caught:
        mock_client.runs.wait(None, "a")
    assert (caught.value.run_id, caught.value.error, caught.value.detail) == ("r1", "ValueError", "node exploded")


@pytest.mark.parametrize(
    ("env", "argument", "expected"),
    [
        ({"LANGGRAPH_API_KEY": "k1", "LANGSMITH_API_KEY": "k2", "LANGCHAIN_API_KEY": "k3"}, None, "k1"),
        ({"LANGSMITH_API_KEY": "k2", "LANGCHAIN_API_KEY": "k3"}, None, "k2"),
        ({"LANGCHAIN_API_KEY": "k3"}, None, "k3"),
        ({"LANGGRAPH_API_KEY": "k1"}, "explicit", "explicit"),
        ({}, None, None),
    ],
)
def test_api_key_resolution(
    api: Any, monkeypatch: pytest.MonkeyPatch, env: dict[str, str], argument: str | None, expected: str | None
) -> None:
    for name in ("LANGGRAPH_API_KEY", "LANGSMITH_API_KEY", "LANGCHAIN_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    api.get(f"{BASE}/threads/t", json={"thread_id": "t"})
    made = get_client(url=BASE, api_key=argument) if argument else get_client(url=BASE)
    made.threads.get("t")
    assert api.calls[0].request.headers.get("x-api-key") == expected


def test_api_key_none_sends_no_key_even_with_env(api: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANGGRAPH_API_KEY", "from-env")
    api.get(f"{BASE}/threads/t", json={"thread_id": "t"})
    get_client(url=BASE, api_key=None).threads.get("t")
    assert "x-api-key" not in api.calls[0].request.headers


def test_the_key_is_in_no_repr_and_no_error_message(api: Any) -> None:
    secret = "sk-very-secret-123"
    made = get_client(url=BASE, api_key=secret, max_retries=0)
    api.post(f"{BASE}/runs/wait", status=401, json={"detail": "bad key"})
    with pytest.raises(AuthenticationError) as caught:
        made.runs.wait(None, "a")
    assert api.calls[0].request.headers["x-api-key"] == secret
    texts = [repr(made), str(made), repr(made._transport), str(caught.value), repr(caught.value)]
    assert all(secret not in text for text in texts)
    assert "'***'" in repr(made)


def test_own_session_is_used_and_never_closed(api: Any) -> None:
    session = requests.Session()
    session.headers["x-from-session"] = "yes"
    closed = []
    session.close = lambda: closed.append(True)  # type: ignore[method-assign]
    api.get(f"{BASE}/threads/t", json={"thread_id": "t"})
    with Client(BASE, api_key=None, session=session) as made:
        made.threads.get("t")
    assert api.calls[0].request.headers["x-from-session"] == "yes"
    assert closed == []


def test_bad_url_is_rejected_early() -> None:
    with pytest.raises(ValueError, match="http"):
        get_client(url="127.0.0.1:2024")
