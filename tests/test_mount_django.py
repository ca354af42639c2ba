"""The Django mount (``stateless_client.contrib.django``) for real: a Django project with session
auth, CSRF and ALLOWED_HOSTS (tests/django_mount_app.py) served by waitress (WSGI) and by uvicorn
(ASGI), each in a process of its own, in front of the real ``langgraph dev``, used as the JS SDK
in a browser uses it: logged in by a session cookie, the ``csrftoken`` cookie's value sent back
as ``X-CSRFToken`` on writes, ``Origin`` the app's own.

Every response the tests receive from the mount is recorded, and none may hold the API key
(a sentinel: ``langgraph dev`` ignores keys).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import subprocess
import sys
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Iterator

import pytest
import requests

from stateless_client import Client, NotFoundError
from stateless_client._dev.local_server import LocalServer
from stateless_client.sse import decode

from .django_mount_app import PASSWORD
from .helpers import settled_status, stop_process
from .loopback import Connection, ScriptedServer, sse

pytest.importorskip("django")
pytest.importorskip("waitress")
pytest.importorskip("uvicorn")

ROOT = Path(__file__).parent.parent
BOUND = 20.0  # seconds: how long anything may take before the test fails rather than hangs
API_KEY = "lsv2_sk_mount-django-sentinel-" + uuid.uuid4().hex  # must reach no browser
PREFIX = "/api/langgraph"
MESSAGE = {"messages": [{"role": "user", "content": "hi"}]}


@dataclass
class Site:
    """One served Django project, and every byte a browser got from it."""

    kind: str
    url: str
    seen: list[bytes] = field(default_factory=list)  # each response's headers, its body, each chunk read

    def browser(self, user: str | None) -> Browser:
        """A browser on the app's page, logged in as ``user`` (``None``: anonymous)."""
        browser = Browser(self)
        if user is not None:
            browser.log_in(user)
        return browser


class Browser:
    """What the JS SDK's ``Client`` sends from the app's page: the session and ``csrftoken``
    cookies, the token as ``X-CSRFToken`` (``defaultHeaders``), the page's ``Origin`` and
    ``Sec-Fetch-Site: same-origin``."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self.session = requests.Session()
        self.session.hooks["response"].append(self._record)
        self.session.get(f"{site.url}/login/", timeout=BOUND).raise_for_status()  # sets csrftoken
        self.user_id: str | None = None

    def _record(self, response: requests.Response, *args: Any, stream: bool = False, **kwargs: Any) -> None:
        self.site.seen.append(f"{response.status_code} {response.reason}\n{response.headers}".encode())
        if not stream:
            self.site.seen.append(response.content)

    def log_in(self, user: str) -> None:
        answer = self.session.post(f"{self.site.url}/login/", data={"username": user, "password": PASSWORD},
                                   headers=self.headers(), timeout=BOUND)
        assert answer.status_code == 200, answer.text
        self.user_id = answer.json()["id"]

    def headers(self, *, csrf: bool = True) -> dict[str, str]:
        headers = {"Origin": self.site.url, "Sec-Fetch-Site": "same-origin"}
        if csrf:
            headers["X-CSRFToken"] = self.session.cookies["csrftoken"]
        return headers

    def call(self, method: str, path: str, *, csrf: bool = True, headers: dict[str, str] | None = None,
             **kwargs: Any) -> requests.Response:
        """``method`` on the mount's ``path`` (``/threads``...)."""
        return self.session.request(method, f"{self.site.url}{PREFIX}{path}",
                                    headers={**self.headers(csrf=csrf), **(headers or {})}, timeout=BOUND, **kwargs)

    def stream(self, path: str, body: dict[str, Any]) -> requests.Response:
        """``POST`` for a stream, to be read as it arrives (``chunks``)."""
        response = self.call("POST", path, json=body, stream=True, headers={"Accept": "text/event-stream"})
        assert response.status_code == 200, response.text
        return response

    def chunks(self, response: requests.Response) -> Iterator[bytes]:
        """The body's chunks, each as the socket gave it."""
        for chunk in response.iter_content(chunk_size=None):
            self.site.seen.append(chunk)
            yield chunk

    def thread(self, **body: Any) -> str:
        made = self.call("POST", "/threads", json=body)
        assert made.status_code == 200, made.text
        return str(made.json()["thread_id"])


@contextlib.contextmanager
def _served(kind: str, db: Path, upstream: str, log: Path, *options: str) -> Iterator[str]:
    """Run tests/django_mount_app.py under ``kind`` (with its ``options``) in front of the
    LangGraph server at ``upstream``, and give its URL."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.django_mount_app", kind, str(db), upstream, API_KEY, *options],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=out, start_new_session=True,
        )
    assert process.stdout is not None
    line: list[bytes] = []
    reader = threading.Thread(target=lambda: line.append(process.stdout.readline()), daemon=True)  # type: ignore[union-attr]
    reader.start()
    reader.join(BOUND)
    try:
        ready = re.fullmatch(rb"READY (\d+)\n", line[0] if line else b"")
        assert ready, f"the {kind} server did not start: {log.read_text()}"
        yield f"http://127.0.0.1:{int(ready[1])}"
    finally:
        stop_process(process, BOUND)
        process.stdout.close()


@pytest.fixture(scope="module", params=["wsgi", "asgi"])
def site(request: pytest.FixtureRequest, server: LocalServer, tmp_path_factory: pytest.TempPathFactory
         ) -> Iterator[Site]:
    """The Django project under waitress (``wsgi``) or uvicorn (``asgi``)."""
    kind: str = request.param
    directory = tmp_path_factory.mktemp(f"django-{kind}")
    with _served(kind, directory / "db.sqlite3", server.url, directory / "server.log") as url:
        yield Site(kind, url)


@pytest.fixture
def alice(site: Site) -> Browser:
    return site.browser("alice")


@pytest.fixture
def bob(site: Site) -> Browser:
    return site.browser("bob")


@pytest.fixture(autouse=True)
def _no_response_shows_the_key(request: pytest.FixtureRequest) -> Iterator[None]:
    """After each test: the API key is in nothing a browser got (headers, bodies, chunks)."""
    yield
    if "site" in request.fixturenames:
        site: Site = request.getfixturevalue("site")
        shown = [seen for seen in site.seen if API_KEY.encode() in seen]
        site.seen.clear()
        assert not shown, shown


@pytest.fixture(scope="module")
def exempt_site(server: LocalServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Site, Path]]:
    """The project under waitress with ``langgraph_urls(client, csrf_exempt=True)`` and
    ``GZipMiddleware``; and its log."""
    directory = tmp_path_factory.mktemp("django-exempt")
    log = directory / "server.log"
    with _served("wsgi", directory / "db.sqlite3", server.url, log, "csrf-exempt", "gzip") as url:
        yield Site("wsgi", url), log


def _tagged(client: Client, tag: dict[str, str]) -> list[Any]:
    return list(client.threads.search(metadata=tag, limit=10))


# --- The API, passed through.


def test_threads_pass_through_and_belong_to_their_user(alice: Browser, client: Client) -> None:
    tag = {"test_tag": uuid.uuid4().hex}
    # The browser cannot say who owns it: the mount writes the logged-in user's ID.
    thread_id = alice.thread(metadata={**tag, "owner": "someone else"})
    assert client.threads.get(thread_id).metadata == {**tag, "owner": alice.user_id}

    got = alice.call("GET", f"/threads/{thread_id}")
    assert got.status_code == 200 and got.json()["thread_id"] == thread_id
    found = alice.call("POST", "/threads/search", json={"metadata": tag})
    assert [each["thread_id"] for each in found.json()] == [thread_id]

    waited = alice.call("POST", f"/threads/{thread_id}/runs/wait", json={"assistant_id": "agent", "input": MESSAGE})
    assert waited.status_code == 200, waited.text
    state = alice.call("GET", f"/threads/{thread_id}/state").json()
    assert [message["content"] for message in state["values"]["messages"]] == ["hi", "echo: hi"]
    for history in (alice.call("GET", f"/threads/{thread_id}/history?limit=2"),
                    alice.call("POST", f"/threads/{thread_id}/history", json={"limit": 2})):
        assert history.status_code == 200, history.text
        assert [len(each["values"].get("messages", [])) for each in history.json()] == [2, 1]
    assert [run["status"] for run in alice.call("GET", f"/threads/{thread_id}/runs").json()] == ["success"]

    patched = alice.call("PATCH", f"/threads/{thread_id}", json={"metadata": {"topic": "x", "owner": "someone else"}})
    assert patched.status_code == 200, patched.text
    assert client.threads.get(thread_id).metadata["owner"] == alice.user_id  # the owner stays
    assert client.threads.get(thread_id).metadata["topic"] == "x"
    deleted = alice.call("DELETE", f"/threads/{thread_id}")
    assert deleted.status_code in (200, 204), deleted.text
    assert alice.call("GET", f"/threads/{thread_id}").status_code == 404
    with pytest.raises(NotFoundError):
        client.threads.get(thread_id)


def test_a_run_streams_token_by_token(alice: Browser, client: Client, tmp_path: Path) -> None:
    """Each token reaches the browser before the model makes the next (a buffering relay, e.g.
    Django reading a plain iterator whole under ASGI, would make this read time out)."""
    thread_id = alice.thread()
    text = "Hello Bagatur! Nice to meet you."
    body = {"assistant_id": "slow_tokens", "stream_mode": "messages-tuple",
            "input": {"messages": [{"role": "user", "content": f"gate:{tmp_path} {text}"}]}}
    tokens: list[str] = []
    reads_by_token: list[int] = []
    reads = 0

    def counted(chunks: Iterator[bytes]) -> Iterator[bytes]:
        nonlocal reads
        for chunk in chunks:
            reads += 1
            yield chunk

    with alice.stream(f"/threads/{thread_id}/runs/stream", body) as response:
        assert response.headers["Content-Type"].startswith("text/event-stream")
        assert response.headers["Cache-Control"] == "no-cache" and response.headers["X-Accel-Buffering"] == "no"
        # Where the run is, as an API path (the JS SDK puts its apiUrl, the mount, before it):
        # never the LangGraph server's address.
        assert re.fullmatch(rf"/threads/{thread_id}/runs/[-0-9a-f]+", response.headers["Content-Location"])
        for event in decode(counted(alice.chunks(response))):
            if event.event == "messages":
                chunk, _ = json.loads(event.data)
                if chunk["content"]:
                    (tmp_path / str(len(tokens))).touch()  # lets the model make the next token
                    tokens.append(chunk["content"])
                    reads_by_token.append(reads)
    assert "".join(tokens) == text
    assert tokens == re.split(r"(\s)", text)
    assert reads_by_token == sorted(set(reads_by_token))  # each token in a read of its own
    assert settled_status(client, thread_id, seconds=BOUND) == "success"


# --- Two users.


def test_another_users_thread_is_404_and_untouched(alice: Browser, bob: Browser, client: Client) -> None:
    thread_id = alice.thread()
    assert alice.call("POST", f"/threads/{thread_id}/runs/wait",
                      json={"assistant_id": "agent", "input": MESSAGE}).status_code == 200
    (run,) = client.runs.list(thread_id)
    t, r = f"/threads/{thread_id}", f"/threads/{thread_id}/runs/{run.run_id}"
    for method, path, body in [
        ("GET", t, None), ("GET", f"{t}/state", None), ("GET", f"{t}/history", None), ("POST", f"{t}/history", {}),
        ("GET", f"{t}/runs", None), ("GET", r, None), ("GET", f"{r}/join", None),
        ("PATCH", t, {"metadata": {"owner": bob.user_id}}), ("POST", f"{t}/state", {"values": MESSAGE}),
        ("POST", f"{t}/runs/stream", {"assistant_id": "agent", "input": MESSAGE}),
        ("POST", f"{r}/cancel", None), ("DELETE", t, None),
    ]:
        answer = bob.call(method, path, json=body)
        assert answer.status_code == 404, (method, path, answer.text)
    assert client.threads.get(thread_id).metadata["owner"] == alice.user_id
    assert [each.run_id for each in client.runs.list(thread_id)] == [run.run_id]
    assert alice.call("GET", f"{t}/state").status_code == 200


def test_searches_see_only_the_users_threads(alice: Browser, bob: Browser) -> None:
    tag = {"test_tag": uuid.uuid4().hex}
    alices, bobs = alice.thread(metadata=tag), bob.thread(metadata=tag)
    seen = {name: [each["thread_id"] for each in browser.call("POST", "/threads/search", json={"metadata": tag}).json()]
            for name, browser in (("alice", alice), ("bob", bob))}
    assert seen == {"alice": [alices], "bob": [bobs]}
    # Asking for the other's threads by name changes nothing: the owner filter is forced.
    theirs = alice.call("POST", "/threads/search", json={"metadata": {**tag, "owner": bob.user_id}})
    assert [each["thread_id"] for each in theirs.json()] == [alices]


def test_an_anonymous_visitor_is_401(site: Site, alice: Browser) -> None:
    thread_id = alice.thread()
    anonymous = site.browser(None)
    for method, path in [("GET", f"/threads/{thread_id}"), ("POST", "/threads/search"), ("POST", "/threads")]:
        answer = anonymous.call(method, path, json={} if method == "POST" else None)
        assert answer.status_code == 401, (method, path, answer.text)


# --- Django's protections.


def test_a_write_needs_the_csrf_token(alice: Browser, client: Client) -> None:
    tag = {"test_tag": uuid.uuid4().hex}
    refused = alice.call("POST", "/threads", json={"metadata": tag}, csrf=False)
    assert refused.status_code == 403 and "CSRF" in refused.text  # Django's own refusal
    # A page on another site that somehow has the token: refused by Django's Origin check.
    forged = alice.call("POST", "/threads", json={"metadata": tag}, headers={"Origin": "http://evil.example"})
    assert forged.status_code == 403 and "CSRF" in forged.text
    assert _tagged(client, tag) == []  # nothing reached the LangGraph server
    # Every POST needs it (for Django a POST is a write, searches too); a GET does not.
    assert alice.call("POST", "/threads/search", json={}, csrf=False).status_code == 403
    assert alice.call("POST", "/assistants/search", json={}, csrf=False).status_code == 403
    assert alice.call("GET", f"/threads/{alice.thread()}", csrf=False).status_code == 200
    # The JS SDK with the token in its defaultHeaders.
    made = alice.call("POST", "/threads", json={"metadata": tag})
    assert made.status_code == 200, made.text
    assert [thread.thread_id for thread in _tagged(client, tag)] == [made.json()["thread_id"]]


def test_a_cross_site_request_is_refused_reads_too(alice: Browser, client: Client) -> None:
    """Django's CSRF check covers writes; the mount's own covers reads as well (a dropped
    cross-site join could act on a run)."""
    thread_id = alice.thread()
    for cross_site in ({"Sec-Fetch-Site": "cross-site"}, {"Sec-Fetch-Site": "same-site"},
                       {"Origin": "http://evil.example"}):
        for method, path in [("GET", f"/threads/{thread_id}"), ("GET", f"/threads/{thread_id}/history")]:
            refused = alice.call(method, path, headers=cross_site)
            assert refused.status_code == 403, (cross_site, path, refused.text)
            assert refused.json() == {"detail": "Cross-site request refused"}
    assert alice.call("GET", f"/threads/{thread_id}").status_code == 200  # from the app's own page


def test_another_host_is_refused_by_allowed_hosts(alice: Browser, client: Client) -> None:
    """DNS rebinding: a page of evil.example, its name resolving to this app's address."""
    tag = {"test_tag": uuid.uuid4().hex}
    port = alice.site.url.rsplit(":", 1)[1]
    answer = alice.call("POST", "/threads", json={"metadata": tag}, headers={"Host": f"evil.example:{port}"})
    assert answer.status_code == 400
    assert _tagged(client, tag) == []


def test_a_body_over_the_limit_is_413(alice: Browser, client: Client) -> None:
    tag = {"test_tag": uuid.uuid4().hex}
    big = alice.call("POST", "/threads", json={"metadata": {**tag, "pad": "x" * (1 << 20)}})
    assert big.status_code == 413, big.text
    assert _tagged(client, tag) == []
    assert alice.call("POST", "/threads", json={"metadata": {**tag, "pad": "x" * 1000}}).status_code == 200


def test_what_the_frontend_does_not_need_is_404(alice: Browser) -> None:
    for method, path in [("POST", "/store/items/search"), ("GET", "/info"), ("POST", "/assistants"),
                         ("GET", "/threads"), ("GET", ""), ("PUT", "/threads"), ("GET", "/docs")]:
        answer = alice.call(method, path, json={} if method == "POST" else None)
        assert answer.status_code == 404, (method, path, answer.text)


def test_the_api_key_reaches_no_browser(alice: Browser, bob: Browser, site: Site) -> None:
    """The autouse check runs after every test; here, that it sees what a browser saw, errors
    included (the key is the one the app's client sends upstream)."""
    thread_id = alice.thread()
    assert bob.call("GET", f"/threads/{thread_id}").status_code == 404
    assert alice.call("POST", f"/threads/{thread_id}/runs/wait", json={"assistant_id": "nope"}).status_code == 422
    with alice.stream(f"/threads/{thread_id}/runs/stream", {"assistant_id": "error", "input": MESSAGE}) as response:
        events = [event.event for event in decode(alice.chunks(response))]
    assert "error" in events
    assert any(b"event: error" in seen for seen in site.seen) and len(site.seen) > 10


# --- Leaving.


def test_the_browser_leaving_cancels_the_run(alice: Browser, client: Client) -> None:
    thread_id = alice.thread()
    body = {"assistant_id": "slow_tokens", "stream_mode": "messages-tuple",
            # 6 s of tokens: long enough to leave in the middle, short enough that the graph's
            # node, which goes on in langgraph dev's thread after the run is cancelled, soon ends.
            "input": {"messages": [{"role": "user", "content": "word " * 60}]}}
    with alice.stream(f"/threads/{thread_id}/runs/stream", body) as response:
        seen = 0
        for event in decode(alice.chunks(response)):
            seen += event.event == "messages"
            if seen == 3:
                break  # leaving the with block closes the connection, as a closed tab does
    assert settled_status(client, thread_id, seconds=BOUND) == "interrupted"


def test_a_quiet_stream_holds_up_no_other_request_and_leaving_it_cancels(alice: Browser, client: Client) -> None:
    """The graph sends nothing for 12 s: other requests are served meanwhile (under ASGI, the
    read waits in a relay thread, not on the event loop), and leaving in the silence cancels
    the run (under WSGI when the next heartbeat fails to be written)."""
    thread_id = alice.thread()
    other = alice.thread()
    body = {"assistant_id": "quiet", "stream_mode": "messages-tuple", "input": MESSAGE}
    with alice.stream(f"/threads/{thread_id}/runs/stream", body) as response:
        events = decode(alice.chunks(response))  # kept: closing it would close the connection
        for event in events:
            if event.event == "messages":
                assert json.loads(event.data)[0]["content"] == "Let me think."
                break  # the graph now sleeps 12 s
        for _ in range(5):
            assert alice.call("GET", f"/threads/{other}").status_code == 200
        # Served while the graph is still silent: not one more word said, the run not ended.
        assert [message["content"] for message in client.threads.get_state(thread_id).values["messages"]] == [
            "hi", "Let me think."]
        assert client.threads.get(thread_id)["status"] == "busy"
    assert settled_status(client, thread_id, seconds=BOUND) == "interrupted"
    said = [message["content"] for message in client.threads.get_state(thread_id).values["messages"]]
    assert said == ["hi", "Let me think."]  # interrupted in the silence


# --- This client through the mount, as the JS SDK's Client uses it.


def test_this_client_through_the_mount_streams_joins_and_reads_history(alice: Browser, client: Client) -> None:
    cookies = "; ".join(f"{name}={value}" for name, value in alice.session.cookies.items())
    with Client(alice.site.url + PREFIX, api_key=None, headers={**alice.headers(), "Cookie": cookies}) as through:
        thread = through.threads.create()
        assert client.threads.get(thread.thread_id).metadata == {"owner": alice.user_id}
        with through.runs.stream(thread.thread_id, "tokens", input=MESSAGE, stream_mode="messages-tuple") as stream:
            text = "".join(part.data[0]["content"] for part in stream if part.event == "messages")
        assert text == "Hello Bagatur! Nice to meet you."
        run = through.runs.create(thread.thread_id, "agent", input=MESSAGE)
        assert through.runs.join(thread.thread_id, run.run_id)["messages"][-1]["content"] == "echo: hi"
        assert len(through.threads.get_history(thread.thread_id)) > 1

        # The thread-stream protocol: threads.stream() names a new thread, which the mount makes,
        # owned, before relaying its first command.
        with through.threads.stream(assistant_id="tokens") as streamed:
            streamed.run.start(input=MESSAGE)
            texts = [str(message.text) for message in streamed.messages]
        assert texts == ["Hello Bagatur! Nice to meet you."]
        assert client.threads.get(streamed.thread_id).metadata["owner"] == alice.user_id


@pytest.mark.parametrize("kind", ["wsgi", "asgi"])
def test_a_stream_cut_upstream_is_cut_for_the_browser_not_ended(kind: str, tmp_path: Path) -> None:
    """A clean end would tell the JS SDK that the run's stream is over; a cut one makes it
    resume. (The project here allows everyone: the scripted upstream answers the join alone.)"""
    def cut(conn: Connection) -> None:
        conn.head(headers={"content-location": "/threads/t1/runs/r1"})
        conn.chunk(sse("values", {"i": 0}))
        conn.reset()

    with ScriptedServer(cut) as upstream, \
            _served(kind, tmp_path / "db.sqlite3", upstream.url, tmp_path / "server.log", "allow-all") as url:
        response = requests.get(f"{url}{PREFIX}/threads/t1/runs/r1/stream", stream=True, timeout=BOUND)
        assert response.status_code == 200
        received = b""
        with pytest.raises(requests.exceptions.ChunkedEncodingError):
            for chunk in response.iter_content(chunk_size=None):
                received += chunk
        assert received == sse("values", {"i": 0})


# --- Without Django's CSRF check.


def test_a_mount_exempt_from_csrf_checks_the_origin_itself(exempt_site: tuple[Site, Path], client: Client) -> None:
    site, _ = exempt_site
    alice = site.browser("alice")
    tag = {"test_tag": uuid.uuid4().hex}
    for cross_site in ({"Sec-Fetch-Site": "cross-site"}, {"Origin": "http://evil.example"}):
        refused = alice.call("POST", "/threads", json={"metadata": tag}, csrf=False, headers=cross_site)
        assert refused.status_code == 403 and refused.json() == {"detail": "Cross-site request refused"}
    assert _tagged(client, tag) == []
    # From the app's own page, no token needed.
    made = alice.call("POST", "/threads", json={"metadata": tag}, csrf=False)
    assert made.status_code == 200, made.text
    assert client.threads.get(made.json()["thread_id"]).metadata["owner"] == alice.user_id
    shown = [seen for seen in site.seen if API_KEY.encode() in seen]
    assert not shown


def test_gzip_middleware_is_warned_about(exempt_site: tuple[Site, Path]) -> None:
    _, log = exempt_site
    assert "GZipMiddleware holds the LangGraph mount's event streams back" in log.read_text()


# --- The module itself.


def test_user_id_is_the_logged_in_users_primary_key() -> None:
    from django.core.exceptions import ImproperlyConfigured

    from stateless_client.contrib.django import user_id

    assert user_id(SimpleNamespace(user=SimpleNamespace(is_authenticated=True, pk=42))) == "42"
    assert user_id(SimpleNamespace(user=SimpleNamespace(is_authenticated=False, pk=None))) is None
    with pytest.raises(ImproperlyConfigured, match="AuthenticationMiddleware"):
        user_id(SimpleNamespace())  # no django.contrib.auth middleware


def test_the_public_names_are_documented() -> None:
    import stateless_client.contrib.django as module

    assert module.__doc__
    for name in module.__all__:
        assert getattr(module, name).__doc__, name


def test_an_open_stream_holds_no_database_connection(site: Site, alice: Browser, client: Client) -> None:
    """Logging the user in took a connection in the request's thread; a stream lasts as long as
    its run, and 3 open streams must not hold 3 of the database's connections meanwhile."""
    threads = [alice.thread() for _ in range(3)]
    body = {"assistant_id": "slow_tokens", "stream_mode": "messages-tuple",
            # 6 s of tokens: long enough to leave in the middle, short enough that the graph's
            # node, which goes on in langgraph dev's thread after the run is cancelled, soon ends.
            "input": {"messages": [{"role": "user", "content": "word " * 60}]}}

    def first_token(thread_id: str) -> requests.Response:
        response = alice.stream(f"/threads/{thread_id}/runs/stream", body)
        for event in decode(alice.chunks(response)):
            if event.event == "messages":
                return response
        raise AssertionError("no token")

    with ThreadPoolExecutor(3) as pool:  # under WSGI, the headers come with a run's first event
        streams = list(pool.map(first_token, threads))
    try:
        assert requests.get(f"{site.url}/databases/", timeout=BOUND).json() == {"open": 0}
    finally:
        for response in streams:
            response.close()
    assert [settled_status(client, thread_id, seconds=BOUND) for thread_id in threads] == ["interrupted"] * 3


# --- The real JS SDK (npm), when the JS tests' tools are there (tests/node.py, tests/js).


def test_the_js_sdk_through_the_mount_with_the_csrf_token_in_its_default_headers(
    alice: Browser, client: Client, tmp_path: Path
) -> None:
    """The SDK's ``Client`` in Node, given the session cookie and the ``csrftoken`` cookie's
    value as ``X-CSRFToken`` in ``defaultHeaders`` as docs/frontend.md says: a thread, a run
    streamed token by token, a join, the history and a cancel; without the token its first
    write is Django's 403."""
    node = pytest.importorskip("tests.node", reason="the JS tests' tools (tests/node.py) are not here")
    try:
        node.node_modules()
    except node.NodeMissing as missing:
        pytest.skip(str(missing))
    cookies = "; ".join(f"{name}={value}" for name, value in alice.session.cookies.items())
    options = {"apiUrl": alice.site.url + PREFIX, "words": ["one", "two", "three"]}
    with pytest.raises(AssertionError, match="HTTP 403"):
        node.run_node("tour", {**options, "headers": {"Cookie": cookies}})

    traffic = tmp_path / "traffic.jsonl"
    headers = {"Cookie": cookies, "X-CSRFToken": alice.session.cookies["csrftoken"]}
    done = node.run_node("tour", {**options, "headers": headers, "traffic": str(traffic)})
    assert client.threads.get(done["threadId"]).metadata["owner"] == alice.user_id
    assert [token["text"] for token in done["stream"]["tokens"]] == ["one", " ", "two", " ", "three"]
    assert (done["runStatus"], done["joinedRunStatus"]) == ("success", "success")
    assert done["history"][0]["messages"] == 4
    assert done["cancel"]["after"] == "interrupted"
    assert traffic.read_text().count('"status"') > 10  # every response the SDK got, recorded
    assert API_KEY not in traffic.read_text()
