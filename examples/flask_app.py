"""A Flask page that streams a LangGraph run's answer to the browser, token by token.

    pip install "stateless-client[examples]"
    LANGGRAPH_URL=http://127.0.0.1:2024 LANGGRAPH_ASSISTANT=agent python examples/flask_app.py

then open http://127.0.0.1:8000. The assistant must stream chat-model tokens (stream mode
``messages-tuple``). Served under another name than 127.0.0.1 or localhost, list it in
``ALLOWED_HOSTS`` (comma-separated). See docs/web.md, and its "Deploying" section.
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit

from flask import Flask, Response, abort, request
from werkzeug.sansio.utils import host_is_trusted

from stateless_client import SSE_RESPONSE_HEADERS, get_client

LANGGRAPH_URL = os.environ.get("LANGGRAPH_URL", "http://127.0.0.1:2024")
ASSISTANT_ID = os.environ.get("LANGGRAPH_ASSISTANT", "agent")
ALLOWED_HOSTS = os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")

client = get_client(url=LANGGRAPH_URL)  # one client, shared by every request's thread
app = Flask(__name__)


@app.before_request
def refuse_other_hosts() -> None:
    # DNS rebinding: a site whose name its owner points at 127.0.0.1 would otherwise be able
    # to drive this app, running on a developer's machine, from that developer's browser.
    if not host_is_trusted(request.host, ALLOWED_HOSTS):
        abort(400)


def from_this_site() -> bool:
    """Whether the request comes from this app's own page, as far as the browser says.

    Browsers send ``Sec-Fetch-Site`` (``cross-site`` for an ``<img>`` or a form on another
    site, ``none`` for an address typed by the user) and, on a POST, ``Origin``. A request
    with neither comes from no current browser (curl, a script), so carries no visitor's
    cookies, and may pass.
    """
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None and site not in ("same-origin", "none"):
        return False
    origin = request.headers.get("Origin")
    return origin is None or urlsplit(origin).netloc == request.host


@app.get("/")
def page() -> str:
    return PAGE  # writes nothing upstream: the thread is made with the first question


@app.post("/threads")
def new_thread() -> dict[str, str]:
    if not from_this_site():
        abort(403)
    return {"thread_id": client.threads.create().thread_id}  # one conversation, one thread


@app.get("/stream")
def stream() -> Response:
    if not from_this_site():  # else any page on the web could start runs as its visitors
        abort(403)
    run = client.runs.stream(
        request.args["thread_id"],  # in a real app, check that this user owns the thread
        ASSISTANT_ID,
        input={"messages": [{"role": "user", "content": request.args["q"]}]},
        stream_mode="messages-tuple",
        # Should this process die mid-run, the server cancels the run; its default,
        # "continue", would keep a run going that nobody reads.
        on_disconnect="cancel",
    )
    # Each event in SSE form, an `error` event instead of a cut response, then an `end` event.
    # When the browser leaves, the web server's next write fails and it closes this iterator:
    # cancel_on_close then cancels the run on the LangGraph server. The headers say: an event
    # stream, not to be cached or buffered by a proxy.
    return Response(run.iter_sse(cancel_on_close=True), headers=SSE_RESPONSE_HEADERS)


PAGE = """<!doctype html>
<meta charset="utf-8">
<title>LangGraph, relayed</title>
<style>body { font: 16px sans-serif; max-width: 40em; margin: 2em auto; } #error { color: #b00; }</style>
<form id="ask"><input name="q" value="Hello! My name is Bagatur." size="40"> <button>Ask</button></form>
<p id="answer"></p>
<p id="error"></p>
<p><small id="status"></small></p>
<script>
const $ = (id) => document.getElementById(id);
let threadId = null;  // made with the first question, so that a page view writes nothing upstream
$("ask").onsubmit = async (submit) => {
  submit.preventDefault();
  $("answer").textContent = $("error").textContent = "";
  $("status").textContent = "streaming...";
  if (threadId === null) {
    const created = await fetch("/threads", {method: "POST"});
    if (!created.ok) { $("status").textContent = "could not start a conversation"; return; }
    threadId = (await created.json()).thread_id;
  }
  const query = new URLSearchParams({thread_id: threadId, q: new FormData($("ask")).get("q")});
  const source = new EventSource("/stream?" + query);
  source.addEventListener("messages", (event) => {
    const [chunk, metadata] = JSON.parse(event.data);  // messages-tuple: [message chunk, metadata]
    if (typeof chunk.content === "string") $("answer").textContent += chunk.content;
  });
  source.addEventListener("error", (event) => {
    if (event.data) {  // the relay's error event: the run failed; `end` follows
      $("error").textContent = "Error: " + JSON.parse(event.data).message;
    } else {  // the connection failed: do not let EventSource reconnect, that would start a new run
      source.close();
      $("status").textContent = "connection lost";
    }
  });
  // Without this, EventSource reconnects when the response ends, and the request starts a new run.
  source.addEventListener("end", () => { source.close(); $("status").textContent = "done"; });
};
</script>
"""

if __name__ == "__main__":
    from waitress import serve

    # A thread per open stream (threads=); channel_request_lookahead=1 makes waitress watch the
    # socket while the response streams, so a closed tab fails the next write (a heartbeat at
    # the latest) rather than a few writes later.
    serve(app, host="127.0.0.1", port=int(os.environ.get("PORT", "8000")), threads=16, channel_request_lookahead=1)
