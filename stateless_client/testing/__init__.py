"""Test an app that uses this client without a model or a server: a pytest plugin.

Installed with stateless-client (entry point ``pytest11``), it gives every test two fixtures:

- ``langgraph_mock``: a ``LangGraphMock``, a scripted LangGraph API on a real socket on
  127.0.0.1. Script what runs send with the event helpers below, point the app's client at
  ``langgraph_mock.url`` (or ``langgraph_mock.patch(app.client)``), and assert on
  ``langgraph_mock.requests``.
- ``langgraph_server``: a real ``langgraph dev`` serving your ``langgraph.json`` for the
  session (the ``local`` extra; skipped without it).
- ``langgraph_recording``: a ``LangGraphMock`` that replays this test's exchanges with
  ``langgraph_server``, recorded once with ``--langgraph-record``.

    >>> from stateless_client.testing import tokens, values
    >>> def test_answer(langgraph_mock):
    ...     langgraph_mock.stream(tokens("Hel", "lo"), values({"messages": []}))
    ...     client = get_client(url=langgraph_mock.url)

See docs/testing.md. Importing this package loads no pytest and nothing beyond the standard
library; ``import stateless_client`` does not import it.
"""

from ._events import (
    Drop,
    Event,
    Heartbeat,
    Item,
    Pause,
    custom,
    drop,
    error,
    event,
    heartbeat,
    interrupt,
    pause,
    tokens,
    updates,
    values,
)
from ._mock import LangGraphMock, RecordedRequest, UnexpectedRequest

__all__ = [
    "LangGraphMock",
    "RecordedRequest",
    "UnexpectedRequest",
    "Event",
    "Pause",
    "Heartbeat",
    "Drop",
    "Item",
    "event",
    "tokens",
    "updates",
    "values",
    "custom",
    "interrupt",
    "error",
    "pause",
    "heartbeat",
    "drop",
]
