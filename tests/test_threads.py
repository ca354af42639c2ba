"""``client.threads``: the wire shape of every method (``responses``, strict matchers) and its
behaviour on the real ``langgraph dev`` server (the ``client`` fixture)."""

from __future__ import annotations

import inspect
import threading
import uuid
from typing import Any

import pytest
from responses import matchers

from stateless_client import (
    BadRequestError,
    Client,
    ConflictError,
    InvalidResponseError,
    NotFoundError,
    RunError,
    StreamPart,
    Thread,
    ThreadState,
    ThreadTask,
    ThreadUpdateStateResponse,
    UnprocessableEntityError,
)

from .helpers import BASE, SSE, strict_json, unique_tag

THREAD = {"thread_id": "t/1", "status": "idle", "metadata": {"a": 1}, "created_at": "2026-11-25T10:48:32Z"}
CHECKPOINT = {"thread_id": "t/1", "checkpoint_ns": "", "checkpoint_id": "c1"}
STATE = {"values": {"messages": []}, "next": ["ask"], "checkpoint": CHECKPOINT, "metadata": {"step": 1},
         "created_at": "2026-11-25T10:48:32Z", "parent_checkpoint": None,
         "tasks": [{"id": "k1", "name": "ask", "error": None, "interrupts": [{"id": "i1", "value": "approve?"}],
                    "checkpoint": None, "state": None, "result": None}],
         "interrupts": [{"id": "i1", "value": "approve?"}]}


# -- wire shape ---------------------------------------------------------------------------------


def test_update_sends_metadata_and_ttl_and_returns_the_thread(api: Any, mock_client: Client) -> None:
    api.patch(f"{BASE}/threads/t%2F1", json=THREAD,
              match=[strict_json({"metadata": {"a": 1}, "ttl": {"ttl": 5, "strategy": "delete"}})])
    thread = mock_client.threads.update("t/1", metadata={"a": 1}, ttl=5)
    assert isinstance(thread, Thread) and thread.metadata == {"a": 1}


def test_update_return_minimal_asks_for_no_body_and_returns_none(api: Any, mock_client: Client) -> None:
    api.patch(f"{BASE}/threads/t%2F1", status=204,
              match=[strict_json({"metadata": {}, "ttl": {"ttl": 1, "strategy": "keep_latest"}}),
                     matchers.header_matcher({"prefer": "return=minimal", "x-mine": "1"})])
    assert mock_client.threads.update("t/1", metadata={}, ttl={"ttl": 1, "strategy": "keep_latest"},
                                      return_minimal=True, headers={"x-mine": "1"}) is None


def test_search_sends_every_filter(api: Any, mock_client: Client) -> None:
    api.post(f"{BASE}/threads/search", json=[THREAD], match=[strict_json({
        "metadata": {"m": 1}, "values": {"v": 2}, "ids": ["a", "b"], "status": "interrupted", "limit": 3,
        "offset": 6, "sort_by": "created_at", "sort_order": "asc", "extract": {"last": "values.messages[-1]"},
    })])
    found = mock_client.threads.search(metadata={"m": 1}, values={"v": 2}, ids=["a", "b"], status="interrupted",
                                       limit=3, offset=6, sort_by="created_at", sort_order="asc",
                                       extract={"last": "values.messages[-1]"})
    assert found == [THREAD] and isinstance(found[0], Thread)


def test_search_defaults_send_only_the_page_as_the_sdk_does(api: Any, mock_client: Client) -> None:
    api.post(f"{BASE}/threads/search", json=[], match=[strict_json({"limit": 10, "offset": 0})])
    assert mock_client.threads.search(metadata={}, values=None) == []


def test_search_with_select_builds_partial_threads(api: Any, mock_client: Client) -> None:
    api.post(f"{BASE}/threads/search", json=[{"status": "busy"}],
             match=[strict_json({"limit": 10, "offset": 0, "select": ["status"]})])
    (thread,) = mock_client.threads.search(select=["status"])
    assert thread.status == "busy" and thread.thread_id is None  # not selected: None as an attribute
    assert dict(thread) == {"status": "busy"} and "thread_id" not in thread  # and absent as a key


def test_search_and_count_are_retried_like_reads(api: Any, mock_client: Client) -> None:
    api.post(f"{BASE}/threads/search", status=502)
    api.post(f"{BASE}/threads/search", json=[])
    api.post(f"{BASE}/threads/count", status=503)
    api.post(f"{BASE}/threads/count", json=4, match=[strict_json({"metadata": {"m": 1}, "values": {"v": 1},
                                                                  "status": "idle"})])
    assert mock_client.threads.search() == []
    assert mock_client.threads.count(metadata={"m": 1}, values={"v": 1}, status="idle") == 4


def test_count_that_is_not_an_integer_is_a_typed_error(api: Any, mock_client: Client) -> None:
    api.post(f"{BASE}/threads/count", json={"count": 3})
    with pytest.raises(InvalidResponseError, match="integer"):
        mock_client.threads.count()


def test_iter_search_walks_pages_until_a_short_one(api: Any, mock_client: Client) -> None:
    for offset, size in ((5, 2), (7, 2), (9, 1)):
        page = [{**THREAD, "thread_id": f"t{offset + n}"} for n in range(size)]
        api.post(f"{BASE}/threads/search", json=page,
                 match=[strict_json({"limit": 2, "offset": offset, "metadata": {"m": 1}, "sort_by": "created_at"})])
    found = mock_client.threads.iter_search(metadata={"m": 1}, page_size=2, offset=5, sort_by="created_at")
    assert [thread.thread_id for thread in found] == ["t5", "t6", "t7", "t8", "t9"]
    assert len(api.calls) == 3


def test_iter_search_asks_once_more_after_a_full_page(api: Any, mock_client: Client) -> None:
    api.post(f"{BASE}/threads/search", json=[THREAD], match=[strict_json({"limit": 1, "offset": 0})])
    api.post(f"{BASE}/threads/search", json=[], match=[strict_json({"limit": 1, "offset": 1})])
    assert len(list(mock_client.threads.iter_search(page_size=1))) == 1
    with pytest.raises(ValueError, match="page_size"):
        next(mock_client.threads.iter_search(page_size=0))


def test_copy_posts_without_a_body_and_returns_the_new_thread(api: Any, mock_client: Client) -> None:
    api.post(f"{BASE}/threads/t%2F1/copy", json={**THREAD, "thread_id": "t2"})
    assert mock_client.threads.copy("t/1").thread_id == "t2"
    assert api.calls[0].request.body is None


def test_copy_is_not_retried_on_a_gateway_error(api: Any, mock_client: Client) -> None:
    api.post(f"{BASE}/threads/t/copy", status=502)
    with pytest.raises(Exception, match="502"):
        mock_client.threads.copy("t")
    assert len(api.calls) == 1  # it creates a thread: a retry could make two


def test_prune_sends_the_strategy_only_when_it_is_not_the_default(api: Any, mock_client: Client) -> None:
    api.post(f"{BASE}/threads/prune", json={"pruned_count": 2}, match=[strict_json({"thread_ids": ["a", "b"]})])
    api.post(f"{BASE}/threads/prune", json={"pruned_count": 1},
             match=[strict_json({"thread_ids": ["a"], "strategy": "keep_latest"})])
    assert mock_client.threads.prune(("a", "b")) == {"pruned_count": 2}
    assert mock_client.threads.prune(["a"], strategy="keep_latest") == {"pruned_count": 1}


def test_get_state_latest_uses_query_parameters(api: Any, mock_client: Client) -> None:
    api.get(f"{BASE}/threads/t%2F1/state", json=STATE,
            match=[matchers.query_param_matcher({"subgraphs": "false"})])
    api.get(f"{BASE}/threads/t%2F1/state", json=STATE,
            match=[matchers.query_string_matcher("subgraphs=true&select=values.messages&select=next&x=1")])
    state = mock_client.threads.get_state("t/1")
    assert isinstance(state, ThreadState) and state.next == ["ask"] and state.checkpoint == CHECKPOINT
    (task,) = state.tasks
    assert isinstance(task, ThreadTask) and task.interrupts == [{"id": "i1", "value": "approve?"}]
    assert state["tasks"][0]["name"] == "ask"  # the mapping is the JSON as sent
    mock_client.threads.get_state("t/1", subgraphs=True, select=["values.messages", "next"], params={"x": "1"})


def test_get_state_at_a_checkpoint_id_quotes_it_in_the_path(api: Any, mock_client: Client) -> None:
    api.get(f"{BASE}/threads/t%2F1/state/c%2F9", json=STATE,
            match=[matchers.query_param_matcher({"subgraphs": "false"})])
    assert mock_client.threads.get_state("t/1", None, "c/9").values == {"messages": []}


def test_get_state_at_a_checkpoint_posts_it(api: Any, mock_client: Client) -> None:
    api.post(f"{BASE}/threads/t%2F1/state/checkpoint", json=STATE,
             match=[strict_json({"checkpoint": CHECKPOINT, "subgraphs": True, "select": ["values"]})])
    api.post(f"{BASE}/threads/t%2F1/state/checkpoint", json=STATE,
             match=[strict_json({"checkpoint": CHECKPOINT, "subgraphs": False})])
    mock_client.threads.get_state("t/1", CHECKPOINT, subgraphs=True, select=["values"])
    mock_client.threads.get_state("t/1", checkpoint=CHECKPOINT, checkpoint_id="ignored")  # checkpoint wins


def test_update_state_sends_values_and_every_option(api: Any, mock_client: Client) -> None:
    api.post(f"{BASE}/threads/t%2F1/state", json={"checkpoint": CHECKPOINT, "configurable": {}},
             match=[strict_json({"values": [{"a": 1}], "as_node": "n", "checkpoint": CHECKPOINT,
                                 "checkpoint_id": "c0"})])
    api.post(f"{BASE}/threads/t%2F1/state", json={"checkpoint": CHECKPOINT}, match=[strict_json({"values": None})])
    written = mock_client.threads.update_state("t/1", [{"a": 1}], as_node="n", checkpoint=CHECKPOINT,
                                               checkpoint_id="c0")
    assert isinstance(written, ThreadUpdateStateResponse) and written.checkpoint == CHECKPOINT
    assert written["configurable"] == {}  # kept
    mock_client.threads.update_state("t/1", None)


def test_update_state_is_not_retried_on_a_gateway_error(api: Any, mock_client: Client) -> None:
    api.post(f"{BASE}/threads/t/state", status=504)
    with pytest.raises(Exception, match="504"):
        mock_client.threads.update_state("t", {"a": 1})
    assert len(api.calls) == 1


@pytest.mark.parametrize(("before", "sent"), [
    ("c/0", {"configurable": {"checkpoint_id": "c/0"}}),
    (CHECKPOINT, {"configurable": CHECKPOINT}),
    ({"configurable": {"checkpoint_id": "c2"}}, {"configurable": {"checkpoint_id": "c2"}}),
])
def test_get_history_sends_before_as_a_checkpoint_config(api: Any, mock_client: Client, before: Any,
                                                         sent: Any) -> None:
    api.post(f"{BASE}/threads/t%2F1/history", json=[STATE], match=[strict_json({
        "limit": 3, "before": sent, "metadata": {"step": 1}, "checkpoint": {"checkpoint_ns": "child"},
    })])
    (state,) = mock_client.threads.get_history("t/1", limit=3, before=before, metadata={"step": 1},
                                               checkpoint={"checkpoint_ns": "child"})  # type: ignore[typeddict-item]
    assert isinstance(state, ThreadState)


def test_get_history_defaults_and_select(api: Any, mock_client: Client) -> None:
    api.post(f"{BASE}/threads/t/history", json=[STATE], match=[strict_json({"limit": 10})])
    api.post(f"{BASE}/threads/t/history", json=[{"next": []}], match=[strict_json({"limit": 10, "select": ["next"]})])
    assert mock_client.threads.get_history("t")[0].next == ["ask"]
    (partial,) = mock_client.threads.get_history("t", select=["next"])
    assert partial.next == [] and partial.checkpoint is None and dict(partial) == {"next": []}


def test_join_stream_sends_stream_modes_and_last_event_id(api: Any, mock_client: Client) -> None:
    api.get(f"{BASE}/threads/t%2F1/stream",
            body=b"event: metadata\ndata: {\"run_id\": \"r1\"}\nid: 2-0\n\n",
            content_type=SSE,
            match=[matchers.query_param_matcher({"stream_modes": "lifecycle,state_update"}),
                   matchers.header_matcher({"accept": "text/event-stream", "last-event-id": "1-0"})])
    stream = mock_client.threads.join_stream("t/1", stream_mode=["lifecycle", "state_update"], last_event_id="1-0")
    assert list(stream) == [StreamPart("metadata", {"run_id": "r1"}, "2-0")]
    assert stream.run_id == "r1"


def test_join_stream_default_mode_is_run_modes(api: Any, mock_client: Client) -> None:
    api.get(f"{BASE}/threads/t/stream", body=b"", content_type=SSE,
            match=[matchers.query_param_matcher({"stream_modes": "run_modes"})])
    assert list(mock_client.threads.join_stream("t")) == []
    assert "last-event-id" not in {name.lower() for name in api.calls[0].request.headers}


FAILED_THEN_NEXT_RUN = (
    b"event: error\ndata: {\"error\": \"ValueError\", \"message\": \"node exploded\"}\nid: 1-0\n\n"
    b"event: metadata\ndata: {\"status\": \"run_done\", \"run_id\": \"r1\"}\nid: 2-0\n\n"
    b"event: metadata\ndata: {\"run_id\": \"r2\"}\nid: 3-0\n\n"
)


def test_join_stream_keeps_following_the_thread_after_a_failed_run_with_raise_error_false(
    api: Any, mock_client: Client
) -> None:
    api.get(f"{BASE}/threads/t/stream", body=FAILED_THEN_NEXT_RUN, content_type=SSE)
    parts = list(mock_client.threads.join_stream("t", raise_error=False))
    assert [part.event for part in parts] == ["error", "metadata", "metadata"]
    assert parts[-1].data == {"run_id": "r2"}


def test_join_stream_raises_run_error_by_default(api: Any, mock_client: Client) -> None:
    api.get(f"{BASE}/threads/t/stream", body=FAILED_THEN_NEXT_RUN, content_type=SSE)
    with pytest.raises(RunError, match="node exploded"):
        list(mock_client.threads.join_stream("t"))


def test_join_stream_resumes_a_dropped_connection_with_its_modes(api: Any, mock_client: Client) -> None:
    # A body that ends inside an event is a dropped connection: the stream reconnects to its
    # own URL, the modes included, after the last complete event.
    api.get(f"{BASE}/threads/t/stream", body=b"event: custom\ndata: 1\nid: 5-0\n\nevent: cus",
            content_type=SSE, match=[matchers.query_param_matcher({"stream_modes": "lifecycle"})])
    api.get(f"{BASE}/threads/t/stream", body=b"event: custom\ndata: 2\nid: 6-0\n\n", content_type=SSE,
            match=[matchers.query_param_matcher({"stream_modes": "lifecycle"}),
                   matchers.header_matcher({"last-event-id": "5-0"})])
    assert [part.data for part in mock_client.threads.join_stream("t", stream_mode="lifecycle")] == [1, 2]


def test_signatures_match_the_official_sdk() -> None:
    sdk = pytest.importorskip("langgraph_sdk._sync.threads").SyncThreadsClient
    from stateless_client import Threads

    ours_only = {"timeout", "max_retries", "raise_error"}
    methods = [name for name in vars(sdk) if not name.startswith("_") and name != "stream"]
    assert set(methods) <= set(vars(Threads)), "a method of the SDK is missing"
    for name in methods:
        theirs = inspect.signature(getattr(sdk, name)).parameters
        ours = {key: p for key, p in inspect.signature(getattr(Threads, name)).parameters.items()
                if key not in ours_only}
        assert list(ours) == list(theirs), name
        for key, parameter in theirs.items():
            assert (ours[key].kind, ours[key].default) == (parameter.kind, parameter.default), f"{name}({key})"


# -- the real server ----------------------------------------------------------------------------


def test_threads_create_get_delete(client: Client) -> None:
    thread = client.threads.create(metadata={"owner": "tests"})
    assert isinstance(thread, Thread)
    assert client.threads.get(thread.thread_id).metadata["owner"] == "tests"
    assert client.threads.delete(thread.thread_id) is None
    with pytest.raises(NotFoundError):
        client.threads.get(thread.thread_id)


def test_threads_create_with_graph_ttl_and_supersteps_and_get_with_include(client: Client) -> None:
    thread = client.threads.create(
        graph_id="agent", ttl=60,
        supersteps=[{"updates": [{"values": {"messages": [{"role": "user", "content": "hi"}]}, "as_node": "agent"}]}],
    )
    assert thread["metadata"]["graph_id"] == "agent"  # where the API keeps it, as the SDK sends it
    fetched = client.threads.get(thread["thread_id"], include=["ttl"])  # langgraph dev reports no TTL
    assert fetched["values"]["messages"][0]["content"] == "hi" and fetched["status"] == "idle"
    client.threads.delete(thread["thread_id"])


def test_update_merges_metadata_on_the_server(client: Client) -> None:
    thread = client.threads.create(metadata={"user": "u1"})
    updated = client.threads.update(thread.thread_id, metadata={"topic": "billing"}, ttl=60)
    assert updated.metadata == {"user": "u1", "topic": "billing"} and updated.updated_at is not None
    assert client.threads.update(thread.thread_id, metadata={"user": "u2"}, return_minimal=True) is None
    assert client.threads.get(thread.thread_id).metadata == {"user": "u2", "topic": "billing"}
    with pytest.raises(NotFoundError):
        client.threads.update(str(uuid.uuid4()), metadata={})


def test_search_count_and_iter_search_filter_on_the_server(client: Client, seed_input: dict[str, Any]) -> None:
    tag = unique_tag()
    made = [client.threads.create(metadata={**tag, "n": n}) for n in range(5)]
    client.runs.wait(made[0].thread_id, "interrupt", input=seed_input)  # made[0] is now interrupted
    assert client.threads.count(metadata=tag) == 5
    assert client.threads.count(metadata={**tag, "n": 3}) == 1
    assert client.threads.count(metadata=tag, status="interrupted") == 1
    found = client.threads.search(metadata=tag, sort_by="created_at", sort_order="asc", limit=3)
    assert [t.thread_id for t in found] == [t.thread_id for t in made[:3]]
    assert [t.thread_id for t in client.threads.search(metadata=tag, status="interrupted")] == [made[0].thread_id]
    assert {t.thread_id for t in client.threads.search(ids=[made[1].thread_id, made[2].thread_id])} == {
        made[1].thread_id, made[2].thread_id}
    partial = client.threads.search(metadata={**tag, "n": 4}, select=["thread_id", "status"])
    assert [dict(t) for t in partial] == [{"thread_id": made[4].thread_id, "status": "idle"}]
    walked = client.threads.iter_search(metadata=tag, page_size=2, sort_by="created_at", sort_order="asc")
    assert [t.thread_id for t in walked] == [t.thread_id for t in made]


def test_copy_makes_a_new_thread_with_the_same_state(client: Client, seed_input: dict[str, Any]) -> None:
    thread = client.threads.create(metadata={"user": "u1"})
    final = client.runs.wait(thread.thread_id, "agent", input=seed_input)
    copied = client.threads.copy(thread.thread_id)
    assert copied.thread_id != thread.thread_id and copied.metadata["user"] == "u1"
    assert client.threads.get_state(copied.thread_id).values == final
    with pytest.raises(ConflictError):  # langgraph dev answers 409, not 404, for a missing thread
        client.threads.copy(str(uuid.uuid4()))


def test_prune_deletes_threads_and_langgraph_dev_refuses_keep_latest(client: Client) -> None:
    doomed, kept = client.threads.create(), client.threads.create()
    assert client.threads.prune([doomed.thread_id, str(uuid.uuid4())]) == {"pruned_count": 1}
    with pytest.raises(NotFoundError):
        client.threads.get(doomed.thread_id)
    with pytest.raises(UnprocessableEntityError, match="keep_latest"):  # in-memory runtime only
        client.threads.prune([kept.thread_id], strategy="keep_latest")
    assert client.threads.get(kept.thread_id).thread_id == kept.thread_id


def test_get_state_now_and_at_checkpoints(client: Client, seed_input: dict[str, Any]) -> None:
    thread = client.threads.create()
    client.runs.wait(thread.thread_id, "agent", input=seed_input)
    state = client.threads.get_state(thread.thread_id)
    assert state.next == [] and state.values["messages"][-1]["content"].startswith("echo: ")
    assert state.checkpoint["thread_id"] == thread.thread_id and state.metadata and state.created_at
    parent = state.parent_checkpoint
    assert parent is not None
    by_dict = client.threads.get_state(thread.thread_id, checkpoint=parent)
    by_id = client.threads.get_state(thread.thread_id, checkpoint_id=parent["checkpoint_id"], subgraphs=True)
    assert by_dict.checkpoint["checkpoint_id"] == by_id.checkpoint["checkpoint_id"] == parent["checkpoint_id"]
    assert by_dict.next == by_id.next == ["agent"] and len(by_id.values["messages"]) == 1
    with pytest.raises(NotFoundError):
        client.threads.get_state(str(uuid.uuid4()))


def test_get_state_of_an_interrupted_thread_has_its_task_and_interrupt(
    client: Client, seed_input: dict[str, Any]
) -> None:
    thread = client.threads.create()
    client.runs.wait(thread.thread_id, "interrupt", input=seed_input)
    state = client.threads.get_state(thread.thread_id)
    (task,) = state.tasks
    assert state.next == ["ask"] and isinstance(task, ThreadTask) and task.name == "ask"
    assert [i["value"] for i in task.interrupts] == [{"question": "approve?"}] == [i["value"] for i in
                                                                                  state.interrupts]


def test_update_state_as_a_node_writes_a_checkpoint(client: Client, seed_input: dict[str, Any]) -> None:
    thread = client.threads.create()
    client.runs.wait(thread.thread_id, "interrupt", input=seed_input)  # waits before "ask"
    written = client.threads.update_state(thread.thread_id, {"messages": [{"role": "ai", "content": "approved"}]},
                                          as_node="ask")
    state = client.threads.get_state(thread.thread_id)
    assert state.checkpoint == written.checkpoint and state.metadata is not None
    assert state.next == [] and state.values["messages"][-1]["content"] == "approved"  # "ask" counts as done
    assert state.metadata["source"] == "update"
    with pytest.raises(BadRequestError, match="no assigned graph"):  # a thread without runs has no graph
        client.threads.update_state(client.threads.create().thread_id, {"messages": []}, as_node="agent")


def test_update_state_from_an_older_checkpoint_forks_the_history(
    client: Client, seed_input: dict[str, Any]
) -> None:
    thread = client.threads.create()
    client.runs.wait(thread.thread_id, "agent", input=seed_input)
    first = client.threads.get_history(thread.thread_id, limit=10)[-1]
    written = client.threads.update_state(thread.thread_id, {"messages": [{"role": "user", "content": "fork"}]},
                                          as_node="agent", checkpoint=first.checkpoint)
    forked = client.threads.get_state(thread.thread_id, checkpoint=written.checkpoint)
    assert forked.parent_checkpoint is not None
    assert forked.parent_checkpoint["checkpoint_id"] == first.checkpoint["checkpoint_id"]
    assert [m["content"] for m in forked.values["messages"]] == ["fork"]


def test_get_history_is_walked_page_by_page_with_before(client: Client, seed_input: dict[str, Any]) -> None:
    thread = client.threads.create()
    for _ in range(2):
        client.runs.wait(thread.thread_id, "agent", input=seed_input)
    everything = client.threads.get_history(thread.thread_id, limit=100)
    assert len(everything) == 6  # per run: its input, then after __start__, then after agent
    assert [len(s.values["messages"]) for s in everything] == [4, 3, 2, 2, 1, 0]  # newest first
    walked: list[ThreadState] = []
    before: Any = None
    while True:
        page = client.threads.get_history(thread.thread_id, limit=3, before=before)
        walked.extend(page)
        if len(page) < 3:
            break
        before = page[-1].checkpoint
    assert [s.checkpoint for s in walked] == [s.checkpoint for s in everything]
    by_id = client.threads.get_history(thread.thread_id, before=everything[1].checkpoint["checkpoint_id"], limit=2)
    assert [s.checkpoint for s in by_id] == [s.checkpoint for s in everything[2:4]]
    newest = everything[0]
    assert newest.parent_checkpoint == everything[1].checkpoint
    steps = client.threads.get_history(thread.thread_id, metadata={"step": 1}, limit=100)
    assert steps and all(s.metadata and s.metadata["step"] == 1 for s in steps)


def test_join_stream_follows_each_run_on_the_thread(client: Client, seed_input: dict[str, Any]) -> None:
    thread = client.threads.create()
    run = client.runs.create(thread.thread_id, "agent", input=seed_input, stream_resumable=True)
    # "-": replay from the start, so the run's events are there whenever the stream opens.
    with client.threads.join_stream(thread.thread_id, last_event_id="-", timeout=60) as stream:
        parts = []
        for part in stream:
            parts.append(part)
            if part.data.get("status") == "run_done":
                break
    assert parts[0] == StreamPart("metadata", {"run_id": run.run_id, "attempt": 1}, parts[0].id)
    assert [p.event for p in parts[1:-1]] == ["values", "values"]
    assert parts[-2].data["messages"][-1]["content"].startswith("echo: ")
    assert all(p.id for p in parts) and stream.run_id == run.run_id


def test_join_stream_resumes_after_a_given_event(client: Client, seed_input: dict[str, Any]) -> None:
    thread = client.threads.create()
    client.runs.create(thread.thread_id, "slow", input={"n": 3, "delay": 0.01}, stream_mode=["custom"],
                       stream_resumable=True)
    def until_done(last_event_id: str) -> list[StreamPart]:
        got = []
        with client.threads.join_stream(thread.thread_id, last_event_id=last_event_id, timeout=60) as stream:
            for part in stream:
                got.append(part)
                if part.data.get("status") == "run_done":
                    return got
        raise AssertionError("the stream ended before the run did")

    everything = until_done("-")
    assert [p.data["i"] for p in everything if p.event == "custom"] == [0, 1, 2]
    assert until_done(everything[1].id or "") == everything[2:]


def test_join_stream_modes_filter_what_the_server_sends(client: Client, seed_input: dict[str, Any]) -> None:
    thread = client.threads.create()
    run = client.runs.create(thread.thread_id, "agent", input=seed_input, stream_resumable=True)
    with client.threads.join_stream(thread.thread_id, stream_mode="lifecycle", last_event_id="-",
                                    timeout=60) as stream:
        parts = []
        for part in stream:
            parts.append(part)
            if part.data.get("status") == "run_done":
                break
    assert [(p.event, p.data["run_id"]) for p in parts] == [("metadata", run.run_id)] * 2  # no values events
    # The server starts listening a moment after it has answered, and does not keep state
    # updates for replay: so updates are written until the stream has seen one.
    seen = threading.Event()

    def update_until_seen() -> None:
        while not seen.is_set():
            client.threads.update_state(thread.thread_id, {"messages": [{"role": "user", "content": "later"}]},
                                        as_node="agent")
            seen.wait(0.2)

    with client.threads.join_stream(thread.thread_id, stream_mode="state_update", timeout=60) as stream:
        writer = threading.Thread(target=update_until_seen)
        writer.start()
        try:
            update = next(iter(stream))
        finally:
            seen.set()
            writer.join()
    assert update.event == "state_update"
    assert update.data["state"]["values"]["messages"][-1]["content"] == "later"
    with pytest.raises(UnprocessableEntityError, match="bogus"):
        client.threads.join_stream(thread.thread_id, stream_mode="bogus")  # type: ignore[arg-type]


def test_join_stream_yields_a_failed_runs_error_and_goes_on_with_raise_error_false(client: Client) -> None:
    # The stream is opened before the runs start: the server replays no ``error`` event for a
    # failed run (not even a resumable one), so only a live stream sees it. The server picks up
    # a thread's new runs by polling; after_seconds leaves it ample time to see the first one.
    thread = client.threads.create()
    with client.threads.join_stream(thread.thread_id, timeout=60) as stream:
        first = client.runs.create(thread.thread_id, "error", input={"messages": []}, after_seconds=1)
        with pytest.raises(RunError, match="node exploded"):
            list(stream)
    client.runs.join(thread.thread_id, first.run_id, raise_error=False)
    with client.threads.join_stream(thread.thread_id, raise_error=False, timeout=60) as stream:
        failing = client.runs.create(thread.thread_id, "error", input={"messages": []}, after_seconds=1)
        client.runs.join(thread.thread_id, failing.run_id, raise_error=False)
        following = client.runs.create(thread.thread_id, "agent", input={"messages": []})
        events = []
        for part in stream:
            events.append((part.event, part.data.get("run_id"), part.data.get("status")))
            if part.data.get("status") == "run_done" and part.data["run_id"] == following.run_id:
                break
    # (The first run's last "run_done" may still arrive on this stream: it is not looked at.)
    started = events.index(("metadata", failing.run_id, None))
    assert events[started:].index(("error", None, None)) < events[started:].index(("metadata", following.run_id,
                                                                                  None))
    assert ("metadata", failing.run_id, "run_done") in events[started:]
    assert events[-1] == ("metadata", following.run_id, "run_done")
