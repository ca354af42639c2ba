"""A Flask Blueprint that serves the LangGraph API to the browser, the API key kept on the server.

The official JS SDK (``@langchain/langgraph-sdk``) and React's ``useStream`` point their
``apiUrl`` at the mount (``new Client({apiUrl: "/langgraph"})``, absolute in the browser's
origin); each request is checked (host, same site for writes, body size, ``authorize``) and
relayed with the app's ``stateless_client.Client``::

    from flask import Flask, session
    from stateless_client import Client
    from stateless_client.contrib.access import owner_policy
    from stateless_client.contrib.flask import langgraph_blueprint

    app = Flask(__name__)
    client = Client("https://my-deployment.example.com", api_key=API_KEY)
    app.register_blueprint(langgraph_blueprint(
        client, authorize=owner_policy(lambda request: session.get("user_id")),
        url_prefix="/langgraph", allowed_hosts=["app.example.com"],
    ))

Serve it with a threaded WSGI server (waitress, gunicorn's ``gthread``): each open stream
holds a thread. See docs/frontend.md.
"""

from __future__ import annotations

from typing import Iterable, Sequence

from flask import Blueprint, Response, request

from .._client import Client
from ._mount.origin import LOCAL_HOSTS
from ._mount.policy import Authorize
from ._mount.relay import DEFAULT_MAX_BODY_SIZE, Mount, MountRequest

__all__ = ["langgraph_blueprint"]

_METHODS = ["GET", "POST", "PATCH", "PUT", "DELETE"]


def langgraph_blueprint(
    client: Client,
    *,
    authorize: Authorize,
    url_prefix: str = "/langgraph",
    name: str = "langgraph",
    enable: Iterable[str] = (),
    disable: Iterable[str] = (),
    max_body_size: int = DEFAULT_MAX_BODY_SIZE,
    allowed_hosts: Sequence[str] | None = LOCAL_HOSTS,
    check_origin: bool = True,
) -> Blueprint:
    """A Blueprint serving the LangGraph API under ``url_prefix``, for the browser.

    Args:
        client: the app's ``Client`` (the LangGraph server's URL and API key).
        authorize: ``authorize(request, action, resource) -> Decision`` with Flask's
            ``request``; e.g. ``owner_policy(get_user)`` or, for a one-user app only,
            ``allow_all`` (``stateless_client.contrib.access``).
        url_prefix: where the API is served; the JS SDK's ``apiUrl``.
        name: the Blueprint's name (to register two mounts).
        enable: actions to serve beyond the default ones (``"threads.copy"``...).
        disable: default actions not to serve.
        max_body_size: the largest request body in bytes (default 1 MiB); larger is 413.
        allowed_hosts: the ``Host`` names served (``.example.com`` for a domain and its
            subdomains, ``*`` for any); default ``localhost``, ``127.0.0.1``, ``[::1]``.
            ``None`` when Flask's ``TRUSTED_HOSTS`` config checks the host instead.
        check_origin: refuse requests that the browser says come from another site (403).
            Flask has no CSRF protection of its own; turn this off only when another check
            (Flask-WTF's ``CSRFProtect``, the token sent in the JS SDK's ``defaultHeaders``)
            covers the mount.

    Raises:
        ValueError: an unknown action in ``enable``/``disable``, or ``max_body_size < 1``.
    """
    mount = Mount(client, authorize=authorize, enable=enable, disable=disable, max_body_size=max_body_size,
                  allowed_hosts=allowed_hosts, check_origin=check_origin)
    blueprint = Blueprint(name, __name__, url_prefix=url_prefix)

    def relay(path: str = "") -> Response:
        answer = mount.handle(MountRequest(
            method=request.method,
            path=path,
            query_string=request.query_string.decode("utf-8", "replace"),
            header=request.headers.get,
            host=request.host,
            read=request.stream.read,
            content_length=request.content_length,
            native=request,
        ))
        # direct_passthrough: werkzeug sends each chunk as it comes; the WSGI server closes
        # ``answer.body`` when it is done, or when the browser left.
        response = Response(answer.body, status=answer.status, headers=answer.headers, direct_passthrough=True)
        if not any(name.lower() == "content-type" for name, _ in answer.headers):
            del response.headers["Content-Type"]
        return response

    blueprint.add_url_rule("/", "root", relay, methods=_METHODS, strict_slashes=False)
    blueprint.add_url_rule("/<path:path>", "api", relay, methods=_METHODS)
    return blueprint
