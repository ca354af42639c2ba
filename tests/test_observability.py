"""What the ``stateless_client`` logger and ``stateless_client.otel`` say about a call
(issue 20): one record when a stream ends, retries and resumes at INFO, never a secret, and a
span that lasts as long as the stream, not as its headers."""

from __future__ import annotations

import logging
import re
import subprocess
import sys
import time
from typing import Any, Callable, Iterator

import pytest

from stateless_client import APITimeoutError, RunError, StreamInterruptedError, Timeout

from .helpers import SECRET
from .loopback import Connection, ScriptedServer, json_answer, sse, status

pytest.importorskip("opentelemetry.sdk")
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import StatusCode

from stateless_client import otel

RUN = "1f0d9c1e-0000-6000-8000-000000000001"
THREAD = "2f0d9c1e-0000-6000-8000-000000000002"
HEADERS = {"content-location": f"/threads/{THREAD}/runs/{RUN}", "location": f"/threads/{THREAD}/runs/{RUN}/stream"}
METADATA = sse("metadata", {"run_id": RUN}, "1")
VALUES = sse("values", {"n": 1}, "2")


def streaming(*chunks: bytes, pause: float = 0.0, end: bool = True, then: Callable[[Connection], None] | None = None,
              headers: dict[str, str] | None = None) -> Callable[[Connection], None]:
    """A handler that sends ``chunks`` (after ``pause`` before the last one) and then ends
    the body, or calls ``then``."""

    def handler(conn: Connection) -> None:
        conn.head(headers=HEADERS if headers is None else headers)
        for index, chunk in enumerate(chunks):
            if pause and index == len(chunks) - 1:
                time.sleep(pause)
            conn.chunk(chunk)
        if then is not None:
            then(conn)
        elif end:
            conn.end_chunks()

    return handler


def ends(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [record for record in caplog.records if hasattr(record, "stream")]


@pytest.fixture
def debug(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    caplog.set_level(logging.DEBUG, logger="stateless_client")
    yield caplog
    assert all(SECRET not in record.getMessage() and SECRET not in repr(vars(record)) for record in caplog.records)


@pytest.fixture
def spans() -> InMemorySpanExporter:
    return InMemorySpanExporter()


@pytest.fixture
def traced(make_client: Callable[..., Any], spans: InMemorySpanExporter) -> Callable[..., Any]:
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(spans))
    return lambda url, **options: otel.instrument(make_client(url, **options), tracer_provider=provider)


def only(spans: InMemorySpanExporter) -> ReadableSpan:
    finished = spans.get_finished_spans()
    assert len(finished) == 1, [span.name for span in finished]
    return finished[0]


# -- the record at a stream's end ----------------------------------------------------------------


def test_a_completed_stream_writes_one_debug_record_with_its_counts(make_client: Any, debug: Any) -> None:
    with ScriptedServer(streaming(METADATA, VALUES, VALUES)) as server:
        parts = list(make_client(server.url, api_key=SECRET).runs.stream(THREAD, "agent", input={}))
    [record] = ends(debug)
    assert record.levelno == logging.DEBUG
    assert record.stream == {  # type: ignore[attr-defined]
        "kind": "RunStream", "method": "POST", "url": f"{server.url}/threads/{THREAD}/runs/stream", "run_id": RUN,
        "thread_id": THREAD, "events": len(parts), "bytes": len(METADATA + VALUES + VALUES),
        "duration": record.stream["duration"], "outcome": "completed",  # type: ignore[attr-defined]
    }
    assert f"RunStream of run {RUN} on thread {THREAD} ended: completed; 3 events" in record.getMessage()


def test_an_end_event_and_a_run_error_say_so(make_client: Any, debug: Any) -> None:
    failed = sse("error", {"error": "ValueError", "message": "boom"})
    with ScriptedServer(streaming(METADATA, sse("end", None)), streaming(METADATA, failed)) as server:
        client = make_client(server.url)
        assert [part.event for part in client.runs.stream(None, "agent")] == ["metadata", "end"]
        with pytest.raises(RunError):
            list(client.runs.stream(None, "agent"))
    first, second = ends(debug)
    assert (first.stream["outcome"], first.levelno) == ("end event", logging.DEBUG)  # type: ignore[attr-defined]
    assert (second.stream["outcome"], second.levelno) == ("run error", logging.INFO)  # type: ignore[attr-defined]
    assert second.stream["events"] == 1 and "(RunError)" in second.getMessage()  # type: ignore[attr-defined]
    assert "boom" not in second.getMessage()  # the run's own words stay in the exception


def test_closing_early_is_closed_by_caller_at_debug_once(make_client: Any, debug: Any) -> None:
    with ScriptedServer(streaming(METADATA, VALUES, end=False, then=Connection.wait_for_client_close)) as server:
        stream = make_client(server.url).runs.stream(None, "agent")
        assert next(stream).event == "metadata"
        stream.close()
        stream.close()
    [record] = ends(debug)
    assert (record.stream["outcome"], record.levelno) == ("closed by caller", logging.DEBUG)  # type: ignore[attr-defined]
    assert record.stream["events"] == 1  # type: ignore[attr-defined]


def test_a_drop_that_cannot_resume_is_interrupted_at_warning(make_client: Any, debug: Any) -> None:
    dropped = streaming(METADATA, b"event: values\ndata: {", then=Connection.reset)
    with ScriptedServer(dropped) as server, pytest.raises(StreamInterruptedError):
        list(make_client(server.url).runs.stream(None, "agent"))
    [record] = ends(debug)
    assert (record.stream["outcome"], record.levelno) == ("interrupted", logging.WARNING)  # type: ignore[attr-defined]
    assert record.stream["events"] == 1 and record.stream["run_id"] == RUN  # type: ignore[attr-defined]


def test_a_silent_server_is_a_timeout_at_warning(make_client: Any, debug: Any) -> None:
    def silent(conn: Connection) -> None:
        conn.wait_for_client_close()

    with ScriptedServer(streaming(METADATA, end=False, then=silent)) as server, pytest.raises(APITimeoutError):
        list(make_client(server.url, timeout=Timeout(connect=5, read=0.3)).runs.stream(None, "agent"))
    [record] = ends(debug)
    assert (record.stream["outcome"], record.levelno) == ("timeout", logging.WARNING)  # type: ignore[attr-defined]
    assert record.stream["duration"] >= 0.3  # type: ignore[attr-defined]


def test_at_warning_a_normal_end_writes_nothing(make_client: Any, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="stateless_client")
    with ScriptedServer(streaming(METADATA, VALUES)) as server:
        list(make_client(server.url).runs.stream(None, "agent"))
    assert caplog.records == []


# -- retries and resumes at INFO, without secrets ---------------------------------------------------


def test_a_resume_is_logged_at_info_and_counted_once(make_client: Any, debug: Any) -> None:
    # The resumed stream ends without an ``end`` event, so the client asks whether the run ended.
    with ScriptedServer(streaming(METADATA, b"event: values\ndata: {", then=Connection.reset),
                        streaming(VALUES), json_answer({"status": "success"})) as server:
        parts = list(make_client(server.url).runs.stream(None, "agent", stream_resumable=True))
    assert [part.event for part in parts] == ["metadata", "values"]
    [resume] = [record for record in debug.records if "reconnecting" in record.getMessage()]
    assert resume.levelno == logging.INFO
    assert re.search(r"after event '1' in \d\.\d\d s \(attempt 1, the connection ", resume.getMessage())
    [record] = ends(debug)
    assert record.stream["events"] == 2 and record.stream["outcome"] == "completed"  # type: ignore[attr-defined]
    assert record.stream["bytes"] == len(METADATA + b"event: values\ndata: {" + VALUES)  # type: ignore[attr-defined]


def test_a_retry_is_logged_at_info_without_the_query(make_client: Any, debug: Any) -> None:
    limited = status(503, "Service Unavailable", retry_after="0")
    with ScriptedServer(limited, streaming(METADATA), json_answer({"status": "success"})) as server:
        client = make_client(server.url, api_key=SECRET)
        list(client.http.stream("/runs/stream", "GET", params={"token": SECRET}))
    assert server.requests[1].target == f"/runs/stream?token={SECRET}"  # sent, but never logged
    [retry] = [record for record in debug.records if "retrying" in record.getMessage()]
    assert retry.levelno == logging.INFO
    assert retry.getMessage() == f"retrying GET {server.url}/runs/stream in 0.00 s (attempt 1, status 503)"
    assert ends(debug)[0].stream["url"] == f"{server.url}/runs/stream"  # type: ignore[attr-defined]


# -- the pieces ------------------------------------------------------------------------------------


def test_observe_outcomes_and_levels() -> None:
    from stateless_client._exceptions import StreamClosedError
    from stateless_client._http.observe import level_of, log_url, outcome_of

    assert outcome_of(StreamClosedError("x")) == "closed by caller"
    assert outcome_of(ValueError("x")) == "ValueError"
    assert level_of("completed") == logging.DEBUG and level_of("ValueError") == logging.WARNING
    assert log_url("http://u:p@host:1/a?key=1#f") == "http://***@host:1/a"


# -- tracing ---------------------------------------------------------------------------------------


def test_the_span_lasts_as_long_as_the_stream(traced: Any, spans: InMemorySpanExporter) -> None:
    with ScriptedServer(streaming(METADATA, VALUES, pause=0.5)) as server:
        stream = traced(server.url).runs.stream(THREAD, "agent", input={})
        headers_after = stream.response.elapsed.total_seconds()
        assert spans.get_finished_spans() == ()  # open while the stream is
        assert len(list(stream)) == 2
    span = only(spans)
    assert headers_after < 0.25
    assert span.end_time is not None and span.start_time is not None
    assert (span.end_time - span.start_time) / 1e9 >= 0.5
    assert span.name == "POST /threads/{id}/runs/stream"
    assert dict(span.attributes or {}) == {
        "http.request.method": "POST", "url.full": f"{server.url}/threads/{THREAD}/runs/stream",
        "url.template": "/threads/{id}/runs/stream", "server.address": "127.0.0.1",
        "server.port": int(server.url.rsplit(":", 1)[1]), "http.response.status_code": 200,
        "langgraph.assistant_id": "agent", "langgraph.run_id": RUN, "langgraph.thread_id": THREAD,
        "langgraph.stream.events": 2, "langgraph.stream.bytes": len(METADATA + VALUES),
        "langgraph.stream.outcome": "completed",
    }
    assert span.status.status_code is StatusCode.UNSET


def test_a_failed_run_marks_the_span(traced: Any, spans: InMemorySpanExporter) -> None:
    failed = sse("error", {"error": "ValueError", "message": "boom"})
    with ScriptedServer(streaming(METADATA, failed)) as server, pytest.raises(RunError):
        list(traced(server.url).runs.stream(None, "agent"))
    span = only(spans)
    assert span.status.status_code is StatusCode.ERROR
    assert (span.attributes or {})["error.type"] == "RunError"
    assert (span.attributes or {})["langgraph.stream.outcome"] == "run error"


def test_a_json_call_and_a_status_error(traced: Any, spans: InMemorySpanExporter) -> None:
    from stateless_client import NotFoundError

    thread = {"thread_id": THREAD, "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z",
              "metadata": {}, "status": "idle", "values": None, "interrupts": {}}
    missing = status(404, "Not Found", b'{"detail": "no"}', "application/json")
    with ScriptedServer(json_answer(thread), missing) as server:
        client = traced(server.url, api_key=SECRET)
        assert client.threads.get(THREAD)["thread_id"] == THREAD
        with pytest.raises(NotFoundError):
            client.threads.get(THREAD)
    found, span = spans.get_finished_spans()
    assert (found.attributes or {})["http.response.status_code"] == 200 and found.status.status_code is StatusCode.UNSET
    attributes = dict(span.attributes or {})
    assert span.name == "GET /threads/{id}"
    assert attributes["error.type"] == "404" and attributes["http.response.status_code"] == 404
    assert attributes["langgraph.thread_id"] == THREAD
    assert SECRET not in repr(attributes)


def test_tracing_off_imports_no_opentelemetry() -> None:
    code = (
        "import sys, stateless_client, stateless_client.otel\n"
        "stateless_client.get_client(url='http://127.0.0.1:9', api_key=None)\n"
        "print([name for name in sys.modules if name.startswith('opentelemetry')])"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_a_thread_stream_connection_writes_its_record(client: Any, debug: Any) -> None:
    with client.threads.stream(assistant_id="tokens") as thread:
        started = thread.run.start(input={"messages": [{"role": "human", "content": "hi"}]})
        assert list(thread.values)
    records = [record for record in ends(debug) if record.stream["kind"] == "ThreadStream"]  # type: ignore[attr-defined]
    assert records
    last = records[-1].stream  # type: ignore[attr-defined]
    assert (last["thread_id"], last["run_id"], last["outcome"]) == (thread.thread_id, started["run_id"], "completed")
    assert last["events"] > 0 and last["bytes"] > 0 and last["url"].endswith("/stream/events")


def test_the_docs_examples_run(server: Any) -> None:
    from pathlib import Path

    from .test_docs import _run

    _run((Path(__file__).parent.parent / "docs" / "observability.md").read_text(), {"SERVER_URL": server.url})


def test_a_stream_dropped_unread_still_writes_its_record_and_ends_its_span(
    traced: Any, spans: InMemorySpanExporter, debug: Any
) -> None:
    with ScriptedServer(streaming(METADATA, VALUES, end=False, then=Connection.wait_for_client_close)) as server:
        stream = traced(server.url).runs.stream(None, "agent")
        assert next(stream).event == "metadata"
        del stream  # no close(): the last reference goes
        [record] = ends(debug)
        assert record.stream["outcome"] == "closed by caller"  # type: ignore[attr-defined]
        assert (only(spans).attributes or {})["langgraph.stream.events"] == 1


def test_instrument_twice_is_once_and_uninstrument_stops(traced: Any, spans: InMemorySpanExporter) -> None:
    with ScriptedServer(streaming(METADATA), streaming(METADATA)) as server:
        client = traced(server.url)
        otel.instrument(client)  # a second time: still one span per call
        list(client.runs.stream(None, "agent"))
        assert len(spans.get_finished_spans()) == 1
        otel.uninstrument(client)
        assert "request" not in vars(client._transport)  # back to the class's own method
        list(client.runs.stream(None, "agent"))
    assert len(spans.get_finished_spans()) == 1
