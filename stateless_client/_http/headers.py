"""The headers a request carries: the client's (user agent, API key, ``headers=``), then a call's.

``Headers`` holds one value per name whatever its case, from where headers enter (the client,
a call's ``headers=``, what a method adds) to the transport's send: where two set one header,
the last one set wins. A plain dict kept ``x-api-key`` beside ``X-Api-Key``, and which of the
two ``requests`` sent depended on the order they happened to be merged in.

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
from typing import ItemsView, Iterable, Iterator, Mapping, Tuple, Union

from .._exceptions import InvalidRequestError
from .._version import __version__

__all__ = ["Headers", "client_headers", "call_headers", "check_headers", "basic_auth", "USER_AGENT"]

USER_AGENT = f"stateless-client/{__version__}"

# RFC 9110 field-name: a token.
_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
# What a field value may not hold: control characters but HTAB, anything beyond Latin-1
# (http.client encodes values as Latin-1), and leading whitespace, which ``requests``
# rejects (``^\s`` is Unicode-aware there too).
_BAD_VALUE = re.compile(r"[^\t\x20-\x7e\x80-\xff]|^\s")
# What a client's ``headers=`` may not set, as in the official SDK: the key goes in ``api_key``.
RESERVED = frozenset({"x-api-key"})
# Values a ``repr`` does not show.
_SECRETS = frozenset({"x-api-key", "authorization", "proxy-authorization", "cookie"})

HeaderPairs = Union[Mapping[str, str], Iterable[Tuple[str, str]]]


class Headers(Mapping[str, str]):
    """HTTP headers: one value per name whatever its case, the last one set winning.

    A name is spelled as it was last set. Immutable: ``merged`` and ``without`` return new
    headers, so the client's can be shared by every call and thread. A ``None`` value stays:
    ``requests`` takes it to mean "do not send this header" (not even its own default).
    The ``repr`` shows no secret's value (API key, authorization, cookie).

    Examples:
        >>> headers = Headers({"Accept": "application/json", "x-api-key": "sk"})
        >>> headers.merged({"accept": "text/event-stream"})
        Headers({'x-api-key': '***', 'accept': 'text/event-stream'})
        >>> headers["ACCEPT"], "X-Api-Key" in headers
        ('application/json', True)
    """

    __slots__ = ("_names", "_values")

    def __init__(self, headers: HeaderPairs = ()) -> None:
        self._names: dict[str, str] = {}  # lower-case name -> the name as last set
        self._values: dict[str, str] = {}  # the name as last set -> its value
        self._set(headers)

    def _set(self, headers: HeaderPairs) -> None:
        names, values = self._names, self._values
        for name, value in headers.items() if isinstance(headers, Mapping) else headers:
            try:
                key = name.lower()
            except AttributeError:  # not a string: kept as it is, for check_headers to name
                key = name
            spelled = names.get(key)
            if spelled is not None and spelled != name:
                del values[spelled]
            names[key] = name
            values[name] = value

    def merged(self, other: HeaderPairs | None) -> Headers:
        """These headers with ``other``'s set after them: a name in both gets ``other``'s value."""
        if not other:
            return self
        new = Headers.__new__(Headers)
        new._names, new._values = dict(self._names), dict(self._values)
        new._set(other)
        return new

    def without(self, *names: str) -> Headers:
        """These headers without ``names`` (in any case)."""
        dropped = {self._names.get(name.lower()) for name in names}
        return Headers((name, value) for name, value in self._values.items() if name not in dropped)

    def __getitem__(self, name: str) -> str:
        try:
            return self._values[self._names[name.lower()]]
        except (KeyError, AttributeError):
            raise KeyError(name) from None

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._names

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def items(self) -> ItemsView[str, str]:
        """``(name, value)`` pairs, each name as last set (what ``requests`` is given)."""
        return self._values.items()

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Mapping):
            return NotImplemented
        theirs = other if isinstance(other, Headers) else Headers(other)
        return self._folded() == theirs._folded()

    def _folded(self) -> dict[str, str]:
        return {key: self._values[name] for key, name in self._names.items()}

    def __repr__(self) -> str:
        hidden = {self._names[key] for key in _SECRETS if key in self._names}
        shown = {name: "***" if name in hidden else value for name, value in self._values.items()}
        return f"Headers({shown!r})"


def client_headers(
    api_key: str | None, headers: Mapping[str, str] | None, *, authorization: str | None = None
) -> Headers:
    """The headers of every request of a client, checked.

    ``headers`` are set after the user agent and ``authorization`` (basic auth from the URL's
    user name and password), so an ``Authorization`` or ``User-Agent`` of the caller's wins;
    ``api_key`` is set last.

    Raises:
        InvalidRequestError: a header that cannot be sent, or a reserved one (``x-api-key``,
            in any case: the official SDK refuses it too, as a ``ValueError``).
    """
    if headers:
        for name in headers:
            if isinstance(name, str) and name.lower() in RESERVED:
                raise InvalidRequestError(
                    f"Cannot set reserved header {name!r} in the client's headers: pass the key as "
                    f"api_key= (or LANGGRAPH_API_KEY); a call's headers= may still set it"
                )
        check_headers(headers)
    defaults = {"user-agent": USER_AGENT}
    if authorization:
        defaults["authorization"] = authorization
    merged = Headers(defaults).merged(headers)
    if api_key:
        key = {"x-api-key": api_key}
        check_headers(key)
        merged = merged.merged(key)
    return merged


def call_headers(base: Headers, extra: Mapping[str, str] | None) -> Headers:
    """A call's headers: the client's, with the call's ``extra`` set after them (``base`` is
    not changed).

    Only ``extra`` is checked: ``base`` was when the client was created.

    Raises:
        InvalidRequestError: a header of ``extra`` that cannot be sent.
    """
    if not extra:
        return base
    check_headers(extra)
    return base.merged(extra)


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
