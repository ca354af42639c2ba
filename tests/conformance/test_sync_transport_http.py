"""Port of the SDK's ``tests/streaming/test_sync_transport_http.py``: the HTTP/SSE transport of
a thread stream, as far as a user of the public client can see it.

``test_sync_transport_sends_command`` sends its command with the public ``thread.run.start``
(the SDK test called the private ``SyncProtocolSseTransport.send_command`` and compared the
server's raw answer); the command the server received and the result are checked.

Left out (the private transport's handle: its event iterator, request body and ``error()``):
``test_sync_transport_streams_events`` (its public form is
``test_sync_events_iterates_raw_events``) and ``test_sync_open_event_stream_records_post_ready_error``.
"""

from __future__ import annotations

from .thread_server import ThreadServer

SOURCE = "tests/streaming/test_sync_transport_http.py"


def test_sync_transport_sends_command(lib):
    fake = ThreadServer()
    with (
        fake,
        lib.get_sync_client(url=fake.url) as client,
        client.threads.stream(thread_id="t-1", assistant_id="agent") as thread,
    ):
        result = thread.run.start()

    assert result == {"run_id": "run-1"}
    assert fake.received_commands[0]["method"] == "run.start"
    assert fake.received_commands[0]["params"]["assistant_id"] == "agent"
