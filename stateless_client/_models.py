"""Data models: what the API returns, as frozen dataclasses.

``Run`` and ``Thread`` are built with ``dataclasses-json`` and ignore fields they do not know,
so a newer server never breaks an older client. ``StreamPart`` is built once per streamed
event, so it is a plain slotted dataclass and never goes through ``dataclasses-json``.
"""

# No ``from __future__ import annotations`` here: dataclasses-json resolves the field types
# with ``typing.get_type_hints`` on every decode, and string annotations would be compiled
# each time (0.8 ms per Run).
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any, Mapping, Optional, TypeVar

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


class _Model(DataClassJsonMixin):
    """Shared ``dataclasses-json`` behaviour: unknown fields are dropped, not errors.

    ``from_api`` gives what ``from_dict(payload, infer_missing=True)`` gives (a test pins
    this), from the same field declarations and ``dataclasses-json`` decoders, without its
    per-call type introspection, which cost half a millisecond per object.
    """

    dataclass_json_config = _IGNORE_UNKNOWN

    @classmethod
    def from_api(cls: "type[_M]", payload: Mapping[str, Any]) -> "_M":
        """Build the model from a JSON object the server sent."""
        plan = _DECODE_PLANS.get(cls)
        if plan is None:
            plan = _DECODE_PLANS[cls] = {
                f.name: f.metadata.get("dataclasses_json", {}).get("decoder")
                for f in fields(cls)  # type: ignore[arg-type]  # every subclass is a dataclass
            }
        kwargs = {}
        for name, decoder in plan.items():
            if name in payload:
                value = payload[name]
                kwargs[name] = decoder(value) if decoder is not None else value
        return cls(**kwargs)


_DECODE_PLANS: "dict[type, dict[str, Any]]" = {}


def parse_model(cls: "type[_M]", payload: Any, *, method: str, url: str) -> "_M":
    """``cls.from_api(payload)``, or ``InvalidResponseError`` naming what the server sent."""
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


@dataclass(frozen=True)
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


@dataclass(frozen=True)
class Thread(_Model):
    """A thread, as ``threads.create`` and ``threads.get`` return it."""

    thread_id: str
    status: str = "idle"
    created_at: Optional[datetime] = field(default=None, metadata=_TIMESTAMP)
    updated_at: Optional[datetime] = field(default=None, metadata=_TIMESTAMP)
    metadata: dict[str, Any] = field(default_factory=dict)
    values: Any = None
    interrupts: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class StreamPart:
    """One event of a run's stream.

    Attributes:
        event: the SSE event name, e.g. ``"updates"``, ``"metadata"`` or, from a subgraph,
            ``"updates|child:abc"``.
        data: the event's decoded JSON data.
        id: the SSE event ID, when the server sent one (resumable streams do).

    Example:
        >>> part = StreamPart("updates|child:abc|grand:def", {"node": {}})
        >>> part.mode, part.namespace
        ('updates', ('child:abc', 'grand:def'))
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
