"""Relaying a run to a browser: a ``RunStream`` as server-sent-event bytes for a web response.

``iter_sse`` is for WSGI (Flask's ``Response``, Django's ``StreamingHttpResponse``), ``aiter_sse``
for ASGI (Django under uvicorn, Starlette, FastAPI). Both send each part in the server's own SSE
form (event names, JSON data and ids kept), the server's heartbeats as SSE comments (so the web
server's write fails, and the relay notices, within one heartbeat of the browser leaving), an
``error`` event instead of a cut response when the run fails, and a final ``end`` event so the
page can close its ``EventSource`` instead of reconnecting (which would start a new run). When
the web server closes the iterator early (the browser left), the upstream connection is closed
and, unless the caller opted out, the run is cancelled on the LangGraph server.
"""

from __future__ import annotations

import contextlib
import json
import logging
import threading
from typing import TYPE_CHECKING, Any, AsyncIterator, Final, Iterator

from .. import _json
from .._exceptions import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    InvalidResponseError,
    RunError,
    StatelessClientError,
    StreamClosedError,
    StreamInterruptedError,
)

if TYPE_CHECKING:
    from .stream import RunStream

__all__ = ["SSE_RESPONSE_HEADERS", "iter_sse", "aiter_sse", "END_EVENT"]

#: The headers of a relayed event stream: the content type, no caching, and no buffering by
#: nginx-style proxies (``X-Accel-Buffering``), so each event reaches the browser at once.
SSE_RESPONSE_HEADERS: Final = {
    "Content-Type": "text/event-stream; charset=utf-8",
    "Cache-Control": "no-cache",
    "X-Accel-Buffering": "no",
}
logger = logging.getLogger("stateless_client")

END_EVENT: Final = b"event: end\ndata: null\n\n"
HEARTBEAT: Final = b": heartbeat\n\n"


def encode_part(event: str, data: Any, event_id: str | None) -> bytes:
    """One stream part in SSE form.

    Raises:
        InvalidResponseError: ``data`` is nested too deeply for any encoder (the relay sends
            it as an ``error`` event).
    """
    end = b"\nid: " + event_id.encode() + b"\n\n" if event_id is not None else b"\n\n"
    return b"".join((b"event: ", event.encode(), b"\ndata: ", _dumps(data, event), end))  # one copy of the data


def error_event(error: BaseException, run_id: str | None) -> bytes:
    """The ``error`` event a relay sends instead of cutting the response.

    It goes to a browser, so it carries the error's type, a message safe to show and the
    ``run_id``, and for a failed run the graph's own ``error`` and ``detail``: never the
    upstream URL, a host, a header or a library's text. The whole error goes to the
    ``stateless_client`` logger, for the web server's log.
    """
    logger.warning("relay of run %s ended with %s: %s", run_id, type(error).__name__, error)
    payload: dict[str, Any] = {"type": type(error).__name__, "message": browser_message(error), "run_id": run_id}
    if isinstance(error, RunError):
        payload.update(error=error.error, detail=error.detail)
        try:
            return b"event: error\ndata: " + _dumps(payload, "error") + b"\n\n"
        except InvalidResponseError:
            del payload["error"], payload["detail"]  # the server's part: a message is enough
    return b"event: error\ndata: " + _dumps(payload, "error") + b"\n\n"


def browser_message(error: BaseException) -> str:
    """What a relay may tell a browser about ``error``: what went wrong, in words that name
    nothing of the server side (the URL, host and library messages stay in the log)."""
    if isinstance(error, RunError):
        return f"the run failed: {error.error}: {error.detail}"
    if isinstance(error, APITimeoutError):
        return "the LangGraph server sent nothing for too long"
    if isinstance(error, StreamInterruptedError):
        return "the stream was interrupted before the run ended"
    if isinstance(error, APIConnectionError):
        return "the LangGraph server could not be reached"
    if isinstance(error, APIStatusError):
        return f"the LangGraph server answered {error.status_code}"
    if isinstance(error, InvalidResponseError):
        return "the LangGraph server sent something that is not a valid event"
    return "the run's stream failed"


def _dumps(data: Any, event: str) -> bytes:
    """``data`` as JSON, for whatever the stream's parser accepted.

    orjson writes nesting only 254 levels deep though it parses 1024, so deeper data goes
    through the standard library (ASCII output: nothing in it can fail to encode), which goes
    as deep as Python's recursion limit.
    """
    try:
        return _json.dumps(data)
    except (TypeError, ValueError, RecursionError):
        pass
    try:
        return json.dumps(data, ensure_ascii=True, separators=(",", ":"), allow_nan=False).encode()
    except (TypeError, ValueError, RecursionError) as exc:
        raise InvalidResponseError(
            f"the data of a {event!r} event cannot be relayed as JSON ({exc})", method="", url="", snippet=""
        ) from None


def iter_sse(stream: RunStream[Any], *, cancel_on_close: bool = True) -> Iterator[bytes]:
    """The stream as SSE bytes, ending with an ``end`` event (see the module's docstring)."""
    finished = False
    try:
        try:
            for part in stream._with_heartbeats():
                if part is None:
                    yield HEARTBEAT
                elif part.event != "end":  # the server's own: the relay always sends one below
                    yield encode_part(*part)
        except StreamClosedError:
            return  # closed on purpose, from another thread or by cancel(): nothing more to send
        except StatelessClientError as exc:
            yield error_event(exc, stream.run_id)
        finished = True
        yield END_EVENT
    finally:
        leave(stream, cancel=cancel_on_close and not finished)


async def aiter_sse(stream: RunStream[Any], *, cancel_on_close: bool = True) -> AsyncIterator[bytes]:
    """``iter_sse`` for ASGI: each blocking read runs in one of the relays' own threads
    (``relay_pool``: never the event loop's small default pool, where a few quiet relays would
    hold up all the others), one event at a time, and cancelling the consuming task (the
    browser left) aborts the read at once."""
    from .relay_pool import run  # here, not at the top: only an ASGI relay needs it (issue 21)

    events = iter_sse(stream, cancel_on_close=False)
    finished = False
    try:
        while True:
            chunk = await run(next, events, None)
            if chunk is None:
                finished = True
                return
            yield chunk
    finally:
        # Not awaited: a task cancelled by anyio (Starlette) cannot await anything here.
        leave(stream, cancel=cancel_on_close and not finished)


def leave(stream: RunStream[Any], *, cancel: bool) -> None:
    """Close the stream at once (waking a read blocked in another thread) and, when
    ``cancel``, make sure the run stops without making the web server's thread wait.

    A run that the server cancels when its connection closes (a stateless run's default
    ``on_disconnect="cancel"``) needs nothing more. Any other is cancelled from a daemon
    thread of its own: a cancel can take as long as the server's answer (a stateless run's
    thread is looked up first), and a relay's thread serves the next request meanwhile.
    """
    needs_cancel = cancel and not stream.closed and not stream._source.closing_cancels
    stream.close()
    if needs_cancel:
        threading.Thread(target=_cancel_quietly, args=(stream,), name="stateless-client-cancel", daemon=True).start()


def _cancel_quietly(stream: RunStream[Any]) -> None:
    with contextlib.suppress(StatelessClientError):
        stream._source.cancel_run("interrupt")
