"""Which events a ``ThreadStream`` takes for the run it follows, against scripted loopback
servers: a run's events that come with no ``running`` lifecycle event, an earlier run replayed
with no end, and a stream opened on an existing thread (its state read first).
"""

from __future__ import annotations

import json
from typing import Any

from .loopback import ScriptedServer, json_answer
from .test_thread_stream_wire import RUN_ID, command_answer, event, lifecycle, root_values, sse_answer

OLD_RUN = "00000000-0000-0000-0000-000000000001"


def test_a_run_s_events_with_no_running_event_are_its_own(make_client: Any) -> None:
    # The official SDK's test servers send a run's events with no lifecycle ``running`` first.
    script = ScriptedServer(
        command_answer({"run_id": RUN_ID}),
        sse_answer(event(1, "values", {"n": 1}), event(2, "values", {"n": 2}), lifecycle(3, "completed")),
    )
    with script:
        client = make_client(script.url)
        with client.threads.stream("t-1", assistant_id="agent") as thread:
            thread.run.start(input={})
            assert root_values(thread) == [{"n": 1}, {"n": 2}]
            assert thread.run_id == RUN_ID


def test_an_earlier_run_replayed_without_its_end_keeps_its_events_out(make_client: Any) -> None:
    # A run that never sent its terminal event (its worker died): its replayed events are inside
    # its lifecycle, so not the new run's, though the new run's ``running`` has not come yet.
    script = ScriptedServer(
        command_answer({"run_id": RUN_ID}),
        sse_answer(lifecycle(1, "running", OLD_RUN), event(2, "values", {"run": "old"}),
                   lifecycle(3, "running"), event(4, "values", {"run": "new"}), lifecycle(5, "completed")),
    )
    with script:
        client = make_client(script.url)
        with client.threads.stream("t-1", assistant_id="agent") as thread:
            thread.run.start(input={})
            assert root_values(thread) == [{"run": "new"}]


def test_an_earlier_run_s_end_does_not_end_a_run_whose_start_is_missing(make_client: Any) -> None:
    script = ScriptedServer(
        command_answer({"run_id": RUN_ID}),
        sse_answer(lifecycle(1, "completed", OLD_RUN), event(2, "values", {"n": 1}), lifecycle(3, "completed")),
    )
    with script:
        client = make_client(script.url)
        with client.threads.stream("t-1", assistant_id="agent") as thread:
            thread.run.start(input={})
            assert root_values(thread) == [{"n": 1}]


def test_the_command_answer_s_applied_through_seq_is_where_the_events_are_read_from(make_client: Any) -> None:
    script = ScriptedServer(
        json_answer({"type": "success", "id": 1, "result": {"run_id": RUN_ID}, "meta": {"applied_through_seq": 7}}),
        sse_answer(lifecycle(8, "running"), event(9, "values", {"n": 1}), lifecycle(10, "completed")),
    )
    with script:
        client = make_client(script.url)
        with client.threads.stream("t-1", assistant_id="agent") as thread:
            thread.run.start(input={})
            assert root_values(thread) == [{"n": 1}]
    assert json.loads(script.requests[1].body)["since"] == 7


def test_an_existing_thread_under_way_follows_the_run_that_wrote_its_state(make_client: Any) -> None:
    under_way = {"values": {"n": 0}, "next": ["step"], "tasks": [], "metadata": {"run_id": RUN_ID}}
    script = ScriptedServer(
        json_answer(under_way),
        sse_answer(lifecycle(1, "running", OLD_RUN), event(2, "values", {"n": -1}), lifecycle(3, "completed", OLD_RUN),
                   lifecycle(4, "running"), event(5, "values", {"n": 1}), lifecycle(6, "completed")),
    )
    with script:
        client = make_client(script.url)
        with client.threads.stream("t-1", assistant_id="agent") as thread:
            assert root_values(thread) == [{"n": 1}]
            assert thread.run_id == RUN_ID
    assert [request.target for request in script.requests] == [
        "/threads/t-1/state?subgraphs=false", "/threads/t-1/stream/events"]


def test_an_existing_thread_at_rest_ends_at_once_with_its_state(make_client: Any) -> None:
    script = ScriptedServer(
        json_answer({"values": {"n": 3}, "next": [], "tasks": [], "metadata": {"run_id": OLD_RUN}}),
        json_answer([{"run_id": OLD_RUN, "status": "success"}]),
    )
    with script:
        client = make_client(script.url)
        with client.threads.stream("t-1", assistant_id="agent") as thread:
            assert thread.output == {"n": 3}
            assert list(thread.values) == [{"n": 3}]  # the snapshot: the state read once
            assert thread.interrupted is False
    assert [request.target for request in script.requests] == [
        "/threads/t-1/state?subgraphs=false", "/threads/t-1/runs?limit=1&offset=0"]


def test_a_clean_end_for_a_run_the_server_no_longer_has_ends_the_run(make_client: Any) -> None:
    script = ScriptedServer(
        command_answer({"run_id": RUN_ID}),
        sse_answer(lifecycle(1, "running"), event(2, "values", {"n": 1}), then="a heartbeat"),
        json_answer({"detail": "not found"}, status="404 Not Found"),
    )
    with script:
        client = make_client(script.url)
        with client.threads.stream("t-1", assistant_id="agent") as thread:
            thread.run.start(input={})
            assert root_values(thread) == [{"n": 1}]
    assert script.requests[2].target == f"/threads/t-1/runs/{RUN_ID}"
