"""Stopping calls in flight from another thread: shut a response's socket, or every response
of a call (``AbortScope``), so a blocked read returns at once and the server sees the
disconnect.

``wait_many`` runs each call of its pool inside an ``AbortScope``; on a failure or Ctrl-C it
aborts every scope, so no worker keeps a connection (and, with ``on_disconnect="cancel"``, a
run) open after the caller has left. ``RunStream.close()`` from another thread uses
``shutdown_socket`` directly.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from contextvars import ContextVar
from typing import Iterator

import requests

from .._exceptions import StreamClosedError

__all__ = ["AbortScope", "attach", "check_not_aborted", "shutdown_socket"]

_current: ContextVar[AbortScope | None] = ContextVar("stateless_client_abort_scope", default=None)


def shutdown_socket(response: requests.Response) -> None:
    """Shut down the socket under ``response`` (both directions), waking a read blocked on it.

    Only a connection still held by the response is touched: once its body was read whole,
    ``urllib3`` has handed the connection back to the pool, and neither path below reaches it.
    """
    raw = response.raw
    connection_socket = getattr(getattr(raw, "_connection", None), "sock", None)
    if connection_socket is None:  # the connection was already handed to the response
        reader = getattr(getattr(raw, "_fp", None), "fp", None)
        connection_socket = getattr(getattr(reader, "raw", None), "_sock", None)
    if isinstance(connection_socket, socket.socket):
        with contextlib.suppress(OSError):  # already closed
            connection_socket.shutdown(socket.SHUT_RDWR)


class AbortScope:
    """The responses of one call, so that another thread can stop the call at any moment.

    A response opened after ``abort()`` is closed as it arrives, and the call raises
    ``StreamClosedError``: a run that the server accepted meanwhile sees its caller leave.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._responses: list[requests.Response] = []
        self.aborted = False

    @contextlib.contextmanager
    def active(self) -> Iterator[AbortScope]:
        """Make this the scope of the calls made in this thread (this context) meanwhile."""
        token = _current.set(self)
        try:
            yield self
        finally:
            _current.reset(token)
            with self._lock:
                self._responses.clear()

    def abort(self) -> None:
        """Stop the call: shut down the sockets of its open responses, refuse new ones."""
        with self._lock:
            self.aborted = True
            for response in self._responses:
                shutdown_socket(response)

    def _attach(self, response: requests.Response) -> None:
        with self._lock:
            if not self.aborted:
                self._responses.append(response)
                return
        response.close()
        raise StreamClosedError(f"{response.request.method} {response.url}: the call was aborted by its caller")


def attach(response: requests.Response) -> None:
    """Register a streamed response with the current thread's scope, if there is one."""
    scope = _current.get()
    if scope is not None:
        scope._attach(response)


def check_not_aborted() -> None:
    """Raise before sending anything when the current scope was already aborted."""
    scope = _current.get()
    if scope is not None and scope.aborted:
        raise StreamClosedError("the call was aborted by its caller before it was sent")
