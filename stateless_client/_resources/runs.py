"""``client.runs``: create, stream, wait for, follow, list and cancel runs, stateless or on a thread."""

from __future__ import annotations

import functools
import uuid
from typing import Any, Callable, Final, Iterable, Mapping, Sequence
from urllib.parse import urlencode

import requests

from .._config import NOT_GIVEN, NotGiven, TimeoutArg
from .._exceptions import NotFoundError
from .._http.failures import run_error
from .._http.options import RequestOptions
from .._http.retries import Retry
from .._http.stream import RunStream, run_location
from .._http.transport import NO_BODY, Transport
from .._http.urls import path
from .._models import Run, StreamPart
from ..types import (
    All,
    BulkCancelRunsStatus,
    CancelAction,
    Checkpoint,
    Command,
    Config,
    Context,
    DisconnectMode,
    Durability,
    IfNotExists,
    Input,
    LangSmithTracing,
    MultitaskStrategy,
    OnCompletionBehavior,
    QueryParamTypes,
    RunCreate,
    RunCreateMetadata,
    RunSelectField,
    RunStatus,
    StreamMode,
    StreamVersion,
)
from .base import Resource, drop_none, flag, json_options
from .run_payload import run_payload

#: How many times a cut-off ``/wait`` answer is read again from its ``Location`` (the SDK's 5).
RECONNECT_LIMIT: Final = 5

__all__ = ["Runs", "STREAM_TAG"]

OnRunCreated = Callable[[RunCreateMetadata], None]
#: The metadata key of a stateless stream's run: a value chosen by the client, which the server
#: copies onto the run's temporary thread, so that ``RunStream.cancel()`` finds that thread in
#: one search (a stateless stream's headers name the run, not its thread).
STREAM_TAG: Final = "stateless_client_stream"
DISCONNECT_MODES: Final = ("cancel", "continue")


def _runs_path(thread_id: str | None, *tail: str) -> str:
    """``/runs/...`` for a stateless run, ``/threads/{id}/runs/...`` for a thread's run."""
    base = "/runs" if thread_id is None else path("threads", thread_id) + "/runs"
    return base + path(*tail)


def _announcer(on_run_created: OnRunCreated | None) -> Callable[[requests.Response], None] | None:
    """Call ``on_run_created`` with the run's IDs from the response's ``Content-Location``."""
    if on_run_created is None:
        return None

    def announce(response: requests.Response) -> None:
        run_id, thread_id = run_location(response)
        if run_id is not None:
            on_run_created(RunCreateMetadata(run_id=run_id, thread_id=thread_id))

    return announce


class Runs(Resource):
    """Runs of a deployed graph. Pass ``None`` as ``thread_id`` for a stateless run.

    Reached as ``client.runs``; every method blocks until the server has answered. Besides
    the official SDK's parameters, each takes ``timeout=`` and ``max_retries=`` for the call.

    A stateless run started by ``stream`` or ``wait`` is cancelled by the server when its
    caller leaves (``on_disconnect="cancel"``, the client's ``stateless_on_disconnect``):
    only that caller can read its result, since its thread is deleted when it ends. Pass
    ``on_disconnect="continue"`` to keep it going. Runs on a thread keep the server's default.
    """

    def __init__(self, transport: Transport, *, stateless_on_disconnect: DisconnectMode = "cancel") -> None:
        super().__init__(transport)
        if stateless_on_disconnect not in DISCONNECT_MODES:
            raise ValueError(f"stateless_on_disconnect must be 'cancel' or 'continue', not {stateless_on_disconnect!r}")
        self._stateless_on_disconnect = stateless_on_disconnect

    def stream(
        self,
        thread_id: str | None,
        assistant_id: str,
        *,
        input: Input | None = None,
        command: Command | None = None,
        stream_mode: StreamMode | Sequence[StreamMode] = "values",
        stream_subgraphs: bool = False,
        stream_resumable: bool = False,
        metadata: Mapping[str, Any] | None = None,
        config: Config | None = None,
        context: Context | None = None,
        checkpoint: Checkpoint | None = None,
        checkpoint_id: str | None = None,
        checkpoint_during: bool | None = None,
        interrupt_before: All | Sequence[str] | None = None,
        interrupt_after: All | Sequence[str] | None = None,
        feedback_keys: Sequence[str] | None = None,
        on_disconnect: DisconnectMode | None = None,
        on_completion: OnCompletionBehavior | None = None,
        webhook: str | None = None,
        multitask_strategy: MultitaskStrategy | None = None,
        if_not_exists: IfNotExists | None = None,
        after_seconds: int | None = None,
        langsmith_tracing: LangSmithTracing | None = None,
        headers: Mapping[str, str] | None = None,
        params: QueryParamTypes | None = None,
        on_run_created: OnRunCreated | None = None,
        durability: Durability | None = None,
        strict_resume: bool | None = None,
        version: StreamVersion = "v1",
        raise_error: bool = True,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> RunStream[Any]:
        """Start a run and stream its events.

        ``None`` as ``thread_id`` makes a stateless run (``POST /runs/stream``); a thread ID
        runs on that thread (``POST /threads/{thread_id}/runs/stream``). Parameters left as
        ``None`` are not sent, so the server's defaults apply.

        Args:
            thread_id: the thread to run on, or ``None`` for a stateless run.
            assistant_id: an assistant ID or a graph name, e.g. ``"agent"``.
            input: the graph's input.
            command: a ``Command``, e.g. ``{"resume": "yes"}`` after an interrupt.
            stream_mode: one mode or a list of modes.
            stream_subgraphs: also stream events from subgraphs (``"updates|child:..."``).
            stream_resumable: let a dropped stream be resumed (``RunStream`` does it itself).
            metadata: passed to the run.
            config: passed to the run.
            context: passed to the run.
            checkpoint: the checkpoint of the thread to start from.
            checkpoint_id: the checkpoint of the thread to start from, by its ID.
            checkpoint_during: deprecated upstream; accepted with a ``DeprecationWarning``.
            interrupt_before: the nodes to stop before (names, or ``"*"`` for all).
            interrupt_after: the nodes to stop after (names, or ``"*"`` for all).
            feedback_keys: LangSmith feedback keys for the run.
            on_disconnect: ``"cancel"`` stops the run when the stream's connection closes;
                the server's default is ``"continue"``.
            on_completion: ``"delete"`` or ``"keep"`` a stateless run's temporary thread.
            webhook: a URL the server calls when the run ends.
            multitask_strategy: what to do when the thread is busy.
            if_not_exists: ``"create"`` a missing thread instead of rejecting the run.
            after_seconds: start the run this many seconds later.
            langsmith_tracing: LangSmith project / example for the run's trace.
            headers: extra HTTP headers for this request (a resume repeats them).
            params: extra query parameters for this request.
            on_run_created: called with ``{"run_id", "thread_id"}`` as soon as the server has
                accepted the run, before the first event.
            durability: when checkpoints are written: ``"sync"``, ``"async"`` or ``"exit"``.
            strict_resume: reject a ``command`` resume that does not match an interrupt.
            version: ``"v1"`` yields ``StreamPart`` tuples; ``"v2"`` yields the official
                SDK's v2 dicts (``{"type", "ns", "data", "interrupts"}``).
            raise_error: raise ``RunError`` when the run fails (default); ``False`` yields the
                ``error`` part as the official SDK does, and ends the stream after it.
            timeout: overrides the client's timeout for this call (``None``: wait forever).
            max_retries: overrides the client's retry count for this call.

        Returns:
            A ``RunStream``; the HTTP status was already checked.

        Raises:
            APIStatusError: the server refused the run (404, 409, 422, ...).
            APIConnectionError: the server could not be reached.
            InvalidResponseError: the answer was not an event stream.

        Examples:
            >>> for part in client.runs.stream(None, "agent", input=data, stream_mode="updates"):
            ...     print(part.event, part.data)
            metadata {'run_id': '...', 'attempt': 1}
            updates {'agent': {'messages': [{'content': 'echo: Hello! ...', ...}]}}
        """
        on_disconnect = self._on_disconnect(thread_id, on_disconnect)
        tag = None
        if thread_id is None:  # what finds the run's temporary thread for ``RunStream.cancel()``
            tag = uuid.uuid4().hex
            metadata = {**(metadata or {}), STREAM_TAG: tag}
        payload = run_payload(
            assistant_id, input=input, command=command, metadata=metadata, config=config, context=context,
            checkpoint=checkpoint, checkpoint_id=checkpoint_id, checkpoint_during=checkpoint_during,
            interrupt_before=interrupt_before, interrupt_after=interrupt_after, webhook=webhook,
            multitask_strategy=multitask_strategy, if_not_exists=if_not_exists, on_disconnect=on_disconnect,
            on_completion=on_completion, after_seconds=after_seconds, langsmith_tracing=langsmith_tracing,
            durability=durability, strict_resume=strict_resume, stream_mode=stream_mode,
            stream_subgraphs=stream_subgraphs, stream_resumable=stream_resumable, feedback_keys=feedback_keys,
        )
        options = self._options(headers, params, timeout, max_retries)
        return self._stream(
            "POST", _runs_path(thread_id, "stream"), body=payload, retry=Retry.STARTS_RUN, options=options,
            resumable=stream_resumable, raise_error=raise_error, version=version, stream_mode=stream_mode,
            on_response=_announcer(on_run_created), closing_cancels=on_disconnect == "cancel",
            canceller=None if tag is None else functools.partial(
                self._cancel_tagged, tag=tag, options=json_options(options)),
        )

    def wait(
        self,
        thread_id: str | None,
        assistant_id: str,
        *,
        input: Input | None = None,
        command: Command | None = None,
        metadata: Mapping[str, Any] | None = None,
        config: Config | None = None,
        context: Context | None = None,
        checkpoint_during: bool | None = None,
        checkpoint: Checkpoint | None = None,
        checkpoint_id: str | None = None,
        interrupt_before: All | Sequence[str] | None = None,
        interrupt_after: All | Sequence[str] | None = None,
        webhook: str | None = None,
        on_disconnect: DisconnectMode | None = None,
        on_completion: OnCompletionBehavior | None = None,
        multitask_strategy: MultitaskStrategy | None = None,
        if_not_exists: IfNotExists | None = None,
        after_seconds: int | None = None,
        langsmith_tracing: LangSmithTracing | None = None,
        raise_error: bool = True,
        headers: Mapping[str, str] | None = None,
        params: QueryParamTypes | None = None,
        on_run_created: OnRunCreated | None = None,
        durability: Durability | None = None,
        strict_resume: bool | None = None,
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

        Examples:
            >>> state = client.runs.wait(None, "agent", input=data)
            >>> state["messages"][-1]["content"]
            'echo: Hello! My name is Bagatur and I am 26 years old.'
        """
        payload = run_payload(
            assistant_id, input=input, command=command, metadata=metadata, config=config, context=context,
            checkpoint=checkpoint, checkpoint_id=checkpoint_id, checkpoint_during=checkpoint_during,
            interrupt_before=interrupt_before, interrupt_after=interrupt_after, webhook=webhook,
            multitask_strategy=multitask_strategy, if_not_exists=if_not_exists,
            on_disconnect=self._on_disconnect(thread_id, on_disconnect), on_completion=on_completion,
            after_seconds=after_seconds, langsmith_tracing=langsmith_tracing, durability=durability,
            strict_resume=strict_resume,
        )
        return self._final_state(
            "POST", _runs_path(thread_id, "wait"), payload, raise_error=raise_error,
            options=self._options(headers, params, timeout, max_retries), retry=Retry.STARTS_RUN,
            on_response=_announcer(on_run_created),
        )

    def wait_many(
        self,
        assistant_id: str,
        inputs: Iterable[Input],
        *,
        max_concurrency: int = 8,
        return_exceptions: bool = False,
        progress: bool | Callable[[int, int], None] = False,
        **options: Any,
    ) -> list[Any]:
        """Run ``assistant_id`` once per input, stateless, at most ``max_concurrency`` at a
        time, and return the final states in input order.

        Each run is ``wait(None, assistant_id, input=item, **options)``; ``options`` are
        ``wait``'s (``config``, ``context``, ``metadata``, ``durability``, ``timeout``,
        ``on_run_created``, which is called from the pool's threads, ...). Stateless runs need
        no cleanup: the server deletes their threads when they end (which is why
        ``create_batch`` + ``join`` loses results unless ``on_completion="keep"``).

        When this stops early (a failure, Ctrl-C, an exception from ``progress``), it closes
        every connection in flight at once and returns without waiting for the pool's
        threads, which are daemon threads: the runs, sent with ``on_disconnect="cancel"``
        unless ``options`` say otherwise, are cancelled by the server, including one whose
        request was sent but not yet answered.

        Args:
            assistant_id: an assistant ID or a graph name.
            inputs: one graph input per run.
            max_concurrency: the most runs in flight at once (threads of this process).
            return_exceptions: put a failed run's exception in its place in the result
                instead of raising it (as ``asyncio.gather`` does).
            progress: ``True`` shows a ``tqdm`` bar (extra ``progress``); a callable is
                called as ``progress(done, total)`` after each run.

        Returns:
            The final states, in the order of ``inputs``.

        Raises:
            RunError, APIError: the first failure (``return_exceptions=False``), after
                closing the connections of the runs still in flight.
            KeyboardInterrupt: Ctrl-C, likewise.

        Examples:
            >>> states = client.runs.wait_many("agent", [data, data], max_concurrency=2)
            >>> [state["messages"][-1]["content"][:5] for state in states]
            ['echo:', 'echo:']
        """
        if max_concurrency < 1:
            raise ValueError(f"max_concurrency must be at least 1, not {max_concurrency}")
        if "thread_id" in options:
            raise TypeError("wait_many runs stateless runs: it takes no thread_id")
        from .many import run_many  # loaded by its first user, with its pool (tests/test_import_cost.py)

        return run_many(
            lambda item: self.wait(None, assistant_id, input=item, **options), list(inputs),
            max_concurrency=max_concurrency, return_exceptions=return_exceptions, progress=progress,
        )

    def _on_disconnect(self, thread_id: str | None, on_disconnect: DisconnectMode | None) -> DisconnectMode | None:
        """What a run does when its caller leaves: as asked, else ``cancel`` for a stateless
        run (the client's ``stateless_on_disconnect``), else the server's default."""
        if on_disconnect is None and thread_id is None:
            return self._stateless_on_disconnect
        return on_disconnect

    def _cancel_tagged(
        self, run_id: str, thread_id: str | None, action: CancelAction, *, tag: str, options: RequestOptions
    ) -> None:
        """Cancel a stateless stream's run: find its temporary thread by the stream's tag
        (one search, however many threads are busy), then cancel the run on it."""
        if thread_id is None:
            found, response = self._json("POST", "/threads/search", options=options, retry=Retry.SAFE,
                                         body={"metadata": {STREAM_TAG: tag}, "limit": 1, "select": ["thread_id"]})
            thread_ids = [item["thread_id"] for item in found if isinstance(item, dict) and "thread_id" in item] \
                if isinstance(found, list) else []
            if not thread_ids:
                raise NotFoundError(
                    f"cannot cancel run {run_id}: it has ended (its temporary thread, with metadata "
                    f"{STREAM_TAG}={tag!r}, is gone)",
                    method="POST", url=response.url, response=response, body=found, detail=None, status_code=404,
                )
            thread_id = str(thread_ids[0])
        self._cancel_run(run_id, thread_id, action, options=options)

    def create(
        self,
        thread_id: str | None,
        assistant_id: str,
        *,
        input: Input | None = None,
        command: Command | None = None,
        stream_mode: StreamMode | Sequence[StreamMode] = "values",
        stream_subgraphs: bool = False,
        stream_resumable: bool = False,
        metadata: Mapping[str, Any] | None = None,
        config: Config | None = None,
        context: Context | None = None,
        checkpoint: Checkpoint | None = None,
        checkpoint_id: str | None = None,
        checkpoint_during: bool | None = None,
        interrupt_before: All | Sequence[str] | None = None,
        interrupt_after: All | Sequence[str] | None = None,
        webhook: str | None = None,
        multitask_strategy: MultitaskStrategy | None = None,
        if_not_exists: IfNotExists | None = None,
        on_completion: OnCompletionBehavior | None = None,
        after_seconds: int | None = None,
        langsmith_tracing: LangSmithTracing | None = None,
        headers: Mapping[str, str] | None = None,
        params: QueryParamTypes | None = None,
        on_run_created: OnRunCreated | None = None,
        durability: Durability | None = None,
        strict_resume: bool | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Run:
        """Start a background run and return at once.

        A stateless run (``thread_id=None``) runs in a temporary thread, reported as
        ``Run.thread_id``: pass it to ``get``, ``join``, ``join_stream`` or ``cancel``. The
        server deletes that thread when the run ends unless ``on_completion="keep"``.

        Returns:
            The new ``Run`` (status ``"pending"``).

        Examples:
            >>> run = client.runs.create(None, "agent", input=data, on_completion="keep")
            >>> client.runs.join(run.thread_id, run.run_id)["messages"][-1]["content"]
            'echo: Hello! My name is Bagatur and I am 26 years old.'
        """
        payload = run_payload(
            assistant_id, input=input, command=command, metadata=metadata, config=config, context=context,
            checkpoint=checkpoint, checkpoint_id=checkpoint_id, checkpoint_during=checkpoint_during,
            interrupt_before=interrupt_before, interrupt_after=interrupt_after, webhook=webhook,
            multitask_strategy=multitask_strategy, if_not_exists=if_not_exists, on_completion=on_completion,
            after_seconds=after_seconds, langsmith_tracing=langsmith_tracing, durability=durability,
            strict_resume=strict_resume, stream_mode=stream_mode, stream_subgraphs=stream_subgraphs,
            stream_resumable=stream_resumable,
        )
        return self._post(
            _runs_path(thread_id), Run, body=payload, retry=Retry.STARTS_RUN,
            options=self._options(headers, params, timeout, max_retries), on_response=_announcer(on_run_created),
        )

    def create_batch(
        self,
        payloads: list[RunCreate],
        *,
        headers: Mapping[str, str] | None = None,
        params: QueryParamTypes | None = None,
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
        return self._post(
            "/runs/batch", [Run], body=[drop_none(payload) for payload in payloads], retry=Retry.STARTS_RUN,
            options=self._options(headers, params, timeout, max_retries),
        )

    def get(
        self,
        thread_id: str,
        run_id: str,
        *,
        headers: Mapping[str, str] | None = None,
        params: QueryParamTypes | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Run:
        """Fetch a run's current state (``status`` tells whether it is done).

        Raises:
            NotFoundError: no such run (a finished stateless run's thread is deleted).
        """
        return self._get(_runs_path(thread_id, run_id), Run, options=self._options(headers, params, timeout,
                                                                                     max_retries))

    def list(
        self,
        thread_id: str,
        *,
        limit: int = 10,
        offset: int = 0,
        status: RunStatus | None = None,
        select: list[RunSelectField] | None = None,
        headers: Mapping[str, str] | None = None,
        params: QueryParamTypes | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> list[Run]:
        """List a thread's runs, newest first.

        Args:
            limit: the most results to return.
            offset: how many results to skip first.
            status: only runs with this status.
            select: only these fields of each run.
        """
        query = drop_none({"limit": limit, "offset": offset, "status": status, "select": select})
        return self._get(_runs_path(thread_id), [Run], query=query,
                         options=self._options(headers, params, timeout, max_retries))

    def join(
        self,
        thread_id: str,
        run_id: str,
        *,
        headers: Mapping[str, str] | None = None,
        params: QueryParamTypes | None = None,
        raise_error: bool = True,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Any:
        """Block until a run ends and return the final state of its thread.

        Raises:
            RunError: the run failed (unless ``raise_error=False``).
            NotFoundError: no such run.
        """
        return self._final_state(
            "GET", _runs_path(thread_id, run_id, "join"), NO_BODY, raise_error=raise_error, run_id=run_id,
            options=self._options(headers, params, timeout, max_retries),
        )

    def join_stream(
        self,
        thread_id: str,
        run_id: str,
        *,
        cancel_on_disconnect: bool = False,
        stream_mode: StreamMode | Sequence[StreamMode] | None = None,
        headers: Mapping[str, str] | None = None,
        params: QueryParamTypes | None = None,
        last_event_id: str | None = None,
        raise_error: bool = True,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> RunStream[StreamPart]:
        """Stream a running run's events from now on (or after ``last_event_id``).

        Args:
            cancel_on_disconnect: cancel the run when this stream's connection closes.
            stream_mode: a subset of the modes the run was created with.
            last_event_id: replay the events after this one (resumable runs).
            raise_error: as for ``stream``.

        Returns:
            A ``RunStream``; it resumes on a dropped connection from the last event it saw.

        Raises:
            NotFoundError: no such run (also when the server reports it inside the stream).
        """
        stream_path = _runs_path(thread_id, run_id, "stream")
        query: dict[str, Any] = {"cancel_on_disconnect": flag(cancel_on_disconnect)}
        if stream_mode is not None:
            query["stream_mode"] = stream_mode
        options = self._options(headers, params, timeout, max_retries)
        if last_event_id is not None:
            options = options.with_headers({"last-event-id": last_event_id})
        return self._stream(
            "GET", stream_path, query=query, options=options, resumable=True,
            resume_location=f"{stream_path}?{urlencode(query, doseq=True)}",  # a resume keeps the modes
            last_event_id=last_event_id, raise_error=raise_error, stream_mode=stream_mode,
        )

    def cancel(
        self,
        thread_id: str,
        run_id: str,
        *,
        wait: bool = False,
        action: CancelAction = "interrupt",
        headers: Mapping[str, str] | None = None,
        params: QueryParamTypes | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> None:
        """Cancel a run; with ``wait=True`` return only once it has stopped.

        Raises:
            NotFoundError: no such run.
        """
        self._post(
            _runs_path(thread_id, run_id, "cancel"), None, query={"wait": 1 if wait else 0, "action": action},
            options=self._options(headers, params, timeout, max_retries),
        )

    def cancel_many(
        self,
        *,
        thread_id: str | None = None,
        run_ids: Sequence[str] | None = None,
        status: BulkCancelRunsStatus | None = None,
        action: CancelAction = "interrupt",
        headers: Mapping[str, str] | None = None,
        params: QueryParamTypes | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> None:
        """Cancel runs by ID, or every run with a status.

        Args:
            thread_id: the thread whose runs ``run_ids`` are; the server requires it with
                ``run_ids`` (a stateless run's is its temporary thread, ``Run.thread_id``).
            run_ids: the runs to cancel.
            status: cancel every ``"pending"``, ``"running"`` or ``"all"`` such runs instead.
            action: ``"interrupt"`` or ``"rollback"``.
        """
        body = drop_none({"thread_id": thread_id, "run_ids": run_ids or None, "status": status})
        self._post("/runs/cancel", None, body=body, query={"action": action}, retry=Retry.SAFE,
                   options=self._options(headers, params, timeout, max_retries))

    def delete(
        self,
        thread_id: str,
        run_id: str,
        *,
        headers: Mapping[str, str] | None = None,
        params: QueryParamTypes | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> None:
        """Delete a finished run.

        Raises:
            NotFoundError: no such run.
        """
        self._delete(_runs_path(thread_id, run_id), options=self._options(headers, params, timeout, max_retries))

    # -- shared --------------------------------------------------------------------------------

    def _final_state(
        self,
        method: str,
        state_path: str,
        payload: Any,
        *,
        raise_error: bool,
        options: RequestOptions,
        retry: Retry | None = None,
        on_response: Callable[[requests.Response], None] | None = None,
        run_id: str | None = None,
    ) -> Any:
        """A run's final state from ``/wait`` or ``/join``; a failure reported in it raises.

        When the answer is cut off (a server restart or deploy) and the server named where the
        run can be joined (``Location``), the state is read from there, as the SDK does.
        """
        state, response = self._json(method, state_path, body=payload, options=options, retry=retry,
                                     on_response=on_response, reconnect_limit=RECONNECT_LIMIT)
        if raise_error and isinstance(state, dict) and "__error__" in state:
            raise run_error(state["__error__"], run_id=run_location(response)[0] or run_id, method=method,
                            url=response.url, response=response)
        return state
