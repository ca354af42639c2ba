"""The API paths a mount can serve, each named by an action, and which of them it serves by default.

The browser's path is only ever matched against these templates: the upstream path is
rebuilt from the template with the IDs quoted, so no spelling of a path reaches another
endpoint of the LangGraph server.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ACTIONS", "DEFAULT_ACTIONS", "Route", "RouteMatch", "match"]


@dataclass(frozen=True, slots=True)
class Route:
    """One method and path template (``{thread}``, ``{run}``, ``{assistant}``, ``{rest}`` are IDs)."""

    action: str
    method: str
    template: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RouteMatch:
    """A request matched to a route: its action and the IDs in its path."""

    route: Route
    ids: dict[str, str]

    @property
    def action(self) -> str:
        """The route's action, e.g. ``"threads.get"``."""
        return self.route.action

    def upstream_segments(self) -> tuple[str, ...]:
        """The path's segments, IDs filled in (unquoted: the caller quotes each)."""
        return tuple(self.ids[part[1:-1]] if part.startswith("{") else part for part in self.route.template)


def _route(action: str, method: str, path: str) -> Route:
    return Route(action, method, tuple(path.strip("/").split("/")))


_T = "threads/{thread}"
_R = "threads/{thread}/runs/{run}"
_A = "assistants/{assistant}"

#: Every route a mount knows, in match order. What the JS SDK's ``Client`` and ``useStream`` use.
ROUTES: tuple[Route, ...] = (
    _route("threads.create", "POST", "threads"),
    _route("threads.search", "POST", "threads/search"),
    _route("threads.count", "POST", "threads/count"),
    _route("threads.get", "GET", _T),
    _route("threads.update", "PATCH", _T),
    _route("threads.delete", "DELETE", _T),
    _route("threads.copy", "POST", f"{_T}/copy"),
    _route("threads.state.get", "GET", f"{_T}/state"),
    _route("threads.state.get", "GET", f"{_T}/state/{{checkpoint}}"),
    _route("threads.state.get", "POST", f"{_T}/state/checkpoint"),
    _route("threads.state.update", "POST", f"{_T}/state"),
    _route("threads.state.patch", "PATCH", f"{_T}/state"),
    _route("threads.history", "GET", f"{_T}/history"),
    _route("threads.history", "POST", f"{_T}/history"),
    # The thread-stream protocol (the JS SDK's ``client.threads.stream``).
    _route("threads.commands", "POST", f"{_T}/commands"),
    _route("threads.stream", "POST", f"{_T}/stream/events"),
    _route("threads.join_stream", "GET", f"{_T}/stream"),
    _route("runs.create", "POST", f"{_T}/runs"),
    _route("runs.stream", "POST", f"{_T}/runs/stream"),
    _route("runs.wait", "POST", f"{_T}/runs/wait"),
    _route("runs.list", "GET", f"{_T}/runs"),
    _route("runs.get", "GET", _R),
    _route("runs.delete", "DELETE", _R),
    _route("runs.cancel", "POST", f"{_R}/cancel"),
    _route("runs.join", "GET", f"{_R}/join"),
    _route("runs.join_stream", "GET", f"{_R}/stream"),
    # Stateless runs: the same actions, with no thread in the resource.
    _route("runs.create", "POST", "runs"),
    _route("runs.stream", "POST", "runs/stream"),
    _route("runs.wait", "POST", "runs/wait"),
    _route("assistants.search", "POST", "assistants/search"),
    _route("assistants.count", "POST", "assistants/count"),
    _route("assistants.get", "GET", _A),
    _route("assistants.graph", "GET", f"{_A}/graph"),
    _route("assistants.schemas", "GET", f"{_A}/schemas"),
    _route("assistants.subgraphs", "GET", f"{_A}/subgraphs"),
    _route("assistants.subgraphs", "GET", f"{_A}/subgraphs/{{namespace}}"),
    _route("assistants.versions", "POST", f"{_A}/versions"),
)

#: Every action name a mount knows.
ACTIONS: frozenset[str] = frozenset(route.action for route in ROUTES)

#: The actions served unless the app enables more: what ``useStream`` and the SDK's
#: ``Client`` need for a chat (threads, their state and history, runs, assistants read-only,
#: the thread-stream protocol).
DEFAULT_ACTIONS: frozenset[str] = frozenset({
    "threads.create", "threads.search", "threads.get", "threads.update", "threads.delete",
    "threads.state.get", "threads.state.update", "threads.history", "threads.commands", "threads.stream",
    "runs.create", "runs.stream", "runs.wait", "runs.list", "runs.get", "runs.cancel", "runs.join",
    "runs.join_stream",
    "assistants.search", "assistants.get", "assistants.graph", "assistants.schemas", "assistants.subgraphs",
})

_BY_LENGTH: dict[int, tuple[Route, ...]] = {}
for _each in ROUTES:
    _BY_LENGTH[len(_each.template)] = (*_BY_LENGTH.get(len(_each.template), ()), _each)


def match(method: str, segments: tuple[str, ...], served: frozenset[str]) -> RouteMatch | None:
    """The route of ``method`` and the path's (unquoted) ``segments`` among ``served`` actions.

    A literal segment wins over an ID (``threads/search`` is not thread ``search``). An ID
    segment must be non-empty and not ``.`` or ``..``.
    """
    for route in _BY_LENGTH.get(len(segments), ()):
        if route.method != method or route.action not in served:
            continue
        ids: dict[str, str] = {}
        for part, given in zip(route.template, segments, strict=True):
            if part.startswith("{"):
                if given in ("", ".", ".."):
                    break
                ids[part[1:-1]] = given
            elif part != given:
                break
        else:
            return RouteMatch(route, ids)
    return None
