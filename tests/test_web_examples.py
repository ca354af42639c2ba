"""The web examples (``examples/``), run for real: Flask and Django under waitress (WSGI), Django
and docs/web.md's Starlette snippet under uvicorn (ASGI), each in front of the real
``langgraph dev``, read as a browser would; and refusing what a deployed app must refuse
(docs/web.md, "Deploying").

Each app runs in this process, on a free port, with its module's ``ASSISTANT_ID`` set per test
to one of the test graphs: ``slow_tokens`` (an echo model; ``"gate:<dir> text"`` makes it wait
for the test's acknowledgement of each token before the next), ``quiet`` (8 s without events)
and ``error``.
"""

from __future__ import annotations

import http.server
import importlib.util
import json
import os
import re
import shutil
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, Iterator

import pytest
import requests
import uvicorn
from waitress import wasyncore
from waitress.server import create_server

from stateless_client import SSE_RESPONSE_HEADERS, Client
from stateless_client._dev.local_server import LocalServer, free_port
from stateless_client.sse import decode
from stateless_client.testing import LangGraphMock

from .helpers import settled_status

ROOT = Path(__file__).parent.parent
EXAMPLES = ROOT / "examples"
CHROMIUM = "/usr/bin/chromium"
BOUND = 20.0  # seconds: how long anything may take before the test fails rather than hangs


@dataclass
class App:
    name: str
    url: str
    module: ModuleType


@pytest.fixture(scope="module")
def examples(server: LocalServer) -> Iterator[dict[str, ModuleType]]:
    """The example modules, imported as their commands do, talking to the test server."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LANGGRAPH_URL", server.url)
        modules = {name: _import(name) for name in ("flask_app", "django_app")}
        modules["starlette_docs"] = _from_docs("Starlette(")
    yield modules
    for module in modules.values():
        module.client.close()


def _import(name: str) -> ModuleType:
    # Under its own name: django_app's settings name it as the URL conf (ROOT_URLCONF=__name__).
    spec = importlib.util.spec_from_file_location(name, EXAMPLES / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _from_docs(marker: str) -> ModuleType:
    """The docs/web.md snippet that contains ``marker``, run as a module."""
    blocks = re.findall(r"```python\n(.*?)```", (ROOT / "docs" / "web.md").read_text(), re.DOTALL)
    [code] = [block for block in blocks if marker in block]
    module = ModuleType("web_md_snippet")
    exec(compile(code, "docs/web.md", "exec"), module.__dict__)
    return module


def _waitress(application: Any) -> Iterator[str]:
    """Serve a WSGI app with waitress as the examples do (channel_request_lookahead=1)."""
    server: Any = create_server(application, host="127.0.0.1", port=0, threads=8, channel_request_lookahead=1)
    thread = threading.Thread(target=server.run, name="waitress", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:
        server.task_dispatcher.shutdown(timeout=5)
        wasyncore.close_all(server._map)
        thread.join(BOUND)


def _uvicorn(application: Any) -> Iterator[str]:
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(application, host="127.0.0.1", port=port, lifespan="off",
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, name="uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + BOUND
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(BOUND)


@pytest.fixture(scope="module")
def flask_url(examples: dict[str, ModuleType]) -> Iterator[str]:
    yield from _waitress(examples["flask_app"].app)


@pytest.fixture(scope="module")
def django_wsgi_url(examples: dict[str, ModuleType]) -> Iterator[str]:
    yield from _waitress(examples["django_app"].application)


@pytest.fixture(scope="module")
def django_asgi_url(examples: dict[str, ModuleType]) -> Iterator[str]:
    yield from _uvicorn(examples["django_app"].asgi_application)


@pytest.fixture(scope="module")
def starlette_url(examples: dict[str, ModuleType]) -> Iterator[str]:
    yield from _uvicorn(examples["starlette_docs"].app)


_APPS = {"flask-wsgi": ("flask_app", "flask_url"), "django-wsgi": ("django_app", "django_wsgi_url"),
         "django-asgi": ("django_app", "django_asgi_url"), "starlette-asgi": ("starlette_docs", "starlette_url")}


@pytest.fixture(params=list(_APPS))
def app(request: pytest.FixtureRequest, examples: dict[str, ModuleType]) -> App:
    module, url_fixture = _APPS[request.param]
    return App(request.param, request.getfixturevalue(url_fixture), examples[module])


def _relay(app: App, thread_id: str, q: str) -> requests.Response:
    """``GET /stream`` as the page's EventSource sends it, read as it arrives."""
    response = requests.get(f"{app.url}/stream", params={"thread_id": thread_id, "q": q},
                            headers={"Accept": "text/event-stream"}, stream=True, timeout=BOUND)
    response.raise_for_status()
    return response


def test_tokens_arrive_one_at_a_time_then_end(
    app: App, client: Client, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(app.module, "ASSISTANT_ID", "slow_tokens")
    thread = client.threads.create()
    text = "Hello Bagatur! Nice to meet you."
    events: list[str] = []
    tokens: list[str] = []
    reads_by_token: list[int] = []
    reads = 0

    # The model makes token i + 1 only once the file <tmp_path>/<i> exists, which is created
    # here on receiving token i: each token provably reached this reader before the next was
    # made, and a relay that buffered would make this read time out instead.
    with _relay(app, thread.thread_id, f"gate:{tmp_path} {text}") as response:
        for name, value in SSE_RESPONSE_HEADERS.items():
            assert response.headers[name] == value

        def chunks() -> Iterator[bytes]:
            nonlocal reads
            for chunk in response.iter_content(chunk_size=None):
                reads += 1
                yield chunk

        for event in decode(chunks()):
            events.append(event.event)
            if event.event == "messages":
                chunk, metadata = json.loads(event.data)
                assert metadata["langgraph_node"] == "chat"
                if chunk["content"]:
                    (tmp_path / str(len(tokens))).touch()
                    tokens.append(chunk["content"])
                    reads_by_token.append(reads)

    assert "".join(tokens) == text
    assert tokens == re.split(r"(\s)", text)  # one event per token: words and spaces
    assert reads_by_token == sorted(set(reads_by_token))  # each token in a read of its own
    assert events[0] == "metadata"
    assert events[-1] == "end" and events.count("end") == 1  # last, once
    assert settled_status(client, thread.thread_id, seconds=BOUND) == "success"


def test_a_browser_leaving_while_tokens_flow_interrupts_the_run(
    app: App, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(app.module, "ASSISTANT_ID", "slow_tokens")
    thread = client.threads.create()
    # 400 tokens, 50 ms apart: the run would go on for 20 s after this reader leaves.
    with _relay(app, thread.thread_id, "word " * 200) as response:
        seen = 0
        for event in decode(response.iter_content(chunk_size=None)):
            seen += event.event == "messages"
            if seen == 3:
                break  # leaving the with block closes the connection, as a closed tab does
    assert settled_status(client, thread.thread_id, seconds=BOUND) == "interrupted"


def test_a_browser_leaving_while_the_graph_is_quiet_interrupts_the_run(
    app: App, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The graph sends nothing for 12 s: under WSGI only the relayed heartbeat (every 5 s) can
    fail to be written and reveal that the browser left; under ASGI the framework sees the
    disconnect itself. Either way the run is interrupted during the silence, before it ends."""
    monkeypatch.setattr(app.module, "ASSISTANT_ID", "quiet")
    thread = client.threads.create()
    with _relay(app, thread.thread_id, "hi") as response:
        for event in decode(response.iter_content(chunk_size=None)):
            if event.event == "messages":
                assert json.loads(event.data)[0]["content"] == "Let me think."
                break  # the graph now sleeps 12 s
    assert settled_status(client, thread.thread_id, seconds=BOUND) == "interrupted"
    # Interrupted in the silence, not when its last message failed to be written.
    said = [message["content"] for message in client.threads.get_state(thread.thread_id).values["messages"]]
    assert said == ["hi", "Let me think."]


def test_a_failed_run_is_an_error_event_then_end(
    app: App, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(app.module, "ASSISTANT_ID", "error")
    thread = client.threads.create()
    with _relay(app, thread.thread_id, "hi") as response:
        events = list(decode(response.iter_content(chunk_size=None)))
    assert [event.event for event in events][-2:] == ["error", "end"]
    error = json.loads(events[-2].data)
    assert error["type"] == "RunError" and "node exploded" in error["message"]
    assert error["run_id"] == client.runs.list(thread.thread_id)[0].run_id


# --- Safe by default (issue 19): cross-site requests, other hosts, page views.


@pytest.fixture
def upstream_recorder(app: App, langgraph_mock: LangGraphMock) -> LangGraphMock:
    """The app's client pointed at ``langgraph_mock`` (this project's pytest plugin) with nothing
    scripted: a request that reaches it is answered 500 and fails the test at its end."""
    langgraph_mock.patch(app.module.client)
    return langgraph_mock


_CROSS_SITE = {
    "an <img> on another site": {"Sec-Fetch-Site": "cross-site"},
    "a page on a sibling subdomain": {"Sec-Fetch-Site": "same-site"},
    "a fetch from another origin": {"Origin": "https://evil.example"},
    "another origin that claims same-origin": {"Sec-Fetch-Site": "same-origin", "Origin": "http://evil.example"},
}


@pytest.mark.parametrize("headers", list(_CROSS_SITE.values()), ids=list(_CROSS_SITE))
def test_a_cross_site_request_cannot_start_a_run(
    app: App, upstream_recorder: LangGraphMock, headers: dict[str, str]
) -> None:
    response = requests.get(f"{app.url}/stream", params={"thread_id": "t", "q": "hi"}, headers=headers,
                            timeout=BOUND)
    assert response.status_code == 403
    if app.module.__name__ != "web_md_snippet":  # the Starlette snippet has no page nor /threads
        created = requests.post(f"{app.url}/threads", headers=headers, timeout=BOUND)
        assert created.status_code == 403
    assert upstream_recorder.requests == []


def test_a_request_from_the_apps_own_page_is_served(
    app: App, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What a browser sends from the page itself: ``Sec-Fetch-Site: same-origin`` and, on a
    POST, the app's own ``Origin``."""
    monkeypatch.setattr(app.module, "ASSISTANT_ID", "error")
    own = {"Sec-Fetch-Site": "same-origin", "Origin": app.url}
    thread_id = client.threads.create().thread_id
    if app.module.__name__ != "web_md_snippet":
        created = requests.post(f"{app.url}/threads", headers=own, timeout=BOUND)
        created.raise_for_status()
        thread_id = created.json()["thread_id"]
        assert client.threads.get(thread_id).thread_id == thread_id
    with requests.get(f"{app.url}/stream", params={"thread_id": thread_id, "q": "hi"}, headers=own,
                      stream=True, timeout=BOUND) as response:
        assert response.status_code == 200
        events = [event.event for event in decode(response.iter_content(chunk_size=None))]
    assert events[-2:] == ["error", "end"]  # the "error" graph's run, relayed to its end


@pytest.mark.parametrize("path", ["/", "/stream?thread_id=t&q=hi"])
def test_another_host_is_refused(app: App, upstream_recorder: LangGraphMock, path: str) -> None:
    """DNS rebinding: a page of evil.example, its name now resolving to this app's address,
    sends ``Host: evil.example``."""
    port = app.url.rsplit(":", 1)[1]
    response = requests.get(app.url + path, headers={"Host": f"evil.example:{port}"}, timeout=BOUND)
    assert response.status_code == 400
    assert upstream_recorder.requests == []


def test_a_page_view_writes_nothing_upstream(app: App, upstream_recorder: LangGraphMock) -> None:
    if app.module.__name__ == "web_md_snippet":
        pytest.skip("the Starlette snippet has no page")
    for _ in range(3):
        page = requests.get(app.url + "/", timeout=BOUND)
        assert page.status_code == 200 and "<form" in page.text
    assert upstream_recorder.requests == []


# --- A real browser on the Flask example's page.

_RECORD_EVENT_SOURCES = """
window.eventSources = [];
window.EventSource = class extends window.EventSource {
  constructor(...args) { super(...args); window.eventSources.push(this); }
};
"""
_WATCH_ANSWER = """
window.answers = [];
new MutationObserver(() => window.answers.push(document.getElementById("answer").textContent))
  .observe(document.getElementById("answer"), {childList: true, characterData: true, subtree: true});
"""


def test_a_browser_shows_the_tokens_and_starts_one_run(
    flask_url: str, examples: dict[str, ModuleType], client: Client, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"no Chromium at {CHROMIUM} (Debian: apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    monkeypatch.setattr(examples["flask_app"], "ASSISTANT_ID", "slow_tokens")
    streams: list[str] = []
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        try:
            page = browser.new_page(viewport={"width": 720, "height": 240})
            page.add_init_script(_RECORD_EVENT_SOURCES)
            page.on("request", lambda request: streams.append(request.url) if "/stream?" in request.url else None)
            page.goto(flask_url + "/")
            assert page.evaluate("threadId") is None  # made with the first question
            page.evaluate(_WATCH_ANSWER)
            page.click("button")
            sync_api.expect(page.locator("#status")).to_have_text("done", timeout=BOUND * 1000)
            thread_id = page.evaluate("threadId")
            answer = page.locator("#answer").text_content()
            answers = page.evaluate("window.answers")
            states = page.evaluate("window.eventSources.map(source => source.readyState)")
            page.screenshot(path=str(tmp_path / "web-relay.png"))
        finally:
            browser.close()

    assert answer == "Hello! My name is Bagatur."
    assert len(answers) >= 5 and answers[-1] == answer  # the text grew token by token
    assert all(answer.startswith(shown) for shown in answers)
    assert states == [2]  # one EventSource, CLOSED: it will not reconnect and start another run
    assert len(streams) == 1
    runs = client.runs.list(thread_id)
    assert len(runs) == 1 and runs[0].status == "success"
    if os.environ.get("UPDATE_SCREENSHOTS"):
        shutil.copy(tmp_path / "web-relay.png", ROOT / "docs" / "img" / "web-relay.png")


def test_a_page_on_another_site_cannot_start_a_run_from_a_browser(
    flask_url: str, examples: dict[str, ModuleType], langgraph_mock: LangGraphMock
) -> None:
    """What Chromium itself sends from another site (``localhost`` is another site than
    ``127.0.0.1``): an ``<img>`` on the stream and a ``fetch`` POST to ``/threads``, both
    answered 403, and nothing reaches the LangGraph server."""
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"no Chromium at {CHROMIUM} (Debian: apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    evil_page = (f'<img src="{flask_url}/stream?thread_id=t&q=hi">'
                 f'<script>fetch("{flask_url}/threads", {{method: "POST", mode: "no-cors", credentials: "include"}})'
                 '</script>').encode()

    class Evil(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(evil_page)))
            self.end_headers()
            self.wfile.write(evil_page)

        def log_message(self, *args: Any) -> None:
            pass

    evil = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Evil)
    threading.Thread(target=evil.serve_forever, daemon=True).start()
    flask = pytest.importorskip("flask")
    app = examples["flask_app"].app
    answers: dict[str, int] = {}  # path -> status, as the app answered (the <img> never shows it)
    sent: dict[str, str] = {}  # path -> the Sec-Fetch-Site Chromium sent

    def answered(sender: Any, response: Any, **extra: Any) -> None:
        answers[flask.request.path] = response.status_code
        sent[flask.request.path] = flask.request.headers.get("Sec-Fetch-Site", "")

    langgraph_mock.patch(examples["flask_app"].client)  # nothing scripted: nothing may arrive
    with flask.request_finished.connected_to(answered, app):
        try:
            with sync_api.sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM)
                try:
                    page = browser.new_page()
                    page.goto(f"http://localhost:{evil.server_address[1]}/")
                    deadline = time.monotonic() + BOUND
                    while len(answers) < 2 and time.monotonic() < deadline:
                        page.wait_for_timeout(50)
                finally:
                    browser.close()
        finally:
            evil.shutdown()
            evil.server_close()
    assert answers == {"/stream": 403, "/threads": 403}
    assert sent == {"/stream": "cross-site", "/threads": "cross-site"}
    assert langgraph_mock.requests == []
