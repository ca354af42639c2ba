"""What an open ``threads.stream()`` keeps of its run: each event parsed while a walk may still
reach it, else the JSON text it arrived as, parsed again by a walk that starts later
(``_thread_stream/turn.py``). Every walk still sees the whole run."""

from __future__ import annotations

import json
from typing import Any

from stateless_client._json import BIG_JSON
from stateless_client._thread_stream.turn import TextBlock, Turn, parsed

from .loopback import ScriptedServer
from .test_thread_stream_hostile import values_run
from .test_thread_stream_parity import message
from .test_thread_stream_wire import RUN_ID, command_answer, event, lifecycle, sse_answer

COUNT = 500  # several times the events taken between two sheds


def test_events_every_walk_has_passed_are_kept_as_text_and_walked_again_whole(make_client: Any) -> None:
    script = ScriptedServer(command_answer({"run_id": RUN_ID}), sse_answer(*values_run(COUNT)))
    with script:
        client = make_client(script.url)
        with client.threads.stream("t-1", assistant_id="agent") as thread:
            thread.run.start(input={})
            first = list(thread.events)
            as_text = sum(isinstance(entry, TextBlock) for entry in thread._events)
            assert as_text >= COUNT - 64, f"only {as_text} of {len(first)} events kept as text"
            again = list(thread.events)
            values = list(thread.subscribe(["values"]))
    assert len(first) == COUNT + 2 and again == first
    assert [item["params"]["data"] for item in values] == [{"n": n} for n in range(COUNT)]
    assert all(type(item) is dict for item in again)


def test_a_walk_behind_keeps_the_events_it_has_not_reached_parsed(make_client: Any) -> None:
    script = ScriptedServer(command_answer({"run_id": RUN_ID}), sse_answer(*values_run(COUNT)))
    with script:
        client = make_client(script.url)
        with client.threads.stream("t-1", assistant_id="agent") as thread:
            thread.run.start(input={})
            behind = thread.events
            start = next(behind)
            ahead = list(thread.events)  # reads the whole run while ``behind`` waits at its start
            rest = list(behind)
    assert [start, *rest] == ahead
    # The same objects: nothing ``behind`` still had to walk was dropped to text and parsed again.
    assert all(mine is theirs for mine, theirs in zip([start, *rest], ahead, strict=True))


def test_messages_read_after_the_run_from_text_are_whole(make_client: Any) -> None:
    pieces = [f"p{n} " for n in range(COUNT)]
    frames = [lifecycle(1, "running"), *message(2, [], "m1", *pieces), lifecycle(COUNT + 4, "completed")]
    script = ScriptedServer(command_answer({"run_id": RUN_ID}), sse_answer(*frames))
    with script:
        client = make_client(script.url)
        with client.threads.stream("t-1", assistant_id="agent") as thread:
            thread.run.start(input={})
            assert len(list(thread.events)) == COUNT + 4  # the run is read: a later walk parses text
            [streamed] = list(thread.messages)
            assert list(streamed.text) == pieces
            assert str(streamed.text) == "".join(pieces)
            [again] = list(thread.messages)  # and once more, from a message read to its end
            assert str(again.text) == "".join(pieces)


def test_an_event_too_long_to_keep_as_text_stays_parsed(make_client: Any) -> None:
    big = "x" * BIG_JSON  # parsed from its pieces (``LongData``): there is no text to keep
    frames = [lifecycle(1, "running"), event(2, "values", {"big": big}),
              *(event(3 + n, "values", {"n": n}) for n in range(COUNT)), lifecycle(COUNT + 3, "completed")]
    script = ScriptedServer(command_answer({"run_id": RUN_ID}), sse_answer(*frames))
    with script:
        client = make_client(script.url)
        with client.threads.stream("t-1", assistant_id="agent") as thread:
            thread.run.start(input={})
            first = list(thread.events)
            again = list(thread.events)
            kept = thread._events[1]
    assert first == again and first[1]["params"]["data"] == {"big": big}
    assert kept is first[1] and again[1] is first[1]


def test_a_turn_keeps_as_text_what_every_cursor_has_passed_and_gives_back_the_same_events() -> None:
    originals = [{"method": "values", "params": {"namespace": [], "data": {"n": n, "s": "é" * (n % 7)}}}
                 for n in range(1000)]
    turn = Turn(started=True)
    behind = turn.follow(0)
    for n, item in enumerate(originals):  # event 500 has no text (data parsed from its pieces)
        turn.take(dict(item), None if n == 500 else json.dumps(item), between_runs=False)
    assert all(type(entry) is dict for entry in turn.events), "a cursor at 0 keeps every event parsed"
    behind.position = 700
    turn._shed()  # what ``take`` does every 64 events
    kept = [type(entry).__name__ for entry in turn.events]
    assert kept[:700] == ["TextBlock"] * 500 + ["dict"] + ["TextBlock"] * 199
    assert set(kept[700:]) == {"dict"}
    assert len({id(entry) for entry in turn.events[:700]}) == 1 + 3  # blocks of up to 256 events
    assert [parsed(entry, index) for index, entry in enumerate(turn.events)] == originals
    turn.unfollow(behind)  # no walk under way: every event goes to text
    for item in originals[:64]:
        turn.take(dict(item), json.dumps(item), between_runs=False)  # and a shed comes on its own
    assert sum(type(entry) is dict for entry in turn.events) < 64
    assert [parsed(entry, index) for index, entry in enumerate(turn.events)] == originals + originals[:64]
