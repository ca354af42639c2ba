"""When a failed request is tried again, and how long to wait first (see docs/errors.md).

Each request states its retry intent (``Retry``): safe to repeat, starts a run, or neither.
The intent and the failure together decide; ``Retry-After`` or capped backoff decides the wait.
"""

from __future__ import annotations

import email.utils
import enum
import math
import random
import re
import time

from .._config import INITIAL_RETRY_DELAY, MAX_RETRY_AFTER, MAX_RETRY_DELAY

__all__ = ["Retry", "retry_delay", "reconnect_delay", "retries_status"]


class Retry(enum.Enum):
    """What repeating a request could do, so what may be retried."""

    #: Reads, and writes whose repetition changes nothing (GET, PUT, DELETE, a search POST).
    SAFE = "safe"
    #: Starts a run: retried only when the failure proves no run started.
    STARTS_RUN = "starts_run"
    #: Anything else (a POST that creates or changes something).
    UNSAFE = "unsafe"

    @classmethod
    def for_method(cls, method: str) -> Retry:
        """The default intent of an HTTP method."""
        return cls.SAFE if method in _SAFE_METHODS else cls.UNSAFE


_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
_RETRY_STATUSES = {
    Retry.SAFE: frozenset({429, 502, 503, 504}),
    # A run-creating request answered with these provably started no run.
    Retry.STARTS_RUN: frozenset({429, 503}),
    Retry.UNSAFE: frozenset({429}),
}


def retries_status(intent: Retry, status: int) -> bool:
    """Whether a response with ``status`` is retried for a request of this intent."""
    return status in _RETRY_STATUSES[intent]


def retry_delay(attempt: int, retry_after: str | None = None) -> float:
    """Seconds before retry number ``attempt + 1``: ``Retry-After`` if given, else backoff.

    ``Retry-After`` is delay seconds (``"2"``) or an HTTP date; a date already past means
    "now", and a wait is capped at ``MAX_RETRY_AFTER``. Anything else (``nan``, ``inf``, a
    negative number, an unparsable or impossible date) is ignored: the backoff applies.
    """
    if retry_after:
        seconds = _parse_retry_after(retry_after)
        if seconds is not None:
            return min(max(seconds, 0.0), MAX_RETRY_AFTER)
    delay = min(INITIAL_RETRY_DELAY * (2.0**attempt), MAX_RETRY_DELAY)
    return delay * (1 - 0.25 * random.random())


def reconnect_delay(attempt: int) -> float:
    """Seconds before reconnection number ``attempt + 1`` to an answer that was cut off: 1, 2,
    4, 5, 5 s, each plus up to 25 % jitter, as the official SDK waits.

    A cut answer usually means the server restarted or was redeployed; asking again within
    half a second, as a plain retry would, mostly meets the same restart.
    """
    return min(2.0**attempt, 5.0) * (1 + 0.25 * random.random())


# delay-seconds is 1*DIGIT (RFC 9110); a fraction is tolerated. No sign, exponent, "_", nan, inf.
_DELAY_SECONDS = re.compile(r"[0-9]+(?:\.[0-9]*)?")


def _parse_retry_after(value: str) -> float | None:
    """Seconds from now, finite (possibly negative for a past date), or ``None``."""
    value = value.strip()
    if _DELAY_SECONDS.fullmatch(value):
        seconds = float(value)  # 400 digits make inf
        return seconds if math.isfinite(seconds) else None
    try:
        when = email.utils.parsedate_to_datetime(value)
        seconds = when.timestamp() - time.time()
    except (TypeError, ValueError, OverflowError, IndexError):  # a year 99999, a +9999999999 zone, ...
        return None
    return seconds if math.isfinite(seconds) else None
