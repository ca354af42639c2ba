"""Who may do what through a mount: the ``authorize`` hook's types and the ready policies."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

__all__ = ["Resource", "Deny", "Filters", "Decision", "Authorize", "owner_policy", "allow_all"]


@dataclass(frozen=True)
class Resource:
    """What a request acts on, as far as its path and body say.

    Attributes:
        thread_id: the thread in the path, ``None`` for a stateless run, a search or an
            assistant.
        run_id: the run in the path (``runs.get``, ``runs.cancel``, ``runs.join``...).
        assistant_id: the assistant in the path, or the ``assistant_id`` of a run's body.
        body: the request's JSON body (``None`` for none); read it, do not change it.
    """

    thread_id: str | None = None
    run_id: str | None = None
    assistant_id: str | None = None
    body: Any = None


@dataclass(frozen=True)
class Deny:
    """Refuse the request with ``status`` (401 unauthenticated, 403, or 404 to hide it exists).

    ``detail`` is sent to the browser as ``{"detail": ...}``.
    """

    status: int = 403
    detail: str = "Forbidden"


@dataclass(frozen=True)
class Filters:
    """Allow the request, restricted to threads whose metadata has these values.

    - a thread made through the mount gets them in its metadata (the browser's own values
      for these keys are overwritten), and ``threads.update`` cannot change them;
    - ``threads.search`` gets them added to its metadata filter;
    - any request on a thread (its state, history, runs, stream) is answered 404 unless the
      thread's metadata has these values (one search upstream first, by ID and these values);
    - a stateless run has no thread and is allowed (refuse it with ``Deny`` if it should not be).
    """

    metadata: Mapping[str, Any] = field(default_factory=dict)


#: ``True``: allow; ``False``: ``Deny()`` (403); a ``Deny``; or ``Filters``.
Decision = bool | Deny | Filters

#: ``authorize(request, action, resource) -> Decision``, called once per request before
#: anything is sent upstream; ``request`` is the framework's own request object.
Authorize = Callable[[Any, str, Resource], Decision]


def allow_all(request: Any, action: str, resource: Resource) -> Decision:
    """Allow every served action to everyone: only for an app with one trusted user (a demo, a
    tool on localhost). Every visitor sees every thread."""
    return True


def owner_policy(
    get_user: Callable[[Any], str | None],
    *,
    key: str = "owner",
    stateless_runs: bool = False,
) -> Authorize:
    """Each user sees and touches only the threads they made through the mount.

    Args:
        get_user: the app's user ID for a request (``None``: not logged in, answered 401).
        key: the thread metadata key that holds the owner's ID.
        stateless_runs: whether a logged-in user may start runs without a thread (their
            temporary threads belong to nobody; denied by default, 403).

    Returns:
        An ``authorize`` hook: a thread is made with ``metadata[key] = user``, searches see
        only the user's threads, and another user's thread (or a run on it) is 404.
    """

    def authorize(request: Any, action: str, resource: Resource) -> Decision:
        user = get_user(request)
        if user is None:
            return Deny(401, "Not authenticated")
        if action.startswith("runs.") and resource.thread_id is None and not stateless_runs:
            return Deny(403, "Runs without a thread are not allowed")
        return Filters({key: user})

    return authorize
