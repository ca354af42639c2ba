"""Port of the SDK's ``tests/streaming/test_sync_extensions_projection.py``:
``thread.extensions[name]``.

Run against ``ThreadServer`` with both libraries; only the construction is adapted. The request
body's ``custom:progress`` channel is checked for the SDK only (after the payloads, checked for
both): this client's one connection asks for every channel.

Left out: ``test_sync_extension_projection_supports_namespace_scope_on_subgraph_handle``: it
builds the private ``SyncScopedStreamHandle`` by hand for a namespace no ``tasks`` event
announces, which no public call can do.
"""

from __future__ import annotations

from .thread_server import ThreadServer, custom_event, lifecycle_completed_event

SOURCE = "tests/streaming/test_sync_extensions_projection.py"


def test_sync_extension_projection_yields_matching_custom_payloads(lib):
    fake = ThreadServer()
    fake.script(
        [
            custom_event(seq=1, name="progress", step=1),
            custom_event(seq=2, name="metrics", tokens=12),
            custom_event(seq=3, name="progress", step=2),
            lifecycle_completed_event(seq=4),
        ]
    )
    with (
        fake,
        lib.get_sync_client(url=fake.url) as client,
        client.threads.stream(thread_id="t-1", assistant_id="agent") as thread,
    ):
        thread.run.start(input={})
        payloads = list(thread.extensions["progress"])

    assert payloads == [
        {"name": "progress", "step": 1},
        {"name": "progress", "step": 2},
    ]
    # The payloads above are checked for both; the request's channels are the SDK's own.
    lib.differs("one connection carries every channel (custom included), never a projection's own "
                "custom:<name> (docs/porting.md)")
    assert any(
        "custom:progress" in body.get("channels", [])
        for body in fake.stream_request_bodies
    )
