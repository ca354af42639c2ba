"""A Flask page that streams a LangGraph run's answer to the browser, token by token.

    pip install "stateless-client[examples]"
    LANGGRAPH_URL=http://127.0.0.1:2024 LANGGRAPH_ASSISTANT=agent python examples/flask_app.py

then open http://127.0.0.1:8000. The assistant must stream chat-model tokens (stream mode
``messages-tuple``). See docs/web.md.
"""

from __future__ import annotations

import os

from flask import Flask, Response, request

from stateless_client import SSE_RESPONSE_HEADERS, get_client

LANGGRAPH_URL = os.environ.get("LANGGRAPH_URL", "http://127.0.0.1:2024")
ASSISTANT_ID = os.environ.get("LANGGRAPH_ASSISTANT", "agent")

client = get_client(url=LANGGRAPH_URL)  # one client, shared by every request's thread
app = Flask(__name__)


@app.get("/")
def page() -> str:
    thread = client.threads.create()  # one conversation, one thread
    return PAGE.replace("{thread_id}", thread.thread_id)


@app.get("/stream")
def stream() -> Response:
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
$("ask").onsubmit = (submit) => {
  submit.preventDefault();
  $("answer").textContent = $("error").textContent = "";
  $("status").textContent = "streaming...";
  const query = new URLSearchParams({thread_id: "{thread_id}", q: new FormData($("ask")).get("q")});
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
