"""Where a request comes from: the ``Host`` it names and whether the browser sent it from this site."""

from __future__ import annotations

from typing import Callable, Sequence
from urllib.parse import urlsplit

__all__ = ["LOCAL_HOSTS", "host_allowed", "from_same_site"]

#: The hosts a mount answers when the app names none: a development server on this machine.
LOCAL_HOSTS = ("localhost", "127.0.0.1", "[::1]")


def _host_name(host: str) -> str:
    """``host[:port]`` without the port, lowercased (``[::1]:80`` is ``[::1]``)."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[: host.find("]") + 1] if "]" in host else ""
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def host_allowed(host: str, allowed: Sequence[str]) -> bool:
    """Whether ``host`` is one of ``allowed``: a name, ``.example.com`` for it and its
    subdomains (as Django's ``ALLOWED_HOSTS`` and werkzeug's ``TRUSTED_HOSTS``), or ``*``.

    Checked against DNS rebinding: a site whose name resolves to this server's address
    would otherwise be same-origin with it.
    """
    name = _host_name(host)
    if not name:
        return False
    for entry in allowed:
        entry = entry.strip().lower()
        if entry == "*" or name == entry:
            return True
        if entry.startswith(".") and (name == entry[1:] or name.endswith(entry)):
            return True
    return False


def from_same_site(header: Callable[[str], str | None], host: str) -> bool:
    """Whether the browser sent the request from a page of this site (``host``).

    ``Sec-Fetch-Site`` must be ``same-origin`` (or ``none``: typed by the user) when
    present, and ``Origin``, when present, must name ``host``. A request with neither comes
    from no current browser (curl, a server), so carries no visitor's cookies.
    """
    site = header("sec-fetch-site")
    if site is not None and site.strip().lower() not in ("same-origin", "none"):
        return False
    sent = header("origin")
    if sent is None:
        return True
    try:
        netloc = urlsplit(sent.strip()).netloc
    except ValueError:
        return False
    return bool(netloc) and netloc.lower() == host.strip().lower()
