"""What a thread stream's events add up to: a model's message, a tool call, an interrupt.

The thread-centric protocol (``POST /threads/{id}/stream/events``) sends each event as
``{"type": "event", "seq": 7, "event_id": ..., "method": "messages", "params": {"namespace":
[...], "timestamp": ..., "data": {...}}}``. The classes here are built from those events by
``ThreadStream``'s projections; they read more of the stream only when asked for something
that has not arrived yet.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Iterator, List, Optional, Protocol, Sequence, TypedDict

from .._exceptions import MessageError, StatelessClientError, ToolCallError
from .._models import _Model

__all__ = [
    "CHANNELS",
    "Event",
    "EventReader",
    "EventSource",
    "InterruptPayload",
    "MessageOutput",
    "MessageStream",
    "TextStream",
    "ToolCall",
    "channel_of",
    "matches",
    "namespace_of",
    "data_of",
    "root_event_kind",
]

#: Every channel the server offers. ``custom`` covers every ``custom:<name>`` channel.
CHANNELS = ("values", "updates", "messages", "tools", "lifecycle", "input", "checkpoints", "tasks", "custom")

#: One protocol event, as the server sent it.
Event = Dict[str, Any]


class InterruptPayload(TypedDict):
    """An interrupt the run is waiting on (``thread.interrupts``), as the official SDK names it."""

    interrupt_id: str
    value: Any
    namespace: List[str]


def data_of(event: Event) -> Any:
    """``params.data`` of an event, or ``None``."""
    params = event.get("params")
    return params.get("data") if isinstance(params, dict) else None


def namespace_of(event: Event) -> list[str]:
    """``params.namespace`` of an event (``[]``, the root graph, when absent or malformed)."""
    params = event.get("params")
    namespace = params.get("namespace") if isinstance(params, dict) else None
    return namespace if isinstance(namespace, list) else []


def root_event_kind(event: Event, method: str) -> str | None:
    """``data.event`` of a root-graph event of ``method`` (``"running"`` of a lifecycle event,
    ``"message-start"`` of a messages event...), else ``None``."""
    if event.get("method") != method or namespace_of(event):
        return None
    data = data_of(event)
    kind = data.get("event") if isinstance(data, dict) else None
    return kind if isinstance(kind, str) else None


def channel_of(event: Event) -> str | None:
    """The channel an event belongs to: ``"input"`` for ``input.requested``,
    ``"custom:<name>"`` for a named custom event, else its ``method``."""
    method = event.get("method")
    if method == "input.requested":
        return "input"
    if method == "custom":
        data = data_of(event)
        name = data.get("name") if isinstance(data, dict) else None
        return f"custom:{name}" if isinstance(name, str) and name else "custom"
    return method if isinstance(method, str) else None


def _segment_matches(prefix: str, segment: str) -> bool:
    # ``"child"`` matches ``"child:<task id>"``, as the server's filter does.
    return segment == prefix or (":" not in prefix and segment.split(":", 1)[0] == prefix)


def matches(
    event: Event, channels: Sequence[str], namespaces: Sequence[Sequence[str]] | None, depth: int | None
) -> bool:
    """Whether ``event`` passes a subscription filter (the server's rules, applied here)."""
    channel = channel_of(event)
    if channel is None or not (channel in channels or (channel.startswith("custom") and "custom" in channels)):
        return False
    if not namespaces:
        return True
    namespace = namespace_of(event)
    for prefix in namespaces:
        if (len(prefix) <= len(namespace) and all(map(_segment_matches, prefix, namespace))
                and (depth is None or len(namespace) - len(prefix) <= depth)):
            return True
    return False


class EventSource(Protocol):
    """Where an ``EventReader`` reads: the thread stream, or a subgraph's handle on it."""

    def _walk_indexed(self, start: int = 0) -> Iterator[tuple[int, Event]]:
        """The current run's events from ``start`` (with their index), reading more as needed."""

    def _received(self, start: int) -> list[Event]:
        """The current run's events from ``start`` that have already been received."""


class EventReader:
    """The events of one message or tool call: the run's events from ``start`` that ``accept``
    takes (``True``), skipping the others (``False``), up to one that ends them (``None``).

    Called for the next event (``None`` after the last). ``settle()`` makes it read on from the
    events already received only: the stream calls it (through the object it feeds) when it
    closes or follows another run, so what arrived stays readable afterwards.
    """

    def __init__(self, source: EventSource, start: int, accept: Callable[[Event], bool | None]) -> None:
        self._source = source
        self._position = start  # the index of the next event to look at
        self._accept = accept
        self._events: Iterator[Event] | None = None
        self._ended = False
        self.settled = False
        self.exhausted = False  # the events ran out (the run ended, or, settled, those received)

    def _walk(self) -> Iterator[Event]:
        for index, event in self._source._walk_indexed(self._position):
            self._position = index + 1
            yield event

    def __call__(self) -> Event | None:
        if self._ended:
            return None
        if self._events is None:
            self._events = self._walk()
        for event in self._events:
            verdict = self._accept(event)
            if verdict is None:
                self._ended = True
                return None
            if verdict:
                return event
        self._ended = self.exhausted = True
        return None

    def settle(self) -> None:
        """From now on, read only what has been received (nothing more will be)."""
        if self.settled or self._ended:
            self.settled = True
            return
        self.settled = True
        received = self._source._received(self._position)
        self._position += len(received)
        self._events = iter(received)


def _settle_reader(reader: Callable[[], Event | None]) -> None:
    settle = getattr(reader, "settle", None)
    if settle is not None:
        settle()


def event_id_of(data: dict[str, Any]) -> str | None:
    """The message ID a ``messages`` event's data names (``id`` or ``message_id``), if any."""
    found = data.get("id") or data.get("message_id")
    return str(found) if found is not None else None


@dataclass(frozen=True, eq=False, repr=False)
class MessageOutput(_Model):
    """A finished model message (``MessageStream.output``): attributes, and reads as the dict
    ``{"id", "role", "content", "usage"}``."""

    id: Optional[str] = None
    role: Optional[str] = None
    content: List[Dict[str, Any]] = field(default_factory=list)
    usage: Optional[Dict[str, Any]] = None


class TextStream:
    """A message's text (or reasoning) as it streams: iterate for the pieces as they come,
    ``str()`` (or ``print``) for the whole, which waits for the message to finish.

    Compares equal to the whole text as a ``str``.
    """

    def __init__(self, message: MessageStream, kind: str) -> None:
        self._message = message
        self._kind = kind

    def __iter__(self) -> Iterator[str]:
        """Yield the pieces, reading more of the stream when the ones received are used up."""
        pieces = self._message._pieces[self._kind]
        index = 0
        while True:
            while index < len(pieces):
                yield pieces[index]
                index += 1
            if not self._message._read_more():
                if self._message._failure is not None:
                    raise self._message._failure
                return

    def get(self) -> str:
        """The whole text; waits for the message to finish.

        Raises:
            MessageError: the model failed mid-message (the pieces received before are still
                yielded by iterating, then this is raised).
            StreamClosedError: the stream was closed before the message finished (likewise).
        """
        text = self._whole()
        if self._message._failure is not None:
            raise self._message._failure
        return text

    def _whole(self) -> str:
        self._message._finish()
        return "".join(self._message._pieces[self._kind])

    def __str__(self) -> str:
        return self.get()

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (str, TextStream)):
            return self._whole() == (other._whole() if isinstance(other, TextStream) else other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # equal to a str, so not hashable like one

    def __bool__(self) -> bool:
        return bool(self._whole())

    def __repr__(self) -> str:
        so_far = "".join(self._message._pieces[self._kind])
        return repr(so_far) if self._message.done else f"<TextStream {so_far!r}...>"


def _delta_of(data: dict[str, Any]) -> dict[str, Any]:
    """A ``content-block-delta``'s delta. The protocol's shape is ``{"delta": {"type":
    "text-delta", "text": ...}}``; ``langgraph dev`` 0.16.7 also sends the older one, the slice
    as a block: ``{"content": {"type": "text", "text": ...}}`` (or ``content_block``)."""
    delta = data.get("delta")
    if isinstance(delta, dict):
        return delta
    block = data.get("content_block") or data.get("content")
    if isinstance(block, dict):
        if block.get("type") == "text":
            return {"type": "text-delta", "text": block.get("text", "")}
        if block.get("type") == "reasoning":
            return {"type": "reasoning-delta", "reasoning": block.get("reasoning", "")}
    return {}


class MessageStream:
    """One message a chat model streams: ``text`` and ``reasoning`` as they arrive, then its
    finished content blocks, tool calls and token usage.

    Attributes:
        message_id: the message's ID.
        namespace: where in the graph it was produced (``[]``: the root graph).
        node: the graph node that produced it, when the server says.
        role: the author's role (``"ai"``).
        metadata: the provider and model metadata of the ``message-start`` event.
    """

    def __init__(self, start: Event, read_more: Callable[[], Event | None]) -> None:
        """``read_more``: the message's next event, ``None`` after its last (an ``EventReader``)."""
        data = data_of(start) or {}
        params = start.get("params") or {}
        self.message_id: str | None = data.get("id") or data.get("message_id")
        self.namespace: list[str] = namespace_of(start)
        self.node: str | None = params.get("node") if isinstance(params, dict) else None
        self.role: str | None = data.get("role")
        self.metadata: dict[str, Any] = data.get("metadata") or {}
        self.usage: dict[str, Any] | None = None
        self.error: str | None = None
        self.done = False
        self._blocks: dict[int, dict[str, Any]] = {}
        self._pieces: dict[str, list[str]] = {"text": [], "reasoning": []}
        self._next = read_more
        # Why the text stops short: the model failed (MessageError) or the stream closed first.
        self._failure: StatelessClientError | None = None

    @property
    def text(self) -> TextStream:
        """The text: iterate for the pieces as they stream; ``str()`` for the whole."""
        return TextStream(self, "text")

    @property
    def reasoning(self) -> TextStream:
        """The reasoning (thinking) text, for models that send it."""
        return TextStream(self, "reasoning")

    @property
    def content_blocks(self) -> list[dict[str, Any]]:
        """The finished content blocks, in order (waits for the message to finish).

        Raises:
            MessageError: the model failed mid-message.
            StreamClosedError: the stream was closed before the message finished.
        """
        self._finish()
        if self._failure is not None:
            raise self._failure
        return [self._blocks[index] for index in sorted(self._blocks)]

    @property
    def tool_calls(self) -> list[dict[str, Any]]:
        """The tool calls the model asked for: its ``tool_call`` content blocks."""
        return [block for block in self.content_blocks if block.get("type") in ("tool_call", "tool_call_chunk")]

    @property
    def output(self) -> MessageOutput:
        """The finished message (waits for it): ``id``, ``role``, ``content`` (the content
        blocks) and ``usage``, as attributes and as a dict's keys (``output["id"]``).

        Raises:
            MessageError: the model failed mid-message.
            StreamClosedError: the stream was closed before the message finished.
        """
        content = self.content_blocks
        return MessageOutput.from_api({"id": self.message_id, "role": self.role, "content": content,
                                       "usage": self.usage})

    def _read_more(self) -> bool:
        """Apply the message's next event; ``False`` once it has finished."""
        if self.done:
            return False
        event = self._next()
        if event is None:  # the run ended (or paused) before ``message-finish``
            self.done = True
            return False
        self._apply(data_of(event) or {})
        return True

    def _finish(self) -> None:
        while self._read_more():
            pass

    def _settle(self, cut: StatelessClientError | None) -> None:
        """Take what has been received of the message; if that does not finish it, it ends
        there, failed with ``cut`` when given (the stream closed under it)."""
        if self.done:
            return
        _settle_reader(self._next)
        self._finish()
        if cut is not None and getattr(self._next, "exhausted", False):
            self._failure = cut

    def _apply(self, data: dict[str, Any]) -> None:
        kind = data.get("event")
        if kind == "content-block-delta":
            delta = _delta_of(data)
            delta_type = delta.get("type")
            if delta_type == "text-delta":
                self._pieces["text"].append(str(delta.get("text", "")))
            elif delta_type == "reasoning-delta":
                self._pieces["reasoning"].append(str(delta.get("reasoning", delta.get("text", ""))))
        elif kind in ("content-block-start", "content-block-finish"):
            index = data.get("index", len(self._blocks))
            content = data.get("content")
            if isinstance(content, dict):
                self._blocks[index] = content
                if kind == "content-block-finish":
                    self._reconcile(content)
        elif kind == "message-finish":
            self.usage = data.get("usage")
            self.done = True
        elif kind == "error":
            self.error = str(data.get("message", "")) or "the model failed"
            code = data.get("code")
            self._failure = MessageError(message_id=self.message_id, code=code if isinstance(code, str) else None,
                                         detail=self.error)
            self.done = True

    def _reconcile(self, block: dict[str, Any]) -> None:
        # A provider may send a block whole, with no deltas: its final form is the truth.
        for kind, key in (("text", "text"), ("reasoning", "reasoning")):
            if block.get("type") == kind and isinstance(block.get(key), str):
                streamed = "".join(self._pieces[kind])
                if not streamed and block[key]:
                    self._pieces[kind].append(block[key])

    def __repr__(self) -> str:
        state = "done" if self.done else "streaming"
        return f"<MessageStream {self.message_id} {state} text={''.join(self._pieces['text'])!r}>"


class ToolCall:
    """One tool call the graph ran.

    ``thread.tool_calls`` yields it when it has finished; ``interleave_projections`` as it
    starts, and then ``output`` and ``deltas`` wait for it to finish (reading more of the stream).

    Attributes:
        tool_call_id: the call's ID (as in the model's ``tool_call`` block).
        name: the tool's name.
        input: the arguments it was called with.
        namespace: where in the graph it ran.
        error: why it failed (``output`` then raises): the tool's error message, or how the run
            ended before the tool finished.
        done: whether it has finished (or failed).
    """

    def __init__(
        self,
        started: Event,
        read_more: Callable[[], Event | None] | None = None,
        unfinished: Callable[[], StatelessClientError] | None = None,
    ) -> None:
        """``read_more``: the call's next event, ``None`` after its last (an ``EventReader``);
        ``unfinished``: the error for a call whose events end before it finished."""
        data = data_of(started) or {}
        self.tool_call_id: str = str(data.get("tool_call_id", ""))
        self.name: str = str(data.get("tool_name", ""))
        self.input: Any = data.get("input")
        self.namespace: list[str] = namespace_of(started)
        self.error: str | None = None
        self.done = False
        self._deltas: list[str] = []
        self._output: Any = None
        self._failure: StatelessClientError | None = None
        self._next = read_more
        self._unfinished = unfinished

    @property
    def deltas(self) -> list[str]:
        """The output pieces the tool streamed before it finished (waits for it to finish)."""
        self._complete()
        return list(self._deltas)

    @property
    def output(self) -> Any:
        """What the tool returned (waits for it to finish).

        Raises:
            ToolCallError: the tool failed, or the run ended (failed, paused at an interrupt,
                or the stream closed) before the tool finished; a failed run's error is in
                the message (``Run errored: ...``).
        """
        self._complete()
        if self._failure is not None:
            raise self._failure
        return self._output

    def _complete(self, cut: StatelessClientError | None = None) -> None:
        while not self.done and self._next is not None:
            event = self._next()
            if event is None:
                if cut is not None and getattr(self._next, "exhausted", False):
                    self._fail(cut)
                else:
                    self._fail(self._unfinished() if self._unfinished is not None else ToolCallError(
                        tool_call_id=self.tool_call_id, name=self.name,
                        detail="the run ended before the tool finished (stream closed before terminal tool event)"))
                return
            self._apply(data_of(event) or {})

    def _settle(self, cut: StatelessClientError | None) -> None:
        """Take what has been received of the call; if that does not finish it, it fails."""
        if self.done:
            return
        if self._next is not None:
            _settle_reader(self._next)
        self._complete(cut)

    def _fail(self, failure: StatelessClientError) -> None:
        self.done = True
        self._failure = failure
        self.error = failure.detail if isinstance(failure, ToolCallError) else str(failure)

    def _apply(self, data: dict[str, Any]) -> None:
        kind = data.get("event")
        if kind == "tool-output-delta":
            self._deltas.append(str(data.get("delta", "")))
        elif kind == "tool-finished":
            self._output = data.get("output")
            self.done = True
        elif kind == "tool-error":
            message = str(data.get("message", "")) or "the tool failed"
            self._fail(ToolCallError(tool_call_id=self.tool_call_id, name=self.name, detail=message))

    def __repr__(self) -> str:
        state = "error" if self.error is not None else ("done" if self.done else "running")
        return f"<ToolCall {self.name} {self.tool_call_id} {state}>"
