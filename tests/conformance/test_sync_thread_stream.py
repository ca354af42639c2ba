"""Port of the SDK's ``tests/streaming/test_sync_thread_stream.py``: ``client.threads.stream``.

Each test runs against ``ThreadServer`` (the SDK's ``SyncFakeServer`` scripting, on a real
socket) with ``langgraph_sdk`` and with this client. Adapted, apart from the construction:

- the run's outcome, read by the SDK test through ``thread._run_done`` /
  ``_wait_for_run_done()``, is read with ``thread_compat.run_terminal`` (the same handle for the
  SDK; ``output`` returning or raising for this client);
- ``test_sync_concurrent_commands_do_not_share_command_id`` sends its 50 concurrent commands
  with the public ``thread.run.start`` (the SDK test called ``stream._send_command`` after
  swapping the transport) and reads the ids the server received;
- ``test_sync_minted_thread_opens_the_lifecycle_stream_after_run_start`` checks that no stream
  request reached the server before ``run.start`` (the SDK test: no watcher thread);
- ``test_v3_streaming_sync_surface_smoke`` gates the SDK's ``controller.reconcile_stream`` on a
  barrier as the SDK test does (the SDK loses events otherwise); this client is not gated;
- the lifecycle-watcher tests on an existing thread give the fake thread's state a next step
  (``under_way``: a run under way, as their scripts show; the SDK's watcher ignores the state,
  and a state at rest ends this client's ``output`` at once, as it ends the SDK's); their error
  frame is this client's ``CommandError`` (``assert_stream_failed``), the SDK's text for it;
- deliberate differences (docs/porting.md): no connection at ``__enter__``
  (``NO_EARLY_CONNECTION``), a clean end of the connection is not the run's failure, a
  projection iterated after the ``with`` block raises, no ``transport="websocket"``;
- a step that only waits for an SDK background thread (its lifecycle watcher) to reach a point,
  or sets its private retry budget, is done for the SDK only; the SDK tests' setting of the
  controller's private run-start gate before their private calls is dropped with those calls.

Left out (SDK internals, no public observable): ``test_sync_subscribe_before_run_start_waits_on_gate``
(controller ``_run_start_gate``), ``test_sync_reconnect_uses_backoff_between_attempts``,
``test_sync_rotation_does_not_lose_buffered_events``, ``test_sync_reconnect_stops_on_a_404``
(``SyncStreamController`` driven with a fake transport),
``test_close_unblocks_active_subscription_before_lifecycle_join`` (controller subscription queue
and the watcher join order), ``test_sync_concurrent_run_starts_start_one_lifecycle_watcher``
(counts the SDK's watcher ``threading.Thread`` objects by name).
"""

from __future__ import annotations

import re
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from .thread_compat import run_terminal, status_of_error
from .thread_server import (
    StreamScript,
    ThreadServer,
    bounded,
    checkpoints_event,
    custom_event,
    lifecycle_completed_event,
    lifecycle_errored_event,
    lifecycle_event,
    lifecycle_started_event,
    message_finish_event,
    message_start_event,
    message_text_delta_event,
    message_text_finish_event,
    tasks_start_event,
    thread_stream_failed_frame,
    tool_finished_event,
    tool_started_event,
    updates_event,
    values_event,
)

SOURCE = "tests/streaming/test_sync_thread_stream.py"

NO_EARLY_CONNECTION = ("no connection is opened at __enter__ (the first read opens it), so there is no "
                       "early 404 to retry; the script is ordered for the SDK's early lifecycle connection")


def under_way(fake: ThreadServer, values: dict | None = None) -> None:
    """The thread's state as while the scripted run is under way (a next step to take). The SDK's
    lifecycle watcher ignores the state; a stream opened on an existing thread whose state is at
    rest (no next step, no task) ends at once, for the SDK's ``output`` as for this client."""
    fake.set_state(values if values is not None else {}, next=["agent"])


def assert_stream_failed(lib, error: BaseException | None) -> None:
    """The server's error frame is the run's error: the SDK's ``RuntimeError`` text, or this
    client's ``CommandError`` with the frame's code and message."""
    if not lib.ours:
        assert str(error) == "Protocol error [unknown_error]: Thread event stream failed."
        return
    assert isinstance(error, lib.module.CommandError), repr(error)
    assert error.code == "unknown_error" and "Thread event stream failed." in str(error)


def test_sync_concurrent_commands_do_not_share_command_id(lib):
    """50 concurrent threads sending commands must each use a unique id."""
    with ThreadServer() as fake, lib.get_sync_client(url=fake.url) as client:
        fake.script_sequence([StreamScript(events=[])])
        with (
            client.threads.stream(thread_id="t-cmd", assistant_id="agent") as stream,
            ThreadPoolExecutor(max_workers=50) as ex,
        ):
            futures = [ex.submit(stream.run.start, input={}) for _ in range(50)]
            for f in futures:
                f.result()

    captured_ids = [command["id"] for command in fake.received_commands]
    assert len(set(captured_ids)) == 50, (
        f"Expected 50 unique command ids, got {len(set(captured_ids))} unique "
        f"out of {len(captured_ids)} total: {sorted(captured_ids)}"
    )


def test_sync_events_returns_fresh_iterator_each_access(lib):
    """Two accesses of `thread.events` yield independent subscriptions."""
    event_1 = values_event(seq=1, counter=1)
    with ThreadServer() as fake, lib.get_sync_client(url=fake.url) as client:
        fake.script_sequence(
            [
                StreamScript(events=[]),  # lifecycle watcher
                StreamScript(events=[event_1]),  # first events access
                StreamScript(events=[event_1]),  # second events access
            ]
        )
        with client.threads.stream(thread_id="t-5", assistant_id="agent") as thread:
            iter1 = thread.events
            iter2 = thread.events

            assert iter1 is not iter2


def test_sync_thread_agent_get_tree_fetches_assistant_graph(lib):
    with ThreadServer() as fake, lib.get_sync_client(url=fake.url) as client:
        fake.set_graph(
            {
                "nodes": [{"id": "agent", "type": "runnable", "data": {"name": "agent"}}],
                "edges": [{"source": "agent", "target": "__end__"}],
            }
        )
        with client.threads.stream(
            thread_id="t-1",
            assistant_id="agent",
            headers={"X-Custom-Header": "my-value"},
        ) as thread:
            graph = thread.agent.get_tree(xray=True)

    assert graph["nodes"][0]["id"] == "agent"
    assert graph["edges"] == [{"source": "agent", "target": "__end__"}]
    assert fake.graph_request_params == [{"xray": "true"}]
    assert fake.graph_request_headers[0].get("x-custom-header") == "my-value"


def test_sync_thread_agent_get_tree_raises_after_close(lib):
    with ThreadServer() as fake, lib.get_sync_client(url=fake.url) as client:
        stream = client.threads.stream(thread_id="t-1", assistant_id="agent")
        stream.close()
        with pytest.raises(RuntimeError, match="closed"):
            stream.agent.get_tree()


def test_sync_extensions_projection_empty_name_raises(lib):
    with ThreadServer() as fake, lib.get_sync_client(url=fake.url) as client:
        stream = client.threads.stream(thread_id="t-1", assistant_id="agent")
        with pytest.raises(ValueError, match="non-empty"):
            stream.extensions[""]


def test_sync_extensions_projection_closed_stream_yields_nothing(lib):
    lib.differs("a projection iterated after the with block raises StreamClosedError (docs/porting.md)")
    with ThreadServer() as fake, lib.get_sync_client(url=fake.url) as client:
        with client.threads.stream(thread_id="t-1", assistant_id="agent") as stream:
            pass
        payloads = list(stream.extensions["progress"])
    assert payloads == []


def test_sync_threads_stream_mints_uuid4_when_thread_id_none(lib):
    with ThreadServer() as fake, lib.get_sync_client(url=fake.url) as client:
        stream = client.threads.stream(assistant_id="agent")
        assert re.fullmatch(
            r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}",
            stream.thread_id,
        )
        assert uuid.UUID(stream.thread_id).version == 4


def test_sync_run_start_sends_command(lib):
    with ThreadServer() as fake, lib.get_sync_client(url=fake.url) as client:
        fake.script([lifecycle_completed_event(seq=1)])
        with client.threads.stream(thread_id="t-1", assistant_id="agent") as thread:
            result = thread.run.start(
                input={"x": 1},
                langsmith_tracing={"project_name": "replica-project"},
            )

    assert result == {"run_id": "run-1"}
    assert fake.received_commands[0]["method"] == "run.start"
    assert fake.received_commands[0]["params"]["assistant_id"] == "agent"
    assert fake.received_commands[0]["params"]["langsmith_tracer"] == {
        "project_name": "replica-project"
    }


def test_sync_events_iterates_raw_events(lib):
    with ThreadServer() as fake, lib.get_sync_client(url=fake.url) as client:
        fake.script([values_event(seq=1, counter=1)])
        with client.threads.stream(thread_id="t-1", assistant_id="agent") as thread:
            thread.run.start(input={})
            events = list(thread.subscribe(["values"]))

    assert events == [values_event(seq=1, counter=1)]


def test_sync_lifecycle_watcher_reconnects_with_since_after_transport_drop(lib):
    with ThreadServer() as fake, lib.get_sync_client(url=fake.url) as client:
        under_way(fake, {"ok": True})
        fake.script_sequence(
            [
                StreamScript(
                    events=[lifecycle_event(seq=1, phase="running")],
                    fail_after=1,
                ),
                StreamScript(events=[lifecycle_completed_event(seq=2)]),
            ]
        )
        with client.threads.stream(thread_id="existing", assistant_id="agent") as thread:
            terminal = run_terminal(lib, thread, timeout=10.0)

    assert terminal.status == "completed"
    assert terminal.error is None
    assert fake.stream_request_bodies[1]["since"] == 1


def test_sync_subgraph_completed_event_does_not_end_run(lib):
    with ThreadServer() as fake, lib.get_sync_client(url=fake.url) as client:
        under_way(fake)
        fake.script(
            [
                lifecycle_completed_event(seq=1, namespace=["child:1"]),
                lifecycle_errored_event(seq=2, error="root failed"),
            ]
        )
        with client.threads.stream(thread_id="existing", assistant_id="agent") as thread:
            terminal = run_terminal(lib, thread, timeout=10.0)

    assert terminal.status == "errored", "a subgraph's completed event ended the run"
    assert "root failed" in str(terminal.error)


def test_sync_threads_stream_accepts_websocket_transport_option(lib):
    lib.differs("transport='websocket' is not offered (the SSE transport only; docs/porting.md)")
    with ThreadServer() as fake, lib.get_sync_client(url=fake.url) as client:
        stream = client.threads.stream(
            thread_id="t-1",
            assistant_id="agent",
            transport="websocket",
        )
    assert stream._transport_kind == "websocket"


def test_sync_threads_stream_rejects_unknown_transport_option(lib):
    with (
        ThreadServer() as fake,
        lib.get_sync_client(url=fake.url) as client,
        pytest.raises(ValueError, match="transport"),
    ):
        client.threads.stream(
            thread_id="t-1",
            assistant_id="agent",
            transport="bogus",
        )


def test_v3_streaming_sync_surface_smoke(lib):
    """Four threads read values, messages, tool_calls and an extension at once."""
    with ThreadServer() as fake, lib.get_sync_client(url=fake.url) as client:
        fake.set_state({"final": True})
        fake.script(
            [
                values_event(seq=1, values={"step": 1}),
                message_start_event(seq=2, message_id="msg-1"),
                message_text_delta_event(seq=3, text="hi", message_id="msg-1"),
                message_text_finish_event(seq=4, text="hi", message_id="msg-1"),
                message_finish_event(seq=5, message_id="msg-1"),
                tool_started_event(seq=6, tool_call_id="call-1", tool_name="search"),
                tool_finished_event(seq=7, tool_call_id="call-1", output={"ok": True}),
                custom_event(seq=8, name="progress", step=1),
                lifecycle_completed_event(seq=9),
            ]
        )
        with client.threads.stream(thread_id="t-1", assistant_id="agent") as thread:
            start = thread.run.start(
                input={"messages": [{"role": "user", "content": "hi"}]}
            )

            controller = None
            if not lib.ours:
                # As the SDK test does: every projection registers before the shared
                # stream opens, or the SDK drops events.
                controller = thread._controller
                assert controller is not None
                barrier = threading.Barrier(4)
                real_reconcile = controller.reconcile_stream

                def _gated_reconcile(candidate_filter):
                    barrier.wait(timeout=10)
                    return real_reconcile(candidate_filter)

                controller.reconcile_stream = _gated_reconcile

            results: dict[str, object] = {}
            errors: list[BaseException] = []

            def _run_values() -> None:
                try:
                    for v in thread.values:
                        results["values"] = v
                        return
                except BaseException as err:
                    errors.append(err)

            def _run_messages() -> None:
                try:
                    results["messages"] = list(thread.messages)
                except BaseException as err:
                    errors.append(err)

            def _run_tools() -> None:
                try:
                    results["tools"] = list(thread.tool_calls)
                except BaseException as err:
                    errors.append(err)

            def _run_progress() -> None:
                try:
                    results["progress"] = list(thread.extensions["progress"])
                except BaseException as err:
                    errors.append(err)

            workers = [
                threading.Thread(target=_run_values, daemon=True),
                threading.Thread(target=_run_messages, daemon=True),
                threading.Thread(target=_run_tools, daemon=True),
                threading.Thread(target=_run_progress, daemon=True),
            ]
            for w in workers:
                w.start()
            for w in workers:
                w.join(timeout=10)
                assert not w.is_alive(), "smoke worker thread hung"
            if controller is not None:
                controller.reconcile_stream = real_reconcile
            assert not errors, errors
            final = thread.output

    assert start == {"run_id": "run-1"}
    assert results["values"] == fake.state["values"]
    messages_result = results["messages"]
    assert isinstance(messages_result, list)
    assert [str(m.text) for m in messages_result] == ["hi"]
    tools_result = results["tools"]
    assert isinstance(tools_result, list)
    assert tools_result[0].name == "search"
    assert results["progress"] == [{"name": "progress", "step": 1}]
    assert final == {"final": True}


# ---------------------------------------------------------------------------
# interleave_projections tests
# ---------------------------------------------------------------------------


def test_interleave_projections_single_channel_values(lib):
    with ThreadServer() as fake, lib.get_sync_client(url=fake.url) as client:
        fake.set_state({"counter": 0})
        fake.script(
            [
                lifecycle_started_event(seq=0),
                values_event(seq=1, counter=1),
                values_event(seq=2, counter=2),
                lifecycle_completed_event(seq=3),
            ]
        )
        with client.threads.stream(thread_id="t-1", assistant_id="agent") as thread:
            thread.run.start(input={})
            items = []
            for ch, item in thread.interleave_projections(["values"]):
                items.append((ch, item))
    assert ("values", {"counter": 1}) in items
    assert ("values", {"counter": 2}) in items
    assert all(ch == "values" for ch, _ in items)


def test_interleave_projections_values_and_messages_arrival_order(lib):
    with ThreadServer() as fake, lib.get_sync_client(url=fake.url) as client:
        fake.set_state({"counter": 0})
        fake.script(
            [
                lifecycle_started_event(seq=0),
                values_event(seq=1, counter=1),
                message_start_event(seq=2, message_id="m-1"),
                values_event(seq=3, counter=2),
                message_finish_event(seq=4, message_id="m-1"),
                lifecycle_completed_event(seq=5),
            ]
        )
        with client.threads.stream(thread_id="t-1", assistant_id="agent") as thread:
            thread.run.start(input={})
            order = []
            for ch, _ in thread.interleave_projections(["values", "messages"]):
                order.append(ch)
                if len(order) >= 3:
                    break
    assert order[:3] == ["values", "messages", "values"]


def test_interleave_projections_mixes_builtin_and_extension(lib):
    with ThreadServer() as fake, lib.get_sync_client(url=fake.url) as client:
        fake.set_state({"counter": 0})
        fake.script(
            [
                lifecycle_started_event(seq=0),
                values_event(seq=1, counter=1),
                custom_event(seq=2, name="foo", hello="world"),
                lifecycle_completed_event(seq=3),
            ]
        )
        with client.threads.stream(thread_id="t-1", assistant_id="agent") as thread:
            thread.run.start(input={})
            items = []
            for ch, item in thread.interleave_projections(["values", "foo"]):
                items.append((ch, item))
    assert ("values", {"counter": 1}) in items
    assert ("foo", {"name": "foo", "hello": "world"}) in items


def test_interleave_projections_tool_calls_uses_public_name(lib):
    with ThreadServer() as fake, lib.get_sync_client(url=fake.url) as client:
        fake.set_state({})
        fake.script(
            [
                lifecycle_started_event(seq=0),
                tool_started_event(seq=1, tool_call_id="call-1", tool_name="search"),
                tool_finished_event(seq=2, tool_call_id="call-1", output={"ok": True}),
                lifecycle_completed_event(seq=3),
            ]
        )
        with client.threads.stream(thread_id="t-1", assistant_id="agent") as thread:
            thread.run.start(input={})
            names = []
            handle = None
            for ch, item in thread.interleave_projections(["tool_calls"]):
                names.append(ch)
                if handle is None:
                    handle = item
                break
    assert names == ["tool_calls"]
    assert handle is not None
    assert handle.tool_call_id == "call-1"


def test_interleave_projections_subgraphs_discovers_child(lib):
    with ThreadServer() as fake, lib.get_sync_client(url=fake.url) as client:
        fake.set_state({})
        fake.script(
            [
                lifecycle_started_event(seq=0),
                lifecycle_started_event(seq=1, namespace=["child"]),
                lifecycle_completed_event(seq=2),
            ]
        )
        with client.threads.stream(thread_id="t-1", assistant_id="agent") as thread:
            thread.run.start(input={})
            discovered = []
            for ch, handle in thread.interleave_projections(["subgraphs"]):
                discovered.append((ch, handle.path))
    assert ("subgraphs", ("child",)) in discovered


def test_interleave_projections_inflight_tool_call_failed_on_break(lib):
    """A tool handle held past an early break is failed in teardown, never left hanging."""
    with ThreadServer() as fake, lib.get_sync_client(url=fake.url) as client:
        fake.set_state({})
        fake.script(
            [
                lifecycle_started_event(seq=0),
                tool_started_event(seq=1, tool_call_id="call-1", tool_name="search"),
                # no tool-finished: the call is still in flight when the consumer breaks
                lifecycle_completed_event(seq=2),
            ]
        )
        with client.threads.stream(thread_id="t-1", assistant_id="agent") as thread:
            thread.run.start(input={})
            handle = None
            for _, item in thread.interleave_projections(["tool_calls"]):
                handle = item
                break
            assert handle is not None
            # The SDK test waits on the handle's private result with a 2 s timeout;
            # its public ``output`` is that wait, bounded the same way here.
            with pytest.raises(RuntimeError):
                bounded(lambda: handle.output, timeout=2)


def test_interleave_projections_inflight_subgraph_finished_on_terminal(lib):
    """A discovered subgraph child with no terminal tasks-result is force-completed."""
    with ThreadServer() as fake, lib.get_sync_client(url=fake.url) as client:
        fake.set_state({})
        fake.script(
            [
                lifecycle_started_event(seq=0),
                lifecycle_started_event(seq=1, namespace=["child"]),
                # no tasks-result for the child: it is still "started" at run end
                lifecycle_completed_event(seq=2),
            ]
        )
        with client.threads.stream(thread_id="t-1", assistant_id="agent") as thread:
            thread.run.start(input={})
            child = None
            for _, handle in thread.interleave_projections(["subgraphs"]):
                child = handle
            assert child is not None
            assert child.status == "completed"


@pytest.mark.parametrize("channel", ["lifecycle", "tools", "input"])
def test_interleave_projections_rejects_reserved_channel(lib, channel):
    """Reserved protocol channel names raise instead of silently no-op'ing."""
    with ThreadServer() as fake, lib.get_sync_client(url=fake.url) as client:
        fake.set_state({})
        fake.script([lifecycle_started_event(seq=0), lifecycle_completed_event(seq=1)])
        with (
            client.threads.stream(thread_id="t-1", assistant_id="agent") as thread,
            pytest.raises(ValueError, match=channel),
        ):
            for _ in thread.interleave_projections([channel]):
                pass


def test_interleave_projections_data_channels_yield_payloads(lib):
    """`updates`/`checkpoints`/`tasks` yield their raw `params.data` payloads."""
    with ThreadServer() as fake, lib.get_sync_client(url=fake.url) as client:
        fake.set_state({})
        fake.script(
            [
                lifecycle_started_event(seq=0),
                updates_event(seq=1, node={"v": 1}),
                checkpoints_event(seq=2, ts="t-0", v=4),
                tasks_start_event(seq=3, task_id="task-9"),
                lifecycle_completed_event(seq=4),
            ]
        )
        with client.threads.stream(thread_id="t-1", assistant_id="agent") as thread:
            thread.run.start(input={})
            items = list(
                thread.interleave_projections(["updates", "checkpoints", "tasks"])
            )
    assert ("updates", {"node": {"v": 1}}) in items
    assert ("checkpoints", {"ts": "t-0", "v": 4}) in items
    assert any(ch == "tasks" and item.get("id") == "task-9" for ch, item in items)


def test_interleave_projections_data_channel_scoped_to_root_namespace(lib):
    """A child-namespace checkpoint must not leak into a root interleave."""
    with ThreadServer() as fake, lib.get_sync_client(url=fake.url) as client:
        fake.set_state({"counter": 0})
        fake.script(
            [
                lifecycle_started_event(seq=0),
                checkpoints_event(seq=1, namespace=["child"], scope="child"),
                checkpoints_event(seq=2, scope="root"),
                lifecycle_completed_event(seq=3),
            ]
        )
        with client.threads.stream(thread_id="t-1", assistant_id="agent") as thread:
            thread.run.start(input={})
            checkpoints = [
                item
                for ch, item in thread.interleave_projections(["values", "checkpoints"])
                if ch == "checkpoints"
            ]
    assert {"scope": "root"} in checkpoints
    assert {"scope": "child"} not in checkpoints


def test_sync_lifecycle_clean_eof_fails_the_run_instead_of_blocking(lib):
    lib.differs("a connection the server ends cleanly before the run's end is not the run's failure: "
                "the run is looked up (docs/porting.md)")
    with ThreadServer() as fake, lib.get_sync_client(url=fake.url) as client:
        fake.script([lifecycle_started_event(seq=0)])
        with client.threads.stream(thread_id="t-1", assistant_id="agent") as thread:
            terminal = run_terminal(lib, thread, timeout=2.0)

    assert terminal.status == "errored"
    assert "ended before terminal" in str(terminal.error)


def test_sync_lifecycle_error_frame_becomes_the_run_error(lib):
    with ThreadServer() as fake, lib.get_sync_client(url=fake.url) as client:
        under_way(fake)
        fake.script([lifecycle_event(seq=0, phase="running"), thread_stream_failed_frame()])
        with client.threads.stream(thread_id="t-1", assistant_id="agent") as thread:
            terminal = run_terminal(lib, thread, timeout=2.0)

    assert terminal.status == "errored"
    assert_stream_failed(lib, terminal.error)


def test_sync_lifecycle_watcher_stops_on_a_404_without_retrying(lib):
    with ThreadServer() as fake, lib.get_sync_client(url=fake.url) as client:
        under_way(fake)
        fake.script_sequence([StreamScript(events=[], status=404)])
        with client.threads.stream(thread_id="t-1", assistant_id="agent") as thread:
            terminal = run_terminal(lib, thread, timeout=2.0)

    assert isinstance(terminal.error, lib.StatusError)
    assert status_of_error(lib, terminal.error) == 404
    assert len(fake.stream_request_bodies) == 1


def test_sync_minted_thread_opens_the_lifecycle_stream_after_run_start(lib):
    with ThreadServer() as fake, lib.get_sync_client(url=fake.url) as client:
        fake.script([lifecycle_completed_event(seq=1)])
        with client.threads.stream(assistant_id="agent") as thread:
            assert fake.stream_request_bodies == []
            thread.run.start(input={})
            terminal = run_terminal(lib, thread, timeout=2.0)

    assert terminal.status == "completed"


def _sync_new_thread_scripts() -> list[StreamScript]:
    return [
        StreamScript(events=[], status=404),
        StreamScript(events=[lifecycle_completed_event(seq=1)]),
    ]


def test_sync_run_start_restarts_a_watcher_stopped_by_a_404_for_a_new_thread(lib):
    lib.differs(NO_EARLY_CONNECTION)
    with ThreadServer() as fake, lib.get_sync_client(url=fake.url) as client:
        fake.script_sequence(_sync_new_thread_scripts())
        fake.set_state({"ok": True})
        with client.threads.stream(thread_id="t-new", assistant_id="agent") as thread:
            if not lib.ours:  # wait until the SDK's watcher has met the 404
                rejected = thread._run_done
                assert rejected is not None
                rejected.result(timeout=2.0)
            thread.run.start(input={})
            output = bounded(lambda: thread.output)

    assert output == {"ok": True}
    assert len(fake.stream_request_bodies) == 2


def test_sync_lifecycle_watcher_retries_a_404_that_arrives_after_run_start(lib):
    lib.differs(NO_EARLY_CONNECTION)
    with ThreadServer() as fake, lib.get_sync_client(url=fake.url) as client:
        fake.script_sequence(_sync_new_thread_scripts())
        fake.set_state({"ok": True})
        stream_opened = threading.Event()
        run_started = threading.Event()

        def intercept(request: httpx.Request) -> None:
            if (
                request.url.path.endswith("/stream/events")
                and not fake.stream_request_bodies
            ):
                stream_opened.set()
                run_started.wait(timeout=2.0)

        fake.intercept = intercept
        with client.threads.stream(thread_id="t-new", assistant_id="agent") as thread:
            assert stream_opened.wait(timeout=2.0)
            thread.run.start(input={})
            run_started.set()
            output = bounded(lambda: thread.output)

    assert output == {"ok": True}
    assert len(fake.stream_request_bodies) == 2


def test_sync_lifecycle_watcher_reports_the_error_frame_when_reconnects_run_out(lib):
    with ThreadServer() as fake, lib.get_sync_client(url=fake.url) as client:
        stream = client.threads.stream(thread_id="t-1", assistant_id="agent")
        attempts = 1
        if not lib.ours:
            stream._lifecycle_max_reconnect_attempts = attempts
        fake.script_sequence(
            [
                StreamScript(events=[thread_stream_failed_frame()], fail_after=1)
                for _ in range(attempts + 1)
            ]
        )
        under_way(fake)
        with stream as thread:
            terminal = run_terminal(lib, thread, timeout=10.0)

    assert_stream_failed(lib, terminal.error)
