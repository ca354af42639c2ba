"""``client.runs``: create, stream, wait for, follow and cancel runs, stateless or on a thread."""

from __future__ import annotations

import re
from typing import Any, Literal, Mapping, Sequence

import requests

from ._config import NOT_GIVEN, NotGiven, TimeoutArg
from ._exceptions import RunError
from ._models import Run, parse_model
from ._streaming import RunStream, check_event_stream, open_run_stream
from ._transport import Transport, drop_none, path, status_error

__all__ = ["Runs"]

StreamMode = Literal[
    "values", "updates", "messages", "messages-tuple", "custom", "events", "debug", "tasks", "checkpoints"
]
All = Literal["*"]
# Parameters of the run methods that are options of the call, not fields of the run.
_CALL_OPTIONS = frozenset({"self", "thread_id", "headers", "timeout", "max_retries", "raise_error"})
_REPORTED_STATUS = re.compile(r"^([1-5]\d\d): ?(.*)$", re.DOTALL)


def _runs_path(thread_id: str | None, *tail: str) -> str:
    """``/runs/...`` for a stateless run, ``/threads/{id}/runs/...`` for a thread's run."""
    base = "/runs" if thread_id is None else path("threads", thread_id) + "/runs"
    return base + path(*tail)


def _run_payload(arguments: Mapping[str, Any]) -> dict[str, Any]:
    """The JSON body of a run from a run method's ``locals()``.

    Every parameter of ``stream``, ``wait`` and ``create`` other than the call options is a
    field of the API's run payload under the same name, so a parameter added to a signature
    is sent without a second list to keep in step. ``None`` values are dropped so the
    server's defaults apply; so are ``None`` fields of ``command``.
    """
    payload = drop_none({key: value for key, value in arguments.items() if key not in _CALL_OPTIONS})
    if payload.get("command"):
        payload["command"] = drop_none(payload["command"])
    else:
        payload.pop("command", None)
    return payload


class Runs:
    """Runs of a deployed graph. Pass ``None`` as ``thread_id`` for a stateless run.

    Reached as ``client.runs``; all methods block until the server has answered.
    """

    def __init__(self, transport: Transport) -> None:
        self._transport = transport

    def stream(
        self,
        thread_id: str | None,
        assistant_id: str,
        *,
        input: Any = None,
        command: Mapping[str, Any] | None = None,
        stream_mode: StreamMode | Sequence[StreamMode] = "values",
        stream_subgraphs: bool | None = None,
        stream_resumable: bool | None = None,
        metadata: Mapping[str, Any] | None = None,
        config: Mapping[str, Any] | None = None,
        context: Mapping[str, Any] | None = None,
        checkpoint: Mapping[str, Any] | None = None,
        checkpoint_id: str | None = None,
        interrupt_before: All | Sequence[str] | None = None,
        interrupt_after: All | Sequence[str] | None = None,
        feedback_keys: Sequence[str] | None = None,
        on_disconnect: Literal["cancel", "continue"] | None = None,
        on_completion: Literal["delete", "keep"] | None = None,
        if_not_exists: Literal["create", "reject"] | None = None,
        webhook: str | None = None,
        multitask_strategy: Literal["reject", "interrupt", "rollback", "enqueue"] | None = None,
        after_seconds: int | None = None,
        durability: Literal["sync", "async", "exit"] | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> RunStream:
        """Start a run and stream its events.

        ``None`` as ``thread_id`` makes a stateless run (``POST /runs/stream``); a thread ID
        runs on that thread (``POST /threads/{thread_id}/runs/stream``). Parameters left as
        ``None`` are not sent, so the server's defaults apply.

        Args:
            thread_id: the thread to run on, or ``None`` for a stateless run.
            assistant_id: an assistant ID or a graph name, e.g. ``"agent"``.
            input: the graph's input.
            command: a ``Command`` as a dict, e.g. ``{"resume": "yes"}`` after an interrupt.
            stream_mode: one mode or a list of modes.
            stream_subgraphs: also stream events from subgraphs (``"updates|child:..."``).
            stream_resumable: let a dropped stream be resumed (``RunStream`` does it itself).
            metadata, config, context: passed to the run.
            checkpoint, checkpoint_id: the checkpoint of the thread to start from.
            interrupt_before, interrupt_after: node names, or ``"*"`` for all.
            feedback_keys: LangSmith feedback keys for the run.
            on_disconnect: ``"cancel"`` stops the run when the stream's connection closes.
            on_completion: ``"delete"`` or ``"keep"`` a stateless run's temporary thread.
            if_not_exists: ``"create"`` a missing thread instead of rejecting the run.
            webhook: a URL the server calls when the run ends.
            multitask_strategy: what to do when the thread is busy.
            after_seconds: start the run this many seconds later.
            durability: when checkpoints are written: ``"sync"``, ``"async"`` or ``"exit"``.
            headers: extra HTTP headers for this request.
            timeout: overrides the client's timeout for this call (``None``: wait forever).
            max_retries: overrides the client's retry count for this call.

        Returns:
            A ``RunStream`` of ``StreamPart``; the HTTP status was already checked.

        Raises:
            APIStatusError: the server refused the run (404, 409, 422, ...).
            APIConnectionError: the server could not be reached.
            InvalidResponseError: the answer was not an event stream.

        Example:
            >>> for part in client.runs.stream(None, "agent", input=data, stream_mode="updates"):
            ...     print(part.event, part.data)
            metadata {'run_id': '...', 'attempt': 1}
            updates {'agent': {'messages': [{'content': 'echo: Hello! ...', ...}]}}
        """
        payload = _run_payload(locals())
        return self._open_stream(
            "POST", _runs_path(thread_id, "stream"), json=payload, headers=headers, timeout=timeout,
            max_retries=max_retries, creates_run=True, resumable=bool(stream_resumable),
        )

    def wait(
        self,
        thread_id: str | None,
        assistant_id: str,
        *,
        input: Any = None,
        command: Mapping[str, Any] | None = None,
        metadata: Mapping[str, Any] | None = None,
        config: Mapping[str, Any] | None = None,
        context: Mapping[str, Any] | None = None,
        checkpoint: Mapping[str, Any] | None = None,
        checkpoint_id: str | None = None,
        interrupt_before: All | Sequence[str] | None = None,
        interrupt_after: All | Sequence[str] | None = None,
        webhook: str | None = None,
        on_disconnect: Literal["cancel", "continue"] | None = None,
        on_completion: Literal["delete", "keep"] | None = None,
        multitask_strategy: Literal["reject", "interrupt", "rollback", "enqueue"] | None = None,
        if_not_exists: Literal["create", "reject"] | None = None,
        after_seconds: int | None = None,
        durability: Literal["sync", "async", "exit"] | None = None,
        raise_error: bool = True,
        headers: Mapping[str, str] | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Any:
        """Start a run, block until it ends, and return its final state (usually a dict).

        Same parameters as ``stream`` (without the streaming ones). The server may send blank
        keep-alive lines before the JSON while the run works; they are skipped.

        Args:
            raise_error: raise ``RunError`` for a failed run (default); ``False`` returns the
                server's ``{"__error__": {...}}`` body instead.

        Returns:
            The run's final state.

        Raises:
            RunError: the run failed on the server.
            APIStatusError, APIConnectionError, InvalidResponseError: as for ``stream``.

        Example:
            >>> state = client.runs.wait(None, "agent", input=data)
            >>> state["messages"][-1]["content"]
            'echo: Hello! My name is Bagatur and I am 26 years old.'
        """
        payload = _run_payload(locals())
        return self._final_state(
            "POST", _runs_path(thread_id, "wait"), json=payload, headers=headers, timeout=timeout,
            max_retries=max_retries, creates_run=True, raise_error=raise_error,
        )

    def create(
        self,
        thread_id: str | None,
        assistant_id: str,
        *,
        input: Any = None,
        command: Mapping[str, Any] | None = None,
        stream_mode: StreamMode | Sequence[StreamMode] | None = None,
        stream_subgraphs: bool | None = None,
        stream_resumable: bool | None = None,
        metadata: Mapping[str, Any] | None = None,
        config: Mapping[str, Any] | None = None,
        context: Mapping[str, Any] | None = None,
        checkpoint: Mapping[str, Any] | None = None,
        checkpoint_id: str | None = None,
        interrupt_before: All | Sequence[str] | None = None,
        interrupt_after: All | Sequence[str] | None = None,
        webhook: str | None = None,
        multitask_strategy: Literal["reject", "interrupt", "rollback", "enqueue"] | None = None,
        if_not_exists: Literal["create", "reject"] | None = None,
        on_completion: Literal["delete", "keep"] | None = None,
        after_seconds: int | None = None,
        durability: Literal["sync", "async", "exit"] | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Run:
        """Start a background run and return at once.

        A stateless run (``thread_id=None``) runs in a temporary thread, reported as
        ``Run.thread_id``: pass it to ``get``, ``join``, ``join_stream`` or ``cancel``.

        Returns:
            The new ``Run`` (status ``"pending"``).

        Example:
            >>> run = client.runs.create(None, "agent", input=data)
            >>> client.runs.join(run.thread_id, run.run_id)["messages"][-1]["content"]
            'echo: Hello! My name is Bagatur and I am 26 years old.'
        """
        payload = _run_payload(locals())
        response = self._transport.request(
            "POST", _runs_path(thread_id), json=payload, headers=headers, timeout=timeout,
            max_retries=max_retries, creates_run=True,
        )
        return parse_model(Run, self._transport.read_json(response, "POST", response.url),
                           method="POST", url=response.url)

    def create_batch(
        self,
        payloads: Sequence[Mapping[str, Any]],
        *,
        headers: Mapping[str, str] | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> list[Run]:
        """Start several stateless background runs in one request.

        Args:
            payloads: one dict per run, with the keys of ``create``
                (``assistant_id``, ``input``, ...); ``None`` values are dropped.

        Returns:
            The new runs, in the order of ``payloads``.
        """
        response = self._transport.request(
            "POST", "/runs/batch", json=[drop_none(p) for p in payloads], headers=headers,
            timeout=timeout, max_retries=max_retries, creates_run=True,
        )
        runs = self._transport.read_json(response, "POST", response.url)
        if not isinstance(runs, list):
            runs = [runs]  # parse_model then names what came instead of a list
        return [parse_model(Run, item, method="POST", url=response.url) for item in runs]

    def get(
        self,
        thread_id: str,
        run_id: str,
        *,
        headers: Mapping[str, str] | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Run:
        """Fetch a run's current state (``status`` tells whether it is done).

        Raises:
            NotFoundError: no such run (a finished stateless run's thread is deleted).
        """
        url = _runs_path(thread_id, run_id)
        response = self._transport.request("GET", url, headers=headers, timeout=timeout, max_retries=max_retries)
        return parse_model(Run, self._transport.read_json(response, "GET", response.url),
                           method="GET", url=response.url)

    def join(
        self,
        thread_id: str,
        run_id: str,
        *,
        raise_error: bool = True,
        headers: Mapping[str, str] | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Any:
        """Block until a run ends and return the final state of its thread.

        Raises:
            RunError: the run failed (unless ``raise_error=False``).
            NotFoundError: no such run.
        """
        return self._final_state(
            "GET", _runs_path(thread_id, run_id, "join"), json=None, headers=headers,
            timeout=timeout, max_retries=max_retries, creates_run=False, raise_error=raise_error,
        )

    def join_stream(
        self,
        thread_id: str,
        run_id: str,
        *,
        stream_mode: StreamMode | Sequence[StreamMode] | None = None,
        cancel_on_disconnect: bool = False,
        last_event_id: str | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> RunStream:
        """Stream a running run's events from now on (or after ``last_event_id``).

        Args:
            stream_mode: a subset of the modes the run was created with.
            cancel_on_disconnect: cancel the run when this stream's connection closes.
            last_event_id: replay the events after this one (resumable runs).

        Returns:
            A ``RunStream``; it resumes on a dropped connection from the last event it saw.
        """
        stream_path = _runs_path(thread_id, run_id, "stream")
        params: dict[str, Any] = {"cancel_on_disconnect": "true" if cancel_on_disconnect else "false"}
        if stream_mode is not None:
            params["stream_mode"] = stream_mode
        extra = dict(headers or {})
        if last_event_id is not None:
            extra["last-event-id"] = last_event_id
        return self._open_stream(
            "GET", stream_path, json=None, params=params, headers=extra, timeout=timeout,
            max_retries=max_retries, creates_run=False, resumable=True, last_event_id=last_event_id,
        )

    def cancel(
        self,
        thread_id: str,
        run_id: str,
        *,
        wait: bool = False,
        action: Literal["interrupt", "rollback"] = "interrupt",
        headers: Mapping[str, str] | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> None:
        """Cancel a run; with ``wait=True`` return only once it has stopped.

        Raises:
            NotFoundError: no such run.
        """
        response = self._transport.request(
            "POST", _runs_path(thread_id, run_id, "cancel"),
            params={"wait": 1 if wait else 0, "action": action}, headers=headers, timeout=timeout,
            max_retries=max_retries,
        )
        response.close()

    # -- shared --------------------------------------------------------------------------------

    def _open_stream(
        self,
        method: str,
        stream_path: str,
        *,
        json: Any,
        headers: Mapping[str, str] | None,
        timeout: TimeoutArg,
        max_retries: int | NotGiven,
        creates_run: bool,
        resumable: bool,
        params: Mapping[str, Any] | None = None,
        last_event_id: str | None = None,
    ) -> RunStream:
        transport = self._transport
        extra = {"accept": "text/event-stream", **(headers or {})}
        body = {} if json is None else {"json": json}
        response = transport.request(
            method, stream_path, params=params, headers=extra, timeout=timeout,
            max_retries=max_retries, stream=True, creates_run=creates_run, **body,
        )
        url = response.url
        check_event_stream(response, method, url)
        return open_run_stream(
            transport, response, method=method, url=url,
            timeout=transport.timeout_for(timeout),
            resumable=resumable, resume_location=None if creates_run else stream_path,
            last_event_id=last_event_id,
        )

    def _final_state(
        self,
        method: str,
        state_path: str,
        *,
        json: Any,
        headers: Mapping[str, str] | None,
        timeout: TimeoutArg,
        max_retries: int | NotGiven,
        creates_run: bool,
        raise_error: bool,
    ) -> Any:
        body = {} if json is None else {"json": json}
        response = self._transport.request(
            method, state_path, headers=headers, timeout=timeout, max_retries=max_retries,
            creates_run=creates_run, **body,
        )
        state = self._transport.read_json(response, method, response.url)
        if raise_error and isinstance(state, dict) and "__error__" in state:
            raise _state_error(state["__error__"], method, response)
        return state


def _state_error(error: Any, method: str, response: requests.Response) -> Exception:
    """The exception for an ``{"__error__": ...}`` body sent with HTTP 200.

    A failed run becomes ``RunError``; an HTTP error the server could only report inside the
    already-started 200 response (``{"error": "HTTPException", "message": "404: Run not
    found"}``) goes through the same status mapping as a real status.
    """
    run_id = response.headers.get("content-location", "").rstrip("/").rpartition("/runs/")[2] or None
    if isinstance(error, dict):
        kind, detail = str(error.get("error", "Error")), str(error.get("message", ""))
    else:
        kind, detail = "Error", str(error)
    reported = _REPORTED_STATUS.match(detail) if kind == "HTTPException" else None
    if reported:
        return status_error(
            int(reported.group(1)), "(reported in a 200 body)", method=method, url=response.url,
            response=response, body={"__error__": error}, detail=reported.group(2),
        )
    return RunError(run_id=run_id, error=kind, detail=detail)
