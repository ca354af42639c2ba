"""Port of the SDK's ``tests/streaming/test_sync_shared_stream.py``: the one shared event stream
behind a thread stream's projections.

Run against ``ThreadServer`` with both libraries; only the construction is adapted.

Left out (they drive the SDK's private ``SyncStreamController`` and its subscription queue with
the private ``SyncProtocolSseTransport``): ``test_sync_controller_fans_out_to_subscription``
(its public form is ``test_sync_events_iterates_raw_events``) and
``test_sync_shared_stream_reconnects_with_since_after_transport_drop`` (its public form is
``test_sync_lifecycle_watcher_reconnects_with_since_after_transport_drop``).
"""

from __future__ import annotations

from .thread_server import StreamScript, ThreadServer

SOURCE = "tests/streaming/test_sync_shared_stream.py"


def test_sync_send_command_applied_through_seq_seeds_shared_stream_since(lib):
    fake = ThreadServer()
    fake.script_sequence([StreamScript(events=[]), StreamScript(events=[])])
    fake.script_command_response(
        {
            "type": "success",
            "id": None,
            "result": {"run_id": "run-1"},
            "meta": {"applied_through_seq": 17},
        }
    )
    with (
        fake,
        lib.get_sync_client(url=fake.url) as client,
        client.threads.stream(thread_id="t-1", assistant_id="agent") as thread,
    ):
        thread.run.start(input={})
        assert list(thread.subscribe(["values"])) == []

    # The shared SSE filter is a union of subscription params plus
    # ``lifecycle`` (added by ``_compute_current_union`` for projection-
    # iterator termination on root-terminal). Match any request whose
    # channels include ``values``.
    values_requests = [
        b for b in fake.stream_request_bodies if "values" in (b.get("channels") or [])
    ]
    assert len(values_requests) == 1
    assert values_requests[0]["since"] == 17
