"""What a scripted run sends: events, and the faults between them (pauses, heartbeats, a drop)."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any, Iterable, Union

__all__ = ["Event", "Pause", "Heartbeat", "Drop", "Item", "event", "tokens", "updates", "values", "custom",
           "interrupt", "error", "pause", "heartbeat", "drop"]


@dataclass(frozen=True)
class Event:
    """One server-sent event of a scripted run: its name (``"updates"``, ``"messages|sub:1"``)
    and its data, sent as JSON."""

    name: str
    data: Any

    def encode(self, event_id: str | None = None) -> bytes:
        """The event as the server writes it on the wire."""
        block = f"event: {self.name}\ndata: {json.dumps(self.data, separators=(',', ':'))}\n"
        if event_id is not None:
            block += f"id: {event_id}\n"
        return (block + "\n").encode()


@dataclass(frozen=True)
class Pause:
    """Send nothing for ``seconds`` (a slow model, or a silence longer than a read timeout)."""

    seconds: float


@dataclass(frozen=True)
class Heartbeat:
    """The comment the LangGraph server writes every 5 s of silence to keep the connection alive."""


@dataclass(frozen=True)
class Drop:
    """Cut the connection here, mid-stream, with a TCP reset: a crashed server or a broken proxy."""


#: One item of a scripted stream.
Item = Union[Event, Pause, Heartbeat, Drop]


def event(name: str, data: Any) -> Event:
    """Any event: ``event("debug", {...})``, or a subgraph's ``event("updates|child:1", {...})``."""
    return Event(name, data)


def tokens(*texts: str, node: str = "agent", message_id: str | None = None) -> list[Event]:
    """A chat model's answer, one ``messages`` event per text, as stream mode ``messages-tuple``
    sends it: ``[message chunk, metadata]``. The chunks share one message ID; ``node`` is the
    graph node that called the model (``metadata["langgraph_node"]``)."""
    message_id = message_id or f"run-{uuid.uuid4()}"
    metadata = {"langgraph_node": node, "langgraph_step": 1, "langgraph_triggers": [f"branch:to:{node}"],
                "langgraph_path": ["__pregel_pull", node], "langgraph_checkpoint_ns": f"{node}:{uuid.uuid4()}"}
    return [
        Event("messages", [{"content": text, "additional_kwargs": {}, "response_metadata": {},
                            "type": "AIMessageChunk", "name": None, "id": message_id, "example": False,
                            "tool_calls": [], "invalid_tool_calls": [], "usage_metadata": None,
                            "tool_call_chunks": []}, metadata])
        for text in texts
    ]


def updates(data: dict[str, Any]) -> Event:
    """An ``updates`` event: ``{node name: what the node returned}``."""
    return Event("updates", data)


def values(state: dict[str, Any]) -> Event:
    """A ``values`` event: the graph's whole state after a step."""
    return Event("values", state)


def custom(data: Any) -> Event:
    """A ``custom`` event: what a node wrote with ``get_stream_writer()``."""
    return Event("custom", data)


def interrupt(value: Any, *, interrupt_id: str | None = None) -> Event:
    """The run stopped at ``interrupt(value)``, as stream mode ``updates`` reports it
    (``{"__interrupt__": [{"value": ..., "id": ...}]}``); a run ends after it."""
    return Event("updates", {"__interrupt__": [{"value": value, "id": interrupt_id or uuid.uuid4().hex}]})


def error(message: str, error: str = "Error") -> Event:
    """The run failed: the ``error`` event (the client raises ``RunError``). Given to
    ``LangGraphMock.wait``, the ``{"__error__": ...}`` answer of a failed ``runs.wait``."""
    return Event("error", {"error": error, "message": message})


def pause(seconds: float) -> Pause:
    """Send nothing for ``seconds`` before the next item."""
    return Pause(seconds)


def heartbeat() -> Heartbeat:
    """A keep-alive comment (``: heartbeat``), which the client reads and skips."""
    return Heartbeat()


def drop() -> Drop:
    """Reset the connection at this point of the stream."""
    return Drop()


def flatten(items: Iterable[Item | Iterable[Item]]) -> list[Item]:
    """The items of a script, with lists (``tokens(...)``) spread in place."""
    flat: list[Item] = []
    for item in items:
        if isinstance(item, (Event, Pause, Heartbeat, Drop)):
            flat.append(item)
        else:
            flat.extend(item)
    return flat
