"""Named types used in the client's signatures, under the official SDK's names
(``langgraph_sdk.schema``), so annotations port with the import change.

    >>> from stateless_client.types import StreamMode
    >>> def modes() -> list[StreamMode]:
    ...     return ["updates", "messages-tuple"]
"""

from __future__ import annotations

from typing import Any, Dict, List, Literal, Mapping, Optional, Sequence, Tuple, TypedDict, Union

from ._models import Assistant, GraphSchema, SearchItem

__all__ = [
    "All",
    "AssistantSelectField",
    "AssistantSortBy",
    "AssistantsSearchResponse",
    "BulkCancelRunsStatus",
    "CancelAction",
    "Checkpoint",
    "Command",
    "Config",
    "Context",
    "CronSelectField",
    "CronSortBy",
    "DisconnectMode",
    "Durability",
    "IfNotExists",
    "Input",
    "Json",
    "LangSmithTracing",
    "ListNamespaceResponse",
    "MultitaskStrategy",
    "OnCompletionBehavior",
    "OnConflictBehavior",
    "PrimitiveData",
    "PruneStrategy",
    "QueryParamTypes",
    "RunCreate",
    "RunCreateMetadata",
    "RunSelectField",
    "RunStatus",
    "SearchItemsResponse",
    "Send",
    "SortOrder",
    "StreamMode",
    "StreamVersion",
    "Subgraphs",
    "ThreadSelectField",
    "ThreadSortBy",
    "ThreadStateSelectField",
    "ThreadStatus",
    "ThreadStreamMode",
]

#: A JSON object, or ``None``.
Json = Union[Dict[str, Any], None]
#: A graph's input: usually a dict of its state's keys.
Input = Any
#: The run-scoped context a graph declares (``context_schema``).
Context = Dict[str, Any]

#: What a stream carries; see the LangGraph docs on stream modes.
StreamMode = Literal[
    "values", "messages", "updates", "events", "tasks", "checkpoints", "debug", "custom", "messages-tuple"
]
#: What a thread's own stream carries (``threads.join_stream``).
ThreadStreamMode = Literal["run_modes", "lifecycle", "state_update"]
#: The shape of stream parts: ``"v1"`` ``StreamPart`` tuples, ``"v2"`` dicts.
StreamVersion = Literal["v1", "v2"]
#: What happens to a run when its streaming connection closes.
DisconnectMode = Literal["cancel", "continue"]
#: What a new run does when its thread is busy.
MultitaskStrategy = Literal["reject", "interrupt", "rollback", "enqueue"]
#: ``threads.create`` when the ``thread_id`` exists.
OnConflictBehavior = Literal["raise", "do_nothing"]
#: What happens to a stateless run's temporary thread when the run ends.
OnCompletionBehavior = Literal["delete", "keep"]
#: When checkpoints are written.
Durability = Literal["sync", "async", "exit"]
#: ``"*"``: every node (``interrupt_before``/``interrupt_after``).
All = Literal["*"]
#: A run on a thread that does not exist yet.
IfNotExists = Literal["create", "reject"]
#: How ``threads.prune`` thins threads out.
PruneStrategy = Literal["delete", "keep_latest"]
#: What cancelling a run does to its thread.
CancelAction = Literal["interrupt", "rollback"]
#: Which runs ``runs.cancel_many`` cancels by status.
BulkCancelRunsStatus = Literal["pending", "running", "all"]
#: A run's status.
RunStatus = Literal["pending", "running", "error", "success", "timeout", "interrupted"]
#: A thread's status.
ThreadStatus = Literal["idle", "busy", "interrupted", "error"]
#: Sort field of ``threads.search``.
ThreadSortBy = Literal["thread_id", "status", "created_at", "updated_at", "state_updated_at"]
#: Sort order of searches.
SortOrder = Literal["asc", "desc"]
#: Fields ``threads.search`` can select.
ThreadSelectField = Literal[
    "thread_id", "created_at", "updated_at", "metadata", "config", "context", "status", "values", "interrupts"
]
#: Fields ``crons.search`` can select.
CronSelectField = Literal[
    "cron_id", "assistant_id", "thread_id", "end_time", "schedule", "timezone", "created_at", "updated_at",
    "user_id", "payload", "next_run_date", "metadata", "now", "on_run_completed", "enabled",
]
#: Sort field of ``crons.search``.
CronSortBy = Literal["cron_id", "assistant_id", "thread_id", "created_at", "updated_at", "next_run_date", "end_time"]
#: Fields of a thread state that can be selected (also ``"values.<key>"``).
ThreadStateSelectField = str
#: Fields ``runs.list`` can select.
RunSelectField = Literal[
    "run_id", "thread_id", "assistant_id", "created_at", "updated_at", "status", "metadata", "kwargs",
    "multitask_strategy", "cancel_reason",
]

#: A query parameter's value.
PrimitiveData = Union[str, int, float, bool, None]
#: Extra query parameters (``params=``): a mapping, a list of pairs, or an encoded string.
QueryParamTypes = Union[
    Mapping[str, Union[PrimitiveData, Sequence[PrimitiveData]]],
    List[Tuple[str, PrimitiveData]],
    Tuple[Tuple[str, PrimitiveData], ...],
    str,
    bytes,
]


class LangSmithTracing(TypedDict, total=False):
    """Where LangSmith traces a run (sent as the API's ``langsmith_tracer``)."""

    project_name: str
    example_id: str


class Config(TypedDict, total=False):
    """A run's config."""

    tags: List[str]
    recursion_limit: int
    configurable: Dict[str, Any]


class Checkpoint(TypedDict, total=False):
    """A checkpoint of a thread."""

    thread_id: str
    checkpoint_ns: str
    checkpoint_id: Union[str, None]
    checkpoint_map: Union[Dict[str, Any], None]


class Send(TypedDict):
    """A message to one node (inside a ``Command``'s ``goto``)."""

    node: str
    input: Union[Dict[str, Any], None]


class Command(TypedDict, total=False):
    """Steers a run: ``resume`` after an interrupt, ``update`` the state, ``goto`` a node."""

    goto: Union[Send, str, Sequence[Union[Send, str]]]
    update: Union[Dict[str, Any], Sequence[Tuple[str, Any]]]
    resume: Any


class RunCreateMetadata(TypedDict):
    """What ``on_run_created`` receives as soon as the server has accepted a run."""

    run_id: str
    thread_id: Union[str, None]


class RunCreate(TypedDict, total=False):
    """One run of ``runs.create_batch``."""

    thread_id: Union[str, None]
    assistant_id: str
    input: Union[Dict[str, Any], None]
    metadata: Union[Dict[str, Any], None]
    config: Union[Config, None]
    context: Union[Context, None]
    checkpoint_id: Union[str, None]
    interrupt_before: Union[List[str], None]
    interrupt_after: Union[List[str], None]
    webhook: Union[str, None]
    multitask_strategy: Union[MultitaskStrategy, None]


# -- assistants and store --

#: Sort field of ``assistants.search``.
AssistantSortBy = Literal["assistant_id", "graph_id", "name", "created_at", "updated_at"]
#: Fields ``assistants.search`` can select.
AssistantSelectField = Literal[
    "assistant_id", "graph_id", "name", "description", "config", "context", "created_at", "updated_at",
    "metadata", "version",
]
#: What ``assistants.get_subgraphs`` returns: each subgraph's namespace to its schemas.
Subgraphs = Dict[str, GraphSchema]


class AssistantsSearchResponse(TypedDict):
    """``assistants.search(..., response_format="object")``: a page and the next page's cursor."""

    assistants: List[Assistant]
    #: The offset of the next page (the ``X-Pagination-Next`` header), ``None`` after the last.
    next: Optional[str]


class SearchItemsResponse(TypedDict):
    """What ``store.search_items`` returns."""

    items: List[SearchItem]


class ListNamespaceResponse(TypedDict):
    """What ``store.list_namespaces`` returns: each namespace as a list of its labels."""

    namespaces: List[List[str]]
