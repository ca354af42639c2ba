"""The public surface: what ``stateless_client`` exports, and the one exception hierarchy."""

from __future__ import annotations

import inspect

import stateless_client
from stateless_client import (
    APIConnectionError,
    APIError,
    APIStatusError,
    APITimeoutError,
    InvalidResponseError,
    RunError,
    StatelessClientError,
    StreamClosedError,
    StreamInterruptedError,
)

EXPECTED = {
    "Client", "get_client", "Timeout", "NOT_GIVEN", "Runs", "Threads", "RunStream", "SSE_RESPONSE_HEADERS",
    "set_relay_threads", "to_relay_thread",
    "StreamPart", "Run",
    "Thread", "StatelessClientError", "APIError", "APIStatusError", "BadRequestError", "AuthenticationError",
    "PermissionDeniedError", "NotFoundError", "ConflictError", "UnprocessableEntityError", "RateLimitError",
    "InternalServerError", "APIConnectionError", "APITimeoutError", "InvalidResponseError",
    "StreamInterruptedError", "RunError", "StreamClosedError", "InvalidRequestError", "NotSerializableError",
    "__version__",
    "Assistants", "Store", "HttpClient", "Assistant", "AssistantVersion", "GraphSchema", "Item", "SearchItem",
    "ThreadState", "ThreadTask", "ThreadUpdateStateResponse", "Crons", "Cron",
    "ThreadStream", "MessageStream", "TextStream", "ToolCall", "CommandError", "ToolCallError",
    "MessageError",
}


def test_all_is_pinned_and_importable() -> None:
    assert set(stateless_client.__all__) == EXPECTED
    for name in stateless_client.__all__:
        assert hasattr(stateless_client, name), name


def test_every_public_name_has_a_docstring() -> None:
    for name in stateless_client.__all__:
        value = getattr(stateless_client, name)
        if inspect.isclass(value) or inspect.isfunction(value):
            assert inspect.getdoc(value), name
            for member_name, member in vars(value).items() if inspect.isclass(value) else []:
                if not member_name.startswith("_") and (inspect.isfunction(member) or isinstance(member, property)):
                    assert inspect.getdoc(member), f"{name}.{member_name}"


def test_one_hierarchy() -> None:
    for name in stateless_client.__all__:
        value = getattr(stateless_client, name)
        if inspect.isclass(value) and issubclass(value, BaseException):
            assert issubclass(value, StatelessClientError), name
    assert issubclass(APITimeoutError, APIConnectionError) and issubclass(APIConnectionError, APIError)
    assert issubclass(APIStatusError, APIError) and issubclass(InvalidResponseError, APIError)
    assert issubclass(StreamInterruptedError, APIError)
    assert not issubclass(RunError, APIError)
    assert issubclass(StreamClosedError, RuntimeError)


def test_method_signatures_follow_the_official_sdk() -> None:
    from stateless_client import Runs

    stream = inspect.signature(Runs.stream).parameters
    assert list(stream)[:3] == ["self", "thread_id", "assistant_id"]
    positional = ("self", "thread_id", "assistant_id")
    assert all(p.kind is p.KEYWORD_ONLY for name, p in stream.items() if name not in positional)
    for name in ("input", "command", "stream_mode", "stream_subgraphs", "stream_resumable", "metadata", "config",
                 "context", "checkpoint", "checkpoint_id", "interrupt_before", "interrupt_after", "feedback_keys",
                 "on_disconnect", "on_completion", "if_not_exists", "webhook", "multitask_strategy",
                 "after_seconds", "durability", "headers"):
        assert name in stream, name
