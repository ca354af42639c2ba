"""``Client`` and ``get_client``: the entry point of the package."""

from __future__ import annotations

from types import TracebackType
from typing import Mapping

import requests

from ._config import DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT, NOT_GIVEN, NotGiven, Timeout, resolve_api_key
from ._http.transport import Transport
from ._resources.assistants import Assistants
from ._resources.crons import Crons
from ._resources.http import HttpClient
from ._resources.runs import Runs
from ._resources.store import Store
from ._resources.threads import Threads
from .sse import DEFAULT_MAX_EVENT_SIZE
from .types import DisconnectMode

__all__ = ["Client", "get_client", "DEFAULT_URL"]

#: Where ``langgraph dev`` listens by default. The official sync SDK defaults to
#: ``http://localhost:8123`` (the old ``langgraph up`` port); a local dev server is what a
#: client without a URL most likely means today, and ``127.0.0.1`` avoids an IPv6 detour.
DEFAULT_URL = "http://127.0.0.1:2024"


class Client:
    """A synchronous client for the LangGraph Platform API (LangSmith Deployment).

    One ``Client`` may be shared by many threads: each call borrows a pooled connection, and
    a forked child process gets connections of its own.

    Args:
        url: the deployment's base URL. A ``user:password@`` in it is removed from the URL and
            sent as HTTP basic auth, to this origin only.
        api_key: sent as ``x-api-key``. Not passed: read ``LANGGRAPH_API_KEY``, then
            ``LANGSMITH_API_KEY``, then ``LANGCHAIN_API_KEY``. ``None``: send no key.
            Whitespace around the key (the newline at the end of a key read from a file) is
            stripped.
        headers: extra headers for every request; not ``x-api-key`` (use ``api_key``).
        timeout: a ``Timeout``, seconds for both limits, or ``None`` for no limit.
            Default: 5 s to connect, 300 s of silence while reading.
        max_retries: how often a failed request is retried where that is safe (default 2).
        session: a ``requests.Session`` of your own (proxies, mTLS, adapters). The client
            never closes a session it did not create.
        max_event_size: the largest server-sent event a stream accepts, in characters
            (each ``data`` line counts 64 more); a larger one raises ``InvalidResponseError``
            instead of filling memory. Default 256 MiB.
        stateless_on_disconnect: what a stateless run started by ``runs.stream``,
            ``runs.wait`` or ``runs.wait_many`` does when its caller leaves (Ctrl-C, an
            exception, a killed process, a closed browser tab), unless the call passes
            ``on_disconnect``: ``"cancel"`` (default; nobody else can read its result) or
            ``"continue"`` (the server's default, and the official SDK's).

    Raises:
        ValueError: ``url`` is not an http(s) URL, ``max_retries`` is negative, or
            ``stateless_on_disconnect`` is neither ``"cancel"`` nor ``"continue"``.
        InvalidRequestError: a header in ``headers``, or the key, that HTTP cannot carry
            (named, never quoted); ``x-api-key`` in ``headers``, in any case, which the
            official SDK refuses too.

    Attributes:
        runs: create, stream and wait for runs (``Runs``).
        threads: threads, their state and history (``Threads``).
        crons: schedule runs, stateless or on a thread (``Crons``).
        assistants: create, version, search and inspect assistants (``Assistants``).
        store: put, get, search and delete items of the key-value store (``Store``).
        http: requests to any API path through the same transport (``HttpClient``).

    Examples:
        >>> with Client("http://127.0.0.1:2024", api_key=None) as client:
        ...     client
        Client(url='http://127.0.0.1:2024', api_key=None)
    """

    def __init__(
        self,
        url: str = DEFAULT_URL,
        *,
        api_key: str | NotGiven | None = NOT_GIVEN,
        headers: Mapping[str, str] | None = None,
        timeout: Timeout | float | None = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        session: requests.Session | None = None,
        max_event_size: int = DEFAULT_MAX_EVENT_SIZE,
        stateless_on_disconnect: DisconnectMode = "cancel",
    ) -> None:
        self._transport = Transport(
            url,
            api_key=resolve_api_key(api_key),
            headers=headers,
            timeout=Timeout.of(timeout),
            max_retries=max_retries,
            session=session,
            max_event_size=max_event_size,
        )
        self.runs = Runs(self._transport, stateless_on_disconnect=stateless_on_disconnect)
        self.threads = Threads(self._transport)
        self.assistants = Assistants(self._transport)
        self.store = Store(self._transport)
        self.http = HttpClient(self._transport)
        self.crons = Crons(self._transport)

    @property
    def url(self) -> str:
        """The base URL requests go to (without any user name or password)."""
        return self._transport.base_url

    def __repr__(self) -> str:
        key = "'***'" if self._transport.has_api_key else "None"
        return f"Client(url={self.url!r}, api_key={key})"

    def close(self) -> None:
        """Release pooled connections (only of a session the client created)."""
        self._transport.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def get_client(
    *,
    url: str | None = None,
    api_key: str | NotGiven | None = NOT_GIVEN,
    headers: Mapping[str, str] | None = None,
    timeout: Timeout | float | None = DEFAULT_TIMEOUT,
    max_retries: int = DEFAULT_MAX_RETRIES,
    session: requests.Session | None = None,
    max_event_size: int = DEFAULT_MAX_EVENT_SIZE,
    stateless_on_disconnect: DisconnectMode = "cancel",
) -> Client:
    """Return a ``Client``; the same arguments, named as in ``langgraph_sdk.get_sync_client``.

    ``url=None`` (the default) means ``DEFAULT_URL``, the local ``langgraph dev`` server.

    Examples:
        >>> get_client(url="http://127.0.0.1:2024", api_key=None).url
        'http://127.0.0.1:2024'
    """
    return Client(
        DEFAULT_URL if url is None else url,
        api_key=api_key, headers=headers, timeout=timeout, max_retries=max_retries, session=session,
        max_event_size=max_event_size, stateless_on_disconnect=stateless_on_disconnect,
    )
