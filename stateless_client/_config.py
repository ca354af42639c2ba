"""Client settings: the "not passed" sentinel, timeouts, retry constants and the API key."""

from __future__ import annotations

import enum
import os
from dataclasses import dataclass
from typing import Final, Literal, Union

__all__ = ["NOT_GIVEN", "NotGiven", "Timeout", "DEFAULT_TIMEOUT", "DEFAULT_MAX_RETRIES"]


class NotGiven(enum.Enum):
    """Type of ``NOT_GIVEN``: tells "argument not passed" apart from an explicit ``None``."""

    NOT_GIVEN = "NOT_GIVEN"

    def __repr__(self) -> str:
        return "NOT_GIVEN"

    def __bool__(self) -> Literal[False]:
        return False


NOT_GIVEN: Final = NotGiven.NOT_GIVEN

# Retry policy, kept together (see docs/errors.md).
DEFAULT_MAX_RETRIES: Final = 2
INITIAL_RETRY_DELAY: Final = 0.5
MAX_RETRY_DELAY: Final = 8.0
MAX_RETRY_AFTER: Final = 60.0

API_KEY_ENV_VARS: Final = ("LANGGRAPH_API_KEY", "LANGSMITH_API_KEY", "LANGCHAIN_API_KEY")


@dataclass(frozen=True)
class Timeout:
    """How long the client waits, in seconds; ``None`` means wait forever.

    Args:
        connect: the longest wait for a TCP (and TLS) connection. Default 5 s.
        read: the longest silence between two received bytes. A streaming run stays alive
            for as long as the server keeps sending, heartbeats included. Default 300 s.

    Examples:
        >>> Timeout(read=30).read
        30
        >>> Timeout.of(10)
        Timeout(connect=10, read=10)
    """

    connect: float | None = 5.0
    read: float | None = 300.0

    @classmethod
    def of(cls, value: TimeoutTypes) -> Timeout:
        """Build a ``Timeout`` from what a caller may pass: a ``Timeout``, seconds, or ``None``."""
        if isinstance(value, Timeout):
            return value
        if value is None:
            return cls(connect=None, read=None)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
            raise ValueError(f"timeout must be a positive number, a Timeout or None, not {value!r}")
        return cls(connect=value, read=value)

    def as_requests(self) -> tuple[float | None, float | None]:
        """The ``(connect, read)`` tuple that ``requests`` takes."""
        return (self.connect, self.read)


TimeoutTypes = Union[Timeout, float, None]
#: What a per-call ``timeout=`` accepts; ``NOT_GIVEN`` keeps the client's.
TimeoutArg = Union[Timeout, float, None, NotGiven]
DEFAULT_TIMEOUT: Final = Timeout()


def resolve_api_key(api_key: str | NotGiven | None) -> str | None:
    """Return the key to send: the argument, else the first set environment variable.

    ``api_key=None`` means "send no key", even when the environment has one. Whitespace
    around the key is stripped: a key read from a file usually ends with a newline, which
    HTTP cannot carry. A variable that holds only whitespace counts as unset.
    """
    if api_key is not NOT_GIVEN:
        return api_key.strip() if isinstance(api_key, str) else api_key
    for name in API_KEY_ENV_VARS:
        value = os.environ.get(name, "").strip()
        if value:
            return value
    return None
