"""The projections of a ``ThreadStream``: ``values``, ``messages``, ``tool_calls`` and
``extensions[name]``, each a view of the current run's events, for the root graph or (on a
subgraph's handle, ``handles.ScopedStreamHandle``) for one namespace.

Each iteration walks the run from its first event with its own cursor (``_walk_indexed`` of the
thread stream or of the handle), so projections can be read in any order, or nested, and each
sees the whole run.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterator, Protocol, Sequence

from .._exceptions import InvalidRequestError, StatelessClientError, ToolCallError
from .events import (
    Event,
    EventReader,
    MessageStream,
    ToolCall,
    channel_of,
    data_of,
    event_id_of,
    namespace_of,
)

if TYPE_CHECKING:
    from .stream import ThreadStream

__all__ = [
    "ExtensionProjection",
    "ExtensionsProjection",
    "MessagesProjection",
    "Scope",
    "ScopedValuesProjection",
    "ToolCallsProjection",
    "ValuesProjection",
    "event_kind",
    "message_stream",
    "tool_call",
]


class Scope(Protocol):
    """What a projection reads: the thread stream (the root graph) or a subgraph's handle."""

    def _walk_indexed(self, start: int = 0) -> Iterator[tuple[int, Event]]:
        """The current run's events from ``start``, with their index; ends with the run (or,
        for a handle, with its subgraph)."""

    def _received(self, start: int) -> list[Event]:
        """The current run's events from ``start`` already received."""

    def _track(self, item: Any) -> None:
        """Remember ``item`` (a ``MessageStream`` or ``ToolCall``) to settle it at close."""

    def _run_outcome(self) -> tuple[str | None, str | None]:
        """``(phase, error)``: how the run (or the subgraph) ended, ``(None, None)`` while going."""


def event_kind(event: Event, method: str, namespace: Sequence[str]) -> str | None:
    """``data.event`` of an event of ``method`` in exactly ``namespace``, else ``None``."""
    if event.get("method") != method or namespace_of(event) != list(namespace):
        return None
    data = data_of(event)
    kind = data.get("event") if isinstance(data, dict) else None
    return kind if isinstance(kind, str) else None


def message_stream(scope: Scope, index: int, start: Event, namespace: Sequence[str]) -> MessageStream:
    """The ``MessageStream`` whose ``message-start`` is the run's event ``index``.

    A message's events are the namespace's message events up to its ``message-finish`` (or the
    next ``message-start``, for a provider that sends no finish); an event naming another
    message's ID is not this message's.
    """
    own_id = event_id_of(data_of(start) or {})

    def accept(event: Event) -> bool | None:
        kind = event_kind(event, "messages", namespace)
        if kind is None:
            return False
        if kind == "message-start":
            return None
        other = event_id_of(data_of(event) or {})
        return other is None or own_id is None or other == own_id

    message = MessageStream(start, EventReader(scope, index + 1, accept))
    scope._track(message)
    return message


def tool_call(scope: Scope, index: int, started: Event) -> ToolCall:
    """The ``ToolCall`` whose ``tool-started`` is the run's event ``index``."""
    namespace = namespace_of(started)
    call_id = str((data_of(started) or {}).get("tool_call_id", ""))

    def accept(event: Event) -> bool:
        data = data_of(event)
        return (event.get("method") == "tools" and namespace_of(event) == namespace and isinstance(data, dict)
                and str(data.get("tool_call_id", "")) == call_id)

    def unfinished() -> StatelessClientError:
        return _unfinished(call, scope._run_outcome())

    call = ToolCall(started, EventReader(scope, index + 1, accept), unfinished)
    scope._track(call)
    return call


def _unfinished(call: ToolCall, outcome: tuple[str | None, str | None]) -> ToolCallError:
    """The error of a tool call whose events ended before it finished: how the run ended."""
    phase, error = outcome
    if phase == "failed":
        # "Run errored: ..." is the official SDK's message for this case.
        detail = f"the run failed before the tool finished (Run errored: {error or 'no detail'})"
    elif phase == "interrupted":
        detail = "the run paused at an interrupt before the tool finished (stream closed before terminal tool event)"
    else:
        detail = "the run ended before the tool finished (stream closed before terminal tool event)"
    return ToolCallError(tool_call_id=call.tool_call_id, name=call.name, detail=detail)


class ValuesProjection:
    """``thread.values``: the thread's state when iterating starts (a REST snapshot: ``{}`` on a
    new thread, the final state once the run has ended), then the root graph's state after each
    step of the run, as the official SDK yields them."""

    def __init__(self, owner: ThreadStream) -> None:
        self._owner = owner

    def __iter__(self) -> Iterator[Any]:
        walk = self._owner._walk()
        yield self._owner._snapshot()
        for event in walk:
            if event.get("method") == "values" and not namespace_of(event):
                yield data_of(event)

    def get(self) -> Any:
        """The state when the run stopped: ``thread.output``."""
        return self._owner.output


class ScopedValuesProjection:
    """``handle.values``: a subgraph's state after each of its steps, as the server sends them."""

    def __init__(self, scope: Scope, namespace: Sequence[str]) -> None:
        self._scope = scope
        self._namespace = list(namespace)

    def __iter__(self) -> Iterator[Any]:
        for _index, event in self._scope._walk_indexed():
            if event.get("method") == "values" and namespace_of(event) == self._namespace:
                yield data_of(event)

    def get(self) -> Any:
        """The subgraph's last state (waits for it to end); ``None`` if it sent none."""
        last = None
        for state in self:
            last = state
        return last


class MessagesProjection:
    """``thread.messages`` (and ``handle.messages``): a ``MessageStream`` per message a chat model
    streams in the namespace, yielded as it starts, so its text can be read as it arrives."""

    def __init__(self, scope: Scope, namespace: Sequence[str] = ()) -> None:
        self._scope = scope
        self._namespace = list(namespace)

    def __iter__(self) -> Iterator[MessageStream]:
        for index, event in self._scope._walk_indexed():
            if event_kind(event, "messages", self._namespace) == "message-start":
                yield message_stream(self._scope, index, event, self._namespace)


class ToolCallsProjection:
    """``thread.tool_calls`` (and ``handle.tool_calls``): each tool call in the namespace,
    yielded when it has finished (in the order they started), so ``output`` is ready.

    A call the run ended before it finished is yielded failed: its ``output`` raises
    ``ToolCallError`` saying how the run ended (a failed run's error in it).
    """

    def __init__(self, scope: Scope, namespace: Sequence[str] = ()) -> None:
        self._scope = scope
        self._namespace = list(namespace)

    def __iter__(self) -> Iterator[ToolCall]:
        for index, event in self._scope._walk_indexed():
            if event_kind(event, "tools", self._namespace) == "tool-started":
                call = tool_call(self._scope, index, event)
                call._complete()  # reads on to its end; the events read are walked next
                yield call


class ExtensionsProjection:
    """``thread.extensions[name]``: the payloads a graph sends on the custom channel ``name``
    (``get_stream_writer()({"name": name, ...})``), from every namespace; on a subgraph's handle,
    from its namespace and those below it."""

    def __init__(self, scope: Scope, namespace: Sequence[str] | None = None) -> None:
        self._scope = scope
        self._namespace = None if namespace is None else list(namespace)
        self._cache: dict[str, ExtensionProjection] = {}

    def __getitem__(self, name: str) -> ExtensionProjection:
        """The projection of the custom channel ``name`` (the same object for the same name).

        Raises:
            InvalidRequestError: ``name`` is empty or not a string (a ``ValueError``).
        """
        if not isinstance(name, str) or not name:
            raise InvalidRequestError(f"extension name must be a non-empty string, not {name!r}")
        if name not in self._cache:
            self._cache[name] = ExtensionProjection(self._scope, name, self._namespace)
        return self._cache[name]


class ExtensionProjection:
    """The payloads of one custom channel (``thread.extensions[name]``); iterable again and again."""

    def __init__(self, scope: Scope, name: str, namespace: list[str] | None) -> None:
        self._scope = scope
        self._channel = f"custom:{name}"
        self._namespace = namespace

    def __iter__(self) -> Iterator[Any]:
        prefix = self._namespace
        for _index, event in self._scope._walk_indexed():
            if (event.get("method") == "custom" and channel_of(event) == self._channel
                    and (prefix is None or namespace_of(event)[:len(prefix)] == prefix)):
                yield data_of(event)
