"""``RequestOptions``: one call's headers, timeout, retries and query parameters, resolved once.

A public method takes ``headers=``, ``params=``, ``timeout=`` and ``max_retries=``; the
resource resolves them against the client's defaults into one ``RequestOptions`` and that value
travels with the request, into ``RunStream`` too, so a resumed stream repeats the caller's
headers. Nothing downstream resolves a setting a second time.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, List, Mapping, Tuple, Union
from urllib.parse import parse_qsl

from .._config import Timeout
from ..types import QueryParamTypes
from .headers import Headers, call_headers

__all__ = ["RequestOptions", "SentQuery"]

#: The query parameters a request is sent with (the method's own and the caller's), as
#: ``requests`` takes them.
SentQuery = Union[Mapping[str, Any], List[Tuple[str, Any]]]


@dataclass(frozen=True, slots=True)
class RequestOptions:
    """What one call sends and how long and how often it tries.

    Attributes:
        headers: every header to send (user agent, API key, the client's, the call's), one
            value per name whatever its case.
        timeout: the call's connect and read limits.
        max_retries: how often a failed request may be retried.
        params: the caller's extra query parameters; they win over the method's own.
    """

    headers: Headers
    timeout: Timeout
    max_retries: int
    params: QueryParamTypes | None = None

    def with_headers(self, extra: Mapping[str, str]) -> RequestOptions:
        """These options with ``extra`` headers set after theirs (a copy; ``self`` is unchanged).

        Raises:
            InvalidRequestError: a header HTTP cannot carry (named, never quoted).
        """
        return replace(self, headers=call_headers(self.headers, extra))

    def query(self, own: Mapping[str, Any] | None) -> SentQuery | None:
        """The query parameters to send: the method's ``own``, updated by the caller's.

        The caller's may be a mapping, a list of pairs or an encoded string, as ``requests``
        and the official SDK accept.
        """
        params = self.params
        if not params:
            return own
        if isinstance(params, Mapping):
            return {**own, **params} if own else params
        if isinstance(params, (str, bytes)):
            text = params.decode() if isinstance(params, bytes) else params
            pairs: List[Tuple[str, Any]] = parse_qsl(text.lstrip("?"), keep_blank_values=True)
        else:
            pairs = list(params)
        names = {name for name, _ in pairs}
        return [(name, value) for name, value in (own or {}).items() if name not in names] + pairs
