"""A scripted thread-stream server on a real socket, for the ported SDK thread-stream tests.

The SDK's sync thread-stream tests answer through ``SyncFakeServer`` (an ``httpx.MockTransport``
that only httpx can use). ``ThreadServer`` offers the same scripting surface and answers through
``Served``, so ``langgraph_sdk`` and this client both talk to it over a loopback socket:

- ``POST .../commands``: recorded in ``received_commands`` (headers in
  ``command_request_headers``); answered ``{"type": "success", "id": <the command's id>,
  "result": {"run_id": "run-1"}}`` or what ``script_command_response`` set (with the id).
- ``POST .../stream/events``: body in ``stream_request_bodies``, headers in
  ``stream_request_headers_list``; answered with the next ``StreamScript`` of
  ``script_sequence`` (or, once they are used up, with the events of the last ``script``),
  each event as ``id: <event_id>`` + ``event: message`` + ``data: <json>``, then the body ends.
  ``fail_after=n`` resets the connection after the n-th event; a ``status`` other than 200
  answers that status with a JSON body instead.
- ``GET /assistants/{id}/graph``: ``graph_response`` (``set_graph``); query and headers recorded.
- ``GET .../state``: ``state`` (``set_state``); counted, headers recorded.
- anything else: 404, as the SDK's fake does (it models no ``/runs``).

Like the SDK's fake, the server ignores ``since`` and the channel filter: every stream gets its
script's events, in order, and the body ends after the last one (a real server keeps a thread's
stream open).

The event builders below (``values_event``, ``message_start_event``...) take the arguments the
SDK's ``tests/streaming/_events.py`` builders take, and build the same wire events.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from typing import Any, Callable, Iterator

import httpx

from .served import Served

__all__ = ["StreamScript", "ThreadServer", "bounded"]


@dataclass
class StreamScript:
    """What one ``/stream/events`` request gets (``SyncStreamScript`` in the SDK's tests)."""

    events: list[dict[str, Any]]
    fail_after: int | None = None
    status: int = 200


class _ScriptedBody(httpx.SyncByteStream):
    def __init__(self, script: StreamScript) -> None:
        self._script = script

    def __iter__(self) -> Iterator[bytes]:
        for count, event in enumerate(self._script.events, start=1):
            data = json.dumps(event, separators=(",", ":"))
            yield f"id: {event.get('event_id', '')}\nevent: message\ndata: {data}\n\n".encode()
            if self._script.fail_after is not None and count >= self._script.fail_after:
                raise httpx.ReadError("scripted sync stream failure")  # Served resets the connection


class ThreadServer:
    """``with ThreadServer() as fake: get_sync_client(url=fake.url)``: the scripted server.

    ``intercept``, when set, is called with each ``httpx.Request`` before it is answered (it may
    block, to order the client's requests); a subclass may override ``handle`` instead.
    """

    def __init__(self) -> None:
        self.received_commands: list[dict[str, Any]] = []
        self.stream_request_bodies: list[dict[str, Any]] = []
        self.command_request_headers: list[dict[str, str]] = []
        self.stream_request_headers_list: list[dict[str, str]] = []
        self.state_request_headers: list[dict[str, str]] = []
        self.state_request_count = 0
        self.graph_request_params: list[dict[str, str]] = []
        self.graph_request_headers: list[dict[str, str]] = []
        self.scripted_events: list[dict[str, Any]] = []
        self.state: dict[str, Any] = {}
        self.graph_response: dict[str, Any] = {
            "nodes": [{"id": "agent", "type": "runnable", "data": {"name": "agent"}}],
            "edges": [],
        }
        self.intercept: Callable[[httpx.Request], None] | None = None
        self._scripts: list[StreamScript] = []
        self._command_response: dict[str, Any] | None = None
        self._lock = threading.Lock()
        self._served = Served(self._dispatch)
        self.url = self._served.url

    # -- scripting (the SDK fake's names) ------------------------------------------------------

    def script(self, events: list[dict[str, Any]], *, fail_after: int | None = None) -> None:
        """Every stream request answers ``events`` (the first one may fail after ``fail_after``)."""
        self.scripted_events = list(events)
        self._scripts = [StreamScript(list(events), fail_after=fail_after)]

    def script_sequence(self, scripts: list[StreamScript]) -> None:
        """The next stream requests answer ``scripts`` in order; later ones get no events."""
        self._scripts = list(scripts)
        self.scripted_events = []

    def set_graph(self, graph: dict[str, Any]) -> None:
        self.graph_response = dict(graph)

    def script_command_response(self, response: dict[str, Any]) -> None:
        """Answer every command with ``response`` (its ``id`` set to the command's)."""
        self._command_response = dict(response)

    def set_state(
        self, values: dict[str, Any], next: list[Any] | None = None, metadata: dict[str, Any] | None = None
    ) -> None:
        self.state = {
            "values": values,
            "next": next if next is not None else [],
            "tasks": [],
            "metadata": metadata if metadata is not None else {},
            "checkpoint": None,
            "created_at": None,
        }

    @property
    def requests(self) -> list[httpx.Request]:
        """Every request received, in order."""
        return self._served.requests

    # -- serving -------------------------------------------------------------------------------

    def __enter__(self) -> ThreadServer:
        self._served.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._served.__exit__(*exc)

    def _dispatch(self, request: httpx.Request) -> httpx.Response:
        if self.intercept is not None:
            self.intercept(request)
        return self.handle(request)

    def handle(self, request: httpx.Request) -> httpx.Response:
        """Answer one request (see the module docstring)."""
        path = request.url.path
        headers = dict(request.headers)
        if request.method == "POST" and path.endswith("/commands"):
            body = json.loads(request.content)
            with self._lock:
                self.received_commands.append(body)
                self.command_request_headers.append(headers)
            answer = (dict(self._command_response) if self._command_response is not None
                      else {"type": "success", "result": {"run_id": "run-1"}})
            answer["id"] = body.get("id")
            return httpx.Response(200, json=answer)
        if request.method == "POST" and path.endswith("/stream/events"):
            with self._lock:
                self.stream_request_bodies.append(json.loads(request.content))
                self.stream_request_headers_list.append(headers)
                script = self._scripts.pop(0) if self._scripts else StreamScript(list(self.scripted_events))
            if script.status != 200:
                return httpx.Response(script.status, json={"detail": "scripted"})
            return httpx.Response(200, headers={"content-type": "text/event-stream"}, stream=_ScriptedBody(script))
        if request.method == "GET" and path.endswith("/graph") and "/assistants/" in path:
            with self._lock:
                self.graph_request_params.append(dict(request.url.params))
                self.graph_request_headers.append(headers)
            return httpx.Response(200, json=self.graph_response)
        if request.method == "GET" and path.endswith("/state"):
            with self._lock:
                self.state_request_count += 1
                self.state_request_headers.append(headers)
            return httpx.Response(200, json=self.state)
        return httpx.Response(404, json={"error": f"unexpected path: {path}"})


def bounded(read: Callable[[], Any], timeout: float = 10.0) -> Any:
    """``read()`` in a daemon thread, waited for at most ``timeout`` seconds: a read that would
    block forever fails the test with ``TimeoutError`` instead of hanging it. Whatever ``read``
    raises is raised here."""
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["value"] = read()
        except BaseException as exc:  # handed to the caller
            outcome["error"] = exc

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        raise TimeoutError(f"still blocked after {timeout} s")
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


# -- event builders: the SDK tests' ``_events.py`` arguments, the protocol's wire events ---------


def _event(seq: int, method: str, namespace: list[str] | None, data: Any) -> dict[str, Any]:
    return {"type": "event", "method": method, "params": {"namespace": namespace or [], "data": data},
            "seq": seq, "event_id": f"evt-{seq}"}


def lifecycle_event(seq: int = 0, namespace: list[str] | None = None, **data: Any) -> dict[str, Any]:
    """A lifecycle event; ``phase=`` is the fixtures' old name for ``event=``, ``"errored"`` for ``"failed"``."""
    payload = dict(data) or {"event": "started"}
    if "phase" in payload and "event" not in payload:
        payload["event"] = payload.pop("phase")
    if payload.get("event") == "errored":
        payload["event"] = "failed"
    return _event(seq, "lifecycle", namespace, payload)


def lifecycle_started_event(seq: int = 0, namespace: list[str] | None = None) -> dict[str, Any]:
    return _event(seq, "lifecycle", namespace, {"event": "started"})


def lifecycle_completed_event(seq: int = 0, namespace: list[str] | None = None) -> dict[str, Any]:
    return _event(seq, "lifecycle", namespace, {"event": "completed"})


def lifecycle_errored_event(
    seq: int = 0, namespace: list[str] | None = None, error: str = "run errored"
) -> dict[str, Any]:
    return _event(seq, "lifecycle", namespace, {"event": "failed", "error": error})


def thread_stream_failed_frame() -> dict[str, Any]:
    """The error frame the server sends before it closes a stream whose read failed."""
    return {"type": "error", "id": None, "error": "unknown_error", "message": "Thread event stream failed."}


def values_event(seq: int = 0, namespace: list[str] | None = None, **data: Any) -> dict[str, Any]:
    return _event(seq, "values", namespace, data or {"values": {}})


def updates_event(seq: int = 0, namespace: list[str] | None = None, **data: Any) -> dict[str, Any]:
    return _event(seq, "updates", namespace, data or {})


def checkpoints_event(seq: int = 0, namespace: list[str] | None = None, **data: Any) -> dict[str, Any]:
    return _event(seq, "checkpoints", namespace, data or {})


def custom_event(seq: int = 0, name: str = "ext", namespace: list[str] | None = None, **data: Any) -> dict[str, Any]:
    return _event(seq, "custom", namespace, {"name": name, **data} if name else dict(data))


def input_requested_event(seq: int = 0, namespace: list[str] | None = None) -> dict[str, Any]:
    return _event(seq, "input.requested", namespace, {"interrupt_id": "i-1"})


def message_start_event(
    seq: int = 0, namespace: list[str] | None = None, *, message_id: str = "msg-1", role: str = "ai",
    run_id: str | None = None, node: str = "agent",
) -> dict[str, Any]:
    metadata: dict[str, Any] = {"langgraph_node": node}
    if run_id is not None:
        metadata["run_id"] = run_id
    return _event(seq, "messages", namespace,
                  {"event": "message-start", "id": message_id, "role": role, "metadata": metadata})


def _with_id(data: dict[str, Any], message_id: str | None) -> dict[str, Any]:
    if message_id is not None:
        data["id"] = message_id
    return data


def message_text_delta_event(
    seq: int = 0, namespace: list[str] | None = None, *, text: str, index: int = 0, message_id: str | None = None
) -> dict[str, Any]:
    data = {"event": "content-block-delta", "index": index, "delta": {"type": "text-delta", "text": text}}
    return _event(seq, "messages", namespace, _with_id(data, message_id))


def message_text_finish_event(
    seq: int = 0, namespace: list[str] | None = None, *, text: str, index: int = 0, message_id: str | None = None
) -> dict[str, Any]:
    data = {"event": "content-block-finish", "index": index, "content": {"type": "text", "text": text}}
    return _event(seq, "messages", namespace, _with_id(data, message_id))


def message_finish_event(
    seq: int = 0, namespace: list[str] | None = None, *, input_tokens: int = 1, output_tokens: int = 1,
    message_id: str | None = None,
) -> dict[str, Any]:
    usage = {"input_tokens": input_tokens, "output_tokens": output_tokens,
             "total_tokens": input_tokens + output_tokens}
    return _event(seq, "messages", namespace, _with_id({"event": "message-finish", "usage": usage}, message_id))


def message_error_event(
    seq: int = 0, namespace: list[str] | None = None, *, message: str = "model failed",
    code: str = "provider_error", message_id: str | None = None,
) -> dict[str, Any]:
    data = {"event": "error", "message": message, "code": code}
    return _event(seq, "messages", namespace, _with_id(data, message_id))


def tool_started_event(
    seq: int = 0, namespace: list[str] | None = None, *, tool_call_id: str = "call-1", tool_name: str = "search",
    input: Any = None,
) -> dict[str, Any]:
    data: dict[str, Any] = {"event": "tool-started", "tool_call_id": tool_call_id, "tool_name": tool_name}
    if input is not None:
        data["input"] = input
    return _event(seq, "tools", namespace, data)


def tool_output_delta_event(
    seq: int = 0, namespace: list[str] | None = None, *, tool_call_id: str = "call-1", delta: str = ""
) -> dict[str, Any]:
    return _event(seq, "tools", namespace,
                  {"event": "tool-output-delta", "tool_call_id": tool_call_id, "delta": delta})


def tool_finished_event(
    seq: int = 0, namespace: list[str] | None = None, *, tool_call_id: str = "call-1", output: Any = None
) -> dict[str, Any]:
    return _event(seq, "tools", namespace, {"event": "tool-finished", "tool_call_id": tool_call_id, "output": output})


def tool_error_event(
    seq: int = 0, namespace: list[str] | None = None, *, tool_call_id: str = "call-1", message: str = "tool failed",
    code: str = "tool_error",
) -> dict[str, Any]:
    return _event(seq, "tools", namespace,
                  {"event": "tool-error", "tool_call_id": tool_call_id, "message": message, "code": code})


def tasks_start_event(
    seq: int = 0, namespace: list[str] | None = None, *, task_id: str = "task-1", name: str = "node", input: Any = None
) -> dict[str, Any]:
    return _event(seq, "tasks", namespace, {"id": task_id, "name": name, "input": input, "triggers": []})


def tasks_result_event(
    seq: int = 0, namespace: list[str] | None = None, *, task_id: str = "task-1", name: str = "node",
    result: Any = None, error: str | None = None, interrupts: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    return _event(seq, "tasks", namespace, {"id": task_id, "name": name, "result": result if result is not None else {},
                                            "error": error, "interrupts": interrupts or []})
