"""``client.threads``: threads on the server, where stateful runs keep their state."""

from __future__ import annotations

from typing import Any, Mapping, Sequence

from .._config import NOT_GIVEN, NotGiven, TimeoutArg
from .._http.transport import drop_none
from .._http.urls import path
from .._models import Thread
from ..types import Json, OnConflictBehavior, QueryParamTypes
from .base import Resource

__all__ = ["Threads"]


class Threads(Resource):
    """Threads on the server. Reached as ``client.threads``.

    Besides the official SDK's parameters, each method takes ``timeout=`` and ``max_retries=``.
    """

    def create(
        self,
        *,
        metadata: Json = None,
        thread_id: str | None = None,
        if_exists: OnConflictBehavior | None = None,
        supersteps: Sequence[dict[str, Sequence[dict[str, Any]]]] | None = None,
        graph_id: str | None = None,
        ttl: int | Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        params: QueryParamTypes | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Thread:
        """Create a thread.

        Args:
            metadata: metadata to store with the thread.
            thread_id: the ID to use; the server makes one up when omitted.
            if_exists: ``"raise"`` (409) or ``"do_nothing"`` when ``thread_id`` exists.
            supersteps: updates to apply to the new thread's state, as
                ``[{"updates": [{"values": ..., "as_node": ...}]}, ...]``.
            graph_id: the graph the thread belongs to (stored as ``metadata["graph_id"]``).
            ttl: minutes until the thread is deleted, or ``{"ttl": minutes, "strategy": "delete"}``.

        Returns:
            The new ``Thread``.

        Example:
            >>> thread = client.threads.create()
            >>> len(client.runs.wait(thread["thread_id"], "agent", input=data)["messages"])
            2
        """
        if graph_id is not None:  # the API keeps a thread's graph in its metadata
            metadata = {**(metadata or {}), "graph_id": graph_id}
        body = drop_none({
            "metadata": metadata,
            "thread_id": thread_id,
            "if_exists": if_exists,
            "supersteps": supersteps,
            "ttl": {"ttl": ttl, "strategy": "delete"} if isinstance(ttl, (int, float)) else ttl,
        })
        return self._post("/threads", Thread, body=body, options=self._options(headers, params, timeout, max_retries))

    def get(
        self,
        thread_id: str,
        *,
        include: Sequence[str] | None = None,
        headers: Mapping[str, str] | None = None,
        params: QueryParamTypes | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Thread:
        """Fetch a thread.

        Args:
            include: extra fields to include, e.g. ``["ttl"]``.

        Raises:
            NotFoundError: no such thread.
        """
        query = {"include": ",".join(include)} if include else None
        return self._get(path("threads", thread_id), Thread, query=query,
                         options=self._options(headers, params, timeout, max_retries))

    def delete(
        self,
        thread_id: str,
        *,
        headers: Mapping[str, str] | None = None,
        params: QueryParamTypes | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> None:
        """Delete a thread and its runs.

        Raises:
            NotFoundError: no such thread.
        """
        self._delete(path("threads", thread_id), options=self._options(headers, params, timeout, max_retries))
