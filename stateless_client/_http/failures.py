"""What a transport exception from ``requests``/``urllib3``/the socket means, and its typed error.

``requests`` wraps what ``urllib3`` raised, which wraps what the socket raised, and not always
the same way (a read timeout while ``requests`` reads a whole body arrives as a
``requests.ConnectionError``). So every question is answered by walking the whole chain, in
one place: ``causes``.
"""

from __future__ import annotations

import socket
from typing import Iterator

import requests
import urllib3.exceptions

from .._config import Timeout
from .._exceptions import APIConnectionError, APITimeoutError
from .urls import origin_text, redact_userinfo

__all__ = ["causes", "never_sent", "timeout_kind", "connection_error"]

# Nothing of the request left the machine: retrying cannot repeat anything.
_NOT_SENT = (
    requests.ConnectTimeout,
    urllib3.exceptions.NewConnectionError,
    urllib3.exceptions.ConnectTimeoutError,
    urllib3.exceptions.NameResolutionError,
    ConnectionRefusedError,
    socket.gaierror,
)
_CONNECT_TIMEOUTS = (requests.ConnectTimeout, urllib3.exceptions.ConnectTimeoutError)
# urllib3 2 makes NewConnectionError (refused, unreachable) a subclass of ConnectTimeoutError.
_REFUSED = urllib3.exceptions.NewConnectionError
_READ_TIMEOUTS = (requests.ReadTimeout, urllib3.exceptions.ReadTimeoutError, TimeoutError, socket.timeout)


def causes(exc: BaseException) -> Iterator[BaseException]:
    """``exc`` and everything it wraps: ``reason``, a wrapped first argument, ``__cause__``,
    ``__context__``; each once."""
    seen: set[int] = set()
    pending: list[BaseException] = [exc]
    while pending:
        current = pending.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        reason = getattr(current, "reason", None)
        args = getattr(current, "args", ())
        for inner in (
            reason,
            args[0] if args else None,
            current.__cause__,
            current.__context__,
        ):
            if isinstance(inner, BaseException):
                pending.append(inner)


def never_sent(exc: BaseException) -> bool:
    """Whether the connection failed before any byte of the request left (so a retry is safe)."""
    return any(isinstance(cause, _NOT_SENT) for cause in causes(exc))


def timeout_kind(exc: BaseException) -> str | None:
    """``"connect"`` or ``"read"`` if a timeout caused ``exc``, else ``None``."""
    found = None
    for cause in causes(exc):
        if isinstance(cause, _CONNECT_TIMEOUTS) and not isinstance(cause, _REFUSED):
            return "connect"
        if found is None and isinstance(cause, _READ_TIMEOUTS):
            found = "read"
    return found


def connection_error(exc: BaseException, method: str, url: str, limits: Timeout) -> APIConnectionError:
    """Map a ``requests``/``urllib3``/socket exception to this package's types."""
    where = f"{method} {url}"
    kind = timeout_kind(exc)
    if kind == "connect":
        return APITimeoutError(
            f"{where}: no connection within the connect timeout of {limits.connect} s",
            method=method, url=url,
        )
    if kind == "read":
        return APITimeoutError(
            f"{where}: the server sent nothing for {limits.read} s (the read timeout)",
            method=method, url=url,
        )
    if never_sent(exc):
        return APIConnectionError(
            f"{where}: could not connect ({_reason(exc)}); check that the server is running "
            f"at {origin_text(url)} and that the URL is right", method=method, url=url,
        )
    return APIConnectionError(f"{where}: {type(exc).__name__}: {_reason(exc)}", method=method, url=url)


def _reason(exc: BaseException) -> str:
    """What went wrong, for a message: never a header value (``requests`` quotes a value it
    refuses, and that may be the API key), never a URL's password."""
    if any(isinstance(cause, requests.exceptions.InvalidHeader) for cause in causes(exc)):
        return "a header could not be sent (its value is not shown)"
    reason = getattr(exc, "reason", None)
    return redact_userinfo(str(reason if reason is not None else exc))
