"""``Mount``: one browser request, checked, authorized and relayed to the LangGraph server.

The relay goes through the app's ``stateless_client.Client``: its session, timeouts, retries
(by method), API key and typed errors. A response body, streamed or not, is passed on as its
bytes arrive, never parsed; only the request body (at most ``max_body_size``) is read as JSON,
to apply the access policy.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any, Callable, Iterable, Iterator, Mapping, Sequence
from urllib.parse import urlsplit

import requests
import urllib3

from ... import _json
from ..._client import Client
from ..._exceptions import (
    APIConnectionError,
    APIError,
    APIStatusError,
    APITimeoutError,
    ConflictError,
    InvalidRequestError,
    StatelessClientError,
)
from ..._http.body import iter_body
from ..._http.relay import SSE_RESPONSE_HEADERS
from ..._http.retries import Retry
from ..._http.transport import NO_BODY, Transport
from ..._http.urls import path as api_path
from .origin import LOCAL_HOSTS, from_same_site, host_allowed
from .policy import Authorize, Deny, Filters, Resource
from .routes import ACTIONS, DEFAULT_ACTIONS, RouteMatch, match

__all__ = ["Mount", "MountRequest", "MountResponse", "DEFAULT_MAX_BODY_SIZE"]

logger = logging.getLogger("stateless_client.contrib")

DEFAULT_MAX_BODY_SIZE = 1024 * 1024
_READ_SIZE = 64 * 1024
# Request headers passed upstream; every other one (cookies, authorization, x-api-key, the
# browser's own) stays here.
_FORWARDED = ("last-event-id",)
# Response headers passed to the browser; hop-by-hop ones, set-cookie, content-length and
# content-encoding (the body is passed on decoded) never are.
_RETURNED = ("content-type", "cache-control", "x-pagination-total", "x-pagination-next", "x-request-id")
_REWRITTEN = ("content-location", "location")
_JSON = "application/json"
# The actions that start a run which ends when the browser leaves before the end.
_STARTS_RUN = frozenset({"runs.stream", "runs.wait"})
_RUN_BODIES = frozenset({"runs.create", "runs.stream", "runs.wait"})
# Thread-scoped actions that ``Filters`` do not check against the thread: creating one.
_UNCHECKED = frozenset({"threads.create", "threads.search", "threads.count"})
# The thread-stream protocol's actions, which may name a thread that does not exist yet.
_OPENS_THREAD = frozenset({"threads.commands", "threads.stream"})


@dataclass(frozen=True)
class MountRequest:
    """A browser's request, as an adapter hands it to ``Mount.handle``.

    Attributes:
        method: the HTTP method, upper case.
        path: the path below the mount's prefix, percent-decoded (``/threads/t1/state``).
        query_string: the raw query, without ``?`` (passed upstream as is).
        header: looks a request header up by name, in any case (``None`` when absent).
        host: the ``Host`` the browser sent (``name[:port]``).
        read: reads up to ``n`` bytes of the body (``b""`` at its end).
        content_length: the declared body length, ``None`` when not declared (chunked).
        native: the framework's request, handed to ``authorize``.
    """

    method: str
    path: str
    query_string: str
    header: Callable[[str], str | None]
    host: str
    read: Callable[[int], bytes]
    content_length: int | None
    native: Any


class _Body:
    """A response body the WSGI/ASGI server iterates and then closes (``on_close``).

    A body cut off upstream raises, so that the server cuts the browser's connection too (the
    JS SDK then resumes, as it would from the LangGraph server itself).
    """

    def __init__(self, chunks: Iterable[bytes], on_close: Callable[[], None] | None = None) -> None:
        self._chunks = chunks
        self._on_close = on_close
        self._closed = False

    def __iter__(self) -> Iterator[bytes]:
        return iter(self._chunks)

    def close(self) -> None:
        """End the relay (the upstream connection with it); idempotent."""
        if self._closed:
            return
        self._closed = True
        if self._on_close is not None:
            self._on_close()


@dataclass(frozen=True)
class MountResponse:
    """What to answer the browser: an adapter sends ``status``, ``headers`` and iterates
    ``body``, then calls ``body.close()`` (as WSGI servers do with an app's iterable).

    Attributes:
        status: the HTTP status.
        headers: ``(name, value)`` pairs.
        body: the body's chunks, each to be sent (and flushed) as it comes.
        streaming: whether the body is an event stream (an adapter must not buffer it).
    """

    status: int
    headers: list[tuple[str, str]]
    body: _Body
    streaming: bool = False


def _answer(status: int, detail: Any) -> MountResponse:
    """The mount's own answer: ``{"detail": ...}`` as the LangGraph server words its errors."""
    data = _json.encode_body({"detail": detail})
    return MountResponse(status, [("Content-Type", _JSON), ("Cache-Control", "no-store")], _Body([data]))


class Mount:
    """Serves the LangGraph API to a browser under a prefix of the app: the framework-neutral part.

    Args:
        client: the app's ``Client`` (its URL and API key); shared by every request.
        authorize: ``authorize(request, action, resource) -> Decision``, called before each
            request is relayed (see ``stateless_client.contrib.access``).
        enable: more actions to serve than ``DEFAULT_ACTIONS`` (``"threads.copy"``...).
        disable: actions not to serve.
        max_body_size: the largest request body, in bytes; a larger one is 413.
        allowed_hosts: the ``Host`` names answered (``.example.com``: and subdomains; ``*``:
            any); ``None`` when the framework checks the host itself. Default: this machine.
        check_origin: refuse a request that a browser says came from another site (403): a
            write is CSRF, and a read (a join with ``cancel_on_disconnect``) can act too; turn
            off only when the framework's CSRF check covers the mount.

    Raises:
        ValueError: an unknown action in ``enable`` or ``disable``, or ``max_body_size < 1``.
    """

    def __init__(
        self,
        client: Client,
        *,
        authorize: Authorize,
        enable: Iterable[str] = (),
        disable: Iterable[str] = (),
        max_body_size: int = DEFAULT_MAX_BODY_SIZE,
        allowed_hosts: Sequence[str] | None = LOCAL_HOSTS,
        check_origin: bool = True,
    ) -> None:
        enable, disable = frozenset(enable), frozenset(disable)
        unknown = (enable | disable) - ACTIONS
        if unknown:
            raise ValueError(f"unknown actions {sorted(unknown)}; known: {sorted(ACTIONS)}")
        if max_body_size < 1:
            raise ValueError(f"max_body_size must be >= 1, not {max_body_size}")
        self.client = client
        self.authorize = authorize
        self.served: frozenset[str] = (DEFAULT_ACTIONS | enable) - disable
        self.max_body_size = max_body_size
        self.allowed_hosts = None if allowed_hosts is None else tuple(allowed_hosts)
        self.check_origin = check_origin
        self._transport: Transport = client._transport
        self._secrets = _secrets(self._transport)
        base_path = urlsplit(self._transport.base_url).path.rstrip("/")
        self._bases = tuple(base for base in (self._transport.base_url, base_path) if base)

    def handle(self, request: MountRequest) -> MountResponse:
        """Answer one browser request; never raises for what the browser or the server did."""
        if self.allowed_hosts is not None and not host_allowed(request.host, self.allowed_hosts):
            return _answer(400, "Host not allowed")
        found = match(request.method, tuple(request.path.strip("/").split("/")), self.served)
        if found is None:
            return _answer(404, "Not Found")
        if self.check_origin and not from_same_site(request.header, request.host):
            return _answer(403, "Cross-site request refused")
        body = self._read_body(request)
        if isinstance(body, MountResponse):
            return body
        try:
            return self._authorized(request, found, body)
        except APIStatusError as exc:
            return self._upstream_error(exc)
        except APITimeoutError:
            return _answer(504, "The LangGraph server did not answer in time")
        except APIConnectionError:
            return _answer(502, "The LangGraph server cannot be reached")
        except InvalidRequestError as exc:  # an ID no path may hold, a body JSON cannot carry
            return _answer(400, self._scrub(str(exc)))
        except (APIError, StatelessClientError):
            logger.exception("mount: %s %s failed", request.method, found.action)
            return _answer(502, "Bad answer from the LangGraph server")

    # -- steps ---------------------------------------------------------------------------------

    def _read_body(self, request: MountRequest) -> Any:
        """The request's JSON body (``NO_BODY`` for none), or the error response to send."""
        declared = request.content_length
        if declared is not None and declared > self.max_body_size:
            return _answer(413, f"Request body larger than {self.max_body_size} bytes")
        if request.method in ("GET", "HEAD") or declared == 0:
            return NO_BODY
        parts: list[bytes] = []
        size = 0
        while True:
            chunk = request.read(min(_READ_SIZE, self.max_body_size + 1 - size))
            if not chunk:
                break
            parts.append(chunk)
            size += len(chunk)
            if size > self.max_body_size:
                return _answer(413, f"Request body larger than {self.max_body_size} bytes")
        data = b"".join(parts)
        if not data.strip():
            return NO_BODY
        try:
            return _json.loads(data)
        except ValueError:
            return _answer(400, "Request body is not JSON")

    def _authorized(self, request: MountRequest, found: RouteMatch, body: Any) -> MountResponse:
        if found.action in _RUN_BODIES and isinstance(body, dict) and body.get("webhook") is not None:
            # The LangGraph server would POST the run's result to any URL a page names: to a
            # service inside your network, say.
            return _answer(400, "A run started through the mount cannot have a webhook")
        ids = found.ids
        assistant = ids.get("assistant")
        if assistant is None and isinstance(body, dict) and isinstance(body.get("assistant_id"), str):
            assistant = body["assistant_id"]
        resource = Resource(thread_id=ids.get("thread"), run_id=ids.get("run"), assistant_id=assistant,
                            body=None if body is NO_BODY else body)
        decision = self.authorize(request.native, found.action, resource)
        if decision is False:
            decision = Deny()
        if isinstance(decision, Deny):
            return _answer(decision.status, decision.detail)
        if isinstance(decision, Filters) and decision.metadata:
            body = self._filtered(found.action, resource, body, decision.metadata)
            if isinstance(body, MountResponse):
                return body
        elif decision is not True and not isinstance(decision, Filters):
            raise TypeError(f"authorize returned {decision!r}, not a bool, Deny or Filters")
        if found.action in _STARTS_RUN and isinstance(body, dict):
            # The server cancels the run when the mount's connection closes, which it does when
            # the browser leaves. The JS SDK sends no on_disconnect unless asked (useStream
            # does): the server's default, "continue", would keep a run going that nobody reads.
            body.setdefault("on_disconnect", "cancel")
        return self._relay(request, found, body)

    def _filtered(self, action: str, resource: Resource, body: Any, metadata: Any) -> Any:
        """The body with the filters applied, after checking the thread: or a 404 to send."""
        if action in ("threads.create", "threads.search", "threads.count", "threads.update"):
            body = {} if body is NO_BODY else body
            if not isinstance(body, dict):
                return _answer(422, "Request body must be a JSON object")
            given = body.get("metadata")
            body["metadata"] = {**(given if isinstance(given, dict) else {}), **metadata}
            if action == "threads.create":
                # "do_nothing" answers an existing thread as is: it could be another user's.
                body["if_exists"] = "raise"
        thread_id = resource.thread_id
        if thread_id is None or action in _UNCHECKED or self._owned(thread_id, metadata):
            return body
        if action in _OPENS_THREAD and self._made(thread_id, metadata):
            return body
        return _answer(404, f"Thread with ID {thread_id} not found")

    def _owned(self, thread_id: str, metadata: Mapping[str, Any]) -> bool:
        """Whether the thread exists with this metadata: a search for it by ID with the filters,
        which answers its ID only (``GET /threads/{id}`` would bring all its values)."""
        options = self._transport.options()
        search = {"ids": [thread_id], "metadata": dict(metadata), "limit": 1, "select": ["thread_id"]}
        response = self._transport.request("POST", "/threads/search", options, json=search, retry=Retry.SAFE)
        found = self._transport.read_json(response, options)
        return isinstance(found, list) and any(isinstance(item, dict) and item.get("thread_id") == thread_id
                                               for item in found)

    def _made(self, thread_id: str, metadata: Mapping[str, Any]) -> bool:
        """Make a thread that a thread-stream client named, with the filters' metadata (the JS
        SDK's ``threads.stream()`` picks a new ID, and the server would make the thread, unowned,
        at the first command). ``False`` when it exists and is not this user's."""
        options = self._transport.options()
        made = {"thread_id": thread_id, "metadata": dict(metadata), "if_exists": "raise"}
        try:
            self._transport.request("POST", "/threads", options, json=made).close()
        except ConflictError:  # made meanwhile: by this user's other request, or someone else
            return self._owned(thread_id, metadata)
        return True

    def _relay(self, request: MountRequest, found: RouteMatch, body: Any) -> MountResponse:
        transport = self._transport
        forwarded = {name: value for name in _FORWARDED if (value := request.header(name)) is not None}
        options = transport.options(headers=forwarded or None, params=request.query_string or None)
        upstream = api_path(*found.upstream_segments())
        response = transport.request(request.method, upstream, options, json=body, stream=True)
        headers = self._response_headers(response)
        streaming = response.headers.get("content-type", "").startswith("text/event-stream")
        if streaming:
            # Not cached, not buffered by a proxy on the way (the upstream content type stays).
            headers = [(k, v) for k, v in headers if k != "cache-control"]
            headers += [(k, v) for k, v in SSE_RESPONSE_HEADERS.items() if k.lower() != "content-type"]
        # Closed by the WSGI server when the browser leaves: closing the upstream connection
        # ends a join, and cancels a run started with on_disconnect="cancel".
        return MountResponse(response.status_code, headers, _Body(self._chunks(response), response.close),
                             streaming)

    def _chunks(self, response: requests.Response) -> Iterator[bytes]:
        try:
            yield from iter_body(response)
        except (OSError, requests.RequestException, urllib3.exceptions.HTTPError, StatelessClientError) as exc:
            # The headers are sent: only cutting the browser's connection says the body is cut.
            path = response.request.path_url
            raise APIConnectionError(f"mount: the upstream body of {path} was cut off ({type(exc).__name__})",
                                     method=response.request.method or "GET", url=path) from exc

    # -- answers -------------------------------------------------------------------------------

    def _response_headers(self, response: requests.Response) -> list[tuple[str, str]]:
        headers: list[tuple[str, str]] = []
        for name in _RETURNED:
            value = response.headers.get(name)
            if value is not None:
                headers.append((name, value))
        for name in _REWRITTEN:
            value = response.headers.get(name)
            if value is not None:
                local = self._api_path(value)
                if local is not None:
                    headers.append((name, local))
        return headers

    def _api_path(self, location: str) -> str | None:
        """An upstream ``Location`` as an API path (``/threads/t/runs/r/stream``), or ``None``
        when it leads elsewhere.

        The JS SDK reads it as a path under its ``apiUrl`` (it requests ``apiUrl + location``
        to resume a stream), which is the mount: so the path stays relative to the API root,
        without the mount's prefix, and without the upstream's origin or base path.
        """
        for base in self._bases:
            if location.startswith(base + "/"):
                location = location[len(base):]
                break
        if not location.startswith("/") or location.startswith("//"):
            return None
        return location

    def _upstream_error(self, exc: APIStatusError) -> MountResponse:
        status = exc.status_code
        if status in (401, 403):
            # The server refused the mount's key: the browser's user is not at fault.
            logger.error("mount: the LangGraph server refused the API key (%d)", status)
            return _answer(502, "The LangGraph server refused the request")
        body = exc.body
        detail: Any = body["detail"] if isinstance(body, dict) and "detail" in body else exc.detail
        if detail is None:
            detail = HTTPStatus(status).phrase if status in _KNOWN_STATUSES else "Error"
        return _answer(status if 400 <= status < 600 else 502, self._scrub(detail))

    def _scrub(self, detail: Any) -> Any:
        """``detail`` with the server's address and the API key blanked, wherever they are."""
        if isinstance(detail, str):
            for secret in self._secrets:
                detail = detail.replace(secret, "[redacted]")
            return detail
        if isinstance(detail, list):
            return [self._scrub(item) for item in detail]
        if isinstance(detail, dict):
            return {str(key): self._scrub(value) for key, value in detail.items()}
        return detail



def _secrets(transport: Transport) -> tuple[str, ...]:
    """What must never reach a browser: the key, the server's URL and host name."""
    parts = urlsplit(transport.base_url)
    found: list[str] = [transport.base_url, parts.netloc]
    if parts.hostname:
        found.append(parts.hostname)
    key = transport.options().headers.get("x-api-key")
    if key:
        found.append(key)
    # Longest first: the URL before the host inside it.
    return tuple(sorted({item for item in found if len(item) >= 4}, key=len, reverse=True))

_KNOWN_STATUSES = frozenset(HTTPStatus)
