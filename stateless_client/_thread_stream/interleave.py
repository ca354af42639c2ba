"""``thread.interleave_projections(channels)``: several projections of the root graph merged
into one iteration, in the order their events arrived, as ``(name, item)`` pairs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterator, Sequence

from .._exceptions import InvalidRequestError
from .events import channel_of, data_of, namespace_of
from .handles import SubgraphTracker
from .projections import event_kind, message_stream, tool_call

if TYPE_CHECKING:
    from .stream import ThreadStream

__all__ = ["BUILT_IN", "interleave"]

#: The projections ``interleave_projections`` knows by name; any other name is an extension's.
BUILT_IN = ("values", "messages", "tool_calls", "subgraphs", "updates", "checkpoints", "tasks")
# Protocol channels with no projection: taken for an extension's name they would yield nothing.
_RESERVED = ("lifecycle", "tools", "input")


def _check(channels: Sequence[str]) -> list[str]:
    if isinstance(channels, str):
        channels = [channels]
    names = list(channels)
    for name in names:
        if not isinstance(name, str) or not name:
            raise InvalidRequestError(f"interleave_projections: a channel name must be a non-empty string, "
                                      f"not {name!r}")
        if name in _RESERVED:
            hint = ' (use "tool_calls")' if name == "tools" else ""
            raise InvalidRequestError(
                f"{name!r} is not a valid interleave_projections channel{hint}; expected some of "
                f"{', '.join(BUILT_IN)}, or an extension's name"
            )
    return names


def interleave(thread: ThreadStream, channels: Sequence[str]) -> Iterator[tuple[str, Any]]:
    """The items of the root graph's ``channels``, in arrival order, each as ``(name, item)``.

    ``values``, ``updates``, ``checkpoints``, ``tasks`` yield the root graph's payloads (no REST
    snapshot first, unlike ``thread.values``); ``messages`` a ``MessageStream`` and
    ``tool_calls`` a ``ToolCall`` as they start (their text and ``output`` wait for the rest);
    ``subgraphs`` a ``ScopedStreamHandle`` per child; any other name an extension's payloads
    (``custom:<name>``, every namespace), under that bare name.

    Raises:
        InvalidRequestError: a name that is a protocol channel with no projection
            (``lifecycle``, ``tools``: use ``tool_calls``, ``input``), checked before reading.
    """
    wanted = set(_check(channels))
    return _items(thread, wanted)


def _items(thread: ThreadStream, wanted: set[str]) -> Iterator[tuple[str, Any]]:
    tracker = SubgraphTracker(thread, ()) if "subgraphs" in wanted else None
    for index, event in thread._walk_indexed():
        if tracker is not None and (handle := tracker.feed(event)) is not None:
            yield "subgraphs", handle
        method = event.get("method")
        if method in ("values", "updates", "checkpoints", "tasks"):
            if method in wanted and not namespace_of(event):
                yield method, data_of(event)
        elif method == "messages":
            if "messages" in wanted and event_kind(event, "messages", []) == "message-start":
                yield "messages", message_stream(thread, index, event, [])
        elif method == "tools":
            if "tool_calls" in wanted and event_kind(event, "tools", []) == "tool-started":
                yield "tool_calls", tool_call(thread, index, event)
        elif method == "custom":
            channel = channel_of(event) or ""
            name = channel.partition(":")[2]
            if name and name in wanted and name not in BUILT_IN:
                yield name, data_of(event)
    if tracker is not None:
        tracker.finish(thread._run_outcome())
