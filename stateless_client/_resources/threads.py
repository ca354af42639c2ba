"""``client.threads``: threads on the server, where stateful runs keep their state."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterator, Literal, Mapping, Sequence, overload
from urllib.parse import urlencode

from .._config import NOT_GIVEN, NotGiven, TimeoutArg
from .._exceptions import InvalidRequestError
from .._http.retries import Retry
from .._http.stream import RunStream
from .._http.urls import path
from .._models import StreamPart, Thread, ThreadState, ThreadUpdateStateResponse, parse_selected
from ..types import (
    Checkpoint,
    Json,
    OnConflictBehavior,
    PruneStrategy,
    QueryParamTypes,
    SortOrder,
    ThreadSelectField,
    ThreadSortBy,
    ThreadStateSelectField,
    ThreadStatus,
    ThreadStreamMode,
)
from .base import Resource, drop_none, flag, paginate

if TYPE_CHECKING:
    from .._thread_stream.stream import ThreadStream

__all__ = ["Threads"]


def _ttl(ttl: int | Mapping[str, Any] | None) -> Mapping[str, Any] | None:
    """``ttl=`` as the API takes it: minutes become ``{"ttl": minutes, "strategy": "delete"}``."""
    return {"ttl": ttl, "strategy": "delete"} if isinstance(ttl, (int, float)) else ttl


def _before(before: str | Mapping[str, Any] | None) -> Mapping[str, Any] | None:
    """``get_history(before=...)`` as the server can use it: a checkpoint config.

    The server hands ``before`` to LangGraph's ``get_state_history``, which reads the checkpoint
    from ``before["configurable"]``: a bare checkpoint ID is refused (422) and a ``Checkpoint``
    dict without ``configurable`` fails inside the server (500, ``langgraph dev`` 0.16.7), though
    both are what the official SDK sends. So a checkpoint ID or a ``Checkpoint`` is wrapped.
    """
    if before is None or before == "":
        return None
    if isinstance(before, str):
        return {"configurable": {"checkpoint_id": before}}
    return before if "configurable" in before else {"configurable": dict(before)}


class Threads(Resource):
    """Threads on the server. Reached as ``client.threads``.

    Besides the official SDK's parameters, each method takes ``timeout=`` and ``max_retries=``.
    """

    def create(
        self,
        *,
        metadata: Json = None,
        thread_id: str | None = None,
        if_exists: OnConflictBehavior | None = None,
        supersteps: Sequence[dict[str, Sequence[dict[str, Any]]]] | None = None,
        graph_id: str | None = None,
        ttl: int | Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        params: QueryParamTypes | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Thread:
        """Create a thread.

        Args:
            metadata: metadata to store with the thread.
            thread_id: the ID to use; the server makes one up when omitted.
            if_exists: ``"raise"`` (409) or ``"do_nothing"`` when ``thread_id`` exists.
            supersteps: updates to apply to the new thread's state, as
                ``[{"updates": [{"values": ..., "as_node": ...}]}, ...]``.
            graph_id: the graph the thread belongs to (stored as ``metadata["graph_id"]``).
            ttl: minutes until the thread is deleted, or ``{"ttl": minutes, "strategy": "delete"}``.

        Returns:
            The new ``Thread``.

        Examples:
            >>> thread = client.threads.create()
            >>> len(client.runs.wait(thread["thread_id"], "agent", input=data)["messages"])
            2
        """
        if graph_id is not None:  # the API keeps a thread's graph in its metadata
            metadata = {**(metadata or {}), "graph_id": graph_id}
        body = drop_none({
            "metadata": metadata,
            "thread_id": thread_id,
            "if_exists": if_exists,
            "supersteps": supersteps,
            "ttl": _ttl(ttl),
        })
        return self._post("/threads", Thread, body=body, options=self._options(headers, params, timeout, max_retries))

    def get(
        self,
        thread_id: str,
        *,
        include: Sequence[str] | None = None,
        headers: Mapping[str, str] | None = None,
        params: QueryParamTypes | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Thread:
        """Fetch a thread.

        Args:
            include: extra fields to include, e.g. ``["ttl"]``.

        Raises:
            NotFoundError: no such thread.
        """
        query = {"include": ",".join(include)} if include else None
        return self._get(path("threads", thread_id), Thread, query=query,
                         options=self._options(headers, params, timeout, max_retries))

    def delete(
        self,
        thread_id: str,
        *,
        headers: Mapping[str, str] | None = None,
        params: QueryParamTypes | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> None:
        """Delete a thread and its runs.

        Raises:
            NotFoundError: no such thread.
        """
        self._delete(path("threads", thread_id), options=self._options(headers, params, timeout, max_retries))

    @overload
    def update(
        self,
        thread_id: str,
        *,
        metadata: Mapping[str, Any],
        ttl: int | Mapping[str, Any] | None = None,
        return_minimal: Literal[False] = False,
        headers: Mapping[str, str] | None = None,
        params: QueryParamTypes | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Thread: ...
    @overload
    def update(
        self,
        thread_id: str,
        *,
        metadata: Mapping[str, Any],
        ttl: int | Mapping[str, Any] | None = None,
        return_minimal: Literal[True],
        headers: Mapping[str, str] | None = None,
        params: QueryParamTypes | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> None: ...
    @overload
    def update(
        self,
        thread_id: str,
        *,
        metadata: Mapping[str, Any],
        ttl: int | Mapping[str, Any] | None = None,
        return_minimal: bool,
        headers: Mapping[str, str] | None = None,
        params: QueryParamTypes | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Thread | None: ...
    def update(
        self,
        thread_id: str,
        *,
        metadata: Mapping[str, Any],
        ttl: int | Mapping[str, Any] | None = None,
        return_minimal: bool = False,
        headers: Mapping[str, str] | None = None,
        params: QueryParamTypes | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Thread | None:
        """Merge ``metadata`` into a thread's metadata, and optionally set its time to live.

        Args:
            metadata: keys to add or overwrite; other keys are kept.
            ttl: minutes until the thread is deleted, or ``{"ttl": minutes, "strategy": ...}``.
            return_minimal: ask for no body (``Prefer: return=minimal``) and return ``None``.

        Returns:
            The updated ``Thread``, or ``None`` with ``return_minimal=True``.

        Raises:
            NotFoundError: no such thread.

        Examples:
            >>> thread = client.threads.create(metadata={"user": "u1"})
            >>> client.threads.update(thread.thread_id, metadata={"topic": "billing"}).metadata
            {'user': 'u1', 'topic': 'billing'}
        """
        options = self._options(headers, params, timeout, max_retries)
        body = drop_none({"metadata": metadata, "ttl": _ttl(ttl)})
        if return_minimal:
            self._patch(path("threads", thread_id), None, body=body,
                        options=options.with_headers({"prefer": "return=minimal"}))
            return None
        return self._patch(path("threads", thread_id), Thread, body=body, options=options)

    def search(
        self,
        *,
        metadata: Json = None,
        values: Json = None,
        ids: Sequence[str] | None = None,
        status: ThreadStatus | None = None,
        limit: int = 10,
        offset: int = 0,
        sort_by: ThreadSortBy | None = None,
        sort_order: SortOrder | None = None,
        select: list[ThreadSelectField] | None = None,
        extract: dict[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        params: QueryParamTypes | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> list[Thread]:
        """List threads matching every filter given, one page at a time (see ``iter_search``).

        Args:
            metadata: metadata key-value pairs the thread must have.
            values: state values the thread must have.
            ids: only these threads.
            status: ``"idle"``, ``"busy"``, ``"interrupted"`` or ``"error"``.
            limit: the most results to return.
            offset: how many results to skip first.
            sort_by: the field to sort by, e.g. ``"created_at"``.
            sort_order: ``"asc"`` or ``"desc"``.
            select: only these fields of each thread; a field not selected is absent from the
                mapping and ``None`` as an attribute.
            extract: aliases of JSON paths (``{"last": "values.messages[-1]"}``), returned in
                each thread's ``extracted``.

        Returns:
            The matching threads.

        Examples:
            >>> thread = client.threads.create(metadata={"ticket": "T-1017"})
            >>> [found.thread_id == thread.thread_id for found in client.threads.search(metadata={"ticket": "T-1017"})]
            [True]
        """
        body: dict[str, Any] = {"limit": limit, "offset": offset}
        body.update(drop_none({
            "metadata": metadata or None,
            "values": values or None,
            "ids": ids or None,
            "status": status or None,
            "sort_by": sort_by or None,
            "sort_order": sort_order or None,
            "select": select or None,
            "extract": extract or None,
        }))
        options = self._options(headers, params, timeout, max_retries)
        if select:
            found = self._post("/threads/search", object, body=body, retry=Retry.SAFE, options=options)
            return parse_selected(Thread, found, method="POST", url="/threads/search")
        return self._post("/threads/search", [Thread], body=body, retry=Retry.SAFE, options=options)

    def iter_search(
        self,
        *,
        metadata: Json = None,
        values: Json = None,
        ids: Sequence[str] | None = None,
        status: ThreadStatus | None = None,
        page_size: int = 100,
        offset: int = 0,
        sort_by: ThreadSortBy | None = None,
        sort_order: SortOrder | None = None,
        select: list[ThreadSelectField] | None = None,
        extract: dict[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        params: QueryParamTypes | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Iterator[Thread]:
        """Every thread ``search`` finds, fetching ``page_size`` at a time (not in the official SDK).

        Pages are requested as the iteration reaches them, from ``offset`` on, until a page
        comes back shorter than ``page_size``. Threads created or deleted meanwhile can shift
        the pages (one may be seen twice or missed); a ``sort_by`` on a field that does not
        change, such as ``"created_at"``, keeps the order stable.

        Examples:
            >>> for n in range(3):
            ...     _ = client.threads.create(metadata={"batch": "b-42"})
            >>> len(list(client.threads.iter_search(metadata={"batch": "b-42"}, page_size=2)))
            3
        """
        return paginate(
            lambda limit, offset: self.search(
                metadata=metadata, values=values, ids=ids, status=status, limit=limit, offset=offset,
                sort_by=sort_by, sort_order=sort_order, select=select, extract=extract, headers=headers,
                params=params, timeout=timeout, max_retries=max_retries,
            ),
            page_size=page_size, offset=offset,
        )

    def count(
        self,
        *,
        metadata: Json = None,
        values: Json = None,
        status: ThreadStatus | None = None,
        headers: Mapping[str, str] | None = None,
        params: QueryParamTypes | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> int:
        """Count the threads matching every filter given (as in ``search``).

        Examples:
            >>> _ = client.threads.create(metadata={"ticket": "T-2040"})
            >>> client.threads.count(metadata={"ticket": "T-2040"})
            1
        """
        body = drop_none({"metadata": metadata or None, "values": values or None, "status": status or None})
        return self._post("/threads/count", int, body=body, retry=Retry.SAFE,
                          options=self._options(headers, params, timeout, max_retries))

    def copy(
        self,
        thread_id: str,
        *,
        headers: Mapping[str, str] | None = None,
        params: QueryParamTypes | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Thread:
        """Copy a thread, its metadata and its state history, into a new thread.

        Returns:
            The new ``Thread`` (the official SDK is annotated ``None`` but returns this too).

        Raises:
            NotFoundError: no such thread.

        Examples:
            >>> thread = client.threads.create(metadata={"user": "u1"})
            >>> copied = client.threads.copy(thread.thread_id)
            >>> copied.thread_id != thread.thread_id, copied.metadata["user"]
            (True, 'u1')
        """
        return self._post(path("threads", thread_id, "copy"), Thread,
                          options=self._options(headers, params, timeout, max_retries))

    def prune(
        self,
        thread_ids: Sequence[str],
        *,
        strategy: PruneStrategy = "delete",
        headers: Mapping[str, str] | None = None,
        params: QueryParamTypes | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> dict[str, Any]:
        """Delete threads (``"delete"``), or only their old checkpoints (``"keep_latest"``).

        IDs of threads that do not exist are skipped. ``langgraph dev`` refuses
        ``"keep_latest"`` (422: not supported by its in-memory runtime).

        Returns:
            ``{"pruned_count": n}``.

        Examples:
            >>> thread = client.threads.create()
            >>> client.threads.prune([thread.thread_id])
            {'pruned_count': 1}
        """
        body: dict[str, Any] = {"thread_ids": list(thread_ids)}
        if strategy != "delete":  # the server's default, left out as the official SDK does
            body["strategy"] = strategy
        result: dict[str, Any] = self._post("/threads/prune", object, body=body, retry=Retry.SAFE,
                                            options=self._options(headers, params, timeout, max_retries))
        return result

    def get_state(
        self,
        thread_id: str,
        checkpoint: Checkpoint | None = None,
        checkpoint_id: str | None = None,
        *,
        subgraphs: bool = False,
        select: list[ThreadStateSelectField] | None = None,
        headers: Mapping[str, str] | None = None,
        params: QueryParamTypes | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> ThreadState:
        """A thread's current state, or its state at a checkpoint.

        Args:
            checkpoint: the checkpoint to read (a ``ThreadState.checkpoint``), sent as
                ``POST /threads/{id}/state/checkpoint``.
            checkpoint_id: deprecated upstream in favour of ``checkpoint``; still works
                (``GET /threads/{id}/state/{checkpoint_id}``).
            subgraphs: include the states of subgraphs in the tasks.
            select: only these fields (``"values.<key>"`` for one state key); ``langgraph
                dev`` returns every field anyway.

        Returns:
            The ``ThreadState``.

        Raises:
            NotFoundError: no such thread.

        Examples:
            >>> thread = client.threads.create()
            >>> _ = client.runs.wait(thread.thread_id, "agent", input=data)
            >>> state = client.threads.get_state(thread.thread_id)
            >>> state.next, state.values["messages"][-1]["content"]
            ([], 'echo: Hello! My name is Bagatur and I am 26 years old.')
        """
        options = self._options(headers, params, timeout, max_retries)
        if checkpoint:
            body: dict[str, Any] = {"checkpoint": checkpoint, "subgraphs": subgraphs}
            if select:
                body["select"] = select
            return self._post(path("threads", thread_id, "state", "checkpoint"), ThreadState, body=body,
                              retry=Retry.SAFE, options=options)
        query: dict[str, Any] = {"subgraphs": flag(subgraphs)}
        if select:
            query["select"] = select
        segments = ("threads", thread_id, "state") + ((checkpoint_id,) if checkpoint_id else ())
        return self._get(path(*segments), ThreadState, query=query, options=options)

    def update_state(
        self,
        thread_id: str,
        values: dict[str, Any] | Sequence[dict[str, Any]] | None,
        *,
        as_node: str | None = None,
        checkpoint: Checkpoint | None = None,
        checkpoint_id: str | None = None,
        headers: Mapping[str, str] | None = None,
        params: QueryParamTypes | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> ThreadUpdateStateResponse:
        """Write a new checkpoint of a thread's state, as if ``as_node`` had returned ``values``.

        The thread needs a graph: one run on it, or ``metadata={"graph_id": ...}``.

        Args:
            values: the update, applied with the graph's reducers (a list of updates, or
                ``None`` to write a checkpoint with no update).
            as_node: the node the update comes from; it decides what runs next.
            checkpoint: update from this checkpoint instead of the latest (forks the history).
            checkpoint_id: deprecated upstream in favour of ``checkpoint``.

        Returns:
            A ``ThreadUpdateStateResponse``; its ``checkpoint`` is the one written.

        Raises:
            NotFoundError: no such thread.
            BadRequestError, UnprocessableEntityError: the thread has no graph, or the node
                or values do not fit it.

        Examples:
            >>> thread = client.threads.create(graph_id="agent")
            >>> written = client.threads.update_state(
            ...     thread.thread_id, {"messages": [{"role": "user", "content": "hi"}]}, as_node="agent")
            >>> state = client.threads.get_state(thread.thread_id)
            >>> state.checkpoint == written.checkpoint, state.values["messages"][0]["content"]
            (True, 'hi')
        """
        body: dict[str, Any] = {"values": values}
        if checkpoint_id:
            body["checkpoint_id"] = checkpoint_id
        if checkpoint:
            body["checkpoint"] = checkpoint
        if as_node:
            body["as_node"] = as_node
        return self._post(path("threads", thread_id, "state"), ThreadUpdateStateResponse, body=body,
                          options=self._options(headers, params, timeout, max_retries))

    def get_history(
        self,
        thread_id: str,
        *,
        limit: int = 10,
        before: str | Checkpoint | None = None,
        metadata: Mapping[str, Any] | None = None,
        checkpoint: Checkpoint | None = None,
        select: list[ThreadStateSelectField] | None = None,
        headers: Mapping[str, str] | None = None,
        params: QueryParamTypes | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> list[ThreadState]:
        """A thread's past states, newest first.

        Args:
            limit: at most this many states.
            before: only states older than this checkpoint: a checkpoint ID or a
                ``ThreadState.checkpoint`` (sent as ``{"configurable": ...}``, which the server
                needs; see ``docs/porting.md``). Walk the history by passing the last state's
                ``checkpoint`` as the next call's ``before``.
            metadata: only states whose checkpoint metadata has these pairs (``{"step": 1}``).
            checkpoint: the subgraph's checkpoint namespace to read; the root graph by default.
            select: only these fields (see ``get_state``).

        Returns:
            The ``ThreadState`` list.

        Examples:
            >>> thread = client.threads.create()
            >>> _ = client.runs.wait(thread.thread_id, "agent", input=data)
            >>> newest, older = client.threads.get_history(thread.thread_id, limit=2)
            >>> older.checkpoint == newest.parent_checkpoint
            True
            >>> rest = client.threads.get_history(thread.thread_id, before=older.checkpoint)
            >>> [state.next for state in rest]
            [['__start__']]
        """
        body: dict[str, Any] = {"limit": limit}
        body.update(drop_none({
            "before": _before(before),
            "metadata": metadata or None,
            "checkpoint": checkpoint or None,
            "select": select or None,
        }))
        history_path = path("threads", thread_id, "history")
        options = self._options(headers, params, timeout, max_retries)
        if select:
            found = self._post(history_path, object, body=body, retry=Retry.SAFE, options=options)
            return parse_selected(ThreadState, found, method="POST", url=history_path)
        return self._post(history_path, [ThreadState], body=body, retry=Retry.SAFE, options=options)

    def stream(
        self,
        thread_id: str | None = None,
        *,
        assistant_id: str,
        headers: Mapping[str, str] | None = None,
        run_start_timeout: float | None = None,
        transport: Literal["sse", "websocket"] = "sse",
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> ThreadStream:
        """Open a thread-centric stream: start runs with commands, read their events through
        typed projections (``values``, ``messages``, ``tool_calls``, ``extensions[name]``).

        Nothing is sent until a run is started or a projection is read. Use the result as a
        context manager; see ``ThreadStream``.

        Args:
            thread_id: the thread; by default a new ID, and ``run.start`` creates the thread.
            assistant_id: the assistant (or graph name) every run of this stream uses.
            headers: headers for every request of the stream (commands and events).
            run_start_timeout: seconds to wait for a started run's first event (``None``: as
                long as it takes, e.g. behind other runs on the thread).
            transport: ``"sse"``, the only one: the WebSocket transport would need a runtime
                dependency beyond ``requests``, for the same events.

        Raises:
            InvalidRequestError: ``transport`` is not ``"sse"`` (nothing is sent).

        Examples:
            >>> with client.threads.stream(assistant_id="tokens") as thread:
            ...     run = thread.run.start(input={"messages": [{"role": "human", "content": "hi"}]})
            ...     for message in thread.messages:
            ...         print(message.text)  # the whole text, once the message has finished
            ...     final = thread.output
            Hello Bagatur! Nice to meet you.
            >>> [message["type"] for message in final["messages"]]
            ['human', 'ai']
        """
        if transport != "sse":
            raise InvalidRequestError(
                f"transport={transport!r} is not supported; use 'sse' (the same events, over HTTP)"
            )
        if not assistant_id or not isinstance(assistant_id, str):
            raise InvalidRequestError(f"assistant_id must be a non-empty string, not {assistant_id!r}")
        if thread_id is not None:
            path("threads", thread_id)  # refuses "", "." and ".." now, before anything is sent
        from .._thread_stream.stream import ThreadStream  # loaded by its first user (issue 21)

        return ThreadStream(
            self._transport, thread_id=thread_id, assistant_id=assistant_id,
            options=self._options(headers, None, timeout, max_retries), threads=self, headers=headers,
            run_start_timeout=run_start_timeout,
        )

    def join_stream(
        self,
        thread_id: str,
        *,
        stream_mode: ThreadStreamMode | Sequence[ThreadStreamMode] = "run_modes",
        last_event_id: str | None = None,
        headers: Mapping[str, str] | None = None,
        params: QueryParamTypes | None = None,
        raise_error: bool = True,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> RunStream[StreamPart]:
        """Follow everything that happens on a thread: the events of each run, one after another.

        The stream stays open after a run ends (a ``metadata`` part with ``"status":
        "run_done"`` marks the end of each run) and waits for the next one, sending heartbeats
        meanwhile; leave the loop, or ``close()`` it, when you have seen enough.

        Args:
            stream_mode: ``"run_modes"`` (the runs' events, the default), ``"lifecycle"``
                (only each run's start and end), ``"state_update"`` (the thread's state after
                ``update_state``), or a list of them. Sent as the ``stream_modes`` query
                parameter, which the server reads (the official SDK sends ``stream_mode``,
                which the server ignores).
            last_event_id: replay the events after this one (``"-"``: from the start). The
                server keeps them only for runs created with ``stream_resumable=True``.
            raise_error: raise ``RunError`` when a run on the thread fails (and end the
                stream); ``False`` yields the ``error`` part and keeps following the thread,
                as the official SDK does.

        Returns:
            A ``RunStream``; on a dropped connection it reconnects after the last event it saw.

        Raises:
            UnprocessableEntityError: an unknown stream mode.

        Examples:
            >>> thread = client.threads.create()
            >>> run = client.runs.create(thread.thread_id, "agent", input=data, stream_resumable=True)
            >>> with client.threads.join_stream(thread.thread_id, stream_mode="lifecycle", last_event_id="-") as stream:
            ...     for part in stream:
            ...         if part.data.get("status") == "run_done":
            ...             break
            >>> part.event, part.data["run_id"] == run.run_id
            ('metadata', True)
        """
        modes = ",".join([stream_mode] if isinstance(stream_mode, str) else stream_mode)
        stream_path = path("threads", thread_id, "stream")
        options = self._options(headers, params, timeout, max_retries)
        if last_event_id:
            options = options.with_headers({"last-event-id": last_event_id})
        return self._stream(
            "GET", stream_path, query={"stream_modes": modes}, options=options, resumable=True,
            resume_location=f"{stream_path}?{urlencode({'stream_modes': modes})}", last_event_id=last_event_id,
            raise_error=raise_error, one_run=False,
        )
