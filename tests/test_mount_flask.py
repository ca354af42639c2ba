"""The browser mount in a Flask app (``stateless_client.contrib.flask``), run for real: the app
under waitress on a free port in front of the real ``langgraph dev``, read as the JS SDK reads it.

The test app (tests/mount_app.py) uses ``owner_policy``; its user is the ``X-Test-User``
header. It sends a sentinel API key upstream (``langgraph dev`` ignores it): every response
a test reads goes through ``Browser``, which fails the test if the key is in any header or
body, or the upstream server's address in any header or error body. (Other bodies may hold
it: the server records its own URL, ``langgraph_api_url``, in run and checkpoint metadata;
that is its data, passed on as it is.)
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Iterator

import pytest
import requests

from stateless_client import Client
from stateless_client._dev.local_server import LocalServer
from stateless_client.contrib.access import allow_all, owner_policy
from stateless_client.sse import decode

from .helpers import settled_status
from .loopback import Connection, ScriptedServer, json_answer, sse
from .mount_app import SENTINEL_KEY, USER_HEADER, make_app, serve, user_of

BOUND = 20.0  # seconds: how long anything may take before the test fails rather than hangs
MESSAGE = {"messages": [{"role": "user", "content": "hi"}]}


class Browser:
    """Requests to the mount as one user; every answer is checked for the key and the upstream."""

    def __init__(self, api: str, user: str | None, upstream: str) -> None:
        self.api = api
        self.upstream = upstream
        self.session = requests.Session()
        if user is not None:
            self.session.headers[USER_HEADER] = user

    def _check(self, text: str, *, error: bool = False) -> None:
        assert SENTINEL_KEY not in text
        if error:  # other bodies are the server's data, passed on as they are
            assert self.upstream not in text

    def call(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        """A whole answer (headers and body checked)."""
        response = self.session.request(method, self.api + path, timeout=BOUND, **kwargs)
        self._check(json.dumps(dict(response.headers)), error=True)
        self._check(response.text, error=response.status_code >= 400)
        return response

    def stream(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        """An answer whose body is read by the caller, through ``chunks``."""
        response = self.session.request(method, self.api + path, timeout=BOUND, stream=True, **kwargs)
        self._check(json.dumps(dict(response.headers)), error=True)
        return response

    def chunks(self, response: requests.Response) -> Iterator[bytes]:
        """The body's chunks as they arrive, each checked."""
        for chunk in response.iter_content(chunk_size=None):
            self._check(chunk.decode("utf-8", "replace"))
            yield chunk


@pytest.fixture(scope="module")
def api(server: LocalServer) -> Iterator[str]:
    """The mount's URL (the JS SDK's ``apiUrl``) in the test app, owner policy, stateless runs denied."""
    with serve(make_app(server.url)) as url:
        yield url + "/langgraph"


@pytest.fixture
def alice(api: str, server: LocalServer) -> Browser:
    return Browser(api, "alice", server.url)


@pytest.fixture
def bob(api: str, server: LocalServer) -> Browser:
    return Browser(api, "bob", server.url)


def _thread(browser: Browser, **body: Any) -> str:
    made = browser.call("POST", "/threads", json=body)
    assert made.status_code == 200, made.text
    return str(made.json()["thread_id"])


# -- ownership -----------------------------------------------------------------------------------


def test_a_thread_made_through_the_mount_belongs_to_its_user(alice: Browser, client: Client) -> None:
    thread_id = _thread(alice, metadata={"owner": "bob", "topic": "x"})  # the browser cannot say who owns it
    assert client.threads.get(thread_id).metadata == {"owner": "alice", "topic": "x"}
    assert alice.call("GET", f"/threads/{thread_id}").json()["metadata"]["owner"] == "alice"


def test_another_users_thread_is_404_whatever_is_asked(alice: Browser, bob: Browser, client: Client) -> None:
    thread_id = _thread(alice)
    waited = alice.call("POST", f"/threads/{thread_id}/runs/wait", json={"assistant_id": "agent", "input": MESSAGE})
    assert waited.status_code == 200, waited.text
    (run,) = client.runs.list(thread_id)
    metadata = client.threads.get(thread_id).metadata
    checkpoints = len(client.threads.get_history(thread_id, limit=100))
    t, r = f"/threads/{thread_id}", f"/threads/{thread_id}/runs/{run.run_id}"
    asked = [
        ("GET", t, None), ("PATCH", t, {"metadata": {"owner": "bob"}}), ("GET", f"{t}/state", None),
        ("POST", f"{t}/state", {"values": MESSAGE}), ("GET", f"{t}/history", None), ("POST", f"{t}/history", {}),
        ("POST", f"{t}/state/checkpoint", {"checkpoint": {}}), ("GET", f"{t}/runs", None),
        ("POST", f"{t}/runs", {"assistant_id": "agent", "input": MESSAGE}),
        ("POST", f"{t}/runs/stream", {"assistant_id": "agent", "input": MESSAGE}),
        ("POST", f"{t}/runs/wait", {"assistant_id": "agent", "input": MESSAGE}),
        ("GET", r, None), ("POST", f"{r}/cancel", None), ("GET", f"{r}/join", None), ("GET", f"{r}/stream", None),
        ("POST", f"{t}/commands", {"id": 1, "method": "run.start", "params": {}}),
        ("POST", f"{t}/stream/events", {}), ("DELETE", t, None),
    ]
    for method, path, body in asked:
        answer = bob.call(method, path, json=body)
        assert answer.status_code == 404, (method, path, answer.text)
        # As for a thread that does not exist.
        assert answer.json() == {"detail": f"Thread with ID {thread_id} not found"}
        assert alice.call("GET", t).status_code == 200
    # Nothing bob asked reached the thread.
    assert client.threads.get(thread_id).metadata == metadata
    assert [each.run_id for each in client.runs.list(thread_id)] == [run.run_id]
    assert len(client.threads.get_history(thread_id, limit=100)) == checkpoints
    # And alice reads what bob could not.
    for path in (t, f"{t}/state", f"{t}/history", f"{t}/runs", r, f"{r}/join"):
        assert alice.call("GET", path).status_code == 200, path


def test_a_missing_thread_and_another_users_look_the_same(alice: Browser, bob: Browser) -> None:
    missing = "00000000-0000-4000-8000-000000000000"
    theirs = _thread(alice)
    assert bob.call("GET", f"/threads/{missing}").json() == {"detail": f"Thread with ID {missing} not found"}
    assert bob.call("GET", f"/threads/{theirs}").json() == {"detail": f"Thread with ID {theirs} not found"}


def test_searches_see_only_the_users_threads(alice: Browser, bob: Browser) -> None:
    mine, theirs = _thread(alice, metadata={"tag": "search"}), _thread(bob, metadata={"tag": "search"})
    for body in ({}, {"metadata": {"owner": "bob"}}, {"metadata": {"tag": "search"}}, {"ids": [mine, theirs]}):
        found = {each["thread_id"] for each in alice.call("POST", "/threads/search", json=body).json()}
        assert theirs not in found, body
        assert all(each["metadata"]["owner"] == "alice"
                   for each in alice.call("POST", "/threads/search", json=body).json())
    assert mine in {each["thread_id"] for each in alice.call("POST", "/threads/search", json={}).json()}


def test_an_update_cannot_give_a_thread_away(alice: Browser, client: Client) -> None:
    thread_id = _thread(alice)
    patched = alice.call("PATCH", f"/threads/{thread_id}", json={"metadata": {"owner": "bob", "more": 1}})
    assert patched.status_code == 200, patched.text
    assert client.threads.get(thread_id).metadata == {"owner": "alice", "more": 1}


def test_creating_with_another_users_thread_id_does_not_answer_it(alice: Browser, bob: Browser) -> None:
    theirs = _thread(alice)
    # "do_nothing" would answer the existing thread, values and all.
    answer = bob.call("POST", "/threads", json={"thread_id": theirs, "if_exists": "do_nothing"})
    assert answer.status_code == 409
    assert theirs not in answer.text or "owner" not in answer.text
    assert "alice" not in answer.text


def test_a_user_deletes_their_own_thread(alice: Browser, client: Client) -> None:
    thread_id = _thread(alice)
    assert alice.call("DELETE", f"/threads/{thread_id}").status_code in (200, 204)
    assert alice.call("GET", f"/threads/{thread_id}").status_code == 404


def test_no_user_is_401_and_nothing_is_sent(api: str, server: LocalServer, alice: Browser, client: Client) -> None:
    anonymous = Browser(api, None, server.url)
    before = len(client.threads.search(limit=1000))
    thread_id = _thread(alice)
    for method, path, body in (("POST", "/threads", {}), ("POST", "/threads/search", {}),
                               ("GET", f"/threads/{thread_id}", None), ("POST", "/assistants/search", {})):
        answer = anonymous.call(method, path, json=body)
        assert (answer.status_code, answer.json()) == (401, {"detail": "Not authenticated"}), path
    assert len(client.threads.search(limit=1000)) == before + 1  # alice's only


def test_runs_without_a_thread_are_refused_by_the_owner_policy(alice: Browser) -> None:
    for path in ("/runs", "/runs/stream", "/runs/wait"):
        answer = alice.call("POST", path, json={"assistant_id": "agent", "input": MESSAGE})
        assert answer.status_code == 403, path


def test_runs_without_a_thread_when_the_app_allows_them(server: LocalServer) -> None:
    app = make_app(server.url, authorize=owner_policy(user_of, stateless_runs=True))
    with serve(app) as url:
        browser = Browser(url + "/langgraph", "carol", server.url)
        waited = browser.call("POST", "/runs/wait", json={"assistant_id": "agent", "input": MESSAGE})
        assert waited.status_code == 200, waited.text
        assert waited.json()["messages"][-1]["content"] == "echo: hi"


def test_assistants_are_readable(alice: Browser) -> None:
    found = alice.call("POST", "/assistants/search", json={"graph_id": "agent"}).json()
    assistant_id = found[0]["assistant_id"]
    for path in ("", "/graph", "/schemas", "/subgraphs"):
        assert alice.call("GET", f"/assistants/{assistant_id}{path}").status_code == 200, path


# -- what is reachable ---------------------------------------------------------------------------


@pytest.mark.parametrize(("method", "path"), [
    ("GET", ""), ("GET", "/ok"), ("GET", "/info"), ("POST", "/assistants"), ("DELETE", "/assistants/agent"),
    ("PUT", "/store/items"), ("POST", "/store/items/search"), ("POST", "/runs/crons"), ("POST", "/threads/prune"),
    ("GET", "/threads"), ("GET", "/threads/x/../../ok"), ("POST", "/runs/batch"), ("POST", "/runs/cancel"),
    ("POST", "/threads/count"), ("POST", "/threads/x/copy"), ("GET", "/docs"), ("GET", "/openapi.json"),
])
def test_what_the_frontend_does_not_need_is_404(alice: Browser, method: str, path: str) -> None:
    answer = alice.call(method, path, json={} if method != "GET" else None)
    assert (answer.status_code, answer.json()) == (404, {"detail": "Not Found"})


def test_an_action_the_app_enables_is_served(server: LocalServer) -> None:
    with serve(make_app(server.url, enable=["threads.count"], disable=["threads.delete"])) as url:
        browser = Browser(url + "/langgraph", "dave", server.url)
        thread_id = _thread(browser)
        assert browser.call("POST", "/threads/count", json={}).json() == 1  # dave's, counted with the owner filter
        assert browser.call("DELETE", f"/threads/{thread_id}").status_code == 404


# -- browser safety ------------------------------------------------------------------------------


def test_a_cross_site_request_is_refused(alice: Browser, client: Client) -> None:
    thread_id = _thread(alice)
    for headers in ({"Origin": "https://evil.example"}, {"Sec-Fetch-Site": "cross-site"},
                    {"Sec-Fetch-Site": "same-site"}, {"Origin": "null"}):
        for method, path, body in (("POST", "/threads", {}), ("DELETE", f"/threads/{thread_id}", None),
                                   ("POST", f"/threads/{thread_id}/runs", {"assistant_id": "agent"}),
                                   ("GET", f"/threads/{thread_id}", None)):
            answer = alice.call(method, path, json=body, headers=headers)
            assert (answer.status_code, answer.json()) == (403, {"detail": "Cross-site request refused"})
    assert client.runs.list(thread_id) == []
    assert client.threads.get(thread_id).thread_id == thread_id


def test_a_request_from_the_apps_own_page_is_served(alice: Browser) -> None:
    host = alice.api.split("/")[2]
    assert alice.call("POST", "/threads/search", json={}, headers={"Sec-Fetch-Site": "same-origin"}).ok
    answer = alice.call("POST", "/threads", json={},
                        headers={"Origin": f"http://{host}", "Sec-Fetch-Site": "same-origin"})
    assert answer.status_code == 200, answer.text


def test_another_host_is_refused(alice: Browser) -> None:
    # DNS rebinding: a page of evil.example, its name pointed at this server, is same-origin with it.
    answer = alice.call("POST", "/threads", json={}, headers={"Host": "evil.example", "Origin": "http://evil.example"})
    assert answer.status_code == 400


def test_a_body_over_the_limit_is_413(server: LocalServer) -> None:
    with serve(make_app(server.url, max_body_size=1000)) as url:
        browser = Browser(url + "/langgraph", "erin", server.url)
        assert browser.call("POST", "/threads", json={"metadata": {"x": "y" * 900}}).status_code == 200
        too_big = browser.call("POST", "/threads", json={"metadata": {"x": "y" * 1000}})
        assert (too_big.status_code, too_big.json()) == (413, {"detail": "Request body larger than 1000 bytes"})


def test_the_browsers_credentials_stay_in_the_app_and_the_key_is_added() -> None:
    with ScriptedServer(json_answer({"thread_id": "t1", "metadata": {}})) as upstream, \
            serve(make_app(upstream.url, authorize=allow_all)) as url:
        answer = requests.post(f"{url}/langgraph/threads?x=1", json={"metadata": {}}, timeout=BOUND, headers={
            "x-api-key": "browser", "Authorization": "Bearer b", "Cookie": "session=1", "X-Test-User": "u"})
        assert answer.status_code == 200
        assert "set-cookie" not in answer.headers
    (sent,) = upstream.requests
    assert (sent.method, sent.target) == ("POST", "/threads?x=1")
    headers = {name.lower(): value for name, value in sent.headers.items()}
    assert headers["x-api-key"] == SENTINEL_KEY
    assert not {"authorization", "cookie", "x-test-user"} & set(headers)


def test_a_stream_cut_upstream_is_cut_for_the_browser_not_ended() -> None:
    def cut(conn: Connection) -> None:
        conn.head(headers={"content-location": "/threads/t1/runs/r1"})
        conn.chunk(sse("values", {"i": 0}))
        conn.reset()

    with ScriptedServer(cut) as upstream, serve(make_app(upstream.url, authorize=allow_all)) as url:
        response = requests.get(f"{url}/langgraph/threads/t1/runs/r1/stream", stream=True, timeout=BOUND)
        received = b""
        # A clean end would tell the JS SDK the run's stream is over; a cut one makes it resume.
        with pytest.raises(requests.exceptions.ChunkedEncodingError):
            for chunk in response.iter_content(chunk_size=None):
                received += chunk
        assert received == sse("values", {"i": 0})


@pytest.mark.parametrize("body", [{"assistant_id": "no-such", "input": {}},
                                  {"assistant_id": "agent", "stream_mode": 7}])
def test_upstream_errors_pass_with_their_status_and_detail(
    alice: Browser, server: LocalServer, body: dict[str, Any]
) -> None:
    thread_id = _thread(alice)
    direct = requests.post(f"{server.url}/threads/{thread_id}/runs", json=body, timeout=BOUND)
    assert direct.status_code >= 400
    relayed = alice.call("POST", f"/threads/{thread_id}/runs", json=body)
    assert relayed.status_code == direct.status_code
    assert relayed.json() == {"detail": direct.json()["detail"]}


def test_a_body_that_is_not_json_is_400(alice: Browser) -> None:
    answer = alice.call("POST", "/threads", data=b"{not json", headers={"Content-Type": "application/json"})
    assert (answer.status_code, answer.json()) == (400, {"detail": "Request body is not JSON"})


# -- streaming -----------------------------------------------------------------------------------


def test_tokens_arrive_one_at_a_time(alice: Browser, client: Client, tmp_path: Path) -> None:
    thread_id = _thread(alice)
    text = "Hello Bagatur! Nice to meet you."
    tokens: list[str] = []
    events: list[str] = []
    body = {"assistant_id": "slow_tokens", "stream_mode": "messages-tuple",
            "input": {"messages": [{"role": "user", "content": f"gate:{tmp_path} {text}"}]}}
    # The model makes token i + 1 only once the file <tmp_path>/<i> exists, created here on
    # receiving token i: a mount that buffered would make this read time out instead.
    with alice.stream("POST", f"/threads/{thread_id}/runs/stream", json=body) as response:
        assert response.status_code == 200
        assert response.headers["Content-Type"].startswith("text/event-stream")
        assert response.headers["X-Accel-Buffering"] == "no"
        location = response.headers["Content-Location"]
        assert re.fullmatch(rf"/threads/{thread_id}/runs/[0-9a-f-]+", location)  # as the JS SDK reads it
        for event in decode(alice.chunks(response)):
            events.append(event.event)
            if event.event == "messages":
                chunk, _ = json.loads(event.data)
                if chunk["content"]:
                    (tmp_path / str(len(tokens))).touch()
                    tokens.append(chunk["content"])
    assert tokens == re.split(r"(\s)", text)
    assert events[0] == "metadata"
    assert settled_status(client, thread_id, seconds=BOUND) == "success"


def _leave_after(browser: Browser, path: str, body: dict[str, Any] | None, messages: int) -> None:
    method = "GET" if body is None else "POST"
    with browser.stream(method, path, json=body) as response:
        assert response.status_code == 200, response.text
        seen = 0
        for event in decode(browser.chunks(response)):
            seen += event.event == "messages"
            if seen == messages:
                break  # leaving the with block closes the connection, as a closed tab does


def _slow_run(content: str, **more: Any) -> dict[str, Any]:
    return {"assistant_id": "slow_tokens", "stream_mode": "messages-tuple",
            "input": {"messages": [{"role": "user", "content": content}]}, **more}


def test_the_browser_leaving_cancels_the_run(alice: Browser, client: Client) -> None:
    thread_id = _thread(alice)
    # 400 tokens, 50 ms apart: the run would go on for 20 s after this reader leaves.
    _leave_after(alice, f"/threads/{thread_id}/runs/stream", _slow_run("word " * 200), 3)
    assert settled_status(client, thread_id, seconds=BOUND) == "interrupted"


def test_the_browser_leaving_a_run_it_asked_to_continue_cancels_nothing(alice: Browser, client: Client) -> None:
    thread_id = _thread(alice)
    _leave_after(alice, f"/threads/{thread_id}/runs/stream", _slow_run("word " * 10, on_disconnect="continue"), 3)
    assert settled_status(client, thread_id, seconds=BOUND) == "success"


def test_leaving_a_joined_stream_cancels_nothing(alice: Browser, client: Client) -> None:
    thread_id = _thread(alice)
    started = alice.call("POST", f"/threads/{thread_id}/runs", json=_slow_run("word " * 10))
    run_id = started.json()["run_id"]
    _leave_after(alice, f"/threads/{thread_id}/runs/{run_id}/stream?stream_mode=messages-tuple", None, 3)
    assert settled_status(client, thread_id, run_id, seconds=BOUND) == "success"


def test_heartbeats_pass_and_leaving_in_a_silence_cancels_the_run(alice: Browser, client: Client) -> None:
    """The ``quiet`` graph sends nothing for 12 s: the server's heartbeat (every 5 s) reaches the
    browser, and under WSGI it is what fails to be written once the browser has left."""
    thread_id = _thread(alice)
    body = {"assistant_id": "quiet", "stream_mode": "messages-tuple", "input": MESSAGE}
    with alice.stream("POST", f"/threads/{thread_id}/runs/stream", json=body) as response:
        for chunk in alice.chunks(response):
            if chunk.startswith(b":"):
                break  # a heartbeat: leave now, in the middle of the silence
    assert settled_status(client, thread_id, seconds=BOUND) == "interrupted"
    said = [message["content"] for message in client.threads.get_state(thread_id).values["messages"]]
    assert said == ["hi", "Let me think."]  # interrupted in the silence


def test_a_mount_with_allow_all_serves_every_thread(server: LocalServer, alice: Browser) -> None:
    thread_id = _thread(alice)
    with serve(make_app(server.url, authorize=allow_all)) as url:
        anyone = Browser(url + "/langgraph", None, server.url)
        assert anyone.call("GET", f"/threads/{thread_id}").status_code == 200


# -- a client through the mount ------------------------------------------------------------------


def test_this_client_through_the_mount_streams_joins_and_reads_history(api: str, client: Client) -> None:
    with Client(api, api_key=None, headers={USER_HEADER: "frank"}) as through:
        thread = through.threads.create()
        assert client.threads.get(thread.thread_id).metadata == {"owner": "frank"}
        with through.runs.stream(thread.thread_id, "tokens", input=MESSAGE, stream_mode="messages-tuple") as stream:
            text = "".join(part.data[0]["content"] for part in stream if part.event == "messages")
        assert text == "Hello Bagatur! Nice to meet you."
        run = through.runs.create(thread.thread_id, "agent", input=MESSAGE)
        assert through.runs.join(thread.thread_id, run.run_id)["messages"][-1]["content"] == "echo: hi"
        assert len(through.threads.get_history(thread.thread_id)) > 1
        assert [found.thread_id for found in through.threads.search()] == [thread.thread_id]


def test_the_thread_stream_protocol_through_the_mount_makes_an_owned_thread(
    api: str, server: LocalServer, client: Client
) -> None:
    # threads.stream() names a new thread: the mount makes it, owned, before the first command.
    with Client(api, api_key=None, headers={USER_HEADER: "grace"}) as through:
        with through.threads.stream(assistant_id="tokens") as thread:
            thread.run.start(input=MESSAGE)
            texts = [str(message.text) for message in thread.messages]
        assert texts == ["Hello Bagatur! Nice to meet you."]
        assert client.threads.get(thread.thread_id).metadata["owner"] == "grace"
    # Another user cannot follow it.
    other = Browser(api, "heidi", server.url)
    answer = other.call("POST", f"/threads/{thread.thread_id}/stream/events", json={})
    assert answer.status_code == 404
