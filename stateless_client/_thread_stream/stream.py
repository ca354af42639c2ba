"""``ThreadStream``: ``client.threads.stream()``, the thread-centric streaming protocol.

A run is started with a command (``POST /threads/{id}/commands``, ``run.start``) and its events
are read from one connection (``POST /threads/{id}/stream/events``) that carries every channel.
The server replays the thread's whole history on each connection, numbering events with
``seq``; the stream keeps the events of the current run (from its ``running`` lifecycle event to
the one that ends or pauses it) in order, and each projection (``values``, ``messages``,
``tool_calls``, ...) walks them with its own cursor, reading the connection only when it has
caught up. So projections may be consumed one after another, or nested, and each sees the
whole run; nothing runs in a background thread.
"""

from __future__ import annotations

import threading
import time
import uuid
import weakref
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generator, Iterator, Mapping, Sequence

import requests

from .._exceptions import (
    APITimeoutError,
    InvalidRequestError,
    InvalidResponseError,
    NotFoundError,
    RunError,
    StatelessClientError,
    StreamClosedError,
    snippet,
)
from .._http.event_connection import EventConnection, check_event_stream
from .._http.failures import command_error
from .._http.headers import Headers
from .._http.observe import CLOSED, COMPLETED, outcome_of, started_at, stream_ended
from .._http.retries import Retry
from .._http.urls import path
from .._models import StreamPart
from .._resources.assistants import Assistants
from .._resources.runs import Runs
from ..sse import LongData
from ..types import QueryParamTypes
from .events import CHANNELS, Event, InterruptPayload, data_of, matches
from .handles import SubgraphsProjection
from .interleave import interleave
from .projections import (
    ExtensionsProjection,
    MessagesProjection,
    ToolCallsProjection,
    ValuesProjection,
)
from .turn import STARTED, TERMINAL, TextBlock, Turn, lifecycle_phase, parsed

if TYPE_CHECKING:
    from .._http.options import RequestOptions
    from .._http.transport import Transport
    from .._resources.threads import Threads

__all__ = ["ThreadStream", "ThreadRun", "ThreadAgent"]

# The server sends a heartbeat every 5 s. After this long with heartbeats only, the run being
# waited for is looked up (see ``ThreadStream._check_stalled``).
STALL_SECONDS = 4.0
_GOING = frozenset({"pending", "running"})


class ThreadRun:
    """``thread.run``: start a run on the stream's thread, or answer its interrupt."""

    def __init__(self, owner: ThreadStream) -> None:
        self._owner = owner

    def start(
        self,
        *,
        input: Any = None,
        config: Mapping[str, Any] | None = None,
        metadata: Mapping[str, Any] | None = None,
        langsmith_tracing: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Start a run of the stream's assistant on its thread (creating the thread if needed).

        Returns:
            The server's answer, ``{"run_id": ...}``. The projections now follow this run.

        Raises:
            CommandError: the server refused the run; ``UnprocessableEntityError`` (and the
                other status errors) when it reported an HTTP status, e.g. an unknown assistant.
        """
        params: dict[str, Any] = {"assistant_id": self._owner.assistant_id}
        for key, value in (("input", input), ("config", config), ("metadata", metadata),
                           ("langsmith_tracer", langsmith_tracing)):
            if value is not None:
                params[key] = value
        result = self._owner._command("run.start", params)
        run_id = result.get("run_id")
        self._owner._begin_turn(str(run_id) if run_id else None)
        return result

    def respond(self, response: Any, *, interrupt_id: str | None = None) -> dict[str, Any]:
        """Answer the run's interrupt and resume it; the projections then follow the resumed run.

        Args:
            response: the value ``interrupt(...)`` returns in the graph.
            interrupt_id: which interrupt; may be left out when exactly one is outstanding.

        Raises:
            InvalidRequestError: no interrupt is outstanding, several are and none was named,
                or ``interrupt_id`` is not one of them (nothing is sent).
            CommandError: the server refused the answer.
        """
        outstanding = self._owner.interrupts
        if interrupt_id is None:
            if len(outstanding) != 1:
                ids = [item["interrupt_id"] for item in outstanding]
                raise InvalidRequestError(
                    f"thread {self._owner.thread_id}: run.respond needs interrupt_id= when "
                    f"{len(outstanding)} interrupts are outstanding {ids}"
                )
            chosen = outstanding[0]
        else:
            found = [item for item in outstanding if item["interrupt_id"] == interrupt_id]
            if not found:
                raise InvalidRequestError(
                    f"thread {self._owner.thread_id}: no outstanding interrupt {interrupt_id!r} "
                    f"(outstanding: {[item['interrupt_id'] for item in outstanding]})"
                )
            chosen = found[0]
        result = self._owner._command(
            "input.respond",
            {"interrupt_id": chosen["interrupt_id"], "namespace": chosen["namespace"], "response": response},
        )
        self._owner._begin_turn(None, resumes=self._owner.run_id)
        return result


class ThreadAgent:
    """``thread.agent``: the stream's assistant."""

    def __init__(self, owner: ThreadStream) -> None:
        self._owner = owner

    def get_tree(
        self,
        *,
        xray: int | bool = False,
        headers: Mapping[str, str] | None = None,
        params: QueryParamTypes | None = None,
    ) -> dict[str, list[dict[str, Any]]]:
        """The assistant's graph: ``client.assistants.get_graph`` with the stream's headers,
        timeout and retries (``headers`` here are added to the stream's)."""
        owner = self._owner
        owner._ensure_open()
        return Assistants(owner._transport).get_graph(
            owner.assistant_id, xray=xray, headers=owner._headers.merged(headers), params=params,
            timeout=owner._options.timeout, max_retries=owner._options.max_retries,
        )


class ThreadStream:
    """One thread's events over the thread-centric protocol: ``client.threads.stream(...)``.

    Use it as a context manager; start a run with ``thread.run.start(input=...)``, then read
    its events through a projection: ``values`` (the state after each step), ``messages``
    (each model message as it streams), ``tool_calls``, ``extensions[name]`` (a custom
    channel), ``events`` (every event) or ``subscribe(channels, ...)``. Each projection walks
    the whole run from its start and ends when the run finishes or pauses at an interrupt; a
    new iteration after ``run.respond(...)`` follows the resumed run. ``output`` waits for the
    run and returns the thread's state.

    Examples:
        >>> with client.threads.stream(assistant_id="tokens") as thread:
        ...     run = thread.run.start(input={"messages": [{"role": "human", "content": "hi"}]})
        ...     for message in thread.messages:
        ...         for piece in message.text:  # as the model streams it
        ...             print(repr(piece), end=" ")
        ...     state = thread.output
        'Hello' ' ' 'Bagatur!' ' ' 'Nice' ' ' 'to' ' ' 'meet' ' ' 'you.'
        >>> state["messages"][-1]["content"]  # the model's content blocks, as the server stores them
        [{'type': 'text', 'text': 'Hello Bagatur! Nice to meet you.', 'index': 0}]

    Attributes:
        thread_id: the thread (minted here when none was given; ``run.start`` creates it).
        assistant_id: the assistant every run of this stream uses.
        run: ``start(...)`` and ``respond(...)``.
        agent: ``get_tree(...)``, the assistant's graph.
    """

    def __init__(
        self,
        transport: Transport,
        *,
        thread_id: str | None,
        assistant_id: str,
        options: RequestOptions,
        threads: Threads,
        headers: Mapping[str, str] | None = None,
        run_start_timeout: float | None = None,
    ) -> None:
        self.thread_id = thread_id if thread_id is not None else str(uuid.uuid4())
        self.assistant_id = assistant_id
        self._explicit_thread = thread_id is not None
        self._transport = transport
        self._options = options
        self._headers = Headers(headers or ())  # the stream's own (``options`` has them merged)
        self._threads = threads
        self._runs = Runs(transport)
        self._run_start_timeout = run_start_timeout
        self.run = ThreadRun(self)
        self.agent = ThreadAgent(self)
        self.values = ValuesProjection(self)
        self.messages = MessagesProjection(self)
        self.tool_calls = ToolCallsProjection(self)
        self.extensions = ExtensionsProjection(self)
        self.subgraphs = SubgraphsProjection(self)
        self.subagents = self.subgraphs
        # The messages and tool calls handed out: settled (given what was received) at close.
        self._live: weakref.WeakSet[Any] = weakref.WeakSet()
        self._command_ids = 0
        # Held while the connection is read (by whichever reader has caught up) and while
        # the turn changes; never while an event is handed to a caller.
        self._lock = threading.RLock()
        self._entered = False
        self._closed = False
        self._current = Turn()
        # The connection, and which events it has delivered (kept across reconnects).
        self._connection: _ThreadConnection | None = None
        self._parts: Generator[StreamPart | None, None, None] | None = None
        self._last_seq: int | None = None
        self._seen: set[str] = set()  # event IDs of events that carry no ``seq``
        self._text: str | None = None  # the JSON text of the event just admitted
        self._run_open = False  # whether a run's ``running`` came on the connection, not yet its end

    # -- lifecycle ---------------------------------------------------------------------------

    def __enter__(self) -> ThreadStream:
        if self._closed:
            raise StreamClosedError("this ThreadStream is closed; open another with client.threads.stream()")
        self._entered = True
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection and drop the events received. Idempotent, and safe from any
        thread: a read blocked in another thread wakes up with ``StreamClosedError``. The run
        itself goes on on the server.

        Messages and tool calls already handed out keep what was received: a message's text
        reads whole if it finished, else raises ``StreamClosedError`` after its received pieces.
        """
        if not self._closed:
            self._settle_live(None if self._turn_ended else StreamClosedError(
                f"ThreadStream of thread {self.thread_id} was closed before this finished"))
        self._closed = True
        if self._lock.acquire(blocking=False):
            try:
                self._disconnect()
            finally:
                self._lock.release()
        elif (connection := self._connection) is not None:
            connection.abort()  # the reader holding the lock disconnects when it wakes
        self._current.release()
        self._seen = set()

    def _ensure_open(self) -> None:
        if self._closed:
            raise StreamClosedError(f"ThreadStream of thread {self.thread_id} was closed")
        if not self._entered:
            raise StreamClosedError("use the ThreadStream as a context manager: with client.threads.stream(...) as t")

    def __repr__(self) -> str:
        state = "closed" if self._closed else ("ended" if self._current.ended else "open")
        return f"<ThreadStream thread={self.thread_id} assistant={self.assistant_id!r} {state}>"

    # -- what the caller reads -----------------------------------------------------------------

    @property
    def run_id(self) -> str | None:
        """The run being followed, once known."""
        return self._current.run_id

    @property
    def interrupted(self) -> bool:
        """Whether the run stopped at an interrupt. Waits for the run to finish or pause."""
        self._drain()
        terminal = self._current.terminal
        return bool(terminal is not None and lifecycle_phase(terminal) == "interrupted")

    @property
    def interrupts(self) -> list[InterruptPayload]:
        """The interrupts the run waits on (``interrupt_id``, ``value``, ``namespace``); waits
        for the run to finish or pause, like ``interrupted``."""
        self._drain()
        return list(self._current.interrupts) if self.interrupted else []

    @property
    def output(self) -> Any:
        """The thread's state values once the run has finished (or paused at an interrupt).

        With no run started on this stream, the thread's latest run is waited for (if one is
        going on) and its state returned.

        Raises:
            RunError: the run failed; the server's error type and message are in it.
        """
        self._ensure_open()
        if self._current.number == 0:
            self._attach()
        self._drain()
        terminal = self._current.terminal
        if terminal is not None and lifecycle_phase(terminal) == "failed":
            raise self._failure()
        return self._state().get("values")

    @property
    def events(self) -> Iterator[Event]:
        """Every event of the run, raw, as the server sent it: every channel (``checkpoints``
        included) and namespace, from the run's start to the event that ends or pauses it.
        Each access is a new iteration from the run's start."""
        return self._walk()

    def interleave_projections(self, channels: Sequence[str]) -> Iterator[tuple[str, Any]]:
        """Several projections of the root graph merged in arrival order, as ``(name, item)``.

        ``channels``: ``"values"``, ``"messages"``, ``"tool_calls"``, ``"subgraphs"``,
        ``"updates"``, ``"checkpoints"``, ``"tasks"``, or an extension's name (its payloads, under
        that name). Messages and tool calls are yielded as they start: their text and
        ``output`` wait for the rest. ``values`` yields no REST snapshot first.

        Raises:
            InvalidRequestError: ``"lifecycle"``, ``"tools"`` (use ``"tool_calls"``) or
                ``"input"``: protocol channels with no projection (nothing is read).
        """
        return interleave(self, channels)

    # -- what projections build on (see ``projections.Scope``) -----------------------------------

    def _received(self, start: int) -> list[Event]:
        """The current run's events from ``start`` that have already been received."""
        return [parsed(entry, index) for index, entry in enumerate(self._events[start:], start)]

    def _track(self, item: Any) -> None:
        self._live.add(item)

    def _settle_live(self, cut: StatelessClientError | None) -> None:
        """Let each message and tool call handed out take what it has received, as the
        events are about to go. Skipped when another thread is reading (a ``close`` from
        elsewhere): settling under its feet could apply an event twice; its holders then get
        ``StreamClosedError`` for what they had not read."""
        if not self._lock.acquire(blocking=False):
            return
        try:
            live, self._live = list(self._live), weakref.WeakSet()
            for item in live:
                item._settle(cut)
        finally:
            self._lock.release()

    def _run_outcome(self) -> tuple[str | None, str | None]:
        """``(phase, error)`` of the run once it has ended or paused, else ``(None, None)``."""
        if not self._turn_ended or self._terminal is None:
            return None, None
        error = (data_of(self._terminal) or {}).get("error")
        return lifecycle_phase(self._terminal), (str(error) if error else None)

    def _snapshot(self) -> Any:
        """The thread's state values now, from the API: ``thread.values``'s first item."""
        self._ensure_open()
        if self._turn == 0:
            self._attach()
        state = self._state()
        return state.get("values") if isinstance(state, dict) else state

    def subscribe(
        self,
        channels: Sequence[str],
        *,
        namespaces: Sequence[Sequence[str]] | None = None,
        depth: int | None = None,
    ) -> Iterator[Event]:
        """The run's events on ``channels`` (``"values"``, ``"messages"``, ``"tools"``,
        ``"custom:<name>"``...), in namespaces starting with one of ``namespaces``, at most
        ``depth`` levels below them.

        Raises:
            InvalidRequestError: an unknown channel (nothing is read).
        """
        if isinstance(channels, str):
            channels = [channels]
        unknown = [c for c in channels if c not in CHANNELS and not (isinstance(c, str) and c.startswith("custom:"))]
        if unknown or not channels:
            raise InvalidRequestError(f"unknown channel(s) {unknown or channels}; expected some of {CHANNELS} "
                                      "or 'custom:<name>'")
        wanted = list(channels)
        return (event for event in self._walk() if matches(event, wanted, namespaces, depth))

    # -- the turn's state, for the projections ------------------------------------------------

    @property
    def _turn(self) -> int:
        return self._current.number

    @property
    def _events(self) -> list[Event | TextBlock]:
        return self._current.events

    @property
    def _turn_ended(self) -> bool:
        return self._current.ended

    @property
    def _terminal(self) -> Event | None:
        return self._current.terminal

    @property
    def _interrupts(self) -> list[InterruptPayload]:
        return self._current.interrupts

    @property
    def _run_id(self) -> str | None:
        return self._current.run_id

    # -- the turn ------------------------------------------------------------------------------

    def _begin_turn(self, run_id: str | None, *, resumes: str | None = None) -> None:
        self._settle_live(None)  # the last run's events are about to go
        deadline = None if self._run_start_timeout is None else time.monotonic() + self._run_start_timeout
        with self._lock:
            self._current = Turn(number=self._current.number + 1, expected_run=run_id, run_id=run_id,
                                 resumes=resumes, deadline=deadline)

    def _attach(self) -> None:
        """Follow the thread's run: the case of a stream opened on an existing thread.

        The thread's state says, as for the SDK, whether a run is under way: with a next step
        or a task, the run that wrote it (its checkpoint's ``run_id``) is followed on the
        connection, which brings its lifecycle (going on, paused or failed). At rest, the
        thread's latest run is looked up, for one may be pending (not begun, so the state
        does not show it; the SDK misses it): followed if pending or running, else the turn is
        over at once, with that state.
        """
        if not self._explicit_thread:
            raise InvalidRequestError(
                f"thread {self.thread_id}: no run started on this stream; call thread.run.start() first"
            )
        state = self._state()
        if state.get("next") or state.get("tasks"):
            self._begin_turn(_state_run(state))
            return
        latest = self._latest_run() or {}
        if latest.get("status") in _GOING and latest.get("run_id"):
            self._begin_turn(str(latest["run_id"]))
            return
        self._begin_turn(None)
        self._current.end_at_rest(state)

    def _followed_run(self) -> Mapping[str, Any] | None:
        """The run this turn follows, as the API has it; ``None`` while it is not known yet."""
        turn = self._current
        if turn.expected_run:
            return self._runs.get(self.thread_id, turn.expected_run, **self._call_options())
        latest = self._latest_run()
        if latest is None or latest.get("run_id") in (None, turn.resumes):
            return None  # the resumed run is not there yet
        return latest

    def _latest_run(self) -> Mapping[str, Any] | None:
        """The thread's newest run, or ``None``."""
        runs = self._runs.list(self.thread_id, limit=1, **self._call_options())
        return runs[0] if runs else None

    def _state(self) -> dict[str, Any]:
        """The thread's state, as ``GET /threads/{id}/state`` answers (once only for a turn
        that found the thread at rest)."""
        if self._current.rest_state is not None:
            return self._current.rest_state
        return dict(self._threads.get_state(self.thread_id, **self._call_options()))

    def _call_options(self) -> dict[str, Any]:
        """The stream's headers, timeout and retries, for a call through a resource."""
        return {"headers": self._headers, "timeout": self._options.timeout, "max_retries": self._options.max_retries}

    def _check_stalled(self) -> None:
        """Called at a heartbeat: after ``STALL_SECONDS`` with no event, make sure the run is
        still going.

        ``langgraph dev`` 0.16.7 can fail to send a run's events on a connection that is
        already open (seen once: a resumed run's whole lifecycle never came, heartbeats only),
        while a new connection replays them. So when the run has stopped, reconnect once
        (with ``since``, the replay brings only the missed events); if the end still does not
        come, take it from the API. Never wait for events that will not arrive.
        """
        turn = self._current
        if time.monotonic() - turn.quiet_since < STALL_SECONDS:
            return
        turn.quiet_since = time.monotonic()  # once per quiet period
        run = self._followed_run()
        if run is None or run.get("status") in _GOING:
            return
        if not turn.replayed_for_stall:
            turn.replayed_for_stall = True
            if turn.started or _state_run(state := self._state()) == str(run.get("run_id")):
                self._disconnect()
                return
            # Stopped without a step of its own (cancelled while pending): nothing to replay.
            turn.end_from(run, lambda: state)
            return
        turn.end_from(run, self._state)

    def _connection_ended(self) -> str | None:
        """The server ended the connection cleanly before the turn's end: ``None`` (stop
        reading) once the turn ended, from the API if its run has stopped; else why to
        reconnect (the run goes on; a proxy may have cut a long response)."""
        turn = self._current
        if turn.ended or turn.number == 0:
            return None
        try:
            run = self._followed_run()
        except NotFoundError:
            turn.ended = True  # the server has no such run: nothing more will come of it
            return None
        if run is not None and run.get("status") not in _GOING:
            turn.end_from(run, self._state)
            return None
        return "the server ended the connection before the run ended"

    def _walk(self, start: int = 0) -> Iterator[Event]:
        """Yield the current turn's events from ``start``, reading more when caught up."""
        for _index, event in self._walk_indexed(start):
            yield event

    def _walk_indexed(self, start: int = 0) -> Iterator[tuple[int, Event]]:
        """``(index, event)`` of the current turn's events from ``start``, in order; ends
        with the turn, or when a new run starts. Any number of walks, in any threads."""
        self._ensure_open()
        if self._current.number == 0:
            self._attach()
        turn = self._current
        index = start
        cursor = turn.follow(start)  # keeps the events from here parsed for this walk
        try:
            while turn is self._current:  # a new run.start or respond ends the walks of the last run
                events = turn.events  # the list only grows, until close swaps it for an empty one
                if index < len(events):
                    entry = events[index]
                    index += 1
                    cursor.position = index
                    # Kept as text: every walk under way had passed it when this one started.
                    yield index - 1, (entry if isinstance(entry, dict) else entry.event(index - 1))
                elif not self._read_more(turn, index):
                    return
        finally:
            turn.unfollow(cursor)

    def _drain(self) -> None:
        self._ensure_open()
        turn = self._current
        if turn.number == 0:
            return
        while self._read_more(turn, len(turn.events)):
            pass

    def _read_more(self, turn: Turn, known: int) -> bool:
        """Read until ``turn`` has more than ``known`` events (another reader may have read
        them while this one waited for the lock); ``False`` when the turn is over."""
        with self._lock:
            while turn is self._current and len(turn.events) <= known:
                if self._closed:
                    self._disconnect()
                    raise StreamClosedError(f"ThreadStream of thread {self.thread_id} was closed")
                if turn.ended:
                    return False
                event = self._next_event(turn)
                if event is not None:
                    turn.quiet_since = time.monotonic()
                    turn.take(event, self._text, between_runs=not self._run_open)
                    phase = lifecycle_phase(event)
                    if phase in TERMINAL:
                        self._run_open = False
                    elif phase in STARTED:
                        self._run_open = True
                else:
                    self._check_stalled()
            return True

    def _failure(self) -> StatelessClientError:
        """The ``RunError`` for a failed run, with the server's error (from ``/join``)."""
        turn = self._current
        data = (turn.terminal or {}).get("params", {}).get("data") or {}
        if isinstance(data, dict) and data.get("error"):
            return RunError(run_id=turn.run_id, error="Error", detail=str(data["error"]))
        if turn.run_id:
            try:
                self._runs.join(self.thread_id, turn.run_id, **self._call_options())
            except RunError as error:
                return error
        return RunError(run_id=turn.run_id, error="Error", detail="the run failed (the server sent no detail)")

    # -- the wire ------------------------------------------------------------------------------

    def _events_url(self) -> str:
        return self._transport.url(path("threads", self.thread_id, "stream", "events"))

    def _command(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        self._ensure_open()
        with self._lock:
            self._command_ids += 1
            command_id = self._command_ids
        url_path = path("threads", self.thread_id, "commands")
        response = self._transport.request(
            "POST", url_path, self._options, json={"id": command_id, "method": method, "params": params},
            retry=Retry.STARTS_RUN,
        )
        answer = self._transport.read_json(response, self._options, empty_ok=True)
        if answer is None:
            return {}
        url = response.url
        if not isinstance(answer, dict) or answer.get("type") not in ("success", "error"):
            raise InvalidResponseError(f"POST {url}: not a command answer: {answer!r:.200}", method="POST",
                                       url=url, snippet=snippet(repr(answer)))
        if answer["type"] == "error":
            raise command_error(answer, command=method, thread_id=self.thread_id, url=url, response=response)
        meta = answer.get("meta")
        through = meta.get("applied_through_seq") if isinstance(meta, dict) else None
        if isinstance(through, int) and not isinstance(through, bool) and through >= 0:
            with self._lock:  # the events up to it came before the command: read from there
                if self._last_seq is None or through > self._last_seq:
                    self._last_seq = through
        result = answer.get("result")
        return result if isinstance(result, dict) else {}

    def _next_event(self, turn: Turn) -> Event | None:
        """The connection's next new event (``None`` at a heartbeat, or when the connection
        ended with the turn); connects first if needed."""
        if turn.deadline is not None and not turn.started and time.monotonic() > turn.deadline:
            raise APITimeoutError(
                f"run {turn.run_id or '(next)'} on thread {self.thread_id} did not start within "
                f"run_start_timeout={self._run_start_timeout} s", method="POST", url=self._events_url(),
            )
        if self._parts is None:
            self._connect()
        assert self._parts is not None
        try:
            part = next(self._parts)
        except StopIteration:
            self._disconnect(COMPLETED)
            return None
        except StreamClosedError:
            self._disconnect()
            raise StreamClosedError(f"ThreadStream of thread {self.thread_id} was closed") from None
        except BaseException as exc:
            self._disconnect(outcome_of(exc), exc)
            raise
        return None if part is None else part[1]  # admitted: a dict

    def _admit(self, value: object, text: str | LongData) -> bool:
        """Check an event's data; ``False`` for one already delivered (a replay). Keeps a new
        one's ``text`` in ``_text`` for ``Turn.take`` (a long one's stays parsed: see ``LongData``)."""
        if not isinstance(value, dict):
            url = self._events_url()
            quoted = snippet(repr(value))
            raise InvalidResponseError(f"POST {url}: event data is not an object: {quoted!r}",
                                       method="POST", url=url, snippet=quoted)
        if value.get("type") == "error":
            # The server's last word before it closes a stream whose read failed.
            raise command_error(value, command="stream/events", thread_id=self.thread_id, url=self._events_url(),
                                response=None)
        seq = value.get("seq")
        if isinstance(seq, int):  # the server numbers a thread's events in order: a replay is behind
            if self._last_seq is not None and seq <= self._last_seq:
                return False
            self._last_seq = seq
        elif isinstance(event_id := value.get("event_id"), str):
            if event_id in self._seen:
                return False
            self._seen.add(event_id)
        self._text = text if type(text) is str else None
        return True

    def _disconnect(self, outcome: str = CLOSED, error: BaseException | None = None) -> None:
        """Close the connection; its one record says how it ended (``observe``)."""
        parts, connection, self._parts, self._connection = self._parts, self._connection, None, None
        if parts is not None:
            parts.close()  # a generator: closes its response
        if connection is not None:
            if self._current.ended and outcome == CLOSED:
                outcome = COMPLETED  # dropped after its run's end, to reconnect for the next one
            stream_ended("ThreadStream", method="POST", url=connection.url, run_id=self._current.run_id,
                         thread_id=self.thread_id, events=connection.delivered, received=connection.bytes_read,
                         started=connection.started, outcome=outcome, error=error, span=None)

    def _connect(self) -> None:
        response = self._open_events()
        check_event_stream(response)
        self._connection = connection = _ThreadConnection(self, response)
        self._parts = connection.parts()

    def _open_events(self) -> requests.Response:
        """``POST /threads/{id}/stream/events`` for every channel, after the last ``seq`` seen."""
        body: dict[str, Any] = {"channels": list(CHANNELS)}
        if self._last_seq is not None:
            body["since"] = self._last_seq  # the server replays the events after it
        options = self._options.with_headers({"accept": "text/event-stream", "cache-control": "no-store"})
        return self._transport.request(
            "POST", path("threads", self.thread_id, "stream", "events"), options, json=body, stream=True,
            retry=Retry.SAFE,
        )


def _state_run(state: Mapping[str, Any]) -> str | None:
    """The run that wrote a thread's state (its checkpoint's metadata names it)."""
    metadata = state.get("metadata")
    run_id = metadata.get("run_id") if isinstance(metadata, Mapping) else None
    return str(run_id) if run_id else None


class _ThreadConnection(EventConnection):
    """A thread's events over ``EventConnection``: reopened with ``since=<seq>``; replays are
    skipped by ``seq`` (by ``event_id`` for an event without one); a clean end before the run's
    asks the API whether the run has stopped."""

    kind = "ThreadStream"

    def __init__(self, owner: ThreadStream, response: requests.Response) -> None:
        super().__init__(owner._transport, response, options=owner._options, heartbeats=True)
        self.started = started_at(response)
        self.owner = owner
        self.admit = owner._admit

    def _on_clean_end(self) -> str | None:
        return self.owner._connection_ended()

    def _reopen(self, reason: str) -> requests.Response:
        return self.owner._open_events()

    def _run_id(self) -> str | None:
        return self.owner._current.run_id
