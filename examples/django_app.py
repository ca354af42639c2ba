"""A single-file Django app that streams a LangGraph run's answer to the browser, token by token,
served under WSGI or ASGI from this one file.

    pip install "stateless-client[examples]"
    cd examples && export LANGGRAPH_URL=http://127.0.0.1:2024 LANGGRAPH_ASSISTANT=agent
    waitress-serve --listen=127.0.0.1:8000 --threads=16 --channel-request-lookahead=1 django_app:application  # WSGI
    uvicorn --port 8000 django_app:asgi_application  # ASGI

then open http://127.0.0.1:8000. The assistant must stream chat-model tokens (stream mode
``messages-tuple``). Served under another name than 127.0.0.1 or localhost, list it in
``DJANGO_ALLOWED_HOSTS`` (comma-separated). See docs/web.md, and its "Deploying" section.
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit

from django.conf import settings

settings.configure(
    ROOT_URLCONF=__name__,
    SECRET_KEY=os.environ.get("DJANGO_SECRET_KEY", "only-for-this-example"),
    ALLOWED_HOSTS=os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost").split(","),
    # CommonMiddleware enforces ALLOWED_HOSTS (a 400 for any other Host: no DNS rebinding),
    # which nothing else does before a view calls request.get_host(). No GZipMiddleware here:
    # it would compress, and so hold back, the stream.
    MIDDLEWARE=["django.middleware.common.CommonMiddleware"],
)

from django.core.asgi import get_asgi_application  # noqa: E402  (after settings.configure)
from django.core.handlers.asgi import ASGIRequest  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse  # noqa: E402
from django.urls import path  # noqa: E402
from django.views.decorators.http import require_GET, require_POST  # noqa: E402

from stateless_client import SSE_RESPONSE_HEADERS, get_client  # noqa: E402

LANGGRAPH_URL = os.environ.get("LANGGRAPH_URL", "http://127.0.0.1:2024")
ASSISTANT_ID = os.environ.get("LANGGRAPH_ASSISTANT", "agent")

client = get_client(url=LANGGRAPH_URL)  # one client, shared by every request's thread


def from_this_site(request: HttpRequest) -> bool:
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
    return origin is None or urlsplit(origin).netloc == request.get_host()


@require_GET
def page(request: HttpRequest) -> HttpResponse:
    return HttpResponse(PAGE)  # writes nothing upstream: the thread is made with the first question


@require_POST
def new_thread(request: HttpRequest) -> HttpResponse:
    if not from_this_site(request):
        return HttpResponse("cross-site request refused", status=403)
    return JsonResponse({"thread_id": client.threads.create().thread_id})  # one conversation, one thread


@require_GET
def stream(request: HttpRequest) -> HttpResponse:
    if not from_this_site(request):  # else any page on the web could start runs as its visitors
        return HttpResponse("cross-site request refused", status=403)
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


urlpatterns = [path("", page), path("threads", new_thread), path("stream", stream)]

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
