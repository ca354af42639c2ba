"""Response hooks (``on_run_created``, ``on_response``) have one path: whatever the hook
raises, the response is closed before the error leaves the call."""

from __future__ import annotations

from typing import Any, Callable

import pytest
import requests

from stateless_client import Client
from stateless_client._http.transport import Transport

from .helpers import BASE, SSE


class HookFailed(Exception):
    """What the caller's hook raises."""


def _raise(*_: Any) -> None:
    raise HookFailed


# name: (method, path, the call)
CALLS: dict[str, tuple[str, str, Callable[[Client], Any]]] = {
    "runs.wait": ("POST", "/runs/wait", lambda client: client.runs.wait(None, "agent", on_run_created=_raise)),
    "runs.stream": ("POST", "/runs/stream", lambda client: client.runs.stream(None, "agent", on_run_created=_raise)),
    "runs.create": ("POST", "/runs", lambda client: client.runs.create(None, "agent", on_run_created=_raise)),
    "http.get": ("GET", "/x", lambda client: client.http.get("/x", on_response=_raise)),
    "http.post": ("POST", "/x", lambda client: client.http.post("/x", json={}, on_response=_raise)),
    "http.delete": ("DELETE", "/x", lambda client: client.http.delete("/x", on_response=_raise)),
    "http.stream": ("POST", "/runs/stream", lambda client: client.http.stream("/runs/stream", "POST", json={},
                                                                            on_response=_raise)),
    "http.request_reconnect": ("POST", "/x", lambda client: client.http.request_reconnect("/x", "POST",
                                                                                        on_response=_raise)),
}


@pytest.mark.parametrize("call", list(CALLS))
def test_a_raising_hook_leaves_no_response_open(
    call: str, api: Any, mock_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[requests.Response] = []
    send = Transport._send

    def recording(self: Transport, *args: Any, **kwargs: Any) -> requests.Response:
        response = send(self, *args, **kwargs)
        opened.append(response)
        return response

    monkeypatch.setattr(Transport, "_send", recording)
    method, path, make_call = CALLS[call]
    headers = {"content-location": "/threads/t1/runs/r1"}
    if path == "/runs/stream":
        api.add(method, f"{BASE}{path}", body=b"event: metadata\ndata: {}\n\n", content_type=SSE, headers=headers)
    else:
        api.add(method, f"{BASE}{path}", json={"run_id": "r1", "thread_id": "t1"}, headers=headers)
    with pytest.raises(HookFailed):
        make_call(mock_client)
    assert len(opened) == 1 and opened[0].raw.closed
