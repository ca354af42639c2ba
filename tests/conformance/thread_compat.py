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


class _CountingSeen(set):  # type: ignore[type-arg]
    """This client's set of seen event IDs, counting the lookups that find a duplicate."""

    def __init__(self, counter: dict[str, int]) -> None:
        super().__init__()
        self._counter = counter

    def __contains__(self, item: object) -> bool:
        found = super().__contains__(item)
        self._counter["drops" if found else "yields"] += 1
        return found


def count_dedup_drops(lib: Any, thread: Any) -> dict[str, int]:
    """``{"drops": n, "yields": m}``, updated as the stream drops events it has already seen
    (the SDK test's ``_instrument_dedup_sync``; here, for this client, its ``_seen`` set)."""
    counter = {"drops": 0, "yields": 0}
    if not lib.ours:
        controller = thread._controller
        original = controller._dedup_iter

        def counted(source: Any) -> Any:
            for event in source:
                event_id = event.get("event_id")
                if event_id is not None:
                    if event_id in controller._seen_event_ids:
                        counter["drops"] += 1
                        continue
                    controller._seen_event_ids.add(event_id)
                counter["yields"] += 1
                yield event

        assert callable(original)
        controller._dedup_iter = counted
        return counter
    assert hasattr(thread, "_seen"), "the port's hook into this client's stream needs updating"
    thread._seen = _CountingSeen(counter)
    return counter


def drop_connection(lib: Any, thread: Any) -> bool:
    """Drop the connection the projections read, under them (the SDK test closes its shared
    stream, which its reader takes for a dropped connection); ``False`` when none is open.

    For this client the socket under the connection is shut down, as a network drop would: its
    response object is the reader's own (closing it from outside is no public operation; the
    public ``thread.close()`` ends the stream, ``StreamClosedError``).
    """
    if not lib.ours:
        controller = thread._controller
        if controller is None or controller._shared_stream is None:
            return False
        controller._shared_stream.close()
        return True
    from stateless_client._http.abort import shutdown_socket

    assert hasattr(thread, "_connection"), "the port's hook into this client's stream needs updating"
    connection = thread._connection
    if connection is None:
        return False
    shutdown_socket(connection.response)
    return True
