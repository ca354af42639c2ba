"""URL rules: API paths built from IDs, origins, and URL text that is safe to show."""

from __future__ import annotations

import re
from urllib.parse import quote, unquote, urlsplit, urlunsplit

from .._exceptions import InvalidRequestError, NotSerializableError

__all__ = ["path", "origin", "origin_text", "path_of", "split_userinfo", "redact_userinfo"]

# Segments that a server (or any URL resolver on the way) reads as "this" or "the parent"
# directory, or that leave an empty segment: as an ID they would address another endpoint.
_NOT_IDS = frozenset({"", ".", ".."})

# An authority ``host[:port]`` that every URL parser reads alike: no user info, no
# backslash, whitespace, control character or percent sign. ``urllib.parse`` and
# ``urllib3`` disagree on ``http://a\\@b/`` (b, and a); a URL like that is no origin of ours.
_AUTHORITY = re.compile(r"(\[[0-9A-Za-z:.%]+\]|[^\x00-\x20\x7f\\/@?#%:\[\]]+)(?::([0-9]{1,5}))?")
_DEFAULT_PORTS = {"http": 80, "https": 443}
#: The origin of a URL that has none we can trust; never equal to a real one.
NO_ORIGIN: tuple[str, str, int | None] = ("", "", None)
_USERINFO = re.compile(r"(?<=//)[^/?#\s]*@")
_NETLOC_USERINFO = re.compile(r"^.*@", re.DOTALL)


def path(*given: object) -> str:
    """Join URL path segments, quoting each so an ID can never change the path.

    An ID that is not a string is sent as its ``str()``, as the official SDK sends it: a
    ``uuid.UUID`` or an ``int`` is its usual text.

    Raises:
        InvalidRequestError: a segment is empty, ``"."`` or ``".."``, which would address
            another endpoint (``/threads/..`` is ``/``).
        NotSerializableError: a segment is ``None`` or bytes, whose ``str()`` (``"None"``,
            ``"b'...'"``) is not the ID meant; a ``TypeError`` too, as the SDK raises.
    """
    segments = [_segment(segment) for segment in given]
    for index, segment in enumerate(segments):
        if segment in _NOT_IDS:
            where = "/" + "/".join("{id}" if i == index else quote(s, safe="") for i, s in enumerate(segments))
            raise InvalidRequestError(
                f"{segment!r} is not a valid ID{f' (in {where})' if len(segments) > 1 else ''}: an empty "
                f"ID, '.' or '..' would send the request to another endpoint"
            )
    return "".join("/" + quote(segment, safe="") for segment in segments)


def _segment(value: object) -> str:
    if isinstance(value, str):
        return value
    if value is None or isinstance(value, (bytes, bytearray, memoryview)):
        kind = "None" if value is None else "bytes"
        raise NotSerializableError(f"an ID in the URL path must not be {kind}: got {value!r}")
    return str(value)


def origin(url: str) -> tuple[str, str, int | None]:
    """``(scheme, host, port)`` of a URL, with default ports filled in.

    ``NO_ORIGIN`` when the URL has no authority, or one that URL parsers could read
    differently (user info, a backslash, whitespace, ...), or an impossible port.
    """
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. an unclosed "[" of an IPv6 address
        return NO_ORIGIN
    found = _AUTHORITY.fullmatch(parts.netloc)
    if found is None:
        return NO_ORIGIN
    host, port_text = found.groups()
    port = int(port_text) if port_text else _DEFAULT_PORTS.get(parts.scheme)
    if port is not None and port > 65535:
        return NO_ORIGIN
    return (parts.scheme, host.strip("[]").lower(), port)


def origin_text(url: str) -> str:
    """``scheme://host:port`` of a URL for messages; any user info shows as ``***@``."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return repr(redact_userinfo(url))
    return f"{parts.scheme}://{_NETLOC_USERINFO.sub('***@', parts.netloc)}"


def path_of(url: str) -> str:
    """The path and query of a URL, for messages."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def split_userinfo(url: str) -> tuple[str, tuple[str, str] | None]:
    """The URL without its ``user:password@``, and the (decoded) user name and password.

    A user name without a password gives an empty password.
    """
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url, None
    userinfo, _, hostport = parts.netloc.rpartition("@")
    user, _, password = userinfo.partition(":")
    return urlunsplit(parts._replace(netloc=hostport)), (unquote(user), unquote(password))


def redact_userinfo(text: str) -> str:
    """``text`` with the ``user:password@`` of any URL in it replaced by ``***@``."""
    return _USERINFO.sub("***@", text)
