"""Big events (issue 21): a long ``data`` line stays in the pieces it arrived in until it is
parsed, and is joined in one byte per character when a few wider characters are all that
would make it wider; the parsed value is the same as from the plain text."""

from __future__ import annotations

import json
import tracemalloc
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stateless_client import _json
from stateless_client.sse import EventDecoder, EventTooLarge, LongData

MiB = 2**20


def _cut(text: str, cuts: list[int]) -> list[str]:
    points = sorted({c % (len(text) + 1) for c in cuts})
    return [text[a:b] for a, b in zip([0, *points], [*points, len(text)], strict=True)]


def _outcome(parse: Any, *args: Any) -> Any:
    try:
        return ["value", parse(*args)]
    except ValueError:
        return "refused"


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**64 - 1) | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(JSON_VALUES, st.lists(st.integers(0, 10**6), max_size=12), st.integers(0, 3000))
def test_a_long_line_parses_to_the_value_of_its_plain_text(value: Any, cuts: list[int], pad: int) -> None:
    text = json.dumps({"pad": "p" * pad, "v": value}, ensure_ascii=False)
    assert _json.loads_big(LongData(_cut(text, cuts), len(text))) == json.loads(text)


#: Text that is not JSON where a wide character follows a backslash: it must stay refused.
NOT_JSON = ['"\\\u20ac"', '"a\\\\\\\U0001f600"', '["\\\u0100", 1]', '{"\\\u4e2d": 1}', '\u20ac', '[1, \U0001f600]']
#: ... and text that is JSON although a wide character follows backslashes.
JSON_AFTER_BACKSLASHES = ['"\\\\\u20ac"', '"a\\\\\\\\\U0001f600"', '"\\n\u4e2d"', '{"\\\\\u0100": "\\"\u20ac"}']


@pytest.mark.parametrize("text", NOT_JSON + JSON_AFTER_BACKSLASHES)
@pytest.mark.parametrize("pad", [0, 5000])
def test_escaping_never_changes_whether_text_is_json(text: str, pad: int) -> None:
    document = "[" + '"' + "p" * pad + '", ' + text + "]"
    plain = _outcome(json.loads, document)
    for at in range(len(document) + 1):  # a piece may end anywhere, in a run of backslashes too
        pieces = [document[:at], document[at:]]
        assert _outcome(_json.loads_big, LongData(pieces, len(document))) == plain, (at, pieces)
    assert (plain == "refused") == (text in NOT_JSON)


def test_one_emoji_keeps_the_joined_text_one_byte_per_character() -> None:
    text = json.dumps({"messages": ["y" * 4000] * 256, "last": "\U0001f600 and \u20ac"}, ensure_ascii=False)
    pieces = _cut(text, list(range(0, len(text), 64 * 1024)))
    data = LongData(pieces, len(text))
    assert _json.loads_big(data) == json.loads(text)
    (joined,) = data.pieces
    assert joined.isascii() and len(joined) < len(text) * 1.01


def test_text_dense_in_wide_characters_is_joined_as_it_is() -> None:
    text = json.dumps({"v": "\u4e2d\u6587" * 50_000}, ensure_ascii=False)
    data = LongData(_cut(text, [1000, 70_000]), len(text))
    assert _json.loads_big(data) == json.loads(text)
    assert data.pieces == [text]  # escaping would have made it three times longer


def test_a_long_line_with_an_emoji_peaks_near_its_text_and_value() -> None:
    """Python allocations while parsing 4 MiB of messages with one emoji: the pieces, the
    joined text, the value. A plain join makes the text alone 16 MB (4 bytes per character)."""
    text = json.dumps({"messages": ["y" * 4000] * 1024, "emoji": "\U0001f600"}, ensure_ascii=False)
    pieces = _cut(text, list(range(0, len(text), 256 * 1024)))
    data = LongData(pieces, len(text))
    del pieces
    tracemalloc.start()
    try:
        value = _json.loads_big(data)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert value["emoji"] == "\U0001f600"
    assert peak < 2.5 * len(text), f"{peak / MiB:.1f} MiB for a {len(text) / MiB:.1f} MiB event"


def test_the_decoder_hands_over_a_long_data_line_unjoined() -> None:
    line = b'{"v": "' + "\u20ac".encode() * 200_000 + b'"}'
    chunks = [b"event: values\ndata: " + line[:1000]] + [line[i : i + 4096] for i in range(1000, len(line), 4096)]
    chunks.append(b"\n\ndata: short\n\n")
    decoded = list(EventDecoder(long_data=100_000).events(chunks))
    (event, data, _id, _retry), second = decoded
    assert event == "values"
    assert isinstance(data, LongData) and len(data) == len(line.decode()) and len(data.pieces) > 1
    assert str(data) == line.decode() and second[1] == "short"
    # Without long_data, or with more data lines, or shorter: a str, as the decoder always gave.
    assert [e[1] for e in EventDecoder().events(chunks)] == [line.decode(), "short"]
    two = [b"data: a\n", *chunks[:-1], b"\n\n"]
    assert [e[1] for e in EventDecoder(long_data=100_000).events(two)] == ["a\n" + line.decode()]
    assert isinstance(next(EventDecoder(long_data=len(line) + 1).events(chunks))[1], str)


def test_an_event_limit_after_a_long_line_quotes_its_start() -> None:
    chunks = [b"data: abc", b"d" * 300, b"\ndata: " + b"e" * 100]
    with pytest.raises(EventTooLarge) as caught:
        list(EventDecoder(long_data=100, max_event_size=400).events(chunks))
    assert caught.value.snippet == "abc" + "d" * 77
