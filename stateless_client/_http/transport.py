"""Sending requests: URLs, timeouts, retries, redirects, and mapping every failure.

Every call of the client goes through ``Transport.request``, so there is one place where
``requests``/``urllib3`` exceptions and HTTP statuses become this package's exceptions.
"""

from __future__ import annotations

import logging
import os
import re
import threading
import time
from typing import Any, Callable, Mapping, NoReturn
from urllib.parse import urljoin, urlsplit

import requests
from requests.adapters import HTTPAdapter

from .. import _json
from .._config import NOT_GIVEN, NotGiven, Timeout, TimeoutArg
from .._exceptions import APIError, InvalidRequestError, InvalidResponseError, snippet
from ..sse import DEFAULT_MAX_EVENT_SIZE
from ..types import QueryParamTypes
from .abort import attach, check_not_aborted
from .failures import connection_error, never_sent, status_error
from .headers import Headers, basic_auth, call_headers, client_headers
from .observe import log_url
from .options import RequestOptions, SentQuery
from .retries import Retry, retries_status, retry_delay
from .urls import NO_ORIGIN, origin, origin_text, path_of, redact_userinfo, split_userinfo

__all__ = ["Transport", "NO_BODY"]

logger = logging.getLogger("stateless_client")

#: Connections kept per host: enough for 32+ threads sharing one client without
#: urllib3's "Connection pool is full, discarding connection" churn.
POOL_MAXSIZE = 64
MAX_REDIRECTS = 5

# What ``Transport.url`` takes as a path without a closer look: what ``urls.path`` builds.
_PLAIN_PATH = re.compile(r"/(?!/)[A-Za-z0-9\-._~%!$&'()*+,;=:@/]*").fullmatch
_C0_OR_SPACE = "".join(map(chr, range(0x21)))
_TAB_NEWLINE = str.maketrans("", "", "\t\n\r")
_QUERY_OR_FRAGMENT = re.compile(r"[?#]")
# Set after the call's headers: the body is JSON whatever Content-Type the caller gave.
_JSON_BODY = {"content-type": "application/json"}


class _NotSent:
    """Marks "no request body" (``None`` is a valid JSON body)."""

    def __repr__(self) -> str:
        return "NO_BODY"


NO_BODY: Any = _NotSent()


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
        max_event_size: int = DEFAULT_MAX_EVENT_SIZE,
    ) -> None:
        try:
            base_url, credentials = split_userinfo(base_url)
            scheme = urlsplit(base_url).scheme
        except ValueError:  # e.g. an unclosed "[": refused just below
            credentials, scheme = None, ""
        if max_event_size < 1:
            raise ValueError(f"max_event_size must be >= 1, not {max_event_size}")
        self.base_url = base_url.rstrip("/")
        self.origin = origin(self.base_url)
        if scheme not in ("http", "https") or self.origin == NO_ORIGIN:
            raise ValueError(f"url must be an http(s) URL such as http://127.0.0.1:2024, "
                             f"not {redact_userinfo(self.base_url)!r}")
        if max_retries < 0:
            raise ValueError(f"max_retries must be >= 0, not {max_retries}")
        self.timeout = timeout
        self.max_retries = max_retries
        self.max_event_size = max_event_size  # the largest SSE event a stream accepts
        self._has_api_key = bool(api_key)
        # A password in the URL becomes basic auth, sent like the API key: to this origin only.
        self._headers = client_headers(api_key, headers, authorization=credentials and basic_auth(*credentials))
        self._defaults = RequestOptions(headers=self._headers, timeout=timeout, max_retries=max_retries)
        self._owns_session = session is None
        self._session = session or self._new_session(self.base_url)
        self._session_pid = os.getpid()
        self._lock = threading.Lock()
        self.sleep: Callable[[float], None] = time.sleep  # replaced in tests

    @property
    def has_api_key(self) -> bool:
        """Whether requests carry an API key (the key itself is never exposed)."""
        return self._has_api_key

    def __repr__(self) -> str:
        return f"<Transport {self.base_url} api_key={'***' if self._has_api_key else None}>"

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

    def options(
        self,
        *,
        headers: Mapping[str, str] | None = None,
        params: QueryParamTypes | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> RequestOptions:
        """Resolve one call's options against the client's defaults (the only place that does)."""
        if headers is None and params is None and timeout is NOT_GIVEN and max_retries is NOT_GIVEN:
            return self._defaults
        if not isinstance(max_retries, NotGiven) and max_retries < 0:
            raise ValueError(f"max_retries must be >= 0, not {max_retries}")
        return RequestOptions(
            headers=call_headers(self._headers, headers),
            timeout=self.timeout if timeout is NOT_GIVEN else Timeout.of(timeout),
            max_retries=self.max_retries if isinstance(max_retries, NotGiven) else max_retries,
            params=params or None,
        )

    def url(self, path_or_url: str) -> str:
        """The absolute URL for an API path, or for a ``Location`` the server sent.

        A path (``/threads/t1``) goes under the base URL. Anything that names a host, an
        absolute (``http://...``) or scheme-relative (``//host/...``) URL, is resolved as a
        browser would resolve it, and may be on another origin: callers compare its
        ``origin`` before sending. As in a browser, leading and trailing spaces and control
        characters are dropped, tabs and newlines removed, and a backslash before the query
        read as a slash (``/\\host`` is ``//host``), so no spelling of another host passes
        for a path.
        """
        text = path_or_url
        if not _PLAIN_PATH(text):
            text = text.strip(_C0_OR_SPACE).translate(_TAB_NEWLINE)
            found = _QUERY_OR_FRAGMENT.search(text)
            end = found.start() if found else len(text)
            text = text[:end].replace("\\", "/") + text[end:]
            try:
                parts = urlsplit(text)
                if parts.scheme or parts.netloc:
                    return urljoin(self.base_url + "/", text)
            except ValueError:  # e.g. "//[": no origin at all, so ``origin`` refuses it
                return text
        # "./": a first segment like "host:99" is a path here, not a URL scheme.
        return urljoin(self.base_url + "/", "./" + text.lstrip("/"))

    # -- sending -----------------------------------------------------------------------------

    def request(
        self,
        method: str,
        path_or_url: str,
        options: RequestOptions,
        *,
        json: Any = NO_BODY,
        params: Mapping[str, Any] | None = None,
        stream: bool = False,
        retry: Retry | None = None,
    ) -> requests.Response:
        """Send a request and return the response once its status is known to be good.

        Args:
            options: the call's resolved options.
            params: the method's own query parameters (the caller's ``options.params`` win).
            stream: leave the body unread, for server-sent events.
            retry: what repeating the request could do; by default, from the method.

        Raises:
            APIStatusError: a subclass per status, for any 4xx/5xx left after retries.
            APIConnectionError: no answer; ``APITimeoutError`` when a timeout expired.
            APIError: the URL is on another origin, or a redirect leads to one.
            InvalidRequestError: a body JSON cannot represent (``NotSerializableError``);
                nothing was sent.
            StreamClosedError: the call's ``AbortScope`` was aborted (``wait_many`` stopping).
        """
        check_not_aborted()
        url = self.url(path_or_url)
        if origin(url) != self.origin:
            raise APIError(
                f"refusing to send a request to {origin_text(url)}, another origin than "
                f"{origin_text(self.base_url)}", method=method, url=url,
            )
        intent = retry or Retry.for_method(method)
        query = options.query(params)
        headers = options.headers
        body: bytes | None = None
        if json is not NO_BODY:
            try:
                body = _json.encode_body(json)
            except InvalidRequestError as exc:  # raised before anything is sent
                raise type(exc)(f"{method} {path_of(url)}: {exc}") from None
            headers = headers.merged(_JSON_BODY)

        attempt = 0
        while True:
            try:
                response = self._send(method, url, body, query, headers, options.timeout, stream)
            except requests.RequestException as exc:
                error = connection_error(exc, method, url, options.timeout)
                if attempt < options.max_retries and (never_sent(exc) or intent is Retry.SAFE):
                    self._pause(attempt, None, method, url, str(error))
                    attempt += 1
                    continue
                raise error from exc
            status = response.status_code
            if status < 400:
                if stream:
                    attach(response)
                return response
            if attempt < options.max_retries and retries_status(intent, status):
                retry_after = response.headers.get("retry-after")
                response.close()
                self._pause(attempt, retry_after, method, url, f"status {status}")
                attempt += 1
                continue
            raise_for_status(response, method, url)

    def _send(
        self,
        method: str,
        url: str,
        body: bytes | None,
        params: SentQuery | None,
        headers: Headers,
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
                logger.debug("%s %s -> %d (%.1f ms)", method, log_url(url), response.status_code,
                             (time.perf_counter() - started) * 1000)
            location = response.headers.get("location")
            if response.status_code not in (301, 302, 303, 307, 308) or not location:
                return response
            target = urljoin(url, location)
            response.close()
            if origin(target) != self.origin:
                raise APIError(
                    f"{method} {url} was redirected ({response.status_code}) to another origin, "
                    f"{origin_text(target)}; not followed, so the API key and headers stay "
                    f"with {origin_text(self.base_url)}", method=method, url=url,
                )
            if response.status_code in (301, 302, 303) and method != "HEAD":
                method, body = "GET", None
                headers = headers.without("content-type")
            url, params = target, None
        raise APIError(f"{method} {url}: more than {MAX_REDIRECTS} redirects", method=method, url=url)

    def _pause(self, attempt: int, retry_after: str | None, method: str, url: str, why: str) -> None:
        delay = retry_delay(attempt, retry_after)
        logger.info("retrying %s %s in %.2f s (attempt %d, %s)", method, log_url(url), delay, attempt + 1, why)
        self.sleep(delay)

    # -- reading -----------------------------------------------------------------------------

    def read_json(self, response: requests.Response, options: RequestOptions, *, empty_ok: bool = False) -> Any:
        """Read a whole JSON body (blank keep-alive lines before it are fine) and close.

        An empty body is ``InvalidResponseError``, or ``None`` where ``empty_ok`` (a 204, say).
        """
        method = response.request.method or "GET"
        url = response.url
        try:
            content = response.content
        except requests.RequestException as exc:
            raise connection_error(exc, method, url, options.timeout) from None
        finally:
            response.close()
        if not content.strip():
            if empty_ok:
                return None
            raise InvalidResponseError(
                f"{method} {path_of(url)}: empty body where JSON was expected "
                f"(status {response.status_code})", method=method, url=url, snippet="",
            )
        try:
            return _json.loads(content)
        except _json.JSONDecodeError:
            quoted = snippet(content)
            raise InvalidResponseError(
                f"{method} {path_of(url)}: body is not JSON "
                f"(content-type {response.headers.get('content-type')!r}): {quoted!r}",
                method=method, url=url, snippet=quoted,
            ) from None


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
