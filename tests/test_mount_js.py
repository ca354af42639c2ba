"""The browser mount (``stateless_client.contrib.flask``) with the real JS SDK from npm: the SDK's
``Client`` in Node (``tests/js/sdk_client.mjs``) and a React page with ``useStream``
(``tests/js/page.jsx``, bundled with esbuild) in headless Chromium, through a Flask app under
waitress in front of the real ``langgraph dev`` (issue 22); and docs/frontend.md's two snippets,
as written, the same way.

The app's client has a sentinel API key (``langgraph dev`` ignores it); every response Node or
Chromium receives, headers and body, is checked for it. Users are told apart by the
``X-Test-User`` header (Node, through the SDK's ``defaultHeaders``) or the ``user`` cookie
(Chromium), which the app's ``owner_policy`` reads.

Streaming is checked without timing: the ``slow_tokens`` graph, given ``"gate:<dir> text"``,
makes token ``k + 1`` only once ``<dir>/<k>`` exists, which the reader (the Node script, or
this test watching the page) creates once token ``k`` has arrived. A mount that held the body
back would leave the run waiting for a file that never comes.

Needs ``node`` and ``npm`` (skipped without them); ``tests/js/node_modules`` is installed with
``npm ci`` when missing (once, about 5 s from the registry).
"""

from __future__ import annotations

import json
import os
import re
import uuid
from pathlib import Path
from typing import Any, Iterator

import pytest

from stateless_client import Client
from stateless_client._dev.local_server import LocalServer

from . import node
from .helpers import settled_status

CHROMIUM = "/usr/bin/chromium"
DOCS = Path(__file__).parent.parent / "docs" / "frontend.md"
BOUND = 30.0  # seconds anything may take before the test fails rather than hangs
SENTINEL_KEY = "lsv2_sk_sentinel_" + uuid.uuid4().hex  # the mount's API key; must reach no response
WORDS = ["Once", "upon", "a", "time", "there", "was", "a", "mount"]


@pytest.fixture(scope="session")
def js() -> Path:
    try:
        return node.node_modules()
    except node.NodeMissing as missing:
        pytest.skip(str(missing))


@pytest.fixture(scope="module")
def bundle(js: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return node.bundle_page(tmp_path_factory.mktemp("bundle"))


def _docs_snippet(language: str, marker: str) -> str:
    """The one ```language block of docs/frontend.md that contains ``marker``."""
    blocks = re.findall(rf"```{language}\n(.*?)```", DOCS.read_text(), re.DOTALL)
    [code] = [block for block in blocks if marker in block]
    return code


@pytest.fixture(scope="module")
def docs_page(js: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """docs/frontend.md's React component, rendered on its own, bundled."""
    into = tmp_path_factory.mktemp("docs_page")
    (into / "chat.jsx").write_text(_docs_snippet("jsx", "useStream("))
    (into / "main.jsx").write_text('import { createRoot } from "react-dom/client";\n'
                                   'import { Chat } from "./chat.jsx";\n'
                                   'createRoot(document.getElementById("root")).render(<Chat />);\n')
    return node.bundle(into / "main.jsx", into / "page.js")


@pytest.fixture(scope="module")
def mount_url(bundle: Path, docs_page: Path, server: LocalServer) -> Iterator[str]:
    pytest.importorskip("flask")
    pytest.importorskip("waitress")
    from stateless_client.contrib.access import owner_policy

    from .mount_app import make_app, serve

    app = make_app(server.url, api_key=SENTINEL_KEY, authorize=owner_policy(node.user_of))
    node.add_page(app, bundle)
    node.add_page(app, docs_page, at="/docs/")
    with serve(app) as url:
        yield url


def _traffic(path: Path) -> list[dict[str, Any]]:
    """The responses ``sdk_client.mjs`` recorded: method, url, status, headers, body (as far as
    it was read), dropped (the test broke the connection)."""
    responses: dict[int, dict[str, Any]] = {}
    for line in path.read_text().splitlines():
        record = json.loads(line)
        if "url" in record:
            responses[record["id"]] = {**record, "body": "", "dropped": False}
        elif "chunk" in record:
            responses[record["id"]]["body"] += record["chunk"]
        else:
            responses[record["id"]]["dropped"] = True
    return list(responses.values())


def _assert_no_key(responses: list[dict[str, Any]]) -> None:
    assert responses
    for response in responses:
        assert SENTINEL_KEY not in json.dumps(response["headers"]), response["url"]
        assert SENTINEL_KEY not in response["body"], response["url"]


def test_the_sdk_client_streams_joins_reads_history_and_cancels_through_the_mount(
    mount_url: str, client: Client, tmp_path: Path
) -> None:
    traffic = tmp_path / "traffic.jsonl"
    result = node.run_node("tour", {
        "apiUrl": mount_url + node.PREFIX, "headers": {node.USER_HEADER: "ada"}, "words": WORDS,
        "gate": str(tmp_path), "traffic": str(traffic), "timeout": BOUND * 2,
    })
    thread_id, stream = result["threadId"], result["stream"]

    # Token by token: each arrived before the next was made (the gate), in order, all of them.
    tokens = [token["text"] for token in stream["tokens"]]
    assert "".join(tokens) == " ".join(WORDS)
    assert len(tokens) == 2 * len(WORDS) - 1
    assert stream["tokens"][0]["at"] < stream["tokens"][-1]["at"] <= stream["ended"]
    assert stream["events"][0] == "metadata" and stream["events"][-1] == "values"
    assert result["runStatus"] == "success"

    # runs.join waited for the background run and answered the thread's values.
    assert result["joinedRunStatus"] == "success"
    assert [text for _, text in result["joinedMessages"]][1:] == [" ".join(WORDS), "again please", "again please"]
    assert result["stateMessages"] == result["joinedMessages"]
    # getHistory, newest first: the checkpoints of both runs.
    assert result["history"][0] == {"next": [], "messages": 4}
    assert len(result["history"]) == 6

    # runs.cancel (wait) of a long run: it was running, it ended interrupted, on the server too.
    assert result["cancel"]["before"] == "running"
    assert result["cancel"]["after"] == "interrupted"
    long_run = result["runs"][0][0]
    assert client.runs.get(thread_id, long_run).status == "interrupted"

    # The mount tagged the thread with its owner (the browser's own metadata kept beside it).
    metadata = client.threads.get(thread_id).metadata
    assert (metadata["purpose"], metadata["owner"]) == ("js-tour", "ada")

    # Node talked to the mount only; every request the SDK made, even on its own, succeeded (after
    # a run's stream it checks the run at the path the Location header gave, relative to apiUrl);
    # no response carried the key.
    responses = _traffic(traffic)
    assert all(r["url"].startswith(mount_url + node.PREFIX + "/") for r in responses)
    assert [(r["method"], r["url"], r["status"]) for r in responses if r["status"] >= 400] == []
    assert " ".join(WORDS).split()[-1] in "".join(r["body"] for r in responses)  # the bodies were read
    _assert_no_key(responses)


def test_the_sdk_resumes_a_broken_run_stream_through_the_mount(
    mount_url: str, client: Client, tmp_path: Path
) -> None:
    """The connection breaks at the 4th token (``streamResumable``, ``onDisconnect: "continue"``):
    the SDK reconnects to the ``Location`` path (relative to its ``apiUrl``) with
    ``Last-Event-ID`` and gets the rest; the gate keeps the run from ending before it has."""
    traffic = tmp_path / "traffic.jsonl"
    result = node.run_node("resume", {
        "apiUrl": mount_url + node.PREFIX, "headers": {node.USER_HEADER: "ada"}, "words": WORDS,
        "gate": str(tmp_path), "traffic": str(traffic), "dropAt": 4, "timeout": BOUND * 2,
    })
    assert "".join(token["text"] for token in result["stream"]["tokens"]) == " ".join(WORDS)
    assert result["runStatus"] == "success"
    responses = _traffic(traffic)
    streams = [(r["method"], r["url"].removeprefix(mount_url), r["status"], r["dropped"])
               for r in responses if "/stream" in r["url"]]
    run = f"{node.PREFIX}/threads/{result['threadId']}/runs/{result['stream']['runId']}/stream"
    assert streams == [("POST", f"{node.PREFIX}/threads/{result['threadId']}/runs/stream", 200, True),
                       ("GET", run, 200, False)]
    _assert_no_key(responses)


def test_the_thread_stream_protocol_through_the_mount(mount_url: str, client: Client, tmp_path: Path) -> None:
    """``client.threads.stream()`` (the protocol the newest SDK speaks): the thread it names is
    made through the mount, owned; the text deltas come as they stream (gated); another user
    cannot start a run on that thread."""
    traffic = tmp_path / "traffic.jsonl"
    user = "hedy-" + tmp_path.name
    result = node.run_node("protocol", {
        "apiUrl": mount_url + node.PREFIX, "headers": {node.USER_HEADER: user}, "words": WORDS,
        "other": {node.USER_HEADER: "eve-" + tmp_path.name}, "gate": str(tmp_path), "traffic": str(traffic),
        "timeout": BOUND * 2,
    })
    assert "".join(token["text"] for token in result["tokens"]) == " ".join(WORDS)
    assert len(result["tokens"]) == 2 * len(WORDS) - 1
    assert result["tokens"][-1]["at"] <= result["ended"]
    assert result["output"][-1] == ["ai", [{"type": "text", "text": " ".join(WORDS), "index": 0}]]
    assert client.threads.get(result["threadId"]).metadata["owner"] == user
    assert [run.run_id for run in client.runs.list(result["threadId"])] == [result["runId"]]
    assert result["other"]["status"] == 404
    responses = _traffic(traffic)
    assert any(r["url"].endswith("/stream/events") and "event: messages" in r["body"] for r in responses)
    _assert_no_key(responses)


def test_two_users_cannot_see_or_touch_each_others_threads(mount_url: str, client: Client, tmp_path: Path) -> None:
    traffic = tmp_path / "traffic.jsonl"
    result = node.run_node("users", {
        "apiUrl": mount_url + node.PREFIX, "traffic": str(traffic), "timeout": BOUND * 2,
        "users": {"a": {node.USER_HEADER: "alice-" + tmp_path.name}, "b": {node.USER_HEADER: "bob-" + tmp_path.name}},
    })
    theirs, mine = result["threadId"], result["bThreadId"]
    assert result["aRun"]["status"] == 200 and result["aRun"]["events"][-1] == "values"
    assert result["aGet"] == result["aHistory"] == 200
    assert theirs in result["aSees"] and mine not in result["aSees"]
    # B: the thread does not exist, whatever B does with it, and B's search does not list it.
    assert theirs not in result["bSees"]
    assert result["bSeesOwn"] == [mine]
    assert result["bGet"] == result["bState"] == result["bHistory"] == result["bRuns"] == 404
    assert result["bRunStream"] == {"status": 404}
    assert result["bDelete"] == 404
    assert result["aGetAfter"] == 200
    assert len(client.runs.list(theirs)) == 1  # B's run never started
    _assert_no_key(_traffic(traffic))


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Chromium (Debian's), one for the module's pages."""
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"no Chromium at {CHROMIUM} (Debian: apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM)
        try:
            yield launched
        finally:
            launched.close()


class Page:
    """The chat page, opened in a fresh browser context as ``user`` (the ``user`` cookie), its
    finished requests kept for ``responses()``."""

    def __init__(self, browser: Any, url: str, user: str, at: str = "/") -> None:
        self.context = browser.new_context()
        self.context.add_cookies([{"name": node.USER_COOKIE, "value": user, "url": url}])
        self.page = self.context.new_page()
        self.finished: list[Any] = []
        self.page.on("requestfinished", lambda request: self.finished.append(request))
        self.page.goto(url + at)

    def ask(self, text: str) -> None:
        self.page.fill("#draft", text)
        self.page.click("#send")

    def responses(self) -> list[dict[str, Any]]:
        """What Chromium received for each finished request: URL, headers, body."""
        return [{"url": request.url, "headers": response.headers_array(),
                 "body": response.body().decode("utf-8", "replace")}
                for request in self.finished if (response := request.response()) is not None]


def test_a_react_page_with_use_stream_shows_the_tokens_as_they_stream(
    mount_url: str, browser: Any, client: Client, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    answer = " ".join(WORDS)
    tokens = answer.replace(" ", "\0 \0").split("\0")  # the echo model's tokens: words and spaces
    user = "grace-" + tmp_path.name
    chat = Page(browser, mount_url, user)
    try:
        chat.ask(f"gate:{tmp_path} {answer}")
        ai = chat.page.locator("#messages li[data-type=ai]")
        shown = ""
        for k, token in enumerate(tokens):
            shown += token
            # The page shows the answer so far while the run waits for this token's gate.
            expect(ai).to_have_text(shown, timeout=BOUND * 1000)
            if k < len(tokens) - 1:
                assert chat.page.text_content("#status") == "streaming"
            (tmp_path / str(k)).touch()
        expect(chat.page.locator("#status")).to_have_text("idle", timeout=BOUND * 1000)
        assert chat.page.locator("#error").count() == 0
        assert ai.text_content() == answer
        seen = chat.responses()
    finally:
        chat.context.close()

    [thread] = client.threads.search(metadata={"owner": user})
    runs = client.runs.list(thread.thread_id)
    assert [run.status for run in runs] == ["success"]
    streams = [r for r in seen if r["url"].endswith("/runs/stream")]
    assert len(streams) == 1 and streams[0]["url"].startswith(mount_url + node.PREFIX + "/threads/")
    assert "mount" in streams[0]["body"]
    _assert_no_key(seen)


@pytest.mark.parametrize("leave", ["stop", "close"])
def test_a_page_that_stops_or_closes_cancels_its_run(
    mount_url: str, browser: Any, client: Client, tmp_path: Path, leave: str
) -> None:
    """``useStream``'s ``stop()`` aborts the run's request, as closing the page does: the mount
    cancels the run it started (the gate holds the run at its first token until then). Under
    WSGI the mount learns the browser left when it next writes: at the next heartbeat."""
    from playwright.sync_api import expect

    user = f"{leave}-{tmp_path.name}"
    chat = Page(browser, mount_url, user)
    try:
        chat.ask(f"gate:{tmp_path} {' '.join(WORDS)}")
        expect(chat.page.locator("#messages li[data-type=ai]")).to_have_text(WORDS[0], timeout=BOUND * 1000)
        [thread] = client.threads.search(metadata={"owner": user})
        assert [run.status for run in client.runs.list(thread.thread_id)] == ["running"]
        _assert_no_key(chat.responses())
        if leave == "stop":
            chat.page.click("#stop")
            expect(chat.page.locator("#status")).to_have_text("idle", timeout=BOUND * 1000)
        else:
            chat.page.close()
        assert settled_status(client, thread.thread_id, seconds=BOUND) == "interrupted"
    finally:
        chat.context.close()
        for k in range(2 * len(WORDS)):  # let the cancelled run's node thread end now, not in 60 s
            (tmp_path / str(k)).touch()


def test_the_docs_react_page_works_through_the_mount(
    mount_url: str, browser: Any, client: Client, tmp_path: Path
) -> None:
    """docs/frontend.md's ``Chat`` component, as it is written, in Chromium through the mount."""
    from playwright.sync_api import expect

    user = "docs-" + tmp_path.name
    chat = Page(browser, mount_url, user, at="/docs/")
    try:
        chat.page.fill("input[name=q]", "Hello from the docs")
        chat.page.click("button")
        expect(chat.page.locator("form p")).to_have_text(["Hello from the docs", "echo: Hello from the docs"],
                                                         timeout=BOUND * 1000)
        expect(chat.page.locator("button")).to_be_enabled(timeout=BOUND * 1000)
        seen = chat.responses()
    finally:
        chat.context.close()
    [thread] = client.threads.search(metadata={"owner": user})
    assert [run.status for run in client.runs.list(thread.thread_id)] == ["success"]
    _assert_no_key(seen)


def test_the_docs_js_snippet_runs_in_node_through_the_mount(mount_url: str, client: Client, tmp_path: Path) -> None:
    """docs/frontend.md's ``Client`` snippet, as it is written, in Node: ``location`` is the app's
    page and every request carries the app's session cookie, as in a browser."""
    user = "docs-js-" + tmp_path.name
    prelude = (f"globalThis.location = new URL({json.dumps(mount_url + '/')});\n"
               "const send = globalThis.fetch;\n"
               f"globalThis.fetch = (url, init = {{}}) => send(url, "
               f"{{...init, headers: {{...init.headers, cookie: {json.dumps(node.USER_COOKIE + '=' + user)}}}}});\n")
    (tmp_path / "snippet.mjs").write_text(prelude + _docs_snippet("js", "client.runs.stream("))
    printed = node.run_module(node.bundle(tmp_path / "snippet.mjs", tmp_path / "snippet.js", platform="node"))
    assert printed.splitlines()[-1] == "echo: Hello!"
    [thread] = client.threads.search(metadata={"owner": user})
    assert [run.status for run in client.runs.list(thread.thread_id)] == ["success"]
