"""Port of the sync tests of the SDK's ``tests/streaming/test_thread_stream_path_encoding.py``:
a thread stream percent-encodes ``thread_id`` and ``assistant_id`` in the paths it requests, so
``..``, ``/`` and ``#`` stay inside one path segment.

The SDK's handler serves every client through ``Served`` (a real socket). The async tests are
the SDK's async client, which this client does not have. Adapted: with the thread's state at
rest, this client also looks the thread's latest run up (``GET .../runs``: a pending run does
not show in the state; docs/porting.md), so the handler answers that path with no runs, and
that path's encoding is checked too.
"""

from __future__ import annotations

import httpx

from .served import Served

SOURCE = "tests/streaming/test_thread_stream_path_encoding.py"

# Interpolated raw, httpx would collapse the `..` segments and treat `#` as a
# fragment, producing `/assistants/a/graph` and `/other/path`.
THREAD_ID = "../assistants/a/graph#"
ASSISTANT_ID = "../../other/path#"
ENCODED_STATE_PATH = "/threads/..%2Fassistants%2Fa%2Fgraph%23/state"
ENCODED_RUNS_PATH = "/threads/..%2Fassistants%2Fa%2Fgraph%23/runs"
ENCODED_GRAPH_PATH = "/assistants/..%2F..%2Fother%2Fpath%23/graph"

TERMINAL_STATE = {"values": {"ok": True}, "next": [], "tasks": []}


def _recording_handler(gets: list[str]):
    def handler(request: httpx.Request) -> httpx.Response:
        if request.method == "GET":
            path = request.url.raw_path.decode("ascii").split("?", 1)[0]
            gets.append(path)
            if path.endswith("/runs"):  # only this client asks (see the module docstring)
                return httpx.Response(200, json=[])
            return httpx.Response(200, json=TERMINAL_STATE)
        # Lifecycle watcher subscription: an empty event stream.
        return httpx.Response(
            200, headers={"content-type": "text/event-stream"}, content=b""
        )

    return handler


def test_sync_output_encodes_thread_id(lib):
    gets: list[str] = []
    with (
        Served(_recording_handler(gets)) as served,
        lib.get_sync_client(url=served.url) as client,
        client.threads.stream(thread_id=THREAD_ID, assistant_id="agent") as thread,
    ):
        assert thread.output == {"ok": True}

    assert gets == ([ENCODED_STATE_PATH, ENCODED_RUNS_PATH] if lib.ours else [ENCODED_STATE_PATH])


def test_sync_agent_get_tree_encodes_assistant_id(lib):
    gets: list[str] = []
    with (
        Served(_recording_handler(gets)) as served,
        lib.get_sync_client(url=served.url) as client,
        client.threads.stream(thread_id="t-1", assistant_id=ASSISTANT_ID) as thread,
    ):
        thread.agent.get_tree()

    assert gets == [ENCODED_GRAPH_PATH]
