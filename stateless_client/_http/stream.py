"""``RunStream``: a run's server-sent events as ``StreamPart`` objects, with resume on drop."""

from __future__ import annotations

import re
import threading
from dataclasses import replace
from types import TracebackType
from typing import (
    TYPE_CHECKING,
    Any,
    AsyncIterator,
    Callable,
    Generator,
    Generic,
    Iterator,
    NoReturn,
    Sequence,
    TypeVar,
)
from urllib.parse import unquote, urlsplit, urlunsplit

import requests

from .. import _json
from .._exceptions import (
    APIConnectionError,
    APIError,
    APIStatusError,
    InternalServerError,
    InvalidRequestError,
    NotFoundError,
    RateLimitError,
    StreamClosedError,
)
from .._models import StreamPart
from .._text import MESSAGE_MODES, TextExtractor
from ..sse import COMMENT, DEFAULT_MAX_LINE_LENGTH
from .event_connection import DROPS, MAX_RESUME_ATTEMPTS, EventConnection, check_event_stream
from .failures import run_error
from .headers import check_headers
from .observe import CLOSED, COMPLETED, END_EVENT, SPAN_ATTRIBUTE, outcome_of, started_at, stream_ended
from .retries import Retry, reconnect_delay
from .urls import origin

#: Cancels a stream's run: ``canceller(run_id, thread_id, action)``; its resource provides it,
#: since only the resource knows how to find a run that the stream does not fully name.
Canceller = Callable[[str, "str | None", "CancelAction"], None]

if TYPE_CHECKING:
    from ..types import CancelAction
    from .options import RequestOptions
    from .transport import Transport

__all__ = ["RunStream", "open_run_stream", "check_event_stream", "run_location", "MAX_RESUME_ATTEMPTS", "DROPS"]

_RUN_LOCATION = re.compile(r"(?:/threads/(?P<thread_id>[^/?#]+))?/runs/(?P<run_id>[^/?#]+)")
# A thread run's stream (``Location``), whose run the API can be asked about.
_RUN_STREAM_PATH = re.compile(r"(.*/threads/[^/]+/runs/[^/]+)/stream")
_CONTROL_EVENTS = frozenset({"metadata", "error", "end", COMMENT})

#: What a stream yields: ``StreamPart`` (``version="v1"``) or a dict (``version="v2"``).
PartT = TypeVar("PartT")


class RunStream(Generic[PartT]):
    """The events of one run, in order, as ``StreamPart`` objects (dicts with ``version="v2"``).

    A ``RunStream`` is its own iterator, like the official SDK's generator: ``next(stream)``
    works, and a ``for`` loop after a ``break`` continues where the last one stopped. The
    connection closes at once when the stream ends, fails, is closed (``close()``, leaving a
    ``with`` block) or is dropped, which includes the temporary of
    ``for part in client.runs.stream(...)`` at ``break``. The LangGraph server sends no ``end``
    event: iteration simply ends after the last event. An ``end`` event, which other servers
    send, is yielded (``StreamPart("end", None)``, as by the official SDK) and ends it.

    ``close()`` and ``cancel()`` may be called from any thread at any time: a read blocked in
    another thread is woken at once and raises ``StreamClosedError`` there.

    Examples:
        >>> with client.runs.stream(None, "agent", input=data, stream_mode="updates") as stream:
        ...     for part in stream:
        ...         print(part.event, part.namespace)
        metadata ()
        updates ()

    Iteration raises:
        RunError: the run failed (an ``error`` event).
        StreamInterruptedError: the connection dropped and the stream could not be resumed.
        APITimeoutError: the server sent nothing for longer than the read timeout.
        InvalidResponseError: event data that is not JSON, a line or event over its limit
            (``max_event_size``), or a malformed body (chunked framing, compression).
        StreamClosedError: the stream was closed, or another thread is iterating it.
    """

    def __init__(self, source: _EventSource, *, version: str = "v1") -> None:
        # The generator refers to ``source``, never to this object: without a reference
        # cycle, dropping the stream closes its connection at once, not at some later GC.
        self._source = source
        self._version = version
        self._parts: Generator[PartT, None, None] = (
            source.parts() if version == "v1" else _as_v2(source.parts())  # type: ignore[assignment, arg-type]  # None: heartbeats, v1 relays only
        )
        # Held while a thread is inside ``__next__``; ``close()`` from another thread then
        # wakes that read instead of touching the generator it is running.
        self._reading = threading.Lock()
        self._closed = False
        self._exhausted = False
        self._started = started_at(source.response)
        # ``stateless_client.otel``'s span of the request, which this stream ends.
        self._span = source.response.__dict__.get(SPAN_ATTRIBUTE)
        if self._span is not None:
            self._span.adopted = True
        self._ended = False  # whether the record of its end was written (set last: see __del__)

    @property
    def response(self) -> requests.Response:
        """The current HTTP response (a new one after a resume)."""
        return self._source.response

    @property
    def run_id(self) -> str | None:
        """The run's ID, from the ``Content-Location`` header or the ``metadata`` event."""
        return self._source.run_id

    @property
    def thread_id(self) -> str | None:
        """The run's thread, when the server named it (``None`` for a stateless stream)."""
        return self._source.thread_id

    @property
    def closed(self) -> bool:
        """Whether the stream is closed (ended, failed, closed or cancelled)."""
        return self._closed

    def __repr__(self) -> str:
        state = "closed" if self._closed else "open"
        return f"<RunStream {self._source.method} {self._source.url} run_id={self.run_id!r} {state}>"

    def __iter__(self) -> RunStream[PartT]:
        if self._closed:
            raise StreamClosedError("this RunStream was already closed or fully consumed")
        return self

    def __next__(self) -> PartT:
        if not self._reading.acquire(blocking=False):
            raise StreamClosedError("another thread is iterating this RunStream; a stream has one reader")
        try:
            if self._closed:
                if self._exhausted:
                    raise StopIteration
                self._shut()  # closed by another thread while this one was between reads
                raise StreamClosedError("this RunStream was closed before its end")
            try:
                return next(self._parts)
            except StopIteration:
                if self._source.aborted:
                    self._shut()
                    raise StreamClosedError("this RunStream was closed while reading") from None
                self._exhausted = True
                self._shut(self._source.ended_by or COMPLETED)
                raise
            except BaseException as exc:
                self._shut(outcome_of(exc), exc)
                if self._source.aborted and not isinstance(exc, (StreamClosedError, GeneratorExit)):
                    raise StreamClosedError("this RunStream was closed while reading") from None
                raise
        finally:
            self._reading.release()

    def __del__(self) -> None:
        # Dropped without reaching its end or ``close()``: the generator's collection closes
        # the connection; this writes the stream's record and ends its span.
        if getattr(self, "_ended", True) is False:  # a stream whose __init__ failed has none
            try:
                self._shut()
            except Exception:  # at interpreter exit, logging may be gone already
                pass

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
        """Drop the connection now, so the server sees the disconnect. Safe to call twice,
        and from any thread: a read blocked in another thread wakes up with
        ``StreamClosedError``."""
        self._closed = True
        if self._reading.acquire(blocking=False):
            try:
                self._shut()
            finally:
                self._reading.release()
        else:
            self._source.abort()  # the reading thread closes the rest when it wakes

    def cancel(self, action: CancelAction = "interrupt") -> None:
        """Cancel the run on the server, then close the stream. Safe from any thread.

        Works for stateless runs too, whatever the run's ``on_disconnect``: ``runs.stream``
        tags a stateless run's metadata so that its temporary thread (which a stateless
        stream's headers do not name) is found in one search, however many threads are busy.

        Args:
            action: ``"interrupt"`` (keep the thread's state so far) or ``"rollback"``.

        Raises:
            NotFoundError: the server has no such run any more (it ended, and a stateless
                run's temporary thread with it).
            APIError: the run cannot be cancelled from here: the server never named it, or
                (a stream from ``client.http.stream``) did not name its thread.
        """
        try:
            self._source.cancel_run(action)
        finally:
            self.close()

    @property
    def text_stream(self) -> Iterator[str]:
        """The text of each AI message chunk as it arrives (``iter_text()`` with no filter).

        Examples:
            >>> stream = client.runs.stream(None, "tokens", input=data, stream_mode="messages-tuple")
            >>> "".join(stream.text_stream)
            'Hello Bagatur! Nice to meet you.'
        """
        return self.iter_text()

    def iter_text(
        self, *, node: str | None = None, on_part: Callable[[StreamPart], None] | None = None
    ) -> Iterator[str]:
        """Yield the text of each AI message chunk as it arrives, from ``messages-tuple`` or
        ``messages`` events; content given as a list of blocks yields its text blocks.

        Args:
            node: only the text generated by this graph node.
            on_part: called with every other part of the stream (``values``, ``updates``,
                ``metadata``, ...), so nothing else the run sends is lost.

        Raises:
            ValueError: the stream was started without a messages stream mode, so it would
                yield nothing, or with ``version="v2"``.
        """
        if self._version != "v1":
            raise ValueError("iter_text()/text_stream need a version='v1' stream")
        modes = self._source.stream_modes
        if modes is not None and not MESSAGE_MODES.intersection(modes):
            raise ValueError(
                f"iter_text()/text_stream need stream_mode 'messages-tuple' or 'messages'; "
                f"this stream was started with {list(modes)}"
            )
        return self._texts(TextExtractor(node), on_part)

    def _texts(self, extractor: TextExtractor, on_part: Callable[[StreamPart], None] | None) -> Iterator[str]:
        for part in self:
            assert isinstance(part, StreamPart)  # checked by iter_text: a v1 stream
            text = extractor.feed(part.event, part.data)
            if text:
                yield text
            elif on_part is not None and not part.event.startswith("messages"):
                on_part(part)

    def iter_sse(self, *, cancel_on_close: bool = True) -> Iterator[bytes]:
        """The stream as server-sent-event bytes, for a WSGI response (Flask, Django).

        Each part in the server's own SSE form, the server's heartbeats as SSE comments, an
        ``error`` event (``{"type", "message", "run_id", ...}``) instead of a cut response when
        the run fails, and a final ``end`` event, so the page can close its ``EventSource``
        instead of reconnecting (which would start a new run). Send it with
        ``SSE_RESPONSE_HEADERS``.

        Args:
            cancel_on_close: when the web server closes the iterator before the end (the
                browser left), cancel the run on the server (default), not only disconnect.

        Examples:
            >>> stream = client.runs.stream(None, "agent", input=data, stream_mode="updates")
            >>> [chunk.split(b"\\n")[0] for chunk in stream.iter_sse()]
            [b'event: metadata', b'event: updates', b'event: end']
        """
        if self._version != "v1":
            raise ValueError("iter_sse()/aiter_sse() relay a version='v1' stream")
        from .relay import iter_sse  # loaded by its first user (issue 21)

        return iter_sse(self, cancel_on_close=cancel_on_close)

    def aiter_sse(self, *, cancel_on_close: bool = True) -> AsyncIterator[bytes]:
        """``iter_sse`` for an ASGI response (Django under uvicorn, Starlette, FastAPI).

        The blocking reads run in the relays' own thread pool, one event at a time, off the
        event loop; cancelling the consuming task (the browser left) aborts the read at once
        and cancels the run.
        """
        if self._version != "v1":
            raise ValueError("iter_sse()/aiter_sse() relay a version='v1' stream")
        from .relay import aiter_sse

        return aiter_sse(self, cancel_on_close=cancel_on_close)

    def _with_heartbeats(self) -> Iterator[StreamPart | None]:
        """The parts, with ``None`` for each heartbeat the server sends (for relays)."""
        self._source.heartbeats = True
        if self._source.decoder is not None:
            self._source.decoder.comments = True
        return self  # type: ignore[return-value]  # a v1 stream yields StreamPart or, now, None

    def _shut(self, outcome: str = CLOSED, error: BaseException | None = None) -> None:
        self._closed = True
        self._parts.close()
        self._source.response.close()
        if not self._ended:
            self._ended = True
            source = self._source
            stream_ended("RunStream", method=source.method, url=source.url, run_id=source.run_id,
                         thread_id=source.thread_id, events=source.delivered, received=source.bytes_read,
                         started=self._started, outcome=outcome, error=error, span=self._span)


class _EventSource(EventConnection):
    """A run's events over ``EventConnection``: resumes on the run's ``Location`` after the
    last ``Last-Event-ID``; ``metadata`` names the run, ``error`` fails it, ``end`` ends it.
    A resumable thread run's stream that the server closes cleanly without an ``end`` asks
    the API about the run, and resumes while it is still pending or running."""

    control_events = _CONTROL_EVENTS
    kind = "RunStream"

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
        stream_modes: Sequence[str] | None = None,
        one_run: bool = True,
        max_line_length: int = DEFAULT_MAX_LINE_LENGTH,
        max_event_size: int | None = None,
        canceller: Canceller,
        closing_cancels: bool = False,
    ) -> None:
        super().__init__(transport, response, options=options, last_event_id=last_event_id,
                         max_line_length=max_line_length, max_event_size=max_event_size)
        self.canceller = canceller
        # Whether the server cancels the run when this connection closes (``on_disconnect``).
        self.closing_cancels = closing_cancels
        self.stream_modes = stream_modes
        self.run_id, self.thread_id = run_location(response)
        self.resumable = resumable
        self.resume_location = resume_location or response.headers.get("location")
        self.raise_error = raise_error
        # A run's stream ends with its run; a thread's stream (``threads.join_stream``) goes
        # on with the thread's next run, so a run's ``error`` part does not end it.
        self.one_run = one_run
        self.ended_by: str | None = None  # how a control event ended the stream, for its record

    def _control(self, event: str, value: object, last_id: str | None) -> StreamPart | None:
        if event == "metadata":
            if isinstance(value, dict) and value.get("run_id"):
                self.run_id = str(value["run_id"])
        elif event == "error":
            error = run_error(value, run_id=self.run_id, method=self.method, url=self.url, response=self.response)
            if self.resumed and isinstance(error, NotFoundError):
                raise error from self._interrupted(
                    f"resumed, but the server no longer has the run ({error.detail})")
            if self.raise_error or isinstance(error, APIStatusError):
                raise error
            self.finished = self.one_run
            if self.one_run:
                self.ended_by = "run error"
        else:  # "end": yielded, as by the SDK, and nothing after it is read
            self.finished = True
            self.ended_by = END_EVENT
        return StreamPart(event, value, last_id)

    def _refusal(self) -> str | None:
        location = self.resume_location
        if not self.resumable:
            return "the run was not created with stream_resumable=True"
        if not location:
            return "the server sent no Location to resume from"
        if origin(self.transport.url(location)) != self.transport.origin:
            return f"refusing to resume from a Location on another origin ({location})"
        return None

    def _reopen(self, reason: str) -> requests.Response:
        """``GET`` the stream's ``Location`` with ``Last-Event-ID`` set to the last event
        received, repeating the call's headers (``Accept`` and the caller's own), as the
        official SDK does."""
        location = self.resume_location
        assert location is not None  # checked by _refusal
        return self.transport.request("GET", location, self._resume_options(reason), stream=True, retry=Retry.SAFE)

    def _resume_delay(self, attempts: int) -> float:
        return reconnect_delay(attempts)  # 1, 2, 4, 5, 5 s: a restart takes seconds, as the SDK waits

    def _resume_not_found(self, reason: str, error: NotFoundError) -> NoReturn:
        # The run is gone (the server restarted, a stateless run's thread was deleted): the
        # SDK's NotFoundError, caused by the interruption, which holds what was delivered.
        raise error from self._interrupted(
            f"{reason}; the server has no stream to resume at {self.resume_location} (404)")

    def _on_clean_end(self) -> str | BaseException | None:
        """A clean end without an ``end`` event is also what a proxy's timeout or a server
        restart looks like: ask the API whether the run is still going, as the SDK does."""
        location = self.resume_location
        if not location or self._refusal() is not None:
            return None  # no resume possible: a check could only turn an end into an error
        url = urlsplit(location)
        found = _RUN_STREAM_PATH.fullmatch(url.path)
        if found is None:
            return None  # a thread's stream, or a stateless run's, which has no run to GET
        return self._check_run(urlunsplit((url.scheme, url.netloc, found[1], "", "")))

    def _check_run(self, run_url: str) -> BaseException | None:
        """``GET`` the run: an error that says why to resume if it is pending or running, or
        if the check failed as a restart fails (429, 5xx, no connection); else ``None``."""
        headers = self.options.headers.without("content-type", "content-length", "last-event-id", "accept")
        options = replace(self.options, headers=headers.merged({"accept": "application/json"}),
                          max_retries=0, params=None)
        try:
            response = self.transport.request("GET", run_url, options, retry=Retry.SAFE)
            run = _json.loads(response.content)
        except (RateLimitError, InternalServerError, APIConnectionError) as exc:
            return exc  # the restart that closed the stream can fail the check too
        except (APIError, ValueError):
            return None  # 403, 404, not JSON: nothing says the run goes on
        status = run.get("status") if isinstance(run, dict) else None
        if status not in ("pending", "running"):
            return None
        return APIError(f"the stream closed while run {self.run_id or '(unknown)'} was still pending or running "
                        f"({status!r})", method=self.method, url=self.url)

    def _run_id(self) -> str | None:
        return self.run_id

    def cancel_run(self, action: CancelAction) -> None:
        """Cancel this stream's run on the server, through the canceller its resource gave."""
        if self.run_id is None:
            raise APIError(f"cannot cancel: the server announced no run on {self.url}",
                           method=self.method, url=self.url)
        self.canceller(self.run_id, self.thread_id, action)

    def _resume_options(self, reason: str) -> RequestOptions:
        headers = self.options.headers.without("content-type", "content-length")
        last_id = self.last_event_id
        # The caller's own Last-Event-ID holds until the server sends an ID; an empty ``id:``
        # resets the cursor, so nothing is sent (an empty header would be a cursor too).
        if last_id is not None:
            headers = headers.without("last-event-id")
        if last_id:
            try:  # the ID came from the server: it may be nothing HTTP can send back
                check_headers({"last-event-id": last_id})
            except InvalidRequestError as exc:
                raise self._interrupted(
                    f"{reason}; the server's event ID cannot be sent back to resume ({exc})") from None
            headers = headers.merged({"last-event-id": last_id})
        return replace(self.options, headers=headers, max_retries=0, params=None)


def open_run_stream(
    transport: Transport, response: requests.Response, *, version: str = "v1", **options: Any
) -> RunStream[Any]:
    """Wrap a checked event-stream response (``options`` as for ``_EventSource``)."""
    return RunStream(_EventSource(transport, response, **options), version=version)


def _as_v2(parts: Generator[StreamPart, None, None]) -> Generator[dict[str, Any], None, None]:
    """The official SDK's ``version="v2"`` parts: ``{"type", "ns", "data", "interrupts"}``."""
    try:
        for event, data, _id in parts:
            if event == "end":  # the SDK's v2 parts leave it out
                continue
            mode, *namespace = event.split("|")
            interrupts = data.pop("__interrupt__", []) if mode == "values" and isinstance(data, dict) else []
            yield {"type": mode, "ns": namespace, "data": data, "interrupts": interrupts}
    finally:
        parts.close()


def run_location(response: requests.Response) -> tuple[str | None, str | None]:
    """``(run_id, thread_id)`` from ``Content-Location`` (``/threads/{t}/runs/{r}`` or ``/runs/{r}``)."""
    found = _RUN_LOCATION.search(response.headers.get("content-location", ""))
    if not found:
        return None, None
    return unquote(found["run_id"]), unquote(found["thread_id"]) if found["thread_id"] else None
