"""JSON encoding and decoding: ``orjson`` when installed (extra ``orjson``), else the standard library.

Decoding follows orjson's rules with either backend and at every size (events of ``BIG_JSON``
characters or more are parsed by the standard library even with orjson installed, for memory):
NaN, Infinity, numbers beyond the doubles and lone surrogates (``"\\ud800"``) are refused with a
``ValueError``, as is nesting deeper than the parser goes. An integer beyond 64 bits is a float
with orjson installed (as orjson reads it), exact without. So an event is accepted or refused,
and decodes to the same value, whatever its size.

``encode_body`` encodes what a request sends and fails the same way with either backend:
NaN and Infinity, which JSON does not have (``orjson`` would write ``null``, the standard
library the invalid token ``NaN``), raise ``InvalidRequestError``; a value JSON cannot encode
raises ``NotSerializableError``. Both name where in the body the value is. ``dumps`` stays
lenient: it only renders data the server sent, e.g. for an error message.
"""

from __future__ import annotations

import dataclasses
import enum
import json
import json.encoder
import json.scanner
import math
import re
import uuid
from typing import TYPE_CHECKING, Any, Callable, Iterator

from ._exceptions import InvalidRequestError, NotSerializableError

if TYPE_CHECKING:
    from .sse import LongData

__all__ = ["loads", "loads_text", "loads_big", "dumps", "encode_body", "BACKEND", "JSONDecodeError", "BIG_JSON"]

#: Event data of this many characters or more is parsed with the standard library, even when
#: orjson is installed: orjson parses a copy of its input, so a 64 MiB event peaked at ~3x its
#: size with it against ~2x with ``json``, which parses a ``str`` in place (and is as fast on
#: the string-heavy documents big LangGraph events are).
BIG_JSON = 1024 * 1024


def _default(value: Any) -> Any:
    """Encode what JSON lacks: pydantic models (LangChain messages among them), sets, datetimes.

    Also what ``orjson`` writes by itself, so the standard library writes it too: dataclasses,
    enums, UUIDs; and a float subclass (``numpy.float64``), which ``orjson`` leaves to us.
    """
    model_dump = getattr(value, "model_dump", None)
    if callable(model_dump):
        return model_dump()
    if isinstance(value, (set, frozenset)):
        return list(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, uuid.UUID):
        return str(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {field.name: getattr(value, field.name) for field in dataclasses.fields(value)}
    isoformat = getattr(value, "isoformat", None)
    if callable(isoformat):
        return isoformat()
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


class _NonFinite(ValueError):
    """Internal: the strict ``orjson`` encoding found NaN or Infinity."""


# -- decoding by orjson's rules with the standard library ----------------------------------------

_I64_MIN, _U64_MAX = -(2**63), 2**64 - 1


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _finite(text: str) -> float:
    value = float(text)
    if math.isfinite(value):
        return value
    raise ValueError(f"the number {text[:40]} is beyond the range of a double")


# Small documents (with the standard library as the backend) are checked by hooks, which cost
# nothing without numbers; a big one is checked after parsing, by ``_by_orjson_rules``, which
# also converts integers beyond 64 bits and costs little per number in a list of numbers.
_strict = json.JSONDecoder(parse_float=_finite, parse_constant=_no_constant)
_lenient = json.JSONDecoder(parse_constant=_no_constant)
# What json.loads runs, without its two Python frames. (The stub wants a scanner as context;
# the runtime reads the decoder's hooks from any object, as JSONDecoder itself does.)
_scan_strict: Callable[[str, int], tuple[Any, int]] = json.scanner.make_scanner(_strict)  # type: ignore[arg-type]
_scan_lenient: Callable[[str, int], tuple[Any, int]] = json.scanner.make_scanner(_lenient)  # type: ignore[arg-type]
_SPACE = re.compile(r"[ \t\n\r]*")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _after_space(text: str, at: int) -> int:
    found = _SPACE.match(text, at)
    return found.end() if found else at


def _parse(text: str, scan: Callable[[str, int], tuple[Any, int]], decoder: json.JSONDecoder) -> Any:
    """The one JSON value ``text`` holds, or ``ValueError``."""
    try:
        try:
            value, end = scan(text, 0)
        except StopIteration:  # leading whitespace, or no value: the full path says which
            value, end = decoder.raw_decode(text, _after_space(text, 0))
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None
    if end != len(text):
        end = _after_space(text, end)
        if end != len(text):
            raise json.JSONDecodeError("Extra data", text, end)
    return value


def _loads_strict(text: str) -> Any:
    """Parse JSON text with the standard library, refusing what orjson refuses; integers
    stay exact (the standard-library backend's own choice, at every size)."""
    value = _parse(text, _scan_strict, _strict)
    if "\\u" in text and _SURROGATE_ESCAPE.search(text) is not None:
        _by_orjson_rules(value, convert_integers=False)  # an escaped pair is fine, a lone one is not
    return value


def loads_big(data: str | LongData) -> Any:
    """Parse a big event's data with the standard library, in about the memory of its text
    and its value; by the rules of every other parse here (see the module docstring).

    A ``LongData`` (the pieces a long line arrived in) is joined first, and its pieces are
    released before parsing; see ``_narrow_join`` for text beyond Latin-1.
    """
    if isinstance(data, str):
        text = data
    else:
        text = _narrow_join(data.pieces)
        data.pieces = [text]  # the pieces go now: only the text and the value it parses to remain
    value = _parse(text, _scan_lenient, _lenient)
    # A surrogate can only come from an escape: without one, the strings need no look.
    escapes = "\\" in text and _SURROGATE_ESCAPE.search(text) is not None
    return _by_orjson_rules(value, convert_integers=BACKEND == "orjson", strings=escapes)


def _by_orjson_rules(value: Any, *, convert_integers: bool, strings: bool = True) -> Any:
    """``value`` (a decoded document) as orjson would have parsed it, or ``ValueError``: no
    infinite float; with ``strings``, no lone surrogate in a string or key (an escaped pair
    decodes to one character, so any surrogate left was alone); with ``convert_integers``, an
    integer beyond 64 bits becomes a float, in place.
    """
    isfinite, surrogate = math.isfinite, _SURROGATE.search
    box = [value]
    stack: list[Any] = [box]
    push = stack.append
    while stack:
        node = stack.pop()
        if type(node) is dict:
            if strings:
                for key in node:
                    if not key.isascii() and surrogate(key):
                        raise ValueError("a lone surrogate (\\ud800-\\udfff) in a JSON object key")
            items: Any = node.values()
        else:
            if node and (type(node[0]) is float or type(node[0]) is int):
                try:  # a list of numbers, in C: its extremes finite (no NaN gets this far), within 64 bits
                    low, high = min(node), max(node)
                    if isfinite(low) and isfinite(high) and (
                        not convert_integers or (low >= _I64_MIN and high <= _U64_MAX)
                    ):
                        continue
                except (TypeError, OverflowError):
                    pass
            items = node
        for item in items:
            kind = type(item)
            if kind is str:
                if strings and not item.isascii() and surrogate(item):
                    raise ValueError("a lone surrogate (\\ud800-\\udfff) in a JSON string")
            elif kind is dict or kind is list:
                push(item)
            elif kind is float:
                if not isfinite(item):
                    raise ValueError(f"the number {item} is beyond the range of a double")
            elif kind is int and convert_integers and not _I64_MIN <= item <= _U64_MAX:
                _as_doubles(node)
                push(node)  # checked again, now without them
                break
    return box[0]


def _as_doubles(node: dict[Any, Any] | list[Any]) -> None:
    """Replace the integers beyond 64 bits among ``node``'s items by doubles, as orjson reads
    them."""
    keys = node.keys() if type(node) is dict else range(len(node))
    for key in list(keys):
        item = node[key]
        if type(item) is int and not _I64_MIN <= item <= _U64_MAX:
            try:
                node[key] = float(item)
            except OverflowError:
                raise ValueError("an integer beyond the range of a double") from None


_WIDE_RUN = re.compile("([^\x00-\xff]+)")
_escape_ascii = json.encoder.encode_basestring_ascii
#: Escape characters beyond Latin-1 only when they are at most this share of the text: each
#: run costs a few hundred nanoseconds, and a denser text is narrower decoded as it is.
_MAX_ESCAPED_SHARE = 1 / 64


def _narrow_join(pieces: list[str]) -> str:
    """The JSON text made of ``pieces``, in one byte per character when a few characters
    beyond Latin-1 are all that would make it wider.

    A ``str`` stores every character in the width of its widest one: a single emoji in 64 MiB
    of ASCII makes the joined text 256 MB. In valid JSON, characters beyond ASCII occur only
    inside strings, where a ``\\uXXXX`` escape (a pair of them beyond the BMP) stands for the
    same character, so escaping those few keeps the text narrow and the parsed value the same.
    A character right after an odd run of backslashes is left as it is: the text is not JSON
    there, and must fail as it would have.
    """
    total = wide = astral = 0
    widened = []
    for index, piece in enumerate(pieces):
        total += len(piece)
        if piece.isascii():
            continue
        beyond = len(piece) - len(piece.encode("latin-1", "ignore"))
        if beyond:
            widened.append(index)
            wide += beyond
            astral += len(piece.encode("utf-16-le", "surrogatepass")) // 2 - len(piece)
    width = 4 if astral else 2
    # An escape is 6 characters (12 for a pair) in place of 1.
    if not wide or wide > total * _MAX_ESCAPED_SHARE or total + 5 * wide + 6 * astral >= total * width:
        return "".join(pieces)
    for index in widened:
        parts = _WIDE_RUN.split(pieces[index])  # narrow, wide, narrow, ..., narrow
        for at in range(1, len(parts), 2):
            before = parts[at - 1]
            backslashes = len(before) - len(before.rstrip("\\"))
            if at == 1 and backslashes == len(before):
                backslashes += _trailing_backslashes(pieces, index)
            if backslashes % 2 == 0:
                parts[at] = _escape_ascii(parts[at])[1:-1]
        pieces[index] = "".join(parts)
    return "".join(pieces)


def _trailing_backslashes(pieces: list[str], end: int) -> int:
    """How many backslashes ``pieces[:end]`` ends with."""
    count = 0
    for piece in reversed(pieces[:end]):
        kept = piece.rstrip("\\")
        count += len(piece) - len(kept)
        if kept:
            break
    return count


# -- the backends ------------------------------------------------------------------------------

BACKEND: str
JSONDecodeError: tuple[type[Exception], ...]
_encode_strict: Callable[[Any], bytes]
#: Parse JSON text or UTF-8 bytes (by orjson's rules, see the module docstring).
loads: Callable[[str | bytes], Any]
#: Parse a ``str`` (the streams' hot path: one call, no type checks).
loads_text: Callable[[str], Any]

try:
    import orjson
except ImportError:  # the standard library is the always-available fallback
    loads_text = _loads_strict

    def _loads_any(data: str | bytes) -> Any:
        return _loads_strict(data if isinstance(data, str) else data.decode("utf-8"))

    loads = _loads_any

    _encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=_default).encode
    _encode_no_nan = json.JSONEncoder(
        ensure_ascii=False, separators=(",", ":"), default=_default, allow_nan=False
    ).encode

    def dumps(value: Any) -> bytes:
        """Serialize ``value`` to compact UTF-8 JSON bytes."""
        return _encode(value).encode("utf-8")

    def _encode_strict(value: Any) -> bytes:
        return _encode_no_nan(value).encode("utf-8")

    BACKEND = "json"
    JSONDecodeError = (ValueError,)
else:
    loads = loads_text = orjson.loads
    _OPTIONS = orjson.OPT_NON_STR_KEYS

    def dumps(value: Any) -> bytes:
        """Serialize ``value`` to compact UTF-8 JSON bytes."""
        return orjson.dumps(value, default=_default, option=_OPTIONS)

    def _encode_strict(value: Any) -> bytes:
        converted: list[Any] = []

        def default(obj: Any) -> Any:
            result = _default(obj)
            converted.append(result)
            return result

        # orjson writes NaN and Infinity as null, so the floats are checked after it, by a
        # walk in Python: the slow part for a big body. Dict keys are checked only if one is
        # not a str (a NaN key would become "null"): orjson without OPT_NON_STR_KEYS refuses
        # those, so one attempt without it says whether to look.
        keys = False
        try:
            out = orjson.dumps(value, default=default)
        except orjson.JSONEncodeError:
            converted.clear()
            out = orjson.dumps(value, default=default, option=_OPTIONS)
            keys = True
        if not (_all_finite(value, keys) and all(_all_finite(item, keys) for item in converted)):
            raise _NonFinite
        return out

    BACKEND = "orjson"
    JSONDecodeError = (ValueError,)  # orjson.JSONDecodeError subclasses ValueError


def encode_body(value: Any) -> bytes:
    """Serialize a request body to compact UTF-8 JSON bytes, or say what cannot be sent.

    Raises:
        InvalidRequestError: NaN or Infinity in the body, e.g. ``input['score'] is nan``.
        NotSerializableError: a value (or dict key) JSON cannot encode, named with its type,
            e.g. ``input['when'] is a Foo``; also a circular or too deeply nested body.
    """
    try:
        return _encode_strict(value)
    except (TypeError, ValueError, RecursionError) as exc:
        raise _explain(value, exc) from None


# -- saying what is wrong ------------------------------------------------------------------------

_MAX_DEPTH = 256  # deeper than either encoder goes


_LEAVES = frozenset({str, int, bool, type(None)})


def _all_finite(value: Any, keys: bool = False) -> bool:
    """Whether no float that ``orjson`` writes natively for ``value`` is NaN or infinite.

    Objects ``orjson`` hands to ``default`` are not entered (the caller checks what they were
    converted to). ``keys``: check dict keys too. Leaves are checked in the loop over their
    container, so only containers go through the stack: this runs on big bodies.
    """
    isfinite, leaves = math.isfinite, _LEAVES
    stack = [value]
    pop, push = stack.pop, stack.append
    while stack:
        node = pop()
        kind = type(node)
        items: Any
        if kind is dict:
            items = node.values()
            if keys:
                push(list(node))
        elif kind is list or kind is tuple:
            items = node
            if node and type(node[0]) is float:
                try:
                    if isfinite(sum(node, 0.0)):  # a list of numbers, in C: a finite sum, finite members
                        continue
                except (TypeError, OverflowError):
                    pass
        elif kind is float or isinstance(node, float):
            if not isfinite(node):
                return False
            continue
        elif isinstance(node, dict):
            items = node.values()
            if keys:
                push(list(node))
        elif isinstance(node, (list, tuple)):
            items = node
        elif isinstance(node, enum.Enum):
            items = (node.value,)
        elif dataclasses.is_dataclass(node) and not isinstance(node, type):
            items = [getattr(node, field.name) for field in dataclasses.fields(node)]
        else:
            continue  # str or int subclasses, and what ``default`` converts
        for item in items:
            kind = type(item)
            if kind in leaves:
                continue
            if kind is float:
                if not isfinite(item):
                    return False
            else:
                push(item)
    return True


def _explain(value: Any, exc: BaseException) -> InvalidRequestError:
    """The error to raise for a body the strict encoder refused with ``exc``."""
    text = str(exc)
    if isinstance(exc, RecursionError) or "Recursion limit" in text or "Circular reference" in text:
        return NotSerializableError(
            "the request body cannot be encoded as JSON: it is nested too deeply or contains "
            "itself (a circular reference)"
        )
    try:
        found = _locate(value)
    except Exception:  # naming the place is a courtesy; the refusal stands without it
        found = None
    if found is None:
        return NotSerializableError(f"the request body cannot be encoded as JSON: {text}")
    path, culprit, is_key = found
    where = _render(path)
    kind = type(culprit)
    name = kind.__qualname__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__qualname__}"
    if isinstance(culprit, float) and not math.isfinite(culprit):
        what = f"a key of {where}" if is_key else where
        return InvalidRequestError(
            f"{what} is {culprit!r}, which JSON cannot represent (it has no NaN or Infinity); "
            f"nothing was sent"
        )
    if is_key:
        return NotSerializableError(f"a key of {where} is a {name}, which cannot be a JSON object key")
    if isinstance(culprit, str):
        return NotSerializableError(f"{where} is a str that is not valid Unicode (it holds a lone surrogate)")
    if isinstance(culprit, int):
        return NotSerializableError(f"{where} is an int the JSON encoder cannot write ({text})")
    return NotSerializableError(
        f"{where} is a {name}, which JSON cannot encode: pass dicts, lists, str, numbers, bool "
        f"and None (pydantic models, dataclasses, sets and datetimes are converted)"
    )


def _fails(value: Any) -> bool:
    try:
        _encode_strict(value)
    except (TypeError, ValueError, RecursionError):
        return True
    return False


def _locate(value: Any) -> tuple[list[tuple[str, Any]], Any, bool] | None:
    """Where the first value the strict encoder refuses is: ``(path, value, is_a_key)``.

    Descends into the first child that fails on its own; a failing node whose children all
    encode is the culprit. Only ever run on the error path: it encodes each level again.
    """
    path: list[tuple[str, Any]] = []
    node = value
    for _ in range(_MAX_DEPTH):
        for step, key, child in _children(node):
            if step == "key":
                return path, key, True
            if _fails(child):
                if step != "value":
                    path.append((step, key))
                node = child
                break
        else:
            return path, node, False
    return None


def _children(node: Any) -> Iterator[tuple[str, Any, Any]]:
    """``(step, key, child)`` for each part of ``node`` the encoder writes: ``"item"`` (a
    dict value or list member), ``"attr"`` (a dataclass field), ``"value"`` (what an enum or a
    converted object stands for), ``"key"`` (a dict key that fails on its own)."""
    if isinstance(node, dict):
        for key, child in node.items():
            if type(key) is not str and _fails({key: None}):
                yield "key", key, None
            yield "item", key, child
    elif isinstance(node, (list, tuple)):
        for index, child in enumerate(node):
            yield "item", index, child
    elif isinstance(node, enum.Enum):
        yield "value", None, node.value
    elif dataclasses.is_dataclass(node) and not isinstance(node, type):
        for field in dataclasses.fields(node):
            yield "attr", field.name, getattr(node, field.name)
    elif node is not None and not isinstance(node, (str, int, float)):
        try:
            converted = _default(node)
        except (TypeError, ValueError):
            return
        yield "value", None, converted


def _render(path: list[tuple[str, Any]]) -> str:
    """``input['messages'][0].when``: a path from the top of the body, as Python would index it."""
    parts = []
    for index, (step, key) in enumerate(path):
        if step == "attr" or (index == 0 and isinstance(key, str) and key.isidentifier()):
            parts.append(f".{key}" if index else key)
        else:
            shown = repr(key)
            parts.append(f"[{shown if len(shown) <= 40 else shown[:37] + '...'}]")
    return "".join(parts) or "the request body"
