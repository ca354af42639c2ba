"""The projections of a ``ThreadStream``: ``values``, ``messages``, ``tool_calls`` and
``extensions[name]``, each a view of the current run's events.

Each iteration walks the run from its first event with its own cursor (``ThreadStream._walk``),
so projections can be read in any order, or nested, and each sees the whole run.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterator

from .events import Event, MessageStream, ToolCall, channel_of, data_of, namespace_of, root_event_kind

if TYPE_CHECKING:
    from .stream import ThreadStream

__all__ = ["ValuesProjection", "MessagesProjection", "ToolCallsProjection", "ExtensionsProjection"]


class ValuesProjection:
    """``thread.values``: the root graph's state after each step of the run."""

    def __init__(self, owner: ThreadStream) -> None:
        self._owner = owner

    def __iter__(self) -> Iterator[Any]:
        for event in self._owner._walk():
            if event.get("method") == "values" and not namespace_of(event):
                yield data_of(event)

    def get(self) -> Any:
        """The state when the run stopped: ``thread.output``."""
        return self._owner.output


class MessagesProjection:
    """``thread.messages``: a ``MessageStream`` per message a chat model streams in the root graph,
    yielded as it starts, so its text can be read as it arrives."""

    def __init__(self, owner: ThreadStream) -> None:
        self._owner = owner

    def __iter__(self) -> Iterator[MessageStream]:
        for index, event in self._owner._walk_indexed():
            if root_event_kind(event, "messages") == "message-start":
                # The message reads its own events with a cursor of its own, from here on.
                yield MessageStream(event, _message_reader(self._owner._walk(start=index + 1)))


def _message_reader(walk: Iterator[Event]) -> Any:
    """The next event of the message whose events ``walk`` starts at (``None`` after its last).

    The protocol's message events carry no message ID after ``message-start``: a message's
    events are the root graph's message events up to its ``message-finish`` (or the next
    ``message-start``, for a provider that sends no finish).
    """
    def read_more() -> Event | None:
        for event in walk:
            kind = root_event_kind(event, "messages")
            if kind == "message-start":
                return None
            if kind is not None:
                return event
        return None
    return read_more


class ToolCallsProjection:
    """``thread.tool_calls``: each tool call of the root graph, yielded when it has finished
    (in the order they started), so ``output`` is ready."""

    def __init__(self, owner: ThreadStream) -> None:
        self._owner = owner

    def __iter__(self) -> Iterator[ToolCall]:
        pending: list[ToolCall] = []
        by_id: dict[str, ToolCall] = {}
        for event in self._owner._walk():
            if event.get("method") != "tools" or namespace_of(event):
                continue
            data = data_of(event) or {}
            if data.get("event") == "tool-started":
                started = ToolCall(event)
                pending.append(started)
                by_id[started.tool_call_id] = started
            elif (call := by_id.get(str(data.get("tool_call_id")))) is not None:
                call._apply(data)
            while pending and pending[0].done:
                yield pending.pop(0)
        yield from pending  # the run stopped before these finished


class ExtensionsProjection:
    """``thread.extensions[name]``: the payloads a graph sends on the custom channel ``name``."""

    def __init__(self, owner: ThreadStream) -> None:
        self._owner = owner

    def __getitem__(self, name: str) -> Iterator[dict[str, Any]]:
        if not isinstance(name, str) or not name:
            raise KeyError(name)
        return self._iter(name)

    def _iter(self, name: str) -> Iterator[dict[str, Any]]:
        channel = f"custom:{name}"
        for event in self._owner._walk():
            if event.get("method") == "custom" and channel_of(event) == channel:
                yield data_of(event)
