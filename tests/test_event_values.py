"""One behaviour for an event's data whatever its size, and with or without orjson (issue 18).

Events of 1 MiB or more are parsed by the standard library's ``json`` (for memory), smaller
ones by orjson when it is installed. Both must accept and refuse the same documents, build the
same values, and a relay (``iter_sse``) must pass on whatever iteration accepted: a browser
gets every event, or an ``error`` event, and always the final ``end``. One difference between
the backends is kept on purpose: an integer beyond 64 bits is a float with orjson (it has no
other way to hold it), and stays exact without it; at every size, in each case.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from typing import Any

import pytest
import responses

from stateless_client import InvalidResponseError, StreamPart, get_client
from stateless_client.sse import COMMENT, EventDecoder, decode

URL = "http://values.test"
PADS = {"small": 0, "big": 2 * 2**20}  # the big one is parsed by json even with orjson installed
METADATA = b'event: metadata\ndata: {"run_id": "r-1"}\n\n'

#: Values JSON has no place for: the literals NaN and Infinity, numbers beyond the doubles,
#: lone surrogates, nesting deeper than any parser allows.
REFUSED = {
    "NaN": "NaN",
    "Infinity": "Infinity",
    "-Infinity": "-Infinity",
    "1e400": "1e400",
    "a lone high surrogate": '"\\ud800"',
    "a lone low surrogate": '"x\\udc00y"',
    "nesting 5000 deep": "[" * 5000 + "]" * 5000,
    "1e400 after an integer beyond 64 bits": f'{{"a": {2**64}, "b": [1, 1e400]}}',
}
#: Integers orjson can only hold as floats.
BEYOND_64_BITS = {
    "2**64": str(2**64),
    "-2**63 - 1": str(-(2**63) - 1),
    "10**30 in a list of numbers": f"[1, 2.5, {10**30}]",
    "several, nested": f'{{"a": {2**64}, "b": {{"c": {-(2**63) - 1}}}, "d": [{2**64}, "x", 1.5]}}',
}
#: Values every parser takes, relayed as iteration gave them.
ACCEPTED = {
    **BEYOND_64_BITS,
    "2**64 - 1 (the largest 64-bit integer)": str(2**64 - 1),
    "an escaped surrogate pair": '"\\ud83d\\ude00"',
    "nesting 300 deep": "[" * 300 + "]" * 300,
}


def _body(value: str, pad: int, event: str = "values") -> bytes:
    data = '{"pad": "' + "p" * pad + '", "v": ' + value + "}"
    return METADATA + f"event: {event}\ndata: {data}\n\n".encode()


def _stream(body: bytes) -> Any:
    with responses.RequestsMock() as api:
        api.post(f"{URL}/runs/stream", body=body, content_type="text/event-stream")
        return get_client(url=URL, api_key=None, max_retries=0).runs.stream(None, "agent")


def _iterated(body: bytes) -> Any:
    """What plain iteration gives for the ``values`` event: its ``v``, or the refusal."""
    try:
        parts = list(_stream(body))
    except InvalidResponseError:
        return "refused"
    except Exception as exc:  # recorded, so a test shows it next to the other outcomes
        return ["raised", type(exc).__name__]
    (values,) = [part for part in parts if part.event == "values"]
    return ["value", type(values.data["v"]).__name__, repr(values.data["v"])[:60]]


def _relayed(body: bytes) -> Any:
    """What a browser gets from ``iter_sse``: the event names, and the values event's ``v``."""
    chunks: list[bytes] = []
    try:
        chunks.extend(_stream(body).iter_sse())
    except Exception as exc:  # a cut response: the browser gets no error and no end
        return ["raised", type(exc).__name__, [event.event for event in decode(chunks)]]
    events = list(decode(chunks))
    names = [event.event for event in events]
    found: list[Any] = [names]
    for event in events:
        if event.event == "values":
            v = json.loads(event.data)["v"]
            found += [type(v).__name__, repr(v)[:60]]
        elif event.event == "error":
            found.append(json.loads(event.data)["type"])
    return found


def outcomes() -> dict[str, Any]:
    """Every case's outcome, by name and size; run in-process and without orjson."""
    results = {}
    for name, value in {**REFUSED, **ACCEPTED}.items():
        for size, pad in PADS.items():
            results[f"{name}, {size}"] = {"iterated": _iterated(_body(value, pad)),
                                         "relayed": _relayed(_body(value, pad))}
    return results


@pytest.fixture(scope="module")
def with_orjson() -> dict[str, Any]:
    return outcomes()


# -- 1. an event literally named ":" is an event, never a heartbeat -------------------------------


@pytest.mark.parametrize("size", PADS)
def test_an_event_named_colon_is_a_part_not_a_heartbeat(size: str) -> None:
    body = _body("1", PADS[size], event=":")
    parts = list(_stream(body))
    assert [type(part) for part in parts] == [StreamPart, StreamPart]
    assert parts[1].event == ":" and parts[1].data["v"] == 1
    relayed = list(_stream(body + b": heartbeat\n\n").iter_sse())
    assert [event.event for event in decode(relayed)] == ["metadata", ":", "end"]
    assert relayed[1].startswith(b"event: :\ndata: {")


def test_the_decoder_tells_a_comment_from_an_event_named_colon() -> None:
    body = [b": heartbeat\n\nevent: :\ndata: 1\n\n"]
    events = [event[:2] for event in EventDecoder(comments=True).events(body)]
    assert events == [(COMMENT, " heartbeat"), (":", "1")] and COMMENT != ":"
    assert [event[:2] for event in EventDecoder().events(body)] == [(":", "1")]


# -- 2 and 3. the same outcome at every size, in iteration and in a relay --------------------------


@pytest.mark.parametrize("name", REFUSED)
def test_what_json_cannot_hold_is_refused_at_every_size(name: str, with_orjson: dict[str, Any]) -> None:
    for size in PADS:
        found = with_orjson[f"{name}, {size}"]
        assert found["iterated"] == "refused", (size, found)
        assert found["relayed"] == [["metadata", "error", "end"], "InvalidResponseError"], (size, found)


@pytest.mark.parametrize("name", ACCEPTED)
def test_what_iteration_accepts_is_relayed_the_same_at_every_size(name: str, with_orjson: dict[str, Any]) -> None:
    small, big = with_orjson[f"{name}, small"], with_orjson[f"{name}, big"]
    assert small == big
    assert small["iterated"][0] == "value"
    assert small["relayed"] == [["metadata", "values", "end"], *small["iterated"][1:]]


def test_integers_beyond_64_bits_are_floats_at_every_size_with_orjson(with_orjson: dict[str, Any]) -> None:
    for size in PADS:
        assert with_orjson[f"2**64, {size}"]["iterated"] == ["value", "float", "1.8446744073709552e+19"]
        assert with_orjson[f"10**30 in a list of numbers, {size}"]["iterated"][2] == "[1, 2.5, 1e+30]"
        assert with_orjson[f"2**64 - 1 (the largest 64-bit integer), {size}"]["iterated"][1] == "int"


def test_without_orjson_every_outcome_is_the_same(with_orjson: dict[str, Any]) -> None:
    script = textwrap.dedent(
        """
        import json, sys
        sys.modules["orjson"] = None  # as if orjson were not installed
        from stateless_client import _json
        assert _json.BACKEND == "json", _json.BACKEND
        from tests.test_event_values import outcomes
        print(json.dumps(outcomes()))
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    without = json.loads(done.stdout.strip().splitlines()[-1])
    expected = json.loads(json.dumps(with_orjson))
    for name, value in BEYOND_64_BITS.items():  # exact without orjson, at every size
        for size in PADS:
            exact = ["value", type(json.loads(value)).__name__, repr(json.loads(value))[:60]]
            expected[f"{name}, {size}"] = {"iterated": exact, "relayed": [["metadata", "values", "end"], *exact[1:]]}
    assert without == expected
