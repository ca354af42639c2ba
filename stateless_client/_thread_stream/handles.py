"""``thread.subgraphs`` (alias ``thread.subagents``): a handle per child graph the run invokes.

The server names a subgraph's events by namespace, ``["<node>:<task id>"]`` (a grandchild's
``["<node>:<task id>", "<node>:<task id>"]``). A child is discovered by a ``tasks`` event
starting in a direct-child namespace, or by its ``lifecycle`` ``started`` event (the one
``langgraph dev`` sends); it ends with its parent's ``tasks`` result for that task, or its own
``lifecycle`` ``completed``/``failed``/``interrupted`` event, or else with the run.

A ``ScopedStreamHandle`` has the thread's projections scoped to its namespace (``messages``,
``tool_calls``, ``values``, ``extensions``, ``subgraphs`` for its own children), each walking
the run's events with its own cursor and ending when the child ends.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any, Iterator, Literal

from .events import Event, data_of, namespace_of
from .projections import (
    ExtensionsProjection,
    MessagesProjection,
    ScopedValuesProjection,
    ToolCallsProjection,
)

if TYPE_CHECKING:
    from .stream import ThreadStream

__all__ = ["ScopedStreamHandle", "SubgraphStatus", "SubgraphTracker", "SubgraphsProjection"]

#: A child's status: ``"started"`` until it ends.
SubgraphStatus = Literal["started", "completed", "failed", "interrupted"]

_ENDINGS = frozenset({"completed", "failed", "interrupted"})


def _is_direct_child(namespace: list[str], scope: tuple[str, ...]) -> bool:
    return len(namespace) == len(scope) + 1 and tuple(namespace[:len(scope)]) == scope


def _ending(handle: ScopedStreamHandle, event: Event) -> tuple[SubgraphStatus, str | None] | None:
    """How ``event`` ends ``handle``'s subgraph, if it does."""
    data = data_of(event)
    if not isinstance(data, dict):
        return None
    method, namespace = event.get("method"), namespace_of(event)
    if (method == "tasks" and "result" in data and handle.trigger_call_id is not None
            and tuple(namespace) == handle.path[:-1] and data.get("id") == handle.trigger_call_id):
        if data.get("interrupts"):
            return "interrupted", None
        if data.get("error"):
            return "failed", str(data["error"])
        return "completed", None
    if method == "lifecycle" and tuple(namespace) == handle.path and data.get("event") in _ENDINGS:
        phase: SubgraphStatus = data["event"]
        error = data.get("error")
        return phase, (str(error) if error and phase == "failed" else None)
    return None


class ScopedStreamHandle:
    """One child graph (subgraph or subagent) of the run, as ``thread.subgraphs`` yields it.

    Attributes:
        path: its namespace as a tuple, e.g. ``("researcher:4f2c...",)``.
        namespace: the same as a list.
        graph_name: the node that runs it (the namespace's last segment before ``:``).
        trigger_call_id: the task ID after the ``:`` (``None`` when the segment has none).
        status: ``"started"``, then ``"completed"``, ``"failed"`` or ``"interrupted"``.
        error: the error when it failed.
        messages: its ``MessageStream``\\s (its namespace only, not its children's).
        tool_calls: its ``ToolCall``\\s.
        values: its state after each of its steps; ``output`` is the last.
        extensions: its custom channels (``extensions[name]``), its children's included.
        subgraphs: its own children, handles like this one; ``subagents`` is the same.
    """

    def __init__(
        self,
        *,
        thread: ThreadStream,
        path: tuple[str, ...],
        graph_name: str | None,
        trigger_call_id: str | None,
    ) -> None:
        self._thread = thread
        self.path = tuple(path)
        self.namespace = list(path)
        self.graph_name = graph_name
        self.trigger_call_id = trigger_call_id
        self.status: SubgraphStatus = "started"
        self.error: str | None = None
        self._finish_lock = threading.Lock()
        self.messages = MessagesProjection(self, self.namespace)
        self.tool_calls = ToolCallsProjection(self, self.namespace)
        self.values = ScopedValuesProjection(self, self.namespace)
        self.subgraphs = SubgraphsProjection(self, self.path)
        self.subagents = self.subgraphs
        self.extensions = ExtensionsProjection(self, self.namespace)

    @property
    def output(self) -> Any:
        """Its last state, once it has ended (waits for that); ``None`` if it sent none."""
        return self.values.get()

    def _finish(self, status: SubgraphStatus, error: str | None = None) -> None:
        """Set the final status; the first call wins."""
        with self._finish_lock:
            if self.status == "started":
                self.status, self.error = status, error

    # -- the scope its projections read ---------------------------------------------------------

    def _walk_indexed(self, start: int = 0) -> Iterator[tuple[int, Event]]:
        """The run's events from ``start`` up to (and with) the one that ends this subgraph."""
        for index, event in self._thread._walk_indexed(start):
            yield index, event
            ending = _ending(self, event)
            if ending is not None:
                self._finish(*ending)
                return
        if self.status == "started" and self._thread._run_outcome()[0] is not None:
            self._finish(*_forced_status(self._thread._run_outcome()))

    def _received(self, start: int) -> list[Event]:
        return self._thread._received(start)

    def _track(self, item: Any) -> None:
        self._thread._track(item)

    def _run_outcome(self) -> tuple[str | None, str | None]:
        if self.status != "started":
            return self.status, self.error
        return self._thread._run_outcome()

    def __repr__(self) -> str:
        return f"<ScopedStreamHandle {'/'.join(self.path)} {self.status}>"


def _forced_status(outcome: tuple[str | None, str | None]) -> tuple[SubgraphStatus, str | None]:
    """The status of a child still going when its parent (or the run) ended as ``outcome``."""
    phase, error = outcome
    if phase == "failed":
        return "failed", error
    if phase == "interrupted":
        return "interrupted", None
    return "completed", None


class SubgraphTracker:
    """Discovers the direct children of ``scope`` event by event and keeps their statuses."""

    def __init__(self, thread: ThreadStream, scope: tuple[str, ...]) -> None:
        self._thread = thread
        self._scope = scope
        self._seen: set[tuple[str, ...]] = set()
        self._active: list[ScopedStreamHandle] = []

    def feed(self, event: Event) -> ScopedStreamHandle | None:
        """The child ``event`` reveals, if it is a new one; updates the others' statuses."""
        for handle in list(self._active):
            ending = _ending(handle, event)
            if ending is not None:
                handle._finish(*ending)
                self._active.remove(handle)
        data = data_of(event)
        namespace = namespace_of(event)
        if not isinstance(data, dict) or not _is_direct_child(namespace, self._scope):
            return None
        method = event.get("method")
        starts = ((method == "tasks" and "result" not in data)
                  or (method == "lifecycle" and data.get("event") == "started"))
        path = tuple(namespace)
        if not starts or path in self._seen:
            return None
        self._seen.add(path)
        name, colon, task_id = path[-1].partition(":")
        handle = ScopedStreamHandle(thread=self._thread, path=path, graph_name=name or None,
                                    trigger_call_id=task_id if colon else None)
        self._active.append(handle)
        return handle

    def finish(self, outcome: tuple[str | None, str | None]) -> None:
        """The scope has ended as ``outcome``: children still going end with it."""
        if outcome[0] is None:
            return  # another run took over the stream: their end is unknown
        for handle in self._active:
            handle._finish(*_forced_status(outcome))
        self._active.clear()


class SubgraphsProjection:
    """``thread.subgraphs`` / ``handle.subgraphs`` (``subagents`` is the same projection): a
    ``ScopedStreamHandle`` per direct child graph, yielded when it starts."""

    def __init__(self, scope: ThreadStream | ScopedStreamHandle, path: tuple[str, ...] = ()) -> None:
        self._scope = scope
        self._path = path

    def __iter__(self) -> Iterator[ScopedStreamHandle]:
        thread = self._scope._thread if isinstance(self._scope, ScopedStreamHandle) else self._scope
        tracker = SubgraphTracker(thread, self._path)
        for _index, event in self._scope._walk_indexed():
            handle = tracker.feed(event)
            if handle is not None:
                yield handle
        tracker.finish(self._scope._run_outcome())
