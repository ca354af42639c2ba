"""What the ported thread-stream tests read through a private SDK handle, read per library.

A few SDK tests observe the run's outcome through ``thread._run_done`` / ``_wait_for_run_done()``
(a ``_RunTerminal`` with ``status`` and ``error``). For the SDK the port still reads that handle,
so the SDK runs its own test; for this client the same outcome is what a user sees: ``output``
returns (``"completed"``) or raises (``"errored"``, the error kept).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .thread_server import bounded


@dataclass
class Terminal:
    """How the run ended: ``status`` ``"completed"`` or ``"errored"`` (with ``error``)."""

    status: str
    error: BaseException | None = None


def run_terminal(lib: Any, thread: Any, timeout: float = 2.0) -> Terminal:
    """The run's outcome, waited for at most ``timeout`` seconds (``TimeoutError`` after)."""
    if not lib.ours:
        found = thread._run_done.result(timeout=timeout)
        return Terminal(found.status, found.error)
    try:
        bounded(lambda: thread.output, timeout)
    except TimeoutError:
        raise
    except Exception as exc:
        return Terminal("errored", exc)
    return Terminal("completed")


def status_of_error(lib: Any, error: BaseException | None) -> int | None:
    """The HTTP status an outcome's error carries, if it is a status error."""
    if isinstance(error, lib.StatusError):
        return lib.status_of(error)
    return None


def message_stream_class(lib: Any) -> type:
    """What ``thread.messages`` yields: langchain's ``ChatModelStream`` for the SDK,
    ``MessageStream`` here (this client does not depend on langchain)."""
    if lib.ours:
        return lib.module.MessageStream  # type: ignore[no-any-return]
    from langchain_core.language_models.chat_model_stream import ChatModelStream

    return ChatModelStream
