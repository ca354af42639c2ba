"""``client.http``: any API path, through the same transport as the resources."""

from __future__ import annotations

import logging
from typing import Any, Mapping

from .._config import NOT_GIVEN, NotGiven, TimeoutArg
from .._http.headers import Headers
from .._http.options import RequestOptions
from .._http.stream import RunStream
from .._http.transport import NO_BODY
from .._models import StreamPart
from ..types import QueryParamTypes
from .base import OnResponse, Resource

__all__ = ["HttpClient"]

logger = logging.getLogger("stateless_client")

def _body(json: Any) -> Any:
    """``json=None`` sends no body, as in the official SDK."""
    return NO_BODY if json is None else json


class HttpClient(Resource):
    """Requests to any API path: the escape hatch for endpoints without a method here.

    Reached as ``client.http``; the official SDK's ``SyncHttpClient`` methods with its
    parameters. Requests go through the client's transport: its base URL, headers, API key,
    timeouts, retries (by HTTP method: ``GET``/``PUT``/``DELETE`` are retried on 429 and
    502-504, ``POST`` and ``PATCH`` only on 429 or a connection never made) and typed errors.
    A ``path`` may be an absolute URL only on the client's origin: the API key never goes
    elsewhere.

    ``on_response`` receives the ``requests.Response`` (the SDK passes an ``httpx`` one),
    before its body is read, and only for a successful status: an error status raises
    first. An empty body (``204``) is returned as ``None``.
    """

    def get(
        self,
        path: str,
        *,
        params: QueryParamTypes | None = None,
        headers: Mapping[str, str] | None = None,
        on_response: OnResponse | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Any:
        """``GET path``; return the decoded JSON answer.

        Examples:
            >>> client.http.get("/ok")
            {'ok': True, 'services': {}}
        """
        return self._send("GET", path, NO_BODY, self._options(headers, params, timeout, max_retries), on_response)

    def post(
        self,
        path: str,
        *,
        json: dict[str, Any] | list[Any] | None,
        params: QueryParamTypes | None = None,
        headers: Mapping[str, str] | None = None,
        on_response: OnResponse | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Any:
        """``POST path`` with ``json`` (``None``: no body); return the decoded JSON answer.

        Examples:
            >>> client.http.post("/runs/wait", json={"assistant_id": "agent", "input": data})["messages"][-1]["type"]
            'ai'
        """
        return self._send("POST", path, _body(json), self._options(headers, params, timeout, max_retries),
                          on_response)

    def put(
        self,
        path: str,
        *,
        json: dict[str, Any],
        params: QueryParamTypes | None = None,
        headers: Mapping[str, str] | None = None,
        on_response: OnResponse | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Any:
        """``PUT path`` with ``json``; return the decoded JSON answer (``None`` for no body).

        Examples:
            >>> print(client.http.put("/store/items", json={"namespace": ["http"], "key": "k", "value": {}}))
            None
        """
        return self._send("PUT", path, _body(json), self._options(headers, params, timeout, max_retries),
                          on_response)

    def patch(
        self,
        path: str,
        *,
        json: dict[str, Any],
        params: QueryParamTypes | None = None,
        headers: Mapping[str, str] | None = None,
        on_response: OnResponse | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Any:
        """``PATCH path`` with ``json``; return the decoded JSON answer.

        Examples:
            >>> made = client.http.post("/assistants", json={"graph_id": "agent"})
            >>> client.http.patch(f"/assistants/{made['assistant_id']}", json={"name": "patched"})["name"]
            'patched'
        """
        return self._send("PATCH", path, _body(json), self._options(headers, params, timeout, max_retries),
                          on_response)

    def delete(
        self,
        path: str,
        *,
        json: Any | None = None,
        params: QueryParamTypes | None = None,
        headers: Mapping[str, str] | None = None,
        on_response: OnResponse | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> None:
        """``DELETE path``, with ``json`` as the body if given; the answer is discarded.

        Examples:
            >>> client.http.delete("/store/items", json={"namespace": ["http"], "key": "k"})
        """
        self._call("DELETE", path, None, options=self._options(headers, params, timeout, max_retries),
                   body=_body(json), on_response=on_response)

    def stream(
        self,
        path: str,
        method: str,
        *,
        json: dict[str, Any] | None = None,
        params: QueryParamTypes | None = None,
        headers: Mapping[str, str] | None = None,
        on_response: OnResponse | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> RunStream[StreamPart]:
        """Send a request and return its server-sent events as a ``RunStream``.

        The HTTP status is checked before this returns. When the server names a ``Location``
        (runs started with ``stream_resumable=True``), a dropped connection is resumed from
        there with ``Last-Event-ID``, as by ``runs.stream``. Retried as its method is, never
        after the response has started.

        Examples:
            >>> with client.http.stream("/runs/stream", "POST", json={"assistant_id": "agent", "input": data}) as s:
            ...     [part.event for part in s]
            ['metadata', 'values', 'values']
        """
        options = self._options(headers, params, timeout, max_retries)
        # As the SDK: ``Cache-Control: no-store`` unless the call's headers say otherwise.
        if not headers or "cache-control" not in Headers(headers):
            options = options.with_headers({"cache-control": "no-store"})
        return self._stream(method.upper(), path, body=_body(json), resumable=True, on_response=on_response,
                            options=options)

    def request_reconnect(
        self,
        path: str,
        method: str,
        *,
        json: dict[str, Any] | None = None,
        params: QueryParamTypes | None = None,
        headers: Mapping[str, str] | None = None,
        on_response: OnResponse | None = None,
        reconnect_limit: int = 5,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Any:
        """Send a request; if its body is cut off and the server named a ``Location``, read
        the answer from there instead (a ``GET``, up to ``reconnect_limit`` times, with
        backoff), as the official SDK does for ``runs.wait`` on resumable runs.

        Only a same-origin ``Location`` is followed. A reconnection is tried again after a
        connection failure, 429 or 5xx; any other error status raises at once.

        Examples:
            >>> run = {"assistant_id": "agent", "input": data}
            >>> state = client.http.request_reconnect("/runs/wait", "POST", json=run)
            >>> state["messages"][-1]["content"]
            'echo: Hello! My name is Bagatur and I am 26 years old.'
        """
        method = method.upper()
        options = self._options(headers, params, timeout, max_retries)
        response = self._open(method, path, options, body=_body(json), on_response=on_response)
        return self._read_json_or_reconnect(response, options, reconnect_limit, empty_ok=True)[0]

    # -- shared --------------------------------------------------------------------------------

    def _send(self, method: str, path: str, body: Any, options: RequestOptions, on_response: OnResponse | None) -> Any:
        return self._json(method, path, options=options, body=body, on_response=on_response, empty_ok=True)[0]
