"""What a stream tells the ``stateless_client`` logger (and a tracing span) when it ends.

One record per stream, written once at its end: nothing here runs per event. The stream
counts its events and bytes where its loop already has them, and this module turns them into
one record, at DEBUG for a normal end (completed, ``end`` event, closed by the caller) and
higher for an abnormal one (see ``level_of``).
"""

from __future__ import annotations

import logging
import time
from typing import Any

import requests

from .._exceptions import APITimeoutError, RunError, StreamClosedError, StreamInterruptedError
from .urls import redact_userinfo

__all__ = ["SPAN_ATTRIBUTE", "log_url", "outcome_of", "started_at", "stream_ended"]

logger = logging.getLogger("stateless_client")

#: Where ``stateless_client.otel`` leaves a streamed response's span for its stream to adopt.
SPAN_ATTRIBUTE = "_stateless_client_span"

COMPLETED = "completed"
END_EVENT = "end event"
CLOSED = "closed by caller"

#: How each way of ending is logged. A run's own failure is INFO: the server did its job and
#: the caller gets a ``RunError`` with the details. A broken connection, a timeout or a bad
#: body is WARNING: something between here and the server needs an operator's look.
_LEVELS = {COMPLETED: logging.DEBUG, END_EVENT: logging.DEBUG, CLOSED: logging.DEBUG, "run error": logging.INFO}


def level_of(outcome: str) -> int:
    """The logging level of a stream that ended this way."""
    return _LEVELS.get(outcome, logging.WARNING)


def outcome_of(error: BaseException) -> str:
    """How a stream that raised ``error`` ended, in the record's words."""
    if isinstance(error, (StreamClosedError, GeneratorExit, KeyboardInterrupt)):  # the caller left
        return CLOSED
    if isinstance(error, RunError):
        return "run error"
    if isinstance(error, StreamInterruptedError):
        return "interrupted"
    if isinstance(error, APITimeoutError):
        return "timeout"
    return type(error).__name__


def log_url(url: str) -> str:
    """``url`` as logs show it: no query string or fragment (a key may be passed there by
    mistake) and no ``user:password@``."""
    return redact_userinfo(url.split("?", 1)[0].split("#", 1)[0])


def started_at(response: requests.Response) -> float:
    """When the request behind ``response`` was sent, on the ``perf_counter`` clock."""
    return time.perf_counter() - response.elapsed.total_seconds()


def stream_ended(
    kind: str,
    *,
    method: str,
    url: str,
    run_id: str | None,
    thread_id: str | None,
    events: int,
    received: int,
    started: float,
    outcome: str,
    error: BaseException | None,
    span: Any,
) -> None:
    """Write the stream's one record, and end its span (``span``: ``otel``'s, or ``None``)."""
    level = level_of(outcome)
    if span is not None:
        span.finish_stream(run_id=run_id, thread_id=thread_id, events=events, received=received,
                           outcome=outcome, error=error if level > logging.DEBUG else None)
    if not logger.isEnabledFor(level):
        return
    duration = time.perf_counter() - started
    fields = {"kind": kind, "method": method, "url": log_url(url), "run_id": run_id, "thread_id": thread_id,
              "events": events, "bytes": received, "duration": round(duration, 6), "outcome": outcome}
    where = f"run {run_id}" if run_id else "run ?"
    if thread_id:
        where += f" on thread {thread_id}"
    # The type only: an error's message may quote the run's own output or a URL's query.
    because = f" ({type(error).__name__})" if error is not None and level > logging.DEBUG else ""
    logger.log(level, "%s of %s ended: %s%s; %d events, %d bytes in %.3f s (%s %s)", kind, where, outcome,
               because, events, received, duration, method, fields["url"], extra={"stream": fields})
