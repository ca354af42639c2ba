"""Django URL patterns that serve the LangGraph API to the browser, the API key kept on the server.

The official JS SDK (``@langchain/langgraph-sdk``) and React's ``useStream`` point their
``apiUrl`` at the mount; each request is checked (Django's ``ALLOWED_HOSTS``, Django's CSRF
middleware for writes, same site for all, the body size, ``authorize``) and relayed with the app's
``stateless_client.Client``. By default each logged-in user (``request.user``) sees and touches
only the threads they made through the mount::

    # urls.py
    from django.urls import include, path
    from stateless_client import Client
    from stateless_client.contrib.django import langgraph_urls

    client = Client("https://my-deployment.example.com", api_key=API_KEY)
    urlpatterns = [path("api/langgraph/", include(langgraph_urls(client)))]

The same patterns serve under WSGI (waitress, gunicorn's ``gthread``: each open stream holds a
thread) and under ASGI (uvicorn, daphne: a stream is read in a relay thread and sent from the
event loop as each chunk comes, never buffered). See docs/frontend.md, "Django".
"""

from __future__ import annotations

import logging
from typing import Any, AsyncIterator, Callable, Iterable, Iterator

from django.core.exceptions import ImproperlyConfigured
from django.core.handlers.asgi import ASGIRequest
from django.http import HttpRequest, StreamingHttpResponse
from django.urls import URLPattern, re_path
from django.views.decorators.csrf import csrf_exempt as exempt_from_csrf

from .._client import Client
from .._http import relay_pool
from ._mount.policy import Authorize, owner_policy
from ._mount.relay import DEFAULT_MAX_BODY_SIZE, Mount, MountRequest, MountResponse

__all__ = ["langgraph_urls", "user_id"]

logger = logging.getLogger("stateless_client.contrib")

_GZIP_MIDDLEWARE = "django.middleware.gzip.GZipMiddleware"
# Besides event streams, the answers that last as long as a run: runs.wait and runs.join.
_WAITS = ("/wait", "/join")


def user_id(request: HttpRequest) -> str | None:
    """The logged-in user's primary key as a string (``None`` when anonymous): the owner that
    ``langgraph_urls``'s default policy writes into the threads' metadata.

    Raises:
        ImproperlyConfigured: the request has no ``user`` (``django.contrib.auth``'s
            ``AuthenticationMiddleware`` is not installed).
    """
    user = getattr(request, "user", None)
    if user is None:
        raise ImproperlyConfigured(
            "the LangGraph mount's owner policy needs request.user: add "
            "django.contrib.auth.middleware.AuthenticationMiddleware to MIDDLEWARE, or pass authorize="
        )
    return str(user.pk) if user.is_authenticated else None


def langgraph_urls(
    client: Client,
    *,
    authorize: Authorize | None = None,
    enable: Iterable[str] = (),
    disable: Iterable[str] = (),
    max_body_size: int = DEFAULT_MAX_BODY_SIZE,
    csrf_exempt: bool = False,
    check_origin: bool = True,
    name: str = "langgraph",
) -> list[URLPattern]:
    """URL patterns serving the LangGraph API, for ``path("api/langgraph/", include(...))``.

    Args:
        client: the app's ``Client`` (the LangGraph server's URL and API key), shared by every
            request.
        authorize: ``authorize(request, action, resource) -> Decision`` with Django's request
            (``stateless_client.contrib.access``). Default: ``owner_policy(user_id)``: an
            anonymous user is answered 401, threads are made with ``metadata.owner`` set to
            ``request.user.pk``, searches see only the user's threads, another user's thread
            is 404, and runs without a thread are refused (403).
        enable: actions to serve beyond the default ones (``"threads.copy"``...).
        disable: default actions not to serve.
        max_body_size: the largest request body in bytes (default 1 MiB); larger is 413.
            The mount reads the body itself, so ``DATA_UPLOAD_MAX_MEMORY_SIZE`` does not apply.
        csrf_exempt: leave the mount out of Django's CSRF protection, writes then being checked
            by ``check_origin`` alone. By default the JS SDK must send the token: ``new
            Client({apiUrl, defaultHeaders: {"X-CSRFToken": <the csrftoken cookie>}})``.
        check_origin: refuse any request, reads too, that the browser says comes from another
            site (``Sec-Fetch-Site``, ``Origin`` against the ``Host``; 403). Django's CSRF
            check covers writes only, and a read can act (a join asked with
            ``cancel_on_disconnect`` cancels the run when dropped). Turn it off only for a
            frontend on another origin (in ``CSRF_TRUSTED_ORIGINS``).
        name: the URL pattern's name.

    The ``Host`` is checked by Django (``ALLOWED_HOSTS``, through ``request.get_host()``).

    Raises:
        ValueError: an unknown action in ``enable``/``disable``, or ``max_body_size < 1``.
    """
    from django.conf import settings  # not at the top: a lazy object pytest's doctest finder would touch

    if _GZIP_MIDDLEWARE in getattr(settings, "MIDDLEWARE", ()):
        logger.warning(
            "GZipMiddleware holds the LangGraph mount's event streams back under WSGI (it flushes only "
            "full blocks): leave text/event-stream responses uncompressed (docs/frontend.md, Django)"
        )
    mount = Mount(
        client,
        authorize=owner_policy(user_id) if authorize is None else authorize,
        enable=enable,
        disable=disable,
        max_body_size=max_body_size,
        allowed_hosts=None,  # Django's ALLOWED_HOSTS, checked by request.get_host()
        check_origin=check_origin,
    )

    def relay(request: HttpRequest, rest: str) -> StreamingHttpResponse:
        # A sync view under both: Django runs it in a thread of its own under ASGI too (one per
        # request), so ``authorize`` may use the ORM, and the upstream call blocks no event loop.
        answer = mount.handle(_mount_request(request, rest))
        # Django reads a plain iterator whole before sending it under ASGI, and an async one
        # whole under WSGI: each gets the kind it streams. Under ASGI, Django has closed the
        # request's database connections by the time it sends the body (the thread it gave the
        # view is gone: tests/test_mount_django.py checks); under WSGI the server's thread would
        # keep them open for as long as a stream or a wait lasts.
        body: Any = answer.body
        if isinstance(request, ASGIRequest):
            body = _aiter(answer)
        elif answer.streaming or rest.rstrip("/").endswith(_WAITS):
            body = _Released(answer)
        response = StreamingHttpResponse(body, status=answer.status)
        del response["Content-Type"]  # the upstream one, if any, is among the answer's headers
        for header, value in answer.headers:
            response[header] = value
        return response

    view: Callable[..., StreamingHttpResponse] = exempt_from_csrf(relay) if csrf_exempt else relay
    return [re_path(r"^(?P<rest>.*)\Z", view, name=name)]


def _mount_request(request: HttpRequest, rest: str) -> MountRequest:
    length = request.META.get("CONTENT_LENGTH")
    try:
        content_length: int | None = int(length) if length else None
    except ValueError:
        content_length = None
    query = request.META.get("QUERY_STRING", "")
    # WSGI's is the raw bytes as Latin-1 (PEP 3333): raw UTF-8 from a server that lets it
    # through (waitress and uvicorn answer 400) is read as UTF-8, as ASGI's Django does.
    if not isinstance(request, ASGIRequest):
        query = query.encode("latin-1", "replace").decode("utf-8", "replace")
    return MountRequest(
        method=str(request.method).upper(),
        path=rest,
        query_string=query,
        header=request.headers.get,
        host=request.get_host(),
        read=request.read,
        content_length=content_length,
        native=request,
    )


def _release_database() -> None:
    """Close this thread's database connections that no transaction holds, as Django does at
    the end of a request: a stream or a wait lasts as long as a run, and should not hold a
    connection (and a database's connection slot) meanwhile. The next use reconnects."""
    from django.db import connections

    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:
            connection.close()


class _Released:
    """A WSGI body that releases the database (``_release_database``) before its first chunk,
    in the request's own thread, once the middleware is done with the response."""

    def __init__(self, answer: MountResponse) -> None:
        self._body = answer.body

    def __iter__(self) -> Iterator[bytes]:
        _release_database()
        yield from self._body

    def close(self) -> None:
        """Close the body (the WSGI server calls it, through Django's response)."""
        self._body.close()


async def _aiter(answer: MountResponse) -> AsyncIterator[bytes]:
    """``answer.body`` for ASGI: each blocking read in one of the relays' threads (never the
    event loop, nor its small default pool), sent as it comes. Django cancels the task when
    the browser leaves; the body is then closed (which ends the run it started) from a relay
    thread too, so that the event loop never waits on the upstream connection. A body cut off
    upstream raises here, and the ASGI server cuts the browser's connection as well."""
    chunks = iter(answer.body)
    ended = False
    try:
        while True:
            chunk = await relay_pool.run(next, chunks, None)
            if chunk is None:
                ended = True
                return
            yield chunk
    finally:
        if ended:
            answer.body.close()
        else:
            relay_pool.pool().submit(lambda: _close_quietly(answer))


def _close_quietly(answer: MountResponse) -> None:
    try:
        answer.body.close()
    except Exception:  # a pool job must not raise; the log has it
        logger.exception("mount: closing a relayed body after the browser left failed")
