"""The one exception hierarchy of ``stateless_client``.

::

    StatelessClientError                 anything this package raises on purpose
    ├── APIError                         talking to the server went wrong
    │   ├── APIStatusError               the server answered 4xx/5xx
    │   │   ├── BadRequestError          400
    │   │   ├── AuthenticationError      401
    │   │   ├── PermissionDeniedError    403
    │   │   ├── NotFoundError            404
    │   │   ├── ConflictError            409
    │   │   ├── UnprocessableEntityError 422
    │   │   ├── RateLimitError           429
    │   │   └── InternalServerError      5xx
    │   ├── APIConnectionError           no usable answer: refused, reset, DNS, TLS
    │   │   └── APITimeoutError          connect or read timeout expired
    │   ├── InvalidResponseError         an answer that is not what the API sends
    │   ├── StreamInterruptedError       a stream ended before its run did
    │   └── CommandError                 the server refused a thread-stream command
    ├── RunError                         the run itself failed on the server
    ├── ToolCallError                    a tool call of a thread stream failed (also RuntimeError)
    ├── MessageError                     a thread stream's model message failed (also RuntimeError)
    ├── StreamClosedError                iterating a stream that was closed or consumed
    └── InvalidRequestError              a request that cannot be sent; nothing was (also ValueError)
        └── NotSerializableError         a body value JSON cannot encode, a None ID (also TypeError)

No exception of ``requests`` or ``urllib3`` escapes a client call: each is mapped to one of
these, and every HTTP status to its class, in ``_http/failures.py``. This module imports
nothing of the package, so any module can raise these.
Messages never contain the API key.
"""

from __future__ import annotations

from typing import Any

import requests

__all__ = [
    "StatelessClientError",
    "APIError",
    "APIStatusError",
    "BadRequestError",
    "AuthenticationError",
    "PermissionDeniedError",
    "NotFoundError",
    "ConflictError",
    "UnprocessableEntityError",
    "RateLimitError",
    "InternalServerError",
    "APIConnectionError",
    "APITimeoutError",
    "InvalidResponseError",
    "StreamInterruptedError",
    "CommandError",
    "RunError",
    "ToolCallError",
    "MessageError",
    "StreamClosedError",
    "InvalidRequestError",
    "NotSerializableError",
    "snippet",
]

SNIPPET_LENGTH = 200


class StatelessClientError(Exception):
    """Base class of every error this package raises on purpose."""


class APIError(StatelessClientError):
    """A request to the server failed.

    Attributes:
        method: the HTTP method of the failed request, e.g. ``"POST"``.
        url: the full URL of the failed request.
    """

    def __init__(self, message: str, *, method: str, url: str) -> None:
        super().__init__(message)
        self.message = message
        self.method = method
        self.url = url


class APIStatusError(APIError):
    """The server answered with a 4xx or 5xx status.

    Attributes:
        status_code: the HTTP status (or the status the server reported inside a 200 body,
            as ``/join`` does for a missing run).
        response: the closed ``requests.Response`` (headers are still readable).
        body: the decoded JSON body, or the body text when it was not JSON.
        detail: the server's ``detail``/``message`` if it sent one, else ``None``.
        request_id: the response's ``x-request-id`` header (quote it to the server's
            operators), else ``None``.
        code, param, type: the string values of those keys of a JSON object body, else
            ``None``, as the official SDK's errors have them.
    """

    def __init__(
        self,
        message: str,
        *,
        method: str,
        url: str,
        response: requests.Response,
        body: Any,
        detail: str | None,
        status_code: int | None = None,
    ) -> None:
        super().__init__(message, method=method, url=url)
        self.response = response
        self.status_code = response.status_code if status_code is None else status_code
        self.body = body
        self.detail = detail
        self.request_id: str | None = response.headers.get("x-request-id")
        fields = body if isinstance(body, dict) else {}
        self.code: str | None = _text(fields.get("code"))
        self.param: str | None = _text(fields.get("param"))
        self.type: str | None = _text(fields.get("type"))


class BadRequestError(APIStatusError):
    """400: the request was malformed. Fix the input; retrying will not help."""


class AuthenticationError(APIStatusError):
    """401: the API key is missing or wrong. Check ``api_key`` / ``LANGGRAPH_API_KEY``."""


class PermissionDeniedError(APIStatusError):
    """403: the key is valid but may not do this."""


class NotFoundError(APIStatusError):
    """404: no such assistant, thread or run (a finished stateless run's thread is gone)."""


class ConflictError(APIStatusError):
    """409: the thread is busy with another run (``multitask_strategy="reject"``). Never retried."""


class UnprocessableEntityError(APIStatusError):
    """422: the server rejected the payload, e.g. an unknown assistant. Fix the input."""


class RateLimitError(APIStatusError):
    """429: too many requests. Safe to retry after a pause; the client already retried."""


class InternalServerError(APIStatusError):
    """5xx: the server or a proxy in front of it failed."""


class APIConnectionError(APIError):
    """No usable answer arrived: connection refused or reset, DNS or TLS failure.

    Safe to retry for reads; for run-creating calls a retry may start the run twice
    unless the failure happened before the request was sent (the client retries those itself).
    """


class APITimeoutError(APIConnectionError):
    """The connect timeout, or the read timeout (longest silence between bytes), expired."""


class InvalidResponseError(APIError):
    """The server's answer is not what this API sends: wrong content type, non-JSON data,
    an SSE line or event over its limit, malformed chunked framing or compression. ``snippet``
    quotes the start of the offending bytes.
    """

    def __init__(self, message: str, *, method: str, url: str, snippet: str) -> None:
        super().__init__(message, method=method, url=url)
        self.snippet = snippet


class StreamInterruptedError(APIError):
    """A run's event stream ended before the run did and could not be resumed.

    The run may still be going on the server. ``events_delivered`` parts reached the caller.

    Attributes:
        run_id: the run whose stream broke (``None`` if it was never announced).
        events_delivered: how many stream parts the caller received.
        reason: why the stream could not be resumed.
    """

    def __init__(
        self, *, method: str, url: str, run_id: str | None, events_delivered: int, reason: str
    ) -> None:
        message = (
            f"stream of run {run_id or '(unknown)'} interrupted after "
            f"{events_delivered} event(s) and not resumed: {reason} ({method} {url})"
        )
        super().__init__(message, method=method, url=url)
        self.run_id = run_id
        self.events_delivered = events_delivered
        self.reason = reason


class CommandError(APIError):
    """The server refused a thread-stream command (``thread.run.start``, ``thread.run.respond``),
    or ended a thread's event stream with an error.

    A refusal that carries an HTTP status (an unknown assistant is ``422``) raises that
    status's ``APIStatusError`` subclass instead.

    Attributes:
        command: the command's method, e.g. ``"input.respond"``.
        code: the protocol's error code, e.g. ``"no_such_interrupt"``.
        detail: the server's message.
        thread_id: the thread the command was for.
    """

    def __init__(self, *, command: str, code: str, detail: str, thread_id: str, method: str, url: str) -> None:
        super().__init__(f"{command} on thread {thread_id} refused: {code}: {detail}", method=method, url=url)
        self.command = command
        self.code = code
        self.detail = detail
        self.thread_id = thread_id


class RunError(StatelessClientError):
    """The run failed on the server (a node raised, the run was cancelled, ...).

    Attributes:
        run_id: the failed run, when known.
        error: the server's error type, e.g. ``"ValueError"``.
        detail: the server's error message, e.g. ``"node exploded"``.
    """

    def __init__(self, *, run_id: str | None, error: str, detail: str) -> None:
        super().__init__(f"run {run_id or '(unknown)'} failed: {error}: {detail}")
        self.run_id = run_id
        self.error = error
        self.detail = detail


class ToolCallError(StatelessClientError, RuntimeError):
    """A tool call reported an error (``tool-error``); raised by ``ToolCall.output``.

    Attributes:
        tool_call_id: the call's ID.
        name: the tool's name.
        detail: the message the server sent.
    """

    def __init__(self, *, tool_call_id: str, name: str, detail: str) -> None:
        super().__init__(f"tool {name!r} (call {tool_call_id}) failed: {detail}")
        self.tool_call_id = tool_call_id
        self.name = name
        self.detail = detail


class MessageError(StatelessClientError, RuntimeError):
    """A chat model's message failed mid-stream (a ``messages`` ``error`` event); raised by the
    ``MessageStream``'s ``text``, ``content_blocks`` and ``output``, after the text received.

    Attributes:
        message_id: the message's ID, when known.
        code: the error code the server sent (e.g. ``"provider_error"``), or ``None``.
        detail: the message the server sent.
    """

    def __init__(self, *, message_id: str | None, code: str | None, detail: str) -> None:
        super().__init__(f"message {message_id or '(unknown)'} failed: {detail}")
        self.message_id = message_id
        self.code = code
        self.detail = detail


class StreamClosedError(StatelessClientError, RuntimeError):
    """A ``RunStream`` was iterated after it was closed or fully consumed, or a
    ``ThreadStream`` was used after it was closed or outside its ``with`` block."""


class InvalidRequestError(StatelessClientError, ValueError):
    """The request cannot be sent as asked, so nothing was sent and nothing is retried.

    Raised by the call (or by ``Client(...)`` for the client's own headers) for: a header
    that HTTP cannot carry (a name that is not a token, a value with CR, LF, NUL or another
    control character, a character outside Latin-1, leading whitespace); the reserved
    ``x-api-key`` in the client's headers (pass ``api_key``); an ID that is empty,
    ``"."`` or ``".."`` (it would address another endpoint); NaN or Infinity in the JSON body.
    The message names the header, the ID or the place in the body, never a header's value.
    A ``ValueError``, so code that validates input with ``except ValueError`` keeps working.
    """


class NotSerializableError(InvalidRequestError, TypeError):
    """A value in the request body cannot be encoded as JSON, or an ID in the URL path is
    ``None`` or bytes; nothing was sent.

    The message names where it is (e.g. ``input['when']``) and its type. Also a
    ``TypeError``, as the JSON encoder's own error was, so ``except TypeError`` keeps working.
    """


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def snippet(data: bytes | str, limit: int = SNIPPET_LENGTH) -> str:
    """The start of a body, whitespace folded, for an error message."""
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
    text = " ".join(text[: limit * 2].split())
    return text if len(text) <= limit else text[:limit] + "..."
