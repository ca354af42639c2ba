"""OpenTelemetry spans that cover a whole call, stream included (the ``otel`` extra).

``instrument(client)`` makes each request of that client one CLIENT span that follows the
HTTP client semantic conventions. A JSON call's span ends when its answer is read; a
stream's span ends when the stream ends (its last event, an error, ``close()``), not when its
headers arrive, and carries the run, the thread, the assistant and the event count.

Examples:
    >>> from stateless_client import get_client, otel
    >>> client = otel.instrument(get_client(url="http://127.0.0.1:2024"))

Nothing here is imported by ``import stateless_client``, and ``opentelemetry`` is imported
only by ``instrument``: a client that is not instrumented pays nothing, per request or per
event.
"""

from __future__ import annotations

import re
import threading
from typing import TYPE_CHECKING, Any, Callable

from ._exceptions import APIStatusError
from ._http.observe import CLOSED, SPAN_ATTRIBUTE
from ._http.stream import run_location
from ._http.urls import redact_userinfo, split_userinfo

if TYPE_CHECKING:
    import requests
    from opentelemetry.trace import Span, Tracer, TracerProvider

    from ._client import Client

__all__ = ["instrument", "uninstrument"]

# Segments after these name one object: the span name uses the template, not the ID.
_ID_AFTER = re.compile(r"/(threads|runs|assistants|crons)/(?!stream$|wait$|search$|count$|batch$"
                       r"|cancel$|crons$|history$|state$|join$|copy$|prune$)[^/?#]+")
_THREAD = re.compile(r"/threads/([^/?#]+)")
_WRAPPED = "_stateless_client_untraced_request"


def instrument(client: Client, *, tracer_provider: TracerProvider | None = None) -> Client:
    """Trace every request of ``client`` with OpenTelemetry; returns ``client``.

    Args:
        client: from ``get_client``.
        tracer_provider: where the spans go; by default the global one
            (``opentelemetry.trace.set_tracer_provider``).

    Raises:
        ImportError: ``opentelemetry-api`` is not installed (``pip install stateless_client[otel]``).
    """
    from opentelemetry import trace

    from ._version import __version__

    transport = client._transport
    if _WRAPPED in vars(transport):
        return client  # already instrumented
    tracer = trace.get_tracer("stateless_client", __version__, tracer_provider=tracer_provider)
    untraced = transport.request
    setattr(transport, _WRAPPED, untraced)

    def request(method: str, path_or_url: str, options: Any, **kwargs: Any) -> requests.Response:
        return _traced(tracer, transport.url(path_or_url), untraced, method, path_or_url, options, kwargs)

    transport.request = request  # type: ignore[method-assign]  # the instance's own: off costs nothing
    return client


def uninstrument(client: Client) -> None:
    """Stop tracing ``client``'s requests (streams already open keep their spans)."""
    transport = client._transport
    untraced = vars(transport).pop(_WRAPPED, None)
    if untraced is not None:
        del transport.request


def _traced(
    tracer: Tracer,
    url: str,
    send: Callable[..., requests.Response],
    method: str,
    path_or_url: str,
    options: Any,
    kwargs: dict[str, Any],
) -> requests.Response:
    from opentelemetry.trace import SpanKind, StatusCode

    clean, _credentials = split_userinfo(url)
    parts = clean.split("?", 1)[0].split("#", 1)[0]
    scheme, _, rest = parts.partition("://")
    hostport, _, tail = rest.partition("/")
    host, _, port = hostport.rpartition(":") if hostport.rpartition(":")[2].isdigit() else (hostport, "", "")
    template = _ID_AFTER.sub(lambda m: "/" + m[1] + "/{id}", "/" + tail)
    attributes: dict[str, Any] = {
        "http.request.method": method,
        "url.full": redact_userinfo(parts),  # no query: keys passed there by mistake stay out
        "url.template": template,
        "server.address": host.strip("[]"),
        "server.port": int(port) if port else (443 if scheme == "https" else 80),
    }
    thread = _THREAD.search("/" + tail)
    if thread:
        attributes["langgraph.thread_id"] = thread[1]
    body = kwargs.get("json")
    if isinstance(body, dict) and isinstance(body.get("assistant_id"), str):
        attributes["langgraph.assistant_id"] = body["assistant_id"]
    span = tracer.start_span(f"{method} {template}", kind=SpanKind.CLIENT, attributes=attributes)
    try:
        response = send(method, path_or_url, options, **kwargs)
    except BaseException as exc:
        if isinstance(exc, APIStatusError):
            span.set_attribute("http.response.status_code", exc.status_code)
            span.set_attribute("error.type", str(exc.status_code))
        else:
            span.set_attribute("error.type", type(exc).__name__)
        span.set_status(StatusCode.ERROR, type(exc).__name__)
        span.end()
        raise
    span.set_attribute("http.response.status_code", response.status_code)
    run_id, thread_id = run_location(response)
    if run_id:
        span.set_attribute("langgraph.run_id", run_id)
    if thread_id:
        span.set_attribute("langgraph.thread_id", thread_id)
    if not kwargs.get("stream"):
        span.end()  # the body was read with the response (``requests`` without ``stream``)
        return response
    _StreamSpan(span, response)
    return response


class _StreamSpan:
    """A streamed response's span: ended by the stream that adopts it (``RunStream``), else
    when its response closes (a resume's ``GET``, the thread stream's connections)."""

    def __init__(self, span: Span, response: requests.Response) -> None:
        self.span = span
        self.adopted = False
        self._ended = False
        self._lock = threading.Lock()
        close = response.close

        def close_and_end() -> None:
            close()
            if not self.adopted:
                self._end()

        response.__dict__[SPAN_ATTRIBUTE] = self
        response.close = close_and_end  # type: ignore[method-assign]

    def _end(self) -> bool:
        with self._lock:
            if self._ended:
                return False
            self._ended = True
        self.span.end()
        return True

    def finish_stream(
        self,
        *,
        run_id: str | None,
        thread_id: str | None,
        events: int,
        received: int,
        outcome: str,
        error: BaseException | None,
    ) -> None:
        """End the span with what the stream saw (``observe.stream_ended`` calls it)."""
        from opentelemetry.trace import StatusCode

        if self._ended:
            return
        span = self.span
        if run_id:
            span.set_attribute("langgraph.run_id", run_id)
        if thread_id:
            span.set_attribute("langgraph.thread_id", thread_id)
        span.set_attribute("langgraph.stream.events", events)
        span.set_attribute("langgraph.stream.bytes", received)
        span.set_attribute("langgraph.stream.outcome", outcome)
        if error is not None and outcome != CLOSED:
            span.set_attribute("error.type", type(error).__name__)
            span.set_status(StatusCode.ERROR, outcome)
        self._end()
