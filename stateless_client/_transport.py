"""Sending requests: URLs, headers, timeouts, retries, redirects, and mapping every failure.

Every call of the client goes through ``Transport.request``, so there is one place where
``requests``/``urllib3`` exceptions and HTTP statuses become this package's exceptions.
"""

from __future__ import annotations

import email.utils
import logging
import os
import random
import threading
import time
from typing import Any, Callable, Mapping, NoReturn
from urllib.parse import quote, urljoin, urlsplit

import requests
import urllib3.exceptions
from requests.adapters import HTTPAdapter

from . import _json
from ._config import (
    INITIAL_RETRY_DELAY,
    MAX_RETRY_AFTER,
    MAX_RETRY_DELAY,
    NOT_GIVEN,
    NotGiven,
    Timeout,
)
from ._exceptions import (
    APIConnectionError,
    APIError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    InternalServerError,
    InvalidResponseError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    UnprocessableEntityError,
)
from ._version import __version__

logger = logging.getLogger("stateless_client")

#: Connections kept per host: enough for 32+ threads sharing one client without
#: urllib3's "Connection pool is full, discarding connection" churn.
POOL_MAXSIZE = 64
MAX_REDIRECTS = 5
SNIPPET_LENGTH = 200

_STATUS_ERRORS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}
_IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
_RETRY_STATUSES_IDEMPOTENT = frozenset({429, 502, 503, 504})
# A run-creating POST answered with these provably started no run.
_RETRY_STATUSES_RUN_CREATE = frozenset({429, 503})


class _NotSent:
    """Marks "no request body" (``None`` is a valid JSON body)."""


NO_BODY = _NotSent()


def path(*segments: str) -> str:
    """Join URL path segments, quoting each so an ID can never change the path."""
    return "".join("/" + quote(segment, safe="") for segment in segments)


def drop_none(fields: Mapping[str, Any]) -> dict[str, Any]:
    """A request payload without its ``None`` values, so the server's defaults apply."""
    return {key: value for key, value in fields.items() if value is not None}


def origin(url: str) -> tuple[str, str, int | None]:
    """``(scheme, host, port)`` of a URL, with default ports filled in."""
    parts = urlsplit(url)
    port = parts.port or {"http": 80, "https": 443}.get(parts.scheme)
    return (parts.scheme, (parts.hostname or "").lower(), port)


def snippet(data: bytes | str, limit: int = SNIPPET_LENGTH) -> str:
    """The start of a body, whitespace folded, for an error message."""
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
    text = " ".join(text[: limit * 2].split())
    return text if len(text) <= limit else text[:limit] + "..."


class Transport:
    """Sends requests to one server and turns the outcome into data or a typed error."""

    def __init__(
        self,
        base_url: str,
        *,
        api_key: str | None,
        headers: Mapping[str, str] | None,
        timeout: Timeout,
        max_retries: int,
        session: requests.Session | None,
    ) -> None:
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"url must be an http(s) URL such as http://127.0.0.1:2024, not {base_url!r}")
        if max_retries < 0:
            raise ValueError(f"max_retries must be >= 0, not {max_retries}")
        self.base_url = base_url.rstrip("/")
        self.origin = origin(self.base_url)
        self.timeout = timeout
        self.max_retries = max_retries
        self._api_key = api_key
        self._headers = {"user-agent": f"stateless-client/{__version__}", **(headers or {})}
        self._owns_session = session is None
        self._session = session or self._new_session(self.base_url)
        self._session_pid = os.getpid()
        self._lock = threading.Lock()
        self.sleep: Callable[[float], None] = time.sleep  # replaced in tests

    @property
    def has_api_key(self) -> bool:
        """Whether requests carry an API key (the key itself is never exposed)."""
        return bool(self._api_key)

    def __repr__(self) -> str:
        return f"<Transport {self.base_url} api_key={'***' if self._api_key else None}>"

    @staticmethod
    def _new_session(base_url: str) -> requests.Session:
        """A session for one origin that reads the environment once, not per request.

        ``requests`` looks up proxy variables (walking all of ``os.environ``, twice) and
        ``~/.netrc`` on every request when ``trust_env`` is on: most of its CPU per call.
        Like httpx, this resolves the proxies for our origin (``HTTPS_PROXY``, ``NO_PROXY``,
        ...) and the CA bundle (``REQUESTS_CA_BUNDLE``, ``CURL_CA_BUNDLE``) when the client
        is created, then turns ``trust_env`` off.
        """
        session = requests.Session()
        adapter = HTTPAdapter(pool_connections=4, pool_maxsize=POOL_MAXSIZE)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        session.proxies.update(requests.utils.get_environ_proxies(base_url))
        ca_bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
        if ca_bundle:
            session.verify = ca_bundle
        session.trust_env = False
        return session

    @property
    def session(self) -> requests.Session:
        """The session to use in this process: a forked child gets its own connections."""
        if self._session_pid != os.getpid() and self._owns_session:
            with self._lock:
                if self._session_pid != os.getpid():
                    # The parent's sockets are shared with it; dropping (not closing) our
                    # reference leaves them to the parent.
                    self._session = self._new_session(self.base_url)
                    self._session_pid = os.getpid()
        return self._session

    def close(self) -> None:
        """Close the session if this transport created it."""
        if self._owns_session:
            self._session.close()

    def timeout_for(self, timeout: Timeout | float | NotGiven | None) -> Timeout:
        """The limits of one call: the client's, unless the call passed ``timeout``."""
        return self.timeout if timeout is NOT_GIVEN else Timeout.of(timeout)

    def url(self, path_or_url: str) -> str:
        """The absolute URL for an API path (or a same-origin URL from a ``Location``)."""
        return urljoin(self.base_url + "/", path_or_url.lstrip("/")) if "://" not in path_or_url else path_or_url

    # -- sending -----------------------------------------------------------------------------

    def request(
        self,
        method: str,
        path_or_url: str,
        *,
        json: Any = NO_BODY,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: Timeout | float | NotGiven | None = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        stream: bool = False,
        creates_run: bool = False,
    ) -> requests.Response:
        """Send a request and return the response once its status is known to be good.

        Args:
            creates_run: the request starts a run, so it is retried only when the failure
                proves no run started (connect failure, 429, 503).
            stream: leave the body unread, for server-sent events.

        Raises:
            APIStatusError: a subclass per status, for any 4xx/5xx left after retries.
            APIConnectionError: no answer; ``APITimeoutError`` when a timeout expired.
        """
        url = self.url(path_or_url)
        if origin(url) != self.origin:
            raise APIError(
                f"refusing to send a request to {_origin_text(url)}, another origin than "
                f"{_origin_text(self.base_url)}", method=method, url=url,
            )
        limits = self.timeout_for(timeout)
        retries = self.max_retries if isinstance(max_retries, NotGiven) else max_retries
        send_headers = self._request_headers(headers)
        body: bytes | None = None
        if json is not NO_BODY:
            body = _json.dumps(json)
            send_headers["content-type"] = "application/json"
        idempotent = method in _IDEMPOTENT_METHODS

        attempt = 0
        while True:
            try:
                response = self._send(method, url, body, params, send_headers, limits, stream)
            except requests.RequestException as exc:
                error = connection_error(exc, method, url, limits)
                if attempt < retries and (never_sent(exc) or (idempotent and not creates_run)):
                    self._pause(attempt, None, method, url, str(error))
                    attempt += 1
                    continue
                raise error from exc
            status = response.status_code
            if status < 400:
                return response
            retryable = _RETRY_STATUSES_RUN_CREATE if creates_run else (
                _RETRY_STATUSES_IDEMPOTENT if idempotent else frozenset({429})
            )
            if attempt < retries and status in retryable:
                retry_after = response.headers.get("retry-after")
                response.close()
                self._pause(attempt, retry_after, method, url, f"status {status}")
                attempt += 1
                continue
            raise_for_status(response, method, url)

    def _request_headers(self, extra: Mapping[str, str] | None) -> dict[str, str]:
        headers = dict(self._headers)
        if self._api_key:
            headers["x-api-key"] = self._api_key
        if extra:
            headers.update(extra)
        return headers

    def _send(
        self,
        method: str,
        url: str,
        body: bytes | None,
        params: Mapping[str, Any] | None,
        headers: dict[str, str],
        limits: Timeout,
        stream: bool,
    ) -> requests.Response:
        """One HTTP exchange, following same-origin redirects only.

        ``requests`` exceptions pass through: ``request`` decides on retries with them.
        """
        for _ in range(MAX_REDIRECTS + 1):
            started = time.perf_counter()
            response = self.session.request(
                method, url, data=body, params=params, headers=headers,
                timeout=limits.as_requests(), stream=stream, allow_redirects=False,
            )
            if logger.isEnabledFor(logging.DEBUG):
                logger.debug("%s %s -> %d (%.1f ms)", method, url, response.status_code,
                             (time.perf_counter() - started) * 1000)
            location = response.headers.get("location")
            if response.status_code not in (301, 302, 303, 307, 308) or not location:
                return response
            target = urljoin(url, location)
            response.close()
            if origin(target) != self.origin:
                raise APIError(
                    f"{method} {url} was redirected ({response.status_code}) to another origin, "
                    f"{_origin_text(target)}; not followed, so the API key and headers stay "
                    f"with {_origin_text(self.base_url)}", method=method, url=url,
                )
            if response.status_code in (301, 302, 303) and method != "HEAD":
                method, body = "GET", None
                headers.pop("content-type", None)
            url, params = target, None
        raise APIError(f"{method} {url}: more than {MAX_REDIRECTS} redirects", method=method, url=url)

    def _pause(self, attempt: int, retry_after: str | None, method: str, url: str, why: str) -> None:
        delay = retry_delay(attempt, retry_after)
        logger.debug("retrying %s %s in %.2f s (attempt %d, %s)", method, url, delay, attempt + 1, why)
        self.sleep(delay)

    # -- reading -----------------------------------------------------------------------------

    def read_json(self, response: requests.Response, method: str, url: str) -> Any:
        """Read a whole JSON body (blank keep-alive lines before it are fine) and close."""
        try:
            content = response.content
        except requests.RequestException as exc:
            raise connection_error(exc, method, url, self.timeout) from None
        finally:
            response.close()
        if not content.strip():
            raise InvalidResponseError(
                f"{method} {_path_of(url)}: empty body where JSON was expected "
                f"(status {response.status_code})", method=method, url=url, snippet="",
            )
        try:
            return _json.loads(content)
        except _json.JSONDecodeError:
            quoted = snippet(content)
            raise InvalidResponseError(
                f"{method} {_path_of(url)}: body is not JSON "
                f"(content-type {response.headers.get('content-type')!r}): {quoted!r}",
                method=method, url=url, snippet=quoted,
            ) from None


def retry_delay(attempt: int, retry_after: str | None = None) -> float:
    """Seconds before retry number ``attempt + 1``: ``Retry-After`` if given, else backoff."""
    if retry_after:
        seconds = _parse_retry_after(retry_after)
        if seconds is not None:
            return min(max(seconds, 0.0), MAX_RETRY_AFTER)
    delay = min(INITIAL_RETRY_DELAY * (2.0**attempt), MAX_RETRY_DELAY)
    return delay * (1 - 0.25 * random.random())


def _parse_retry_after(value: str) -> float | None:
    value = value.strip()
    try:
        return float(value)
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return float(when.timestamp() - time.time())


def connection_error(exc: BaseException, method: str, url: str, limits: Timeout) -> APIConnectionError:
    """Map a ``requests``/``urllib3`` transport exception to this package's types."""
    where = f"{method} {url}"
    if isinstance(exc, (requests.ConnectTimeout, urllib3.exceptions.ConnectTimeoutError)):
        return APITimeoutError(
            f"{where}: no connection within the connect timeout of {limits.connect} s",
            method=method, url=url,
        )
    if isinstance(exc, (requests.ReadTimeout, urllib3.exceptions.ReadTimeoutError, TimeoutError)):
        return APITimeoutError(
            f"{where}: the server sent nothing for {limits.read} s (the read timeout)",
            method=method, url=url,
        )
    if never_sent(exc):
        return APIConnectionError(
            f"{where}: could not connect ({_reason(exc)}); check that the server is running "
            f"at {_origin_text(url)} and that the URL is right", method=method, url=url,
        )
    return APIConnectionError(f"{where}: {type(exc).__name__}: {_reason(exc)}", method=method, url=url)


def never_sent(exc: BaseException) -> bool:
    """Whether the connection failed before any byte of the request left (so a retry is safe)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, (requests.ConnectTimeout, urllib3.exceptions.NewConnectionError,
                                urllib3.exceptions.ConnectTimeoutError, ConnectionRefusedError)):
            return True
        reason = getattr(current, "reason", None)
        if isinstance(reason, BaseException):
            current = reason
            continue
        args = getattr(current, "args", ())
        current = args[0] if args and isinstance(args[0], BaseException) else current.__cause__
    return False


def _reason(exc: BaseException) -> str:
    reason = getattr(exc, "reason", None)
    return str(reason if reason is not None else exc)


def raise_for_status(response: requests.Response, method: str, url: str) -> NoReturn:
    """Read the error body, close the response, raise the matching ``APIStatusError``."""
    try:
        content = response.content
    except requests.RequestException:
        content = b""
    finally:
        response.close()
    body: Any
    detail: str | None = None
    try:
        body = _json.loads(content) if content.strip() else None
    except _json.JSONDecodeError:
        body = content.decode("utf-8", "replace")
    if isinstance(body, dict):
        found = body.get("detail", body.get("message"))
        detail = found if isinstance(found, str) or found is None else _json.dumps(found).decode()
    elif isinstance(body, str) and body:
        detail = snippet(body)
    raise status_error(response.status_code, response.reason or "", method=method, url=url,
                       response=response, body=body, detail=detail)


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
    message = f"{method} {_path_of(url)} -> {status} {reason}".rstrip()
    if detail:
        message += f": {detail}"
    error_type = _STATUS_ERRORS.get(status) or (InternalServerError if status >= 500 else APIStatusError)
    return error_type(message, method=method, url=url, response=response, body=body, detail=detail,
                      status_code=status)


def _path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _origin_text(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}"
