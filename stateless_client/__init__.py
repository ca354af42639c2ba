"""A synchronous client for stateless (and stateful) runs on the LangGraph Platform API.

    >>> from stateless_client import get_client
    >>> client = get_client(url=SERVER_URL)  # e.g. "http://127.0.0.1:2024"
    >>> for chunk in client.runs.stream(None, "agent", input=data, stream_mode="updates"):
    ...     if chunk.data and "run_id" not in chunk.data:
    ...         print(chunk.data)
    {'agent': {'messages': [{'content': 'echo: Hello! My name is Bagatur and I am 26 years old.', ...}]}}

Everything public is re-exported here; modules whose names start with ``_`` are private.
``stateless_client.sse`` is the public server-sent-events decoder and ``stateless_client.types``
holds the named types of the signatures (the official SDK's ``langgraph_sdk.schema`` names).
"""

from typing import TYPE_CHECKING, Any

from ._client import Client, get_client
from ._config import NOT_GIVEN, Timeout
from ._exceptions import (
    APIConnectionError,
    APIError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    CommandError,
    ConflictError,
    InternalServerError,
    InvalidRequestError,
    InvalidResponseError,
    MessageError,
    NotFoundError,
    NotSerializableError,
    PermissionDeniedError,
    RateLimitError,
    RunError,
    StatelessClientError,
    StreamClosedError,
    StreamInterruptedError,
    ToolCallError,
    UnprocessableEntityError,
)
from ._version import __version__

if TYPE_CHECKING:
    from ._http.relay import SSE_RESPONSE_HEADERS
    from ._http.relay_pool import set_relay_threads, to_relay_thread
    from ._http.stream import RunStream
    from ._models import (
        Assistant,
        AssistantVersion,
        Cron,
        GraphSchema,
        Item,
        Run,
        SearchItem,
        StreamPart,
        Thread,
        ThreadState,
        ThreadTask,
        ThreadUpdateStateResponse,
    )
    from ._resources.assistants import Assistants
    from ._resources.crons import Crons
    from ._resources.http import HttpClient
    from ._resources.runs import Runs
    from ._resources.store import Store
    from ._resources.threads import Threads
    from ._thread_stream.events import MessageStream, TextStream, ToolCall
    from ._thread_stream.stream import ThreadStream

# The other public names, and the module each lives in, imported at first use: a caller who
# never relays to a browser or opens a thread stream does not pay for loading them (issue 21).
_LAZY = {
    "SSE_RESPONSE_HEADERS": "._http.relay",
    **dict.fromkeys(["set_relay_threads", "to_relay_thread"], "._http.relay_pool"),
    "RunStream": "._http.stream",
    **dict.fromkeys(
        ["Assistant", "AssistantVersion", "Cron", "GraphSchema", "Item", "Run", "SearchItem", "StreamPart",
         "Thread", "ThreadState", "ThreadTask", "ThreadUpdateStateResponse"],
        "._models",
    ),
    "Assistants": "._resources.assistants",
    "Crons": "._resources.crons",
    "HttpClient": "._resources.http",
    "Runs": "._resources.runs",
    "Store": "._resources.store",
    **dict.fromkeys(["MessageStream", "TextStream", "ToolCall"], "._thread_stream.events"),
    "ThreadStream": "._thread_stream.stream",
    "Threads": "._resources.threads",
}


# Hidden from type checkers, which see the imports above: a module ``__getattr__`` would make
# them accept any name, ``stateless_client.Misspelt`` included.
if not TYPE_CHECKING:

    def __getattr__(name: str) -> Any:
        module = _LAZY.get(name)
        if module is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        import importlib

        value = getattr(importlib.import_module(module, __name__), name)
        globals()[name] = value  # later lookups find it without coming here
        return value

    def __dir__() -> list[str]:
        return sorted({*globals(), *_LAZY})


__all__ = [
    "Client",
    "get_client",
    "Timeout",
    "NOT_GIVEN",
    "Runs",
    "Threads",
    "Assistants",
    "Store",
    "HttpClient",
    "RunStream",
    "ThreadStream",
    "MessageStream",
    "TextStream",
    "ToolCall",
    "SSE_RESPONSE_HEADERS",
    "set_relay_threads",
    "to_relay_thread",
    "StreamPart",
    "Run",
    "Thread",
    "Assistant",
    "AssistantVersion",
    "GraphSchema",
    "Item",
    "SearchItem",
    "Crons",
    "Cron",
    "ThreadState",
    "ThreadTask",
    "ThreadUpdateStateResponse",
    "StatelessClientError",
    "APIError",
    "APIStatusError",
    "BadRequestError",
    "AuthenticationError",
    "PermissionDeniedError",
    "NotFoundError",
    "ConflictError",
    "UnprocessableEntityError",
    "RateLimitError",
    "InternalServerError",
    "APIConnectionError",
    "APITimeoutError",
    "InvalidResponseError",
    "StreamInterruptedError",
    "CommandError",
    "RunError",
    "ToolCallError",
    "MessageError",
    "StreamClosedError",
    "InvalidRequestError",
    "NotSerializableError",
    "__version__",
]
