"""``Turn``: the run a ``ThreadStream`` follows, from ``run.start`` (or ``respond``) to the
lifecycle event that ends or pauses it, and the events it has received so far.

An event is kept parsed only while a walk (a ``Cursor``) may still come to it; behind every
walk it is kept as the JSON text it arrived as (~7x smaller with ``json``), in a ``TextBlock``
shared by a run of events, which a walk that starts later parses again.
"""

from __future__ import annotations

import re
import time
from array import array
from collections import deque
from dataclasses import dataclass, field
from itertools import accumulate
from typing import Any, Mapping

from .. import _json
from .events import Event, InterruptPayload, data_of, namespace_of, root_event_kind

__all__ = ["Cursor", "TextBlock", "Turn", "lifecycle_phase", "parsed", "TERMINAL", "STARTED"]

TERMINAL = frozenset({"completed", "failed", "interrupted"})
STARTED = frozenset({"started", "running"})
# The server names its synthesized lifecycle events ``synth:<run id>:...``; where it does, the
# run an event belongs to can be told apart from the thread's other runs.
_SYNTHETIC_ID = re.compile(r"^synth:(?P<run_id>[^:]+):")
# Events taken between two looks at the walks' cursors: at most this many more stay parsed.
_SHED_EVERY = 64
# The most events whose texts one ``TextBlock`` joins.
_BLOCK = 256


class Cursor:
    """Where one walk of a turn's events is: the index of the next event it will look at."""

    __slots__ = ("position",)

    def __init__(self, position: int) -> None:
        self.position = position


class TextBlock:
    """The JSON texts of consecutive events, joined in one string: one object for up to
    ``_BLOCK`` events (a string each would cost ~50 B more an event).

    Attributes:
        first: the index in ``Turn.events`` of the first event it holds.
        text: their texts, one after the other.
        ends: where each one's text ends in ``text``.
    """

    __slots__ = ("ends", "first", "text")

    def __init__(self, first: int, texts: list[str]) -> None:
        self.first = first
        self.text = "".join(texts)
        self.ends = array("Q", accumulate(map(len, texts)))

    def event(self, index: int) -> Event:
        """Event ``index`` of the turn, parsed again by the parser that admitted it (so to the
        same value)."""
        at = index - self.first
        start = self.ends[at - 1] if at else 0
        return _json.loads_text(self.text[start:self.ends[at]])  # type: ignore[no-any-return]


def parsed(entry: Event | TextBlock, index: int) -> Event:
    """Entry ``index`` of ``Turn.events`` as the event."""
    return entry if isinstance(entry, dict) else entry.event(index)


def lifecycle_phase(event: Event) -> str | None:
    """The phase of a root-graph lifecycle event (``"running"``, ``"completed"``...), else ``None``."""
    return root_event_kind(event, "lifecycle")


def run_of(event: Event) -> str | None:
    """The run a lifecycle event names: in its synthetic ``event_id``, else in its data."""
    found = _SYNTHETIC_ID.match(str(event.get("event_id", "")))
    if found:
        return found["run_id"]
    data = data_of(event)
    run_id = data.get("run_id") if isinstance(data, dict) else None
    return run_id if isinstance(run_id, str) and run_id else None


@dataclass(eq=False)
class Turn:
    """One run followed by a ``ThreadStream``: a new one at each ``run.start`` and ``respond``.

    Attributes:
        number: 0 before the stream's first run, then 1, 2...
        expected_run: the run ``run.start`` named, whose events alone start the turn.
        run_id: the run followed, once known.
        resumes: the interrupted run ``respond`` resumed (not the one to follow).
        deadline: when the run must have started (``run_start_timeout``), if set.
        events: the run's events so far, from its ``running`` lifecycle event, in order: each
            parsed while a walk may still reach it, else the ``TextBlock`` holding its JSON
            text (see ``parsed``).
        texts: the texts of ``events[parsed_from:]`` (``None``: kept parsed, no text).
        parsed_from: the first event that may still be parsed in ``events``.
        cursors: the walks of the events under way.
        started, ended: whether its start and its end (or pause) have arrived.
        terminal: the lifecycle event that ended or paused it.
        interrupts: the interrupts it waits on.
        quiet_since: when the last event (or the last stall check) was.
        replayed_for_stall: whether a stall already forced a new connection.
        rest_state: the thread's state, when the turn found the thread at rest (no run).
    """

    number: int = 0
    expected_run: str | None = None
    run_id: str | None = None
    resumes: str | None = None
    deadline: float | None = None
    events: list[Event | TextBlock] = field(default_factory=list)
    texts: deque[str | None] = field(default_factory=deque)
    parsed_from: int = 0
    cursors: list[Cursor] = field(default_factory=list)
    shed_at: int = _SHED_EVERY
    started: bool = False
    ended: bool = False
    terminal: Event | None = None
    interrupts: list[InterruptPayload] = field(default_factory=list)
    quiet_since: float = field(default_factory=time.monotonic)
    replayed_for_stall: bool = False
    rest_state: dict[str, Any] | None = None

    def take(self, event: Event, text: str | None = None, *, between_runs: bool = True) -> None:
        """Add the connection's next event if it belongs to this run (the server replays the
        thread's earlier runs, and other runs may share the thread).

        Before the run's start has arrived, ``between_runs`` says whether the connection is
        outside every other run's lifecycle (no run's ``running`` open on it): there an event
        of no other run starts this one, for a server may send a run's events with no
        ``running`` first; inside another run's lifecycle it is that run's, replayed.
        ``text`` is the event's JSON text, kept in its place once every walk has passed it
        (``None``: the event stays parsed).
        """
        phase = lifecycle_phase(event)
        owner = run_of(event) if phase is not None else None
        if not self.started:
            if not self._starts(phase, owner, between_runs):
                return  # another run's event (an earlier one, replayed)
            self.started = True
            self.run_id = self.run_id or owner
        elif owner and self.run_id and owner != self.run_id:
            return  # another run's lifecycle event: it neither starts nor ends this one
        self.events.append(event)
        self.texts.append(text)
        if len(self.events) >= self.shed_at:
            self._shed()
        if event.get("method") == "input.requested":
            data = data_of(event) or {}
            if isinstance(data.get("interrupt_id"), str):
                # The protocol names the interrupt's value ``payload``; ``value`` is the SDK's key.
                value = data["payload"] if "payload" in data else data.get("value")
                self.interrupts.append(
                    {"interrupt_id": data["interrupt_id"], "value": value, "namespace": namespace_of(event)}
                )
        if phase in TERMINAL:
            self.terminal = event
            self.ended = True

    def follow(self, start: int) -> Cursor:
        """A cursor for a walk from ``start``: the events from it stay parsed until the walk
        ends (``unfollow``)."""
        cursor = Cursor(start)
        self.cursors.append(cursor)
        return cursor

    def unfollow(self, cursor: Cursor) -> None:
        """Forget the cursor of a walk that has ended."""
        try:
            self.cursors.remove(cursor)  # by identity: a ``Cursor`` equals only itself
        except ValueError:
            pass

    def _shed(self) -> None:
        """Keep as text the parsed events that every walk under way has passed (none can
        come back to them; a walk that starts later parses them again)."""
        events, texts = self.events, self.texts
        # A list's iterator bears its changing under it (a walk starting or ending in another
        # thread, or a walk's generator finalized by the collector), where a set's raises.
        reached = min((cursor.position for cursor in self.cursors), default=len(events))
        # Bounded by both lists: ``release`` (``close`` in another thread) may empty them meanwhile.
        first = self.parsed_from
        count = min(min(reached, len(events)) - first, len(texts))
        for start in range(first, first + count, _BLOCK):
            taken = [texts.popleft() for _ in range(min(_BLOCK, first + count - start))]
            block = TextBlock(start, [text or "" for text in taken])
            for index, text in enumerate(taken, start):
                if text is not None:  # else it has no text: it stays parsed
                    events[index] = block
        self.parsed_from = first + max(count, 0)
        self.shed_at = len(events) + _SHED_EVERY

    def _starts(self, phase: str | None, owner: str | None, between_runs: bool) -> bool:
        """Whether an event that arrives before the run's start begins the run."""
        if owner and (owner == self.resumes or (self.expected_run and owner != self.expected_run)):
            return False  # a lifecycle event of another run
        if phase in STARTED:
            return True
        # Its start did not come (not sent, or before ``since``): an event of this run, its
        # terminal lifecycle event included, begins it where no other run's lifecycle is open.
        return between_runs or bool(owner)

    def end_from(self, run: Mapping[str, Any], state: Any) -> None:
        """End with what the API says of the run, which has stopped: the outcome from its
        status, the interrupts from the thread's ``state`` (an interrupted run's status is
        ``success`` on ``langgraph dev``); ``state`` is only called when needed."""
        status = run.get("status")
        phase = {"error": "failed", "timeout": "failed", "interrupted": "interrupted"}.get(str(status), "completed")
        self.terminal = {"method": "lifecycle", "params": {"namespace": [], "data": {"event": phase}}}
        self.interrupts = []
        if phase == "interrupted" or status == "success":
            found = state()
            for item in found.get("interrupts") or [] if isinstance(found, Mapping) else []:
                if isinstance(item, Mapping) and item.get("id"):
                    self.interrupts.append({"interrupt_id": str(item["id"]), "value": item.get("value"),
                                            "namespace": list(item.get("ns") or [])})
            if self.interrupts:
                self.terminal["params"]["data"]["event"] = "interrupted"
        self.run_id = self.run_id or (str(run["run_id"]) if run.get("run_id") else None)
        self.ended = True

    def end_at_rest(self, state: dict[str, Any]) -> None:
        """End at once: no run is under way on the thread, whose ``state`` this is."""
        self.rest_state = state
        self.terminal = {"method": "lifecycle", "params": {"namespace": [], "data": {"event": "completed"}}}
        self.started = self.ended = True

    def release(self) -> None:
        """Drop the events (the stream closed); what was handed out stays with its holder."""
        self.events = []
        self.texts = deque()
        self.parsed_from = 0
