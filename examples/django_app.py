"""A single-file Django app that streams a LangGraph run's answer to the browser, token by token,
served under WSGI or ASGI from this one file.

    pip install "stateless-client[examples]"
    cd examples && export LANGGRAPH_URL=http://127.0.0.1:2024 LANGGRAPH_ASSISTANT=agent
    waitress-serve --listen=127.0.0.1:8000 --threads=16 --channel-request-lookahead=1 django_app:application  # WSGI
    uvicorn --port 8000 django_app:asgi_application  # ASGI

then open http://127.0.0.1:8000. The assistant must stream chat-model tokens (stream mode
``messages-tuple``). See docs/web.md.
"""

from __future__ import annotations

import os

from django.conf import settings

settings.configure(
    ROOT_URLCONF=__name__,
    SECRET_KEY=os.environ.get("DJANGO_SECRET_KEY", "only-for-this-example"),
    ALLOWED_HOSTS=os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost").split(","),
    # No GZipMiddleware here: it would compress, and so hold back, the stream.
    MIDDLEWARE=[],
)

from django.core.asgi import get_asgi_application  # noqa: E402  (after settings.configure)
from django.core.handlers.asgi import ASGIRequest  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse  # noqa: E402
from django.urls import path  # noqa: E402

from stateless_client import SSE_RESPONSE_HEADERS, get_client  # noqa: E402

LANGGRAPH_URL = os.environ.get("LANGGRAPH_URL", "http://127.0.0.1:2024")
ASSISTANT_ID = os.environ.get("LANGGRAPH_ASSISTANT", "agent")

client = get_client(url=LANGGRAPH_URL)  # one client, shared by every request's thread


def page(request: HttpRequest) -> HttpResponse:
    thread = client.threads.create()  # one conversation, one thread
    return HttpResponse(PAGE.replace("{thread_id}", thread.thread_id))


def stream(request: HttpRequest) -> StreamingHttpResponse:
    run = client.runs.stream(
        request.GET["thread_id"],  # in a real app, check that this user owns the thread
        ASSISTANT_ID,
        input={"messages": [{"role": "user", "content": request.GET["q"]}]},
        stream_mode="messages-tuple",
        # Should this process die mid-run, the server cancels the run; its default,
        # "continue", would keep a run going that nobody reads.
        on_disconnect="cancel",
    )
    # Each event in SSE form, an `error` event instead of a cut response, then an `end` event.
    # When the browser leaves, the run is cancelled on the LangGraph server (cancel_on_close):
    # under WSGI when the web server's next write fails and it closes the iterator, under ASGI
    # when Django sees the disconnect and cancels the task reading the async iterator.
    # Django needs an async iterator under ASGI (a plain one would be read in its one shared
    # sync thread) and a plain one under WSGI (an async one would be read to its end first).
    if isinstance(request, ASGIRequest):
        body = run.aiter_sse(cancel_on_close=True)
    else:
        body = run.iter_sse(cancel_on_close=True)
    # The headers say: an event stream, not to be cached or buffered by a proxy.
    return StreamingHttpResponse(body, headers=SSE_RESPONSE_HEADERS)


urlpatterns = [path("", page), path("stream", stream)]

application = get_wsgi_application()  # WSGI: waitress, gunicorn (worker class gthread)
asgi_application = get_asgi_application()  # ASGI: uvicorn, daphne, hypercorn

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
