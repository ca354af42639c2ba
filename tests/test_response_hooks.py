"""Response hooks (``on_run_created``, ``on_response``) have one path: whatever the hook
raises, the response is closed before the error leaves the call (served with ``responses``)."""

from __future__ import annotations

from typing import Any, Callable

import pytest
import requests
import responses

from stateless_client import Client, get_client
from stateless_client._http.transport import Transport

BASE = "http://hooks.test"
HEADERS = {"content-location": "/threads/t1/runs/r1"}


class HookFailed(Exception):
    """What the caller's hook raises."""


def _raise(*_: Any) -> None:
    raise HookFailed


CALLS: dict[str, Callable[[Client], Any]] = {
    "runs.wait": lambda client: client.runs.wait(None, "agent", on_run_created=_raise),
    "runs.stream": lambda client: client.runs.stream(None, "agent", on_run_created=_raise),
    "runs.create": lambda client: client.runs.create(None, "agent", on_run_created=_raise),
    "http.get": lambda client: client.http.get("/runs/wait", on_response=_raise),
    "http.post": lambda client: client.http.post("/runs/wait", json={}, on_response=_raise),
    "http.delete": lambda client: client.http.delete("/runs/wait", on_response=_raise),
    "http.stream": lambda client: client.http.stream("/runs/stream", "POST", json={}, on_response=_raise),
    "http.request_reconnect": lambda client: client.http.request_reconnect("/runs/wait", "POST", on_response=_raise),
}


@pytest.mark.parametrize("call", list(CALLS))
def test_a_raising_hook_leaves_no_response_open(call: str, monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[requests.Response] = []
    send = Transport._send

    def recording(self: Transport, *args: Any, **kwargs: Any) -> requests.Response:
        response = send(self, *args, **kwargs)
        opened.append(response)
        return response

    monkeypatch.setattr(Transport, "_send", recording)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as api:
        for method in ("GET", "POST", "DELETE"):
            for path in ("/runs/wait", "/runs"):
                api.add(method, f"{BASE}{path}", json={"run_id": "r1", "thread_id": "t1"}, headers=HEADERS)
        api.post(f"{BASE}/runs/stream", body=b"event: metadata\ndata: {}\n\n", content_type="text/event-stream",
                 headers=HEADERS)
        with pytest.raises(HookFailed):
            CALLS[call](get_client(url=BASE, api_key=None))
    assert opened and all(response.raw.closed for response in opened)
