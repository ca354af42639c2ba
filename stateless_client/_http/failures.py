"""How a failure becomes this package's typed error: a transport exception, an HTTP status, a
run's or a command's reported error.

``requests`` wraps what ``urllib3`` raised, which wraps what the socket raised, and not always
the same way (a read timeout while ``requests`` reads a whole body arrives as a
``requests.ConnectionError``). So every question is answered by walking the whole chain, in
one place: ``causes``.
"""

from __future__ import annotations

import re
import socket
from typing import Any, Iterator, Mapping

import requests
import urllib3.exceptions

from .._config import Timeout
from .._exceptions import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    CommandError,
    ConflictError,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    RunError,
    UnprocessableEntityError,
)
from .urls import origin_text, path_of, redact_userinfo

__all__ = ["causes", "never_sent", "timeout_kind", "connection_error", "status_error", "run_error", "command_error"]

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


# -- what the server sent --------------------------------------------------------------------

_STATUS_ERRORS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}
# How the server reports an HTTP error inside an already-started 200 response.
_REPORTED_STATUS = re.compile(r"^([1-5]\d\d): ?(.*)$", re.DOTALL)


def status_error(
    status: int,
    reason: str,
    *,
    method: str,
    url: str,
    response: requests.Response,
    body: Any,
    detail: str | None,
) -> APIStatusError:
    """The one mapping from an HTTP status to its exception class and message."""
    message = f"{method} {path_of(url)} -> {status} {reason}".rstrip()
    if detail:
        message += f": {detail}"
    error_type = _STATUS_ERRORS.get(status) or (InternalServerError if status >= 500 else APIStatusError)
    return error_type(message, method=method, url=url, response=response, body=body, detail=detail,
                      status_code=status)


def run_error(
    error: Any, *, run_id: str | None, method: str, url: str, response: requests.Response
) -> RunError | APIStatusError:
    """The exception for a run's reported failure: an ``error`` event's data, or the
    ``__error__`` of a 200 body from ``/wait`` or ``/join``.

    A failed run becomes ``RunError``. An HTTP error the server could only report inside the
    already-started 200 response (``{"error": "HTTPException", "message": "404: Run not
    found"}``) goes through the same status mapping as a real status.
    """
    if isinstance(error, Mapping):
        kind, detail = str(error.get("error", "Error")), str(error.get("message", ""))
    else:
        kind, detail = "Error", str(error)
    reported = _REPORTED_STATUS.match(detail) if kind == "HTTPException" else None
    if reported:
        return status_error(
            int(reported.group(1)), "(reported in a 200 body)", method=method, url=url,
            response=response, body={"__error__": error}, detail=reported.group(2),
        )
    return RunError(run_id=run_id, error=kind, detail=detail)


def command_error(
    error: Mapping[str, Any], *, command: str, thread_id: str, url: str, response: requests.Response | None
) -> CommandError | APIStatusError:
    """The exception for a thread-stream command's error answer (``{"type": "error", "error":
    code, "message": detail}``): the status's class when ``detail`` reports an HTTP status
    (``"422: Assistant not found"``), else ``CommandError``."""
    code, detail = str(error.get("error", "unknown_error")), str(error.get("message", ""))
    reported = _REPORTED_STATUS.match(detail)
    if reported and response is not None:
        return status_error(int(reported.group(1)), f"({command} refused)", method="POST", url=url,
                            response=response, body=dict(error), detail=reported.group(2))
    return CommandError(command=command, code=code, detail=detail, thread_id=thread_id, method="POST", url=url)
