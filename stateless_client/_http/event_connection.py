"""``EventConnection``: the one loop that reads JSON server-sent events over successive
connections, for ``RunStream`` (a run's stream) and ``ThreadStream`` (a thread's).

It decodes the body (``sse.EventDecoder``; big data parsed by ``_json.loads_big``), surfaces
heartbeats, turns a read timeout into ``APITimeoutError`` and an over-long line into
``InvalidResponseError``, and after a drop reconnects up to ``MAX_RESUME_ATTEMPTS`` times in a
row without a new event, then raises ``StreamInterruptedError`` caused by the last failure. A
reconnect that cannot open (refused, 429, 5xx, not an event stream: a server restarting) is
tried again within the same attempts. What differs between the two streams is a subclass's:
how to reopen (``_reopen``: ``Last-Event-ID`` on a run's ``Location``, ``since=<seq>`` on a
thread's), how long to wait first (``_resume_delay``), what a 404 there means
(``_resume_not_found``), what a control event means (``_control``), which events are new
(``admit``) and whether a body that ends cleanly is the end (``_on_clean_end``).
"""

from __future__ import annotations

import http.client
import logging
from typing import TYPE_CHECKING, Callable, ClassVar, Generator, NoReturn

import requests
import urllib3.exceptions

from .. import _json
from .._exceptions import (
    APIConnectionError,
    InternalServerError,
    InvalidResponseError,
    NotFoundError,
    RateLimitError,
    StreamClosedError,
    StreamInterruptedError,
    snippet,
)
from .._json import BIG_JSON
from .._models import StreamPart
from ..sse import COMMENT, DEFAULT_MAX_LINE_LENGTH, EventDecoder, EventLineTooLong, LongData
from .abort import shutdown_socket
from .body import iter_body
from .failures import connection_error
from .observe import log_url
from .retries import retry_delay

if TYPE_CHECKING:
    from .options import RequestOptions
    from .transport import Transport

__all__ = ["EventConnection", "DROPS", "MAX_RESUME_ATTEMPTS", "check_event_stream"]

logger = logging.getLogger("stateless_client")

#: Reconnects in a row that bring no new event before a stream gives up.
MAX_RESUME_ATTEMPTS = 5
# What a dropped connection looks like from below: a reset, an EOF inside chunked framing, ...
DROPS = (urllib3.exceptions.HTTPError, http.client.HTTPException, OSError)
# A reconnect answered so usually means the server is restarting or being redeployed: try again.
TRANSIENT = (APIConnectionError, RateLimitError, InternalServerError, InvalidResponseError)


class EventConnection:
    """A stream of JSON server-sent events that outlives its HTTP responses.

    ``parts()`` yields ``StreamPart(event, data, id)`` for each event, ``None`` for each
    heartbeat when ``heartbeats`` is set, and reconnects after a drop. ``abort()``, from any
    thread, wakes a blocked read, which then raises ``StreamClosedError``.
    """

    #: Events given to ``_control`` instead of yielded as they are (a subclass's).
    control_events: ClassVar[frozenset[str]] = frozenset({COMMENT})
    #: The stream's name in error messages.
    kind: ClassVar[str] = "stream"

    def __init__(
        self,
        transport: Transport,
        response: requests.Response,
        *,
        options: RequestOptions,
        last_event_id: str | None = None,
        max_line_length: int = DEFAULT_MAX_LINE_LENGTH,
        max_event_size: int | None = None,
        heartbeats: bool = False,
    ) -> None:
        self.transport = transport
        self.response = response
        self.options = options
        self.method = response.request.method or "GET"
        self.url = response.url
        self.last_event_id = last_event_id
        self.max_line_length = max_line_length
        self.max_event_size = transport.max_event_size if max_event_size is None else max_event_size
        self.heartbeats = heartbeats  # yield None for each heartbeat comment
        self.decoder: EventDecoder | None = None  # the current response's
        self.aborted = False
        self.resumed = False  # whether a reconnect happened
        self.delivered = 0  # parts yielded so far (kept up to date before each hook and at each close)
        self.bytes_read = 0  # body bytes of the connections closed so far
        self.finished = False  # set by ``_control`` to end after the part it returns
        #: Called with each event's data, parsed and as its text; ``False`` skips it (already
        #: delivered). May raise.
        self.admit: Callable[[object, str | LongData], bool] | None = None

    def parts(self) -> Generator[StreamPart | None, None, None]:
        """Yield the stream's parts until its end; reconnect after a drop while allowed."""
        delivered = delivered_before = 0
        attempts = 0  # consecutive reconnects that brought no new event
        cause: BaseException | None = None  # why the last connection ended
        loads = _json.loads_text
        loads_big = _json.loads_big  # at BIG_JSON characters and more: less memory (see _json)
        decode_errors = _json.JSONDecodeError
        make_part = tuple.__new__  # StreamPart(...) without NamedTuple's Python-level __new__
        control = self.control_events
        admit = self.admit
        while True:
            decoder = self.decoder = EventDecoder(
                last_event_id=self.last_event_id, max_line_length=self.max_line_length,
                max_event_size=self.max_event_size, comments=self.heartbeats, long_data=BIG_JSON,
            )
            try:
                for event, data, last_id, _retry in decoder.events(iter_body(self.response)):
                    try:
                        # Only data of BIG_JSON characters or more can be a LongData.
                        value = loads(data) if len(data) < BIG_JSON else loads_big(data)  # type: ignore[arg-type]
                    except decode_errors:
                        value = self._not_json(event, data)
                    if event in control:
                        if event == COMMENT:  # only when heartbeats were asked for
                            yield None
                            continue
                        self.delivered = delivered
                        part = self._control(event, value, last_id)
                        if part is not None:
                            delivered += 1
                            yield part
                        if self.finished:
                            return
                        continue
                    if admit is not None and not admit(value, data):
                        continue
                    delivered += 1
                    yield make_part(StreamPart, (event, value, last_id))
                if not decoder.incomplete:
                    self.delivered = delivered
                    ended = self._on_clean_end()
                    if ended is None:
                        return
                    reason, cause = (ended, None) if isinstance(ended, str) else (str(ended), ended)
                else:
                    reason, cause = "the connection closed in the middle of an event", None
            except (urllib3.exceptions.ReadTimeoutError, TimeoutError) as exc:
                raise connection_error(exc, self.method, self.url, self.options.timeout) from exc
            except EventLineTooLong as exc:
                raise InvalidResponseError(
                    f"{self.method} {self.url}: {exc}", method=self.method, url=self.url, snippet=exc.snippet
                ) from None
            except DROPS as exc:
                reason, cause = f"the connection dropped ({type(exc).__name__}: {exc})", exc
            finally:
                self.response.close()
                self.delivered = delivered  # for the record at the stream's end, however it ends
                self.bytes_read += decoder.bytes_read  # its events() has stopped: the loop left it
            if self.aborted:
                raise StreamClosedError(f"this {self.kind} was closed while reading")
            if delivered > delivered_before:
                attempts = 0  # the last connection made progress: a new drop starts afresh
            self.last_event_id = decoder.last_event_id
            self.delivered = delivered
            self.response = self._reconnect(reason, attempts, cause)
            self.resumed = True
            attempts += 1
            delivered_before = delivered

    def _reconnect(self, reason: str, attempts: int, cause: BaseException | None) -> requests.Response:
        """Wait ``_resume_delay``, then ``_reopen``; try again after a ``TRANSIENT`` failure;
        raise ``StreamInterruptedError`` (caused by the last failure) when ``_refusal`` says no
        or the attempts run out."""
        while True:
            if self.aborted:
                raise StreamClosedError(f"this {self.kind} was closed while resuming")
            refusal = self._refusal()
            if refusal is None and attempts >= MAX_RESUME_ATTEMPTS:
                refusal = f"gave up after {attempts} resume attempts"
            if refusal is not None:
                raise self._interrupted(f"{reason}; {refusal}") from cause
            delay = self._resume_delay(attempts)
            logger.info("reconnecting %s %s after event %r in %.2f s (attempt %d, %s)",
                        self.method, log_url(self.url), self.last_event_id, delay, attempts + 1, reason)
            self.transport.sleep(delay)
            attempts += 1
            try:
                response = self._reopen(reason)
                check_event_stream(response)
            except NotFoundError as exc:
                self._resume_not_found(reason, exc)
            except TRANSIENT as exc:
                reason, cause = str(exc), exc
                continue
            return response

    def _interrupted(self, reason: str) -> StreamInterruptedError:
        return StreamInterruptedError(method=self.method, url=self.url, run_id=self._run_id(),
                                      events_delivered=self.delivered, reason=reason)

    def abort(self) -> None:
        """Wake a read blocked in another thread: shut the socket down under it."""
        self.aborted = True
        shutdown_socket(self.response)

    def _not_json(self, event: str, data: str | LongData) -> object:
        data = str(data)
        if event == COMMENT or not data.strip():
            return None  # a heartbeat's text, or ``event: end`` with an empty data line
        raise InvalidResponseError(
            f"{self.method} {self.url}: data of the {event!r} event is not JSON: {snippet(data)!r}",
            method=self.method, url=self.url, snippet=snippet(data),
        )

    # -- what a subclass says ----------------------------------------------------------------

    def _control(self, event: str, value: object, last_id: str | None) -> StreamPart | None:
        """A control event (``control_events``): the part to yield, or ``None``; may set
        ``finished`` or raise."""
        return StreamPart(event, value, last_id)

    def _on_clean_end(self) -> str | BaseException | None:
        """The body ended between events: ``None`` ends the stream; a reason, or an error that
        says it (the cause of giving up if it comes to that), reconnects."""
        return None

    def _refusal(self) -> str | None:
        """Why the stream cannot be reopened at all, or ``None``."""
        return None

    def _reopen(self, reason: str) -> requests.Response:
        """A new response that goes on where the last one stopped."""
        raise NotImplementedError

    def _resume_delay(self, attempts: int) -> float:
        """Seconds to wait before reconnect number ``attempts + 1`` in a row."""
        return retry_delay(attempts)

    def _resume_not_found(self, reason: str, error: NotFoundError) -> NoReturn:
        """``_reopen`` was answered 404: raise what that means for this stream."""
        raise self._interrupted(f"{reason}; the server has no stream to resume (404)") from None

    def _run_id(self) -> str | None:
        """The run named in ``StreamInterruptedError``."""
        return None


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
