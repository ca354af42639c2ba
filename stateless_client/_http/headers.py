"""The headers a request carries: the client's (user agent, API key, ``headers=``), then a call's.

Every header is checked once where it enters: the client's when the client is created, a
call's when the call starts. A header HTTP cannot carry raises ``InvalidRequestError`` naming
the header, never its value (it may be a secret), before anything is sent. Left to
``requests``, such a header failed inside the send as an error that quoted the value, which
the retry logic then retried and logged.
"""

from __future__ import annotations

import base64
import re
import unicodedata
from typing import Iterable, Mapping

from .._exceptions import InvalidRequestError
from .._version import __version__

__all__ = ["client_headers", "call_headers", "check_headers", "basic_auth", "USER_AGENT"]

USER_AGENT = f"stateless-client/{__version__}"

# RFC 9110 field-name: a token.
_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
# What a field value may not hold: control characters but HTAB, anything beyond Latin-1
# (http.client encodes values as Latin-1), and leading whitespace, which ``requests``
# rejects (``^\s`` is Unicode-aware there too).
_BAD_VALUE = re.compile(r"[^\t\x20-\x7e\x80-\xff]|^\s")


def client_headers(
    api_key: str | None, headers: Mapping[str, str] | None, *, authorization: str | None = None
) -> dict[str, str]:
    """The headers of every request of a client, checked.

    ``authorization`` (basic auth from the URL's user name and password) is sent unless
    ``headers`` has an ``Authorization`` of its own.

    Raises:
        InvalidRequestError: a header that cannot be sent.
    """
    merged = {"user-agent": USER_AGENT}
    if authorization and not any(isinstance(name, str) and name.lower() == "authorization" for name in headers or ()):
        merged["authorization"] = authorization
    merged.update(headers or {})
    if api_key:
        merged["x-api-key"] = api_key
    check_headers(merged)
    return merged


def call_headers(base: Mapping[str, str], extra: Mapping[str, str] | None) -> Mapping[str, str]:
    """A call's headers: the client's, updated by the call's ``extra`` (``base`` is not changed).

    Only ``extra`` is checked: ``base`` was when the client was created.

    Raises:
        InvalidRequestError: a header of ``extra`` that cannot be sent.
    """
    if not extra:
        return base
    check_headers(extra)
    return {**base, **extra}


def check_headers(headers: Mapping[str, str]) -> None:
    """Raise ``InvalidRequestError`` for the first header HTTP cannot carry.

    A ``None`` value passes: ``requests`` takes it to mean "do not send this header".
    """
    name_ok, bad_value = _NAME.fullmatch, _BAD_VALUE.search
    items: Iterable[tuple[object, object]] = headers.items()  # at run time, anything may come
    for name, value in items:
        if not isinstance(name, str) or not name_ok(name):
            raise InvalidRequestError(
                f"header name {_shown(name)} cannot be sent: a header name is letters, digits and "
                f"!#$%&'*+-.^_`|~ only (no spaces, colons or line breaks)"
            )
        if isinstance(value, str) and value.isascii() and value.isprintable() and value[:1] != " ":
            continue  # the usual value, all of it " " to "~", passes without the expression
        if isinstance(value, bytes):  # requests sends bytes as they are
            value = value.decode("latin-1")
        elif not isinstance(value, str):
            if value is None:
                continue
            raise InvalidRequestError(f"header {name!r} cannot be sent: its value is of type "
                                      f"{type(value).__name__}, not str")
        if bad_value(value):
            raise InvalidRequestError(f"header {name!r} cannot be sent: its value {_problem(value)} "
                                      f"(the value is not shown){_hint(name)}")


def _problem(value: str) -> str:
    """What is wrong with a value, without quoting it.

    An invisible character (control, format, separator) is named, since it cannot be seen
    and is the likely culprit (a pasted zero-width space, a newline from a file); a visible
    one is not, as it could be part of a secret.
    """
    for char in value:
        if char == "\t" or " " <= char <= "~" or "\x80" <= char <= "\xff":
            continue
        if char in "\r\n":
            return "contains a line break (CR or LF)"
        if char == "\0":
            return "contains a NUL character"
        if unicodedata.category(char)[0] in "CZ":
            label = f"U+{ord(char):04X} {unicodedata.name(char, '')}".rstrip()
            where = "a control character" if char <= "\x7f" else "outside Latin-1"
            return f"contains {label} ({where}), which HTTP headers cannot carry"
        return "contains a character outside Latin-1, which HTTP headers cannot carry"
    return "starts with whitespace, which requests cannot send"


def _hint(name: str) -> str:
    if name.lower() == "x-api-key":
        return "; this is the API key: check api_key= or LANGGRAPH_API_KEY (whitespace around it is stripped)"
    return ""


def _shown(name: object) -> str:
    text = repr(name)
    return text if len(text) <= 60 else text[:57] + "..."


def basic_auth(user: str, password: str) -> str:
    """The ``Authorization`` value for HTTP basic auth, as ``requests`` builds it from a URL.

    Latin-1 as ``requests`` encodes it; UTF-8 (RFC 7617) where Latin-1 cannot.
    """
    pair = f"{user}:{password}"
    try:
        raw = pair.encode("latin-1")
    except UnicodeEncodeError:
        raw = pair.encode("utf-8")
    return "Basic " + base64.b64encode(raw).decode("ascii")
