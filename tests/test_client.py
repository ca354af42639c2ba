"""The ``Client`` itself, against the mocked API (``api``): one error type per HTTP status for every
call, error pages and bodies that are not JSON, where the API key comes from (and that it is shown
nowhere), a session of your own, and the URL check. What each call sends is in the resource's
module (``test_runs.py``, ``test_threads.py``, ...)."""

from __future__ import annotations

from typing import Any

import pytest
import requests

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
    UnprocessableEntityError,
    get_client,
)

from .helpers import BASE, SECRET


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


def test_an_error_carries_the_sdks_request_id_code_param_and_type(api: Any, mock_client: Client) -> None:
    body = {"detail": "bad", "code": "invalid_value", "param": "input", "type": "validation_error"}
    api.post(f"{BASE}/runs/wait", status=422, json=body, headers={"X-Request-ID": "req-7"})
    with pytest.raises(UnprocessableEntityError) as caught:
        mock_client.runs.wait(None, "a")
    error = caught.value
    assert (error.request_id, error.code, error.param, error.type) == ("req-7", "invalid_value", "input",
                                                                      "validation_error")
    assert SECRET not in repr(vars(error))


@pytest.mark.parametrize("body", [{"detail": "x", "code": 7, "type": ["t"]}, "plain text", None])
def test_an_error_without_those_fields_has_none(api: Any, mock_client: Client, body: Any) -> None:
    if isinstance(body, dict):
        api.get(f"{BASE}/threads/t1", status=404, json=body)
    else:
        api.get(f"{BASE}/threads/t1", status=404, body=body or b"")
    with pytest.raises(NotFoundError) as caught:
        mock_client.threads.get("t1")
    error = caught.value
    assert (error.request_id, error.code, error.param, error.type) == (None, None, None, None)


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
