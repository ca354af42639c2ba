"""A Flask app with the browser mount, served by waitress on a free loopback port, for tests.

``make_app(url)`` mounts the LangGraph API at ``/langgraph`` with ``owner_policy``; the user is
the ``X-Test-User`` request header (a real app reads its session). ``serve(app)`` runs any
WSGI app under waitress (threads, ``channel_request_lookahead=1``, as the examples) and yields
its base URL. The JS tests (tests/js) use both.
"""

from __future__ import annotations

import contextlib
import threading
from typing import Any, Iterator, Optional

from flask import Flask, Request
from waitress import wasyncore
from waitress.server import create_server

from stateless_client import Client
from stateless_client.contrib.access import owner_policy
from stateless_client.contrib.flask import langgraph_blueprint

#: The API key the test apps send upstream: ``langgraph dev`` ignores it; no response may hold it.
SENTINEL_KEY = "lgkey-SENTINEL-0123456789abcdef"
USER_HEADER = "X-Test-User"


def user_of(request: Request) -> Optional[str]:
    """The test app's user: the ``X-Test-User`` header (``None``: not logged in)."""
    return request.headers.get(USER_HEADER) or None


def make_app(url: str, *, api_key: str = SENTINEL_KEY, **mount: Any) -> Flask:
    """A Flask app serving the LangGraph server at ``url`` under ``/langgraph``, one owner per user.

    ``mount`` goes to ``langgraph_blueprint`` (``authorize=`` replaces the owner policy).
    """
    app = Flask("mount_test_app")
    client = Client(url, api_key=api_key, max_retries=0)
    mount.setdefault("authorize", owner_policy(user_of))
    app.register_blueprint(langgraph_blueprint(client, **mount))
    return app


@contextlib.contextmanager
def serve(application: Any, *, threads: int = 8) -> Iterator[str]:
    """Serve a WSGI app with waitress on 127.0.0.1 and a free port; yield its base URL."""
    server: Any = create_server(application, host="127.0.0.1", port=0, threads=threads,
                                channel_request_lookahead=1)
    thread = threading.Thread(target=server.run, name="waitress-mount", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:
        server.task_dispatcher.shutdown(timeout=5)
        # Closed in the server's own thread, between two selects: closed from here, a socket
        # could vanish under a select in progress (EBADF in the server's thread).
        server.trigger.pull_trigger(lambda: wasyncore.close_all(server._map))
        thread.join(10)
        assert not thread.is_alive(), "waitress did not stop"
