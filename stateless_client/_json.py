"""JSON encoding and decoding: ``orjson`` when installed (extra ``orjson``), else the standard library."""

from __future__ import annotations

import json
from typing import Any, Callable

__all__ = ["loads", "dumps", "BACKEND", "JSONDecodeError"]


def _default(value: Any) -> Any:
    """Encode what JSON lacks: pydantic models (LangChain messages among them), sets, datetimes."""
    model_dump = getattr(value, "model_dump", None)
    if callable(model_dump):
        return model_dump()
    if isinstance(value, (set, frozenset)):
        return list(value)
    isoformat = getattr(value, "isoformat", None)
    if callable(isoformat):
        return isoformat()
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


JSONDecodeError: tuple[type[Exception], ...]

try:
    import orjson
except ImportError:  # the standard library is the always-available fallback
    loads: Callable[[str | bytes], Any] = json.loads
    _encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=_default).encode

    def dumps(value: Any) -> bytes:
        """Serialize ``value`` to compact UTF-8 JSON bytes."""
        return _encode(value).encode("utf-8")

    BACKEND = "json"
    JSONDecodeError = (ValueError,)
else:
    loads = orjson.loads

    def dumps(value: Any) -> bytes:
        """Serialize ``value`` to compact UTF-8 JSON bytes."""
        return orjson.dumps(value, default=_default, option=orjson.OPT_NON_STR_KEYS)

    BACKEND = "orjson"
    JSONDecodeError = (ValueError,)  # orjson.JSONDecodeError subclasses ValueError
