"""URL rules: API paths built from IDs, origins, and URL text that is safe to show."""

from __future__ import annotations

from urllib.parse import quote, urlsplit

__all__ = ["path", "origin", "origin_text", "path_of"]


def path(*segments: str) -> str:
    """Join URL path segments, quoting each so an ID can never change the path."""
    return "".join("/" + quote(segment, safe="") for segment in segments)


def origin(url: str) -> tuple[str, str, int | None]:
    """``(scheme, host, port)`` of a URL, with default ports filled in."""
    parts = urlsplit(url)
    port = parts.port or {"http": 80, "https": 443}.get(parts.scheme)
    return (parts.scheme, (parts.hostname or "").lower(), port)


def origin_text(url: str) -> str:
    """``scheme://host:port`` of a URL, without any user name or password."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}"


def path_of(url: str) -> str:
    """The path and query of a URL, for messages."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")
