"""Data models: what the API returns, as frozen dataclasses that also read as the JSON.

``Run``, ``Thread``, ... are built with ``dataclasses-json``: typed attributes for new code, and
a read-only mapping of the server's JSON for code written against the official SDK's dicts.
Fields they do not know are kept (in the mapping and ``to_dict()``), so a newer server loses
nothing; fields the server left out are absent from the mapping and ``None`` as attributes,
so a partial answer never fails a call, as it never does with the SDK. ``StreamPart`` is built
once per streamed event, so it is a ``NamedTuple``, like the SDK's, and never goes through
``dataclasses-json``.
"""

# No ``from __future__ import annotations`` here: dataclasses-json resolves the field types
# with ``typing.get_type_hints`` on every decode, and string annotations would be compiled
# each time (0.8 ms per Run).
from dataclasses import MISSING, dataclass, field, fields
from datetime import datetime
from typing import Any, Iterator, Mapping, NamedTuple, Optional, TypeVar

from dataclasses_json import DataClassJsonMixin, Undefined, config

from ._exceptions import InvalidResponseError

__all__ = ["Run", "Thread", "StreamPart", "parse_model"]

_M = TypeVar("_M", bound="_Model")
_IGNORE_UNKNOWN = config(undefined=Undefined.EXCLUDE)["dataclasses_json"]


def _timestamp(value: Any) -> Optional[datetime]:
    """Parse the server's ISO 8601 timestamps (``...+00:00`` or ``...Z``)."""
    if value is None or isinstance(value, datetime):
        return value
    text = str(value)
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    return datetime.fromisoformat(text)


_TIMESTAMP = config(decoder=_timestamp, encoder=lambda v: v.isoformat() if v else None)


class _Model(DataClassJsonMixin, Mapping[str, Any]):
    """A frozen dataclass of what the server sent that also reads as that JSON object.

    Attributes are typed (timestamps are ``datetime``); subscripting gives the JSON value
    exactly as the server sent it (timestamps as strings), as the official SDK's dicts do:
    ``thread["thread_id"]``, ``thread.get("metadata")``, ``"values" in state``,
    ``dict(thread)``, ``==`` against the equal dict. ``to_dict()`` returns every field the
    server sent, unknown ones included, so nothing from a newer server is lost. ``repr`` is
    that JSON object's, as the SDK's dicts print.

    ``from_api`` gives what ``from_dict(payload, infer_missing=True)`` gives (a test pins
    this), from the same field declarations and ``dataclasses-json`` decoders, without its
    per-call type introspection, which cost half a millisecond per object.
    """

    dataclass_json_config = _IGNORE_UNKNOWN
    # repr=False on every subclass's @dataclass keeps the __repr__ below.
    __hash__ = None  # type: ignore[assignment]  # equal to a dict, so unhashable like one

    @classmethod
    def from_api(cls: "type[_M]", payload: Mapping[str, Any]) -> "_M":
        """Build the model from a JSON object the server sent.

        A field the object lacks is absent from the mapping and reads as ``None`` (or its
        default) as an attribute, as the official SDK returns whatever the server sent.
        """
        plan = _DECODE_PLANS.get(cls)
        if plan is None:
            plan = _DECODE_PLANS[cls] = {
                f.name: (f.metadata.get("dataclasses_json", {}).get("decoder"),
                         f.default is MISSING and f.default_factory is MISSING)
                for f in fields(cls)  # type: ignore[arg-type]  # every subclass is a dataclass
            }
        kwargs = {}
        for name, (decoder, required) in plan.items():
            if name in payload:
                value = payload[name]
                kwargs[name] = decoder(value) if decoder is not None else value
            elif required:
                kwargs[name] = None
        model = cls(**kwargs)
        object.__setattr__(model, "_raw", dict(payload))
        return model

    @classmethod
    def from_dict(cls: "type[_M]", kvs: Any, *, infer_missing: bool = False) -> "_M":
        """``dataclasses-json``'s ``from_dict``, keeping every field of ``kvs`` for ``to_dict``."""
        model = super().from_dict(kvs, infer_missing=infer_missing)
        if isinstance(kvs, Mapping):
            object.__setattr__(model, "_raw", dict(kvs))
        return model

    def to_dict(self, encode_json: bool = False) -> "dict[str, Any]":
        """The JSON object the server sent (a copy), unknown fields included."""
        return dict(self._json())

    def _json(self) -> "dict[str, Any]":
        raw: dict[str, Any] | None = self.__dict__.get("_raw")
        if raw is None:  # built in code, not from JSON: the fields, JSON-encoded
            raw = super().to_dict(encode_json=True)
            object.__setattr__(self, "_raw", raw)
        return raw

    def __repr__(self) -> str:
        # As the official SDK's dicts print, so ported code prints what its docs show.
        return repr(self._json())

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        # IPython and Jupyter show the JSON object as they show the SDK's dicts: one key per
        # line when it is long, rather than ``repr``'s single line. (No ``_repr_html_``: the
        # dict's text is what users copy and compare, and what the SDK's dicts show.)
        printer.pretty(self._json())

    def __getitem__(self, key: str) -> Any:
        return self._json()[key]

    def __iter__(self) -> "Iterator[str]":
        return iter(self._json())

    def __len__(self) -> int:
        return len(self._json())

    def __contains__(self, key: object) -> bool:
        return key in self._json()

    def __eq__(self, other: object) -> bool:
        if isinstance(other, _Model):
            return type(self) is type(other) and self._json() == other._json()
        if isinstance(other, Mapping):
            return self._json() == dict(other)
        return NotImplemented


# Per model: each field's decoder, and whether it has no default (so a missing one is None).
_DECODE_PLANS: "dict[type, dict[str, tuple[Any, bool]]]" = {}


def parse_model(cls: "type[_M]", payload: Any, *, method: str, url: str) -> "_M":
    """``cls.from_api(payload)``, or ``InvalidResponseError`` naming what the server sent:
    a body that is not a JSON object, or a value its field cannot decode (a timestamp that
    is not one). A missing field is never an error."""
    try:
        if not isinstance(payload, Mapping):
            raise TypeError(f"expected a JSON object, got {type(payload).__name__}")
        return cls.from_api(payload)
    except (TypeError, ValueError) as exc:
        quoted = repr(payload)[:200]
        raise InvalidResponseError(
            f"{method} {url}: the server's answer is not a valid {cls.__name__} ({exc}): {quoted}",
            method=method, url=url, snippet=quoted,
        ) from None


@dataclass(frozen=True, eq=False, repr=False)
class Run(_Model):
    """A run, as ``runs.create``, ``runs.get`` and ``runs.create_batch`` return it.

    A stateless background run reports the temporary ``thread_id`` it runs in; pass it to
    ``runs.get``/``runs.join``/``runs.join_stream``/``runs.cancel`` while the run lasts.
    """

    run_id: str
    thread_id: str
    assistant_id: str
    status: str
    created_at: Optional[datetime] = field(default=None, metadata=_TIMESTAMP)
    updated_at: Optional[datetime] = field(default=None, metadata=_TIMESTAMP)
    metadata: dict[str, Any] = field(default_factory=dict)
    multitask_strategy: Optional[str] = None
    kwargs: dict[str, Any] = field(default_factory=dict)
    langsmith_session_name: Optional[str] = None


@dataclass(frozen=True, eq=False, repr=False)
class Thread(_Model):
    """A thread, as ``threads.create`` and ``threads.get`` return it."""

    thread_id: str
    status: str = "idle"
    created_at: Optional[datetime] = field(default=None, metadata=_TIMESTAMP)
    updated_at: Optional[datetime] = field(default=None, metadata=_TIMESTAMP)
    state_updated_at: Optional[datetime] = field(default=None, metadata=_TIMESTAMP)
    metadata: dict[str, Any] = field(default_factory=dict)
    config: dict[str, Any] = field(default_factory=dict)
    values: Any = None
    interrupts: dict[str, Any] = field(default_factory=dict)
    ttl: Optional[dict[str, Any]] = None
    extracted: Optional[dict[str, Any]] = None


class StreamPart(NamedTuple):
    """One event of a run's stream: a named tuple ``(event, data, id)``, as in the official SDK.

    Attributes:
        event: the SSE event name, e.g. ``"updates"``, ``"metadata"`` or, from a subgraph,
            ``"updates|child:abc"``.
        data: the event's decoded JSON data.
        id: the SSE event ID, when the server sent one (resumable streams do).

    Examples:
        >>> part = StreamPart("updates|child:abc|grand:def", {"node": {}})
        >>> part.mode, part.namespace
        ('updates', ('child:abc', 'grand:def'))
        >>> event, data, id = part
    """

    event: str
    data: Any
    id: Optional[str] = None

    @property
    def mode(self) -> str:
        """The stream mode: ``event`` up to the first ``|``."""
        return self.event.partition("|")[0]

    @property
    def namespace(self) -> "tuple[str, ...]":
        """The subgraph path after the mode; ``()`` for the top-level graph."""
        return tuple(self.event.split("|")[1:])


# -- assistants and store --


@dataclass(frozen=True, eq=False, repr=False)
class Assistant(_Model):
    """An assistant (a graph with its own config, context and metadata), as ``assistants.get``,
    ``create``, ``update``, ``set_latest`` and ``search`` return it.

    ``version`` is the version now in effect: ``update`` makes a new one, ``set_latest`` picks
    an older one.
    """

    assistant_id: str
    graph_id: str
    config: dict[str, Any]
    created_at: datetime = field(metadata=_TIMESTAMP)
    updated_at: datetime = field(metadata=_TIMESTAMP)
    metadata: dict[str, Any]
    context: dict[str, Any] = field(default_factory=dict)
    version: Optional[int] = None
    name: Optional[str] = None
    description: Optional[str] = None


@dataclass(frozen=True, eq=False, repr=False)
class AssistantVersion(_Model):
    """One version of an assistant, as ``assistants.get_versions`` lists them (newest first).

    ``created_at`` is when this version was made; a version has no ``updated_at``.
    """

    assistant_id: str
    graph_id: str
    version: int
    config: dict[str, Any]
    created_at: datetime = field(metadata=_TIMESTAMP)
    metadata: dict[str, Any] = field(default_factory=dict)
    context: dict[str, Any] = field(default_factory=dict)
    name: Optional[str] = None
    description: Optional[str] = None


@dataclass(frozen=True, eq=False, repr=False)
class GraphSchema(_Model):
    """The JSON schemas of a graph, as ``assistants.get_schemas`` returns it, and each value of
    the mapping ``assistants.get_subgraphs`` returns.

    A schema the server could not generate is ``None``. ``graph_id`` is set by
    ``get_schemas``; a subgraph's schemas carry none (``None``).
    """

    state_schema: Optional[dict[str, Any]]
    graph_id: Optional[str] = None
    input_schema: Optional[dict[str, Any]] = None
    output_schema: Optional[dict[str, Any]] = None
    config_schema: Optional[dict[str, Any]] = None
    context_schema: Optional[dict[str, Any]] = None


@dataclass(frozen=True, eq=False, repr=False)
class Item(_Model):
    """A document in the store, as ``store.get_item`` returns it."""

    namespace: list[str]
    key: str
    value: dict[str, Any]
    created_at: datetime = field(metadata=_TIMESTAMP)
    updated_at: datetime = field(metadata=_TIMESTAMP)


@dataclass(frozen=True, eq=False, repr=False)
class SearchItem(Item):
    """A document found by ``store.search_items``: an ``Item`` with a relevance ``score``
    (``None`` unless the store has a search index and the search had a ``query``)."""

    score: Optional[float] = None


# -- thread state and crons --
# Checkpoints and interrupts stay plain dicts, as the official SDK's ``Checkpoint`` and
# ``Interrupt`` TypedDicts are: they are small, have no timestamps to decode, and are mostly
# passed back to the server as they came (``get_state(checkpoint=state.checkpoint)``).

__all__ += ["ThreadState", "ThreadTask", "ThreadUpdateStateResponse", "Cron", "parse_selected"]


def _thread_tasks(value: Any) -> "list[ThreadTask]":
    return [ThreadTask.from_api(task) for task in value] if value else []


def _thread_state(value: Any) -> "Optional[ThreadState]":
    return ThreadState.from_api(value) if isinstance(value, Mapping) else None


@dataclass(frozen=True, eq=False, repr=False)
class ThreadState(_Model):
    """A thread's state at one checkpoint, as ``threads.get_state`` and ``get_history`` return it.

    ``values`` is the graph's state (usually a dict), ``next`` the nodes that run next (empty
    when the thread is done until new input arrives), ``tasks`` what those nodes are doing
    (with their ``interrupts``). ``checkpoint`` and ``parent_checkpoint`` are dicts
    (``thread_id``, ``checkpoint_ns``, ``checkpoint_id``), ready to pass back as ``checkpoint=``
    or ``before=``. As a mapping, ``state["values"]`` is the state; the attribute
    ``state.values`` is too (it shadows the mapping method: ``dict(state).values()``).
    """

    values: Any = field()  # ``field()``: else the inherited ``Mapping.values`` reads as a default
    next: list[str]
    checkpoint: dict[str, Any]
    metadata: Optional[dict[str, Any]]
    created_at: Optional[datetime] = field(metadata=_TIMESTAMP)
    parent_checkpoint: Optional[dict[str, Any]] = None
    tasks: "list[ThreadTask]" = field(default_factory=list, metadata=config(decoder=_thread_tasks))
    interrupts: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True, eq=False, repr=False)
class ThreadTask(_Model):
    """A task of a ``ThreadState``: a node about to run, or that ran, failed or was interrupted."""

    id: str
    name: str
    error: Optional[str] = None
    interrupts: list[dict[str, Any]] = field(default_factory=list)
    checkpoint: Optional[dict[str, Any]] = None
    state: Optional[ThreadState] = field(default=None, metadata=config(decoder=_thread_state))
    result: Optional[dict[str, Any]] = None


@dataclass(frozen=True, eq=False, repr=False)
class ThreadUpdateStateResponse(_Model):
    """What ``threads.update_state`` returns: the ``checkpoint`` the update wrote."""

    checkpoint: dict[str, Any]


@dataclass(frozen=True, eq=False, repr=False)
class Cron(_Model):
    """A scheduled run, as ``crons.create``, ``create_for_thread``, ``update`` and ``search`` return it.

    ``thread_id`` is ``None`` for a stateless cron (each run gets a new thread); ``payload`` is
    the run the schedule starts; ``next_run_date`` is when it next fires.
    """

    cron_id: str
    thread_id: Optional[str]
    end_time: Optional[datetime] = field(metadata=_TIMESTAMP)
    schedule: str
    created_at: Optional[datetime] = field(metadata=_TIMESTAMP)
    updated_at: Optional[datetime] = field(metadata=_TIMESTAMP)
    payload: dict[str, Any]
    enabled: bool = True
    assistant_id: Optional[str] = None
    user_id: Optional[str] = None
    next_run_date: Optional[datetime] = field(default=None, metadata=_TIMESTAMP)
    metadata: dict[str, Any] = field(default_factory=dict)
    timezone: Optional[str] = None
    on_run_completed: Optional[str] = None


def parse_selected(cls: "type[_M]", payload: Any, *, method: str, url: str) -> "list[_M]":
    """A list of ``cls`` from a search with ``select=``: objects with only the selected fields,
    which ``parse_model`` takes as any partial object."""
    if not isinstance(payload, list):
        raise InvalidResponseError(
            f"{method} {url}: expected a JSON list of {cls.__name__}, got {type(payload).__name__}",
            method=method, url=url, snippet=repr(payload)[:200],
        )
    return [parse_model(cls, item, method=method, url=url) for item in payload]
