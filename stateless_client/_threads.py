"""``client.threads``: create, fetch and delete threads (stateful runs keep their state there)."""

from __future__ import annotations

from typing import Any, Literal, Mapping

from ._config import NOT_GIVEN, NotGiven, TimeoutArg
from ._models import Thread, parse_model
from ._transport import Transport, drop_none, path

__all__ = ["Threads"]


class Threads:
    """Threads on the server. Reached as ``client.threads``."""

    def __init__(self, transport: Transport) -> None:
        self._transport = transport

    def create(
        self,
        *,
        metadata: Mapping[str, Any] | None = None,
        thread_id: str | None = None,
        if_exists: Literal["raise", "do_nothing"] | None = None,
        graph_id: str | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Thread:
        """Create a thread.

        Args:
            metadata: metadata to store with the thread.
            thread_id: the ID to use; the server makes one up when omitted.
            if_exists: ``"raise"`` (409) or ``"do_nothing"`` when ``thread_id`` exists.
            graph_id: the graph the thread belongs to.

        Returns:
            The new ``Thread``.

        Example:
            >>> thread = client.threads.create()
            >>> len(client.runs.wait(thread.thread_id, "agent", input=data)["messages"])
            2
        """
        payload = drop_none(
            {"metadata": metadata, "thread_id": thread_id, "if_exists": if_exists, "graph_id": graph_id}
        )
        response = self._transport.request(
            "POST", "/threads", json=payload, headers=headers, timeout=timeout, max_retries=max_retries
        )
        return parse_model(Thread, self._transport.read_json(response, "POST", response.url),
                           method="POST", url=response.url)

    def get(
        self,
        thread_id: str,
        *,
        headers: Mapping[str, str] | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Thread:
        """Fetch a thread.

        Raises:
            NotFoundError: no such thread.
        """
        response = self._transport.request(
            "GET", path("threads", thread_id), headers=headers, timeout=timeout, max_retries=max_retries
        )
        return parse_model(Thread, self._transport.read_json(response, "GET", response.url),
                           method="GET", url=response.url)

    def delete(
        self,
        thread_id: str,
        *,
        headers: Mapping[str, str] | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> None:
        """Delete a thread and its runs.

        Raises:
            NotFoundError: no such thread.
        """
        response = self._transport.request(
            "DELETE", path("threads", thread_id), headers=headers, timeout=timeout, max_retries=max_retries
        )
        response.close()
