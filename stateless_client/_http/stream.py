"""``RunStream``: a run's server-sent events as ``StreamPart`` objects, with resume on drop."""

from __future__ import annotations

import http.client
import json
import logging
import re
from dataclasses import replace
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generator, Generic, Iterator, TypeVar

import requests
import urllib3.exceptions

from .. import _json
from .._exceptions import (
    APIConnectionError,
    APIStatusError,
    InvalidResponseError,
    NotFoundError,
    StreamClosedError,
    StreamInterruptedError,
    run_error,
    snippet,
)
from .._models import StreamPart
from ..sse import DEFAULT_MAX_LINE_LENGTH, EventDecoder, EventLineTooLong
from .body import iter_body
from .failures import connection_error
from .retries import Retry, retry_delay
from .urls import origin

if TYPE_CHECKING:
    from .options import RequestOptions
    from .transport import Transport

__all__ = ["RunStream", "open_run_stream", "MAX_RESUME_ATTEMPTS"]

logger = logging.getLogger("stateless_client")

MAX_RESUME_ATTEMPTS = 5
_RUN_ID_IN_PATH = re.compile(r"/runs/([^/?#]+)")
# What a dropped connection looks like from below: a reset, an EOF inside chunked framing, ...
_DROPS = (urllib3.exceptions.HTTPError, http.client.HTTPException, OSError)
_CONTROL_EVENTS = frozenset({"metadata", "error", "end"})
# orjson copies its whole input before it builds the result, so a big event peaked at ~3x its
# size with orjson against ~2x with the standard library, which parses a ``str`` in place (and
# is as fast on the string-heavy documents big LangGraph events are). Events of this many
# characters or more are parsed with ``json``.
_BIG_JSON = 1024 * 1024

#: What a stream yields: ``StreamPart`` (``version="v1"``) or a dict (``version="v2"``).
PartT = TypeVar("PartT")


class RunStream(Generic[PartT]):
    """The events of one run, in order, as ``StreamPart`` objects.

    Iterate it once; use it as a context manager or call ``close()`` to drop the connection
    early. Leaving a ``for`` loop over it early (``break``, an exception) closes the
    connection at once, and so does dropping the last reference to it. The LangGraph server
    sends no ``end`` event: iteration simply ends after the last event (an ``end`` event,
    which other servers send, also ends it).

    Example:
        >>> with client.runs.stream(None, "agent", input=data, stream_mode="updates") as stream:
        ...     for part in stream:
        ...         print(part.event, part.namespace)
        metadata ()
        updates ()

    Iteration raises:
        RunError: the run failed (an ``error`` event).
        StreamInterruptedError: the connection dropped and the stream could not be resumed.
        APITimeoutError: the server sent nothing for longer than the read timeout.
        InvalidResponseError: an event whose data is not JSON, or an oversized line.
        StreamClosedError: the stream was already closed or fully consumed.
    """

    def __init__(self, source: _EventSource, *, version: str = "v1") -> None:
        # The generator refers to ``source``, never to this object: without a reference
        # cycle, dropping the stream closes its connection at once, not at some later GC.
        self._source = source
        self._parts: Generator[PartT, None, None] = (
            source.parts() if version == "v1" else _as_v2(source.parts())  # type: ignore[assignment]
        )
        self._closed = False
        self._exhausted = False

    @property
    def response(self) -> requests.Response:
        """The current HTTP response (a new one after a resume)."""
        return self._source.response

    @property
    def run_id(self) -> str | None:
        """The run's ID, from the ``Content-Location`` header or the ``metadata`` event."""
        return self._source.run_id

    def __repr__(self) -> str:
        state = "closed" if self._closed else "open"
        return f"<RunStream {self._source.method} {self._source.url} run_id={self.run_id!r} {state}>"

    def __iter__(self) -> Iterator[PartT]:
        if self._closed:
            raise StreamClosedError("this RunStream was already closed or fully consumed")
        return self._guarded()

    def __next__(self) -> PartT:
        if self._closed:
            if self._exhausted:
                raise StopIteration
            raise StreamClosedError("this RunStream was closed before its end")
        try:
            return next(self._parts)
        except StopIteration:
            self._exhausted = True
            self.close()
            raise
        except BaseException:
            self.close()
            raise

    def __enter__(self) -> RunStream[PartT]:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Drop the connection now, so the server sees the disconnect. Safe to call twice."""
        self._closed = True
        self._parts.close()
        self._source.response.close()

    def _guarded(self) -> Iterator[PartT]:
        # A generator of its own, so that leaving a ``for`` loop early drops it at once
        # and its ``finally`` closes the connection.
        try:
            yield from self._parts
            self._exhausted = True
        finally:
            self.close()


class _EventSource:
    """Turns a response's bytes into ``StreamPart`` objects; reconnects when allowed."""

    def __init__(
        self,
        transport: Transport,
        response: requests.Response,
        *,
        options: RequestOptions,
        resumable: bool,
        resume_location: str | None = None,
        last_event_id: str | None = None,
        raise_error: bool = True,
        max_line_length: int = DEFAULT_MAX_LINE_LENGTH,
        max_event_size: int | None = None,
    ) -> None:
        self.transport = transport
        self.response = response
        self.run_id: str | None = _run_id_from(response)
        self.method = response.request.method or "GET"
        self.url = response.url
        self.options = options
        self.resumable = resumable
        self.resume_location = resume_location or response.headers.get("location")
        self.last_event_id = last_event_id
        self.raise_error = raise_error
        self.max_line_length = max_line_length
        self.max_event_size = transport.max_event_size if max_event_size is None else max_event_size

    def parts(self) -> Generator[StreamPart, None, None]:
        """Yield the stream's parts until its end; resume after a drop if the run allows."""
        delivered = delivered_before = 0
        attempts = 0  # consecutive resumes that brought no new event
        resumed = False
        loads = _json.loads
        loads_big = json.loads
        decode_errors = _json.JSONDecodeError
        make_part = tuple.__new__  # StreamPart(...) without NamedTuple's Python-level __new__
        while True:
            decoder = EventDecoder(last_event_id=self.last_event_id, max_line_length=self.max_line_length,
                                   max_event_size=self.max_event_size)
            try:
                for event, data, last_id, _retry in decoder.events(iter_body(self.response)):
                    try:
                        value = loads(data) if len(data) < _BIG_JSON else loads_big(data)
                    except decode_errors:
                        value = self._not_json(event, data)
                    if event in _CONTROL_EVENTS:
                        if event == "metadata":
                            if isinstance(value, dict) and value.get("run_id"):
                                self.run_id = str(value["run_id"])
                        elif event == "error":
                            error = run_error(value, run_id=self.run_id, method=self.method, url=self.url,
                                              response=self.response)
                            if resumed and isinstance(error, NotFoundError):
                                raise StreamInterruptedError(
                                    method=self.method, url=self.url, run_id=self.run_id,
                                    events_delivered=delivered,
                                    reason=f"resumed, but the server no longer has the run ({error.detail})",
                                ) from error
                            if self.raise_error or isinstance(error, APIStatusError):
                                raise error
                            yield make_part(StreamPart, (event, value, last_id))
                            return
                        else:  # "end"
                            return
                    delivered += 1
                    yield make_part(StreamPart, (event, value, last_id))
                if not decoder.incomplete:
                    return
                reason = "the connection closed in the middle of an event"
            except (urllib3.exceptions.ReadTimeoutError, TimeoutError) as exc:
                raise connection_error(exc, self.method, self.url, self.options.timeout) from exc
            except EventLineTooLong as exc:
                raise InvalidResponseError(
                    f"{self.method} {self.url}: {exc}", method=self.method, url=self.url, snippet=exc.snippet
                ) from None
            except _DROPS as exc:
                reason = f"the connection dropped ({type(exc).__name__}: {exc})"
            finally:
                self.response.close()
            if delivered > delivered_before:
                attempts = 0  # the last connection made progress: a new drop starts afresh
            self.last_event_id = decoder.last_event_id
            self.response = self._resume(reason, delivered, attempts)
            resumed = True
            attempts += 1
            delivered_before = delivered

    def _resume(self, reason: str, delivered: int, attempts: int) -> requests.Response:
        """Reconnect to the stream's ``Location`` after ``Last-Event-ID``, or raise.

        The reconnecting ``GET`` repeats the call's headers (``Accept`` and the caller's own),
        as the official SDK does, with ``Last-Event-ID`` set to the last event received.
        """
        location = self.resume_location
        while True:
            refusal = None
            if not self.resumable:
                refusal = "the run was not created with stream_resumable=True"
            elif not location:
                refusal = "the server sent no Location to resume from"
            elif origin(self.transport.url(location)) != self.transport.origin:
                refusal = f"refusing to resume from a Location on another origin ({location})"
            elif attempts >= MAX_RESUME_ATTEMPTS:
                refusal = f"gave up after {attempts} resume attempts"
            if refusal is not None or location is None:
                raise StreamInterruptedError(
                    method=self.method, url=self.url, run_id=self.run_id,
                    events_delivered=delivered, reason=f"{reason}; {refusal}",
                )
            delay = retry_delay(attempts)
            logger.debug("resuming run %s from %s after event %r in %.2f s (%s)",
                         self.run_id, location, self.last_event_id, delay, reason)
            self.transport.sleep(delay)
            attempts += 1
            try:
                response = self.transport.request(
                    "GET", location, self._resume_options(), stream=True, retry=Retry.SAFE
                )
            except NotFoundError:
                raise StreamInterruptedError(
                    method=self.method, url=self.url, run_id=self.run_id, events_delivered=delivered,
                    reason=f"{reason}; the server has no stream to resume at {location} (404)",
                ) from None
            except APIConnectionError as exc:
                reason = str(exc)
                continue
            check_event_stream(response)
            return response

    def _resume_options(self) -> RequestOptions:
        headers = {
            name: value for name, value in self.options.headers.items()
            if name.lower() not in ("content-type", "content-length", "last-event-id")
        }
        if self.last_event_id is not None:
            headers["last-event-id"] = self.last_event_id
        return replace(self.options, headers=headers, max_retries=0, params=None)

    def _not_json(self, event: str, data: str) -> object:
        if not data.strip():
            return None  # e.g. ``event: end`` with an empty data line
        raise InvalidResponseError(
            f"{self.method} {self.url}: data of the {event!r} event is not JSON: {snippet(data)!r}",
            method=self.method, url=self.url, snippet=snippet(data),
        )


def open_run_stream(
    transport: Transport, response: requests.Response, *, version: str = "v1", **options: Any
) -> RunStream[Any]:
    """Wrap a checked event-stream response (``options`` as for ``_EventSource``)."""
    return RunStream(_EventSource(transport, response, **options), version=version)


def _as_v2(parts: Generator[StreamPart, None, None]) -> Generator[dict[str, Any], None, None]:
    """The official SDK's ``version="v2"`` parts: ``{"type", "ns", "data", "interrupts"}``."""
    try:
        for event, data, _id in parts:
            mode, *namespace = event.split("|")
            interrupts = data.pop("__interrupt__", []) if mode == "values" and isinstance(data, dict) else []
            yield {"type": mode, "ns": namespace, "data": data, "interrupts": interrupts}
    finally:
        parts.close()


def check_event_stream(response: requests.Response) -> None:
    """Raise ``InvalidResponseError`` (and close) unless the response is an event stream."""
    content_type = response.headers.get("content-type", "")
    if content_type.split(";", 1)[0].strip().lower() == "text/event-stream":
        return
    method, url = response.request.method or "GET", response.url
    try:
        start = response.raw.read(512, decode_content=True) or b""
    except Exception:
        start = b""
    finally:
        response.close()
    quoted = snippet(start)
    raise InvalidResponseError(
        f"{method} {url}: expected an event stream but got content-type {content_type!r} "
        f"(status {response.status_code}): {quoted!r}",
        method=method, url=url, snippet=quoted,
    )


def _run_id_from(response: requests.Response) -> str | None:
    found = _RUN_ID_IN_PATH.search(response.headers.get("content-location", ""))
    return found.group(1) if found else None
