"""The Django project of tests/test_mount_django.py, in one module: session auth, CSRF and
ALLOWED_HOSTS as a real project has them, users in an sqlite file, and the LangGraph mount
under ``/api/langgraph/``. The test runs it in a process of its own (Django's settings are
global to a process, and tests/test_web_examples.py configures the example's)::

    python -m tests.django_mount_app wsgi|asgi DB_PATH LANGGRAPH_URL API_KEY [csrf-exempt] [gzip] [allow-all]

It creates the tables and the users ``alice`` and ``bob`` (password: ``PASSWORD``), binds a free
port on 127.0.0.1, prints ``READY <port>``, and serves with waitress (WSGI) or uvicorn (ASGI)
until it is terminated. ``POST /login/`` logs a user in (a CSRF-protected form, as Django's
own login view is); ``GET /login/`` sets the ``csrftoken`` cookie. ``csrf-exempt`` mounts with
``langgraph_urls(client, csrf_exempt=True)``, ``allow-all`` with ``authorize=allow_all``; ``gzip``
adds Django's ``GZipMiddleware``.
``GET /databases/`` says how many database connections are open.
"""

from __future__ import annotations

import socket
import sys
import weakref
from typing import Any

PASSWORD = "not-a-real-password"
USERS = ("alice", "bob")
_databases: weakref.WeakSet[Any] = weakref.WeakSet()  # every thread's connection wrapper, as it connects


def configure(db_path: str, *, gzip: bool = False) -> None:
    """Django's settings for this project, then ``django.setup()``."""
    import django
    from django.conf import settings

    settings.configure(
        DEBUG=False,
        SECRET_KEY="only-for-tests",
        ROOT_URLCONF=__name__,
        ALLOWED_HOSTS=["127.0.0.1", "localhost"],
        INSTALLED_APPS=["django.contrib.auth", "django.contrib.contenttypes", "django.contrib.sessions"],
        MIDDLEWARE=[
            *(["django.middleware.gzip.GZipMiddleware"] if gzip else []),
            "django.contrib.sessions.middleware.SessionMiddleware",
            "django.middleware.common.CommonMiddleware",  # ALLOWED_HOSTS: another Host is a 400
            "django.middleware.csrf.CsrfViewMiddleware",
            "django.contrib.auth.middleware.AuthenticationMiddleware",
        ],
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": db_path}},
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],  # fast, for tests only
        USE_TZ=True,
        LOGGING_CONFIG=None,
    )
    django.setup()
    from django.db.backends.signals import connection_created

    connection_created.connect(lambda sender, connection, **kwargs: _databases.add(connection), weak=False)


def create_users() -> None:
    """The tables, and the users of ``USERS``."""
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import connections

    call_command("migrate", verbosity=0, interactive=False)
    for name in USERS:
        User.objects.create_user(name, password=PASSWORD)
    connections.close_all()  # this thread serves no request


def urls(langgraph_url: str, api_key: str, *, csrf_exempt: bool = False, allow_all: bool = False) -> list[Any]:
    """The project's URL patterns: the login view and the mount."""
    from django.contrib.auth import authenticate, login
    from django.http import HttpRequest, HttpResponse, JsonResponse
    from django.urls import include, path
    from django.views.decorators.csrf import ensure_csrf_cookie

    from stateless_client import get_client
    from stateless_client.contrib import access
    from stateless_client.contrib.django import langgraph_urls

    @ensure_csrf_cookie
    def login_view(request: HttpRequest) -> HttpResponse:
        if request.method != "POST":
            return HttpResponse("send username and password")
        user = authenticate(request, username=request.POST.get("username"), password=request.POST.get("password"))
        if user is None:
            return HttpResponse("wrong username or password", status=403)
        login(request, user)
        return JsonResponse({"id": str(user.pk)})

    def open_databases(request: HttpRequest) -> HttpResponse:
        """How many database connections are open now, in every thread (this view uses none)."""
        return JsonResponse({"open": sum(wrapper.connection is not None for wrapper in list(_databases))})

    client = get_client(url=langgraph_url, api_key=api_key)
    mount = langgraph_urls(client, csrf_exempt=csrf_exempt, authorize=access.allow_all if allow_all else None)
    return [path("login/", login_view), path("databases/", open_databases), path("api/langgraph/", include(mount))]


def serve(kind: str, application: Any) -> None:
    """Serve ``application`` on a free port of 127.0.0.1 until the process is terminated."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    port = sock.getsockname()[1]
    if kind == "wsgi":
        from waitress.server import create_server

        server: Any = create_server(application, sockets=[sock], threads=8, channel_request_lookahead=1)
        print(f"READY {port}", flush=True)
        server.run()
    else:
        import uvicorn

        config = uvicorn.Config(application, lifespan="off", log_level="warning")
        asgi_server = uvicorn.Server(config)
        print(f"READY {port}", flush=True)
        asgi_server.run(sockets=[sock])


def main(argv: list[str]) -> None:
    kind, db_path, langgraph_url, api_key, *options = argv
    configure(db_path, gzip="gzip" in options)
    create_users()
    global urlpatterns
    urlpatterns = urls(langgraph_url, api_key, csrf_exempt="csrf-exempt" in options, allow_all="allow-all" in options)
    if kind == "wsgi":
        from django.core.wsgi import get_wsgi_application

        serve(kind, get_wsgi_application())
    else:
        from django.core.asgi import get_asgi_application

        serve(kind, get_asgi_application())


urlpatterns: list[Any] = []

if __name__ == "__main__":
    main(sys.argv[1:])
