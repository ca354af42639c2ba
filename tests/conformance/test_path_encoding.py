"""Port of the SDK's ``tests/test_path_encoding.py`` (GHSA-w39p-vh2g-g8g5): an ID is one path
segment on the wire, whatever characters it holds.

``TestQuotePathParam`` tested the SDK's private ``_quote_path_param``; here each case goes
through a public call (``threads.get(value)``) and the segment that reached the server is
checked, which is what the helper is for. ``TestAsyncPathEncoding``'s tests without a sync twin
run synchronously under that class name; the ones with a sync twin are left out (same
scenarios). Deliberate difference: an ID ``.`` or ``..`` is refused before anything is sent
(``InvalidRequestError``), where the SDK sends it percent-encoded as ``%2E``/``%2E%2E``.
"""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from .served import Served

SOURCE = "tests/test_path_encoding.py"

DOT_IDS = "an ID '.' or '..' is refused before sending (InvalidRequestError), not sent as %2E"


def _wire_path(request: httpx.Request) -> str:
    """Return the path as it goes on the wire (preserves percent-encoding)."""
    return request.url.raw_path.decode("ascii")


def _quote_path_param(lib: Any, value: Any) -> str:
    """The segment ``threads.get(value)`` puts on the wire after ``/threads/``."""
    captured: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        captured.append(_wire_path(request))
        return httpx.Response(200, json={"thread_id": "anything"})

    with Served(handler) as served, lib.get_sync_client(url=served.url) as client:
        client.threads.get(value)
    assert len(captured) == 1 and captured[0].startswith("/threads/")
    return captured[0][len("/threads/"):]


def _refused_unsent(lib: Any, call: Any) -> None:
    """For ours: ``call(client)`` raises InvalidRequestError and nothing reaches the server."""
    if not lib.ours:
        return
    with (Served(lambda request: httpx.Response(200, json={})) as served,
          lib.get_sync_client(url=served.url) as client, pytest.raises(lib.module.InvalidRequestError)):
        call(client)
    assert served.requests == []


class TestQuotePathParam:
    """The encoding of one ID, seen on the wire."""

    def test_uuid_round_trips_unchanged(self, lib) -> None:
        uuid_value = "550e8400-e29b-41d4-a716-446655440000"
        assert _quote_path_param(lib, uuid_value) == uuid_value

    def test_simple_opaque_id_round_trips_unchanged(self, lib) -> None:
        assert _quote_path_param(lib, "thread_123") == "thread_123"
        assert _quote_path_param(lib, "asst_abc") == "asst_abc"

    def test_slash_is_encoded(self, lib) -> None:
        assert _quote_path_param(lib, "foo/bar") == "foo%2Fbar"

    def test_bare_dot_segments_are_encoded(self, lib) -> None:
        # Mixed values that happen to contain dots are not affected.
        assert _quote_path_param(lib, "agent.v1") == "agent.v1"
        # Subsequent ``/`` characters are encoded regardless.
        assert _quote_path_param(lib, "../bar") == "..%2Fbar"
        # "..." is no dot segment: the SDK encodes it all, ours only what must be; both reach
        # the server as the one segment "..." (a server decodes %2E).
        assert _quote_path_param(lib, "...") == ("..." if lib.ours else "%2E%2E%2E")
        _refused_unsent(lib, lambda client: client.threads.get("."))
        _refused_unsent(lib, lambda client: client.threads.get(".."))
        lib.differs(DOT_IDS)
        # All-dot strings are encoded to make them opaque to HTTP stacks that
        # collapse "./.." path segments client-side.
        assert _quote_path_param(lib, ".") == "%2E"
        assert _quote_path_param(lib, "..") == "%2E%2E"

    def test_full_pivot_payload_is_encoded(self, lib) -> None:
        # A caller-supplied identifier that, if interpolated raw, would route
        # the request to a different resource type.
        payload = "../assistants/abc-123"
        encoded = _quote_path_param(lib, payload)
        assert encoded == "..%2Fassistants%2Fabc-123"
        assert "/" not in encoded

    def test_non_string_values_are_coerced_to_str(self, lib) -> None:
        uid = uuid.UUID("550e8400-e29b-41d4-a716-446655440000")
        assert _quote_path_param(lib, uid) == str(uid)
        assert _quote_path_param(lib, 42) == "42"

    def test_none_value_raises_type_error(self, lib) -> None:
        with (Served(lambda request: httpx.Response(200, json={})) as served,
              lib.get_sync_client(url=served.url) as client, pytest.raises(TypeError, match="must not be None")):
            client.threads.get(None)
        assert served.requests == []

    def test_bytes_value_raises_type_error(self, lib) -> None:
        served = Served(lambda request: httpx.Response(200, json={}))
        with served, lib.get_sync_client(url=served.url) as client:
            with pytest.raises(TypeError, match="must not be bytes"):
                client.threads.get(b"bytes")
            with pytest.raises(TypeError, match="must not be bytes"):
                client.threads.get(bytearray(b"bytes"))
        assert served.requests == []


class TestAsyncPathEncoding:
    """The SDK's async-only tests, run synchronously.

    Note: ``request.url.path`` is the percent-decoded display form. The bytes
    that actually go on the wire are in ``request.url.raw_path``; that is what
    the server's router sees and what these tests inspect.
    """

    def test_threads_update_with_pivot_payload_stays_on_threads(self, lib) -> None:
        captured: list[tuple[str, str]] = []

        def handler(request: httpx.Request) -> httpx.Response:
            captured.append((request.method, _wire_path(request)))
            return httpx.Response(200, json={"thread_id": "anything"})

        with Served(handler) as served, lib.get_sync_client(url=served.url) as client:
            client.threads.update("../assistants/abc-123", metadata={"x": 1})

        assert len(captured) == 1
        method, wire = captured[0]
        assert method == "PATCH"
        assert wire.startswith("/threads/")
        segment = wire[len("/threads/"):]
        assert "/" not in segment

    def test_threads_delete_with_pivot_payload_stays_on_threads(self, lib) -> None:
        captured: list[tuple[str, str]] = []

        def handler(request: httpx.Request) -> httpx.Response:
            captured.append((request.method, _wire_path(request)))
            return httpx.Response(200)

        with Served(handler) as served, lib.get_sync_client(url=served.url) as client:
            client.threads.delete("../runs/crons/some-cron-id")

        assert len(captured) == 1
        method, wire = captured[0]
        assert method == "DELETE"
        assert wire.startswith("/threads/")
        segment = wire[len("/threads/"):]
        assert "/" not in segment

    def test_threads_get_state_with_pivot_checkpoint_id_stays_on_state(self, lib) -> None:
        captured: list[str] = []

        def handler(request: httpx.Request) -> httpx.Response:
            captured.append(_wire_path(request))
            return httpx.Response(200, json={})

        with Served(handler) as served, lib.get_sync_client(url=served.url) as client:
            client.threads.get_state(thread_id="tid-1", checkpoint_id="../runs")

        assert len(captured) == 1
        wire = captured[0]
        # Wire path must stay on `/threads/{tid}/state/...`, not pivot to
        # `/threads/tid-1/runs`.
        assert wire.startswith("/threads/tid-1/state/")
        # Strip query string before checking the checkpoint segment.
        path_only = wire.split("?", 1)[0]
        segment = path_only[len("/threads/tid-1/state/"):]
        assert "/" not in segment
        assert segment == "..%2Fruns"

    def test_assistants_get_subgraphs_with_pivot_namespace_stays_on_subgraphs(self, lib) -> None:
        captured: list[str] = []

        def handler(request: httpx.Request) -> httpx.Response:
            captured.append(_wire_path(request))
            return httpx.Response(200, json={})

        with Served(handler) as served, lib.get_sync_client(url=served.url) as client:
            client.assistants.get_subgraphs("aid-1", namespace="../foo")

        assert len(captured) == 1
        wire = captured[0]
        # Wire path must stay on `/assistants/{aid}/subgraphs/...`.
        assert wire.startswith("/assistants/aid-1/subgraphs/")
        # Strip query string before checking the namespace segment.
        path_only = wire.split("?", 1)[0]
        segment = path_only[len("/assistants/aid-1/subgraphs/"):]
        assert "/" not in segment
        assert segment == "..%2Ffoo"

    def test_bare_double_dot_thread_id_survives_to_wire(self, lib) -> None:
        """The all-dot encoding branch must survive httpx's relative-path collapse."""
        _refused_unsent(lib, lambda client: client.threads.get(".."))
        lib.differs(DOT_IDS)
        assert _quote_path_param(lib, "..") == "%2E%2E"

    def test_bare_single_dot_thread_id_survives_to_wire(self, lib) -> None:
        _refused_unsent(lib, lambda client: client.threads.get("."))
        lib.differs(DOT_IDS)
        assert _quote_path_param(lib, ".") == "%2E"


class TestSyncPathEncoding:
    """Sync-client tests that mirror the async coverage on a representative subset."""

    def test_threads_get_with_pivot_payload_stays_on_threads(self, lib) -> None:
        captured: list[str] = []

        def handler(request: httpx.Request) -> httpx.Response:
            captured.append(_wire_path(request))
            return httpx.Response(200, json={"thread_id": "anything"})

        with Served(handler) as served, lib.get_sync_client(url=served.url) as client:
            client.threads.get("../assistants/abc-123")

        assert len(captured) == 1
        wire = captured[0]
        assert wire.startswith("/threads/")
        segment = wire[len("/threads/"):]
        assert "/" not in segment
        assert segment == "..%2Fassistants%2Fabc-123"

    def test_assistants_get_with_pivot_payload_stays_on_assistants(self, lib) -> None:
        captured: list[str] = []

        def handler(request: httpx.Request) -> httpx.Response:
            captured.append(_wire_path(request))
            return httpx.Response(200, json={"assistant_id": "anything"})

        with Served(handler) as served, lib.get_sync_client(url=served.url) as client:
            client.assistants.get("../threads/abc-123")

        assert len(captured) == 1
        wire = captured[0]
        assert wire.startswith("/assistants/")
        segment = wire[len("/assistants/"):]
        assert "/" not in segment

    def test_runs_delete_double_id_pivot_stays_on_threads_runs(self, lib) -> None:
        captured: list[tuple[str, str]] = []

        def handler(request: httpx.Request) -> httpx.Response:
            captured.append((request.method, _wire_path(request)))
            return httpx.Response(200)

        _refused_unsent(lib, lambda client: client.runs.delete("..", "../runs/crons/cron-id"))
        lib.differs(DOT_IDS)
        with Served(handler) as served, lib.get_sync_client(url=served.url) as client:
            client.runs.delete("..", "../runs/crons/cron-id")

        assert len(captured) == 1
        method, wire = captured[0]
        assert method == "DELETE"
        assert wire.startswith("/threads/")
        assert "/runs/crons/" not in wire
        parts = wire.split("/")
        assert len(parts) == 5
        assert parts[1] == "threads"
        assert parts[3] == "runs"
        assert parts[2] == "%2E%2E"
        assert parts[4] == "..%2Fruns%2Fcrons%2Fcron-id"

    def test_crons_delete_with_pivot_payload_stays_on_crons(self, lib) -> None:
        captured: list[tuple[str, str]] = []

        def handler(request: httpx.Request) -> httpx.Response:
            captured.append((request.method, _wire_path(request)))
            return httpx.Response(200)

        with Served(handler) as served, lib.get_sync_client(url=served.url) as client:
            client.crons.delete("../../assistants/abc-123")

        assert len(captured) == 1
        method, wire = captured[0]
        assert method == "DELETE"
        assert wire.startswith("/runs/crons/")
        segment = wire[len("/runs/crons/"):]
        assert "/" not in segment

    def test_uuid_identifier_lands_on_intended_path(self, lib) -> None:
        captured: list[str] = []

        def handler(request: httpx.Request) -> httpx.Response:
            captured.append(_wire_path(request))
            return httpx.Response(200, json={"thread_id": "anything"})

        with Served(handler) as served, lib.get_sync_client(url=served.url) as client:
            client.threads.get("550e8400-e29b-41d4-a716-446655440000")

        assert captured == ["/threads/550e8400-e29b-41d4-a716-446655440000"]
