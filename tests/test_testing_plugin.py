"""``stateless_client.testing``: the ``langgraph_mock`` fixture's scripted behaviours over a real
socket, what it records, how it fails a test, ``patch``, and ``langgraph_server`` on our graphs.

The plugin is loaded here by module name, as the ``pytest11`` entry point (named after the
module) loads it once installed; inner test runs (``pytester``) load it the same way.
"""

from __future__ import annotations

import importlib.util
import itertools
import json
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from stateless_client import (
    APIConnectionError,
    APITimeoutError,
    InternalServerError,
    NotFoundError,
    RunError,
    StreamInterruptedError,
    get_client,
)
from stateless_client.testing import (
    LangGraphMock,
    custom,
    drop,
    error,
    event,
    heartbeat,
    interrupt,
    pause,
    tokens,
    updates,
    values,
)

pytest_plugins = ["pytester", "stateless_client.testing.plugin"]

ROOT = Path(__file__).parent.parent
PLUGIN = "stateless_client.testing.plugin"


def test_tokens_and_values_arrive_in_order(langgraph_mock: LangGraphMock) -> None:
    langgraph_mock.stream(tokens("Hel", "lo", node="model"), values({"messages": ["hi"]}))
    client = get_client(url=langgraph_mock.url, api_key=None)
    parts = list(client.runs.stream(None, "agent", input={}, stream_mode=["messages-tuple", "values"]))
    assert [part.event for part in parts] == ["metadata", "messages", "messages", "values"]
    chunk, metadata = parts[1].data
    assert (chunk["content"], chunk["type"], metadata["langgraph_node"]) == ("Hel", "AIMessageChunk", "model")
    assert parts[1].data[0]["id"] == parts[2].data[0]["id"]  # one message, two chunks
    assert parts[3].data == {"messages": ["hi"]}


def test_text_of_the_tokens_reads_as_from_a_model(langgraph_mock: LangGraphMock) -> None:
    langgraph_mock.stream(tokens("Hel", "lo"))
    client = get_client(url=langgraph_mock.url, api_key=None)
    assert "".join(client.runs.stream(None, "agent", stream_mode="messages-tuple").text_stream) == "Hello"


def test_updates_custom_any_event_and_the_run_id(langgraph_mock: LangGraphMock) -> None:
    langgraph_mock.stream(updates({"node": {"x": 1}}), custom({"progress": 0.5}),
                          event("updates|child:1", {"inner": {}}), run_id="run-1")
    client = get_client(url=langgraph_mock.url, api_key=None)
    with client.runs.stream("t1", "agent", stream_mode=["updates", "custom"], stream_subgraphs=True) as run:
        parts = [(part.event, part.data) for part in run]
        assert (run.run_id, run.thread_id) == ("run-1", "t1")  # from Content-Location, as a server sends it
    assert parts == [("metadata", {"run_id": "run-1", "attempt": 1}), ("updates", {"node": {"x": 1}}),
                     ("custom", {"progress": 0.5}), ("updates|child:1", {"inner": {}})]


def test_an_interrupt_is_an_updates_event(langgraph_mock: LangGraphMock) -> None:
    langgraph_mock.stream(interrupt({"question": "sure?"}, interrupt_id="i1"))
    client = get_client(url=langgraph_mock.url, api_key=None)
    *_, last = client.runs.stream(None, "agent", stream_mode="updates")
    assert (last.event, last.data) == ("updates", {"__interrupt__": [{"value": {"question": "sure?"}, "id": "i1"}]})


def test_a_failing_run_raises_run_error(langgraph_mock: LangGraphMock) -> None:
    langgraph_mock.stream(updates({"a": {}}), error("the model is down", "ValueError"), run_id="r9")
    client = get_client(url=langgraph_mock.url, api_key=None)
    seen = []
    with pytest.raises(RunError) as failed:
        for part in client.runs.stream(None, "agent"):
            seen.append(part.event)
    assert seen == ["metadata", "updates"]
    assert (failed.value.error, failed.value.run_id) == ("ValueError", "r9")
    assert "the model is down" in str(failed.value)


def test_wait_returns_the_scripted_state_or_fails_the_run(langgraph_mock: LangGraphMock) -> None:
    langgraph_mock.wait({"messages": [{"content": "done"}]})
    langgraph_mock.wait(error("no luck", "KeyError"), run_id="r2")
    client = get_client(url=langgraph_mock.url, api_key=None)
    assert client.runs.wait(None, "agent", input={}) == {"messages": [{"content": "done"}]}
    with pytest.raises(RunError) as failed:
        client.runs.wait("t1", "agent")
    assert (failed.value.error, failed.value.run_id) == ("KeyError", "r2")
    assert [request.path for request in langgraph_mock.requests] == ["/runs/wait", "/threads/t1/runs/wait"]


def test_http_errors_carry_status_and_detail(langgraph_mock: LangGraphMock) -> None:
    langgraph_mock.http_error(404, "Assistant not found", path="/runs/stream", times=1)
    client = get_client(url=langgraph_mock.url, api_key=None)
    with pytest.raises(NotFoundError) as refused:
        client.runs.stream(None, "nobody")
    assert "Assistant not found" in str(refused.value)


def test_a_503_answers_every_retry_without_a_wait(langgraph_mock: LangGraphMock) -> None:
    langgraph_mock.http_error(503)
    client = get_client(url=langgraph_mock.url, api_key=None, max_retries=2)
    started = time.monotonic()
    with pytest.raises(InternalServerError) as refused:
        client.runs.wait(None, "agent")
    assert refused.value.status_code == 503
    assert time.monotonic() - started < 1.0  # Retry-After: 0, not the client's 1.25 s of backoff
    assert len(langgraph_mock.requests) == 3  # the first try and both retries


def test_respond_answers_any_endpoint_with_a_pattern(langgraph_mock: LangGraphMock) -> None:
    langgraph_mock.respond("POST", "/threads", {"thread_id": "t1", "metadata": {}, "status": "idle"})
    langgraph_mock.respond("GET", "/threads/*/state", {"values": {"n": 1}, "next": []}, times=2)
    client = get_client(url=langgraph_mock.url, api_key=None)
    assert client.threads.create().thread_id == "t1"
    assert [client.threads.get_state("t1")["values"] for _ in range(2)] == [{"n": 1}, {"n": 1}]


def test_drop_cuts_the_stream_after_the_events_before_it(langgraph_mock: LangGraphMock) -> None:
    langgraph_mock.stream(tokens("a", "b"), drop(), tokens("never"))
    client = get_client(url=langgraph_mock.url, api_key=None)
    seen = []
    with pytest.raises(StreamInterruptedError) as cut:
        for part in client.runs.stream(None, "agent", stream_mode="messages-tuple"):
            seen.append(part.event)
    assert seen == ["metadata", "messages", "messages"]
    assert "after 3 event(s)" in str(cut.value)


def test_a_resumable_run_resumes_after_a_drop_with_nothing_lost_or_repeated(langgraph_mock: LangGraphMock) -> None:
    langgraph_mock.stream(tokens("a", "b"), drop(), tokens("c"), drop(), values({"done": True}), run_id="r1")
    client = get_client(url=langgraph_mock.url, api_key=None)
    parts = list(client.runs.stream("t1", "agent", stream_mode="messages-tuple", stream_resumable=True))
    assert [part.data[0]["content"] for part in parts if part.event == "messages"] == ["a", "b", "c"]
    assert [part.event for part in parts].count("metadata") == 1 and parts[-1].data == {"done": True}
    start, *resumes, check = langgraph_mock.requests
    assert (start.method, start.json["stream_resumable"]) == ("POST", True)
    assert len(resumes) == 2  # one reconnection per drop
    assert (check.method, check.path) == ("GET", "/threads/t1/runs/r1")  # no end event: did the run end?
    assert all((r.method, r.path) == ("GET", "/threads/t1/runs/r1/stream") for r in resumes)
    assert [r.headers["last-event-id"].isdigit() for r in resumes] == [True, True]


def test_delay_spaces_the_events(langgraph_mock: LangGraphMock) -> None:
    langgraph_mock.stream(tokens("a", "b", "c"), delay=0.15)
    client = get_client(url=langgraph_mock.url, api_key=None)
    arrivals = [time.monotonic() for _ in client.runs.stream(None, "agent", stream_mode="messages-tuple")]
    gaps = [later - earlier for earlier, later in itertools.pairwise(arrivals[1:])]  # after metadata
    assert all(0.12 < gap < 1.0 for gap in gaps), gaps


def test_a_pause_beyond_the_read_timeout_times_out_and_heartbeats_keep_it_alive(
    langgraph_mock: LangGraphMock,
) -> None:
    # 1.2 s of run, never 1 s of silence; then 1.5 s of silence
    langgraph_mock.stream(pause(0.4), heartbeat(), pause(0.4), heartbeat(), pause(0.4), values({"ok": 1}))
    langgraph_mock.stream(pause(1.5), values({"ok": 1}))
    client = get_client(url=langgraph_mock.url, api_key=None, timeout=1.0, max_retries=0)
    assert [part.event for part in client.runs.stream(None, "agent")] == ["metadata", "values"]
    with pytest.raises(APITimeoutError):
        list(client.runs.stream(None, "agent"))


def test_requests_are_recorded_with_payload_headers_and_disconnect(langgraph_mock: LangGraphMock) -> None:
    langgraph_mock.stream(tokens("a"), pause(5), tokens("b"))
    client = get_client(url=langgraph_mock.url, api_key="secret-key", headers={"x-tenant": "acme"})
    with client.runs.stream("t 1", "agent", input={"q": 1}, stream_mode="messages-tuple",
                            on_disconnect="cancel", params={"trace": "yes"}) as run:
        next(run), next(run)  # metadata, the first token; then leave during the pause
    [request] = langgraph_mock.requests
    assert (request.method, request.path, request.thread_id) == ("POST", "/threads/t%201/runs/stream", "t 1")
    assert (request.assistant_id, request.input, request.stream_mode) == ("agent", {"q": 1}, "messages-tuple")
    assert request.on_disconnect == "cancel" and request.json["stream_resumable"] is False
    assert (request.headers["x-api-key"], request.headers["x-tenant"]) == ("secret-key", "acme")
    assert request.query == {"trace": ["yes"]}
    assert request.disconnected.wait(5)  # the mock saw the client leave mid-run, as a server would
    assert langgraph_mock.runs == [request]
    assert "secret-key" not in str(request)


def test_a_run_read_to_its_end_is_not_a_disconnect(langgraph_mock: LangGraphMock) -> None:
    langgraph_mock.stream(tokens("a"))
    client = get_client(url=langgraph_mock.url, api_key=None)
    list(client.runs.stream(None, "agent"))
    client.close()
    time.sleep(0.1)
    assert not langgraph_mock.requests[0].disconnected.is_set()


def test_streams_from_other_threads_are_served_at_once(langgraph_mock: LangGraphMock) -> None:
    langgraph_mock.stream(pause(0.4), values({"n": 1}), times=4)
    client = get_client(url=langgraph_mock.url, api_key=None)
    results: list[object] = []
    started = time.monotonic()
    workers = [threading.Thread(target=lambda: results.append(list(client.runs.stream(None, "a"))[-1].data))
               for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(10)
    assert results == [{"n": 1}] * 4
    assert time.monotonic() - started < 1.5  # side by side, not one after another


def test_data_that_is_not_json_fails_the_line_that_scripts_it(langgraph_mock: LangGraphMock) -> None:
    with pytest.raises(TypeError):
        langgraph_mock.stream(values({"when": object()}))
    with pytest.raises(TypeError):
        langgraph_mock.wait({"when": object()})
    with pytest.raises(ValueError, match="times"):
        langgraph_mock.wait({}, times=0)


def test_an_answer_that_breaks_is_reported_at_the_end() -> None:
    mock = LangGraphMock()
    mock._add("GET", ("/ok",), 1, lambda sock, request: 1 / 0, "GET /ok (broken)")
    client = get_client(url=mock.url, api_key=None, max_retries=0)
    with pytest.raises(APIConnectionError):
        client.http.get("/ok")
    mock.close()
    with pytest.raises(AssertionError, match=r"answering GET /ok failed: ZeroDivisionError"):
        mock.check()


def test_patch_redirects_a_module_level_client_until_the_end(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(app="""
        from stateless_client import get_client
        client = get_client(url="http://127.0.0.1:9", api_key="k")  # nothing listens there
        client._transport._session.proxies["http"] = "http://127.0.0.1:9"  # as HTTP_PROXY would
        def answer(question):
            return client.runs.wait(None, "agent", input={"q": question})["answer"]
    """, test_app="""
        import app
        def test_answer(langgraph_mock):
            langgraph_mock.patch(app.client)
            langgraph_mock.wait({"answer": 42})
            assert app.answer("?") == 42
            assert app.client.url == langgraph_mock.url
            assert langgraph_mock.requests[0].headers["x-api-key"] == "k"  # its settings stay
        def test_restored():
            assert app.client.url == "http://127.0.0.1:9"
            assert app.client._transport._session.proxies == {"http": "http://127.0.0.1:9"}
    """)
    pytester.runpytest("-p", PLUGIN, "-p", "no:randomly").assert_outcomes(passed=2)


def test_an_unexpected_request_fails_the_test_saying_what_was_expected(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("""
        import pytest
        from stateless_client import get_client, InternalServerError
        from stateless_client.testing import tokens
        def test_view(langgraph_mock):
            langgraph_mock.stream(tokens("a"))
            client = get_client(url=langgraph_mock.url, api_key=None)
            try:  # an app that turns every error into a friendly page would hide it
                client.threads.create(metadata={"user": "u1"})
            except InternalServerError as exc:
                assert "unexpected request POST /threads" in str(exc)
            list(client.runs.stream(None, "agent"))
    """)
    result = pytester.runpytest("-p", PLUGIN, "-p", "no:randomly")
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(['*UnexpectedRequest: langgraph_mock: unexpected request POST /threads '
                                 '{"metadata":{"user":"u1"}}; scripted: POST /runs/stream: 1 scripted item(s) '
                                 '(1 more time(s))'])


def test_a_scripted_answer_never_requested_fails_the_test(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("""
        def test_view(langgraph_mock):
            langgraph_mock.wait({"x": 1})
            langgraph_mock.respond("GET", "/assistants/*", {})
    """)
    result = pytester.runpytest("-p", PLUGIN, "-p", "no:randomly")
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*scripted but never requested: POST /runs/wait (1 more time(s)); "
                                 "GET /assistants/* -> 200 (1 more time(s))*"])


def test_a_failing_test_is_not_buried_under_the_mock_complaint(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("""
        def test_view(langgraph_mock):
            langgraph_mock.wait({"x": 1})
            assert False, "the app's own failure"
    """)
    result = pytester.runpytest("-p", PLUGIN, "-p", "no:randomly")
    result.assert_outcomes(failed=1, errors=1)
    result.stdout.fnmatch_lines(["*the app's own failure*"])


def test_import_stateless_client_loads_neither_the_plugin_nor_pytest() -> None:
    probe = ("import sys, stateless_client\nstateless_client.get_client(url='http://127.0.0.1:9')\n"
             "print(sorted(m for m in sys.modules if m == 'pytest' or m.startswith('stateless_client.testing')))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_the_plugin_module_loads_no_server_machinery() -> None:
    probe = (f"import sys, {PLUGIN}\nprint(sorted(m for m in ('stateless_client._dev.local_server', "
             "'subprocess', 'stateless_client._http.urls') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert "local_server" not in done.stdout


def test_langgraph_server_is_skipped_with_a_reason_without_langgraph_dev(pytester: pytest.Pytester) -> None:
    pytester.makeconftest("""
        import sys
        sys.modules["langgraph_api"] = None  # as if the local extra were not installed
    """)
    pytester.makepyfile("""
        def test_real(langgraph_server):
            raise AssertionError("not reached")
    """)
    result = pytester.runpytest_subprocess("-p", PLUGIN, "-p", "no:randomly", "-rs")
    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines(["*langgraph_server needs langgraph dev (langgraph_api missing)*[local]*"])


def test_langgraph_server_says_where_it_looked_for_langgraph_json(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("""
        def test_real(langgraph_server):
            raise AssertionError("not reached")
    """)
    result = pytester.runpytest("-p", PLUGIN, "-p", "no:randomly", "--langgraph-config", "nowhere/lg.json")
    assert result.ret != 0
    result.stdout.fnmatch_lines(["*no langgraph.json at */nowhere/lg.json (set --langgraph-config*"])


def _doc_files() -> dict[str, str]:
    """docs/testing.md's code blocks that open with a file name (``# test_ask.py``), by name."""
    blocks = re.findall(r"```(?:python|ini)\n# (\S+)\n(.*?)```", (ROOT / "docs" / "testing.md").read_text(), re.DOTALL)
    return dict(blocks)


def test_the_docs_examples_pass_as_written(pytester: pytest.Pytester) -> None:
    """Every file of docs/testing.md, in one pytest run beside the example apps and our graphs
    (the docs' pytest.ini points ``langgraph_server`` at them): the Flask and Django views, the
    script as a child process, the Celery task where Celery is installed, the real server."""
    files = _doc_files()
    named = {"test_answer.py", "test_flask_app.py", "test_django_app.py", "test_ask.py", "test_tasks.py",
             "test_graph.py"}
    assert named <= set(files)
    if importlib.util.find_spec("celery") is None:
        del files["tasks.py"], files["test_tasks.py"]
    for name, text in files.items():
        (pytester.path / name).write_text(text)
    for name in ("flask_app.py", "django_app.py"):
        shutil.copy(ROOT / "examples" / name, pytester.path / name)
    shutil.copytree(ROOT / "tests" / "graphs", pytester.path / "graphs",
                    ignore=shutil.ignore_patterns("__pycache__", ".langgraph_api"))
    pytester.makepyfile(test_session_scope="""
        def test_one_server_for_the_session(langgraph_server, request):
            assert langgraph_server is request.getfixturevalue("langgraph_server")
            assert langgraph_server.url.startswith("http://127.0.0.1:")
    """)
    result = pytester.runpytest_subprocess("-p", PLUGIN, "-p", "no:randomly", "-p", "no:cacheprovider")
    tests_in_docs = sum(text.count("\ndef test_") for name, text in files.items() if name.startswith("test_"))
    result.assert_outcomes(passed=tests_in_docs + 1)


RECORDED_TEST = """
    import pytest
    from stateless_client import RunError, get_client

    def test_a_thread_a_run_and_a_failure(langgraph_recording):
        client = get_client(url=langgraph_recording.url, api_key="sk-never-written",
                            headers={"Authorization": "Bearer never-written"})
        thread_id = client.threads.create().thread_id
        question = {"messages": [{"role": "user", "content": "hi"}]}
        parts = list(client.runs.stream(thread_id, "agent", input=question, stream_mode="updates"))
        assert parts[0].event == "metadata" and parts[0].data["run_id"]
        assert "echo: hi" in str(parts[-1].data)
        with pytest.raises(RunError):
            client.runs.wait(None, "error", input={})
        assert [r.path.split("/")[-1] for r in langgraph_recording.requests] == ["threads", "stream", "wait"]
"""


def test_a_recorded_run_replays_offline_with_no_secret_written(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nlanggraph_config = graphs/langgraph.json\n")
    pytester.makepyfile(test_recorded=RECORDED_TEST)
    shutil.copytree(ROOT / "tests" / "graphs", pytester.path / "graphs",
                    ignore=shutil.ignore_patterns("__pycache__", ".langgraph_api"))
    flags = ("-p", PLUGIN, "-p", "no:randomly", "-p", "no:cacheprovider")
    pytester.runpytest_subprocess(*flags, "--langgraph-record").assert_outcomes(passed=1)
    recording = pytester.path / "recordings" / "test_recorded" / "test_a_thread_a_run_and_a_failure.json"
    text = recording.read_text()
    assert "never-written" not in text and "sk-" not in text
    assert '"event": "updates"' in text and '"__error__"' in text
    shutil.rmtree(pytester.path / "graphs")  # no server could start now: the replay is offline
    pytester.runpytest_subprocess(*flags).assert_outcomes(passed=1)


def test_a_replay_fails_on_a_request_the_recording_does_not_hold(pytester: pytest.Pytester) -> None:
    recording = pytester.path / "recordings" / "test_app" / "test_more.json"
    recording.parent.mkdir(parents=True)
    recording.write_text(json.dumps({"format": 1, "exchanges": [
        {"method": "POST", "path": "/threads/0b7e1c52-1c5e-4f0f-8d5a-3e1a0f5e9c11/runs/wait", "query": {},
         "request": None, "status": 200, "headers": {"content-type": "application/json"}, "body": {"n": 1}}]}))
    pytester.makepyfile(test_app="""
        from stateless_client import get_client
        def test_more(langgraph_recording):
            client = get_client(url=langgraph_recording.url, api_key=None)
            assert client.runs.wait("5f0c0e7e-8a6b-4bd4-9a57-5e2f5cfae1a0", "agent") == {"n": 1}  # any ID
            client.runs.wait(None, "agent")
        def test_never_recorded(langgraph_recording):
            pass
    """)
    result = pytester.runpytest("-p", PLUGIN, "-p", "no:randomly")
    result.assert_outcomes(failed=1, errors=2)  # test_more fails, then its mock complains too
    result.stdout.fnmatch_lines(["*unexpected request POST /runs/wait*",
                                 "*no recording at */recordings/test_app/test_never_recorded.json; run this test "
                                 "once with --langgraph-record*"])


def test_every_public_name_has_a_docstring() -> None:
    import inspect

    import stateless_client.testing as testing

    for name in testing.__all__:
        value = getattr(testing, name)
        if inspect.isclass(value) or inspect.isfunction(value):
            assert inspect.getdoc(value), name
            for member_name, member in vars(value).items() if inspect.isclass(value) else []:
                if not member_name.startswith("_") and (inspect.isfunction(member) or isinstance(member, property)):
                    assert inspect.getdoc(member), f"{name}.{member_name}"
