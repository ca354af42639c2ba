"""``client.crons``: runs the server starts on a schedule, stateless or on a thread."""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Any, Iterator, Mapping, Sequence

from .._config import NOT_GIVEN, NotGiven, TimeoutArg
from .._http.retries import Retry
from .._http.urls import path
from .._models import Cron, parse_selected
from ..types import (
    All,
    Config,
    Context,
    CronSelectField,
    CronSortBy,
    Durability,
    Input,
    Json,
    OnCompletionBehavior,
    QueryParamTypes,
    SortOrder,
    StreamMode,
)
from .base import Resource, drop_none, paginate
from .run_payload import run_payload

__all__ = ["Crons"]


def _timezone_name(timezone: str | tzinfo | None) -> str | None:
    """An IANA name for ``timezone=``: a string as is, a ``ZoneInfo``'s key, else its ``tzname``."""
    if timezone is None or isinstance(timezone, str):
        return timezone
    if isinstance(timezone, tzinfo):
        key = getattr(timezone, "key", None)
        if isinstance(key, str):
            return key
        name = timezone.tzname(None)
        if name is not None:
            return name
        raise ValueError(f"cannot name the time zone {timezone!r}: pass a zoneinfo.ZoneInfo or an IANA name")
    raise TypeError(f"timezone must be a str or a tzinfo, not {type(timezone).__name__}")


class Crons(Resource):
    """Scheduled runs. Reached as ``client.crons``.

    ``create`` schedules stateless runs (each in a new thread), ``create_for_thread`` runs on
    one thread. Besides the official SDK's parameters, each method takes ``timeout=`` and
    ``max_retries=``. ``langgraph dev`` stores crons and runs them on schedule.
    """

    def create_for_thread(
        self,
        thread_id: str,
        assistant_id: str,
        *,
        schedule: str,
        input: Input | None = None,
        metadata: Mapping[str, Any] | None = None,
        config: Config | None = None,
        context: Context | None = None,
        checkpoint_during: bool | None = None,
        interrupt_before: All | list[str] | None = None,
        interrupt_after: All | list[str] | None = None,
        webhook: str | None = None,
        multitask_strategy: str | None = None,
        end_time: datetime | None = None,
        enabled: bool | None = None,
        timezone: str | tzinfo | None = None,
        stream_mode: StreamMode | Sequence[StreamMode] | None = None,
        stream_subgraphs: bool | None = None,
        stream_resumable: bool | None = None,
        durability: Durability | None = None,
        headers: Mapping[str, str] | None = None,
        params: QueryParamTypes | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Cron:
        """Schedule runs of ``assistant_id`` on one thread.

        ``input``, ``metadata``, ``config``, ``context``, ``interrupt_before``,
        ``interrupt_after``, ``webhook``, ``multitask_strategy``, ``stream_mode``,
        ``stream_subgraphs``, ``stream_resumable`` and ``durability`` are as for
        ``runs.create``, for every run the schedule starts.

        Args:
            thread_id: the thread every run uses.
            assistant_id: an assistant ID or a graph name.
            schedule: a cron expression, ``"minute hour day-of-month month day-of-week"``.
            checkpoint_during: deprecated upstream; accepted with a ``DeprecationWarning``.
            end_time: no runs after this time.
            enabled: ``False`` stores the cron without running it.
            timezone: an IANA name or a ``tzinfo`` (a ``zoneinfo.ZoneInfo``); UTC by default.

        Returns:
            The new ``Cron`` (the official SDK is annotated ``Run`` but returns this too).

        Raises:
            NotFoundError: no such thread or assistant.
            UnprocessableEntityError: an invalid schedule.

        Examples:
            >>> thread = client.threads.create()
            >>> cron = client.crons.create_for_thread(thread.thread_id, "agent", schedule="0 9 * * 1", input=data)
            >>> cron.thread_id == thread.thread_id, cron.schedule, cron.enabled
            (True, '0 9 * * 1', True)
            >>> client.crons.delete(cron.cron_id)
        """
        body = run_payload(
            assistant_id, schedule=schedule, end_time=end_time.isoformat() if end_time else None,
            timezone=_timezone_name(timezone), input=input, config=config, metadata=metadata,
            context=context, interrupt_before=interrupt_before, interrupt_after=interrupt_after,
            checkpoint_during=checkpoint_during, webhook=webhook, multitask_strategy=multitask_strategy,
            enabled=enabled, stream_mode=stream_mode, stream_subgraphs=stream_subgraphs,
            stream_resumable=stream_resumable, durability=durability,
        )
        return self._post(path("threads", thread_id, "runs", "crons"), Cron, body=body,
                          options=self._options(headers, params, timeout, max_retries))

    def create(
        self,
        assistant_id: str,
        *,
        schedule: str,
        input: Input | None = None,
        metadata: Mapping[str, Any] | None = None,
        config: Config | None = None,
        context: Context | None = None,
        checkpoint_during: bool | None = None,
        interrupt_before: All | list[str] | None = None,
        interrupt_after: All | list[str] | None = None,
        webhook: str | None = None,
        on_run_completed: OnCompletionBehavior | None = None,
        multitask_strategy: str | None = None,
        end_time: datetime | None = None,
        enabled: bool | None = None,
        timezone: str | tzinfo | None = None,
        stream_mode: StreamMode | Sequence[StreamMode] | None = None,
        stream_subgraphs: bool | None = None,
        stream_resumable: bool | None = None,
        durability: Durability | None = None,
        headers: Mapping[str, str] | None = None,
        params: QueryParamTypes | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Cron:
        """Schedule stateless runs of ``assistant_id``: each run gets a new thread.

        The other parameters are as for ``create_for_thread``.

        Args:
            on_run_completed: ``"delete"`` (the server's default) or ``"keep"`` each run's
                thread when the run ends.

        Returns:
            The new ``Cron``; its ``thread_id`` is ``None``.

        Raises:
            NotFoundError: no such assistant.
            UnprocessableEntityError: an invalid schedule.

        Examples:
            >>> cron = client.crons.create("agent", schedule="*/30 * * * *", input=data, metadata={"team": "ops"})
            >>> cron.thread_id, cron.schedule, cron.metadata
            (None, '*/30 * * * *', {'team': 'ops'})
            >>> client.crons.delete(cron.cron_id)
        """
        body = run_payload(
            assistant_id, schedule=schedule, end_time=end_time.isoformat() if end_time else None,
            timezone=_timezone_name(timezone), input=input, config=config, metadata=metadata,
            context=context, interrupt_before=interrupt_before, interrupt_after=interrupt_after, webhook=webhook,
            checkpoint_during=checkpoint_during, on_run_completed=on_run_completed,
            multitask_strategy=multitask_strategy, enabled=enabled, stream_mode=stream_mode,
            stream_subgraphs=stream_subgraphs, stream_resumable=stream_resumable, durability=durability,
        )
        return self._post("/runs/crons", Cron, body=body, options=self._options(headers, params, timeout, max_retries))

    def delete(
        self,
        cron_id: str,
        *,
        headers: Mapping[str, str] | None = None,
        params: QueryParamTypes | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> None:
        """Delete a cron; runs it already started are not affected.

        Raises:
            NotFoundError: no such cron.
        """
        self._delete(path("runs", "crons", cron_id), options=self._options(headers, params, timeout, max_retries))

    def update(
        self,
        cron_id: str,
        *,
        schedule: str | None = None,
        end_time: datetime | NotGiven | None = NOT_GIVEN,
        input: Input | None = None,
        metadata: Mapping[str, Any] | None = None,
        config: Config | None = None,
        context: Context | None = None,
        webhook: str | None = None,
        interrupt_before: All | list[str] | None = None,
        interrupt_after: All | list[str] | None = None,
        on_run_completed: OnCompletionBehavior | None = None,
        enabled: bool | None = None,
        timezone: str | tzinfo | None = None,
        stream_mode: StreamMode | Sequence[StreamMode] | None = None,
        stream_subgraphs: bool | None = None,
        stream_resumable: bool | None = None,
        durability: Durability | None = None,
        headers: Mapping[str, str] | None = None,
        params: QueryParamTypes | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Cron:
        """Change a cron; parameters left as ``None`` keep their value.

        The other parameters are as for ``create``.

        Args:
            end_time: a new end, or ``None`` to remove the end; not passed, it is kept.
            metadata: merged into the cron's metadata.

        Returns:
            The updated ``Cron``.

        Raises:
            NotFoundError: no such cron.

        Examples:
            >>> cron = client.crons.create("agent", schedule="0 9 * * *", enabled=False)
            >>> updated = client.crons.update(cron.cron_id, schedule="0 10 * * *", enabled=True)
            >>> updated.schedule, updated.enabled
            ('0 10 * * *', True)
            >>> client.crons.delete(cron.cron_id)
        """
        body = drop_none({
            "schedule": schedule,
            "input": input,
            "metadata": metadata,
            "config": config,
            "context": context,
            "webhook": webhook,
            "interrupt_before": interrupt_before,
            "interrupt_after": interrupt_after,
            "on_run_completed": on_run_completed,
            "enabled": enabled,
            "timezone": _timezone_name(timezone),
            "stream_mode": stream_mode,
            "stream_subgraphs": stream_subgraphs,
            "stream_resumable": stream_resumable,
            "durability": durability,
        })
        if not isinstance(end_time, NotGiven):  # an explicit None clears the end time
            body["end_time"] = end_time.isoformat() if end_time is not None else None
        return self._patch(path("runs", "crons", cron_id), Cron, body=body,
                           options=self._options(headers, params, timeout, max_retries))

    def search(
        self,
        *,
        assistant_id: str | None = None,
        thread_id: str | None = None,
        enabled: bool | None = None,
        metadata: Json = None,
        limit: int = 10,
        offset: int = 0,
        sort_by: CronSortBy | None = None,
        sort_order: SortOrder | None = None,
        select: list[CronSelectField] | None = None,
        headers: Mapping[str, str] | None = None,
        params: QueryParamTypes | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> list[Cron]:
        """List crons matching every filter given, one page at a time (see ``iter_search``).

        Args:
            assistant_id: only this assistant's crons.
            thread_id: only this thread's crons.
            enabled: only enabled (``True``) or disabled (``False``) crons.
            metadata: metadata key-value pairs the cron must have.
            limit: the most results to return.
            offset: how many results to skip first.
            sort_by: the field to sort by, e.g. ``"next_run_date"``.
            sort_order: ``"asc"`` or ``"desc"``.
            select: only these fields of each cron; a field not selected is absent from the
                mapping and ``None`` as an attribute.

        Returns:
            The matching crons.

        Examples:
            >>> thread = client.threads.create()
            >>> cron = client.crons.create_for_thread(thread.thread_id, "agent", schedule="0 0 * * *")
            >>> [found.cron_id == cron.cron_id for found in client.crons.search(thread_id=thread.thread_id)]
            [True]
            >>> client.crons.delete(cron.cron_id)
        """
        body = drop_none({
            "assistant_id": assistant_id,
            "thread_id": thread_id,
            "enabled": enabled,
            "limit": limit,
            "offset": offset,
            "metadata": metadata or None,
            "sort_by": sort_by or None,
            "sort_order": sort_order or None,
            "select": select or None,
        })
        options = self._options(headers, params, timeout, max_retries)
        if select:
            found = self._post("/runs/crons/search", object, body=body, retry=Retry.SAFE, options=options)
            return parse_selected(Cron, found, method="POST", url="/runs/crons/search")
        return self._post("/runs/crons/search", [Cron], body=body, retry=Retry.SAFE, options=options)

    def iter_search(
        self,
        *,
        assistant_id: str | None = None,
        thread_id: str | None = None,
        enabled: bool | None = None,
        metadata: Json = None,
        page_size: int = 100,
        offset: int = 0,
        sort_by: CronSortBy | None = None,
        sort_order: SortOrder | None = None,
        select: list[CronSelectField] | None = None,
        headers: Mapping[str, str] | None = None,
        params: QueryParamTypes | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Iterator[Cron]:
        """Every cron ``search`` finds, fetching ``page_size`` at a time (not in the official SDK).

        Pages are requested as the iteration reaches them, from ``offset`` on, until a page
        comes back shorter than ``page_size``; crons created or deleted meanwhile can shift the
        pages, as for ``threads.iter_search``.

        Examples:
            >>> crons = [client.crons.create("agent", schedule="0 3 * * *", metadata={"job": "nightly-42"},
            ...                              enabled=False) for _ in range(3)]
            >>> len(list(client.crons.iter_search(metadata={"job": "nightly-42"}, page_size=2)))
            3
        """
        return paginate(
            lambda limit, offset: self.search(
                assistant_id=assistant_id, thread_id=thread_id, enabled=enabled, metadata=metadata, limit=limit,
                offset=offset, sort_by=sort_by, sort_order=sort_order, select=select, headers=headers, params=params,
                timeout=timeout, max_retries=max_retries,
            ),
            page_size=page_size, offset=offset,
        )

    def count(
        self,
        *,
        assistant_id: str | None = None,
        thread_id: str | None = None,
        metadata: Json = None,
        headers: Mapping[str, str] | None = None,
        params: QueryParamTypes | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> int:
        """Count the crons matching every filter given (as in ``search``).

        Examples:
            >>> _ = client.crons.create("agent", schedule="0 4 * * *", metadata={"job": "count-me"}, enabled=False)
            >>> client.crons.count(metadata={"job": "count-me"})
            1
        """
        body = drop_none({"assistant_id": assistant_id or None, "thread_id": thread_id or None,
                          "metadata": metadata or None})
        return self._post("/runs/crons/count", int, body=body, retry=Retry.SAFE,
                          options=self._options(headers, params, timeout, max_retries))
