"""``Resource``: what every API resource shares, so a public method is a signature, a path
and a payload.

A method resolves its call options once (``self._options(...)``) and hands them, with a path
and a body, to a verb helper that sends the request, reads the answer and builds what the
method returns::

    def get(self, thread_id, *, include=None, headers=None, params=None, timeout=NOT_GIVEN, max_retries=NOT_GIVEN):
        return self._get(path("threads", thread_id), Thread, query={"include": include},
                         options=self._options(headers, params, timeout, max_retries))

What to build from the answer (``cast``) is a model class (``Thread``), ``list[Model]`` as
``[Thread]``, ``None`` (nothing, the body is discarded), or ``Any`` (the JSON as it came).
"""

from __future__ import annotations

import functools
import logging
from dataclasses import replace
from typing import Any, Callable, Iterator, Mapping, Optional, Sequence, TypeVar, overload

import requests

from .._config import NOT_GIVEN, NotGiven, TimeoutArg
from .._exceptions import APIConnectionError, APIError, InternalServerError, InvalidResponseError, RateLimitError
from .._http.observe import log_url
from .._http.options import RequestOptions
from .._http.retries import Retry, reconnect_delay
from .._http.stream import Canceller, RunStream, check_event_stream, open_run_stream
from .._http.transport import NO_BODY, Transport
from .._http.urls import path
from .._models import _Model, parse_model
from ..types import CancelAction, QueryParamTypes

__all__ = ["Resource", "paginate", "flag", "drop_none", "json_options", "OnResponse"]

logger = logging.getLogger("stateless_client")
_M = TypeVar("_M", bound=_Model)
_T = TypeVar("_T")
Query = Optional[Mapping[str, Any]]
OnResponse = Callable[[requests.Response], None]


class Resource:
    """Base of ``client.runs``, ``client.threads``, ...: verb helpers over one ``Transport``."""

    def __init__(self, transport: Transport) -> None:
        self._transport = transport

    def _options(
        self,
        headers: Mapping[str, str] | None,
        params: QueryParamTypes | None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> RequestOptions:
        """The call's options, resolved against the client's once."""
        return self._transport.options(headers=headers, params=params, timeout=timeout, max_retries=max_retries)

    # -- verbs ---------------------------------------------------------------------------------
    # Each verb builds ``cast`` from the answer: a model class gives that model, ``[Model]`` a
    # list of them, ``int`` a checked integer (a count), anything else (``object``) the JSON as
    # it came.

    @overload
    def _get(self, path: str, cast: type[_M], *, options: RequestOptions, query: Query = ...) -> _M: ...
    @overload
    def _get(self, path: str, cast: list[type[_M]], *, options: RequestOptions, query: Query = ...) -> list[_M]: ...
    @overload
    def _get(self, path: str, cast: object, *, options: RequestOptions, query: Query = ...) -> Any: ...
    def _get(self, path: str, cast: Any, *, options: RequestOptions, query: Query = None) -> Any:
        """``GET path`` and build ``cast`` from the answer."""
        return self._call("GET", path, cast, options=options, query=query)

    @overload
    def _post(self, path: str, cast: type[_M], *, options: RequestOptions, body: Any = ..., query: Query = ...,
              retry: Retry | None = ..., on_response: OnResponse | None = ...) -> _M: ...
    @overload
    def _post(self, path: str, cast: list[type[_M]], *, options: RequestOptions, body: Any = ..., query: Query = ...,
              retry: Retry | None = ..., on_response: OnResponse | None = ...) -> list[_M]: ...
    @overload
    def _post(self, path: str, cast: type[int], *, options: RequestOptions, body: Any = ..., query: Query = ...,
              retry: Retry | None = ..., on_response: OnResponse | None = ...) -> int: ...
    @overload
    def _post(self, path: str, cast: object, *, options: RequestOptions, body: Any = ..., query: Query = ...,
              retry: Retry | None = ..., on_response: OnResponse | None = ...) -> Any: ...
    def _post(
        self,
        path: str,
        cast: Any,
        *,
        options: RequestOptions,
        body: Any = NO_BODY,
        query: Query = None,
        retry: Retry | None = None,
        on_response: OnResponse | None = None,
    ) -> Any:
        """``POST path`` with a JSON ``body`` and build ``cast`` from the answer."""
        return self._call("POST", path, cast, options=options, body=body, query=query, retry=retry,
                          on_response=on_response)

    @overload
    def _put(self, path: str, cast: type[_M], *, options: RequestOptions, body: Any = ...) -> _M: ...
    @overload
    def _put(self, path: str, cast: object, *, options: RequestOptions, body: Any = ...) -> Any: ...
    def _put(self, path: str, cast: Any, *, options: RequestOptions, body: Any = NO_BODY) -> Any:
        """``PUT path`` with a JSON ``body`` and build ``cast`` from the answer."""
        return self._call("PUT", path, cast, options=options, body=body)

    @overload
    def _patch(self, path: str, cast: type[_M], *, options: RequestOptions, body: Any = ...) -> _M: ...
    @overload
    def _patch(self, path: str, cast: object, *, options: RequestOptions, body: Any = ...) -> Any: ...
    def _patch(self, path: str, cast: Any, *, options: RequestOptions, body: Any = NO_BODY) -> Any:
        """``PATCH path`` with a JSON ``body`` and build ``cast`` from the answer."""
        return self._call("PATCH", path, cast, options=options, body=body)

    def _delete(
        self, path: str, cast: object = None, *, options: RequestOptions, body: Any = NO_BODY, query: Query = None
    ) -> Any:
        """``DELETE path`` and build ``cast`` from the answer (by default nothing)."""
        return self._call("DELETE", path, cast, options=options, body=body, query=query)

    def _stream(
        self,
        method: str,
        path: str,
        *,
        options: RequestOptions,
        body: Any = NO_BODY,
        query: Query = None,
        retry: Retry | None = None,
        resumable: bool,
        resume_location: str | None = None,
        last_event_id: str | None = None,
        raise_error: bool = True,
        one_run: bool = True,
        version: str = "v1",
        stream_mode: str | Sequence[str] | None = None,
        on_response: OnResponse | None = None,
        canceller: Canceller | None = None,
        closing_cancels: bool = False,
    ) -> RunStream[Any]:
        """Open an event stream; its HTTP status is checked before it is returned.

        The options (with ``Accept: text/event-stream``) travel into the ``RunStream``, so a
        resumed connection repeats the call's headers. ``one_run=False`` (a thread's stream)
        keeps going after a run's ``error`` part instead of ending there. ``canceller`` is how
        ``RunStream.cancel()`` cancels the run (by default by its thread and run IDs);
        ``closing_cancels`` says that the server cancels the run when the connection closes.
        """
        options = options.with_headers({"accept": "text/event-stream"})
        response = self._open(method, path, options, body=body, query=query, retry=retry, on_response=on_response,
                              check=check_event_stream)
        return open_run_stream(
            self._transport, response, options=options, resumable=resumable,
            resume_location=resume_location, last_event_id=last_event_id, raise_error=raise_error,
            version=version, stream_modes=(stream_mode,) if isinstance(stream_mode, str) else stream_mode,
            one_run=one_run, closing_cancels=closing_cancels,
            canceller=canceller or functools.partial(self._cancel_run, options=json_options(options)),
        )

    def _cancel_run(
        self, run_id: str, thread_id: str | None, action: CancelAction, *, options: RequestOptions
    ) -> None:
        """Cancel a streamed run by its IDs (a ``RunStream``'s default canceller)."""
        if thread_id is None:
            raise APIError(f"cannot cancel run {run_id}: the server did not name its thread; cancel it with "
                           "client.runs.cancel(thread_id, run_id)", method="POST", url=self._transport.url("/runs"))
        self._post(path("threads", thread_id, "runs", run_id, "cancel"), None,
                   query={"wait": 0, "action": action}, options=options)

    # -- shared --------------------------------------------------------------------------------

    def _call(
        self,
        method: str,
        path: str,
        cast: object,
        *,
        options: RequestOptions,
        body: Any = NO_BODY,
        query: Query = None,
        retry: Retry | None = None,
        on_response: OnResponse | None = None,
    ) -> Any:
        if cast is None:  # the answer is discarded (read inside ``requests`` unless a hook sees it first)
            self._open(method, path, options, body=body, query=query, retry=retry, on_response=on_response,
                       stream=on_response is not None).close()
            return None
        payload, response = self._json(method, path, options=options, body=body, query=query, retry=retry,
                                       on_response=on_response)
        return build(cast, payload, response)

    def _json(
        self,
        method: str,
        path: str,
        *,
        options: RequestOptions,
        body: Any = NO_BODY,
        query: Query = None,
        retry: Retry | None = None,
        on_response: OnResponse | None = None,
        empty_ok: bool = False,
        reconnect_limit: int = 0,
    ) -> tuple[Any, requests.Response]:
        """Send a request; return its JSON answer and the (closed) response, read from the
        answer's ``Location`` if it was cut off and ``reconnect_limit`` allows."""
        # The body is read after the hook has seen the headers; and, for a call that starts a
        # run, outside ``requests``, where a caller's ``AbortScope`` can stop it (``wait_many``).
        # Any other body is read inside ``requests``, so that a failed read is retried where safe.
        streamed = on_response is not None or retry is Retry.STARTS_RUN
        response = self._open(method, path, options, body=body, query=query, retry=retry, on_response=on_response,
                              stream=streamed)
        return self._read_json_or_reconnect(response, options, reconnect_limit, empty_ok=empty_ok)

    def _read_json_or_reconnect(
        self, response: requests.Response, options: RequestOptions, limit: int, *, empty_ok: bool = False,
    ) -> tuple[Any, requests.Response]:
        """Read a JSON answer; if it is cut off and the server named a ``Location``, read the
        answer from there instead (a ``GET`` with the call's headers, up to ``limit`` times,
        backing off as ``reconnect_delay``), as the official SDK does for ``runs.wait``.

        A reconnection is tried again after a connection failure, 429 or 5xx; any other error
        status raises at once, and a ``Location`` on another origin is refused by the transport.
        """
        location = response.headers.get("location")
        try:
            return self._transport.read_json(response, options, empty_ok=empty_ok), response
        except APIConnectionError:
            if limit <= 0 or not location:
                raise
        reconnect = RequestOptions(headers=options.headers, timeout=options.timeout, max_retries=0)
        for attempt in range(limit):
            delay = reconnect_delay(attempt)
            logger.info("the answer was cut off; reading it from %s in %.2f s (attempt %d, GET)", log_url(location),
                        delay, attempt + 1)
            self._transport.sleep(delay)
            try:
                response = self._transport.request("GET", location, reconnect)
                return self._transport.read_json(response, reconnect, empty_ok=empty_ok), response
            except (APIConnectionError, RateLimitError, InternalServerError):
                if attempt == limit - 1:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    def _open(
        self,
        method: str,
        path: str,
        options: RequestOptions,
        *,
        body: Any = NO_BODY,
        query: Query = None,
        retry: Retry | None = None,
        on_response: OnResponse | None = None,
        check: Callable[[requests.Response], None] | None = None,
        stream: bool = True,
    ) -> requests.Response:
        """Send a request and return the response (its body unread, unless ``stream=False``),
        after ``check`` and ``on_response`` have seen it: the one path for response hooks.
        Whatever either of them raises (Ctrl-C included), the response is closed first, so
        the server sees the caller leave instead of a connection left open until garbage
        collection.
        """
        response = self._transport.request(method, path, options, json=body, params=query, retry=retry,
                                           stream=stream)
        try:
            if check is not None:
                check(response)
            if on_response is not None:
                on_response(response)
        except BaseException:
            response.close()
            raise
        return response


def build(cast: object, payload: Any, response: requests.Response) -> Any:
    """Build ``cast`` (a model, ``[Model]``, or ``Any``) from a JSON answer."""
    method, url = response.request.method or "GET", response.url
    if isinstance(cast, list):
        (model,) = cast
        if not isinstance(payload, list):
            raise InvalidResponseError(
                f"{method} {url}: expected a JSON list of {model.__name__}, got {type(payload).__name__}",
                method=method, url=url, snippet=repr(payload)[:200],
            )
        return [parse_model(model, item, method=method, url=url) for item in payload]
    if isinstance(cast, type) and issubclass(cast, _Model):
        return parse_model(cast, payload, method=method, url=url)
    if cast is int:  # a count
        if isinstance(payload, int) and not isinstance(payload, bool):
            return payload
        raise InvalidResponseError(f"{method} {url}: expected an integer, got {payload!r:.200}", method=method,
                                   url=url, snippet=repr(payload)[:200])
    return payload


def drop_none(fields: Mapping[str, Any]) -> dict[str, Any]:
    """A request payload without its ``None`` values, so the server's defaults apply."""
    return {key: value for key, value in fields.items() if value is not None}


def json_options(options: RequestOptions) -> RequestOptions:
    """A stream call's options for a plain JSON request made on its behalf (a cancel): its
    headers without the stream's own, no query."""
    headers = options.headers.without("accept", "content-type", "content-length", "last-event-id")
    return replace(options, headers=headers, params=None)


def flag(value: bool) -> str:
    """A boolean as the API's query strings spell it."""
    return "true" if value else "false"


def paginate(fetch: Callable[[int, int], Sequence[_T]], *, page_size: int, offset: int = 0) -> Iterator[_T]:
    """Every item of a limit/offset search: ``fetch(limit, offset)`` page after page, each page
    fetched when the previous one has been consumed, until a page shorter than ``page_size``.

    Raises:
        ValueError: ``page_size`` is less than 1 (at once, not at the first ``next``).
    """
    if page_size < 1:
        raise ValueError(f"page_size must be at least 1, not {page_size}")
    return _pages(fetch, page_size, offset)


def _pages(fetch: Callable[[int, int], Sequence[_T]], page_size: int, offset: int) -> Iterator[_T]:
    while True:
        page = fetch(page_size, offset)
        yield from page
        if len(page) < page_size:
            return
        offset += len(page)
