"""``stateless_client.sse``: conformance with the WHATWG event-stream rules, and chunking.

Cases follow the specification's own examples and the behaviours web-platform-tests'
``eventsource/format-*`` files check, written here as plain byte streams.
"""

from __future__ import annotations

import tracemalloc
from typing import Iterator, List, Optional, Tuple

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stateless_client.sse import (
    DATA_LINE_COST,
    EventDecoder,
    EventLineTooLong,
    EventTooLarge,
    ServerSentEvent,
    decode,
)


def events(*chunks: bytes, **limits: int) -> list[ServerSentEvent]:
    return list(decode(chunks, **limits))


def datas(*chunks: bytes, **limits: int) -> list[str]:
    return [event.data for event in events(*chunks, **limits)]


# -- the specification's examples -----------------------------------------------------------


def test_spec_example_stock_ticker_multiline_data() -> None:
    stream = b"data: YHOO\ndata: +2\ndata: 10\n\n"
    assert events(stream) == [ServerSentEvent("message", "YHOO\n+2\n10", None, None)]


def test_spec_example_comment_ids_and_reset() -> None:
    stream = (
        b": test stream\n\n"
        b"data: first event\nid: 1\n\n"
        b"data:second event\nid\n\n"
        b"data:  third event\n\n"
    )
    assert [(e.data, e.id) for e in events(stream)] == [
        ("first event", "1"),
        ("second event", ""),  # an empty id resets the last event ID to ""
        (" third event", ""),  # only one leading space is removed
    ]


def test_spec_example_empty_data_and_unterminated_last_event() -> None:
    stream = b"data\n\ndata\ndata\n\ndata:"
    assert datas(stream) == ["", "\n"]  # the final "data:" has no blank line: discarded


def test_spec_example_space_after_colon_is_optional() -> None:
    assert datas(b"data:test\n\ndata: test\n\n") == ["test", "test"]


# -- web-platform-tests eventsource/format-* behaviours ---------------------------------------


def test_comments_with_cr_nul_and_long_lines_are_ignored() -> None:
    long = b"x" * 2048
    stream = b"data:1\r:\0\n:\r\ndata:2\n:" + long + b"\rdata:3\n:data:fail\r:" + long + b"\ndata:4\n\n"
    assert datas(stream) == ["1\n2\n3\n4"]


def test_data_field_parsing() -> None:
    assert datas(b"data:\n\ndata\ndata\n\ndata:test\n\n") == ["", "\n", "test"]


def test_data_before_final_empty_line_is_dispatched_only_with_it() -> None:
    assert datas(b"retry:1000\ndata:test1\n\nid:test\ndata:test2") == ["test1"]


def test_event_field_names_the_type_and_empty_means_message() -> None:
    stream = b"event: test\ndata: x\n\nevent:\ndata: y\n\ndata: z\n\n"
    assert [(e.event, e.data) for e in events(stream)] == [("test", "x"), ("message", "y"), ("message", "z")]


def test_event_type_resets_even_when_no_event_is_dispatched() -> None:
    assert [e.event for e in events(b"event: lost\n\ndata: x\n\n")] == ["message"]


def test_id_persists_until_changed_and_nul_ids_are_ignored() -> None:
    stream = b"id: 1\ndata: a\n\ndata: b\n\nid: 2\0x\ndata: c\n\nid:\ndata: d\n\n"
    assert [e.id for e in events(stream)] == ["1", "1", "1", ""]


def test_id_without_data_still_sets_the_last_event_id() -> None:
    assert [e.id for e in events(b"id: 7\n\ndata: a\n\n")] == ["7"]


def test_retry_counts_only_when_all_ascii_digits() -> None:
    stream = b"retry: 1000\ndata: a\n\nretry: 10x\ndata: b\n\nretry:\ndata: c\n\nretry: \xd9\xa1\ndata: d\n\n"
    assert [e.retry for e in events(stream)] == [1000, None, None, None]


def test_unknown_fields_and_fields_without_colon_are_ignored() -> None:
    assert events(b"foo: bar\ndata\nevent\n\n") == [ServerSentEvent("message", "", None, None)]


def test_one_leading_bom_is_stripped_a_second_is_not() -> None:
    assert datas(b"\xef\xbb\xbfdata: 1\n\n") == ["1"]
    # with two BOMs the first line's field name is "\ufeffdata": unknown, so 1 is not dispatched
    assert datas(b"\xef\xbb\xbf\xef\xbb\xbfdata:1\n\ndata:2\n\ndata:3\n\n") == ["2", "3"]


def test_bom_split_across_chunks_is_still_stripped() -> None:
    assert datas(b"\xef", b"\xbb", b"\xbfdata: 1\n\n") == ["1"]


def test_stream_is_always_utf8_and_invalid_bytes_are_replaced() -> None:
    assert datas(b"data:ok\xe2\x80\xa6\n\n") == ["ok\u2026"]
    assert datas(b"data: a\xffb\xe2\x80\n\n") == ["a\ufffdb\ufffd"]


def test_multibyte_character_split_across_chunks() -> None:
    assert datas(b"data: \xe2", b"\x80", b"\xa6\n\n") == ["\u2026"]


@pytest.mark.parametrize("newline", [b"\n", b"\r", b"\r\n"])
def test_all_three_line_endings(newline: bytes) -> None:
    stream = b"event: e" + newline + b"data: 1" + newline + b"data: 2" + newline + newline
    assert [(e.event, e.data) for e in events(stream)] == [("e", "1\n2")]


def test_crlf_split_between_chunks_is_one_line_end() -> None:
    assert datas(b"data: 1\r", b"\n\r", b"\ndata: 2\r\n\r\n") == ["1", "2"]


def test_cr_then_crlf_is_two_line_ends() -> None:
    assert datas(b"data: 1\r", b"\r\n") == ["1"]


def test_heartbeat_comments_between_events_are_silent() -> None:
    assert datas(b": heartbeat\n\n: heartbeat\ndata: 1\n\n:\n\n") == ["1"]


# -- chunking, latency, size -----------------------------------------------------------------


def test_each_event_is_yielded_as_soon_as_its_blank_line_arrives() -> None:
    fed: list[bytes] = []

    def chunks() -> object:
        for chunk in [b"data: 1\n", b"\n", b"data: 2\n\n", b"data: 3"]:
            fed.append(chunk)
            yield chunk

    iterator = decode(chunks())  # type: ignore[arg-type]
    assert next(iterator).data == "1" and len(fed) == 2
    assert next(iterator).data == "2" and len(fed) == 3
    assert list(iterator) == [] and len(fed) == 4


def test_long_data_line_in_many_small_chunks_is_joined_once() -> None:
    payload = b'{"v": "' + b"y" * 300_000 + b'"}'
    body = b"event: values\ndata: " + payload + b"\n\n"
    pieces = [body[i : i + 1000] for i in range(0, len(body), 1000)]
    (event,) = events(*pieces)
    assert event.event == "values" and event.data == payload.decode()


def test_field_name_split_in_tiny_pieces_of_a_long_line() -> None:
    body = b"data: " + b"z" * 5000 + b"\n\n"
    pieces = [b"d", b"a", b"t", b"a", b":", b" zz", body[8:]]
    assert datas(*pieces) == ["z" * 5000]


def test_oversized_line_raises_and_quotes_its_start() -> None:
    with pytest.raises(EventLineTooLong) as caught:
        list(decode([b"data: " + b"q" * 50, b"q" * 100], max_line_length=100))
    assert caught.value.snippet.startswith("data: qqq")


def test_decoder_reports_incomplete_end_and_resume_id() -> None:
    decoder = EventDecoder()
    assert [e[1] for e in decoder.events([b"id: 1\ndata: a\n\nid: 2\ndata: b\n"])] == ["a"]
    assert decoder.incomplete is True
    assert decoder.last_event_id == "1"  # event 2 never arrived whole: resume after 1
    complete = EventDecoder()
    list(complete.events([b"id: 1\ndata: a\n\n"]))
    assert complete.incomplete is False and complete.last_event_id == "1"


SAMPLE = (
    b"\xef\xbb\xbf: hello\r\n"
    b"event: metadata\ndata: {\"run_id\": \"r\"}\nid: 1-0\n\n"
    b"event: updates|child:a\r\ndata: {\"k\": \"caf\xc3\xa9 \xe2\x80\xa6\"}\r\nid: 2-0\r\n\r\n"
    b"data: line1\rdata: line2\r\rretry: 250\ndata:x\n\n"
    b"id: bad\x00id\ndata:   spaced\n\n"
    b"data: unterminated"
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=len(SAMPLE)), max_size=40))
def test_any_split_of_the_same_bytes_yields_the_same_events(cuts: list[int]) -> None:
    points = sorted(set(cuts))
    pieces = [SAMPLE[a:b] for a, b in zip([0, *points], [*points, len(SAMPLE)], strict=True)]
    assert events(*pieces) == events(SAMPLE)


def test_the_sample_decodes_as_the_spec_says() -> None:
    assert events(SAMPLE) == [
        ServerSentEvent("metadata", '{"run_id": "r"}', "1-0", None),
        ServerSentEvent("updates|child:a", '{"k": "caf\u00e9 \u2026"}', "2-0", None),
        ServerSentEvent("message", "line1\nline2", "2-0", None),
        ServerSentEvent("message", "x", "2-0", 250),
        ServerSentEvent("message", "  spaced", "2-0", None),
    ]


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400), st.lists(st.integers(min_value=0, max_value=400), max_size=20))
def test_random_bytes_never_crash_and_chunking_never_matters(data: bytes, cuts: list[int]) -> None:
    points = sorted({c for c in cuts if c <= len(data)})
    pieces = [data[a:b] for a, b in zip([0, *points], [*points, len(data)], strict=True)]
    whole = events(data)
    assert events(*pieces) == whole
    for event in whole:
        assert "\r" not in event.data and isinstance(event.event, str)


# -- limits: the same outcome whatever the chunking ----------------------------------------------


Outcome = Tuple[List[ServerSentEvent], Optional[str], Optional[str]]


def outcome(chunks: list[bytes], **limits: int) -> Outcome:
    """The events decoded before an error, and the error's type and message (or ``None``)."""
    got: list[ServerSentEvent] = []
    try:
        for event in decode(chunks, **limits):
            got.append(event)
    except EventLineTooLong as exc:  # EventTooLarge is one
        return got, type(exc).__name__, str(exc)
    return got, None, None


def split(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({c for c in cuts if c <= len(data)})
    return [data[a:b] for a, b in zip([0, *points], [*points, len(data)], strict=True)]


LIMIT_ALPHABET = [b"data: ", b"data:", b"data", b"event: ", b"id: ", b":", b"\n", b"\n\n", b"\r", b"\r\n",
                  b"x", b"xxxxxxxxxx", b"y" * 40, b"z" * 150, b"\xe2\x82\xac", b"\xef\xbb\xbf", b" "]


def test_an_over_long_line_raises_whether_it_arrives_whole_or_split() -> None:
    line = b"data: " + b"q" * 150 + b"\n\n"
    whole = outcome([b"data: 1\n\n" + line], max_line_length=100)
    assert whole == outcome([b"data: 1\n\n", line[:50], line[50:]], max_line_length=100)
    assert whole[0] == [ServerSentEvent("message", "1")] and whole[1] == "EventLineTooLong"


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(LIMIT_ALPHABET), max_size=60), st.lists(st.integers(0, 3000), max_size=30),
       st.integers(0, 80))
def test_the_line_limit_does_not_depend_on_chunking(pieces: list[bytes], cuts: list[int], limit: int) -> None:
    data = b"".join(pieces)
    whole = outcome([data], max_line_length=limit)
    assert outcome(split(data, cuts), max_line_length=limit) == whole
    assert outcome([data[i : i + 1] for i in range(len(data))], max_line_length=limit) == whole


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(LIMIT_ALPHABET), max_size=60), st.lists(st.integers(0, 3000), max_size=30),
       st.integers(0, 400), st.integers(0, 200))
def test_the_event_limit_does_not_depend_on_chunking(
    pieces: list[bytes], cuts: list[int], event_limit: int, line_limit: int
) -> None:
    data = b"".join(pieces)
    limits = {"max_event_size": event_limit, "max_line_length": line_limit}
    whole = outcome([data], **limits)
    assert outcome(split(data, cuts), **limits) == whole
    assert outcome([data[i : i + 1] for i in range(len(data))], **limits) == whole


def test_many_short_data_lines_count_toward_the_event_limit() -> None:
    stream = b"data: first\n\n" + b"data: ab\n" * 100 + b"\n"
    got, kind, message = outcome([stream], max_event_size=1000)
    assert [e.data for e in got] == ["first"] and kind == "EventTooLarge"
    assert "1000" in str(message) and "'ab'" in str(message)
    assert datas(stream, max_event_size=(2 + DATA_LINE_COST) * 100) == ["first", "\n".join(["ab"] * 100)]


def test_an_event_limit_counts_the_line_being_read() -> None:
    with pytest.raises(EventTooLarge) as caught:
        list(decode([b"event: " + b"e" * 500], max_event_size=100))
    assert caught.value.snippet == "event: " + "e" * 73


def test_a_line_dribbled_in_tiny_pieces_is_merged_as_it_grows() -> None:
    """One 3-byte character per chunk: 200k strings of ~80 bytes each unless merged."""
    piece = "\u20ac".encode()

    def chunks() -> Iterator[bytes]:
        yield b"data: "
        for _ in range(200_000):
            yield piece
        yield b"\n\n"

    tracemalloc.start()
    try:
        (event,) = events(*chunks())
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert event.data == "\u20ac" * 200_000
    assert peak < 4 * 2**20, f"{peak / 2**20:.1f} MiB for a line of 0.4 MB"


def test_the_decoder_reports_comments_only_when_asked() -> None:
    from stateless_client.sse import COMMENT, EventDecoder

    body = [b": heartbeat\n", b"data: 1\n\n"]
    assert [event[0] for event in EventDecoder().events(body)] == ["message"]
    assert [event[:2] for event in EventDecoder(comments=True).events(body)] == [(COMMENT, " heartbeat"),
                                                                                 ("message", "1")]
